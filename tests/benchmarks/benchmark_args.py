"""Command-line helpers shared by the benchmark scripts."""

import argparse
import datetime


def parse_date(text):
    """Parse an ISO date argument, or raise argparse's error with the value."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}, expected YYYY-MM-DD"
        ) from None
