from odoo import fields, models


class ArCollectionClaim(models.Model):
    _inherit = "ar.collection.claim"

    ar_penalty_amount = fields.Monetary(
        string="Penalty to Date",
        compute="_compute_ar_penalty",
        help="Late-payment penalty not charged yet on the customer's invoices, "
        "paid or not, as of the action's date, in company currency.",
    )
    ar_fee_amount = fields.Monetary(
        string="Collection Fee",
        compute="_compute_ar_penalty",
        help="Fee of the penalty rule recorded for this action.",
    )
    ar_grand_total = fields.Monetary(
        string="Total with Penalty",
        compute="_compute_ar_penalty",
        help="Amount requested plus the penalty to date and the fee.",
    )

    def _compute_ar_penalty(self):
        engine = self.env["ar.penalty.engine"]
        fees = self.env["ar.penalty.charge"].search(
            [
                ("collection_claim_id", "in", self.ids),
                ("kind", "=", "fee"),
                ("state", "in", ("pending", "charged")),
            ]
        )
        for claim in self:
            penalty = 0.0
            if claim.claim_date and claim.partner_id:
                # Every item of the customer with days not charged yet, also
                # those already paid late, not only the listed ones.
                condition = self.env["ar.penalty.charge"]._candidate_condition(
                    claim.company_id, claim.claim_date, claim.partner_id.ids
                )
                items = engine._read_items(condition)
                engine._attach_history(items, claim.claim_date)
                for outcome in engine._compute(items, claim.claim_date):
                    currency = self.env["res.currency"].browse(outcome.item.currency_id)
                    penalty += currency._convert(
                        float(outcome.result.amount),
                        claim.currency_id,
                        claim.company_id,
                        claim.claim_date,
                    )
            fee = sum(
                fees.filtered(
                    lambda charge, c=claim: charge.collection_claim_id == c
                ).mapped("amount")
            )
            claim.ar_penalty_amount = claim.currency_id.round(penalty)
            claim.ar_fee_amount = fee
            claim.ar_grand_total = claim.amount_total + claim.ar_penalty_amount + fee
