"""After a practice: accuracy overall and by topic, the slowest answers, the time spent."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Static

from dlcards.study.practice import PracticeSummary
from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.tui.widgets.title_bar import TitleBar
from dlcards.wording import clock_text

BAR = 12  # cells of a topic's accuracy bar


class PracticeSummaryScreen(Screen[None]):
    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review
    BINDINGS = [
        Binding("enter", "app.go_home", "Home"),
        Binding("escape", "app.go_home", "Home", show=False),
        Binding("c", "app.practice", "Practice again"),
        Binding("question_mark", "app.help", "Help"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, summary: PracticeSummary, profile: str) -> None:
        super().__init__(id="practice-summary")
        self.summary = summary
        self.profile = profile

    def compose(self) -> ComposeResult:
        yield TitleBar("Practice", self.profile)
        with Center(id="summary-center"), Vertical(id="practice-card"):
            title = "Interview over" if self.summary.interview else "Practice over"
            yield Static(Text(title, style="bold"), id="summary-heading")
            yield Static(self._totals(), id="practice-totals")
            yield Static(self._topics(), id="practice-topics")
            yield Static(self._slowest(), id="practice-slowest")
            yield Static(
                Text("The schedule is unchanged.  Enter: Home  ·  c: again", style="dim"),
                id="summary-note",
            )
        yield KeyFooter()

    def _color(self, accuracy: float) -> str:
        variables = self.app.theme_variables
        return variables.get(
            "success" if accuracy >= 0.8 else "warning" if accuracy >= 0.6 else "error", ""
        )

    def _totals(self) -> Table:
        s = self.summary
        table = Table.grid(padding=(0, 3))
        table.add_column(style="dim", no_wrap=True)
        table.add_column(no_wrap=True)
        accuracy = Text("—")
        if s.accuracy is not None:
            accuracy = Text.assemble(
                (f"{s.accuracy:.0%}", f"bold {self._color(s.accuracy)}".strip()),
                (f"  {s.right} of {s.answered} right (grade ≥ 3)", "dim"),
            )
        table.add_row("Answered", Text(str(s.answered), style="bold"))
        table.add_row("Accuracy", accuracy)
        table.add_row("Time spent", Text(clock_text(s.seconds), style="bold"))
        return table

    def _topics(self) -> Group:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, max_width=22, overflow="ellipsis")
        table.add_column(no_wrap=True, justify="right")
        table.add_column(no_wrap=True)
        for topic in self.summary.topics:
            filled = round(topic.accuracy * BAR)
            color = self._color(topic.accuracy)
            bar = Text.assemble(
                ("█" * filled, color),
                ("░" * (BAR - filled), "dim"),
                (f" {topic.accuracy:.0%}", "bold"),
            )
            table.add_row(Text(topic.topic), f"{topic.right}/{topic.total}", bar)
        return Group(Text("\nBy topic, weakest first", style="bold underline"), table)

    def _slowest(self) -> Group:
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True, justify="right")
        table.add_column(no_wrap=True, overflow="ellipsis", max_width=34)
        table.add_column(no_wrap=True)
        for slow in self.summary.slowest:
            table.add_row(
                clock_text(slow.seconds),
                f"{slow.ref.deck_id}:{slow.ref.card_id}",
                Text(f"grade {slow.grade}", style="dim"),
            )
        return Group(Text("\nSlowest answers", style="bold underline"), table)
