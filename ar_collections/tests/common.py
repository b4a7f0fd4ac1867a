from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class ArCollectionsCommon(AccountTestInvoicingCommon):
    """Invoices, payments and credit notes with explicit dates and due dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.ar_net_credits = True
        cls.company._ar_ensure_collection_policy()
        cls.policy = cls.company.ar_collection_policy_id
        # The default policy's stages by trigger day.
        cls.stage = {stage.trigger_days: stage for stage in cls.policy.stage_ids}
        cls.customer = cls.env["res.partner"].create(
            {"name": "Vostok Consulting", "is_company": True, "email": "ap@vostok.test"}
        )

    @classmethod
    def make_invoice(
        cls,
        amount,
        invoice_date,
        due_date=None,
        partner=None,
        payment_term=None,
        move_type="out_invoice",
        currency=None,
        company=None,
    ):
        """Post a customer invoice of one tax-free line."""
        company = company or cls.company
        vals = {
            "move_type": move_type,
            "partner_id": (partner or cls.customer).id,
            "invoice_date": invoice_date,
            "date": invoice_date,
            "company_id": company.id,
            "invoice_line_ids": [
                Command.create(
                    {
                        "name": "Consulting",
                        "quantity": 1,
                        "price_unit": amount,
                        "tax_ids": [],
                    }
                )
            ],
        }
        if payment_term:
            vals["invoice_payment_term_id"] = payment_term.id
        elif due_date:
            vals["invoice_date_due"] = due_date
        if currency:
            vals["currency_id"] = currency.id
        move = cls.env["account.move"].with_company(company).create(vals)
        move.action_post()
        return move

    @classmethod
    def pay(cls, invoice, amount, date):
        """Register a payment of ``amount`` on ``date``, reconciled with ``invoice``."""
        wizard = (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "payment_date": date,
                    "amount": amount,
                    "payment_difference_handling": "open",
                }
            )
        )
        return wizard._create_payments()

    def debtor(self, as_of, partner=None, company=None):
        return (
            self.env["ar.debtor"]
            .with_context(ar_as_of_date=as_of)
            .search(
                [
                    ("partner_id", "=", (partner or self.customer).id),
                    ("company_id", "=", (company or self.company).id),
                ]
            )
        )

    def items(self, as_of, partner=None):
        return (
            self.env["ar.receivable.item"]
            .with_context(ar_as_of_date=as_of)
            .search([("partner_id", "=", (partner or self.customer).id)])
        )

    def run_collection(self, as_of, **kwargs):
        return self.env["ar.collection.run"].run_reminders(
            as_of_date=fields.Date.to_date(as_of),
            company_ids=self.company.ids,
            **kwargs,
        )

    def case(self, partner=None):
        return self.env["ar.collection.case"].search(
            [("partner_id", "=", (partner or self.customer).id)]
        )

    def claims(self, partner=None):
        return self.env["ar.collection.claim"].search(
            [("partner_id", "=", (partner or self.customer).id)]
        )
