from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._ar_mark_penalties_dirty()
        return partials

    def unlink(self):
        self._ar_mark_penalties_dirty()
        return super().unlink()

    def _ar_mark_penalties_dirty(self):
        """Flag the invoices whose penalty base these reconciliations change."""
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        self.env["account.move"]._ar_penalty_mark_dirty(moves.ids)
