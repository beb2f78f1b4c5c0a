"""Stats: streak, retention, heatmap, forecast, card states and the hardest cards.

The renderables come from ``dlcards.views.stats_view`` (shared with ``dlcards
stats``); this screen puts each in a titled panel, per deck or for all decks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, Tab, Tabs

from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.title_bar import TitleBar
from dlcards.views import stats_view as view

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp

ALL = "all-decks"
TAB_PADDING = 2  # a Tab's label has a cell of padding on each side
SHORTEST_TAB = 5  # below this a name says nothing: the tabs are cut instead


def fit_tab_labels(names: list[str], room: int) -> list[str]:
    """The tabs' labels, the longest names shortened first until all fit in ``room``.

    The first name is "All decks", which becomes "All" before any deck name is cut
    (known issue 10: "LLM I" at 60 columns, the names before it whole).
    """

    def width(labels: list[str]) -> int:
        return sum(len(label) + TAB_PADDING for label in labels)

    if width(names) <= room:
        return names
    labels = ["All", *names[1:]]
    cap = max(len(label) for label in labels)
    while width(labels) > room and cap > SHORTEST_TAB:
        cap -= 1
        labels = [label if len(label) <= cap else label[: cap - 1] + "…" for label in labels]
    return labels


class StatsScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review
    BINDINGS = [
        Binding("escape", "app.go_home", "Home"),
        Binding("q", "app.go_home", "Home", show=False),
        Binding("left", "switch(-1)", "Prev deck", show=False),
        Binding("right", "switch(1)", "Next deck", show=False),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self) -> None:
        super().__init__(id="stats")
        self._tab_decks: dict[str, str] = {}
        self._tab_names: list[str] = []  # "All decks", then each deck's name
        self._data: view.StatsData | None = None

    @property
    def dlcards_app(self) -> DlcardsApp:
        return cast("DlcardsApp", self.app)

    def compose(self) -> ComposeResult:
        app = self.dlcards_app
        yield TitleBar("Stats", app.profile)
        self._tab_names = ["All decks"] + [deck.name for deck in app.collection.decks]
        labels = fit_tab_labels(self._tab_names, self._tabs_room())
        tabs = [Tab(labels[0], id=ALL)]
        for index, deck in enumerate(app.collection.decks):
            tab_id = f"deck-{index}"
            self._tab_decks[tab_id] = deck.id
            tabs.append(Tab(Text(labels[index + 1]), id=tab_id))  # text, not markup
        yield Tabs(*tabs, id="stats-tabs")
        with VerticalScroll(id="stats-body"):
            yield Static(id="stats-tiles", classes="panel")
            yield Static(id="stats-heatmap", classes="panel")
            yield Static(id="stats-forecast", classes="panel")
            yield Static(id="stats-states", classes="panel")
            yield Static(id="stats-decks", classes="panel")
            yield Static(id="stats-hardest", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        titles = {
            "#stats-tiles": "Today",
            "#stats-forecast": f"Due · next {view.FORECAST_DAYS} days",
            "#stats-states": "Cards by state",
            "#stats-decks": "Decks",
            "#stats-hardest": f"Hardest {view.HARDEST} cards · lowest EF, most lapses",
        }
        for selector, title in titles.items():
            self.query_one(selector).border_title = title
        self.query_one("#stats-body").focus()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        event.stop()
        tab_id = event.tab.id or ALL
        deck_ids = (self._tab_decks[tab_id],) if tab_id in self._tab_decks else ()
        self.show(deck_ids)

    def action_switch(self, step: int) -> None:
        tabs = self.query_one(Tabs)
        if step > 0:
            tabs.action_next_tab()
        else:
            tabs.action_previous_tab()

    def show(self, deck_ids: tuple[str, ...]) -> None:
        app = self.dlcards_app
        data = view.gather(app.store, app.collection, app.profile, app.today(), deck_ids)
        self.query_one("#stats-tiles", Static).update(view.tiles(data))
        self._data = data
        self._draw_heatmap()
        self.query_one("#stats-forecast", Static).update(view.forecast_chart(data.forecast))
        self.query_one("#stats-states", Static).update(view.state_bar(data.states))
        decks = self.query_one("#stats-decks", Static)
        decks.display = len(data.decks) > 1
        if decks.display:
            decks.update(view.decks_table(data.decks))
        self.query_one("#stats-hardest", Static).update(
            view.hardest_table(data.hardest, show_deck=not deck_ids)
        )
        scheduler = view.SCHEDULER_NAMES[data.summary["scheduler"]]
        self.query_one(
            TitleBar
        ).info = f"{app.profile} · {data.scope} · {scheduler} · {data.today.isoformat()}"

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw_heatmap)
        labels = fit_tab_labels(self._tab_names, self._tabs_room())
        for tab, label in zip(self.query(Tab), labels, strict=True):
            tab.label = Text(label)

    def _tabs_room(self) -> int:
        return self.app.size.width - 2  # the tabs' margin: one cell each side

    def _draw_heatmap(self) -> None:
        """As many weeks as the panel has room for, so that no row wraps."""
        if self._data is None:
            return
        panel = self.query_one("#stats-heatmap", Static)
        # Before the first layout the panel has no size: body, border and padding take 9.
        width = panel.content_size.width or self.app.size.width - 9
        weeks = view.heatmap_weeks(width)
        panel.border_title = f"Reviews · last {weeks} weeks"
        data = self._data
        panel.update(view.heatmap(data.per_day, data.today, weeks, data.redrill_days))
