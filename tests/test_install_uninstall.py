"""Install and uninstall our modules on fresh databases, with and without demo data.

Each test creates its own database with odoo-bin in a subprocess, because
Odoo's test cases run inside a transaction that cannot install or uninstall
modules. The Odoo configuration file comes from AR_ODOO_CONFIG, which
setup/run_tests.sh sets. Database names start with AR_TEST_DB_PREFIX
(default ar_install_test). On a shared 2-core machine with PostgreSQL on it,
one test took 70 to 150 s, install and uninstall included.
"""

import configparser
import os
import pathlib
import re
import subprocess
import sys

import psycopg2
import pytest

import odoo

MODULES = ["ar_collections", "ar_collections_sms", "ar_collections_sale"]
# Tables of ar_collections models, which uninstalling must drop.
MODULE_TABLES = ["ar_collection_claim", "ar_dispute"]
ODOO_BIN = pathlib.Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
# An odoo-bin command that runs longer than this fails the test as timed out.
ODOO_TIMEOUT_SECONDS = 1800
# Odoo log lines start with "DATE TIME PID LEVEL DATABASE LOGGER: ".
ERROR_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


def _config_path():
    path = os.environ.get("AR_ODOO_CONFIG")
    assert path, (
        "AR_ODOO_CONFIG is not set: set it to an Odoo configuration file with "
        "the addons path and database server (setup/run_tests.sh sets it)"
    )
    assert os.path.isfile(path), f"AR_ODOO_CONFIG={path}: file not found"
    return path


def _connection_params():
    """Return psycopg2 connection arguments from the Odoo configuration file."""
    parser = configparser.ConfigParser()
    parser.read(_config_path())
    options = parser["options"] if parser.has_section("options") else {}
    params = {
        "host": options.get("db_host") or os.environ.get("PGHOST", "127.0.0.1"),
        "port": options.get("db_port") or os.environ.get("PGPORT", "5432"),
        "user": options.get("db_user") or os.environ.get("PGUSER", "root"),
    }
    password = options.get("db_password")
    if password and password != "False":
        params["password"] = password
    return params


def _query(database, sql, params=()):
    connection = psycopg2.connect(dbname=database, **_connection_params())
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        connection.close()


def _database_exists(database):
    rows = _query(
        "postgres", "SELECT 1 FROM pg_database WHERE datname = %s", [database]
    )
    return bool(rows)


def _run_odoo(args, stdin=None, allowed_error=None):
    """Run odoo-bin with ``args`` and fail on a non-zero exit or an ERROR log line.

    ERROR lines that match the regular expression ``allowed_error`` are
    accepted. Returns the combined output (Odoo logs to stderr).
    """
    command = [sys.executable, str(ODOO_BIN), *args]
    try:
        result = subprocess.run(
            command,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=ODOO_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command)} timed out after {ODOO_TIMEOUT_SECONDS} s")
    output = result.stdout + result.stderr
    last_lines = "\n".join(output.splitlines()[-40:])
    assert result.returncode == 0, (
        f"{' '.join(command)} exited with {result.returncode}; last lines:\n"
        f"{last_lines}"
    )
    errors = [
        line
        for line in output.splitlines()
        if ERROR_LINE.match(line) and not (allowed_error and allowed_error.search(line))
    ]
    assert not errors, (
        f"{' '.join(command)} logged errors:\n" + "\n".join(errors) + "\n"
        f"last lines:\n{last_lines}"
    )
    return output


def _install(database, demo):
    # The configuration written by setup/common.sh has without_demo = all. An
    # empty --without-demo on the command line overrides it, so demo data loads.
    _run_odoo(
        [
            "--config",
            _config_path(),
            "--database",
            database,
            "--init",
            ",".join(MODULES),
            "--without-demo=" if demo else "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
        ]
    )


def _uninstall(database, allowed_error=None):
    # button_immediate_uninstall commits and reloads the registry itself, as
    # the Uninstall button of the Apps menu does.
    script = (
        "env['ir.module.module'].search("
        f"[('name', 'in', {MODULES!r})]).button_immediate_uninstall()\n"
    )
    _run_odoo(
        [
            "shell",
            "--config",
            _config_path(),
            "--database",
            database,
            "--log-level=warn",
        ],
        stdin=script,
        allowed_error=allowed_error,
    )


