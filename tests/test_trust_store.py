"""Trust at the edges, the store's part (issue 11): a bad row already in the database,
a second process (a long import, another session) and the four database situations."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlcards import store_schema
from dlcards.collection import load_collection
from dlcards.config import Settings
from dlcards.interchange.progress import export_progress
from dlcards.log import format_ts, replay
from dlcards.scheduler import new_state, review
from dlcards.store import Store
from dlcards.store_errors import problem_error
from dlcards.store_merge import MERGE_FIELDS
from dlcards.study.session import StudySession

from .conftest import cli_env, run_cli, run_cli_process, write_deck

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DAY = NOW.date()
CLOCK = "2026-03-01T09:00:00+00:00"

# --- defect 1, defence in depth: a bad row in the database never stops the profile --------

# Each poisons a database the way an older dlcards' import (or an editor) could have.
POISONS = {
    "ts at the end of the calendar": "UPDATE reviews SET ts = '9999-12-31T23:59:59.999999Z'",
    "ts that is no time": "UPDATE reviews SET ts = 'yesterday'",
    "study day at the end of the calendar": "UPDATE reviews SET study_day = '9999-12-31'",
    "study day that is no date": "UPDATE reviews SET study_day = 'soon'",
    "grade 7": "UPDATE reviews SET grade = 7",
    "grade -3": "UPDATE reviews SET grade = -3",
    "grade that is text": "UPDATE reviews SET grade = 'five'",
    "unknown kind": "UPDATE reviews SET kind = 'bogus'",
    "interval above the cap": "UPDATE card_state SET interval = 1000000000, repetitions = 9",
    "due at the end of the calendar": "UPDATE card_state SET due = '9999-12-31'",
    "due that is no date": "UPDATE card_state SET due = 'never'",
}


@pytest.mark.parametrize("poison", POISONS.values(), ids=list(POISONS))
def test_a_bad_row_in_the_database_never_stops_the_profile(tmp_path: Path, poison: str) -> None:
    path = tmp_path / "progress.sqlite3"
    store = Store.open(path)
    store.record("me", "d", "c1", "review", 4, NOW, DAY)
    store.record("me", "d", "c2", "review", 4, NOW, DAY)
    store.close()
    raw = sqlite3.connect(path)
    raw.execute(poison)
    raw.commit()
    raw.close()

    store = Store.open(path)
    later = NOW + timedelta(days=1)
    store.rebuild_states("me")  # the replay reads every row
    row = store.record("me", "d", "c1", "review", 5, later, later.date())
    assert store.suspend("me", "d", "c1", later, later.date()) is not None
    store.reset("me", "d", "c2", later, later.date())
    store.undo("me", row.id, later, later.date())
    again = store.record("me", "d", "c1", "review", 3, later, later.date())
    # The grade just typed is in the log, and the state shown is a replay of the log.
    assert again.id in {r.id for r in store.rows("me")}
    assert store.state("me", "d", "c1") is not None
    store.rebuild_states("me")  # and the log still replays
    assert store.states("me") == replay(store.rows("me"))
    store.close()


def test_review_keeps_refusing_a_grade_outside_0_to_5() -> None:
    for grade in (-1, 6):
        with pytest.raises(ValueError, match="0 to 5"):
            review(new_state(), grade, DAY)


# --- defect 5: read commands never write; a writer waits and says so --------------------


def _graded_home(home: Path, tmp_path: Path) -> list[str]:
    deck = write_deck(tmp_path / "decks", "t", 3)
    args = ["--deck-path", str(deck)]
    result = run_cli(home, *args, "study", "--deck", "t", "--plain", now=CLOCK, input="\n4\n")
    assert result.returncode == 0, result.stderr
    return args


def test_read_commands_run_while_another_process_writes(home: Path, tmp_path: Path) -> None:
    args = _graded_home(home, tmp_path)
    conn = sqlite3.connect(home / "progress.sqlite3", isolation_level=None, timeout=0)
    conn.execute("BEGIN IMMEDIATE")
    try:
        for command in (["stats", "--json"], ["decks"]):
            result = run_cli(home, *args, *command, now=CLOCK)
            assert result.returncode == 0, (command, result.stderr)
            assert result.stderr == ""
        # A profile never seen before is refused off a terminal (issue 13: a --user typo
        # never silently creates one), at once: checking it writes nothing, so it does
        # not wait behind the writer either.
        result = run_cli(home, *args, "--user", "zed", "stats", "--json", now=CLOCK)
        assert result.returncode == 1 and "dlcards users add zed" in result.stderr
        assert "waiting" not in result.stderr
        out = tmp_path / "p.jsonl"
        result = run_cli(home, "progress", "export", "-o", str(out), now=CLOCK)
        assert result.returncode == 0, result.stderr
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.fixture
def short_lock_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each wait for a lock 0.1 s instead of 1 s (5 s for a read-only open); the CLI runs
    in this process: the same waits, messages and errors, in a tenth of the time."""
    monkeypatch.setattr(store_schema, "_BUSY_MS", 100)
    monkeypatch.setattr(store_schema, "_READ_BUSY_S", 0.1)


