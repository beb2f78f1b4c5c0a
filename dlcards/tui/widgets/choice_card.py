"""A choice card: numbered options toggled with 1–9, checked with Enter, marked per option."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from dlcards.cards import ChoiceCard
from dlcards.mathtext import shown
from dlcards.tui.widgets.card_text import card_markdown
from dlcards.tui.widgets.divider import Divider
from dlcards.tui.widgets.source_line import SourceLine
from dlcards.views.inline import inline_markdown

Mark = Literal["", "right", "wrong", "missed", "other"]


class ChoiceOption(Widget):
    """One option; clicking it toggles it like its number key."""

    DEFAULT_CSS = """
    ChoiceOption { height: auto; padding: 0 1; }
    ChoiceOption.-picked { background: $primary 15%; }
    ChoiceOption.-right { background: $success 15%; }
    ChoiceOption.-wrong { background: $error 15%; }
    ChoiceOption.-missed { background: $warning 15%; }
    """

    class Toggled(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int, text: str) -> None:
        super().__init__()
        self.index = index
        self.text = text
        self.picked = False
        self.mark: Mark = ""

    def render(self) -> Text:
        variables = self.app.theme_variables
        box = "[x]" if self.picked else "[ ]"
        symbol, color, note = {
            "": ("", "", ""),
            "right": ("✓", variables.get("success", "green"), ""),
            "wrong": ("✗", variables.get("error", "red"), "  not right"),
            "missed": ("!", variables.get("warning", "yellow"), "  missed: this one is right"),
            "other": ("", "", ""),
        }[self.mark]
        line = Text()
        line.append(f"{self.index + 1} ", style="bold")
        line.append(box + " ", style=f"bold {color}".strip() if self.picked else "dim")
        body = inline_markdown(self.text)
        if self.mark == "other":
            body.stylize("dim")
        line.append_text(body)
        if symbol:
            line.append(f"  {symbol}", style=f"bold {color}")
            line.append(note, style=color)
        return line

    def update_state(self, *, picked: bool | None = None, mark: Mark | None = None) -> None:
        if picked is not None:
            self.picked = picked
        if mark is not None:
            self.mark = mark
        self.set_class(self.picked and not self.mark, "-picked")
        for name in ("right", "wrong", "missed"):
            self.set_class(self.mark == name, f"-{name}")
        self.refresh(layout=True)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Toggled(self.index))


class ChoiceCardView(Vertical):
    """``toggle(index)`` before ``submit()``; then the options show right and wrong."""

    DEFAULT_CSS = """
    ChoiceCardView { height: auto; }
    ChoiceCardView > .options { height: auto; margin: 0; }
    ChoiceCardView > .hint { color: $text-muted; margin: 1 0 0 0; }
    """

    def __init__(self, card: ChoiceCard, *, interview: bool = False) -> None:
        super().__init__(classes="card-view")
        self.card = card
        self.interview = interview  # no hint of how many options are right
        self.picked: set[int] = set()
        self.submitted = False

    def compose(self) -> ComposeResult:
        yield card_markdown(shown(self.card.front), classes="front")
        with Vertical(classes="options"):
            for index, text in enumerate(self.card.choices):
                yield ChoiceOption(index, shown(text))
        several = "one or more may be right" if len(self.card.correct) != 1 else "pick one"
        aside = "" if self.interview else f" ({several})"
        yield Static(
            f"Toggle with 1–{len(self.card.choices)}{aside}, then Enter to check.",
            classes="hint",
        )
        result = Vertical(classes="back")
        result.display = False
        with result:
            yield Static(classes="verdict")
            if self.card.back.strip():
                yield Divider("explanation")
                yield card_markdown(shown(self.card.back))
            yield SourceLine(self.card)

    def toggle(self, index: int) -> None:
        if self.submitted or not 0 <= index < len(self.card.choices):
            return
        self.picked ^= {index}
        self.query(ChoiceOption)[index].update_state(picked=index in self.picked)

    def on_choice_option_toggled(self, message: ChoiceOption.Toggled) -> None:
        message.stop()
        self.toggle(message.index)

    @property
    def right(self) -> bool:
        return self.picked == set(self.card.correct)

    def submit(self) -> int:
        """Mark every option and show the explanation; returns the suggested grade (4 or 1)."""
        self.submitted = True
        correct = set(self.card.correct)
        for option in self.query(ChoiceOption):
            picked, good = option.index in self.picked, option.index in correct
            mark: Mark = (
                "right"
                if picked and good
                else "wrong"
                if picked
                else ("missed" if good else "other")
            )
            option.update_state(mark=mark)
        self.query_one(".hint").display = False
        numbers = ", ".join(str(i + 1) for i in sorted(correct))
        variables = self.app.theme_variables
        if self.right:
            verdict = Text("✓ Right", style=f"bold {variables.get('success', 'green')}")
            verdict.append(f" — exactly the correct set ({numbers}).", style="")
        else:
            verdict = Text("✗ Not quite", style=f"bold {variables.get('error', 'red')}")
            verdict.append(f" — the right answer is {numbers}.", style="")
        self.query_one(".verdict", Static).update(verdict)
        self.query_one(".back").display = True
        return 4 if self.right else 1

    def answer_text(self) -> str:
        """The picked options as the plain mode stores them: numbers from 1, comma-separated."""
        return ", ".join(str(i + 1) for i in sorted(self.picked))
