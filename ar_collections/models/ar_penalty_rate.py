import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_logger = logging.getLogger(__name__)

# A rate above this percent a year is taken for a typing error (the Bank of
# Russia key rate peaked at 20 % in 2022 and 21 % in 2024-2025).
MAX_ANNUAL_RATE = 100


class ArPenaltyRateTable(models.Model):
    """A table of interest rates in percent a year, each in force from a date."""

    _name = "ar.penalty.rate.table"
    _description = "Penalty Rate Table"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    code = fields.Selection(
        selection=[
            ("key_rate", "Bank of Russia key rate"),
            ("refinancing", "Bank of Russia refinancing rate"),
            ("custom", "Custom"),
        ],
        required=True,
        default="custom",
        help="Key rate: the table that the refresh from the Bank of Russia "
        "updates and that article 395 interest uses from 2016-08-01.",
    )
    rate_ids = fields.One2many(
        comodel_name="ar.penalty.rate",
        inverse_name="table_id",
        string="Rates",
        copy=True,
    )
    rate_count = fields.Integer(compute="_compute_rate_count")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_unique",
            "EXCLUDE (code WITH =) WHERE (code != 'custom')",
            "There is already a table of this kind. Keep one key-rate table "
            "and one refinancing-rate table, and add rows to them.",
        ),
    ]

    @api.depends("rate_ids")
    def _compute_rate_count(self):
        for table in self:
            table.rate_count = len(table.rate_ids)

    def _get_rows(self):
        """Return the table's rows as sorted (date, percent) pairs."""
        self.ensure_one()
        return tuple(sorted((rate.date_from, rate.rate) for rate in self.rate_ids))

    @api.model
    def _get_key_rate_table(self):
        return self.with_context(active_test=False).search(
            [("code", "=", "key_rate")], limit=1
        )


class ArPenaltyRate(models.Model):
    """One rate of a table, in force from ``date_from`` until the next row."""

    _name = "ar.penalty.rate"
    _description = "Penalty Rate"
    _order = "table_id, date_from desc"
    _rec_name = "date_from"

    table_id = fields.Many2one(
        comodel_name="ar.penalty.rate.table",
        required=True,
        index=True,
        ondelete="cascade",
    )
    date_from = fields.Date(
        string="In Force From",
        required=True,
        help="First day on which this rate applies. It applies until the day "
        "before the next row's date.",
    )
    rate = fields.Float(
        string="Rate (% a year)",
        required=True,
        digits=(6, 4),
    )
    note = fields.Char(help="Source of the rate, such as the decision it comes from.")

    @api.constrains("rate")
    def _check_rate(self):
        for row in self:
            if row.rate < 0 or row.rate > MAX_ANNUAL_RATE:
                raise ValidationError(
                    self.env._(
                        "The rate %(rate)s %% from %(date)s in table %(table)s is "
                        "out of range. Enter a rate a year between 0 and %(max)s %%.",
                        rate=row.rate,
                        date=row.date_from,
                        table=row.table_id.name,
                        max=MAX_ANNUAL_RATE,
                    )
                )

    @api.constrains("table_id", "date_from")
    def _check_unique_date(self):
        for row in self:
            twins = self.search_count(
                [
                    ("table_id", "=", row.table_id.id),
                    ("date_from", "=", row.date_from),
                    ("id", "!=", row.id),
                ]
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "Table %(table)s already has a rate in force from %(date)s. "
                        "Correct that row instead of adding another one.",
                        table=row.table_id.name,
                        date=row.date_from,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        rates._recompute_penalties()
        return rates

    def write(self, vals):
        earliest = min(self.mapped("date_from"), default=None)
        result = super().write(vals)
        self._recompute_penalties(earliest)
        return result

    def unlink(self):
        tables = self.table_id
        earliest = min(self.mapped("date_from"), default=None)
        result = super().unlink()
        self.env["account.move"]._ar_penalty_recompute_for_tables(tables, earliest)
        return result

    def _recompute_penalties(self, earliest=None):
        """Recompute the uncharged penalties that these rates change.

        A rate with an earlier effective date than the stored figures can
        change penalties already shown; only the days not charged yet are
        recomputed, so charged penalty invoices stay as issued.
        """
        if not self:
            return
        dates = self.mapped("date_from")
        if earliest:
            dates.append(earliest)
        self.env["account.move"]._ar_penalty_recompute_for_tables(
            self.table_id, min(dates)
        )
