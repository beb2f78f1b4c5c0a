"""The browser's list of cards: one line per card, drawn only for the lines on screen.

A DataTable builds every row up front (seconds for 100,000 cards); this widget
keeps the rows as tuples and renders a line when it is painted. Fronts, which
live in the parse cache, are read for the lines on screen only, a screenful at
a time. The first line is the column titles; it stays put while the rows scroll.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from dlcards.browse import CardRow, CardRows
from dlcards.views.inline import inline_markdown

WIDE = 90  # from this width the list has a tags column (below, the detail line shows them)
Column = tuple[str, int, str]  # title, width (0: takes the rest), justify


MIN_CARD = 18  # the Card column's least width before other columns give way
GIVE_WAY = ("EF", "Ivl", "Lapses")  # left out in this order when the Card column is short


def columns(width: int) -> list[Column]:
    """The columns that fit ``width`` cells (one cell between columns).

    The Card column takes what the others leave; when that is under ``MIN_CARD`` the
    columns of ``GIVE_WAY`` are left out, then the deck column narrows (known issue
    11: "The cla…" at 60 columns, the last column cut off).
    """
    layout: list[Column] = [("Deck", 14 if width < WIDE else 18, "left"), ("Card", 0, "left")]
    if width >= WIDE:
        layout.append(("Tags", 20, "left"))
    layout += [
        ("State", 9, "left"),
        ("EF", 4, "right"),
        ("Ivl", 5, "right"),
        ("Due", 10, "left"),
        ("Lapses", 6, "right"),
    ]

    def rest() -> int:
        return width - sum(w + 1 for _, w, _ in layout) + 1

    for title in GIVE_WAY:
        if rest() >= MIN_CARD:
            break
        layout = [column for column in layout if column[0] != title]
    if rest() < MIN_CARD:
        layout[0] = ("Deck", 10, "left")
    return [(title, w or max(8, rest()), justify) for title, w, justify in layout]


def header_text(width: int) -> Text:
    text = Text(no_wrap=True)
    for index, (title, size, justify) in enumerate(columns(width)):
        if index:
            text.append(" ")
        text.append(title.rjust(size) if justify == "right" else title.ljust(size))
    return text


def status_of(row: CardRow, threshold: int) -> str:
    """What the State column says: suspended and leech before the SM-2 state."""
    if row.suspended is not None:
        return "suspended"
    if row.is_leech(threshold):
        return "leech"
    return row.state_name


class CardList(ScrollView, can_focus=True):
    """Set ``rows`` with ``show``; posts ``Highlighted`` and ``Selected`` (Enter)."""

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "jump(0)", "First", show=False),
        Binding("end", "jump(-1)", "Last", show=False),
        Binding("enter", "select", "History"),
    ]
    COMPONENT_CLASSES = {
        "card-list--cursor",
        "card-list--suspended",
        "card-list--leech",
        "card-list--new",
        "card-list--dim",
        "card-list--header",
    }
    DEFAULT_CSS = """
    CardList { height: 1fr; }
    CardList > .card-list--header { color: $text-muted; text-style: bold; }
    CardList > .card-list--cursor { background: $primary 30%; }
    CardList:focus > .card-list--cursor { background: $primary 45%; }
    CardList > .card-list--suspended { color: $warning; }
    CardList > .card-list--leech { color: $error; text-style: bold; }
    CardList > .card-list--new { color: $primary; }
    CardList > .card-list--dim { color: $text-muted; }
    """

    class Highlighted(Message):
        def __init__(self, row: CardRow | None) -> None:
            super().__init__()
            self.row = row

    class Selected(Message):
        def __init__(self, row: CardRow) -> None:
            super().__init__()
            self.row = row

    def __init__(
        self,
        fetch_fronts: Callable[[list[CardRow]], list[CardRow]],
        leech_threshold: int,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.rows: CardRows | list[CardRow] = []
        self.cursor = 0
        self._fetch = fetch_fronts
        self._threshold = leech_threshold
        self._fronts: dict[tuple[str, str], str] = {}

    # --- content ----------------------------------------------------------------

    def show(self, rows: CardRows, *, keep: tuple[str, str] | None = None) -> None:
        """Show ``rows``; the cursor goes to the card ``keep`` if listed, else to the top."""
        self.rows = rows
        self.cursor = 0
        if keep is not None:
            self.cursor = rows.index_of(keep) or 0
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.scroll_to(
            y=max(0, self.cursor - self._body_height() // 2), animate=False, immediate=True
        )
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def forget_fronts(self) -> None:
        """Fronts are read again when shown (after a deck was edited)."""
        self._fronts.clear()

    @property
    def current(self) -> CardRow | None:
        if not self.rows:
            return None
        row = self.rows[self.cursor]
        front = self._fronts.get(row.ref.key)
        return row if front is None or row.front is not None else row._replace(front=front)

    def _body_height(self) -> int:
        """Lines showing rows: all but the column titles."""
        return max(1, self.scrollable_content_region.height - 1)

    def _ensure_fronts(self, first: int) -> None:
        window = self.rows[first : first + self._body_height() * 2]
        missing = [r for r in window if r.front is None and r.ref.key not in self._fronts]
        if missing:
            for row in self._fetch(missing):
                self._fronts[row.ref.key] = row.front or ""

    # --- drawing ------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)

    def _strip(self, text: Text, width: int, style: Style) -> Strip:
        strip = Strip(list(text.render(self.app.console)), text.cell_len)
        return strip.extend_cell_length(width).crop(0, width).apply_style(style)

    def _fg(self, name: str) -> Style:
        """A component's colour and weight only: the line's background shows through."""
        style = self.get_component_rich_style(name)
        return Style(color=style.color, bold=style.bold)

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        if y == 0:
            return self._strip(header_text(width), width, base + self._fg("card-list--header"))
        index = scroll_y + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        self._ensure_fronts(scroll_y)
        style = base
        if index == self.cursor:
            style = base + self.get_component_rich_style("card-list--cursor")
        return self._strip(self._line(self.rows[index], width), width, style)

    def _line(self, row: CardRow, width: int) -> Text:
        ref = row.ref
        front = row.front if row.front is not None else self._fronts.get(ref.key, "")
        status = status_of(row, self._threshold)
        status_style = {
            "suspended": "card-list--suspended",
            "leech": "card-list--leech",
            "new": "card-list--new",
        }.get(status)
        values = {
            "Deck": (ref.deck_id, None),
            "Card": (inline_markdown(" ".join(front.split())).plain or ref.card_id, None),
            "Tags": (" ".join(ref.tags), "card-list--dim"),
            "State": (status, status_style),
            "EF": (f"{row.ef:.2f}" if row.ef is not None else "—", None),
            "Ivl": (f"{row.interval}d" if row.interval is not None else "—", None),
            "Due": (row.due or "—", None),
            "Lapses": (
                str(row.lapses),
                "card-list--leech" if row.is_leech(self._threshold) else None,
            ),
        }
        line = Text(no_wrap=True)
        for index, (title, size, justify) in enumerate(columns(width)):
            if index:
                line.append(" ")
            value, style_name = values[title]
            if justify == "right":
                cell = Text(value[-size:].rjust(size))
            else:
                cell = Text(value, no_wrap=True, overflow="ellipsis")
                cell.truncate(size, overflow="ellipsis", pad=True)
            if style_name:
                cell.stylize(self._fg(style_name))
            line.append_text(cell)
        return line

    # --- moving -------------------------------------------------------------------

    def _set_cursor(self, index: int) -> None:
        if not self.rows:
            return
        index = max(0, min(index, len(self.rows) - 1))
        if index == self.cursor:
            return
        self.cursor = index
        height = self._body_height()
        top = round(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        self.refresh()
        self.post_message(self.Highlighted(self.current))

    def action_move(self, step: int) -> None:
        self._set_cursor(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._set_cursor(self.cursor + step * max(1, self._body_height() - 1))

    def action_jump(self, index: int) -> None:
        self._set_cursor(index if index >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row))

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            self.focus()
            if index == self.cursor and event.chain > 1:
                self.action_select()
            self._set_cursor(index)
