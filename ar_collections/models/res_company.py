import logging

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .ar_aging_buckets import DEFAULT_AGING_LIMITS, parse_aging_limits
from .ar_collection_defaults import (
    DEFAULT_POLICY_STAGES,
    default_policy_name,
    default_stage_names,
)

_logger = logging.getLogger(__name__)


class ResCompany(models.Model):
    _inherit = "res.company"

    ar_net_credits = fields.Boolean(
        string="Net Open Credits",
        default=True,
        help="Subtract open credit notes and unmatched payments from the "
        "overdue and aging figures, oldest due item first.",
    )
    ar_aging_limits = fields.Char(
        string="Aging Bucket Limits",
        required=True,
        default=DEFAULT_AGING_LIMITS,
        help="Upper limits of the overdue aging buckets, in days overdue, "
        "separated by commas: 30,60,90,180 gives 1-30, 31-60, 61-90, 91-180 "
        "and over 180 days. Items not yet due have a bucket of their own.",
    )
    ar_collection_policy_id = fields.Many2one(
        comodel_name="ar.collection.policy",
        string="Default Collection Policy",
        domain="[('company_id', '=', id)]",
        help="Policy whose stages the collection run applies to this "
        "company's customers, unless a customer has a policy of its own.",
    )

    ar_send_hour_from = fields.Float(
        string="Send From",
        default=9.0,
        help="Start of the sending window, in hours of the customer's time "
        "zone (the company's when the customer has none).",
    )
    ar_send_hour_to = fields.Float(
        string="Send Until",
        default=18.0,
        help="End of the sending window, in hours, excluded.",
    )
    ar_legal_user_id = fields.Many2one(
        comodel_name="res.users",
        string="Legal User",
        help="User who gets the activity when a customer is handed over to "
        "the legal department.",
    )

    @api.constrains("ar_send_hour_from", "ar_send_hour_to")
    def _check_ar_sending_window(self):
        for company in self:
            start, end = company.ar_send_hour_from, company.ar_send_hour_to
            if not (0 <= start < end <= 24):
                raise ValidationError(
                    self.env._(
                        "The sending window %(start)s-%(end)s of %(company)s is "
                        "invalid. Enter hours from 0 to 24 with the start before "
                        "the end, for example 9 and 18.",
                        start=start,
                        end=end,
                        company=company.name,
                    )
                )

    @api.constrains("ar_aging_limits")
    def _check_ar_aging_limits(self):
        for company in self:
            parse_aging_limits(self.env, company.ar_aging_limits)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ar_ensure_collection_policy()
        companies._ar_ensure_penalty_rules()
        return companies

    def _ar_local_today(self):
        """Return today's date in the company's time zone (its partner's, else UTC)."""
        self.ensure_one()
        tz_name = self.partner_id.tz or "UTC"
        return (
            fields.Datetime.now()
            .replace(tzinfo=pytz.utc)
            .astimezone(pytz.timezone(tz_name))
            .date()
        )

    def _ar_in_sending_window(self, now_utc, tz_name=None):
        """Tell whether ``now_utc`` falls in the sending window.

        The window is read in ``tz_name`` (a customer's time zone) when given,
        else in the company's time zone.
        """
        self.ensure_one()
        tz_name = tz_name or self.partner_id.tz or "UTC"
        try:
            local = now_utc.astimezone(pytz.timezone(tz_name))
        except pytz.UnknownTimeZoneError:
            local = now_utc.astimezone(pytz.timezone(self.partner_id.tz or "UTC"))
        hour = local.hour + local.minute / 60.0
        return self.ar_send_hour_from <= hour < self.ar_send_hour_to

    def _ar_ensure_collection_policy(self):
        """Create the default policy for companies that have none."""
        english_env = self.with_context(lang="en_US").env
        stage_names = default_stage_names(english_env)
        for company in self.filtered(lambda c: not c.ar_collection_policy_id):
            stage_vals = [
                fields.Command.create(
                    self._ar_default_stage_vals(days, template_xmlid, options, name)
                )
                for (days, template_xmlid, options), name in zip(
                    DEFAULT_POLICY_STAGES, stage_names, strict=True
                )
            ]
            policy = (
                self.env["ar.collection.policy"]
                .sudo()
                .with_context(lang="en_US")
                .create(
                    {
                        "name": default_policy_name(english_env),
                        "company_id": company.id,
                        "mode": "jump",
                        "stage_ids": stage_vals,
                    }
                )
            )
            policy._set_default_name_translations()
            company.sudo().ar_collection_policy_id = policy
            _logger.info(
                "Created default collection policy %s for company %s",
                policy.id,
                company.id,
            )

    def _ar_default_stage_vals(self, days, template_xmlid, options, name):
        template = self.env.ref(
            f"ar_collections.{template_xmlid}", raise_if_not_found=False
        )
        activity = options.get("activity")
        activity_type = (
            self.env.ref(activity, raise_if_not_found=False) if activity else None
        )
        return {
            "name": name,
            "trigger_days": days,
            "mail_template_id": template.id if template else False,
            "activity_type_id": activity_type.id if activity_type else False,
            "attach_invoices": options.get("attach_invoices", False),
            "attach_statement": options.get("attach_statement", False),
            "credit_hold": options.get("credit_hold", False),
            "legal_handover": options.get("legal_handover", False),
        }
