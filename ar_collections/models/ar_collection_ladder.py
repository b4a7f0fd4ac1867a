"""Choice of collection stages for one customer, as plain Python.

Each receivable item climbs the policy's stages on its own: an item is due
for a message when it reaches a stage it was not sent yet. The customer
gets one message for all its items, at the stage of its most advanced
item. The run feeds this module the stages, the open items and what each
item was sent before, and stores the plan it returns.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StageRule:
    """The fields of a stage that the ladder uses."""

    stage_id: int
    trigger_days: int
    min_amount: float = 0.0


@dataclass(frozen=True)
class LadderItem:
    """An open receivable item of the customer on the run date.

    ``last_stage_id`` and ``last_sent_date`` describe the last message that
    listed the item, if any. ``amount`` is the item's net residual in company
    currency; credits are not ladder items.
    """

    key: int
    days_overdue: int
    amount: float
    last_stage_id: int | None = None
    last_sent_date: object = None


@dataclass
class LadderPlan:
    """The customer's plan for one day: its message stage and the items it lists."""

    stage_id: int | None = None
    due_keys: set = field(default_factory=set)
    item_stage_ids: dict = field(default_factory=dict)


def reaches(stage, item, grace_days):
    """Tell whether ``item`` has reached ``stage`` under the grace period.

    Stages before or on the due date concern items not yet overdue only:
    an overdue item never gets a "coming due" notice.
    """
    if item.days_overdue < stage.trigger_days:
        return False
    if stage.trigger_days <= 0:
        return item.days_overdue <= 0
    return item.days_overdue >= grace_days


def eligible_stages(stages, items, grace_days):
    """Return the stages whose reaching items add up to their minimum amount."""
    eligible = []
    for stage in stages:
        amount = sum(item.amount for item in items if reaches(stage, item, grace_days))
        if amount > 0 and amount >= stage.min_amount:
            eligible.append(stage)
    return eligible


def _jump_target(stages, item, grace_days):
    reached = [stage for stage in stages if reaches(stage, item, grace_days)]
    return reached[-1] if reached else None


def _sequential_target(stages, item, last_stage, grace_days, as_of, min_gap_days):
    """Return the item's next stage if it fires today, else None.

    Stages on or before the due date only make sense while the item is not
    yet overdue, so an overdue item skips them. Overdue stages follow one
    another, each waiting for its trigger and for the minimum gap after the
    item's previous message.
    """
    if item.days_overdue <= 0:
        return _jump_target(
            [stage for stage in stages if stage.trigger_days <= 0], item, grace_days
        )

    last_trigger = last_stage.trigger_days if last_stage else None
    for stage in stages:
        if stage.trigger_days <= 0:
            continue
        if last_trigger is not None and stage.trigger_days <= last_trigger:
            continue
        if not reaches(stage, item, grace_days):
            return None
        # The gap separates overdue stages: the first overdue reminder does
        # not wait after a notice sent before or on the due date.
        gap_ok = (
            last_stage is None
            or last_stage.trigger_days <= 0
            or (as_of - item.last_sent_date).days >= min_gap_days
        )
        return stage if gap_ok else None
    return None


def _next_stage(stages, last_stage):
    """Return the first stage stricter than ``last_stage`` (any stage if None)."""
    for stage in stages:
        if last_stage is None or stage.trigger_days > last_stage.trigger_days:
            return stage
    return None


def plan_customer(
    stages,
    items,
    as_of,
    mode="jump",
    grace_days=0,
    min_gap_days=7,
    escalate=False,
):
    """Return the :class:`LadderPlan` of one customer on ``as_of``.

    :param stages: the policy's active :class:`StageRule` list, in trigger order.
    :param items: the customer's :class:`LadderItem` list (positive items only).
    :param mode: ``"jump"`` or ``"sequential"``.
    :param escalate: move every item one stage up even if its trigger or the
        gap is not reached (used after a broken promise to pay).
    """
    all_stages = sorted(stages, key=lambda stage: (stage.trigger_days, stage.stage_id))
    # Ranks cover every active stage, so an item sent a stage that its
    # amount no longer qualifies for is not sent a milder stage again.
    rank = {stage.stage_id: index for index, stage in enumerate(all_stages)}
    by_id = {stage.stage_id: stage for stage in all_stages}
    stages = eligible_stages(all_stages, items, grace_days)
    plan = LadderPlan()

    for item in items:
        last_stage = by_id.get(item.last_stage_id)
        if mode == "sequential":
            target = _sequential_target(
                stages, item, last_stage, grace_days, as_of, min_gap_days
            )
        else:
            target = _jump_target(stages, item, grace_days)

        if escalate and item.days_overdue > 0:
            forced = _next_stage(
                [stage for stage in all_stages if stage.trigger_days > 0], last_stage
            )
            if forced and (
                target is None or rank[forced.stage_id] > rank[target.stage_id]
            ):
                target = forced

        last_rank = rank[last_stage.stage_id] if last_stage else -1
        if target is not None and rank[target.stage_id] > last_rank:
            plan.due_keys.add(item.key)
            plan.item_stage_ids[item.key] = target.stage_id
        elif last_stage:
            plan.item_stage_ids[item.key] = last_stage.stage_id

    if not plan.due_keys:
        return plan

    # NOTE: a new item reaching an early stage brings a message at the
    # customer's strictest stage, so one stage's letter can go out on two
    # days in a row when a second invoice reaches it a day later.
    plan.stage_id = max(
        plan.item_stage_ids.values(), key=lambda stage_id: rank[stage_id]
    )
    return plan
