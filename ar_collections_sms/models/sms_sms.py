import logging
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

# A message left in "Processing" this long was being sent by a worker that
# died before it stored the provider's answer. It may have reached the
# provider, so it becomes "unknown" and is not sent again.
STALE_PROCESSING = timedelta(minutes=30)

# States of an SMS that count for the once-a-day rule of a customer.
DAILY_LIMIT_STATES = ("outgoing", "process", "pending", "sent", "unknown")


class SmsSms(models.Model):
    _inherit = "sms.sms"

    state = fields.Selection(
        selection_add=[("unknown", "Unknown")],
        ondelete={"unknown": "set error"},
    )
    failure_type = fields.Selection(
        selection_add=[
            ("ar_rejected", "Rejected by Provider"),
            ("ar_not_delivered", "Not Delivered"),
        ],
        ondelete={"ar_rejected": "set null", "ar_not_delivered": "set null"},
    )
    ar_provider_id = fields.Many2one(
        comodel_name="ar.sms.provider",
        string="Provider",
        index="btree_not_null",
        readonly=True,
        ondelete="restrict",
    )
    ar_provider_type = fields.Selection(related="ar_provider_id.provider_type")
    ar_customer_id = fields.Many2one(
        comodel_name="res.partner",
        string="Debtor",
        index="btree_not_null",
        readonly=True,
        help="Customer whose debt the SMS is about. The recipient is this "
        "customer or its collections contact.",
    )
    ar_claim_id = fields.Many2one(
        comodel_name="ar.collection.claim",
        string="Collection Action",
        readonly=True,
        ondelete="set null",
    )
    ar_send_after = fields.Datetime(
        string="Scheduled",
        index="btree_not_null",
        readonly=True,
        help="The SMS is not sent before this time: the customer's SMS "
        "hours, or the next retry.",
    )
    ar_send_date = fields.Date(
        string="Customer's Date",
        readonly=True,
        help="Date of the scheduled time in the customer's time zone, for "
        "the rule of one SMS per customer a day.",
    )
    ar_attempt_count = fields.Integer(string="Attempts", readonly=True)
    ar_sent_at = fields.Datetime(string="Sent On", readonly=True)
    ar_provider_message_id = fields.Char(
        string="Provider Message ID",
        index="btree_not_null",
        readonly=True,
    )
    ar_last_error = fields.Char(string="Last Error", readonly=True)

    def send(
        self,
        unlink_failed=False,
        unlink_sent=True,
        auto_commit=False,
        raise_exception=False,
    ):
        """Keep Odoo's IAP sending for IAP messages that are due.

        Messages of an HTTP gateway are only sent by
        :meth:`_ar_cron_send_queue`, and no message leaves before its
        scheduled time.
        """
        now = fields.Datetime.now()
        iap_messages = self.filtered(
            lambda sms: sms.ar_provider_type != "http"
            and (not sms.ar_send_after or sms.ar_send_after <= now)
        )
        return super(SmsSms, iap_messages).send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

    def resend_failed(self):
        """Queue HTTP gateway messages again; the gateway queue sends them."""
        gateway = self.filtered(
            lambda sms: sms.ar_provider_type == "http"
            and sms.state == "error"
            and not sms.to_delete
        )
        gateway.write(
            {
                "state": "outgoing",
                "failure_type": False,
                "ar_attempt_count": 0,
                "ar_send_after": fields.Datetime.now(),
            }
        )
        rest = self - gateway
        if rest:
            return super(SmsSms, rest).resend_failed()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s SMS queued again for the gateway.",
                    count=len(gateway),
                ),
            },
        }

    def action_ar_mark_sent(self):
        """Let the collector settle an unknown SMS the provider confirmed."""
        self.filtered(lambda sms: sms.state == "unknown").write({"state": "pending"})

    def action_ar_mark_failed(self):
        """Let the collector settle an unknown SMS the provider never got."""
        self.filtered(lambda sms: sms.state == "unknown").write(
            {"state": "error", "failure_type": "unknown"}
        )

    @api.model
    def _ar_cron_send_queue(self, limit=500, auto_commit=True):
        """Send the due messages of HTTP gateways, one request per message.

        Each message is marked "Processing" and committed before its
        request, and its result is committed after it. A worker that dies
        in between leaves the message "Processing", and a later run marks
        it unknown, so no message is posted twice.
        """
        self._ar_mark_stale_unknown()
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

        due = self.search(
            [
                ("ar_provider_id.provider_type", "=", "http"),
                ("state", "=", "outgoing"),
                ("to_delete", "=", False),
                ("ar_send_after", "<=", fields.Datetime.now()),
            ],
            order="ar_send_after, id",
            limit=limit,
        )
        _logger.info("SMS gateway queue: %s messages due", len(due))
        counts = {}
        for sms_id in due.ids:
            outcome = self.browse(sms_id)._ar_send_one(auto_commit)
            counts[outcome] = counts.get(outcome, 0) + 1
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        _logger.info("SMS gateway queue done: %s", counts)
        return counts

    def _ar_mark_stale_unknown(self):
        stale = self.search(
            [
                ("ar_provider_id.provider_type", "=", "http"),
                ("state", "=", "process"),
                ("write_date", "<", fields.Datetime.now() - STALE_PROCESSING),
            ]
        )
        if stale:
            _logger.warning(
                "SMS %s stayed in processing without a result; marked unknown",
                stale.ids,
            )
            stale.write(
                {
                    "state": "unknown",
                    "ar_last_error": self.env._(
                        "The sending was interrupted, so the provider may or "
                        "may not have the message. Check with the provider."
                    ),
                }
            )

    def _ar_lock(self):
        """Lock the message row; return False when it is gone or taken."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id FROM sms_sms WHERE id = %s AND state = 'outgoing' "
            "FOR UPDATE SKIP LOCKED",
            (self.id,),
        )
        return bool(self.env.cr.fetchone())

    def _ar_send_one(self, auto_commit):
        """Check, then post one due message; return the outcome name."""
        self.ensure_one()
        if not self._ar_lock():
            return "skipped"
        self.invalidate_recordset()

        blocked = self._ar_check_recipient()
        if blocked:
            self.write(
                {
                    "state": "canceled",
                    "failure_type": blocked[0],
                    "ar_last_error": blocked[1],
                }
            )
            _logger.info("SMS %s cancelled: %s", self.id, blocked[0])
            return "canceled"

        now = fields.Datetime.now()
        slot, local_date = self._ar_next_slot(now)
        if slot > now:
            self.write({"ar_send_after": slot, "ar_send_date": local_date})
            _logger.info("SMS %s moved to %s (SMS hours, one a day)", self.id, slot)
            return "rescheduled"

        self.write(
            {
                "state": "process",
                "ar_attempt_count": self.ar_attempt_count + 1,
                "ar_send_date": local_date,
            }
        )
        if auto_commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

        provider = self.ar_provider_id
        result = provider._post_sms(self.number, self.body, self.uuid)
        self._ar_apply_result(result)
        _logger.info(
            "SMS %s, attempt %s, provider %s: %s %s",
            self.id,
            self.ar_attempt_count,
            provider.id,
            result.outcome,
            result.detail,
        )
        return result.outcome

    def _ar_check_recipient(self):
        """Return ``(failure_type, reason)`` when the SMS must not go out."""
        contact = self.partner_id
        if contact and not contact.active:
            return "sms_number_missing", self.env._(
                "Contact %(contact)s is archived.", contact=contact.display_name
            )
        blacklisted = (
            self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", self.number), ("active", "=", True)])
        )
        if blacklisted:
            return "sms_blacklist", self.env._(
                "%(number)s is on the phone blacklist.", number=self.number
            )
        return None

    def _ar_next_slot(self, now):
        """Return the first allowed send time and its local date."""
        company = self.ar_claim_id.company_id or self.ar_provider_id.company_id
        customer = self.ar_customer_id or self.partner_id
        busy_dates = self._ar_busy_dates(customer)
        return company._ar_sms_next_slot(now, self.partner_id or customer, busy_dates)

    def _ar_busy_dates(self, customer):
        """Return the customer's local dates that already have an SMS."""
        others = self.search(
            [
                ("ar_customer_id", "=", customer.id),
                ("id", "not in", self.ids),
                ("state", "in", DAILY_LIMIT_STATES),
                ("ar_send_date", "!=", False),
            ]
        )
        # Queued messages that wait for their slot keep their day free for
        # themselves only until they are sent, so they count too.
        return set(others.mapped("ar_send_date"))

    def _ar_apply_result(self, result):
        provider = self.ar_provider_id
        vals = {
            "ar_provider_message_id": result.provider_message_id or False,
            "ar_last_error": False,
        }
        if result.outcome == "accepted":
            vals.update(
                state="pending", failure_type=False, ar_sent_at=fields.Datetime.now()
            )
        elif result.outcome == "unknown":
            vals.update(
                state="unknown",
                ar_last_error=self.env._(
                    "No clear answer from the provider (%(detail)s). The SMS "
                    "may have been sent, so it is not sent again.",
                    detail=result.detail,
                ),
            )
        elif (
            result.outcome == "retry" and self.ar_attempt_count < provider.max_attempts
        ):
            delay = timedelta(
                minutes=provider.retry_delay * 2 ** (self.ar_attempt_count - 1)
            )
            vals.update(
                state="outgoing",
                ar_send_after=fields.Datetime.now() + delay,
                ar_last_error=self.env._(
                    "Not accepted by the provider (%(detail)s), retry %(attempt)s "
                    "of %(max)s.",
                    detail=result.detail,
                    attempt=self.ar_attempt_count,
                    max=provider.max_attempts - 1,
                ),
            )
        elif result.outcome == "credentials":
            vals.update(
                state="error",
                failure_type="sms_acc",
                ar_last_error=self.env._(
                    "The provider rejected the credentials (%(detail)s). Check "
                    "the login, password or API key of SMS provider %(provider)s, "
                    "then resend the SMS.",
                    detail=result.detail,
                    provider=provider.name,
                ),
            )
        elif result.outcome == "retry":
            vals.update(
                state="error",
                failure_type="sms_server",
                ar_last_error=self.env._(
                    "Not accepted by the provider after %(attempts)s attempts "
                    "(%(detail)s).",
                    attempts=self.ar_attempt_count,
                    detail=result.detail,
                ),
            )
        else:
            vals.update(
                state="error",
                failure_type="ar_rejected",
                ar_last_error=self.env._(
                    "Rejected by the provider (%(detail)s).", detail=result.detail
                ),
            )
        self.write(vals)

    def _ar_apply_report(self, provider, message_id, status):
        """Write a delivery report on the message it is about."""
        message = self.search(
            [
                ("ar_provider_id", "=", provider.id),
                "|",
                ("uuid", "=", message_id),
                ("ar_provider_message_id", "=", message_id),
            ],
            limit=1,
        )
        if not message:
            return False
        state = provider._read_report_status(status)
        if state == "sent":
            message.write({"state": "sent", "failure_type": False})
        elif state == "error":
            message.write(
                {
                    "state": "error",
                    "failure_type": "ar_not_delivered",
                    "ar_last_error": self.env._(
                        "Delivery report: %(status)s", status=status
                    ),
                }
            )
        return message
