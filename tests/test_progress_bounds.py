"""Imported progress rows whose values would brick a profile are refused, naming the line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from dlcards.errors import UserError
from dlcards.interchange.progress import import_progress
from dlcards.store import Store

from .hostile_corpus_text import GOOD_ROW

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# The well-formed row the hostile corpus starts from; only the id differs.
GOOD: dict[str, Any] = {**GOOD_ROW, "id": "r-good"}
POISONED = [
    ({"ts": "9999-12-31T23:59:59.999999Z"}, "'ts'"),
    ({"study_day": "9999-12-31"}, "'study_day'"),
    ({"due": "9999-12-31"}, "'due'"),
    ({"ts": "0001-01-01T00:00:00.000000Z"}, "'ts'"),
    ({"interval": 36_501}, "'interval'"),
    ({"interval": 2**52}, "'interval'"),
    ({"easiness": 0}, "'easiness'"),
    ({"easiness": 2**50}, "'easiness'"),
    ({"repetitions": 2**50}, "'repetitions'"),
    ({"duration_ms": 2**52}, "'duration_ms'"),
    ({"grade": 6}, "'grade' must be 0–5"),
    ({"grade": -1}, "'grade' must be 0–5"),
    ({"grade": True}, "'grade' must be 0–5"),
    ({"grade": 4.0}, "'grade' must be 0–5"),
    ({"kind": "teleport"}, "unknown kind"),
    ({"interval": "1"}, "'interval' must be a whole number"),
    ({"study_day": "2026-02-30"}, "not a valid time"),
]


def _file(path: Path, rows: list[dict[str, Any]], *, compact: bool) -> Path:
    separators = (",", ":") if compact else (", ", ": ")
    lines = [json.dumps({"format": "dlcards-progress", "version": 1})]
    lines += [json.dumps(row, separators=separators) for row in rows]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.mark.parametrize("compact", [True, False], ids=["as-exported", "hand-written"])
@pytest.mark.parametrize(("change", "words"), POISONED)
def test_a_poisoned_row_is_refused_and_changes_nothing(
    tmp_path: Path, change: dict[str, Any], words: str, compact: bool
) -> None:
    store = Store.open(tmp_path / "progress.sqlite3")
    path = _file(tmp_path / "p.jsonl", [GOOD, {**GOOD, "id": "r-bad", **change}], compact=compact)
    before = store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    with pytest.raises(UserError) as caught:
        import_progress(store, "me", path, START)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: ") and words in message and "\n" not in message
    assert store.conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == before


def test_rows_at_the_edges_of_the_ranges_are_kept_and_grading_still_works(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "progress.sqlite3")
    edge = {
        **GOOD,
        "id": "r-edge",
        "interval": 36_500,
        "easiness": 130,
        "due": "2126-01-01",
        "ts": "2026-03-01T09:00:01.000000Z",
    }
    path = _file(tmp_path / "p.jsonl", [GOOD, edge], compact=True)
    assert import_progress(store, "me", path, START).added == 2
    later = START + timedelta(days=1)
    store.record("me", "dl", "c1", "review", 5, later, later.date())
