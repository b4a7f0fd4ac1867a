"""Time the Debtors list and the aging through the ORM against plain SQL.

For each as-of date (today and a past date) the script times, as the median
of ``--repeats`` runs after one untimed warm-up run:

- the Debtors list: ``search_read`` of all ar.debtor rows with the list
  columns, as user admin;
- the aging: ``read_group`` of ar.debtor by company with the sums of every
  Monetary field whose name starts with ``amount_``;
- one hand-written SQL aggregate for each, on the same cursor: per partner
  and company, the residual of each receivable item as of D (balance minus
  the partial reconciliations with ``max_date`` <= D), summed into total
  open, overdue and the aging buckets with a plain CASE.

The script checks that both paths return the same rows and totals and
prints a Markdown table with the ratio ORM/SQL. For a ratio over 2, or
always with ``--explain``, it also writes EXPLAIN ANALYZE output of the
slowest ORM query and of the SQL aggregate, and prints their largest plan
nodes.

The comparison does not net open credits. The script turns the company
setting ``ar_net_credits`` off inside its transaction, because the plain
SQL does not net credits, and rolls the transaction back at the end. The
module's SQL computes the netting window either way.

Usage:
    python tests/benchmarks/measure_reports.py -c odoo.conf -d DATABASE \
        [--repeats 5] [--today YYYY-MM-DD] [--past-date YYYY-MM-DD]
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from benchmark_args import parse_date

LIST_FIELDS = [
    "partner_id",
    "company_id",
    "total_open",
    "amount_not_due",
    "overdue",
    "oldest_overdue_days",
    "overdue_count",
    "last_payment_date",
]
# List fields compared row by row with the SQL aggregate, and the tolerance
# for amounts, which the ORM returns as floats.
COMPARED_FIELDS = LIST_FIELDS[2:]
AMOUNT_TOLERANCE = 0.005
TARGET_RATIO = 2.0
TOP_PLAN_NODES = 6


class MeasureError(Exception):
    """A setup problem or a difference between the ORM and the SQL figures."""


def parse_args(argv):
    today = datetime.date.today()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--config", help="Odoo configuration file")

    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="timed runs of each report and date; the median is shown (default 5)",
    )
    parser.add_argument(
        "--today",
        type=parse_date,
        default=today,
        help="first as-of date, YYYY-MM-DD (default today)",
    )
    parser.add_argument(
        "--past-date",
        type=parse_date,
        help="second as-of date, YYYY-MM-DD (default 365 days before --today)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="write EXPLAIN ANALYZE output even when the ratio is within target",
    )
    parser.add_argument(
        "--explain-dir",
        default=os.path.join(tempfile.gettempdir(), "ar-collections-explain"),
        help="folder for the EXPLAIN ANALYZE files (default: "
        "ar-collections-explain in the system's temporary folder)",
    )

    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats {args.repeats} is invalid: use 1 or more")
    if args.past_date is None:
        args.past_date = args.today - datetime.timedelta(days=365)
    return args


# --- The hand-written SQL -------------------------------------------------


def aging_limits(env, company):
    """Return the upper limits in days overdue of ``company``'s overdue buckets.

    The last bucket is open-ended, so limits [30, 60] mean 1-30, 31-60 and
    over 60 days. The lookup follows whichever definition the installed
    module has: a per-company limits field, a per-company bucket table, or
    the module's fixed bucket list.
    """
    # NOTE: only the ar_aging_limits branch has been run. The other two follow
    # a planned ar_aging_bucket table and the module's earlier fixed buckets.
    if "ar_aging_limits" in company._fields:
        return [int(part) for part in company.ar_aging_limits.split(",")]
    env.cr.execute("SELECT to_regclass('ar_aging_bucket') IS NOT NULL")
    if env.cr.fetchone()[0]:
        env.cr.execute(
            """
            SELECT days_to FROM ar_aging_bucket
             WHERE company_id = %s AND days_to > 0
             ORDER BY sequence, days_from
            """,
            [company.id],
        )
        return [days_to for (days_to,) in env.cr.fetchall()]
    from odoo.addons.ar_collections.models import ar_aging_sql

    buckets = getattr(ar_aging_sql, "AGING_BUCKETS", None)
    if buckets is None:
        raise MeasureError(
            "cannot find the aging bucket limits of the installed ar_collections; "
            "update aging_limits() in measure_reports.py"
        )
    return [last for _key, _label, _first, last in buckets if last]


def bucket_slot_sql(limits_by_company):
    """Build a CASE giving each line's bucket: 0 not due, 1 to n overdue."""
    from odoo.tools import SQL

    branches = []
    for company_id, limits in limits_by_company.items():
        inner = [SQL("WHEN days_overdue <= 0 THEN 0")]
        inner += [
            SQL("WHEN days_overdue <= %s THEN %s", limit, slot)
            for slot, limit in enumerate(limits, start=1)
        ]
        inner.append(SQL("ELSE %s", len(limits) + 1))
        branches.append(
            SQL(
                "WHEN company_id = %s THEN CASE %s END",
                company_id,
                SQL(" ").join(inner),
            )
        )
    return SQL("CASE %s END", SQL(" ").join(branches))


