import os
import shutil
import subprocess
import tempfile
from datetime import date

from odoo.tests import tagged

from .test_penalty_invoice import PenaltyCommon

REPORT = "ar_collections.action_report_ar_penalty"

# Art. 395 interest on 500,000.00 due 2025-05-31, 200,000.00 paid on
# 2025-07-01 and the rest on 2025-08-10, with the shipped key rates (21 %,
# 20 % from 2025-06-09, 18 % from 2025-07-28) and 365-day year 2025. The
# payment day still accrues. Rows: date_from, date_to, days, penalty.
EXPECTED_ROWS = [
    (date(2025, 6, 1), date(2025, 6, 8), 8, 2301.37),
    (date(2025, 6, 9), date(2025, 7, 1), 23, 6301.37),
    (date(2025, 7, 2), date(2025, 7, 27), 26, 4273.97),
    (date(2025, 7, 28), date(2025, 8, 10), 14, 2071.23),
]
EXPECTED_TOTAL = 14947.94


@tagged("post_install", "-at_install")
class TestPenaltyReport(PenaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # wkhtmltopdf loads the report's style sheets from this address. A
        # file address is blocked by --disable-local-file-access, so the PDF
        # uses the system fonts. With the style sheets, the wkhtmltopdf of
        # Debian (unpatched Qt) draws the web fonts as outlines, which
        # pdftotext cannot read, and the test would depend on a server.
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "file:///nonexistent"
        )
        cls.art395 = cls.make_rule(name="Civil Code art. 395", method="art395")
        cls.invoice = cls.make_invoice(500000, "2025-05-01", "2025-05-31")
        cls.invoice.ar_penalty_rule_id = cls.art395
        cls.pay(cls.invoice, 200000, "2025-07-01")
        cls.pay(cls.invoice, 300000, "2025-08-10")

    # Helpers

    def switch_customer_to_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections"], ["ru_RU"], overwrite=True
        )
        self.customer.lang = "ru_RU"

    def render_pdf(self, invoice):
        """Print the report with wkhtmltopdf, as outside tests."""
        # In test mode Odoo returns the HTML unless rendering is forced.
        content, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, invoice.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"), content[:100])
        return content

    def pdf_lines(self, content):
        """Return the PDF's text lines, each with its whitespace collapsed."""
        pdftotext = shutil.which("pdftotext")
        if not pdftotext:
            self.fail(
                "pdftotext not found: install the Debian package poppler-utils "
                "to check the text of the printed PDF."
            )
        with tempfile.TemporaryDirectory(prefix="ar_penalty_report_") as folder:
            path = os.path.join(folder, "report.pdf")
            with open(path, "wb") as pdf_file:
                pdf_file.write(content)
            result = subprocess.run(
                [pdftotext, "-layout", "-enc", "UTF-8", path, "-"],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        self.assertEqual(result.returncode, 0, result.stderr)
        # str.split() also splits on the no-break spaces of amounts.
        return [" ".join(line.split()) for line in result.stdout.splitlines()]

    def format_amount(self, amount, lang_code):
        """Format ``amount`` as the language record does, spaces collapsed."""
        lang = self.env["res.lang"]._lang_get(lang_code)
        return " ".join(lang.format("%.2f", amount, grouping=True).split())

    def format_date(self, day, lang_code):
        lang = self.env["res.lang"]._lang_get(lang_code)
        return day.strftime(lang.date_format)

    def row_of(self, lines, day_from, day_to):
        """Return the one text line of the calculation row for these dates."""
        period = f"{day_from} {day_to} "
        rows = [line for line in lines if period in line]
        self.assertEqual(len(rows), 1, f"rows for {period!r} in {lines}")
        return rows[0]

    def assert_rows(self, lines, lang_code):
        for day_from, day_to, days, amount in EXPECTED_ROWS:
            row = self.row_of(
                lines,
                self.format_date(day_from, lang_code),
                self.format_date(day_to, lang_code),
            )
            # Days follow the period's last date, before the overdue amount.
            self.assertIn(f"{self.format_date(day_to, lang_code)} {days} ", row)
            self.assertIn(self.format_amount(amount, lang_code), row)
            # The formula repeats the line's days: "... × 8 / 365".
            self.assertIn(f"× {days} / 365", row)

    # Tests

    def test_english_pdf(self):
        self.refresh(self.invoice, "2025-08-31")
        self.assertEqual(self.invoice.ar_penalty_to_charge, EXPECTED_TOTAL)

        lines = self.pdf_lines(self.render_pdf(self.invoice))
        text = "\n".join(lines)

        self.assertIn("Calculation of the late-payment penalty", text)
        self.assertIn(self.invoice.name, text)
        self.assertIn("Vostok Consulting", text)
        self.assertIn("Penalty rule: Civil Code art. 395", text)
        self.assertIn("Method interest under article 395 of the Civil Code", text)
        self.assertIn("Day count actual days, 365 or 366 days in the year", text)
        self.assertIn("Grace period none", text)
        self.assertIn("Calculated as of 08/31/2025", text)
        self.assertIn("Payment due date 05/31/2025", text)
        self.assertIn("Invoice amount $ 500,000.00", text)
        self.assert_rows(lines, "en_US")
        for day_from, day_to, _days, _amount in EXPECTED_ROWS:
            row = self.row_of(lines, f"{day_from:%m/%d/%Y}", f"{day_to:%m/%d/%Y}")
            self.assertTrue(row.endswith("To charge"), row)
        self.assertIn("Penalty accrued $ 14,947.94", text)
        self.assertIn("Still to charge $ 14,947.94", text)
        self.assertIn("Charged $ 0.00", text)
        self.assertNotIn("Расчёт", text)

    def test_russian_pdf(self):
        self.switch_customer_to_russian()
        self.refresh(self.invoice, "2025-08-31")

        lines = self.pdf_lines(self.render_pdf(self.invoice))
        text = "\n".join(lines)

        self.assertIn("Расчёт неустойки (пени)", text)
        self.assertIn(self.invoice.name, text)
        self.assertIn("проценты по статье 395 Гражданского кодекса", text)
        self.assertIn("Расчёт на дату 31.08.2025", text)
        self.assertIn("Срок оплаты 31.05.2025", text)
        self.assertIn("Сумма счёта $ 500 000,00", text)
        self.assertIn("Льготный период нет", text)
        self.assert_rows(lines, "ru_RU")
        for day_from, day_to, _days, _amount in EXPECTED_ROWS:
            row = self.row_of(lines, f"{day_from:%d.%m.%Y}", f"{day_to:%d.%m.%Y}")
            self.assertTrue(row.endswith("К выставлению"), row)
        total = self.format_amount(EXPECTED_TOTAL, "ru_RU")
        self.assertEqual(total, "14 947,94")
        self.assertIn(f"Начислено всего $ {total}", text)
        self.assertIn(f"К выставлению $ {total}", text)
        self.assertIn("Выставлено $ 0,00", text)
        self.assertNotIn("Calculation of the late-payment penalty", text)
        self.assertNotIn("To charge", text)
        self.assertNotIn("14,947.94", text)

    def test_company_header_in_layout(self):
        # The wkhtmltopdf of Debian ignores --header-html, so the company
        # header of web.external_layout is checked in the HTML it is given.
        self.refresh(self.invoice, "2025-08-31")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(REPORT, self.invoice.ids)[0]
            .decode()
        )
        header = html.split('class="header', 1)[1].split('class="article', 1)[0]
        self.assertIn(self.company.name, header)

    def test_charged_days_name_penalty_invoice(self):
        penalty_invoice = self.charge("2025-08-31")
        self.assertEqual(penalty_invoice.amount_total, EXPECTED_TOTAL)
        self.refresh(self.invoice, "2025-08-31")

        lines = self.pdf_lines(self.render_pdf(self.invoice))
        text = "\n".join(lines)

        self.assert_rows(lines, "en_US")
        for day_from, day_to, _days, _amount in EXPECTED_ROWS:
            row = self.row_of(lines, f"{day_from:%m/%d/%Y}", f"{day_to:%m/%d/%Y}")
            self.assertTrue(row.endswith(" Charged"), row)
        self.assertIn(f"Charged ({penalty_invoice.name}) $ 14,947.94", text)
        self.assertIn("Still to charge $ 0.00", text)

    def test_print_keeps_stored_figures(self):
        self.refresh(self.invoice, "2025-07-01")
        stored = self.invoice.ar_penalty_line_ids

        lines = self.pdf_lines(self.render_pdf(self.invoice))
        text = "\n".join(lines)

        self.assertEqual(self.invoice.ar_penalty_date, date(2025, 7, 1))
        self.assertEqual(self.invoice.ar_penalty_line_ids, stored)
        self.assertIn("Calculated as of 07/01/2025", text)
        self.assertIn("Still to charge $ 8,602.74", text)
        self.assertNotIn("2,071.23", text)

    def test_no_penalty_sentence(self):
        invoice = self.make_invoice(1000, "2025-05-01", "2025-05-31")
        invoice.ar_penalty_rule_id = self.art395
        self.refresh(invoice, "2025-05-31")
        self.assertFalse(invoice.ar_penalty_line_ids)

        text = "\n".join(self.pdf_lines(self.render_pdf(invoice)))

        self.assertIn("No penalty has accrued on this invoice as of 05/31/2025.", text)
        self.assertNotIn("Overdue from", text)

    def test_cap_row_in_calculation(self):
        capped_rule = self.make_rule(
            method="daily_percent", rate=0.5, cap_type="percent", cap_value=25
        )
        invoice = self.make_invoice(1000, "2024-12-01", "2025-01-01")
        invoice.ar_penalty_rule_id = capped_rule
        self.refresh(invoice, "2025-04-11")

        text = "\n".join(self.pdf_lines(self.render_pdf(invoice)))

        self.assertIn("$ 500.00", text)
        cap_row = "Cap reached: the penalty is limited to the cap of the rule"
        self.assertIn(cap_row, text)
        # Odoo puts a zero-width space between the sign and the amount.
        self.assertIn(f"{cap_row} $ -250.00", text.replace("\u200b", ""))
        self.assertIn("Penalty accrued $ 250.00", text)
