"""Default collection policy for a business-services company."""

# Trigger day, mail template and other actions of each default stage.
DEFAULT_POLICY_STAGES = [
    (-3, "mail_template_ar_stage_before_due", {}),
    (0, "mail_template_ar_stage_due_date", {}),
    (1, "mail_template_ar_stage_overdue_1", {}),
    (7, "mail_template_ar_stage_overdue_7", {}),
    (14, "mail_template_ar_stage_overdue_14", {}),
    (21, "mail_template_ar_stage_call", {"activity": "mail.mail_activity_data_call"}),
    (
        30,
        "mail_template_ar_stage_claim",
        {"attach_invoices": True, "attach_statement": True},
    ),
    (45, "mail_template_ar_stage_credit_hold", {"credit_hold": True}),
    (60, "mail_template_ar_stage_legal", {"legal_handover": True}),
]


def default_stage_names(env):
    """Return the default stage names, in trigger order, in ``env``'s language."""
    return [
        env._("Reminder before the due date"),
        env._("Due date notice"),
        env._("First reminder"),
        env._("Second reminder"),
        env._("Third reminder"),
        env._("Collector call"),
        env._("Formal claim"),
        env._("Credit hold"),
        env._("Legal hand-over"),
    ]


def default_policy_name(env):
    """Return the default policy's name in ``env``'s language."""
    return env._("Business services collection policy")
