from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Days searched ahead for a free slot in the quiet window. The once-a-day
# rule takes at most one day per SMS already queued for the customer.
MAX_DAYS_AHEAD = 14


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_sms_provider_id = fields.Many2one(
        comodel_name="ar.sms.provider",
        string="SMS Provider",
        domain="[('company_id', '=', id)]",
        help="Provider that sends this company's collection SMS.",
    )
    ar_sms_hour_from = fields.Float(
        string="SMS From",
        default=9.0,
        help="Start of the hours in which collection SMS may reach a "
        "customer, in the customer's time zone (the company's when the "
        "customer has none).",
    )
    ar_sms_hour_to = fields.Float(
        string="SMS Until",
        default=21.0,
        help="End of the SMS hours, excluded.",
    )

    @api.constrains("ar_sms_hour_from", "ar_sms_hour_to")
    def _check_ar_sms_window(self):
        for company in self:
            start, end = company.ar_sms_hour_from, company.ar_sms_hour_to
            if not (0 <= start < end <= 24):
                raise ValidationError(
                    self.env._(
                        "The SMS hours %(start)s-%(end)s of %(company)s are "
                        "invalid. Enter hours from 0 to 24 with the start "
                        "before the end, for example 9 and 21.",
                        start=start,
                        end=end,
                        company=company.name,
                    )
                )

    def _ar_sms_timezone(self, partner):
        """Return the pytz zone of ``partner``, else of the company, else UTC."""
        self.ensure_one()
        for name in (partner.tz, self.partner_id.tz):
            if name:
                try:
                    return pytz.timezone(name)
                except pytz.UnknownTimeZoneError:
                    continue
        return pytz.utc

    def _ar_sms_next_slot(self, now_utc, partner, busy_dates=()):
        """Return the first moment from ``now_utc`` inside the SMS hours.

        ``now_utc`` is a naive UTC datetime, as Odoo stores them. Local dates
        in ``busy_dates`` are skipped, so a customer gets at most one SMS a
        day. Returns ``(naive UTC datetime, local date)``.
        """
        self.ensure_one()
        zone = self._ar_sms_timezone(partner)
        local_now = pytz.utc.localize(now_utc).astimezone(zone)
        for offset in range(MAX_DAYS_AHEAD):
            day = local_now.date() + timedelta(days=offset)
            if day in busy_dates:
                continue
            start = self._ar_local_moment(zone, day, self.ar_sms_hour_from)
            end = self._ar_local_moment(zone, day, self.ar_sms_hour_to)
            if local_now >= end:
                continue
            slot = max(start, local_now)
            return slot.astimezone(pytz.utc).replace(tzinfo=None), day
        raise ValidationError(
            self.env._(
                "No free day for an SMS to %(customer)s in the next %(days)s "
                "days. Cancel the SMS already queued for this customer.",
                customer=partner.display_name,
                days=MAX_DAYS_AHEAD,
            )
        )

    @staticmethod
    def _ar_local_moment(zone, day, hours):
        """Return the aware datetime at ``hours`` (a float) on ``day`` in ``zone``."""
        if hours >= 24:
            return zone.localize(datetime.combine(day + timedelta(days=1), time()))
        minutes = round(hours * 60)
        return zone.localize(datetime.combine(day, time(minutes // 60, minutes % 60)))
