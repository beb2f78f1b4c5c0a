"""The ``dlcards`` command (DESIGN §7). Each command parses, calls the core, prints, exits.

Importing this module loads neither textual nor numpy (nor pydantic): the TUI,
the kernels and the deck models load inside the commands that need them, so
``dlcards --help`` stays fast.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from dlcards import __version__
from dlcards.errors import UserError
from dlcards.textsafe import one_line

if TYPE_CHECKING:
    from dlcards.context import AppContext

app = typer.Typer(
    name="dlcards",
    help="Flashcards for deep-learning interviews: SM-2 reviews and live-checked compute drills.",
    invoke_without_command=True,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    # Plain click help: rich help formatting costs ~250 ms at every --help.
    rich_markup_mode=None,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class _Globals:
    home: str | None = None
    user: str | None = None
    deck_paths: list[str] = []
    debug: bool = False
    context: AppContext | None = None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dlcards {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    home: Annotated[
        str | None,
        typer.Option(
            "--home", help="Folder for progress, settings and your decks.", show_default=False
        ),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Profile to study as.", show_default=False)
    ] = None,
    deck_path: Annotated[
        list[str] | None,
        typer.Option(
            "--deck-path", help="Extra deck file or folder (repeatable).", show_default=False
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of unexpected errors.")
    ] = False,
) -> None:
    """Open the TUI on the shipped decks (line mode when not on a terminal)."""
    _Globals.home = home
    _Globals.user = user
    _Globals.deck_paths = list(deck_path or [])
    _Globals.debug = debug
    if ctx.invoked_subcommand is None:
        _study(deck=None, tag=None, limit=None, plain=False, home_screen=True)


def context() -> AppContext:
    """The command's context, built once from the global options."""
    if _Globals.context is None:
        from dlcards.config import resolve_home
        from dlcards.context import AppContext

        _Globals.context = AppContext(
            resolve_home(_Globals.home), _Globals.user, _Globals.deck_paths, _Globals.debug
        )
    return _Globals.context


# "path:line: " at the start of a located message; a warning says so after it.
_LOCATION = re.compile(r"^(.*?:\d+: )")


def report_deck_errors(errors: list[str]) -> None:
    """One stderr line per deck that failed to load: its first error (DESIGN §7)."""
    from dlcards.collection import errors_by_file

    for path, messages in errors_by_file(errors).items():
        first = messages[0].splitlines()[0] if messages[0] else path
        more = len(messages) - 1
        if more:
            first += f" (and {more} more: 'dlcards validate {path}' lists them)"
        typer.echo(f"dlcards: {one_line(first)}", err=True)


def require_decks(ids: list[str] | None) -> list[str]:
    """Check ``--deck`` ids against the loaded decks."""
    ids = list(ids or [])
    known = {d.id for d in context().collection.decks}
    for deck_id in ids:
        if deck_id not in known:
            raise UserError(f"no deck with id '{deck_id}'", "run 'dlcards decks' to list them")
    return ids


DeckOption = Annotated[
    list[str] | None, typer.Option("--deck", help="Deck id (repeatable).", show_default=False)
]


