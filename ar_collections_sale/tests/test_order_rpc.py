import xmlrpc.client

from odoo import Command
from odoo.tests import HttpCase, get_db_name, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestOrderRpc(HttpCase):
    """Confirming a blocked order over XML-RPC returns the figures in the fault."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.ar_credit_mode = "block"
        cls.customer = cls.env["res.partner"].create(
            {"name": "RPC Credit Customer", "is_company": True}
        )
        cls.customer.credit_limit = 1000.0
        product = cls.env["product.product"].create(
            {"name": "RPC Goods", "type": "consu", "taxes_id": [Command.clear()]}
        )
        cls.salesman = new_test_user(
            cls.env,
            login="ar_sale_rpc",
            password="ar_sale_rpc_password",
            groups="sales_team.group_sale_salesman",
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "user_id": cls.salesman.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "price_unit": 1500.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    @mute_logger("odoo.http")
    def test_confirm_rejected_over_rpc(self):
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            self.xmlrpc_object.execute_kw(
                get_db_name(),
                self.salesman.id,
                "ar_sale_rpc_password",
                "sale.order",
                "action_confirm",
                [[self.order.id]],
            )

        message = fault.exception.faultString
        self.assertIn("cannot be confirmed", message)
        self.assertIn("1,500.00", message)
        self.assertIn("1,000.00", message)
        self.assertEqual(self.order.state, "draft")
