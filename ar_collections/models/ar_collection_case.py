from odoo import api, fields, models


class ArCollectionCase(models.Model):
    """The collection status of one customer in one company.

    The collection run keeps one row per customer and company it has met:
    the stage reached, the overdue figures that rank the collector's
    worklist, the pause, and the credit-hold and hand-over flags set by the
    stages.
    """

    _name = "ar.collection.case"
    _description = "Collection Case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    stage_id = fields.Many2one(
        comodel_name="ar.collection.stage",
        index=True,
        readonly=True,
        ondelete="set null",
        group_expand="_read_group_expand_stages",
        help="Strictest stage sent for the customer's current overdue debt.",
    )
    stage_date = fields.Date(string="Stage Since", readonly=True)
    collector_id = fields.Many2one(
        comodel_name="res.users",
        compute="_compute_collector_id",
        store=True,
        readonly=False,
        index=True,
        help="Defaults to the customer's collector, else its salesperson.",
    )
    overdue_amount = fields.Monetary(
        readonly=True,
        help="Net overdue amount on the last run, in company currency.",
    )
    max_days_overdue = fields.Integer(string="Oldest Overdue (Days)", readonly=True)
    priority = fields.Float(
        readonly=True,
        aggregator=None,
        help="Overdue amount weighted by age: overdue amount times days of "
        "the oldest overdue item. Higher comes first on the worklist.",
    )
    last_run_date = fields.Date(
        readonly=True,
        help="Local date on which the scheduled run last processed the customer.",
    )
    paused_until = fields.Date(
        readonly=True,
        help="The collection run leaves the customer alone up to this date.",
    )
    credit_hold = fields.Boolean(readonly=True)
    credit_hold_date = fields.Date(readonly=True)
    credit_hold_reason = fields.Char(readonly=True)
    credit_hold_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Credit Hold Set By",
        readonly=True,
    )
    credit_hold_source = fields.Selection(
        selection=[
            ("stage", "Collection stage"),
            ("manual", "Manual"),
        ],
        readonly=True,
        help="A hold set by a collection stage is lifted by the run once the "
        "customer has no overdue debt; a manual hold only by hand.",
    )
    legal_handover = fields.Boolean(string="Legal Hand-over", readonly=True)
    legal_handover_date = fields.Date(string="Handed Over On", readonly=True)
    broken_promise = fields.Boolean(
        readonly=True,
        help="The customer's last promise to pay was broken.",
    )
    promise_kept_count = fields.Integer(
        string="Promises Kept", compute="_compute_promise_counts"
    )
    promise_broken_count = fields.Integer(
        string="Promises Broken", compute="_compute_promise_counts"
    )
    last_failure = fields.Text(
        readonly=True,
        help="Reason of the last collection action that failed, cleared by "
        "the next one that succeeds.",
    )
    event_ids = fields.One2many(
        comodel_name="ar.collection.event",
        compute="_compute_event_ids",
        string="Contact History",
    )

    _sql_constraints = [
        (
            "case_unique",
            "UNIQUE(partner_id, company_id)",
            "A customer has one collection case per company.",
        ),
    ]

    @api.depends("partner_id.ar_collector_id", "partner_id.user_id")
    def _compute_collector_id(self):
        for case in self:
            partner = case.partner_id
            case.collector_id = partner.ar_collector_id or partner.user_id

    def _compute_promise_counts(self):
        counts = {
            (partner.id, company.id, state): count
            for partner, company, state, count in self.env["ar.promise"]._read_group(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("state", "in", ("kept", "broken")),
                ],
                ["partner_id", "company_id", "state"],
                ["__count"],
            )
        }
        for case in self:
            key = (case.partner_id.id, case.company_id.id)
            case.promise_kept_count = counts.get((*key, "kept"), 0)
            case.promise_broken_count = counts.get((*key, "broken"), 0)

    def _compute_event_ids(self):
        for case in self:
            case.event_ids = self.env["ar.collection.event"].search(
                [
                    ("partner_id", "=", case.partner_id.id),
                    ("company_id", "=", case.company_id.id),
                ],
                limit=200,
            )

    @api.model
    def _read_group_expand_stages(self, stages, domain):
        policies = self.env.companies.ar_collection_policy_id
        all_stages = stages | policies.stage_ids.filtered("active")
        return all_stages.sorted(lambda stage: (stage.trigger_days, stage.id))

    @api.depends("partner_id", "company_id")
    def _compute_display_name(self):
        multi_company = len(self.company_id) > 1
        for case in self:
            name = case.partner_id.display_name or ""
            if multi_company:
                name = f"{name} ({case.company_id.name})"
            case.display_name = name

    def action_open_customer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_open_items(self):
        self.ensure_one()
        return self.partner_id.with_company(self.company_id).action_open_ar_items()

    def action_log_call(self):
        return self._open_quick_action("ar.call.log.wizard", self.env._("Log Call"))

    def action_record_promise(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Promise to Pay"),
            "res_model": "ar.promise",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_company_id": self.company_id.id,
                "default_amount": self.overdue_amount,
            },
        }

    def action_pause(self):
        return self._open_quick_action(
            "ar.pause.wizard", self.env._("Pause Collection")
        )

    def _open_quick_action(self, model, title):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": model,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_case_id": self.id},
        }
