from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ArCollectionsCommon


class CreditCommon(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.company.ar_credit_mode = "block"
        cls.customer.with_company(cls.company).credit_limit = 1000.0
        cls.collector = cls.env["res.users"].create(
            {
                "name": "Irina Collector",
                "login": "irina.collector",
                "groups_id": [
                    Command.link(cls.env.ref("account.group_account_invoice").id)
                ],
            }
        )
        cls.customer.ar_collector_id = cls.collector

    def draft_invoice(self, amount, partner=None, invoice_date=None, due_date=None):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_date": invoice_date or self.today,
                "invoice_date_due": due_date or invoice_date or self.today,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Audit", "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )

    def existing_debt(self, amount, invoice_date, due_date=None, **kwargs):
        """Post an invoice as data loaded before credit control was on."""
        mode = self.company.ar_credit_mode
        self.company.ar_credit_mode = "off"
        invoice = self.make_invoice(amount, invoice_date, due_date, **kwargs)
        self.company.ar_credit_mode = mode
        return invoice

    def exposure(self, partner=None):
        partner = partner or self.customer
        return self.env["ar.credit.exposure"]._get_exposures(self.company, partner.ids)[
            partner.id
        ]


@tagged("post_install", "-at_install")
class TestCreditControl(CreditCommon):
    def test_exposure_breakdown(self):
        self.make_invoice(600, self.today, self.today)
        self.make_invoice(150, self.today, move_type="out_refund")
        self.draft_invoice(200)
        exposure = self.exposure()
        self.assertEqual(exposure.receivable, 450.0)
        self.assertEqual(exposure.draft_invoices, 200.0)
        self.assertEqual(exposure.total, 650.0)
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.ar_credit_exposure, 650.0)

    def test_block_over_limit(self):
        self.make_invoice(600, self.today, self.today)
        invoice = self.draft_invoice(500)
        with self.assertRaisesRegex(UserError, "1,100.00 is over the credit limit"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")

    def test_within_limit_posts(self):
        self.make_invoice(600, self.today, self.today)
        invoice = self.draft_invoice(400)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_warn_mode_banner_and_posts(self):
        self.company.ar_credit_mode = "warn"
        self.make_invoice(600, self.today, self.today)
        invoice = self.draft_invoice(500)
        self.assertIn("Credit control warning", invoice.partner_credit_warning)
        self.assertIn("$ 1,100.00", invoice.partner_credit_warning.replace("\xa0", " "))
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_block_mode_banner_same_figures(self):
        self.make_invoice(600, self.today, self.today)
        invoice = self.draft_invoice(500)
        banner = invoice.partner_credit_warning.replace("\xa0", " ")
        self.assertIn("Credit control blocks", banner)
        with self.assertRaises(UserError) as caught:
            invoice.action_post()
        reason = str(caught.exception).replace("\xa0", " ")
        for line in banner.splitlines()[1:]:
            self.assertIn(line, reason)

    def test_mode_off_never_blocks(self):
        self.company.ar_credit_mode = "off"
        self.existing_debt(1600, self.today, self.today)
        invoice = self.draft_invoice(500)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_customer_mode_overrides_company(self):
        self.customer.with_company(self.company).ar_credit_mode = "warn"
        self.existing_debt(1600, self.today, self.today)
        invoice = self.draft_invoice(500)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_credit_note_never_blocked(self):
        self.existing_debt(1600, self.today, self.today)
        refund = self.draft_invoice(100)
        refund.move_type = "out_refund"
        refund.action_post()
        self.assertEqual(refund.state, "posted")

    def test_overdue_days_rule(self):
        self.company.ar_credit_overdue_days = 30
        old = self.today - timedelta(days=70)
        self.make_invoice(10, old, self.today - timedelta(days=40))
        invoice = self.draft_invoice(10)
        with self.assertRaisesRegex(UserError, "40 days overdue, more than the 30"):
            invoice.action_post()

    def test_customer_overdue_amount_rule(self):
        partner = self.customer.with_company(self.company)
        partner.ar_credit_own_rule = True
        partner.ar_credit_overdue_amount = 100
        self.make_invoice(
            150, self.today - timedelta(days=40), self.today - timedelta(days=5)
        )
        invoice = self.draft_invoice(10)
        with self.assertRaisesRegex(UserError, "Overdue amount \\$\\s150.00 is above"):
            invoice.action_post()

    def test_manual_hold_and_lift(self):
        wizard = (
            self.env["ar.credit.hold.wizard"]
            .with_context(active_id=self.customer.id)
            .create({"reason": "Unpaid audit, director's decision"})
        )
        wizard.action_apply()
        invoice = self.draft_invoice(10)
        with self.assertRaisesRegex(UserError, "credit hold: Unpaid audit"):
            invoice.action_post()
        case = self.case()
        self.assertEqual(case.credit_hold_source, "manual")
        self.assertEqual(case.credit_hold_user_id, self.env.user)

        self.env["ar.credit.hold.wizard"].with_context(
            active_id=self.customer.id
        ).create({"action": "lift", "reason": "Paid"}).action_apply()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        events = self.env["ar.collection.event"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            set(events.mapped("event_type")), {"credit_hold", "credit_hold_lifted"}
        )

    def test_stage_hold_lifted_when_debt_paid(self):
        invoice = self.make_invoice(100, "2025-01-01", "2025-01-31")
        self.run_collection("2025-03-17")
        case = self.case()
        self.assertTrue(case.credit_hold)
        self.assertEqual(case.credit_hold_source, "stage")
        self.pay(invoice, 100, "2025-03-20")
        self.run_collection("2025-03-21")
        self.assertFalse(case.credit_hold)

    def test_negative_values_rejected(self):
        with self.assertRaisesRegex(ValidationError, "-5"):
            self.customer.with_company(self.company).credit_limit = -5
        with self.assertRaisesRegex(ValidationError, "-3"):
            self.company.ar_credit_overdue_days = -3

    def test_penalty_invoice_not_blocked(self):
        self.existing_debt(1600, self.today, self.today)
        invoice = self.draft_invoice(10)
        invoice.ar_is_penalty_invoice = True
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")


@tagged("post_install", "-at_install")
class TestCreditOverride(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Oleg Credit Manager",
                "login": "oleg.credit",
                "groups_id": [
                    Command.link(
                        cls.env.ref("ar_collections.group_ar_credit_manager").id
                    ),
                    Command.link(cls.env.ref("base.group_partner_manager").id),
                ],
                "company_ids": [Command.set(cls.company.ids)],
                "company_id": cls.company.id,
            }
        )

    def test_override_once(self):
        self.existing_debt(1600, self.today, self.today)
        first = self.draft_invoice(100)
        second = self.draft_invoice(100)
        action = first.with_user(self.manager).action_ar_credit_override()
        wizard = (
            self.env["ar.credit.override.wizard"]
            .with_user(self.manager)
            .with_context(**action["context"])
            .create({"reason": "Payment promised by the CFO"})
        )
        self.assertIn("over the credit limit", wizard.status_text)
        wizard.action_confirm()

        first.action_post()
        self.assertEqual(first.state, "posted")
        with self.assertRaises(UserError):
            second.action_post()
        # Reset to draft and post again: the override served once.
        first.button_draft()
        with self.assertRaises(UserError):
            first.action_post()

        event = self.env["ar.collection.event"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("event_type", "=", "credit_override"),
            ]
        )
        self.assertIn("Payment promised by the CFO", event.result)
        self.assertTrue(
            first.message_ids.filtered(
                lambda m: "Payment promised by the CFO" in m.body
            )
        )
        activity = first.activity_ids.filtered(lambda a: a.user_id == self.collector)
        self.assertEqual(len(activity), 1)

    def test_override_needs_credit_manager(self):
        self.existing_debt(1600, self.today, self.today)
        invoice = self.draft_invoice(100)
        with self.assertRaisesRegex(UserError, "Only a credit manager"):
            invoice.with_user(self.collector).action_ar_credit_override()


