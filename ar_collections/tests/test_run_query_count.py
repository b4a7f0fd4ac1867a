from odoo import Command, fields
from odoo.tests import tagged

from .common import ArCollectionsCommon

AS_OF = fields.Date.to_date("2025-03-12")


@tagged("post_install", "-at_install")
class TestRunQueryCount(ArCollectionsCommon):
    """A batch costs a fixed number of queries per customer.

    The count does not depend on how many items a customer has or on how
    many customers the batch holds, so a long run scales with its customers.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.groups = {
            name: cls.make_customers(name, count, invoices)
            for name, count, invoices in [
                ("warm", 2, 1),
                ("two", 2, 1),
                ("four", 4, 1),
                ("six", 6, 1),
                ("two_busy", 2, 3),
            ]
        }

    @classmethod
    def make_customers(cls, name, count, invoices):
        customers = cls.env["res.partner"].create(
            [
                {"name": f"{name} {index}", "email": f"{name}{index}@example.com"}
                for index in range(count)
            ]
        )
        moves = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "company_id": cls.company.id,
                    "invoice_date": "2025-03-01",
                    "date": "2025-03-01",
                    "invoice_date_due": "2025-03-10",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Audit", "price_unit": 100.0, "tax_ids": []}
                        )
                    ],
                }
                for customer in customers
                for _number in range(invoices)
            ]
        )
        moves.action_post()
        return customers

    def count_batch_queries(self, name):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        summary = self.env["ar.collection.run"]._run_batch(
            self.company, self.groups[name].ids, AS_OF, commit=False
        )
        self.env.flush_all()
        self.assertEqual(summary["queued"], len(self.groups[name]), name)
        return self.cr.sql_log_count - before

    def test_queries_per_customer_constant(self):
        # The first batch fills the caches of access rules and templates.
        self.count_batch_queries("warm")

        two = self.count_batch_queries("two")
        four = self.count_batch_queries("four")
        six = self.count_batch_queries("six")
        two_busy = self.count_batch_queries("two_busy")

        per_customer = (four - two) // 2
        self.assertEqual(six - four, four - two, "each customer adds the same count")
        self.assertEqual(two_busy, two, "more items per customer add no query")
        # Measured on Odoo 18.0: 19 queries per batch and 40 per customer
        # (claim, lines, case, rendering, message, mail, notes, history).
        self.assertLessEqual(per_customer, 45, "queries per customer")
