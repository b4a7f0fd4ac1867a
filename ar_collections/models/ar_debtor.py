from odoo import api, fields, models
from odoo.tools import SQL, format_date

from .ar_aging_buckets import (
    MAX_AGING_BUCKETS,
    aging_bucket_labels,
    bucket_field_name,
    parse_aging_limits,
)
from .ar_aging_sql import (
    as_of_date_for_query,
    get_as_of_date,
    receivable_depends,
    receivable_items_sql,
)


class ArDebtor(models.Model):
    """A customer's receivables in one company as of a date.

    One row per commercial partner and company with items open on the as-of
    date in the context (key ``ar_as_of_date``, default today). The row id is
    ``partner_id * 100000 + company_id``, so it stays the same across dates.
    """

    _name = "ar.debtor"
    _description = "Debtor"
    _auto = False
    _order = "overdue desc, total_open desc, id"
    _rec_name = "partner_id"
    _depends = receivable_depends()

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        readonly=True,
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Salesperson",
        readonly=True,
    )
    as_of_date = fields.Date(string="As of", readonly=True)
    total_open = fields.Monetary(
        readonly=True,
        help="Sum of the residuals of all open items, credits included.",
    )
    overdue = fields.Monetary(
        readonly=True,
        help="Sum of the overdue positive residuals, net of open credits when "
        "the company nets them.",
    )
    oldest_overdue_days = fields.Integer(
        string="Oldest Overdue (days)",
        readonly=True,
        aggregator="max",
    )
    overdue_count = fields.Integer(string="Overdue Items", readonly=True)
    disputed_amount = fields.Monetary(
        string="Disputed",
        readonly=True,
        help="Positive residuals of items under an open dispute.",
    )
    last_payment_date = fields.Date(readonly=True, aggregator="max")
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    # Overdue buckets by position; their labels and how many are shown come
    # from the limits of the user's current company (see _get_view).
    amount_bucket_1 = fields.Monetary(string="Bucket 1", readonly=True)
    amount_bucket_2 = fields.Monetary(string="Bucket 2", readonly=True)
    amount_bucket_3 = fields.Monetary(string="Bucket 3", readonly=True)
    amount_bucket_4 = fields.Monetary(string="Bucket 4", readonly=True)
    amount_bucket_5 = fields.Monetary(string="Bucket 5", readonly=True)
    amount_bucket_6 = fields.Monetary(string="Bucket 6", readonly=True)
    amount_bucket_7 = fields.Monetary(string="Bucket 7", readonly=True)
    item_ids = fields.One2many(
        comodel_name="ar.receivable.item",
        inverse_name="debtor_id",
        string="Open Items",
        readonly=True,
    )

    @property
    def _table_query(self):
        as_of = as_of_date_for_query(self)
        bucket_columns = SQL(", ").join(
            SQL(
                "SUM(CASE WHEN items.aging_slot = %s THEN items.net_residual "
                "ELSE 0 END) AS %s",
                slot,
                SQL.identifier(bucket_field_name(slot) if slot else "amount_not_due"),
            )
            for slot in range(MAX_AGING_BUCKETS + 1)
        )
        bucket_selects = SQL(", ").join(
            SQL("debtors.%s", SQL.identifier(bucket_field_name(slot)))
            for slot in range(1, MAX_AGING_BUCKETS + 1)
        )
        return SQL(
            """
            WITH items AS (%(items)s),
            last_payments AS (
                SELECT partner.commercial_partner_id AS partner_id,
                       aml.company_id,
                       MAX(aml.date) AS last_payment_date
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_journal journal ON journal.id = aml.journal_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.date <= %(as_of)s
                   AND aml.balance < 0
                   AND (aml.payment_id IS NOT NULL
                        OR journal.type IN ('bank', 'cash'))
                 GROUP BY partner.commercial_partner_id, aml.company_id
            ),
            debtors AS (
                SELECT items.debtor_id AS id,
                       items.partner_id,
                       items.company_id,
                       MIN(items.company_currency_id) AS currency_id,
                       SUM(items.residual) AS total_open,
                       SUM(items.net_residual) AS net_total,
                       SUM(CASE WHEN items.is_overdue AND items.residual > 0
                                THEN items.net_residual ELSE 0 END) AS overdue,
                       MAX(CASE WHEN items.is_overdue AND items.net_residual > 0
                                THEN items.days_overdue END) AS oldest_overdue_days,
                       COUNT(*) FILTER (
                           WHERE items.is_overdue AND items.net_residual > 0
                       ) AS overdue_count,
                       SUM(CASE WHEN items.disputed AND items.residual > 0
                                THEN items.residual ELSE 0 END) AS disputed_amount,
                       %(bucket_columns)s
                  FROM items
                 GROUP BY items.debtor_id, items.partner_id, items.company_id
            )
            SELECT debtors.id,
                   debtors.partner_id,
                   debtors.company_id,
                   debtors.currency_id,
                   partner.user_id,
                   %(as_of)s::date AS as_of_date,
                   debtors.total_open,
                   debtors.overdue,
                   COALESCE(debtors.oldest_overdue_days, 0) AS oldest_overdue_days,
                   debtors.overdue_count,
                   debtors.disputed_amount,
                   last_payments.last_payment_date,
                   -- Credits left over after netting have no due date of
                   -- their own: they go to "not due", so the buckets always
                   -- add up to the total open.
                   debtors.amount_not_due
                       + (debtors.total_open - debtors.net_total) AS amount_not_due,
                   %(bucket_selects)s
              FROM debtors
              JOIN res_partner partner ON partner.id = debtors.partner_id
              LEFT JOIN last_payments
                ON last_payments.partner_id = debtors.partner_id
               AND last_payments.company_id = debtors.company_id
            """,
            items=receivable_items_sql(as_of),
            as_of=as_of,
            bucket_columns=bucket_columns,
            bucket_selects=bucket_selects,
        )

    @api.model
    def _get_aging_labels(self):
        """Return the overdue bucket labels of the user's current company."""
        limits = parse_aging_limits(self.env, self.env.company.ar_aging_limits)
        return aging_bucket_labels(self.env, limits)

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        result = super().fields_get(allfields=allfields, attributes=attributes)
        for slot, label in enumerate(self._get_aging_labels(), start=1):
            field_info = result.get(bucket_field_name(slot))
            if field_info and "string" in field_info:
                field_info["string"] = label
        return result

    @api.model
    def _get_view_cache_key(self, view_id=None, view_type="form", **options):
        key = super()._get_view_cache_key(view_id, view_type, **options)
        return key + (self.env.company.ar_aging_limits,)

    @api.model
    def _get_view(self, view_id=None, view_type="form", **options):
        """Label the bucket columns and hide the slots the company does not use."""
        arch, view = super()._get_view(view_id, view_type, **options)
        labels = self._get_aging_labels()
        for slot in range(1, MAX_AGING_BUCKETS + 1):
            for node in arch.xpath(f"//field[@name='{bucket_field_name(slot)}']"):
                if slot > len(labels):
                    node.getparent().remove(node)
                else:
                    node.set("string", labels[slot - 1])
        return arch, view

    @api.depends("partner_id", "company_id")
    def _compute_display_name(self):
        multi_company = len(self.company_id) > 1
        for debtor in self:
            name = debtor.partner_id.display_name or ""
            if multi_company:
                name = f"{name} ({debtor.company_id.name})"
            debtor.display_name = name

    def action_open_items(self):
        """Open the items of these debtors that are open on the same as-of date."""
        as_of = get_as_of_date(self.env)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_receivable_item_action"
        )
        action["domain"] = [("debtor_id", "in", self.ids)]
        action["context"] = {"ar_as_of_date": fields.Date.to_string(as_of)}
        action["name"] = action["display_name"] = self.env._(
            "Open items as of %(date)s", date=format_date(self.env, as_of)
        )
        return action

    def action_export_xlsx(self):
        """Export the aging of the list's date and companies to XLSX."""
        wizard = self.env["ar.aging.wizard"].create(
            {
                "as_of_date": get_as_of_date(self.env),
                "company_ids": [fields.Command.set(self.env.companies.ids)],
            }
        )
        return wizard.action_export_xlsx()

    def action_change_as_of_date(self):
        """Open the dialog that reopens the debtors list for another date."""
        return self.env["ar.aging.wizard"].action_open_dialog(
            report=self.env.context.get("ar_report", "debtors"),
            as_of_date=get_as_of_date(self.env),
        )
