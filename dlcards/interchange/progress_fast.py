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
from datetime import date
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
# A time of day datetime.fromisoformat accepts: 00:00:00 to 23:59:59.
_CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_TEXT = r'(?:null|"([^"\\\x00-\x1f]*)")'
_NUMBER = r"(?:null|(0|[1-9][0-9]{0,15}))"
_GRADED_LINE = re.compile(
    r'\{"id":' + _ID + r',"deck_id":' + _NAME + r',"card_id":' + _NAME
    + r',"ts":"(' + _DAY + r"T" + _CLOCK + r"\.[0-9]{6}Z)"
    + r'","study_day":"(' + _DAY + r')","kind":"(' + "|".join(GRADE_KINDS)
    + r')","grade":([0-5]),"duration_ms":' + _NUMBER
    + r',"instance":' + _TEXT + r',"answer":' + _TEXT
    + r',"cancels":null,"repetitions":' + _NUMBER + r',"easiness":' + _NUMBER
    + r',"interval":' + _NUMBER + r',"due":(?:null|"(' + _DAY + r')")\}'
)  # fmt: skip
_EARLIEST, _LATEST = EARLIEST_DAY.isoformat(), LATEST_DAY.isoformat()


def _good_day(text: str) -> bool:
    """Whether ``text`` (YYYY-MM-DD) is a day of the calendar within the rows' range;
    remembered, as a million rows name a few hundred days."""
    good = _DAYS.get(text)
    if good is None:
        if len(_DAYS) >= 100_000:
            _DAYS.clear()
        try:
            good = _EARLIEST <= text <= _LATEST and bool(date.fromisoformat(text))
        except ValueError:
            good = False
        _DAYS[text] = good
    return good


_DAYS: dict[str, bool] = {}


def graded_row(text: str) -> tuple[Any, ...] | None:
    """The row (values of MERGE_FIELDS) of a canonical graded line, else None."""
    match = _GRADED_LINE.fullmatch(text)
    if match is None:
        return None
    (
        row_id,
        deck_id,
        card_id,
        ts,
        day,
        kind,
        grade,
        duration,
        instance,
        answer,
        repetitions,
        easiness,
        interval,
        due,
    ) = match.groups()
    # The ranges of progress_bounds.out_of_range, and the calendar's own check (month
    # 13, February 30; the pattern holds the hours); every day is YYYY-MM-DD, so the
    # texts compare as the dates do. The pattern's numbers are 0 or more.
    if not (_good_day(ts[:10]) and _good_day(day) and (due is None or _good_day(due))):
        return None
    duration_ms = None if duration is None else int(duration)
    repetitions_n = None if repetitions is None else int(repetitions)
    easiness_n = None if easiness is None else int(easiness)
    interval_n = None if interval is None else int(interval)
    if (
        (duration_ms is not None and duration_ms > MAX_DURATION_MS)
        or (repetitions_n is not None and repetitions_n > MAX_REPETITIONS)
        or (easiness_n is not None and not MIN_EASINESS <= easiness_n <= MAX_EASINESS)
        or (interval_n is not None and interval_n > MAX_INTERVAL)
    ):
        return None
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
