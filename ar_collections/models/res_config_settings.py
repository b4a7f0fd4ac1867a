from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_net_credits = fields.Boolean(
        related="company_id.ar_net_credits",
        readonly=False,
    )
    ar_aging_limits = fields.Char(
        related="company_id.ar_aging_limits",
        readonly=False,
    )
    ar_collection_policy_id = fields.Many2one(
        related="company_id.ar_collection_policy_id",
        readonly=False,
    )
    ar_send_hour_from = fields.Float(
        related="company_id.ar_send_hour_from",
        readonly=False,
    )
    ar_send_hour_to = fields.Float(
        related="company_id.ar_send_hour_to",
        readonly=False,
    )
    ar_legal_user_id = fields.Many2one(
        related="company_id.ar_legal_user_id",
        readonly=False,
    )
    ar_working_days_only = fields.Boolean(
        related="company_id.ar_working_days_only",
        readonly=False,
    )

    ar_credit_mode = fields.Selection(
        related="company_id.ar_credit_mode",
        readonly=False,
    )
    ar_credit_overdue_days = fields.Integer(
        related="company_id.ar_credit_overdue_days",
        readonly=False,
    )
    ar_credit_overdue_amount = fields.Monetary(
        related="company_id.ar_credit_overdue_amount",
        readonly=False,
    )
    ar_penalty_rule_id = fields.Many2one(
        related="company_id.ar_penalty_rule_id",
        readonly=False,
    )
    ar_penalty_after_principal = fields.Selection(
        related="company_id.ar_penalty_after_principal",
        readonly=False,
    )
    ar_penalty_journal_id = fields.Many2one(
        related="company_id.ar_penalty_journal_id",
        readonly=False,
    )
    ar_penalty_auto_charge = fields.Boolean(
        related="company_id.ar_penalty_auto_charge",
        readonly=False,
    )

    def action_ar_open_calendar_days(self):
        """Open the calendar of non-working days on the company's country."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_calendar_day_action"
        )
        country = self.company_id.country_id
        if country:
            action["context"] = {
                "search_default_group_year": 1,
                "search_default_country_id": country.id,
            }
        return action
