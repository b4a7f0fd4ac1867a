"""Payment-discipline scores of the loaded reference dataset, checked against the CSV.

The expected figures come from ``csv_ledger.payment_discipline_by_customer``,
which works from each invoice's dates and amount alone. The segments are
those the module installs for the main company, and their thresholds and
limit rules are read from the database, so the test follows a change of
the defaults.
"""

import datetime
from collections import Counter
from decimal import Decimal

from . import csv_ledger
from .common import RepoTransactionCase

# Inside the CSV's period, with invoices still open and overdue on both
# dates, and a full year of history behind the second one.
SCORING_DATES = [datetime.date(2012, 12, 31), datetime.date(2013, 6, 30)]
FIGURES = [
    "item_count",
    "on_time_count",
    "on_time_share",
    "avg_days_late",
    "weighted_days_late",
    "overdue_amount",
    "overdue_count",
    "invoiced_amount",
    "score",
]
# Odoo rounds the score and the averages to 2 decimals in floating point,
# the CSV side in Decimal, so the last digit may differ by one.
TOLERANCE = 0.011


class TestDatasetCreditScore(RepoTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = csv_ledger.read_invoices()
        cls.company = cls.env.company
        cls.customers = cls.env["res.partner"].search(
            [
                ("ref", "in", sorted({row["customer"] for row in cls.invoices})),
                ("is_company", "=", True),
            ]
        )
        cls.segments = cls.env["ar.credit.segment"].search(
            [("company_id", "=", cls.company.id)]
        )
        cls.thresholds = [
            (segment.code, Decimal(str(segment.min_score))) for segment in cls.segments
        ]

    def score_all(self, as_of):
        scores = self.env["ar.credit.score"]._score_batch(
            self.company, self.customers.ids, as_of
        )
        return {score.partner_id.ref: score for score in scores}

    def expected_limit(self, segment, invoiced):
        if not segment.limit_rule:
            return None
        limit = segment.limit_multiple * float(invoiced) / 12
        if segment.limit_cap:
            limit = min(limit, segment.limit_cap)
        return self.company.currency_id.round(limit) or None

    def test_dataset_loaded(self):
        self.assertEqual(len(self.customers), 100)
        self.assertGreaterEqual(len(self.segments), 2, "segments are configured")

    def test_scores_match_csv(self):
        """Every scored customer's figures, segment and limit equal the CSV's."""
        by_code = {segment.code: segment for segment in self.segments}
        segments_by_date = {}
        for as_of in SCORING_DATES:
            expected = csv_ledger.payment_discipline_by_customer(self.invoices, as_of)
            self.assertGreaterEqual(len(expected), 10, f"customers scored on {as_of}")
            self.assertTrue(
                any(figures["overdue_count"] for figures in expected.values()),
                f"some invoices are open and overdue on {as_of}",
            )

            scores = self.score_all(as_of)

            scored = {ref for ref, score in scores.items() if score.scored}
            self.assertEqual(scored, set(expected), f"customers scored on {as_of}")
            for ref, figures in expected.items():
                score = scores[ref]
                self.assertEqual(score.date, as_of)
                for name in FIGURES:
                    self.assertAlmostEqual(
                        score[name],
                        float(figures[name]),
                        delta=TOLERANCE,
                        msg=f"{ref} {name} as of {as_of}",
                    )
                code = csv_ledger.segment_of(figures["score"], self.thresholds)
                self.assertEqual(
                    score.segment_id.code, code, f"{ref} segment as of {as_of}"
                )
                limit = self.expected_limit(by_code[code], figures["invoiced_amount"])
                if limit is not None:
                    self.assertAlmostEqual(
                        score.partner_id.with_company(self.company).credit_limit,
                        limit,
                        places=2,
                        msg=f"{ref} credit limit as of {as_of}",
                    )

            expected_counts = Counter(
                csv_ledger.segment_of(figures["score"], self.thresholds)
                for figures in expected.values()
            )
            actual_counts = Counter(
                score.segment_id.code for score in scores.values() if score.scored
            )
            self.assertEqual(actual_counts, expected_counts, f"per segment on {as_of}")
            self.assertGreaterEqual(len(expected_counts), 2, "more than one segment")
            segments_by_date[as_of] = {
                ref: csv_ledger.segment_of(figures["score"], self.thresholds)
                for ref, figures in expected.items()
            }

        first, second = (segments_by_date[day] for day in SCORING_DATES)
        moved = {
            ref for ref in set(first) | set(second) if first.get(ref) != second.get(ref)
        }
        changes = self.env["ar.credit.score.history"].search(
            [("date", "=", SCORING_DATES[1]), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            {
                change.partner_id.ref
                for change in changes
                if change.old_segment_id != change.segment_id
            },
            moved,
            "segment changes between the two dates",
        )
