"""Generate a large receivables ledger straight into PostgreSQL for benchmarks.

The rows copy the column values that Odoo 18.0 writes for a posted customer
invoice of one tax-free line, a customer payment reconciled with it, and an
unmatched payment:

- an invoice move (``out_invoice``, sale journal) has an income line
  (credit, ``display_type`` ``product``) and a receivable line (debit,
  ``payment_term``, due 30 days after the invoice date);
- a payment move (``entry``, bank journal) has an outstanding-receipts line
  (debit) and a receivable line (credit), both ``product`` as in Odoo;
- a quarter of the receivable items are invoices matched by a payment and
  another quarter are those payments, so half of the receivable items are
  reconciled, fully or in part. About a fifth of the matched payments pay
  part of their invoice (``--partial-share``), and 2% of the items are
  payments that match no invoice.

Every matched pair has an ``account_partial_reconcile`` row, and a fully
paid pair also has an ``account_full_reconcile`` row. ``amount_residual``,
``reconciled``, ``matching_number`` and the invoice totals and
``payment_state`` agree with those rows. No ``account_payment`` records are
created, so the payment moves are plain bank-journal entries.

Values come from a hash of (seed, row number), so the same arguments on the
same database give the same ledger. Invoice dates cover the 1095 days up to
``--end-date``, which defaults to today, so pass it to repeat a ledger on
another day. Everything is validated first and written in one
transaction, so a rejected run writes nothing. VACUUM ANALYZE runs on the
written tables after the commit.

The connection uses libpq's defaults and the PGHOST, PGPORT, PGUSER and
PGPASSWORD variables; ``-c`` reads the db_* options of an Odoo configuration
file instead.

Usage:
    python tests/benchmarks/generate_ledger.py -d DATABASE \
        [--customers 20000] [--items 1000000] [--seed 1] [--end-date YYYY-MM-DD] \
        [--partial-share 0.2]
"""

import argparse
import configparser
import datetime
import sys
import time
from dataclasses import dataclass

import psycopg2
from benchmark_args import parse_date

DEFAULT_CUSTOMERS = 20_000
DEFAULT_ITEMS = 1_000_000
# These maximums catch a mistyped extra zero, which would run for hours.
# They are not limits of Odoo or PostgreSQL.
MAX_CUSTOMERS = 1_000_000
MAX_ITEMS = 20_000_000

HISTORY_DAYS = 1095
PAYMENT_TERM_DAYS = 30
MAX_PAYMENT_DELAY_DAYS = 90
PARTIAL_PAYMENT_SHARE = 0.2
CUSTOMER_REF_PREFIX = "ARBENCH-"
ODOO_SUPERUSER_ID = 1

WRITTEN_TABLES = [
    "res_partner",
    "account_full_reconcile",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
]


# Names of the company setup values in error messages.
SETUP_LABELS = {
    "receivable_account_id": "default receivable account",
    "sale_journal_id": "sale journal",
    "sale_journal_code": "sale journal",
    "income_account_id": "income account on its sale journal",
    "bank_journal_id": "bank journal",
    "bank_journal_code": "bank journal",
    "outstanding_account_id": "outstanding receipts account",
}


class GeneratorError(Exception):
    """Invalid arguments or a database the ledger cannot be written into."""


@dataclass(frozen=True)
class LedgerShape:
    """Row counts of a ledger, whose receivable items are invoices and payments."""

    customers: int
    items: int

    @property
    def matched_pairs(self):
        return self.items // 4

    @property
    def unmatched_payments(self):
        return self.items // 50

    @property
    def payments(self):
        return self.matched_pairs + self.unmatched_payments

    @property
    def invoices(self):
        return self.items - self.payments


def min_items_for(customers):
    """Return the smallest --items that gives every customer an invoice."""
    items = customers
    while LedgerShape(customers, items).invoices < customers:
        items += 1
    return items


