"""`dlcards sync DIR` (issue 17, part 4): one file per machine, merged by row id."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Static

from dlcards.interchange.sync import sync
from dlcards.store import Store
from tests.conftest import run_cli, write_deck

from .test_tui_fixtures import NOW, make_world
from .test_tui_home import shown


def _profile(home: Path, user: str) -> None:
    """Make the profile first: a --user naming no profile is refused when others exist."""
    if (home / "progress.sqlite3").exists():
        store = Store.open(home / "progress.sqlite3")
        try:
            if store.has_profile(user):
                return
        finally:
            store.close()
    result = run_cli(home, "users", "add", user)
    assert result.returncode == 0, result.stderr


def _study(home: Path, deck: Path, card_input: str, now: str, user: str = "ann") -> None:
    _profile(home, user)
    result = run_cli(
        home, "--user", user, "--deck-path", str(deck), "study", "--deck", "s",
        input=card_input, now=now,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def _sync(home: Path, folder: Path, now: str, user: str = "ann"):  # noqa: ANN202
    _profile(home, user)
    return run_cli(home, "--user", user, "sync", str(folder), now=now)


def _log(home: Path, user: str = "ann") -> dict[str, tuple[str, str, str, int | None]]:
    store = Store.open(home / "progress.sqlite3")
    try:
        return {r.id: (r.card_id, r.ts, r.kind, r.grade) for r in store.rows(user)}
    finally:
        store.close()


def _states(home: Path, user: str = "ann") -> dict[tuple[str, str], object]:
    store = Store.open(home / "progress.sqlite3")
    try:
        return dict(store.state_table(user))
    finally:
        store.close()


def _file_ids(path: Path) -> list[str]:
    lines = path.read_text("utf-8").splitlines()
    assert json.loads(lines[0])["format"] == "dlcards-progress"
    return [json.loads(line)["id"] for line in lines[1:]]


def _own_file(folder: Path, home: Path, user: str = "ann") -> Path:
    store = Store.open(home / "progress.sqlite3")
    machine = store.meta("machine_id")
    store.close()
    return folder / user / f"{machine}.jsonl"


T1 = "2026-03-02T10:00:00+00:00"
T2 = "2026-03-02T11:00:00+00:00"
T3 = "2026-03-02T12:00:00+00:00"


def test_two_machines_converge_each_writing_only_its_own_file(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "s", 2)
    folder, a, b = tmp_path / "Sync", tmp_path / "a", tmp_path / "b"
    _study(a, deck, "\n4\nq\n", T1)
    first = _sync(a, folder, T1)
    assert first.returncode == 0, first.stderr
    assert "1 rows written" in first.stdout
    got = _sync(b, folder, T2)
    assert "1 rows merged from 1 other machine(s)" in got.stdout
    assert _log(b) == _log(a)
    _study(b, deck, "\n5\nq\n", T2)  # B's turn: the next card
    _sync(b, folder, T2)
    _sync(a, folder, T3)
    assert _log(a) == _log(b) and len(_log(a)) == 2
    assert _states(a) == _states(b)
    files = sorted(p.name for p in (folder / "ann").iterdir())
    assert len(files) == 2
    a_ids, b_ids = _file_ids(_own_file(folder, a)), _file_ids(_own_file(folder, b))
    assert set(a_ids).isdisjoint(b_ids) and len(a_ids) == len(b_ids) == 1
    # Again: nothing new either way.
    again = _sync(a, folder, T3)
    assert "0 rows merged" in again.stdout and "0 rows written" in again.stdout


def test_half_written_and_broken_files_are_left_for_later(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "s", 2)
    folder, a, b = tmp_path / "Sync", tmp_path / "a", tmp_path / "b"
    _study(b, deck, "\n4\nq\n", T1)
    _study(b, deck, "\n5\nq\n", T2)
    _sync(b, folder, T2)
    b_file = _own_file(folder, b)
    whole = b_file.read_bytes()
    lines = whole.splitlines(keepends=True)
    # A sync tool has written the header, one row and half of the next.
    b_file.write_bytes(b"".join(lines[:2]) + lines[2][:40])
    partial = _sync(a, folder, T3)
    assert partial.returncode == 0 and partial.stderr == ""
    assert len(_log(a)) == 1
    b_file.write_bytes(whole)  # the rest arrives
    _sync(a, folder, T3)
    assert _log(a) == _log(b)
    # A file that does not read (a bad line in the middle): skipped, nothing of it kept.
    broken = folder / "ann" / "0123456789ab.jsonl"
    broken.write_bytes(lines[0] + b"{not json}\n" + b'{"id": "x"}\n')
    result = _sync(a, folder, T3)
    assert result.returncode == 0
    assert result.stderr.startswith("dlcards: skipped 0123456789ab.jsonl:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert _log(a) == _log(b)
    # Our own file cut short by a crash mid-append: the piece goes, rows are rewritten.
    mine = _own_file(folder, a)
    mine.write_bytes(mine.read_bytes() + b'{"id":"half')
    _study(a, deck, "q\n", T3)
    assert _sync(a, folder, T3).returncode == 0
    assert mine.read_bytes().endswith(b"\n")


def test_a_clock_hours_ahead_does_not_reorder_what_came_after(tmp_path: Path) -> None:
    folder = tmp_path / "Sync"
    a, b = Store.open(tmp_path / "a.sqlite3"), Store.open(tmp_path / "b.sqlite3")
    day = datetime(2026, 3, 2).date()
    # B's clock is 5 hours ahead: it suspends the card at 10:00, stamped 15:00.
    b_clock = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    suspended = b.suspend("ann", "s", "c1", b_clock, day)
    assert suspended is not None
    sync(b, "ann", folder, b_clock)
    # A, on time, sees it at 11:00 and unsuspends the card at 11:05 by its clock.
    sync(a, "ann", folder, datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    assert a.is_suspended("ann", "s", "c1")
    undone = a.unsuspend("ann", "s", "c1", datetime(2026, 3, 2, 11, 5, tzinfo=UTC), day)
    # Stamped after everything A had seen, so the replay puts it after B's suspend.
    assert undone is not None and undone.ts > suspended.ts
    assert not a.is_suspended("ann", "s", "c1")
    sync(a, "ann", folder, datetime(2026, 3, 2, 11, 5, tzinfo=UTC))
    sync(b, "ann", folder, datetime(2026, 3, 2, 15, 10, tzinfo=UTC))
    assert not b.is_suspended("ann", "s", "c1")
    # "Last synced" for B is A's own clock when it saw B's rows, not B's 15:00.
    b_machine = b.meta("machine_id")
    assert (a.meta(f"sync:ann:{b_machine}") or "").startswith("2026-03-02T11:00:00")
    a.close()
    b.close()


def test_two_profiles_on_one_folder_stay_apart(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "s", 2)
    folder, a, b = tmp_path / "Sync", tmp_path / "a", tmp_path / "b"
    _study(a, deck, "\n4\nq\n", T1, user="ann")
    _study(a, deck, "\n5\n\n5\nq\n", T1, user="bob")
    _sync(a, folder, T1, user="ann")
    _sync(a, folder, T1, user="bob")
    assert sorted(p.name for p in folder.iterdir()) == ["ann", "bob"]
    _sync(b, folder, T2, user="ann")
    assert _log(b, "ann") == _log(a, "ann") and _log(b, "bob") == {}
    _sync(b, folder, T2, user="bob")
    assert _log(b, "bob") == _log(a, "bob") and len(_log(b, "bob")) == 2


def test_sync_dir_syncs_around_a_session(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "s", 1)
    folder, a = tmp_path / "Sync", tmp_path / "a"
    a.mkdir()
    (a / "config.toml").write_text(f'sync_dir = "{folder}"\n', "utf-8")
    _study(a, deck, "\n4\nq\n", T1)
    assert len(_file_ids(_own_file(folder, a))) == 1  # the session's grade, synced after it


def test_sync_without_a_folder_is_one_line(home: Path) -> None:
    result = run_cli(home, "sync")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "dlcards: no folder to sync with — give one: dlcards sync DIR, or set sync_dir"
    )


async def test_home_shows_when_each_machine_last_synced(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    world.store.record("alice", "neural", "relu", "review", 4, NOW, NOW.date())
    other = Store.open(tmp_path / "other.sqlite3")
    earlier = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    other.record("alice", "neural", "gelu", "review", 4, earlier, earlier.date())
    folder = tmp_path / "Sync"
    sync(other, "alice", folder, earlier)
    sync(world.store, "alice", folder, NOW.replace(hour=7, minute=30))
    other_id = other.meta("machine_id")
    other.close()
    app = world.app()
    async with app.run_test(size=(100, 30)):
        text = shown(app.screen.query_one("#home-sync", Static))
        assert text == f"Synced: this machine 2 h ago · machine {other_id} 2 h ago"


def test_help_lists_the_new_commands(home: Path) -> None:
    commands = run_cli(home, "--help").stdout.split("Commands:", 1)[1].split()
    for command in ("scheduler", "goal", "sync"):
        assert command in commands


async def test_the_tui_syncs_after_each_session_with_grades(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    calls: list[str] = []

    def after(profile: str) -> str | None:
        calls.append(profile)
        return "sync with /gone skipped: not there"

    app = world.app(start="review", after_session=after)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "4", "q")
        await pilot.pause()
        assert calls == ["alice"]
        assert any("sync with /gone skipped" in n.message for n in app._notifications)  # noqa: SLF001


def test_a_folder_that_is_a_file_is_one_line(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", "utf-8")
    result = run_cli(home, "sync", str(target))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"dlcards: {target} is not a folder — give the folder the machines share"
    )
