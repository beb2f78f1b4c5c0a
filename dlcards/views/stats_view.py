"""The numbers of ``dlcards stats`` as Rich renderables: tiles, heatmap, forecast, tables.

Used by the CLI (printed on a terminal) and by the TUI's Stats screen (each
piece in its own panel). Nothing here imports textual; the numbers come from
``dlcards.stats`` so the picture always agrees with ``stats --json``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dlcards import stats as core
from dlcards.cards import ComputeCard
from dlcards.collection import CardRef, Collection
from dlcards.log import CardState
from dlcards.stats_cards import CardFigures, card_figures
from dlcards.store import Store
from dlcards.textsafe import safe_text

# The calendar lives in views/heatmap.py; the Stats screen reaches it through here.
from dlcards.views.heatmap import HEATMAP_WEEKS, heatmap
from dlcards.views.heatmap import heatmap_weeks as heatmap_weeks
from dlcards.wording import plural

FORECAST_DAYS = 30
HARDEST = 10
# The panels' titles, one wording for ``dlcards stats`` and the TUI's Stats screen.
TITLES = {
    "tiles": "Today",
    "heatmap": f"Reviews · last {HEATMAP_WEEKS} weeks",
    "forecast": f"Due · next {FORECAST_DAYS} days",
    "states": "Cards by state",
    "decks": "Decks",
    "hardest": f"Hardest {HARDEST} cards · lowest EF, most lapses",
}

STATE_STYLES = {"new": "#5a9bd5", "learning": "#e5a33b", "mature": "#4fb96a"}
_BLOCKS = " ▁▂▃▄▅▆▇█"


@dataclass
class DeckLine:
    name: str
    cards: int
    new: int
    learning: int
    mature: int
    due: int


SCHEDULER_NAMES = {"sm2": "SM-2", "fsrs": "FSRS"}


@dataclass
class StatsData:
    """Everything the stats views show, for one profile and a set of decks."""

    profile: str
    today: date
    scope: str  # "All decks" or the deck's name
    summary: dict
    per_day: dict[date, int]  # reviews (re-drills apart, in redrills)
    forecast: list[int]
    states: dict[str, int]
    hardest: list[tuple[str, str, CardState]]  # (title, deck name, state)
    decks: list[DeckLine] = field(default_factory=list)
    redrills: int = 0  # re-drills over the heatmap's weeks, named apart from reviews
    redrill_days: dict[date, int] = field(default_factory=dict)  # the same, per day


def gather(
    store: Store,
    collection: Collection,
    profile: str,
    today: date,
    deck_ids: Sequence[str] = (),
    summary: dict | None = None,
) -> StatsData:
    """Collect the numbers for ``deck_ids`` (all decks when empty).

    ``summary``: the ``stats --json`` object when the caller already has it.
    """
    if summary is None:
        summary = core.summary(store, collection, profile, today, deck_ids)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=HEATMAP_WEEKS - 1)
    per_day = core.reviews_per_day(store, profile, first, today, deck_ids)
    drills = core.reviews_per_day(store, profile, first, today, deck_ids, redrills=True)
    names = deck_labels(collection)
    figures = card_figures(store, collection, profile, today, deck_ids, FORECAST_DAYS, HARDEST)
    if figures is None:  # a damaged state cache: every state read (and clamped) in Python
        figures = _figures_card_by_card(store, collection, profile, today, deck_ids)
    hardest = [
        (safe_text(card_title(collection, ref)), names.get(ref.deck_id, ref.deck_id), state)
        for ref, state in figures.hardest
    ]
    decks: list[DeckLine] = []
    if len(deck_ids) != 1:
        for deck in collection.decks:
            if deck.id not in figures.by_deck:
                continue
            by_state = figures.by_deck[deck.id]
            decks.append(
                DeckLine(
                    names.get(deck.id, deck.id),
                    by_state["cards"],
                    by_state["new"],
                    by_state["learning"],
                    by_state["mature"],
                    by_state["due"],
                )
            )
    scope = "All decks"
    if len(deck_ids) == 1:
        scope = names.get(deck_ids[0], deck_ids[0])
    elif deck_ids:
        scope = ", ".join(names.get(d, d) for d in deck_ids)
    return StatsData(
        profile,
        today,
        scope,
        summary,
        per_day,
        figures.forecast,
        figures.states,
        hardest,
        decks,
        sum(drills.values()),
        drills,
    )


def _figures_card_by_card(
    store: Store, collection: Collection, profile: str, today: date, deck_ids: Sequence[str]
) -> CardFigures:
    """``card_figures`` the slow way, from a CardState per reviewed card."""
    states = store.states(profile)
    refs = collection.all_refs(deck_ids or None)
    wanted = set(deck_ids) if deck_ids else None
    by_deck = {}
    for count in core.deck_counts(collection, states, today):
        if wanted is None or count.deck.id in wanted:
            by_deck[count.deck.id] = {
                **core.state_counts(states, count.deck.cards),
                "due": count.due,
                "cards": count.cards,
            }
    return CardFigures(
        core.forecast(states, refs, today, FORECAST_DAYS),
        core.state_counts(states, refs),
        by_deck,
        core.hardest(states, refs, HARDEST),
    )


def deck_labels(collection: Collection) -> dict[str, str]:
    """Each deck's name by id; with the id after it when another deck has the same name.

    An import under a new ``--deck-id`` keeps the name, and rows named alike cannot be
    told apart. Deck text is text: control characters made visible here, markup never
    parsed where it is shown.
    """
    taken = Counter(d.name for d in collection.decks)
    return {
        d.id: safe_text(d.name if taken[d.name] == 1 else f"{d.name} ({d.id})")
        for d in collection.decks
    }


_MARKUP = re.compile(r"[*_`#>]+")


def card_title(collection: Collection, ref: CardRef, width: int = 60) -> str:
    """A one-line name for a card: its front's first line, else its id and problem."""
    try:
        card = collection.card(ref)
    except Exception:  # a deck changed on disk since it was loaded: the id still names it
        return ref.card_id
    front = card.front or ""
    line = next((ln.strip() for ln in front.splitlines() if ln.strip()), "")
    line = _MARKUP.sub("", line).strip()
    if not line and isinstance(card, ComputeCard):
        from dlcards.problems.catalog import SPECS

        spec = SPECS.get(card.problem)
        # The id first: two compute cards of one problem have the same title, and a
        # narrow column cuts the end of the line (issue 13: "Hardest 10" showed two
        # cards as the same "compute: Convolution out…").
        line = f"{ref.card_id} · compute: {spec.title if spec else card.problem}"
    line = line or ref.card_id
    return line if len(line) <= width else line[: width - 1] + "…"


