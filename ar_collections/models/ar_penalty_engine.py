"""Penalties of receivable items, read and computed in batches.

The engine reads everything a batch of items needs in a fixed number of
queries (items, partial reconciliations, disputes, charges, credits, rules
and rates), computes each item with :func:`compute_penalty` and returns
plain results. Storing and charging are done by the callers.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .ar_calendar_day import is_working_day
from .ar_penalty_calc import PenaltyLine, PenaltyRateMissing, compute_penalty

_logger = logging.getLogger(__name__)

# Longest run of non-working days searched when a due date moves (art. 193).
DUE_DATE_SHIFT_DAYS = 31


@dataclass
class PenaltyItem:
    """A positive receivable journal item with what its penalty depends on."""

    line_id: int
    move_id: int
    move_name: str
    partner_id: int
    company_id: int
    currency_id: int
    due_date: date
    principal: Decimal
    residual: Decimal
    rule_id: int | None
    payments: list = field(default_factory=list)
    disputes: list = field(default_factory=list)
    last_charged: date | None = None
    charged: Decimal = Decimal(0)
    paid_on: date | None = None


@dataclass
class PenaltyOutcome:
    """The uncharged penalty of one item as of a date."""

    item: PenaltyItem
    rule_id: int
    result: object
    as_of: date


def outcome_lines(outcome):
    """Return (line type, :class:`PenaltyLine`) pairs of an outcome.

    When the cap or the minimum amount changed the total, a last line of
    type ``cap`` or ``minimum`` carries the difference, so the lines add up
    to the outcome's amount.
    """
    result = outcome.result
    pairs = [("period", line) for line in result.lines]
    difference = result.amount - sum(line.amount for line in result.lines)
    if result.lines and difference:
        last_day = result.lines[-1].date_to
        pairs.append(
            (
                "minimum" if result.below_minimum else "cap",
                PenaltyLine(
                    date_from=last_day,
                    date_to=last_day,
                    days=0,
                    base=Decimal(0),
                    rate=Decimal(0),
                    formula="",
                    amount=difference,
                ),
            )
        )
    return pairs


class ArPenaltyEngine(models.AbstractModel):
    _name = "ar.penalty.engine"
    _description = "Late-Payment Penalty Engine"

    # Reading

    def _read_items(self, condition):
        """Return :class:`PenaltyItem` objects for the items matching ``condition``.

        ``condition`` is an :class:`SQL` filter on ``aml`` (the journal item)
        and ``move``. Penalty invoices never enter a penalty base.
        """
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT aml.id,
                       aml.move_id,
                       move.name,
                       partner.commercial_partner_id,
                       aml.company_id,
                       COALESCE(aml.currency_id, aml.company_currency_id),
                       COALESCE(aml.date_maturity, aml.date),
                       aml.amount_currency,
                       aml.amount_residual_currency,
                       COALESCE(
                           move.ar_penalty_rule_id,
                           (commercial.ar_penalty_rule_id
                                ->> aml.company_id::text)::int,
                           company.ar_penalty_rule_id
                       )
                  FROM account_move_line aml
                  JOIN account_move move ON move.id = aml.move_id
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN res_partner commercial
                    ON commercial.id = partner.commercial_partner_id
                  JOIN res_company company ON company.id = aml.company_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.balance > 0
                   AND NOT COALESCE(move.ar_is_penalty_invoice, FALSE)
                   AND %s
                 ORDER BY aml.id
                """,
                condition,
            )
        )
        return [
            PenaltyItem(
                line_id=row[0],
                move_id=row[1],
                move_name=row[2],
                partner_id=row[3],
                company_id=row[4],
                currency_id=row[5],
                due_date=row[6],
                principal=Decimal(str(row[7])),
                residual=Decimal(str(row[8])),
                rule_id=row[9],
            )
            for row in self.env.cr.fetchall()
        ]

    def _attach_history(self, items, as_of):
        """Add payments, disputes and charges to ``items`` (three queries)."""
        if not items:
            return
        by_line = {item.line_id: item for item in items}
        line_ids = list(by_line)
        move_ids = list({item.move_id for item in items})

        self.env.cr.execute(
            """
            SELECT debit_move_id, max_date, debit_amount_currency
              FROM account_partial_reconcile
             WHERE debit_move_id = ANY(%s)
             ORDER BY max_date, id
            """,
            [line_ids],
        )
        for line_id, day, amount in self.env.cr.fetchall():
            item = by_line[line_id]
            item.payments.append((day, Decimal(str(amount))))
        for item in items:
            if item.residual <= 0 and item.payments:
                item.paid_on = item.payments[-1][0]

        self.env.cr.execute(
            """
            SELECT move_id, date_start, date_end
              FROM ar_dispute
             WHERE move_id = ANY(%s)
            """,
            [move_ids],
        )
        disputes = defaultdict(list)
        for move_id, date_start, date_end in self.env.cr.fetchall():
            disputes[move_id].append((date_start, date_end or date.max))
        for item in items:
            item.disputes = disputes.get(item.move_id, [])

        self.env.cr.execute(
            """
            SELECT move_line_id, MAX(date_to), SUM(amount)
              FROM ar_penalty_charge
             WHERE move_line_id = ANY(%s)
               AND kind = 'interest'
               AND state IN ('charged', 'waived')
             GROUP BY move_line_id
            """,
            [line_ids],
        )
        for line_id, last_day, amount in self.env.cr.fetchall():
            item = by_line[line_id]
            item.last_charged = last_day
            item.charged = Decimal(str(amount))

    def _attach_credits(self, items):
        """Count open credits as payments of the oldest due items (one query).

        Each open credit note or unmatched payment of the customer, in the
        item's company and currency, lowers the base of the positive items
        from the credit's date, oldest due date first, up to their residual.
        """
        partner_ids = list({item.partner_id for item in items})
        self.env.cr.execute(
            """
            SELECT partner.commercial_partner_id, aml.company_id,
                   COALESCE(aml.currency_id, aml.company_currency_id),
                   aml.date, -aml.amount_residual_currency
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.amount_residual_currency < 0
               AND partner.commercial_partner_id = ANY(%s)
             ORDER BY aml.date, aml.id
            """,
            [partner_ids],
        )
        credits = defaultdict(list)
        for partner_id, company_id, currency_id, day, amount in self.env.cr.fetchall():
            credits[(partner_id, company_id, currency_id)].append(
                [day, Decimal(str(amount))]
            )

        groups = defaultdict(list)
        for item in items:
            if item.residual > 0:
                groups[(item.partner_id, item.company_id, item.currency_id)].append(
                    item
                )
        for key, group in groups.items():
            remaining = {item.line_id: item.residual for item in group}
            for credit in credits.get(key, []):
                for item in sorted(group, key=lambda i: (i.due_date, i.line_id)):
                    applied = min(credit[1], remaining[item.line_id])
                    if applied <= 0:
                        continue
                    item.payments.append((credit[0], applied))
                    remaining[item.line_id] -= applied
                    credit[1] -= applied

    # Computing

    def _compute(self, items, as_of):
        """Return a :class:`PenaltyOutcome` per item that has a rule.

        Raise UserError naming the invoice, the rule and the date when a rate
        is missing for a day that accrues.
        """
        rules = self.env["ar.penalty.rule"].browse(
            {item.rule_id for item in items if item.rule_id}
        )
        rows_by_rule = {rule.id: rule._get_rate_table_rows() for rule in rules}
        rule_by_id = {rule.id: rule for rule in rules}
        if any(rule.net_credits for rule in rules):
            self._attach_credits(
                [
                    item
                    for item in items
                    if item.rule_id and rule_by_id[item.rule_id].net_credits
                ]
            )
        shifts = self._due_date_shifts(items, rule_by_id)

        outcomes = []
        for item in items:
            rule = rule_by_id.get(item.rule_id)
            if not rule:
                continue
            outcomes.append(
                self._compute_item(item, rule, rows_by_rule[rule.id], as_of, shifts)
            )
        return outcomes

    def _compute_item(self, item, rule, rows, as_of, shifts):
        end = min(as_of, item.paid_on) if item.paid_on else as_of
        rate_date = None
        if rule.method == "rate_fraction":
            if rule.rate_date_mode == "payment":
                rate_date = end
            elif rule.rate_date_mode == "fixed":
                rate_date = rule.rate_date

        due_date = shifts.get((item.company_id, item.due_date), item.due_date)
        if not rule.shift_due_date:
            due_date = item.due_date
        start = item.last_charged + timedelta(days=1) if item.last_charged else None
        excluded = item.disputes if rule.exclude_disputes else ()
        try:
            result = compute_penalty(
                item.principal,
                due_date,
                end,
                rule._get_calc_rule(rate_date=rate_date, rows=rows),
                payments=item.payments,
                excluded=excluded,
                start=start,
                cap_used=item.charged,
            )
        except PenaltyRateMissing as error:
            raise UserError(
                self.env._(
                    "No rate applies on %(date)s for the penalty of %(invoice)s "
                    "under rule %(rule)s. Add a rate in force on that date to "
                    "the rate table, or choose another rate table on the rule.",
                    date=error.day.isoformat(),
                    invoice=item.move_name,
                    rule=rule.name,
                )
            ) from error
        return PenaltyOutcome(item=item, rule_id=rule.id, result=result, as_of=end)

    def _due_date_shifts(self, items, rule_by_id):
        """Return {(company id, due date): next working day} for art. 193 rules."""
        wanted = defaultdict(set)
        for item in items:
            rule = rule_by_id.get(item.rule_id)
            if rule and rule.shift_due_date:
                wanted[item.company_id].add(item.due_date)

        shifts = {}
        for company_id, days in wanted.items():
            company = self.env["res.company"].browse(company_id)
            first, last = min(days), max(days) + timedelta(days=DUE_DATE_SHIFT_DAYS)
            holidays, working_days = self.env["ar.calendar.day"]._ar_exceptions(
                company.country_id, first, last
            )
            for day in days:
                shifted = day
                while not is_working_day(shifted, holidays, working_days):
                    shifted += timedelta(days=1)
                shifts[(company_id, day)] = shifted
        return shifts
