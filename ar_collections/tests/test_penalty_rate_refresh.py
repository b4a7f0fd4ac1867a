import contextlib
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tests.common import BlockedRequest, _super_send

SERVICE_PATH = "/DailyInfoWebServ/DailyInfo.asmx"
REFRESH_LOGGER = "odoo.addons.ar_collections.models.ar_penalty_rate_refresh"

ANSWER_HEAD = """<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema">
<soap:Body><KeyRateResponse xmlns="http://web.cbr.ru/"><KeyRateResult>
<xs:schema id="KeyRate" xmlns="" xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:msdata="urn:schemas-microsoft-com:xml-msdata">
<xs:element name="KeyRate" msdata:IsDataSet="true"><xs:complexType>
<xs:choice minOccurs="0" maxOccurs="unbounded"><xs:element name="KR">
<xs:complexType><xs:sequence>
<xs:element name="DT" type="xs:dateTime" minOccurs="0" />
<xs:element name="Rate" type="xs:decimal" minOccurs="0" />
</xs:sequence></xs:complexType></xs:element></xs:choice>
</xs:complexType></xs:element></xs:schema>
<diffgr:diffgram xmlns:msdata="urn:schemas-microsoft-com:xml-msdata"
    xmlns:diffgr="urn:schemas-microsoft-com:xml-diffgram-v1">
<KeyRate xmlns="">"""
ANSWER_TAIL = """</KeyRate></diffgr:diffgram>
</KeyRateResult></KeyRateResponse></soap:Body></soap:Envelope>"""


def key_rate_response(days):
    """Build a KeyRate response for (day, rate text) pairs, newest first as sent."""
    rows = [
        f'<KR diffgr:id="KR{number}" msdata:rowOrder="{number - 1}">'
        f"<DT>{day.isoformat()}T00:00:00+03:00</DT><Rate>{rate}</Rate></KR>"
        for number, (day, rate) in enumerate(sorted(days, reverse=True), start=1)
    ]
    return (ANSWER_HEAD + "".join(rows) + ANSWER_TAIL).encode()


