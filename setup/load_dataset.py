"""Load an accounts-receivable CSV into an Odoo database through the ORM.

The CSV has the columns of the reference dataset ar_invoices_2012_2013.csv:
one row per customer invoice with its settlement date. For each row the
loader makes sure there is a customer (ref = customerID, tag = region code),
a posted invoice (ref = invoiceNumber, due date = DueDate), one payment on
SettledDate reconciled with it and, for Disputed=Yes, a dispute from the
due date to the settlement date. Existing records are found and kept, so a
second load creates nothing.

The whole file is validated before anything is written, and everything is
written in one transaction, so a bad row leaves the database unchanged.

Usage:
    python setup/load_dataset.py -d DATABASE [--csv FILE] [--company-id ID]
"""

import argparse
import csv
import datetime
import logging
import os
import sys
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = [
    "countryCode",
    "customerID",
    "invoiceNumber",
    "InvoiceDate",
    "DueDate",
    "InvoiceAmount",
    "Disputed",
    "SettledDate",
]
DISPUTE_REASON = "Disputed in the source data"
REGION_TAG_PREFIX = "Region "


class DatasetError(Exception):
    """A CSV that cannot be loaded; the message names the file, row and column."""


@dataclass(frozen=True)
class InvoiceRow:
    row_number: int
    region_code: str
    customer_ref: str
    invoice_ref: str
    invoice_date: datetime.date
    due_date: datetime.date
    amount: Decimal
    disputed: bool
    settled_date: datetime.date | None


def _parse_date(value, path, row_number, column):
    try:
        return datetime.datetime.strptime(value.strip(), "%m/%d/%Y").date()
    except ValueError:
        raise DatasetError(
            f"{path}, row {row_number}, column {column}: invalid date {value!r}, "
            "expected M/D/YYYY"
        ) from None


def _parse_row(raw, path, row_number):
    def required(column):
        value = (raw.get(column) or "").strip()
        if not value:
            raise DatasetError(
                f"{path}, row {row_number}, column {column}: missing value"
            )
        return value

    try:
        amount = Decimal(required("InvoiceAmount"))
    except InvalidOperation:
        raise DatasetError(
            f"{path}, row {row_number}, column InvoiceAmount: invalid amount "
            f"{raw['InvoiceAmount']!r}, expected a number with a dot as decimal "
            "separator"
        ) from None
    if amount <= 0:
        raise DatasetError(
            f"{path}, row {row_number}, column InvoiceAmount: amount {amount} "
            "must be positive"
        )

    disputed = required("Disputed")
    if disputed not in ("Yes", "No"):
        raise DatasetError(
            f"{path}, row {row_number}, column Disputed: invalid value "
            f"{disputed!r}, expected Yes or No"
        )

    invoice_date = _parse_date(required("InvoiceDate"), path, row_number, "InvoiceDate")
    due_date = _parse_date(required("DueDate"), path, row_number, "DueDate")
    if due_date < invoice_date:
        raise DatasetError(
            f"{path}, row {row_number}, column DueDate: due date {due_date} is "
            f"before the invoice date {invoice_date}"
        )
    settled = (raw.get("SettledDate") or "").strip()
    return InvoiceRow(
        row_number=row_number,
        region_code=required("countryCode"),
        customer_ref=required("customerID"),
        invoice_ref=required("invoiceNumber"),
        invoice_date=invoice_date,
        due_date=due_date,
        amount=amount,
        disputed=disputed == "Yes",
        settled_date=_parse_date(settled, path, row_number, "SettledDate")
        if settled
        else None,
    )


def read_rows(path):
    """Parse and validate the whole CSV; raise DatasetError on the first bad row."""
    try:
        with open(path, encoding="utf-8", newline="") as csv_file:
            content = csv_file.read()
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise DatasetError(
            f"{path}: not valid UTF-8 (byte {error.start}); save the file as UTF-8"
        ) from None

    reader = csv.DictReader(content.splitlines())
    missing = [
        column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])
    ]
    if missing:
        raise DatasetError(
            f"{path}, row 1: missing column(s) {', '.join(missing)}; the header "
            f"must contain {', '.join(REQUIRED_COLUMNS)}"
        )

    rows = []
    seen_refs = {}
    # Row 1 is the header, so data rows start at 2, as in a spreadsheet.
    for row_number, raw in enumerate(reader, start=2):
        row = _parse_row(raw, path, row_number)
        if row.invoice_ref in seen_refs:
            raise DatasetError(
                f"{path}, row {row_number}, column invoiceNumber: invoice "
                f"{row.invoice_ref} already appears on row {seen_refs[row.invoice_ref]}"
            )
        seen_refs[row.invoice_ref] = row_number
        rows.append(row)
    if not rows:
        raise DatasetError(f"{path}: no data rows")
    return rows


