"""Expected receivable figures computed straight from the reference CSV.

Independent of the loader and of the module: an invoice is open on date D
when InvoiceDate <= D < SettledDate, for its full amount, and a disputed
invoice is under dispute from its due date to its settlement date. The
penalty functions use plain ``Decimal`` arithmetic and none of the module's
calculation code.
"""

import calendar
import csv
import datetime
import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

CSV_PATH = os.environ.get(
    "AR_DATASET_CSV",
    os.path.join(
        os.path.dirname(__file__),
        "..",
        "..",
        "shared",
        "datasets",
        "ar_invoices_2012_2013.csv",
    ),
)

# (debtor field, first day overdue, last day overdue) of the default aging
# limits 30,60,90,180.
BUCKETS = [
    ("amount_not_due", None, 0),
    ("amount_bucket_1", 1, 30),
    ("amount_bucket_2", 31, 60),
    ("amount_bucket_3", 61, 90),
    ("amount_bucket_4", 91, 180),
    ("amount_bucket_5", 181, None),
]


def _date(value):
    return datetime.datetime.strptime(value, "%m/%d/%Y").date()


def read_invoices(path=CSV_PATH):
    with open(path, encoding="utf-8", newline="") as csv_file:
        return [
            {
                "customer": row["customerID"],
                "invoice": row["invoiceNumber"],
                "invoice_date": _date(row["InvoiceDate"]),
                "due_date": _date(row["DueDate"]),
                "settled_date": _date(row["SettledDate"]),
                "amount": Decimal(row["InvoiceAmount"]),
                "disputed": row["Disputed"] == "Yes",
            }
            for row in csv.DictReader(csv_file)
        ]


def open_invoices(invoices, as_of):
    return [
        invoice
        for invoice in invoices
        if invoice["invoice_date"] <= as_of < invoice["settled_date"]
    ]


def bucket_of(days_overdue):
    for name, first_day, last_day in BUCKETS:
        if (first_day is None or days_overdue >= first_day) and (
            last_day is None or days_overdue <= last_day
        ):
            return name
    raise ValueError(days_overdue)


def aging_by_customer(invoices, as_of):
    """Return {customerID: {"total_open": x, "overdue": y, bucket: z, ...}}."""
    result = defaultdict(lambda: defaultdict(Decimal))
    for invoice in open_invoices(invoices, as_of):
        days = (as_of - invoice["due_date"]).days
        figures = result[invoice["customer"]]
        figures["total_open"] += invoice["amount"]
        figures[bucket_of(days)] += invoice["amount"]
        if days > 0:
            figures["overdue"] += invoice["amount"]
            figures["overdue_count"] += 1
            figures["oldest_overdue_days"] = max(figures["oldest_overdue_days"], days)
    return result


# Trigger days of the default policy's stages, mildest first.
DEFAULT_STAGE_DAYS = (-3, 0, 1, 7, 14, 21, 30, 45, 60)


def item_stage(days_overdue, stage_days=DEFAULT_STAGE_DAYS):
    """Return the stage an item reaches in jump mode, or None.

    Stages on or before the due date apply only to items not yet overdue.
    """
    if days_overdue <= 0:
        reached = [
            stage for stage in stage_days if stage <= 0 and stage <= days_overdue
        ]
    else:
        reached = [stage for stage in stage_days if 0 < stage <= days_overdue]
    return max(reached) if reached else None


def disputed_on(invoice, as_of):
    """Tell whether the invoice is under dispute on ``as_of``.

    A disputed invoice is under dispute from its due date on, so it is
    still reminded before it falls due.
    """
    return invoice["disputed"] and invoice["due_date"] <= as_of


def reminder_stage_by_customer(invoices, as_of, stage_days=DEFAULT_STAGE_DAYS):
    """Return {customerID: stage days} for a first run on ``as_of``.

    The stage is the strictest one reached by the customer's undisputed
    open invoices, from three days before their due date.
    """
    stages = {}
    for invoice in open_invoices(invoices, as_of):
        if disputed_on(invoice, as_of):
            continue
        stage = item_stage((as_of - invoice["due_date"]).days, stage_days)
        if stage is None:
            continue
        customer = invoice["customer"]
        stages[customer] = max(stages.get(customer, stage), stage)
    return stages


def listed_invoices(invoices, as_of, stage_days=DEFAULT_STAGE_DAYS):
    """Return the invoice references a first run on ``as_of`` lists."""
    return {
        invoice["invoice"]
        for invoice in open_invoices(invoices, as_of)
        if not disputed_on(invoice, as_of)
        and item_stage((as_of - invoice["due_date"]).days, stage_days) is not None
    }


# Late-payment penalties. Every invoice of the CSV is paid in full on its
# SettledDate, and the payment day still accrues. A disputed invoice is under
# dispute from its due date to its settlement, so it never accrues.

CENT = Decimal("0.01")


