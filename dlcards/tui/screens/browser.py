"""Cards: every card of every deck, searchable; Enter opens a card's history.

The search box takes words (matched in the front, back and card id, case and
accents ignored) and filters: ``tag:NAME``, ``deck:ID``, ``is:new|learning|mature|
suspended|leech``. Listing and searching go through ``dlcards.browse`` (SQL on
the parse cache), so 100,000 cards open in well under a second. Focus starts on
the list (arrows, Enter); typing there goes to the search box.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, cast

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from dlcards.browse import CardRow, Filters, fill_fronts, find_cards, parse_filters
from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.widgets.card_list import CardList
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.ordered_input import OrderedInput
from dlcards.tui.widgets.title_bar import TitleBar
from dlcards.wording import plural

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp

SEARCH_DELAY = 0.15  # seconds of no typing before the list follows the box
PLACEHOLDER = "words · tag:NAME · deck:ID · is:new|learning|mature|suspended|leech"
SHORT_PLACEHOLDER = "words · tag:NAME · deck:ID · is:STATE (? lists them)"


class Part(NamedTuple):
    text: str
    style: str = ""
    drop: int = 0  # 0: always shown; else left out when short of room, highest first


class DetailLine:
    """The highlighted card in one line, made to fit the width it is drawn at.

    Suspended and leech, and the tags (not in the list below 90 columns), matter
    most; the Enter hint (the footer has it too), the type, the review count and
    the suspension's date (the card's page has it) are left out first, in that
    order, so a narrow screen cuts none of the rest.
    """

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts

    def fitted(self, width: int) -> Text:
        parts = list(self.parts)
        while sum(cell_len(p.text) for p in parts) > width and any(p.drop for p in parts):
            highest = max(p.drop for p in parts)
            parts = [p for p in parts if p.drop != highest]
        text = Text(no_wrap=True, overflow="ellipsis")
        for part in parts:
            text.append(part.text, style=part.style)
        text.truncate(width, overflow="ellipsis")
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.fitted(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        full = sum(cell_len(p.text) for p in self.parts)
        return Measurement(min(full, options.max_width), full)


class BrowserScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("down", "to_list", "List", show=False),
        Binding("escape", "back", "Home"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__(id="browser")
        self._text = text
        self._timer: Timer | None = None
        self._shown: str | None = None

    @property
    def dlcards_app(self) -> DlcardsApp:
        return cast("DlcardsApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.dlcards_app
        yield TitleBar("Cards", app.profile, id="title")
        yield OrderedInput(
            self._text,
            placeholder=PLACEHOLDER,
            id="browse-query",
            # The screen selects the query itself on /: selecting again when the Focus
            # event arrives would swallow what was typed in between (issue 13).
            select_on_focus=False,
        )
        yield CardList(self._fronts, app.settings.leech_threshold, id="browse-list")
        yield Static(id="browse-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one(Input).cursor_blink = False
        self.query_one(CardList).focus()
        self.reload()

    def on_resize(self) -> None:
        # The whole placeholder where it fits, else one that is not cut (known issue 11).
        box = self.query_one(Input)
        room = box.content_size.width or self.app.size.width - 8  # margin, border, padding
        box.placeholder = PLACEHOLDER if len(PLACEHOLDER) < room else SHORT_PLACEHOLDER

    def on_screen_resume(self) -> None:
        if self._shown is not None:  # back from a card: its state may have changed
            # …and its text, if it was edited there (the decks were reloaded): the list
            # keeps the fronts it has read, so they are read again.
            self.query_one(CardList).forget_fronts()
            self.reload(keep=True)

    def _fronts(self, rows: list[CardRow]) -> list[CardRow]:
        return fill_fronts(self.dlcards_app.collection, rows)

    # --- searching ------------------------------------------------------------------

    def filters(self) -> Filters:
        return parse_filters(self.query_one(Input).value)

    def reload(self, *, keep: bool = False) -> None:
        """List the cards the box asks for (keeping the highlighted card if asked)."""
        app = self.dlcards_app
        card_list = self.query_one(CardList)
        current = card_list.current
        filters = self.filters()
        rows = find_cards(
            app.store,
            app.collection,
            app.profile,
            filters,
            app.settings.leech_threshold,
            with_front=False,
            lazy=True,
        )
        card_list.show(rows, keep=current.ref.key if keep and current else None)
        self._shown = self.query_one(Input).value
        total = sum(len(d.cards) for d in app.collection.decks) if not filters.active else None
        count = plural(len(rows), "card", grouped=True)
        self.query_one(TitleBar).info = (
            f"{app.profile} · {count}" if total is None else f"{app.profile} · all {count}"
        )
        if not rows:
            self.query_one("#browse-detail", Static).update(
                Text(
                    "No card matches. Words are matched in fronts, backs and ids; filters: "
                    "tag:NAME deck:ID is:STATE.",
                    style="dim",
                )
            )

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(SEARCH_DELAY, self._search_now)

    def _search_now(self) -> None:
        self._timer = None
        if self.query_one(Input).value != self._shown:
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box opens the first match (Down moves into the list)."""
        event.stop()
        self._search_now()
        card_list = self.query_one(CardList)
        card_list.focus()
        first = card_list.current  # a new search puts the cursor on its first match
        if first is not None:
            from dlcards.tui.screens.card import CardScreen

            self.app.push_screen(CardScreen(first.ref))

    def on_key(self, event: events.Key) -> None:
        """A character that reaches the screen goes into the search box, in order.

        Typed on the list, it starts a search as / and then the character would (the
        list has no character keys of its own; the keys bound here, / and ?, keep their
        meaning: this runs before the bindings). Keys that arrive while focus is still
        moving (right after /, or before the screen's first focus) land here too, and
        are put into the box at once, so a fast typist or a paste loses nothing.
        """
        if not event.is_printable:
            return
        bound = self.active_bindings
        if any(key in bound for key in (event.key, *event.aliases)):
            return
        event.stop()
        event.prevent_default()
        box = self.query_one(Input)
        if self.focused is not box:
            # From the list: a new search, as after / (the old query is replaced).
            self.set_focus(box)
            box.select_all()
        assert event.character is not None
        selection = box.selection
        if selection.is_empty:
            box.insert_text_at_cursor(event.character)
        else:  # the old query, selected by /: the character replaces it
            box.replace(event.character, *selection)

    def action_search(self) -> None:
        # Focus and select now, not when the Focus event arrives: characters typed
        # right after / are already on their way and must replace the old query.
        box = self.query_one(Input)
        if self.focused is not box:  # not when characters typed after / arrived first
            self.set_focus(box)
            box.select_all()

    def action_to_list(self) -> None:
        """Down in the search box: into the list, at its first card."""
        self._search_now()
        self.query_one(CardList).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Down moves within the list when the list has the focus (its own binding).
        return action != "to_list" or isinstance(self.focused, Input)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(CardList).focus()
            return
        self.dlcards_app.go_home()

    # --- the highlighted card -----------------------------------------------------------

    def on_card_list_highlighted(self, message: CardList.Highlighted) -> None:
        message.stop()
        row = message.row
        widget = self.query_one("#browse-detail", Static)
        if row is None:
            return
        threshold = self.dlcards_app.settings.leech_threshold
        variables = self.app.theme_variables
        parts = [
            Part(f"{row.ref.deck_id}:{row.ref.card_id}", "bold"),
            Part(f"  {row.ref.type}", drop=3),
            Part(f"  {row.state_name}"),
        ]
        if row.reviews:
            parts.append(Part(f" · {plural(row.reviews, 'review')}", drop=2))
        if row.suspended is not None:
            warning = variables.get("warning", "yellow")
            parts += [Part(" · suspended", warning), Part(f" {row.suspended[:10]}", warning, 1)]
        if row.lapses and not row.is_leech(threshold):  # the list's Lapses column gives way
            parts.append(Part(f" · {plural(row.lapses, 'lapse')}", drop=2))
        if row.is_leech(threshold):
            parts.append(
                Part(f" · leech ({row.lapses} lapses)", f"bold {variables.get('error', 'red')}")
            )
        if row.ref.tags:
            parts.append(Part("  #" + " #".join(row.ref.tags), "dim"))
        parts.append(Part("   Enter: history and actions", "dim", drop=4))
        widget.update(DetailLine(parts))

    def on_card_list_selected(self, message: CardList.Selected) -> None:
        message.stop()
        from dlcards.tui.screens.card import CardScreen

        self.app.push_screen(CardScreen(message.row.ref))
