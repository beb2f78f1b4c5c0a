"""Issue 12 (speed): a large new deck's notes converted in worker processes give the deck
file, the report and the content times one process gives, against the real Anki engine."""

from __future__ import annotations

import gc
import multiprocessing
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dlcards.errors import UserError
from dlcards.interchange import import_pool
from dlcards.interchange.importer import import_deck
from dlcards.store import Store

from .test_interchange_anki_roundtrip import add_stock_notes, add_templated_notetype, export_apkg

anki = pytest.importorskip("anki")
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the pool forks (Linux)")

NOW = datetime(2026, 12, 8, 12, tzinfo=UTC)


def mixed_package(col: Any, path: Path) -> Path:
    """Every kind of note an import meets: stock and templated note types (reversed,
    cloze, typed, conditionals, a filter dlcards lacks), formatting, control characters
    and empty fronts (4 notes, skipped)."""
    add_stock_notes(col)
    vocab = add_templated_notetype(col)
    basic = col.models.by_name("Basic")
    deck = col.decks.id("Mixed")
    for i in range(60):
        note = col.new_note(basic)
        note["Front"] = "" if i % 17 == 0 else f"<b>x</b><sup>{i}</sup> \x1b[2J&amp; {i}"
        note["Back"] = f"H<sub>2</sub>O<div>line {i}</div><ul><li>a</li></ul>"
        note.tags = ["t", f"n{i % 3}"]
        col.add_note(note, deck)
        word = col.new_note(vocab)
        word["Word"], word["Meaning"] = f"word {i}", f"<i>meaning</i> {i}"
        word["Note"] = "" if i % 2 else "a <b>note</b>"
        col.add_note(word, deck)
    return export_apkg(col, path)


def imported(
    source: Path, folder: Path, monkeypatch: pytest.MonkeyPatch, processes: str
) -> tuple[bytes, list[tuple[Any, ...]], Any]:
    monkeypatch.setenv(import_pool.ENV, processes)
    store = Store.open(folder / "progress.sqlite3")
    try:
        report = import_deck(source, decks_dir=folder / "decks", times_db=store.conn, now=NOW)
        rows = store.conn.execute("SELECT * FROM content_times ORDER BY card_id").fetchall()
    finally:
        store.close()
    report.target = report.target.relative_to(folder)
    return (folder / report.target).read_bytes(), rows, report


def test_worker_processes_give_the_deck_one_process_gives(
    tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = mixed_package(collection, tmp_path / "mixed.apkg")
    thresholds = gc.get_threshold()
    one = imported(source, tmp_path / "one", monkeypatch, "1")
    two = imported(source, tmp_path / "two", monkeypatch, "2")
    assert gc.get_threshold() == thresholds  # the pool's collector settings end with it
    assert two[0] == one[0]  # the deck file, byte for byte
    assert two[1] == one[1]  # when each card's content changed
    assert two[2] == one[2]  # imported, skipped and why, media, remarks
    report = two[2]
    assert len(report.skipped) == 4 and report.imported == collection.card_count() - 4
    assert any("furigana" in remark for remark in report.remarks)
    assert multiprocessing.active_children() == []  # no worker outlives the import


def test_a_refusal_in_a_worker_refuses_the_import_and_writes_nothing(
    tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlcards.interchange import deck_write

    source = mixed_package(collection, tmp_path / "mixed.apkg")
    real_check = deck_write._check

    def check(text: str, expected: dict[str, Any]) -> None:
        if "word 30" in text:  # a block that would not read back as written
            raise UserError("the imported deck would not be valid: x", "report this")
        real_check(text, expected)

    monkeypatch.setattr(deck_write, "_check", check)  # the forked workers inherit it
    thresholds = gc.get_threshold()
    for processes in ("1", "2"):
        monkeypatch.setenv(import_pool.ENV, processes)
        folder = tmp_path / processes
        store = Store.open(folder / "progress.sqlite3")
        with pytest.raises(UserError) as refused:
            import_deck(source, decks_dir=folder / "decks", times_db=store.conn, now=NOW)
        assert str(refused.value) == "the imported deck would not be valid: x — report this"
        assert not (folder / "decks").exists() or not any((folder / "decks").iterdir())
        assert store.conn.execute("SELECT count(*) FROM content_times").fetchone() == (0,)
        store.close()
    assert multiprocessing.active_children() == []
    assert gc.get_threshold() == thresholds


def test_small_files_and_busy_machines_use_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(import_pool.ENV, raising=False)
    monkeypatch.setattr(import_pool.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(import_pool.os, "getloadavg", lambda: (0.3, 0.3, 0.3))
    assert import_pool.processes(import_pool.MIN_NOTES - 1) == 1  # start-up would cost more
    assert import_pool.processes(10_000) == 2
    monkeypatch.setattr(import_pool.os, "getloadavg", lambda: (3.0, 3.0, 3.0))
    assert import_pool.processes(10_000) == 1  # no core to spare: workers only add CPU
    monkeypatch.setattr(import_pool.os, "sched_getaffinity", lambda pid: {0})
    monkeypatch.setattr(import_pool.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert import_pool.processes(10_000) == 1
    monkeypatch.setenv(import_pool.ENV, "2")  # set by hand: whatever the file or the load
    assert import_pool.processes(10) == 2
    monkeypatch.setenv(import_pool.ENV, "many")
    assert import_pool.processes(10_000) == 1


def test_an_existing_deck_is_merged_in_one_process(
    tmp_path: Path, collection: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Re-importing into a deck: cards match the deck's and unchanged notes are never
    rendered, so nothing is converted ahead (the pool would render every note)."""
    source = mixed_package(collection, tmp_path / "mixed.apkg")
    first = imported(source, tmp_path / "home", monkeypatch, "2")[2]
    started: list[int] = []
    monkeypatch.setattr(import_pool, "converted", lambda *a: started.append(1) or iter(()))
    store = Store.open(tmp_path / "home" / "progress.sqlite3")
    conn: sqlite3.Connection = store.conn
    conn.execute("DELETE FROM meta")  # forget the import mark: the notes are read again
    conn.commit()
    report = import_deck(source, decks_dir=tmp_path / "home" / "decks", times_db=conn, now=NOW)
    store.close()
    assert started == [] and report.unchanged == first.imported and report.imported == 0
