from odoo import fields, models


class ArCreditScoreHistory(models.Model):
    """Change of a customer's risk segment or credit limit at a scoring."""

    _name = "ar.credit.score.history"
    _description = "Credit Segment Change"
    _order = "date desc, id desc"
    _check_company_auto = True

    date = fields.Date(string="Scoring Date", required=True, readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    old_segment_id = fields.Many2one(
        comodel_name="ar.credit.segment",
        string="Previous Segment",
        ondelete="set null",
        readonly=True,
    )
    segment_id = fields.Many2one(
        comodel_name="ar.credit.segment",
        ondelete="set null",
        readonly=True,
    )
    old_limit = fields.Monetary(
        string="Previous Limit",
        currency_field="currency_id",
        readonly=True,
        help="0 means no limit.",
    )
    new_limit = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="0 means no limit.",
    )
    limit_changed = fields.Boolean(readonly=True)
