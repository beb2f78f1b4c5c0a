"""Summary: what the session did — cards, accuracy, time, re-drills, what is due tomorrow."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from dlcards.study.session import SessionSummary
from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.title_bar import TitleBar
from dlcards.wording import clock_text, plural


class SummaryScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review
    BINDINGS = [
        Binding("enter", "app.go_home", "Home"),
        Binding("escape", "app.go_home", "Home", show=False),
        Binding("s", "app.stats", "Stats"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        summary: SessionSummary,
        profile: str,
        *,
        next_due: str | None = None,
        finished: bool = True,
        left_today: int = 0,
    ) -> None:
        super().__init__(id="summary")
        self.summary = summary
        self.profile = profile
        self.next_due = next_due
        self.finished = finished
        self.left_today = left_today  # cards of any deck still to study today, as Home counts

    def compose(self) -> ComposeResult:
        yield TitleBar("Summary", self.profile)
        with Center(id="summary-center"), Vertical(id="summary-card"):
            yield Static(self._heading(), id="summary-heading")
            yield Static(self._table(), id="summary-table")
            yield Static(self._footnote(), id="summary-note")
        yield KeyFooter()

    def _heading(self) -> Text:
        title = "Session complete" if self.finished else "Session saved"
        return Text(title, style="bold")

    def _table(self) -> Table:
        s = self.summary
        variables = self.app.theme_variables
        table = Table.grid(padding=(0, 3))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(no_wrap=True)
        accuracy = Text("—")
        if s.accuracy is not None:
            color = variables.get(
                "success" if s.accuracy >= 0.8 else "warning" if s.accuracy >= 0.6 else "error", ""
            )
            accuracy = Text.assemble(
                (f"{s.accuracy:.0%}", f"bold {color}".strip()),
                (f"  {s.passed} of {s.grades} grades ≥ 3", "dim"),
            )
        table.add_row("Cards reviewed", Text(str(s.reviewed), style="bold"))
        table.add_row("Accuracy", accuracy)
        table.add_row("Time spent", Text(clock_text(s.seconds), style="bold"))
        table.add_row("Re-drills", Text(str(s.drills), style="bold"))
        table.add_row("Due tomorrow", Text(str(s.due_tomorrow), style="bold"))
        return table

    def _footnote(self) -> Text:
        text = Text(style="dim")
        if self.left_today:
            text.append(
                f"{plural(self.left_today, 'card')} still to study today: Home lists them.\n"
            )
        elif self.next_due:
            text.append(f"Nothing left for today. Next review: {self.next_due}.\n")
        text.append("Every grade is saved.  Enter: Home  ·  s: Stats")
        return text
