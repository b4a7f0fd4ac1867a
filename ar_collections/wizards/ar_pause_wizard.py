from odoo import fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class ArPauseWizard(models.TransientModel):
    """Pause the collection run for a customer up to a date."""

    _name = "ar.pause.wizard"
    _description = "Pause Collection"

    case_id = fields.Many2one(
        comodel_name="ar.collection.case",
        required=True,
        ondelete="cascade",
    )
    date_until = fields.Date(string="Pause Until", required=True)
    reason = fields.Text(required=True)

    def action_pause(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.date_until < today:
            raise ValidationError(
                self.env._(
                    "The pause would end on %(date)s, which is in the past. "
                    "Choose today or a later date.",
                    date=format_date(self.env, self.date_until),
                )
            )
        case = self.case_id.sudo()
        case.paused_until = self.date_until
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": case.partner_id.id,
                    "company_id": case.company_id.id,
                    "event_type": "pause",
                    "channel": "manual",
                    "stage_id": case.stage_id.id,
                    "result": self.env._(
                        "Paused until %(date)s",
                        date=format_date(self.env, self.date_until),
                    ),
                    "description": self.reason,
                }
            ]
        )
        return {"type": "ir.actions.act_window_close"}
