from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SmsCollectionsCommon
from .provider_server import closed_port_url


@tagged("post_install", "-at_install")
class TestSmsGateway(SmsCollectionsCommon):
    def test_accepted(self):
        """An accepted SMS is pending with the provider's id and our uuid sent."""
        sms = self.queue_sms()

        counts = self.send_queue()

        self.assertEqual(counts, {"accepted": 1})
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.ar_provider_message_id, "prov-1")
        self.assertEqual(len(self.fake.requests), 1)
        request = self.fake.requests[0]
        self.assertEqual(request["body"]["to"], "+79123456789")
        self.assertEqual(request["body"]["text"], "Vostok: 600.00 is overdue.")
        self.assertEqual(request["body"]["from"], "VOSTOK")
        self.assertEqual(request["body"]["client_id"], sms.uuid)
        self.assertEqual(request["headers"]["Authorization"], "Bearer secret-key-123")

    def test_form_request_with_key_field(self):
        """Form requests carry the API key as a field when configured so."""
        self.provider.write(
            {"request_format": "form", "auth_type": "param", "api_key_param": "apikey"}
        )
        self.queue_sms()

        self.send_queue()

        body = self.fake.requests[0]["body"]
        self.assertEqual(body["apikey"], "secret-key-123")
        self.assertEqual(body["to"], "+79123456789")
        self.assertNotIn("Authorization", self.fake.requests[0]["headers"])

    def test_sent_once_across_runs(self):
        """A second run of the queue does not post the same SMS again."""
        sms = self.queue_sms()

        self.send_queue()
        self.send_queue()

        self.assertEqual(len(self.fake.requests), 1)
        self.assertEqual(sms.state, "pending")

    def test_rejected_number(self):
        """A 400 without message id is a final rejection, not retried."""
        self.fake.plan[:] = ["reject"]
        sms = self.queue_sms()

        self.send_queue()
        self.send_queue()

        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "ar_rejected")
        self.assertIn("invalid number", sms.ar_last_error)
        self.assertEqual(len(self.fake.requests), 1)

    def test_error_then_success(self):
        """A 500 without message id is retried after the back-off, then sent."""
        self.fake.plan[:] = ["error"]
        sms = self.queue_sms()
        start = fields.Datetime.now()

        self.send_queue()

        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.ar_attempt_count, 1)
        self.assertGreaterEqual(sms.ar_send_after, start + timedelta(minutes=5))
        self.assertIn("retry 1 of 2", sms.ar_last_error)

        # Not due yet: nothing is posted.
        self.send_queue()
        self.assertEqual(len(self.fake.requests), 1)

        with freeze_time(sms.ar_send_after + timedelta(seconds=1)):
            self.send_queue()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.ar_attempt_count, 2)
        self.assertEqual(len(self.fake.requests), 2)

    def test_back_off_doubles_then_gives_up(self):
        """Each retry waits twice as long; after max attempts the SMS fails."""
        self.fake.plan[:] = ["error", "error", "error"]
        sms = self.queue_sms()
        delays = []
        for _attempt in range(3):
            now = max(sms.ar_send_after, fields.Datetime.now())
            with freeze_time(now):
                self.send_queue()
            if sms.state == "outgoing":
                delays.append(sms.ar_send_after - now)

        self.assertEqual(delays, [timedelta(minutes=5), timedelta(minutes=10)])
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")
        self.assertEqual(len(self.fake.requests), 3)

    def test_connection_refused_retried(self):
        """A refused connection proves the provider has nothing: retry."""
        self.provider.url = closed_port_url()
        sms = self.queue_sms()

        self.send_queue()

        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.ar_attempt_count, 1)
        self.assertIn("ConnectionError", sms.ar_last_error)

    def test_timeout_unknown_not_retried(self):
        """A timeout leaves the SMS unknown, and no later run posts it again."""
        self.fake.plan[:] = ["timeout"]
        sms = self.queue_sms()

        counts = self.send_queue()
        self.send_queue()

        self.assertEqual(counts, {"unknown": 1})
        self.assertEqual(sms.state, "unknown")
        self.assertIn("timed out", sms.ar_last_error)
        self.assertEqual(len(self.fake.requests), 1)

    def test_invalid_credentials(self):
        """A 401 fails the SMS with a message about the credentials."""
        self.fake.plan[:] = ["unauthorized"]
        sms = self.queue_sms()

        self.send_queue()

        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_acc")
        self.assertIn("credentials", sms.ar_last_error)
        self.assertNotIn("secret-key-123", sms.ar_last_error)

    def test_resend_after_credentials_fixed(self):
        """A failed gateway SMS sent again goes back to the queue."""
        self.fake.plan[:] = ["unauthorized"]
        sms = self.queue_sms()
        self.send_queue()

        sms.resend_failed()
        self.send_queue()

        self.assertEqual(sms.state, "pending")
        self.assertEqual(len(self.fake.requests), 2)

    def test_stale_processing_becomes_unknown(self):
        """An SMS left processing by a dead worker is marked unknown, not sent."""
        sms = self.queue_sms()
        sms.state = "process"
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sms_sms SET write_date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(hours=1), sms.id),
        )
        sms.invalidate_recordset()

        self.send_queue()

        self.assertEqual(sms.state, "unknown")
        self.assertFalse(self.fake.requests)

    def test_quiet_window_waits(self):
        """An SMS due at 22:00 Moscow time waits for 09:00 the next morning."""
        self.company.write({"ar_sms_hour_from": 9.0, "ar_sms_hour_to": 21.0})
        # 19:00 UTC is 22:00 in Moscow (UTC+3).
        evening = datetime(2025, 3, 10, 19, 0)
        with freeze_time(evening):
            sms = self.queue_sms(when=evening)
            self.send_queue()

        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.ar_send_after, datetime(2025, 3, 11, 6, 0))
        self.assertEqual(sms.ar_send_date, fields.Date.to_date("2025-03-11"))
        self.assertFalse(self.fake.requests)

        with freeze_time(datetime(2025, 3, 11, 6, 0, 30)):
            self.send_queue()
        self.assertEqual(sms.state, "pending")

    def test_one_sms_per_customer_per_day(self):
        """A second SMS for the same customer and day moves to the next day."""
        noon = datetime(2025, 3, 10, 9, 0)
        with freeze_time(noon):
            first = self.queue_sms(when=noon)
            second = self.queue_sms(body="Second text", when=noon)
            self.send_queue()

        self.assertEqual(first.state, "pending")
        self.assertEqual(second.state, "outgoing")
        self.assertEqual(second.ar_send_date, fields.Date.to_date("2025-03-11"))
        self.assertEqual(len(self.fake.requests), 1)

    def test_blacklisted_number_cancelled(self):
        """A number blacklisted after queueing is not sent."""
        sms = self.queue_sms()
        self.env["phone.blacklist"].create({"number": "+79123456789"})

        self.send_queue()

        self.assertEqual(sms.state, "canceled")
        self.assertEqual(sms.failure_type, "sms_blacklist")
        self.assertFalse(self.fake.requests)

    def test_archived_contact_cancelled(self):
        sms = self.queue_sms()
        self.customer.active = False

        self.send_queue()

        self.assertEqual(sms.state, "canceled")
        self.assertFalse(self.fake.requests)

    def test_url_not_http(self):
        """A gateway URL that is not http(s) is rejected with the value."""
        for url in ("ftp://sms.example.com/send", "sms.example.com", "javascript:x"):
            with self.assertRaises(ValidationError) as caught:
                self.provider.url = url
            self.assertIn(url, str(caught.exception))

    def test_missing_credentials(self):
        """Sending without an API key fails before any request."""
        self.provider.api_key = False
        sms = self.queue_sms()

        with self.assertRaises(ValidationError) as caught:
            self.send_queue()

        self.assertIn("no credentials", str(caught.exception))
        self.assertFalse(self.fake.requests)
        self.assertEqual(sms.state, "outgoing")

    def test_credentials_system_only(self):
        """Accounting users can read a provider but not its credentials."""
        user = self.env["res.users"].create(
            {
                "name": "Collector",
                "login": "collector_sms",
                "groups_id": [
                    fields.Command.set(
                        [self.env.ref("account.group_account_invoice").id]
                    )
                ],
            }
        )
        provider = self.provider.with_user(user)
        self.assertEqual(provider.name, "Test Gateway")
        self.assertNotIn("api_key", provider.fields_get())
        self.assertNotIn("report_token", provider.fields_get())
