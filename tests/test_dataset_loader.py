"""The reference-data loader: idempotent, and all-or-nothing on bad input."""

import os
import sys
import tempfile

from . import csv_ledger
from .common import RepoTransactionCase

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "setup"))
import load_dataset  # noqa: E402

HEADER = (
    "countryCode,customerID,PaperlessDate,invoiceNumber,InvoiceDate,DueDate,"
    "InvoiceAmount,Disputed,SettledDate,PaperlessBill,DaysToSettle,DaysLate\n"
)
GOOD_ROWS = (
    "391,TEST-AAAAA,1/1/2013,9900000001,3/1/2013,3/31/2013,120.50,No,4/10/2013,Paper,40,10\n"
    "406,TEST-BBBBB,1/1/2013,9900000002,3/5/2013,4/4/2013,80.00,Yes,5/1/2013,Paper,57,27\n"
)


class TestDatasetLoader(RepoTransactionCase):
    def write_csv(self, content, encoding="utf-8"):
        handle = tempfile.NamedTemporaryFile(
            "w", suffix=".csv", delete=False, encoding=encoding
        )
        with handle:
            handle.write(content)
        self.addCleanup(os.unlink, handle.name)
        return handle.name

    def record_counts(self):
        return {
            model: self.env[model].search_count([])
            for model in (
                "res.partner",
                "account.move",
                "account.payment",
                "ar.dispute",
            )
        }

    def test_reload_creates_nothing(self):
        """Loading the reference file a second time creates no record."""
        before = self.record_counts()
        counts = load_dataset.load_csv(self.env, csv_ledger.CSV_PATH)
        self.assertEqual(
            counts, {"customers": 0, "invoices": 0, "payments": 0, "disputes": 0}
        )
        self.assertEqual(self.record_counts(), before)

    def test_small_file_loaded(self):
        """Invoices are posted with their dates, paid on the settlement date."""
        path = self.write_csv(HEADER + GOOD_ROWS)
        counts = load_dataset.load_csv(self.env, path)
        self.assertEqual(
            counts, {"customers": 2, "invoices": 2, "payments": 2, "disputes": 1}
        )

        invoice = self.env["account.move"].search([("ref", "=", "9900000002")])
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_date.isoformat(), "2013-03-05")
        self.assertEqual(invoice.invoice_date_due.isoformat(), "2013-04-04")
        self.assertEqual(invoice.amount_total, 80.0)
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(invoice.partner_id.ref, "TEST-BBBBB")
        self.assertIn("Region 406", invoice.partner_id.category_id.mapped("name"))
        dispute = self.env["ar.dispute"].search([("move_id", "=", invoice.id)])
        self.assertEqual(dispute.date_start.isoformat(), "2013-04-04")
        self.assertEqual(dispute.date_end.isoformat(), "2013-05-01")

        debtor = (
            self.env["ar.debtor"]
            .with_context(ar_as_of_date="2013-04-30")
            .search([("partner_id", "=", invoice.partner_id.id)])
        )
        self.assertEqual(debtor.total_open, 80.0)
        self.assertEqual(debtor.disputed_amount, 80.0)
        self.assertEqual(load_dataset.load_csv(self.env, path)["invoices"], 0)

    def test_bad_date_names_row_and_column(self):
        """A malformed row is named by file, row and column; nothing is written."""
        path = self.write_csv(
            HEADER
            + GOOD_ROWS
            + "391,TEST-CCCCC,1/1/2013,9900000003,31/12/2013,4/4/2013,10.00,No,"
            "5/1/2013,Paper,1,1\n"
        )
        before = self.record_counts()
        with self.assertRaisesRegex(
            load_dataset.DatasetError, rf"{path}, row 4, column InvoiceDate"
        ):
            load_dataset.load_csv(self.env, path)
        self.assertEqual(self.record_counts(), before)

    def test_bad_amount_rejected(self):
        path = self.write_csv(HEADER + GOOD_ROWS.replace("80.00", "80.0.0"))
        with self.assertRaisesRegex(
            load_dataset.DatasetError, r"row 3, column InvoiceAmount"
        ):
            load_dataset.load_csv(self.env, path)

    def test_missing_column_rejected(self):
        path = self.write_csv(HEADER.replace("DueDate,", "") + "1,2\n")
        with self.assertRaisesRegex(
            load_dataset.DatasetError, "missing column.*DueDate"
        ):
            load_dataset.load_csv(self.env, path)

    def test_wrong_encoding_rejected(self):
        path = self.write_csv(
            HEADER + GOOD_ROWS.replace("TEST-AAAAA", "ТЕСТ-АААА"), encoding="cp1251"
        )
        with self.assertRaisesRegex(load_dataset.DatasetError, "not valid UTF-8"):
            load_dataset.load_csv(self.env, path)

    def test_duplicate_invoice_rejected(self):
        path = self.write_csv(HEADER + GOOD_ROWS + GOOD_ROWS.splitlines()[0] + "\n")
        with self.assertRaisesRegex(
            load_dataset.DatasetError, "row 4, column invoiceNumber.*row 2"
        ):
            load_dataset.load_csv(self.env, path)