# --- pieces ---------------------------------------------------------------------


def tiles(data: StatsData) -> Table:
    """The headline numbers, three to a row so they fit 80 columns."""
    s = data.summary
    retention = f"{s['retention']:.0%}" if s["retention"] is not None else "—"
    streak = s["streak_days"]
    items = [
        (str(s["reviews_today"]), "reviews today"),
        (str(s["due_today"]), "due today"),
        (plural(streak, "day"), "streak"),
        (str(s["reviews_total"]), "reviews in all"),
        (str(s["cards_seen"]), "cards seen"),
        (retention, "30-day retention"),
    ]
    grid = Table.grid(expand=True, padding=(0, 1))
    for _ in range(3):
        grid.add_column(ratio=1)
    for row in (items[:3], items[3:]):
        grid.add_row(
            *(Text.assemble((value, "bold"), "\n", (label, "dim")) for value, label in row)
        )
    return grid


def forecast_chart(counts: Sequence[int], height: int = 6) -> Text:
    """Cards due on each of the next days as vertical bars (overdue counted today)."""
    total = sum(counts)
    if not total:
        return Text(
            "Nothing is scheduled for the next 30 days: study new cards to fill it.", style="dim"
        )
    peak = max(counts)
    axis = len(str(peak))
    eighths = [0 if c == 0 else max(1, round(c / peak * height * 8)) for c in counts]
    text = Text()
    for row in range(height - 1, -1, -1):
        label = str(peak) if row == height - 1 else "0" if row == 0 else ""
        text.append(f"{label:>{axis}} ", style="dim")
        text.append("┤" if label else "│", style="dim")
        for day, value in enumerate(eighths):
            fill = min(8, max(0, value - row * 8))
            style = "#e5a33b" if day == 0 else "#5a9bd5"
            text.append(_BLOCKS[fill], style=style)
            text.append(" ")
        text.rstrip()
        text.append("\n")
    text.append(" " * axis + " └" + "─" * (len(counts) * 2 - 1) + "\n", style="dim")
    marks = [" "] * (len(counts) * 2 + 6)
    for day, label in ((0, "today"), (7, "+7d"), (14, "+14d"), (21, "+21d"), (28, "+28d")):
        if day < len(counts):
            marks[day * 2 : day * 2 + len(label)] = list(label)
    text.append(" " * (axis + 2) + "".join(marks).rstrip() + "\n", style="dim")
    week = sum(counts[:7])
    text.append(
        f"{counts[0]} due today (overdue included), {week} this week, "
        f"{total} in the next {len(counts)} days",
        style="dim",
    )
    return text


