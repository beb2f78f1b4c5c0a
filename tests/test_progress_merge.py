"""Moving the review log between machines: idempotent merges that converge, bad files refused."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcards.errors import UserError
from dlcards.interchange.progress import export_progress, import_progress
from dlcards.log import replay
from dlcards.store import Store

from .conftest import examples

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
CARDS = [("dl", f"c{i}") for i in range(4)]


def study(store: Store, events: list[tuple[int, int, int]], profile: str = "me") -> None:
    """Replay (day offset, card, grade) events; grade -1 undoes the last row of the day."""
    last: list[str] = []
    for offset, card, grade in events:
        moment = START + timedelta(days=offset, minutes=len(last))
        day = moment.date()
        if grade < 0:
            if last:
                store.undo(profile, last.pop(), moment, day)
            continue
        kind = "review" if card % 2 == 0 or grade < 3 else "drill"
        row = store.record(profile, *CARDS[card], kind, grade, moment, day, duration_ms=900)
        last.append(row.id)


def log(store: Store, profile: str = "me") -> set[tuple]:
    return {
        r[:1] + r[2:]
        for r in store.conn.execute("SELECT * FROM reviews WHERE profile = ?", (profile,))
    }


def exchange(a: Store, b: Store, folder: Path, first: str) -> None:
    """Export from one machine, import into the other, then back (``first`` goes first)."""
    order = [(a, b), (b, a)] if first == "a" else [(b, a), (a, b)]
    for n, (source, target) in enumerate(order):
        path = folder / f"x{n}.jsonl"
        export_progress(source, "me", path, force=True)
        import_progress(target, "me", path, START)


def test_export_file_shape(tmp_path: Path) -> None:
    store = Store.open(None)
    study(store, [(0, 0, 4), (0, 1, 2), (0, 1, -1)])
    path = tmp_path / "p.jsonl"
    assert export_progress(store, "me", path) == 3
    lines = path.read_text("utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "dlcards-progress", "version": 1}
    rows = [json.loads(line) for line in lines[1:]]
    assert [r["kind"] for r in rows] == ["review", "review", "undo"]
    assert rows[2]["cancels"] == rows[1]["id"] and rows[2]["grade"] is None
    assert set(rows[0]) == {
        "id",
        "deck_id",
        "card_id",
        "ts",
        "study_day",
        "kind",
        "grade",
        "duration_ms",
        "instance",
        "answer",
        "cancels",
        "repetitions",
        "easiness",
        "interval",
        "due",
    }
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_two_machines_studying_on_different_days_converge(tmp_path: Path) -> None:
    laptop, desktop = Store.open(tmp_path / "a.sqlite3"), Store.open(tmp_path / "b.sqlite3")
    study(laptop, [(0, 0, 4), (0, 1, 5), (2, 0, 3), (2, 2, 1), (2, 2, -1)])
    study(desktop, [(1, 0, 2), (1, 3, 4), (3, 1, 4)])
    exchange(laptop, desktop, tmp_path, "a")
    assert log(laptop) == log(desktop)
    assert laptop.states("me") == desktop.states("me") == replay(laptop.rows("me"))
    # A grade on card c0 from both machines, in time order: 4 (day 0), 2 (day 1), 3 (day 2).
    state = laptop.states("me")[("dl", "c0")]
    assert (state.reviews, state.lapses, state.sm2.due) == (3, 1, date(2026, 3, 4))


def test_importing_twice_changes_nothing(tmp_path: Path) -> None:
    source, target = Store.open(None), Store.open(tmp_path / "t.sqlite3")
    study(source, [(0, 0, 4), (1, 0, 5)])
    path = tmp_path / "p.jsonl"
    export_progress(source, "me", path)
    first = import_progress(target, "me", path, START)
    before = (log(target), target.states("me"))
    second = import_progress(target, "me", path, START)
    assert (first.added, second.added, second.present) == (2, 0, 2)
    assert (log(target), target.states("me")) == before


def test_a_file_saved_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    source, target = Store.open(None), Store.open(None)
    study(source, [(0, 0, 4)])
    path = tmp_path / "p.jsonl"
    export_progress(source, "me", path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # as some editors save it
    assert import_progress(target, "me", path, START).added == 1
    assert target.states("me") == source.states("me")


def test_rows_of_unknown_cards_are_kept_and_counted(tmp_path: Path) -> None:
    source, target = Store.open(None), Store.open(None)
    study(source, [(0, 0, 4), (0, 2, 4), (1, 2, 5)])
    path = tmp_path / "p.jsonl"
    export_progress(source, "me", path)
    result = import_progress(target, "me", path, START, known={("dl", "c0")})
    assert (result.added, result.unknown_rows, result.unknown_cards) == (3, 2, 1)
    assert target.states("me")[("dl", "c2")].reviews == 2


def test_rows_go_to_the_current_profile(tmp_path: Path) -> None:
    source, target = Store.open(None), Store.open(None)
    study(source, [(0, 0, 4)], profile="laptop-name")
    path = tmp_path / "p.jsonl"
    export_progress(source, "laptop-name", path)
    import_progress(target, "desk", path, START)
    assert len(target.rows("desk")) == 1 and target.states("desk")


events = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 3), st.sampled_from([0, 1, 2, 3, 4, 5, -1])),
    max_size=12,
)


@settings(max_examples=examples(600, 30), deadline=None, suppress_health_check=list(HealthCheck))
@given(shared=events, only_a=events, only_b=events, first=st.sampled_from(["a", "b"]))
def test_merges_converge_in_either_order(
    tmp_path_factory: pytest.TempPathFactory, shared: list, only_a: list, only_b: list, first: str
) -> None:
    folder = tmp_path_factory.mktemp("merge")
    a, b = Store.open(None), Store.open(None)
    study(a, shared)
    # Both machines start from the same history (overlapping rows) …
    path = folder / "shared.jsonl"
    export_progress(a, "me", path)
    import_progress(b, "me", path, START)
    # … then study apart (disjoint rows, undo rows among them), later days on b.
    study(a, only_a)
    study(b, [(day + 5, card, grade) for day, card, grade in only_b])
    exchange(a, b, folder, first)
    assert log(a) == log(b)
    assert a.states("me") == b.states("me") == replay(a.rows("me"))


BAD_LINES = [
    ("[1, 2]", "expected a JSON object"),
    ("{not json", "not JSON"),
    ('{"id": "x"}', "missing 'deck_id'"),
    (
        '{"id": "r1", "deck_id": "d", "card_id": "c", "ts": "2026-03-01T09:00:00.000000Z", '
        '"study_day": "2026-03-01", "kind": "review", "grade": 9}',
        "'grade' must be 0–5",
    ),
    (
        '{"id": "r1", "deck_id": "d", "card_id": "c", "ts": "yesterday", '
        '"study_day": "2026-03-01", "kind": "review", "grade": 3}',
        "not a valid time",
    ),
    (
        '{"id": "r1", "deck_id": "d", "card_id": "c", "ts": "2026-03-01T09:00:00.000000Z", '
        '"study_day": "2026-03-01", "kind": "undo", "grade": 3}',
        "undo",
    ),
    (
        '{"id": "r1", "deck_id": "d", "card_id": "c", "ts": "2026-03-01T09:00:00.000000Z", '
        '"study_day": "2026-03-01", "kind": "review", "grade": 3, "extra": 1}',
        "unknown field",
    ),
    (
        '{"id": "r1", "deck_id": "d", "card_id": "c", "ts": "2026-03-01T09:00:00.000000Z", '
        '"study_day": "20260301", "kind": "review", "grade": 3}',
        "not a valid time",
    ),
]


@pytest.mark.parametrize(("line", "why"), BAD_LINES)
def test_a_line_that_is_not_a_row_changes_nothing(tmp_path: Path, line: str, why: str) -> None:
    source = Store.open(None)
    study(source, [(0, 0, 4), (0, 1, 3)])
    path = tmp_path / "p.jsonl"
    export_progress(source, "me", path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")  # after good rows: those must not be kept either
    target = Store.open(tmp_path / "t.sqlite3")
    study(target, [(0, 2, 5)])
    before = (log(target), target.states("me"))
    with pytest.raises(UserError) as caught:
        import_progress(target, "me", path, START)
    assert "p.jsonl:4: not a dlcards progress row: " in str(caught.value)
    assert why in str(caught.value)
    assert (log(target), target.states("me")) == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "not a dlcards progress file"),
        (b'{"format": "other"}\n', "not a dlcards progress"),
        (b'{"format": "dlcards-progress", "version": 2}\n', "newer dlcards"),
        (
            b'{"format": "dlcards-progress", "version": 1}\n\xff\xfe\n',
            "p.jsonl:2: not a dlcards progress row: not valid UTF-8",
        ),
    ],
)
def test_files_that_are_not_progress_files(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "p.jsonl"
    path.write_bytes(content)
    target = Store.open(tmp_path / "t.sqlite3")
    with pytest.raises(UserError, match=words.replace("(", r"\(")):
        import_progress(target, "me", path, START)
    assert (
        sqlite3.connect(tmp_path / "t.sqlite3")
        .execute("SELECT count(*) FROM reviews")
        .fetchone()[0]
        == 0
    )


def test_export_never_overwrites_without_force(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text("keep me", "utf-8")
    with pytest.raises(UserError, match="already exists"):
        export_progress(Store.open(None), "me", path)
    assert path.read_text("utf-8") == "keep me"
    export_progress(Store.open(None), "me", path, force=True)
    assert path.read_text("utf-8").startswith('{"format"')


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2**54),
    st.floats(),
    st.text(max_size=5),
    st.sampled_from(
        [
            "2026-03-01",
            "2026-03-01T09:00:00.000000Z",
            "review",
            "undo",
            "drill",
            "r-1",
            "2026-02-30",
            "a b",
        ]
    ),
)
_row_dicts = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "deck_id",
            "card_id",
            "ts",
            "study_day",
            "kind",
            "grade",
            "due",
            "cancels",
            "duration_ms",
            "instance",
            "answer",
            "interval",
            "extra",
        ]
    ),
    _values,
    max_size=14,
)


@settings(max_examples=examples(3000), deadline=None)
@given(_row_dicts)
def test_the_fast_row_check_agrees_with_the_explaining_one(data: dict) -> None:
    from dlcards.interchange.progress_read import _row_checked, _row_fast

    fast = _row_fast(data)
    try:
        checked = _row_checked(Path("p.jsonl"), 2, data)
    except UserError:
        assert fast is None
    else:
        assert fast is None or fast == checked


def test_lines_that_are_not_rows_alone_are_refused_even_if_they_join_into_rows(
    tmp_path: Path,
) -> None:
    def row(n: int) -> str:
        return json.dumps(
            {
                "id": f"r{n}",
                "deck_id": "d",
                "card_id": "c",
                "ts": f"2026-03-01T09:00:0{n}.000000Z",
                "study_day": "2026-03-01",
                "kind": "review",
                "grade": 4,
            }
        )

    # Line 2 and 3 are no JSON alone, but joined by a comma they make one row, and
    # line 4 holds two: three objects for three lines.
    lines = [row(1)[:-1] + ', "answer": "x}', '{", "due": null}', row(2) + ", " + row(3)]
    path = tmp_path / "p.jsonl"
    path.write_text(
        '{"format": "dlcards-progress", "version": 1}\n' + "\n".join(lines) + "\n", "utf-8"
    )
    target = Store.open(None)
    with pytest.raises(UserError, match=r"p\.jsonl:2: not a dlcards progress row: not JSON"):
        import_progress(target, "me", path, START)
    assert not target.rows("me")


_texts = st.one_of(
    st.none(),
    st.text(max_size=8),
    st.sampled_from(
        ["r-1", "2026-03-01", "2026-03-01T09:00:00.000000Z", 'q"x', "a\\b", "é ü", "\x7f"]
    ),
)
_canonical_rows = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["r-1", "r 2", 'r"3', "r\u00e9"]),
        "deck_id": _texts,
        "card_id": _texts,
        "ts": st.sampled_from(["2026-03-01T09:00:00.000000Z", "2026-02-30T09:00:00.000000Z", "x"]),
        "study_day": st.sampled_from(["2026-03-01", "2026-3-1"]),
        "kind": st.sampled_from(["review", "undo", "drill", "suspend", "bogus"]),
        "grade": st.one_of(st.none(), st.integers(-1, 6)),
        "duration_ms": st.one_of(st.none(), st.integers(-1, 2**60)),
        "instance": _texts,
        "answer": _texts,
        "cancels": _texts,
        "repetitions": st.one_of(st.none(), st.integers(0, 9)),
        "easiness": st.one_of(st.none(), st.integers(0, 300)),
        "interval": st.one_of(st.none(), st.integers(0, 9)),
        "due": st.sampled_from([None, "2026-03-02", "2026-13-01"]),
    }
)


@settings(max_examples=examples(2000), deadline=None)
@given(_canonical_rows)
def test_the_pattern_for_exported_lines_agrees_with_json(data: dict) -> None:
    from dlcards.interchange.progress_read import _row_canonical, _row_fast
    from dlcards.store_merge import MERGE_FIELDS

    # As `progress export` writes a row: every key, in order, no spaces.
    line = json.dumps({k: data[k] for k in MERGE_FIELDS}, ensure_ascii=False, separators=(",", ":"))
    canonical, decoded = _row_canonical(line), _row_fast(json.loads(line))
    if "\\" in line:  # escapes: the pattern steps aside, JSON decides
        assert canonical is None
    else:
        assert canonical == decoded


def test_exported_lines_take_the_pattern(tmp_path: Path) -> None:
    from dlcards.interchange.progress_read import _row_canonical

    store = Store.open(None)
    study(store, [(0, 0, 4), (0, 1, 2), (0, 1, -1)])
    path = tmp_path / "p.jsonl"
    export_progress(store, "me", path)
    assert all(_row_canonical(line) for line in path.read_text("utf-8").splitlines()[1:])
