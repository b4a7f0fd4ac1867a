from odoo import api, fields, models

from ..tools import normalize_mobile

PHONE_STATES = [
    ("valid", "Valid Mobile"),
    ("missing", "No Mobile Number"),
    ("ambiguous", "Ambiguous: No Country"),
    ("invalid", "Invalid Number"),
    ("not_mobile", "Not a Mobile Number"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    ar_sms_number = fields.Char(
        string="Mobile (E.164)",
        compute="_compute_ar_sms_number",
        store=True,
        index="btree_not_null",
        help="Mobile number normalised to E.164 for collection SMS. The "
        "number as entered stays in the Mobile field.",
    )
    ar_sms_phone_state = fields.Selection(
        selection=PHONE_STATES,
        string="Mobile Check",
        compute="_compute_ar_sms_number",
        store=True,
        help="Valid Mobile: collection SMS can go to this contact. Ambiguous: "
        "the number is in national format and neither the contact nor the "
        "company has a country, so it cannot be read. Enter it with + and "
        "the country code, or set the country.",
    )
    ar_sms_shared_partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers Sharing the Mobile",
        compute="_compute_ar_sms_shared_partner_ids",
        help="Other customers whose contacts have the same mobile number. "
        "No collection SMS goes to a shared number, because the message "
        "could reach another customer.",
    )
    ar_sms_phone_issue = fields.Char(
        string="Mobile Issue",
        compute="_compute_ar_sms_phone_issue",
    )

    @api.depends("mobile", "country_id", "company_id.country_id")
    def _compute_ar_sms_number(self):
        for partner in self:
            check = partner._ar_check_mobile(partner.company_id or self.env.company)
            partner.ar_sms_number = check.e164 or False
            partner.ar_sms_phone_state = check.state

    def _ar_check_mobile(self, company):
        """Normalise the mobile number, reading it in the contact's country,
        else in ``company``'s country."""
        self.ensure_one()
        return normalize_mobile(
            self.mobile, [self.country_id.code, company.country_id.code]
        )

    @api.depends("ar_sms_number", "commercial_partner_id")
    def _compute_ar_sms_shared_partner_ids(self):
        numbers = [number for number in self.mapped("ar_sms_number") if number]
        others_by_number = {}
        if numbers:
            others = self.sudo().search([("ar_sms_number", "in", numbers)])
            for other in others:
                others_by_number.setdefault(other.ar_sms_number, other.browse())
                others_by_number[other.ar_sms_number] |= other.commercial_partner_id
        for partner in self:
            customers = others_by_number.get(partner.ar_sms_number, partner.browse())
            partner.ar_sms_shared_partner_ids = (
                customers - partner.commercial_partner_id
            )

    @api.depends("ar_sms_phone_state", "ar_sms_shared_partner_ids")
    def _compute_ar_sms_phone_issue(self):
        labels = dict(
            self._fields["ar_sms_phone_state"]._description_selection(self.env)
        )
        for partner in self:
            if partner.ar_sms_shared_partner_ids:
                partner.ar_sms_phone_issue = self.env._(
                    "The mobile number %(number)s is shared with %(customers)s.",
                    number=partner.ar_sms_number,
                    customers=", ".join(
                        partner.ar_sms_shared_partner_ids.mapped("display_name")
                    ),
                )
            elif partner.ar_sms_phone_state not in (False, "valid", "missing"):
                partner.ar_sms_phone_issue = self.env._(
                    "%(state)s, number %(number)s",
                    state=labels[partner.ar_sms_phone_state],
                    number=partner.mobile,
                )
            else:
                partner.ar_sms_phone_issue = False