class DatasetLoader:
    """Create the customers, invoices, payments and disputes of a parsed CSV."""

    def __init__(self, env, company, progress=None):
        self.env = env(context=dict(env.context, tracking_disable=True))
        self.company = company
        self.progress = progress or (lambda message: _logger.info("%s", message))
        self.counts = {"customers": 0, "invoices": 0, "payments": 0, "disputes": 0}

    def load(self, rows):
        self._check_accounting_setup()
        customers = self._ensure_customers(rows)
        invoices = self._ensure_invoices(rows, customers)
        self._ensure_payments(rows, invoices)
        self._ensure_disputes(rows, invoices)
        return self.counts

    def _check_accounting_setup(self):
        env = self.env
        if not self.company.chart_template:
            env["account.chart.template"].try_loading(
                "generic_coa", company=self.company, install_demo=False
            )
        journal = env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "bank")], limit=1
        )
        if not journal:
            raise DatasetError(
                f"Company {self.company.name} has no bank journal to record payments"
            )
        # In 18.0 a payment whose method line has no outstanding account
        # creates no journal entry and can never be reconciled.
        method_lines = journal.inbound_payment_method_line_ids.filtered(
            lambda line: not line.payment_account_id
        )
        if method_lines:
            account = (
                env["account.chart.template"]
                .with_company(self.company)
                .ref(
                    "account_journal_payment_debit_account_id", raise_if_not_found=False
                )
            )
            if not account:
                raise DatasetError(
                    f"Journal {journal.name} has no outstanding receipts account; "
                    "set one on its incoming payment methods"
                )
            method_lines.payment_account_id = account
        self.bank_journal = journal
        self.sale_journal = env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "sale")], limit=1
        )

    def _ensure_customers(self, rows):
        Partner = self.env["res.partner"]
        refs = sorted({row.customer_ref for row in rows})
        existing = {
            partner.ref: partner
            for partner in Partner.search(
                [("ref", "in", refs), ("is_company", "=", True)]
            )
        }
        regions = {row.customer_ref: row.region_code for row in rows}
        tags = self._ensure_region_tags(set(regions.values()))
        to_create = [
            {
                "name": f"Customer {ref}",
                "ref": ref,
                "is_company": True,
                "customer_rank": 1,
                # The source has no addresses; an example.com address lets the
                # collection run be demonstrated without reaching anyone.
                "email": f"ar-{ref.lower()}@example.com",
                "category_id": [(6, 0, [tags[regions[ref]].id])],
            }
            for ref in refs
            if ref not in existing
        ]
        for partner in Partner.create(to_create):
            existing[partner.ref] = partner
        self.counts["customers"] = len(to_create)
        self.progress(
            f"customers: {len(to_create)} created, {len(refs) - len(to_create)} kept"
        )
        return existing

    def _ensure_region_tags(self, codes):
        Category = self.env["res.partner.category"]
        tags = {}
        for code in sorted(codes):
            name = f"{REGION_TAG_PREFIX}{code}"
            tags[code] = Category.search(
                [("name", "=", name)], limit=1
            ) or Category.create({"name": name})
        return tags

    def _ensure_invoices(self, rows, customers):
        Move = self.env["account.move"].with_company(self.company)
        existing = {
            (move.commercial_partner_id.id, move.ref): move
            for move in Move.search(
                [
                    ("move_type", "=", "out_invoice"),
                    ("company_id", "=", self.company.id),
                    ("ref", "in", [row.invoice_ref for row in rows]),
                ]
            )
        }
        to_create = []
        # Posting in date order keeps the invoice numbers in date order.
        for row in sorted(rows, key=lambda row: (row.invoice_date, row.invoice_ref)):
            key = (customers[row.customer_ref].id, row.invoice_ref)
            if key not in existing:
                to_create.append((row, self._prepare_invoice_vals(row, customers)))

        batch_size = 200
        for start in range(0, len(to_create), batch_size):
            batch = to_create[start : start + batch_size]
            moves = Move.create([vals for _row, vals in batch])
            moves.action_post()
            for (row, _vals), move in zip(batch, moves, strict=True):
                existing[(customers[row.customer_ref].id, row.invoice_ref)] = move
            self.env.flush_all()
            self.env.invalidate_all()
            self.progress(f"invoices: {start + len(batch)} of {len(to_create)} created")
        self.counts["invoices"] = len(to_create)
        return {
            row.invoice_ref: existing[(customers[row.customer_ref].id, row.invoice_ref)]
            for row in rows
        }

    def _prepare_invoice_vals(self, row, customers):
        return {
            "move_type": "out_invoice",
            "partner_id": customers[row.customer_ref].id,
            "company_id": self.company.id,
            "journal_id": self.sale_journal.id,
            "ref": row.invoice_ref,
            "invoice_date": row.invoice_date,
            "date": row.invoice_date,
            "invoice_date_due": row.due_date,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"Services, invoice {row.invoice_ref}",
                        "quantity": 1,
                        "price_unit": float(row.amount),
                        "tax_ids": [(6, 0, [])],
                    },
                )
            ],
        }

    def _ensure_payments(self, rows, invoices):
        to_pay = [
            row
            for row in rows
            if row.settled_date
            and invoices[row.invoice_ref].payment_state == "not_paid"
        ]
        batch_size = 200
        for start in range(0, len(to_pay), batch_size):
            batch = to_pay[start : start + batch_size]
            self._pay_batch(batch, invoices)
            # A long transaction slows the ORM down as its cache grows.
            self.env.flush_all()
            self.env.invalidate_all()
            self.progress(f"payments: {start + len(batch)} of {len(to_pay)} created")
        self.counts["payments"] = len(to_pay)

    def _pay_batch(self, batch, invoices):
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": invoices[row.invoice_ref].commercial_partner_id.id,
                    "amount": float(row.amount),
                    "date": row.settled_date,
                    "journal_id": self.bank_journal.id,
                    "memo": invoices[row.invoice_ref].name,
                    "company_id": self.company.id,
                }
                for row in batch
            ]
        )
        payments.action_post()
        plan = []
        for row, payment in zip(batch, payments, strict=True):
            invoice = invoices[row.invoice_ref]
            if not payment.move_id:
                raise DatasetError(
                    f"row {row.row_number}: payment of invoice {row.invoice_ref} "
                    "created no journal entry; set an outstanding receipts "
                    f"account on journal {self.bank_journal.name}"
                )
            plan.append(
                (payment.move_id.line_ids | invoice.line_ids).filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                )
            )
        # One reconciliation plan for the batch: each pair is matched on its
        # own, with the data of the whole batch fetched at once.
        self.env["account.move.line"]._reconcile_plan(plan)

    def _ensure_disputes(self, rows, invoices):
        Dispute = self.env["ar.dispute"]
        disputed = [row for row in rows if row.disputed]
        existing = set(
            Dispute.search(
                [("move_id", "in", [invoices[row.invoice_ref].id for row in disputed])]
            ).move_id.ids
        )
        vals_list = [
            {
                "move_id": invoices[row.invoice_ref].id,
                # An invoice paid on or before its due date was never overdue
                # while disputed: its dispute is kept as the settlement day.
                "date_start": min(row.due_date, row.settled_date or row.due_date),
                "date_end": row.settled_date,
                "reason": DISPUTE_REASON,
            }
            for row in disputed
            if invoices[row.invoice_ref].id not in existing
        ]
        Dispute.create(vals_list)
        self.counts["disputes"] = len(vals_list)
        self.progress(f"disputes: {len(vals_list)} created")


