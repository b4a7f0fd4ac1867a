"""Expected receivable figures computed straight from the reference CSV.

Independent of the loader and of the module: an invoice is open on date D
when InvoiceDate <= D < SettledDate, for its full amount, and a disputed
invoice is under dispute from its due date to its settlement date.
"""

import csv
import datetime
import os
from collections import defaultdict
from decimal import Decimal

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


def reminder_stage_by_customer(invoices, as_of, stage_days=(1, 15, 30)):
    """Return {customerID: stage days} for a first run on ``as_of``.

    The stage is the strictest one reached by the customer's most overdue
    undisputed open invoice.
    """
    max_days_by_customer = {}
    for invoice in open_invoices(invoices, as_of):
        days = (as_of - invoice["due_date"]).days
        if days <= 0 or invoice["disputed"]:
            continue
        customer = invoice["customer"]
        previous = max_days_by_customer.get(customer, 0)
        max_days_by_customer[customer] = max(previous, days)
    stages = {}
    for customer, days in max_days_by_customer.items():
        reached = [stage for stage in stage_days if stage <= days]
        stages[customer] = max(reached)
    return stages
