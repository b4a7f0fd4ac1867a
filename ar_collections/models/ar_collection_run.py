import logging

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, email_normalize

_logger = logging.getLogger(__name__)


class ArCollectionRun(models.AbstractModel):
    """The collection run: one reminder per customer, stage and day.

    For each company and customer, the run takes the overdue, undisputed
    receivable items as of the run date. The stage is the strictest one
    reached by the most overdue item, and the message lists every overdue
    item. A stage is sent again only when an item that reached it was not in
    an earlier message of that stage (an item back from a dispute, say). The
    claim row
    keyed (customer, company, stage, channel, date) is inserted before the
    message is queued, so a second run, a concurrent worker or a restart
    after a crash finds the key taken and sends nothing.
    """

    _name = "ar.collection.run"
    _description = "Collection Run"

    @api.model
    def _cron_send_reminders(self, as_of_date=None):
        """Run for every company; ``as_of_date`` (ISO string) replaces today."""
        return self.run_reminders(as_of_date=as_of_date, commit=True)

    @api.model
    def run_reminders(
        self, as_of_date=None, company_ids=None, partner_ids=None, commit=False
    ):
        """Queue the reminders due as of a date and return counts per outcome.

        :param as_of_date: date the run acts for; default today in each
            company's time zone.
        :param company_ids: companies to process; default all companies.
        :param partner_ids: restrict the run to these customers.
        :param commit: commit after each customer, as the scheduled action
            does, so a crash keeps the reminders already queued.
        :return: dict with the counts ``queued``, ``failed`` and ``skipped``.
        """
        as_of_date = fields.Date.to_date(as_of_date) if as_of_date else None
        companies = self._get_run_companies(company_ids)
        summary = {"queued": 0, "failed": 0, "skipped": 0}
        for company in companies:
            company_summary = self._run_company(
                company, as_of_date or company._ar_local_today(), partner_ids, commit
            )
            for key, count in company_summary.items():
                summary[key] += count
        return summary

    @api.model
    def _get_run_companies(self, company_ids):
        Company = self.env["res.company"].sudo()
        if not company_ids:
            return Company.search([])
        companies = Company.browse(company_ids).exists()
        missing = sorted(set(company_ids) - set(companies.ids))
        if missing:
            raise UserError(
                self.env._(
                    "Company id(s) %(ids)s do not exist. Run the collection for "
                    "existing companies only.",
                    ids=", ".join(str(company_id) for company_id in missing),
                )
            )
        return companies

    def _run_company(self, company, as_of_date, partner_ids, commit):
        summary = {"queued": 0, "failed": 0, "skipped": 0}
        policy = company.ar_collection_policy_id
        if not policy.stage_ids.filtered("active"):
            _logger.warning(
                "Collection run skipped company %s: no collection policy with "
                "active stages",
                company.id,
            )
            return summary

        items = self._get_overdue_items(company, as_of_date, partner_ids)
        items_by_customer = items.grouped("partner_id")
        _logger.info(
            "Collection run for company %s as of %s: %s customers with overdue items",
            company.id,
            as_of_date,
            len(items_by_customer),
        )

        for customer in sorted(items_by_customer, key=lambda partner: partner.id):
            with self.env.cr.savepoint():
                outcome = self._process_customer(
                    customer, company, policy, items_by_customer[customer], as_of_date
                )
            summary[outcome] += 1
            if commit:
                # Each customer's claim row and queued mail are committed
                # together: a crash later in the run keeps them, and the
                # claim stops the restarted run from sending them again.
                self.env.cr.commit()  # pylint: disable=invalid-commit

        _logger.info(
            "Collection run for company %s as of %s done: %s queued, %s failed, "
            "%s skipped",
            company.id,
            as_of_date,
            summary["queued"],
            summary["failed"],
            summary["skipped"],
        )
        return summary

    def _get_overdue_items(self, company, as_of_date, partner_ids):
        domain = self._get_overdue_items_domain(company, partner_ids)
        return (
            self.env["ar.receivable.item"]
            .sudo()
            .with_context(ar_as_of_date=fields.Date.to_string(as_of_date))
            .search(domain)
        )

    def _get_overdue_items_domain(self, company, partner_ids):
        # With the company's "Net Open Credits" on, items covered by open
        # credits have no net residual, so a customer whose credits cover
        # its overdue items gets no reminder.
        domain = [
            ("company_id", "=", company.id),
            ("is_overdue", "=", True),
            ("net_residual", ">", 0),
            ("disputed", "=", False),
        ]
        if partner_ids:
            domain.append(("partner_id", "in", list(partner_ids)))
        return domain

    def _process_customer(self, customer, company, policy, items, as_of_date):
        """Claim, render and queue one customer's reminder; return the outcome."""
        max_days = max(items.mapped("days_overdue"))
        stage = policy._get_stage_for_days(max_days)
        if not stage:
            return "skipped"

        stage_items = items.filtered(
            lambda item: item.days_overdue >= stage.min_days_overdue
        )
        if self._stage_already_sent(customer, company, stage, stage_items):
            return "skipped"

        claim = self._insert_claim(customer, company, stage, as_of_date)
        if not claim:
            _logger.info(
                "Reminder for customer %s, company %s, stage %s on %s is already "
                "claimed by another run",
                customer.id,
                company.id,
                stage.id,
                as_of_date,
            )
            return "skipped"

        claim.write(self._prepare_claim_vals(items, max_days))
        try:
            with self.env.cr.savepoint():
                self._send_claim(claim)
        except Exception as error:  # noqa: BLE001
            # Any failure to render or queue the message is recorded on the
            # claim and the customer; the run goes on with the next customer.
            _logger.warning(
                "Reminder %s for customer %s failed: %s",
                claim.id,
                customer.id,
                error,
            )
            self._mark_failed(claim, str(error))
        return claim.state

    def _stage_already_sent(self, customer, company, stage, stage_items):
        """Tell whether every item that reached the stage was already sent in it."""
        sent_lines = (
            self.env["ar.collection.claim.line"]
            .sudo()
            .search(
                [
                    ("claim_id.partner_id", "=", customer.id),
                    ("claim_id.company_id", "=", company.id),
                    ("claim_id.stage_id", "=", stage.id),
                    ("claim_id.state", "=", "queued"),
                    ("move_line_id", "in", stage_items.move_line_id.ids),
                ]
            )
        )
        return set(stage_items.move_line_id.ids) <= set(sent_lines.move_line_id.ids)

    def _insert_claim(self, customer, company, stage, as_of_date):
        """Insert the claim row unless its key is taken; return it or an empty set.

        With plain SQL and ON CONFLICT DO NOTHING, a concurrent transaction
        that inserted the same key first makes this one wait, then skip.
        Odoo's cursors use REPEATABLE READ, where PostgreSQL reports a key
        committed after this transaction's snapshot as a serialization
        failure instead: that too means the key is taken.
        """
        Claim = self.env["ar.collection.claim"].sudo()
        Claim.flush_model()
        query = SQL(
            """
            INSERT INTO ar_collection_claim (
                partner_id, company_id, stage_id, channel, claim_date, state,
                create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, %s, 'queued',
                    %s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC')
            ON CONFLICT (partner_id, company_id, stage_id, channel, claim_date)
            DO NOTHING
            RETURNING id
            """,
            customer.id,
            company.id,
            stage.id,
            stage.channel,
            as_of_date,
            self.env.uid,
            self.env.uid,
        )
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(query, log_exceptions=False)
                rows = self.env.cr.fetchall()
        except psycopg2.errors.SerializationFailure:
            return Claim
        return Claim.browse([row[0] for row in rows])

    def _prepare_claim_vals(self, items, max_days):
        line_commands = [
            fields.Command.create(
                {
                    "move_line_id": item.move_line_id.id,
                    "name": item.move_id.name,
                    "date": item.move_id.invoice_date or item.date,
                    "date_maturity": item.date_maturity,
                    "currency_id": item.currency_id.id,
                    "amount": item.amount_currency,
                    "residual": item.residual_currency,
                    "residual_company": item.residual,
                    "days_overdue": item.days_overdue,
                }
            )
            for item in items.sorted(lambda item: (item.date_maturity, item.id))
        ]
        return {
            "line_ids": line_commands,
            "amount_total": sum(items.mapped("net_residual")),
            "max_days_overdue": max_days,
        }

    def _get_recipients(self, customer, moves):
        """Return the contacts to email: each invoice's address, else the customer.

        Only active contacts of this customer with a valid email qualify.
        """
        recipients = self.env["res.partner"]
        for move in moves:
            contact = move.partner_id
            if self._is_valid_recipient(contact, customer):
                recipients |= contact
            elif self._is_valid_recipient(customer, customer):
                recipients |= customer
        return recipients

    def _is_valid_recipient(self, contact, customer):
        return bool(
            contact
            and contact.active
            and contact.commercial_partner_id == customer
            and email_normalize(contact.email or "")
        )

    def _send_claim(self, claim):
        """Render the stage template and queue it on the customer's chatter."""
        customer = claim.partner_id.sudo()
        recipients = self._get_recipients(customer, claim.line_ids.move_id)
        if not recipients:
            raise UserError(
                self.env._(
                    "No valid email address for customer %(customer)s or the "
                    "invoice addresses of the listed invoices. Add an email "
                    "address to the customer.",
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
            # Leave sending to the mail queue, after this transaction commits.
            force_send=False,
        )
        claim.write(
            {
                "message_id": message.id,
                "recipient_ids": [fields.Command.set(recipients.ids)],
            }
        )
        _logger.info(
            "Reminder %s queued for customer %s (stage %s, %s items, message %s)",
            claim.id,
            customer.id,
            claim.stage_id.id,
            len(claim.line_ids),
            message.id,
        )

    def _mark_failed(self, claim, reason):
        claim.write({"state": "failed", "failure_reason": reason})
        claim.partner_id.sudo().message_post(
            body=self.env._(
                "Collection reminder %(stage)s of %(date)s was not sent: %(reason)s",
                stage=claim.stage_id.name,
                date=claim.claim_date,
                reason=reason,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
