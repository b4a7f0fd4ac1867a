from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from .common import SaleCreditCase


@tagged("post_install", "-at_install")
class TestOrderConfirm(SaleCreditCase):
    """Limit 1,000.00 and a confirmed first order of 2,000.00, nothing delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = new_test_user(
            cls.env,
            login="ar_sale_salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.manager = new_test_user(
            cls.env,
            login="ar_sale_credit_manager",
            groups="sales_team.group_sale_salesman,"
            "ar_collections.group_ar_credit_manager",
        )
        cls.first_order = cls._create_order_for_class(2000.0)
        cls.first_order.action_confirm()
        cls.customer.credit_limit = 1000.0

    @classmethod
    def _create_order_for_class(cls, amount):
        return cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product_delivered.id,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def _new_order_in_form(self, amount, user=None):
        """Create a quotation through the order form, as a user would."""
        env = self.env(user=user or self.salesman)
        form = Form(env["sale.order"])
        form.partner_id = self.customer
        with form.order_line.new() as line:
            line.product_id = self.product_delivered
            line.price_unit = amount
            line.tax_id.clear()
        return form

    def test_banner_and_block_over_limit(self):
        self.assertAlmostEqual(self._exposure().total, 2000.0, places=2)

        form = self._new_order_in_form(100.0)
        warning = form.partner_credit_warning
        self.assertIn("Credit control blocks", warning)
        self.assertIn("2,100.00", warning)
        self.assertIn("1,000.00", warning)
        order = form.save()

        with self.assertRaises(UserError) as error:
            order.action_confirm()
        message = str(error.exception)
        self.assertIn(order.name, message)
        self.assertIn("2,100.00", message)
        self.assertIn("1,000.00", message)
        self.assertEqual(order.state, "draft")

    def test_replaces_odoo_banner(self):
        """With Odoo's own credit limit setting on, the banner is ours."""
        self.company.account_use_credit_limit = True

        warning = self._new_order_in_form(1500.0).partner_credit_warning

        self.assertTrue(warning.startswith("Credit control blocks"), warning)
        self.assertIn("3,500.00", warning)

    def test_mode_off_keeps_odoo_banner(self):
        self.company.account_use_credit_limit = True
        self.customer.ar_credit_mode = "off"

        warning = self._new_order_in_form(1500.0).partner_credit_warning

        self.assertTrue(warning)
        self.assertNotIn("Credit control", warning)

    def test_warn_mode_banner_only(self):
        self.customer.ar_credit_mode = "warn"

        form = self._new_order_in_form(100.0)
        self.assertIn("Credit control warning", form.partner_credit_warning)
        self.assertIn("2,100.00", form.partner_credit_warning)
        order = form.save()
        order.action_confirm()

        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(self._exposure().orders, 2100.0, places=2)

    def test_mode_off_not_blocked(self):
        self.customer.ar_credit_mode = "off"

        order = self._new_order_in_form(100.0).save()
        order.action_confirm()

        self.assertEqual(order.state, "sale")

    def test_confirmed_order_banner_counts_once(self):
        """The banner of the confirmed order does not add its amount again."""
        warning = self.first_order.partner_credit_warning
        self.assertIn("2,000.00", warning)
        self.assertNotIn("4,000.00", warning)

    def test_closed_first_order_no_warning(self):
        """First order closed for invoicing: ordered quantity set to the 0 delivered."""
        self.first_order.order_line.product_uom_qty = 0.0
        self.first_order.action_lock()
        self.assertEqual(self.first_order.invoice_status, "invoiced")

        form = self._new_order_in_form(100.0)
        self.assertFalse(form.partner_credit_warning)
        order = form.save()
        order.action_confirm()

        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(self._exposure().total, 100.0, places=2)

    def test_negative_order_not_blocked(self):
        """A refund order lowers the exposure and is confirmed."""
        order = self._create_order(-50.0)
        order.action_confirm()

        self.assertEqual(order.state, "sale")

    def test_batch_counts_earlier_orders(self):
        """Two quotations confirmed together: the second counts the first."""
        self.first_order._action_cancel()
        orders = self._create_order(600.0) | self._create_order(600.0)

        with self.assertRaises(UserError) as error:
            orders.action_confirm()

        self.assertIn(orders[1].name, str(error.exception))
        self.assertIn("1,200.00", str(error.exception))

    def test_override_passes_once(self):
        order = self._new_order_in_form(100.0, user=self.manager).save()
        order = order.with_user(self.manager)

        action = order.action_ar_credit_override()
        wizard = (
            self.env["ar.credit.override.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Paid by bank transfer today"})
        )
        self.assertIn("2,100.00", wizard.status_text)
        wizard.action_confirm()
        order.action_confirm()

        self.assertEqual(order.state, "sale")
        override = self.env["ar.credit.override"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
        )
        self.assertTrue(override.used)
        event = self.env["ar.collection.event"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("event_type", "=", "credit_override"),
            ]
        )
        self.assertEqual(len(event), 1)
        self.assertIn(order.name, event.result)
        notes = order.message_ids.filtered(
            lambda message: "Credit block overridden" in (message.body or "")
        )
        self.assertEqual(len(notes), 1)

        second = self._new_order_in_form(100.0, user=self.manager).save()
        with self.assertRaises(UserError):
            second.with_user(self.manager).action_confirm()
        self.assertEqual(second.state, "draft")

    def test_override_needs_reason(self):
        order = self._new_order_in_form(100.0, user=self.manager).save()
        action = order.with_user(self.manager).action_ar_credit_override()
        wizard = (
            self.env["ar.credit.override.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({})
        )

        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(
            self.env["ar.credit.override"].search(
                [("res_model", "=", "sale.order"), ("res_id", "=", order.id)]
            )
        )

    def test_override_needs_credit_manager(self):
        order = self._new_order_in_form(100.0).save()

        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_ar_credit_override()

    def test_override_button_in_form(self):
        arch = self.env["sale.order"].get_view(view_type="form")["arch"]

        self.assertIn('name="action_ar_credit_override"', arch)
