"""The TUI's fast start (dlcards.cli.fast): the same command line as Typer, without Typer.

``dlcards``, ``dlcards study`` and ``dlcards practice`` start without building the
Typer app (issue 13: ~60 ms before the first card). Everything a user can see must
stay Typer's: each command line here runs through the entry point (``dlcards.cli.main``)
and through the Typer app alone (``dlcards.cli.app.main``), each on a fresh copy of
the same home, and prints the same, to the same stream, with the same exit code.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

import dlcards.cli
import dlcards.cli.app
from dlcards.cli import fast

from .conftest import REPO, cli_env, write_deck

NOW = "2026-03-02T09:00:00+00:00"

# Command lines the fast path runs itself, with what it reads from them.
FAST = {
    (): (None, {}, set()),
    ("study",): ("study", {}, set()),
    ("--user", "ann", "study", "--deck", "d", "--limit", "2", "--plain"): (
        "study",
        {"--deck": ["d"], "--limit": ["2"]},
        {"--plain"},
    ),
    ("--home=h", "--deck-path", "p", "--deck-path=q", "--debug", "study", "--tag=t"): (
        "study",
        {"--tag": ["t"]},
        set(),
    ),
    ("practice", "--minutes", "0.5", "--count", "3", "--compute-only", "--interview"): (
        "practice",
        {"--minutes": ["0.5"], "--count": ["3"]},
        {"--compute-only", "--interview"},
    ),
    ("practice", "--deck", "a", "--deck", "b", "--tag", "x"): (
        "practice",
        {"--deck": ["a", "b"], "--tag": ["x"]},
        set(),
    ),
}

# Command lines only the Typer app reads: help, version, other commands, anything odd.
TYPER = [
    ("--help",),
    ("-h",),
    ("study", "--help"),
    ("practice", "-h"),
    ("--version",),
    ("decks",),
    ("stats",),
    ("studdy",),
    ("study", "extra"),
    ("study", "--limit", "0"),
    ("study", "--limit", "zero"),
    ("study", "--limit", " 5"),
    ("study", "--limit"),
    ("study", "--limit", "2", "--limit", "3"),
    ("study", "--plain", "--plain"),
    ("study", "--plain=yes"),
    ("study", "--count", "2"),
    ("study", "--home", "h"),
    ("study", "--deck", "-x"),
    ("study", "--"),
    ("practice", "--minutes", "0.05"),
    ("practice", "--minutes", "1e3"),
    ("practice", "--count", "-1"),
    ("practice", "--limit", "2"),
    ("--home",),
    ("--home", "a", "--home", "b"),
    ("--nope",),
    ("--plain",),
    ("--debug", "--debug"),
]


@pytest.mark.parametrize("args", list(FAST), ids=" ".join)
def test_the_fast_path_reads_the_tuis_command_lines(args: tuple[str, ...]) -> None:
    call = fast.parse(list(args))
    assert call is not None
    assert (call.command, call.values, call.flags) == FAST[args]


@pytest.mark.parametrize("args", TYPER, ids=" ".join)
def test_everything_else_goes_to_typer(args: tuple[str, ...]) -> None:
    assert fast.parse(list(args)) is None


def test_the_fast_path_knows_exactly_the_typer_apps_options() -> None:
    # An option the Typer app drops must not live on in the fast path (one it adds
    # is safe: the fast path leaves an option it does not know to Typer).
    group = typer.main.get_command(dlcards.cli.app.app)

    def options(command: object) -> tuple[dict[str, bool], set[str]]:
        takes, flags = {}, set()
        for param in command.params:  # type: ignore[attr-defined]
            for name in param.opts:
                if not name.startswith("--") or name in ("--help", "--version"):
                    continue
                if param.is_flag:
                    flags.add(name)
                else:
                    takes[name] = bool(param.multiple)
        return takes, flags

    assert options(group) == (fast.VALUES[None], set(fast.FLAGS[None]))
    for name in ("study", "practice"):
        command = group.commands[name]  # type: ignore[attr-defined]
        assert options(command) == (fast.VALUES[name], set(fast.FLAGS[name]))


def _run(
    entry: Callable[[list[str]], None], home: Path, args: tuple[str, ...], stdin: str
) -> tuple[int, str, str]:
    """``entry(args)`` with its own streams and a fresh copy of ``home``'s template."""
    template = home.parent / "template"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(template, home)
    env = {"DLCARDS_HOME": str(home), "DLCARDS_NOW": NOW}
    with contextlib.chdir(home.parent), CliRunner().isolation(input=stdin, env=env) as streams:
        out, err, _ = streams
        try:
            entry(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")


SAME = [
    ((), "q\n"),
    (("study",), "\n3\nq\n"),
    (("study", "--plain", "--limit", "1"), "\n4\n"),
    (("study", "--deck", "d", "--tag", "nope"), ""),
    (("study", "--deck", "nope"), ""),
    (("--user", "bob", "study"), ""),
    (("--user", "Bad Name", "study"), ""),
    (("--deck-path", "missing.toml", "study"), "q\n"),
    (("--home",), ""),
    (("study", "--limit", "0"), ""),
    (("study", "--limit", "two"), ""),
    (("study", "--frobnicate"), ""),
    (("practice", "--count", "1"), "\n5\n"),
    (("practice", "--minutes", "0.01"), ""),
    (("practice", "--deck", "d", "--compute-only"), ""),
    (("study", "--help"), ""),
    (("study",), ""),  # end of input at the first card
]


@pytest.mark.parametrize(("args", "stdin"), SAME, ids=lambda v: " ".join(v) or "(none)")
def test_both_entry_points_answer_alike(tmp_path: Path, args: tuple[str, ...], stdin: str) -> None:
    template = tmp_path / "template"
    write_deck(template / "decks", "d", 3)
    # A profile 'ann' with one grade, so that '--user bob' is a profile nobody made.
    seed = _run(dlcards.cli.app.main, tmp_path / "seed", ("--user", "ann", "study"), "\n4\nq\n")
    assert seed[0] == 0, seed
    shutil.rmtree(template)
    shutil.copytree(tmp_path / "seed", template)
    home = tmp_path / "home"
    through_typer = _run(dlcards.cli.app.main, home, args, stdin)
    through_entry = _run(dlcards.cli.main, home, args, stdin)
    assert _untimed(through_entry) == _untimed(through_typer)


def _untimed(result: tuple[int, str, str]) -> tuple[int, str, str]:
    """The result without the session's wall-clock time ("time 0:01"): on a loaded machine
    the two runs of one session can take different seconds."""
    code, out, err = result
    return code, re.sub(r"time \d+:\d\d", "time M:SS", out), err


def test_studying_loads_no_typer(home: Path) -> None:
    # The import hygiene the fast path is for: a plain study session, start to end,
    # without Typer in the process (the TUI takes the same path, on a terminal).
    write_deck(home / "decks", "d", 2)
    code = (
        "import sys\n"
        "from dlcards.cli import main\n"
        "try:\n"
        "    main(['--user', 'ann', 'study', '--deck', 'd', '--limit', '1'])\n"
        "finally:\n"
        "    print('typer' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input="\n4\n",
        capture_output=True,
        text=True,
        env=cli_env(home, now=NOW),
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert "1 done" in result.stdout or "Session over: 1 card" in result.stdout, result.stdout
    assert result.stderr.splitlines()[-1] == "False"
