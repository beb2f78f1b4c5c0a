"""Shared fixtures: a private home, deck writers, and the CLI in-process or as a subprocess."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from typer.testing import CliRunner

from dlcards import collection
from dlcards.cli import main

REPO = Path(__file__).resolve().parent.parent

# Hypothesis profiles: "default" keeps the suite quick; "thorough" (HYPOTHESIS_PROFILE=thorough,
# as benchmarks/fuzz_thorough.sh runs it) gives every property ten times the examples and the
# fuzzers their full counts (see ``examples``).
settings.register_profile("default", max_examples=100)
settings.register_profile("thorough", max_examples=1000)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
settings.load_profile(PROFILE)


def examples(thorough: int, default: int = 100) -> int:
    """``max_examples`` for a costly property: ``thorough`` under that profile, else ``default``."""
    return thorough if PROFILE == "thorough" else default


@pytest.fixture(scope="session", autouse=True)
def shipped_decks_parsed_once() -> Iterator[None]:
    """Each test process parses each shipped deck once, not once per fresh home.

    Every in-process command with a new home loaded the shipped decks into an empty
    deck cache: 500-odd parses of the same bytes, a tenth of the suite's time. Only
    the parse itself (``collection._parse``: TOML, then the pydantic models) is kept,
    keyed by the file's bytes, and the deck's search rows (``collection._search_rows``:
    its cards' texts normalized, a function of the parsed deck alone; half of what
    was left of loading a shipped deck), keyed by the deck's digest. Everything else
    (the cache's tables, the refs) still runs for each home. Decks the tests write are
    parsed and normalized every time.
    """
    shipped = collection.shipped_decks_dir().resolve()
    real_parse = collection._parse
    real_search_rows = collection._search_rows
    parsed: dict[tuple[Path, bytes], Any] = {}
    search_rows: dict[tuple[Path, str], list[Any]] = {}

    def parse_once(path: Path, raw: bytes) -> Any:
        if path.parent != shipped:
            return real_parse(path, raw)
        key = (path, hashlib.blake2b(raw, digest_size=16).digest())
        if key not in parsed:
            parsed[key] = real_parse(path, raw)
        deck = parsed[key]  # fresh lists: nothing a test does to one reaches the next
        return dataclasses.replace(
            deck, cards=list(deck.cards), lines=list(deck.lines), warnings=list(deck.warnings)
        )

    def search_rows_once(deck: Any, parsed_deck: Any) -> list[Any]:
        if deck.path.parent != shipped:
            return real_search_rows(deck, parsed_deck)
        key = (deck.path, deck.digest)
        if key not in search_rows:
            search_rows[key] = real_search_rows(deck, parsed_deck)
        return list(search_rows[key])  # rows are tuples of strings: a new list is enough

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(collection, "_parse", parse_once)
        patch.setattr(collection, "_search_rows", search_rows_once)
        yield


@pytest.fixture(scope="session", autouse=True)
def textual_css_parsed_once() -> Iterator[None]:
    """Each test process parses each Textual stylesheet once, not once per app.

    Every app a Pilot or snapshot test starts parsed its CSS anew (dlcards.tcss and
    every widget's DEFAULT_CSS: about 250 parses, a seventh of starting Review on
    two cards). Textual itself keeps the parsed rules of one stylesheet and reuses
    them while its variables (the theme's colours) stay the same; this keeps them
    for the whole process under the same condition, keyed by the variables too. An
    invalid stylesheet still fails: errors are raised before anything is kept.
    """
    from textual.css.stylesheet import Stylesheet

    real_parse = Stylesheet._parse_rules
    parsed: dict[tuple[Any, ...], Any] = {}

    def parse_once(
        self: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> Any:
        variables = tuple(self._variables.items())
        key = (css, read_from, is_default_rules, tie_breaker, scope, variables)
        if key not in parsed:
            parsed[key] = real_parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return parsed[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Stylesheet, "_parse_rules", parse_once)
        yield


@pytest.fixture(scope="session", autouse=True)
def typer_command_built_once() -> Iterator[None]:
    """Each test process turns dlcards' Typer app into its click command once, not once
    per in-process command.

    ``Typer.__call__`` rebuilds the whole click group on every call: for each of the
    app's commands ``typing.get_type_hints`` evaluates every annotation string (the
    modules use ``from __future__ import annotations``), about 40 % of an in-process
    ``run_cli`` call. A process (a user's command, ``run_cli_process``) builds it once
    anyway. The click command holds no state between invocations (each has its own
    context and ``ctx.obj``); it is rebuilt if the app's registered commands change.
    """
    import typer.main

    from dlcards.cli.app import app

    real_get_command = typer.main.get_command
    built: dict[tuple[int, ...], Any] = {}

    def get_command_once(typer_instance: Any) -> Any:
        if typer_instance is not app:
            return real_get_command(typer_instance)
        key = (
            len(app.registered_commands),
            len(app.registered_groups),
            id(app.registered_callback),
        )
        if key not in built:
            built[key] = real_get_command(app)
        return built[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.main, "get_command", get_command_once)
        yield


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


@pytest.fixture(name="collection")  # `collection` is also dlcards.collection here
def anki_collection(tmp_path: Path) -> Iterator[Any]:
    """A new, empty collection of the real Anki engine (the interop tests' oracle); the
    tests that use it skip when ``anki`` is not installed."""
    from anki.collection import Collection

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


@pytest.fixture
def deck_writer() -> Callable[..., Path]:
    return write_deck


def python_output(code: str) -> str:
    """What ``python -c code`` prints, run from this checkout in a fresh interpreter
    (what a fresh process imports); fails the test with its stderr if it fails."""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return result.stdout


def cli_env(home: Path, now: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of a ``dlcards`` subprocess: its home, its clock, this checkout's code.

    PYTHONPATH pins the repository under test: without it ``python -m dlcards`` run
    from a temporary folder loads whichever dlcards the virtualenv has installed.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLCARDS_")}
    env["DLCARDS_HOME"] = str(home)
    env["PYTHONIOENCODING"] = "utf-8"
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])])
    if now:
        env["DLCARDS_NOW"] = now
    env.update(extra)
    return env


def run_cli(
    home: Path,
    *args: str,
    now: str | None = None,
    input: str | None = None,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    """``dlcards ARGS`` in this process, through Typer's CliRunner, with its own home and clock.

    It runs ``dlcards.cli.main`` (the console entry point: one-line errors, crash logs)
    with stdin, stdout, stderr and the environment swapped for the call, from the home's
    parent folder, as ``run_cli_process`` runs it in a subprocess. Each call is a fresh
    invocation: the CLI keeps its state per invocation, nothing in the process.
    """
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("DLCARDS_")}
    env["DLCARDS_HOME"] = str(home)
    env["DLCARDS_NOW"] = now
    env.update(extra)
    home.parent.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    with contextlib.chdir(home.parent), runner.isolation(input=input or "", env=env) as streams:
        out, err, _ = streams
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        sys.stdout.flush()
        sys.stderr.flush()
        stdout, stderr = out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8")
    return subprocess.CompletedProcess(["dlcards", *args], code, stdout, stderr)


def run_cli_process(
    home: Path,
    *args: str,
    now: str | None = None,
    input: str | None = None,
    timeout: float = 60,
    **extra: str,
) -> subprocess.CompletedProcess[str]:
    """``python -m dlcards ARGS`` in a subprocess of this checkout, with its own home and clock.

    For the end-to-end tests (start-up, exit codes, signals, several processes at once);
    everything else uses the faster ``run_cli``.
    """
    return subprocess.run(
        [sys.executable, "-m", "dlcards", *args],
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        env=cli_env(home, now, **extra),
        timeout=timeout,
        cwd=str(home.parent),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Temporary folders (``tmp_path``, the subprocesses' TMPDIR) in memory where the
    machine has a tmpfs at /dev/shm and TMPDIR is not set.

    The stores are real SQLite files with ``synchronous=FULL``: on a disk each grade,
    import and backup waits for its fsync, and on the shared CI disk those waits were
    a good part of the suite's wall time and most of its spread from run to run. On
    tmpfs the same files, journals, locks and renames behave the same (SQLite sees a
    POSIX file system); only the fsyncs return at once. A TMPDIR the user sets, or
    ``--basetemp``, wins.
    """
    shm = Path("/dev/shm")
    if "TMPDIR" not in os.environ and shm.is_dir() and os.access(shm, os.W_OK | os.X_OK):
        os.environ["TMPDIR"] = str(shm)  # the xdist workers and every subprocess inherit it
        tempfile.tempdir = None  # tempfile computes its folder again, from TMPDIR


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker more than the cores. About a third of the suite's wall time
    is spent waiting (fsyncs of synchronous=FULL grades, held locks, subprocesses), and a
    third worker fills it: on the 2-core CI machine 139 s → 125 s, with the same CPU."""
    return (os.cpu_count() or 1) + 1


def _waits_for_the_screen(item: pytest.Item) -> bool:
    """Whether the item's module drives Textual apps (``test_tui_*``): about half of such
    a test's wall time is the pilot waiting for the app to go idle, not CPU."""
    return item.path.name.startswith("test_tui_")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Spread the TUI modules evenly through the others, each module's tests kept in order.

    In file order they came last: the workers (one more than the cores) ended the run
    all driving apps that wait half of the time, leaving a core idle for the last
    third of the run. Spread out, each worker's share (``--dist worksteal`` hands each
    a contiguous slice) mixes them with tests that keep a core busy. Every worker
    collects the same order, as xdist requires.
    """
    modules: dict[Path, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)
    waiting = [tests for tests in modules.values() if _waits_for_the_screen(tests[0])]
    busy = [tests for tests in modules.values() if not _waits_for_the_screen(tests[0])]
    if not waiting or not busy:
        return
    ordered: list[list[pytest.Item]] = []
    step = len(busy) / len(waiting)
    for index, tests in enumerate(waiting):
        ordered.append(tests)  # a busy module last: the run ends on tests that use a core
        ordered += busy[round(index * step) : round((index + 1) * step)]
    items[:] = [item for tests in ordered for item in tests]
