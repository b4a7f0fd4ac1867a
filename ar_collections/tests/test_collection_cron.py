from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestCollectionCron(ArCollectionsCommon):
    """The hourly job: local dates, sending windows, working days and batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Moscow"
        cls.company.country_id = cls.env.ref("base.ru")
        cls.company.write(
            {
                "ar_send_hour_from": 9.0,
                "ar_send_hour_to": 18.0,
                "ar_working_days_only": True,
            }
        )
        # Other companies of the test database stay out of these runs.
        cls.env["res.company"].search([("id", "!=", cls.company.id)]).write(
            {"ar_send_hour_from": 0.0, "ar_send_hour_to": 0.01}
        )

    def cron(self, batch_size=None):
        # The test cursor refuses commits; the job commits per customer.
        with patch.object(self.env.cr, "commit", lambda: None):
            return self.env["ar.collection.run"]._cron_send_reminders(
                batch_size=batch_size
            )

    def test_window_and_once_per_day(self):
        """Nothing before 09:00 in Moscow, one action in the window, none later."""
        self.make_invoice(100.0, "2025-03-01", "2025-03-10")

        with freeze_time("2025-03-12 05:00:00"):  # 08:00 in Moscow
            self.assertEqual(self.cron(), {"done": 0, "remaining": 0})
        with freeze_time("2025-03-12 07:00:00"):  # 10:00 in Moscow
            self.cron()
        with freeze_time("2025-03-12 12:00:00"):
            self.cron()

        claim = self.claims()
        self.assertEqual(len(claim), 1)
        self.assertEqual(claim.claim_date.isoformat(), "2025-03-12")
        case = self.env["ar.collection.case"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(case.last_run_date.isoformat(), "2025-03-12")

    def test_customer_time_zone_window(self):
        """A customer in Vladivostok is served at 10:00 its time, on Moscow's date."""
        self.customer.tz = "Asia/Vladivostok"
        self.make_invoice(100.0, "2025-03-01", "2025-03-10")

        with freeze_time("2025-03-12 00:30:00"):  # 03:30 Moscow, 10:30 Vladivostok
            self.cron()

        self.assertEqual(self.claims().claim_date.isoformat(), "2025-03-12")

    def test_non_working_day_caught_up(self):
        """Nothing on the 8 March holiday weekend; Monday 10 March catches up once."""
        self.make_invoice(100.0, "2025-02-01", "2025-03-06")

        with freeze_time("2025-03-08 08:00:00"):  # Saturday
            self.cron()
        self.assertFalse(self.claims())

        with freeze_time("2025-03-10 08:00:00"):  # Monday
            self.cron()
        claim = self.claims()
        self.assertEqual(claim.claim_date.isoformat(), "2025-03-10")
        self.assertEqual(claim.max_days_overdue, 4)

    def test_holiday_weekday_skipped(self):
        """A weekday of the Russian calendar's May holidays sends nothing."""
        self.make_invoice(100.0, "2025-04-01", "2025-04-30")
        with freeze_time("2025-05-02 08:00:00"):
            self.cron()
        self.assertFalse(self.claims())

    def test_batches_report_progress(self):
        """Batches of two over five customers report what remains."""
        customers = self.env["res.partner"].create(
            [
                {"name": f"Batch {index}", "email": f"b{index}@example.com"}
                for index in range(5)
            ]
        )
        for customer in customers:
            self.make_invoice(100.0, "2025-03-01", "2025-03-10", partner=customer)

        with freeze_time("2025-03-12 08:00:00"):
            with patch.object(
                type(self.env["ir.cron"]), "_notify_progress", autospec=True
            ) as notify:
                results = [self.cron(batch_size=2) for _run in range(4)]

        done = [result["done"] for result in results]
        remaining = [result["remaining"] for result in results]
        self.assertEqual(done[:3], [2, 2, 1])
        self.assertEqual(remaining[:3], [3, 1, 0])
        self.assertEqual(done[3], 0)
        self.assertEqual(notify.call_args_list[0].kwargs, {"done": 2, "remaining": 3})
        claims = self.env["ar.collection.claim"].search(
            [("partner_id", "in", customers.ids)]
        )
        self.assertEqual(len(claims), 5)

    def test_manual_run_beside_cron(self):
        """A manual run the same day and the cron act once for the customer."""
        self.make_invoice(100.0, "2025-03-01", "2025-03-10")
        with freeze_time("2025-03-12 08:00:00"):
            self.run_collection("2025-03-12")
            self.cron()
        self.assertEqual(len(self.claims()), 1)
