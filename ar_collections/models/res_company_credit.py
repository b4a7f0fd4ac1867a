from odoo import api, fields, models
from odoo.exceptions import ValidationError

CREDIT_MODES = [
    ("off", "Off"),
    ("warn", "Warn only"),
    ("block", "Block"),
]


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    ar_credit_mode = fields.Selection(
        selection=CREDIT_MODES,
        string="Credit Control",
        default="warn",
        required=True,
        help="Warn only: invoices and orders over the limit, past the overdue "
        "rule or on credit hold show a banner. Block: posting such a customer "
        "invoice or confirming such an order is refused unless a credit "
        "manager overrides it. Customers can have a mode of their own.",
    )
    ar_credit_overdue_days = fields.Integer(
        string="Block after Days Overdue",
        help="The rule is broken when any item of the customer is more than "
        "this many days overdue. 0 disables this part of the rule.",
    )
    ar_credit_overdue_amount = fields.Monetary(
        string="Block above Overdue Amount",
        currency_field="currency_id",
        help="The rule is broken when the customer's overdue amount is above "
        "this amount, in the company currency. 0 disables this part of the "
        "rule.",
    )

    @api.constrains("ar_credit_overdue_days", "ar_credit_overdue_amount")
    def _check_ar_credit_rule(self):
        for company in self:
            if (
                company.ar_credit_overdue_days < 0
                or company.ar_credit_overdue_amount < 0
            ):
                raise ValidationError(
                    self.env._(
                        "Company %(company)s: the overdue rule has a negative value "
                        "(%(days)s days, %(amount)s). Enter zero to disable a part "
                        "of the rule, or a positive value.",
                        company=company.name,
                        days=company.ar_credit_overdue_days,
                        amount=company.ar_credit_overdue_amount,
                    )
                )
