from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# date.weekday() of Saturday. Saturday and Sunday are the weekend.
SATURDAY = 5


def is_weekend(day):
    """Return True for a Saturday or a Sunday."""
    return day.weekday() >= SATURDAY


def is_working_day(day, holidays, working_days):
    """Return True when ``day`` is a working day.

    Monday to Friday are working days unless listed in ``holidays``, and
    Saturday and Sunday are days off unless listed in ``working_days``.
    Both collections contain ``datetime.date`` values.
    """
    if is_weekend(day):
        return day in working_days
    return day not in holidays


class ArCalendarDay(models.Model):
    _name = "ar.calendar.day"
    _description = "Calendar Day Exception"
    _order = "date"

    country_id = fields.Many2one(
        comodel_name="res.country",
        required=True,
        index=True,
        ondelete="cascade",
    )
    date = fields.Date(required=True)
    day_type = fields.Selection(
        selection=[
            ("holiday", "Non-working day"),
            ("working", "Working day"),
        ],
        string="Type",
        required=True,
        default="holiday",
        help="Non-working day: a weekday that is not worked, such as a public "
        "holiday or a transferred day off. Working day: a Saturday or Sunday "
        "that is worked because a day off was transferred from it.",
    )
    name = fields.Char(
        string="Description",
        help="Reason for the exception, such as the holiday or the decree.",
    )

    _sql_constraints = [
        (
            "country_date_unique",
            "UNIQUE(country_id, date)",
            "A country can have only one calendar exception per date.",
        ),
    ]

    @api.constrains("date", "day_type")
    def _check_working_day_on_weekend(self):
        for day in self:
            if day.day_type == "working" and not is_weekend(day.date):
                raise ValidationError(
                    _(
                        "%(date)s is a weekday, which is already a working day. "
                        "Add a weekday only as a non-working day, and a working "
                        "day only on a Saturday or Sunday.",
                        date=day.date,
                    )
                )

    @api.model
    def _ar_exceptions(self, country, date_from, date_to):
        """Return the (holidays, working_days) date sets of ``country`` in the range.

        Both bounds are included. Without a country both sets are empty.
        """
        holidays, working_days = set(), set()
        if not country:
            return holidays, working_days
        days = self.sudo().search(
            [
                ("country_id", "=", country.id),
                ("date", ">=", date_from),
                ("date", "<=", date_to),
            ]
        )
        for day in days:
            if day.day_type == "holiday":
                holidays.add(day.date)
            else:
                working_days.add(day.date)
        return holidays, working_days