def validate_arguments(args):
    """Return the LedgerShape of the arguments, or raise GeneratorError."""
    if args.customers < 1 or args.customers > MAX_CUSTOMERS:
        raise GeneratorError(
            f"--customers {args.customers} is out of range: use a number from 1 "
            f"to {MAX_CUSTOMERS}"
        )
    if args.items < 1 or args.items > MAX_ITEMS:
        raise GeneratorError(
            f"--items {args.items} is out of range: use a number from 1 to "
            f"{MAX_ITEMS}"
        )
    if not 0 <= args.partial_share <= 1:
        raise GeneratorError(
            f"--partial-share {args.partial_share} is out of range: use a number "
            "from 0 to 1"
        )
    if args.seed < 0 or args.seed >= 2**40:
        raise GeneratorError(
            f"--seed {args.seed} is out of range: use a number from 0 to {2**40 - 1}"
        )
    shape = LedgerShape(args.customers, args.items)
    if shape.invoices < args.customers:
        raise GeneratorError(
            f"--items {args.items} is too small for --customers {args.customers}: "
            f"it makes {shape.invoices} invoices, and every customer needs at "
            f"least one. Use --items {min_items_for(args.customers)} or more, or "
            "fewer --customers."
        )
    return shape


def connection_options(config_path):
    """Return psycopg2 connection options from an Odoo configuration file."""
    if not config_path:
        return {}
    parser = configparser.ConfigParser()
    if not parser.read(config_path):
        raise GeneratorError(f"configuration file {config_path} not found")
    options = parser["options"] if parser.has_section("options") else {}
    mapping = {
        "db_host": "host",
        "db_port": "port",
        "db_user": "user",
        "db_password": "password",
    }
    return {
        libpq_name: options[odoo_name]
        for odoo_name, libpq_name in mapping.items()
        if options.get(odoo_name) not in (None, "", "False")
    }


def connect(database, config_path):
    try:
        return psycopg2.connect(dbname=database, **connection_options(config_path))
    except psycopg2.OperationalError as error:
        raise GeneratorError(
            f"cannot connect to database {database!r}: {str(error).strip()}. "
            "Check the connection settings (PGHOST, PGPORT, PGUSER or -c) and "
            "that the database exists. To create one: odoo_bin -c CONFIG -d "
            f"{database} -i ar_collections --stop-after-init"
        ) from None


def fetch_one(cr, query, params=None):
    cr.execute(query, params)
    row = cr.fetchone()
    return row[0] if row else None


def check_module_installed(cr, database):
    state = None
    if fetch_one(cr, "SELECT to_regclass('ir_module_module')") is not None:
        state = fetch_one(
            cr, "SELECT state FROM ir_module_module WHERE name = 'ar_collections'"
        )
    if state != "installed":
        raise GeneratorError(
            f"database {database!r} does not have ar_collections installed "
            f"(module state: {state or 'not found'}). Install it first: "
            f"odoo_bin -c CONFIG -d {database} -i ar_collections --stop-after-init"
        )