def debtor_sql(as_of, limits_by_company, with_last_payment):
    """Build the per-partner-and-company aggregate of the receivable items.

    The ``slot_<n>`` columns are the bucket sums, and ``slot_0`` is "not due".
    With ``with_last_payment``, the aggregate reads every receivable line
    dated on or before the as-of date, so the last payment date comes from
    the same pass. Without it, only open lines are aggregated.
    """
    from odoo.tools import SQL

    slot_count = 1 + max(len(limits) + 1 for limits in limits_by_company.values())
    slot_columns = SQL(", ").join(
        SQL(
            "SUM(residual) FILTER (WHERE is_open AND slot = %s) AS %s",
            slot,
            SQL.identifier(f"slot_{slot}"),
        )
        for slot in range(slot_count)
    )
    last_payment = SQL(
        "MAX(date) FILTER (WHERE is_payment)" if with_last_payment else "NULL::date"
    )
    open_filter = SQL("" if with_last_payment else "WHERE is_open")
    return SQL(
        """
        WITH matched AS (
            SELECT line_id, SUM(amount) AS amount
              FROM (SELECT debit_move_id AS line_id, amount
                      FROM account_partial_reconcile
                     WHERE max_date <= %(as_of)s
                    UNION ALL
                    SELECT credit_move_id, -amount
                      FROM account_partial_reconcile
                     WHERE max_date <= %(as_of)s) AS partials
             GROUP BY line_id
        ),
        residuals AS (
            SELECT partner.commercial_partner_id AS partner_id,
                   aml.company_id,
                   aml.date,
                   aml.balance - COALESCE(matched.amount, 0) AS residual,
                   %(as_of)s::date - COALESCE(aml.date_maturity, aml.date)
                       AS days_overdue,
                   currency.rounding / 2 AS half_rounding,
                   aml.balance < 0
                       AND (aml.payment_id IS NOT NULL
                            OR journal.type IN ('bank', 'cash')) AS is_payment
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN account_journal journal ON journal.id = aml.journal_id
              JOIN res_partner partner ON partner.id = aml.partner_id
              JOIN res_currency currency ON currency.id = aml.company_currency_id
              LEFT JOIN matched ON matched.line_id = aml.id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.date <= %(as_of)s
        ),
        lines AS (
            SELECT *,
                   ABS(residual) >= half_rounding AS is_open,
                   days_overdue > 0 AND residual > 0 AS is_overdue,
                   %(slot)s AS slot
              FROM residuals
        )
        SELECT partner_id,
               company_id,
               SUM(residual) FILTER (WHERE is_open) AS total_open,
               COALESCE(SUM(residual) FILTER (WHERE is_open AND is_overdue), 0)
                   AS overdue,
               COALESCE(MAX(days_overdue) FILTER (WHERE is_open AND is_overdue), 0)
                   AS oldest_overdue_days,
               COUNT(*) FILTER (WHERE is_open AND is_overdue) AS overdue_count,
               %(last_payment)s AS last_payment_date,
               %(slot_columns)s
          FROM lines
          %(open_filter)s
         GROUP BY partner_id, company_id
        HAVING bool_or(is_open)
        """,
        as_of=as_of,
        slot=bucket_slot_sql(limits_by_company),
        last_payment=last_payment,
        open_filter=open_filter,
        slot_columns=slot_columns,
    )


