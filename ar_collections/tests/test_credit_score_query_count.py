from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import ArCollectionsCommon

AS_OF = date(2025, 6, 30)
LATER = date(2025, 7, 31)


@tagged("post_install", "-at_install")
class TestCreditScoreQueryCount(ArCollectionsCommon):
    """Scoring and exposure of a batch cost a fixed number of queries.

    The figures, the exposures, the segments, the stored scores and the
    segment history are read and written set-based, so 3 and 12 customers
    cost the same. Only the credit limits are written per distinct value.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ar.credit.segment"].create(
            [
                {"code": "A", "name": "A", "sequence": 1, "min_score": 80},
                {"code": "B", "name": "B", "sequence": 2, "min_score": 0},
            ]
        )
        cls.groups = {
            name: cls.make_customers(name, count)
            for name, count in [
                ("warm", 2),
                ("three", 3),
                ("twelve", 12),
                ("two", 2),
                ("four", 4),
                ("six", 6),
            ]
        }

    @classmethod
    def make_customers(cls, name, count):
        """Return customers with one paid-late and one open overdue invoice each.

        Amounts differ per customer, so each gets its own credit limit.
        """
        customers = cls.env["res.partner"].create(
            [{"name": f"{name} {index}"} for index in range(count)]
        )
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "company_id": cls.company.id,
                    "invoice_date": invoice_date,
                    "date": invoice_date,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Audit",
                                "price_unit": 100.0 + index,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for index, customer in enumerate(customers)
                for invoice_date, due in [
                    ("2025-03-01", "2025-03-31"),
                    ("2025-05-01", "2025-05-31"),
                ]
            ]
        )
        moves.action_post()
        for move in moves.filtered(lambda move: move.invoice_date_due.month == 3):
            cls.pay(move, move.amount_total, "2025-04-10")
        return customers

    def count_queries(self, name, as_of=AS_OF):
        customers = self.groups[name]
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        scores = self.env["ar.credit.score"]._score_batch(
            self.company, customers.ids, as_of
        )
        self.env.flush_all()
        queries = self.cr.sql_log_count - before
        self.assertEqual(len(scores), len(customers), name)
        self.assertTrue(all(scores.mapped("scored")), name)
        self.assertTrue(all(scores.mapped("exposure")), name)
        return queries

    def test_scoring_queries_flat(self):
        # The first call fills the caches of access rights and fields.
        self.count_queries("warm")

        three = self.count_queries("three")
        twelve = self.count_queries("twelve")
        three_again = self.count_queries("three", LATER)
        twelve_again = self.count_queries("twelve", LATER)

        self.assertEqual(len(self.groups["twelve"]), 12)
        self.assertEqual(twelve, three, "12 new scores cost what 3 cost")
        self.assertEqual(twelve_again, three_again, "12 updates cost what 3 cost")

        # The same update under assertQueryCount, which fails on more
        # queries but only logs fewer ones, hence the equality checks above.
        self.count_queries("twelve", AS_OF)
        self.env.invalidate_all()
        with self.assertQueryCount(twelve_again):
            self.env["ar.credit.score"]._score_batch(
                self.company, self.groups["twelve"].ids, LATER
            )

    def test_limit_queries_per_customer_constant(self):
        segment = self.env["ar.credit.segment"].search(
            [("company_id", "=", self.company.id), ("code", "=", "B")]
        )
        segment.write({"limit_rule": True, "limit_multiple": 2.0})
        self.count_queries("warm")

        two = self.count_queries("two")
        four = self.count_queries("four")
        six = self.count_queries("six")

        limits = self.groups["six"].with_company(self.company).mapped("credit_limit")
        self.assertEqual(len(set(limits)), 6, "each customer gets its own limit")
        self.assertEqual(six - four, four - two, "each limit adds the same count")
