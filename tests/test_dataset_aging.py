"""Aging of the loaded reference dataset against figures computed from the CSV."""

import datetime
from decimal import Decimal

from . import csv_ledger
from .common import RepoTransactionCase

# Every invoice open on these dates was paid later, so the figures only hold
# if payments after the as-of date are ignored.
AGING_DATES = [datetime.date(2012, 9, 30), datetime.date(2013, 6, 30)]
FIELDS = ["total_open", "overdue", "overdue_count", "oldest_overdue_days"] + [
    name for name, _first, _last in csv_ledger.BUCKETS
]


class TestDatasetAging(RepoTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = csv_ledger.read_invoices()
        cls.company = cls.env.company

    def debtor_figures(self, as_of):
        debtors = (
            self.env["ar.debtor"]
            .with_context(ar_as_of_date=as_of.isoformat())
            .search([("company_id", "=", self.company.id)])
        )
        return {
            debtor.partner_id.ref: {name: debtor[name] for name in FIELDS}
            for debtor in debtors
        }

    def test_loaded_everything(self):
        """The dataset is loaded: every invoice posted and paid."""
        moves = self.env["account.move"].search(
            [("move_type", "=", "out_invoice"), ("ref", "!=", False)]
        )
        self.assertEqual(len(moves), len(self.invoices))
        self.assertEqual(set(moves.mapped("payment_state")), {"paid"})
        self.assertFalse(self.env["ar.debtor"].search([]), "nothing is open today")

    def test_aging_matches_csv(self):
        """Per customer, every aging figure equals the CSV's on past dates."""
        for as_of in AGING_DATES:
            expected = csv_ledger.aging_by_customer(self.invoices, as_of)
            actual = self.debtor_figures(as_of)
            self.assertGreater(len(expected), 50, "the chosen date has open invoices")
            self.assertEqual(set(actual), set(expected))
            for customer, figures in expected.items():
                for name in FIELDS:
                    self.assertAlmostEqual(
                        actual[customer][name],
                        float(figures.get(name, Decimal(0))),
                        places=2,
                        msg=f"{customer} {name} as of {as_of}",
                    )

    def test_aging_totals_match_csv(self):
        """Company totals per bucket equal the CSV's and add up to the total."""
        for as_of in AGING_DATES:
            expected = csv_ledger.aging_by_customer(self.invoices, as_of)
            groups = (
                self.env["ar.debtor"]
                .with_context(ar_as_of_date=as_of.isoformat())
                .read_group(
                    [("company_id", "=", self.company.id)],
                    [f"{name}:sum" for name in FIELDS[:2]]
                    + [f"{name}:sum" for name, _f, _l in csv_ledger.BUCKETS],
                    ["company_id"],
                )
            )
            self.assertEqual(len(groups), 1)
            bucket_sum = 0.0
            for name, _first, _last in csv_ledger.BUCKETS:
                want = sum(f.get(name, Decimal(0)) for f in expected.values())
                self.assertAlmostEqual(
                    groups[0][name], float(want), places=2, msg=f"{name} {as_of}"
                )
                bucket_sum += groups[0][name]
            total = sum(f["total_open"] for f in expected.values())
            self.assertAlmostEqual(groups[0]["total_open"], float(total), places=2)
            self.assertAlmostEqual(bucket_sum, float(total), places=2)
