"""Files dlcards writes: through symbolic links, never over them; with the umask's mode;
no scratch left behind by a killed import (issue 11 #10)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dlcards.config import Home, save_setting
from dlcards.errors import UserError
from dlcards.interchange import limits
from dlcards.interchange.exporter import export_deck
from dlcards.interchange.importer import import_deck
from dlcards.interchange.progress import export_progress
from dlcards.store import Store

from .conftest import write_deck

NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def umask_077() -> Iterator[None]:
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_symlinked_config_stays_a_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles" / "dlcards.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text('# mine\ntheme = "dark"\n', "utf-8")
    home = Home(tmp_path / "home")
    home.root.mkdir()
    home.config_file.symlink_to(dotfiles)
    save_setting(home, "theme", "light")
    assert home.config_file.is_symlink()
    assert dotfiles.read_text("utf-8") == '# mine\ntheme = "light"\n'


def test_import_to_a_linked_deck_writes_through_the_link(tmp_path: Path) -> None:
    real = write_deck(tmp_path / "elsewhere", "mine", 1)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    source = tmp_path / "new.csv"
    source.write_text("front,back\nNew?,Yes\n", "utf-8")
    import_deck(source, decks_dir=tmp_path / "decks", deck_id="mine", out=link)
    assert link.is_symlink() and "New?" in real.read_text("utf-8")


def test_import_to_a_dangling_link_is_refused_and_writes_nothing(tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(tmp_path / "missing" / "deck.toml")
    source = tmp_path / "new.csv"
    source.write_text("front,back\nNew?,Yes\n", "utf-8")
    with pytest.raises(UserError, match="symbolic link"):
        import_deck(source, decks_dir=tmp_path / "decks", deck_id="mine", out=link)
    assert link.is_symlink() and not (tmp_path / "missing").exists()


def test_export_over_a_dangling_link_needs_force_and_then_writes_through(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "mine", 2)
    target = tmp_path / "target.tsv"
    link = tmp_path / "link.tsv"
    link.symlink_to(target)
    with pytest.raises(UserError, match="--force"):
        export_deck(deck, link, now=NOW)
    assert not target.exists() and link.is_symlink()
    export_deck(deck, link, now=NOW, force=True)
    assert link.is_symlink() and target.read_text("utf-8").count("Question") == 2


def test_progress_export_through_a_link(tmp_path: Path) -> None:
    store = Store.open(None)
    store.record("me", "dl", "c1", "review", 4, NOW, NOW.date())
    target = tmp_path / "sync" / "progress.jsonl"
    target.parent.mkdir()
    link = tmp_path / "progress.jsonl"
    link.symlink_to(target)
    with pytest.raises(UserError):
        export_progress(store, "me", link)  # dangling, no --force
    export_progress(store, "me", link, force=True)
    assert link.is_symlink() and target.read_text("utf-8").count("\n") == 2


def test_exports_and_new_decks_respect_the_umask(tmp_path: Path, umask_077: None) -> None:
    deck = write_deck(tmp_path / "decks", "mine", 2)
    for suffix in ("apkg", "tsv", "toml"):
        out = tmp_path / f"mine.{suffix}"
        export_deck(deck, out, now=NOW)
        assert out.stat().st_mode & 0o777 == 0o600, suffix
    source = tmp_path / "new.csv"
    source.write_text("front,back\nNew?,Yes\n", "utf-8")
    out = tmp_path / "out" / "new.toml"
    out.parent.mkdir()
    import_deck(source, decks_dir=tmp_path / "decks", deck_id="new", out=out)
    assert out.stat().st_mode & 0o777 == 0o600


def test_an_overwritten_export_keeps_its_mode(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "mine", 2)
    out = tmp_path / "mine.tsv"
    out.write_text("old", "utf-8")
    out.chmod(0o640)
    export_deck(deck, out, now=NOW, force=True)
    assert out.stat().st_mode & 0o777 == 0o640


def test_scratch_left_by_a_killed_import_is_removed_at_the_next(tmp_path: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(finished.stdout)
    left = tmp_path / f"{limits.SCRATCH_PREFIX}killed"
    left.mkdir()
    (left / "pid").write_text(str(dead_pid))
    (left / "collection.sqlite3").write_bytes(b"x" * 1000)
    running = tmp_path / f"{limits.SCRATCH_PREFIX}running"
    running.mkdir()
    (running / "pid").write_text(str(os.getpid()))
    fresh = tmp_path / f"{limits.SCRATCH_PREFIX}fresh"  # no pid yet: being created
    fresh.mkdir()
    assert limits.sweep_scratch(tmp_path) == 1
    assert not left.exists() and running.exists() and fresh.exists()


def test_a_package_import_sweeps_and_leaves_no_scratch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ._interchange import Note, legacy_package

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = scratch / f"{limits.SCRATCH_PREFIX}killed"
    left.mkdir()
    (left / "pid").write_text(finished.stdout.strip())
    package = legacy_package(tmp_path / "p.apkg", [Note(["Q", "A"], "g1")])
    import_deck(package, decks_dir=tmp_path / "decks", deck_id="p")
    assert list(scratch.iterdir()) == []


def test_a_database_folders_deep_that_do_not_exist_yet_is_created_and_kept(
    tmp_path: Path,
) -> None:
    # Store.open looked only one folder up: two missing levels read as "read-only",
    # and the grade went to an in-memory database that vanished on close.
    path = tmp_path / "a" / "b" / "progress.sqlite3"
    store = Store.open(path)
    store.record("me", "dl", "c1", "review", 4, NOW, NOW.date())
    store.close()
    reopened = Store.open(path)
    assert [r.grade for r in reopened.rows("me")] == [4]
