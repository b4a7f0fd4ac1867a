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
        self._ar_check_credit_before_confirm()
        return super().action_confirm()

    def _validate_order(self):
        """Leave a signed portal quotation unconfirmed when credit control blocks it.

        The customer signed online without paying: instead of an error on
        the portal, the quotation stays to be confirmed and the salesperson
        gets an activity with the reasons.
        """
        blocked = self.browse()
        for order in self:
            check = order._ar_credit_check_order()
            if check and check.blocks and not order._ar_has_override():
                blocked |= order
                order._ar_schedule_credit_activity(
                    order.user_id,
                    self.env._("Signed quotation held by credit control"),
                    check,
                )
        if blocked:
            _logger.info(
                "Signed quotations %s left unconfirmed by credit control", blocked.ids
            )
        return super(SaleOrder, self - blocked)._validate_order()

    def _ar_credit_check_order(self):
        """Return the credit check of confirming this order, or None if it adds 0."""
        self.ensure_one()
        amount = self._ar_credit_amount()
        if self.company_id.currency_id.compare_amounts(amount, 0) <= 0:
            return None
        partner = self.partner_id.commercial_partner_id
        return partner._ar_credit_check(self.company_id, amount=amount)

    def _ar_has_override(self):
        return bool(
            self.env["ar.credit.override"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("used", "=", False),
                ],
                limit=1,
            )
        )

    def _ar_schedule_credit_activity(self, user, summary, check):
        """Plan a to-do for ``user`` on the order, with the credit check's reasons."""
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note="\n".join(check.reasons),
            user_id=(user or self.env.user).id,
        )

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

            if self.env.context.get("ar_credit_paid_online"):
                # The customer has paid: the order is confirmed as usual and
                # the collector gets an activity, since the customer is over its terms.
                case = partner._ar_credit_case(company)
                collector = (
                    case.collector_id or partner.ar_collector_id or order.user_id
                )
                order._ar_schedule_credit_activity(
                    collector,
                    self.env._("Paid online order confirmed over a credit block"),
                    check,
                )
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
