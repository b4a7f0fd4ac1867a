from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import SaleCreditCase


@tagged("post_install", "-at_install")
class TestMultiCompany(SaleCreditCase):
    """Company A in EUR, company B in PLN, 1 EUR = 4.30 PLN.

    The customer's limit is 100.00 EUR in A and 430.00 PLN in B. The user
    works in both companies with A active and orders in B.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        pln = cls.env.ref("base.PLN")
        (eur | pln).active = True
        cls.company_a = cls.env["res.company"].create(
            {"name": "Company A (EUR)", "currency_id": eur.id}
        )
        cls.company_b = cls.env["res.company"].create(
            {"name": "Company B (PLN)", "currency_id": pln.id}
        )
        (cls.company_a | cls.company_b).ar_credit_mode = "block"

        rates = cls.env["res.currency.rate"]
        rates.search([("currency_id", "in", (eur | pln).ids)]).unlink()
        rate_date = fields.Date.subtract(fields.Date.today(), days=30)
        rates.create(
            [
                {
                    "currency_id": pln.id,
                    "rate": 4.30,
                    "name": rate_date,
                    "company_id": cls.company_a.id,
                },
                {
                    "currency_id": eur.id,
                    "rate": 1 / 4.30,
                    "name": rate_date,
                    "company_id": cls.company_b.id,
                },
            ]
        )

        cls.customer.with_company(cls.company_a).credit_limit = 100.0
        cls.customer.with_company(cls.company_b).credit_limit = 430.0
        cls.user = new_test_user(
            cls.env,
            login="ar_sale_two_companies",
            groups="sales_team.group_sale_salesman,base.group_multi_company",
            company_id=cls.company_a.id,
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
        )

    def _env_with_active(self, company):
        other = (self.company_a | self.company_b) - company
        return self.env(
            user=self.user,
            context=dict(self.env.context, allowed_company_ids=[company.id, other.id]),
        )

    def _order_in_b(self, env, amount):
        return env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company_b.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_delivered.id,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def test_limit_of_order_company(self):
        env_a = self._env_with_active(self.company_a)
        env_b = self._env_with_active(self.company_b)
        first = self._order_in_b(env_a, 101.0)
        self.assertEqual(first.currency_id, self.company_b.currency_id)

        for env in (env_a, env_b):
            with self.subTest(active=env.company.name):
                self.assertFalse(first.with_env(env).partner_credit_warning)
        first.action_confirm()
        self.assertEqual(first.state, "sale")

        exposure_b = self._exposure(self.company_b)
        self.assertAlmostEqual(exposure_b.total, 101.0, places=2)
        self.assertEqual(self._exposure(self.company_a).total, 0.0)

        second = self._order_in_b(env_a, 330.0)
        for env in (env_a, env_b):
            with self.subTest(active=env.company.name):
                warning = second.with_env(env).partner_credit_warning
                self.assertIn("431.00", warning)
                self.assertIn("430.00", warning)
        with self.assertRaises(UserError) as error:
            second.action_confirm()
        self.assertIn("431.00", str(error.exception))
        self.assertEqual(second.state, "draft")

        self.assertAlmostEqual(self._exposure(self.company_b).total, 101.0, places=2)
        self.assertEqual(self._exposure(self.company_a).total, 0.0)
        self.assertEqual(self.customer.with_company(self.company_a).credit_limit, 100.0)
