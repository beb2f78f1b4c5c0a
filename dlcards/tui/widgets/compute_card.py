"""A compute card: the generated problem, the answer box with a live preview, then the check.

The problem (``dlcards.problems``) renders the prompt and grids, previews what is
typed, checks it, and explains the solution; this widget only lays them out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from dlcards.cards import ComputeCard
from dlcards.mathtext import shown
from dlcards.tui.widgets.after_paint import AfterFirstPaint
from dlcards.tui.widgets.answer_box import AnswerArea, AnswerBox
from dlcards.tui.widgets.card_text import card_markdown
from dlcards.tui.widgets.divider import Divider
from dlcards.tui.widgets.source_line import SourceLine
from dlcards.views.grids import grid_table, grids_row
from dlcards.wording import unicode_minus

if TYPE_CHECKING:
    from dlcards.problems import Grid, Instance, Problem, Verdict

STATUS = {
    "correct": ("✓", "success"),
    "close": ("≈", "warning"),
    "wrong": ("✗", "error"),
    "blank": ("·", "text-muted"),
}


class ComputeCardView(AfterFirstPaint, AnswerArea, Vertical):
    """Posts ``Checked`` once an answer parses and is checked; a parse error stays inline."""

    DEFAULT_CSS = """
    ComputeCardView { height: auto; }
    """

    class Checked(Message):
        def __init__(self, verdict: Verdict, answer: str) -> None:
            super().__init__()
            self.verdict = verdict
            self.answer = answer

    def __init__(
        self,
        card: ComputeCard,
        instance: Instance,
        problem: Problem,
        seconds: Callable[[], float],
        *,
        interview: bool = False,
    ) -> None:
        super().__init__(classes="card-view")
        self.interview = interview  # no constants, only the answer's format
        self.card = card
        self.instance = instance
        self.problem = problem
        self.rendered = problem.render(instance)
        self._seconds = seconds  # since the card was shown: a fast right answer suggests 5
        self.verdict: Verdict | None = None
        self._back_built = False

    def compose(self) -> ComposeResult:
        rendered = self.rendered
        if self.card.front.strip():
            yield card_markdown(shown(self.card.front), classes="front")
        yield Static(Text(rendered.text), classes="prompt")
        if rendered.grids:
            yield Static(grids_row(rendered.grids), classes="grids")
        if rendered.constants and not self.interview:
            yield Static(
                Text.assemble(("Constants  ", "dim"), "   ".join(rendered.constants)),
                classes="constants",
            )
        hint = rendered.answer_hint
        if self.interview:
            from dlcards.study.practice import minimal_hint

            hint = minimal_hint(hint)
        with Vertical(classes="answer"):
            yield Static(Text.assemble(("Answer: ", "bold"), (hint, "dim")), classes="answer-hint")
            yield AnswerBox(
                placeholder="type, then Enter to check (empty: don't know)", id="answer-box"
            )
            yield Static(classes="preview")
            yield Static(classes="answer-error")
        # The check's widgets (and the back's Markdown) are built once the card is
        # painted, not before: nobody sees them until an answer is checked (issue 13).
        result = Vertical(classes="back")
        result.display = False
        yield result

    async def after_first_paint(self) -> None:
        self.build_back()

    def build_back(self) -> None:
        """Add the check's widgets to the hidden back, once (show_verdict's first need)."""
        back = self.query(".back")  # none left when the card is on its way out
        if self._back_built or not self.is_attached or not back:
            return
        self._back_built = True
        parts: list[Widget] = [
            Divider("check"),
            Static(classes="verdict"),
            Static(classes="solution"),
        ]
        if self.card.back.strip():
            parts.append(card_markdown(shown(self.card.back)))
        parts.append(SourceLine(self.card))
        # Not awaited: the widgets are in the DOM at once (show_verdict updates them
        # right after), and mount in the next turn of the message loop.
        back.first().mount_all(parts)

    # --- typing -----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(".answer-error", Static).update("")
        self.query_one(".preview", Static).update(self._preview(event.value))
        # Twice: the refresh after the update lays the new preview out; only after it
        # is its height (a grid that just appeared, a paste) the one to scroll to.
        self.call_after_refresh(self.call_after_refresh, self.keep_in_view)

    def keep_in_view(self) -> None:
        """Scroll so that the preview and the answer box are on screen while typing.

        The box is scrolled to last, so when both do not fit (a big preview grid at
        60×16) the box, where the keys go, wins.
        """
        if self.verdict is not None or self.leaving():
            return
        preview = self.query_one(".preview", Static)
        if preview.region.height:
            preview.scroll_visible(animate=False, immediate=True)
        self.query_one(AnswerBox).scroll_visible(animate=False, immediate=True)

    def _preview(self, value: str) -> RenderableType:
        shown = self.problem.preview(self.instance, value)
        if shown is None:
            return ""
        if isinstance(shown, str):
            return Text("→ " + shown, style="dim")
        return grid_table(shown)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.verdict is not None:
            return
        from dlcards.problems import AnswerError

        answer = event.value
        try:
            verdict = self.problem.check(self.instance, answer, self._seconds())
        except AnswerError as exc:
            error = self.app.theme_variables.get("error", "red")
            # The preview says the same: the message is shown once, on this line.
            self.query_one(".preview", Static).update("")
            self.query_one(".answer-error", Static).update(
                Text.assemble(
                    ("✗ ", f"bold {error}"),
                    (str(exc), error),
                    ("  — fix it and press Enter again", "dim"),
                )
            )
            return
        self.show_verdict(verdict, answer)
        self.post_message(self.Checked(verdict, answer))

    # --- the check ---------------------------------------------------------------

    def show_verdict(self, verdict: Verdict, answer: str) -> None:
        from dlcards.problems import Grid

        self.verdict = verdict
        self.build_back()
        box = self.query_one(AnswerBox)
        box.disabled = True
        self.query_one(".answer-error", Static).update("")
        variables = self.app.theme_variables
        symbol, color_name = STATUS[verdict.status]
        color = variables.get(color_name, "")
        parts: list[RenderableType] = [
            Text.assemble((f"{symbol} {verdict.message}", f"bold {color}".strip()))
        ]
        expected = self.problem.preview(self.instance, verdict.expected)
        mine = self.problem.preview(self.instance, answer) if answer.strip() else None
        if isinstance(expected, Grid):
            grids: list[Grid] = []
            # Capitalized as "Expected: 33x33" above a scalar is (known issue 6).
            if isinstance(mine, Grid) and verdict.status != "correct":
                grids.append(Grid("Your answer", mine.rows))
            grids.append(Grid("Expected", expected.rows))
            parts.append(grids_row(grids))
        else:
            parts.append(Text.assemble(("Expected: ", "bold"), unicode_minus(verdict.expected)))
        if verdict.mistake:
            warning = variables.get("warning", "yellow")
            parts.append(
                Text.assemble(("Mistake: ", f"bold {warning}"), (verdict.mistake, warning))
            )
        self.query_one(".verdict", Static).update(Group(*parts))
        steps = self.problem.explain(self.instance)
        if steps:
            # A grid keeps wrapped lines of a step indented under its text.
            table = Table.grid(padding=(0, 1))
            table.add_column(justify="right", style="dim", no_wrap=True)
            table.add_column(ratio=1)
            for number, step in enumerate(steps, start=1):
                table.add_row(f"{number}.", Text(step))  # a step's "[pos]" is text, not markup
            self.query_one(".solution", Static).update(
                Group(Text("Worked solution", style="bold"), table)
            )
        self.query_one(".back").display = True
