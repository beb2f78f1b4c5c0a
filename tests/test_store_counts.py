"""The running review counts (schema v4) always equal a count of the log (issue 18).

``review_counts`` and ``seen_cards`` are caches of the log kept by every write; here
they are checked against a recount written independently in Python (the rows, the
ids undo rows cancel, the kinds), after any sequence of grades, undos, imports and
profile copies on a real SQLite file, and after the migration of a real v3 file.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcards import stats, store_counts
from dlcards.collection import load_collection
from dlcards.interchange.progress import export_progress, import_progress
from dlcards.store import Store
from dlcards.store_schema import SCHEMA_VERSION

DATA = Path(__file__).parent / "data"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY0 = date(2026, 3, 1)

Counts = tuple[dict[tuple[str, str], tuple[int, int, int]], dict[tuple[str, str], tuple[str, int]]]


def recount_by_hand(store: Store, profile: str) -> Counts:
    """(reviews, of them graded >= 3, re-drills) per (study day, deck), and each seen
    card's first review (its day, whether it passed), from the rows in (ts, id) order."""
    rows = store.conn.execute(
        "SELECT ts, id, deck_id, card_id, study_day, kind, grade FROM reviews WHERE profile = ?",
        (profile,),
    ).fetchall()
    cancelled = {c for (c,) in store.conn.execute("SELECT cancels FROM reviews")}
    counts: dict[tuple[str, str], list[int]] = {}
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    for _, row_id, deck_id, card_id, day, kind, grade in sorted(rows):
        if row_id in cancelled or kind not in ("review", "drill"):
            continue
        entry = counts.setdefault((day, deck_id), [0, 0, 0])
        if kind == "review":
            entry[0] += 1
            entry[1] += grade >= 3
            seen.setdefault((deck_id, card_id), (day, int(grade >= 3)))
        else:
            entry[2] += 1
    return {k: (a, b, c) for k, (a, b, c) in counts.items()}, seen


def stored_counts(store: Store, profile: str) -> Counts:
    per_day = {
        (day, deck): (r, p, d)
        for day, deck, r, p, d in store.conn.execute(
            "SELECT study_day, deck_id, reviews, passed, redrills FROM review_counts "
            "WHERE profile = ?",
            (profile,),
        )
    }
    seen = {
        (deck, card): (day, passed)
        for deck, card, day, passed in store.conn.execute(
            "SELECT deck_id, card_id, first_day, first_passed FROM seen_cards WHERE profile = ?",
            (profile,),
        )
    }
    return per_day, seen


# One step: ("grade", kind, deck, card, day) | ("undo", pick) | ("import", grades) | ("copy",)
_cards = st.sampled_from(["c1", "c2", "c3"])
_decks = st.sampled_from(["aa", "bb"])
_grades = st.tuples(
    st.just("grade"),
    st.sampled_from(["review", "review", "drill", "practice"]),
    _decks,
    _cards,
    st.integers(0, 3),
)
_steps = st.lists(
    st.one_of(
        _grades,
        st.tuples(st.just("undo"), st.integers(0, 50)),
        st.tuples(st.just("import"), st.lists(st.one_of(_grades, st.just(("undo",))), max_size=5)),
        st.tuples(st.just("copy")),
    ),
    max_size=14,
)


