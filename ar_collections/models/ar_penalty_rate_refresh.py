import bisect
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import psycopg2
import requests
from lxml import etree

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import float_compare
from odoo.tools.misc import format_date

from .ar_penalty_rate import MAX_ANNUAL_RATE

_logger = logging.getLogger(__name__)

KEY_RATE_URL_PARAM = "ar_collections.key_rate_url"
KEY_RATE_TIMEOUT_PARAM = "ar_collections.key_rate_timeout"
DEFAULT_KEY_RATE_URL = "https://www.cbr.ru/DailyInfoWebServ/DailyInfo.asmx"
DEFAULT_TIMEOUT = 30

# DailyInfo web service of the Bank of Russia, operation KeyRate (SOAP 1.1).
# The response is a .NET DataSet: KeyRateResult contains an XML schema and a
# diffgram whose KeyRate element lists one KR row per business day, each
# with DT (a date-time with the Moscow offset, such as
# 2024-10-28T00:00:00+03:00) and Rate (percent a year, such as 21.00).
# NOTE: this shape comes from published client code and response samples,
# not from a call to the live service; check it against the service's WSDL.
CBR_NAMESPACE = "http://web.cbr.ru/"
SOAP_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ACTION = '"http://web.cbr.ru/KeyRate"'
BANK_TIMEZONE = "Europe/Moscow"
# First day of the key rate, used when the table has no rows.
KEY_RATE_FIRST_DAY = date(2013, 9, 13)
RATE_DIGITS = 4
DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def format_rate(rate):
    """Format a percent rate with two decimals, such as 13.50."""
    # Babel 2.10, which Odoo 18 uses to export terms, cannot read f-strings
    # inside self.env._() calls.
    return f"{rate:.2f}"


class KeyRateFetchError(Exception):
    """The Bank of Russia web service failed or sent a response that cannot be read."""


@dataclass
class KeyRateRefreshResult:
    """Outcome of one refresh of the key-rate table."""

    added: models.BaseModel
    # (row, first bank day that disagrees with it, bank rate on that day)
    conflicts: list = field(default_factory=list)
    bank_days: int = 0


