from odoo import fields, models

from .ar_collection_policy import CHANNELS


class ArCollectionClaim(models.Model):
    """One reminder for one customer, company, stage, channel and date.

    The row is inserted before the message is queued, under a unique key, so
    a second run or a concurrent worker cannot send the same reminder again.
    """

    _name = "ar.collection.claim"
    _description = "Collection Reminder"
    _order = "claim_date desc, id desc"
    _rec_name = "stage_id"
    _check_company_auto = True

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
    stage_id = fields.Many2one(
        comodel_name="ar.collection.stage",
        required=True,
        index=True,
        readonly=True,
        ondelete="restrict",
    )
    channel = fields.Selection(selection=CHANNELS, required=True, readonly=True)
    claim_date = fields.Date(
        string="Date",
        required=True,
        readonly=True,
        help="As-of date of the run, in the company's time zone.",
    )
    state = fields.Selection(
        selection=[("queued", "Queued"), ("failed", "Failed")],
        required=True,
        default="queued",
        readonly=True,
        help="Queued: the message is in Odoo's outgoing mail queue. Failed: "
        "nothing was sent, see the reason.",
    )
    failure_reason = fields.Text(readonly=True)
    message_id = fields.Many2one(
        comodel_name="mail.message",
        readonly=True,
        ondelete="set null",
    )
    recipient_ids = fields.Many2many(
        comodel_name="res.partner",
        relation="ar_collection_claim_recipient_rel",
        column1="claim_id",
        column2="partner_id",
        string="Recipients",
        readonly=True,
    )
    line_ids = fields.One2many(
        comodel_name="ar.collection.claim.line",
        inverse_name="claim_id",
        string="Items",
        readonly=True,
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id",
        string="Company Currency",
    )
    amount_total = fields.Monetary(
        string="Total Overdue",
        readonly=True,
        help="Sum of the listed residuals in company currency, net of open "
        "credits when the company nets them.",
    )
    max_days_overdue = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "claim_unique",
            "UNIQUE(partner_id, company_id, stage_id, channel, claim_date)",
            "This reminder has already been claimed for that date.",
        ),
    ]


class ArCollectionClaimLine(models.Model):
    """An overdue item as it stood when the reminder was made."""

    _name = "ar.collection.claim.line"
    _description = "Collection Reminder Item"
    _order = "date_maturity, id"

    claim_id = fields.Many2one(
        comodel_name="ar.collection.claim",
        required=True,
        index=True,
        ondelete="cascade",
    )
    move_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Journal Item",
        required=True,
        index=True,
        ondelete="cascade",
    )
    move_id = fields.Many2one(
        related="move_line_id.move_id",
        string="Document",
        store=True,
        index=True,
    )
    name = fields.Char(string="Number", required=True)
    date = fields.Date(required=True)
    date_maturity = fields.Date(string="Due Date", required=True)
    currency_id = fields.Many2one(comodel_name="res.currency", required=True)
    amount = fields.Monetary(help="Original amount of the item.")
    residual = fields.Monetary(help="Amount open on the reminder's date.")
    company_currency_id = fields.Many2one(
        related="claim_id.currency_id",
        string="Company Currency",
    )
    residual_company = fields.Monetary(
        string="Residual in Company Currency",
        currency_field="company_currency_id",
    )
    days_overdue = fields.Integer()