@app.command()
def decks(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List the decks with their cards, new and due counts."""
    from dlcards.stats import deck_counts

    ctx = context()
    collection = ctx.collection
    report_deck_errors(collection.errors)
    states = ctx.store.states(ctx.profile)
    if json_out:
        import json

        # The JSON counts are DESIGN §7's, to the letter: a suspended card that was never
        # reviewed is still "new". The table below, like Home, leaves suspended cards out.
        counts = deck_counts(collection, states, ctx.today())
        typer.echo(json.dumps([c.as_json() for c in counts], indent=2, ensure_ascii=False))
        return
    counts = deck_counts(collection, states, ctx.today(), ctx.store.suspended(ctx.profile))
    if not counts:
        typer.echo(f"No decks found. Put .toml decks in {ctx.home.decks_dir} or pass --deck-path.")
        return
    # Plain aligned columns: importing rich for one table costs ~100 ms.
    rows = [("deck", "name", "cards", "new", "due", "")]
    for c in counts:
        note = (
            "overrides shipped" if c.deck.overrides_shipped else "shipped" if c.deck.shipped else ""
        )
        rows.append((c.deck.id, one_line(c.deck.name), str(c.cards), str(c.new), str(c.due), note))
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if 2 <= i <= 4 else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        typer.echo("  ".join(cells).rstrip())


@app.command()
def validate(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Deck files (default: every deck).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too.")] = False,
) -> None:
    """Check decks: format, ids, and every compute card generated, solved and re-parsed."""
    from pathlib import Path

    from dlcards.collection import discover, shipped_decks_dir
    from dlcards.validate import validate_files

    ctx = context()
    if paths:
        files = [Path(p) for p in paths]
        missing = [p for p in files if not p.is_file()]
        if missing:
            raise UserError(f"{missing[0]}: no such file", "check the path")
        shipped_dir = shipped_decks_dir().resolve()
        shipped = [p for p in files if p.resolve().parent == shipped_dir]
    else:
        sources, problems = discover(ctx.home.decks_dir, ctx.deck_paths)
        report_deck_errors(problems)
        files = [s.path for s in sources]
        shipped = [s.path for s in sources if s.shipped]
    report = validate_files(files, shipped)
    for line in report.errors:
        typer.echo(one_line(line))  # path:line: message (DESIGN §3)
    for line in report.warnings:
        located = _LOCATION.match(line)
        typer.echo(
            one_line(
                f"{located[1]}warning: {line[located.end() :]}" if located else f"warning: {line}"
            )
        )
    typer.echo(
        f"{report.decks} deck(s), {report.cards} card(s), {report.compute_checks} compute "
        f"instance(s) checked: {len(report.errors)} error(s), {len(report.warnings)} warning(s)."
    )
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


@app.command()
def study(
    deck: DeckOption = None,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Only cards with this tag (repeatable).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="At most N cards this session.")
    ] = None,
    plain: Annotated[bool, typer.Option("--plain", help="Line mode, even on a terminal.")] = False,
) -> None:
    """Study what is due, then new cards, then re-drills."""
    _study(deck=deck, tag=tag, limit=limit, plain=plain, home_screen=False)


def _study(
    *,
    deck: list[str] | None,
    tag: list[str] | None,
    limit: int | None,
    plain: bool,
    home_screen: bool,
) -> None:
    """Study in the TUI on a terminal, else (pipes, ``--plain``) in line mode."""
    ctx = context()
    deck_ids = require_decks(deck)
    if not plain and sys.stdin.isatty() and sys.stdout.isatty():
        # Imported here: textual costs ~150 ms and `dlcards --help` must stay fast.
        from dlcards.tui.app import make_app

        # The decks' card index (100k tuples for a big collection) lives as long as the
        # app: keep it out of the garbage collector's way while Textual allocates.
        ctx.collection.freeze()

        tui = make_app(
            store=ctx.store,
            collection=ctx.collection,
            settings=ctx.settings,
            profile=ctx.profile,
            home=ctx.home,
            clock=ctx.now,
            start="home" if home_screen else "review",
            deck_ids=deck_ids,
            tags=tag or (),
            limit=limit,
            deck_paths=ctx.deck_paths,
            before_session=ctx.before_session,
        )
        tui.run()
        if tui.crash is not None:
            raise tui.crash  # main() logs the traceback and prints one line
        # Home shows decks that failed to load; repeat them on the terminal afterwards.
        report_deck_errors(ctx.collection.errors)
        raise typer.Exit(tui.return_code or 0)

    from dlcards.plain import PlainStudy
    from dlcards.session import StudySession

    report_deck_errors(ctx.collection.errors)
    ctx.before_session()
    session = StudySession(
        ctx.store,
        ctx.collection,
        ctx.profile,
        ctx.settings,
        clock=ctx.now,
        deck_ids=deck_ids,
        tags=tag or (),
        limit=limit,
    )
    raise typer.Exit(PlainStudy(session, sys.stdin, sys.stdout).run())


@app.command()
def stats(
    deck: DeckOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Reviews, retention, streak and what is due."""
    from dlcards.stats import summary

    ctx = context()
    report_deck_errors(ctx.collection.errors)
    deck_ids = require_decks(deck)
    data = summary(ctx.store, ctx.collection, ctx.profile, ctx.today(), deck_ids)
    if json_out:
        import json

        typer.echo(json.dumps(data, indent=2))
        return
    if sys.stdout.isatty():
        # On a terminal: the same numbers drawn (heatmap, forecast, hardest cards).
        from rich.console import Console

        from dlcards.views.stats_view import gather, render_stats

        view = gather(ctx.store, ctx.collection, ctx.profile, ctx.today(), deck_ids, data)
        Console().print(render_stats(view))
        return
    retention = f"{data['retention']:.0%}" if data["retention"] is not None else "—"
    typer.echo(
        f"Profile {data['user']}: {data['reviews_today']} reviews today, "
        f"{data['reviews_total']} in all, {data['cards_seen']} cards seen, "
        f"{data['due_today']} due today, retention {retention} (30 days), "
        f"streak {data['streak_days']} day(s)."
    )


def _register_command_modules() -> None:
    # Commands of their own modules (import/export/progress/backup; practice/cards/users);
    # each module imports only typer at import time, so --help stays fast.
    from dlcards import cli_cards, cli_transfer

    cli_transfer.register(app)
    cli_cards.register(app)


_register_command_modules()


def _log_crash(exc: BaseException) -> str | None:
    """Write the traceback under ``<home>/logs/`` and return the file's path."""
    import os
    import traceback
    from datetime import datetime

    try:
        ctx = context()
        logs = ctx.home.logs_dir
        logs.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = logs / f"crash-{datetime.now():%Y%m%d-%H%M%S}.log"
        # 0600 like every file under <home> (DESIGN §5): a traceback may show card text.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("".join(traceback.format_exception(exc)))
        return str(path)
    except Exception:
        return None


def main(argv: list[str] | None = None) -> None:
    """Console entry point: one-line errors, tracebacks to a log file."""
    try:
        app(args=argv, prog_name="dlcards")
    except UserError as exc:
        typer.echo(f"dlcards: {one_line(str(exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if _Globals.debug:
            raise
        where = _log_crash(exc)
        hint = f"details in {where}" if where else "run again with --debug for details"
        # MemoryError and others may carry no message: name the type then.
        what = one_line(str(exc)) or type(exc).__name__
        typer.echo(f"dlcards: unexpected error: {what} — {hint}", err=True)
        sys.exit(1)
    finally:
        if _Globals.context is not None:
            _Globals.context.close()
