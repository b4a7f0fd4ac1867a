from odoo import fields, models
from odoo.tools.misc import formatLang


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
    formula = fields.Char(
        help="Formula of the line in words (base, rate, days), as computed.",
    )
    formula_text = fields.Char(
        string="Calculation",
        compute="_compute_formula_text",
        help="The formula with the line's figures.",
    )
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        selection=[
            ("to_charge", "To Charge"),
            ("charged", "Charged"),
            ("waived", "Waived"),
        ],
        compute="_compute_state",
    )

    def _compute_formula_text(self):
        for line in self:
            if line.line_type != "period" or not line.formula:
                line.formula_text = False
                continue
            parts = []
            for token in line.formula.split():
                if token == "base":
                    parts.append(formatLang(self.env, line.base))
                elif token == "days":
                    parts.append(str(line.days))
                elif token.endswith("%"):
                    parts.append(
                        formatLang(self.env, line.rate, digits=4)
                        .rstrip("0")
                        .rstrip(",.")
                        + " %"
                    )
                elif token in ("×", "/") or token.isdigit():
                    parts.append(token)
                else:
                    parts.append(formatLang(self.env, line.rate))
            line.formula_text = " ".join(parts)

    def _compute_state(self):
        for line in self:
            if not line.charge_id:
                line.state = "to_charge"
            else:
                line.state = line.charge_id.state == "waived" and "waived" or "charged"
