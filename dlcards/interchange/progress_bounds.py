"""Ranges an imported progress row must keep to, so no row can brick a profile.

A row is replayed for as long as the profile exists: a date the calendar cannot
move 100 years forward (the scheduler's interval cap), an interval beyond that
cap, or a number SQLite cannot sum would make every later grade fail. The file
format (progress.py) checks the shape of a row; this module checks its values.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dlcards.scheduler import MAX_INTERVAL, MIN_EASINESS

# Every date in a row must survive ``+ MAX_INTERVAL days`` (a due date) and a few
# hundred days back (stats windows, streaks).
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date.max - timedelta(days=MAX_INTERVAL + 1)
MAX_REPETITIONS = 1_000_000
# +0.10 per perfect grade: 100,000 hundredths takes ~10,000 perfect reviews in a row.
MAX_EASINESS = 100_000
MAX_DURATION_MS = 366 * 24 * 3600 * 1000  # a card left on screen for a year at most
# The values are already checked to start with a valid YYYY-MM-DD: as text, they
# compare as the dates do (a million-row import makes this worth it).
_EARLIEST = EARLIEST_DAY.isoformat()
_LATEST = LATEST_DAY.isoformat()


def _day_out_of_range(text: str) -> bool:
    return not _EARLIEST <= text[:10] <= _LATEST


def out_of_range(values: dict[str, Any]) -> str | None:
    """Why a row whose types are right still cannot be kept, or None when it can.

    ``values`` holds already type-checked fields: ``ts`` a timestamp string,
    ``study_day``/``due`` ISO dates or None, the numbers ints or None.
    """
    for key in ("ts", "study_day", "due"):
        text = values.get(key)
        if text is not None and _day_out_of_range(text):
            return (
                f"'{key}' {text[:10]} is outside {EARLIEST_DAY.isoformat()}"
                f"…{LATEST_DAY.isoformat()}"
            )
    limits = (
        ("interval", 0, MAX_INTERVAL),
        ("repetitions", 0, MAX_REPETITIONS),
        ("easiness", MIN_EASINESS, MAX_EASINESS),
        ("duration_ms", 0, MAX_DURATION_MS),
    )
    for key, low, high in limits:
        number = values.get(key)
        if number is not None and not low <= number <= high:
            return f"'{key}' {number} is outside {low}–{high}"
    return None
