from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ArCreditSegment(models.Model):
    """Risk segment of customers by payment-discipline score, per company.

    A customer belongs to the segment with the highest minimum score that
    its score reaches. A segment may set the customer's credit limit to a
    multiple of its average monthly invoiced amount, capped by an amount.
    """

    _name = "ar.credit.segment"
    _description = "Credit Risk Segment"
    _order = "company_id, sequence, min_score desc, id"
    _check_company_auto = True

    code = fields.Char(required=True, help="Short code, such as A.")
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        default=10,
        help="Order of the segments, best first. Minimum scores must fall "
        "in this order.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_score = fields.Float(
        string="Minimum Score",
        digits=(5, 2),
        help="Lowest payment-discipline score of this segment, from 0 to 100.",
    )
    limit_rule = fields.Boolean(
        string="Dynamic Credit Limit",
        help="Set the credit limit of the segment's customers at each scoring.",
    )
    limit_multiple = fields.Float(
        string="Months of Invoicing",
        digits=(6, 2),
        help="Credit limit as a multiple of the customer's average monthly "
        "invoiced amount over the 365 days before the scoring date.",
    )
    limit_cap = fields.Monetary(
        currency_field="currency_id",
        help="Highest credit limit the rule sets, in the company currency. "
        "0 means no cap.",
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "UNIQUE(code, company_id)",
            "A segment code must be unique per company.",
        ),
    ]

    @api.constrains("min_score", "limit_rule", "limit_multiple", "limit_cap")
    def _check_values(self):
        for segment in self:
            if not 0 <= segment.min_score <= 100:
                raise ValidationError(
                    self.env._(
                        "Segment %(segment)s: the minimum score %(value)s is "
                        "outside 0 to 100. Enter a score from 0 to 100.",
                        segment=segment.code,
                        value=segment.min_score,
                    )
                )
            if segment.limit_multiple < 0:
                raise ValidationError(
                    self.env._(
                        "Segment %(segment)s: the months of invoicing "
                        "%(value)s are negative and would give a negative credit "
                        "limit. Enter a positive multiple.",
                        segment=segment.code,
                        value=segment.limit_multiple,
                    )
                )
            if segment.limit_cap < 0:
                raise ValidationError(
                    self.env._(
                        "Segment %(segment)s: the limit cap %(value)s is negative "
                        "and would give a negative credit limit. Enter 0 for no "
                        "cap, or a positive amount.",
                        segment=segment.code,
                        value=segment.limit_cap,
                    )
                )
            if segment.limit_rule and not segment.limit_multiple:
                raise ValidationError(
                    self.env._(
                        "Segment %(segment)s: the months of invoicing are 0, "
                        "which would set credit limits to 0, and Odoo reads a "
                        "limit of 0 as no limit. Enter a positive multiple, or "
                        "turn the dynamic credit limit off and use a credit "
                        "hold.",
                        segment=segment.code,
                    )
                )

    @api.constrains("sequence", "min_score", "company_id", "active")
    def _check_order(self):
        for company in self.company_id:
            segments = self.search([("company_id", "=", company.id)])
            for better, worse in zip(segments, segments[1:], strict=False):
                if better.min_score <= worse.min_score:
                    raise ValidationError(
                        self.env._(
                            "Company %(company)s: segment %(better)s comes "
                            "before %(worse)s but its minimum score %(better_score)s "
                            "is not above %(worse_score)s. Give each segment a "
                            "lower minimum score than the one before it.",
                            company=company.name,
                            better=better.code,
                            worse=worse.code,
                            better_score=better.min_score,
                            worse_score=worse.min_score,
                        )
                    )

    def _find_for_score(self, score):
        """Return the segment of ``score`` among these (sorted best first)."""
        if score is None:
            return self.browse()
        for segment in self:
            if score >= segment.min_score:
                return segment
        return self.browse()

    def _compute_limit(self, avg_monthly_invoiced):
        """Return the credit limit the rule gives, or None without a rule.

        A customer with no invoicing in the 365 days gets None too, because
        a limit of 0 would mean no limit in Odoo.
        """
        self.ensure_one()
        if not self.limit_rule:
            return None
        limit = self.limit_multiple * avg_monthly_invoiced
        if self.limit_cap:
            limit = min(limit, self.limit_cap)
        limit = self.currency_id.round(limit)
        if limit < 0:
            raise ValidationError(
                self.env._(
                    "Segment %(segment)s gives a negative credit limit %(limit)s. "
                    "Check its months of invoicing and cap.",
                    segment=self.code,
                    limit=limit,
                )
            )
        return limit or None
