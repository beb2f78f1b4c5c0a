"""The console entry point: ``dlcards``, ``study``, ``practice``, ``import`` skip Typer.

Importing typer and building the Typer app cost about 60 ms before the first card
(issue 13), and 45 ms of every import (issue 12). So ``main`` first reads the command
line itself, and only when it is a plain, valid call of the TUI's three ways in
(``dlcards``, ``dlcards study …``, ``dlcards practice …`` with their options, global
options before) or of ``dlcards import FILE …`` (options before or after the file)
does it run the command directly. Everything else — ``--help``, ``--version``, another
command, an unknown or repeated option, a missing or bad value, ``--`` — goes to the
Typer app, which prints its own messages: the fast path never produces an error of its
own, so flags, help, errors and exit codes stay exactly Typer's. It accepts less than
Typer (a value starting with "-", a number written oddly, "-oFILE", an unreadable
path): those take the Typer path too. The import's report is printed by the same
code on both paths (``dlcards.cli.importing``).
Ending an invocation works as in Typer's own ``main`` (``typer.core._main``).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from dlcards.cli.state import CliState, echo_err
from dlcards.interchange import IMPORT_FORMATS as FORMATS

# Options taking a value, per place (None: the global options before the command);
# True: repeatable. Flags take none. The Typer app defines the same (a test compares).
VALUES: dict[str | None, dict[str, bool]] = {
    None: {"--home": False, "--user": False, "--deck-path": True},
    "study": {"--deck": True, "--tag": True, "--limit": False},
    "practice": {"--deck": True, "--tag": True, "--minutes": False, "--count": False},
    "import": {"--format": False, "--deck-id": False, "--name": False, "--output": False},
}
# Short names of options that take a value, only as a separate word ("-o FILE"):
# "-oFILE" and "-o=FILE" mean other things to click, and go to Typer.
SHORT: dict[str | None, dict[str, str]] = {"import": {"-o": "--output"}}
FLAGS: dict[str | None, frozenset[str]] = {
    None: frozenset({"--debug"}),
    "study": frozenset({"--plain"}),
    "practice": frozenset({"--compute-only", "--interview", "--plain"}),
    "import": frozenset(),
}
# Numbers as click reads them, in the forms everyone writes: anything else (" 5",
# "1e3", "٣") goes to Typer, which says what it makes of it.
_INT = re.compile(r"[0-9]+")
_FLOAT = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass
class FastCall:
    """A command line the fast path runs: the command (None: Home) and its options."""

    command: str | None
    values: dict[str, list[str]] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    global_values: dict[str, list[str]] = field(default_factory=dict)
    global_flags: set[str] = field(default_factory=set)
    arguments: list[str] = field(default_factory=list)

    def one(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[0] if found else None

    def global_one(self, name: str) -> str | None:
        found = self.global_values.get(name)
        return found[0] if found else None


def _read_options(
    args: list[str], place: str | None, values: dict[str, list[str]], flags: set[str]
) -> int | None:
    """Read the options of ``place`` from the front of ``args``; how many were read
    (stopping at the first word that is no option), or None to leave it to Typer."""
    taking, flagging, short = VALUES[place], FLAGS[place], SHORT.get(place, {})
    i = 0
    while i < len(args) and args[i].startswith("-"):
        word = args[i]
        if word in short:
            name, equals, value = short[word], "", ""
        else:
            name, equals, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if not equals and name in flagging:
            if name in flags:
                return None  # repeated: Typer's business
            flags.add(name)
            i += 1
            continue
        if name not in taking:
            return None  # --help, --version, --, another command's option, a typo…
        if not equals:
            if i + 1 >= len(args):
                return None  # the value is missing: Typer says so
            value = args[i + 1]
            i += 1
        if value.startswith("-") or (name in values and not taking[name]):
            return None
        values.setdefault(name, []).append(value)
        i += 1
    return i


def parse(args: list[str]) -> FastCall | None:
    """The fast call ``args`` make, or None when the Typer app must read them."""
    call = FastCall(None)
    read = _read_options(args, None, call.global_values, call.global_flags)
    if read is None:
        return None
    rest = args[read:]
    if not rest:
        return call  # `dlcards`: Home
    if rest[0] == "import":
        return _import(call, rest[1:])
    if rest[0] not in ("study", "practice"):
        return None
    call.command = rest[0]
    read = _read_options(rest[1:], call.command, call.values, call.flags)
    if read is None or read != len(rest) - 1:
        return None  # a word that is no option: Typer names it
    for name, pattern, least in (
        ("--limit", _INT, 1.0),
        ("--count", _INT, 1.0),
        ("--minutes", _FLOAT, 0.1),
    ):
        text = call.one(name)
        if text is not None and (not pattern.fullmatch(text) or float(text) < least):
            return None
    return call


def _import(call: FastCall, args: list[str]) -> FastCall | None:
    """``import``'s options, before or after its one FILE (click reads both orders)."""
    call.command = "import"
    i = 0
    while i < len(args):
        read = _read_options(args[i:], "import", call.values, call.flags)
        if read is None:
            return None
        i += read
        if i < len(args):
            if call.arguments or not args[i]:
                return None  # a second file, or an empty one: Typer says what it makes of it
            call.arguments.append(args[i])
            i += 1
    fmt = call.one("--format")
    if not call.arguments or (fmt is not None and fmt not in FORMATS):
        return None
    for path in (call.arguments[0], call.one("--output")):
        # Typer's paths must be readable when they exist: it names one that is not.
        if path is not None and os.path.exists(path) and not os.access(path, os.R_OK):
            return None
    return call


