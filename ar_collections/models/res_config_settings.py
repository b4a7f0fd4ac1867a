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
