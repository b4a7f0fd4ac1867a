from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    ar_credit_score_ids = fields.One2many(
        comodel_name="ar.credit.score",
        inverse_name="partner_id",
        string="Payment Discipline",
    )

    def action_ar_compute_credit_score(self):
        """Score these customers in the current company as of today.

        The score, segment and dynamic credit limit are set as the scheduled
        action sets them, with each change recorded in the segment history.
        """
        company = self.env.company
        partners = self.commercial_partner_id
        self.env["ar.credit.score"].sudo()._score_batch(
            company, partners.ids, company._ar_local_today()
        )
        return True
