"""One collection run in its own process, for the concurrency test.

Usage: concurrent_worker.py CONFIG DATABASE AS_OF START_AT
Waits until the Unix time START_AT, runs the collection as of AS_OF with a
commit after each customer, as the scheduled action does, and prints the
run's counts as JSON.
"""

import json
import sys
import time

import odoo
from odoo.tools import config


def main(config_path, database, as_of, start_at):
    config.parse_config(["-c", config_path, "-d", database])
    registry = odoo.modules.registry.Registry(database)
    while time.time() < start_at:
        time.sleep(0.005)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        summary = env["ar.collection.run"].run_reminders(
            as_of_date=as_of, company_ids=env.company.ids, commit=True
        )
        cr.commit()
    print(json.dumps(summary))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]))
