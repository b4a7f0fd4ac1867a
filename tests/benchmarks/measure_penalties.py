"""Measure the penalty recomputation and the charge run on a generated ledger.

Run it on a fresh copy of a database with ar_collections installed and a
ledger written by ``generate_ledger.py``, best with ``--partial-share 1``
so that every matched invoice is partly paid. Before measuring, the script
changes and commits the database as follows:

- a rule "Benchmark: <rate> % per day" (method ``daily_percent``, with the
  module's penalty product) becomes the default penalty rule of every
  company;
- the system parameter ``ar_collections.penalty_batch_size`` is set to
  ``--charge-batch-size``.

It then runs, as the scheduled actions do, with a commit per batch:

1. ``account.move._cron_refresh_penalties(--batch-size)``, which computes
   and stores the penalties of every open overdue invoice as of the
   company's today. Each ``_ar_penalty_refresh`` call (one batch) is timed
   and its queries are counted.
2. ``ar.penalty.charge._run_charge`` as of the same day for the first
   ``--charge-customers`` customers with overdue items, by partner id. Each
   customer's penalty invoice (``_charge_group``) is timed and its queries
   are counted, and the rest of the run (reading, computing and storing the
   batches) is reported apart.

Queries are the cursor's ``sql_log_count`` plus the pages of psycopg2's
``execute_values`` in the store step, which runs on the raw cursor and is
not in that count. The script prints the ledger counts, the per-batch
figures, the time per 10,000 items, the tracemalloc peak of the Python heap
and the maximum resident set size of the process. ``--profile-batch N``
profiles refresh batch N with cProfile and prints its top functions.

Usage:
    python tests/benchmarks/measure_penalties.py -c odoo.conf -d DATABASE \
        [--batch-size 1000] [--charge-customers 1000] [--charge-batch-size 100] \
        [--rate 0.1] [--profile-batch N] [--no-tracemalloc] [--json FILE]
"""

import argparse
import cProfile
import io
import json
import logging
import math
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import asdict, dataclass

_logger = logging.getLogger(__name__)

CHARGE_BATCH_PARAM = "ar_collections.penalty_batch_size"
RULE_NAME = "Benchmark: {rate} % per day"
ITEMS_PER_FIGURE = 10_000
PROFILE_LINES = 20


class MeasureError(Exception):
    """A database that cannot be measured."""


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=1000,
        help="invoices per recomputation batch (default 1000, the module's " "default)",
    )
    parser.add_argument(
        "--charge-customers",
        type=int,
        default=1000,
        help="customers the charge run processes, the first ones by partner "
        "id; 0 skips the charge run (default 1000)",
    )
    parser.add_argument(
        "--charge-batch-size",
        type=int,
        default=100,
        help=f"customers per charge batch, stored in {CHARGE_BATCH_PARAM} "
        "(default 100, the module's default)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=0.1,
        help="penalty rate of the benchmark rule, percent per day (default 0.1)",
    )
    parser.add_argument(
        "--profile-batch",
        type=int,
        metavar="N",
        help="profile recomputation batch N (1 is the first) with cProfile",
    )
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="do not trace Python allocations; tracing slows the Python part "
        "of the run, so the times without it are lower",
    )
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument(
        "--log-level",
        default="warn",
        help="Odoo log level during the run (default warn, because the charge "
        "run logs one INFO line per invoice)",
    )
    args = parser.parse_args(argv)
    for option in ("batch_size", "charge_batch_size"):
        if getattr(args, option) < 1:
            parser.error(
                f"--{option.replace('_', '-')} {getattr(args, option)} is "
                "invalid: use 1 or more"
            )
    if args.charge_customers < 0:
        parser.error(
            f"--charge-customers {args.charge_customers} is invalid: use 0 or more"
        )
    if not 0 < args.rate <= 1:
        parser.error(
            f"--rate {args.rate} is invalid: use a percent per day above 0 and "
            "at most 1"
        )
    if args.profile_batch is not None and args.profile_batch < 1:
        parser.error(f"--profile-batch {args.profile_batch} is invalid: use 1 or more")
    return args


