"""SQL for receivables as of a date, shared by the item and debtor reports.

The figures are computed on every read from the journal items and their
partial reconciliations, so nothing goes stale when the calendar moves on.
"""

from odoo import fields
from odoo.tools import SQL

AS_OF_CONTEXT_KEY = "ar_as_of_date"


def get_as_of_date(env):
    """Return the as-of date from the context, else today in the user's time zone."""
    value = env.context.get(AS_OF_CONTEXT_KEY)
    if value:
        return fields.Date.to_date(value)
    return fields.Date.context_today(env["res.users"])


def as_of_date_for_query(model):
    """Return the as-of date of ``model``'s context for building its table query.

    The ORM cache of these report models does not depend on the context, so
    when a query is built for another as-of date than the last one, the
    model's cached rows are dropped first. A record read with a new as-of
    date before any query of that date may still show cached figures.
    """
    as_of = get_as_of_date(model.env)
    cache_key = ("ar_collections.as_of_date", model._name)
    if model.env.cr.cache.get(cache_key) != as_of:
        model.invalidate_model()
        model.env.cr.cache[cache_key] = as_of
    return as_of


def receivable_items_sql(as_of_date, company_id=None, partner_ids=None):
    """Return one row per receivable journal item open as of ``as_of_date``.

    ``company_id`` and ``partner_ids`` (commercial partners) restrict the
    journal items read. The figures of a customer depend only on its own
    items in its company, so the restricted rows equal those of the full
    query, and PostgreSQL computes them without reading other customers.

    A receivable item is a posted journal item on a receivable account with a
    partner. Its residual as of D is its balance minus the partial
    reconciliations whose ``max_date`` is on or before D, in company currency
    and in the item currency. Credit notes and unmatched payments have
    negative residuals.

    ``net_residual`` is what the item counts for once open credits are
    netted (company setting ``ar_net_credits``): credits are applied to the
    positive items oldest due date first, and credit items themselves count 0.
    With netting off it equals ``residual``.
    """
    return SQL(
        """
        WITH partial_totals AS (
            SELECT line_id,
                   SUM(amount) AS amount,
                   SUM(amount_currency) AS amount_currency
              FROM (
                    SELECT apr.debit_move_id AS line_id,
                           apr.amount,
                           apr.debit_amount_currency AS amount_currency
                      FROM account_partial_reconcile apr
                     WHERE apr.max_date <= %(as_of)s
                    UNION ALL
                    SELECT apr.credit_move_id,
                           -apr.amount,
                           -apr.credit_amount_currency
                      FROM account_partial_reconcile apr
                     WHERE apr.max_date <= %(as_of)s
                   ) AS matched
             GROUP BY line_id
        ),
        company_limits AS (
            SELECT company.id AS company_id,
                   string_to_array(company.ar_aging_limits, ',')::int[] AS limits
              FROM res_company company
        ),
        receivable_lines AS (
            SELECT aml.id,
                   aml.move_id,
                   aml.partner_id AS invoice_partner_id,
                   partner.commercial_partner_id AS partner_id,
                   aml.company_id,
                   aml.company_currency_id,
                   aml.currency_id,
                   aml.date,
                   COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                   aml.balance,
                   aml.amount_currency,
                   aml.balance - COALESCE(pt.amount, 0.0) AS residual,
                   aml.amount_currency - COALESCE(pt.amount_currency, 0.0)
                       AS residual_currency,
                   company_currency.rounding AS company_rounding,
                   company.ar_net_credits AS net_credits,
                   company_limits.limits AS aging_limits
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
              JOIN res_company company ON company.id = aml.company_id
              JOIN company_limits ON company_limits.company_id = aml.company_id
              JOIN res_currency company_currency
                ON company_currency.id = aml.company_currency_id
              LEFT JOIN partial_totals pt ON pt.line_id = aml.id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.date <= %(as_of)s
               AND %(company_filter)s
               AND %(partner_filter)s
        ),
        open_lines AS (
            SELECT rl.*,
                   (%(as_of)s::date - rl.date_maturity) AS days_overdue,
                   SUM(CASE WHEN rl.residual < 0 THEN -rl.residual ELSE 0 END)
                       OVER customer AS open_credit,
                   SUM(CASE WHEN rl.residual > 0 THEN rl.residual ELSE 0 END)
                       OVER (customer ORDER BY rl.date_maturity, rl.id
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                       AS positive_running_total
              FROM receivable_lines rl
             WHERE ABS(rl.residual) >= rl.company_rounding / 2
            WINDOW customer AS (PARTITION BY rl.partner_id, rl.company_id)
        )
        SELECT ol.id,
               ol.id AS move_line_id,
               ol.move_id,
               ol.invoice_partner_id,
               ol.partner_id,
               ol.partner_id::bigint * 100000 + ol.company_id AS debtor_id,
               ol.company_id,
               ol.company_currency_id,
               ol.currency_id,
               ol.date,
               ol.date_maturity,
               %(as_of)s::date AS as_of_date,
               ol.balance,
               ol.amount_currency,
               ol.residual,
               ol.residual_currency,
               CASE
                   WHEN NOT ol.net_credits THEN ol.residual
                   WHEN ol.residual <= 0 THEN 0.0
                   ELSE ol.residual - LEAST(
                       ol.residual,
                       GREATEST(
                           0.0,
                           ol.open_credit
                           - (ol.positive_running_total - ol.residual)
                       )
                   )
               END AS net_residual,
               ol.days_overdue,
               ol.days_overdue > 0 AS is_overdue,
               -- Bucket 0 is "not due"; width_bucket counts the limits
               -- below the days overdue, so day 30 of limits 30,60 is in
               -- bucket 1 and day 31 in bucket 2.
               CASE
                   WHEN ol.days_overdue <= 0 THEN 0
                   ELSE 1 + width_bucket(ol.days_overdue - 1, ol.aging_limits)
               END AS aging_slot,
               EXISTS (
                   SELECT 1
                     FROM ar_dispute dispute
                    WHERE dispute.move_id = ol.move_id
                      AND dispute.date_start <= %(as_of)s
                      AND (dispute.date_end IS NULL
                           OR dispute.date_end >= %(as_of)s)
               ) AS disputed
          FROM open_lines ol
        """,
        as_of=as_of_date,
        company_filter=SQL("aml.company_id = %s", company_id)
        if company_id
        else SQL("TRUE"),
        partner_filter=SQL("partner.commercial_partner_id IN %s", tuple(partner_ids))
        if partner_ids
        else SQL("TRUE"),
    )


def receivable_depends():
    """Return the ``_depends`` mapping of the models that read receivable_items_sql."""
    return {
        "account.move.line": [
            "move_id",
            "partner_id",
            "company_id",
            "company_currency_id",
            "currency_id",
            "date",
            "date_maturity",
            "balance",
            "amount_currency",
            "account_id",
            "parent_state",
        ],
        "account.partial.reconcile": [
            "debit_move_id",
            "credit_move_id",
            "amount",
            "debit_amount_currency",
            "credit_amount_currency",
            "max_date",
        ],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id", "user_id"],
        "res.company": ["ar_net_credits", "ar_aging_limits"],
        "res.currency": ["rounding"],
        "ar.dispute": ["move_id", "date_start", "date_end"],
    }
