from odoo.tests.common import TransactionCase


class RepoTransactionCase(TransactionCase):
    """TransactionCase for tests that live outside an Odoo addon.

    Odoo sets the test tags and module name only for classes under
    ``odoo.addons``; these tests get them here.
    """

    def __init_subclass__(cls):
        super().__init_subclass__()
        cls.test_tags = {"standard", "at_install"}
        cls.test_module = "ar_collections_repo_tests"
        cls.test_class = cls.__name__
        cls.test_sequence = 0