class FakeBankHandler(BaseHTTPRequestHandler):
    """Fake Bank of Russia DailyInfo service that sends the server's canned response."""

    def do_POST(self):
        server = self.server
        length = int(self.headers.get("Content-Length", 0))
        server.requests.append(
            {
                "path": self.path,
                "headers": dict(self.headers),
                "body": self.rfile.read(length),
            }
        )
        if server.delay and server.release.wait(server.delay):
            return
        # The client may have given up after its timeout.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(server.status)
            self.send_header("Content-Type", "text/xml; charset=utf-8")
            self.send_header("Content-Length", str(len(server.body)))
            self.end_headers()
            self.wfile.write(server.body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


@tagged("post_install", "-at_install")
class TestPenaltyRateRefresh(TransactionCase):
    """Key-rate refresh against a fake Bank of Russia on 127.0.0.1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBankHandler)
        cls.server.daemon_threads = True
        cls.server.block_on_close = False
        cls.server.requests = []
        cls.server.release = threading.Event()
        cls.server.delay = 0
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls._stop_server)

        cls.url = f"http://127.0.0.1:{cls.server.server_port}{SERVICE_PATH}"
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("ar_collections.key_rate_url", cls.url)
        params.set_param("ar_collections.key_rate_timeout", "5")

        cls.manager = new_test_user(
            cls.env, login="ar_rate_manager", groups="account.group_account_manager"
        )
        cls.table = cls.env.ref("ar_collections.rate_table_key_rate").with_user(
            cls.manager
        )
        # The fixtures start from a 14 % row after every existing row, so
        # they do not depend on the rows shipped or added on this database.
        last_date = max(cls.table.rate_ids.mapped("date_from"))
        cls.latest = cls.env["ar.penalty.rate"].create(
            {
                "table_id": cls.table.id,
                "date_from": last_date + timedelta(days=30),
                "rate": 14.0,
            }
        )

    @classmethod
    def _stop_server(cls):
        cls.server.release.set()
        cls.server.shutdown()
        cls.server.server_close()

    @classmethod
    def _request_handler(cls, s, r, /, **kw):
        # Odoo's test handler (odoo/tests/common.py, 18.0) raises timeouts
        # under 10 s to 10 s and lets "localhost" through. These tests keep
        # the short timeout and allow only the fake server's address.
        if urlsplit(r.url).hostname != "127.0.0.1":
            raise BlockedRequest(
                f"Only 127.0.0.1 is allowed in these tests, not {r.url}"
            )
        return _super_send(s, r, **kw)

    def setUp(self):
        super().setUp()
        self.server.requests.clear()
        self.server.status = 200
        self.server.delay = 0
        self.server.body = b""

    def respond_with(self, days, status=200):
        self.server.body = key_rate_response(days)
        self.server.status = status

    def day(self, offset):
        return self.latest.date_from + timedelta(days=offset)

    def normal_days(self):
        """Days around the latest row: the rate falls twice after it."""
        return [
            (self.day(0), "14.00"),
            (self.day(1), "14.00"),
            (self.day(4), "13.50"),
            (self.day(5), "13.50"),
            (self.day(8), "13.50"),
            (self.day(9), "13.00"),
        ]

    def rows(self):
        return {(row.date_from, row.rate, row.note) for row in self.table.rate_ids}

    def rates_by_date(self):
        return {row.date_from: row.rate for row in self.table.rate_ids}

    def test_refresh_adds_change_days(self):
        self.respond_with(self.normal_days())
        before = self.rates_by_date()

        action = self.table.action_refresh_key_rate()

        after = self.rates_by_date()
        added = {day: after[day] for day in set(after) - set(before)}
        self.assertEqual(added, {self.day(4): 13.5, self.day(9): 13.0})
        self.assertEqual({day: after[day] for day in before}, before)
        new_rows = self.table.rate_ids.filtered(lambda row: row.date_from in added)
        self.assertEqual(
            set(new_rows.mapped("note")), {"Bank of Russia, DailyInfo web service"}
        )
        params = action["params"]
        self.assertEqual(params["type"], "success")
        self.assertIn("Rows added: 2.", params["message"])
        self.assertIn("Latest key rate: 13.00 %", params["message"])

    def test_refresh_sends_soap_request(self):
        self.respond_with(self.normal_days())
        with freeze_time(f"{self.day(60).isoformat()} 12:00:00"):
            self.table.action_refresh_key_rate()

        self.assertEqual(len(self.server.requests), 1)
        request = self.server.requests[0]
        self.assertEqual(request["path"], SERVICE_PATH)
        self.assertEqual(
            request["headers"]["SOAPAction"], '"http://web.cbr.ru/KeyRate"'
        )
        self.assertTrue(request["headers"]["Content-Type"].startswith("text/xml"))
        body = etree.fromstring(request["body"])
        namespaces = {
            "soap": "http://schemas.xmlsoap.org/soap/envelope/",
            "cbr": "http://web.cbr.ru/",
        }
        operation = body.find("soap:Body/cbr:KeyRate", namespaces)
        self.assertIsNotNone(operation)
        self.assertEqual(
            operation.findtext("cbr:fromDate", namespaces=namespaces),
            f"{self.latest.date_from.isoformat()}T00:00:00",
        )
        self.assertEqual(
            operation.findtext("cbr:ToDate", namespaces=namespaces),
            f"{self.day(60).isoformat()}T00:00:00",
        )

    def test_second_refresh_adds_nothing(self):
        self.respond_with(self.normal_days())
        self.table.action_refresh_key_rate()
        rows = self.rows()

        action = self.table.action_refresh_key_rate()

        self.assertEqual(self.rows(), rows)
        self.assertIn("Rows added: 0.", action["params"]["message"])

    def test_manual_row_kept_and_reported(self):
        manual = self.env["ar.penalty.rate"].create(
            {"table_id": self.table.id, "date_from": self.day(4), "rate": 13.75}
        )
        self.respond_with(self.normal_days())

        with self.assertLogs(REFRESH_LOGGER, "WARNING") as logs:
            action = self.table.action_refresh_key_rate()

        self.assertEqual(manual.rate, 13.75)
        self.assertEqual(self.rates_by_date()[self.day(9)], 13.0)
        self.assertEqual(
            len(self.table.rate_ids.filtered(lambda r: r.date_from == self.day(4))), 1
        )
        params = action["params"]
        self.assertEqual(params["type"], "warning")
        self.assertTrue(params["sticky"])
        self.assertIn("Rows added: 1.", params["message"])
        self.assertIn("table 13.75 %, Bank of Russia 13.50 %", params["message"])
        self.assertIn(f"Key rate row {manual.id} ", "\n".join(logs.output))

    def test_row_between_bank_days_reported(self):
        """A row dated on a day off that the next business day contradicts.

        The bank's 13.50 % from day 4 is not added, because it would take
        the manual row's place without anyone checking it.
        """
        weekend_row = self.env["ar.penalty.rate"].create(
            {"table_id": self.table.id, "date_from": self.day(2), "rate": 12.0}
        )
        self.respond_with(self.normal_days())
        before = self.rates_by_date()

        action = self.table.action_refresh_key_rate()

        self.assertEqual(weekend_row.rate, 12.0)
        self.assertIn("table 12.00 %", action["params"]["message"])
        added = set(self.rates_by_date()) - set(before)
        self.assertEqual(added, {self.day(9)})

    def assert_refresh_fails(self, expected_reason):
        rows = self.rows()
        with (
            self.assertLogs(REFRESH_LOGGER, "WARNING") as logs,
            self.assertRaises(UserError) as caught,
        ):
            self.table.action_refresh_key_rate()
        message = str(caught.exception)
        self.assertIn(expected_reason, "\n".join(logs.output))
        self.assertIn(self.url, message)
        self.assertIn(expected_reason, message)
        self.assertIn("enter the new rate by hand", message)
        self.assertEqual(self.rows(), rows)

    def test_http_error(self):
        self.respond_with(self.normal_days(), status=500)
        self.assert_refresh_fails("HTTP error 500")

    def test_garbage_response(self):
        self.server.body = b"<html><body>Service unavailable"
        self.assert_refresh_fails("not valid XML")

    def test_invalid_responses(self):
        good = self.normal_days()
        cases = {
            "no KeyRateResult": b"<root><nothing/></root>",
            "is invalid (DT '2026-13-45T00:00:00+03:00'": key_rate_response(
                [*good, (date(2026, 1, 1), "14.00")]
            ).replace(b"2026-01-01T", b"2026-13-45T"),
            "Rate 'n/a'": key_rate_response([*good[:-1], (self.day(9), "n/a")]),
            "rate 150.00 %": key_rate_response([*good[:-1], (self.day(9), "150.00")]),
            "two rates": key_rate_response([*good, (self.day(9), "12.00")]),
        }
        for reason, body in cases.items():
            with self.subTest(reason=reason):
                self.server.body = body
                self.assert_refresh_fails(reason)

    def test_soap_fault(self):
        self.server.body = (
            b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
            b"<soap:Body><soap:Fault><faultcode>soap:Client</faultcode>"
            b"<faultstring>Bad fromDate</faultstring></soap:Fault>"
            b"</soap:Body></soap:Envelope>"
        )
        self.assert_refresh_fails("Bad fromDate")

    def test_timeout(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "ar_collections.key_rate_timeout", "0.5"
        )
        self.respond_with(self.normal_days())
        self.server.delay = 3
        self.assert_refresh_fails("timed out after 0.5 seconds")

    def test_connection_refused(self):
        # Bind and close a socket to get a port where nothing listens.
        probe = ThreadingHTTPServer(("127.0.0.1", 0), FakeBankHandler)
        port = probe.server_port
        probe.server_close()
        url = f"http://127.0.0.1:{port}{SERVICE_PATH}"
        self.env["ir.config_parameter"].sudo().set_param(
            "ar_collections.key_rate_url", url
        )
        with (
            self.assertLogs(REFRESH_LOGGER, "WARNING") as logs,
            self.assertRaises(UserError) as caught,
        ):
            self.table.action_refresh_key_rate()
        self.assertIn(url, str(caught.exception))
        self.assertIn("the connection failed", str(caught.exception))
        self.assertIn("Connection refused", "\n".join(logs.output))

    def test_cron_logs_failure(self):
        self.respond_with(self.normal_days(), status=500)
        rows = self.rows()

        with self.assertLogs(REFRESH_LOGGER, "WARNING") as logs:
            self.env["ar.penalty.rate.table"]._cron_refresh_key_rate()

        self.assertEqual(self.rows(), rows)
        self.assertIn("HTTP error 500", "\n".join(logs.output))

    def test_cron_adds_rows(self):
        self.respond_with(self.normal_days())
        cron = self.env.ref("ar_collections.ir_cron_ar_key_rate_refresh")
        self.assertFalse(cron.active)

        cron.method_direct_trigger()

        self.assertEqual(self.rates_by_date()[self.day(9)], 13.0)

    def test_refresh_needs_manager(self):
        clerk = new_test_user(
            self.env, login="ar_rate_clerk", groups="account.group_account_invoice"
        )
        self.respond_with(self.normal_days())
        with self.assertRaises(AccessError):
            self.table.with_user(clerk).action_refresh_key_rate()
        self.assertEqual(self.server.requests, [])

    def test_refresh_other_table(self):
        refinancing = self.env.ref("ar_collections.rate_table_refinancing")
        with self.assertRaises(UserError):
            refinancing.with_user(self.manager).action_refresh_key_rate()

    def test_refresh_while_locked(self):
        self.respond_with(self.normal_days())
        with self.registry.cursor() as other_cr:
            # The same lock as a running refresh takes. NOWAIT keeps the test
            # from hanging if this cursor's own row locks ever conflict.
            other_cr.execute(
                "SELECT id FROM ar_penalty_rate_table WHERE id = %s "
                "FOR NO KEY UPDATE NOWAIT",
                (self.table.id,),
            )
            with self.assertRaises(UserError) as caught:
                self.table.action_refresh_key_rate()
        self.assertIn("Try again in a minute", str(caught.exception))
        self.assertEqual(self.server.requests, [])


@tagged("post_install", "-at_install")
class TestPenaltyRateValidation(TransactionCase):
    """Validation of hand-entered rate rows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.table = cls.env["ar.penalty.rate.table"].create(
            {"name": "Contract rate", "code": "custom"}
        )

    def add_row(self, day, rate):
        return self.env["ar.penalty.rate"].create(
            {"table_id": self.table.id, "date_from": day, "rate": rate}
        )

    def test_negative_rate(self):
        with self.assertRaisesRegex(ValidationError, r"-1\.5 % from 2025-01-01"):
            self.add_row("2025-01-01", -1.5)

    def test_rate_above_maximum(self):
        with self.assertRaisesRegex(ValidationError, r"150\.0 % from 2025-01-01"):
            self.add_row("2025-01-01", 150)

    def test_duplicate_date(self):
        self.add_row("2025-01-01", 10)
        with self.assertRaisesRegex(
            ValidationError, "Contract rate already has a rate in force from 2025-01-01"
        ):
            self.add_row("2025-01-01", 11)

    def test_rate_limits_accepted(self):
        self.add_row("2025-01-01", 0)
        self.add_row("2025-02-01", 100)
        self.assertEqual(self.table.rate_count, 2)
