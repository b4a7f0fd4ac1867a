"""Payment-discipline score, risk segment and dynamic credit limit per customer.

The history behind the score is defined in :mod:`.ar_credit_score_sql`.
"""

import logging
from collections import defaultdict

from odoo import api, fields, models

from .ar_credit_score_sql import read_payment_figures

_logger = logging.getLogger(__name__)

BATCH_SIZE_PARAM = "ar_collections.credit_score_batch_size"
DEFAULT_BATCH_SIZE = 500


class ArCreditScore(models.Model):
    """Latest payment-discipline score of a customer in a company."""

    _name = "ar.credit.score"
    _description = "Payment Discipline Score"
    _order = "company_id, score desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, index=True, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Scoring Date", readonly=True)
    scored = fields.Boolean(
        readonly=True,
        help="False when no item was due in the 365 days before the scoring "
        "date, so there is no score and no segment.",
    )
    score = fields.Float(digits=(5, 2), readonly=True, aggregator="avg")
    segment_id = fields.Many2one(
        comodel_name="ar.credit.segment",
        ondelete="set null",
        readonly=True,
        index=True,
    )
    item_count = fields.Integer(
        string="Items Due",
        readonly=True,
        help="Receivable items due in the 365 days before the scoring date.",
    )
    on_time_count = fields.Integer(
        string="Paid on Time",
        readonly=True,
        help="Items due fully settled on or before their due date.",
    )
    on_time_share = fields.Float(
        string="On Time (%)", digits=(5, 2), readonly=True, aggregator="avg"
    )
    avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(10, 2),
        readonly=True,
        aggregator="avg",
        help="Per item due: settle date minus due date for items paid late, "
        "scoring date minus due date for items still open, 0 for items paid "
        "on time.",
    )
    weighted_days_late = fields.Float(
        digits=(10, 2),
        readonly=True,
        aggregator="avg",
        help="Days late of the items due, weighted by their amounts.",
    )
    overdue_amount = fields.Monetary(
        string="Overdue",
        currency_field="currency_id",
        readonly=True,
        help="Residual of every item past its due date and not settled on the "
        "scoring date, gross of open credits.",
    )
    overdue_count = fields.Integer(string="Overdue Items", readonly=True)
    max_days_overdue = fields.Integer(readonly=True)
    broken_promise_count = fields.Integer(
        string="Broken Promises",
        readonly=True,
        help="Broken promises to pay with a payment date in the 365 days "
        "before the scoring date.",
    )
    invoiced_amount = fields.Monetary(
        string="Invoiced in 365 Days",
        currency_field="currency_id",
        readonly=True,
        help="Positive receivable items dated in the 365 days up to the "
        "scoring date.",
    )
    avg_monthly_invoiced = fields.Monetary(
        string="Average Monthly Invoiced",
        currency_field="currency_id",
        readonly=True,
    )
    credit_limit = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Credit limit after the scoring. 0 means no limit.",
    )
    exposure = fields.Monetary(
        string="Credit Exposure",
        currency_field="currency_id",
        readonly=True,
        help="Posted receivables, draft invoices and orders to invoice on the "
        "day of the scoring, whatever the scoring date.",
    )

    _sql_constraints = [
        (
            "partner_company_unique",
            "UNIQUE(partner_id, company_id)",
            "A customer has one score per company.",
        ),
    ]

    # Scheduled scoring

    @api.model
    def _cron_compute_scores(self, batch_size=None):
        """Score one batch of the customers not yet scored today, and report progress.

        Each company scores as of its local date. Customers are those with a
        posted receivable item in the company. Ir.cron calls the job again
        while customers remain, so a second run on the same day scores
        nobody.
        """
        batch_size = batch_size or self._get_batch_size()
        pending = []
        for company in self.env["res.company"].sudo().search([]):
            today = company._ar_local_today()
            pending.extend(
                (company, today, partner_id)
                for partner_id in self._get_unscored_partners(company, today)
            )

        batch = pending[:batch_size]
        by_company = defaultdict(list)
        for company, today, partner_id in batch:
            by_company[(company, today)].append(partner_id)
        for (company, today), partner_ids in by_company.items():
            self._score_batch(company, partner_ids, today)

        remaining = len(pending) - len(batch)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        _logger.info(
            "Credit scoring processed %s customers, %s remaining",
            len(batch),
            remaining,
        )
        return {"done": len(batch), "remaining": remaining}

    def _get_batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAM)
        try:
            size = int(value or DEFAULT_BATCH_SIZE)
        except ValueError:
            size = 0
        if size <= 0:
            _logger.warning(
                "Ignoring system parameter %s=%r: not a positive integer",
                BATCH_SIZE_PARAM,
                value,
            )
            size = DEFAULT_BATCH_SIZE
        return size

    def _get_unscored_partners(self, company, day):
        """Return the ids of the customers of ``company`` not scored as of ``day``."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT partner.commercial_partner_id
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.company_id = %(company)s
               AND aml.date <= %(day)s
               AND NOT EXISTS (
                   SELECT 1
                     FROM ar_credit_score score
                    WHERE score.partner_id = partner.commercial_partner_id
                      AND score.company_id = %(company)s
                      AND score.date = %(day)s)
             ORDER BY 1
            """,
            {"company": company.id, "day": day},
        )
        return [row[0] for row in self.env.cr.fetchall()]

    # Scoring of a batch

    @api.model
    def _score_batch(self, company, partner_ids, as_of):
        """Score, segment and limit the customers ``partner_ids`` as of ``as_of``.

        Stores one score per customer, sets the credit limit of customers
        whose segment has a dynamic limit rule, and records each segment or
        limit change in ``ar.credit.score.history``. Values equal to the
        stored ones are not written, so scoring twice changes nothing the
        second time. The queries do not depend on the number of customers,
        except one partner write per distinct new credit limit.
        Runs as superuser, because scores, history and credit limits are
        system records; callers check who may start it.
        Returns the score records.
        """
        return self.sudo()._score_batch_sudo(company, list(partner_ids), as_of)

    def _score_batch_sudo(self, company, partner_ids, as_of):
        self.env.flush_all()
        figures_by_partner = read_payment_figures(
            self.env.cr, company, partner_ids, as_of
        )
        exposures = self.env["ar.credit.exposure"]._get_exposures(company, partner_ids)

        segments = self.env["ar.credit.segment"].search(
            [("company_id", "=", company.id)]
        )
        scores = {
            score.partner_id.id: score
            for score in self.search(
                [("company_id", "=", company.id), ("partner_id", "in", partner_ids)]
            )
        }
        partners = self.env["res.partner"].with_company(company).browse(partner_ids)

        currency = company.currency_id
        new_vals = []
        history_vals = []
        partners_by_limit = defaultdict(list)
        for partner in partners:
            figures = figures_by_partner[partner.id]
            score = figures.score
            segment = segments._find_for_score(score)
            old_limit = partner.credit_limit
            new_limit = (
                segment._compute_limit(figures.avg_monthly_invoiced)
                if segment
                else None
            )
            limit_changed = (
                new_limit is not None
                and currency.compare_amounts(new_limit, old_limit) != 0
            )
            if limit_changed:
                partners_by_limit[new_limit].append(partner.id)
            limit = new_limit if limit_changed else old_limit

            vals = self._score_values(
                currency, figures, segment, limit, exposures[partner.id]
            )
            vals["date"] = as_of
            record = scores.get(partner.id)
            old_segment = record.segment_id if record else segments.browse()
            if record:
                changed = {
                    name: value
                    for name, value in vals.items()
                    if record._value_for_compare(name) != value
                }
                if changed:
                    record.write(changed)
            else:
                new_vals.append(
                    dict(vals, partner_id=partner.id, company_id=company.id)
                )

            if old_segment != segment or limit_changed:
                history_vals.append(
                    {
                        "date": as_of,
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "score": score or 0.0,
                        "old_segment_id": old_segment.id,
                        "segment_id": segment.id,
                        "old_limit": old_limit,
                        "new_limit": limit,
                        "limit_changed": limit_changed,
                    }
                )

        for limit, ids in partners_by_limit.items():
            partners.browse(ids).write({"credit_limit": limit})
        created = self.create(new_vals)
        self.env["ar.credit.score.history"].create(history_vals)
        self.env.flush_all()

        _logger.info(
            "Credit scoring of company %s as of %s: %s customers, %s new scores, "
            "%s segment or limit changes, %s credit limits set",
            company.id,
            as_of,
            len(partner_ids),
            len(created),
            len(history_vals),
            sum(len(ids) for ids in partners_by_limit.values()),
        )
        return created | self.browse([record.id for record in scores.values()])

    def _score_values(self, currency, figures, segment, limit, exposure):
        """Return the stored values of a score from its figures."""
        score = figures.score
        return {
            "scored": score is not None,
            "score": score or 0.0,
            "segment_id": segment.id,
            "item_count": figures.item_count,
            "on_time_count": figures.on_time_count,
            "on_time_share": round(figures.on_time_share, 2),
            "avg_days_late": round(figures.avg_days_late, 2),
            "weighted_days_late": round(figures.weighted_days_late, 2),
            "overdue_amount": currency.round(figures.overdue_amount),
            "overdue_count": figures.overdue_count,
            "max_days_overdue": figures.max_days_overdue,
            "broken_promise_count": figures.broken_promise_count,
            "invoiced_amount": currency.round(figures.invoiced_amount),
            "avg_monthly_invoiced": currency.round(figures.avg_monthly_invoiced),
            "credit_limit": limit,
            "exposure": currency.round(exposure.total),
        }

    def _value_for_compare(self, name):
        """Return the stored value of ``name`` in the form of :meth:`_score_values`."""
        value = self[name]
        if self._fields[name].type == "many2one":
            return value.id
        return value