def find_company_setup(cr, company_id):
    """Return the ids the ledger needs for ``company_id`` (None: main company)."""
    if company_id is None:
        company_id = fetch_one(
            cr,
            "SELECT res_id FROM ir_model_data "
            "WHERE module = 'base' AND name = 'main_company'",
        )
    cr.execute("SELECT id, currency_id FROM res_company WHERE id = %s", [company_id])
    company = cr.fetchone()
    if company is None:
        raise GeneratorError(
            f"company id {company_id} not found. Pass the id of an existing "
            "company with --company-id."
        )
    setup = {"company_id": company[0], "currency_id": company[1]}

    setup["receivable_account_id"] = fetch_one(
        cr,
        """
        SELECT (d.json_value)::int
          FROM ir_default d
          JOIN ir_model_fields f ON f.id = d.field_id
         WHERE f.model = 'res.partner'
           AND f.name = 'property_account_receivable_id'
           AND d.company_id = %s
        """,
        [company_id],
    )
    for journal_type in ("sale", "bank"):
        cr.execute(
            """
            SELECT id, code, default_account_id
              FROM account_journal
             WHERE company_id = %s AND type = %s AND active
             ORDER BY sequence, id
             LIMIT 1
            """,
            [company_id, journal_type],
        )
        journal = cr.fetchone() or (None, None, None)
        setup[f"{journal_type}_journal_id"] = journal[0]
        setup[f"{journal_type}_journal_code"] = journal[1]
        if journal_type == "sale":
            setup["income_account_id"] = journal[2]
    # Odoo takes the outstanding receipts account of a customer payment from
    # this chart-of-accounts reference, else from the transfer account.
    setup["outstanding_account_id"] = fetch_one(
        cr,
        """
        SELECT COALESCE(
            (SELECT res_id FROM ir_model_data
              WHERE module = 'account' AND model = 'account.account'
                AND name = %s),
            (SELECT transfer_account_id FROM res_company WHERE id = %s))
        """,
        [f"{company_id}_account_journal_payment_debit_account_id", company_id],
    )
    missing = [
        SETUP_LABELS.get(name, name) for name, value in setup.items() if value is None
    ]
    if missing:
        raise GeneratorError(
            f"company {company_id} has no {', '.join(dict.fromkeys(missing))}. "
            "Load a chart of accounts for it (installing account loads the "
            "generic one into the main company) and try again."
        )
    account_type = fetch_one(
        cr,
        "SELECT account_type FROM account_account WHERE id = %s",
        [setup["receivable_account_id"]],
    )
    if account_type != "asset_receivable":
        raise GeneratorError(
            f"default receivable account {setup['receivable_account_id']} of "
            f"company {company_id} has type {account_type}, expected "
            "asset_receivable. Set a receivable account as the company's default."
        )
    return setup


def check_not_generated(cr, database):
    count = fetch_one(
        cr,
        "SELECT count(*) FROM res_partner WHERE ref LIKE %s",
        [CUSTOMER_REF_PREFIX + "%"],
    )
    if count:
        raise GeneratorError(
            f"database {database!r} already contains a generated ledger "
            f"({count} customers with ref {CUSTOMER_REF_PREFIX}*). Generate into "
            "a fresh copy of a database with ar_collections installed."
        )


# pg_temp.bench_random(stream, n, seed) is a uniform number in [0, 1) that
# depends only on its arguments. Each attribute of a row uses its own stream.
CREATE_RANDOM_FUNCTION = """
CREATE FUNCTION pg_temp.bench_random(stream int, n bigint, seed bigint)
RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (hashint8extended(n, seed * 64 + stream) & 2147483647)::float8
           / 2147483648.0
$$
"""

PLAN_CUSTOMERS = """
CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
SELECT idx,
       nextval('res_partner_id_seq')::int AS partner_id,
       'Bench Customer ' || lpad((idx + 1)::text, 7, '0') AS name,
       %(ref_prefix)s || lpad((idx + 1)::text, 7, '0') AS ref
  FROM generate_series(0, %(customers)s - 1) AS idx;
CREATE UNIQUE INDEX ON bench_customer (idx);
"""

INSERT_CUSTOMERS = """
INSERT INTO res_partner (
    id, name, complete_name, ref, email, email_normalized, lang, type,
    commercial_partner_id, commercial_company_name, active, is_company,
    partner_share, employee, color, message_bounce, customer_rank,
    supplier_rank, invoice_warn, autopost_bills,
    create_uid, write_uid, create_date, write_date)
SELECT partner_id, name, name, ref,
       lower(ref) || '@example.com', lower(ref) || '@example.com', 'en_US',
       'contact', partner_id, name, true, true, true, false, 0, 0, 1, 0,
       'no-message', 'ask', %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_customer
 ORDER BY idx
"""

