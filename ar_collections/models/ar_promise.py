import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, float_compare, format_date

_logger = logging.getLogger(__name__)


class ArPromise(models.Model):
    """A customer's promise to pay an amount by a date.

    While it is open, the collection run leaves the promised invoice (or the
    whole customer, when no invoice is given) alone. The promise is kept once
    payments of at least the amount were matched with the promised items
    between the day of the promise and its date. If that has not happened by
    the first run after the date, the promise is broken and the customer
    escalates.
    """

    _name = "ar.promise"
    _description = "Promise to Pay"
    _order = "date_due desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        index=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'not in', ('paid', 'in_payment', 'reversed'))]",
        help="Leave empty for a promise that covers all the customer's open "
        "invoices.",
    )
    amount = fields.Monetary(
        required=True, help="Amount promised, in company currency."
    )
    date_promised = fields.Date(
        string="Promised On",
        required=True,
        default=fields.Date.context_today,
    )
    date_due = fields.Date(string="Pay By", required=True)
    state = fields.Selection(
        selection=[
            ("open", "Open"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="open",
        readonly=True,
    )
    amount_paid = fields.Monetary(
        readonly=True,
        help="Payments matched with the promised items from the promise day "
        "to its date, as of the last check.",
    )
    note = fields.Text()
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Recorded By",
        default=lambda self: self.env.user,
        readonly=True,
    )

    @api.constrains("amount", "date_promised", "date_due", "move_id", "partner_id")
    def _check_values(self):
        for promise in self:
            if float_compare(promise.amount, 0.0, precision_digits=2) <= 0:
                raise ValidationError(
                    self.env._(
                        "The promised amount %(amount)s is not positive. Enter "
                        "the amount the customer promised to pay.",
                        amount=promise.amount,
                    )
                )
            if promise.date_due < promise.date_promised:
                raise ValidationError(
                    self.env._(
                        "The payment date %(due)s is before the day of the "
                        "promise %(promised)s. Enter a later payment date.",
                        due=format_date(self.env, promise.date_due),
                        promised=format_date(self.env, promise.date_promised),
                    )
                )
            move = promise.move_id
            if move and move.commercial_partner_id != promise.partner_id:
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s belongs to %(owner)s, not to "
                        "%(customer)s. Choose an invoice of this customer.",
                        invoice=move.display_name,
                        owner=move.commercial_partner_id.display_name,
                        customer=promise.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": promise.partner_id.id,
                    "company_id": promise.company_id.id,
                    "event_type": "promise",
                    "channel": "manual",
                    "promise_id": promise.id,
                    "move_id": promise.move_id.id,
                    "result": promise._summary(),
                    "description": promise.note,
                }
                for promise in promises
            ]
        )
        return promises

    def _summary(self):
        self.ensure_one()
        summary = self.env._(
            "%(amount)s by %(date)s",
            amount=self.currency_id.format(self.amount),
            date=format_date(self.env, self.date_due),
        )
        if self.move_id:
            summary = f"{summary} ({self.move_id.name})"
        return summary

    def action_cancel(self):
        self.filtered(lambda promise: promise.state == "open").write(
            {"state": "cancelled"}
        )

    def _get_paid_amounts(self):
        """Return {promise id: amount matched with its items in its period}."""
        if not self:
            return {}
        query = SQL(
            """
            SELECT promise.id, COALESCE(SUM(apr.amount), 0.0)
              FROM ar_promise promise
              JOIN account_move_line aml
                ON aml.company_id = promise.company_id
               AND aml.parent_state = 'posted'
               AND aml.balance > 0
              JOIN account_account account
                ON account.id = aml.account_id
               AND account.account_type = 'asset_receivable'
              JOIN res_partner partner ON partner.id = aml.partner_id
              JOIN account_partial_reconcile apr
                ON apr.debit_move_id = aml.id
               AND apr.max_date BETWEEN promise.date_promised AND promise.date_due
             WHERE promise.id IN %s
               AND partner.commercial_partner_id = promise.partner_id
               AND (promise.move_id IS NULL OR aml.move_id = promise.move_id)
             GROUP BY promise.id
            """,
            tuple(self.ids),
        )
        self.flush_model()
        return dict(self.env.execute_query(query))

    @api.model
    def _check_due_promises(self, company, partner_ids, as_of_date):
        """Settle the open promises of these customers that are paid or past due.

        Return the customers whose promise broke, so the run escalates them.
        """
        promises = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", list(partner_ids)),
                ("state", "=", "open"),
                ("date_promised", "<=", as_of_date),
            ]
        )
        paid = promises._get_paid_amounts()
        broken_partners = self.env["res.partner"]
        events = []
        for promise in promises:
            amount_paid = paid.get(promise.id, 0.0)
            rounding = promise.currency_id.rounding
            kept = (
                float_compare(amount_paid, promise.amount, precision_rounding=rounding)
                >= 0
            )
            if not kept and as_of_date <= promise.date_due:
                continue
            state = "kept" if kept else "broken"
            promise.write({"state": state, "amount_paid": amount_paid})
            if not kept:
                broken_partners |= promise.partner_id
            events.append(
                {
                    "partner_id": promise.partner_id.id,
                    "company_id": promise.company_id.id,
                    "event_type": f"promise_{state}",
                    "channel": "system",
                    "promise_id": promise.id,
                    "move_id": promise.move_id.id,
                    "result": self.env._(
                        "%(paid)s paid of %(promised)s",
                        paid=promise.currency_id.format(amount_paid),
                        promised=promise._summary(),
                    ),
                }
            )
        if events:
            self.env["ar.collection.event"]._log(events)
            _logger.info(
                "Settled %s promises to pay in company %s: %s broken",
                len(events),
                company.id,
                len(broken_partners),
            )
        return broken_partners

    @api.model
    def _get_open_promises(self, company, partner_ids, as_of_date):
        """Return open promises of these customers still running on ``as_of_date``."""
        return self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", list(partner_ids)),
                ("state", "=", "open"),
                ("date_promised", "<=", as_of_date),
                ("date_due", ">=", as_of_date),
            ]
        )