def open_registry(args):
    import odoo
    from odoo.tools import config

    odoo_args = ["-d", args.database, f"--log-level={args.log_level}"]
    if args.config:
        odoo_args += ["-c", args.config]
    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    return odoo, odoo.modules.registry.Registry(args.database)


# --- Preparation and counts -------------------------------------------------

# Open overdue invoices as of a date, as the recomputation selects them, and
# how many of them are partly paid.
LEDGER_COUNTS = """
    SELECT count(*) AS overdue_items,
           count(*) FILTER (WHERE aml.amount_residual_currency
                                  < aml.amount_currency) AS partly_paid_items,
           count(DISTINCT aml.partner_id) AS customers,
           (SELECT count(*) FROM account_partial_reconcile)
               AS partial_reconciles
      FROM account_move_line aml
      JOIN account_account account ON account.id = aml.account_id
     WHERE account.account_type = 'asset_receivable'
       AND aml.parent_state = 'posted'
       AND aml.balance > 0
       AND aml.amount_residual_currency != 0
       AND COALESCE(aml.date_maturity, aml.date) < %(today)s
"""

OVERDUE_CUSTOMERS = """
    SELECT DISTINCT partner.commercial_partner_id
      FROM account_move_line aml
      JOIN account_account account ON account.id = aml.account_id
      JOIN res_partner partner ON partner.id = aml.partner_id
     WHERE account.account_type = 'asset_receivable'
       AND aml.parent_state = 'posted'
       AND aml.balance > 0
       AND aml.amount_residual_currency != 0
       AND COALESCE(aml.date_maturity, aml.date) < %(today)s
     ORDER BY 1
"""

STORED_FIGURES = """
    SELECT (SELECT count(*) FROM account_move
             WHERE ar_penalty_date = %(today)s) AS invoices_computed,
           (SELECT count(*) FROM account_move
             WHERE ar_penalty_to_charge > 0) AS invoices_with_penalty,
           (SELECT COALESCE(sum(ar_penalty_to_charge), 0) FROM account_move)
               AS penalty_to_charge,
           (SELECT count(*) FROM ar_penalty_line WHERE charge_id IS NULL)
               AS calculation_lines,
           (SELECT count(*) FROM ar_penalty_charge WHERE state = 'charged')
               AS charges,
           (SELECT count(*) FROM account_move WHERE ar_is_penalty_invoice)
               AS penalty_invoices
"""


def fetch_dict(cr, query, params):
    cr.execute(query, params)
    names = [column.name for column in cr.description]
    return dict(zip(names, cr.fetchone(), strict=True))


def prepare_database(env, args):
    """Make the benchmark rule every company's default; return the companies."""
    if "ar.penalty.engine" not in env:
        raise MeasureError(
            f"database {env.cr.dbname!r} does not have ar_collections installed. "
            "Install it with odoo_bin -d DATABASE -i ar_collections --stop-after-init."
        )
    env.cr.execute("SELECT count(*) FROM ar_penalty_line")
    if env.cr.fetchone()[0]:
        raise MeasureError(
            f"database {env.cr.dbname!r} already has penalty lines, so the run "
            "would not start from scratch. Measure a fresh copy: createdb -T "
            "GENERATED_DATABASE NEW_DATABASE."
        )

    product = env.ref("ar_collections.product_penalty")
    companies = env["res.company"].search([])
    for company in companies:
        company.ar_penalty_rule_id = env["ar.penalty.rule"].create(
            {
                "name": RULE_NAME.format(rate=args.rate),
                "company_id": company.id,
                "method": "daily_percent",
                "rate": args.rate,
                "product_id": product.id,
            }
        )
    env["ir.config_parameter"].set_param(
        CHARGE_BATCH_PARAM, str(args.charge_batch_size)
    )
    env.flush_all()
    env.cr.commit()
    return companies


