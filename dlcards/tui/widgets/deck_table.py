"""Home's table of decks: cards, new, due today and learned per deck; broken decks shown too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from dlcards.collection import errors_by_file
from dlcards.stats import DeckCounts

NUMBER_COLUMNS = ("Cards", "New", "Due", "Learned")
NUMBER_WIDTH = 8
YOUR_COPY = "  (your copy)"
SHORT_COPY = " (copy)"
FAILED = "failed"


@dataclass(frozen=True)
class BrokenDeck:
    """A deck file that failed to load, with the first error reported for it."""

    path: str
    message: str

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def short_message(self) -> str:
        """The message with the file named by its name only (the row shows which file)."""
        if self.message.startswith(self.path):
            return self.name + self.message[len(self.path) :]
        return self.message


def broken_decks(errors: list[str]) -> list[BrokenDeck]:
    """One entry per failing file (its first error), in the order they were reported."""
    return [
        BrokenDeck(path, (messages[0].splitlines() or [""])[0])
        for path, messages in errors_by_file(errors).items()
    ]


class DeckTable(DataTable, inherit_bindings=False):
    """Rows keyed by deck id; a broken deck's row key is ``!`` + its path."""

    DEFAULT_CSS = """
    DeckTable { height: auto; max-height: 1fr; }
    """

    # DataTable's keys but Enter, which goes on to Home's "Study" in the order typed (a
    # priority binding there ran before a Down typed just before it was acted on).
    BINDINGS: ClassVar[list[BindingType]] = [
        binding
        for binding in DataTable.BINDINGS
        if not (isinstance(binding, Binding) and binding.key == "enter")
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cell_padding=1)
        self._counts: list[DeckCounts] = []
        self._broken: list[BrokenDeck] = []
        self._width = 0

    def show(self, counts: list[DeckCounts], broken: list[BrokenDeck]) -> None:
        self._counts, self._broken = counts, broken
        self._rebuild()

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._width:
            self._rebuild()

    def _number_widths(self) -> list[int]:
        """Eight columns per number where the names fit beside them; else just enough for
        the title and the largest count, so the deck names get the room (known issue 9)."""
        roomy = [NUMBER_WIDTH] * len(NUMBER_COLUMNS)
        longest = max([len(self._shown_name(c)) for c in self._counts] + [0])
        if self._name_width(roomy) >= longest:
            return roomy
        widths = []
        for title in NUMBER_COLUMNS:
            values = [getattr(c, title.lower()) for c in self._counts]
            widths.append(max([len(title)] + [len(str(v)) for v in values]))
        if self._broken:  # a broken deck's row says "failed" under Cards
            widths[0] = max(widths[0], len(FAILED))
        return widths

    def _name_width(self, number_widths: list[int]) -> int:
        padding = 2 * self.cell_padding
        numbers = sum(width + padding for width in number_widths)
        return max(12, self._width - numbers - padding - 2)

    @staticmethod
    def _shown_name(counts: DeckCounts) -> str:
        return counts.deck.name + (YOUR_COPY if counts.deck.overrides_shipped else "")

    def _expected_width(self) -> int:
        """The width layout will give the table: the screen's, less each container's
        padding, border and margin (Home stacks full-width blocks). Before Home's first
        layout the table has no size yet, and columns sized for 0 columns would be
        rebuilt on the first resize, a frame after the first paint (issue 13)."""
        width = self.app.size.width
        for node in self.ancestors_with_self:
            if node is self.screen:
                break
            width -= node.styles.gutter.width + node.styles.margin.width
        return max(0, width)

    def _rebuild(self) -> None:
        # DataTable columns have fixed widths: the deck name takes what the numbers leave.
        self._width = self.size.width or self._expected_width()
        keep = self.cursor_row
        self.clear(columns=True)
        number_widths = self._number_widths()
        name_width = self._name_width(number_widths)
        # A Text, not a str: DataTable reads a str label as markup, and Rich's markup
        # imports its emoji table (~5 ms before Home's first paint).
        self.add_column(Text("Deck"), key="deck", width=name_width)
        for title, width in zip(NUMBER_COLUMNS, number_widths, strict=True):
            self.add_column(Text(title, justify="right"), key=title.lower(), width=width)
        variables = self.app.theme_variables
        due_style = f"bold {variables.get('warning', 'yellow')}"
        new_style = variables.get("primary", "blue")
        for c in self._counts:
            name = Text(c.deck.name, overflow="ellipsis", no_wrap=True)
            if c.deck.overrides_shipped:
                # The name gives way, never the mark (known issue 32: "(your …"); a
                # shorter mark where the long one would leave the name too little.
                mark = YOUR_COPY if name_width - len(YOUR_COPY) >= 8 else SHORT_COPY
                name.truncate(max(1, name_width - len(mark)), overflow="ellipsis")
                name.append(mark, style="dim")
            self.add_row(
                name,
                Text(str(c.cards), justify="right"),
                Text(str(c.new), justify="right", style=new_style if c.new else "dim"),
                Text(str(c.due), justify="right", style=due_style if c.due else "dim"),
                Text(str(c.learned), justify="right", style="" if c.learned else "dim"),
                key=c.deck.id,
            )
        error = variables.get("error", "red")
        for broken in self._broken:
            self.add_row(
                Text("⚠ " + broken.name, style=error, overflow="ellipsis", no_wrap=True),
                Text(FAILED, justify="right", style=error),
                Text("—", justify="right", style="dim"),
                Text("—", justify="right", style="dim"),
                Text("—", justify="right", style="dim"),
                key="!" + broken.path,
            )
        if self.row_count:
            self.move_cursor(row=min(keep, self.row_count - 1))
        self._measure_rows_now()

    def _measure_rows_now(self) -> None:
        """Measure the new rows now, as DataTable's idle handler does: it runs after the
        screen's next frame, and Home's first frame showed an empty table (its height
        comes from the rows measured). Textual's private API, pinned below 9."""
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)

    def broken(self, key: str) -> BrokenDeck | None:
        if not key.startswith("!"):
            return None
        return next((b for b in self._broken if b.path == key[1:]), None)

    def counts(self, key: str) -> DeckCounts | None:
        return next((c for c in self._counts if c.deck.id == key), None)