# Invoice k belongs to customer k mod N, so every customer has one. The
# matched invoices are the ones with the smallest match_key.
PLAN_INVOICES = """
CREATE TEMP TABLE bench_invoice_plan ON COMMIT DROP AS
SELECT k,
       c.partner_id,
       c.name AS partner_name,
       %(end_date)s::date
           - floor(pg_temp.bench_random(1, k, %(seed)s) * %(history_days)s)::int
           AS invoice_date,
       round((50 + pg_temp.bench_random(2, k, %(seed)s) * 4950)::numeric, 2)
           AS amount,
       pg_temp.bench_random(3, k, %(seed)s) AS match_key
  FROM generate_series(0, %(invoices)s - 1) AS k
  JOIN bench_customer c ON c.idx = k %% %(customers)s
"""

# A matched payment is dated 0 to 90 days after its invoice, but not after
# the end date. A partial payment pays 10% to 90% of the invoice.
PLAN_PAYMENTS = """
CREATE TEMP TABLE bench_payment_plan ON COMMIT DROP AS
SELECT pair_idx AS j,
       inv.k,
       inv.partner_id,
       inv.partner_name,
       LEAST(
           inv.invoice_date
               + floor(pg_temp.bench_random(4, inv.k, %(seed)s)
                       * (%(max_delay)s + 1))::int,
           %(end_date)s::date) AS date,
       CASE WHEN partial
            THEN round(inv.amount
                       * (0.1 + 0.8 * pg_temp.bench_random(6, inv.k, %(seed)s))
                           ::numeric, 2)
            ELSE inv.amount
       END AS amount,
       partial
  FROM (SELECT plan.*,
               row_number() OVER (ORDER BY match_key, k) - 1 AS pair_idx,
               pg_temp.bench_random(5, k, %(seed)s) < %(partial_share)s
                   AS partial
          FROM bench_invoice_plan plan) AS inv
 WHERE pair_idx < %(pairs)s
UNION ALL
SELECT j,
       NULL,
       c.partner_id,
       c.name,
       %(end_date)s::date
           - floor(pg_temp.bench_random(8, j, %(seed)s) * %(history_days)s)::int,
       round((20 + pg_temp.bench_random(9, j, %(seed)s) * 1980)::numeric, 2),
       false
  FROM generate_series(%(pairs)s, %(pairs)s + %(unmatched)s - 1) AS j
  JOIN bench_customer c
    ON c.idx = floor(pg_temp.bench_random(7, j, %(seed)s) * %(customers)s)::int
"""

# Moves get ids in date order, as they would when entered day by day, and
# names that continue the journal's numbering of each year (five digits at
# least, as Odoo writes them).
PLAN_MOVES = """
CREATE TEMP TABLE bench_move ON COMMIT DROP AS
SELECT nextval('account_move_id_seq')::int AS move_id,
       nextval('account_move_line_id_seq')::int AS first_line_id,
       nextval('account_move_line_id_seq')::int AS second_line_id,
       numbered.*,
       numbered.sequence_prefix
           || lpad(numbered.sequence_number::text,
                   greatest(5, length(numbered.sequence_number::text)), '0')
           AS name
  FROM (
        SELECT dated.*,
               COALESCE(existing.max_number, 0)
                   + row_number() OVER (PARTITION BY dated.journal_id,
                                                     dated.sequence_prefix
                                        ORDER BY dated.date, dated.idx)
                   AS sequence_number
          FROM (
                SELECT 'invoice' AS kind, k AS idx, invoice_date AS date,
                       %(sale_journal_id)s AS journal_id,
                       %(sale_journal_code)s || '/'
                           || extract(year FROM invoice_date) || '/'
                           AS sequence_prefix
                  FROM bench_invoice_plan
                UNION ALL
                SELECT 'payment', j, date, %(bank_journal_id)s,
                       'P' || %(bank_journal_code)s || '/'
                           || extract(year FROM date) || '/'
                  FROM bench_payment_plan
               ) AS dated
          LEFT JOIN (
                SELECT journal_id, sequence_prefix,
                       max(sequence_number) AS max_number
                  FROM account_move
                 WHERE journal_id IN (%(sale_journal_id)s, %(bank_journal_id)s)
                 GROUP BY journal_id, sequence_prefix
               ) AS existing
            ON existing.journal_id = dated.journal_id
           AND existing.sequence_prefix = dated.sequence_prefix
         ORDER BY dated.date, dated.kind, dated.idx
       ) AS numbered;
CREATE UNIQUE INDEX ON bench_move (kind, idx);
"""

