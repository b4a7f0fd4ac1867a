def post_init_hook(env):
    """Give every existing company the default collection policy and penalty rules."""
    companies = env["res.company"].search([])
    companies._ar_ensure_collection_policy()
    companies._ar_ensure_penalty_rules()


def uninstall_hook(env):
    """Delete the demo payment, so that its invoice and customer can go too.

    Uninstalling deletes the records of the module's data files, but Odoo
    cannot delete a posted payment or a reconciled invoice, which would keep
    the demo customer referenced. Without demo data this does nothing.
    """
    payment = env.ref(
        "ar_collections.account_payment_brightline_demo", raise_if_not_found=False
    )
    if payment:
        payment.move_id.line_ids.remove_move_reconcile()
        payment.action_draft()
        payment.unlink()
