from datetime import date

from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger

from ..models.ar_calendar_day import is_working_day
from .common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestIsWorkingDay(BaseCase):
    def test_plain_week(self):
        """Monday to Friday work and the weekend rests without exceptions."""
        # 2025-11-10 is a Monday.
        expected = [True, True, True, True, True, False, False]
        for offset, works in enumerate(expected):
            day = date(2025, 11, 10 + offset)
            self.assertEqual(is_working_day(day, set(), set()), works, day)

    def test_holiday_on_weekday(self):
        """A weekday listed as a holiday is not a working day."""
        day = date(2025, 11, 3)
        self.assertFalse(is_working_day(day, {day}, set()))

    def test_working_weekend_day(self):
        """A Saturday listed as a working day is worked."""
        day = date(2025, 11, 1)
        self.assertTrue(is_working_day(day, set(), {day}))

    def test_weekday_in_working_days_stays_working(self):
        """Listing a weekday as a working day changes nothing."""
        day = date(2025, 11, 5)
        self.assertTrue(is_working_day(day, set(), {day}))

    def test_weekend_in_holidays_stays_off(self):
        """A Sunday listed as a holiday stays a day off."""
        day = date(2025, 11, 2)
        self.assertFalse(is_working_day(day, {day}, set()))


@tagged("post_install", "-at_install")
class TestCompanyWorkingDays(ArCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.russia = cls.env.ref("base.ru")
        cls.company.country_id = cls.russia
        cls.company.ar_working_days_only = True
        cls.Day = cls.env["ar.calendar.day"]

    def test_setting_on_by_default(self):
        """A new company sends on working days only."""
        company = self.env["res.company"].create({"name": "Sever Trading"})
        self.assertTrue(company.ar_working_days_only)

    def test_russian_calendar_dates(self):
        """The shipped Russian calendar decides the working days of 2025."""
        cases = [
            (date(2025, 1, 8), False, "New Year holidays, a Wednesday"),
            (date(2025, 5, 2), False, "day off transferred from 2025-01-04"),
            (date(2025, 6, 13), False, "day off transferred from 2025-03-08"),
            (date(2025, 11, 1), True, "working Saturday"),
            (date(2025, 11, 3), False, "day off transferred from 2025-11-01"),
            (date(2025, 11, 5), True, "ordinary Wednesday"),
            (date(2025, 11, 9), False, "ordinary Sunday"),
            (date(2025, 12, 31), False, "day off transferred from 2025-01-05"),
            (date(2012, 3, 11), True, "working Sunday of 2012"),
            (date(2012, 3, 9), False, "day off of 2012 transferred from 2012-03-11"),
        ]
        for day, expected, label in cases:
            self.assertEqual(self.company._ar_is_working_day(day), expected, label)

    def test_setting_off_every_day_works(self):
        """With the setting off, holidays and weekends are working days."""
        self.company.ar_working_days_only = False
        for day in (date(2025, 1, 8), date(2025, 11, 9), date(2025, 11, 5)):
            self.assertTrue(self.company._ar_is_working_day(day), day)
        self.assertEqual(
            self.company._ar_next_working_day(date(2025, 1, 1)), date(2025, 1, 1)
        )

    def test_no_country_weekends_only(self):
        """Without a country only Saturday and Sunday are days off."""
        self.company.country_id = False
        self.assertTrue(self.company._ar_is_working_day(date(2025, 1, 8)))
        self.assertTrue(self.company._ar_is_working_day(date(2025, 11, 3)))
        self.assertFalse(self.company._ar_is_working_day(date(2025, 11, 1)))
        self.assertFalse(self.company._ar_is_working_day(date(2025, 11, 9)))

    def test_other_country_ignores_russian_days(self):
        """Exceptions of another country do not apply to the company."""
        self.company.country_id = self.env.ref("base.fr")
        self.assertTrue(self.company._ar_is_working_day(date(2025, 11, 3)))
        self.assertFalse(self.company._ar_is_working_day(date(2025, 11, 1)))

    def test_next_working_day_new_year(self):
        """The first working day of 2025 in Russia is 2025-01-09."""
        self.assertEqual(
            self.company._ar_next_working_day(date(2025, 1, 1)), date(2025, 1, 9)
        )

    def test_next_working_day_same_day(self):
        """A working day is its own next working day."""
        self.assertEqual(
            self.company._ar_next_working_day(date(2025, 11, 1)), date(2025, 11, 1)
        )
        self.assertEqual(
            self.company._ar_next_working_day(date(2025, 11, 2)), date(2025, 11, 5)
        )

    def test_next_working_day_not_found(self):
        """A year without working days raises a UserError naming the company."""
        country = self.env["res.country"].create({"name": "Restland", "code": "XR"})
        self.company.country_id = country
        start = date(2031, 1, 1)
        # Mark every weekday of the next 366 days as non-working.
        self.Day.create(
            [
                {
                    "country_id": country.id,
                    "date": date.fromordinal(start.toordinal() + offset),
                    "day_type": "holiday",
                }
                for offset in range(366)
                if date.fromordinal(start.toordinal() + offset).weekday() < 5
            ]
        )
        with self.assertRaisesRegex(UserError, "No working day found"):
            self.company._ar_next_working_day(start)

    def test_working_type_on_weekday_rejected(self):
        """A working-day exception on a weekday is rejected with its date."""
        with self.assertRaisesRegex(ValidationError, "2025-11-05 is a weekday"):
            self.Day.create(
                {
                    "country_id": self.russia.id,
                    "date": "2025-11-05",
                    "day_type": "working",
                }
            )

    def test_holiday_type_on_weekday_accepted(self):
        """A weekday can be added as a non-working day."""
        day = self.Day.create(
            {"country_id": self.russia.id, "date": "2025-11-05", "day_type": "holiday"}
        )
        self.assertFalse(self.company._ar_is_working_day(day.date))

    def test_country_date_unique(self):
        """A country cannot have two exceptions on the same date."""
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self.Day.create(
                    {
                        "country_id": self.russia.id,
                        "date": "2025-01-08",
                        "day_type": "holiday",
                    }
                )
        other = self.Day.create(
            {
                "country_id": self.env.ref("base.fr").id,
                "date": "2025-01-08",
                "day_type": "holiday",
            }
        )
        self.assertTrue(other.exists())
