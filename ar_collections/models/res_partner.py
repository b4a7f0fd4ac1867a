from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_debtor_ids = fields.Many2many(
        comodel_name="ar.debtor",
        string="Receivables",
        compute="_compute_ar_debtor_ids",
        help="Open receivables of this customer today, one line per company "
        "the user works in.",
    )
    ar_collector_id = fields.Many2one(
        comodel_name="res.users",
        string="Collector",
        help="User who works this customer's overdue debt. Leave empty to use "
        "the salesperson.",
    )
    ar_collection_contact_id = fields.Many2one(
        comodel_name="res.partner",
        string="Collections Contact",
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('id', '!=', id)]",
        help="Contact who receives collection messages instead of the "
        "invoice addresses.",
    )
    ar_collection_policy_id = fields.Many2one(
        comodel_name="ar.collection.policy",
        string="Collection Policy",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Policy applied to this customer in the current company. Leave "
        "empty for the company's default policy.",
    )
    ar_case_ids = fields.One2many(
        comodel_name="ar.collection.case",
        inverse_name="partner_id",
        string="Collection Cases",
    )
    ar_event_ids = fields.One2many(
        comodel_name="ar.collection.event",
        inverse_name="partner_id",
        string="Contact History",
    )
    ar_promise_ids = fields.One2many(
        comodel_name="ar.promise",
        inverse_name="partner_id",
        string="Promises to Pay",
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

    @api.constrains("ar_collection_contact_id")
    def _check_ar_collection_contact(self):
        for partner in self:
            contact = partner.ar_collection_contact_id
            if (
                contact
                and contact.commercial_partner_id != partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(contact)s is not a contact of %(customer)s. Choose one "
                        "of the customer's own contacts as collections contact.",
                        contact=contact.display_name,
                        customer=partner.display_name,
                    )
                )

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
