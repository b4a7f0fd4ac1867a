from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.ar_collections.models.ar_collection_run import ArCollectionRun

from .common import ArCollectionsCommon


class SimulatedCrash(BaseException):
    """Stands for a worker killed in the middle of a run.

    A BaseException, like the SystemExit of a killed worker, passes through
    the run's per-customer error handling.
    """


@tagged("post_install", "-at_install")
class TestCollectionRun(ArCollectionsCommon):
    def reminder_messages(self, partner=None):
        return (
            self.claims(partner)
            .filtered(lambda claim: claim.state == "queued")
            .message_id
        )

    def test_default_policy_stages(self):
        """The default policy is a business-services ladder, a template per stage."""
        stages = self.policy.stage_ids.sorted("trigger_days")
        self.assertEqual(
            stages.mapped("trigger_days"), [-3, 0, 1, 7, 14, 21, 30, 45, 60]
        )
        self.assertEqual(self.policy.mode, "jump")
        self.assertEqual(len(stages.mail_template_id), 9)
        self.assertEqual(
            self.stage[21].activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )
        self.assertTrue(self.stage[30].attach_invoices)
        self.assertTrue(self.stage[30].attach_statement)
        self.assertEqual(stages.filtered("credit_hold"), self.stage[45])
        self.assertEqual(stages.filtered("legal_handover"), self.stage[60])

    def test_partly_paid_invoice_reminded(self):
        """the residual of a partly paid invoice is reminded, 20 days overdue."""
        invoice = self.make_invoice(1000.0, "2025-01-01", "2025-01-31")
        self.pay(invoice, 400.0, "2025-02-05")

        summary = self.run_collection("2025-02-20")

        self.assertEqual(summary["queued"], 1)
        claim = self.claims()
        self.assertEqual(claim.stage_id, self.stage[14])
        self.assertEqual(claim.amount_total, 600.0)
        self.assertEqual(claim.line_ids.residual, 600.0)
        self.assertEqual(claim.line_ids.days_overdue, 20)
        self.assertEqual(claim.line_ids.move_id, invoice)
        self.assertIn("600.00", claim.message_id.body)
        self.assertIn(invoice.name, claim.message_id.body)

    def test_reminder_history_survives_payment(self):
        """reminders sent before a payment stay on the customer."""
        invoice = self.make_invoice(1000.0, "2025-01-01", "2025-01-31")
        self.run_collection("2025-02-03")
        self.pay(invoice, 1000.0, "2025-02-10")

        self.assertEqual(self.run_collection("2025-02-20")["queued"], 0)
        claim = self.claims()
        self.assertEqual(len(claim), 1)
        self.assertEqual(claim.line_ids.move_id, invoice)
        self.assertIn(claim.message_id, self.customer.message_ids)

    def test_message_goes_to_mail_queue(self):
        """The reminder is queued as outgoing mail to the customer, not sent at once."""
        self.make_invoice(250.0, "2025-05-01", "2025-06-01")
        self.run_collection("2025-06-02")

        mail = self.env["mail.mail"].search(
            [("mail_message_id", "=", self.claims().message_id.id)]
        )
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(self.claims().recipient_ids, self.customer)

    def test_once_per_day_over_many_runs(self):
        """runs every few minutes the same day queue exactly one email."""
        self.make_invoice(250.0, "2025-05-01", "2025-06-01")

        summaries = [self.run_collection("2025-06-02") for _run in range(5)]

        self.assertEqual([summary["queued"] for summary in summaries], [1, 0, 0, 0, 0])
        self.assertEqual(len(self.reminder_messages()), 1)

    def test_whole_ladder_once_per_stage(self):
        """Daily runs send each stage once, from 3 days before due to 60 after."""
        self.make_invoice(250.0, "2025-05-01", "2025-06-01")
        days = [
            "2025-05-28",
            "2025-05-29",
            "2025-05-30",
            "2025-06-01",
            "2025-06-02",
            "2025-06-03",
            "2025-06-08",
            "2025-06-15",
            "2025-06-22",
            "2025-07-01",
            "2025-07-16",
            "2025-07-31",
            "2025-08-10",
        ]

        acted = [bool(self.run_collection(day)["queued"]) for day in days]

        self.assertEqual(
            acted,
            [
                False,
                True,
                False,
                True,
                True,
                False,
                True,
                True,
                True,
                True,
                True,
                True,
                False,
            ],
        )
        self.assertEqual(
            self.claims().sorted("claim_date").stage_id.mapped("trigger_days"),
            [-3, 0, 1, 7, 14, 21, 30, 45, 60],
        )
        before_due = self.claims().sorted("claim_date")[0]
        self.assertEqual(before_due.line_ids.days_overdue, -3)
        self.assertEqual(before_due.amount_total, 250.0)

    def test_jump_to_stage_of_most_overdue_item(self):
        """A customer first found 40 days late gets the 30-day stage only."""
        old = self.make_invoice(300.0, "2025-01-01", "2025-01-10")
        recent = self.make_invoice(200.0, "2025-02-01", "2025-02-15")
        self.make_invoice(80.0, "2025-02-10", "2025-03-01")

        self.run_collection("2025-02-19")

        claim = self.claims()
        self.assertEqual(claim.stage_id, self.stage[30])
        self.assertEqual(claim.max_days_overdue, 40)
        self.assertEqual(claim.line_ids.move_id, old | recent)
        self.assertEqual(claim.amount_total, 500.0)

    def test_key_taken_by_other_worker(self):
        """when another worker has taken today's key, this run sends nothing."""
        self.make_invoice(250.0, "2025-05-01", "2025-06-01")
        run = self.env["ar.collection.run"]
        other_worker_claim = run._insert_claim(
            self.customer, self.company, self.stage[1].id, "2025-06-02"
        )
        self.assertTrue(other_worker_claim)

        summary = self.run_collection("2025-06-02")

        self.assertEqual(summary, {"queued": 0, "done": 0, "failed": 0, "skipped": 1})
        self.assertEqual(self.claims(), other_worker_claim)
        self.assertFalse(other_worker_claim.message_id)

    def test_restart_after_crash(self):
        """A run that dies after N customers, restarted, reminds each customer once."""
        customers = self.env["res.partner"].create(
            [
                {"name": f"Client {index}", "email": f"client{index}@example.com"}
                for index in range(5)
            ]
        )
        for customer in customers:
            self.make_invoice(100.0, "2025-05-01", "2025-06-01", partner=customer)

        original = ArCollectionRun._process_customer
        calls = []

        def crash_after_two(run, customer, *args):
            if len(calls) == 2:
                raise SimulatedCrash()
            calls.append(customer)
            return original(run, customer, *args)

        # Odoo's assertRaises rolls back to a savepoint, which would also undo
        # the customers processed before the crash, so catch it plainly.
        crashed = False
        with patch.object(ArCollectionRun, "_process_customer", crash_after_two):
            try:
                self.run_collection("2025-06-02")
            except SimulatedCrash:
                crashed = True
        self.assertTrue(crashed)
        self.assertEqual(
            len(
                self.env["ar.collection.claim"].search(
                    [("partner_id", "in", customers.ids)]
                )
            ),
            2,
        )

        summary = self.run_collection("2025-06-02")

        self.assertEqual(summary["queued"], 3)
        self.assertEqual(summary["skipped"], 2)
        claims = self.env["ar.collection.claim"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(claims.partner_id, customers)
        self.assertEqual(len(claims), 5)
        self.assertEqual(len(claims.message_id), 5)

    def test_disputed_items_left_out(self):
        """Disputed items are neither reminded nor listed while the dispute is open."""
        disputed = self.make_invoice(800.0, "2025-01-01", "2025-02-01")
        undisputed = self.make_invoice(200.0, "2025-01-01", "2025-02-01")
        self.env["ar.dispute"].create(
            {
                "move_id": disputed.id,
                "date_start": "2025-02-10",
                "date_end": "2025-03-31",
                "reason": "Delivery",
            }
        )

        self.run_collection("2025-03-15")
        claim = self.claims()
        self.assertEqual(claim.line_ids.move_id, undisputed)
        self.assertEqual(claim.amount_total, 200.0)

        self.customer.invalidate_recordset()
        self.run_collection("2025-04-01")
        latest = self.claims().sorted("claim_date")[-1]
        self.assertEqual(latest.claim_date.isoformat(), "2025-04-01")
        self.assertIn(disputed, latest.line_ids.move_id)

    def test_only_disputed_items_no_reminder(self):
        """A customer whose only overdue item is disputed gets nothing."""
        invoice = self.make_invoice(800.0, "2025-01-01", "2025-02-01")
        self.env["ar.dispute"].create(
            {"move_id": invoice.id, "date_start": "2025-02-01", "reason": "Quality"}
        )
        summary = self.run_collection("2025-03-15")
        self.assertEqual(summary, {"queued": 0, "done": 0, "failed": 0, "skipped": 1})
        self.assertFalse(self.claims())

    def test_due_today_not_overdue(self):
        """An invoice due on the run date gets the due-date notice, not a reminder."""
        self.make_invoice(100.0, "2025-03-01", "2025-03-10")

        self.run_collection("2025-03-10")

        claim = self.claims()
        self.assertEqual(claim.stage_id, self.stage[0])
        self.assertEqual(claim.line_ids.days_overdue, 0)
        case = self.case()
        self.assertEqual(case.overdue_amount, 0.0)
        self.run_collection("2025-03-11")
        self.assertEqual(self.claims().sorted("claim_date")[-1].stage_id, self.stage[1])

    def test_installment_reminder(self):
        """only the overdue installment is listed."""
        term = self.env["account.payment.term"].create(
            {
                "name": "30/70",
                "line_ids": [
                    (0, 0, {"value": "percent", "value_amount": 30.0, "nb_days": 0}),
                    (0, 0, {"value": "percent", "value_amount": 70.0, "nb_days": 60}),
                ],
            }
        )
        self.make_invoice(1000.0, "2025-01-01", payment_term=term)
        self.run_collection("2025-01-20")
        claim = self.claims()
        self.assertEqual(claim.amount_total, 300.0)
        self.assertEqual(claim.line_ids.days_overdue, 19)
        self.assertEqual(claim.stage_id, self.stage[14])

    def test_invoice_address_receives(self):
        """The invoice's own address gets the reminder; others of the customer don't."""
        billing = self.env["res.partner"].create(
            {
                "name": "Billing",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "billing@vostok.test",
            }
        )
        self.env["res.partner"].create(
            {
                "name": "Sales",
                "parent_id": self.customer.id,
                "type": "contact",
                "email": "sales@vostok.test",
            }
        )
        self.make_invoice(100.0, "2025-01-01", "2025-01-10", partner=billing)

        self.run_collection("2025-01-12")

        claim = self.claims()
        self.assertEqual(claim.recipient_ids, billing)
        self.assertEqual(claim.partner_id, self.customer)

    def test_archived_contact_falls_back(self):
        """An archived invoice address is never used; the customer's email is."""
        billing = self.env["res.partner"].create(
            {
                "name": "Old billing",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "old@vostok.test",
            }
        )
        self.make_invoice(100.0, "2025-01-01", "2025-01-10", partner=billing)
        billing.active = False

        self.run_collection("2025-01-12")
        self.assertEqual(self.claims().recipient_ids, self.customer)

    def test_no_email_logged_as_failure(self):
        """A customer without email: a failure recorded and logged on the customer."""
        self.customer.email = False
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")

        summary = self.run_collection("2025-01-12")

        self.assertEqual(summary["failed"], 1)
        claim = self.claims()
        self.assertEqual(claim.state, "failed")
        self.assertIn("No valid email address", claim.failure_reason)
        self.assertFalse(claim.message_id)
        notes = self.customer.message_ids.filtered(
            lambda message: "No valid email address" in (message.body or "")
        )
        self.assertEqual(len(notes), 1)
        case = self.case()
        self.assertIn("No valid email address", case.last_failure)
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            ),
            0,
        )
        self.assertEqual(self.run_collection("2025-01-12")["failed"], 0)

    def test_template_render_error_logged(self):
        """A template that fails to render is a logged failure; others still go."""
        other = self.env["res.partner"].create(
            {"name": "Other", "email": "other@example.com"}
        )
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.make_invoice(100.0, "2025-01-01", "2025-01-01", partner=other)
        self.stage[7].mail_template_id = self.stage[7].mail_template_id.copy(
            {"body_html": "<p><t t-out='object.no_such_field'/></p>"}
        )

        summary = self.run_collection("2025-01-21")

        self.assertEqual(summary["failed"], 1)
        self.assertEqual(summary["queued"], 1)
        self.assertEqual(self.claims().state, "failed")
        self.assertEqual(self.claims(other).state, "queued")

    def test_unknown_company_rejected(self):
        """A run for a company id that does not exist names the id."""
        with self.assertRaisesRegex(UserError, "999999"):
            self.env["ar.collection.run"].run_reminders(company_ids=[999999])

    def test_date_before_any_data(self):
        """A run dated before any receivable does nothing."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.assertEqual(
            self.run_collection("2000-01-01"),
            {"queued": 0, "done": 0, "failed": 0, "skipped": 0},
        )
        self.assertFalse(self.claims())

    def test_russian_customer_gets_russian_text(self):
        """The reminder is rendered in the customer's language."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections"], ["ru_RU"], overwrite=True
        )
        self.customer.lang = "ru_RU"
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")

        self.run_collection("2025-01-12")

        body = self.claims().message_id.body
        self.assertIn("Добрый день", body)
        self.assertNotIn("Dear", body)

    def test_manual_run_for_selection(self):
        """The manual run reminds the selected customers only."""
        other = self.env["res.partner"].create(
            {"name": "Other", "email": "other@example.com"}
        )
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.make_invoice(100.0, "2025-01-01", "2025-01-10", partner=other)

        wizard = (
            self.env["ar.collection.run.wizard"]
            .with_context(active_model="res.partner", active_ids=other.ids)
            .create({"as_of_date": "2025-01-12"})
        )
        self.assertEqual(wizard.partner_ids, other)
        wizard.action_run()

        self.assertFalse(self.claims())
        self.assertEqual(len(self.claims(other)), 1)
        # The cron beside it the same day does not send the same reminder again.
        self.assertEqual(self.run_collection("2025-01-12")["queued"], 1)
        self.assertEqual(len(self.claims(other)), 1)

    def test_default_names_translated(self):
        """A new company's default policy and stages carry Russian names."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections"], ["ru_RU"], overwrite=True
        )
        company = self.env["res.company"].create({"name": "Filial"})
        policy = company.ar_collection_policy_id.with_context(lang="ru_RU")

        stage_names = policy.stage_ids.sorted("trigger_days").mapped("name")
        self.assertEqual(stage_names[2], "Первое напоминание")
        self.assertEqual(stage_names[6], "Претензия")
        english = company.ar_collection_policy_id.with_context(lang="en_US")
        self.assertEqual(english.name, "Business services collection policy")

    def test_names_translated_for_language_loaded_later(self):
        """Loading Russian after the policy exists translates its default names."""
        self.stage[30].name = "Pretension letter"
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections"], ["ru_RU"], overwrite=True
        )

        russian = self.policy.with_context(lang="ru_RU")
        self.assertEqual(russian.name, "Политика взыскания для услуг")
        self.assertEqual(
            self.stage[1].with_context(lang="ru_RU").name, "Первое напоминание"
        )
        self.assertEqual(
            self.stage[30].with_context(lang="ru_RU").name,
            "Pretension letter",
            "a name the user changed is kept",
        )

    def test_open_credit_nets_reminder(self):
        """Open credits reduce the reminder's total, oldest item first."""
        self.make_invoice(500.0, "2025-03-01", "2025-03-01")
        self.make_invoice(120.0, "2025-03-05", "2025-03-05", move_type="out_refund")

        self.run_collection("2025-03-20")

        claim = self.claims()
        self.assertEqual(claim.amount_total, 380.0)
        lines = claim.line_ids.sorted("date_maturity")
        self.assertEqual(lines.mapped("residual"), [500.0, -120.0])
        self.assertEqual(lines[0].days_overdue, 19)
        self.assertIn("380.00", claim.message_id.body)
        self.assertIn("120.00", claim.message_id.body)

    def test_credit_covering_debt_no_reminder(self):
        """A customer whose open credits cover the overdue items is not reminded."""
        self.make_invoice(500.0, "2025-03-01", "2025-03-01")
        self.make_invoice(500.0, "2025-03-05", "2025-03-05", move_type="out_refund")

        self.assertEqual(self.run_collection("2025-03-20")["queued"], 0)
        self.assertFalse(self.claims())

        self.company.ar_net_credits = False
        self.assertEqual(self.run_collection("2025-03-20")["queued"], 1)
        self.assertEqual(self.claims().amount_total, 500.0)