PLAN_RECONCILES = """
CREATE TEMP TABLE bench_reconcile ON COMMIT DROP AS
SELECT nextval('account_partial_reconcile_id_seq')::int AS partial_id,
       CASE WHEN NOT pay.partial
            THEN nextval('account_full_reconcile_id_seq')::int
       END AS full_id,
       pay.*
  FROM (SELECT * FROM bench_payment_plan WHERE k IS NOT NULL
         ORDER BY date, j) AS pay;
CREATE UNIQUE INDEX ON bench_reconcile (k);
CREATE UNIQUE INDEX ON bench_reconcile (j);
"""

# One row per invoice with everything its move and lines need.
PLAN_INVOICE_ROWS = """
CREATE TEMP TABLE bench_invoice ON COMMIT DROP AS
SELECT m.move_id, m.name, m.sequence_prefix, m.sequence_number,
       m.first_line_id AS income_line_id, m.second_line_id AS receivable_line_id,
       plan.partner_id, plan.partner_name, plan.invoice_date,
       plan.invoice_date + %(term_days)s AS due_date,
       plan.amount,
       plan.amount - COALESCE(rec.amount, 0) AS residual,
       rec.partial_id, rec.full_id,
       CASE WHEN rec.full_id IS NOT NULL THEN rec.full_id::text
            WHEN rec.partial_id IS NOT NULL THEN 'P' || rec.partial_id
       END AS matching_number
  FROM bench_invoice_plan plan
  JOIN bench_move m ON m.kind = 'invoice' AND m.idx = plan.k
  LEFT JOIN bench_reconcile rec ON rec.k = plan.k
"""

PLAN_PAYMENT_ROWS = """
CREATE TEMP TABLE bench_payment ON COMMIT DROP AS
SELECT m.move_id, m.name, m.sequence_prefix, m.sequence_number,
       m.first_line_id AS outstanding_line_id,
       m.second_line_id AS receivable_line_id,
       plan.partner_id, plan.partner_name, plan.date, plan.amount,
       inv.name AS invoice_name,
       rec.partial_id, rec.full_id,
       CASE WHEN rec.full_id IS NOT NULL THEN rec.full_id::text
            WHEN rec.partial_id IS NOT NULL THEN 'P' || rec.partial_id
       END AS matching_number
  FROM bench_payment_plan plan
  JOIN bench_move m ON m.kind = 'payment' AND m.idx = plan.j
  LEFT JOIN bench_reconcile rec ON rec.j = plan.j
  LEFT JOIN bench_move inv ON inv.kind = 'invoice' AND inv.idx = plan.k
"""

INSERT_FULL_RECONCILES = """
INSERT INTO account_full_reconcile (id, create_uid, write_uid, create_date,
                                    write_date)
SELECT full_id, %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_reconcile
 WHERE full_id IS NOT NULL
 ORDER BY full_id
"""