def aging_sql(as_of, limits_by_company):
    """Build the aging by company over the per-partner aggregate."""
    from odoo.tools import SQL

    slot_count = 1 + max(len(limits) + 1 for limits in limits_by_company.values())
    sums = SQL(", ").join(
        SQL("SUM(%s) AS %s", SQL.identifier(name), SQL.identifier(name))
        for name in (f"slot_{slot}" for slot in range(slot_count))
    )
    return SQL(
        "SELECT company_id, COUNT(*) AS debtor_count, SUM(total_open) AS total_open, "
        "%s FROM (%s) AS debtors GROUP BY company_id ORDER BY company_id",
        sums,
        debtor_sql(as_of, limits_by_company, with_last_payment=False),
    )


# --- Checks -----------------------------------------------------------------


def values_differ(orm_value, sql_value):
    if sql_value is None:
        return orm_value not in (None, False, 0, 0.0)
    if isinstance(sql_value, datetime.date):
        return str(orm_value) != str(sql_value)
    return abs(float(orm_value or 0) - float(sql_value)) > AMOUNT_TOLERANCE


def check_list(orm_rows, sql_rows, fields):
    """Raise MeasureError unless both paths give the same rows and values."""
    sql_by_key = {(row["partner_id"], row["company_id"]): row for row in sql_rows}
    if len(orm_rows) != len(sql_by_key):
        raise MeasureError(
            f"Debtors list: the ORM returned {len(orm_rows)} rows and the SQL "
            f"aggregate {len(sql_by_key)}"
        )
    differences = []
    for orm_row in orm_rows:
        key = (orm_row["partner_id"][0], orm_row["company_id"][0])
        sql_row = sql_by_key.get(key)
        if sql_row is None:
            differences.append(f"{key}: missing from the SQL aggregate")
            continue
        sql_row = dict(sql_row, amount_not_due=sql_row["slot_0"])
        differences += [
            f"{key} {name}: ORM {orm_row[name]!r}, SQL {sql_row[name]!r}"
            for name in fields
            if values_differ(orm_row[name], sql_row[name])
        ]
    if differences:
        raise MeasureError(
            f"Debtors list: {len(differences)} values differ between the ORM and "
            "the SQL aggregate. First ones: " + "; ".join(differences[:5])
        )


def check_aging(orm_groups, sql_rows, amount_fields):
    """Raise MeasureError unless the per-company count and sums agree.

    The ORM's amount_* fields are "not due" and then the overdue buckets in
    order, and the slots a company does not use are 0.
    """
    sql_by_company = {row["company_id"]: row for row in sql_rows}
    if len(orm_groups) != len(sql_by_company):
        raise MeasureError(
            f"aging: the ORM returned {len(orm_groups)} companies and the SQL "
            f"aggregate {len(sql_by_company)}"
        )
    differences = []
    for group in orm_groups:
        company_id = group["company_id"][0]
        row = sql_by_company.get(company_id)
        if row is None:
            differences.append(f"company {company_id}: missing from the SQL aggregate")
            continue
        if group["__count"] != row["debtor_count"]:
            differences.append(
                f"company {company_id} rows: ORM {group['__count']}, "
                f"SQL {row['debtor_count']}"
            )
        for slot, name in enumerate(amount_fields):
            sql_value = row.get(f"slot_{slot}") or 0
            if values_differ(group[name], sql_value):
                differences.append(
                    f"company {company_id} {name}: ORM {group[name]!r}, "
                    f"SQL {sql_value!r}"
                )
        bucket_total = sum(group[name] for name in amount_fields)
        if values_differ(bucket_total, row["total_open"]):
            differences.append(
                f"company {company_id}: ORM buckets add up to {bucket_total}, "
                f"SQL total open is {row['total_open']}"
            )
    if differences:
        raise MeasureError(
            f"aging: {len(differences)} values differ between the ORM and the SQL "
            "aggregate. First ones: " + "; ".join(differences[:5])
        )


# --- Timing and plans ---------------------------------------------------------


@contextmanager
def recorded_queries(cr):
    """Record (seconds, query text) of every query run on ``cr``."""
    queries = []
    execute = cr.execute

    def recording_execute(query, params=None, log_exceptions=True):
        text = cr.mogrify(query, params).decode()
        started = time.perf_counter()
        try:
            return execute(query, params, log_exceptions)
        finally:
            queries.append((time.perf_counter() - started, text))

    cr.execute = recording_execute
    try:
        yield queries
    finally:
        del cr.execute


