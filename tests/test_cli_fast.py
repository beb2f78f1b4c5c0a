"""The fast start (dlcards.cli.fast): the same command line as Typer, without Typer.

``dlcards``, ``dlcards study``, ``dlcards practice`` and ``dlcards import`` start without
building the Typer app (issue 13: ~60 ms before the first card; issue 12: ~45 ms of
every import). Everything a user can see must
stay Typer's: each command line here runs through the entry point (``dlcards.cli.main``)
and through the Typer app alone (``dlcards.cli.app.main``), each on a fresh copy of
the same home, and prints the same, to the same stream, with the same exit code.
"""

from __future__ import annotations

import contextlib
import gc
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
import typer.main
from typer.testing import CliRunner

import dlcards.cli
import dlcards.cli.app
from dlcards.cli import fast, state

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
    ("import",),
    ("import", "--help"),
    ("import", "a.csv", "b.csv"),
    ("import", ""),
    ("import", "-"),
    ("import", "a.csv", "--format", "CSV"),
    ("import", "a.csv", "--format", "xlsx"),
    ("import", "a.csv", "--format"),
    ("import", "a.csv", "--name", "x", "--name", "y"),
    ("import", "a.csv", "-o", "a.toml", "--output", "b.toml"),
    ("import", "a.csv", "-oa.toml"),
    ("import", "a.csv", "-o=a.toml"),
    ("import", "a.csv", "--deck-id", "-x"),
    ("import", "a.csv", "--plain"),
    ("import", "--", "a.csv"),
    ("import", "a.csv", "--user", "ann"),
]

# Import command lines the fast path runs: (file, options).
FAST_IMPORT = {
    ("import", "a.csv"): ("a.csv", {}),
    ("--home", "h", "import", "--format=tsv", "a.csv", "--name", "N"): (
        "a.csv",
        {"--format": ["tsv"], "--name": ["N"]},
    ),
    ("import", "a.apkg", "-o", "out.toml", "--deck-id", "d", "--format", "anki-text"): (
        "a.apkg",
        {"--output": ["out.toml"], "--deck-id": ["d"], "--format": ["anki-text"]},
    ),
}


@pytest.mark.parametrize("args", list(FAST), ids=" ".join)
def test_the_fast_path_reads_the_tuis_command_lines(args: tuple[str, ...]) -> None:
    call = fast.parse(list(args))
    assert call is not None
    assert (call.command, call.values, call.flags) == FAST[args]


@pytest.mark.parametrize("args", list(FAST_IMPORT), ids=" ".join)
def test_the_fast_path_reads_import_command_lines(args: tuple[str, ...]) -> None:
    call = fast.parse(list(args))
    assert call is not None
    assert (call.command, call.arguments, call.values, call.flags) == (
        "import",
        [FAST_IMPORT[args][0]],
        FAST_IMPORT[args][1],
        set(),
    )


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
    for name in ("study", "practice", "import"):
        command = group.commands[name]  # type: ignore[attr-defined]
        assert options(command) == (fast.VALUES[name], set(fast.FLAGS[name]))
    # import: its one argument, its short option and the values of --format.
    params = {param.name: param for param in group.commands["import"].params}  # type: ignore[attr-defined]
    assert [p.name for p in params.values() if not p.opts[0].startswith("-")] == ["file"]
    assert set(params["out"].opts) == {"-o", "--output"} == {"-o", fast.SHORT["import"]["-o"]}
    assert tuple(params["fmt"].type.choices) == fast.FORMATS


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


IMPORTS = [
    ("import", "words.csv"),
    ("import", "--format", "tsv", "words.tsv", "--name", "Words", "--deck-id", "w"),
    ("import", "words.csv", "-o", "out.toml"),
    ("import", "words.csv", "--output", "notes.txt"),
    ("import", "words.csv", "--deck-id", "bad id"),
    ("import", "missing.csv"),
    ("import", "empty.csv"),
    ("import", "words.csv", "--format", "apkg"),
    ("--user", "bob", "import", "words.csv"),
    ("import", "words.csv", "--format", "xlsx"),
    ("import", "words.csv", "extra.csv"),
    ("import", "--help"),
]


