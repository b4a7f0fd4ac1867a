from odoo import fields, models
from odoo.exceptions import UserError


class ArCreditHoldWizard(models.TransientModel):
    """Put a customer on credit hold (stop list), or lift the hold, by hand."""

    _name = "ar.credit.hold.wizard"
    _description = "Credit Hold"

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        default=lambda self: self.env["res.partner"]
        .browse(self.env.context.get("active_id"))
        .commercial_partner_id,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    action = fields.Selection(
        selection=[("set", "Put on credit hold"), ("lift", "Lift the credit hold")],
        required=True,
        default="set",
    )
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        case = partner._ar_credit_case(self.company_id)
        if not case:
            case = (
                self.env["ar.collection.case"]
                .sudo()
                .create({"partner_id": partner.id, "company_id": self.company_id.id})
            )
        if self.action == "set":
            case.write(
                {
                    "credit_hold": True,
                    "credit_hold_date": fields.Date.context_today(self),
                    "credit_hold_reason": self.reason,
                    "credit_hold_user_id": self.env.uid,
                    "credit_hold_source": "manual",
                }
            )
            event_type = "credit_hold"
        else:
            if not case.credit_hold:
                raise UserError(
                    self.env._(
                        "%(customer)s is not on credit hold in %(company)s.",
                        customer=partner.display_name,
                        company=self.company_id.name,
                    )
                )
            case.write(self.env["ar.collection.run"]._lifted_hold_vals())
            event_type = "credit_hold_lifted"
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "event_type": event_type,
                    "channel": "manual",
                    "result": self.reason,
                }
            ]
        )
        return {"type": "ir.actions.act_window_close"}
