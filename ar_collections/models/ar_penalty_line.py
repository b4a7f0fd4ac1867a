from odoo import fields, models


class ArPenaltyLine(models.Model):
    """One sub-period of an invoice's penalty calculation.

    Lines without a charge are the days not charged yet, rewritten by each
    recomputation. Lines of a charge keep the calculation it invoiced.
    """

    _name = "ar.penalty.line"
    _description = "Penalty Calculation Line"
    _order = "move_id, date_from, id"

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
    )
    move_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Receivable Item",
        required=True,
        index=True,
        ondelete="cascade",
    )
    charge_id = fields.Many2one(
        comodel_name="ar.penalty.charge",
        index=True,
        ondelete="set null",
    )
    company_id = fields.Many2one(related="move_id.company_id")
    currency_id = fields.Many2one(comodel_name="res.currency", required=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    days = fields.Integer(required=True)
    base = fields.Monetary(required=True)
    rate = fields.Float(digits=(12, 4), required=True)
    line_type = fields.Selection(
        selection=[
            ("period", "Sub-period"),
            ("cap", "Cap reached"),
            ("minimum", "Below the minimum amount"),
        ],
        string="Type",
        required=True,
        default="period",
        help="Cap reached and Below the minimum amount: the adjustment that "
        "brings the sum of the lines to the penalty actually due.",
    )
    formula = fields.Char()
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        selection=[
            ("to_charge", "To Charge"),
            ("charged", "Charged"),
            ("waived", "Waived"),
        ],
        compute="_compute_state",
    )

    def _compute_state(self):
        for line in self:
            if not line.charge_id:
                line.state = "to_charge"
            else:
                line.state = line.charge_id.state == "waived" and "waived" or "charged"
