"""pytest setup shared by the module tests and the repository-level tests.

pytest-odoo's own ``--odoo-http`` option fails on Odoo 18.0 (its server
start expects Odoo's test report), so the HTTP server that browser tours
need is started here, once, and only when an HttpCase test was collected.
"""

import pytest


def _collects_http_case(items):
    try:
        from odoo.tests import HttpCase
    except ImportError:
        return False
    return any(
        isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, HttpCase)
        for item in items
    )


def pytest_collection_modifyitems(session, config, items):
    config._ar_needs_http = _collects_http_case(items)


@pytest.fixture(scope="session", autouse=True)
def odoo_http_server(request):
    """Serve Odoo over HTTP for the session when a browser test will run."""
    if not getattr(request.config, "_ar_needs_http", False):
        yield None
        return
    from odoo.http import root
    from odoo.service import server as odoo_server

    server = odoo_server.ThreadedServer(root)
    server.http_spawn()
    # HttpCase reads the port from this module-level server.
    odoo_server.server = server
    yield server
    server.httpd.shutdown()
    odoo_server.server = None
