from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.ar_collections.models import ar_credit_score_sql as score_sql
from odoo.addons.ar_collections.models.ar_credit_score import ArCreditScore

from .common import ArCollectionsCommon

AS_OF = date(2025, 6, 30)


def expected_score(item_count, on_time, weighted_days, overdue, scored_amount, broken):
    """Return the score the documented formula gives for these figures."""
    points = score_sql.ON_TIME_POINTS * on_time / item_count
    points += score_sql.LATENESS_POINTS * max(
        0.0, 1 - weighted_days / score_sql.LATENESS_ZERO_DAYS
    )
    points += score_sql.OVERDUE_POINTS * (1 - min(1.0, overdue / scored_amount))
    points -= score_sql.BROKEN_PROMISE_POINTS * broken
    return round(max(0.0, points), 2)


@tagged("post_install", "-at_install")
class TestCreditScore(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # (amount, due date, [(paid amount, payment date)]) of the main
        # customer: paid on time, paid late, open overdue, partly paid and
        # overdue, an old item paid late outside the 365 days, and an item
        # due on the scoring date, which is not yet scored.
        cls.history = [
            (1000.0, date(2025, 3, 31), [(1000.0, date(2025, 3, 20))]),
            (2000.0, date(2025, 4, 30), [(2000.0, date(2025, 5, 10))]),
            (500.0, date(2025, 6, 10), []),
            (400.0, date(2025, 5, 31), [(100.0, date(2025, 5, 20))]),
            (700.0, date(2024, 5, 31), [(700.0, date(2024, 7, 30))]),
            (300.0, AS_OF, []),
        ]
        cls.make_history(cls.customer, cls.history)
        cls.punctual = cls.env["res.partner"].create(
            {"name": "Punctual Trading", "is_company": True}
        )
        cls.make_history(
            cls.punctual,
            [(3000.0, date(2025, 5, 31), [(3000.0, date(2025, 5, 31))])],
        )
        cls.segments = cls.make_segments(
            [("A", 80, 3.0, 0.0), ("B", 60, 2.0, 0.0), ("C", 0, 0.0, 0.0)]
        )

    @classmethod
    def make_history(cls, partner, history):
        for amount, due, payments in history:
            move = cls.make_invoice(
                amount, due - timedelta(days=30), due, partner=partner
            )
            for paid, day in payments:
                cls.pay(move, paid, day)

    @classmethod
    def make_segments(cls, rows):
        """Create segments of (code, minimum score, multiple, cap) rows, best first."""
        return cls.env["ar.credit.segment"].create(
            [
                {
                    "code": code,
                    "name": f"Segment {code}",
                    "sequence": index,
                    "company_id": cls.company.id,
                    "min_score": min_score,
                    "limit_rule": bool(multiple),
                    "limit_multiple": multiple,
                    "limit_cap": cap,
                }
                for index, (code, min_score, multiple, cap) in enumerate(rows)
            ]
        )

    def score_of(self, partner, as_of=AS_OF):
        self.env["ar.credit.score"]._score_batch(self.company, partner.ids, as_of)
        return self.env["ar.credit.score"].search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.company.id)]
        )

    def expected_figures(self, history, as_of):
        """Compute the documented figures of ``history`` as of ``as_of`` by hand."""
        scored = []
        overdue = 0.0
        overdue_count = 0
        for amount, due, payments in history:
            paid = [(value, day) for value, day in payments if day <= as_of]
            residual = amount - sum(value for value, _day in paid)
            settled = residual < 0.005
            if not settled and due < as_of:
                overdue += residual
                overdue_count += 1
            if not as_of - timedelta(days=365) <= due < as_of:
                continue
            if settled:
                days_late = max(0, (max(day for _value, day in paid) - due).days)
            else:
                days_late = (as_of - due).days
            scored.append((amount, days_late, settled and days_late == 0))
        amount_total = sum(amount for amount, _days, _on_time in scored)
        return {
            "item_count": len(scored),
            "on_time_count": sum(1 for *_rest, on_time in scored if on_time),
            "avg_days_late": sum(days for _a, days, _o in scored) / len(scored),
            "weighted_days_late": sum(a * days for a, days, _o in scored)
            / amount_total,
            "overdue_amount": overdue,
            "overdue_count": overdue_count,
            "scored_amount": amount_total,
        }

    def check_figures(self, score, expected, broken=0):
        self.assertEqual(score.item_count, expected["item_count"])
        self.assertEqual(score.on_time_count, expected["on_time_count"])
        self.assertAlmostEqual(
            score.on_time_share,
            100 * expected["on_time_count"] / expected["item_count"],
            places=2,
        )
        self.assertAlmostEqual(score.avg_days_late, expected["avg_days_late"], places=2)
        self.assertAlmostEqual(
            score.weighted_days_late, expected["weighted_days_late"], places=2
        )
        self.assertAlmostEqual(
            score.overdue_amount, expected["overdue_amount"], places=2
        )
        self.assertEqual(score.overdue_count, expected["overdue_count"])
        self.assertEqual(score.broken_promise_count, broken)
        self.assertTrue(score.scored)
        self.assertAlmostEqual(
            score.score,
            expected_score(
                expected["item_count"],
                expected["on_time_count"],
                expected["weighted_days_late"],
                expected["overdue_amount"],
                expected["scored_amount"],
                broken,
            ),
            places=2,
        )

    def test_figures_of_constructed_history(self):
        score = self.score_of(self.customer)

        expected = self.expected_figures(self.history, AS_OF)
        self.assertEqual(expected["item_count"], 4, "2024 and due-today items out")
        self.assertEqual(expected["on_time_count"], 1)
        self.assertEqual(expected["overdue_count"], 2)
        self.check_figures(score, expected)
        self.assertEqual(score.date, AS_OF)

    def test_figures_as_of_past_date(self):
        # On 2025-05-05 the 2,000 invoice is open and 5 days late, and the
        # partly paid one is not yet due.
        as_of = date(2025, 5, 5)
        score = self.score_of(self.customer, as_of)

        expected = self.expected_figures(self.history, as_of)
        self.assertEqual(expected["overdue_count"], 1)
        self.check_figures(score, expected)

    def test_paid_on_due_date_is_on_time(self):
        score = self.score_of(self.punctual)

        self.assertEqual(score.item_count, 1)
        self.assertEqual(score.on_time_count, 1)
        self.assertEqual(score.avg_days_late, 0)
        self.assertEqual(score.score, 100)

    def test_broken_promise_lowers_score(self):
        without = self.score_of(self.customer).score
        promises = self.env["ar.promise"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "amount": 100.0,
                    "date_promised": day - timedelta(days=7),
                    "date_due": day,
                }
                for day in (date(2025, 6, 1), date(2024, 1, 15))
            ]
        )
        promises.write({"state": "broken"})

        score = self.score_of(self.customer)

        self.assertEqual(score.broken_promise_count, 1, "the 2024 promise is outside")
        self.assertAlmostEqual(
            without - score.score, score_sql.BROKEN_PROMISE_POINTS, places=2
        )
        self.check_figures(score, self.expected_figures(self.history, AS_OF), broken=1)

    def test_no_history_no_segment(self):
        newcomer = self.env["res.partner"].create({"name": "Newcomer"})
        self.make_invoice(100.0, "2025-06-20", "2025-07-20", partner=newcomer)

        score = self.score_of(newcomer)

        self.assertFalse(score.scored)
        self.assertFalse(score.segment_id)
        self.assertEqual(score.item_count, 0)
        self.assertEqual(newcomer.with_company(self.company).credit_limit, 0)

    def test_segment_by_configured_thresholds(self):
        customer_score = self.score_of(self.customer)
        punctual_score = self.score_of(self.punctual)
        by_code = {segment.code: segment for segment in self.segments}
        self.assertLess(customer_score.score, by_code["B"].min_score)

        self.assertEqual(punctual_score.segment_id, by_code["A"])
        self.assertEqual(customer_score.segment_id, by_code["C"])

        # Lower B's minimum below the customer's score: it moves up.
        by_code["B"].min_score = customer_score.score - 1
        customer_score = self.score_of(self.customer)
        self.assertEqual(customer_score.segment_id, by_code["B"])
        changes = self.env["ar.credit.score.history"].search(
            [("partner_id", "=", self.customer.id)], order="id"
        )
        self.assertEqual(
            [
                (change.old_segment_id.code, change.segment_id.code)
                for change in changes
            ],
            [(False, "C"), ("C", "B")],
        )

    def test_dynamic_limit_applied_and_logged(self):
        History = self.env["ar.credit.score.history"]
        segment_a = self.segments.filtered(lambda segment: segment.code == "A")

        score = self.score_of(self.punctual)

        # 3,000 invoiced in the 365 days, three months of invoicing.
        expected_limit = self.company.currency_id.round(
            segment_a.limit_multiple * 3000.0 / 12
        )
        partner = self.punctual.with_company(self.company)
        self.assertEqual(partner.credit_limit, expected_limit)
        self.assertEqual(score.credit_limit, expected_limit)
        log = History.search([("partner_id", "=", self.punctual.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(log.segment_id, segment_a)
        self.assertFalse(log.old_segment_id)
        self.assertEqual(log.old_limit, 0)
        self.assertEqual(log.new_limit, expected_limit)
        self.assertTrue(log.limit_changed)

    def test_limit_capped(self):
        segment_a = self.segments.filtered(lambda segment: segment.code == "A")
        segment_a.limit_cap = 400.0

        self.score_of(self.punctual)

        self.assertEqual(self.punctual.with_company(self.company).credit_limit, 400.0)

    def test_segment_without_rule_keeps_limit(self):
        partner = self.customer.with_company(self.company)
        partner.credit_limit = 1234.0

        score = self.score_of(self.customer)

        self.assertFalse(score.segment_id.limit_rule)
        self.assertEqual(partner.credit_limit, 1234.0)
        self.assertEqual(score.credit_limit, 1234.0)

    def test_bad_segment_values_rejected(self):
        segment_b = self.segments.filtered(lambda segment: segment.code == "B")
        cases = [
            ({"limit_multiple": -2.0}, "-2.0"),
            ({"limit_cap": -500.0}, "-500.0"),
            ({"min_score": 120.0}, "120.0"),
            ({"min_score": 90.0}, "90.0"),
            ({"limit_multiple": 0.0}, "Segment B"),
        ]
        for vals, expected_text in cases:
            with self.subTest(vals=vals):
                with self.assertRaises(ValidationError) as caught:
                    segment_b.write(vals)
                self.assertIn(expected_text, str(caught.exception))
                segment_b.invalidate_recordset()
                self.assertEqual(segment_b.limit_multiple, 2.0)
                self.assertEqual(segment_b.limit_cap, 0.0)
                self.assertEqual(segment_b.min_score, 60.0)

    def test_scheduled_action_idempotent(self):
        History = self.env["ar.credit.score.history"]
        with freeze_time("2025-06-30 12:00:00"):
            first = self.env["ar.credit.score"]._cron_compute_scores()
            scores = self.env["ar.credit.score"].search(
                [("company_id", "=", self.company.id)]
            )
            values = scores.read(["score", "segment_id", "credit_limit", "date"])
            limit = self.punctual.with_company(self.company).credit_limit
            log_count = History.search_count([])

            with patch.object(ArCreditScore, "write", autospec=True) as write:
                second = self.env["ar.credit.score"]._cron_compute_scores()
                self.env["ar.credit.score"]._score_batch(
                    self.company, scores.partner_id.ids, AS_OF
                )

        self.assertGreaterEqual(first["done"], 2)
        self.assertEqual(second["done"], 0, "nobody is left to score today")
        self.assertEqual(write.call_count, 0, "rescoring writes nothing")
        self.assertEqual(History.search_count([]), log_count)
        self.assertGreater(log_count, 0)
        scores.invalidate_recordset()
        self.assertEqual(
            scores.read(["score", "segment_id", "credit_limit", "date"]), values
        )
        self.assertEqual(self.punctual.with_company(self.company).credit_limit, limit)
        self.assertEqual(set(scores.mapped("date")), {AS_OF})

    def test_partner_button_scores_customer(self):
        with freeze_time("2025-06-30 12:00:00"):
            self.customer.with_company(self.company).action_ar_compute_credit_score()

        score = self.customer.ar_credit_score_ids
        self.assertEqual(len(score), 1)
        self.assertEqual(score.date, AS_OF)
        self.check_figures(score, self.expected_figures(self.history, AS_OF))
