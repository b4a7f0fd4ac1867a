"""Confirmed sales orders in the credit exposure of a customer."""

from odoo import api, models

# Order invoice statuses that mean Odoo has nothing left to invoice on the
# ordered quantities: every line is invoiced, or delivered beyond the order.
CLOSED_INVOICE_STATUSES = ("invoiced", "upselling")


class ArCreditExposure(models.AbstractModel):
    _inherit = "ar.credit.exposure"

    @api.model
    def _add_order_exposures(self, company, exposures):
        """Add the part of confirmed orders that is not on an invoice yet.

        One query for all customers. An order counts from confirmation until
        it is cancelled or Odoo marks it invoiced or upselling. Its amount is
        the order total, taxes included, minus the invoice lines linked to
        its lines:

        - customer invoices, draft or posted, are subtracted, because the
          core counts drafts and posted receivables itself;
        - posted credit notes linked to the order add their amount back,
          as Odoo lowers the invoiced quantity for them. Draft credit notes
          are left out, so the exposure does not rise before the credit note
          lowers the receivable.

        Delivered quantities play no part: an order invoiced on delivery
        counts in full while nothing is delivered. The rest, never below
        zero, is converted once to the company currency with the rate stored
        on the order at its date (``currency_rate``), as Odoo's own credit
        warning on orders does. An invoice line in another currency than its
        order is first brought to the company currency with its invoice's
        rate.
        """
        exposures = super()._add_order_exposures(company, exposures)
        if not exposures:
            return exposures
        self.env.flush_all()

        self.env.cr.execute(
            """
            WITH orders AS (
                SELECT so.id,
                       partner.commercial_partner_id,
                       so.amount_total,
                       so.currency_id,
                       COALESCE(NULLIF(so.currency_rate, 0), 1) AS rate
                  FROM sale_order so
                  JOIN res_partner partner ON partner.id = so.partner_id
                 WHERE so.company_id = %(company)s
                   AND so.state = 'sale'
                   AND COALESCE(so.invoice_status, 'no') NOT IN %(closed)s
                   AND partner.commercial_partner_id = ANY(%(partners)s)
            ),
            invoiced AS (
                SELECT orders.id AS order_id,
                       SUM(
                           CASE WHEN move.currency_id = orders.currency_id
                                THEN aml.price_total
                                ELSE aml.price_total * orders.rate / COALESCE(
                                    NULLIF(move.invoice_currency_rate, 0), 1)
                           END
                           * CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                       ) AS amount
                  FROM orders
                  JOIN sale_order_line line ON line.order_id = orders.id
                  JOIN sale_order_line_invoice_rel rel
                    ON rel.order_line_id = line.id
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move move ON move.id = aml.move_id
                 WHERE (move.move_type = 'out_invoice'
                        AND move.state IN ('draft', 'posted'))
                    OR (move.move_type = 'out_refund' AND move.state = 'posted')
                 GROUP BY orders.id
            )
            SELECT orders.commercial_partner_id,
                   orders.id,
                   GREATEST(orders.amount_total - COALESCE(invoiced.amount, 0), 0)
                       / orders.rate
              FROM orders
              LEFT JOIN invoiced ON invoiced.order_id = orders.id
             ORDER BY orders.id
            """,
            {
                "company": company.id,
                "closed": CLOSED_INVOICE_STATUSES,
                "partners": list(exposures),
            },
        )

        currency = company.currency_id
        for partner_id, order_id, amount in self.env.cr.fetchall():
            amount = currency.round(amount or 0.0)
            if currency.is_zero(amount):
                continue
            exposure = exposures[partner_id]
            exposure.orders += amount
            exposure.order_ids.append(order_id)
        return exposures
