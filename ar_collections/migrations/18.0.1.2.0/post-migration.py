"""Give companies of an 18.0.1.1.0 database the default penalty rules.

A fresh install creates them in the post-init hook, which an upgrade does
not run. No company default rule is set, so no penalty accrues until a
manager chooses one.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"].search([])._ar_ensure_penalty_rules()
