import io

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDebtorsTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Debtor Ltd", "is_company": True}
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2012-03-01",
                "invoice_date_due": "2012-03-10",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Audit",
                            "quantity": 1,
                            "price_unit": 1000.0,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        cls.invoice = invoice

    def test_debtors_tour(self):
        """Debtors list, as-of date, drill-down and XLSX export in a browser."""
        self.start_tour(
            "/odoo/action-ar_collections.ar_debtor_action",
            "ar_collections_debtors_tour",
            login="admin",
        )

        attachment = self.env["ir.attachment"].search(
            [("name", "=", "receivables_aging_2012-03-20.xlsx")]
        )
        self.assertEqual(len(attachment), 1)
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).worksheets[0]
        rows = {row[0].value: row for row in sheet.iter_rows(5)}
        self.assertEqual(rows["Tour Debtor Ltd"][4].value, 1000.0)