@dataclass
class Timing:
    """Timed runs of one function: wall-clock and query seconds per run."""

    seconds: list = field(default_factory=list)
    query_seconds: list = field(default_factory=list)
    queries: int = 0
    result: object = None


def time_runs(env, functions, repeats):
    """Time each of ``functions`` (name: callable), taking turns; return Timings.

    Each function runs once untimed first. The record cache is emptied
    before every run, so each run reads from the database as a new request
    would.
    """
    timings = {name: Timing() for name in functions}
    for function in functions.values():
        env.invalidate_all()
        function()
    for _ in range(repeats):
        for name, function in functions.items():
            env.invalidate_all()
            timing = timings[name]
            with recorded_queries(env.cr) as queries:
                started = time.perf_counter()
                timing.result = function()
                timing.seconds.append(time.perf_counter() - started)
            timing.query_seconds.append(sum(seconds for seconds, _text in queries))
            timing.queries = len(queries)
    return timings


def plan_node_times(node, found):
    """Collect (self time ms, node label) for ``node`` and its children.

    Times of nodes run in parallel workers are summed over the workers, so
    the sum can exceed the wall-clock time.
    """
    children = node.get("Plans", [])
    total = node["Actual Total Time"] * node["Actual Loops"]
    children_total = sum(
        child["Actual Total Time"] * child["Actual Loops"] for child in children
    )
    label = node["Node Type"]
    for key in ("Relation Name", "Index Name", "Sort Method", "Strategy"):
        if key in node:
            label += f" {node[key]}"
    if "Sort Key" in node:
        label += f" by {', '.join(node['Sort Key'])[:80]}"
    rows = f"{node['Actual Rows']} rows"
    if node["Actual Loops"] > 1:
        rows += f" x {node['Actual Loops']} loops"
    found.append((max(total - children_total, 0.0), f"{label} ({rows})"))
    for child in children:
        plan_node_times(child, found)
    return found


def explain(cr, query_text, path):
    """Write EXPLAIN ANALYZE of ``query_text`` to ``path`` and return its top nodes.

    The returned nodes come from a JSON plan and the file from a second, text
    run, so their times differ by the spread between runs.
    """
    cr.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + query_text)
    plan = cr.fetchone()[0][0]
    cr.execute("EXPLAIN (ANALYZE, BUFFERS) " + query_text)
    with open(path, "w", encoding="utf-8") as output:
        output.write(query_text.strip() + ";\n\n")
        output.write("\n".join(row[0] for row in cr.fetchall()) + "\n")
    nodes = sorted(plan_node_times(plan["Plan"], []), reverse=True)[:TOP_PLAN_NODES]
    lines = [f"{milliseconds:9.0f} ms  {label}" for milliseconds, label in nodes]
    jit = plan.get("JIT", {}).get("Timing", {}).get("Total")
    if jit:
        lines.append(f"{jit:9.0f} ms  JIT compilation")
    lines.append(f"{plan['Execution Time']:9.0f} ms  execution time in total")
    return lines


def explain_report(env, name, as_of, orm_call, sql_query, explain_dir):
    """Write the plans of the slowest ORM query and of the SQL; print top nodes."""
    env.invalidate_all()
    with recorded_queries(env.cr) as queries:
        orm_call()
    _seconds, slowest = max(queries)
    os.makedirs(explain_dir, exist_ok=True)
    stem = os.path.join(explain_dir, f"{name.lower().replace(' ', '-')}-{as_of}")
    for path, text in (
        (f"{stem}-orm.txt", slowest),
        (f"{stem}-sql.txt", env.cr.mogrify(sql_query).decode()),
    ):
        print(f"\n{name} as of {as_of}: {path}, largest plan nodes (self time):")
        for line in explain(env.cr, text, path):
            print(f"  {line}")


# --- Main -----------------------------------------------------------------------


def open_environment(args):
    import odoo
    from odoo.tools import config

    odoo_args = ["-d", args.database]
    if args.config:
        odoo_args += ["-c", args.config]
    config.parse_config(odoo_args)
    odoo.service.server.load_server_wide_modules()
    registry = odoo.modules.registry.Registry(args.database)
    return odoo, registry


