"""Two collection runs in two real processes on a committed database.

Odoo's test cases run inside one rolled-back transaction, so they cannot
show two workers racing. This test copies the dataset template database,
starts two processes at the same instant, and counts what they queued.
"""

import datetime
import json
import os
import subprocess
import sys
import time

import psycopg2

from . import csv_ledger

AS_OF = datetime.date(2012, 3, 17)
WORKER = os.path.join(os.path.dirname(__file__), "concurrent_worker.py")


def _connect(database):
    return psycopg2.connect(
        dbname=database,
        host=os.environ.get("PGHOST", "127.0.0.1"),
        port=os.environ.get("PGPORT", "5432"),
        user=os.environ.get("PGUSER", "root"),
    )


def _execute_outside_transaction(*statements):
    # DROP and CREATE DATABASE refuse to run inside a transaction block, and
    # psycopg2's connection context manager opens one, so it is not used.
    connection = _connect("postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        connection.close()


def _copy_database(template, database):
    _execute_outside_transaction(
        f'DROP DATABASE IF EXISTS "{database}"',
        f'CREATE DATABASE "{database}" TEMPLATE "{template}"',
    )


def _drop_database(database):
    _execute_outside_transaction(f'DROP DATABASE IF EXISTS "{database}"')


def test_two_workers_send_once():
    template = os.environ.get("AR_TEMPLATE_DB")
    config_path = os.environ.get("AR_ODOO_CONFIG")
    assert template and config_path, (
        "set AR_TEMPLATE_DB (a database with the dataset loaded and no open "
        "connection) and AR_ODOO_CONFIG; setup/run_tests.sh sets both"
    )
    database = f"{template}_concurrency"
    invoices = csv_ledger.read_invoices()
    expected = csv_ledger.reminder_stage_by_customer(invoices, AS_OF)
    # Each worker looks at every customer with open items, due or not.
    customers = {
        invoice["customer"] for invoice in csv_ledger.open_invoices(invoices, AS_OF)
    }
    _copy_database(template, database)
    try:
        start_at = time.time() + 8
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    WORKER,
                    config_path,
                    database,
                    AS_OF.isoformat(),
                    str(start_at),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _worker in range(2)
        ]
        outputs = [worker.communicate(timeout=300) for worker in workers]
        for worker, (_stdout, stderr) in zip(workers, outputs, strict=True):
            assert worker.returncode == 0, stderr[-3000:]
        summaries = [
            json.loads(stdout.strip().splitlines()[-1]) for stdout, _err in outputs
        ]

        connection = _connect(database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    SELECT partner.ref, stage.trigger_days, claim.state
                      FROM ar_collection_claim claim
                      JOIN res_partner partner ON partner.id = claim.partner_id
                      JOIN ar_collection_stage stage ON stage.id = claim.stage_id
                     WHERE claim.claim_date = %s
                    """,
                    [AS_OF],
                )
                claims = cursor.fetchall()
                cursor.execute(
                    """
                    SELECT COUNT(*), COUNT(DISTINCT mail.mail_message_id)
                      FROM mail_mail mail
                      JOIN ar_collection_claim claim
                        ON claim.message_id = mail.mail_message_id
                     WHERE claim.claim_date = %s
                    """,
                    [AS_OF],
                )
                mail_count, message_count = cursor.fetchone()
        finally:
            connection.close()
    finally:
        _drop_database(database)

    assert {ref: stage for ref, stage, _state in claims} == expected
    assert len(claims) == len(expected), "one claim per customer"
    assert {state for _ref, _stage, state in claims} == {"queued"}
    assert message_count == len(expected), "one message per customer"
    assert mail_count == len(expected), "one queued mail per customer"
    assert sum(summary["queued"] for summary in summaries) == len(expected)
    for summary in summaries:
        assert summary["failed"] == 0, summaries
        assert summary["queued"] + summary["skipped"] == len(customers), summaries
    print("worker summaries:", summaries)
