"""Shared fixtures: a private home, deck writers, and the CLI as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    return path


def write_deck(
    folder: Path,
    deck_id: str,
    cards: int | list[str] = 3,
    *,
    name: str | None = None,
    tags: list[str] | None = None,
    filename: str | None = None,
) -> Path:
    """A small basic deck: ``cards`` cards with ids c1, c2, … (or the given TOML blocks)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[deck]", f'id = "{deck_id}"', f'name = "{name or deck_id.title()}"']
    if tags:
        lines.append("tags = [" + ", ".join(f'"{t}"' for t in tags) + "]")
    if isinstance(cards, int):
        for i in range(1, cards + 1):
            lines += [
                "",
                "[[cards]]",
                f'id = "c{i}"',
                f'front = "Question {i} of {deck_id}?"',
                f'back = "Answer {i}."',
            ]
    else:
        lines += ["", *[textwrap.dedent(block).strip() + "\n" for block in cards]]
    path = folder / (filename or f"{deck_id}.toml")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def deck_writer() -> Callable[..., Path]:
    return write_deck


def cli_env(home: Path, now: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLCARDS_")}
    env["DLCARDS_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    if now:
        env["DLCARDS_NOW"] = now
    env.update(extra)
    return env


def run_cli(
    home: Path,
    *args: str,
    now: str | None = None,
    input: str | None = None,
    timeout: float = 60,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    """``python -m dlcards ARGS`` in a subprocess with its own home and clock."""
    return subprocess.run(
        [sys.executable, "-m", "dlcards", *args],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        env=cli_env(home, now, **extra),
        timeout=timeout,
        cwd=str(home.parent),
    )
