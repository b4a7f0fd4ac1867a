"""Late-payment penalty of one receivable item, as plain Python.

The calculation covers the item from its first accruing day to the as-of or
final payment date. For each day it finds the base (the residual after the
payments that count by then) and the rate. It evaluates one day per stretch
between breakpoints, because nothing can change inside a stretch.
Consecutive days with the same base, rate and formula form one sub-period.
A sub-period breaks at every rate change, base change and stage change,
and under an annual rate also at every year end. Amounts are ``Decimal``
and rounded half-up to 0.01, per sub-period by default.

The Odoo layer (rules, rate tables, stored figures, charging) reads the
records, calls :func:`compute_penalty` and stores its lines.
"""

import calendar
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class PenaltyRateMissing(ValueError):
    """No rate applies to a day that accrues."""

    def __init__(self, day):
        super().__init__(
            f"No rate applies on {day.isoformat()}. Add a rate in force on that "
            "date to the rate table."
        )
        self.day = day


@dataclass(frozen=True)
class PenaltyRule:
    """How an item accrues.

    ``method``:
    - ``daily_percent``: ``rate`` percent of the base per day;
    - ``daily_fixed``: ``rate`` as a fixed amount per day;
    - ``annual``: ``rate`` percent a year, or the rate of ``rate_table`` in
      force each day, under the ``day_count`` basis (``act_365``,
      ``act_act`` or ``30_360``);
    - ``rate_fraction``: the table's rate divided by a divisor, per day.
      ``fraction_stages`` contains pairs of (first day number, divisor), where a
      divisor of ``None`` means no accrual. The rate is the one in force each
      day, or on ``rate_date`` when set.
    """

    method: str
    rate: Decimal = Decimal(0)
    day_count: str = "act_365"
    rate_table: tuple = ()
    rate_date: date | None = None
    fraction_stages: tuple = ((1, 300),)
    grace_days: int = 0
    retroactive: bool = False
    cap_amount: Decimal | None = None
    cap_percent: Decimal | None = None
    min_amount: Decimal = Decimal(0)
    round_per_period: bool = True
    payment_day_accrues: bool = True


@dataclass(frozen=True)
class PenaltyLine:
    """One sub-period of the calculation table."""

    date_from: date
    date_to: date
    days: int
    base: Decimal
    rate: Decimal
    formula: str
    amount: Decimal


@dataclass
class PenaltyResult:
    amount: Decimal = Decimal(0)
    lines: list = field(default_factory=list)
    capped: bool = False
    below_minimum: bool = False


