"""The grade keys 0–5 under a revealed card: label, next interval, the suggested grade marked."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from dlcards.scheduler import GRADE_LABELS, SHORT_GRADE_LABELS
from dlcards.wording import plural

WIDE = 110  # from this width the keys fit three to a row
GUTTER = 2  # cells between two keys of a row (the grid-gutter below)


def interval_text(days: int) -> str:
    if days < 30:
        return plural(days, "day")
    if days < 365:
        return f"{days / 30.4:.1f} mo".replace(".0 ", " ")
    return f"{days / 365:.1f} yr".replace(".0 ", " ")


class GradeKey(Widget):
    """One grade: the key, its label and the interval it would give. Clicking grades too."""

    DEFAULT_CSS = """
    GradeKey { height: 1; }
    """

    class Pressed(Message):
        def __init__(self, grade: int) -> None:
            super().__init__()
            self.grade = grade

    def __init__(self, grade: int) -> None:
        super().__init__(id=f"grade-{grade}")
        self.grade = grade
        self.interval: str = ""
        self.suggested = False
        self.short = False  # the short label (GradeBar decides, for all six at once)

    def room(self, key_width: int) -> int:
        """Cells left for the label beside the key and the interval."""
        return (
            key_width - len(f" {self.grade}  ") - len(f" {self.interval}" if self.interval else "")
        )

    def render(self) -> Table:
        variables = self.app.theme_variables
        accent = variables.get("accent", "yellow")
        key_style = f"bold reverse {accent}" if self.suggested else "bold"
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        interval = f" {self.interval}" if self.interval else ""
        words = (SHORT_GRADE_LABELS if self.short else GRADE_LABELS)[self.grade]
        label = Text(words, style="bold" if self.suggested else "")
        grid.add_row(
            Text(f" {self.grade} ", style=key_style),
            Text(" ") + label,
            Text(interval, style="dim"),
        )
        return grid

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Pressed(self.grade))


class GradeBar(Widget):
    """Set with ``show(intervals, suggested)``; ``intervals`` is None for a re-drill."""

    DEFAULT_CSS = """
    GradeBar { height: auto; }
    GradeBar > Grid { grid-size: 2; grid-gutter: 0 2; height: auto; }
    GradeBar.-wide > Grid { grid-size: 3; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._note = ("", "")  # the note above the keys: in full, and short

    def compose(self) -> ComposeResult:
        # Empty at first: the bar is hidden until a card is answered, and its eight
        # widgets were styled and laid out before a session's first card was painted
        # (issue 13). ``build`` adds them, after that paint or at the first ``show``.
        return iter(())

    def build(self) -> None:
        """Add the note and the six keys, once (they are in the DOM at once)."""
        if self.children or not self.is_attached:
            return
        grid = Grid()
        self.mount(Static(id="grade-note"), grid)
        if not grid.is_attached:
            # The bar is being removed (its screen left before the card's paint arrived):
            # Textual mounted nothing, and the keys have nowhere to go.
            return
        # Mounted one level at a time: a Grid's constructor children join the DOM only
        # when it composes, and ``show`` sets the keys right after this returns.
        grid.mount(*(GradeKey(grade) for grade in range(6)))

    def on_mount(self) -> None:
        self._arrange()

    def on_resize(self, event: events.Resize) -> None:
        self._arrange()

    def _arrange(self) -> None:
        self.set_class(self.size.width >= WIDE, "-wide")
        if not self.children:
            return  # not built yet: ``show`` builds, then arranges
        # The whole sentence when it fits on the line, else the short one (which wraps
        # rather than being cut if even that is too long: known issue 29).
        # Shown for the first time, the bar has no size yet: it will span the screen
        # but for its margin, and choosing now spares a frame with the wrong sentence.
        width = self.size.width or self.screen.size.width - self.styles.margin.width
        full, brief = self._note
        text = full if len(full) <= width or not width else brief
        self.query_one("#grade-note", Static).update(Text(text, style="dim"))
        # All six labels whole, or all six short when one would be cut ("wrong, the
        # answer reco…" at 60 columns): one style of label in the bar.
        columns = 3 if width >= WIDE else 2
        key_width = (width - GUTTER * (columns - 1)) // columns
        keys = list(self.query(GradeKey))
        short = bool(width) and any(len(GRADE_LABELS[k.grade]) > k.room(key_width) for k in keys)
        for key in keys:
            if key.short != short:
                key.short = short
                key.refresh()

    def show(
        self, intervals: dict[int, int] | None, suggested: int | None, practice: bool = False
    ) -> None:
        self.build()
        if intervals is None and practice:
            if suggested is None:
                self._note = (
                    "Practice: the schedule is unchanged, whatever the grade.",
                    "Practice: any grade leaves the schedule as it is.",
                )
            else:
                self._note = (
                    f"Suggested grade {suggested}: Enter accepts it. Practice: no rescheduling.",
                    f"Suggested {suggested}: Enter accepts. Practice: no rescheduling.",
                )
        elif intervals is None:
            self._note = (
                "Re-drill: the schedule is unchanged; 4 or 5 ends it for today.",
                "Re-drill, no rescheduling: 4 or 5 ends it for today.",
            )
        elif suggested is not None:
            self._note = (
                f"Suggested grade {suggested}: Enter accepts it, or press 0–5. Next review in:",
                f"Suggested {suggested}: Enter accepts, or 0–5. Next review in:",
            )
        else:
            self._note = (
                "How well did you know it? Press 0–5. Next review in:",
                "How well did you know it? 0–5. Next review in:",
            )
        for key in self.query(GradeKey):
            key.suggested = key.grade == suggested
            key.interval = interval_text(intervals[key.grade]) if intervals else ""
            key.refresh()
        self._arrange()


class GradeBarAfterPaint:
    """Mixed into ReviewScreen: the grade bar's keys are built once a card is painted
    (``AfterFirstPaint.Painted`` from the card view), not before the first card."""

    query_one: Any  # the screen's (an annotation only: nothing here shadows it)

    def on_after_first_paint_painted(self) -> None:
        self.query_one(GradeBar).build()
