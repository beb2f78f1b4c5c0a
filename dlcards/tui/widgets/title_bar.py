"""The one-line bar at the top of every screen: app name, screen, and the profile's numbers."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class TitleBar(Widget):
    """``dlcards › Screen`` on the left, ``info`` (profile, streak…) on the right."""

    DEFAULT_CSS = """
    TitleBar { height: 1; dock: top; }
    """

    screen_title: reactive[str] = reactive("")
    info: reactive[str] = reactive("")

    def __init__(self, screen_title: str = "", info: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(TitleBar.screen_title, screen_title)
        self.set_reactive(TitleBar.info, info)

    def render(self) -> Table:
        left = Text.assemble((" dlcards", "bold"))
        if self.screen_title:
            left.append(" › ", style="dim")
            left.append(self.screen_title)
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(justify="right", no_wrap=True, overflow="ellipsis")
        grid.add_row(left, Text(self.info + " "))
        return grid
