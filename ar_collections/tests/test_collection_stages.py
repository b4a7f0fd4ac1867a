from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestCollectionStages(ArCollectionsCommon):
    """Escalation modes, grace, minimum amounts and the actions of each stage."""

    def stage_days(self, partner=None):
        return self.claims(partner).sorted("claim_date").stage_id.mapped("trigger_days")

    def make_policy(self, mode, triggers, **values):
        template = self.stage[1].mail_template_id
        return self.env["ar.collection.policy"].create(
            {
                "name": f"{mode} policy",
                "company_id": self.company.id,
                "mode": mode,
                # Entered from strictest to mildest on purpose.
                "stage_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"L{days}",
                            "trigger_days": days,
                            "mail_template_id": template.id,
                        },
                    )
                    for days in sorted(triggers, reverse=True)
                ],
                **values,
            }
        )

    def test_levels_ordered_by_days_jump(self):
        """levels entered 30, 7, 1 escalate 1, 7, 30; 40 days late jumps to 30."""
        self.company.ar_collection_policy_id = self.make_policy("jump", [1, 7, 30])
        self.make_invoice(100.0, "2025-04-01", "2025-05-01")

        for day in ("2025-05-03", "2025-05-09", "2025-06-01"):
            self.run_collection(day)

        self.assertEqual(self.stage_days(), [1, 7, 30])
        late = self.env["res.partner"].create(
            {"name": "Late", "email": "late@example.com"}
        )
        self.make_invoice(100.0, "2025-03-01", "2025-03-02", partner=late)
        self.run_collection("2025-04-11")
        self.assertEqual(self.stage_days(late), [30])

    def test_levels_sequential_with_gap(self):
        """a line found 40 days late starts at L1 and waits the gap."""
        self.company.ar_collection_policy_id = self.make_policy(
            "sequential", [1, 7, 30], min_gap_days=7
        )
        self.make_invoice(100.0, "2025-03-01", "2025-03-02")

        for day in (
            "2025-04-11",
            "2025-04-12",
            "2025-04-17",
            "2025-04-18",
            "2025-04-25",
        ):
            self.run_collection(day)

        claims = self.claims().sorted("claim_date")
        self.assertEqual(claims.stage_id.mapped("trigger_days"), [1, 7, 30])
        self.assertEqual(
            [claim.claim_date.isoformat() for claim in claims],
            ["2025-04-11", "2025-04-18", "2025-04-25"],
        )

    def test_sequential_follows_daily_runs(self):
        """With a gap below the level spacing: L1 on 05-03, L2 on 05-09, L3 on 06-01."""
        self.company.ar_collection_policy_id = self.make_policy(
            "sequential", [1, 7, 30], min_gap_days=6
        )
        self.make_invoice(100.0, "2025-04-01", "2025-05-01")

        for day in ("2025-05-03", "2025-05-09", "2025-06-01", "2025-06-02"):
            self.run_collection(day)

        self.assertEqual(self.stage_days(), [1, 7, 30])

    def test_grace_days(self):
        """With grace 5, an invoice due D-1 waits until D+4; one due D-10 goes."""
        self.policy.grace_days = 5
        for stage in self.policy.stage_ids.filtered(
            lambda stage: stage.trigger_days <= 0
        ):
            stage.active = False
        inv_a = self.make_invoice(100.0, "2025-03-01", "2025-03-05")
        inv_b = self.make_invoice(50.0, "2025-03-14", "2025-03-14")

        self.run_collection("2025-03-15")
        first = self.claims()
        self.assertEqual(first.line_ids.filtered("triggered").move_id, inv_a)

        self.run_collection("2025-03-18")
        self.assertEqual(
            len(self.claims()), 1, "INV-B 4 days overdue is still in grace"
        )

        self.run_collection("2025-03-19")
        latest = self.claims().sorted("claim_date")[-1]
        self.assertEqual(latest.claim_date.isoformat(), "2025-03-19")
        line_b = latest.line_ids.filtered(lambda line: line.move_id == inv_b)
        self.assertTrue(line_b.triggered)
        self.assertEqual(line_b.stage_id, self.stage[1])

    def test_minimum_amount(self):
        """A stage waits until the items reaching it add up to its minimum amount."""
        self.stage[1].min_amount = 500.0
        self.stage[7].min_amount = 500.0
        self.make_invoice(300.0, "2025-03-01", "2025-03-10")

        self.run_collection("2025-03-12")
        self.assertEqual(self.stage_days(), [])

        self.make_invoice(300.0, "2025-03-02", "2025-03-11")
        self.run_collection("2025-03-13")
        self.assertEqual(self.stage_days(), [1])
        self.assertEqual(self.claims().amount_total, 600.0)

    def test_two_invoices_keep_own_residual(self):
        """each row shows its own invoice's outstanding amount."""
        inv_1 = self.make_invoice(1000.0, "2025-01-01", "2025-02-01")
        inv_2 = self.make_invoice(250.0, "2025-02-01", "2025-02-21")

        self.run_collection("2025-03-03")

        claim = self.claims()
        rows = {
            line.move_id: (line.residual, line.days_overdue) for line in claim.line_ids
        }
        self.assertEqual(rows[inv_1], (1000.0, 30))
        self.assertEqual(rows[inv_2], (250.0, 10))
        self.assertEqual(claim.amount_total, 1250.0)

    def test_collector_call_activity(self):
        """The 21-day stage plans a call for the customer's collector."""
        collector = self.env["res.users"].create(
            {"name": "Collector", "login": "collector_stage"}
        )
        self.customer.ar_collector_id = collector
        self.make_invoice(100.0, "2025-01-01", "2025-02-01")

        self.run_collection("2025-02-22")

        case = self.case()
        self.assertEqual(case.stage_id, self.stage[21])
        self.assertEqual(case.collector_id, collector)
        activity = case.activity_ids
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.user_id, collector)
        self.assertEqual(activity.date_deadline, fields.Date.context_today(activity))
        self.run_collection("2025-02-23")
        self.assertEqual(len(case.activity_ids), 1, "the call is planned once")

    def test_activity_in_collector_language(self):
        """The call activity reads in the collector's language."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections"], ["ru_RU"], overwrite=True
        )
        collector = self.env["res.users"].create(
            {"name": "Sborshchik", "login": "collector_ru", "lang": "ru_RU"}
        )
        self.customer.ar_collector_id = collector
        self.make_invoice(100.0, "2025-01-01", "2025-02-01")

        self.run_collection("2025-02-22")

        activity = self.case().activity_ids
        self.assertEqual(activity.summary, "Звонок по задолженности")
        self.assertIn("дн.", str(activity.note))

    def test_collector_defaults_to_salesperson(self):
        salesperson = self.env["res.users"].create(
            {"name": "Seller", "login": "seller_stage"}
        )
        self.customer.user_id = salesperson
        self.make_invoice(100.0, "2025-01-01", "2025-02-01")
        self.run_collection("2025-02-02")
        self.assertEqual(self.case().collector_id, salesperson)

    def test_jump_applies_passed_hold(self):
        """A customer first found 50 days late is put on credit hold once."""
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")

        self.run_collection("2025-03-01")
        self.run_collection("2025-03-02")

        case = self.case()
        self.assertEqual(case.stage_id, self.stage[45])
        self.assertTrue(case.credit_hold)
        self.assertEqual(case.credit_hold_date.isoformat(), "2025-03-01")
        holds = self.env["ar.collection.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "credit_hold")]
        )
        self.assertEqual(len(holds), 1)

    def test_legal_handover(self):
        """At 60 days the customer goes to legal and the legal user gets an activity."""
        lawyer = self.env["res.users"].create(
            {"name": "Lawyer", "login": "lawyer_stage"}
        )
        self.company.ar_legal_user_id = lawyer
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")

        self.run_collection("2025-03-11")

        case = self.case()
        self.assertTrue(case.legal_handover)
        self.assertIn(lawyer, case.activity_ids.user_id)
        self.assertEqual(self.claims().stage_id, self.stage[60])

    def test_stage_reset_after_payment(self):
        """Paying the debt closes the stage; new debt starts from the first stage."""
        invoice = self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.run_collection("2025-01-20")
        self.assertEqual(self.case().stage_id, self.stage[7])
        self.pay(invoice, 100.0, "2025-01-25")

        self.run_collection("2025-01-26")
        self.assertFalse(self.case().stage_id)

        self.make_invoice(80.0, "2025-01-20", "2025-02-01")
        self.run_collection("2025-02-02")
        self.assertEqual(self.case().stage_id, self.stage[1])

    def test_stage_step_back_logged(self):
        """Debt paid with no run between: the stage steps back, and that is logged."""
        old = self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        self.run_collection("2025-01-20")
        self.pay(old, 100.0, "2025-01-25")
        self.make_invoice(80.0, "2025-01-20", "2025-02-01")

        self.run_collection("2025-02-02")

        self.assertEqual(self.case().stage_id, self.stage[1])
        changes = self.env["ar.collection.event"].search(
            [("partner_id", "=", self.customer.id), ("event_type", "=", "stage_change")]
        )
        self.assertEqual(len(changes), 2)
        self.assertIn("Second reminder", changes[0].result)

    def test_invoice_notes_and_history(self):
        """Each listed invoice gets an internal note; the history lists the reminder."""
        inv_1 = self.make_invoice(100.0, "2025-01-01", "2025-01-10")
        inv_2 = self.make_invoice(50.0, "2025-01-02", "2025-01-11")

        self.run_collection("2025-01-12")

        for invoice in inv_1 | inv_2:
            notes = invoice.message_ids.filtered(
                lambda message: "Collection reminder" in (message.body or "")
            )
            self.assertEqual(len(notes), 1, invoice.name)
        events = self.env["ar.collection.event"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertIn("reminder", events.mapped("event_type"))
        self.assertIn("stage_change", events.mapped("event_type"))

    def test_claim_letter_attachments(self):
        """The formal claim carries the invoice and the statement of open items."""
        invoice = self.make_invoice(100.0, "2025-01-01", "2025-01-10")

        self.run_collection("2025-02-10")

        message = self.claims().message_id
        self.assertEqual(self.claims().stage_id, self.stage[30])
        names = message.attachment_ids.mapped("name")
        self.assertEqual(len(names), 2)
        self.assertIn(f"{invoice._get_report_base_filename()}.pdf", names)
        self.assertTrue(any(name.startswith("Statement") for name in names), names)

    def test_collections_contact_wins(self):
        """Recipient: collections contact, else invoice contact, else the customer."""
        billing = self.env["res.partner"].create(
            {
                "name": "C1",
                "parent_id": self.customer.id,
                "type": "invoice",
                "email": "billing@p.test",
            }
        )
        self.env["res.partner"].create(
            {
                "name": "C2",
                "parent_id": self.customer.id,
                "type": "contact",
                "email": "sales@p.test",
            }
        )
        other = self.env["res.partner"].create(
            {"name": "Q", "email": "q@q.test", "is_company": True}
        )
        other_billing = self.env["res.partner"].create(
            {
                "name": "Q billing",
                "parent_id": other.id,
                "type": "invoice",
                "email": "billing@q.test",
            }
        )
        self.make_invoice(100.0, "2025-01-01", "2025-01-10", partner=billing)

        self.run_collection("2025-01-11")
        self.assertEqual(self.claims().recipient_ids, billing)
        self.assertIn(self.claims().message_id, self.customer.message_ids)

        billing.email = False
        self.run_collection("2025-01-17")
        self.assertEqual(
            self.claims().sorted("claim_date")[-1].recipient_ids, self.customer
        )

        collections = self.env["res.partner"].create(
            {"name": "AR desk", "parent_id": self.customer.id, "email": "ar@p.test"}
        )
        self.customer.ar_collection_contact_id = collections
        self.run_collection("2025-01-24")
        self.assertEqual(
            self.claims().sorted("claim_date")[-1].recipient_ids, collections
        )
        with self.assertRaises(ValidationError):
            self.customer.ar_collection_contact_id = other_billing

    def test_invalid_email_fails(self):
        """An invalid address is a failed action with the reason, not a crash."""
        self.customer.email = "accounts at vostok"
        contact = self.env["res.partner"].create(
            {"name": "Desk", "parent_id": self.customer.id, "email": "desk@p.test"}
        )
        self.customer.ar_collection_contact_id = contact
        contact.active = False
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")

        summary = self.run_collection("2025-01-11")

        self.assertEqual(summary["failed"], 1)
        self.assertIn("No valid email address", self.claims().failure_reason)
        self.assertFalse(self.claims().message_id)

    def test_customer_policy_override(self):
        """A customer's own policy replaces the company default."""
        self.customer.with_company(
            self.company
        ).ar_collection_policy_id = self.make_policy("jump", [10])
        self.make_invoice(100.0, "2025-01-01", "2025-01-10")

        self.run_collection("2025-01-15")
        self.assertEqual(self.stage_days(), [])
        self.run_collection("2025-01-20")
        self.assertEqual(self.stage_days(), [10])

    def test_colliding_triggers_rejected(self):
        with self.assertRaisesRegex(ValidationError, "both trigger at 7"):
            self.env["ar.collection.stage"].create(
                {
                    "name": "Duplicate",
                    "policy_id": self.policy.id,
                    "trigger_days": 7,
                    "mail_template_id": self.stage[7].mail_template_id.id,
                }
            )

    def test_stage_without_action_rejected(self):
        with self.assertRaisesRegex(ValidationError, "has no action"):
            self.env["ar.collection.stage"].create(
                {"name": "Nothing", "policy_id": self.policy.id, "trigger_days": 90}
            )

    def test_template_of_other_model_rejected(self):
        template = self.env["mail.template"].create(
            {
                "name": "Partner note",
                "model_id": self.env.ref("base.model_res_partner").id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "Collection Action model"):
            self.stage[7].mail_template_id = template

    def test_negative_grace_rejected(self):
        with self.assertRaisesRegex(ValidationError, "negative number of days"):
            self.policy.grace_days = -1
