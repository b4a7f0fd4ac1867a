from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    ar_penalty_rule_id = fields.Many2one(
        comodel_name="ar.penalty.rule",
        string="Penalty Rule",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Late-payment penalty rule of this customer in the current "
        "company. Leave empty for the company's default rule.",
    )
    ar_penalty_to_charge_total = fields.Monetary(
        string="Penalty to Charge",
        compute="_compute_ar_penalty_totals",
        currency_field="ar_penalty_currency_id",
        help="Penalties not charged yet on this customer's invoices in the "
        "current company, in its currency at today's rate.",
    )
    ar_penalty_charged_total = fields.Monetary(
        string="Penalty Charged",
        compute="_compute_ar_penalty_totals",
        currency_field="ar_penalty_currency_id",
    )
    ar_penalty_accrued_total = fields.Monetary(
        string="Penalty Accrued",
        compute="_compute_ar_penalty_totals",
        currency_field="ar_penalty_currency_id",
    )
    ar_penalty_currency_id = fields.Many2one(
        comodel_name="res.currency",
        string="Penalty Currency",
        compute="_compute_ar_penalty_totals",
    )

    def write(self, vals):
        result = super().write(vals)
        if "ar_penalty_rule_id" in vals:
            self.env["account.move"]._ar_penalty_mark_company_dirty(
                self.env.company, partners=self
            )
        return result

    @api.depends_context("company")
    def _compute_ar_penalty_totals(self):
        company = self.env.company
        currency = company.currency_id
        today = fields.Date.context_today(self)
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("ar_penalty_accrued", "!=", 0),
            ],
            ["commercial_partner_id", "currency_id"],
            [
                "ar_penalty_to_charge:sum",
                "ar_penalty_charged:sum",
                "ar_penalty_accrued:sum",
            ],
        )
        totals = {}
        for partner, move_currency, to_charge, charged, accrued in groups:
            figures = totals.setdefault(partner.id, [0.0, 0.0, 0.0])
            for index, amount in enumerate((to_charge, charged, accrued)):
                figures[index] += move_currency._convert(
                    amount, currency, company, today
                )
        for partner in self:
            to_charge, charged, accrued = totals.get(
                partner.commercial_partner_id.id, (0.0, 0.0, 0.0)
            )
            partner.ar_penalty_currency_id = currency
            partner.ar_penalty_to_charge_total = to_charge
            partner.ar_penalty_charged_total = charged
            partner.ar_penalty_accrued_total = accrued

    def action_ar_open_penalties(self):
        """Open the customer's invoices with penalties."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.action_ar_penalty_invoices"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("ar_penalty_accrued", "!=", 0),
        ]
        return action
