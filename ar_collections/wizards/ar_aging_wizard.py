from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.ar_aging_xlsx import build_aging_workbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REPORT_ACTIONS = {
    "debtors": "ar_collections.ar_debtor_action",
    "aging": "ar_collections.ar_debtor_action_aging",
}


class ArAgingWizard(models.TransientModel):
    """Dialog that opens the debtors list or the aging as of a chosen date."""

    _name = "ar.aging.wizard"
    _description = "Receivables as of a Date"

    as_of_date = fields.Date(
        string="As of",
        required=True,
        default=fields.Date.context_today,
    )
    company_ids = fields.Many2many(
        comodel_name="res.company",
        string="Companies",
        default=lambda self: self.env.companies,
        help="Companies to export; the XLSX file has one sheet per company.",
    )
    report = fields.Selection(
        selection=[("debtors", "Debtors"), ("aging", "Aging")],
        required=True,
        default="aging",
    )

    @api.model
    def action_open_dialog(self, report="aging", as_of_date=None):
        """Open this dialog prefilled with a report and a date."""
        wizard = self.create(
            {
                "report": report,
                "as_of_date": as_of_date or fields.Date.context_today(self),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Receivables as of a date"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_open_report(self):
        self.ensure_one()
        self._check_as_of_date()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            REPORT_ACTIONS[self.report]
        )
        as_of = fields.Date.to_string(self.as_of_date)
        action["context"] = {"ar_as_of_date": as_of, "ar_report": self.report}
        # The web client shows display_name in the breadcrumb when it is set.
        action["name"] = action["display_name"] = self.env._(
            "%(report)s as of %(date)s",
            report=action["name"],
            date=format_date(self.env, self.as_of_date),
        )
        action["target"] = "main"
        return action

    def action_export_xlsx(self):
        """Build the aging workbook and return a download of it."""
        self.ensure_one()
        self._check_as_of_date()
        companies = self.company_ids or self.env.companies
        content = build_aging_workbook(self.env, self.as_of_date, companies)
        attachment = self.env["ir.attachment"].create(
            {
                "name": f"receivables_aging_{self.as_of_date.isoformat()}.xlsx",
                "raw": content,
                "mimetype": XLSX_MIMETYPE,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _check_as_of_date(self):
        companies = self.env.companies
        first_date = (
            self.env["account.move.line"]
            .search(
                [
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("company_id", "in", companies.ids),
                ],
                order="date",
                limit=1,
            )
            .date
        )
        if first_date and self.as_of_date < first_date:
            raise UserError(
                self.env._(
                    "No receivable is dated on or before %(date)s: the earliest "
                    "posted receivable is dated %(first)s. Choose a later date.",
                    date=self.as_of_date,
                    first=first_date,
                )
            )
