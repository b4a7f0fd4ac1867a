import re

from odoo import Command
from odoo.tests import tagged
from odoo.tools.misc import format_amount

from .common import ArCollectionsCommon

STAGE_TEMPLATES = [
    "ar_collections.mail_template_ar_stage_before_due",
    "ar_collections.mail_template_ar_stage_due_date",
    "ar_collections.mail_template_ar_stage_overdue_1",
    "ar_collections.mail_template_ar_stage_overdue_7",
    "ar_collections.mail_template_ar_stage_overdue_14",
    "ar_collections.mail_template_ar_stage_call",
    "ar_collections.mail_template_ar_stage_claim",
    "ar_collections.mail_template_ar_stage_credit_hold",
    "ar_collections.mail_template_ar_stage_legal",
]

# Two or more Latin words in a row: an English phrase left untranslated.
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,})+")


@tagged("post_install", "-at_install")
class TestStageTemplates(ArCollectionsCommon):
    """The stage emails and the statement list the claim's items and total."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.overdue_invoice = cls.make_invoice(1000.0, "2025-01-01", "2025-01-31")
        cls.coming_invoice = cls.make_invoice(400.0, "2025-02-20", "2025-03-05")
        cls.credit_note = cls.make_invoice(
            150.0, "2025-02-01", "2025-02-01", move_type="out_refund"
        )
        currency = cls.company.currency_id
        # (move, amount, residual, days overdue on 2025-03-02)
        cls.items = [
            (cls.overdue_invoice, 1000.0, 600.0, 30),
            (cls.coming_invoice, 400.0, 400.0, -3),
            (cls.credit_note, -150.0, -150.0, 29),
        ]
        line_commands = []
        for move, amount, residual, days in cls.items:
            receivable = move.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            line_commands.append(
                Command.create(
                    {
                        "move_line_id": receivable.id,
                        "name": move.name,
                        "date": move.invoice_date,
                        "date_maturity": move.invoice_date_due,
                        "currency_id": currency.id,
                        "amount": amount,
                        "residual": residual,
                        "residual_company": residual,
                        "days_overdue": days,
                    }
                )
            )
        cls.claim = cls.env["ar.collection.claim"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "stage_id": cls.policy.stage_ids[0].id,
                "claim_date": "2025-03-02",
                "line_ids": line_commands,
                "amount_total": 850.0,
                "max_days_overdue": 30,
            }
        )

    def render(self, template):
        subject = template._render_field("subject", self.claim.ids, compute_lang=True)
        body = template._render_field("body_html", self.claim.ids, compute_lang=True)
        return subject[self.claim.id], str(body[self.claim.id])

    def money(self, amount, lang):
        return format_amount(self.env, amount, self.company.currency_id, lang_code=lang)

    def switch_customer_to_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["ar_collections"], ["ru_RU"], overwrite=True
        )
        self.customer.lang = "ru_RU"

    def assert_items_listed(self, body, lang, xmlid):
        for move, _amount, residual, _days in self.items:
            self.assertIn(move.name, body, f"{xmlid}: number of {move.name}")
            self.assertIn(
                self.money(residual, lang), body, f"{xmlid}: residual {residual}"
            )
        self.assertIn(self.money(850.0, lang), body, f"{xmlid}: total")

    def test_english_bodies(self):
        """Each English email lists the items, the deduction and the total."""
        for xmlid in STAGE_TEMPLATES:
            subject, body = self.render(self.env.ref(xmlid))

            self.assertIn(self.company.name, subject, xmlid)
            self.assertIn("Vostok Consulting", body, xmlid)
            self.assert_items_listed(body, "en_US", xmlid)
            self.assertIn("credit, deducted", body, xmlid)
            self.assertIn("are deducted from the total", body, xmlid)
            self.assertIn("due in 3 days", body, xmlid)
            self.assertIn(self.company.name, body, f"{xmlid}: signature")

    def test_english_claim_letter(self):
        """The claim letter demands payment and names the court."""
        template = self.env.ref("ar_collections.mail_template_ar_stage_claim")
        _subject, body = self.render(template)

        self.assertIn("PRE-TRIAL CLAIM", body)
        self.assertIn("within 10 calendar days", body)
        self.assertIn("arbitration court", body)
        self.assertIn("article 395", body)

    def test_russian_bodies(self):
        """Each Russian email is fully translated and lists the same figures."""
        self.switch_customer_to_russian()

        for xmlid in STAGE_TEMPLATES:
            subject, body = self.render(self.env.ref(xmlid))

            self.assertIn(self.company.name, subject, xmlid)
            self.assertIsNone(
                ENGLISH_PHRASE.search(subject.replace(self.company.name, "")), xmlid
            )
            self.assert_items_listed(body, "ru_RU", xmlid)
            self.assertIn("уменьшает долг", body, xmlid)
            self.assertIn("срок через 3 дн.", body, xmlid)
            self.assertNotIn("Уважаемый", body, xmlid)

            text = re.sub(r"<[^>]+>", " ", body)
            for known in (self.company.name, "Vostok Consulting"):
                text = text.replace(known, " ")
            english = ENGLISH_PHRASE.search(text)
            self.assertIsNone(english, f"{xmlid}: English text {english}")

    def test_russian_claim_letter(self):
        """The Russian claim letter is a pre-trial claim citing article 395."""
        self.switch_customer_to_russian()
        template = self.env.ref("ar_collections.mail_template_ar_stage_claim")

        subject, body = self.render(template)

        self.assertIn("претензи", subject)
        self.assertIn("ПРЕТЕНЗИЯ", body)
        self.assertIn("претензи", body)
        self.assertIn("арбитражн", body)
        self.assertIn("395", body)
        self.assertIn("10 (десяти) календарных дней", body)

    def test_statement_report(self):
        """The statement lists the items, the deduction and the total."""
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "ar_collections.action_report_ar_statement", self.claim.ids
            )[0]
            .decode()
        )

        self.assertIn("Statement of Open Items", html)
        self.assertIn("Vostok Consulting", html)
        for move, _amount, _residual, _days in self.items:
            self.assertIn(move.name, html)
        for figure in ("600.00", "400.00", "850.00"):
            self.assertIn(figure, html)
        # The monetary widget puts a zero-width no-break space after the sign.
        self.assertRegex(html, "-\ufeff?150\\.00")
        self.assertIn("credit, deducted", html)
        self.assertRegex(html, r"due in\s*<span>3</span>\s*days")

    def test_statement_report_russian(self):
        """The statement is printed in the customer's language."""
        self.switch_customer_to_russian()

        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "ar_collections.action_report_ar_statement", self.claim.ids
            )[0]
            .decode()
        )

        self.assertIn("Выписка по неоплаченным документам", html)
        self.assertIn("Итого к оплате", html)
        self.assertIn("уменьшает долг", html)
        self.assertIn("850,00", html)
        self.assertNotIn("Statement of Open Items", html)
