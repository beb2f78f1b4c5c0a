"""The CLI's contract: versions, error lines, exit codes, crash logs, import hygiene."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dlcards import __version__

from .conftest import REPO, cli_env, python_output, run_cli, run_cli_process, write_deck

# The front ends; every other module is core. The layers themselves are import-linter
# contracts in pyproject.toml (`lint-imports`); this checks what actually loads at run time.
FRONT_ENDS = ("dlcards.__main__", "dlcards.cli", "dlcards.tui", "dlcards.plain", "dlcards.views")


def test_core_imports_no_ui_library() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "def walk(package):\n"  # not pkgutil.walk_packages: it imports every package
        "    for info in pkgutil.iter_modules(package.__path__, package.__name__ + '.'):\n"
        f"        if info.name.startswith({FRONT_ENDS!r}): continue\n"
        "        module = importlib.import_module(info.name)\n"
        "        yield info.name\n"
        "        if info.ispkg: yield from walk(module)\n"
        "core = list(walk(importlib.import_module('dlcards')))\n"
        "assert len(core) > 50, core\n"
        "import dlcards.problems as p\n"
        "for name in p.PROBLEM_NAMES: p.get_problem(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'typer', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    assert python_output(code).strip() == ""


def test_every_top_level_module_has_a_place_in_the_layers() -> None:
    # A module missing from the layers contract is checked by no layer rule at all:
    # import-linter ignores it silently, so a new core module could import the TUI.
    import re
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    contract = config["tool"]["importlinter"]["contracts"][0]
    placed = {n.strip() for layer in contract["layers"] for n in re.split(r"[|:]", layer)}
    modules = {
        p.stem if p.suffix == ".py" else p.name
        for p in (REPO / "dlcards").iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert sorted(modules - placed) == []


def test_studying_from_the_parse_cache_needs_no_pydantic(home: Path) -> None:
    # Validation (pydantic, ~300 ms to import and build) runs when a deck is parsed;
    # starting a session on decks already in the cache must not pay for it.
    run_cli(home, "decks")  # fills the cache
    code = (
        "import sys\n"
        "from dlcards.config import resolve_home\n"
        "from dlcards.context import AppContext\n"
        "from dlcards.study.session import StudySession\n"
        "ctx = AppContext(resolve_home(None))\n"
        "s = StudySession(ctx.store, ctx.collection, ctx.profile, ctx.settings, clock=ctx.now)\n"
        "assert s.next_card() is not None\n"
        "print('pydantic' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(home), cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_cli_import_loads_neither_textual_nor_numpy_nor_typer() -> None:
    code = "import sys, dlcards.cli; print(sorted({m.split('.')[0] for m in sys.modules}))"
    loaded = python_output(code)
    for heavy in ("textual", "numpy", "pydantic", "typer"):
        assert f"'{heavy}'" not in loaded


# End to end, as installed: these run `python -m dlcards` in a subprocess (run_cli_process);
# the rest of the suite runs the same entry point in-process (run_cli), which is much faster.


def test_subprocesses_run_this_checkout(home: Path) -> None:
    # run_cli_process starts from a temporary folder: without PYTHONPATH pinned, Python
    # would load whichever dlcards the virtualenv has installed, not the code under test.
    home.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", "import dlcards; print(dlcards.__file__)"],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=home,
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == REPO / "dlcards" / "__init__.py"


def test_help_lists_every_command(home: Path) -> None:
    result = run_cli_process(home, "--help")
    assert result.returncode == 0, result.stderr
    commands = result.stdout.split("Commands:", 1)[1].split()
    for command in ("decks", "validate", "study", "stats", "import", "export", "practice"):
        assert command in commands
    for group in ("progress", "backup", "cards", "users"):
        assert group in commands


def test_version(home: Path) -> None:
    result = run_cli_process(home, "--version")
    assert (result.returncode, result.stdout) == (0, f"dlcards {__version__}\n")


def test_usage_error_exits_2_with_typers_message(home: Path) -> None:
    result = run_cli_process(home, "study", "--limit", "zero")
    assert result.returncode == 2
    assert "Invalid value" in result.stderr and "Traceback" not in result.stderr


def test_unknown_deck_is_one_line(home: Path) -> None:
    result = run_cli_process(home, "study", "--deck", "nope")
    assert result.returncode == 1
    assert result.stderr == "dlcards: no deck with id 'nope' — run 'dlcards decks' to list them\n"


@pytest.mark.parametrize("name", ["Bad Name", "x" * 33, "ÄÖ"])
def test_invalid_profile_is_one_line(home: Path, name: str) -> None:
    result = run_cli(home, "--user", name, "stats")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert result.stderr.startswith("dlcards: invalid profile name")


def test_broken_config_is_one_line(home: Path) -> None:
    home.mkdir()
    (home / "config.toml").write_text("new_per_day = 'many'\n", "utf-8")
    result = run_cli(home, "decks")
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "config.toml: new_per_day" in result.stderr


def test_bad_clock_is_one_line(home: Path) -> None:
    result = run_cli(home, "stats", now="yesterday")
    assert result.returncode == 1 and "DLCARDS_NOW" in result.stderr


def test_unexpected_error_logs_the_traceback(home: Path) -> None:
    code = (
        "import dlcards.stats, dlcards.cli\n"
        "def boom(*a, **k): raise RuntimeError('kaboom')\n"
        "dlcards.stats.summary = boom\n"
        "dlcards.cli.main(['stats'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(home), cwd=REPO
    )
    assert result.returncode == 1
    assert result.stderr.startswith("dlcards: unexpected error: kaboom — details in ")
    log = Path(result.stderr.rsplit("details in ", 1)[1].strip())
    assert log.parent == home / "logs" and "RuntimeError: kaboom" in log.read_text()
    assert log.stat().st_mode & 0o777 == 0o600  # private, like everything under <home>
    debug = subprocess.run(
        [sys.executable, "-c", code.replace("['stats']", "['--debug', 'stats']")],
        capture_output=True,
        text=True,
        env=cli_env(home),
        cwd=REPO,
    )
    assert "Traceback" in debug.stderr


def test_profiles_keep_separate_progress(home: Path, tmp_path: Path) -> None:
    path = write_deck(tmp_path / "decks", "p", 2)
    now = "2026-03-01T10:00:00+00:00"
    run_cli(
        home,
        "--user",
        "ann",
        "--deck-path",
        str(path),
        "study",
        "--deck",
        "p",
        input="\n5\nq\n",
        now=now,
    )
    ann = json.loads(run_cli(home, "--user", "ann", "stats", "--json", now=now).stdout)
    assert run_cli(home, "users", "add", "bob", now=now).returncode == 0
    bob = json.loads(run_cli(home, "--user", "bob", "stats", "--json", now=now).stdout)
    assert (ann["user"], ann["reviews_total"]) == ("ann", 1)
    assert (bob["user"], bob["reviews_total"]) == ("bob", 0)
    users = run_cli(home, "--user", "bob", "users").stdout.splitlines()
    assert users == ["  ann  (1 review, last studied 2026-03-01)", "* bob  (0 reviews)"]


def test_profile_from_config(home: Path) -> None:
    home.mkdir()
    (home / "config.toml").write_text('user = "carol"\n', "utf-8")
    assert json.loads(run_cli(home, "stats", "--json").stdout)["user"] == "carol"


def test_shipped_decks_are_listed_from_any_directory(home: Path) -> None:
    result = run_cli_process(home, "decks", "--json")
    decks = json.loads(result.stdout)
    ids = [d["id"] for d in decks]
    assert "deep-learning-interview" in ids
    first = decks[ids.index("deep-learning-interview")]
    assert Path(first["path"]).is_absolute() and first["new"] == first["cards"] >= 12


def test_a_crash_inside_the_tui_is_one_line_and_a_log(home: Path) -> None:
    import os
    import pty
    import select
    import time

    code = (
        "import dlcards.tui.screens.review as review, dlcards.cli\n"
        "def boom(self, *a, **k): raise RuntimeError('kaboom')\n"
        "review.ReviewScreen.on_mount = boom\n"
        "dlcards.cli.main(['study'])\n"
    )
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=secondary,
        stdout=secondary,
        stderr=subprocess.PIPE,
        env={**cli_env(home), "TERM": "xterm-256color"},
        cwd=REPO,
    )
    os.close(secondary)
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if select.select([primary], [], [], 0.2)[0]:
            try:
                os.read(primary, 65536)  # keep the terminal drained
            except OSError:
                break
    proc.wait(timeout=30)
    os.close(primary)
    err = proc.stderr.read().decode() if proc.stderr else ""
    assert proc.returncode == 1, err[-2000:]
    assert "Traceback" not in err
    # Textual draws on stderr; after it restores the terminal comes our one line.
    found = re.search(r"dlcards: unexpected error: kaboom — details in (\S+)\n$", err)
    assert found, err[-500:]
    assert "RuntimeError: kaboom" in Path(found.group(1)).read_text()


def test_each_invocation_starts_afresh(tmp_path: Path) -> None:
    # run_cli runs many invocations in one process: the global options and what was opened
    # from them belong to one invocation (Typer's ctx.obj), never to the process.
    first = run_cli(tmp_path / "a", "--user", "ann", "stats", "--json")
    second = run_cli(tmp_path / "b", "stats", "--json")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert json.loads(first.stdout)["user"] == "ann"
    assert json.loads(second.stdout)["user"] != "ann"
    assert (tmp_path / "b" / "progress.sqlite3").is_file()
