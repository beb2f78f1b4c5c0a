"""CLI commands for practice and card management: ``practice``, ``cards``, ``users``.

Only typer and the standard library are imported here: everything else loads
inside the commands, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from dlcards.textsafe import safe_text

if TYPE_CHECKING:
    from dlcards.browse import CardRow
    from dlcards.collection import CardRef
    from dlcards.context import AppContext


class CardState(StrEnum):
    new = "new"
    learning = "learning"
    mature = "mature"
    suspended = "suspended"
    leech = "leech"


def _context() -> AppContext:
    from dlcards.cli import context

    return context()


DeckOption = Annotated[
    list[str] | None, typer.Option("--deck", help="Deck id (repeatable).", show_default=False)
]
TagOption = Annotated[
    list[str] | None,
    typer.Option("--tag", help="Only cards with this tag (repeatable).", show_default=False),
]


# --- practice --------------------------------------------------------------------------


def practice(
    deck: DeckOption = None,
    tag: TagOption = None,
    minutes: Annotated[
        float | None,
        typer.Option("--minutes", min=0.1, help="Stop after M minutes.", show_default=False),
    ] = None,
    count: Annotated[
        int | None, typer.Option("--count", min=1, help="Stop after N cards.", show_default=False)
    ] = None,
    compute_only: Annotated[
        bool, typer.Option("--compute-only", help="Endless compute drills, fresh numbers.")
    ] = False,
    interview: Annotated[
        bool, typer.Option("--interview", help="A clock per card, no hints.")
    ] = False,
    plain: Annotated[bool, typer.Option("--plain", help="Line mode, even on a terminal.")] = False,
) -> None:
    """Practise regardless of the schedule, weakest cards first; the schedule is unchanged."""
    from dlcards.cli import report_deck_errors, require_decks

    ctx = _context()
    deck_ids = require_decks(deck)
    options: dict[str, Any] = dict(
        deck_ids=deck_ids,
        tags=tuple(tag or ()),
        compute_only=compute_only,
        interview=interview,
        minutes=minutes,
        count=count,
    )
    if not plain and sys.stdin.isatty() and sys.stdout.isatty():
        from dlcards.tui.app import make_app

        tui = make_app(
            store=ctx.store,
            collection=ctx.collection,
            settings=ctx.settings,
            profile=ctx.profile,
            home=ctx.home,
            clock=ctx.now,
            start="practice",
            practice=options,
            deck_paths=ctx.deck_paths,
            before_session=ctx.before_session,
        )
        tui.run()
        report_deck_errors(ctx.collection.errors)
        raise typer.Exit(tui.return_code or 0)

    from dlcards.plain import PlainPractice
    from dlcards.practice import PracticeSession

    report_deck_errors(ctx.collection.errors)
    ctx.before_session()  # the daily backup, as before studying
    session = PracticeSession(
        ctx.store, ctx.collection, ctx.profile, ctx.settings, clock=ctx.now, **options
    )
    raise typer.Exit(PlainPractice(session, sys.stdin, sys.stdout).run())


# --- cards -----------------------------------------------------------------------------


def cards_list(
    deck: DeckOption = None,
    tag: TagOption = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            help="Words in the front or back (case and accents ignored).",
            show_default=False,
        ),
    ] = None,
    state: Annotated[
        CardState | None,
        typer.Option("--state", help="Only cards in this state.", show_default=False),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List cards with their deck, tags, state, EF, interval, due date and lapses."""
    from dlcards.browse import Filters, find_cards
    from dlcards.cli import report_deck_errors, require_decks

    ctx = _context()
    report_deck_errors(ctx.collection.errors)
    filters = Filters(
        tuple(require_decks(deck)), tuple(tag or ()), query or "", state.value if state else None
    )
    threshold = ctx.settings.leech_threshold
    rows = find_cards(ctx.store, ctx.collection, ctx.profile, filters, threshold)
    if json_out:
        import json

        from dlcards.browse import fill_fronts

        rows = fill_fronts(ctx.collection, rows)
        typer.echo(json.dumps([r.as_json(threshold) for r in rows], indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("No cards match.", err=True)
        return
    _print_table(rows, threshold)


def _print_table(rows: list[CardRow], threshold: int) -> None:
    from dlcards.browse import fill_fronts

    ctx = _context()
    rows = fill_fronts(ctx.collection, rows)
    header = ("card", "state", "ef", "ivl", "due", "lapses", "tags", "front")
    lines = [header]
    for r in rows:
        marks = (
            [r.state_name]
            + (["suspended"] if r.suspended else [])
            + (["leech"] if r.is_leech(threshold) else [])
        )
        lines.append(
            (
                f"{r.ref.deck_id}:{r.ref.card_id}",
                ",".join(marks),
                f"{r.ef:.2f}" if r.ef is not None else "—",
                str(r.interval) if r.interval is not None else "—",
                r.due or "—",
                str(r.lapses),
                safe_text(" ".join(r.ref.tags)),
                safe_text(" ".join((r.front or "").split())),
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = sys.stdout
    for line in lines:
        cells = [
            cell.rjust(widths[i]) if i in (2, 3, 5) else cell.ljust(widths[i])
            for i, cell in enumerate(line[:-1])
        ]
        front = line[-1]
        out.write(
            "  ".join([*cells, front[:60] + ("…" if len(front) > 60 else "")]).rstrip() + "\n"
        )
    if sys.stdout.isatty():
        out.write(f"{len(rows)} card{'s' if len(rows) != 1 else ''}\n")


CardArgs = Annotated[
    list[str],
    typer.Argument(help="Cards as DECK:CARD (see 'dlcards cards list').", show_default=False),
]


def _refs(keys: list[str]) -> list[CardRef]:
    """Every DECK:CARD given, checked before anything is changed."""
    from dlcards.browse import parse_card_key
    from dlcards.errors import UserError

    ctx = _context()
    refs = []
    for key in keys:
        if ":" not in key:
            raise UserError(f"'{key}' is not DECK:CARD", "write the deck id, ':', the card id")
        ref = parse_card_key(ctx.collection, key)
        if ref is None:
            raise UserError(
                f"no card '{key}' in the loaded decks",
                "find its DECK:CARD with 'dlcards cards list --query WORDS'",
            )
        refs.append(ref)
    return refs


def cards_suspend(cards: CardArgs) -> None:
    """Suspend cards: never shown (reviews, re-drills, practice) until unsuspended."""
    ctx = _context()
    for ref in _refs(cards):
        row = ctx.store.suspend(ctx.profile, *ref.key, ctx.now(), ctx.today())
        verb = "Suspended" if row else "Already suspended:"
        typer.echo(f"{verb} {ref.deck_id}:{ref.card_id}")


def cards_unsuspend(cards: CardArgs) -> None:
    """Bring suspended cards back into reviews and practice."""
    ctx = _context()
    for ref in _refs(cards):
        row = ctx.store.unsuspend(ctx.profile, *ref.key, ctx.now(), ctx.today())
        verb = "Unsuspended" if row else "Not suspended:"
        typer.echo(f"{verb} {ref.deck_id}:{ref.card_id}")


def cards_reset(cards: CardArgs) -> None:
    """Make cards new again (lapses too); their history stays in the log."""
    ctx = _context()
    for ref in _refs(cards):
        name = f"{ref.deck_id}:{ref.card_id}"
        if ctx.store.state(ctx.profile, *ref.key) is None:
            typer.echo(f"Already new: {name}")
            continue
        ctx.store.reset(ctx.profile, *ref.key, ctx.now(), ctx.today())
        still = " (still suspended)" if ctx.store.is_suspended(ctx.profile, *ref.key) else ""
        typer.echo(f"Reset {name}: new again{still}")


# --- users -----------------------------------------------------------------------------


def users_list(ctx: typer.Context) -> None:
    """List the profiles on this machine (or add, rename, delete one)."""
    if ctx.invoked_subcommand is not None:
        return
    app = _context()
    current = app.profile
    for name, reviews, last_day in app.store.profiles():
        mark = "*" if name == current else " "
        last = f", last studied {last_day}" if last_day else ""
        typer.echo(f"{mark} {name}  ({reviews} reviews{last})")


NameArg = Annotated[
    str, typer.Argument(help="A profile name: a–z, 0–9, '_', '-' (1–32).", show_default=False)
]


def _existing(name: str) -> str:
    from dlcards.config import check_profile_name
    from dlcards.errors import UserError

    check_profile_name(name)
    if not _context().store.has_profile(name):
        raise UserError(f"no profile '{name}'", "run 'dlcards users' to list them")
    return name


def _fresh(name: str) -> str:
    from dlcards.config import check_profile_name
    from dlcards.errors import UserError

    check_profile_name(name)
    if _context().store.has_profile(name):
        raise UserError(f"profile '{name}' already exists", "choose another name")
    return name


def users_add(name: NameArg) -> None:
    """Create a profile (its progress starts empty)."""
    ctx = _context()
    ctx.store.ensure_profile(_fresh(name), ctx.now())
    typer.echo(f"Added profile {name}; study as it with 'dlcards --user {name}'.")


def users_rename(old: NameArg, new: NameArg) -> None:
    """Rename a profile, keeping every review and state it has."""
    from dlcards import config

    ctx = _context()
    ctx.store.rename_profile(_existing(old), _fresh(new))
    note = ""
    named = ctx.settings.user == old
    # The profile a plain 'dlcards' opens (config.toml's user, or the login name's):
    # point config.toml at the new name, or the next start opens an empty 'old'.
    if config.follow_rename(ctx.home, ctx.settings, old, new):
        note = (
            " (config.toml's user updated)"
            if named
            else f' (config.toml now has user = "{new}", so dlcards keeps opening it)'
        )
    typer.echo(f"Renamed profile {old} to {new}{note}.")


def users_delete(
    name: NameArg,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a profile and all its progress (a backup of the database is made first)."""
    from dlcards import backup
    from dlcards.errors import UserError

    ctx = _context()
    _existing(name)
    reviews = next((n for p, n, _ in ctx.store.profiles() if p == name), 0)
    if not yes:
        question = f"Delete profile '{name}' and its {reviews} reviews?"
        try:
            confirmed = typer.confirm(question, default=False)
        except typer.Abort:  # end of input: a no
            typer.echo()
            confirmed = False
        if not confirmed:
            raise UserError(
                f"profile '{name}' was not deleted", "answer y to delete it, or pass --yes"
            )
    # A copy that 'dlcards backup list' shows and rotation never deletes.
    saved = backup.save_copy(ctx.home, ctx.now(), f"delete-{name}")
    if saved is None:
        raise UserError(
            "the progress database could not be backed up",
            "nothing was deleted; check the home folder",
        )
    rows = ctx.store.delete_profile(name)
    typer.echo(
        f"Deleted profile {name} ({rows} log rows). A copy of the database was saved first: {saved}"
    )
    if ctx.settings.user == name:
        typer.echo(
            "config.toml still names it as your profile: set user there, or it starts "
            "afresh next time."
        )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("practice")(practice)
    cards = typer.Typer(
        help="List and search cards; suspend, unsuspend or reset them.", no_args_is_help=True
    )
    cards.command("list")(cards_list)
    cards.command("suspend")(cards_suspend)
    cards.command("unsuspend")(cards_unsuspend)
    cards.command("reset")(cards_reset)
    app.add_typer(cards, name="cards")
    users = typer.Typer(
        help="List the profiles; add, rename or delete one.", invoke_without_command=True
    )
    users.callback()(users_list)
    users.command("add")(users_add)
    users.command("rename")(users_rename)
    users.command("delete")(users_delete)
    app.add_typer(users, name="users")
