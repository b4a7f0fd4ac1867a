from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_debtor_ids = fields.Many2many(
        comodel_name="ar.debtor",
        string="Receivables",
        compute="_compute_ar_debtor_ids",
        help="Open receivables of this customer today, one line per company "
        "the user works in.",
    )
    ar_claim_ids = fields.One2many(
        comodel_name="ar.collection.claim",
        inverse_name="partner_id",
        string="Collection Reminders",
    )
    ar_claim_count = fields.Integer(
        string="Reminders",
        compute="_compute_ar_claim_count",
    )

    @api.depends_context("company", "allowed_company_ids")
    def _compute_ar_debtor_ids(self):
        commercial_partners = self.commercial_partner_id
        debtors = self.env["ar.debtor"].search(
            [
                ("partner_id", "in", commercial_partners.ids),
                ("company_id", "in", self.env.companies.ids),
            ]
        )
        for partner in self:
            partner.ar_debtor_ids = debtors.filtered(
                lambda debtor, partner=partner: debtor.partner_id
                == partner.commercial_partner_id
            )

    def _compute_ar_claim_count(self):
        counts = dict(
            self.env["ar.collection.claim"]._read_group(
                [("partner_id", "in", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.ar_claim_count = counts.get(partner.commercial_partner_id, 0)

    def action_open_ar_claims(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_collection_claim_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action

    def action_open_ar_items(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "ar_collections.ar_receivable_item_action"
        )
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "in", self.env.companies.ids),
        ]
        return action
