from datetime import date
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .ar_penalty_calc import PenaltyRule
from .res_company_penalty import default_rule_names

# Article 395 of the Civil Code: from this day the key rate in force on each
# day applies; earlier days use the rate table chosen on the rule.
ART395_KEY_RATE_FROM = date(2016, 8, 1)

# Limits above which a rate is taken for a typing error.
MAX_DAILY_PERCENT = 1
MAX_ANNUAL_PERCENT = 100

METHODS = [
    ("daily_percent", "Percent per day"),
    ("daily_fixed", "Fixed amount per day"),
    ("annual", "Annual rate"),
    ("art395", "Art. 395 Civil Code interest"),
    ("rate_fraction", "Fraction of the key rate per day"),
]


class ArPenaltyRule(models.Model):
    """Method and parameters of late-payment penalties (неустойка, пени)."""

    _name = "ar.penalty.rule"
    _description = "Late-Payment Penalty Rule"
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    method = fields.Selection(
        selection=METHODS,
        required=True,
        default="daily_percent",
        help="Percent per day: contract penalty, such as 0.1 % of the overdue "
        "amount per day. Fixed amount per day: the same amount each day. "
        "Annual rate: percent a year under a day-count basis, fixed or from a "
        "rate table. Art. 395 interest: the key rate in force each day from "
        "2016-08-01, actual/actual, and the chosen table for earlier days. "
        "Fraction of the key rate: the rate divided by 300, 150 or 130 per "
        "day, by stages of the day number.",
    )
    rate = fields.Float(
        digits=(12, 4),
        help="Percent per day, amount per day (in the invoice currency) or "
        "percent a year, by method. Unused when a rate table gives the rate.",
    )
    day_count = fields.Selection(
        selection=[
            ("act_365", "Actual/365"),
            ("act_act", "Actual/Actual"),
            ("30_360", "30/360"),
        ],
        default="act_act",
        help="Actual/Actual divides the days of each calendar year by that "
        "year's length (365 or 366).",
    )
    rate_table_id = fields.Many2one(
        comodel_name="ar.penalty.rate.table",
        help="Annual rate: when set, the rate in force each day comes from "
        "this table instead of the fixed rate. Fraction of the key rate: the "
        "table of the rate to divide (the key rate by default).",
    )
    early_rate_table_id = fields.Many2one(
        comodel_name="ar.penalty.rate.table",
        default=lambda self: self.env.ref(
            "ar_collections.rate_table_refinancing", raise_if_not_found=False
        ),
        string="Rate Table before 2016-08-01",
        help="Art. 395 interest for days before 2016-08-01: the refinancing "
        "rate, or a table of average deposit rates that you enter.",
    )
    fraction_stage_ids = fields.One2many(
        comodel_name="ar.penalty.rule.stage",
        inverse_name="rule_id",
        string="Fraction Stages",
        copy=True,
    )
    rate_date_mode = fields.Selection(
        selection=[
            ("daily", "Rate in force each day"),
            ("payment", "Rate on the payment date"),
            ("fixed", "Rate on a fixed date"),
        ],
        string="Rate Applied",
        default="daily",
        help="Fraction of the key rate: which day's rate applies to the "
        "whole period. The payment date is the as-of date while the invoice "
        "is unpaid.",
    )
    rate_date = fields.Date(
        help="Day whose rate applies to the whole period, when the rule takes "
        "the rate on a fixed date.",
    )
    grace_days = fields.Integer(
        help="Days after the due date without penalty. The first accruing "
        "day is the due date plus the grace days plus one.",
    )
    retroactive = fields.Boolean(
        help="Once the grace period is over, count the penalty from the day "
        "after the due date.",
    )
    cap_type = fields.Selection(
        selection=[
            ("none", "No cap"),
            ("percent", "Percent of the invoice amount"),
            ("amount", "Amount"),
        ],
        default="none",
        required=True,
    )
    cap_value = fields.Float(string="Cap", digits=(12, 2))
    min_amount = fields.Float(
        digits=(12, 2),
        string="Minimum Amount",
        help="An item's penalty below this amount is not charged.",
    )
    rounding = fields.Selection(
        selection=[
            ("period", "Each sub-period"),
            ("total", "Total only"),
        ],
        default="period",
        required=True,
        help="Each sub-period: round every line of the calculation to the "
        "cent and add them up, as courts do.",
    )
    net_credits = fields.Boolean(
        string="Net Open Credits",
        help="Lower the base by the customer's open credit notes and "
        "unmatched payments from their date, oldest due invoice first.",
    )
    shift_due_date = fields.Boolean(
        string="Move Due Date to Working Day",
        help="A due date on a weekend or non-working day moves to the next "
        "working day of the company's calendar (art. 193 Civil Code).",
    )
    payment_day = fields.Selection(
        selection=[
            ("accrues", "Payment day still accrues"),
            ("drops", "Base drops on the payment day"),
        ],
        default="accrues",
        required=True,
        help="Accrues: the amount paid still earns a penalty on the payment "
        "day and the base drops from the next day.",
    )
    exclude_disputes = fields.Boolean(
        string="No Penalty while Disputed",
        default=True,
        help="Days inside an invoice dispute do not accrue.",
    )
    fee_amount = fields.Monetary(
        string="Fee per Collection Stage",
        help="Fixed fee charged each time the customer reaches a collection "
        "stage that charges a fee, in the company currency.",
    )
    product_id = fields.Many2one(
        comodel_name="product.product",
        default=lambda self: self.env.ref(
            "ar_collections.product_penalty", raise_if_not_found=False
        ),
        check_company=True,
        help="Product of the penalty invoice lines; its taxes apply (none on "
        "the default product).",
    )
    account_id = fields.Many2one(
        comodel_name="account.account",
        string="Income Account",
        check_company=True,
        help="Income account of the penalty invoice lines. Leave empty for "
        "the product's account.",
    )

    def _set_default_name_translations(self, langs=None):
        """Translate the names of the rules created on install into ``langs``.

        ``langs`` defaults to every installed language. Names a user changed
        are kept.
        """
        english = default_rule_names(self.with_context(lang="en_US").env)
        if langs is None:
            langs = [code for code, _label in self.env["res.lang"].get_installed()]
        for lang in langs:
            if lang == "en_US":
                continue
            names = dict(
                zip(
                    english,
                    default_rule_names(self.with_context(lang=lang).env),
                    strict=True,
                )
            )
            for rule in self.with_context(lang="en_US"):
                if rule.name in names:
                    rule.update_field_translations("name", {lang: names[rule.name]})

    def write(self, vals):
        result = super().write(vals)
        invoicing_only = {"name", "product_id", "account_id", "active", "fee_amount"}
        if set(vals) - invoicing_only:
            self.env["account.move"]._ar_penalty_mark_company_dirty(self.company_id)
        return result

    @api.constrains("method", "rate")
    def _check_rate(self):
        for rule in self:
            if rule.rate < 0:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the rate %(rate)s is negative. Enter a "
                        "rate of zero or more.",
                        rule=rule.name,
                        rate=rule.rate,
                    )
                )
            limit = {
                "daily_percent": MAX_DAILY_PERCENT,
                "annual": MAX_ANNUAL_PERCENT,
            }.get(rule.method)
            if limit is not None and rule.rate > limit:
                if rule.method == "annual":
                    example = self.env._("such as 16 for 16 % a year")
                else:
                    example = self.env._("such as 0.1 for 0.1 % per day")
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the rate %(rate)s %% is above %(limit)s %%, "
                        "which looks like a typing error. Enter the rate in "
                        "percent, %(example)s.",
                        rule=rule.name,
                        rate=rule.rate,
                        limit=limit,
                        example=example,
                    )
                )

    @api.constrains("cap_type", "cap_value", "min_amount", "grace_days", "fee_amount")
    def _check_limits(self):
        for rule in self:
            values = {
                self.env._("cap"): rule.cap_value,
                self.env._("minimum amount"): rule.min_amount,
                self.env._("grace days"): rule.grace_days,
                self.env._("fee"): rule.fee_amount,
            }
            for label, value in values.items():
                if value < 0:
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s: the %(field)s %(value)s is below zero. "
                            "Enter zero or more.",
                            rule=rule.name,
                            field=label,
                            value=value,
                        )
                    )
            if rule.cap_type != "none" and not rule.cap_value:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s has a cap of zero. Enter the cap or choose "
                        "No cap.",
                        rule=rule.name,
                    )
                )

    @api.constrains("method", "rate_table_id", "rate_date_mode", "rate_date")
    def _check_rate_source(self):
        for rule in self:
            if rule.method == "rate_fraction" and rule.rate_date_mode == "fixed":
                if not rule.rate_date:
                    raise ValidationError(
                        self.env._(
                            "Rule %(rule)s takes the rate on a fixed date. Enter "
                            "the rate date.",
                            rule=rule.name,
                        )
                    )

    def _get_rate_table_rows(self):
        """Return the rate rows that the rule reads, or an empty tuple."""
        self.ensure_one()
        key_table = self.env["ar.penalty.rate.table"]._get_key_rate_table()
        if self.method == "art395":
            key_rows = key_table._get_rows() if key_table else ()
            early_rows = (
                self.early_rate_table_id._get_rows() if self.early_rate_table_id else ()
            )
            rows = [row for row in early_rows if row[0] < ART395_KEY_RATE_FROM]
            in_force = [row for row in key_rows if row[0] <= ART395_KEY_RATE_FROM]
            if in_force:
                rows.append((ART395_KEY_RATE_FROM, in_force[-1][1]))
            rows += [row for row in key_rows if row[0] > ART395_KEY_RATE_FROM]
            return tuple(rows)
        if self.method == "rate_fraction":
            table = self.rate_table_id or key_table
            return table._get_rows()
        if self.method == "annual" and self.rate_table_id:
            return self.rate_table_id._get_rows()
        return ()

    def _get_calc_rule(self, rate_date=None, rows=None):
        """Return the :class:`PenaltyRule` of the calculation core.

        ``rate_date`` is the day whose rate applies to the whole period, for
        a fraction rule that takes the rate on one date.
        """
        self.ensure_one()
        if rows is None:
            rows = self._get_rate_table_rows()
        method = self.method
        day_count = self.day_count or "act_act"
        if method == "art395":
            method, day_count = "annual", "act_act"

        stages = tuple(
            (stage.first_day, None if stage.divisor == "none" else int(stage.divisor))
            for stage in self.fraction_stage_ids
        ) or ((1, 300),)
        cap_amount = cap_percent = None
        if self.cap_type == "amount":
            cap_amount = Decimal(str(self.cap_value))
        elif self.cap_type == "percent":
            cap_percent = Decimal(str(self.cap_value))

        return PenaltyRule(
            method=method,
            rate=Decimal(str(self.rate)),
            day_count=day_count,
            rate_table=rows,
            rate_date=rate_date,
            fraction_stages=stages,
            grace_days=self.grace_days,
            retroactive=self.retroactive,
            cap_amount=cap_amount,
            cap_percent=cap_percent,
            min_amount=Decimal(str(self.min_amount)),
            round_per_period=self.rounding == "period",
            payment_day_accrues=self.payment_day == "accrues",
        )


class ArPenaltyRuleStage(models.Model):
    """Divisor of the key rate from a day number on, for fraction rules."""

    _name = "ar.penalty.rule.stage"
    _description = "Penalty Rule Fraction Stage"
    _order = "rule_id, first_day"

    rule_id = fields.Many2one(
        comodel_name="ar.penalty.rule",
        required=True,
        index=True,
        ondelete="cascade",
    )
    first_day = fields.Integer(
        string="From Day",
        required=True,
        default=1,
        help="Number of the first overdue day of this stage; day 1 is the day "
        "after the due date.",
    )
    divisor = fields.Selection(
        selection=[
            ("300", "1/300"),
            ("150", "1/150"),
            ("130", "1/130"),
            ("none", "No penalty"),
        ],
        string="Fraction",
        required=True,
        default="300",
    )

    _sql_constraints = [
        (
            "first_day_unique",
            "UNIQUE (rule_id, first_day)",
            "Two fraction stages start on the same day. Give each stage its own "
            "first day.",
        ),
        (
            "first_day_positive",
            "CHECK (first_day >= 1)",
            "A fraction stage starts on day 1 or later.",
        ),
    ]
