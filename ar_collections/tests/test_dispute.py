from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestDispute(ArCollectionsCommon):
    def test_end_before_start_rejected(self):
        """A dispute cannot end before it starts; the message names both dates."""
        invoice = self.make_invoice(100.0, "2025-01-01", "2025-01-31")
        with self.assertRaisesRegex(ValidationError, "2025-02-01.*2025-02-10"):
            self.env["ar.dispute"].create(
                {
                    "move_id": invoice.id,
                    "date_start": "2025-02-10",
                    "date_end": "2025-02-01",
                    "reason": "Wrong quantity",
                }
            )

    def test_vendor_bill_rejected(self):
        """Only customer documents can be disputed."""
        bill = self.init_invoice("in_invoice", amounts=[100.0], post=True)
        with self.assertRaisesRegex(ValidationError, "not a customer invoice"):
            self.env["ar.dispute"].create(
                {"move_id": bill.id, "date_start": "2025-02-10", "reason": "No"}
            )

    def test_disputed_flag_by_date(self):
        """An item is disputed on the days inside the dispute, ends included."""
        invoice = self.make_invoice(100.0, "2025-01-01", "2025-01-31")
        self.env["ar.dispute"].create(
            {
                "move_id": invoice.id,
                "date_start": "2025-02-10",
                "date_end": "2025-02-20",
                "reason": "Service not delivered",
            }
        )
        flags = {
            day: self.items(day).disputed
            for day in ("2025-02-09", "2025-02-10", "2025-02-20", "2025-02-21")
        }
        self.assertEqual(
            flags,
            {
                "2025-02-09": False,
                "2025-02-10": True,
                "2025-02-20": True,
                "2025-02-21": False,
            },
        )
        self.assertEqual(self.debtor("2025-02-15").disputed_amount, 100.0)
