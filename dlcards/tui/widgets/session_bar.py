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
        self._left: int | None = 0
        self._leech = False
        self.clock = ""  # the interview clock (and practice time left), "" when none

    def show(
        self,
        *,
        deck: str,
        kind: str,
        tags: tuple[str, ...],
        done: int,
        left: int | None,
        leech: bool = False,
    ) -> None:
        """``left`` None: an endless practice (no bar, only what is done)."""
        self._deck, self._kind, self._tags = deck, kind, tags
        self._done, self._left, self._leech = done, left, leech
        self.refresh()

    def set_clock(self, text: str) -> None:
        if text != self.clock:
            self.clock = text
            self.refresh()

    def render(self) -> Table:
        styles = self.app.theme_variables
        kind_color = {
            "new": styles.get("primary", "blue"),
            "review": styles.get("success", "green"),
            "re-drill": styles.get("warning", "yellow"),
            "practice": styles.get("accent", "magenta"),
            "interview": styles.get("accent", "magenta"),
        }.get(self._kind, "")
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {self._kind} ", style=f"bold reverse {kind_color}".strip())
        if self._leech:
            left.append(" ")
            left.append(" leech ", style=f"bold reverse {styles.get('error', 'red')}")
        left.append(f" {self._deck}", style="bold")
        if self._tags:
            left.append("  " + " ".join(f"#{t}" for t in self._tags), style="dim")
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        cells: list = [left]
        if self.clock:
            grid.add_column(no_wrap=True, justify="right")
            cells.append(Text.assemble((" time ", "dim"), (f"{self.clock} ", "bold")))
        if self._left is None:
            grid.add_column(no_wrap=True, justify="right")
            cells.append(Text(f" {self._done} done ", style="dim"))
        else:
            total = self._done + self._left
            bar_width = max(6, min(20, self.size.width // 6))
            grid.add_column(width=1)  # a gap: the cells' own edge spaces are trimmed
            grid.add_column(width=bar_width, no_wrap=True)
            grid.add_column(no_wrap=True, justify="right")
            cells.append("")
            cells.append(
                ProgressBar(
                    total=max(total, 1),
                    completed=self._done,
                    width=bar_width,
                    complete_style=styles.get("primary", "blue"),
                    finished_style=styles.get("success", "green"),
                    style=styles.get("panel", "grey23"),
                )
            )
            cells.append(Text(f" {self._done} done · {self._left} left ", style="dim"))
        grid.add_row(*cells)
        return grid
