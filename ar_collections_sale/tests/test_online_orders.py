from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.payment.tests.common import PaymentCommon


@tagged("post_install", "-at_install")
class TestOnlineOrders(PaymentCommon):
    """Orders confirmed online by a payment or left signed on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.company.ar_credit_mode = "block"
        cls.partner.with_company(cls.company).credit_limit = 50.0
        cls.salesperson = cls.env["res.users"].create(
            {"name": "Pavel Sales", "login": "pavel.sales"}
        )
        cls.collector = cls.env["res.users"].create(
            {"name": "Irina Collector", "login": "irina.collector.online"}
        )
        cls.partner.ar_collector_id = cls.collector
        product = cls.env["product.product"].create(
            {"name": "Audit", "list_price": 100.0, "taxes_id": [Command.clear()]}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.partner.id,
                "user_id": cls.salesperson.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": 100.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def activities_of(self, user):
        return self.order.activity_ids.filtered(
            lambda activity: activity.user_id == user
        )

    def test_button_blocked(self):
        with self.assertRaises(UserError):
            self.order.action_confirm()

    def test_paid_online_order_confirmed(self):
        self.amount = self.order.amount_total
        transaction = self._create_transaction(
            flow="redirect", sale_order_ids=[self.order.id], state="done"
        )
        transaction._post_process()

        self.assertEqual(self.order.state, "sale")
        activity = self.activities_of(self.collector)
        self.assertEqual(len(activity), 1)
        self.assertIn("over the credit limit", activity.note)

    def test_signed_quotation_stays_unconfirmed(self):
        self.order._validate_order()

        self.assertEqual(self.order.state, "draft")
        activity = self.activities_of(self.salesperson)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Signed quotation held by credit control")

    def test_signed_quotation_within_limit_confirmed(self):
        self.partner.with_company(self.company).credit_limit = 500.0
        self.order._validate_order()
        self.assertEqual(self.order.state, "sale")
        self.assertFalse(self.activities_of(self.salesperson))
