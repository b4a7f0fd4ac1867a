from markupsafe import Markup, escape

from odoo import api, fields, models

EVENT_TYPES = [
    ("reminder", "Reminder"),
    ("call", "Call"),
    ("promise", "Promise to Pay"),
    ("promise_kept", "Promise Kept"),
    ("promise_broken", "Promise Broken"),
    ("dispute_opened", "Dispute Opened"),
    ("dispute_closed", "Dispute Closed"),
    ("stage_change", "Stage Change"),
    ("pause", "Pause"),
    ("credit_hold", "Credit Hold"),
    ("legal_handover", "Legal Hand-over"),
    ("credit_hold_lifted", "Credit Hold Lifted"),
    ("credit_override", "Credit Override"),
    ("penalty_charged", "Penalty Charged"),
    ("penalty_waived", "Penalty Waived"),
]

EVENT_CHANNELS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("system", "Collection Run"),
    ("manual", "Manual Entry"),
]


class ArCollectionEvent(models.Model):
    """One entry of a customer's contact history."""

    _name = "ar.collection.event"
    _description = "Collection Contact History"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        readonly=True,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="By",
        default=lambda self: self.env.user,
        readonly=True,
    )
    event_type = fields.Selection(
        selection=EVENT_TYPES,
        string="Event",
        required=True,
        readonly=True,
    )
    channel = fields.Selection(selection=EVENT_CHANNELS, readonly=True)
    # NOTE: stored as text in the language of the user who acted (English
    # for the scheduled run), not translated when read.
    result = fields.Char(readonly=True)
    description = fields.Text(readonly=True)
    stage_id = fields.Many2one(
        comodel_name="ar.collection.stage",
        readonly=True,
        ondelete="set null",
    )
    claim_id = fields.Many2one(
        comodel_name="ar.collection.claim",
        string="Collection Action",
        readonly=True,
        ondelete="set null",
    )
    promise_id = fields.Many2one(
        comodel_name="ar.promise",
        string="Promise to Pay",
        readonly=True,
        ondelete="set null",
    )
    dispute_id = fields.Many2one(
        comodel_name="ar.dispute",
        readonly=True,
        ondelete="set null",
    )
    move_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        readonly=True,
        ondelete="set null",
    )

    @api.model
    def _log(self, vals_list, post_note=True):
        """Create history entries and, with ``post_note``, a note on each customer."""
        events = self.sudo().create(vals_list)
        if post_note:
            # Logged notes (no followers notified), one per customer, all
            # inserted in one batch.
            bodies = {}
            for event in events:
                body = event._note_body()
                previous = bodies.get(event.partner_id.id)
                bodies[event.partner_id.id] = (
                    previous + Markup("<br/>") + body if previous else body
                )
            events.partner_id.sudo()._message_log_batch(bodies=bodies)
        return events

    def _note_body(self):
        self.ensure_one()
        label = dict(self._fields["event_type"]._description_selection(self.env))[
            self.event_type
        ]
        parts = [Markup("<b>%s</b>") % label]
        if self.result:
            parts.append(escape(self.result))
        if self.description:
            parts.append(escape(self.description))
        return Markup("<br/>").join(parts)