def load_csv(env, path, company=None, progress=None):
    """Validate ``path`` and load it into ``company`` (default: the env's company)."""
    rows = read_rows(path)
    loader = DatasetLoader(env, company or env.company, progress=progress)
    return loader.load(rows)


def _default_csv_path():
    setup_dir = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(
        setup_dir, "..", "..", "shared", "datasets", "ar_invoices_2012_2013.csv"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--csv", default=os.environ.get("AR_DATASET_CSV", _default_csv_path())
    )
    parser.add_argument(
        "--company-id", type=int, help="company to load into (default: main)"
    )
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    args = parser.parse_args(argv)

    import odoo
    from odoo.tools import config

    odoo_args = ["-d", args.database]
    if args.config:
        odoo_args += ["-c", args.config]
    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = (
            env["res.company"].browse(args.company_id) if args.company_id else None
        )
        if company is not None and not company.exists():
            raise DatasetError(f"company id {args.company_id} does not exist")
        try:
            started = time.monotonic()
            counts = load_csv(
                env,
                args.csv,
                company=company,
                progress=lambda message: print(
                    f"[{time.monotonic() - started:6.1f} s] {message}", flush=True
                ),
            )
        except DatasetError as error:
            cr.rollback()
            print(f"error: {error}", file=sys.stderr)
            return 1
        cr.commit()
    print(
        "loaded {path}: {customers} customers, {invoices} invoices, {payments} "
        "payments, {disputes} disputes created".format(path=args.csv, **counts)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
