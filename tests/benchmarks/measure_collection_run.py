"""Measure the daily collection run on a generated ledger, batch by batch.

The script runs ``ar.collection.run.run_reminders`` with ``commit=True``,
as the scheduled action does, on a database with ar_collections installed
and a ledger written by ``generate_ledger.py``. Before the run it changes
and commits the database as follows:

- every customer with receivable items gets the email
  ``customer<partner id>@example.com`` (SQL update of res_partner), so that
  every email stage has a recipient;
- the stages of each company's default policy stop attaching the invoice
  and statement PDFs, because rendering them needs wkhtmltopdf;
- the system parameter ``ar_collections.run_batch_size`` is set to
  ``--batch-size``.

Run it on a fresh copy of the generated database (``createdb -T``) so that
every run starts from the same state. The script stops with an error when
claims for the run date already exist.

For every batch (one ``_run_batch`` call) it records the wall time, the
number of SQL queries on the run's cursor, the customers and the claims
created. It then prints the totals: time, queries, claims and queued
emails created, the tracemalloc peak of the Python heap and the maximum
resident set size of the process. ``--log-sql-batch N`` also groups the
queries of batch N by statement shape (the query text before its parameters
are filled in) and prints the most frequent shapes, which shows which
queries grow with the number of customers in a batch.

Usage:
    python tests/benchmarks/measure_collection_run.py -c odoo.conf -d DATABASE \
        --as-of-date YYYY-MM-DD [--customers N] [--batch-size 200] \
        [--max-batches N] [--log-sql-batch N] [--json FILE]
"""

import argparse
import collections
import json
import re
import resource
import sys
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from benchmark_args import parse_date

CUSTOMER_EMAIL = "customer{id}@example.com"
BATCH_SIZE_PARAM = "ar_collections.run_batch_size"
TOP_SHAPES = 25


class MeasureError(Exception):
    """A database that cannot be measured, or invalid arguments."""


class BatchLimitReached(Exception):
    """Raised before the batch after ``--max-batches`` to end the run early."""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument(
        "--as-of-date",
        type=parse_date,
        required=True,
        help="date the collection runs for, YYYY-MM-DD",
    )
    parser.add_argument(
        "--customers",
        type=int,
        help="process only the first N customers with receivable items, by "
        "partner id (default: all, as the scheduled run does)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=200,
        help="customers per batch, stored in the system parameter "
        f"{BATCH_SIZE_PARAM} (default 200)",
    )
    parser.add_argument(
        "--log-sql-batch",
        type=int,
        metavar="N",
        help="record the SQL of batch N (1 is the first) and print its "
        "statement shapes",
    )
    parser.add_argument(
        "--sql-log-file",
        help="with --log-sql-batch, also write every query of that batch, "
        "with its parameters, to this file",
    )
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="do not trace Python allocations; tracing slows the Python part "
        "of the run, so the times without it are lower",
    )
    parser.add_argument(
        "--max-batches",
        type=int,
        metavar="N",
        help="stop the run before batch N + 1; 0 measures only the selection "
        "of the customers (default: run every batch)",
    )
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument(
        "--log-level",
        default="warn",
        help="Odoo log level during the run (default warn, because the run "
        "logs one INFO line per email)",
    )
    args = parser.parse_args(argv)
    if args.customers is not None and args.customers < 1:
        parser.error(f"--customers {args.customers} is invalid: use 1 or more")
    if args.batch_size < 1:
        parser.error(f"--batch-size {args.batch_size} is invalid: use 1 or more")
    if args.max_batches is not None and args.max_batches < 0:
        parser.error(f"--max-batches {args.max_batches} is invalid: use 0 or more")
    if args.log_sql_batch is not None and args.log_sql_batch < 1:
        parser.error(f"--log-sql-batch {args.log_sql_batch} is invalid: use 1 or more")
    return args


# --- Preparation and counts -------------------------------------------------


def fetch_value(cr, query, params=None):
    cr.execute(query, params)
    return cr.fetchone()[0]


RECEIVABLE_CUSTOMERS = """
    SELECT DISTINCT partner.commercial_partner_id
      FROM account_move_line aml
      JOIN account_account account ON account.id = aml.account_id
      JOIN res_partner partner ON partner.id = aml.partner_id
     WHERE account.account_type = 'asset_receivable'
       AND aml.parent_state = 'posted'
"""

