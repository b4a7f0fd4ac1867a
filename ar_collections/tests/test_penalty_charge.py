from datetime import date
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_penalty_invoice import PenaltyCommon


@tagged("post_install", "-at_install")
class TestPenaltyCharge(PenaltyCommon):
    def charges(self, invoice):
        return self.env["ar.penalty.charge"].search([("move_id", "=", invoice.id)])

    def test_charge_intervals_add_up(self):
        invoice = self.make_invoice(1000, "2024-10-01", "2024-10-15")
        first = self.charge("2024-10-20")
        self.assertEqual(first.amount_total, 5.0)
        second = self.charge("2024-10-25")
        self.assertEqual(second.amount_total, 5.0)
        self.assertEqual(self.charge("2024-10-25"), self.env["account.move"])

        charges = self.charges(invoice).sorted("date_from")
        self.assertEqual(
            [(c.date_from, c.date_to) for c in charges],
            [
                (date(2024, 10, 16), date(2024, 10, 20)),
                (date(2024, 10, 21), date(2024, 10, 25)),
            ],
        )
        self.refresh(invoice, "2024-10-25")
        self.assertEqual(invoice.ar_penalty_charged, 10.0)
        self.assertEqual(invoice.ar_penalty_to_charge, 0.0)
        self.assertEqual(invoice.ar_penalty_accrued, 10.0)

    def test_past_charge_keeps_later_figures(self):
        invoice = self.make_invoice(1000, "2024-10-01", "2024-10-15")
        self.refresh(invoice, "2024-10-30")
        self.charge("2024-10-20")
        self.assertEqual(invoice.ar_penalty_date, date(2024, 10, 30))
        self.assertEqual(invoice.ar_penalty_charged, 5.0)
        self.assertEqual(invoice.ar_penalty_to_charge, 10.0)

    def test_one_invoice_per_customer_and_currency(self):
        self.make_invoice(1000, "2024-10-01", "2024-10-15")
        self.make_invoice(500, "2024-10-01", "2024-10-15")
        other = self.env["res.partner"].create({"name": "Sever Legal"})
        self.make_invoice(2000, "2024-10-01", "2024-10-15", partner=other)
        invoices = self.charge("2024-10-20", partners=self.customer | other)
        self.assertEqual(len(invoices), 2)
        mine = invoices.filtered(lambda move: move.partner_id == self.customer)
        self.assertEqual(len(mine.invoice_line_ids), 2)
        self.assertEqual(mine.amount_total, 7.5)
        self.assertEqual(mine.state, "posted")
        self.assertFalse(mine.invoice_line_ids.tax_ids)
        self.assertEqual(mine.invoice_line_ids.product_id, self.product)

    def test_cancel_makes_days_chargeable(self):
        invoice = self.make_invoice(1000, "2024-10-01", "2024-10-15")
        penalty = self.charge("2024-10-20")
        penalty.button_cancel()
        self.assertEqual(self.charges(invoice).state, "cancelled")
        self.assertEqual(invoice.ar_penalty_to_charge, 5.0)
        again = self.charge("2024-10-20")
        self.assertEqual(again.amount_total, 5.0)
        self.assertNotEqual(again, penalty)
        with self.assertRaisesRegex(UserError, "chargeable again"):
            penalty.button_draft()

    def test_days_taken_by_another_run_skipped(self):
        invoice = self.make_invoice(1000, "2024-10-01", "2024-10-15")
        # Another worker charged the same first day in the meantime.
        self.env["ar.penalty.charge"].create(
            {
                "move_id": invoice.id,
                "move_line_id": invoice.line_ids.filtered(
                    lambda line: line.account_id.account_type == "asset_receivable"
                ).id,
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "currency_id": invoice.currency_id.id,
                "date_from": "2024-10-16",
                "date_to": "2024-10-20",
                "amount": 5.0,
                "state": "charged",
            }
        )
        engine = self.env["ar.penalty.engine"]
        with patch.object(type(engine), "_attach_history", autospec=True) as history:
            # The run read the items before the other worker's charge.
            history.side_effect = lambda self_, items, day: None
            invoices = self.charge("2024-10-20")
        self.assertFalse(invoices)
        self.assertEqual(len(self.charges(invoice)), 1)

    def test_rule_without_product_charges_nothing(self):
        self.rule.product_id = False
        invoice = self.make_invoice(1000, "2024-10-01", "2024-10-15")
        wizard = self.env["ar.penalty.charge.wizard"].create(
            {"charge_date": "2024-10-20", "partner_ids": self.customer.ids}
        )
        with self.assertRaisesRegex(UserError, self.rule.name):
            wizard.action_charge()
        self.assertFalse(self.charges(invoice))
        self.assertFalse(
            self.env["account.move"].search([("ar_is_penalty_invoice", "=", True)])
        )

    def test_principal_paid_penalty_stays_payable(self):
        rule = self.make_rule(
            method="annual", rate=10, day_count="act_365", fee_amount=10
        )
        self.company.ar_penalty_rule_id = rule
        self.stage[7].charge_fee = True
        invoice = self.make_invoice(100, "2025-01-01", "2025-01-31")
        self.run_collection("2025-02-07")
        self.pay(invoice, 100, "2025-02-15")
        self.refresh(invoice, "2025-02-20")
        self.assertEqual(invoice.ar_penalty_to_charge, 0.41)

        penalty = self.charge("2025-02-20")
        self.assertEqual(penalty.amount_total, 10.41)
        self.assertEqual(penalty.amount_residual, 10.41)
        self.assertEqual(invoice.payment_state, "paid")

    def test_principal_paid_penalty_waived(self):
        rule = self.make_rule(
            method="annual", rate=10, day_count="act_365", fee_amount=10
        )
        self.company.ar_penalty_rule_id = rule
        self.company.ar_penalty_after_principal = "waive"
        self.stage[7].charge_fee = True
        invoice = self.make_invoice(100, "2025-01-01", "2025-01-31")
        self.run_collection("2025-02-07")
        self.pay(invoice, 100, "2025-02-15")
        self.refresh(invoice, "2025-02-20")

        waived = self.env["ar.penalty.charge"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "waived")]
        )
        self.assertEqual(sorted(waived.mapped("amount")), [0.41, 10.0])
        self.assertEqual(invoice.ar_penalty_waived, 0.41)
        self.assertEqual(invoice.ar_penalty_to_charge, 0.0)
        event = self.env["ar.collection.event"].search(
            [
                ("partner_id", "=", self.customer.id),
                ("event_type", "=", "penalty_waived"),
            ]
        )
        self.assertIn("10.41", event.result)
        self.assertFalse(self.charge("2025-02-20"))

    def test_message_counts_penalty_of_paid_invoice(self):
        paid = self.make_invoice(1000, "2025-01-01", "2025-01-20")
        self.pay(paid, 1000, "2025-01-25")
        self.make_invoice(500, "2025-01-01", "2025-01-31")
        self.run_collection("2025-02-07")
        claim = self.claims()
        self.assertNotIn(paid.name, claim.line_ids.mapped("name"))
        # 5 days on the paid invoice and 7 days on the open one.
        self.assertEqual(claim.ar_penalty_amount, 5.0 + 3.5)

    def test_stage_fee_with_zero_rate(self):
        rule = self.make_rule(method="daily_percent", rate=0, fee_amount=50)
        self.company.ar_penalty_rule_id = rule
        self.stage[7].charge_fee = True
        self.make_invoice(1000, "2025-01-01", "2025-01-31")
        self.run_collection("2025-02-07")
        fee = self.env["ar.penalty.charge"].search(
            [("partner_id", "=", self.customer.id), ("kind", "=", "fee")]
        )
        self.assertEqual(fee.amount, 50.0)
        self.assertEqual(fee.state, "pending")
        claim = self.claims()
        self.assertEqual(claim.ar_penalty_amount, 0.0)
        self.assertEqual(claim.ar_fee_amount, 50.0)
        self.assertEqual(claim.ar_grand_total, 1050.0)
        body = claim.message_body
        self.assertIn("collection fee: <strong>$&nbsp;50.00", body)
        self.assertIn("Total with penalty: <strong>$&nbsp;1,050.00", body)

        penalty = self.charge("2025-02-07")
        self.assertEqual(penalty.amount_total, 50.0)
        self.assertEqual(fee.state, "charged")
        # The fee of one collection action is charged once.
        self.run_collection("2025-02-07")
        self.assertFalse(self.charge("2025-02-08"))