def state_bar(states: dict[str, int], width: int = 48) -> Text:
    """Cards by state: new, learning (interval < 21 days), mature, as a stacked bar."""
    total = sum(states.values())
    text = Text()
    if total:
        widths = {k: round(v / total * width) for k, v in states.items()}
        # Rounding may leave the bar a cell short or long; the largest part absorbs it.
        biggest = max(widths, key=lambda k: states[k])
        widths[biggest] += width - sum(widths.values())
        for key, cells in widths.items():
            text.append("█" * cells, style=STATE_STYLES[key])
        text.append("\n")
    for index, (key, value) in enumerate(states.items()):
        if index:
            text.append("   ")
        text.append("■ ", style=STATE_STYLES[key])
        label = "mature (≥ 21 d)" if key == "mature" else key
        text.append(f"{label} ", style="dim")
        text.append(str(value), style="bold")
    return text


def hardest_table(
    rows: Sequence[tuple[str, str, CardState]], show_deck: bool = True
) -> RenderableType:
    """The cards with the lowest easiness, then the most lapses."""
    if not rows:
        return Text("No reviews yet: the hardest cards show up here.", style="dim")
    table = Table(box=None, pad_edge=False, expand=True, show_edge=False, header_style="dim")
    table.add_column("card", ratio=1, no_wrap=True, overflow="ellipsis")
    if show_deck:
        table.add_column("deck", max_width=18, no_wrap=True, overflow="ellipsis", style="dim")
    table.add_column("EF", justify="right")
    table.add_column("lapses", justify="right")
    table.add_column("due", justify="right", no_wrap=True)
    for title, deck, state in rows:
        cells: list[RenderableType] = [Text(title)]
        if show_deck:
            cells.append(Text(deck))
        due = state.sm2.due.isoformat() if state.sm2.due else "—"
        lapses = Text(str(state.lapses), style="#e06c75" if state.lapses else "")
        cells += [f"{state.sm2.easiness:.2f}", lapses, due]
        table.add_row(*cells)
    return table


def decks_table(lines: Sequence[DeckLine]) -> RenderableType:
    table = Table(box=None, pad_edge=False, expand=True, show_edge=False, header_style="dim")
    table.add_column("deck", ratio=1, no_wrap=True, overflow="ellipsis")
    for name in ("cards", "new", "learning", "mature", "due"):
        table.add_column(name, justify="right")
    for line in lines:
        table.add_row(
            Text(line.name),
            str(line.cards),
            str(line.new),
            str(line.learning),
            str(line.mature),
            str(line.due),
        )
    return table


# --- the whole page (CLI) -----------------------------------------------------------


def render_stats(data: StatsData) -> Group:
    """All the pieces in titled panels, for ``dlcards stats`` on a terminal."""

    def panel(body: RenderableType, title: str) -> Panel:
        return Panel(body, title=title, title_align="left", border_style="grey50", padding=(0, 1))

    parts: list[RenderableType] = [
        Text.assemble(
            ("dlcards stats", "bold"),
            f" · {safe_text(data.profile)} · {data.scope} · "
            f"{SCHEDULER_NAMES.get(data.summary.get('scheduler', 'sm2'), 'SM-2')} · ",
            (data.today.isoformat(), "dim"),
        ),
        panel(tiles(data), TITLES["tiles"]),
        panel(
            heatmap(data.per_day, data.today, redrills=data.redrills),
            TITLES["heatmap"],
        ),
        panel(forecast_chart(data.forecast), TITLES["forecast"]),
        panel(state_bar(data.states), TITLES["states"]),
    ]
    if len(data.decks) > 1:
        parts.append(panel(decks_table(data.decks), TITLES["decks"]))
    parts.append(
        panel(
            hardest_table(data.hardest, show_deck=len(data.decks) != 1),
            TITLES["hardest"],
        )
    )
    return Group(*parts)
