from odoo import api, fields, models


class ArCreditOverride(models.Model):
    """A credit manager's permission to post or confirm one blocked document once."""

    _name = "ar.credit.override"
    _description = "Credit Block Override"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        readonly=True,
    )
    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Document",
        model_field="res_model",
        required=True,
        readonly=True,
    )
    document_name = fields.Char(readonly=True)
    reason = fields.Text(required=True, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Granted By",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
    )
    status_text = fields.Text(
        string="Credit Status",
        readonly=True,
        help="Why the document was blocked when the override was granted.",
    )
    used = fields.Boolean(
        readonly=True,
        help="The document was posted or confirmed with this override. An "
        "override serves once.",
    )

    @api.model
    def _take(self, document):
        """Mark the unused override of ``document`` used; return it or an empty set."""
        override = self.sudo().search(
            [
                ("res_model", "=", document._name),
                ("res_id", "=", document.id),
                ("used", "=", False),
            ],
            limit=1,
        )
        override.used = True
        return override
