"""Aging buckets of a company, from its comma-separated upper limits.

Limits ``30,60,90,180`` give the overdue buckets 1-30, 31-60, 61-90, 91-180
and over 180 days. Strictly increasing limits can have neither gaps nor
overlaps, and the last bucket is open-ended, so every overdue item falls in
exactly one bucket. Items not yet overdue are in the separate "not due"
bucket.
"""

from odoo.exceptions import ValidationError

DEFAULT_AGING_LIMITS = "30,60,90,180"
MAX_AGING_BUCKETS = 7


def parse_aging_limits(env, text):
    """Return the upper limits as a list of ints, or raise ValidationError."""
    parts = [part.strip() for part in (text or "").split(",")]
    if not text or not all(parts):
        raise ValidationError(
            env._(
                "Aging bucket limits %(limits)r are empty or have an empty item. "
                "Enter increasing numbers of days separated by commas, such as "
                "30,60,90,180.",
                limits=text or "",
            )
        )
    limits = []
    for part in parts:
        if not part.isdigit() or int(part) < 1:
            raise ValidationError(
                env._(
                    "Aging bucket limit %(limit)r is not a whole number of days "
                    "of 1 or more. Enter limits such as 30,60,90,180.",
                    limit=part,
                )
            )
        limit = int(part)
        if limits and limit <= limits[-1]:
            raise ValidationError(
                env._(
                    "Aging bucket limits must increase, but %(limit)s follows "
                    "%(previous)s, which would make buckets overlap or run "
                    "backwards. Enter them in increasing order, such as "
                    "30,60,90,180.",
                    limit=limit,
                    previous=limits[-1],
                )
            )
        limits.append(limit)
    if len(limits) + 1 > MAX_AGING_BUCKETS:
        raise ValidationError(
            env._(
                "Aging bucket limits %(limits)s make %(count)s overdue buckets; "
                "at most %(max)s are shown. Remove some limits.",
                limits=text,
                count=len(limits) + 1,
                max=MAX_AGING_BUCKETS,
            )
        )
    return limits


def aging_bucket_labels(env, limits):
    """Return the labels of the overdue buckets, first to last."""
    labels = []
    first_day = 1
    for limit in limits:
        labels.append(str(limit) if limit == first_day else f"{first_day}-{limit}")
        first_day = limit + 1
    labels.append(env._("Over %(days)s", days=first_day - 1))
    return labels


def bucket_field_name(slot):
    """Return the ar.debtor field of overdue bucket ``slot`` (1-based)."""
    return f"amount_bucket_{slot}"
