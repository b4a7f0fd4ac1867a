"""Payment-discipline figures of customers as of a date, and the score formula.

The history of a customer in a company, as of the scoring date D:

- its receivable items are the posted journal items with a positive
  balance on a receivable account, dated on or before D (invoices and
  other debits; credit notes and payments are not items);
- an item is settled as of D when the partial reconciliations with
  ``max_date`` on or before D cover its balance (to half a unit of the
  company currency's rounding), and its settle date is the latest of those
  ``max_date``;
- the scored items are those due in the 365 days before D: due date on or
  after D - 365 days and before D. Each of them is paid on time (settled
  on or before its due date), paid late (days late = settle date - due
  date) or still open and overdue (days late = D - due date);
- the current overdue is the residual as of D of every item due before D
  and not settled, whatever its due date, gross of open credits;
- broken promises are the promises to pay of the company in state
  "broken" whose payment date falls in the same 365 days. The state is the
  current one, so a past scoring date sees promises broken later.
"""

from dataclasses import dataclass

HISTORY_DAYS = 365
MONTHS_IN_HISTORY = 12

# Score out of 100: points for the share of items paid on time, for the
# amount-weighted days late (full at 0, none at LATENESS_ZERO_DAYS or more)
# and for the current overdue (full at 0, none when it reaches the amount
# of the scored items), minus points per broken promise, never below 0.
ON_TIME_POINTS = 50
LATENESS_POINTS = 30
LATENESS_ZERO_DAYS = 60
OVERDUE_POINTS = 20
BROKEN_PROMISE_POINTS = 10


@dataclass
class PaymentFigures:
    """Payment history of one customer in one company as of a date."""

    item_count: int = 0
    on_time_count: int = 0
    scored_amount: float = 0.0
    days_late_total: int = 0
    weighted_days_total: float = 0.0
    overdue_amount: float = 0.0
    overdue_count: int = 0
    max_days_overdue: int = 0
    invoiced_amount: float = 0.0
    broken_promise_count: int = 0

    @property
    def on_time_share(self):
        """Share of the scored items paid on time, in percent."""
        return 100.0 * self.on_time_count / self.item_count if self.item_count else 0.0

    @property
    def avg_days_late(self):
        """Days late per scored item, items paid on time counting 0."""
        return self.days_late_total / self.item_count if self.item_count else 0.0

    @property
    def weighted_days_late(self):
        """Days late weighted by the items' amounts."""
        if not self.scored_amount:
            return 0.0
        return self.weighted_days_total / self.scored_amount

    @property
    def avg_monthly_invoiced(self):
        return self.invoiced_amount / MONTHS_IN_HISTORY

    @property
    def score(self):
        """Score from 0 to 100, or None without any scored item."""
        if not self.item_count:
            return None
        on_time = ON_TIME_POINTS * self.on_time_count / self.item_count
        lateness = LATENESS_POINTS * max(
            0.0, 1.0 - self.weighted_days_late / LATENESS_ZERO_DAYS
        )
        overdue_ratio = (
            min(1.0, self.overdue_amount / self.scored_amount)
            if self.scored_amount
            else 1.0
        )
        overdue = OVERDUE_POINTS * (1.0 - overdue_ratio)
        promises = BROKEN_PROMISE_POINTS * self.broken_promise_count
        return round(max(0.0, on_time + lateness + overdue - promises), 2)


def read_payment_figures(cr, company, partner_ids, as_of):
    """Return {commercial partner id: PaymentFigures} as of ``as_of`` (two queries).

    Every id of ``partner_ids`` gets an entry, empty when it has no item.
    """
    figures = {partner_id: PaymentFigures() for partner_id in partner_ids}
    if not partner_ids:
        return figures
    params = {
        "as_of": as_of,
        "days": HISTORY_DAYS,
        "company": company.id,
        "partners": list(partner_ids),
        "half_rounding": company.currency_id.rounding / 2,
    }

    cr.execute(
        """
        WITH items AS (
            SELECT aml.id,
                   partner.commercial_partner_id AS partner_id,
                   aml.date,
                   COALESCE(aml.date_maturity, aml.date) AS due,
                   aml.balance AS amount
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.company_id = %(company)s
               AND aml.date <= %(as_of)s
               AND aml.balance > 0
               AND partner.commercial_partner_id = ANY(%(partners)s)
        ),
        matched AS (
            SELECT apr.debit_move_id AS line_id,
                   SUM(apr.amount) AS amount,
                   MAX(apr.max_date) AS last_date
              FROM account_partial_reconcile apr
             WHERE apr.debit_move_id IN (SELECT id FROM items)
               AND apr.max_date <= %(as_of)s
             GROUP BY apr.debit_move_id
        ),
        states AS (
            SELECT items.partner_id,
                   items.date,
                   items.due,
                   items.amount,
                   items.amount - COALESCE(matched.amount, 0.0) AS residual,
                   items.amount - COALESCE(matched.amount, 0.0)
                       < %(half_rounding)s AS settled,
                   matched.last_date
              FROM items
              LEFT JOIN matched ON matched.line_id = items.id
        ),
        measured AS (
            SELECT states.*,
                   states.due >= %(as_of)s::date - %(days)s
                       AND states.due < %(as_of)s AS scored,
                   CASE
                       WHEN states.settled
                       THEN GREATEST(COALESCE(states.last_date, states.due)
                                     - states.due, 0)
                       ELSE GREATEST(%(as_of)s::date - states.due, 0)
                   END AS days_late
              FROM states
        )
        SELECT partner_id,
               COUNT(*) FILTER (WHERE scored),
               COUNT(*) FILTER (WHERE scored AND settled AND days_late = 0),
               COALESCE(SUM(amount) FILTER (WHERE scored), 0.0),
               COALESCE(SUM(days_late) FILTER (WHERE scored), 0),
               COALESCE(SUM(amount * days_late) FILTER (WHERE scored), 0.0),
               COALESCE(SUM(residual) FILTER (
                   WHERE NOT settled AND due < %(as_of)s), 0.0),
               COUNT(*) FILTER (WHERE NOT settled AND due < %(as_of)s),
               COALESCE(MAX(days_late) FILTER (
                   WHERE NOT settled AND due < %(as_of)s), 0),
               COALESCE(SUM(amount) FILTER (
                   WHERE date > %(as_of)s::date - %(days)s), 0.0)
          FROM measured
         GROUP BY partner_id
        """,
        params,
    )
    for row in cr.fetchall():
        figures[row[0]] = PaymentFigures(*row[1:])

    cr.execute(
        """
        SELECT partner_id, COUNT(*)
          FROM ar_promise
         WHERE company_id = %(company)s
           AND state = 'broken'
           AND date_due >= %(as_of)s::date - %(days)s
           AND date_due < %(as_of)s
           AND partner_id = ANY(%(partners)s)
         GROUP BY partner_id
        """,
        params,
    )
    for partner_id, count in cr.fetchall():
        figures[partner_id].broken_promise_count = count
    return figures
