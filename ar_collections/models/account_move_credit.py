import logging

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    def _post(self, soft=True):
        self._ar_check_credit_before_post()
        return super()._post(soft=soft)

    def _ar_credit_checked_moves(self):
        """Return the moves whose posting raises the customer's exposure.

        Credit notes and other moves that lower the exposure are never
        checked, nor are penalty invoices, which charge a debt already owed.
        """
        return self.filtered(
            lambda move: move.move_type == "out_invoice"
            and not move.ar_is_penalty_invoice
            and move.company_id.currency_id.compare_amounts(move.amount_total, 0) > 0
        )

    def _ar_check_credit_before_post(self):
        """Refuse posting customer invoices that break a blocking credit rule.

        The draft invoice is already part of the exposure, so the check adds
        nothing for it. An unused override of a credit manager lets it pass
        once.
        """
        for move in self._ar_credit_checked_moves():
            partner = move.commercial_partner_id
            check = partner._ar_credit_check(move.company_id)
            if not check.blocks:
                continue
            override = self.env["ar.credit.override"]._take(move)
            if override:
                _logger.info(
                    "Invoice %s of customer %s posted over a credit block with "
                    "override %s",
                    move.id,
                    partner.id,
                    override.id,
                )
                continue
            raise UserError(
                self.env._(
                    "Invoice %(invoice)s for %(customer)s cannot be posted: the "
                    "customer is blocked by credit control.\n%(reasons)s\nAsk a "
                    "credit manager to override the block, or collect the debt "
                    "first.",
                    invoice=move.name or move.display_name,
                    customer=partner.display_name,
                    reasons="\n".join(check.reasons),
                )
            )

    def _compute_partner_credit_warning(self):
        result = super()._compute_partner_credit_warning()
        for move in self:
            if move.state != "draft" or move.move_type != "out_invoice":
                continue
            partner = move.commercial_partner_id
            if not partner or not move.company_id:
                continue
            mode, _days, _amount = partner._ar_credit_rule(move.company_id)
            if mode == "off":
                continue
            # A saved draft invoice is already in the exposure.
            current = 0.0 if move._origin.id else move.amount_total_signed
            move.partner_credit_warning = self._ar_credit_warning(
                partner, move.company_id, current
            )
        return result

    @api.model
    def _ar_credit_warning(self, partner, company, amount):
        """Return the banner text of a document of ``partner``, or ''."""
        check = partner._ar_credit_check(company, amount=amount)
        if not check.broken:
            return ""
        if check.blocks:
            intro = self.env._(
                "Credit control blocks %(customer)s: posting or confirming is "
                "refused unless a credit manager overrides it.",
                customer=partner.display_name,
            )
        else:
            intro = self.env._(
                "Credit control warning for %(customer)s:",
                customer=partner.display_name,
            )
        return "\n".join([intro] + check.reasons)

    def action_ar_credit_override(self):
        """Open the override wizard for this document."""
        self.ensure_one()
        return self.env["ar.credit.override.wizard"]._action_open(self)
