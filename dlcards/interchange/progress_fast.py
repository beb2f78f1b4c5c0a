"""The common progress line read in one pattern match (issue 18: a million-row import).

``progress export`` writes a graded row with ASCII ids as one fixed shape. This
module reads exactly that shape and checks it with the same rules as
``progress_read._usual`` — the pattern itself holds the id, time, kind and grade
rules, so what is left is a few comparisons — at a fifth of the cost. Anything
else (an undo or card event, a non-ASCII id, an escaped string, a bad value)
gives None, and the caller reads the line the general way, which accepts or
explains it: this path never accepts a line the general one refuses.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from dlcards.interchange.progress_bounds import (
    EARLIEST_DAY,
    LATEST_DAY,
    MAX_DURATION_MS,
    MAX_EASINESS,
    MAX_REPETITIONS,
)
from dlcards.log import GRADE_KINDS
from dlcards.scheduler import MAX_INTERVAL, MIN_EASINESS

# Printable ASCII but space, '"' and '\': such an id is what _valid_id accepts,
# written as is (no escape).
_ID = r'"([!#-\[\]-~]{1,64})"'
_NAME = r'"([!#-\[\]-~]{1,128})"'
_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TEXT = r'(?:null|"([^"\\\x00-\x1f]*)")'
_NUMBER = r"(?:null|(0|[1-9][0-9]{0,15}))"
_GRADED_LINE = re.compile(
    r'\{"id":' + _ID + r',"deck_id":' + _NAME + r',"card_id":' + _NAME
    + r',"ts":"(' + _DAY + r"T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)"
    + r'","study_day":"(' + _DAY + r')","kind":"(' + "|".join(GRADE_KINDS)
    + r')","grade":([0-5]),"duration_ms":' + _NUMBER
    + r',"instance":' + _TEXT + r',"answer":' + _TEXT
    + r',"cancels":null,"repetitions":' + _NUMBER + r',"easiness":' + _NUMBER
    + r',"interval":' + _NUMBER + r',"due":(?:null|"(' + _DAY + r')")\}'
)  # fmt: skip
_EARLIEST, _LATEST = EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat()


def graded_row(text: str) -> tuple[Any, ...] | None:
    """The row (values of MERGE_FIELDS) of a canonical graded line, else None."""
    match = _GRADED_LINE.fullmatch(text)
    if match is None:
        return None
    (row_id, deck_id, card_id, ts, day, kind, grade, duration, instance, answer) = match.groups()[
        :10
    ]
    repetitions, easiness, interval, due = match.groups()[10:]
    # The ranges of progress_bounds.out_of_range; every day is YYYY-MM-DD, so the
    # texts compare as the dates do.
    if not (
        _EARLIEST <= ts[:10] <= _LATEST
        and _EARLIEST <= day <= _LATEST
        and (due is None or _EARLIEST <= due <= _LATEST)
    ):
        return None
    numbers = []
    for value, low, high in (
        (duration, 0, MAX_DURATION_MS),
        (repetitions, 0, MAX_REPETITIONS),
        (easiness, MIN_EASINESS, MAX_EASINESS),
        (interval, 0, MAX_INTERVAL),
    ):
        number = None if value is None else int(value)
        if number is not None and not low <= number <= high:
            return None
        numbers.append(number)
    try:  # the calendar's own check (month 13, February 30, hour 25)
        datetime.fromisoformat(ts[:-1])
        date.fromisoformat(day)
        if due is not None:
            date.fromisoformat(due)
    except ValueError:
        return None
    duration_ms, repetitions_n, easiness_n, interval_n = numbers
    return (
        row_id,
        deck_id,
        card_id,
        ts,
        day,
        kind,
        int(grade),
        duration_ms,
        instance,
        answer,
        None,
        repetitions_n,
        easiness_n,
        interval_n,
        due,
    )