@contextmanager
def _locked_for(home: Path, seconds: float, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Another "process" holds the home's write lock until ``seconds`` after a writer first
    says it is waiting (at most 30 s): timed from the writer's own wait, not from the
    start, so a slow start on a loaded machine cannot find the lock already free."""
    waiting = threading.Event()
    say = store_schema._say_waiting  # noqa: SLF001

    def say_and_note(path: Path | None) -> None:
        say(path)
        waiting.set()

    monkeypatch.setattr(store_schema, "_say_waiting", say_and_note)
    conn = sqlite3.connect(
        home / "progress.sqlite3", isolation_level=None, timeout=0, check_same_thread=False
    )
    conn.execute("BEGIN IMMEDIATE")

    def release() -> None:
        waiting.wait(30)
        time.sleep(seconds)
        conn.execute("ROLLBACK")

    holder = threading.Thread(target=release)
    holder.start()
    try:
        yield
    finally:
        holder.join()
        conn.close()


@pytest.mark.usefixtures("short_lock_waits")
def test_a_writer_waits_for_the_lock_and_says_so_once(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = _graded_home(home, tmp_path)
    # Released after several of the store's waits: "says so once" is said once over them.
    with _locked_for(home, 0.5, monkeypatch):
        result = run_cli(home, *args, "study", "--deck", "t", "--plain", now=CLOCK, input="\n5\n")
    assert result.returncode == 0, result.stderr
    waiting = [line for line in result.stderr.splitlines() if "waiting" in line]
    assert len(waiting) == 1 and "another dlcards process" in waiting[0]
    store = Store.open(home / "progress.sqlite3")
    assert sorted(r.grade for r in store.rows(store.profiles()[0][0])) == [4, 5]
    store.close()


@pytest.mark.usefixtures("short_lock_waits")
def test_users_add_waits_for_the_lock_and_says_so(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ensure_profile was a bare INSERT: past SQLite's busy timeout it died with
    # "database is locked" instead of waiting like every other write.
    args = _graded_home(home, tmp_path)
    with _locked_for(home, 0.5, monkeypatch):
        result = run_cli(home, *args, "users", "add", "dana", now=CLOCK)
    assert result.returncode == 0, result.stderr
    assert "waiting for another dlcards process" in result.stderr
    store = Store.open(home / "progress.sqlite3")
    assert "dana" in [name for name, _, _ in store.profiles()]
    store.close()


def _progress_file(path: Path, rows: int) -> int:
    """A progress file of ``rows`` reviews of cards other than the session's.

    The rows go in through ``merge_rows`` (the import's own bulk path) rather than one
    ``record`` each: 20,000 records took seconds, and only the grades matter here (the
    states are replayed from them on import).
    """
    store = Store.open(None)
    start = NOW - timedelta(days=400)
    reviews = []
    for n in range(rows):
        moment = start + timedelta(minutes=n)
        ts, day = format_ts(moment), moment.date().isoformat()
        values = dict(
            id=str(uuid.UUID(int=n + 1)),
            deck_id="other",
            card_id=f"k{n % 997}",
            ts=ts,
            study_day=day,
            kind="review",
            grade=3 + n % 3,
        )
        reviews.append(tuple(values.get(name) for name in MERGE_FIELDS))
    store.merge_rows("me", reviews, NOW)
    count = export_progress(store, "me", path)
    store.close()
    return count


def test_a_grade_is_committed_while_a_progress_import_runs(home: Path, tmp_path: Path) -> None:
    args = _graded_home(home, tmp_path)
    profile = Store.open(home / "progress.sqlite3").profiles()[0][0]
    source = tmp_path / "big.jsonl"
    total = _progress_file(source, 20_000)
    env = cli_env(home, CLOCK)
    importer = subprocess.Popen(
        [sys.executable, "-m", "dlcards", "progress", "import", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=str(home.parent),
    )
    watcher = sqlite3.connect(home / "progress.sqlite3", isolation_level=None, timeout=0)

    def imported() -> int:
        return watcher.execute("SELECT count(*) FROM reviews WHERE deck_id = 'other'").fetchone()[0]

    try:
        deadline = time.monotonic() + 120  # a hang guard, not a timing assertion
        while imported() == 0 and importer.poll() is None:
            assert time.monotonic() < deadline, "the import wrote nothing"
            time.sleep(0.005)
        # Freeze the import between two of its transactions (none holds the lock).
        stopped = False
        while importer.poll() is None:
            importer.send_signal(signal.SIGSTOP)
            try:
                watcher.execute("BEGIN IMMEDIATE")
                watcher.execute("ROLLBACK")
                stopped = True
                break
            except sqlite3.OperationalError:
                importer.send_signal(signal.SIGCONT)
                time.sleep(0.002)
        assert stopped, "the import held the write lock until it ended"
        mid_import = imported()
        assert 0 < mid_import < total
        result = run_cli_process(
            home, *args, "study", "--deck", "t", "--plain", now=CLOCK, input="\n2\n"
        )
        assert result.returncode == 0, result.stderr
        grades = watcher.execute(
            "SELECT grade FROM reviews WHERE deck_id = 't' ORDER BY ts"
        ).fetchall()
        assert grades == [(4,), (2,)]
        assert imported() == mid_import  # the import is still where it was stopped
    finally:
        importer.send_signal(signal.SIGCONT)
        out, err = importer.communicate(timeout=300)
        watcher.close()
    assert importer.returncode == 0, err
    store = Store.open(home / "progress.sqlite3")
    assert sum(1 for r in store.rows(profile) if r.deck_id == "other") == total
    assert store.states(profile) == replay(store.rows(profile))
    store.close()


def test_a_killed_import_leaves_no_stale_state(home: Path, tmp_path: Path) -> None:
    """Rows in, states not yet replayed (killed between the two): the next start replays."""
    path = home / "progress.sqlite3"
    home.mkdir(parents=True)
    store = Store.open(path)
    store.record("me", "d", "c1", "review", 4, NOW, DAY)
    store.conn.execute("DELETE FROM card_state")
    store.set_meta("stale_states:me", "1")
    store.close()
    result = run_cli(home, "--user", "me", "stats", "--json", now=CLOCK)
    assert result.returncode == 0, result.stderr
    store = Store.open(path)
    assert store.states("me") == replay(store.rows("me")) != {}
    store.close()


# --- defect 7: locked, full, read-only and damaged are four messages -----------------------


def _real_errors(tmp_path: Path) -> dict[str, sqlite3.Error]:
    path = tmp_path / "progress.sqlite3"
    store = Store.open(path)
    store.record("me", "d", "c1", "review", 4, NOW, DAY)
    errors: dict[str, sqlite3.Error] = {}
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        errors["locked"] = exc
    holder.execute("ROLLBACK")
    pages = other.execute("PRAGMA page_count").fetchone()[0]
    other.execute(f"PRAGMA max_page_count = {pages}")
    try:
        other.execute("INSERT INTO meta VALUES ('x', ?)", ("x" * 100_000,))
    except sqlite3.Error as exc:
        errors["full"] = exc
    reader = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        reader.execute("INSERT INTO meta VALUES ('y', 'y')")
    except sqlite3.Error as exc:
        errors["read-only"] = exc
    store.close()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(path.read_bytes()[:100] + os.urandom(8192))
    try:
        sqlite3.connect(garbage).execute("SELECT * FROM sqlite_master").fetchall()
    except sqlite3.Error as exc:
        errors["damaged"] = exc
    return errors


def test_locked_full_read_only_and_damaged_are_four_messages(tmp_path: Path) -> None:
    errors = _real_errors(tmp_path)
    assert set(errors) == {"locked", "full", "read-only", "damaged"}
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "progress-2026-02-28.sqlite3").write_bytes(b"")
    messages = {
        kind: str(problem_error(tmp_path / "progress.sqlite3", e)) for kind, e in errors.items()
    }
    assert len(set(messages.values())) == 4
    for kind, message in messages.items():
        # Only damage calls for a restore: following that advice otherwise loses grades.
        assert ("backup restore" in message) == (kind == "damaged"), message
    assert "dlcards backup restore progress-2026-02-28.sqlite3" in messages["damaged"]
    assert "busy" in messages["locked"] and "full" in messages["full"]
    assert "read-only" in messages["read-only"]


@pytest.mark.usefixtures("short_lock_waits")
def test_a_database_held_by_another_program_is_busy_not_damaged(home: Path) -> None:
    home.mkdir(parents=True)
    store = Store.open(home / "progress.sqlite3")
    store.record("me", "d", "c1", "review", 4, NOW, DAY)
    store.close()
    holder = sqlite3.connect(home / "progress.sqlite3", isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run_cli(home, "--user", "me", "stats", now=CLOCK)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1
    assert "busy" in result.stderr and "restore" not in result.stderr
    assert "unexpected" not in result.stderr


# --- defect 10: two sessions on one profile ------------------------------------------------


def test_two_sessions_on_one_profile_see_each_others_grades(tmp_path: Path) -> None:
    folder = tmp_path / "decks"
    write_deck(folder, "aa", 2)
    collection = load_collection(None, [folder])
    path = tmp_path / "progress.sqlite3"
    first_store, second_store = Store.open(path), Store.open(path)
    settings = Settings(new_per_day=5)
    day_two = NOW + timedelta(days=1)
    first_store.record("ann", "aa", "c2", "review", 4, NOW, DAY)  # due tomorrow, interval 1
    clock = lambda: day_two  # noqa: E731
    first = StudySession(first_store, collection, "ann", settings, clock=clock, deck_ids=["aa"])
    second = StudySession(second_store, collection, "ann", settings, clock=clock, deck_ids=["aa"])
    shown_first, shown_second = first.next_card(), second.next_card()
    assert shown_first is not None and shown_second is not None
    assert shown_first.ref.key == shown_second.ref.key == ("aa", "c2")  # due before new
    first.grade(shown_first, 4)  # the first session: c2 now 6 days
    # The second session's preview is the card as stored now, after its 2nd review
    # (I = 6, EF 2.50): grades 3, 4, 5 give ceil(6 × 2.36), ceil(6 × 2.50), ceil(6 × 2.60).
    assert second.intervals(shown_second) == {0: 1, 1: 1, 2: 1, 3: 15, 4: 15, 5: 16}
    second.grade(shown_second, 4)
    state = second_store.state("ann", "aa", "c2")
    assert state is not None and (state.reviews, state.sm2.interval) == (3, 15)
    # The new card c1: introduced by the first session, not again by the second.
    item = first.next_card()
    assert item is not None and item.ref.key == ("aa", "c1")
    first.grade(item, 5)
    assert second.next_card() is None
    first_store.close()
    second_store.close()
