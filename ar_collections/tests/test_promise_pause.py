from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestPromisePause(ArCollectionsCommon):
    """Promises to pay, pauses, disputes and the contact history they leave."""

    def events(self, event_type):
        return self.env["ar.collection.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", event_type)]
        )

    def promise(self, amount, promised, due, move=None):
        return self.env["ar.promise"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "move_id": move.id if move else False,
                "amount": amount,
                "date_promised": promised,
                "date_due": due,
            }
        )

    def test_promise_pauses_then_kept(self):
        """A kept promise pauses the reminders and counts as kept."""
        invoice = self.make_invoice(1000.0, "2025-01-01", "2025-01-10")
        self.run_collection("2025-01-11")
        promise = self.promise(1000.0, "2025-01-12", "2025-01-31")

        self.run_collection("2025-01-17")
        self.assertEqual(len(self.claims()), 1, "paused while the promise runs")

        self.pay(invoice, 1000.0, "2025-01-30")
        self.run_collection("2025-02-01")

        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.amount_paid, 1000.0)
        self.assertEqual(self.case().promise_kept_count, 1)
        self.assertEqual(len(self.events("promise_kept")), 1)
        self.assertEqual(len(self.claims()), 1)

    def test_broken_promise_escalates(self):
        """An unpaid promise breaks on the next run, is flagged and escalates."""
        invoice = self.make_invoice(1000.0, "2025-01-01", "2025-01-10")
        self.run_collection("2025-01-11")
        promise = self.promise(600.0, "2025-01-12", "2025-01-15", move=invoice)
        self.pay(invoice, 100.0, "2025-01-14")

        self.run_collection("2025-01-14")
        self.assertEqual(len(self.claims()), 1, "the promised invoice is paused")

        self.run_collection("2025-01-16")

        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.amount_paid, 100.0)
        case = self.case()
        self.assertTrue(case.broken_promise)
        self.assertEqual(case.promise_broken_count, 1)
        latest = self.claims().sorted("claim_date")[-1]
        self.assertEqual(latest.claim_date.isoformat(), "2025-01-16")
        # 6 days overdue reaches no new stage; the broken promise moves it on.
        self.assertEqual(latest.stage_id, self.stage[7])
        self.assertEqual(len(self.events("promise_broken")), 1)

    def test_promise_kept_early(self):
        """A promise paid before its date is settled as kept on the next run."""
        invoice = self.make_invoice(500.0, "2025-01-01", "2025-01-10")
        promise = self.promise(500.0, "2025-01-12", "2025-01-31", move=invoice)
        self.pay(invoice, 500.0, "2025-01-14")

        self.run_collection("2025-01-15")

        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.amount_paid, 500.0)

    def test_promise_validation(self):
        with self.assertRaisesRegex(ValidationError, "not positive"):
            self.promise(0.0, "2025-01-12", "2025-01-31")
        with self.assertRaisesRegex(ValidationError, "before the day of the promise"):
            self.promise(10.0, "2025-01-12", "2025-01-11")

    def test_pause_wizard(self):
        """Pause until a date stops the run for the customer, then it resumes."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.run_collection("2025-01-11")
        case = self.case()
        case.paused_until = "2025-01-20"

        self.run_collection("2025-01-17")
        self.assertEqual(len(self.claims()), 1)

        self.run_collection("2025-01-21")
        self.assertEqual(len(self.claims()), 2)

    def test_pause_wizard_logs(self):
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.run_collection("2025-01-11")
        wizard = self.env["ar.pause.wizard"].create(
            {
                "case_id": self.case().id,
                "date_until": "2099-01-01",
                "reason": "Owner away",
            }
        )
        wizard.action_pause()
        self.assertEqual(self.case().paused_until.isoformat(), "2099-01-01")
        self.assertEqual(self.events("pause").description, "Owner away")

    def test_call_log(self):
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.run_collection("2025-01-11")
        self.env["ar.call.log.wizard"].create(
            {"case_id": self.case().id, "result": "no_answer", "note": "Voicemail"}
        ).action_log()
        call = self.events("call")
        self.assertEqual(call.channel, "phone")
        self.assertEqual(call.result, "No answer")
        self.assertEqual(call.user_id, self.env.user)

    def test_dispute_opening_and_closing_logged(self):
        invoice = self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        dispute = self.env["ar.dispute"].create(
            {"move_id": invoice.id, "date_start": "2025-01-12", "reason": "Scope"}
        )
        self.assertEqual(len(self.events("dispute_opened")), 1)
        self.assertEqual(dispute.user_id, self.env.user)
        dispute.date_end = "2025-01-20"
        self.assertEqual(len(self.events("dispute_closed")), 1)
