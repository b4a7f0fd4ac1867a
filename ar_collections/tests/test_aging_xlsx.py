import io

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestAgingXlsx(ArCollectionsCommon):
    def open_export(self, action):
        """Return the openpyxl workbook of an export action's attachment."""
        attachment_id = int(action["url"].split("/web/content/")[1].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertTrue(attachment.name.endswith(".xlsx"))
        return openpyxl.load_workbook(io.BytesIO(attachment.raw), data_only=True)

    def test_figures_and_totals(self):
        """The sheet has the screen's figures and bucket totals."""
        other = self.env["res.partner"].create({"name": "Alpha Audit", "ref": "AA1"})
        self.make_invoice(500.0, "2025-11-01", "2025-11-15")
        self.make_invoice(300.0, "2025-12-01", "2026-01-15")
        self.make_invoice(120.0, "2025-09-01", "2025-09-20", partner=other)

        wizard = self.env["ar.aging.wizard"].create(
            {"as_of_date": "2025-12-30", "company_ids": [(6, 0, self.company.ids)]}
        )
        workbook = self.open_export(wizard.action_export_xlsx())

        self.assertEqual(len(workbook.worksheets), 1)
        sheet = workbook.worksheets[0]
        self.assertIn("2025-12-30", sheet["A1"].value)
        self.assertIn(self.company.name, sheet["A2"].value)
        self.assertEqual(sheet.freeze_panes, "B5")
        header = [cell.value for cell in sheet[4]]
        self.assertEqual(
            header,
            [
                "Customer",
                "Reference",
                "Salesperson",
                "Not due",
                "1-30",
                "31-60",
                "61-90",
                "91-180",
                "Over 180",
                "Total open",
                "Overdue",
                "Oldest overdue (days)",
            ],
        )
        rows = {
            row[0].value: [cell.value for cell in row] for row in sheet.iter_rows(5)
        }
        self.assertEqual(rows["Alpha Audit"][1], "AA1")
        self.assertEqual(rows["Alpha Audit"][7], 120.0)
        self.assertEqual(rows["Vostok Consulting"][3], 300.0)
        self.assertEqual(rows["Vostok Consulting"][5], 500.0)
        self.assertEqual(rows["Vostok Consulting"][9], 800.0)
        self.assertEqual(rows["Vostok Consulting"][11], 45)
        self.assertEqual(sheet["D7"].number_format, "#,##0.00")

        totals = rows["Total"]
        screen = self.env["ar.debtor"].with_context(ar_as_of_date="2025-12-30")
        groups = screen.read_group(
            [("company_id", "=", self.company.id)],
            [
                "amount_not_due:sum",
                "amount_bucket_2:sum",
                "amount_bucket_4:sum",
                "total_open:sum",
            ],
            ["company_id"],
        )[0]
        self.assertEqual(totals[3], groups["amount_not_due"])
        self.assertEqual(totals[5], groups["amount_bucket_2"])
        self.assertEqual(totals[7], groups["amount_bucket_4"])
        self.assertEqual(totals[9], groups["total_open"])
        self.assertEqual(totals[9], 920.0)
        self.assertEqual(sum(totals[3:9]), totals[9])

    def test_sheet_per_company(self):
        """Two companies give two sheets, each with its own bucket labels."""
        other_company = self.setup_other_company(name="Second Office")["company"]
        other_company.ar_aging_limits = "15,45"
        self.env.user.company_ids |= other_company
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.make_invoice(40.0, "2025-01-01", "2025-01-20", company=other_company)

        wizard = self.env["ar.aging.wizard"].create(
            {
                "as_of_date": "2025-02-01",
                "company_ids": [(6, 0, (self.company | other_company).ids)],
            }
        )
        workbook = self.open_export(wizard.action_export_xlsx())

        self.assertEqual(workbook.sheetnames, [self.company.name[:31], "Second Office"])
        second = workbook["Second Office"]
        self.assertEqual(
            [cell.value for cell in second[4]][3:7],
            ["Not due", "1-15", "16-45", "Over 45"],
        )
        self.assertEqual(second["E5"].value, 40.0)

    def test_no_data_rejected(self):
        """An export with nothing open raises an error and creates no file."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.pay(self.customer.invoice_ids, 100.0, "2025-01-02")
        wizard = self.env["ar.aging.wizard"].create({"as_of_date": "2025-02-01"})
        attachments_before = self.env["ir.attachment"].search_count([])
        with self.assertRaisesRegex(UserError, "nothing to export"):
            wizard.action_export_xlsx()
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)

    def test_export_from_aging_list(self):
        """The aging list's button exports the list's date."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        action = (
            self.env["ar.debtor"]
            .with_context(ar_as_of_date="2025-01-20")
            .action_export_xlsx()
        )
        sheet = self.open_export(action).worksheets[0]
        self.assertIn("2025-01-20", sheet["A1"].value)
        self.assertEqual(sheet["E5"].value, 100.0)
