from werkzeug.urls import url_parse

from odoo import fields
from odoo.tests.common import BlockedRequest, _super_send

from odoo.addons.ar_collections.tests.common import ArCollectionsCommon

from .provider_server import FakeProvider


class SmsCollectionsCommon(ArCollectionsCommon):
    """Collection setup with an HTTP gateway served by a local fake provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeProvider(slow_seconds=1.5).start()
        cls.addClassCleanup(cls.fake.stop)

        cls.company.country_id = cls.env.ref("base.ru")
        cls.company.partner_id.tz = "Europe/Moscow"
        # Any hour is in the SMS hours unless a test narrows them.
        cls.company.ar_sms_hour_from = 0.0
        cls.company.ar_sms_hour_to = 24.0
        cls.provider = cls.env["ar.sms.provider"].create(
            {
                "name": "Test Gateway",
                "company_id": cls.company.id,
                "url": cls.fake.url,
                "auth_type": "bearer",
                "api_key": "secret-key-123",
                "sender_name": "VOSTOK",
                "message_id_param": "client_id",
                "timeout": 0.5,
                "retry_delay": 5,
                "max_attempts": 3,
            }
        )
        cls.company.ar_sms_provider_id = cls.provider
        cls.customer.write(
            {
                "mobile": "8 (912) 345-67-89",
                "country_id": cls.env.ref("base.ru").id,
                "tz": "Europe/Moscow",
            }
        )

    @classmethod
    def _request_handler(cls, session, prepared, /, **kwargs):
        """Reach only 127.0.0.1, keeping the provider's short timeout.

        Odoo's test handler raises timeouts under 10 seconds to 10, which
        would make the timeout case wait that long.
        """
        if url_parse(prepared.url).host != "127.0.0.1":
            raise BlockedRequest(f"Only 127.0.0.1 in these tests, not {prepared.url}")
        return _super_send(session, prepared, **kwargs)

    def setUp(self):
        super().setUp()
        self.fake.plan.clear()
        self.fake.requests.clear()

    def queue_sms(self, body="Vostok: 600.00 is overdue.", customer=None, when=None):
        """Create a due gateway SMS for ``customer`` (default: the customer)."""
        customer = customer or self.customer
        return self.env["sms.sms"].create(
            {
                "number": customer.ar_sms_number,
                "body": body,
                "partner_id": customer.id,
                "ar_customer_id": customer.id,
                "ar_provider_id": self.provider.id,
                "ar_send_after": when or fields.Datetime.now(),
            }
        )

    def send_queue(self):
        return self.env["sms.sms"]._ar_cron_send_queue(auto_commit=False)
