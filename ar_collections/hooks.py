def post_init_hook(env):
    """Give every existing company the default collection policy."""
    env["res.company"].search([])._ar_ensure_collection_policy()
