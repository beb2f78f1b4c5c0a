"""Switch profile: pick one of the profiles on this machine or type a new name."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from dlcards.config import check_profile_name
from dlcards.errors import UserError


class ProfileScreen(ModalScreen[str | None]):
    """Dismisses with the chosen profile name, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, profiles: list[tuple[str, int, str | None]], current: str) -> None:
        super().__init__()
        self.profiles = profiles
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="profile-dialog", classes="dialog"):
            options = []
            for name, reviews, last_day in self.profiles:
                line = Text(("● " if name == self.current else "  ") + name,
                            style="bold" if name == self.current else "")
                detail = f"  {reviews} review{'s' if reviews != 1 else ''}"
                if last_day:
                    detail += f", last {last_day}"
                line.append(detail, style="dim")
                options.append(Option(line, id=name))
            yield OptionList(*options, id="profile-list")
            yield Input(placeholder="or type a new profile name, then Enter", id="profile-new",
                        max_length=32)
            yield Static(id="profile-error")
            yield Static("Enter picks · Tab moves · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#profile-dialog").border_title = "Switch profile"
        option_list = self.query_one(OptionList)
        names = [name for name, _, _ in self.profiles]
        if self.current in names:
            option_list.highlighted = names.index(self.current)
        option_list.focus()
        if self.app.is_headless:
            self.query_one(Input).cursor_blink = False

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        try:
            check_profile_name(name)
        except UserError as exc:
            error = self.app.theme_variables.get("error", "red")
            self.query_one("#profile-error", Static).update(Text(str(exc), style=error))
            return
        self.dismiss(name)