class ArPenaltyRateTable(models.Model):
    _inherit = "ar.penalty.rate.table"

    def action_refresh_key_rate(self):
        """Add the key-rate changes published by the Bank of Russia (button)."""
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_manager"):
            raise AccessError(
                self.env._("Only accounting managers can refresh the key rate.")
            )
        if self.code != "key_rate":
            raise UserError(
                self.env._(
                    "Table %(table)s is not the key-rate table. Only the Bank of "
                    "Russia key rate can be refreshed from the Bank of Russia.",
                    table=self.name,
                )
            )

        try:
            result = self._refresh_key_rate()
        except KeyRateFetchError as error:
            raise UserError(str(error)) from error

        return self._notify_refresh_result(result)

    @api.model
    def _cron_refresh_key_rate(self):
        """Refresh the key-rate table, logging instead of raising on fetch errors."""
        table = self._get_key_rate_table()
        if not table:
            _logger.warning("Key rate refresh skipped: there is no key-rate table.")
            return
        try:
            table._refresh_key_rate()
        except KeyRateFetchError:
            # _refresh_key_rate has logged the error.
            return
        except UserError as error:
            _logger.warning("Key rate refresh of table %s failed: %s", table.id, error)

    def _refresh_key_rate(self):
        """Fetch the key rate and add the change rows the table lacks.

        Existing rows are never changed or deleted. A row that the Bank of
        Russia contradicts is returned in the result's conflicts.
        """
        self.ensure_one()
        self._lock_for_refresh()

        window_start = self._get_refresh_window_start()
        window_end = fields.Date.context_today(self.with_context(tz=BANK_TIMEZONE))
        window_start = min(window_start, window_end)
        url = self._get_key_rate_url()
        _logger.info(
            "Key rate refresh of table %s: requesting %s to %s from %s",
            self.id,
            window_start,
            window_end,
            url,
        )

        try:
            content = self._fetch_key_rate_response(url, window_start, window_end)
            bank_days = self._parse_key_rate_response(url, content)
        except KeyRateFetchError as error:
            # The cause, such as the connection error, goes to the log only
            # because its text is too technical for the user message.
            _logger.warning(
                "Key rate refresh of table %s failed: %s Cause: %r",
                self.id,
                error,
                error.__cause__,
            )
            raise

        new_rows, conflicts = self._plan_key_rate_rows(bank_days, window_start)
        added = self.env["ar.penalty.rate"].create(
            [
                {
                    "table_id": self.id,
                    "date_from": day,
                    "rate": float(rate),
                    "note": self.env._("Bank of Russia, DailyInfo web service"),
                }
                for day, rate in new_rows
            ]
        )

        for row, day, rate in conflicts:
            _logger.warning(
                "Key rate row %s (from %s, %s %%) of table %s differs from the "
                "Bank of Russia rate %s %% on %s. The row is left unchanged.",
                row.id,
                row.date_from,
                row.rate,
                self.id,
                rate,
                day,
            )
        _logger.info(
            "Key rate refresh of table %s: %s values received, %s rows added, "
            "%s rows differ from the Bank of Russia",
            self.id,
            len(bank_days),
            len(added),
            len(conflicts),
        )
        return KeyRateRefreshResult(
            added=added, conflicts=conflicts, bank_days=len(bank_days)
        )

    def _lock_for_refresh(self):
        """Lock the table row so that a second refresh fails while one runs."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM ar_penalty_rate_table WHERE id = %s "
                    "FOR NO KEY UPDATE NOWAIT",
                    (self.id,),
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "Table %(table)s is being refreshed or edited by someone "
                    "else. Try again in a minute.",
                    table=self.name,
                )
            ) from error

    def _get_refresh_window_start(self):
        # The window starts on the latest row's date so that the response
        # confirms or contradicts the rate now in force.
        # NOTE: rows older than the latest one are not compared with the bank.
        dates = self.rate_ids.mapped("date_from")
        return max(dates) if dates else KEY_RATE_FIRST_DAY

    def _get_key_rate_url(self):
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param(KEY_RATE_URL_PARAM) or DEFAULT_KEY_RATE_URL

    def _get_key_rate_timeout(self):
        """Return the request timeout in seconds from the system parameter."""
        params = self.env["ir.config_parameter"].sudo()
        value = params.get_param(KEY_RATE_TIMEOUT_PARAM)
        if not value:
            return DEFAULT_TIMEOUT
        try:
            timeout = float(value)
        except ValueError:
            timeout = 0
        if timeout <= 0:
            _logger.warning(
                "System parameter %s is %r, not a positive number of seconds, "
                "so %s seconds are used",
                KEY_RATE_TIMEOUT_PARAM,
                value,
                DEFAULT_TIMEOUT,
            )
            return DEFAULT_TIMEOUT
        return timeout

    def _fetch_key_rate_response(self, url, window_start, window_end):
        """Call the KeyRate operation and return the raw response body."""
        envelope = etree.Element(
            f"{{{SOAP_NAMESPACE}}}Envelope", nsmap={"soap": SOAP_NAMESPACE}
        )
        body = etree.SubElement(envelope, f"{{{SOAP_NAMESPACE}}}Body")
        operation = etree.SubElement(
            body, f"{{{CBR_NAMESPACE}}}KeyRate", nsmap={None: CBR_NAMESPACE}
        )
        etree.SubElement(
            operation, f"{{{CBR_NAMESPACE}}}fromDate"
        ).text = f"{window_start.isoformat()}T00:00:00"
        etree.SubElement(
            operation, f"{{{CBR_NAMESPACE}}}ToDate"
        ).text = f"{window_end.isoformat()}T00:00:00"
        payload = etree.tostring(envelope, xml_declaration=True, encoding="utf-8")

        timeout = self._get_key_rate_timeout()
        try:
            response = requests.post(
                url,
                data=payload,
                headers={
                    "Content-Type": "text/xml; charset=utf-8",
                    "SOAPAction": SOAP_ACTION,
                },
                timeout=timeout,
            )
            response.raise_for_status()
        except requests.Timeout as error:
            seconds = f"{timeout:g}"
            raise self._fetch_error(
                url,
                self.env._("timed out after %(seconds)s seconds", seconds=seconds),
            ) from error
        except requests.HTTPError as error:
            raise self._fetch_error(
                url,
                self.env._(
                    "the server returned HTTP error %(status)s",
                    status=error.response.status_code,
                ),
            ) from error
        except requests.RequestException as error:
            raise self._fetch_error(url, self.env._("the connection failed")) from error
        return response.content

    def _parse_key_rate_response(self, url, content):
        """Return the response's (day, rate) pairs sorted by day.

        Raise KeyRateFetchError, before anything is written, if any value is
        missing, invalid, out of range or given twice with different rates.
        """
        parser = etree.XMLParser(resolve_entities=False, no_network=True)
        try:
            root = etree.fromstring(content, parser=parser)
        except etree.XMLSyntaxError as error:
            raise self._fetch_error(
                url,
                self.env._("the response is not valid XML (%(error)s)", error=error),
            ) from error

        fault = root.find(f".//{{{SOAP_NAMESPACE}}}Fault")
        if fault is not None:
            raise self._fetch_error(
                url,
                self.env._(
                    "the service returned an error: %(fault)s",
                    fault=fault.findtext("faultstring") or "",
                ),
            )
        result = root.find(f".//{{{CBR_NAMESPACE}}}KeyRateResult")
        if result is None:
            raise self._fetch_error(
                url, self.env._("the response has no KeyRateResult element")
            )

        rates_by_day = {}
        for number, row in enumerate(result.iter("KR"), start=1):
            day, rate = self._parse_key_rate_row(url, number, row)
            if day in rates_by_day and rates_by_day[day] != rate:
                raise self._fetch_error(
                    url,
                    self.env._(
                        "the response contains two rates for %(date)s: %(first)s and "
                        "%(second)s",
                        date=day,
                        first=rates_by_day[day],
                        second=rate,
                    ),
                )
            rates_by_day[day] = rate
        return sorted(rates_by_day.items())

    def _parse_key_rate_row(self, url, number, row):
        day_text = (row.findtext("DT") or "").strip()
        rate_text = (row.findtext("Rate") or "").strip()
        match = DATE_PREFIX.match(day_text)
        try:
            # Keep the date part, which is the Moscow date, because
            # converting the time to UTC would move it to the day before.
            day = date.fromisoformat(match.group(1)) if match else None
            rate = Decimal(rate_text)
        except (ValueError, InvalidOperation):
            day = rate = None
        if day is None or rate is None or not rate.is_finite():
            raise self._fetch_error(
                url,
                self.env._(
                    "value %(number)s of the response is invalid (DT %(day)r, Rate "
                    "%(rate)r)",
                    number=number,
                    day=day_text,
                    rate=rate_text,
                ),
            )
        if not 0 <= rate <= MAX_ANNUAL_RATE:
            raise self._fetch_error(
                url,
                self.env._(
                    "the rate %(rate)s %% for %(date)s is out of range",
                    rate=rate,
                    date=day,
                ),
            )
        return day, rate

    def _fetch_error(self, url, reason):
        return KeyRateFetchError(
            self.env._(
                "The key rate refresh from the Bank of Russia at %(url)s "
                "failed: %(reason)s. Try again later, or enter the new rate by "
                "hand in the key-rate table.",
                url=url,
                reason=reason,
            )
        )

    def _plan_key_rate_rows(self, bank_days, window_start):
        """Return the rows to add and the existing rows the bank contradicts.

        Take a bank day whose rate differs from the rate the table has in
        force that day. If the row in force is dated after the previous bank
        day, the bank contradicts it, so the row is returned as a conflict and
        left unchanged. Otherwise, if the bank's rate changed that day, a row
        dated that day is added.
        """
        rows = sorted(self.rate_ids, key=lambda row: row.date_from)
        days = [row.date_from for row in rows]
        rates = [row.rate for row in rows]
        sources = list(rows)
        new_rows = []
        conflicts = []
        reported = set()

        previous_day = window_start - timedelta(days=1)
        previous_rate = None
        for day, bank_rate in bank_days:
            position = bisect.bisect_right(days, day) - 1
            table_differs = position < 0 or self._rates_differ(
                rates[position], bank_rate
            )
            row_starts_here = position >= 0 and days[position] > previous_day
            bank_changed = previous_rate is None or bank_rate != previous_rate

            if table_differs and row_starts_here:
                row = sources[position]
                if row is not None and row not in reported:
                    reported.add(row)
                    conflicts.append((row, day, bank_rate))
            elif table_differs and bank_changed:
                new_rows.append((day, bank_rate))
                days.insert(position + 1, day)
                rates.insert(position + 1, float(bank_rate))
                sources.insert(position + 1, None)
            # Otherwise the table agrees, or the bank's rate did not change
            # and the row in force was reported on an earlier day.

            previous_day = day
            previous_rate = bank_rate
        return new_rows, conflicts

    @staticmethod
    def _rates_differ(table_rate, bank_rate):
        return (
            float_compare(table_rate, float(bank_rate), precision_digits=RATE_DIGITS)
            != 0
        )

    def _describe_conflict(self, row, bank_rate):
        return self.env._(
            "%(date)s: table %(table_rate)s %%, Bank of Russia %(bank_rate)s %%",
            date=format_date(self.env, row.date_from),
            table_rate=format_rate(row.rate),
            bank_rate=format_rate(bank_rate),
        )

    def _notify_refresh_result(self, result):
        """Return a notification with the rows added and the latest rate."""
        latest = max(self.rate_ids, key=lambda row: row.date_from, default=None)
        message = self.env._("Rows added: %(count)s.", count=len(result.added))
        if latest:
            message += " " + self.env._(
                "Latest key rate: %(rate)s %% from %(date)s.",
                rate=format_rate(latest.rate),
                date=format_date(self.env, latest.date_from),
            )
        if result.conflicts:
            details = "; ".join(
                self._describe_conflict(row, bank_rate)
                for row, _day, bank_rate in result.conflicts
            )
            message += " " + self.env._(
                "These rows differ from the Bank of Russia and were left "
                "unchanged: %(details)s. Check them and correct them by hand.",
                details=details,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Key rate refreshed from the Bank of Russia"),
                "message": message,
                "type": "warning" if result.conflicts else "success",
                "sticky": bool(result.conflicts),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