# Open and overdue as of a date, from the stored residuals. This matches the
# module's as-of figures only when no reconciliation is dated after the run
# date, which holds when the run date is after the generator's --end-date.
LEDGER_COUNTS = """
    WITH open_items AS (
        SELECT partner.commercial_partner_id AS partner_id,
               aml.amount_residual,
               COALESCE(aml.date_maturity, aml.date) < %(as_of)s AS past_due
          FROM account_move_line aml
          JOIN account_account account ON account.id = aml.account_id
          JOIN res_partner partner ON partner.id = aml.partner_id
         WHERE account.account_type = 'asset_receivable'
           AND aml.parent_state = 'posted'
           AND aml.date <= %(as_of)s
           AND aml.amount_residual != 0
    )
    SELECT count(*) AS open_items,
           count(*) FILTER (WHERE past_due AND amount_residual > 0)
               AS overdue_items,
           count(DISTINCT partner_id) AS customers_with_open_items,
           count(DISTINCT partner_id)
               FILTER (WHERE past_due AND amount_residual > 0)
               AS customers_with_overdue_items,
           (SELECT max(date) FROM account_move_line) AS last_item_date
      FROM open_items
"""


def prepare_database(env, batch_size):
    """Set the emails, attachments and batch size; return customer ids."""
    cr = env.cr
    cr.execute(RECEIVABLE_CUSTOMERS + " ORDER BY 1")
    customer_ids = [row[0] for row in cr.fetchall()]
    if not customer_ids:
        raise MeasureError(
            f"database {cr.dbname!r} has no receivable items. Generate a ledger "
            "first with tests/benchmarks/generate_ledger.py."
        )
    cr.execute(
        """
        UPDATE res_partner
           SET email = replace(%s, '{id}', id::text),
               email_normalized = replace(%s, '{id}', id::text)
         WHERE id IN %s
        """,
        [CUSTOMER_EMAIL, CUSTOMER_EMAIL, tuple(customer_ids)],
    )
    env.invalidate_all()

    companies = env["res.company"].search([])
    stages = companies.ar_collection_policy_id.stage_ids
    stages.write({"attach_invoices": False, "attach_statement": False})
    env["ir.config_parameter"].set_param(BATCH_SIZE_PARAM, str(batch_size))
    env.flush_all()
    cr.commit()
    return customer_ids


def count_outputs(cr, as_of):
    """Return the rows the run creates: claims, their lines, messages, emails."""
    cr.execute(
        """
        SELECT (SELECT count(*) FROM ar_collection_claim WHERE claim_date = %s),
               (SELECT count(*) FROM ar_collection_claim_line),
               (SELECT count(*) FROM mail_message),
               (SELECT count(*) FROM mail_mail),
               (SELECT count(*) FROM mail_activity)
        """,
        [as_of],
    )
    names = ["claims", "claim_lines", "messages", "emails", "activities"]
    return dict(zip(names, cr.fetchone(), strict=True))


# --- Recording queries ------------------------------------------------------

# A statement's shape is its text before psycopg2 fills in the parameters,
# with the parts that vary with the number of records folded into one.
SHAPE_RULES = [
    (
        re.compile(r'(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT) "[^"]*"'),
        r"\1 ?",
    ),
    (re.compile(r"\(%s(?:,\s*%s)+\)"), "(%s, ...)"),
    (re.compile(r"\(%s, \.\.\.\)(?:,\s*\(%s, \.\.\.\))+"), "(%s, ...), ..."),
    (re.compile(r"\b\d+\b"), "?"),
    (re.compile(r"\s+"), " "),
]


def statement_shape(code):
    for pattern, replacement in SHAPE_RULES:
        code = pattern.sub(replacement, code)
    return code.strip()


@contextmanager
def recorded_statements(cr, with_text):
    """Record the count and seconds of each query shape on ``cr``.

    Yields (counts by shape, seconds by shape, query texts). The full text of
    each query, with its parameters, is kept only with ``with_text``.
    """
    from odoo.tools import SQL

    counts = collections.Counter()
    seconds = collections.Counter()
    texts = []
    execute = cr.execute

    def recording_execute(query, params=None, log_exceptions=True):
        code = query.code if isinstance(query, SQL) else query
        shape = statement_shape(code)
        if with_text:
            texts.append(cr.mogrify(query, params).decode(errors="replace"))
        started = time.perf_counter()
        try:
            return execute(query, params, log_exceptions)
        finally:
            counts[shape] += 1
            seconds[shape] += time.perf_counter() - started

    cr.execute = recording_execute
    try:
        yield counts, seconds, texts
    finally:
        del cr.execute


# --- Per-batch measurement --------------------------------------------------