def prepare(env):
    """Return (admin env, amount fields, bucket limits by company id)."""
    admin = env.ref("base.user_admin", raise_if_not_found=False)
    if "ar.debtor" not in env or admin is None:
        raise MeasureError(
            f"database {env.cr.dbname!r} has no ar_collections or no admin user; "
            "measure a database made with odoo_bin -i ar_collections"
        )
    companies = env["res.company"].search([])
    if "ar_net_credits" in companies._fields:
        companies.write({"ar_net_credits": False})
    debtor_fields = env["ar.debtor"]._fields
    amount_fields = [
        name
        for name, field in debtor_fields.items()
        if field.type == "monetary" and name.startswith("amount_")
    ]
    limits = {company.id: aging_limits(env, company) for company in companies}
    return env(user=admin), amount_fields, limits


@dataclass
class ReportRow:
    """Median timings of one report on one as-of date."""

    name: str
    as_of: datetime.date
    rows: int
    orm_queries: int
    orm_seconds: float
    orm_query_seconds: float
    sql_seconds: float

    @property
    def ratio(self):
        return self.orm_seconds / self.sql_seconds


def measure(env, args):
    """Time both reports for both dates; return the table rows."""
    admin_env, amount_fields, limits = prepare(env)
    debtors = admin_env["ar.debtor"]
    fields = [name for name in LIST_FIELDS if name in debtors._fields]
    compared = [name for name in COMPARED_FIELDS if name in fields]
    rows = []
    for as_of in (args.today, args.past_date):
        dated = debtors.with_context(ar_as_of_date=str(as_of))
        reports = [
            (
                "Debtors list",
                lambda dated=dated: dated.search_read([], fields),
                debtor_sql(as_of, limits, with_last_payment=True),
                lambda orm, sql: check_list(orm, sql, compared),
            ),
            (
                "Aging",
                lambda dated=dated: dated.read_group(
                    [],
                    [f"{name}:sum" for name in amount_fields],
                    ["company_id"],
                    lazy=False,
                ),
                aging_sql(as_of, limits),
                lambda orm, sql: check_aging(orm, sql, amount_fields),
            ),
        ]
        for name, orm_call, sql_query, check in reports:
            print(f"measuring {name} as of {as_of} ...", file=sys.stderr, flush=True)

            def run_sql(sql_query=sql_query):
                admin_env.cr.execute(sql_query)
                return admin_env.cr.dictfetchall()

            timings = time_runs(
                admin_env, {"orm": orm_call, "sql": run_sql}, args.repeats
            )
            orm, sql = timings["orm"], timings["sql"]
            check(orm.result, sql.result)
            rows.append(
                ReportRow(
                    name=name,
                    as_of=as_of,
                    rows=len(orm.result),
                    orm_queries=orm.queries,
                    orm_seconds=statistics.median(orm.seconds),
                    orm_query_seconds=statistics.median(orm.query_seconds),
                    sql_seconds=statistics.median(sql.seconds),
                )
            )
            if args.explain or rows[-1].ratio > TARGET_RATIO:
                explain_report(
                    admin_env, name, as_of, orm_call, sql_query, args.explain_dir
                )
    return rows


def print_table(rows, repeats):
    print(f"\nMedian of {repeats} runs after one warm-up run, in seconds.\n")
    print(
        "| Report | As of | Rows | ORM queries | ORM | of which SQL | SQL aggregate "
        f"| ORM/SQL | Within {TARGET_RATIO:g}× |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|---|")
    for row in rows:
        within = "yes" if row.ratio <= TARGET_RATIO else "no"
        print(
            f"| {row.name} | {row.as_of} | {row.rows} | {row.orm_queries} "
            f"| {row.orm_seconds:.2f} | {row.orm_query_seconds:.2f} "
            f"| {row.sql_seconds:.2f} | {row.ratio:.2f} | {within} |"
        )


def main(argv=None):
    args = parse_args(argv)
    odoo, registry = open_environment(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            rows = measure(env, args)
        except MeasureError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        finally:
            # The net-credits setting was changed for the comparison only.
            cr.rollback()
    print_table(rows, args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