@tagged("post_install", "-at_install")
class TestCreditPaths(CreditCommon):
    def test_form_then_post_refused(self):
        self.existing_debt(1600, self.today, self.today)
        form = Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        )
        form.partner_id = self.customer
        form.invoice_date = self.today
        with form.invoice_line_ids.new() as line:
            line.name = "Audit"
            line.price_unit = 100
            line.tax_ids.clear()
        self.assertIn("Credit control blocks", form.partner_credit_warning)
        invoice = form.save()
        with self.assertRaisesRegex(UserError, "blocked by credit control"):
            invoice.action_post()

    def test_autopost_leaves_blocked_invoice_draft(self):
        self.existing_debt(1600, self.today, self.today)
        invoice = self.draft_invoice(100)
        invoice.write({"auto_post": "at_date", "date": self.today, "checked": True})
        self.env["account.move"]._autopost_draft_entries()
        self.assertEqual(invoice.state, "draft")
        self.assertTrue(
            invoice.message_ids.filtered(
                lambda m: "blocked by credit control" in m.body
            )
        )

    def test_foreign_invoice_converted_once(self):
        euro = self.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        self.make_invoice(1000, "2025-03-01", "2025-03-31", currency=euro)
        # A later rate must not change the exposure: the residual in company
        # currency booked on the journal item is used as it is.
        self.env["res.currency.rate"].create(
            {
                "name": self.today,
                "rate": 4.0,
                "currency_id": euro.id,
                "company_id": self.company.id,
            }
        )
        self.assertEqual(self.exposure().receivable, 500.0)

    def test_check_queries_bounded(self):
        """Posting checks cost the same queries for 2 and 40 open items."""
        other = self.env["res.partner"].create({"name": "Sever Legal"})
        for _index in range(2):
            self.make_invoice(1, self.today, self.today)
        for _index in range(40):
            self.make_invoice(1, self.today, self.today, partner=other)
        small = self.draft_invoice(1)
        large = self.draft_invoice(1, partner=other)
        counts = []
        other.with_company(self.company).credit_limit = 1000.0
        for move in (small, large, small, large):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            move._ar_check_credit_before_post()
            counts.append(self.env.cr.sql_log_count - before)
        counts = counts[2:]
        self.assertEqual(counts[0], counts[1])
