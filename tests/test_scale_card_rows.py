"""A card's own log is read along its own index (issue 18): reading one card's rows, as
an import's replay, an FSRS grade and the card screen do, costs the same SQLite VM
steps whatever else the log holds. Before, ``ORDER BY ts, id`` made the planner walk
the (profile, ts, id) index through every row of the profile, for every card."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from dlcards.log import replay
from dlcards.store import Store

DAY = date(2026, 3, 1)
NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


def steps_to_read_one_card(path: Path, other_rows: int) -> tuple[int, list[str]]:
    """VM steps of ``card_rows`` for a card of three rows, in a log of ``other_rows``
    rows of other cards; and the rows' ids as read."""
    store = Store.open(path)
    with store.transaction() as conn:
        store.ensure_profile("me", NOW)
        conn.executemany(
            "INSERT INTO reviews (id, profile, deck_id, card_id, ts, study_day, kind, grade) "
            "VALUES (?, 'me', 'dl', ?, ?, '2026-03-01', 'review', 4)",
            (
                (f"other-{i:06d}", f"o{i}", f"2026-03-01T08:{i % 60:02d}:00.{i:06d}Z")
                for i in range(other_rows)
            ),
        )
    for n in range(3):
        store.record("me", "dl", "mine", "review", 4, NOW + timedelta(minutes=n), DAY)
    steps = [0]

    def count_step() -> int:
        steps[0] += 1
        return 0

    store.conn.set_progress_handler(count_step, 1)
    try:
        rows = store.card_rows("me", "dl", "mine")
    finally:
        store.conn.set_progress_handler(None, 1)
    store.close()
    return steps[0], [r.ts for r in rows]


def test_reading_a_cards_rows_costs_the_same_in_a_small_and_a_large_log(tmp_path: Path) -> None:
    small, small_rows = steps_to_read_one_card(tmp_path / "small.sqlite3", 10)
    large, large_rows = steps_to_read_one_card(tmp_path / "large.sqlite3", 5000)
    assert len(small_rows) == len(large_rows) == 3
    assert small_rows == sorted(small_rows)  # replay order
    # The index seek is O(log n): a level more of the B-tree at most, never a walk.
    assert large <= small + 50


def test_an_import_replays_each_card_as_replay_does_undo_and_reset_included(
    tmp_path: Path,
) -> None:
    """The chunked replay of progress import (one query per deck and chunk) gives the
    states ``replay`` gives each card's own log; an undo on one card never cancels
    another card's row, and a reset card has no state row."""
    from dlcards.interchange.progress import export_progress, import_progress

    source = Store.open(tmp_path / "a.sqlite3")
    for n in range(40):
        moment = NOW + timedelta(days=n // 4, minutes=n)
        day = DAY + timedelta(days=n // 4)
        row = source.record("me", "dl", f"c{n % 7}", "review", n % 6, moment, day)
        if n % 9 == 0:
            source.undo("me", row.id, moment + timedelta(seconds=1), day)
        if n == 30:
            source.reset("me", "dl", "c2", moment + timedelta(seconds=2), day)
    out = tmp_path / "log.jsonl"
    export_progress(source, "me", out)
    target = Store.open(tmp_path / "b.sqlite3")
    import_progress(target, "me", out, NOW)
    expected = replay(target.rows("me"))
    assert ("dl", "c2") not in expected or expected[("dl", "c2")].reviews
    assert target.states("me") == expected == source.states("me")
    source.close()
    target.close()


def test_an_import_into_an_fsrs_profile_caches_the_states_its_grades_would(
    tmp_path: Path,
) -> None:
    """A profile on FSRS: the states an import leaves in the cache are FSRS's replay of
    the log, as every grade and ``rebuild_states`` write them (they were SM-2's)."""
    from dlcards.fsrs_scheduler import FsrsScheduler
    from dlcards.interchange.progress import export_progress, import_progress

    scheduler = FsrsScheduler()
    source = Store.open(tmp_path / "a.sqlite3")
    source.use_schedulers(lambda profile: scheduler)
    for n in range(12):
        day = DAY + timedelta(days=3 * n)
        moment = NOW + timedelta(days=3 * n)
        source.record("me", "dl", f"c{n % 3}", "review", 3 + n % 3, moment, day)
    out = tmp_path / "log.jsonl"
    export_progress(source, "me", out)
    target = Store.open(tmp_path / "b.sqlite3")
    target.use_schedulers(lambda profile: scheduler)
    import_progress(target, "me", out, NOW)
    imported = {k: s.sm2 for k, s in target.states("me").items()}
    assert imported == {k: s.sm2 for k, s in source.states("me").items()}
    assert imported == {k: s.sm2 for k, s in replay(target.rows("me"), scheduler).items()}
    assert imported != {k: s.sm2 for k, s in replay(target.rows("me")).items()}  # not SM-2's
    source.close()
    target.close()
