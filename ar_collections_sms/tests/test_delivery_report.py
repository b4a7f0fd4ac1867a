import json

from odoo.tests import HttpCase, tagged

from .common import SmsCollectionsCommon


@tagged("post_install", "-at_install")
class TestDeliveryReport(SmsCollectionsCommon, HttpCase):
    def report_url(self, token=None):
        provider = self.provider.sudo()
        return (
            f"/ar_collections_sms/report/{provider.id}/{token or provider.report_token}"
        )

    def test_delivered_report(self):
        """A JSON delivery report with our id marks the SMS delivered."""
        sms = self.queue_sms()
        self.send_queue()

        response = self.url_open(
            self.report_url(),
            data=json.dumps({"id": sms.uuid, "status": "DELIVRD"}),
            headers={"Content-Type": "application/json"},
        )

        self.assertEqual(response.status_code, 200)
        sms.invalidate_recordset()
        self.assertEqual(sms.state, "sent")

    def test_failed_report_by_provider_id(self):
        """A form report with the provider's id marks the SMS not delivered."""
        sms = self.queue_sms()
        self.send_queue()
        self.assertEqual(sms.ar_provider_message_id, "prov-1")

        response = self.url_open(
            self.report_url(), data={"id": "prov-1", "status": "undelivered"}
        )

        self.assertEqual(response.status_code, 200)
        sms.invalidate_recordset()
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "ar_not_delivered")

    def test_wrong_token_rejected(self):
        sms = self.queue_sms()
        self.send_queue()

        response = self.url_open(
            self.report_url(token="forged"),
            data={"id": sms.uuid, "status": "delivered"},
        )

        self.assertEqual(response.status_code, 404)
        sms.invalidate_recordset()
        self.assertEqual(sms.state, "pending")

    def test_unknown_message(self):
        response = self.url_open(
            self.report_url(), data={"id": "nope", "status": "delivered"}
        )
        self.assertEqual(response.status_code, 404)
