import xmlrpc.client

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestCreditRpc(HttpCase):
    """Posting over RPC passes through the same credit check as the button."""

    def test_rpc_post_refused(self):
        company = self.env.ref("base.main_company")
        company.ar_credit_mode = "block"
        customer = self.env["res.partner"].create({"name": "Yug Consulting"})
        customer.with_company(company).credit_limit = 100.0
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": customer.id,
                "company_id": company.id,
                "invoice_date": fields.Date.context_today(self.env.user),
                "invoice_line_ids": [
                    Command.create({"name": "Audit", "price_unit": 500, "tax_ids": []})
                ],
            }
        )
        admin = self.env.ref("base.user_admin")
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                admin.id,
                "admin",
                "account.move",
                "action_post",
                [[invoice.id]],
            )
        self.assertIn("blocked by credit control", caught.exception.faultString)
        self.assertIn("is over the credit limit", caught.exception.faultString)
        invoice.invalidate_recordset()
        self.assertEqual(invoice.state, "draft")
