import datetime

from odoo.tests import BaseCase, tagged

from odoo.addons.ar_collections.models.ar_collection_ladder import (
    LadderItem,
    StageRule,
    plan_customer,
)

AS_OF = datetime.date(2025, 6, 1)
STAGES = [
    StageRule(stage_id=10, trigger_days=-3),
    StageRule(stage_id=11, trigger_days=0),
    StageRule(stage_id=12, trigger_days=1),
    StageRule(stage_id=13, trigger_days=7),
    StageRule(stage_id=14, trigger_days=30),
]


@tagged("post_install", "-at_install")
class TestCollectionLadder(BaseCase):
    """The stage choice as plain Python, without the database."""

    def test_jump_takes_strictest_reached(self):
        plan = plan_customer(
            STAGES, [LadderItem(key=1, days_overdue=40, amount=10.0)], AS_OF
        )
        self.assertEqual(plan.stage_id, 14)
        self.assertEqual(plan.due_keys, {1})

    def test_nothing_new_nothing_due(self):
        item = LadderItem(
            key=1, days_overdue=12, amount=10.0, last_stage_id=13, last_sent_date=AS_OF
        )
        plan = plan_customer(STAGES, [item], AS_OF)
        self.assertIsNone(plan.stage_id)
        self.assertEqual(plan.due_keys, set())

    def test_message_stage_of_most_advanced_item(self):
        """A new item at 1 day brings a message at the old item's stricter stage."""
        items = [
            LadderItem(
                key=1,
                days_overdue=35,
                amount=10.0,
                last_stage_id=14,
                last_sent_date=AS_OF,
            ),
            LadderItem(key=2, days_overdue=1, amount=5.0),
        ]
        plan = plan_customer(STAGES, items, AS_OF)
        self.assertEqual(plan.stage_id, 14)
        self.assertEqual(plan.due_keys, {2})
        self.assertEqual(plan.item_stage_ids, {1: 14, 2: 12})

    def test_pre_due_stage(self):
        plan = plan_customer(
            STAGES, [LadderItem(key=1, days_overdue=-2, amount=10.0)], AS_OF
        )
        self.assertEqual(plan.stage_id, 10)
        plan = plan_customer(
            STAGES, [LadderItem(key=1, days_overdue=-4, amount=10.0)], AS_OF
        )
        self.assertIsNone(plan.stage_id)

    def test_sequential_skips_pre_due_for_overdue_item(self):
        item = LadderItem(key=1, days_overdue=40, amount=10.0)
        plan = plan_customer(STAGES, [item], AS_OF, mode="sequential")
        self.assertEqual(plan.stage_id, 12)

    def test_sequential_gap_after_due_notice(self):
        """The first overdue reminder does not wait for the gap after the notice."""
        item = LadderItem(
            key=1,
            days_overdue=1,
            amount=10.0,
            last_stage_id=11,
            last_sent_date=AS_OF - datetime.timedelta(days=1),
        )
        plan = plan_customer(STAGES, [item], AS_OF, mode="sequential", min_gap_days=7)
        self.assertEqual(plan.stage_id, 12)

    def test_grace_delays_overdue_stages_only(self):
        items = [LadderItem(key=1, days_overdue=3, amount=10.0)]
        self.assertIsNone(
            plan_customer(STAGES[2:], items, AS_OF, grace_days=5).stage_id
        )
        pre_due = [LadderItem(key=1, days_overdue=0, amount=10.0)]
        self.assertEqual(
            plan_customer(STAGES, pre_due, AS_OF, grace_days=5).stage_id, 11
        )

    def test_escalate_moves_one_stage(self):
        item = LadderItem(
            key=1, days_overdue=8, amount=10.0, last_stage_id=13, last_sent_date=AS_OF
        )
        plan = plan_customer(STAGES, [item], AS_OF, escalate=True)
        self.assertEqual(plan.stage_id, 14)

    def test_minimum_amount_blocks_stage(self):
        stages = [StageRule(stage_id=12, trigger_days=1, min_amount=100.0)]
        small = [LadderItem(key=1, days_overdue=5, amount=60.0)]
        self.assertIsNone(plan_customer(stages, small, AS_OF).stage_id)
        enough = small + [LadderItem(key=2, days_overdue=2, amount=40.0)]
        self.assertEqual(plan_customer(stages, enough, AS_OF).stage_id, 12)
