from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class ArDispute(models.Model):
    """A period during which the customer contests an invoice.

    While a dispute is open on a date, the invoice's receivable items are
    marked disputed in the reports of that date and left out of reminders.
    """

    _name = "ar.dispute"
    _description = "Invoice Dispute"
    _inherit = ["mail.thread"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_refund')), "
        "('state', '=', 'posted')]",
        tracking=True,
    )
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        related="move_id.company_id",
        store=True,
        index=True,
    )
    date_start = fields.Date(
        string="Start",
        required=True,
        default=fields.Date.context_today,
        tracking=True,
    )
    date_end = fields.Date(
        string="End",
        tracking=True,
        help="Last day of the dispute. Leave empty while the dispute is open.",
    )
    reason = fields.Text(required=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        disputes._log_event("dispute_opened")
        disputes.filtered("date_end")._log_event("dispute_closed")
        self.env["account.move"]._ar_penalty_mark_dirty(disputes.move_id.ids)
        return disputes

    def write(self, vals):
        was_open = self.filtered(lambda dispute: not dispute.date_end)
        result = super().write(vals)
        if vals.get("date_end"):
            was_open._log_event("dispute_closed")
        self.env["account.move"]._ar_penalty_mark_dirty(self.move_id.ids)
        return result

    def _log_event(self, event_type):
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": dispute.partner_id.id,
                    "company_id": dispute.company_id.id,
                    "event_type": event_type,
                    "channel": "manual",
                    "dispute_id": dispute.id,
                    "move_id": dispute.move_id.id,
                    "result": dispute.display_name
                    if event_type == "dispute_opened"
                    else self.env._(
                        "%(dispute)s, ended on %(end)s",
                        dispute=dispute.display_name,
                        end=format_date(self.env, dispute.date_end),
                    ),
                    "description": dispute.reason,
                }
                for dispute in self
            ]
        )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for dispute in self:
            if dispute.date_end and dispute.date_end < dispute.date_start:
                raise ValidationError(
                    self.env._(
                        "The dispute on %(invoice)s ends on %(end)s, before it "
                        "starts on %(start)s. Set an end date on or after the "
                        "start date.",
                        invoice=dispute.move_id.display_name,
                        end=dispute.date_end,
                        start=dispute.date_start,
                    )
                )

    @api.constrains("move_id")
    def _check_move_type(self):
        for dispute in self:
            if not dispute.move_id.is_sale_document(include_receipts=True):
                raise ValidationError(
                    self.env._(
                        "%(move)s is not a customer invoice or credit note, so it "
                        "cannot be disputed. Choose a customer invoice.",
                        move=dispute.move_id.display_name,
                    )
                )

    @api.depends("move_id", "date_start")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._(
                "Dispute on %(invoice)s from %(start)s",
                invoice=dispute.move_id.display_name or "",
                start=format_date(self.env, dispute.date_start)
                if dispute.date_start
                else "",
            )
