import logging

from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import measure_sms

_logger = logging.getLogger(__name__)


class ArCollectionRun(models.AbstractModel):
    """SMS channel of the collection run."""

    _inherit = "ar.collection.run"

    def _send_sms(self, claim):
        """Render the stage's SMS template and queue it for the customer.

        Raises UserError when no SMS can go out, so that the run records the
        reason on the collection action and the worklist.
        """
        customer = claim.partner_id.sudo()
        company = claim.company_id
        provider = company.ar_sms_provider_id
        if not provider:
            raise UserError(
                self.env._(
                    "Company %(company)s has no SMS provider. Choose one in "
                    "Settings, AR Collections, SMS Provider.",
                    company=company.name,
                )
            )
        provider._check_credentials()

        contact, number = self._get_sms_recipient(customer, company)
        body = self._render_sms(claim, provider)

        SMS = self.env["sms.sms"].sudo()
        busy_dates = SMS.browse()._ar_busy_dates(customer)
        send_after, send_date = company._ar_sms_next_slot(
            fields.Datetime.now(), contact, busy_dates
        )
        sms = SMS.create(
            {
                "number": number,
                "body": body,
                "partner_id": contact.id,
                "ar_customer_id": customer.id,
                "ar_claim_id": claim.id,
                "ar_provider_id": provider.id,
                "ar_send_after": send_after,
                "ar_send_date": send_date,
            }
        )
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "event_type": "reminder",
                    "channel": "sms",
                    "stage_id": claim.stage_id.id,
                    "claim_id": claim.id,
                    "sms_id": sms.id,
                    "result": self.env._(
                        "SMS queued to %(number)s for %(time)s UTC",
                        number=number,
                        time=fields.Datetime.to_string(send_after),
                    ),
                    "description": body,
                }
            ]
        )
        _logger.info(
            "Collection SMS %s queued for customer %s (action %s, provider %s)",
            sms.id,
            customer.id,
            claim.id,
            provider.id,
        )
        return sms

    def _get_sms_recipient(self, customer, company):
        """Return ``(contact, E.164 number)`` for the customer's SMS.

        The collections contact wins when its mobile is valid, else the
        customer itself. Raises UserError with the reason otherwise.
        """
        candidates = customer.ar_collection_contact_id | customer
        reasons = []
        for contact in candidates:
            if not contact.active or contact.commercial_partner_id != customer:
                continue
            check = contact._ar_check_mobile(company)
            if check.state != "valid":
                reasons.append(
                    self.env._(
                        "%(contact)s: %(state)s, number %(number)s",
                        contact=contact.display_name,
                        state=dict(
                            contact._fields[
                                "ar_sms_phone_state"
                            ]._description_selection(self.env)
                        )[check.state],
                        number=contact.mobile or "-",
                    )
                )
                continue
            self._check_sms_number_free(contact, customer, check.e164)
            return contact, check.e164

        raise UserError(
            self.env._(
                "No valid mobile number for customer %(customer)s: %(reasons)s. "
                "Enter the mobile with + and the country code, or set the "
                "contact's country.",
                customer=customer.display_name,
                reasons="; ".join(reasons),
            )
        )

    def _check_sms_number_free(self, contact, customer, number):
        """Raise when another customer shares the number or it is blacklisted."""
        others = (
            self.env["res.partner"]
            .sudo()
            .search([("ar_sms_number", "=", number)])
            .commercial_partner_id
            - customer
        )
        if others:
            raise UserError(
                self.env._(
                    "The mobile %(number)s of %(contact)s is also the number of "
                    "%(others)s, so an SMS could reveal the debt to another "
                    "customer. Correct the numbers, then the SMS is sent on the "
                    "next run.",
                    number=number,
                    contact=contact.display_name,
                    others=", ".join(others.mapped("display_name")),
                )
            )
        blacklisted = (
            self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", number), ("active", "=", True)])
        )
        if blacklisted:
            raise UserError(
                self.env._(
                    "The mobile %(number)s of %(contact)s is on the phone "
                    "blacklist, so it gets no SMS. Remove it from the "
                    "blacklist only if the customer agreed to SMS.",
                    number=number,
                    contact=contact.display_name,
                )
            )

    def _render_sms(self, claim, provider):
        """Render the stage template in the customer's language and check its length."""
        template = claim.stage_id.sms_template_id.sudo()
        body = template._render_field("body", claim.ids, compute_lang=True)[claim.id]
        body = (body or "").strip()
        if not body:
            raise UserError(
                self.env._(
                    "SMS template %(template)s gives an empty text for %(action)s. "
                    "Fill in the template's body.",
                    template=template.name,
                    action=claim.display_name,
                )
            )
        length = measure_sms(body)
        if length.segments > provider.max_segments:
            raise UserError(
                self.env._(
                    "The SMS of template %(template)s for %(customer)s has "
                    "%(characters)s characters in %(encoding)s, which is "
                    "%(segments)s segments, and provider %(provider)s takes at "
                    "most %(max)s. Shorten the template or raise the provider's "
                    "maximum segments.",
                    template=template.name,
                    customer=claim.partner_id.display_name,
                    characters=length.characters,
                    encoding=length.encoding,
                    segments=length.segments,
                    provider=provider.name,
                    max=provider.max_segments,
                )
            )
        return body
