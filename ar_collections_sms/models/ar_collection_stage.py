from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import measure_sms


class ArCollectionStage(models.Model):
    _inherit = "ar.collection.stage"

    sms_template_id = fields.Many2one(
        comodel_name="sms.template",
        string="SMS Template",
        domain="[('model', '=', 'ar.collection.claim')]",
        help="SMS sent to the customer's mobile, rendered in the customer's "
        "language, through the company's SMS provider.",
    )
    sms_encoding = fields.Char(
        string="SMS Encoding",
        compute="_compute_sms_length",
        help="GSM-7 for Latin text, UCS-2 as soon as the text has a "
        "character outside GSM-7, such as Cyrillic.",
    )
    sms_characters = fields.Integer(
        string="SMS Characters", compute="_compute_sms_length"
    )
    sms_segments = fields.Integer(
        string="SMS Segments",
        compute="_compute_sms_length",
        help="Segments of the template text before its placeholders are "
        "filled in. The rendered text is checked against the provider's "
        "limit before each SMS is queued.",
    )

    @api.depends("sms_template_id.body")
    @api.depends_context("lang")
    def _compute_sms_length(self):
        for stage in self:
            length = measure_sms(stage.sms_template_id.body or "")
            stage.sms_encoding = length.encoding if stage.sms_template_id else False
            stage.sms_characters = length.characters
            stage.sms_segments = length.segments

    @api.constrains("sms_template_id")
    def _check_sms_template(self):
        for stage in self:
            if not stage._has_action():
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s has no action. Choose an email or SMS "
                        "template, a collector activity, credit hold or legal "
                        "hand-over.",
                        stage=stage.name,
                    )
                )
            template = stage.sms_template_id
            if template and template.model != "ar.collection.claim":
                raise ValidationError(
                    self.env._(
                        "SMS template %(template)s of stage %(stage)s is for "
                        "%(model)s records. Choose an SMS template of the "
                        "Collection Action model.",
                        template=template.name,
                        stage=stage.name,
                        model=template.model,
                    )
                )

    def _has_action(self):
        return super()._has_action() or bool(self.sms_template_id)

    def _get_message_channels(self):
        channels = super()._get_message_channels()
        if self.sms_template_id:
            channels.append("sms")
        return channels
