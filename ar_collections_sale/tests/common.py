from odoo import Command
from odoo.tests import TransactionCase


class SaleCreditCase(TransactionCase):
    """A customer, products without taxes and helpers for orders and invoices.

    The company starts in block mode with no credit limit, so each test
    sets the limit its case needs.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.currency = cls.company.currency_id
        cls.company.ar_credit_mode = "block"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Credit Customer", "is_company": True}
        )
        cls.product_delivered = cls._create_product("Delivered Goods", "delivery")
        cls.product_ordered = cls._create_product("Ordered Goods", "order")

    @classmethod
    def _create_product(cls, name, invoice_policy):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "invoice_policy": invoice_policy,
                "list_price": 1.0,
                "taxes_id": [Command.clear()],
            }
        )

    def _create_order(self, amount, product=None, quantity=1.0, **values):
        """Create a quotation of ``amount`` (quantity times unit price)."""
        product = product or self.product_delivered
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "price_unit": amount / quantity,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
                **values,
            }
        )

    def _exposure(self, company=None, partner=None):
        company = company or self.company
        partner = partner or self.customer
        return self.env["ar.credit.exposure"]._get_exposures(company, partner.ids)[
            partner.id
        ]

    def _set_limit(self, limit, company=None):
        self.customer.with_company(company or self.company).credit_limit = limit
