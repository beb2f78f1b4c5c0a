"""The hostile-input corpus (tests/hostile_corpus.py), each case run as dlcards runs it.

Each file is either imported or refused with one line naming it; after a refusal
the home is byte-identical (decks and progress database); no exception other than
the one-line UserError ever escapes (the CLI would print "unexpected error").
"""

from __future__ import annotations

import signal
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dlcards.errors import UserError
from dlcards.interchange import limits
from dlcards.interchange.importer import import_deck
from dlcards.interchange.progress import import_progress
from dlcards.store import Store

from .conftest import run_cli, write_deck
from .hostile_corpus import all_cases
from .hostile_corpus_base import Case

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HANG_GUARD_SECONDS = 60  # a hang fails the test; it is not a timing assertion
CASES = all_cases()


def test_the_corpus_is_big_and_covers_every_input_kind() -> None:
    assert len(CASES) >= 60
    suffixes = {Path(c.filename).suffix for c in CASES}
    assert {".apkg", ".csv", ".tsv", ".txt", ".toml", ".jsonl"} <= suffixes
    names = {c.name for c in CASES}
    assert {"v18-good", "legacy-anki2-good", "legacy-anki21-good"} <= names
    assert len(names) == len(CASES)


@pytest.fixture
def hang_guard() -> Iterator[None]:
    def fail(signum: int, frame: object) -> None:
        raise TimeoutError(f"the case ran past {HANG_GUARD_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(HANG_GUARD_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _run(case: Case, path: Path, home: Path) -> object:
    if case.kind == "progress":
        store = Store.open(home / "progress.sqlite3")
        try:
            return import_progress(store, "me", path, NOW)
        finally:
            store.close()
    return import_deck(path, decks_dir=home / "decks", deck_id="target")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hang_guard: None
) -> None:
    for name, value in case.caps.items():
        monkeypatch.setattr(limits, name, value)
    home = tmp_path / "home"
    write_deck(home / "decks", "mine", 2)
    store = Store.open(home / "progress.sqlite3")
    store.record("me", "mine", "c1", "review", 4, NOW, NOW.date())
    store.close()
    path = tmp_path / case.filename
    path.write_bytes(case.data)
    before = snapshot(home)
    if case.expect == "refused":
        with pytest.raises(UserError) as caught:
            _run(case, path, home)
        message = str(caught.value)
        assert str(path) in message, message
        assert "\n" not in message and "\r" not in message, message
        for word in case.words:
            assert word in message, message
        assert snapshot(home) == before
        return
    report = _run(case, path, home)
    assert report is not None
    if case.kind == "deck":
        target = home / "decks" / "target.toml"
        cards = tomllib.loads(target.read_text("utf-8"))["cards"]
        assert cards
        if case.check is not None:
            assert case.check(cards)


def test_refusals_through_the_cli_are_one_line_never_unexpected(tmp_path: Path) -> None:
    home = tmp_path / "home"
    picked = ["v18-notetype-config-3e9", "legacy-models-nested", "toml-integer-5000-digits"]
    for case in (c for c in CASES if c.name in picked):
        path = tmp_path / case.filename
        path.write_bytes(case.data)
        result = run_cli(home, "import", str(path))
        assert result.returncode == 1, result.stdout
        assert result.stderr.count("\n") == 1 and str(path) in result.stderr, result.stderr
        assert "unexpected error" not in result.stderr
    progress = next(c for c in CASES if c.name == "progress-ts-9999")
    path = tmp_path / progress.filename
    path.write_bytes(progress.data)
    result = run_cli(home, "progress", "import", str(path))
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert f"{path}:3:" in result.stderr and "unexpected error" not in result.stderr
