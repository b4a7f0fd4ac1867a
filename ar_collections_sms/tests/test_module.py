from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestModule(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.module = cls.env["ir.module.module"].search(
            [("name", "=", "ar_collections_sms")]
        )

    def test_module_installed(self):
        self.assertEqual(self.module.state, "installed")

    def test_module_dependencies(self):
        """The SMS channel builds on the collection run and Odoo's SMS module."""
        dependencies = self.module.dependencies_id
        self.assertEqual(set(dependencies.mapped("name")), {"ar_collections", "sms"})
        self.assertEqual(set(dependencies.mapped("state")), {"installed"})
