"""Practice (Home's c): which cards to practise and how; the schedule is never changed."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from dlcards.study.practice import PracticeOptions
from dlcards.tui.screens import SCREENS_CSS

INTERVIEW_CARDS = 10


def practice_choices(
    deck_id: str | None, deck_name: str | None
) -> list[tuple[str, str, PracticeOptions]]:
    """(title, explanation, practice options) of each choice, in the order shown."""
    choices = []
    if deck_id is not None:
        choices.append(
            (
                f"Weakest first · {deck_name or deck_id}",
                "lowest easiness, most lapses, then unseen; topics mixed",
                PracticeOptions(deck_ids=(deck_id,)),
            )
        )
    choices += [
        (
            "Weakest first · all decks",
            "every deck, the cards you forget most first",
            PracticeOptions(),
        ),
        (
            "Compute drill · endless",
            "compute cards, fresh numbers, round and round until Esc",
            PracticeOptions(compute_only=True),
        ),
        (
            f"Interview · {INTERVIEW_CARDS} cards",
            "the weakest cards of all decks, a clock each, no hints",
            PracticeOptions(interview=True, count=INTERVIEW_CARDS),
        ),
    ]
    return choices


class PracticeSetupScreen(ModalScreen[PracticeOptions | None]):
    """Dismisses with the practice options chosen, or None."""

    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review

    # Under 24 rows the dialog takes the height and the list scrolls, so the note and
    # the key hint under it stay on screen (known issue 41: cut off at 60×16).
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        *[Binding(str(n), f"pick({n})", show=False) for n in range(1, 5)],
    ]

    def __init__(self, deck_id: str | None, deck_name: str | None = None) -> None:
        super().__init__()
        self.choices = practice_choices(deck_id, deck_name)

    def compose(self) -> ComposeResult:
        with Vertical(id="practice-dialog", classes="dialog"):
            options = []
            for number, (title, detail, _) in enumerate(self.choices, start=1):
                # A grid keeps a wrapped description under its title, not under the
                # number (known issue 41).
                line = Table.grid()
                line.add_column(no_wrap=True)
                line.add_column(ratio=1)
                line.add_row(
                    Text(f"{number}  ", style="bold"),
                    Text.assemble((title, "bold"), "\n", (detail, "dim")),
                )
                options.append(Option(line, id=str(number)))
            yield OptionList(*options, id="practice-list")
            yield Static(
                "Practice never changes your schedule: grades are logged apart.",
                classes="dialog-note",
            )
            yield Static(
                f"Enter or 1–{len(self.choices)} starts · Esc cancels", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#practice-dialog").border_title = "Practice"
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(int(event.option.id or 1))

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.choices):
            self.dismiss(self.choices[number - 1][2])
