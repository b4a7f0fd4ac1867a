from datetime import date
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged

from odoo.addons.ar_collections.models.ar_penalty_charge_run import ArPenaltyCharge

from .test_collection_run import SimulatedCrash
from .test_penalty_invoice import PenaltyCommon

CUSTOMERS = 1000
BATCH_SIZE = 100


@tagged("post_install", "-at_install")
class TestPenaltyChargeRestart(PenaltyCommon):
    """A charge run killed after three batches, run again, charges everyone once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "ar_collections.penalty_batch_size", BATCH_SIZE
        )
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Client {index:04d}"} for index in range(CUSTOMERS)]
        )
        invoices = cls.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": customer.id,
                    "invoice_date": "2025-01-01",
                    "invoice_date_due": "2025-01-31",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Audit", "price_unit": 1000, "tax_ids": []}
                        )
                    ],
                }
                for customer in cls.customers
            ]
        )
        invoices.action_post()

    def penalty_invoices(self):
        return self.env["account.move"].search(
            [
                ("ar_is_penalty_invoice", "=", True),
                ("partner_id", "in", self.customers.ids),
            ]
        )

    def test_restart_after_crash(self):
        original = ArPenaltyCharge._pending_fees
        batches = []

        def crash_in_fourth_batch(charge, company, partner_ids):
            # Called once per batch of customers, before its invoices.
            if len(batches) == 3:
                raise SimulatedCrash()
            batches.append(set(partner_ids))
            return original(charge, company, partner_ids)

        charge_date = date(2025, 2, 10)
        crashed = False
        # The test cursor refuses commits; the scheduled run commits per
        # customer. Odoo's assertRaises would roll back to a savepoint, so
        # the crash is caught plainly and the first batches' work stays.
        with patch.object(self.env.cr, "commit", lambda: None):
            with patch.object(ArPenaltyCharge, "_pending_fees", crash_in_fourth_batch):
                try:
                    self.env["ar.penalty.charge"]._run_charge(
                        charge_date, companies=self.company, commit=True
                    )
                except SimulatedCrash:
                    crashed = True
            self.assertTrue(crashed)
            first = self.penalty_invoices()
            self.assertEqual(len(first), 3 * BATCH_SIZE)
            self.assertEqual(set(first.partner_id.ids), set().union(*batches))

            self.env["ar.penalty.charge"]._run_charge(
                charge_date, companies=self.company, commit=True
            )
            second = self.penalty_invoices()
            self.assertEqual(len(second), CUSTOMERS)
            self.assertEqual(len(second.partner_id), CUSTOMERS)
            self.assertEqual(set(second.mapped("amount_total")), {10.0})

            self.env["ar.penalty.charge"]._run_charge(
                charge_date, companies=self.company, commit=True
            )
        self.assertEqual(len(self.penalty_invoices()), CUSTOMERS)
