"""Home: the decks with their counts, the profile's day, and what to do next."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, cast

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from dlcards import stats
from dlcards.deck_counting import count_decks
from dlcards.study.empty import new_cards_note
from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.widgets.deck_table import DeckTable, broken_decks
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.title_bar import TitleBar
from dlcards.wording import plural

if TYPE_CHECKING:
    from dlcards.goal import GoalPlan
    from dlcards.tui.app import DlcardsApp


def days_until(day: date, today: date) -> str:
    delta = (day - today).days
    when = "tomorrow" if delta == 1 else f"in {delta} days"
    return f"{day:%a} {day.day} {day:%b} ({when})"


class HomeScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review
    BINDINGS = [
        # Short labels: with practice and cards, the full ones overflow 80 columns.
        # Not a priority binding: one runs as its key arrives, ahead of keys typed before
        # it (Down then Enter, typed together, studied the deck highlighted before Down).
        # The deck table has no Enter of its own (DeckTable.BINDINGS), so it comes here.
        Binding("enter", "study_deck", "Study"),
        Binding("a", "study_all", "All due"),
        Binding("c", "app.practice", "Practice"),
        # Priority: the browser is pushed before the next key is routed, so what is
        # typed right after / goes into its search (issue 13), not to Home's keys.
        Binding("slash", "app.browse", "Cards", priority=True),
        Binding("s", "app.stats", "Stats"),
        Binding("p", "app.profiles", "Profile"),
        Binding("t", "app.toggle_theme", "Theme", show=False),
        Binding("r", "reload_decks", "Reload decks", show=False),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    class Study(Message):
        """Start a review of ``deck_ids`` (all decks when empty)."""

        def __init__(self, deck_ids: tuple[str, ...] = ()) -> None:
            super().__init__()
            self.deck_ids = deck_ids

    def __init__(self) -> None:
        super().__init__(id="home")

    @property
    def dlcards_app(self) -> DlcardsApp:
        return cast("DlcardsApp", self.app)

    def compose(self) -> ComposeResult:
        yield TitleBar("Home", id="title")
        with Vertical(id="home-body"):
            yield Static(id="today")
            yield Static(id="home-goal")
            yield Static(id="home-sync")
            yield DeckTable(id="decks")
            yield Static(id="deck-detail")
            yield Static(id="load-errors")
        # Home has the most keys: the footer packs them close together (or drops a few,
        # which Help lists) when they do not fit.
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        # Opening straight into Review (``dlcards study``) pushes Review at once:
        # the counts are computed only when Home is really on screen.
        if self.app.screen is self:
            self.refresh_data()

    def on_screen_suspend(self) -> None:
        # Home as the app's first screen is built after the app is ready (issue 13):
        # a key typed ahead (? opens Help) may cover it before its keys are shown.
        for footer in self.query(KeyFooter):  # none yet if Home is not composed
            footer.update_now()

    def refresh_data(self) -> None:
        app = self.dlcards_app
        today = app.today()
        # As `dlcards decks` counts them (due cards counted in SQL, not listed).
        counts = count_decks(
            app.store, app.collection, app.profile, today, app.store.suspended(app.profile)
        )
        summary = stats.summary(app.store, app.collection, app.profile, today)
        streak = summary["streak_days"]
        self.query_one(TitleBar).info = (
            f"{app.profile} · {plural(summary['reviews_today'], 'review')} today · "
            f"streak {plural(streak, 'day')}"
        )
        broken = broken_decks(app.collection.errors)
        table = self.query_one(DeckTable)
        table.show(counts, broken)
        self._show_errors(broken)
        self._show_today(counts)
        self._show_detail()
        table.focus()

    def action_reload_decks(self) -> None:
        """Load the decks again from their files (after fixing one, say), without a restart."""
        collection = self.dlcards_app.reload_collection()
        self.refresh_data()
        failed = len(broken_decks(collection.errors))
        loaded = plural(len(collection.decks), "deck")
        if failed:
            self.notify(
                f"{loaded} loaded; {plural(failed, 'deck')} still failed to load.",
                title="Decks reloaded",
                severity="warning",
            )
        else:
            self.notify(f"{loaded} loaded.", title="Decks reloaded")

    def _show_errors(self, broken: list) -> None:
        widget = self.query_one("#load-errors", Static)
        widget.display = bool(broken)
        if not broken:
            return
        error = self.app.theme_variables.get("error", "red")
        lines = [
            Text(
                f"⚠ {plural(len(broken), 'deck')} failed to load "
                "(fix the file, then press r to reload; `dlcards validate` lists every problem):",
                style=f"bold {error}",
            )
        ]
        for item in broken[:3]:
            lines.append(
                Text("  " + item.short_message, style=error, overflow="ellipsis", no_wrap=True)
            )
        if len(broken) > 3:
            lines.append(Text(f"  …and {len(broken) - 3} more", style=error))
        widget.update(Group(*lines))

    def _show_goal(self, plan: GoalPlan | None) -> None:
        """The interview date's countdown and pace (dlcards goal), when there is one."""
        widget = self.query_one("#home-goal", Static)
        widget.display = plan is not None
        if plan is not None:
            widget.update(Text(plan.describe(), style="bold" if plan.on_track else "bold red"))

    def _show_sync(self) -> None:
        """When this machine and each other one last synced (dlcards sync), if ever."""
        from dlcards.interchange.sync_status import describe_synced

        app = self.dlcards_app
        line = describe_synced(app.store, app.profile, app.clock())
        widget = self.query_one("#home-sync", Static)
        widget.display = line is not None
        if line is not None:
            widget.update(Text(line, style="dim"))

    def _show_today(self, counts: list[stats.DeckCounts]) -> None:
        app = self.dlcards_app
        widget = self.query_one("#today", Static)
        session = app.new_session()
        self._show_goal(getattr(session, "goal", None))
        self._show_sync()
        ready = session.remaining()
        widget.set_class(ready == 0, "-empty")
        decks_dir = app.home.decks_dir if app.home else "<home>/decks"
        if not counts:
            widget.update(
                Text.assemble(
                    ("No decks loaded.\n", "bold"),
                    f"Put .toml deck files in {decks_dir}/ or start dlcards with --deck-path PATH.",
                )
            )
            return
        if ready:
            due = sum(c.due for c in counts)
            text = Text.assemble((plural(ready, "card"), "bold"), " to study now")
            if due:
                text.append(f" ({due} due for review)")
            text.append(".  ")
            text.append("a", style="bold")
            text.append(" studies them all, ")
            text.append("Enter", style="bold")
            text.append(" the highlighted deck.")
            widget.update(text)
            return
        parts: list[Text] = [Text("✓ All caught up for today.", style="bold")]
        next_due = session.next_due()
        today = session.today
        if next_due is not None:
            parts.append(Text(f"Next review: {days_until(next_due, today)}."))
        unseen = session.unseen_left()
        if unseen:
            # Cards wait unseen: more decks are not what is missing (known issue 36).
            parts.append(Text(new_cards_note(app.settings.new_per_day, unseen)))
        else:
            parts.append(
                Text(
                    f"More cards: add .toml decks to {decks_dir}/ or use --deck-path PATH.",
                    style="dim",
                )
            )
        widget.update(Group(*parts))

    # --- the highlighted deck ------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def highlighted_deck(self) -> str | None:
        """The id of the highlighted deck (None for a broken deck or an empty table)."""
        key = self._highlighted_key()
        return None if key is None or key.startswith("!") else key

    def _highlighted_key(self) -> str | None:
        table = self.query_one(DeckTable)
        if not table.row_count:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return cast(str, row_key.value)

    def _show_detail(self) -> None:
        widget = self.query_one("#deck-detail", Static)
        key = self._highlighted_key()
        table = self.query_one(DeckTable)
        if key is None:
            widget.display = False
            return
        widget.display = True
        broken = table.broken(key)
        if broken is not None:
            widget.update(Text(broken.message, style=self.app.theme_variables.get("error", "red")))
            return
        count = table.counts(key)
        if count is None:
            widget.display = False
            return
        deck = count.deck
        text = Text()
        if deck.description:
            text.append(deck.description.strip())
            text.append("\n")
        source = (
            "your copy of a shipped deck"
            if deck.overrides_shipped
            else "shipped with dlcards"
            if deck.shipped
            else f"{deck.path.parent.name}/{deck.path.name}"
        )
        text.append(f"{deck.id} · {source}", style="dim")
        widget.update(text)

    # --- actions -------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study_deck()

    def action_study_deck(self) -> None:
        key = self._highlighted_key()
        if key is None:
            self.action_study_all()
            return
        broken = self.query_one(DeckTable).broken(key)
        if broken is not None:
            self.notify(
                broken.message, title="This deck failed to load", severity="error", markup=False
            )
            return
        self.post_message(self.Study((key,)))

    def action_study_all(self) -> None:
        self.post_message(self.Study(()))
