"""``dlcards cards``: list and search cards; suspend, unsuspend or reset them.

Only typer and the standard library are imported here: everything else loads
inside the commands, so ``dlcards --help`` stays fast.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from dlcards.cli.shared import (
    DeckOption,
    TagOption,
    aligned_lines,
    app_context,
    report_deck_errors,
    require_decks,
)

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


FRONT_WIDTH = 60  # characters of the front shown in the table; the rest becomes '…'


def cards_list(
    cli: typer.Context,
    deck: DeckOption = None,
    tag: TagOption = None,
    query: Annotated[
        str | None,
        typer.Option(
            "--query",
            metavar="QUERY",
            help='Words or "phrases" (case and accents ignored), and tag:NAME, deck:ID, '
            "is:new|learning|mature|suspended|leech, as the card browser reads them.",
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
    from dlcards.browse import Filters, fill_fronts, find_cards, parse_filters

    ctx = app_context(cli)
    report_deck_errors(ctx.collection.errors)
    # --query reads as the browser's search box does: words and "phrases", plus
    # tag:NAME, deck:ID and is:STATE, added to the --deck, --tag and --state options.
    typed = parse_filters(query or "")
    filters = Filters(
        tuple(require_decks(ctx, deck)) + typed.deck_ids,
        tuple(tag or ()) + typed.tags,
        typed.query,
        state.value if state else typed.state,
    )
    threshold = ctx.settings.leech_threshold
    rows = find_cards(ctx.store, ctx.collection, ctx.profile, filters, threshold)
    if json_out:
        import json

        filled = fill_fronts(ctx.collection, list(rows))
        typer.echo(json.dumps([r.as_json(threshold) for r in filled], indent=2, ensure_ascii=False))
        return
    if not rows:
        typer.echo("No cards match.", err=True)
        return
    _print_table(fill_fronts(ctx.collection, list(rows)), threshold)


def _print_table(rows: list[CardRow], threshold: int) -> None:
    table = [("card", "state", "ef", "ivl", "due", "lapses", "tags", "front")]
    for r in rows:
        marks = (
            [r.state_name]
            + (["suspended"] if r.suspended else [])
            + (["leech"] if r.is_leech(threshold) else [])
        )
        front = " ".join((r.front or "").split())
        table.append(
            (
                f"{r.ref.deck_id}:{r.ref.card_id}",
                ",".join(marks),
                f"{r.ef:.2f}" if r.ef is not None else "—",
                str(r.interval) if r.interval is not None else "—",
                r.due or "—",
                str(r.lapses),
                " ".join(r.ref.tags),
                front[:FRONT_WIDTH] + ("…" if len(front) > FRONT_WIDTH else ""),
            )
        )
    out = sys.stdout
    for line in aligned_lines(table, right=(2, 3, 5)):
        out.write(line + "\n")
    if out.isatty():
        from dlcards.wording import plural

        out.write(f"{plural(len(rows), 'card')}\n")


CardArgs = Annotated[
    list[str],
    typer.Argument(
        metavar="DECK:CARD...",
        help="Cards as DECK:CARD (see 'dlcards cards list').",
        show_default=False,
    ),
]


def _refs(ctx: AppContext, keys: list[str]) -> list[CardRef]:
    """Every DECK:CARD given, checked before anything is changed."""
    from dlcards.browse import parse_card_key
    from dlcards.errors import UserError

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


def _set_suspended(ctx: AppContext, keys: list[str], suspend: bool) -> None:
    """Suspend or unsuspend each card; one line each, saying when nothing had to change."""
    change = ctx.store.suspend if suspend else ctx.store.unsuspend
    done, unchanged = (
        ("Suspended", "Already suspended:") if suspend else ("Unsuspended", "Not suspended:")
    )
    for ref in _refs(ctx, keys):
        row = change(ctx.profile, *ref.key, ctx.now(), ctx.today())
        typer.echo(f"{done if row else unchanged} {ref.deck_id}:{ref.card_id}")


def cards_suspend(cli: typer.Context, cards: CardArgs) -> None:
    """Suspend cards: never shown (reviews, re-drills, practice) until unsuspended."""
    _set_suspended(app_context(cli), cards, suspend=True)


def cards_unsuspend(cli: typer.Context, cards: CardArgs) -> None:
    """Bring suspended cards back into reviews and practice."""
    _set_suspended(app_context(cli), cards, suspend=False)


def cards_reset(cli: typer.Context, cards: CardArgs) -> None:
    """Make cards new again (lapses too); their history stays in the log."""
    ctx = app_context(cli)
    for ref in _refs(ctx, cards):
        name = f"{ref.deck_id}:{ref.card_id}"
        if ctx.store.state(ctx.profile, *ref.key) is None:
            typer.echo(f"Already new: {name}")
            continue
        ctx.store.reset(ctx.profile, *ref.key, ctx.now(), ctx.today())
        still = " (still suspended)" if ctx.store.is_suspended(ctx.profile, *ref.key) else ""
        typer.echo(f"Reset {name}: new again{still}")


def register(app: typer.Typer) -> None:
    """Add the ``cards`` group to the main app."""
    cards = typer.Typer(
        help="List and search cards; suspend, unsuspend or reset them.", no_args_is_help=True
    )
    cards.command("list")(cards_list)
    cards.command("suspend")(cards_suspend)
    cards.command("unsuspend")(cards_unsuspend)
    cards.command("reset")(cards_reset)
    app.add_typer(cards, name="cards")