def _grade(store: Store, profile: str, step: tuple, minute: int) -> str:
    _, kind, deck, card, day = step
    moment = T0 + timedelta(days=day, minutes=minute)
    grade = 4 if minute % 3 else 1
    return store.record(profile, deck, card, kind, grade, moment, DAY0 + timedelta(days=day)).id


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_steps)
def test_counts_equal_a_recount_after_any_grades_undos_imports_and_copies(steps: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = Store.open(folder / "progress.sqlite3")
        graded: list[str] = []
        minute = 0
        for step in steps:
            minute += 1
            if step[0] == "grade":
                graded.append(_grade(store, "ann", step, minute))
            elif step[0] == "undo" and graded:
                row_id = graded.pop(step[1] % len(graded))
                store.undo("ann", row_id, T0 + timedelta(minutes=minute), DAY0)
            elif step[0] == "import":
                # Another machine's log (grades and undos of its own), through the real
                # export and import: its rows land on days and cards ann already has.
                other = Store.open(folder / f"other{minute}.sqlite3")
                theirs: list[str] = []
                for i, sub in enumerate(step[1]):
                    if sub[0] == "undo":
                        if theirs:
                            other.undo("ann", theirs.pop(), T0 + timedelta(minutes=i), DAY0)
                    else:
                        theirs.append(_grade(other, "ann", sub, minute * 10 + i))
                out = folder / f"export{minute}.jsonl"
                export_progress(other, "ann", out)
                other.close()
                import_progress(store, "ann", out, T0)
            elif step[0] == "copy":
                store.copy_profile("ann", f"copy{minute}", T0)
                assert stored_counts(store, f"copy{minute}") == recount_by_hand(
                    store, f"copy{minute}"
                )
            assert stored_counts(store, "ann") == recount_by_hand(store, "ann")
        store.close()


def _summary_by_hand(per_day: dict[tuple[str, str], tuple[int, int]]) -> tuple[int, int]:
    return sum(r for r, _ in per_day.values()), sum(d for _, d in per_day.values())


def test_a_real_v3_database_is_counted_once_on_migration(tmp_path: Path) -> None:
    # tests/data/progress-v3.sqlite3 was written by dlcards at schema v3 (its schema kept
    # beside it): ann has 4 reviews and 2 re-drills standing (one review and one
    # re-drill undone, a practice row, a reset), bob 2 reviews, cat only practice.
    path = tmp_path / "progress.sqlite3"
    shutil.copyfile(DATA / "progress-v3.sqlite3", path)
    old = sqlite3.connect(path)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 3
    assert "review_counts" not in {r[0] for r in old.execute("SELECT name FROM sqlite_master")}
    rows_before = old.execute("SELECT * FROM reviews ORDER BY ts, id").fetchall()
    old.close()

    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert store.conn.execute("SELECT * FROM reviews ORDER BY ts, id").fetchall() == rows_before
    per_day, seen = stored_counts(store, "ann")
    # By hand from the fixture's script: day 0 c1, c2 reviewed (k1's review undone) and
    # c2 re-drilled; day 2 c1; day 3 c2 reviewed and re-drilled twice, one undone.
    assert per_day == {
        ("2026-02-20", "t"): (2, 1, 1),
        ("2026-02-22", "t"): (1, 1, 0),
        ("2026-02-23", "t"): (1, 0, 1),
    }
    # c1 was reset: still seen; k1's only review was undone. Each with its first review.
    assert seen == {("t", "c1"): ("2026-02-20", 1), ("t", "c2"): ("2026-02-20", 0)}
    assert store.profiles() == [
        ("ann", 4, "2026-02-23"),
        ("bob", 2, "2026-02-21"),
        ("cat", 0, None),
    ]
    for profile in ("ann", "bob", "cat"):
        assert stored_counts(store, profile) == recount_by_hand(store, profile)
    # It goes on counting as a v4 database, and a second open changes nothing.
    store.record("ann", "u", "k1", "review", 5, T0, date(2026, 2, 24))
    store.close()
    again = Store.open(path)
    assert stored_counts(again, "ann") == recount_by_hand(again, "ann")
    assert again.profiles()[0] == ("ann", 5, "2026-02-24")


def test_undoing_a_cards_only_review_unsees_it_and_renames_and_deletes_carry_the_counts(
    tmp_path: Path,
) -> None:
    store = Store.open(tmp_path / "progress.sqlite3")
    first = store.record("ann", "aa", "c1", "review", 4, T0, DAY0)
    second = store.record("ann", "aa", "c2", "review", 4, T0, DAY0)
    store.record("ann", "aa", "c2", "review", 2, T0, DAY0 + timedelta(days=1))
    store.undo("ann", first.id, T0, DAY0)
    store.undo("ann", second.id, T0, DAY0)
    assert stored_counts(store, "ann") == (
        {("2026-03-02", "aa"): (1, 0, 0)},
        # c2 keeps its other review, now its first; c1 has none left.
        {("aa", "c2"): ("2026-03-02", 0)},
    )
    store.rename_profile("ann", "bea")
    assert stored_counts(store, "bea") == recount_by_hand(store, "bea")
    assert stored_counts(store, "ann") == ({}, {})
    store.delete_profile("bea")
    assert store.conn.execute("SELECT count(*) FROM review_counts").fetchone()[0] == 0
    assert store.conn.execute("SELECT count(*) FROM seen_cards").fetchone()[0] == 0


def test_a_rebuild_recounts_rows_written_behind_the_stores_back(tmp_path: Path) -> None:
    """make_synthetic.py and old tools insert rows directly: rebuild_states counts them."""
    store = Store.open(tmp_path / "progress.sqlite3")
    store.record("ann", "aa", "c1", "review", 4, T0, DAY0)
    store.conn.execute(
        "INSERT INTO reviews (id, profile, deck_id, card_id, ts, study_day, kind, grade) "
        "VALUES ('x', 'ann', 'aa', 'c9', '2026-03-01T10:00:00.000000Z', '2026-03-01', "
        "'drill', 3)"
    )
    store.rebuild_states("ann")
    assert stored_counts(store, "ann") == (
        {("2026-03-01", "aa"): (1, 1, 1)},
        {("aa", "c1"): ("2026-03-01", 1)},
    )


def test_totals_and_retention_are_read_by_date_on_the_counts_and_recounts_by_day(
    tmp_path: Path,
) -> None:
    """Nothing ``stats`` reads scans the log; a merge's recount reads its days by index."""
    store = Store.open(tmp_path / "progress.sqlite3")
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    collection = load_collection(tmp_path / "no-decks", [])
    stats.summary(store, collection, "ann", DAY0)
    store.conn.set_trace_callback(None)
    for sql in statements:
        plan = " ".join(row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "reviews" not in plan.replace("review_counts", ""), sql
        assert "SCAN" not in plan or "SCAN card_state" in plan, (sql, plan)
    statements.clear()
    store.conn.set_trace_callback(statements.append)
    with store.transaction():
        store_counts.recount_days(store.conn, "ann", ["2026-03-01", "2026-03-02"])
    store.conn.set_trace_callback(None)
    insert = next(s for s in statements if s.startswith("INSERT INTO review_counts"))
    plan = " ".join(row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {insert}"))
    assert "SEARCH reviews USING INDEX reviews_by_profile_day (profile=? AND study_day=?)" in plan
    assert "SCAN reviews" not in plan


def test_the_rows_a_merges_undo_rows_cancel_are_found_by_id(tmp_path: Path) -> None:
    """A merge's recount looks up what its undo rows cancel, 500 ids a query: by the id
    index, not by walking the profile's whole log for every chunk (a 1M-row import
    spent minutes there, under no lock but with the import's states waiting)."""
    store = Store.open(tmp_path / "progress.sqlite3")
    grades = [_grade(store, "ann", ("grade", "review", "aa", f"c{n}", 0), n) for n in range(3)]
    touched = store_counts.Touched(cancelled={*grades, *(f"gone{n}" for n in range(497))})
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    found = store_counts.with_cancelled(store.conn, "ann", touched)
    store.conn.set_trace_callback(None)
    assert found.cards == {("aa", "c0"), ("aa", "c1"), ("aa", "c2")}
    assert found.days == {DAY0.isoformat()}
    (lookup,) = statements
    plan = " ".join(row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {lookup}"))
    assert plan == "SEARCH reviews USING INDEX sqlite_autoindex_reviews_1 (id=?)", plan
    store.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(["c1", "c2"]), st.integers(0, 40), st.integers(1, 5)),
        max_size=10,
    ),
    st.lists(st.integers(0, 20), max_size=3),
)
def test_retention_is_the_windows_later_reviews_that_passed(
    grades: list[tuple[str, int, int]], undos: list[int]
) -> None:
    """DESIGN §7's retention, by hand: review rows of the 30 study days ending today
    with q >= 3, over those rows, each card's first review (not undone) left out."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "progress.sqlite3")
        rows = []
        for i, (card, day, grade) in enumerate(sorted(grades, key=lambda g: g[1])):
            moment = T0 + timedelta(days=day, minutes=i)
            rows.append(
                store.record("ann", "aa", card, "review", grade, moment, DAY0 + timedelta(days=day))
            )
        undone = set()
        for pick in undos:
            if rows:
                row = rows[pick % len(rows)]
                if row.id not in undone:
                    store.undo("ann", row.id, T0 + timedelta(days=50), DAY0)
                    undone.add(row.id)
        today = DAY0 + timedelta(days=40)
        standing = [r for r in rows if r.id not in undone]
        firsts = {
            next(r.id for r in standing if r.card_id == c) for c in {r.card_id for r in standing}
        }
        window = [
            r
            for r in standing
            if r.id not in firsts and r.study_day >= (today - timedelta(days=29)).isoformat()
        ]
        expected = sum(r.grade >= 3 for r in window) / len(window) if window else None
        collection = load_collection(Path(tmp) / "no-decks", [])
        assert stats.summary(store, collection, "ann", today)["retention"] == expected
        store.close()


def test_a_restored_v3_backup_is_counted_when_next_opened(tmp_path: Path) -> None:
    """``backup restore`` puts back a whole file, its counts with it; an older one (no
    counts yet) is counted by the migration when it is next opened."""
    from dlcards.backup import restore_backup
    from dlcards.config import Home

    home = Home(tmp_path / "home").ensure()
    store = Store.open(home.database)
    for minute in range(3):
        store.record("ann", "t", "c9", "review", 4, T0 + timedelta(minutes=minute), DAY0)
    store.close()
    shutil.copyfile(DATA / "progress-v3.sqlite3", home.backups_dir / "progress-2026-02-24.sqlite3")
    restore_backup(home, "progress-2026-02-24.sqlite3", T0)
    restored = Store.open(home.database)
    assert restored.profiles()[:2] == [("ann", 4, "2026-02-23"), ("bob", 2, "2026-02-21")]
    assert stored_counts(restored, "ann") == recount_by_hand(restored, "ann")
