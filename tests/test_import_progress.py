"""The progress of a long import: every phase reported by the core, a bar on a terminal only."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from dlcards.cli import progress_bar
from dlcards.interchange.importer import import_deck

from .conftest import REPO, run_cli


def _tsv(path: Path, rows: int) -> Path:
    path.write_text("".join(f"question {i}\tanswer <b>{i}</b>\n" for i in range(rows)), "utf-8")
    return path


def test_the_core_reports_reading_converting_and_writing_in_order(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    source = _tsv(tmp_path / "many.tsv", 1500)
    import_deck(source, decks_dir=tmp_path / "decks", progress=lambda *c: calls.append(c))
    phases = [phase for phase, _, _ in calls]
    firsts = [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p]
    assert firsts == ["reading", "converting", "writing"]
    for phase in ("reading", "converting", "writing"):
        done = [d for p, d, _ in calls if p == phase]
        assert done == sorted(done)
        assert all(d <= t for p, d, t in calls if p == phase and t)
    assert ("converting", 1500, 1500) in calls  # every row converted


def _bar_output(after: float, terminal: bool, steps: list[tuple[str, int, int]]) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=100)
    bar = progress_bar.PhaseBar("Importing", console, after)
    bar.begin()
    for step in steps:
        bar(*step)
    bar.end()
    return out.getvalue()


STEPS = [("reading", 0, 0), ("reading", 10, 10), ("converting", 5, 10), ("writing", 10, 10)]


def test_a_terminal_shows_one_bar_labelled_with_each_phase() -> None:
    shown = _bar_output(0.0, True, STEPS)
    for phase in ("reading", "converting", "writing"):
        assert f"Importing: {phase}" in shown


def test_no_bar_when_not_a_terminal_or_when_the_job_ends_within_the_threshold() -> None:
    assert _bar_output(0.0, False, STEPS) == ""
    assert _bar_output(3600.0, True, STEPS) == ""


def test_the_bar_appears_during_a_phase_that_reports_nothing() -> None:
    # Reading a big package reports nothing for a while: the timer shows the bar then.
    out = io.StringIO()
    bar = progress_bar.PhaseBar("Importing", Console(file=out, force_terminal=True), 0.01)
    bar.begin()
    bar("reading", 0, 0)
    deadline = time.monotonic() + 30  # a hang guard, not a timing assertion
    while "Importing: reading" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.02)
    bar.end()
    assert "Importing: reading" in out.getvalue()


def test_a_piped_import_draws_no_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_bar, "PROGRESS_BAR_AFTER", 0.0)
    source = _tsv(tmp_path / "many.tsv", 1500)
    result = run_cli(tmp_path / "home", "import", str(source))
    assert result.returncode == 0, result.stderr
    assert "Importing" not in result.stderr and "\x1b" not in result.stderr
    assert "1500 imported" in result.stdout


_IN_A_TERMINAL = (
    "import sys; import dlcards.cli.progress_bar as p; p.PROGRESS_BAR_AFTER = 0.0; "
    "from dlcards.cli import main; main(sys.argv[1:])"
)


def test_an_import_in_a_terminal_draws_the_bar(tmp_path: Path) -> None:
    """The real command under a pseudo-terminal (the threshold set to zero)."""
    source = _tsv(tmp_path / "many.tsv", 1500)
    leader, follower = pty.openpty()
    env = {**os.environ, "DLCARDS_HOME": str(tmp_path / "home"), "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-c", _IN_A_TERMINAL, "import", str(source)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
        cwd=REPO,
    )
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process has ended
            break
        if not chunk:
            break
        seen += chunk
    stdout, _ = process.communicate(timeout=120)
    os.close(leader)
    assert process.returncode == 0
    assert b"1500 imported" in stdout
    assert b"Importing:" in seen


def test_progress_import_reports_reading_then_writing_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 11 #4: a progress import of a million rows ran minutes with nothing shown.
    from datetime import UTC, date, datetime, timedelta

    from dlcards.interchange import progress as progress_module
    from dlcards.store import Store

    monkeypatch.setattr(progress_module, "_REPORT_EVERY", 3)
    source = Store.open(None)
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for i in range(10):
        moment = start + timedelta(minutes=i)
        source.record("me", "dl", f"c{i}", "review", 4, moment, date(2026, 3, 1))
    exported = tmp_path / "me.jsonl"
    progress_module.export_progress(source, "me", exported)
    calls: list[tuple[str, int, int]] = []
    target = Store.open(tmp_path / "progress.sqlite3")
    result = progress_module.import_progress(
        target, "me", exported, start, progress=lambda *c: calls.append(c)
    )
    assert result.added == 10
    assert [c for c in calls if c[0] == "reading"] == [
        ("reading", 3, 0),
        ("reading", 6, 0),
        ("reading", 9, 0),
    ]
    assert [c for c in calls if c[0] == "writing"] == [
        ("writing", 3, 10),
        ("writing", 6, 10),
        ("writing", 9, 10),
    ]
    assert calls.index(("writing", 3, 10)) > calls.index(("reading", 9, 0))