def round_cent(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rate_on(table, day):
    """Return the rate in force on ``day`` from pairs of (start date, percent)."""
    return _RateTable(table).rate_on(day)


def days_360(start, end):
    """Return the 30/360 (European) day count from ``start`` to ``end``."""
    start_day = min(start.day, 30)
    end_day = min(end.day, 30)
    return (
        (end.year - start.year) * 360
        + (end.month - start.month) * 30
        + (end_day - start_day)
    )


def _first_day(due_date, as_of, rule):
    first = due_date + timedelta(days=1)
    if not rule.grace_days:
        return first
    past_grace = due_date + timedelta(days=rule.grace_days + 1)
    if as_of < past_grace:
        return None
    return first if rule.retroactive else past_grace


def _day_key(day, due_date, rule, table):
    """Return (rate, divisor or year length, formula) for one day, or None."""
    if rule.method == "daily_percent":
        return Decimal(rule.rate), 1, "base × %s%% × days"
    if rule.method == "daily_fixed":
        return Decimal(rule.rate), 1, "%s × days"
    if rule.method == "annual":
        rate = table.rate_on(day) if table else Decimal(rule.rate)
        if rule.day_count == "30_360":
            return rate, 360, "base × %s%% × days / 360"
        year = 366 if rule.day_count == "act_act" and calendar.isleap(day.year) else 365
        return rate, year, "base × %s%% × days / " + str(year)
    if rule.method == "rate_fraction":
        number = (day - due_date).days
        divisor = None
        for first_number, stage_divisor in sorted(rule.fraction_stages):
            if number >= first_number:
                divisor = stage_divisor
        if divisor is None:
            return None
        rate = table.rate_on(rule.rate_date or day)
        return rate, divisor, "base × %s%% / " + str(divisor) + " × days"
    raise ValueError(
        f"Unknown penalty method {rule.method!r}. Use daily_percent, "
        "daily_fixed, annual or rate_fraction."
    )


def _line_amount(rule, base, rate, divisor, days, date_from, date_to):
    if rule.method == "daily_fixed":
        return rate * days
    if rule.method == "daily_percent":
        return base * rate / HUNDRED * days
    if rule.method == "annual" and rule.day_count == "30_360":
        days = days_360(date_from - timedelta(days=1), date_to)
    return base * rate / HUNDRED * days / divisor


class _RateTable:
    """Rates by start date, looked up by bisection."""

    def __init__(self, rows):
        pairs = sorted((day, Decimal(value)) for day, value in rows)
        self.days = [day for day, _value in pairs]
        self.rates = [value for _day, value in pairs]

    def __bool__(self):
        return bool(self.days)

    def rate_on(self, day):
        index = bisect_right(self.days, day)
        if not index:
            raise PenaltyRateMissing(day)
        return self.rates[index - 1]


def _breakpoints(first, last, due_date, rule, payments, excluded, start, shift):
    """Return the sorted days in ``[first, last]`` where a sub-period may start.

    Between two consecutive breakpoints the base, the rate, the stage, the
    dispute state and, under an annual rate, the year stay the same, so one
    day stands for all. Daily methods do not depend on the year, so a year
    end does not split their sub-periods or their rounding.
    """
    days = {first}
    if start and start > first:
        days.add(start)
    for pay_day, _amount in payments:
        days.add(pay_day + timedelta(days=shift))
    if rule.rate_table and not rule.rate_date:
        days.update(day for day, _value in rule.rate_table)
    if rule.method == "rate_fraction":
        days.update(
            due_date + timedelta(days=number) for number, _div in rule.fraction_stages
        )
    if rule.method == "annual":
        for year in range(first.year + 1, last.year + 1):
            days.add(date(year, 1, 1))
    for date_start, date_end in excluded:
        days.add(date_start)
        # An open dispute ends on date.max, which has no next day.
        if date_end < last:
            days.add(date_end + timedelta(days=1))
    return sorted(day for day in days if first <= day <= last)


def compute_penalty(
    principal,
    due_date,
    as_of,
    rule,
    payments=(),
    excluded=(),
    start=None,
    cap_used=Decimal(0),
):
    """Return the :class:`PenaltyResult` of one item as of ``as_of``.

    :param principal: the item's amount, in its currency.
    :param payments: pairs of (date, amount) that lowered the residual.
    :param excluded: pairs of (first, last) days that do not accrue, such
        as the days of a dispute.
    :param start: first day to include, such as the day after the last
        charged day. Earlier days still count for the grace period and the
        stage numbers but give no lines.
    :param cap_used: amount already charged, which counts towards the cap
        and the minimum amount.
    """
    principal = Decimal(principal)
    result = PenaltyResult()
    first = _first_day(due_date, as_of, rule)
    if first is None:
        return result
    if start and start > as_of:
        return result

    payments = sorted((day, Decimal(amount)) for day, amount in payments)
    shift = 1 if rule.payment_day_accrues else 0
    table = _RateTable(rule.rate_table)
    points = _breakpoints(
        first, as_of, due_date, rule, payments, excluded, start, shift
    )

    lines = []
    current = None
    for index, day in enumerate(points):
        last = (
            points[index + 1] - timedelta(days=1) if index + 1 < len(points) else as_of
        )
        paid = sum(
            amount
            for pay_day, amount in payments
            if pay_day + timedelta(days=shift) <= day
        )
        base = principal - paid
        if base <= 0:
            break
        skipped = (start and day < start) or any(
            date_start <= day <= date_end for date_start, date_end in excluded
        )
        key = None if skipped else _day_key(day, due_date, rule, table)
        if key is None:
            current = None
            continue

        rate, divisor, formula = key
        if (
            current
            and current["key"] == (base, rate, divisor)
            and (rule.method != "annual" or current["to"].year == day.year)
            and current["to"] + timedelta(days=1) == day
        ):
            current["to"] = last
            current["days"] += (last - day).days + 1
        else:
            current = {
                "key": (base, rate, divisor),
                "from": day,
                "to": last,
                "days": (last - day).days + 1,
                "formula": formula % rate,
            }
            lines.append(current)

    total = Decimal(0)
    for line in lines:
        base, rate, divisor = line["key"]
        amount = _line_amount(
            rule, base, rate, divisor, line["days"], line["from"], line["to"]
        )
        if rule.round_per_period:
            amount = round_cent(amount)
        result.lines.append(
            PenaltyLine(
                date_from=line["from"],
                date_to=line["to"],
                days=line["days"],
                base=base,
                rate=rate,
                formula=line["formula"],
                amount=amount,
            )
        )
        total += amount

    total = round_cent(total)
    cap_used = Decimal(cap_used)
    cap = cap_of(rule, principal)
    if cap is not None and cap_used + total > cap:
        total = max(Decimal(0), cap - cap_used)
        result.capped = True
    if cap_used + total < Decimal(rule.min_amount):
        total = Decimal(0)
        result.below_minimum = True
    result.amount = total
    return result


def cap_of(rule, principal):
    """Return the cap of an item's penalty, or None when there is none."""
    cap = rule.cap_amount
    if rule.cap_percent is not None:
        percent_cap = round_cent(
            Decimal(principal) * Decimal(rule.cap_percent) / HUNDRED
        )
        cap = percent_cap if cap is None else min(cap, percent_cap)
    return None if cap is None else Decimal(cap)
