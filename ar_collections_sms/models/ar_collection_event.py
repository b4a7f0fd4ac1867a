from odoo import fields, models


class ArCollectionEvent(models.Model):
    _inherit = "ar.collection.event"

    channel = fields.Selection(
        selection_add=[("sms", "SMS")],
        ondelete={"sms": "set null"},
    )
    sms_id = fields.Many2one(
        comodel_name="sms.sms",
        string="SMS",
        readonly=True,
        ondelete="set null",
    )
    sms_state = fields.Selection(
        related="sms_id.state",
        string="SMS Status",
    )
    sms_failure = fields.Char(
        related="sms_id.ar_last_error",
        string="SMS Error",
    )
