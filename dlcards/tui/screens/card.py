"""One card: its text, state, and every row of its log; suspend, reset, bury, edit it.

The history lists each row of the review log for the card — reviews, re-drills,
practice, undos, suspensions and resets — with, for compute cards, the answer
typed and the instance (problem, level, seed, params) it answered.
"""

from __future__ import annotations

from datetime import tzinfo
from functools import partial
from typing import TYPE_CHECKING, cast

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from dlcards.browse import describe_instance, live_rows
from dlcards.cards import ComputeCard
from dlcards.collection import CardRef
from dlcards.log import is_leech, parse_ts
from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.store_wait import write
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.title_bar import TitleBar
from dlcards.views.inline import inline_markdown
from dlcards.wording import plural

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp

KIND_NAMES = {
    "review": "review",
    "drill": "re-drill",
    "practice": "practice",
    "undo": "undo",
    "suspend": "suspended",
    "unsuspend": "unsuspended",
    "reset": "reset",
}


def local_time(ts: str, zone: tzinfo | None = None) -> str:
    """A log time in the app clock's zone (the local one; the tests' fixed clock's)."""
    try:
        return f"{parse_ts(ts).astimezone(zone):%Y-%m-%d %H:%M}"
    except (ValueError, OverflowError):  # a damaged row: shown as stored
        return ts


class CardScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review
    BINDINGS = [
        Binding("s", "suspend", "Suspend"),
        Binding("s", "unsuspend", "Unsuspend"),
        Binding("r", "reset", "Reset"),
        Binding("b", "bury", "Bury"),
        Binding("e", "edit", "Edit"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
        Binding("question_mark", "app.help", "Help"),
    ]

    def __init__(self, ref: CardRef) -> None:
        super().__init__(id="card")
        self.ref = ref

    @property
    def dlcards_app(self) -> DlcardsApp:
        return cast("DlcardsApp", self.app)

    def compose(self) -> ComposeResult:
        yield TitleBar("Card", self.dlcards_app.profile, id="title")
        with VerticalScroll(id="card-body"):
            yield Static(id="card-front")
            yield Static(id="card-facts")
            yield Static(id="card-history", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#card-body").focus()
        self.show()

    @property
    def suspended(self) -> bool:
        app = self.dlcards_app
        return app.store.is_suspended(app.profile, *self.ref.key)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "suspend":
            return not self.suspended
        if action == "unsuspend":
            return self.suspended
        if action == "reset":  # a new card has nothing to reset
            app = self.dlcards_app
            return app.store.state(app.profile, *self.ref.key) is not None
        if action in ("bury", "edit"):
            return self.dlcards_app.collection.deck(self.ref.deck_id) is not None
        return True

    # --- showing ---------------------------------------------------------------------

    def show(self) -> None:
        app = self.dlcards_app
        ref = self.ref
        deck = app.collection.deck(ref.deck_id)
        card = app.collection.card(ref) if deck is not None else None
        text = " ".join((card.front if card else "").split())
        if not text and isinstance(card, ComputeCard):
            text = f"{card.problem}: a compute card (a fresh instance at each review)"
        front = inline_markdown(text or ref.card_id)
        front.stylize("bold")
        self.query_one("#card-front", Static).update(front)
        self.query_one("#card-facts", Static).update(self._facts(deck.name if deck else None))
        rows = app.store.card_rows(app.profile, *ref.key)
        history = self.query_one("#card-history", Static)
        history.border_title = f"History · {plural(len(rows), 'row')}"
        history.update(self._history(rows))
        self.refresh_bindings()

    def _facts(self, deck_name: str | None) -> Table:
        app = self.dlcards_app
        ref = self.ref
        state = app.store.state(app.profile, *ref.key)
        variables = app.theme_variables
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="dim", no_wrap=True)
        facts.add_column()
        facts.add_row("Card", Text(f"{ref.deck_id}:{ref.card_id} · {ref.type}"))
        facts.add_row("Deck", Text(deck_name or "(not loaded)"))
        facts.add_row("Tags", Text(" ".join(f"#{t}" for t in ref.tags) or "—"))
        if state is None:
            facts.add_row("State", Text("new: never reviewed (or reset)"))
        else:
            sm2 = state.sm2
            due = sm2.due.isoformat() if sm2.due else "—"
            facts.add_row(
                "State",
                Text(
                    f"{'mature' if sm2.interval >= 21 else 'learning'} · EF {sm2.easiness:.2f} · "
                    f"interval {sm2.interval} d · due {due} · {plural(state.lapses, 'lapse')} · "
                    f"{plural(state.reviews, 'review')}"
                ),
            )
        suspended = app.store.suspended(app.profile).get(ref.key)
        notes = Text()
        if suspended is not None:
            notes.append(
                f"suspended since {local_time(suspended, self._zone)} (s unsuspends)",
                style=f"bold {variables.get('warning', 'yellow')}",
            )
        if is_leech(state, app.settings.leech_threshold):
            if notes:
                notes.append(" · ")
            advice = "rewrite it (e)" + ("" if suspended is not None else " or suspend it (s)")
            notes.append(
                f"⚠ leech: forgotten again and again — {advice}",
                style=f"bold {variables.get('error', 'red')}",
            )
        if notes:
            facts.add_row("Status", notes)
        return facts

    def _history(self, rows: list) -> Group | Text:
        if not rows:
            return Text("No reviews yet.", style="dim")
        table = Table(box=None, padding=(0, 1), show_edge=False, expand=True, header_style="bold")
        table.add_column("When", no_wrap=True)
        table.add_column("Kind", no_wrap=True)
        table.add_column("Grade", justify="right", no_wrap=True)
        table.add_column("Time", justify="right", no_wrap=True)
        table.add_column("Answer · instance", ratio=1)
        for row, cancelled in reversed(live_rows(rows)):
            kind = KIND_NAMES.get(row.kind, row.kind)
            seconds = f"{row.duration_ms / 1000:.0f} s" if row.duration_ms is not None else ""
            detail = Text()
            if row.answer is not None:
                detail.append(row.answer if row.answer.strip() else "(blank)")
            if row.instance:
                if detail:
                    detail.append("  ")
                detail.append(describe_instance(row.instance), style="dim")
            style = "dim strike" if cancelled else ""
            table.add_row(
                Text(local_time(row.ts, self._zone), style=style),
                Text(kind + (" (undone)" if cancelled else ""), style=style),
                Text("" if row.grade is None else str(row.grade), style=style),
                Text(seconds, style=style),
                detail,
            )
        return Group(Text("Newest first.", style="dim"), table)

    @property
    def _zone(self) -> tzinfo | None:
        return self.dlcards_app.clock().tzinfo

    # --- actions -------------------------------------------------------------------

    # Each write goes through store_wait.write: if another dlcards process holds the
    # database, the screen says so while it waits (issue 11 #5), as the review does.
    async def action_suspend(self) -> None:
        app = self.dlcards_app
        store = app.store
        await write(
            self,
            store,
            partial(store.suspend, app.profile, *self.ref.key, app.clock(), app.today()),
        )
        self.notify(f"Suspended “{self.ref.card_id}”: not shown until unsuspended.")
        self.show()

    async def action_unsuspend(self) -> None:
        app = self.dlcards_app
        store = app.store
        await write(
            self,
            store,
            partial(store.unsuspend, app.profile, *self.ref.key, app.clock(), app.today()),
        )
        self.notify(f"Unsuspended “{self.ref.card_id}”: back in reviews and practice.")
        self.show()

    def action_reset(self) -> None:
        from dlcards.tui.screens.confirm import ConfirmScreen

        async def answered(yes: bool | None) -> None:
            if not yes:
                return
            app = self.dlcards_app
            store = app.store
            await write(
                self,
                store,
                partial(store.reset, app.profile, *self.ref.key, app.clock(), app.today()),
            )
            self.notify(f"Reset “{self.ref.card_id}”: it is new again (its log is kept).")
            self.show()

        self.app.push_screen(
            ConfirmScreen(
                f"Reset “{self.ref.card_id}”?",
                "It becomes new again: interval, easiness and lapses start over. Its history "
                "stays in the log.",
            ),
            answered,
        )

    async def action_bury(self) -> None:
        app = self.dlcards_app
        store = app.store
        await write(self, store, partial(store.bury, app.profile, *self.ref.key, app.today()))
        self.notify(f"Buried “{self.ref.card_id}” until tomorrow.")

    def action_edit(self) -> None:
        collection = self.dlcards_app.edit_card(self.ref)
        if collection is None:
            return
        fresh = collection.ref(*self.ref.key)
        if fresh is not None:
            self.ref = fresh
        self.show()

    def action_back(self) -> None:
        self.app.pop_screen()