INSERT_INVOICE_MOVES = """
INSERT INTO account_move (
    id, name, sequence_prefix, sequence_number, journal_id, company_id,
    partner_id, commercial_partner_id, partner_shipping_id, currency_id,
    invoice_user_id, state, move_type, auto_post, payment_reference,
    payment_state, invoice_partner_display_name, date, invoice_date,
    invoice_date_due, invoice_currency_rate, amount_untaxed, amount_tax,
    amount_total, amount_residual, amount_untaxed_signed,
    amount_untaxed_in_currency_signed, amount_tax_signed, amount_total_signed,
    amount_total_in_currency_signed, amount_residual_signed, is_storno,
    always_tax_exigible, checked, posted_before, made_sequence_gap,
    is_manually_modified, create_uid, write_uid, create_date, write_date)
SELECT move_id, name, sequence_prefix, sequence_number, %(sale_journal_id)s,
       %(company_id)s, partner_id, partner_id, partner_id, %(currency_id)s,
       %(uid)s, 'posted', 'out_invoice', 'no', name,
       CASE WHEN residual = 0 THEN 'paid'
            WHEN residual < amount THEN 'partial'
            ELSE 'not_paid'
       END,
       partner_name, invoice_date, invoice_date, due_date, 1.0, amount, 0.0,
       amount, residual, amount, amount, 0.0, amount, amount, residual, false,
       false, true, true, false, false, %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_invoice
 ORDER BY move_id
"""

INSERT_PAYMENT_MOVES = """
INSERT INTO account_move (
    id, name, sequence_prefix, sequence_number, journal_id, company_id,
    partner_id, commercial_partner_id, currency_id, ref, state, move_type,
    auto_post, payment_state, invoice_partner_display_name, date,
    invoice_date_due, invoice_currency_rate, amount_untaxed, amount_tax,
    amount_total, amount_residual, amount_untaxed_signed,
    amount_untaxed_in_currency_signed, amount_tax_signed, amount_total_signed,
    amount_total_in_currency_signed, amount_residual_signed, is_storno,
    always_tax_exigible, checked, posted_before, made_sequence_gap,
    is_manually_modified, create_uid, write_uid, create_date, write_date)
SELECT move_id, name, sequence_prefix, sequence_number, %(bank_journal_id)s,
       %(company_id)s, partner_id, partner_id, %(currency_id)s, invoice_name,
       'posted', 'entry', 'no', 'not_paid', partner_name, date, date, 0.0, 0.0,
       0.0, amount, 0.0, 0.0, 0.0, 0.0, amount, amount, 0.0, false, true, true,
       true, false, false, %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_payment
 ORDER BY move_id
"""

# Columns shared by the four kinds of journal items below.
LINE_COLUMNS = """
    id, move_id, move_name, journal_id, company_id, company_currency_id,
    currency_id, partner_id, account_id, parent_state, display_type, sequence,
    name, ref, date, invoice_date, date_maturity, debit, credit, balance,
    amount_currency, amount_residual, amount_residual_currency, reconciled,
    full_reconcile_id, matching_number, quantity, price_unit, price_subtotal,
    price_total, discount, discount_amount_currency, discount_balance,
    tax_tag_invert, create_uid, write_uid, create_date, write_date
"""

INSERT_INVOICE_LINES = f"""
INSERT INTO account_move_line ({LINE_COLUMNS})
SELECT income_line_id, move_id, name, %(sale_journal_id)s, %(company_id)s,
       %(currency_id)s, %(currency_id)s, partner_id, %(income_account_id)s,
       'posted', 'product', 100, 'Consulting', NULL::varchar, invoice_date,
       invoice_date, NULL::date, 0.0, amount, -amount, -amount, 0.0, 0.0,
       false, NULL::int, NULL::varchar, 1.0, amount, amount, amount, 0.0,
       NULL::numeric, NULL::numeric, false,
       %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_invoice
UNION ALL
SELECT receivable_line_id, move_id, name, %(sale_journal_id)s, %(company_id)s,
       %(currency_id)s, %(currency_id)s, partner_id, %(receivable_account_id)s,
       'posted', 'payment_term', 12000, name, NULL::varchar, invoice_date,
       invoice_date, due_date, amount, 0.0, amount, amount, residual, residual,
       residual = 0, full_id, matching_number, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
       0.0, false, %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_invoice
 ORDER BY 1
"""

