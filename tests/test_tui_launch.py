"""Every TUI entry point ends an unexpected error alike: one line and a crash log (issue 13 #6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App

import dlcards.cli.sessions
from dlcards.tui.app import DlcardsApp
from dlcards.tui.screens.home import HomeScreen
from dlcards.tui.screens.review import ReviewScreen

from .conftest import run_cli


def _boom(self: Any, *args: Any, **kwargs: Any) -> None:
    raise RuntimeError("kaboom")


@pytest.mark.parametrize(
    ("args", "screen"),
    [(["study"], ReviewScreen), (["practice"], ReviewScreen), ([], HomeScreen)],
    ids=["study", "practice", "home"],
)
def test_a_crash_in_any_tui_entry_point_is_one_line_and_a_log(
    home: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], screen: type
) -> None:
    # The TUI, as on a terminal, but headless so it runs inside the test.
    monkeypatch.setattr(dlcards.cli.sessions, "on_terminal", lambda: True)
    monkeypatch.setattr(
        DlcardsApp, "run", lambda self, **kw: App.run(self, headless=True, size=(80, 24))
    )
    monkeypatch.setattr(screen, "on_mount", _boom, raising=False)
    result = run_cli(home, *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = re.fullmatch(r"dlcards: unexpected error: kaboom — details in (\S+)\n", result.stderr)
    assert found, result.stderr[-800:]
    assert "RuntimeError: kaboom" in Path(found.group(1)).read_text("utf-8")
