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


@tagged("post_install", "-at_install")
class TestWorklistTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin = cls.env.ref("base.user_admin")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Tour Worklist Ltd",
                "is_company": True,
                "email": "ap@worklist.test",
                "ar_collector_id": admin.id,
            }
        )
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": "2012-03-01",
                "invoice_date_due": "2012-03-10",
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Audit", "price_unit": 1000.0, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        cls.env["ar.collection.run"].run_reminders(
            as_of_date="2012-03-20",
            company_ids=invoice.company_id.ids,
            partner_ids=cls.customer.ids,
        )

    def test_worklist_tour(self):
        """Worklist row, call log, case form, pause and kanban in a browser."""
        self.start_tour(
            "/odoo/action-ar_collections.ar_collection_case_action",
            "ar_collections_worklist_tour",
            login="admin",
        )

        case = self.env["ar.collection.case"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(case.paused_until.isoformat(), "2099-12-31")
        events = self.env["ar.collection.event"].search(
            [("partner_id", "=", self.customer.id)]
        )
        call = events.filtered(lambda event: event.event_type == "call")
        self.assertEqual(call.result, "No answer")
        self.assertEqual(call.description, "Voicemail left")
        self.assertIn("pause", events.mapped("event_type"))
