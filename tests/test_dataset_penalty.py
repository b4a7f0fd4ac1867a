"""Late-payment penalties on the loaded reference dataset, checked against the CSV.

The expected figures come from ``csv_ledger``, which computes each invoice's
penalty from its amount, due date, settlement date and dispute flag alone.
For the reference CSV as of 2014-01-31, it gives 494 invoices with 215.86
in total at 0.1 % a day, and 491 invoices with 48.77 at 8.25 % a year. As
of 2012-09-30 it gives 201 invoices with 101.25, and 200 with 22.86. The
tests compare the module's stored figures with the computed values, not
with these numbers.
"""

import datetime
from decimal import Decimal

from . import csv_ledger
from .common import RepoTransactionCase

# After the last settlement of the CSV (2014-01-09), so every late invoice
# is paid and its penalty is final.
AFTER_SETTLEMENTS = datetime.date(2014, 1, 31)
# Inside the CSV's period: some late invoices are still open on that day.
MID_PERIOD = datetime.date(2012, 9, 30)

DAILY_PERCENT = Decimal("0.1")
ANNUAL_PERCENT = Decimal("8.25")

# Mismatching invoices listed in a failure message.
SHOWN_MISMATCHES = 10


class TestDatasetPenalty(RepoTransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoices = csv_ledger.read_invoices()
        cls.company = cls.env.company
        cls.company.ar_penalty_after_principal = "payable"
        cls.moves = cls.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("company_id", "=", cls.company.id),
                ("ref", "in", [invoice["invoice"] for invoice in cls.invoices]),
            ]
        )

    def set_company_rule(self, **vals):
        vals = dict(
            vals, name=f"Dataset rule {vals['method']}", company_id=self.company.id
        )
        rule = self.env["ar.penalty.rule"].create(vals)
        self.assertTrue(rule.exclude_disputes, "disputes are excluded by default")
        self.company.ar_penalty_rule_id = rule
        return rule

    def stored_penalties(self, as_of):
        """Recompute every dataset invoice as of ``as_of``; return {ref: penalty}."""
        self.moves._ar_penalty_refresh(as_of)
        penalties = {}
        for move in self.moves:
            self.assertEqual(move.ar_penalty_date, as_of, move.ref)
            amount = Decimal(str(move.ar_penalty_to_charge)).quantize(Decimal("0.01"))
            if amount:
                penalties[move.ref] = amount
        return penalties

    def check_penalties(self, as_of, penalty):
        self.assertEqual(
            len(self.moves), len(self.invoices), "every CSV invoice is loaded"
        )
        expected = csv_ledger.penalties_by_invoice(self.invoices, as_of, penalty)
        self.assertGreater(len(expected), 100, "the CSV has late invoices on that date")

        actual = self.stored_penalties(as_of)

        self.assertEqual(len(actual), len(expected), "invoices with a penalty")
        self.assertEqual(sum(actual.values()), sum(expected.values()), "total penalty")
        mismatches = [
            (ref, expected.get(ref, Decimal(0)), actual.get(ref, Decimal(0)))
            for ref in sorted(set(expected) | set(actual))
            if expected.get(ref) != actual.get(ref)
        ]
        self.assertFalse(
            mismatches,
            f"{len(mismatches)} invoices differ as of {as_of}; first ones as "
            "(invoice, CSV, Odoo): "
            + ", ".join(
                f"({ref}, {csv_amount}, {odoo_amount})"
                for ref, csv_amount, odoo_amount in mismatches[:SHOWN_MISMATCHES]
            ),
        )
        return expected

    def check_disputed_invoices_accrue_nothing(self, as_of):
        late_disputed = {
            invoice["invoice"]
            for invoice in self.invoices
            if invoice["disputed"] and invoice["settled_date"] > invoice["due_date"]
        }
        self.assertTrue(late_disputed, "the CSV has disputed invoices paid late")
        moves = self.moves.filtered(lambda move: move.ref in late_disputed)
        self.assertEqual(len(moves), len(late_disputed))
        self.assertEqual(set(moves.mapped("ar_penalty_to_charge")), {0.0})

    def open_on(self, as_of, refs):
        return {
            invoice["invoice"]
            for invoice in self.invoices
            if invoice["invoice"] in refs and invoice["settled_date"] > as_of
        }

    def test_daily_percent_after_settlements(self):
        self.set_company_rule(method="daily_percent", rate=float(DAILY_PERCENT))
        self.check_penalties(
            AFTER_SETTLEMENTS,
            lambda invoice, day: csv_ledger.penalty_daily_percent(
                invoice, day, DAILY_PERCENT
            ),
        )
        self.check_disputed_invoices_accrue_nothing(AFTER_SETTLEMENTS)

    def test_daily_percent_mid_period(self):
        self.set_company_rule(method="daily_percent", rate=float(DAILY_PERCENT))
        expected = self.check_penalties(
            MID_PERIOD,
            lambda invoice, day: csv_ledger.penalty_daily_percent(
                invoice, day, DAILY_PERCENT
            ),
        )
        self.assertTrue(
            self.open_on(MID_PERIOD, expected), "some late invoices are still open"
        )

    def test_annual_act_act_after_settlements(self):
        self.set_company_rule(
            method="annual", rate=float(ANNUAL_PERCENT), day_count="act_act"
        )
        expected = self.check_penalties(
            AFTER_SETTLEMENTS,
            lambda invoice, day: csv_ledger.penalty_annual_act_act(
                invoice, day, ANNUAL_PERCENT
            ),
        )
        self.check_disputed_invoices_accrue_nothing(AFTER_SETTLEMENTS)

        # Invoices late across a year end get one line per year.
        across_year_end = []
        for invoice in self.invoices:
            period = csv_ledger.penalty_period(invoice, AFTER_SETTLEMENTS)
            if invoice["invoice"] in expected and period[0].year < period[1].year:
                across_year_end.append(invoice["invoice"])
        self.assertTrue(across_year_end, "some late invoices span a year end")
        for move in self.moves.filtered(lambda move: move.ref in across_year_end):
            years = move.ar_penalty_line_ids.mapped("date_from")
            self.assertEqual(
                len(move.ar_penalty_line_ids),
                len({day.year for day in years}),
                f"{move.ref}: one line per year",
            )
            self.assertGreater(len(years), 1, move.ref)

    def test_annual_act_act_mid_period(self):
        self.set_company_rule(
            method="annual", rate=float(ANNUAL_PERCENT), day_count="act_act"
        )
        expected = self.check_penalties(
            MID_PERIOD,
            lambda invoice, day: csv_ledger.penalty_annual_act_act(
                invoice, day, ANNUAL_PERCENT
            ),
        )
        self.assertTrue(
            self.open_on(MID_PERIOD, expected), "some late invoices are still open"
        )