def main(argv: list[str] | None = None) -> None:
    """Console entry point: the fast start when it applies, else the Typer app."""
    args = sys.argv[1:] if argv is None else list(argv)
    call = None if os.environ.get("_DLCARDS_COMPLETE") else parse(args)
    if call is None:
        from dlcards.cli.app import main as typer_main

        typer_main(args)
        return
    from dlcards.cli.guard import run_guarded

    state = CliState(
        home=call.global_one("--home"),
        user=call.global_one("--user"),
        deck_paths=call.global_values.get("--deck-path", []),
        debug="--debug" in call.global_flags,
    )
    # A finished import, as a process of its own (not called by a test or a program):
    # ends without tearing the interpreter down (see _run).
    quick = argv is None and call.command == "import"
    run_guarded(state, lambda: _run(state, lambda: _command(state, call), quick=quick))


def _command(state: CliState, call: FastCall) -> int:
    if call.command != "import":
        return _session(state, call)
    from pathlib import Path

    from dlcards.cli.importing import run_import

    out = call.one("--output")
    return run_import(
        state,
        Path(call.arguments[0]),
        call.one("--format") or "auto",
        call.one("--deck-id"),
        call.one("--name"),
        Path(out) if out is not None else None,
    )


def _session(state: CliState, call: FastCall) -> int:
    from dlcards.cli import sessions

    deck, tag = call.values.get("--deck"), call.values.get("--tag")
    plain = "--plain" in call.flags
    if call.command == "practice":
        minutes, count = call.one("--minutes"), call.one("--count")
        return sessions.run_practice(
            state,
            deck=deck,
            tag=tag,
            minutes=float(minutes) if minutes is not None else None,
            count=int(count) if count is not None else None,
            compute_only="--compute-only" in call.flags,
            interview="--interview" in call.flags,
            plain=plain,
        )
    limit = call.one("--limit")
    return sessions.run_study(
        state,
        deck=deck,
        tag=tag,
        limit=int(limit) if limit is not None else None,
        plain=plain,
        home_screen=call.command is None,
    )


def _run(state: CliState, session: Callable[[], int], *, quick: bool = False) -> None:
    """End as Typer's ``main`` ends a command: the state closed first (its root
    context's close), end of input as "Aborted!", a closed pipe quietly, the exit code.

    ``quick``: once the command has succeeded and everything is closed and written,
    the process ends at once (``os._exit``) rather than through the interpreter's
    teardown, which frees every object of pydantic, the importer and the pool one by
    one: 30 ms of the 10,000-note bench import (2026-12-08). Nothing is left to it: the
    deck file is written and synced, the databases closed, the pool's workers joined,
    the temporary folders removed, and every line printed was flushed as it was written.
    """
    import errno

    try:
        try:
            code = session()
        finally:
            state.close()
    except EOFError:
        echo_err("")
        echo_err("Aborted!")
        sys.exit(1)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    if quick:
        _exit_now(code)
    sys.exit(code)


def _exit_now(code: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # the usual end then reports it, as it would have
    os._exit(code)
