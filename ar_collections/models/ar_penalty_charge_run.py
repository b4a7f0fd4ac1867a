"""Charging penalties: one penalty invoice per customer, company and currency."""

import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from .ar_penalty_engine import outcome_lines

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 100


class ArPenaltyCharge(models.Model):
    _inherit = "ar.penalty.charge"

    # Charge run

    @api.model
    def _run_charge(self, charge_date, companies=None, partner_ids=None, commit=False):
        """Charge the penalties accrued up to ``charge_date``; return the invoices.

        For each item, the days from the day after its last charged day up to
        ``charge_date`` are charged, with the customer's pending stage fees.
        Customers are processed in batches. With ``commit`` (the scheduled
        run), each customer's invoice is committed on its own and a failing
        customer is logged and skipped. Without it, any failure raises and
        nothing is charged.
        """
        companies = companies or self.env["res.company"].search([])
        invoices = self.env["account.move"]
        for company in companies:
            invoices |= self._charge_company(company, charge_date, partner_ids, commit)
        return invoices

    def _charge_company(self, company, charge_date, partner_ids, commit):
        engine = self.env["ar.penalty.engine"]
        condition = self._candidate_condition(company, charge_date, partner_ids)
        items = engine._read_items(condition)
        fee_partners = self._pending_fee_partners(company, partner_ids)
        by_partner = defaultdict(list)
        for item in items:
            by_partner[item.partner_id].append(item)
        customers = sorted(set(by_partner) | fee_partners)
        _logger.info(
            "Penalty charge for company %s up to %s: %s customers, %s items",
            company.id,
            charge_date,
            len(customers),
            len(items),
        )

        invoices = self.env["account.move"]
        batch_size = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("ar_collections.penalty_batch_size", DEFAULT_BATCH_SIZE)
        )
        for start in range(0, len(customers), batch_size):
            batch = customers[start : start + batch_size]
            batch_items = [item for partner in batch for item in by_partner[partner]]
            engine._attach_history(batch_items, charge_date)
            outcomes = engine._compute(batch_items, charge_date)
            outcomes = self._waive_paid(outcomes, company)
            fees = self._pending_fees(company, batch)
            groups = defaultdict(list)
            for outcome in outcomes:
                if outcome.result.amount > 0:
                    item = outcome.item
                    groups[(item.partner_id, item.currency_id)].append(outcome)
            for fee in fees:
                groups.setdefault((fee.partner_id.id, fee.currency_id.id), [])

            for (partner_id, currency_id), group in sorted(groups.items()):
                partner_fees = fees.filtered(
                    lambda fee, p=partner_id, c=currency_id: fee.partner_id.id == p
                    and fee.currency_id.id == c
                )
                invoice = self._charge_group(
                    company,
                    partner_id,
                    currency_id,
                    group,
                    partner_fees,
                    charge_date,
                    commit,
                )
                invoices |= invoice
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            self.env["account.move"].browse(
                {item.move_id for item in batch_items}
            )._ar_penalty_refresh_on_stored_date(min_date=charge_date)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return invoices

    def _candidate_condition(self, company, charge_date, partner_ids):
        """Return the SQL filter of the items that may have days to charge.

        Open items due before the charge date, and paid ones whose payment
        came after their last charged day.
        """
        partner_filter = (
            SQL("partner.commercial_partner_id = ANY(%s)", list(partner_ids))
            if partner_ids
            else SQL("TRUE")
        )
        return SQL(
            """
            aml.company_id = %(company)s
            AND COALESCE(aml.date_maturity, aml.date) < %(day)s
            AND %(partners)s
            AND (
                aml.amount_residual_currency != 0
                OR EXISTS (
                    SELECT 1
                      FROM account_partial_reconcile apr
                     WHERE apr.debit_move_id = aml.id
                       AND apr.max_date > COALESCE(
                           (SELECT MAX(charge.date_to)
                              FROM ar_penalty_charge charge
                             WHERE charge.move_line_id = aml.id
                               AND charge.kind = 'interest'
                               AND charge.state IN ('charged', 'waived')),
                           COALESCE(aml.date_maturity, aml.date))
                )
            )
            """,
            company=company.id,
            day=charge_date,
            partners=partner_filter,
        )

    def _pending_fee_partners(self, company, partner_ids):
        domain = [
            ("company_id", "=", company.id),
            ("kind", "=", "fee"),
            ("state", "=", "pending"),
        ]
        if partner_ids:
            domain.append(("partner_id", "in", list(partner_ids)))
        return set(self.search(domain).partner_id.ids)

    def _pending_fees(self, company, partner_ids):
        return self.search(
            [
                ("company_id", "=", company.id),
                ("kind", "=", "fee"),
                ("state", "=", "pending"),
                ("partner_id", "in", list(partner_ids)),
            ]
        )

    def _charge_group(
        self, company, partner_id, currency_id, outcomes, fees, charge_date, commit
    ):
        """Charge one customer's penalties in one currency; return the invoice.

        The charges are inserted first: when another run has charged the same
        days, a unique index rejects them and this group is skipped.
        """
        partner = self.env["res.partner"].browse(partner_id)
        try:
            with self.env.cr.savepoint():
                charges = self._insert_interest_charges(outcomes)
                if charges is None:
                    _logger.info(
                        "Penalties of customer %s, company %s up to %s are "
                        "already charged by another run",
                        partner_id,
                        company.id,
                        charge_date,
                    )
                    return self.env["account.move"]
                charges |= fees
                if not charges:
                    return self.env["account.move"]
                invoice = self._create_penalty_invoice(
                    company, partner, currency_id, charges, charge_date
                )
        except UserError as error:
            if not commit:
                raise
            _logger.warning(
                "Penalty charge of customer %s, company %s up to %s failed: %s",
                partner_id,
                company.id,
                charge_date,
                error,
            )
            return self.env["account.move"]
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        return invoice

    def _insert_interest_charges(self, outcomes):
        """Insert the pending interest charges of ``outcomes``.

        Return them, or None when one of their first days is already charged.
        """
        vals_list = []
        for outcome in outcomes:
            lines = outcome.result.lines
            if not lines:
                continue
            item = outcome.item
            vals_list.append(
                {
                    "kind": "interest",
                    "move_id": item.move_id,
                    "move_line_id": item.line_id,
                    "partner_id": item.partner_id,
                    "company_id": item.company_id,
                    "currency_id": item.currency_id,
                    "rule_id": outcome.rule_id,
                    "date_from": lines[0].date_from,
                    "date_to": lines[-1].date_to,
                    "amount": float(outcome.result.amount),
                    "line_ids": [
                        Command.create(self._line_vals(item, line, line_type))
                        for line_type, line in outcome_lines(outcome)
                    ],
                }
            )
        try:
            with self.env.cr.savepoint():
                charges = self.sudo().create(vals_list)
                charges.flush_recordset()
        except (psycopg2.errors.UniqueViolation, psycopg2.errors.SerializationFailure):
            return None
        return charges

    def _line_vals(self, item, line, line_type="period"):
        return {
            "line_type": line_type,
            "move_id": item.move_id,
            "move_line_id": item.line_id,
            "currency_id": item.currency_id,
            "date_from": line.date_from,
            "date_to": line.date_to,
            "days": line.days,
            "base": float(line.base),
            "rate": float(line.rate),
            "formula": line.formula,
            "amount": float(line.amount),
        }

    def _create_penalty_invoice(
        self, company, partner, currency_id, charges, charge_date
    ):
        """Create and post the penalty invoice of ``charges`` and link them."""
        default_rule = company.ar_penalty_rule_id
        partner = partner.with_context(lang=partner.lang or self.env.user.lang)
        line_commands = []
        for charge in charges:
            rule = charge.rule_id or default_rule
            product = rule.product_id
            if not product:
                raise UserError(
                    self.env._(
                        "Penalty rule %(rule)s has no product, so the penalty "
                        "invoice of %(customer)s cannot be created. Choose the "
                        "product of penalty invoice lines on the rule.",
                        rule=rule.name or self.env._("(none)"),
                        customer=partner.display_name,
                    )
                )
            line_vals = {
                "product_id": product.id,
                "name": charge.with_context(lang=partner.lang)._invoice_line_name(),
                "quantity": 1,
                "price_unit": charge.amount,
            }
            if rule.account_id:
                line_vals["account_id"] = rule.account_id.id
            line_commands.append(Command.create(line_vals))

        journal = company.ar_penalty_journal_id or self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "sale")], limit=1
        )
        if not journal:
            raise UserError(
                self.env._(
                    "Company %(company)s has no sales journal for penalty "
                    "invoices. Create one or choose it in the settings.",
                    company=company.display_name,
                )
            )
        invoice_vals = {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "company_id": company.id,
            "journal_id": journal.id,
            "currency_id": currency_id,
            "invoice_date": charge_date,
            "ar_is_penalty_invoice": True,
            "invoice_line_ids": line_commands,
        }
        payment_term = partner.with_company(company).property_payment_term_id
        if payment_term:
            invoice_vals["invoice_payment_term_id"] = payment_term.id
        else:
            # Without payment terms the penalty is due on the charge date.
            invoice_vals["invoice_date_due"] = charge_date
        invoice = self.env["account.move"].with_company(company).create(invoice_vals)
        invoice.action_post()
        charges.write({"state": "charged", "penalty_move_id": invoice.id})
        self._log_charge(invoice, charges)
        _logger.info(
            "Penalty invoice %s for customer %s, company %s: %s charges, %s %s",
            invoice.id,
            partner.id,
            company.id,
            len(charges),
            invoice.amount_total,
            invoice.currency_id.name,
        )
        return invoice

    def _invoice_line_name(self):
        self.ensure_one()
        if self.kind == "fee":
            return self.env._(
                "Collection fee: %(stage)s of %(date)s",
                stage=self.collection_claim_id.stage_id.name or "",
                date=format_date(self.env, self.collection_claim_id.claim_date),
            )
        days = (self.date_to - self.date_from).days + 1
        return self.env._(
            "Late-payment penalty on %(invoice)s, %(start)s to %(end)s (%(days)s days)",
            invoice=self.move_id.name,
            start=format_date(self.env, self.date_from),
            end=format_date(self.env, self.date_to),
            days=days,
        )

    def _log_charge(self, invoice, charges):
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": invoice.partner_id.id,
                    "company_id": invoice.company_id.id,
                    "event_type": "penalty_charged",
                    "channel": "system",
                    "result": self.env._(
                        "Penalty invoice %(invoice)s: %(amount)s",
                        invoice=invoice.name,
                        amount=invoice.amount_total,
                    ),
                }
            ]
        )

    # Principal paid, penalty not charged

    def _waive_paid(self, outcomes, company):
        """Apply the company's choice for penalties of fully paid items.

        With "waive", the uncharged penalty of an item whose principal is
        paid, and the pending fees of a customer without open items, are
        recorded as waived and logged. With "stays payable" nothing changes
        and the next charge run invoices them. Return the outcomes left to
        charge.
        """
        if company.ar_penalty_after_principal != "waive":
            return outcomes

        kept, waived_vals = [], []
        for outcome in outcomes:
            result = outcome.result
            if outcome.item.residual > 0 or result.amount <= 0 or not result.lines:
                kept.append(outcome)
                continue
            item = outcome.item
            waived_vals.append(
                {
                    "kind": "interest",
                    "state": "waived",
                    "move_id": item.move_id,
                    "move_line_id": item.line_id,
                    "partner_id": item.partner_id,
                    "company_id": item.company_id,
                    "currency_id": item.currency_id,
                    "rule_id": outcome.rule_id,
                    "date_from": result.lines[0].date_from,
                    "date_to": result.lines[-1].date_to,
                    "amount": float(result.amount),
                    "note": self.env._("Principal paid"),
                    "line_ids": [
                        Command.create(self._line_vals(item, line, line_type))
                        for line_type, line in outcome_lines(outcome)
                    ],
                }
            )
        partners = {outcome.item.partner_id for outcome in outcomes}
        fees = self._fees_of_settled_customers(company, partners)
        if not waived_vals and not fees:
            return kept

        waived = self.sudo().create(waived_vals)
        fees.write({"state": "waived", "note": self.env._("Principal paid")})
        self._log_waivers(waived | fees)
        return kept

    def _fees_of_settled_customers(self, company, partner_ids):
        """Return the pending fees of customers who owe no principal any more."""
        fees = self.search(
            [
                ("company_id", "=", company.id),
                ("kind", "=", "fee"),
                ("state", "=", "pending"),
                ("partner_id", "in", list(partner_ids)),
            ]
        )
        if not fees:
            return fees
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT DISTINCT partner.commercial_partner_id
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
              JOIN account_move move ON move.id = aml.move_id
             WHERE account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted'
               AND aml.company_id = %s
               AND aml.amount_residual_currency > 0
               AND NOT COALESCE(move.ar_is_penalty_invoice, FALSE)
               AND partner.commercial_partner_id = ANY(%s)
            """,
            [company.id, fees.partner_id.ids],
        )
        owing = {row[0] for row in self.env.cr.fetchall()}
        return fees.filtered(lambda fee: fee.partner_id.id not in owing)

    def _log_waivers(self, charges):
        totals = defaultdict(float)
        for charge in charges:
            totals[(charge.partner_id, charge.company_id, charge.currency_id)] += (
                charge.amount
            )
        self.env["ar.collection.event"]._log(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "event_type": "penalty_waived",
                    "channel": "system",
                    "result": self.env._(
                        "Penalty waived, principal paid: %(amount)s %(currency)s",
                        amount=currency.round(amount),
                        currency=currency.name,
                    ),
                }
                for (partner, company, currency), amount in totals.items()
            ]
        )
        _logger.info("Waived %s penalty charges of paid items", len(charges))

    # Stage fees

    @api.model
    def _record_stage_fee(self, claim):
        """Record the fee of a collection action at a stage that charges one."""
        if not claim.stage_id.charge_fee:
            return self
        partner = claim.partner_id
        rule = (
            partner.with_company(claim.company_id).ar_penalty_rule_id
            or claim.company_id.ar_penalty_rule_id
        )
        if not rule or not rule.fee_amount:
            return self
        return self.sudo().create(
            {
                "kind": "fee",
                "partner_id": partner.id,
                "company_id": claim.company_id.id,
                "currency_id": claim.company_id.currency_id.id,
                "rule_id": rule.id,
                "collection_claim_id": claim.id,
                "date_from": claim.claim_date,
                "date_to": claim.claim_date,
                "amount": rule.fee_amount,
            }
        )

    # Scheduled charging

    @api.model
    def _cron_charge_penalties(self):
        """Charge, in the companies that ask for it, the penalties up to month end.

        The charge date is the last day of the previous month in the
        company's time zone, so every run of a month charges the same days
        and runs after the first find nothing left to charge.
        """
        for company in self.env["res.company"].search(
            [("ar_penalty_auto_charge", "=", True)]
        ):
            today = company._ar_local_today()
            charge_date = today.replace(day=1) - timedelta(days=1)
            invoices = self._run_charge(charge_date, companies=company, commit=True)
            _logger.info(
                "Scheduled penalty charge of company %s up to %s: %s invoices",
                company.id,
                charge_date,
                len(invoices),
            )
        return fields.Date.today()
