from dataclasses import dataclass, field

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

from .res_company_credit import CREDIT_MODES


@dataclass
class CreditCheck:
    """Outcome of a credit check of a customer in a company."""

    mode: str
    limit: float
    exposure: object
    amount: float = 0.0
    reasons: list = field(default_factory=list)

    @property
    def broken(self):
        return bool(self.reasons)

    @property
    def blocks(self):
        return self.broken and self.mode == "block"


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    ar_credit_mode = fields.Selection(
        selection=CREDIT_MODES,
        string="Credit Control Mode",
        company_dependent=True,
        help="Mode of this customer in the current company. Leave empty for "
        "the company's mode.",
    )
    ar_credit_own_rule = fields.Boolean(
        string="Own Overdue Rule",
        company_dependent=True,
        help="Use the overdue rule below instead of the company's.",
    )
    ar_credit_overdue_days = fields.Integer(
        string="Block after Days Overdue",
        company_dependent=True,
        help="0 disables this part of the rule.",
    )
    ar_credit_overdue_amount = fields.Float(
        string="Block above Overdue Amount",
        company_dependent=True,
        help="In the company currency. 0 disables this part of the rule.",
    )
    ar_credit_exposure = fields.Monetary(
        string="Credit Exposure",
        compute="_compute_ar_credit_exposure",
        currency_field="ar_credit_currency_id",
        help="Posted receivables, draft customer invoices and confirmed orders "
        "not fully invoiced, in the current company's currency.",
    )
    ar_credit_receivable = fields.Monetary(
        string="Posted Receivables",
        compute="_compute_ar_credit_exposure",
        currency_field="ar_credit_currency_id",
    )
    ar_credit_draft_invoices = fields.Monetary(
        string="Draft Invoices",
        compute="_compute_ar_credit_exposure",
        currency_field="ar_credit_currency_id",
    )
    ar_credit_orders = fields.Monetary(
        string="Orders to Invoice",
        compute="_compute_ar_credit_exposure",
        currency_field="ar_credit_currency_id",
    )
    ar_credit_currency_id = fields.Many2one(
        comodel_name="res.currency",
        string="Credit Currency",
        compute="_compute_ar_credit_exposure",
    )
    ar_credit_status = fields.Char(
        string="Credit Status",
        compute="_compute_ar_credit_exposure",
        help="Why the customer is over its credit terms in the current "
        "company, if it is.",
    )

    @api.constrains(
        "ar_credit_overdue_days", "ar_credit_overdue_amount", "credit_limit"
    )
    def _check_ar_credit_values(self):
        for partner in self:
            values = {
                self.env._("credit limit"): partner.credit_limit,
                self.env._("days overdue"): partner.ar_credit_overdue_days,
                self.env._("overdue amount"): partner.ar_credit_overdue_amount,
            }
            for label, value in values.items():
                if value < 0:
                    raise ValidationError(
                        self.env._(
                            "%(customer)s: the %(field)s %(value)s is negative. "
                            "Enter 0 for no limit, or a positive value.",
                            customer=partner.display_name,
                            field=label,
                            value=value,
                        )
                    )

    @api.depends_context("company")
    def _compute_ar_credit_exposure(self):
        company = self.env.company
        partners = self.commercial_partner_id
        exposures = self.env["ar.credit.exposure"]._get_exposures(company, partners.ids)
        for partner in self:
            commercial = partner.commercial_partner_id
            exposure = exposures.get(commercial.id)
            check = commercial._ar_credit_check(company, exposure=exposure)
            partner.ar_credit_currency_id = company.currency_id
            partner.ar_credit_receivable = exposure.receivable
            partner.ar_credit_draft_invoices = exposure.draft_invoices
            partner.ar_credit_orders = exposure.orders
            partner.ar_credit_exposure = exposure.total
            partner.ar_credit_status = "\n".join(check.reasons)

    def _ar_credit_case(self, company):
        return (
            self.env["ar.collection.case"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
        )

    def _ar_credit_rule(self, company):
        """Return (mode, days, amount) of this customer in ``company``."""
        partner = self.commercial_partner_id.with_company(company)
        mode = partner.ar_credit_mode or company.ar_credit_mode
        if partner.ar_credit_own_rule:
            return (
                mode,
                partner.ar_credit_overdue_days,
                partner.ar_credit_overdue_amount,
            )
        return mode, company.ar_credit_overdue_days, company.ar_credit_overdue_amount

    def _ar_credit_check(self, company, amount=0.0, exposure=None):
        """Return the :class:`CreditCheck` of this customer in ``company``.

        ``amount`` is the company-currency amount a document would add to the
        exposure (0 for a document already counted, such as a draft invoice).
        """
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(company)
        if exposure is None:
            exposure = self.env["ar.credit.exposure"]._get_exposures(
                company, partner.ids
            )[partner.id]
        mode, days, overdue_amount = partner._ar_credit_rule(company)
        limit = partner.sudo().credit_limit
        check = CreditCheck(mode=mode, limit=limit, exposure=exposure, amount=amount)
        if mode == "off":
            return check

        currency = company.currency_id
        total = exposure.total + amount
        if limit and currency.compare_amounts(total, limit) > 0:
            check.reasons.append(
                self.env._(
                    "Exposure %(total)s is over the credit limit %(limit)s "
                    "(receivables %(receivable)s, draft invoices %(drafts)s, "
                    "orders to invoice %(orders)s, this document %(amount)s).",
                    total=formatLang(self.env, total, currency_obj=currency),
                    limit=formatLang(self.env, limit, currency_obj=currency),
                    receivable=formatLang(
                        self.env, exposure.receivable, currency_obj=currency
                    ),
                    drafts=formatLang(
                        self.env, exposure.draft_invoices, currency_obj=currency
                    ),
                    orders=formatLang(self.env, exposure.orders, currency_obj=currency),
                    amount=formatLang(self.env, amount, currency_obj=currency),
                )
            )
        if days and exposure.max_days_overdue > days:
            check.reasons.append(
                self.env._(
                    "An item is %(days)s days overdue, more than the %(limit)s "
                    "days allowed.",
                    days=exposure.max_days_overdue,
                    limit=days,
                )
            )
        if (
            overdue_amount
            and currency.compare_amounts(exposure.overdue, overdue_amount) > 0
        ):
            check.reasons.append(
                self.env._(
                    "Overdue amount %(overdue)s is above %(limit)s.",
                    overdue=formatLang(
                        self.env, exposure.overdue, currency_obj=currency
                    ),
                    limit=formatLang(self.env, overdue_amount, currency_obj=currency),
                )
            )
        case = partner._ar_credit_case(company)
        if case.credit_hold:
            check.reasons.append(
                self.env._(
                    "The customer is on credit hold: %(reason)s",
                    reason=case.credit_hold_reason or case.stage_id.name or "",
                )
            )
        return check

    def action_ar_open_credit_drafts(self):
        """Open the draft customer invoices counted in the exposure."""
        self.ensure_one()
        exposure = self.env["ar.credit.exposure"]._get_exposures(
            self.env.company, self.commercial_partner_id.ids
        )[self.commercial_partner_id.id]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", exposure.draft_invoice_ids)]
        return action

    def action_ar_open_credit_orders(self):
        """Open the sales orders counted in the exposure (sales glue module)."""
        self.ensure_one()
        exposure = self.env["ar.credit.exposure"]._get_exposures(
            self.env.company, self.commercial_partner_id.ids
        )[self.commercial_partner_id.id]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Orders to Invoice"),
            "res_model": "sale.order",
            "view_mode": "list,form",
            "domain": [("id", "in", exposure.order_ids)],
        }
