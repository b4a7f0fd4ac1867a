from odoo import fields, models


class ArCollectionRunWizard(models.TransientModel):
    """Manual collection run for selected customers."""

    _name = "ar.collection.run.wizard"
    _description = "Run Collection Reminders"

    as_of_date = fields.Date(
        string="As of",
        help="Date the run acts for. Leave empty for today in each company's "
        "time zone.",
    )
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        default=lambda self: self._default_partner_ids(),
        help="Leave empty to run for every customer.",
    )

    def _default_partner_ids(self):
        context = self.env.context
        active_ids = context.get("active_ids") or []
        if context.get("active_model") == "res.partner":
            return self.env["res.partner"].browse(active_ids).commercial_partner_id
        if context.get("active_model") == "ar.debtor":
            # A debtor id is partner_id * 100000 + company_id, and the row may
            # not exist as of today, so the partner is read from the id.
            return self.env["res.partner"].browse(
                [debtor_id // 100000 for debtor_id in active_ids]
            )
        return self.env["res.partner"]

    def action_run(self):
        self.ensure_one()
        summary = self.env["ar.collection.run"].run_reminders(
            as_of_date=self.as_of_date,
            company_ids=self.env.companies.ids,
            partner_ids=self.partner_ids.commercial_partner_id.ids or None,
            commit=False,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Collection run done"),
                "message": self.env._(
                    "%(queued)s reminders queued, %(done)s actions without a "
                    "message, %(failed)s failed, %(skipped)s customers with "
                    "nothing due.",
                    **summary,
                ),
                "type": "success" if not summary["failed"] else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
