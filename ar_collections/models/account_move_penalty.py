from odoo import api, models


class AccountMove(models.Model):
    _inherit = "account.move"

    @api.model
    def _ar_penalty_recompute_for_tables(self, tables, date_from):
        """Recompute the uncharged penalties that depend on ``tables`` from ``date_from``."""
        return
