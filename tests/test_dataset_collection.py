"""Collection runs on the loaded reference dataset, checked against the CSV."""

import datetime
from collections import Counter

from . import csv_ledger
from .common import RepoTransactionCase

# Dates with many overdue customers, among them stages from 1 to 60 days.
RUN_DATES = [
    datetime.date(2012, 3, 17),
    datetime.date(2012, 3, 20),
    datetime.date(2013, 1, 31),
]


class TestDatasetCollection(RepoTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = csv_ledger.read_invoices()
        cls.company = cls.env.company
        cls.policy = cls.company.ar_collection_policy_id

    def run_and_check(self, as_of):
        expected = csv_ledger.reminder_stage_by_customer(self.invoices, as_of)
        self.assertGreaterEqual(
            len(expected), 5, "the chosen date has overdue customers"
        )

        summary = self.env["ar.collection.run"].run_reminders(
            as_of_date=as_of, company_ids=self.company.ids
        )

        claims = self.env["ar.collection.claim"].search(
            [("claim_date", "=", as_of), ("company_id", "=", self.company.id)]
        )
        actual = {claim.partner_id.ref: claim.stage_id.trigger_days for claim in claims}
        self.assertEqual(summary["queued"], len(expected))
        self.assertEqual(summary["failed"], 0)
        self.assertEqual(set(claims.mapped("state")), {"queued"})
        self.assertEqual(
            Counter(actual.values()), Counter(expected.values()), "messages per stage"
        )
        self.assertEqual(actual, expected, "stage of each customer")

        # Listed: every undisputed invoice due or overdue on that date, and
        # those coming due within three days.
        listed_refs = set(claims.line_ids.move_id.mapped("ref"))
        self.assertEqual(listed_refs, csv_ledger.listed_invoices(self.invoices, as_of))

        again = self.env["ar.collection.run"].run_reminders(
            as_of_date=as_of, company_ids=self.company.ids
        )
        self.assertEqual(again["queued"], 0, "a second run the same day sends nothing")
        return claims

    def test_run_2012_03_17(self):
        self.run_and_check(RUN_DATES[0])

    def test_run_2012_03_20(self):
        claims = self.run_and_check(RUN_DATES[1])
        self.assertIn(30, claims.stage_id.mapped("trigger_days"))

    def test_run_2013_01_31(self):
        self.run_and_check(RUN_DATES[2])
