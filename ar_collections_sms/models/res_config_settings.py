from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ar_sms_provider_id = fields.Many2one(
        related="company_id.ar_sms_provider_id",
        readonly=False,
    )
    ar_sms_hour_from = fields.Float(
        related="company_id.ar_sms_hour_from",
        readonly=False,
    )
    ar_sms_hour_to = fields.Float(
        related="company_id.ar_sms_hour_to",
        readonly=False,
    )
