from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(
        self, modules, langs, overwrite=False, imported_module=False
    ):
        """Also translate the default collection policy into newly loaded languages.

        The default policy is created in code for each company, so its names
        get no translation from the module's .po files by themselves.
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
        return result
