"""Above the card: its deck, kind and tags on the left; the session's progress on the right."""

from __future__ import annotations

from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text
from textual.widget import Widget


class SessionBar(Widget):
    """Set ``show(...)`` for each card; the bar counts re-drills as cards left."""

    DEFAULT_CSS = """
    SessionBar { height: 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._deck = ""
        self._kind = ""
        self._tags: tuple[str, ...] = ()
        self._done = 0
        self._left = 0

    def show(self, *, deck: str, kind: str, tags: tuple[str, ...], done: int, left: int) -> None:
        self._deck, self._kind, self._tags = deck, kind, tags
        self._done, self._left = done, left
        self.refresh()

    def render(self) -> Table:
        styles = self.app.theme_variables
        kind_color = {
            "new": styles.get("primary", "blue"),
            "review": styles.get("success", "green"),
            "re-drill": styles.get("warning", "yellow"),
        }.get(self._kind, "")
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {self._kind} ", style=f"bold reverse {kind_color}".strip())
        left.append(f" {self._deck}", style="bold")
        if self._tags:
            left.append("  " + " ".join(f"#{t}" for t in self._tags), style="dim")
        total = self._done + self._left
        counts = Text(f" {self._done} done · {self._left} left ", style="dim")
        bar_width = max(6, min(20, self.size.width // 6))
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(width=bar_width, no_wrap=True)
        grid.add_column(no_wrap=True, justify="right")
        grid.add_row(
            left,
            ProgressBar(total=max(total, 1), completed=self._done, width=bar_width,
                        complete_style=styles.get("primary", "blue"),
                        finished_style=styles.get("success", "green"),
                        style=styles.get("panel", "grey23")),
            counts,
        )
        return grid