@pytest.mark.parametrize("args", IMPORTS, ids=" ".join)
def test_both_entry_points_import_alike(tmp_path: Path, args: tuple[str, ...]) -> None:
    # The deck file written, the report, the errors and the exit code: all the same.
    write_deck(tmp_path / "template" / "decks", "d", 2)
    (tmp_path / "words.csv").write_text("front,back\nhola,hello\nadiós,goodbye\n", "utf-8")
    (tmp_path / "words.tsv").write_text("uno\tone\ndos\ttwo\n", "utf-8")
    (tmp_path / "empty.csv").write_text("", "utf-8")
    home = tmp_path / "home"
    results, decks = [], []
    thresholds = gc.get_threshold()
    for entry in (dlcards.cli.app.main, dlcards.cli.main):
        (tmp_path / "out.toml").unlink(missing_ok=True)
        results.append(_run(entry, home, args, ""))
        assert gc.get_threshold() == thresholds  # the import's collector settings end with it
        written = sorted([*home.glob("decks/*.toml"), *tmp_path.glob("out.toml")])
        decks.append({path.name: path.read_bytes() for path in written})
    assert results[0] == results[1]
    assert decks[0] == decks[1]
    if args == ("import", "words.csv"):  # the case is what it looks like
        assert results[0][0] == 0 and "2 imported" in results[0][1], results[0]
        assert "words.toml" in decks[0]


def test_importing_loads_no_typer(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "words.csv"
    source.write_text("front,back\nhola,hello\n", "utf-8")
    code = (
        "import sys\n"
        "from dlcards.cli import main\n"
        "try:\n"
        f"    main(['import', {str(source)!r}])\n"
        "finally:\n"
        "    print('typer' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(home), cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    assert "1 imported" in result.stdout, result.stdout
    assert result.stderr.splitlines()[-1] == "False"


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


@pytest.mark.parametrize("err", [False, True])
@pytest.mark.parametrize(
    "message", ["Created deck 'd' (D)", "", "a\x1b[31mred\x1b[0m b", "x² H₂O — ü", "tab\there"]
)
def test_the_fast_paths_echo_writes_as_typers(message: str, err: bool) -> None:
    # The import report goes through dlcards.cli.state.echo on both paths: it must write
    # exactly what typer.echo writes (to a file or pipe: escape sequences stripped).
    written = []
    for write in (typer.echo, state.echo):
        with CliRunner().isolation() as (out, error, _):
            write(message, err=err)
            written.append((out.getvalue(), error.getvalue()))
    assert written[0] == written[1]
    assert (
        written[0][int(err)]
        == (message.replace("\x1b[31m", "").replace("\x1b[0m", "") + "\n").encode()
    )


def test_an_import_process_ends_with_everything_written(home: Path, tmp_path: Path) -> None:
    # `dlcards import` as a process of its own ends without the interpreter's teardown
    # (fast._exit_now): its report, its deck file, its content times and the mark that
    # makes the next import of the same file a quick "No change" must all be there.
    source = tmp_path / "words.csv"
    source.write_text("front,back\nhola,hello\nadiós,goodbye\n", "utf-8")

    def dlcards_import() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dlcards", "import", str(source)],
            capture_output=True,
            text=True,
            env=cli_env(home, now=NOW),
            cwd=REPO,
        )

    first = dlcards_import()
    assert (first.returncode, first.stderr) == (0, ""), first.stderr
    deck = home / "decks" / "words.toml"
    assert first.stdout == (
        f"Created deck 'words' (words) in {deck}: 2 imported, 0 updated, 0 unchanged, 0 skipped.\n"
    )
    assert 'front = "hola"' in deck.read_text("utf-8")
    with contextlib.closing(sqlite3.connect(home / "progress.sqlite3")) as conn:
        assert conn.execute("SELECT count(*) FROM content_times").fetchone() == (2,)
    again = dlcards_import()
    assert again.returncode == 0 and again.stdout.startswith("No change to deck 'words'")
