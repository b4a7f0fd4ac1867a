from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ArCollectionsCommon


class PenaltyCommon(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env.ref("ar_collections.product_penalty")
        cls.rule = cls.make_rule(method="daily_percent", rate=0.1)
        cls.company.ar_penalty_rule_id = cls.rule

    @classmethod
    def make_rule(cls, **vals):
        vals.setdefault("name", "Rule %s" % vals.get("method"))
        vals.setdefault("company_id", cls.company.id)
        vals.setdefault("product_id", cls.product.id)
        return cls.env["ar.penalty.rule"].create(vals)

    def refresh(self, moves, as_of):
        moves._ar_penalty_refresh(date.fromisoformat(as_of))
        return moves

    def charge(self, as_of, partners=None):
        return self.env["ar.penalty.charge"]._run_charge(
            date.fromisoformat(as_of),
            companies=self.company,
            partner_ids=(partners or self.customer).ids,
        )


@tagged("post_install", "-at_install")
class TestPenaltyInvoice(PenaltyCommon):
    def test_first_overdue_day_accrues(self):
        invoice = self.make_invoice(1000, "2024-10-01", "2024-10-15")
        self.refresh(invoice, "2024-10-16")
        self.assertEqual(invoice.ar_penalty_to_charge, 1.0)
        self.assertEqual(invoice.ar_penalty_line_ids.days, 1)
        self.assertEqual(
            invoice.ar_penalty_line_ids.formula_text, "1,000.00 × 0.1 % × 1"
        )

    def test_declining_balance_after_payments(self):
        rule = self.make_rule(method="annual", rate=10, day_count="act_365")
        invoice = self.make_invoice(1000, "2024-12-01", "2025-01-01")
        invoice.ar_penalty_rule_id = rule
        self.pay(invoice, 400, "2025-01-31")
        self.pay(invoice, 600, "2025-02-28")
        self.refresh(invoice, "2025-03-31")
        lines = invoice.ar_penalty_line_ids.sorted("date_from")
        self.assertEqual(lines.mapped("amount"), [8.22, 4.60])
        self.assertEqual(lines.mapped("base"), [1000.0, 600.0])
        self.assertAlmostEqual(invoice.ar_penalty_accrued, 12.82)

    def test_cap_and_frozen_after_payment(self):
        rule = self.make_rule(
            method="daily_percent", rate=0.5, cap_type="percent", cap_value=25
        )
        unpaid = self.make_invoice(1000, "2024-12-01", "2025-01-01")
        paid = self.make_invoice(1000, "2024-12-01", "2025-01-01")
        (unpaid | paid).ar_penalty_rule_id = rule
        self.pay(paid, 1000, "2025-01-11")
        self.refresh(unpaid | paid, "2025-04-11")
        self.assertEqual(unpaid.ar_penalty_to_charge, 250.0)
        self.assertTrue(unpaid.ar_penalty_capped)
        cap_line = unpaid.ar_penalty_line_ids.filtered(
            lambda line: line.line_type == "cap"
        )
        self.assertEqual(cap_line.amount, -250.0)
        self.assertEqual(sum(unpaid.ar_penalty_line_ids.mapped("amount")), 250.0)
        self.assertEqual(paid.ar_penalty_to_charge, 50.0)

    def test_new_default_rule_recomputes_paid_invoices(self):
        self.company.ar_penalty_rule_id = False
        invoice = self.make_invoice(1000, "2025-01-01", "2025-01-31")
        self.pay(invoice, 1000, "2025-02-05")
        # The test cursor refuses commits; the job commits per batch.
        with patch.object(self.env.cr, "commit", lambda: None):
            self.env["account.move"]._cron_refresh_penalties()
            self.assertEqual(invoice.ar_penalty_to_charge, 0.0)

            self.company.ar_penalty_rule_id = self.rule
            self.assertTrue(invoice.ar_penalty_dirty)
            self.env["account.move"]._cron_refresh_penalties()
        # Paid on 2025-02-05: five days late at 0.1 % a day.
        self.assertEqual(invoice.ar_penalty_to_charge, 5.0)

    def test_dispute_days_excluded(self):
        disputed = self.make_invoice(800, "2025-01-01", "2025-02-01")
        plain = self.make_invoice(200, "2025-01-01", "2025-02-01")
        self.env["ar.dispute"].create(
            {
                "move_id": disputed.id,
                "date_start": "2025-02-10",
                "date_end": "2025-03-31",
                "reason": "Delivery contested",
            }
        )
        self.refresh(plain, "2025-03-15")
        self.assertEqual(plain.ar_penalty_to_charge, 8.40)
        self.refresh(disputed, "2025-04-01")
        self.assertEqual(disputed.ar_penalty_to_charge, 7.20)
        self.assertEqual(sum(disputed.ar_penalty_line_ids.mapped("days")), 9)

    def test_open_dispute_stops_accrual(self):
        invoice = self.make_invoice(800, "2025-01-01", "2025-02-01")
        self.env["ar.dispute"].create(
            {
                "move_id": invoice.id,
                "date_start": "2025-02-10",
                "reason": "Delivery contested",
            }
        )
        self.refresh(invoice, "2025-04-01")
        self.assertEqual(invoice.ar_penalty_to_charge, 6.40)
        self.assertEqual(sum(invoice.ar_penalty_line_ids.mapped("days")), 8)

    def test_dispute_days_accrue_when_rule_allows(self):
        self.rule.exclude_disputes = False
        invoice = self.make_invoice(800, "2025-01-01", "2025-02-01")
        self.env["ar.dispute"].create(
            {
                "move_id": invoice.id,
                "date_start": "2025-02-10",
                "date_end": "2025-03-31",
                "reason": "Delivery contested",
            }
        )
        self.refresh(invoice, "2025-04-01")
        self.assertAlmostEqual(invoice.ar_penalty_to_charge, 47.20)

    def test_rate_added_later_recomputes(self):
        table = self.env["ar.penalty.rate.table"].create(
            {
                "name": "Reference rate",
                "rate_ids": [
                    Command.create({"date_from": "2023-01-01", "rate": 10.62})
                ],
            }
        )
        rule = self.make_rule(
            method="annual", rate_table_id=table.id, day_count="act_365"
        )
        invoice = self.make_invoice(1000, "2023-06-01", "2023-06-20")
        invoice.ar_penalty_rule_id = rule
        self.refresh(invoice, "2023-08-31")
        self.assertEqual(invoice.ar_penalty_to_charge, 20.95)

        self.env["ar.penalty.rate"].create(
            {"table_id": table.id, "date_from": "2023-07-01", "rate": 12.12}
        )
        self.assertEqual(invoice.ar_penalty_to_charge, 23.50)
        self.assertEqual(
            invoice.ar_penalty_line_ids.sorted("date_from").mapped("days"), [10, 62]
        )

    def test_art395_early_table_and_key_rate(self):
        rule = self.make_rule(
            method="art395",
            early_rate_table_id=self.env.ref(
                "ar_collections.rate_table_refinancing"
            ).id,
        )
        invoice = self.make_invoice(100000, "2016-07-01", "2016-07-29")
        invoice.ar_penalty_rule_id = rule
        self.refresh(invoice, "2016-08-05")
        lines = invoice.ar_penalty_line_ids.sorted("date_from")
        # 2016-07-30..31 at the refinancing rate 11 %, then the key rate of
        # 10.5 % in force on 2016-08-01, 366-day year.
        self.assertEqual(lines.mapped("rate"), [11.0, 10.5])
        self.assertEqual(lines.mapped("days"), [2, 5])
        self.assertEqual(lines.mapped("amount"), [60.11, 143.44])

    def test_missing_rate_names_date(self):
        rule = self.make_rule(method="art395", early_rate_table_id=False)
        invoice = self.make_invoice(1000, "2015-01-01", "2015-02-01")
        invoice.ar_penalty_rule_id = rule
        with self.assertRaisesRegex(UserError, "2015-02-02"):
            self.refresh(invoice, "2015-03-01")
        with self.assertRaisesRegex(UserError, "2015-02-02"):
            self.charge("2015-03-01")
        self.assertFalse(
            self.env["ar.penalty.charge"].search([("move_id", "=", invoice.id)])
        )

    def test_due_date_moved_to_working_day(self):
        self.company.country_id = self.env.ref("base.ru")
        self.rule.shift_due_date = True
        # 2025-03-08 is a Saturday and a public holiday; Monday the 10th is
        # the next working day, so the first accruing day is the 11th.
        invoice = self.make_invoice(1000, "2025-02-06", "2025-03-08")
        self.refresh(invoice, "2025-03-12")
        self.assertEqual(invoice.ar_penalty_line_ids.date_from, date(2025, 3, 11))
        self.assertEqual(invoice.ar_penalty_to_charge, 2.0)

    def test_open_credit_netted_when_asked(self):
        invoice = self.make_invoice(1000, "2025-01-01", "2025-01-31")
        self.make_invoice(400, "2025-02-05", move_type="out_refund")
        self.refresh(invoice, "2025-02-10")
        self.assertEqual(invoice.ar_penalty_to_charge, 10.0)
        self.rule.net_credits = True
        self.refresh(invoice, "2025-02-10")
        # 1,000 for 02-01..02-05; the credit note of 02-05 counts like a
        # payment that day, so the base is 600 from 02-06.
        self.assertAlmostEqual(invoice.ar_penalty_to_charge, 5 * 1.0 + 5 * 0.6)

    def test_penalty_invoice_never_accrues(self):
        invoice = self.make_invoice(1000, "2025-01-01", "2025-01-31")
        penalty_invoice = self.charge("2025-02-10")
        self.assertEqual(penalty_invoice.amount_total, 10.0)
        self.assertTrue(penalty_invoice.ar_is_penalty_invoice)
        self.assertEqual(penalty_invoice.invoice_date_due, date(2025, 2, 10))
        self.refresh(penalty_invoice | invoice, "2025-06-30")
        self.assertFalse(penalty_invoice.ar_penalty_line_ids)
        self.assertEqual(penalty_invoice.ar_penalty_to_charge, 0.0)

        # The unpaid penalty invoice, due on 2025-02-10, earns nothing.
        second = self.charge("2025-02-20")
        self.assertEqual(len(second.invoice_line_ids), 1)
        self.assertEqual(second.amount_total, 10.0)


@tagged("post_install", "-at_install")
class TestPenaltyRuleInput(PenaltyCommon):
    def test_default_rule_names_translated(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections"], ["ru_RU"], overwrite=True
        )
        rules = self.env["ar.penalty.rule"].search(
            [("company_id", "=", self.company.id), ("method", "=", "art395")]
        )
        shipped = rules.filtered(
            lambda rule: rule.with_context(lang="en_US").name
            == "Interest under art. 395 Civil Code"
        )
        self.assertEqual(
            shipped.with_context(lang="ru_RU").name, "Проценты по ст. 395 ГК РФ"
        )

    def test_negative_rate_rejected(self):
        with self.assertRaisesRegex(ValidationError, "-0.5"):
            self.make_rule(method="daily_percent", rate=-0.5)

    def test_absurd_rates_rejected(self):
        with self.assertRaisesRegex(ValidationError, "above 1"):
            self.make_rule(method="daily_percent", rate=10)
        with self.assertRaisesRegex(ValidationError, "above 100"):
            self.make_rule(method="annual", rate=150)

    def test_cap_below_zero_rejected(self):
        with self.assertRaisesRegex(ValidationError, "cap -5"):
            self.make_rule(
                method="daily_percent", rate=0.1, cap_type="amount", cap_value=-5
            )

    def test_duplicate_rate_date_rejected(self):
        table = self.env["ar.penalty.rate.table"].create({"name": "Custom"})
        self.env["ar.penalty.rate"].create(
            {"table_id": table.id, "date_from": "2024-01-01", "rate": 8}
        )
        with self.assertRaisesRegex(ValidationError, "2024-01-01"):
            self.env["ar.penalty.rate"].create(
                {"table_id": table.id, "date_from": "2024-01-01", "rate": 9}
            )

    def test_rate_out_of_range_rejected(self):
        table = self.env["ar.penalty.rate.table"].create({"name": "Custom"})
        with self.assertRaisesRegex(ValidationError, "250"):
            self.env["ar.penalty.rate"].create(
                {"table_id": table.id, "date_from": "2024-01-01", "rate": 250}
            )


@tagged("post_install", "-at_install")
class TestPenaltyCurrencyAndRateDate(PenaltyCommon):
    def test_penalty_in_invoice_currency(self):
        euro = self.setup_other_currency("EUR")
        foreign = self.make_invoice(1000, "2025-01-01", "2025-01-31", currency=euro)
        local = self.make_invoice(400, "2025-01-01", "2025-01-31")
        invoices = self.charge("2025-02-05")
        self.assertEqual(len(invoices), 2)
        in_euro = invoices.filtered(lambda move: move.currency_id == euro)
        self.assertEqual(in_euro.amount_total, 5.0)
        self.assertEqual(
            in_euro.invoice_line_ids.name.split(",")[0].split()[-1], foreign.name
        )
        in_company = invoices - in_euro
        self.assertEqual(in_company.currency_id, self.company.currency_id)
        self.assertEqual(in_company.amount_total, 2.0)
        self.assertIn(local.name, in_company.invoice_line_ids.name)

    def test_fraction_rate_on_payment_date(self):
        rule = self.make_rule(method="rate_fraction", rate_date_mode="payment")
        invoice = self.make_invoice(100000, "2025-05-01", "2025-05-31")
        invoice.ar_penalty_rule_id = rule
        self.pay(invoice, 100000, "2025-07-30")
        self.refresh(invoice, "2025-08-31")
        # The key rate of 18 % in force on the payment day applies to all 60
        # days: 100,000 × 18 % / 300 × 60.
        self.assertEqual(invoice.ar_penalty_to_charge, 3600.0)
        self.assertEqual(set(invoice.ar_penalty_line_ids.mapped("rate")), {18.0})

        rule.rate_date_mode = "daily"
        self.refresh(invoice, "2025-08-31")
        lines = invoice.ar_penalty_line_ids.sorted("date_from")
        self.assertEqual(lines.mapped("rate"), [21.0, 20.0, 18.0])
        self.assertEqual(lines.mapped("days"), [8, 49, 3])
