"""Measure credit exposure and payment-discipline scoring on a generated ledger.

Run it on a database with ar_collections installed and a ledger written by
``generate_ledger.py``. The main company keeps the default segments A to D
that the module installs, with their dynamic limit rules. The script works
in one transaction and rolls it back at the end, so the database is left
unchanged and the script can run again on it.

For the customers with a posted receivable item in the main company, in
batches of ``--batch-size`` (the scheduled action's default is 500), it
times and counts the queries of:

1. ``ar.credit.exposure._get_exposures`` alone;
2. a first ``ar.credit.score._score_batch`` as of ``--as-of``, which
   creates the scores, assigns the segments, writes the dynamic credit
   limits and records the changes;
3. a second ``_score_batch`` on the same date, which finds nothing to
   change, as a second run of the scheduled action on the same day.

Queries are the cursor's ``sql_log_count``. The script prints the figures
per step, the tracemalloc peak of the Python heap and the maximum resident
set size of the process.

Usage:
    python tests/benchmarks/measure_credit_scores.py -c odoo.conf -d DATABASE \
        [--batch-size 500] [--as-of YYYY-MM-DD] [--no-tracemalloc] [--json FILE]
"""

import argparse
import json
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter
from dataclasses import dataclass, field

from benchmark_args import parse_date


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("-c", "--config", help="Odoo configuration file")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=500,
        help="customers per batch (default 500, the scheduled action's default)",
    )
    parser.add_argument(
        "--as-of",
        type=parse_date,
        help="scoring date, YYYY-MM-DD (default: the company's today)",
    )
    parser.add_argument(
        "--no-tracemalloc",
        action="store_true",
        help="do not trace the Python heap, which slows the run down",
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--log-level", default="warn")
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error(f"--batch-size {args.batch_size} is invalid: use 1 or more")
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


@dataclass
class Step:
    """Wall times and query counts of one step, per batch."""

    name: str
    seconds: list = field(default_factory=list)
    queries: list = field(default_factory=list)

    def summary(self):
        return {
            "name": self.name,
            "batches": len(self.seconds),
            "seconds": round(sum(self.seconds), 2),
            "median_batch_seconds": round(statistics.median(self.seconds), 3),
            "queries_min": min(self.queries),
            "queries_max": max(self.queries),
            "queries_total": sum(self.queries),
        }


def timed(env, step, call):
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    result = call()
    env.flush_all()
    step.seconds.append(time.perf_counter() - start)
    step.queries.append(env.cr.sql_log_count - before)
    return result


def measure(odoo, registry, args):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        as_of = args.as_of or company._ar_local_today()
        Score = env["ar.credit.score"]
        segments = env["ar.credit.segment"].search([("company_id", "=", company.id)])
        if not segments:
            raise SystemExit(f"company {company.name} has no risk segments")

        start = time.perf_counter()
        partner_ids = Score._get_unscored_partners(company, as_of)
        select_seconds = time.perf_counter() - start
        if not partner_ids:
            raise SystemExit(f"no customer to score as of {as_of}")
        batches = [
            partner_ids[index : index + args.batch_size]
            for index in range(0, len(partner_ids), args.batch_size)
        ]

        if not args.no_tracemalloc:
            tracemalloc.start()
        exposure = Step("exposure")
        first = Step("first scoring")
        second = Step("second scoring, same date")
        for batch in batches:
            timed(
                env,
                exposure,
                lambda batch=batch: env["ar.credit.exposure"]._get_exposures(
                    company, batch
                ),
            )
        limits_per_batch = []
        for batch in batches:
            scores = timed(
                env,
                first,
                lambda batch=batch: Score._score_batch(company, batch, as_of),
            )
            limits_per_batch.append(
                sum(
                    1
                    for score in scores
                    if score.segment_id.limit_rule and score.credit_limit
                )
            )
        history_count = env["ar.credit.score.history"].search_count([])
        for batch in batches:
            timed(
                env,
                second,
                lambda batch=batch: Score._score_batch(company, batch, as_of),
            )
        heap_peak = (
            tracemalloc.get_traced_memory()[1] if tracemalloc.is_tracing() else 0
        )
        tracemalloc.stop()

        scores = Score.search([("company_id", "=", company.id)])
        result = {
            "database": args.database,
            "as_of": as_of.isoformat(),
            "customers": len(partner_ids),
            "batch_size": args.batch_size,
            "select_seconds": round(select_seconds, 2),
            "steps": [step.summary() for step in (exposure, first, second)],
            "scored": sum(scores.mapped("scored")),
            "per_segment": dict(
                sorted(
                    Counter(score.segment_id.code or "none" for score in scores).items()
                )
            ),
            "first_scoring_batches": [
                {"queries": queries, "limits_set": limits}
                for queries, limits in zip(first.queries, limits_per_batch, strict=True)
            ],
            "history_rows_first": history_count,
            "history_rows_second": env["ar.credit.score.history"].search_count([])
            - history_count,
            "limits_set": env["ar.credit.score.history"].search_count(
                [("limit_changed", "=", True)]
            ),
            "heap_peak_mb": round(heap_peak / 2**20, 1) if heap_peak else None,
            "max_rss_mb": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
            ),
        }
        cr.rollback()
    return result


def main(argv=None):
    args = parse_args(argv)
    odoo, registry = open_registry(args)
    result = measure(odoo, registry, args)
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as output:
            json.dump(result, output, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