# --- Counting -------------------------------------------------------------


class PageCounter:
    """Counts the statements of psycopg2's execute_values in the penalty store.

    execute_values sends one statement per page of ``page_size`` rows on the
    raw cursor, which the Odoo cursor's ``sql_log_count`` does not see.
    """

    def __init__(self):
        self.pages = 0

    @contextmanager
    def installed(self):
        from odoo.addons.ar_collections.models import account_move_penalty

        original = account_move_penalty.execute_values
        counter = self

        def counted(cur, sql, argslist, template=None, page_size=100, fetch=False):
            rows = list(argslist)
            counter.pages += max(1, math.ceil(len(rows) / page_size))
            return original(cur, sql, rows, template, page_size, fetch)

        account_move_penalty.execute_values = counted
        try:
            yield self
        finally:
            account_move_penalty.execute_values = original


@dataclass
class CallResult:
    """Time and queries of one measured call.

    ``queries`` contains the ``execute_values`` statements, and ``pages``
    counts them apart.
    """

    number: int
    records: int
    queries: int
    pages: int
    seconds: float


class CallRecorder:
    """Wraps one method of a registry model class to measure each call."""

    def __init__(self, model_class, method_name, pages, count_records, profile=None):
        self.model_class = model_class
        self.method_name = method_name
        self.pages = pages
        self.count_records = count_records
        self.profile = profile
        self.calls = []
        self.profile_text = None

    @contextmanager
    def installed(self):
        original = getattr(self.model_class, self.method_name)
        recorder = self

        def measured(model, *args, **kwargs):
            return recorder.measure(
                lambda: original(model, *args, **kwargs),
                model.env.cr,
                recorder.count_records(model, *args, **kwargs),
            )

        setattr(self.model_class, self.method_name, measured)
        try:
            yield self
        finally:
            setattr(self.model_class, self.method_name, original)

    def measure(self, call, cr, records):
        number = len(self.calls) + 1
        profiler = cProfile.Profile() if number == self.profile else None
        queries_before = cr.sql_log_count
        pages_before = self.pages.pages
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        try:
            return call()
        finally:
            if profiler:
                profiler.disable()
            seconds = time.perf_counter() - started
            pages = self.pages.pages - pages_before
            queries = cr.sql_log_count - queries_before + pages
            self.calls.append(CallResult(number, records, queries, pages, seconds))
            if profiler:
                output = io.StringIO()
                stats = pstats.Stats(profiler, stream=output)
                stats.sort_stats("cumulative").print_stats(PROFILE_LINES)
                self.profile_text = output.getvalue()


# --- Runs -------------------------------------------------------------------


