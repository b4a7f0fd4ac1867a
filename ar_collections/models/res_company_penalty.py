from odoo import fields, models


def default_rule_names(env):
    """Return the names of the rules created on install, in ``env``'s language."""
    return [
        env._("Contract penalty 0.1% per day"),
        env._("Interest under art. 395 Civil Code"),
    ]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    ar_penalty_rule_id = fields.Many2one(
        comodel_name="ar.penalty.rule",
        string="Default Penalty Rule",
        domain="[('company_id', '=', id)]",
        help="Late-payment penalty rule of this company's invoices, unless a "
        "customer or an invoice has one of its own. Leave empty to accrue no "
        "penalties by default.",
    )
    ar_penalty_after_principal = fields.Selection(
        selection=[
            ("payable", "Penalty stays payable"),
            ("waive", "Waive the uncharged penalty"),
        ],
        string="When the Principal Is Paid",
        default="payable",
        required=True,
        help="Stays payable: the penalty accrued up to the payment is still "
        "charged by the next charge run. Waive: the penalty not charged yet "
        "and pending stage fees are recorded as waived, with a history entry. "
        "Penalty invoices already issued stay payable either way.",
    )
    ar_penalty_journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Penalty Journal",
        domain="[('company_id', '=', id), ('type', '=', 'sale')]",
        help="Sales journal of penalty invoices. Leave empty for the first "
        "sales journal.",
    )
    ar_penalty_auto_charge = fields.Boolean(
        string="Charge Penalties Monthly",
        help="The scheduled charge run invoices, early each month, the "
        "penalties accrued up to the end of the previous month.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "ar_penalty_rule_id" in vals:
            self.env["account.move"]._ar_penalty_mark_company_dirty(self)
        return result

    def _ar_ensure_penalty_rules(self):
        """Create the two usual penalty rules in companies that have none.

        The rules are not made the company default: penalties accrue only
        once a manager chooses a default rule or a rule per customer.
        """
        Rule = self.env["ar.penalty.rule"].sudo()
        product = self.env.ref(
            "ar_collections.product_penalty", raise_if_not_found=False
        )
        refinancing = self.env.ref(
            "ar_collections.rate_table_refinancing", raise_if_not_found=False
        )
        for company in self:
            if Rule.with_context(active_test=False).search_count(
                [("company_id", "=", company.id)], limit=1
            ):
                continue
            english = default_rule_names(self.with_context(lang="en_US").env)
            rules = Rule.with_context(lang="en_US").create(
                [
                    {
                        "name": english[0],
                        "company_id": company.id,
                        "method": "daily_percent",
                        "rate": 0.1,
                        "product_id": product.id if product else False,
                    },
                    {
                        "name": english[1],
                        "company_id": company.id,
                        "method": "art395",
                        "day_count": "act_act",
                        "early_rate_table_id": refinancing.id if refinancing else False,
                        "product_id": product.id if product else False,
                    },
                ]
            )
            rules._set_default_name_translations()
