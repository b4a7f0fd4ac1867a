import logging

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, format_date

_logger = logging.getLogger(__name__)


class ArCollectionRun(models.AbstractModel):
    """Messages of the collection run: recipients, rendering and attachments."""

    _inherit = "ar.collection.run"

    def _send_messages(self, claim, case):
        """Send the claim stage's messages on each channel; return the outcome."""
        channels = claim.stage_id._get_message_channels()
        if not channels:
            return "done"

        failures = {}
        for channel in channels:
            try:
                with self.env.cr.savepoint():
                    getattr(self, f"_send_{channel}")(claim)
            except Exception as error:  # noqa: BLE001
                # Any failure to render or queue a message is recorded on
                # the claim, the customer's history and the worklist. The
                # run goes on with the next channel and customer.
                _logger.warning(
                    "Collection action %s: %s message for customer %s failed: %s",
                    claim.id,
                    channel,
                    claim.partner_id.id,
                    error,
                )
                failures[channel] = f"{channel}: {error}"

        if len(failures) == len(channels):
            # Nothing went out, so the action is retried on the next run day.
            self._mark_failed(claim, case, failures)
            return "failed"

        reason = "\n".join(failures.values()) or False
        claim.write({"state": "queued", "failure_reason": reason})
        case.last_failure = reason
        if failures:
            # A message went out on another channel: retrying the action
            # would send it twice, so the failed channels are only logged.
            self._log_failures(claim, failures)
        return "queued"

    def _get_recipients(self, customer, moves):
        """Return the contacts to email for these invoices of ``customer``.

        A valid collections contact of the customer wins. Otherwise each
        invoice goes to its invoice address, else to the customer itself.
        Only active contacts of this customer with a valid email qualify.
        """
        collections_contact = customer.ar_collection_contact_id
        if self._is_valid_recipient(collections_contact, customer):
            return collections_contact

        recipients = self.env["res.partner"]
        for move in moves:
            contact = move.partner_id
            if self._is_valid_recipient(contact, customer):
                recipients |= contact
            elif self._is_valid_recipient(customer, customer):
                recipients |= customer
        if not moves and self._is_valid_recipient(customer, customer):
            recipients |= customer
        return recipients

    def _is_valid_recipient(self, contact, customer):
        return bool(
            contact
            and contact.active
            and contact.commercial_partner_id == customer
            and email_normalize(contact.email or "")
        )

    def _send_email(self, claim):
        """Render the stage template and queue it on the customer's chatter."""
        customer = claim.partner_id.sudo()
        invoices = claim.line_ids.filtered(lambda line: line.residual > 0).move_id
        recipients = self._get_recipients(customer, invoices)
        if not recipients:
            raise UserError(
                self.env._(
                    "No valid email address for customer %(customer)s, its "
                    "collections contact or the invoice addresses of the listed "
                    "invoices. Add an email address to the customer.",
                    customer=customer.display_name,
                )
            )

        template = claim.stage_id.mail_template_id.sudo()
        subject = template._render_field("subject", claim.ids, compute_lang=True)[
            claim.id
        ]
        body = template._render_field("body_html", claim.ids, compute_lang=True)[
            claim.id
        ]
        company = claim.company_id
        message = customer.message_post(
            body=Markup(body),
            subject=subject,
            partner_ids=recipients.ids,
            author_id=company.partner_id.id,
            email_from=company.email_formatted or None,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
            attachments=self._get_attachments(claim, invoices),
            # Leave sending to the mail queue, after this transaction commits.
            force_send=False,
        )
        claim.write(
            {
                "message_id": message.id,
                "recipient_ids": [fields.Command.set(recipients.ids)],
            }
        )
        self._log_on_invoices(claim, invoices, recipients)
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "event_type": "reminder",
                    "channel": "email",
                    "stage_id": claim.stage_id.id,
                    "claim_id": claim.id,
                    "result": self.env._(
                        "Queued to %(emails)s",
                        emails=", ".join(recipients.mapped("email")),
                    ),
                }
            ],
            # The email itself is on the customer's chatter.
            post_note=False,
        )
        _logger.info(
            "Collection email %s queued for customer %s "
            "(stage %s, %s items, message %s)",
            claim.id,
            customer.id,
            claim.stage_id.id,
            len(claim.line_ids),
            message.id,
        )

    def _get_attachments(self, claim, invoices):
        stage = claim.stage_id
        attachments = []
        Report = self.env["ir.actions.report"].sudo()
        if stage.attach_invoices:
            for invoice in invoices:
                content, _format = Report._render_qweb_pdf(
                    "account.account_invoices", invoice.ids
                )
                attachments.append(
                    (f"{invoice._get_report_base_filename()}.pdf", content)
                )
        if stage.attach_statement:
            content, _format = Report._render_qweb_pdf(
                "ar_collections.action_report_ar_statement", claim.ids
            )
            name = self.env._(
                "Statement %(customer)s %(date)s",
                customer=claim.partner_id.name,
                date=fields.Date.to_string(claim.claim_date),
            )
            attachments.append((f"{name}.pdf", content))
        return attachments

    def _log_on_invoices(self, claim, invoices, recipients):
        """Leave an internal note on each listed invoice, in one batch."""
        if not invoices:
            return
        body = Markup("%s") % self.env._(
            "Collection reminder %(stage)s of %(date)s sent to %(emails)s.",
            stage=claim.stage_id.name,
            date=format_date(self.env, claim.claim_date),
            emails=", ".join(recipients.mapped("email")),
        )
        invoices.sudo()._message_log_batch(
            bodies={invoice.id: body for invoice in invoices}
        )

    def _mark_failed(self, claim, case, failures):
        """Mark the action failed, so that it is retried, and log each channel.

        ``failures`` maps each failed channel to its reason.
        """
        reason = "\n".join(failures.values())
        claim.write({"state": "failed", "failure_reason": reason})
        case.last_failure = reason
        self._log_failures(claim, failures)

    def _log_failures(self, claim, failures):
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": claim.partner_id.id,
                    "company_id": claim.company_id.id,
                    "event_type": "reminder",
                    "channel": channel,
                    "stage_id": claim.stage_id.id,
                    "claim_id": claim.id,
                    "result": self.env._("Failed: %(reason)s", reason=reason),
                }
                for channel, reason in failures.items()
            ]
        )
