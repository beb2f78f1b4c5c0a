"""`progress export` writes each row as json.dumps would (issue 18: the lines are now
built by SQLite's json_object, for speed; the bytes must not change)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcards.interchange.progress import export_progress
from dlcards.log import ROW_KINDS
from dlcards.store import Store
from dlcards.store_merge import MERGE_FIELDS

from .conftest import examples

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TRICKY = ['"', "\\", "\n\r\t\b\f", "\x00\x01\x1f\x7f", "é ü 漢 😀", "\u2028\u2029", "</script>"]


def expected_line(values: dict[str, object]) -> str:
    """The line the JSON Lines format defines, computed with the standard library."""
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


@settings(
    max_examples=examples(200, 40), suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(
        st.one_of(st.sampled_from(TRICKY), st.text(max_size=12)), min_size=4, max_size=4
    ),
    numbers=st.lists(st.one_of(st.none(), st.integers(0, 2**53 - 1)), min_size=4, max_size=4),
    grade=st.one_of(st.none(), st.integers(0, 5)),
)
def test_export_lines_equal_json_dumps(
    tmp_path: Path, texts: list[str], numbers: list[int | None], grade: int | None
) -> None:
    store = Store.open(None)
    store.ensure_profile("me", NOW)
    values: dict[str, object] = {
        "id": "row-1",
        "deck_id": texts[0],
        "card_id": texts[1],
        "ts": "2026-03-01T09:00:00.000000Z",
        "study_day": "2026-03-01",
        "kind": ROW_KINDS[0],
        "grade": grade,
        "duration_ms": numbers[0],
        "instance": texts[2],
        "answer": texts[3],
        "cancels": None,
        "repetitions": numbers[1],
        "easiness": numbers[2],
        "interval": numbers[3],
        "due": None,
    }
    assert tuple(values) == MERGE_FIELDS
    store.conn.execute(
        f"INSERT INTO reviews (profile, {', '.join(values)}) "
        f"VALUES ('me', {', '.join('?' * len(values))})",
        list(values.values()),
    )
    out = tmp_path / "p.jsonl"
    assert export_progress(store, "me", out, force=True) == 1
    lines = out.read_text("utf-8").split("\n")
    assert lines[1] == expected_line(values)
    assert lines[2:] == [""]


def test_export_of_many_rows_keeps_replay_order(tmp_path: Path) -> None:
    # More rows than one fetched chunk: every row once, in (ts, id) order, one a line.
    store = Store.open(None)
    store.ensure_profile("me", NOW)
    rows = [
        (
            f"id{i:05d}",
            "me",
            "dl",
            f"c{i % 7}",
            f"2026-03-01T09:00:{i % 60:02d}.{i:06d}Z",
            "2026-03-01",
            "review",
            i % 6,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        )
        for i in range(12_345)
    ]
    store.conn.executemany(f"INSERT INTO reviews VALUES ({', '.join('?' * 16)})", rows)
    out = tmp_path / "p.jsonl"
    assert export_progress(store, "me", out) == len(rows)
    ids = [json.loads(line)["id"] for line in out.read_text("utf-8").splitlines()[1:]]
    assert ids == [r[0] for r in sorted(rows, key=lambda r: (r[4], r[0]))]
