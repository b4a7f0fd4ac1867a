from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        """Also translate the default policy and rules into newly loaded languages.

        The default policy and penalty rules are created in code for each
        company, so their names get no translation from the module's .po
        files by themselves.
        """
        result = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "ar_collections" in modules and "ar.collection.policy" in self.env:
            policies = (
                self.env["ar.collection.policy"]
                .sudo()
                .with_context(active_test=False)
                .search([])
            )
            policies._set_default_name_translations(langs)
        if "ar_collections" in modules and "ar.penalty.rule" in self.env:
            rules = (
                self.env["ar.penalty.rule"]
                .sudo()
                .with_context(active_test=False)
                .search([])
            )
            rules._set_default_name_translations(langs)
        return result
