import logging
from dataclasses import dataclass
from datetime import date, timedelta

import psycopg2
import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .ar_aging_sql import receivable_items_sql
from .ar_collection_ladder import LadderItem, plan_customer

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 200
BATCH_SIZE_PARAM = "ar_collections.run_batch_size"


@dataclass(frozen=True)
class RunItem:
    """A receivable item as of the run date, read once per batch.

    Plain values rather than records: the run commits after each customer,
    which empties the ORM cache, and re-reading the as-of view would cost a
    query over the whole batch for every customer.
    """

    move_line_id: int
    move_id: int
    partner_id: int
    name: str
    date: date
    date_maturity: date
    currency_id: int
    amount_currency: float
    residual: float
    residual_currency: float
    net_residual: float
    days_overdue: int
    disputed: bool


class ArCollectionRun(models.AbstractModel):
    """The collection run: at most one collection action per customer and day.

    For each company and customer the run reads the open receivable items
    as of the run date, leaves out disputed items and items under an open
    promise to pay, and lets the ladder find the items that reached a stage
    they were not sent yet. If any did, it inserts the day's claim row under the
    unique key (customer, company, date) before doing anything else, then
    sends the stage's messages and takes its actions. A second run, a
    concurrent worker or a restart after a crash finds the key taken and
    does nothing, so every action happens once.
    """

    _name = "ar.collection.run"
    _description = "Collection Run"

    # Scheduled run

    @api.model
    def _cron_send_reminders(self, batch_size=None):
        """Process one batch of the customers due today and report progress.

        Each company works on its own local date. A customer is processed at
        most once per local date, by the first run inside the sending window
        of the customer's time zone (its own, else the company's), and only
        on working days when the company setting requires it. Ir.cron calls the job
        again while customers remain.
        """
        batch_size = batch_size or self._get_batch_size()
        pending = []
        for company in self.env["res.company"].sudo().search([]):
            pending.extend(
                (company, partner_id) for partner_id in self._get_due_customers(company)
            )

        batch = pending[:batch_size]
        by_company = {}
        for company, partner_id in batch:
            by_company.setdefault(company, []).append(partner_id)
        for company, partner_ids in by_company.items():
            self._run_batch(
                company,
                partner_ids,
                company._ar_local_today(),
                commit=True,
                scheduled=True,
            )

        remaining = len(pending) - len(batch)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        _logger.info(
            "Scheduled collection run processed %s customers, %s remaining",
            len(batch),
            remaining,
        )
        return {"done": len(batch), "remaining": remaining}

    def _get_batch_size(self):
        value = self.env["ir.config_parameter"].sudo().get_param(BATCH_SIZE_PARAM)
        try:
            size = int(value or DEFAULT_BATCH_SIZE)
        except ValueError:
            _logger.warning(
                "Ignoring system parameter %s=%r: not an integer",
                BATCH_SIZE_PARAM,
                value,
            )
            size = DEFAULT_BATCH_SIZE
        return max(size, 1)

    def _get_due_customers(self, company):
        """Return the customers the scheduled run still has to process today."""
        today = company._ar_local_today()
        if not company._ar_is_working_day(today):
            return []
        query = SQL(
            """
            WITH candidates AS (
                SELECT DISTINCT partner.commercial_partner_id AS partner_id
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN res_partner partner ON partner.id = aml.partner_id
                 WHERE aml.company_id = %(company)s
                   AND account.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND NOT aml.reconciled
                   AND aml.amount_residual != 0
                UNION
                SELECT case_row.partner_id
                  FROM ar_collection_case case_row
                 WHERE case_row.company_id = %(company)s
                   AND (case_row.stage_id IS NOT NULL OR case_row.overdue_amount != 0)
                UNION
                SELECT promise.partner_id
                  FROM ar_promise promise
                 WHERE promise.company_id = %(company)s
                   AND promise.state = 'open'
            )
            SELECT candidates.partner_id, customer.tz
              FROM candidates
              JOIN res_partner customer ON customer.id = candidates.partner_id
              LEFT JOIN ar_collection_case case_row
                ON case_row.partner_id = candidates.partner_id
               AND case_row.company_id = %(company)s
             WHERE case_row.last_run_date IS NULL
                OR case_row.last_run_date < %(today)s
             ORDER BY candidates.partner_id
            """,
            company=company.id,
            today=today,
        )
        # The query reads journal items, partners and cases directly.
        self.env.flush_all()
        rows = self.env.execute_query(query)
        now = fields.Datetime.now().replace(tzinfo=pytz.utc)
        return [
            partner_id
            for partner_id, tz_name in rows
            if company._ar_in_sending_window(now, tz_name)
        ]

    # Manual run

    @api.model
    def run_reminders(
        self, as_of_date=None, company_ids=None, partner_ids=None, commit=False
    ):
        """Run the collection for a date, ignoring the sending window.

        :param as_of_date: date the run acts for; default today in each
            company's time zone.
        :param company_ids: companies to process; default all companies.
        :param partner_ids: restrict the run to these customers.
        :param commit: commit after each customer, as the scheduled action
            does, so a crash keeps the actions already taken.
        :return: dict with the counts ``queued`` (messages queued), ``done``
            (actions without a message), ``failed`` and ``skipped``.
        """
        as_of_date = fields.Date.to_date(as_of_date) if as_of_date else None
        summary = dict.fromkeys(("queued", "done", "failed", "skipped"), 0)
        for company in self._get_run_companies(company_ids):
            run_date = as_of_date or company._ar_local_today()
            customers = self._get_customers_with_items(company, run_date, partner_ids)
            batch_size = self._get_batch_size()
            for start in range(0, len(customers), batch_size):
                batch_summary = self._run_batch(
                    company, customers[start : start + batch_size], run_date, commit
                )
                for key, count in batch_summary.items():
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

    def _get_customers_with_items(self, company, as_of_date, partner_ids):
        self.env.flush_all()
        query = SQL(
            "SELECT DISTINCT items.partner_id FROM (%s) items",
            receivable_items_sql(as_of_date, company.id, partner_ids),
        )
        customer_ids = {row[0] for row in self.env.execute_query(query)}
        case_domain = [
            ("company_id", "=", company.id),
            "|",
            ("stage_id", "!=", False),
            ("overdue_amount", "!=", 0),
        ]
        if partner_ids:
            case_domain.append(("partner_id", "in", list(partner_ids)))
        customer_ids |= set(
            self.env["ar.collection.case"].sudo().search(case_domain).partner_id.ids
        )
        # Customers with an open promise are settled even when paid up.
        promise_domain = [("company_id", "=", company.id), ("state", "=", "open")]
        if partner_ids:
            promise_domain.append(("partner_id", "in", list(partner_ids)))
        customer_ids |= set(
            self.env["ar.promise"].sudo().search(promise_domain).partner_id.ids
        )
        return sorted(customer_ids)

    def _read_items(self, company, partner_ids, as_of_date):
        """Return the receivable items of these customers as :class:`RunItem`."""
        self.env.flush_all()
        query = SQL(
            """
            SELECT items.move_line_id, items.move_id, items.partner_id,
                   move.name, COALESCE(move.invoice_date, items.date),
                   items.date_maturity, items.currency_id,
                   items.amount_currency, items.residual,
                   items.residual_currency, items.net_residual,
                   items.days_overdue, items.disputed
              FROM (%s) items
              JOIN account_move move ON move.id = items.move_id
             ORDER BY items.partner_id, items.date_maturity, items.move_line_id
            """,
            receivable_items_sql(as_of_date, company.id, partner_ids),
        )
        return [RunItem(*row) for row in self.env.execute_query(query)]

    # One batch of customers of one company

    def _run_batch(self, company, partner_ids, as_of_date, commit, scheduled=False):
        """Process these customers of ``company`` as of ``as_of_date``.

        Every customer runs in its own savepoint, so a failure stays with
        that customer. With ``commit``, each customer's actions are committed
        before the next customer starts.
        """
        summary = dict.fromkeys(("queued", "done", "failed", "skipped"), 0)
        if not partner_ids:
            return summary
        partners = self.env["res.partner"].sudo().browse(partner_ids)

        try:
            with self.env.cr.savepoint():
                broken = self.env["ar.promise"]._check_due_promises(
                    company, partner_ids, as_of_date
                )
        except psycopg2.errors.SerializationFailure:
            # Another worker settled these promises first; it escalates the
            # customers whose promise broke.
            _logger.info(
                "Promises of company %s were settled by another run", company.id
            )
            broken = self.env["res.partner"]
        context = self._prepare_batch_context(company, partner_ids, as_of_date)
        context["broken"] = set(broken.ids)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

        for partner in partners.sorted("id"):
            try:
                with self.env.cr.savepoint():
                    outcome = self._process_customer(
                        partner, company, as_of_date, context, scheduled
                    )
            except (
                psycopg2.errors.SerializationFailure,
                psycopg2.errors.UniqueViolation,
            ):
                # Another worker created or updated this customer's case
                # after this transaction's snapshot: it is processing the
                # customer.
                _logger.info(
                    "Customer %s of company %s is processed by another run",
                    partner.id,
                    company.id,
                )
                outcome = "skipped"
            except Exception:
                _logger.exception(
                    "Collection run failed for customer %s of company %s",
                    partner.id,
                    company.id,
                )
                outcome = "failed"
            summary[outcome] += 1
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

        if commit:
            # Everything is committed: drop the record cache so that memory
            # stays bounded by the batch size over a long run.
            self.env.invalidate_all()
        _logger.info(
            "Collection run for company %s as of %s: %s customers, %s queued, "
            "%s done without message, %s failed, %s skipped",
            company.id,
            as_of_date,
            len(partners),
            summary["queued"],
            summary["done"],
            summary["failed"],
            summary["skipped"],
        )
        return summary

    def _prepare_batch_context(self, company, partner_ids, as_of_date):
        """Read, for the whole batch, what every customer's decision needs."""
        items = self._read_items(company, partner_ids, as_of_date)
        items_by_partner = {}
        for item in items:
            items_by_partner.setdefault(item.partner_id, []).append(item)
        promises = self.env["ar.promise"]._get_open_promises(
            company, partner_ids, as_of_date
        )
        cases = (
            self.env["ar.collection.case"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", list(partner_ids)),
                    ("company_id", "=", company.id),
                ]
            )
        )
        return {
            "policy_by_partner": self._get_policies(company, partner_ids),
            "items": items_by_partner,
            "history": self._get_item_history([item.move_line_id for item in items]),
            "paused_partners": set(
                promises.filtered(lambda p: not p.move_id).partner_id.ids
            ),
            "paused_moves": set(promises.move_id.ids),
            "cases": {case.partner_id.id: case for case in cases},
        }

    def _get_policies(self, company, partner_ids):
        partners = (
            self.env["res.partner"].sudo().with_company(company).browse(partner_ids)
        )
        default = company.ar_collection_policy_id
        return {
            partner.id: partner.ar_collection_policy_id or default
            for partner in partners
        }

    def _get_item_history(self, move_line_ids):
        """Return {journal item id: (stage id, date)} of its last message."""
        if not move_line_ids:
            return {}
        self.env["ar.collection.claim.line"].flush_model()
        query = SQL(
            """
            SELECT DISTINCT ON (line.move_line_id)
                   line.move_line_id, line.stage_id, claim.claim_date
              FROM ar_collection_claim_line line
              JOIN ar_collection_claim claim ON claim.id = line.claim_id
             WHERE line.move_line_id IN %s
               AND line.stage_id IS NOT NULL
               AND claim.state != 'failed'
             ORDER BY line.move_line_id, claim.claim_date DESC, claim.id DESC
            """,
            tuple(move_line_ids),
        )
        return {
            move_line_id: (stage_id, claim_date)
            for move_line_id, stage_id, claim_date in self.env.execute_query(query)
        }

    # One customer

    def _process_customer(self, partner, company, as_of_date, context, scheduled):
        """Decide and take the customer's collection action; return the outcome."""
        case = context["cases"].get(partner.id) or self._create_case(partner, company)
        policy = context["policy_by_partner"][partner.id]
        open_items = [
            item
            for item in context["items"].get(partner.id, [])
            if not item.disputed and item.move_id not in context["paused_moves"]
        ]
        overdue = [
            item
            for item in open_items
            if item.days_overdue > 0 and item.net_residual > 0
        ]
        case_vals = self._prepare_case_figures(overdue, as_of_date)
        if scheduled or as_of_date == company._ar_local_today():
            # A manual run for today counts as today's processing, so the
            # scheduled run does not take the customer up again that day.
            case_vals["last_run_date"] = as_of_date

        paused = partner.id in context["paused_partners"] or (
            case.paused_until and case.paused_until >= as_of_date
        )
        plan = None
        if policy and not paused:
            plan = self._plan(policy, open_items, context, as_of_date, partner)

        if not plan or not plan.stage_id:
            if not overdue and case.stage_id:
                self._reset_case_stage(case, as_of_date, case_vals)
            case.write(case_vals)
            return "skipped"

        claim = self._insert_claim(partner, company, plan.stage_id, as_of_date)
        if not claim:
            _logger.info(
                "Collection action for customer %s, company %s on %s is already "
                "claimed by another run",
                partner.id,
                company.id,
                as_of_date,
            )
            return "skipped"

        if partner.id in context["broken"]:
            case_vals["broken_promise"] = True
        case.write(case_vals)
        claim.write(self._prepare_claim_vals(open_items, plan, company))
        self._apply_stage(case, claim, as_of_date)
        self.env["ar.penalty.charge"]._record_stage_fee(claim)
        return self._send_messages(claim, case)

    def _create_case(self, partner, company):
        """Create the customer's case inside the customer's savepoint.

        When another worker creates the same case at the same time, the
        unique key raises here, and the customer is left to that worker.
        """
        case = (
            self.env["ar.collection.case"]
            .sudo()
            .create({"partner_id": partner.id, "company_id": company.id})
        )
        case.flush_recordset()
        return case

    def _plan(self, policy, open_items, context, as_of_date, partner):
        history = context["history"]
        ladder_items = []
        for item in open_items:
            if item.net_residual <= 0:
                continue
            last_stage_id, last_date = history.get(item.move_line_id, (None, None))
            ladder_items.append(
                LadderItem(
                    key=item.move_line_id,
                    days_overdue=item.days_overdue,
                    amount=item.net_residual,
                    last_stage_id=last_stage_id,
                    last_sent_date=last_date,
                )
            )
        return plan_customer(
            policy._get_stage_rules(),
            ladder_items,
            as_of_date,
            mode=policy.mode,
            grace_days=policy.grace_days,
            min_gap_days=policy.min_gap_days,
            escalate=partner.id in context["broken"],
        )

    def _prepare_case_figures(self, overdue, as_of_date):
        amount = sum(item.net_residual for item in overdue)
        max_days = max((item.days_overdue for item in overdue), default=0)
        return {
            "overdue_amount": amount,
            "max_days_overdue": max_days,
            "priority": amount * max_days,
        }

    def _reset_case_stage(self, case, as_of_date, case_vals):
        """Close the customer's escalation once it has no overdue debt left."""
        event = self._case_event(
            case,
            "stage_change",
            result=self.env._(
                "No overdue debt on %(date)s: stage %(stage)s closed",
                date=fields.Date.to_string(as_of_date),
                stage=case.stage_id.name,
            ),
        )
        events = [event]
        if case.credit_hold and case.credit_hold_source == "stage":
            # The stage that set the hold is closed, so its hold is lifted.
            case_vals.update(self._lifted_hold_vals())
            events.append(
                self._case_event(
                    case,
                    "credit_hold_lifted",
                    result=self.env._("No overdue debt: credit hold lifted"),
                )
            )
        self.env["ar.collection.event"]._log(events, post_note=False)
        case_vals.update(
            {"stage_id": False, "stage_date": False, "broken_promise": False}
        )

    def _lifted_hold_vals(self):
        return {
            "credit_hold": False,
            "credit_hold_date": False,
            "credit_hold_reason": False,
            "credit_hold_user_id": False,
            "credit_hold_source": False,
        }

    def _insert_claim(self, partner, company, stage_id, as_of_date):
        """Insert the day's claim row unless its key is taken.

        Return the new claim, or an empty recordset when the key is taken.

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
                partner_id, company_id, stage_id, claim_date, state,
                create_uid, create_date, write_uid, write_date)
            VALUES (%s, %s, %s, %s, 'done',
                    %s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC')
            ON CONFLICT (partner_id, company_id, claim_date) DO NOTHING
            RETURNING id
            """,
            partner.id,
            company.id,
            stage_id,
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

    def _prepare_claim_vals(self, open_items, plan, company):
        """List due and overdue items, the pre-due items that triggered, and credits."""
        listed = [
            item
            for item in open_items
            if (item.net_residual > 0 and item.days_overdue >= 0)
            or item.move_line_id in plan.due_keys
            or (company.ar_net_credits and item.residual < 0)
        ]
        line_commands = [
            fields.Command.create(
                {
                    "move_line_id": item.move_line_id,
                    "name": item.name,
                    "date": item.date,
                    "date_maturity": item.date_maturity,
                    "currency_id": item.currency_id,
                    "amount": item.amount_currency,
                    "residual": item.residual_currency,
                    "residual_company": item.residual,
                    "days_overdue": item.days_overdue,
                    "stage_id": plan.item_stage_ids.get(item.move_line_id),
                    "triggered": item.move_line_id in plan.due_keys,
                }
            )
            for item in listed
        ]
        return {
            "line_ids": line_commands,
            "amount_total": sum(
                item.net_residual for item in listed if item.net_residual > 0
            ),
            "max_days_overdue": max((item.days_overdue for item in listed), default=0),
        }

    def _apply_stage(self, case, claim, as_of_date):
        """Move the case to the claim's stage and take the stage's actions once.

        Actions run when the stage is stricter than the case's current one.
        Holds and hand-overs of stages that a jump passed over are applied too,
        but only the reached stage plans its activity.
        """
        stage = claim.stage_id
        previous = case.stage_id
        if previous == stage:
            return
        event = self._case_event(
            case,
            "stage_change",
            claim,
            result=self.env._(
                "Stage changed from %(previous)s to %(stage)s",
                previous=previous.name or self.env._("no stage"),
                stage=stage.name,
            ),
        )
        case.write({"stage_id": stage.id, "stage_date": as_of_date})
        if previous and previous.trigger_days > stage.trigger_days:
            # The strictest debt was paid without a run on a day without
            # overdue debt: the customer steps back, and no action repeats.
            self.env["ar.collection.event"]._log([event], post_note=False)
            return

        passed = stage.policy_id.stage_ids.filtered(
            lambda other: other.active
            and other.trigger_days <= stage.trigger_days
            and (not previous or other.trigger_days > previous.trigger_days)
        )
        events = [event]
        if any(passed.mapped("credit_hold")) and not case.credit_hold:
            case.write(
                {
                    "credit_hold": True,
                    "credit_hold_date": as_of_date,
                    "credit_hold_reason": stage.name,
                    "credit_hold_user_id": self.env.uid,
                    "credit_hold_source": "stage",
                }
            )
            events.append(self._case_event(case, "credit_hold", claim))
        if any(passed.mapped("legal_handover")) and not case.legal_handover:
            case.write({"legal_handover": True, "legal_handover_date": as_of_date})
            events.append(self._case_event(case, "legal_handover", claim))
            self._schedule_legal_activity(case, stage)
        if stage.activity_type_id:
            self._schedule_collector_activity(case, stage)
        self.env["ar.collection.event"]._log(events)

    def _case_event(self, case, event_type, claim=None, result=None):
        """Return the values of a history entry the run writes for ``case``.

        The result defaults to the name of the claim's stage.
        """
        return {
            "partner_id": case.partner_id.id,
            "company_id": case.company_id.id,
            "event_type": event_type,
            "channel": "system",
            "stage_id": claim.stage_id.id if claim else False,
            "claim_id": claim.id if claim else False,
            "result": result or claim.stage_id.name,
        }

    def _schedule_collector_activity(self, case, stage):
        user = case.collector_id or self.env.user
        # The activity's texts are stored, so they are written in the
        # language of the user who will read them.
        user_env = self.with_context(lang=user.lang or self.env.lang).env
        case.activity_schedule(
            activity_type_id=stage.activity_type_id.id,
            summary=stage.with_env(user_env).name,
            note=user_env._(
                "Overdue %(amount)s, oldest item %(days)s days overdue.",
                amount=case.currency_id.format(case.overdue_amount),
                days=case.max_days_overdue,
            ),
            user_id=user.id,
            # Due on the real date, also when a manual run acts for a past
            # date: the collector has to act now.
            date_deadline=fields.Date.context_today(self),
        )

    def _schedule_legal_activity(self, case, stage):
        user = case.company_id.ar_legal_user_id or case.collector_id or self.env.user
        user_env = self.with_context(lang=user.lang or self.env.lang).env
        case.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=user_env._(
                "Legal hand-over: %(customer)s", customer=case.partner_id.name
            ),
            note=user_env._(
                "Stage %(stage)s handed the customer over to the legal department. "
                "Overdue %(amount)s.",
                stage=stage.with_env(user_env).name,
                amount=case.currency_id.format(case.overdue_amount),
            ),
            user_id=user.id,
            date_deadline=fields.Date.context_today(self) + timedelta(days=3),
        )
