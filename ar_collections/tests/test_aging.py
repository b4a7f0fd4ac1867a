from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ArCollectionsCommon

BUCKET_FIELDS = [
    "amount_not_due",
    "amount_bucket_1",
    "amount_bucket_2",
    "amount_bucket_3",
    "amount_bucket_4",
    "amount_bucket_5",
    "amount_bucket_6",
    "amount_bucket_7",
]


@tagged("post_install", "-at_install")
class TestAging(ArCollectionsCommon):
    def assertBucketsAddUp(self, debtor):
        total = sum(debtor[name] for name in BUCKET_FIELDS)
        self.assertAlmostEqual(total, debtor.total_open, places=2)

    def test_due_today_not_overdue(self):
        """an item due on the as-of date is 0 days overdue and not overdue."""
        self.make_invoice(100.0, "2025-03-01", "2025-03-10")
        self.make_invoice(50.0, "2025-03-01", "2025-03-09")
        self.make_invoice(70.0, "2025-03-01", "2025-03-11")

        debtor = self.debtor("2025-03-10")

        self.assertEqual(debtor.overdue, 50.0)
        self.assertEqual(debtor.amount_not_due, 170.0)
        self.assertEqual(debtor.amount_bucket_1, 50.0)
        self.assertEqual(debtor.total_open, 220.0)
        self.assertEqual(debtor.oldest_overdue_days, 1)
        self.assertEqual(debtor.overdue_count, 1)
        self.assertBucketsAddUp(debtor)
        days = sorted(self.items("2025-03-10").mapped("days_overdue"))
        self.assertEqual(days, [-1, 0, 1])

    def test_installments_aged_separately(self):
        """the overdue installment alone is overdue."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30% now, 70% at 60 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30.0, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70.0, "nb_days": 60}
                    ),
                ],
            }
        )
        self.make_invoice(1000.0, "2025-01-01", payment_term=term)

        debtor = self.debtor("2025-01-20")
        items = self.items("2025-01-20")

        self.assertEqual(len(items), 2)
        self.assertEqual(debtor.overdue, 300.0)
        self.assertEqual(debtor.oldest_overdue_days, 19)
        self.assertEqual(debtor.amount_bucket_1, 300.0)
        self.assertEqual(debtor.amount_not_due, 700.0)
        self.assertBucketsAddUp(debtor)

    def test_as_of_ignores_later_payment(self):
        """a payment after the as-of date does not reduce the residual."""
        invoice = self.make_invoice(1000.0, "2020-04-30", "2020-04-30")
        self.pay(invoice, 1000.0, "2020-06-30")

        debtor = self.debtor("2020-05-31")
        self.assertEqual(debtor.total_open, 1000.0)
        self.assertEqual(debtor.oldest_overdue_days, 31)
        self.assertEqual(debtor.amount_bucket_2, 1000.0)
        self.assertFalse(self.debtor("2020-07-01"))

    def test_as_of_ages_by_due_date(self):
        """30-day terms put the invoice 1 day overdue, not 31."""
        invoice = self.make_invoice(1000.0, "2020-04-30", "2020-05-30")
        self.pay(invoice, 1000.0, "2020-06-30")

        debtor = self.debtor("2020-05-31")
        self.assertEqual(debtor.oldest_overdue_days, 1)
        self.assertEqual(debtor.amount_bucket_1, 1000.0)
        self.assertEqual(debtor.amount_bucket_2, 0.0)

    def test_not_due_bucket_completes_total(self):
        """not-due items have their own bucket and all buckets add up."""
        self.make_invoice(500.0, "2025-11-01", "2025-11-15")
        self.make_invoice(300.0, "2025-12-01", "2026-01-15")

        debtor = self.debtor("2025-12-30")
        self.assertEqual(debtor.total_open, 800.0)
        self.assertEqual(debtor.amount_not_due, 300.0)
        self.assertEqual(debtor.amount_bucket_2, 500.0)
        self.assertBucketsAddUp(debtor)

    def test_partial_payment_residual(self):
        """a partly paid overdue invoice stays overdue for its residual."""
        invoice = self.make_invoice(1000.0, "2025-01-01", "2025-01-31")
        self.pay(invoice, 400.0, "2025-02-05")

        self.assertEqual(self.debtor("2025-02-04").overdue, 1000.0)
        debtor = self.debtor("2025-02-20")
        self.assertEqual(debtor.overdue, 600.0)
        self.assertEqual(debtor.oldest_overdue_days, 20)
        self.assertEqual(debtor.last_payment_date.isoformat(), "2025-02-05")

    def test_net_credits_oldest_first(self):
        """An open credit note nets the oldest overdue item first."""
        self.make_invoice(500.0, "2025-01-01", "2025-01-10")
        self.make_invoice(200.0, "2025-02-01", "2025-03-25")
        self.make_invoice(120.0, "2025-03-05", "2025-03-05", move_type="out_refund")

        debtor = self.debtor("2025-03-20")
        self.assertEqual(debtor.total_open, 580.0)
        self.assertEqual(debtor.overdue, 380.0)
        self.assertEqual(debtor.amount_bucket_3, 380.0)
        self.assertEqual(debtor.amount_not_due, 200.0)
        self.assertBucketsAddUp(debtor)

        self.company.ar_net_credits = False
        debtor = self.debtor("2025-03-21")
        self.assertEqual(debtor.overdue, 500.0)
        self.assertEqual(debtor.total_open, 580.0)
        self.assertEqual(debtor.amount_bucket_1, -120.0)
        self.assertBucketsAddUp(debtor)

    def test_credit_larger_than_debt(self):
        """Credits beyond the open invoices stay in the not-due bucket."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.make_invoice(250.0, "2025-01-15", "2025-01-15", move_type="out_refund")

        debtor = self.debtor("2025-02-01")
        self.assertEqual(debtor.total_open, -150.0)
        self.assertEqual(debtor.overdue, 0.0)
        self.assertEqual(debtor.overdue_count, 0)
        self.assertEqual(debtor.amount_not_due, -150.0)
        self.assertBucketsAddUp(debtor)

    def test_companies_kept_apart(self):
        """Each company has its own debtor row for the same customer."""
        other = self.setup_other_company()["company"]
        self.env.user.company_ids |= other
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.make_invoice(40.0, "2025-01-01", "2025-01-20", company=other)

        debtors = (
            self.env["ar.debtor"]
            .with_context(
                ar_as_of_date="2025-02-01",
                allowed_company_ids=[self.company.id, other.id],
            )
            .search([("partner_id", "=", self.customer.id)])
        )
        totals = {debtor.company_id: debtor.total_open for debtor in debtors}
        self.assertEqual(totals, {self.company: 100.0, other: 40.0})

        only_main = (
            self.env["ar.debtor"]
            .with_context(
                ar_as_of_date="2025-02-01", allowed_company_ids=[self.company.id]
            )
            .search([("partner_id", "=", self.customer.id)])
        )
        self.assertEqual(only_main.company_id, self.company)

    def test_foreign_currency_residual(self):
        """Residuals are given in company currency and in the item currency."""
        currency = self.setup_other_currency("EUR", rates=[("2025-01-01", 2.0)])
        invoice = self.make_invoice(
            100.0, "2025-01-01", "2025-01-10", currency=currency
        )
        self.pay(invoice, 40.0, "2025-01-20")

        item = self.items("2025-02-01")
        self.assertEqual(item.residual_currency, 60.0)
        self.assertEqual(item.residual, 30.0)
        self.assertEqual(item.currency_id, currency)

    def test_partner_form_same_figures(self):
        """The customer's Receivables tab shows the debtor row."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        contact = self.env["res.partner"].create(
            {"name": "Billing", "parent_id": self.customer.id, "type": "invoice"}
        )
        today_debtor = self.env["ar.debtor"].search(
            [("partner_id", "=", self.customer.id)]
        )
        # Posting the invoice read the partner's fields before the invoice
        # was posted; a new request would compute them afresh.
        (self.customer | contact).invalidate_recordset(["ar_debtor_ids"])

        self.assertEqual(self.customer.ar_debtor_ids, today_debtor)
        self.assertEqual(contact.ar_debtor_ids, today_debtor)
        self.assertEqual(self.customer.ar_debtor_ids.total_open, 100.0)

    def test_debtor_drill_down(self):
        """Open items of a debtor are those open on the same date."""
        early = self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.make_invoice(60.0, "2025-03-01", "2025-03-10")
        self.pay(early, 100.0, "2025-02-15")

        debtor = self.debtor("2025-02-01")
        action = debtor.action_open_items()
        items = (
            self.env["ar.receivable.item"]
            .with_context(**action["context"])
            .search(action["domain"])
        )
        self.assertEqual(items.move_id, early)
        self.assertEqual(debtor.item_ids.move_id, early)

    def test_figures_change_with_date(self):
        """The same records read as of two dates give each date's figures."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        Debtor = self.env["ar.debtor"]
        first = Debtor.with_context(ar_as_of_date="2025-01-20").search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(first.oldest_overdue_days, 10)
        second = Debtor.with_context(ar_as_of_date="2025-02-20").search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(second.oldest_overdue_days, 41)
        self.assertEqual(second.amount_bucket_2, 100.0)

    def test_group_by_salesperson(self):
        """Debtors group by salesperson with totals."""
        self.customer.user_id = self.env.user
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        groups = (
            self.env["ar.debtor"]
            .with_context(ar_as_of_date="2025-02-01")
            .read_group(
                [("partner_id", "=", self.customer.id)], ["total_open:sum"], ["user_id"]
            )
        )
        self.assertEqual(groups[0]["user_id"][0], self.env.user.id)
        self.assertEqual(groups[0]["total_open"], 100.0)

    def test_wizard_rejects_date_before_data(self):
        """An as-of date before the first receivable is refused with the first date."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        first_date = (
            self.env["account.move.line"]
            .search(
                [
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("company_id", "=", self.company.id),
                ],
                order="date",
                limit=1,
            )
            .date
        )
        wizard = Form(self.env["ar.aging.wizard"])
        wizard.as_of_date = "1990-01-01"
        record = wizard.save()
        with self.assertRaisesRegex(UserError, str(first_date)):
            record.action_open_report()

        record.as_of_date = "2025-02-01"
        action = record.action_open_report()
        self.assertEqual(action["res_model"], "ar.debtor")
        self.assertEqual(action["context"]["ar_as_of_date"], "2025-02-01")


@tagged("post_install", "-at_install")
class TestAgingBuckets(ArCollectionsCommon):
    def test_one_day_bucket(self):
        """With limits 1,30,60, an item due yesterday sits in the one-day bucket."""
        self.company.ar_aging_limits = "1,30,60"
        self.make_invoice(100.0, "2025-03-01", "2025-03-10")
        self.make_invoice(50.0, "2025-03-01", "2025-03-09")
        self.make_invoice(70.0, "2025-03-01", "2025-03-11")
        self.make_invoice(30.0, "2025-01-01", "2025-01-02")

        debtor = self.debtor("2025-03-10")

        self.assertEqual(debtor.amount_not_due, 170.0)
        self.assertEqual(debtor.amount_bucket_1, 50.0)
        self.assertEqual(debtor.amount_bucket_2, 0.0)
        self.assertEqual(debtor.amount_bucket_3, 0.0)
        self.assertEqual(debtor.amount_bucket_4, 30.0)
        self.assertEqual(debtor.total_open, 250.0)
        labels = [item.aging_bucket for item in self.items("2025-03-10")]
        self.assertIn("1", labels)
        self.assertIn("Over 60", labels)

    def test_bucket_edges(self):
        """Days 30 and 31 fall on either side of the limit 30."""
        self.make_invoice(10.0, "2025-01-01", "2025-02-01")
        self.make_invoice(20.0, "2025-01-01", "2025-01-31")

        debtor = self.debtor("2025-03-03")
        self.assertEqual(debtor.amount_bucket_1, 10.0)
        self.assertEqual(debtor.amount_bucket_2, 20.0)

    def test_bad_limits_rejected(self):
        """Limits out of order, repeated, not numbers, empty or too many are refused."""
        cases = {
            "30,20": "must increase",
            "30,30": "must increase",
            "30,abc": "not a whole number",
            "0,30": "not a whole number",
            "30,,60": "empty",
            "1,2,3,4,5,6,7": "at most 7",
        }
        for limits, message in cases.items():
            with self.assertRaisesRegex(ValidationError, message, msg=limits):
                self.company.ar_aging_limits = limits
        self.env.cr.execute(
            "SELECT ar_aging_limits FROM res_company WHERE id = %s", [self.company.id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], "30,60,90,180")

    def test_labels_follow_company(self):
        """Column labels come from the company's limits and unused slots are hidden."""
        self.company.ar_aging_limits = "15,45"
        Debtor = self.env["ar.debtor"].with_company(self.company)

        fields_info = Debtor.fields_get(["amount_bucket_1", "amount_bucket_3"])
        self.assertEqual(fields_info["amount_bucket_1"]["string"], "1-15")
        self.assertEqual(fields_info["amount_bucket_3"]["string"], "Over 45")

        aging_view = self.env.ref("ar_collections.ar_debtor_view_list_aging")
        views = Debtor.get_views([(aging_view.id, "list")])
        arch = views["views"]["list"]["arch"]
        self.assertIn('name="amount_bucket_3"', arch)
        self.assertNotIn('name="amount_bucket_4"', arch)
        self.assertIn('string="16-45"', arch)
