import logging

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _ar_credit_amount(self):
        """Return what confirming this order adds to the exposure, in company currency.

        A quotation adds its total, converted with the rate stored on the
        order. A confirmed order is already in the exposure and adds 0.
        """
        self.ensure_one()
        if self.state not in ("draft", "sent"):
            return 0.0
        currency = self.company_id.currency_id
        return currency.round(self.amount_total / (self.currency_rate or 1.0))

    # Odoo's dependencies of this compute method, with the state and the rate.
    @api.depends("company_id", "partner_id", "amount_total", "state", "currency_rate")
    def _compute_partner_credit_warning(self):
        result = super()._compute_partner_credit_warning()
        for order in self:
            partner = order.partner_id.commercial_partner_id
            company = order.company_id
            if not partner or not company or order.state == "cancel":
                continue
            mode, _days, _amount = partner._ar_credit_rule(company)
            if mode == "off":
                continue
            order.partner_credit_warning = self.env["account.move"]._ar_credit_warning(
                partner, company, order._ar_credit_amount()
            )
        return result

    def action_confirm(self):
        # NOTE: online payments and portal signatures confirm through this
        # method too, so in block mode they are rejected like the button.
        self._ar_check_credit_before_confirm()
        return super().action_confirm()

    def _ar_check_credit_before_confirm(self):
        """Reject confirming orders of customers blocked by credit control.

        Each order is checked with its own amount added to the exposure, and
        with the orders before it in ``self`` counted as confirmed. Orders
        that add nothing (confirmed already, zero or negative totals) are
        never checked. An unused override of a credit manager lets an order
        pass once.
        """
        exposures = {}
        for order in self:
            company = order.company_id
            amount = order._ar_credit_amount()
            if company.currency_id.compare_amounts(amount, 0) <= 0:
                continue

            partner = order.partner_id.commercial_partner_id
            key = (partner.id, company.id)
            if key not in exposures:
                exposures[key] = self.env["ar.credit.exposure"]._get_exposures(
                    company, partner.ids
                )[partner.id]
            exposure = exposures[key]
            check = partner._ar_credit_check(company, amount=amount, exposure=exposure)
            exposure.orders += amount
            exposure.order_ids.append(order.id)
            if not check.blocks:
                continue

            override = self.env["ar.credit.override"]._take(order)
            if override:
                _logger.info(
                    "Sales order %s of customer %s confirmed over a credit block "
                    "with override %s",
                    order.id,
                    partner.id,
                    override.id,
                )
                continue
            raise UserError(
                self.env._(
                    "Order %(order)s for %(customer)s cannot be confirmed: the "
                    "customer is blocked by credit control.\n%(reasons)s\nAsk a "
                    "credit manager to override the block, or collect the debt "
                    "first.",
                    order=order.name,
                    customer=partner.display_name,
                    reasons="\n".join(check.reasons),
                )
            )

    def action_ar_credit_override(self):
        """Open the override wizard for this order, with its amount counted."""
        self.ensure_one()
        return self.env["ar.credit.override.wizard"]._action_open(
            self, amount=self._ar_credit_amount()
        )