INSERT_PAYMENT_LINES = f"""
INSERT INTO account_move_line ({LINE_COLUMNS})
SELECT outstanding_line_id, move_id, name, %(bank_journal_id)s, %(company_id)s,
       %(currency_id)s, %(currency_id)s, partner_id, %(outstanding_account_id)s,
       'posted', 'product', 100,
       'Manual Payment' || COALESCE(': ' || invoice_name, ''), invoice_name,
       date, NULL::date, date, amount, 0.0, amount, amount, amount, amount,
       false, NULL::int, NULL::varchar, 1.0, 0.0, amount, amount, 0.0,
       NULL::numeric, NULL::numeric, false,
       %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_payment
UNION ALL
SELECT receivable_line_id, move_id, name, %(bank_journal_id)s, %(company_id)s,
       %(currency_id)s, %(currency_id)s, partner_id, %(receivable_account_id)s,
       'posted', 'product', 100,
       'Manual Payment' || COALESCE(': ' || invoice_name, ''), invoice_name,
       date, NULL::date, date, 0.0, amount, -amount, -amount,
       CASE WHEN partial_id IS NULL THEN -amount ELSE 0.0 END,
       CASE WHEN partial_id IS NULL THEN -amount ELSE 0.0 END,
       partial_id IS NOT NULL, full_id, matching_number, 1.0, 0.0, -amount,
       -amount, 0.0, NULL::numeric, NULL::numeric, false, %(uid)s, %(uid)s,
       %(now)s, %(now)s
  FROM bench_payment
 ORDER BY 1
"""

INSERT_PARTIAL_RECONCILES = """
INSERT INTO account_partial_reconcile (
    id, debit_move_id, credit_move_id, full_reconcile_id, debit_currency_id,
    credit_currency_id, company_id, max_date, amount, debit_amount_currency,
    credit_amount_currency, create_uid, write_uid, create_date, write_date)
SELECT rec.partial_id, inv.receivable_line_id, pay.receivable_line_id,
       rec.full_id, %(currency_id)s, %(currency_id)s, %(company_id)s,
       GREATEST(inv.invoice_date, pay.date), rec.amount, rec.amount,
       rec.amount, %(uid)s, %(uid)s, %(now)s, %(now)s
  FROM bench_reconcile rec
  JOIN bench_invoice inv ON inv.partial_id = rec.partial_id
  JOIN bench_payment pay ON pay.partial_id = rec.partial_id
 ORDER BY rec.partial_id
"""

# Each step is a progress message and its SQL. A message with {rows} reports
# the step's cr.rowcount.
STEPS = [
    ("planned {customers} customers", PLAN_CUSTOMERS),
    ("inserted {rows} customers", INSERT_CUSTOMERS),
    ("planned {invoices} invoices", PLAN_INVOICES),
    ("planned {payments} payments", PLAN_PAYMENTS),
    ("numbered the moves", PLAN_MOVES),
    ("planned {pairs} reconciliations", PLAN_RECONCILES),
    ("prepared the invoice rows", PLAN_INVOICE_ROWS),
    ("prepared the payment rows", PLAN_PAYMENT_ROWS),
    ("inserted {rows} full reconciliations", INSERT_FULL_RECONCILES),
    ("inserted {rows} invoice moves", INSERT_INVOICE_MOVES),
    ("inserted {rows} payment moves", INSERT_PAYMENT_MOVES),
    ("inserted {rows} invoice journal items", INSERT_INVOICE_LINES),
    ("inserted {rows} payment journal items", INSERT_PAYMENT_LINES),
    ("inserted {rows} partial reconciliations", INSERT_PARTIAL_RECONCILES),
]


