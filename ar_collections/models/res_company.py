import logging

import pytz

from odoo import api, fields, models

from .ar_aging_buckets import DEFAULT_AGING_LIMITS, parse_aging_limits
from .ar_collection_policy import _default_policy_names

_logger = logging.getLogger(__name__)

# Days overdue and mail template of each stage of the default policy.
DEFAULT_POLICY_STAGES = [
    (1, "ar_collections.mail_template_ar_reminder_first"),
    (15, "ar_collections.mail_template_ar_reminder_second"),
    (30, "ar_collections.mail_template_ar_reminder_final"),
]


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
        help="Policy whose stages the daily collection run applies to this "
        "company's customers.",
    )

    @api.constrains("ar_aging_limits")
    def _check_ar_aging_limits(self):
        for company in self:
            parse_aging_limits(self.env, company.ar_aging_limits)

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._ar_ensure_collection_policy()
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

    def _ar_ensure_collection_policy(self):
        """Create the default policy for companies that have none."""
        english_env = self.with_context(lang="en_US").env
        policy_name, stage_names = _default_policy_names(english_env)
        for company in self.filtered(lambda c: not c.ar_collection_policy_id):
            stage_vals = []
            for (days, template_xmlid), name in zip(
                DEFAULT_POLICY_STAGES, stage_names, strict=True
            ):
                template = self.env.ref(template_xmlid, raise_if_not_found=False)
                stage_vals.append(
                    fields.Command.create(
                        {
                            "name": name,
                            "min_days_overdue": days,
                            "mail_template_id": template.id if template else False,
                        }
                    )
                )
            policy = (
                self.env["ar.collection.policy"]
                .sudo()
                .with_context(lang="en_US")
                .create(
                    {
                        "name": policy_name,
                        "company_id": company.id,
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
