from odoo import api, fields, models
from odoo.tools import format_date


class ArPenaltyCharge(models.Model):
    """A claim on penalty days or a stage fee, at most once.

    An interest charge covers the days ``date_from`` to ``date_to`` of one
    receivable item. Partial unique indexes make two charges of the same
    first day, or two fees of the same collection action, impossible unless
    the earlier one was cancelled with its penalty invoice.
    """

    _name = "ar.penalty.charge"
    _description = "Penalty Charge"
    _order = "date_to desc, id desc"
    _check_company_auto = True

    kind = fields.Selection(
        selection=[
            ("interest", "Penalty"),
            ("fee", "Stage Fee"),
        ],
        required=True,
        default="interest",
        readonly=True,
    )
    state = fields.Selection(
        selection=[
            ("pending", "To Charge"),
            ("charged", "Charged"),
            ("waived", "Waived"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="pending",
        readonly=True,
        index=True,
    )
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    move_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Receivable Item",
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        readonly=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        required=True,
        readonly=True,
    )
    rule_id = fields.Many2one(
        comodel_name="ar.penalty.rule",
        readonly=True,
        ondelete="restrict",
    )
    date_from = fields.Date(string="From", readonly=True)
    date_to = fields.Date(string="To", readonly=True)
    amount = fields.Monetary(readonly=True)
    penalty_move_id = fields.Many2one(
        comodel_name="account.move",
        string="Penalty Invoice",
        index=True,
        readonly=True,
        ondelete="set null",
    )
    collection_claim_id = fields.Many2one(
        comodel_name="ar.collection.claim",
        string="Collection Action",
        index=True,
        readonly=True,
        ondelete="set null",
    )
    line_ids = fields.One2many(
        comodel_name="ar.penalty.line",
        inverse_name="charge_id",
        string="Calculation",
        readonly=True,
    )
    note = fields.Char(readonly=True)

    def init(self):
        result = super().init()
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS ar_penalty_charge_days_unique
                ON ar_penalty_charge (move_line_id, date_from)
             WHERE kind = 'interest' AND state != 'cancelled'
            """
        )
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS ar_penalty_charge_fee_unique
                ON ar_penalty_charge (collection_claim_id)
             WHERE kind = 'fee' AND state != 'cancelled'
            """
        )
        return result

    @api.depends("kind", "move_id", "date_from", "date_to", "collection_claim_id")
    def _compute_display_name(self):
        for charge in self:
            if charge.kind == "fee":
                charge.display_name = self.env._(
                    "Fee: %(action)s",
                    action=charge.collection_claim_id.display_name or "",
                )
            else:
                charge.display_name = self.env._(
                    "%(invoice)s, %(start)s to %(end)s",
                    invoice=charge.move_id.name or "",
                    start=format_date(self.env, charge.date_from),
                    end=format_date(self.env, charge.date_to),
                )

    def _release(self):
        """Make the days or fees of these charges chargeable again.

        Interest charges are cancelled and their calculation lines dropped,
        so the next recomputation counts those days as not charged. Fees go
        back to the charges waiting for a penalty invoice.
        """
        interest = self.filtered(lambda charge: charge.kind == "interest")
        interest.line_ids.unlink()
        interest.write({"state": "cancelled"})
        self.filtered(lambda charge: charge.kind == "fee").write(
            {"state": "pending", "penalty_move_id": False}
        )
