from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class ArCreditOverrideWizard(models.TransientModel):
    """Let a credit manager post or confirm one blocked document."""

    _name = "ar.credit.override.wizard"
    _description = "Override Credit Block"

    res_model = fields.Char(string="Document Model", required=True, readonly=True)
    res_id = fields.Integer(string="Document ID", required=True, readonly=True)
    document_name = fields.Char(string="Document", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    status_text = fields.Text(string="Credit Status", readonly=True)
    # Required in the form; action_confirm rejects an empty reason with a
    # message, also for a wizard created by code.
    reason = fields.Text(
        help="Why the document may go ahead despite the block. It is logged on "
        "the customer and the document, and the collector is told.",
    )

    @api.model
    def _check_credit_manager(self):
        if not self.env.user.has_group("ar_collections.group_ar_credit_manager"):
            raise UserError(
                self.env._(
                    "Only a credit manager can override a credit block. Ask a "
                    "user of the Credit Manager group."
                )
            )

    @api.model
    def _action_open(self, document, amount=0.0):
        """Open the wizard for ``document``.

        ``amount`` is what the document adds to the exposure when it goes
        ahead, in company currency (0 for a draft invoice, which is already
        counted), so the credit status shows the figures of the block.
        """
        self._check_credit_manager()
        partner = document.partner_id.commercial_partner_id
        check = partner._ar_credit_check(document.company_id, amount=amount)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Credit Block"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": document._name,
                "default_res_id": document.id,
                "default_document_name": document.display_name,
                "default_partner_id": partner.id,
                "default_company_id": document.company_id.id,
                "default_status_text": "\n".join(check.reasons),
            },
        }

    def action_confirm(self):
        self.ensure_one()
        self._check_credit_manager()
        if not (self.reason or "").strip():
            raise UserError(
                self.env._(
                    "Enter the reason for overriding the credit block of "
                    "%(document)s.",
                    document=self.document_name,
                )
            )
        document = self.env[self.res_model].browse(self.res_id)
        override = (
            self.env["ar.credit.override"]
            .sudo()
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "res_model": self.res_model,
                    "res_id": self.res_id,
                    "document_name": self.document_name,
                    "reason": self.reason,
                    "status_text": self.status_text,
                }
            )
        )
        self._log_override(document, override)
        return {"type": "ir.actions.act_window_close"}

    def _log_override(self, document, override):
        result = self.env._(
            "Credit block overridden for %(document)s: %(reason)s",
            document=self.document_name,
            reason=self.reason,
        )
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": self.partner_id.id,
                    "company_id": self.company_id.id,
                    "event_type": "credit_override",
                    "channel": "manual",
                    "result": result,
                    "description": self.status_text,
                }
            ]
        )
        # A logged note needs no sender address, unlike a posted message.
        document.sudo()._message_log(
            body=Markup("<b>%s</b><br/>%s") % (result, self.status_text or ""),
            author_id=self.env.user.partner_id.id,
        )

        case = self.partner_id._ar_credit_case(self.company_id)
        collector = (
            case.collector_id
            or self.partner_id.ar_collector_id
            or self.partner_id.user_id
        )
        if collector:
            document.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Credit block overridden"),
                note=result,
                user_id=collector.id,
            )
        return override
