from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

AS_OF_DATE = "2025-03-01"
# The columns of the Debtors list that every version of ar.debtor has.
LIST_FIELDS = [
    "partner_id",
    "company_id",
    "total_open",
    "amount_not_due",
    "overdue",
    "oldest_overdue_days",
    "overdue_count",
    "last_payment_date",
]
# Queries of one Debtors list read, measured on Odoo 18.0: the ar.debtor
# rows, then the names of their partners and of their company.
DEBTOR_LIST_QUERIES = 3


@tagged("post_install", "-at_install")
class TestDebtorQueryCount(AccountTestInvoicingCommon):
    """The Debtors list costs the same number of queries for 10 or 100 rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company_data["company"]
        cls.reader = new_test_user(
            cls.env,
            login="ar_debtor_reader",
            groups="account.group_account_invoice",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        cls.customers = cls.env["res.partner"].create(
            [
                {"name": f"Query Count Customer {number:03d}", "is_company": True}
                for number in range(100)
            ]
        )
        invoices = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "invoice_date": "2025-01-10",
                    "date": "2025-01-10",
                    "invoice_date_due": "2025-02-09",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": 100.0 + number,
                                "tax_ids": [],
                            }
                        )
                    ],
                }
                for number, customer in enumerate(cls.customers)
            ]
        )
        invoices.action_post()

    def read_debtors(self, customers):
        return (
            self.env(user=self.reader)["ar.debtor"]
            .with_context(ar_as_of_date=AS_OF_DATE)
            .search_read([("partner_id", "in", customers.ids)], LIST_FIELDS)
        )

    def count_read_queries(self, customers):
        """Read the debtors of ``customers`` from an empty record cache.

        Return the rows and the number of queries the read ran.
        """
        self.env.invalidate_all()
        with self.assertQueryCount(DEBTOR_LIST_QUERIES):
            # Counted inside the block, so the flushes of assertQueryCount
            # are left out.
            queries_before = self.cr.sql_log_count
            rows = self.read_debtors(customers)
            queries = self.cr.sql_log_count - queries_before
        return rows, queries

    def test_debtor_list_queries_flat(self):
        # The first read fills the access-rights and record-rule caches,
        # which later reads share.
        self.read_debtors(self.customers)

        ten_rows, ten_queries = self.count_read_queries(self.customers[:10])
        hundred_rows, hundred_queries = self.count_read_queries(self.customers)

        self.assertEqual(len(ten_rows), 10)
        self.assertEqual(len(hundred_rows), 100)
        self.assertTrue(all(row["overdue"] > 0 for row in hundred_rows))
        # assertQueryCount only logs a count below the expected one, so the
        # two counts are compared here as well.
        self.assertEqual(ten_queries, hundred_queries)
