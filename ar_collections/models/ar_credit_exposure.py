"""Credit exposure of customers per company, in company currency."""

from dataclasses import dataclass, field

from odoo import api, models


@dataclass
class CreditExposure:
    """Amounts a customer owes, or is committed to owe, one company.

    Every amount is in the company currency, taken from the figure Odoo
    stores in that currency, so nothing is converted twice.
    """

    receivable: float = 0.0
    draft_invoices: float = 0.0
    orders: float = 0.0
    overdue: float = 0.0
    max_days_overdue: int = 0
    draft_invoice_ids: list = field(default_factory=list)
    order_ids: list = field(default_factory=list)

    @property
    def total(self):
        return self.receivable + self.draft_invoices + self.orders


class ArCreditExposure(models.AbstractModel):
    _name = "ar.credit.exposure"
    _description = "Credit Exposure"

    @api.model
    def _get_exposures(self, company, partner_ids, today=None):
        """Return {commercial partner id: :class:`CreditExposure`} (three queries).

        - receivable: posted receivable residuals in company currency, which
          are already net of credit notes and unmatched payments;
        - draft invoices: draft customer invoices, taxes included, at the
          company-currency total Odoo stores on them;
        - orders: added by :meth:`_add_order_exposures` (the sales glue
          module), confirmed orders not fully invoiced;
        - overdue and max days overdue: positive receivable items past due.
        """
        today = today or company._ar_local_today()
        partner_ids = list(partner_ids)
        exposures = {partner_id: CreditExposure() for partner_id in partner_ids}
        if not partner_ids:
            return exposures
        self.env.flush_all()
        cr = self.env.cr

        cr.execute(
            """
            SELECT partner.commercial_partner_id,
                   SUM(aml.amount_residual),
                   SUM(aml.amount_residual) FILTER (
                       WHERE aml.amount_residual > 0
                         AND COALESCE(aml.date_maturity, aml.date) < %(today)s),
                   MAX(%(today)s - COALESCE(aml.date_maturity, aml.date)) FILTER (
                       WHERE aml.amount_residual > 0
                         AND COALESCE(aml.date_maturity, aml.date) < %(today)s)
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.company_id = %(company)s
               AND aml.amount_residual != 0
               AND partner.commercial_partner_id = ANY(%(partners)s)
             GROUP BY partner.commercial_partner_id
            """,
            {"today": today, "company": company.id, "partners": partner_ids},
        )
        for partner_id, residual, overdue, max_days in cr.fetchall():
            exposure = exposures[partner_id]
            exposure.receivable = residual or 0.0
            exposure.overdue = overdue or 0.0
            exposure.max_days_overdue = max_days or 0

        cr.execute(
            """
            SELECT move.commercial_partner_id, move.id, move.amount_total_signed
              FROM account_move move
             WHERE move.state = 'draft'
               AND move.move_type = 'out_invoice'
               AND move.company_id = %s
               AND move.commercial_partner_id = ANY(%s)
            """,
            [company.id, partner_ids],
        )
        for partner_id, move_id, amount in cr.fetchall():
            exposure = exposures[partner_id]
            exposure.draft_invoices += amount or 0.0
            exposure.draft_invoice_ids.append(move_id)

        self._add_order_exposures(company, exposures)
        return exposures

    @api.model
    def _add_order_exposures(self, company, exposures):
        """Add confirmed orders not fully invoiced to ``exposures``.

        The sales glue module fills this in; without it there are none.
        """
        return exposures
