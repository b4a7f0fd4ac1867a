from odoo import Command, fields
from odoo.tests import tagged

from .common import SaleCreditCase


@tagged("post_install", "-at_install")
class TestOrderExposure(SaleCreditCase):
    def _assert_exposure(self, receivable, drafts, orders):
        exposure = self._exposure()
        self.assertAlmostEqual(exposure.receivable, receivable, places=2)
        self.assertAlmostEqual(exposure.draft_invoices, drafts, places=2)
        self.assertAlmostEqual(exposure.orders, orders, places=2)

    def test_quotation_not_counted(self):
        self._create_order(500.0)
        self._assert_exposure(0.0, 0.0, 0.0)

    def test_delivery_policy_counts_in_full(self):
        """Nothing delivered or invoiced: the whole order counts."""
        order = self._create_order(2000.0, quantity=4.0)
        order.action_confirm()

        self.assertEqual(order.invoice_status, "no")
        exposure = self._exposure()
        self.assertAlmostEqual(exposure.orders, 2000.0, places=2)
        self.assertEqual(exposure.order_ids, order.ids)

    def test_taxes_included(self):
        tax = self.env["account.tax"].create(
            {"name": "Sales Tax 20%", "amount": 20.0, "amount_type": "percent"}
        )
        order = self._create_order(1000.0)
        order.order_line.tax_id = tax
        order.action_confirm()

        self.assertAlmostEqual(order.amount_total, 1200.0, places=2)
        self._assert_exposure(0.0, 0.0, 1200.0)

    def test_cancelled_order_not_counted(self):
        order = self._create_order(700.0)
        order.action_confirm()
        order._action_cancel()

        self.assertEqual(order.state, "cancel")
        self._assert_exposure(0.0, 0.0, 0.0)

    def test_partial_invoice_counted_once(self):
        """At each step of invoicing 400 then 600 of 1,000, the total stays 1,000."""
        order = self._create_order(1000.0, product=self.product_ordered, quantity=10.0)
        order.action_confirm()
        self._assert_exposure(0.0, 0.0, 1000.0)

        first = order._create_invoices()
        line = first.invoice_line_ids
        first.write({"invoice_line_ids": [Command.update(line.id, {"quantity": 4.0})]})
        self._assert_exposure(0.0, 400.0, 600.0)

        first.action_post()
        self._assert_exposure(400.0, 0.0, 600.0)

        second = order._create_invoices()
        self.assertAlmostEqual(second.amount_total, 600.0, places=2)
        self._assert_exposure(400.0, 600.0, 0.0)

        second.action_post()
        self.assertEqual(order.invoice_status, "invoiced")
        self._assert_exposure(1000.0, 0.0, 0.0)

    def test_posted_credit_note_counts_again(self):
        """A credit note linked to the order lowers Odoo's invoiced quantity."""
        order = self._create_order(1000.0, product=self.product_ordered, quantity=10.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self._assert_exposure(1000.0, 0.0, 0.0)

        refund = invoice._reverse_moves(cancel=True)

        self.assertEqual(refund.state, "posted")
        self.assertEqual(order.order_line.qty_invoiced, 0.0)
        self._assert_exposure(0.0, 0.0, 1000.0)

    def test_draft_credit_note_not_counted(self):
        order = self._create_order(1000.0, product=self.product_ordered, quantity=10.0)
        order.action_confirm()
        order._create_invoices().action_post()
        invoice = order.invoice_ids

        refund = invoice._reverse_moves()

        self.assertEqual(refund.state, "draft")
        self._assert_exposure(1000.0, 0.0, 0.0)

    def test_invoiced_lower_price_closed(self):
        """Odoo marks the order invoiced: a lower invoice price leaves 0."""
        order = self._create_order(1000.0, product=self.product_ordered, quantity=10.0)
        order.action_confirm()
        invoice = order._create_invoices()
        line = invoice.invoice_line_ids
        invoice.write(
            {"invoice_line_ids": [Command.update(line.id, {"price_unit": 80.0})]}
        )
        self.assertEqual(order.invoice_status, "invoiced")

        self._assert_exposure(0.0, 800.0, 0.0)

    def test_locked_order_still_counted(self):
        """Locking, which Odoo can do on confirmation, does not close an order."""
        order = self._create_order(300.0)
        order.action_confirm()
        order.action_lock()

        self._assert_exposure(0.0, 0.0, 300.0)

    def test_other_currency_at_order_rate(self):
        """An order in EUR counts at the rate stored on the order, not today's."""
        eur = self.env.ref("base.EUR")
        eur.active = True
        if eur == self.currency:
            eur = self.env.ref("base.GBP")
            eur.active = True
        rates = self.env["res.currency.rate"]
        rates.search([("currency_id", "=", eur.id)]).unlink()
        today = fields.Date.today()
        rates.create(
            {
                "currency_id": eur.id,
                "rate": 0.8,
                "name": fields.Date.subtract(today, days=10),
                "company_id": self.company.id,
            }
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "Foreign Currency", "currency_id": eur.id}
        )
        order = self._create_order(400.0, pricelist_id=pricelist.id)
        self.assertEqual(order.currency_id, eur)
        order.action_confirm()
        self.assertAlmostEqual(order.currency_rate, 0.8)

        rates.create(
            {
                "currency_id": eur.id,
                "rate": 0.5,
                "name": today,
                "company_id": self.company.id,
            }
        )

        self._assert_exposure(0.0, 0.0, 500.0)

    def test_query_count_constant(self):
        """One query more than the core, whatever the number of orders."""
        for amount in (100.0, 200.0, 300.0):
            self._create_order(amount).action_confirm()
        others = self.env["res.partner"].create(
            [{"name": f"Other Customer {index}"} for index in range(3)]
        )
        for partner in others:
            self._create_order(50.0, partner_id=partner.id).action_confirm()
        exposures = self.env["ar.credit.exposure"]
        exposures._get_exposures(self.company, self.customer.ids)

        start = self.env.cr.sql_log_count
        exposures._get_exposures(self.company, self.customer.ids)
        one_customer = self.env.cr.sql_log_count - start

        start = self.env.cr.sql_log_count
        result = exposures._get_exposures(self.company, (self.customer | others).ids)
        four_customers = self.env.cr.sql_log_count - start

        self.assertEqual(one_customer, four_customers)
        self.assertLessEqual(one_customer, 4)
        self.assertAlmostEqual(result[self.customer.id].orders, 600.0, places=2)
        self.assertEqual(len(result[self.customer.id].order_ids), 3)
        self.assertAlmostEqual(result[others[0].id].orders, 50.0, places=2)
