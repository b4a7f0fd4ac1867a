from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import UserError

from .ar_calendar_day import is_working_day

# How many days _ar_next_working_day looks ahead, the starting day included.
NEXT_WORKING_DAY_SEARCH_DAYS = 366


# The working-day settings of the collection run, apart from res_company.py.
class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    ar_working_days_only = fields.Boolean(
        string="Send on Working Days Only",
        default=True,
        help="Send scheduled collection reminders only on working days: "
        "Monday to Friday except the non-working days of the company's "
        "country, plus the Saturdays and Sundays that the country's calendar "
        "marks as working days. Without a country, only weekends are skipped.",
    )

    def _ar_is_working_day(self, day):
        """Return True when the company sends reminders on ``day``.

        Every day is a working day when Send on Working Days Only is off.
        """
        self.ensure_one()
        if not self.ar_working_days_only:
            return True
        holidays, working_days = self.env["ar.calendar.day"]._ar_exceptions(
            self.country_id, day, day
        )
        return is_working_day(day, holidays, working_days)

    def _ar_next_working_day(self, day):
        """Return the first working day of the company on or after ``day``.

        Raise UserError when none is found within 366 days, which happens
        only when the calendar leaves no working day in that period.
        """
        self.ensure_one()
        if not self.ar_working_days_only:
            return day
        last_day = day + timedelta(days=NEXT_WORKING_DAY_SEARCH_DAYS - 1)
        holidays, working_days = self.env["ar.calendar.day"]._ar_exceptions(
            self.country_id, day, last_day
        )
        for offset in range(NEXT_WORKING_DAY_SEARCH_DAYS):
            candidate = day + timedelta(days=offset)
            if is_working_day(candidate, holidays, working_days):
                return candidate
        raise UserError(
            _(
                "No working day found for company %(company)s from %(start)s "
                "to %(end)s. Check the calendar of non-working days of "
                "%(country)s.",
                company=self.display_name,
                start=day,
                end=last_day,
                country=self.country_id.display_name,
            )
        )