def generate(
    conn,
    setup,
    shape,
    seed,
    end_date,
    progress,
    partial_share=PARTIAL_PAYMENT_SHARE,
):
    """Write the ledger in the connection's open transaction."""
    params = dict(
        setup,
        customers=shape.customers,
        invoices=shape.invoices,
        pairs=shape.matched_pairs,
        unmatched=shape.unmatched_payments,
        seed=seed,
        end_date=end_date,
        history_days=HISTORY_DAYS,
        term_days=PAYMENT_TERM_DAYS,
        max_delay=MAX_PAYMENT_DELAY_DAYS,
        partial_share=partial_share,
        ref_prefix=CUSTOMER_REF_PREFIX,
        uid=ODOO_SUPERUSER_ID,
    )
    counts = {
        "customers": shape.customers,
        "invoices": shape.invoices,
        "payments": shape.payments,
        "pairs": shape.matched_pairs,
    }
    with conn.cursor() as cr:
        # Odoo stores create_date and write_date as UTC without a time zone.
        cr.execute("SELECT now() AT TIME ZONE 'UTC'")
        params["now"] = cr.fetchone()[0]
        cr.execute(CREATE_RANDOM_FUNCTION)
        for number, (message, query) in enumerate(STEPS, start=1):
            try:
                cr.execute(query, params)
            except psycopg2.Error as error:
                raise GeneratorError(
                    f"step {number} of {len(STEPS)} failed: {str(error).strip()}. "
                    "The transaction was rolled back, so nothing was written."
                ) from error
            progress(message.format(rows=cr.rowcount, **counts))


def vacuum_analyze(conn, progress):
    conn.autocommit = True
    with conn.cursor() as cr:
        for table in WRITTEN_TABLES:
            cr.execute(f"VACUUM ANALYZE {table}")
        progress(f"vacuumed and analyzed {', '.join(WRITTEN_TABLES)}")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "-c", "--config", help="Odoo configuration file to take db_* options from"
    )
    parser.add_argument(
        "--customers",
        type=int,
        default=DEFAULT_CUSTOMERS,
        help=f"number of customers to create (default {DEFAULT_CUSTOMERS})",
    )
    parser.add_argument(
        "--items",
        type=int,
        default=DEFAULT_ITEMS,
        help="number of receivable journal items, invoices plus payments "
        f"(default {DEFAULT_ITEMS}); each move also has one other item",
    )
    parser.add_argument(
        "--partial-share",
        type=float,
        default=PARTIAL_PAYMENT_SHARE,
        help="share of the matched payments that pay only part of their "
        f"invoice, from 0 to 1 (default {PARTIAL_PAYMENT_SHARE}); 1 leaves "
        "every matched invoice partly paid",
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="seed of the values (default 1)"
    )
    parser.add_argument(
        "--end-date",
        type=parse_date,
        default=datetime.date.today(),
        help="last invoice and payment date, YYYY-MM-DD (default today)",
    )
    parser.add_argument(
        "--company-id", type=int, help="company to write into (default: main)"
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()

    def progress(message):
        print(f"[{time.monotonic() - started:7.1f} s] {message}", flush=True)

    try:
        shape = validate_arguments(args)
        conn = connect(args.database, args.config)
    except GeneratorError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        with conn.cursor() as cr:
            check_module_installed(cr, args.database)
            setup = find_company_setup(cr, args.company_id)
            check_not_generated(cr, args.database)
        progress(
            f"writing {shape.customers} customers and {shape.items} receivable "
            f"items ({shape.invoices} invoices, {shape.payments} payments) into "
            f"{args.database}, company {setup['company_id']}, seed {args.seed}, "
            f"up to {args.end_date}"
        )
        generate(
            conn,
            setup,
            shape,
            args.seed,
            args.end_date,
            progress,
            partial_share=args.partial_share,
        )
        conn.commit()
        progress("committed")
        vacuum_analyze(conn, progress)
    except GeneratorError as error:
        conn.rollback()
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        conn.close()
    progress("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
