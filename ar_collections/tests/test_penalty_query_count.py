from datetime import date
from unittest.mock import patch

from psycopg2.extras import execute_values

from odoo.tests import tagged

from odoo.addons.ar_collections.models import account_move_penalty

from .test_penalty_invoice import PenaltyCommon

AS_OF = date(2025, 6, 30)
# Queries of one _ar_penalty_refresh call on a warm registry, counted by
# sql_log_count and measured on Odoo 18.0: the moves, the items, their
# payments, disputes and charges, the key rate table, the rule, its stages,
# the company, then the delete and the charged sums of the store.
REFRESH_QUERIES = 11


@tagged("post_install", "-at_install")
class TestPenaltyQueryCount(PenaltyCommon):
    """Penalty batches cost a fixed number of queries.

    The recomputation costs the same for 3 or 12 partly paid invoices. The
    charge run costs a fixed count per batch and per customer, plus at most
    one per charged item for Odoo's invoice lines, so the scheduled jobs
    scale with the number of batches and customers.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.groups = {
            name: cls.make_partly_paid(name, customers, invoices)
            for name, customers, invoices in [
                ("warm", 2, 1),
                ("three", 3, 1),
                ("twelve", 4, 3),
                ("two", 2, 1),
                ("four", 4, 1),
                ("six", 6, 1),
                ("two_busy", 2, 3),
            ]
        }

    @classmethod
    def make_partly_paid(cls, name, customers, invoices):
        """Return the customers and invoices of a group, each invoice partly paid.

        Every invoice gets two partial payments, one before and one after
        its due date, and the group's first invoice a closed dispute.
        """
        partners = cls.env["res.partner"].create(
            [
                {"name": f"{name} {index}", "email": f"{name}{index}@example.com"}
                for index in range(customers)
            ]
        )
        moves = cls.env["account.move"]
        for partner in partners:
            for number in range(invoices):
                moves |= cls.make_invoice(
                    1000 + 10 * number, "2025-01-01", "2025-01-31", partner=partner
                )
        for move in moves:
            cls.pay(move, 100, "2025-01-20")
            cls.pay(move, 300, "2025-03-15")
        cls.env["ar.dispute"].create(
            {
                "move_id": moves[0].id,
                "date_start": "2025-02-10",
                "date_end": "2025-02-20",
                "reason": "Delivery contested",
            }
        )
        return partners, moves

    def count_queries(self, call):
        """Run ``call`` from an empty record cache; return (result, queries, pages).

        ``queries`` is the cursor's sql_log_count. The store's batch insert
        and update go through psycopg2's execute_values on the raw cursor,
        which that count misses, so ``pages`` counts its calls (one
        statement each, up to 1,000 rows).
        """
        self.env.flush_all()
        self.env.invalidate_all()
        with patch.object(
            account_move_penalty, "execute_values", wraps=execute_values
        ) as pages:
            before = self.cr.sql_log_count
            result = call()
            self.env.flush_all()
            queries = self.cr.sql_log_count - before
        return result, queries, pages.call_count

    def count_refresh_queries(self, name):
        moves = self.groups[name][1]
        _result, queries, pages = self.count_queries(
            lambda: moves._ar_penalty_refresh(AS_OF)
        )
        for move in moves:
            self.assertGreater(move.ar_penalty_to_charge, 0, move.name)
            self.assertGreaterEqual(len(move.ar_penalty_line_ids), 2, move.name)
        return queries, pages

    def count_charge_queries(self, name):
        partners = self.groups[name][0]
        invoices, queries, pages = self.count_queries(
            lambda: self.env["ar.penalty.charge"]._run_charge(
                AS_OF, companies=self.company, partner_ids=partners.ids
            )
        )
        self.assertEqual(len(invoices), len(partners), name)
        self.assertEqual(set(invoices.mapped("state")), {"posted"}, name)
        return queries + pages

    def test_refresh_queries_flat(self):
        # The first call fills the caches of access rights and fields.
        self.count_refresh_queries("warm")

        three_queries, three_pages = self.count_refresh_queries("three")
        twelve_queries, twelve_pages = self.count_refresh_queries("twelve")

        self.assertEqual(len(self.groups["three"][1]), 3)
        self.assertEqual(len(self.groups["twelve"][1]), 12)
        self.assertEqual(three_queries, REFRESH_QUERIES)
        self.assertEqual(twelve_queries, three_queries, "12 invoices cost what 3 cost")
        self.assertEqual(three_pages, 2, "one insert and one update")
        self.assertEqual(twelve_pages, three_pages)

        # The same call under assertQueryCount, which fails on more queries
        # but only logs fewer ones, hence the equality checks above.
        moves = self.groups["twelve"][1]
        self.env.invalidate_all()
        with self.assertQueryCount(REFRESH_QUERIES):
            moves._ar_penalty_refresh(AS_OF)

    def test_charge_queries_per_customer_constant(self):
        # The first run fills the caches and starts the sequence of the
        # penalty invoices.
        self.count_charge_queries("warm")

        two = self.count_charge_queries("two")
        four = self.count_charge_queries("four")
        six = self.count_charge_queries("six")
        two_busy = self.count_charge_queries("two_busy")

        self.assertEqual(six - four, four - two, "each customer adds the same count")
        # Four more items, so four more penalty invoice lines. Odoo 18.0
        # looks up an analytic distribution model for each invoice line, one
        # query per line, and the penalty code adds nothing per item.
        extra_items = 4
        self.assertLessEqual(two_busy - two, extra_items, "queries per extra item")