def run_refresh(env, args, pages):
    model_class = type(env["account.move"])
    recorder = CallRecorder(
        model_class,
        "_ar_penalty_refresh",
        pages,
        count_records=lambda moves, *args, **kwargs: len(moves),
        profile=args.profile_batch,
    )
    started = time.perf_counter()
    with recorder.installed():
        env["account.move"]._cron_refresh_penalties(batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    for call in recorder.calls:
        print(
            f"refresh batch {call.number}: {call.records} invoices, "
            f"{call.queries} queries ({call.pages} execute_values pages), "
            f"{call.seconds:.2f} s",
            file=sys.stderr,
        )
    return seconds, recorder


def run_charge(env, args, pages, companies, today):
    env.cr.execute(OVERDUE_CUSTOMERS, {"today": today})
    customer_ids = [row[0] for row in env.cr.fetchall()][: args.charge_customers]
    env.cr.execute(
        """
        SELECT count(*)
          FROM account_move_line aml
          JOIN account_account account ON account.id = aml.account_id
         WHERE account.account_type = 'asset_receivable'
           AND aml.parent_state = 'posted'
           AND aml.balance > 0
           AND aml.amount_residual_currency != 0
           AND aml.partner_id = ANY(%s)
        """,
        [customer_ids],
    )
    items = env.cr.fetchone()[0]
    model_class = type(env["ar.penalty.charge"])
    recorder = CallRecorder(
        model_class,
        "_charge_group",
        pages,
        count_records=lambda charge,
        company,
        partner_id,
        currency_id,
        outcomes,
        *args: len(outcomes),
    )
    queries_before = env.cr.sql_log_count
    pages_before = pages.pages
    started = time.perf_counter()
    with recorder.installed():
        invoices = env["ar.penalty.charge"]._run_charge(
            today, companies=companies, partner_ids=customer_ids, commit=True
        )
    seconds = time.perf_counter() - started
    queries = env.cr.sql_log_count - queries_before + pages.pages - pages_before
    return {
        "customers": len(customer_ids),
        "items": items,
        "invoices": len(invoices),
        "seconds": seconds,
        "queries": queries,
        "group_seconds": sum(call.seconds for call in recorder.calls),
        "group_queries": sum(call.queries for call in recorder.calls),
        "group_queries_min": min((call.queries for call in recorder.calls), default=0),
        "group_queries_max": max((call.queries for call in recorder.calls), default=0),
    }


def summarize_refresh(seconds, recorder):
    calls = recorder.calls
    items = sum(call.records for call in calls)
    batch_seconds = sum(call.seconds for call in calls)
    full = [call for call in calls if call.records == max(c.records for c in calls)]
    return {
        "seconds": seconds,
        "batches": len(calls),
        "items": items,
        "batch_seconds": batch_seconds,
        "seconds_per_10000_items": batch_seconds / items * ITEMS_PER_FIGURE
        if items
        else None,
        "batch_seconds_median": statistics.median(c.seconds for c in calls)
        if calls
        else None,
        "batch_seconds_min": min((c.seconds for c in calls), default=None),
        "batch_seconds_max": max((c.seconds for c in calls), default=None),
        "queries_per_full_batch": sorted({c.queries for c in full}),
        "queries_per_batch": sorted({c.queries for c in calls}),
        "pages_per_batch": sorted({c.pages for c in calls}),
        "sql_queries_per_batch": sorted({c.queries - c.pages for c in calls}),
        "queries": sum(c.queries for c in calls),
        "calls": [asdict(call) for call in calls],
    }


def measure(odoo, registry, args):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        companies = prepare_database(env, args)
        today = companies[0]._ar_local_today()
        if len(companies) > 1:
            _logger.warning(
                "%s companies: the counts use the first company's today (%s)",
                len(companies),
                today,
            )
        ledger = fetch_dict(cr, LEDGER_COUNTS, {"today": today})
        print(f"ledger as of {today}: {ledger}", file=sys.stderr)
        if not ledger["overdue_items"]:
            raise MeasureError(
                f"database {cr.dbname!r} has no open overdue invoices as of "
                f"{today}. Generate a ledger with tests/benchmarks/"
                "generate_ledger.py and an --end-date at least 31 days ago."
            )
        cr.commit()

        if not args.no_tracemalloc:
            tracemalloc.start()
        pages = PageCounter()
        with pages.installed():
            refresh_seconds, refresh_recorder = run_refresh(env, args, pages)
            refresh = summarize_refresh(refresh_seconds, refresh_recorder)
            refresh_peak = (
                tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
            )
            stored_after_refresh = fetch_dict(cr, STORED_FIGURES, {"today": today})

            charge = None
            if args.charge_customers:
                charge = run_charge(env, args, pages, companies, today)
        traced_peak = (
            tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
        )
        tracemalloc.stop()
        stored_after_charge = fetch_dict(cr, STORED_FIGURES, {"today": today})

    return {
        "database": args.database,
        "as_of_date": str(today),
        "batch_size": args.batch_size,
        "charge_batch_size": args.charge_batch_size,
        "rate": args.rate,
        "ledger": ledger,
        "refresh": refresh,
        "stored_after_refresh": {
            key: str(value) for key, value in stored_after_refresh.items()
        },
        "charge": charge,
        "stored_after_charge": {
            key: str(value) for key, value in stored_after_charge.items()
        },
        "tracemalloc_peak_refresh_mb": refresh_peak / 2**20 if refresh_peak else None,
        "tracemalloc_peak_mb": traced_peak / 2**20 if traced_peak else None,
        # ru_maxrss is in kilobytes on Linux.
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }, refresh_recorder.profile_text


def print_results(result, profile_text):
    refresh = result["refresh"]
    print(f"\n## Penalty recomputation as of {result['as_of_date']}\n")
    print(f"- ledger: {result['ledger']}")
    print(
        f"- {refresh['items']} invoices in {refresh['batches']} batches of "
        f"{result['batch_size']}: {refresh['seconds']:.1f} s wall time, "
        f"{refresh['batch_seconds']:.1f} s in the batches"
    )
    if refresh["items"]:
        print(
            f"- {refresh['seconds_per_10000_items']:.1f} s per 10,000 invoices; "
            f"per batch median {refresh['batch_seconds_median']:.2f} s, "
            f"min {refresh['batch_seconds_min']:.2f} s, "
            f"max {refresh['batch_seconds_max']:.2f} s"
        )
    print(
        f"- queries per full batch: {refresh['queries_per_full_batch']}; "
        f"all batches: {refresh['queries_per_batch']}; total {refresh['queries']}"
    )
    print(
        f"- of which through the Odoo cursor: {refresh['sql_queries_per_batch']} "
        f"per batch, and execute_values pages: {refresh['pages_per_batch']}"
    )
    print(f"- stored: {result['stored_after_refresh']}")

    charge = result["charge"]
    if charge:
        customers = charge["customers"] or 1
        invoices = charge["invoices"] or 1
        print(f"\n## Charge run as of {result['as_of_date']}\n")
        print(
            f"- {charge['customers']} customers, {charge['items']} open items, "
            f"{charge['invoices']} penalty invoices, batches of "
            f"{result['charge_batch_size']} customers"
        )
        print(
            f"- {charge['seconds']:.1f} s wall time "
            f"({charge['seconds'] / customers:.3f} s per customer, "
            f"{charge['seconds'] / max(charge['items'], 1) * ITEMS_PER_FIGURE:.1f} s "
            "per 10,000 items)"
        )
        print(
            f"- penalty invoices: {charge['group_seconds']:.1f} s, "
            f"{charge['group_queries']} queries "
            f"({charge['group_queries'] / invoices:.1f} per invoice, "
            f"{charge['group_queries_min']} to {charge['group_queries_max']})"
        )
        print(
            f"- rest of the run (reading, computing, storing): "
            f"{charge['seconds'] - charge['group_seconds']:.1f} s, "
            f"{charge['queries'] - charge['group_queries']} queries"
        )
        print(f"- stored: {result['stored_after_charge']}")

    print("\n## Memory\n")
    if result["tracemalloc_peak_mb"] is not None:
        print(
            "- Python heap peak (tracemalloc): "
            f"{result['tracemalloc_peak_refresh_mb']:.0f} MB in the "
            f"recomputation, {result['tracemalloc_peak_mb']:.0f} MB overall"
        )
    print(f"- process max RSS: {result['max_rss_mb']:.0f} MB")
    if profile_text:
        print("\n## Profile of the chosen recomputation batch\n")
        print(profile_text)


def main(argv=None):
    args = parse_args(argv)
    odoo, registry = open_registry(args)
    try:
        result, profile_text = measure(odoo, registry, args)
    except MeasureError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print_results(result, profile_text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as json_file:
            json.dump(result, json_file, indent=2, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
