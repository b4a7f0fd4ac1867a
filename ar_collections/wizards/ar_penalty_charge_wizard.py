from odoo import fields, models
from odoo.exceptions import UserError


class ArPenaltyChargeWizard(models.TransientModel):
    """Charge the late-payment penalties accrued up to a date."""

    _name = "ar.penalty.charge.wizard"
    _description = "Charge Late-Payment Penalties"

    charge_date = fields.Date(
        string="Charge up to",
        required=True,
        default=fields.Date.context_today,
        help="Last day charged. Each invoice is charged from the day after "
        "its last charged day.",
    )
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        default=lambda self: self._default_partner_ids(),
        help="Leave empty to charge every customer.",
    )

    def _default_partner_ids(self):
        context = self.env.context
        active_ids = context.get("active_ids") or []
        if context.get("active_model") == "res.partner":
            return self.env["res.partner"].browse(active_ids).commercial_partner_id
        if context.get("active_model") == "account.move":
            return self.env["account.move"].browse(active_ids).commercial_partner_id
        return self.env["res.partner"]

    def action_charge(self):
        self.ensure_one()
        if self.charge_date > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "The charge date %(date)s is in the future. Charge penalties "
                    "up to today at the latest.",
                    date=self.charge_date,
                )
            )
        invoices = self.env["ar.penalty.charge"]._run_charge(
            self.charge_date,
            companies=self.env.companies,
            partner_ids=self.partner_ids.commercial_partner_id.ids or None,
        )
        if not invoices:
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "Nothing to charge up to %(date)s.", date=self.charge_date
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
