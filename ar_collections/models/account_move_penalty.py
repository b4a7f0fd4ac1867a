import logging
from collections import defaultdict
from decimal import Decimal

from psycopg2.extras import execute_values

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .ar_penalty_engine import outcome_lines

_logger = logging.getLogger(__name__)

# Above this many invoices, a rate change marks the penalties for the daily
# recomputation instead of recomputing them in the user's request.
RECOMPUTE_NOW_LIMIT = 2000
DEFAULT_BATCH_SIZE = 1000


class AccountMove(models.Model):
    _inherit = "account.move"

    ar_penalty_rule_id = fields.Many2one(
        comodel_name="ar.penalty.rule",
        string="Penalty Rule",
        check_company=True,
        copy=False,
        tracking=True,
        help="Late-payment penalty rule of this invoice, such as the terms of "
        "its contract. Leave empty for the customer's or the company's rule.",
    )
    ar_is_penalty_invoice = fields.Boolean(
        string="Penalty Invoice",
        readonly=True,
        copy=False,
        index=True,
        help="Invoice of late-payment penalties. It never enters a penalty "
        "base itself.",
    )
    ar_penalty_to_charge = fields.Monetary(
        string="Penalty to Charge",
        readonly=True,
        copy=False,
        help="Penalty accrued on the days not charged yet, as of the "
        "calculation date.",
    )
    ar_penalty_charged = fields.Monetary(
        string="Penalty Charged",
        readonly=True,
        copy=False,
    )
    ar_penalty_waived = fields.Monetary(
        string="Penalty Waived",
        readonly=True,
        copy=False,
    )
    ar_penalty_accrued = fields.Monetary(
        string="Penalty Accrued",
        readonly=True,
        copy=False,
        help="Charged, waived and still to charge, as of the calculation date.",
    )
    ar_penalty_date = fields.Date(
        string="Penalty Calculated On",
        readonly=True,
        copy=False,
    )
    ar_penalty_capped = fields.Boolean(
        string="Penalty Capped",
        readonly=True,
        copy=False,
    )
    ar_penalty_dirty = fields.Boolean(
        string="Penalty Out of Date",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set when a payment, dispute or rate change makes the stored "
        "penalty figures out of date.",
    )
    ar_penalty_line_ids = fields.One2many(
        comodel_name="ar.penalty.line",
        inverse_name="move_id",
        string="Penalty Calculation",
        readonly=True,
    )
    ar_penalty_charge_ids = fields.One2many(
        comodel_name="ar.penalty.charge",
        inverse_name="move_id",
        string="Penalty Charges",
        readonly=True,
    )
    ar_penalty_source_charge_ids = fields.One2many(
        comodel_name="ar.penalty.charge",
        inverse_name="penalty_move_id",
        string="Charged Penalties",
        readonly=True,
    )

    # Recomputation

    def write(self, vals):
        result = super().write(vals)
        if "ar_penalty_rule_id" in vals:
            self._ar_penalty_mark_dirty(self.ids)
        return result

    def action_ar_penalty_recompute(self):
        """Recompute the penalties of these invoices as of today."""
        self._ar_penalty_refresh()
        return True

    def _ar_penalty_refresh(self, as_of=None):
        """Compute and store the uncharged penalties of these invoices.

        ``as_of`` defaults to each company's local today.
        """
        moves = self.filtered(lambda move: not move.ar_is_penalty_invoice)
        if not moves:
            return
        engine = self.env["ar.penalty.engine"]
        for company in moves.company_id:
            company_moves = moves.filtered(
                lambda move, company=company: move.company_id == company
            )
            day = as_of or company._ar_local_today()
            items = engine._read_items(SQL("aml.move_id = ANY(%s)", company_moves.ids))
            engine._attach_history(items, day)
            outcomes = engine._compute(items, day)
            outcomes = self.env["ar.penalty.charge"]._waive_paid(outcomes, company)
            self._ar_penalty_store(company_moves.ids, outcomes, day)

    def _ar_penalty_refresh_on_stored_date(self, min_date=None):
        """Recompute these invoices as of the date of their stored figures.

        With ``min_date``, an earlier stored date moves up to it, so that a
        charge up to a past date never rewinds the figures shown. Invoices
        never computed are computed as of ``min_date``, else today.
        """
        by_date = {}
        for move in self:
            day = move.ar_penalty_date
            if min_date and (not day or day < min_date):
                day = min_date
            by_date.setdefault(day, self.browse())
            by_date[day] |= move
        for as_of, moves in by_date.items():
            moves._ar_penalty_refresh(as_of or None)

    @api.model
    def _ar_penalty_store(self, move_ids, outcomes, as_of):
        """Write the outcomes' lines and the figures of ``move_ids`` (five queries)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            "DELETE FROM ar_penalty_line WHERE move_id = ANY(%s) AND charge_id IS NULL",
            [move_ids],
        )
        rows = []
        to_charge = defaultdict(Decimal)
        capped = set()
        for outcome in outcomes:
            item = outcome.item
            to_charge[item.move_id] += outcome.result.amount
            if outcome.result.capped:
                capped.add(item.move_id)
            for line_type, line in outcome_lines(outcome):
                rows.append(
                    (
                        item.move_id,
                        item.line_id,
                        item.currency_id,
                        line_type,
                        line.date_from,
                        line.date_to,
                        line.days,
                        line.base,
                        line.rate,
                        line.formula,
                        line.amount,
                        self.env.uid,
                        self.env.uid,
                    )
                )
        if rows:
            execute_values(
                cr._obj,
                """
                INSERT INTO ar_penalty_line (
                    move_id, move_line_id, currency_id, line_type, date_from,
                    date_to, days, base, rate, formula, amount, create_uid,
                    write_uid, create_date, write_date)
                VALUES %s
                """,
                rows,
                template="(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                "NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')",
                page_size=1000,
            )

        cr.execute(
            """
            SELECT move_id,
                   SUM(amount) FILTER (WHERE state = 'charged'),
                   SUM(amount) FILTER (WHERE state = 'waived')
              FROM ar_penalty_charge
             WHERE move_id = ANY(%s) AND kind = 'interest'
             GROUP BY move_id
            """,
            [move_ids],
        )
        settled = {row[0]: (row[1] or 0, row[2] or 0) for row in cr.fetchall()}
        values = []
        for move_id in move_ids:
            charged, waived = settled.get(move_id, (0, 0))
            amount = to_charge.get(move_id, Decimal(0))
            values.append(
                (
                    move_id,
                    amount,
                    charged,
                    waived,
                    amount + Decimal(str(charged)) + Decimal(str(waived)),
                    move_id in capped,
                )
            )
        execute_values(
            cr._obj,
            """
            UPDATE account_move move
               SET ar_penalty_to_charge = data.to_charge,
                   ar_penalty_charged = data.charged,
                   ar_penalty_waived = data.waived,
                   ar_penalty_accrued = data.accrued,
                   ar_penalty_capped = data.capped,
                   ar_penalty_date = data.as_of,
                   ar_penalty_dirty = NULL
              FROM (VALUES %s) AS data(
                   id, to_charge, charged, waived, accrued, capped, as_of)
             WHERE move.id = data.id
            """,
            [row + (as_of,) for row in values],
            template="(%s, %s::numeric, %s::numeric, %s::numeric, %s::numeric, "
            "%s, %s::date)",
            page_size=1000,
        )
        self.env["account.move"].invalidate_model(
            [
                "ar_penalty_to_charge",
                "ar_penalty_charged",
                "ar_penalty_waived",
                "ar_penalty_accrued",
                "ar_penalty_capped",
                "ar_penalty_date",
                "ar_penalty_dirty",
                "ar_penalty_line_ids",
            ]
        )
        self.env["ar.penalty.line"].invalidate_model()

    @api.model
    def _ar_penalty_mark_dirty(self, move_ids):
        if not move_ids:
            return
        self.env.cr.execute(
            "UPDATE account_move SET ar_penalty_dirty = TRUE WHERE id = ANY(%s)",
            [list(move_ids)],
        )
        self.invalidate_model(["ar_penalty_dirty"])

    @api.model
    def _ar_penalty_mark_company_dirty(self, companies, partners=None):
        """Mark every invoice of ``companies`` that was ever overdue for recomputation.

        ``partners`` restricts it to these customers' invoices.

        Used when a rule or the choice of rule changes: paid invoices can owe
        a penalty for the days they were late, so they are recomputed too.
        The daily recomputation, started at once, does the work in batches.
        """
        if not companies:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE account_move move
               SET ar_penalty_dirty = TRUE
             WHERE move.company_id = ANY(%(companies)s)
               AND (%(all_partners)s OR move.commercial_partner_id = ANY(%(partners)s))
               AND move.state = 'posted'
               AND move.move_type = 'out_invoice'
               AND NOT COALESCE(move.ar_is_penalty_invoice, FALSE)
               AND EXISTS (
                    SELECT 1
                      FROM account_move_line aml
                      JOIN account_account account ON account.id = aml.account_id
                     WHERE aml.move_id = move.id
                       AND account.account_type = 'asset_receivable'
                       AND aml.balance > 0
                       AND (
                            aml.amount_residual != 0
                            OR EXISTS (
                                SELECT 1
                                  FROM account_partial_reconcile apr
                                 WHERE apr.debit_move_id = aml.id
                                   AND apr.max_date
                                       > COALESCE(aml.date_maturity, aml.date)
                            )
                       )
               )
            """,
            {
                "companies": companies.ids,
                "all_partners": partners is None,
                "partners": partners.commercial_partner_id.ids if partners else [],
            },
        )
        _logger.info(
            "Penalty rules changed in companies %s: %s invoices marked for "
            "recomputation",
            companies.ids,
            self.env.cr.rowcount,
        )
        self.invalidate_model(["ar_penalty_dirty"])
        cron = self.env.ref(
            "ar_collections.ir_cron_ar_penalty_refresh", raise_if_not_found=False
        )
        if cron:
            cron._trigger()

    @api.model
    def _ar_penalty_recompute_for_tables(self, tables, date_from):
        """Recompute the uncharged penalties of ``tables`` from ``date_from`` on.

        Invoices whose stored figures cover ``date_from`` are recomputed now,
        or marked for the daily recomputation when there are many of them.
        Days already charged stay as invoiced.
        """
        if not tables or not date_from:
            return
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT id FROM account_move
             WHERE ar_penalty_date >= %s
               AND (ar_penalty_to_charge != 0 OR amount_residual != 0)
            """,
            [date_from],
        )
        move_ids = [row[0] for row in self.env.cr.fetchall()]
        self._ar_penalty_mark_dirty(move_ids)
        if len(move_ids) <= RECOMPUTE_NOW_LIMIT:
            self.browse(move_ids)._ar_penalty_refresh_on_stored_date()
        else:
            _logger.info(
                "Rate change from %s: %s invoices marked for the daily penalty "
                "recomputation",
                date_from,
                len(move_ids),
            )

    @api.model
    def _cron_refresh_penalties(self, batch_size=None):
        """Recompute the penalties of overdue and changed invoices, batch by batch.

        Each batch is committed, so a crash loses only the batch it was in.
        """
        batch_size = batch_size or DEFAULT_BATCH_SIZE
        for company in self.env["res.company"].search([]):
            today = company._ar_local_today()
            self.env.flush_all()
            self.env.cr.execute(
                """
                SELECT DISTINCT aml.move_id
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_move move ON move.id = aml.move_id
                 WHERE aml.company_id = %s
                   AND account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.balance > 0
                   AND NOT COALESCE(move.ar_is_penalty_invoice, FALSE)
                   AND (
                        (aml.amount_residual_currency != 0
                         AND COALESCE(aml.date_maturity, aml.date) < %s)
                        OR move.ar_penalty_dirty
                        OR move.ar_penalty_date < %s AND move.ar_penalty_to_charge != 0
                   )
                 ORDER BY aml.move_id
                """,
                [company.id, today, today],
            )
            move_ids = [row[0] for row in self.env.cr.fetchall()]
            _logger.info(
                "Penalty recomputation for company %s on %s: %s invoices",
                company.id,
                today,
                len(move_ids),
            )
            for start in range(0, len(move_ids), batch_size):
                batch = self.browse(move_ids[start : start + batch_size])
                try:
                    batch._ar_penalty_refresh(today)
                except UserError as error:
                    self.env.cr.rollback()
                    _logger.warning(
                        "Penalty recomputation of invoices %s to %s failed: %s",
                        batch.ids[0],
                        batch.ids[-1],
                        error,
                    )
                    continue
                self.env.cr.commit()  # pylint: disable=invalid-commit

    # Penalty invoices

    def button_cancel(self):
        penalty_moves = self.filtered("ar_is_penalty_invoice")
        result = super().button_cancel()
        penalty_moves._ar_penalty_release()
        return result

    def button_draft(self):
        for move in self:
            if move.ar_is_penalty_invoice and move.state == "cancel":
                raise UserError(
                    self.env._(
                        "Penalty invoice %(invoice)s is cancelled and its days are "
                        "chargeable again. Charge the penalties again instead of "
                        "resetting it to draft.",
                        invoice=move.display_name,
                    )
                )
        return super().button_draft()

    def unlink(self):
        self.filtered("ar_is_penalty_invoice")._ar_penalty_release()
        return super().unlink()

    def _ar_penalty_release(self):
        """Make the days of these penalty invoices chargeable again."""
        charges = self.ar_penalty_source_charge_ids.filtered(
            lambda charge: charge.state == "charged"
        )
        if not charges:
            return
        source_moves = charges.move_id
        charges._release()
        source_moves._ar_penalty_refresh_on_stored_date()
