from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Confirm orders paid online even when credit control would block them.

        The payment is already taken, so refusing the order would only leave
        the customer's money without an order; the collector gets an activity instead.
        """
        return super(
            PaymentTransaction, self.with_context(ar_credit_paid_online=True)
        )._check_amount_and_confirm_order()
