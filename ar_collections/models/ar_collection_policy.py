from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .ar_collection_defaults import default_policy_name, default_stage_names
from .ar_collection_ladder import StageRule


class ArCollectionPolicy(models.Model):
    """A ladder of collection stages that the collection run applies."""

    _name = "ar.collection.policy"
    _description = "Collection Policy"
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
    mode = fields.Selection(
        selection=[("jump", "Jump"), ("sequential", "Sequential")],
        string="Escalation",
        required=True,
        default="jump",
        help="Jump: an item gets the strictest stage its days reach, so an "
        "invoice first found 40 days late gets the 30-day stage at once. "
        "Sequential: an item goes through every overdue stage in turn, and "
        "the next stage waits for its trigger and for the minimum gap.",
    )
    min_gap_days = fields.Integer(
        string="Minimum Days Between Stages",
        required=True,
        default=7,
        help="Sequential escalation only: days that must pass after an "
        "item's previous stage before its next stage is sent.",
    )
    grace_days = fields.Integer(
        required=True,
        default=0,
        help="An item reaches an overdue stage only once it is at least this "
        "many days overdue. Stages before or on the due date are not delayed.",
    )
    stage_ids = fields.One2many(
        comodel_name="ar.collection.stage",
        inverse_name="policy_id",
        string="Stages",
        copy=True,
    )

    def _set_default_name_translations(self, langs=None):
        """Translate the default policy and stage names into ``langs``.

        ``langs`` defaults to every installed language. Only names that still
        read as the English default are translated, so names a user changed
        are kept.
        """
        english_env = self.with_context(lang="en_US").env
        english_policy = default_policy_name(english_env)
        english_stages = default_stage_names(english_env)
        if langs is None:
            langs = [code for code, _label in self.env["res.lang"].get_installed()]
        for lang in langs:
            if lang == "en_US":
                continue
            lang_env = self.with_context(lang=lang).env
            stage_names = dict(
                zip(english_stages, default_stage_names(lang_env), strict=True)
            )
            for policy in self.with_context(lang="en_US"):
                if policy.name == english_policy:
                    policy.update_field_translations(
                        "name", {lang: default_policy_name(lang_env)}
                    )
                for stage in policy.stage_ids:
                    if stage.name in stage_names:
                        stage.update_field_translations(
                            "name", {lang: stage_names[stage.name]}
                        )

    @api.constrains("min_gap_days", "grace_days")
    def _check_days(self):
        for policy in self:
            if policy.min_gap_days < 0 or policy.grace_days < 0:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s has a negative number of days "
                        "(minimum gap %(gap)s, grace %(grace)s). Enter 0 or more.",
                        policy=policy.name,
                        gap=policy.min_gap_days,
                        grace=policy.grace_days,
                    )
                )

    def _get_stage_rules(self):
        """Return the active stages as ladder rules, in trigger order."""
        self.ensure_one()
        stages = self.stage_ids.filtered("active").sorted(
            lambda stage: (stage.trigger_days, stage.id)
        )
        return [
            StageRule(
                stage_id=stage.id,
                trigger_days=stage.trigger_days,
                min_amount=stage.min_amount,
            )
            for stage in stages
        ]


class ArCollectionStage(models.Model):
    """One step of a policy and the actions it takes."""

    _name = "ar.collection.stage"
    _description = "Collection Stage"
    _order = "policy_id, trigger_days, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    policy_id = fields.Many2one(
        comodel_name="ar.collection.policy",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="policy_id.company_id",
        store=True,
        index=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    trigger_days = fields.Integer(
        string="Trigger (Days)",
        required=True,
        default=1,
        help="Days relative to the due date: -3 is three days before it, 0 "
        "the due date itself, 7 seven days overdue.",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount",
        help="The stage applies only when the items that reached it add up "
        "to at least this amount, in company currency.",
    )
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="Email Template",
        domain="[('model', '=', 'ar.collection.claim')]",
        help="Email sent to the customer, rendered in the customer's language.",
    )
    attach_invoices = fields.Boolean(
        string="Attach Invoice PDFs",
        help="Attach the PDF of every listed invoice to the email.",
    )
    attach_statement = fields.Boolean(
        help="Attach a statement of the customer's open items to the email.",
    )
    activity_type_id = fields.Many2one(
        comodel_name="mail.activity.type",
        string="Collector Activity",
        help="Activity planned for the customer's collector when the customer "
        "reaches this stage, for example a call.",
    )
    credit_hold = fields.Boolean(
        help="Put the customer on credit hold when it reaches this stage.",
    )
    legal_handover = fields.Boolean(
        string="Legal Hand-over",
        help="Mark the customer as handed over to the legal department and "
        "plan an activity for the company's legal user.",
    )
    charge_fee = fields.Boolean(
        help="Record the fee of the customer's penalty rule when the customer "
        "reaches this stage. The next penalty charge invoices it.",
    )

    @api.constrains("trigger_days", "policy_id", "active")
    def _check_trigger_unique(self):
        for stage in self:
            twins = stage.policy_id.stage_ids.filtered(
                lambda other, stage=stage: other != stage
                and other.trigger_days == stage.trigger_days
            )
            if twins:
                raise ValidationError(
                    self.env._(
                        "Stages %(stage)s and %(other)s both trigger at %(days)s "
                        "days. Give each stage of a policy its own trigger day.",
                        stage=stage.name,
                        other=twins[0].name,
                        days=stage.trigger_days,
                    )
                )

    @api.constrains(
        "name", "mail_template_id", "activity_type_id", "credit_hold", "legal_handover"
    )
    def _check_has_action(self):
        for stage in self:
            if not stage._has_action():
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s has no action. Choose an email template, "
                        "a collector activity, credit hold or legal hand-over.",
                        stage=stage.name,
                    )
                )
            template = stage.mail_template_id
            if template and template.model != "ar.collection.claim":
                raise ValidationError(
                    self.env._(
                        "Template %(template)s of stage %(stage)s is for %(model)s "
                        "records. Choose a template of the Collection Action model.",
                        template=template.name,
                        stage=stage.name,
                        model=template.model,
                    )
                )

    @api.constrains("attach_invoices", "attach_statement", "mail_template_id")
    def _check_attachments(self):
        for stage in self:
            wants_attachment = stage.attach_invoices or stage.attach_statement
            if wants_attachment and not stage.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s attaches documents but sends no email. "
                        "Choose an email template or clear the attachment options.",
                        stage=stage.name,
                    )
                )

    def _has_action(self):
        """Tell whether the stage does anything (other channels extend this)."""
        self.ensure_one()
        return bool(
            self.mail_template_id
            or self.activity_type_id
            or self.credit_hold
            or self.legal_handover
            or self.charge_fee
        )

    def _get_message_channels(self):
        """Return the channels on which this stage sends a message."""
        self.ensure_one()
        return ["email"] if self.mail_template_id else []
