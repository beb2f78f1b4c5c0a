"""Help: the keys of each screen, the grades, and how to type compute answers."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dlcards.scheduler import GRADE_LABELS
from dlcards.tui.screens import SCREENS_CSS

HOME_KEYS = [
    ("Enter", "study the highlighted deck"),
    ("a", "study everything due"),
    ("c", "practice: weakest first, compute drills, interview"),
    ("/", "browse and search every card"),
    ("s", "statistics"),
    ("p", "profiles: switch, create (type a name), rename (F2)"),
    ("t", "dark / light theme"),
    ("r", "reload the decks from their files (after fixing one)"),
    ("?", "this help"),
    ("q", "quit"),
]
REVIEW_KEYS = [
    ("Space / Enter", "show the answer"),
    ("0 – 5", "grade (after the answer is shown)"),
    ("1 – 9", "choice cards: toggle an option; Enter checks"),
    ("Enter", "accept the suggested grade (choice and compute)"),
    ("u", "undo the last grade, bury or suspension"),
    ("b", "bury the card until tomorrow (practice: skip it)"),
    ("s", "suspend the card (never shown until unsuspended)"),
    ("e", "edit the card's deck in $EDITOR"),
    ("o", "open the card's images and sounds in your viewer"),
    ("Esc / q", "back to Home (every grade is saved; asks first if an answer waits for its grade)"),
]
CARDS_KEYS = [
    ("typing", "words search fronts, backs and ids (case, accents ignored)"),
    ("filters", "tag:NAME  deck:ID  is:new|learning|mature|suspended|leech"),
    ("↑ ↓ PgUp PgDn", "move; / back to the search box"),
    ("Enter", "the card's history; there s (un)suspends, r resets, b buries, e edits"),
]
COMPUTE_KEYS = [
    ("Enter", "check the answer (an empty box means “don't know”)"),
    ("Esc", "leave the box (then Esc again: Home)"),
]
EVERYWHERE = [
    ("Ctrl+P", "command palette: study, practice, cards, stats, profile, theme, help, quit")
]


def key_table(title: str, rows: list[tuple[str, str]]) -> Group:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, min_width=14)
    table.add_column()
    for key, what in rows:
        table.add_row(key, what)
    return Group(Text(title, style="bold underline"), table, Text(""))


def help_body() -> Group:
    grades = Table.grid(padding=(0, 2))
    grades.add_column(style="bold", no_wrap=True, min_width=14)
    grades.add_column()
    for grade, label in GRADE_LABELS.items():
        grades.add_row(str(grade), label)
    answers = Text(
        "Numbers: 3, -0.25, 3/4, 1e-3.  Vectors: 1 2 3.  Matrices: rows split by ';' "
        "(1 2; 3 4).  Shapes: 10x10 or (1, 16, 30, 30).  Some problems take words "
        "(error, impossible…). The preview under the box shows how your answer was read.\n"
    )
    return Group(
        key_table("Home", HOME_KEYS),
        key_table("Review and practice", REVIEW_KEYS),
        key_table("Cards (/ on Home)", CARDS_KEYS),
        key_table("Compute answer box", COMPUTE_KEYS),
        Text("Grades", style="bold underline"),
        grades,
        Text(
            "Below 3 the card starts over; below 4 it comes back today (re-drill).\n"
            "Practice grades never change the schedule. A card forgotten leech_threshold "
            "times (8) is a leech.\n",
            style="dim",
        ),
        Text("Typing compute answers", style="bold underline"),
        answers,
        key_table("Everywhere", EVERYWHERE),
    )


class HelpScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review
    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("question_mark", "dismiss", "Close", show=False),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            with VerticalScroll(id="help-scroll"):
                yield Static(help_body())
            yield Static("Esc closes · ↑ ↓ scroll", classes="dialog-hint")

    def on_mount(self) -> None:
        dialog = self.query_one("#help-dialog")
        dialog.border_title = "Help"
        self.query_one("#help-scroll").focus()
