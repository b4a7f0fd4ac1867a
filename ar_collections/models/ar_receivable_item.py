from odoo import api, fields, models

from .ar_aging_buckets import aging_bucket_labels, parse_aging_limits
from .ar_aging_sql import (
    as_of_date_for_query,
    receivable_depends,
    receivable_items_sql,
)


class ArReceivableItem(models.Model):
    """A receivable journal item open as of a date.

    Read-only view computed on every read for the as-of date in the context
    (key ``ar_as_of_date``, default today).
    """

    _name = "ar.receivable.item"
    _description = "Open Receivable Item"
    _auto = False
    _order = "date_maturity, id"
    _rec_name = "move_id"
    _depends = receivable_depends()

    move_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Journal Item",
        readonly=True,
    )
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Document",
        readonly=True,
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
        help="Commercial partner of the journal item.",
    )
    invoice_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Invoice Address",
        readonly=True,
    )
    debtor_id = fields.Many2one(
        comodel_name="ar.debtor",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        readonly=True,
    )
    company_currency_id = fields.Many2one(
        comodel_name="res.currency",
        readonly=True,
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        string="Item Currency",
        readonly=True,
    )
    date = fields.Date(readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    as_of_date = fields.Date(string="As of", readonly=True)
    balance = fields.Monetary(
        string="Amount",
        currency_field="company_currency_id",
        readonly=True,
    )
    amount_currency = fields.Monetary(
        string="Amount in Item Currency",
        currency_field="currency_id",
        readonly=True,
    )
    residual = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="Amount still open on the as-of date, in company currency.",
    )
    residual_currency = fields.Monetary(
        string="Residual in Item Currency",
        currency_field="currency_id",
        readonly=True,
    )
    net_residual = fields.Monetary(
        currency_field="company_currency_id",
        readonly=True,
        help="Residual after open credits of the customer are applied to its "
        "items, oldest due date first. Equals the residual when the company "
        "does not net open credits.",
    )
    days_overdue = fields.Integer(
        readonly=True,
        aggregator="max",
        help="As-of date minus due date. An item due on the as-of date is "
        "0 days overdue.",
    )
    is_overdue = fields.Boolean(string="Overdue", readonly=True)
    aging_slot = fields.Integer(
        string="Aging Bucket Number",
        readonly=True,
        aggregator=None,
        help="0 for items not yet due, then 1 for the first overdue bucket "
        "of the company, 2 for the next, and so on.",
    )
    aging_bucket = fields.Char(
        compute="_compute_aging_bucket",
        help="Aging bucket of the item under its company's bucket limits.",
    )
    disputed = fields.Boolean(
        readonly=True,
        help="A dispute on the document is open on the as-of date.",
    )

    @property
    def _table_query(self):
        return receivable_items_sql(as_of_date_for_query(self))

    @api.depends("aging_slot", "company_id.ar_aging_limits")
    def _compute_aging_bucket(self):
        for item in self:
            if not item.aging_slot:
                item.aging_bucket = self.env._("Not due")
                continue
            limits = parse_aging_limits(self.env, item.company_id.ar_aging_limits)
            item.aging_bucket = aging_bucket_labels(self.env, limits)[
                item.aging_slot - 1
            ]

    def action_open_document(self):
        """Open the invoice, credit note or entry of this item."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    @api.depends("move_id", "date_maturity")
    def _compute_display_name(self):
        for item in self:
            item.display_name = item.move_id.display_name or str(item.id)
