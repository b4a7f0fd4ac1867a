from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import SmsCollectionsCommon


@tagged("post_install", "-at_install")
class TestCollectionSms(SmsCollectionsCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref("ar_collections_sms.sms_template_overdue")
        cls.stage[7].sms_template_id = cls.template

    def collection_sms(self, partner=None):
        return self.env["sms.sms"].search(
            [("ar_customer_id", "=", (partner or self.customer).id)]
        )

    def test_stage_channels(self):
        """A stage with an SMS template sends on the SMS channel too."""
        self.assertEqual(self.stage[7]._get_message_channels(), ["email", "sms"])
        self.assertEqual(self.stage[14]._get_message_channels(), ["email"])

    def test_sms_only_stage_has_action(self):
        """A stage whose only action is an SMS is valid, one with none is not."""
        self.stage[7].mail_template_id = False
        self.assertTrue(self.stage[7]._has_action())
        self.assertEqual(self.stage[7]._get_message_channels(), ["sms"])
        with self.assertRaises(ValidationError):
            self.stage[7].sms_template_id = False

    def test_run_queues_sms(self):
        """The run queues one SMS with the customer's debt and logs it."""
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        summary = self.run_collection("2025-02-08")

        self.assertEqual(summary["queued"], 1)
        claim = self.claims()
        self.assertEqual(claim.stage_id, self.stage[7])
        sms = self.collection_sms()
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+79123456789")
        self.assertEqual(sms.ar_claim_id, claim)
        self.assertEqual(sms.ar_provider_id, self.provider)
        self.assertEqual(sms.state, "outgoing")
        self.assertIn("600.00", sms.body)
        self.assertIn("8 days overdue", sms.body)
        event = self.env["ar.collection.event"].search(
            [("claim_id", "=", claim.id), ("channel", "=", "sms")]
        )
        self.assertEqual(event.sms_id, sms)
        self.assertEqual(event.sms_state, "outgoing")

        self.send_queue()
        self.assertEqual(event.sms_state, "pending")
        self.assertEqual(self.fake.requests[0]["body"]["text"], sms.body)

    def test_sms_mentions_only_own_debt(self):
        """Each customer's SMS carries its own amount and never another's."""
        other = self.env["res.partner"].create(
            {
                "name": "Zapad Trading",
                "is_company": True,
                "email": "ap@zapad.test",
                "mobile": "+7 913 111 22 33",
                "tz": "Europe/Moscow",
            }
        )
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")
        self.make_invoice(4321.0, "2025-01-01", "2025-01-31", partner=other)

        self.run_collection("2025-02-08")

        own, others = self.collection_sms(), self.collection_sms(other)
        self.assertIn("600.00", own.body)
        self.assertNotIn("4,321.00", own.body)
        self.assertIn("4,321.00", others.body)
        self.assertNotIn("600.00", others.body)
        self.assertEqual(others.number, "+79131112233")

    def test_shared_number_not_sent(self):
        """No SMS goes to a mobile that another customer also has."""
        self.env["res.partner"].create(
            {"name": "Zapad Trading", "is_company": True, "mobile": "+79123456789"}
        )
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        self.assertFalse(self.collection_sms())
        claim = self.claims()
        # The email of the stage went out, so the action is not retried (it
        # would send the email twice); the SMS failure is recorded.
        self.assertEqual(claim.state, "queued")
        self.assertIn("Zapad Trading", claim.failure_reason)
        failure = self.env["ar.collection.event"].search(
            [("claim_id", "=", claim.id), ("result", "like", "Failed:%")]
        )
        self.assertEqual(failure.channel, "sms")

    def test_only_channel_failed_retried(self):
        """An action whose only message, an SMS, failed is marked for a retry."""
        self.stage[7].mail_template_id = False
        self.env["res.partner"].create(
            {"name": "Zapad Trading", "is_company": True, "mobile": "+79123456789"}
        )
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        claim = self.claims()
        self.assertEqual(claim.state, "failed")
        self.assertIn("Zapad Trading", claim.failure_reason)

    def test_ambiguous_number_not_sent(self):
        """(c) A national number with no country anywhere: no SMS, contact flagged."""
        self.company.country_id = False
        self.customer.write({"country_id": False, "mobile": "020 7946 0018"})
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        self.assertFalse(self.collection_sms())
        self.assertEqual(self.customer.ar_sms_phone_state, "ambiguous")
        self.assertIn("020 7946 0018", self.claims().failure_reason)
        self.assertEqual(self.case().last_failure, self.claims().failure_reason)

    def test_landline_not_sent(self):
        """(b) +44 20 7946 0018 normalises, but a landline gets no SMS."""
        self.customer.write({"country_id": False, "mobile": "+44 20 7946 0018"})
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        self.assertFalse(self.collection_sms())
        self.assertEqual(self.customer.ar_sms_number, "+442079460018")
        self.assertIn("Not a Mobile Number", self.claims().failure_reason)

    def test_collections_contact_preferred(self):
        """The collections contact's valid mobile wins over the customer's."""
        contact = self.env["res.partner"].create(
            {
                "name": "Anna Petrova",
                "parent_id": self.customer.id,
                "mobile": "+79161234567",
            }
        )
        self.customer.ar_collection_contact_id = contact
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        sms = self.collection_sms()
        self.assertEqual(sms.partner_id, contact)
        self.assertEqual(sms.number, "+79161234567")

    def test_blacklisted_number_not_queued(self):
        self.env["phone.blacklist"].create({"number": "+79123456789"})
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        self.assertFalse(self.collection_sms())
        self.assertIn("blacklist", self.claims().failure_reason)

    def test_message_over_limit(self):
        """A rendered text over the provider's limit is not queued."""
        self.provider.max_segments = 1
        self.template.body = "x" * 161
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        self.assertFalse(self.collection_sms())
        reason = self.claims().failure_reason
        self.assertIn("161 characters in GSM-7", reason)
        self.assertIn("2 segments", reason)
        self.assertIn("at most 1", reason)

    def test_no_provider(self):
        self.company.ar_sms_provider_id = False
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        self.assertFalse(self.collection_sms())
        self.assertIn("has no SMS provider", self.claims().failure_reason)

    def test_russian_template(self):
        """A Russian-speaking customer gets the Russian text in UCS-2."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections_sms"], ["ru_RU"], overwrite=True
        )
        self.customer.lang = "ru_RU"
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")

        self.run_collection("2025-02-08")

        sms = self.collection_sms()
        self.assertIn("просрочен", sms.body)
        self.assertNotIn("overdue", sms.body)
        self.assertEqual(self.stage[7].with_context(lang="ru_RU").sms_encoding, "UCS-2")
        self.assertEqual(self.stage[7].with_context(lang="en_US").sms_encoding, "GSM-7")

    def test_iap_provider_keeps_odoo_path(self):
        """SMS of an IAP provider go through Odoo's IAP sending, not our gateway."""
        iap = self.env["ar.sms.provider"].create(
            {"name": "Odoo IAP", "provider_type": "iap", "company_id": self.company.id}
        )
        self.company.ar_sms_provider_id = iap
        self.make_invoice(600.0, "2025-01-01", "2025-01-31")
        self.run_collection("2025-02-08")
        sms = self.collection_sms()

        with self.mockSMSGateway():
            self.send_queue()
            self.assertFalse(self.fake.requests)
            self.env["sms.sms"]._process_queue()

        self.assertSMSIapSent(["+79123456789"], content=sms.body)
        self.assertEqual(sms.state, "pending")
        self.assertFalse(self.fake.requests)

    def test_gateway_sms_not_sent_by_odoo_queue(self):
        """Odoo's own SMS queue leaves gateway SMS to our queue."""
        sms = self.queue_sms()

        with self.mockSMSGateway():
            self.env["sms.sms"]._process_queue()

        self.assertEqual(sms.state, "outgoing")
        self.assertFalse(self._sms)
        self.assertFalse(self.fake.requests)
