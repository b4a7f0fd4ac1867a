from datetime import date
from decimal import Decimal

from odoo.tests import BaseCase, tagged

from odoo.addons.ar_collections.models.ar_penalty_calc import (
    PenaltyRateMissing,
    PenaltyRule,
    compute_penalty,
)

# Bank of Russia key rate, 2024-2025 rows used by the worked examples.
KEY_RATE = (
    (date(2024, 10, 28), "21.00"),
    (date(2025, 6, 9), "20.00"),
    (date(2025, 7, 28), "18.00"),
)


def amount(result):
    return str(result.amount)


@tagged("post_install", "-at_install")
class TestPenaltyCalc(BaseCase):
    """Penalty figures of worked examples and field cases, without the database."""

    def test_first_overdue_day_accrues(self):
        rule = PenaltyRule(method="daily_percent", rate=Decimal("0.1"))
        result = compute_penalty(1000, date(2024, 10, 15), date(2024, 10, 16), rule)
        self.assertEqual(amount(result), "1.00")

    def test_intervals_add_up(self):
        rule = PenaltyRule(method="daily_percent", rate=Decimal("0.1"))
        due = date(2024, 10, 15)
        first = compute_penalty(1000, due, date(2024, 10, 20), rule)
        second = compute_penalty(1000, due, date(2024, 10, 25), rule)
        self.assertEqual(amount(first), "5.00")
        self.assertEqual(str(second.amount - first.amount), "5.00")

    def test_declining_balance(self):
        rule = PenaltyRule(method="annual", rate=Decimal(10))
        payments = [(date(2025, 1, 31), 400), (date(2025, 2, 28), 600)]
        result = compute_penalty(
            1000, date(2025, 1, 1), date(2025, 3, 31), rule, payments
        )
        self.assertEqual(
            [line.amount for line in result.lines], [Decimal("8.22"), Decimal("4.60")]
        )
        self.assertEqual(amount(result), "12.82")

    def test_cap_and_stop_after_payment(self):
        rule = PenaltyRule(
            method="daily_percent", rate=Decimal("0.5"), cap_percent=Decimal(25)
        )
        due = date(2025, 1, 1)
        unpaid = compute_penalty(1000, due, date(2025, 4, 11), rule)
        self.assertEqual(amount(unpaid), "250.00")
        self.assertTrue(unpaid.capped)
        paid = compute_penalty(
            1000, due, date(2025, 4, 11), rule, [(date(2025, 1, 11), 1000)]
        )
        self.assertEqual(amount(paid), "50.00")

    def test_rate_change_splits(self):
        rule = PenaltyRule(
            method="annual",
            rate_table=((date(2023, 1, 1), "10.62"), (date(2023, 7, 1), "12.12")),
        )
        result = compute_penalty(1000, date(2023, 6, 20), date(2023, 8, 31), rule)
        self.assertEqual([line.days for line in result.lines], [10, 62])
        self.assertEqual(amount(result), "23.50")

    def test_day_count_conventions(self):
        due, as_of = date(2024, 2, 15), date(2024, 3, 15)
        expected = {"act_365": "6.36", "act_act": "6.34", "30_360": "6.67"}
        for day_count, figure in expected.items():
            rule = PenaltyRule(method="annual", rate=Decimal(8), day_count=day_count)
            self.assertEqual(
                amount(compute_penalty(1000, due, as_of, rule)), figure, day_count
            )

    def test_year_end_splits_lines(self):
        rule = PenaltyRule(method="annual", rate=Decimal(10))
        result = compute_penalty(1000, date(2024, 12, 20), date(2025, 1, 10), rule)
        self.assertEqual(
            [(line.date_from, line.date_to) for line in result.lines],
            [
                (date(2024, 12, 21), date(2024, 12, 31)),
                (date(2025, 1, 1), date(2025, 1, 10)),
            ],
        )

    def test_daily_percent_one_line_across_year_end(self):
        # One rounding for the whole stretch: 39.62 x 0.1 % x 17 days is
        # 0.67, where lines split at the year end would give 0.28 + 0.40.
        rule = PenaltyRule(method="daily_percent", rate=Decimal("0.1"))
        result = compute_penalty(
            Decimal("39.62"), date(2012, 12, 24), date(2013, 1, 10), rule
        )
        self.assertEqual(len(result.lines), 1)
        self.assertEqual(result.lines[0].days, 17)
        self.assertEqual(amount(result), "0.67")

    def test_open_dispute_stops_accrual(self):
        # The engine passes an open dispute as ending on date.max.
        rule = PenaltyRule(method="daily_percent", rate=Decimal("0.1"))
        result = compute_penalty(
            1000,
            date(2025, 1, 31),
            date(2025, 3, 1),
            rule,
            excluded=[(date(2025, 2, 10), date.max)],
        )
        self.assertEqual([line.days for line in result.lines], [9])
        self.assertEqual(amount(result), "9.00")

    def test_article_395_one_rate(self):
        rule = PenaltyRule(method="annual", rate_table=KEY_RATE, day_count="act_act")
        result = compute_penalty(100000, date(2025, 1, 9), date(2025, 2, 8), rule)
        self.assertEqual(amount(result), "1726.03")

    def test_article_395_leap_year_boundary(self):
        rule = PenaltyRule(method="annual", rate_table=KEY_RATE, day_count="act_act")
        result = compute_penalty(100000, date(2024, 12, 16), date(2025, 1, 15), rule)
        self.assertEqual(
            [line.amount for line in result.lines],
            [Decimal("860.66"), Decimal("863.01")],
        )
        self.assertEqual(amount(result), "1723.67")

    def test_article_395_payments_next_day(self):
        rule = PenaltyRule(method="annual", rate_table=KEY_RATE, day_count="act_act")
        payments = [(date(2025, 7, 1), 200000), (date(2025, 8, 10), 300000)]
        result = compute_penalty(
            500000, date(2025, 5, 31), date(2025, 8, 31), rule, payments
        )
        self.assertEqual(
            [line.amount for line in result.lines],
            [
                Decimal("2301.37"),
                Decimal("6301.37"),
                Decimal("4273.97"),
                Decimal("2071.23"),
            ],
        )
        self.assertEqual(amount(result), "14947.94")

    def test_article_395_payment_day_convention(self):
        rule = PenaltyRule(
            method="annual",
            rate_table=KEY_RATE,
            day_count="act_act",
            payment_day_accrues=False,
        )
        payments = [(date(2025, 7, 1), 200000), (date(2025, 8, 10), 300000)]
        result = compute_penalty(
            500000, date(2025, 5, 31), date(2025, 8, 31), rule, payments
        )
        self.assertEqual(amount(result), "14690.42")

    def test_fraction_on_one_date(self):
        rule = PenaltyRule(
            method="rate_fraction",
            rate_table=((date(2024, 1, 1), "16.5"),),
            rate_date=date(2024, 6, 1),
        )
        result = compute_penalty(1000000, date(2024, 3, 1), date(2024, 3, 21), rule)
        self.assertEqual(amount(result), "11000.00")

    def test_fraction_stages_tax_2025(self):
        rule = PenaltyRule(
            method="rate_fraction",
            rate_table=KEY_RATE,
            fraction_stages=((1, 300), (31, 150), (91, 300)),
        )
        result = compute_penalty(1000000, date(2025, 7, 27), date(2025, 9, 5), rule)
        self.assertEqual(
            [line.amount for line in result.lines],
            [Decimal("18000.00"), Decimal("12000.00")],
        )
        self.assertEqual(amount(result), "30000.00")

    def test_fraction_stages_housing(self):
        rule = PenaltyRule(
            method="rate_fraction",
            rate_table=((date(2024, 1, 1), "10"),),
            rate_date=date(2025, 3, 17),
            fraction_stages=((1, None), (31, 300), (91, 130)),
        )
        result = compute_penalty(250, date(2024, 12, 15), date(2025, 3, 17), rule)
        self.assertEqual(amount(result), "5.38")

    def test_grace_and_retroactive(self):
        due = date(2025, 3, 14)
        plain = PenaltyRule(method="daily_percent", rate=Decimal("0.1"), grace_days=5)
        self.assertEqual(
            amount(compute_penalty(1000, due, date(2025, 3, 18), plain)), "0"
        )
        self.assertEqual(
            amount(compute_penalty(1000, due, date(2025, 3, 20), plain)), "1.00"
        )
        retro = PenaltyRule(
            method="daily_percent", rate=Decimal("0.1"), grace_days=5, retroactive=True
        )
        self.assertEqual(
            amount(compute_penalty(1000, due, date(2025, 3, 20), retro)), "6.00"
        )

    def test_dispute_days_excluded(self):
        rule = PenaltyRule(method="daily_percent", rate=Decimal("0.1"))
        due = date(2025, 2, 1)
        self.assertEqual(
            amount(compute_penalty(200, due, date(2025, 3, 15), rule)), "8.40"
        )
        excluded = [(date(2025, 2, 10), date(2025, 3, 31))]
        result = compute_penalty(800, due, date(2025, 4, 1), rule, excluded=excluded)
        self.assertEqual(amount(result), "7.20")

    def test_missing_rate_names_date(self):
        rule = PenaltyRule(method="annual", rate_table=KEY_RATE)
        with self.assertRaisesRegex(PenaltyRateMissing, "2024-01-02"):
            compute_penalty(1000, date(2024, 1, 1), date(2024, 1, 5), rule)
