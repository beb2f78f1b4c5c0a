"""The fast reading of a graded progress line (issue 18) agrees with the general one:
for any line it either gives None (the general reader then decides) or exactly the row
json.loads and the general checks give, and it never accepts a line they refuse."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.errors import UserError
from dlcards.interchange.progress_fast import graded_row
from dlcards.interchange.progress_read import _row
from dlcards.store_merge import MERGE_FIELDS

from .conftest import examples

GOOD = {
    "id": "0b8f7d0e-2c1a-4d3b-9e5f-0123456789ab",
    "deck_id": "dl",
    "card_id": "c1",
    "ts": "2026-03-01T09:00:00.000000Z",
    "study_day": "2026-03-01",
    "kind": "review",
    "grade": 4,
    "duration_ms": 5300,
    "instance": None,
    "answer": None,
    "cancels": None,
    "repetitions": 1,
    "easiness": 250,
    "interval": 1,
    "due": "2026-03-02",
}
TEXTS = st.one_of(
    st.sampled_from(["", "x", "é", "a b", 'q"', "1969-12-31", "2026-02-30", "9999-12-31"]),
    st.text(alphabet="0123456789-:.TZ", max_size=28),
    st.text(max_size=8),
)
NUMBERS = st.one_of(
    st.none(),
    st.integers(-3, 200),
    st.sampled_from([129, 130, 36_500, 36_501, 10**6, 10**6 + 1, 2**53, 10**16]),
)
VALUES = {
    "id": TEXTS,
    "deck_id": TEXTS,
    "card_id": TEXTS,
    "ts": st.one_of(
        st.sampled_from(
            [
                "2026-03-01T09:00:00.000000Z",
                "2026-13-01T09:00:00.000000Z",
                "2026-02-29T09:00:00.000000Z",
                "1969-12-31T23:59:59.999999Z",
                "2026-03-01T25:00:00.000000Z",
                "2026-03-01T24:00:00.000000Z",
                "2026-03-01T23:60:00.000000Z",
                "2026-03-01T23:59:60.000000Z",
                "2026-03-01T19:59:59.000000Z",
            ]
        ),
        TEXTS,
    ),
    "study_day": st.one_of(st.sampled_from(["2026-03-01", "2026-02-29", "0001-01-01"]), TEXTS),
    "kind": st.sampled_from(["review", "drill", "practice", "undo", "reset", "suspend", "x"]),
    "grade": st.one_of(st.none(), st.integers(-1, 6), st.just(True)),
    "duration_ms": NUMBERS,
    "instance": st.one_of(st.none(), TEXTS),
    "answer": st.one_of(st.none(), TEXTS),
    "cancels": st.one_of(st.none(), TEXTS),
    "repetitions": NUMBERS,
    "easiness": NUMBERS,
    "interval": NUMBERS,
    "due": st.one_of(st.none(), st.sampled_from(["2026-03-02", "2026-04-31"]), TEXTS),
}


def general(line: str) -> tuple[object, ...] | None:
    """The general reader: json.loads, then every check with its reason."""
    try:
        return _row(Path("p.jsonl"), 2, json.loads(line))
    except UserError:
        return None


@settings(max_examples=examples(3000, 150))
@given(changes=st.fixed_dictionaries({}, optional=VALUES))
def test_fast_path_agrees_with_the_general_reader(changes: dict[str, object]) -> None:
    values = {**GOOD, **changes}
    line = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    fast = graded_row(line)
    if fast is not None:
        assert fast == general(line)


def test_the_usual_exported_line_takes_the_fast_path() -> None:
    line = json.dumps(GOOD, separators=(",", ":"))
    assert graded_row(line) == tuple(GOOD[name] for name in MERGE_FIELDS)
    # Out of the fast path, still read (by the general reader): an undo row.
    undo = {**GOOD, "kind": "undo", "grade": None, "cancels": GOOD["id"]}
    assert graded_row(json.dumps(undo, separators=(",", ":"))) is None


def test_every_time_of_day_takes_the_fast_path_and_no_other_does() -> None:
    # The pattern holds the clock's ranges (fromisoformat's): 00:00:00 to 23:59:59.
    for clock in ("00:00:00", "09:59:59", "19:00:00", "20:00:00", "23:59:59"):
        line = json.dumps({**GOOD, "ts": f"2026-03-01T{clock}.000000Z"}, separators=(",", ":"))
        assert graded_row(line) is not None, clock
    for clock in ("24:00:00", "23:60:00", "23:59:60", "30:00:00"):
        line = json.dumps({**GOOD, "ts": f"2026-03-01T{clock}.000000Z"}, separators=(",", ":"))
        assert graded_row(line) is None and general(line) is None, clock