def _drop_database(database):
    """Drop ``database`` and its filestore, if the database exists."""
    if _database_exists(database):
        _run_odoo(["db", "--config", _config_path(), "drop", database])


def _module_states(database):
    rows = _query(
        database,
        "SELECT name, state, demo FROM ir_module_module WHERE name = ANY(%s)",
        [MODULES],
    )
    return {name: (state, demo) for name, state, demo in rows}


def _demo_partner_ids(database):
    rows = _query(
        database,
        "SELECT res_id FROM ir_model_data "
        "WHERE module = 'ar_collections' AND model = 'res.partner'",
    )
    return [res_id for (res_id,) in rows]


def _module_xmlids(database):
    rows = _query(
        database,
        "SELECT module || '.' || name FROM ir_model_data WHERE module = ANY(%s)",
        [MODULES],
    )
    return {xmlid for (xmlid,) in rows}


def _existing_tables(database):
    rows = _query(
        database,
        "SELECT tablename FROM pg_tables WHERE tablename = ANY(%s)",
        [MODULE_TABLES],
    )
    return {tablename for (tablename,) in rows}


def _assert_installed(database, demo):
    states = _module_states(database)
    for module in MODULES:
        assert (
            states.get(module, (None,))[0] == "installed"
        ), f"{module} is not installed in {database}: {states.get(module)}"
        assert states[module][1] is demo, (
            f"{module} in {database}: demo flag is {states[module][1]}, expected "
            f"{demo}"
        )


def _assert_uninstalled(database):
    states = _module_states(database)
    for module in MODULES:
        assert (
            states[module][0] == "uninstalled"
        ), f"{module} in {database} is {states[module][0]} after uninstalling"
    assert not _existing_tables(database), (
        f"tables left in {database} after uninstalling: "
        f"{sorted(_existing_tables(database))}"
    )


def _assert_demo_receivables(database):
    partner_ids = _demo_partner_ids(database)
    assert partner_ids, f"no demo customers of ar_collections in {database}"

    (invoice_count,) = _query(
        database,
        "SELECT count(*) FROM account_move WHERE state = 'posted' "
        "AND move_type = 'out_invoice' AND commercial_partner_id = ANY(%s)",
        [partner_ids],
    )[0]
    assert invoice_count > 0, "no posted invoices for the demo customers"

    (overdue_residual,) = _query(
        database,
        "SELECT coalesce(sum(line.amount_residual), 0) "
        "FROM account_move_line line "
        "JOIN account_account account ON account.id = line.account_id "
        "WHERE line.parent_state = 'posted' "
        "AND account.account_type = 'asset_receivable' "
        "AND line.partner_id = ANY(%s) AND line.date_maturity < CURRENT_DATE",
        [partner_ids],
    )[0]
    assert overdue_residual > 0, "the demo customers owe nothing overdue today"

    (partly_paid_count,) = _query(
        database,
        "SELECT count(*) FROM account_move WHERE payment_state = 'partial' "
        "AND commercial_partner_id = ANY(%s)",
        [partner_ids],
    )[0]
    assert partly_paid_count > 0, "no partly paid demo invoice"

    (dispute_count,) = _query(
        database,
        "SELECT count(*) FROM ar_dispute WHERE partner_id = ANY(%s)",
        [partner_ids],
    )[0]
    assert dispute_count > 0, "no dispute on a demo invoice"


@pytest.fixture
def database_name(request):
    """Return a database name for the test and drop that database afterwards."""
    prefix = os.environ.get("AR_TEST_DB_PREFIX", "ar_install_test")
    suffix = request.node.name.removeprefix("test_")
    name = f"{prefix}_{os.getpid()}_{suffix}"[:63]
    assert not _database_exists(name), f"database {name} exists already; drop it"
    yield name
    _drop_database(name)


def test_install_uninstall_with_demo(database_name):
    _install(database_name, demo=True)
    _assert_installed(database_name, demo=True)
    _assert_demo_receivables(database_name)

    _uninstall(database_name)
    _assert_uninstalled(database_name)
    assert not _module_xmlids(database_name)


def test_install_uninstall_without_demo(database_name):
    _install(database_name, demo=False)
    _assert_installed(database_name, demo=False)
    assert not _demo_partner_ids(
        database_name
    ), "demo customers were created although demo data was disabled"

    _uninstall(database_name)
    _assert_uninstalled(database_name)
    assert not _module_xmlids(database_name)
