from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [("email", "Email")]


def _default_policy_names(env):
    """Return the default policy's name and stage names in ``env``'s language."""
    return env._("Standard collection policy"), [
        env._("First reminder"),
        env._("Second reminder"),
        env._("Final reminder"),
    ]


class ArCollectionPolicy(models.Model):
    """A ladder of reminder stages that the collection run applies."""

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
    stage_ids = fields.One2many(
        comodel_name="ar.collection.stage",
        inverse_name="policy_id",
        string="Stages",
        copy=True,
    )

    def _set_default_name_translations(self):
        """Translate the default names into every installed language."""
        for lang, _label in self.env["res.lang"].get_installed():
            if lang == "en_US":
                continue
            policy_name, stage_names = _default_policy_names(
                self.with_context(lang=lang).env
            )
            for policy in self:
                policy.update_field_translations("name", {lang: policy_name})
                stages = policy.stage_ids.sorted("min_days_overdue")
                for stage, name in zip(stages, stage_names, strict=False):
                    stage.update_field_translations("name", {lang: name})

    def _get_stage_for_days(self, days_overdue):
        """Return the strictest active stage whose trigger is reached, if any."""
        self.ensure_one()
        reached = self.stage_ids.filtered(
            lambda stage: stage.active and stage.min_days_overdue <= days_overdue
        )
        return reached.sorted("min_days_overdue")[-1:] if reached else reached


class ArCollectionStage(models.Model):
    """One step of a policy: a reminder sent once items are N days overdue."""

    _name = "ar.collection.stage"
    _description = "Collection Stage"
    _order = "policy_id, min_days_overdue, id"
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
    min_days_overdue = fields.Integer(
        string="Days Overdue",
        required=True,
        default=1,
        help="The stage applies to a customer whose most overdue item is at "
        "least this many days past its due date.",
    )
    channel = fields.Selection(
        selection=CHANNELS,
        required=True,
        default="email",
    )
    mail_template_id = fields.Many2one(
        comodel_name="mail.template",
        string="Email Template",
        domain="[('model', '=', 'ar.collection.claim')]",
        help="Template rendered on the reminder record, in the customer's " "language.",
    )

    _sql_constraints = [
        (
            "min_days_overdue_unique",
            "UNIQUE(policy_id, min_days_overdue, channel)",
            "A policy cannot have two stages on the same day and channel.",
        ),
    ]

    @api.constrains("min_days_overdue")
    def _check_min_days_overdue(self):
        for stage in self:
            if stage.min_days_overdue < 1:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s triggers at %(days)s days overdue. "
                        "Enter 1 or more days: an item due today is not overdue.",
                        stage=stage.name,
                        days=stage.min_days_overdue,
                    )
                )

    @api.constrains("channel", "mail_template_id")
    def _check_template(self):
        for stage in self:
            if stage.channel == "email" and not stage.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Email stage %(stage)s has no email template. Choose a "
                        "template for reminders.",
                        stage=stage.name,
                    )
                )
