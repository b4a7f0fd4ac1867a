from odoo import api, fields, models
from odoo.tools import format_date


class ArCollectionClaim(models.Model):
    """The collection action of one customer, company and date.

    The row is inserted before any message is queued, under a unique key,
    so a second run or a concurrent worker cannot act for the customer twice
    on the same day.
    """

    _name = "ar.collection.claim"
    _description = "Collection Action"
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
    claim_date = fields.Date(
        string="Date",
        required=True,
        readonly=True,
        help="As-of date of the run, in the company's time zone.",
    )
    state = fields.Selection(
        selection=[("queued", "Queued"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="queued",
        readonly=True,
        help="Queued: the message is in Odoo's outgoing mail queue. Done: the "
        "stage sends no message and its actions were taken. Failed: a message "
        "could not be sent, see the reason; its items are tried again on the "
        "next day.",
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
        string="Amount Requested",
        readonly=True,
        help="Sum of the listed residuals in company currency, net of open "
        "credits when the company nets them.",
    )
    max_days_overdue = fields.Integer(readonly=True)
    message_body = fields.Html(
        related="message_id.body",
        string="Email",
    )

    @api.depends("partner_id", "claim_date", "stage_id")
    def _compute_display_name(self):
        for claim in self:
            claim.display_name = self.env._(
                "%(customer)s, %(date)s: %(stage)s",
                customer=claim.partner_id.display_name or "",
                date=format_date(self.env, claim.claim_date),
                stage=claim.stage_id.name or "",
            )

    _sql_constraints = [
        (
            "claim_unique",
            "UNIQUE(partner_id, company_id, claim_date)",
            "The customer already has a collection action on that date.",
        ),
    ]


class ArCollectionClaimLine(models.Model):
    """An item as it stood when the collection action was taken."""

    _name = "ar.collection.claim.line"
    _description = "Collection Action Item"
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
    days_overdue = fields.Integer(
        help="Negative for an item not yet due: -3 is due in three days."
    )
    stage_id = fields.Many2one(
        comodel_name="ar.collection.stage",
        string="Item Stage",
        index=True,
        ondelete="set null",
        help="Stage the item had reached; empty for credits.",
    )
    triggered = fields.Boolean(
        help="The item reached a new stage on this date and caused the action.",
    )