@dataclass
class BatchResult:
    """Counts and timings of one ``_run_batch`` call."""

    number: int
    customers: int
    claims: int
    queries: int
    seconds: float
    traced_mb: float

    @property
    def queries_per_customer(self):
        return self.queries / self.customers if self.customers else 0.0


class BatchRecorder:
    """Wraps ``_run_batch`` of the registry's model class to measure each call."""

    def __init__(self, env, as_of, log_batch, max_batches):
        self.env = env
        self.as_of = as_of
        self.log_batch = log_batch
        self.max_batches = max_batches
        self.batches = []
        self.logged_shapes = None
        self.logged_texts = None
        self.logged_seconds = None

    def claims(self):
        return fetch_value(
            self.env.cr,
            "SELECT count(*) FROM ar_collection_claim WHERE claim_date = %s",
            [self.as_of],
        )

    @contextmanager
    def installed(self):
        model_class = type(self.env["ar.collection.run"])
        original = model_class._run_batch
        recorder = self

        def measured_run_batch(
            run, company, partner_ids, as_of_date, commit, *args, **kwargs
        ):
            return recorder.measure(
                lambda: original(
                    run, company, partner_ids, as_of_date, commit, *args, **kwargs
                ),
                run.env.cr,
                len(partner_ids),
            )

        model_class._run_batch = measured_run_batch
        try:
            yield self
        finally:
            model_class._run_batch = original

    def measure(self, call, cr, customers):
        number = len(self.batches) + 1
        if self.max_batches is not None and number > self.max_batches:
            raise BatchLimitReached()
        # The claim counts are read outside the measured window.
        claims_before = self.claims()
        logged = number == self.log_batch
        with recorded_statements(cr, with_text=logged) as (
            shapes,
            shape_seconds,
            texts,
        ):
            queries_before = cr.sql_log_count
            started = time.perf_counter()
            summary = call()
            seconds = time.perf_counter() - started
            queries = cr.sql_log_count - queries_before
        if logged:
            self.logged_shapes, self.logged_texts = shapes, texts
            self.logged_seconds = shape_seconds
        traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
        self.batches.append(
            BatchResult(
                number=number,
                customers=customers,
                claims=self.claims() - claims_before,
                queries=queries,
                seconds=seconds,
                traced_mb=traced / 2**20,
            )
        )
        batch = self.batches[-1]
        print(
            f"batch {number}: {customers} customers, {batch.claims} claims, "
            f"{queries} queries, {seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        )
        return summary


# --- Main -------------------------------------------------------------------


def open_registry(args):
    import odoo
    from odoo.tools import config

    odoo_args = ["-d", args.database, f"--log-level={args.log_level}"]
    if args.config:
        odoo_args += ["-c", args.config]
    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    return odoo, odoo.modules.registry.Registry(args.database)


def check_database(env, as_of):
    if "ar.collection.run" not in env:
        raise MeasureError(
            f"database {env.cr.dbname!r} does not have ar_collections installed. "
            "Install it with odoo_bin -d DATABASE -i ar_collections --stop-after-init."
        )
    existing = fetch_value(
        env.cr,
        "SELECT count(*) FROM ar_collection_claim WHERE claim_date = %s",
        [as_of],
    )
    if existing:
        raise MeasureError(
            f"database {env.cr.dbname!r} already has {existing} claims dated "
            f"{as_of}, so the run would skip those customers. Measure a fresh "
            "copy: createdb -T GENERATED_DATABASE NEW_DATABASE."
        )


def measure(odoo, registry, args):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        check_database(env, args.as_of_date)
        customer_ids = prepare_database(env, args.batch_size)
        cr.execute(LEDGER_COUNTS, {"as_of": args.as_of_date})
        ledger = dict(zip([d.name for d in cr.description], cr.fetchone(), strict=True))
        ledger["customers_with_receivable_items"] = len(customer_ids)
        ledger["last_item_date"] = str(ledger["last_item_date"])
        print(f"ledger as of {args.as_of_date}: {ledger}", file=sys.stderr)
        selected = customer_ids[: args.customers] if args.customers else None
        outputs_before = count_outputs(cr, args.as_of_date)
        cr.commit()

        recorder = BatchRecorder(
            env, args.as_of_date, args.log_sql_batch, args.max_batches
        )
        if not args.no_tracemalloc:
            tracemalloc.start()
        queries_before = cr.sql_log_count
        started = time.perf_counter()
        with recorder.installed():
            try:
                summary = env["ar.collection.run"].run_reminders(
                    as_of_date=args.as_of_date, partner_ids=selected, commit=True
                )
            except BatchLimitReached:
                # Every batch before the limit was committed, so the counts
                # below cover them.
                summary = f"stopped before batch {args.max_batches + 1}"
                cr.rollback()
        seconds = time.perf_counter() - started
        queries = cr.sql_log_count - queries_before
        traced_peak = (
            tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
        )
        tracemalloc.stop()

        outputs_after = count_outputs(cr, args.as_of_date)
        created = {
            key: outputs_after[key] - outputs_before[key] for key in outputs_after
        }
    return {
        "database": args.database,
        "as_of_date": str(args.as_of_date),
        "batch_size": args.batch_size,
        "customers_requested": args.customers,
        "ledger": ledger,
        "summary": summary,
        "created": created,
        "seconds": seconds,
        "queries": queries,
        "batch_seconds": sum(batch.seconds for batch in recorder.batches),
        "batch_queries": sum(batch.queries for batch in recorder.batches),
        "tracemalloc_peak_mb": traced_peak / 2**20 if traced_peak else None,
        # ru_maxrss is in kilobytes on Linux.
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "batches": [asdict(batch) for batch in recorder.batches],
    }, recorder


def print_results(result, recorder):
    batches = recorder.batches
    print(f"\n## Batches (batch size {result['batch_size']})\n")
    print(
        "| Batch | Customers | Claims | Queries | Queries/customer | Seconds "
        "| Traced MB |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|")
    for batch in batches:
        print(
            f"| {batch.number} | {batch.customers} | {batch.claims} | {batch.queries} "
            f"| {batch.queries_per_customer:.1f} | {batch.seconds:.1f} "
            f"| {batch.traced_mb:.0f} |"
        )

    customers = sum(batch.customers for batch in batches)
    per_customer = result["batch_queries"] / customers if customers else 0.0
    created = result["created"]
    print("\n## Totals\n")
    print(f"- customers processed: {customers} in {len(batches)} batches")
    print(f"- run outcome: {result['summary']}")
    print(
        f"- created: {created['claims']} claims, {created['claim_lines']} claim "
        f"lines, {created['messages']} messages, {created['emails']} queued "
        f"emails (mail.mail), {created['activities']} activities"
    )
    print(
        f"- wall time: {result['seconds']:.1f} s, of which "
        f"{result['batch_seconds']:.1f} s in the batches "
        "(the rest is the selection of the customers)"
    )
    print(
        f"- queries: {result['queries']}, of which {result['batch_queries']} in the "
        f"batches ({per_customer:.1f} per customer)"
    )
    if result["tracemalloc_peak_mb"] is not None:
        print(
            f"- Python heap peak (tracemalloc): {result['tracemalloc_peak_mb']:.0f} MB"
        )
    print(f"- process max RSS: {result['max_rss_mb']:.0f} MB")

    if recorder.logged_shapes is not None:
        logged = batches[recorder.log_batch - 1]
        print(
            f"\n## Statement shapes of batch {logged.number} "
            f"({logged.customers} customers, {logged.queries} queries)\n"
        )
        print("| Count | Per customer | Seconds | Statement shape |")
        print("|--:|--:|--:|---|")
        for shape, count in recorder.logged_shapes.most_common(TOP_SHAPES):
            text = shape[:160].replace("|", "\\|")
            print(
                f"| {count} | {count / logged.customers:.2f} "
                f"| {recorder.logged_seconds[shape]:.1f} | `{text}` |"
            )
        print("\nShapes with the most query time:\n")
        for shape, total in recorder.logged_seconds.most_common(5):
            count = recorder.logged_shapes[shape]
            print(f"- {total:.1f} s in {count} queries: `{shape[:160]}`")


def main(argv=None):
    args = parse_args(argv)
    odoo, registry = open_registry(args)
    try:
        result, recorder = measure(odoo, registry, args)
    except MeasureError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.log_sql_batch and recorder.logged_shapes is None:
        print(
            f"warning: the run had {len(recorder.batches)} batches, so batch "
            f"{args.log_sql_batch} was not logged",
            file=sys.stderr,
        )
    print_results(result, recorder)
    if recorder.logged_shapes is not None:
        result["logged_batch_shapes"] = [
            {
                "shape": shape,
                "count": count,
                "seconds": recorder.logged_seconds[shape],
            }
            for shape, count in recorder.logged_shapes.most_common()
        ]
        if args.sql_log_file:
            with open(args.sql_log_file, "w", encoding="utf-8") as log_file:
                log_file.write("\n;\n".join(recorder.logged_texts) + "\n")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as json_file:
            json.dump(result, json_file, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
