from odoo import fields, models


class ArCallLogWizard(models.TransientModel):
    """Record a call with a customer in its contact history."""

    _name = "ar.call.log.wizard"
    _description = "Log a Collection Call"

    case_id = fields.Many2one(
        comodel_name="ar.collection.case",
        required=True,
        ondelete="cascade",
    )
    result = fields.Selection(
        selection=[
            ("reached", "Reached the customer"),
            ("no_answer", "No answer"),
            ("wrong_number", "Wrong number"),
            ("callback", "Call back later"),
        ],
        required=True,
        default="reached",
    )
    note = fields.Text(help="Short summary of the call.")

    def action_log(self):
        self.ensure_one()
        case = self.case_id
        label = dict(self._fields["result"]._description_selection(self.env))[
            self.result
        ]
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": case.partner_id.id,
                    "company_id": case.company_id.id,
                    "event_type": "call",
                    "channel": "phone",
                    "stage_id": case.stage_id.id,
                    "result": label,
                    "description": self.note,
                }
            ]
        )
        call_type = self.env.ref("mail.mail_activity_data_call")
        case.activity_ids.filtered(
            lambda activity: activity.activity_type_id == call_type
        ).action_feedback(feedback=label)
        return {"type": "ir.actions.act_window_close"}