def _round_cent(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def penalty_period(invoice, as_of):
    """Return the (first, last) accruing days of ``invoice`` as of ``as_of``.

    Return None when no day accrues: the invoice was paid by its due date,
    ``as_of`` is not after the due date, or the invoice is disputed.
    """
    if invoice["disputed"]:
        return None
    first = invoice["due_date"] + datetime.timedelta(days=1)
    last = min(as_of, invoice["settled_date"])
    if last < first:
        return None
    return first, last


def penalty_daily_percent(invoice, as_of, percent):
    """Return the penalty at ``percent`` of the amount per day, to the cent."""
    period = penalty_period(invoice, as_of)
    if period is None:
        return Decimal(0)
    first, last = period
    days = (last - first).days + 1
    return _round_cent(invoice["amount"] * percent / 100 * days)


def penalty_annual_act_act(invoice, as_of, percent):
    """Return the penalty at ``percent`` a year, actual/actual.

    The days are split at year ends. Each year's part is the amount times
    the rate times its days divided by that year's length (365 or 366),
    rounded to the cent, and the parts are added up.
    """
    period = penalty_period(invoice, as_of)
    if period is None:
        return Decimal(0)
    first, last = period
    total = Decimal(0)
    for year in range(first.year, last.year + 1):
        part_first = max(first, datetime.date(year, 1, 1))
        part_last = min(last, datetime.date(year, 12, 31))
        days = (part_last - part_first).days + 1
        year_days = 366 if calendar.isleap(year) else 365
        total += _round_cent(invoice["amount"] * percent / 100 * days / year_days)
    return total


def penalties_by_invoice(invoices, as_of, penalty):
    """Return {invoiceNumber: penalty} of the invoices with a penalty above zero.

    ``penalty`` is a function of (invoice, as_of), such as
    ``lambda invoice, day: penalty_daily_percent(invoice, day, Decimal("0.1"))``.
    """
    result = {}
    for invoice in invoices:
        amount = penalty(invoice, as_of)
        if amount > 0:
            result[invoice["invoice"]] = amount
    return result


# Payment-discipline scores. Every invoice of the CSV is one receivable item
# paid in full on its SettledDate. The scored invoices of a customer as of D
# are those due on or after D - 365 days and before D; an invoice settled on
# or before D is paid on time when SettledDate <= DueDate, and its days late
# are SettledDate - DueDate otherwise; an invoice still open on D is
# D - DueDate days late. The current overdue is the amount of the invoices
# open on D and due before D. The weights below restate the score formula
# documented in the module's README.

SCORE_HISTORY_DAYS = 365
SCORE_ON_TIME_POINTS = Decimal(50)
SCORE_LATENESS_POINTS = Decimal(30)
SCORE_LATENESS_ZERO_DAYS = Decimal(60)
SCORE_OVERDUE_POINTS = Decimal(20)


def payment_discipline_by_customer(invoices, as_of):
    """Return {customerID: figures} of the customers with a scored invoice.

    The figures are item_count, on_time_count, on_time_share (percent),
    avg_days_late, weighted_days_late, overdue_amount, overdue_count,
    invoiced_amount (invoices dated in the 365 days up to ``as_of``) and
    score, as ``Decimal`` values.
    """
    window_start = as_of - datetime.timedelta(days=SCORE_HISTORY_DAYS)
    result = {}
    by_customer = defaultdict(list)
    for invoice in invoices:
        by_customer[invoice["customer"]].append(invoice)
    for customer, rows in by_customer.items():
        scored = []
        overdue = Decimal(0)
        overdue_count = 0
        for invoice in rows:
            if invoice["invoice_date"] > as_of:
                continue
            is_open = invoice["settled_date"] > as_of
            if is_open and invoice["due_date"] < as_of:
                overdue += invoice["amount"]
                overdue_count += 1
            if not window_start <= invoice["due_date"] < as_of:
                continue
            end = as_of if is_open else invoice["settled_date"]
            days_late = max(0, (end - invoice["due_date"]).days)
            scored.append((invoice["amount"], days_late, not is_open and not days_late))
        if not scored:
            continue
        count = len(scored)
        amount = sum(row[0] for row in scored)
        on_time = sum(1 for row in scored if row[2])
        weighted = sum(row[0] * row[1] for row in scored) / amount
        lateness = max(Decimal(0), 1 - weighted / SCORE_LATENESS_ZERO_DAYS)
        overdue_part = 1 - min(Decimal(1), overdue / amount)
        score = (
            SCORE_ON_TIME_POINTS * on_time / count
            + SCORE_LATENESS_POINTS * lateness
            + SCORE_OVERDUE_POINTS * overdue_part
        )
        result[customer] = {
            "item_count": count,
            "on_time_count": on_time,
            "on_time_share": Decimal(100) * on_time / count,
            "avg_days_late": Decimal(sum(row[1] for row in scored)) / count,
            "weighted_days_late": weighted,
            "overdue_amount": overdue,
            "overdue_count": overdue_count,
            "invoiced_amount": sum(
                invoice["amount"]
                for invoice in rows
                if window_start < invoice["invoice_date"] <= as_of
            ),
            "score": score.quantize(CENT, rounding=ROUND_HALF_UP),
        }
    return result


def segment_of(score, thresholds):
    """Return the code of the first (code, minimum score) pair that ``score`` reaches.

    ``thresholds`` goes from the best segment to the worst.
    """
    for code, minimum in thresholds:
        if score >= minimum:
            return code
    return None
