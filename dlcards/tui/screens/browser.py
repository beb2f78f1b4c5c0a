"""Cards: every card of every deck, searchable; Enter opens a card's history.

The search box takes words (matched in the front and back, case and accents
ignored) and filters: ``tag:NAME``, ``deck:ID``, ``is:new|learning|mature|
suspended|leech``. Listing and searching go through ``dlcards.browse`` (SQL on
the parse cache), so 100,000 cards open in well under a second.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static

from dlcards.browse import CardRow, Filters, fill_fronts, find_cards, parse_filters
from dlcards.tui.widgets.card_list import CardList
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp

SEARCH_DELAY = 0.15  # seconds of no typing before the list follows the box


class BrowserScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("escape", "back", "Home"),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, text: str = "") -> None:
        super().__init__(id="browser")
        self._text = text
        self._timer: Timer | None = None
        self._shown: str | None = None

    @property
    def dl(self) -> DlcardsApp:
        return cast("DlcardsApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.dl
        yield TitleBar("Cards", app.profile, id="title")
        yield Input(self._text, placeholder="words · tag:NAME · deck:ID · "
                    "is:new|learning|mature|suspended|leech", id="browse-query")
        yield CardList(self._fronts, app.settings.leech_threshold, id="browse-list")
        yield Static(id="browse-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.app.is_headless:
            self.query_one(Input).cursor_blink = False
        self.query_one(CardList).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self._shown is not None:  # back from a card: its state may have changed
            self.reload(keep=True)

    def _fronts(self, rows: list[CardRow]) -> list[CardRow]:
        return fill_fronts(self.dl.collection, rows)

    # --- searching ------------------------------------------------------------------

    def filters(self) -> Filters:
        return parse_filters(self.query_one(Input).value)

    def reload(self, *, keep: bool = False) -> None:
        """List the cards the box asks for (keeping the highlighted card if asked)."""
        app = self.dl
        card_list = self.query_one(CardList)
        current = card_list.current
        filters = self.filters()
        rows = find_cards(app.store, app.collection, app.profile, filters,
                          app.settings.leech_threshold, with_front=False, lazy=True)
        card_list.show(rows, keep=current.ref.key if keep and current else None)
        self._shown = self.query_one(Input).value
        total = sum(len(d.cards) for d in app.collection.decks) if not filters.active else None
        count = f"{len(rows):,} card{'s' if len(rows) != 1 else ''}"
        self.query_one(TitleBar).info = (
            f"{app.profile} · {count}" if total is None else f"{app.profile} · all {count}")
        if not rows:
            self.query_one("#browse-detail", Static).update(
                Text("No card matches. Words are matched in fronts and backs; filters: "
                     "tag:NAME deck:ID is:STATE.", style="dim"))

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
        event.stop()
        self._search_now()
        self.query_one(CardList).focus()

    def action_search(self) -> None:
        self.query_one(Input).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(CardList).focus()
            return
        self.dl.go_home()

    # --- the highlighted card -----------------------------------------------------------

    def on_card_list_highlighted(self, message: CardList.Highlighted) -> None:
        message.stop()
        row = message.row
        widget = self.query_one("#browse-detail", Static)
        if row is None:
            return
        threshold = self.dl.settings.leech_threshold
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{row.ref.deck_id}:{row.ref.card_id}", style="bold")
        text.append(f"  {row.ref.type}  {row.state_name}")
        if row.reviews:
            text.append(f" · {row.reviews} review{'s' if row.reviews != 1 else ''}")
        if row.suspended is not None:
            text.append(f" · suspended {row.suspended[:10]}",
                        style=self.app.theme_variables.get("warning", "yellow"))
        if row.is_leech(threshold):
            text.append(f" · leech ({row.lapses} lapses)",
                        style=f"bold {self.app.theme_variables.get('error', 'red')}")
        if row.ref.tags:
            text.append("  #" + " #".join(row.ref.tags), style="dim")
        text.append("   Enter: history and actions", style="dim")
        widget.update(text)

    def on_card_list_selected(self, message: CardList.Selected) -> None:
        message.stop()
        from dlcards.tui.screens.card import CardScreen

        self.app.push_screen(CardScreen(message.row.ref))
