"""Profiles: pick one of the profiles on this machine, create one, or rename one.

Typing a name that does not exist yet creates that profile and switches to it;
``r`` on a highlighted profile renames it, keeping all its progress.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from dlcards import config
from dlcards.config import check_profile_name
from dlcards.errors import UserError
from dlcards.tui.screens import SCREENS_CSS
from dlcards.tui.widgets.ordered_input import OrderedInput
from dlcards.wording import plural

if TYPE_CHECKING:
    from dlcards.tui.app import DlcardsApp

NEW_HINT = "new profile: type its name, then Enter"


class ProfileScreen(ModalScreen[str | None]):
    """Dismisses with the chosen (or new) profile name, or None when cancelled.

    A rename is done here, through the app's ``rename_profile``; the dialog stays
    open, showing the new name.
    """

    CSS_PATH = SCREENS_CSS  # read on first show if the app opened on Review

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # F2, not a letter: every letter typed in this dialog is part of a new name.
        Binding("f2", "rename", "Rename", show=False),
    ]

    def __init__(self, profiles: list[tuple[str, int, str | None]], current: str) -> None:
        super().__init__()
        self.profiles = profiles
        self.current = current
        self.renaming: str | None = None  # the profile being renamed

    @property
    def dlcards_app(self) -> DlcardsApp:
        return cast("DlcardsApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="profile-dialog", classes="dialog"):
            yield OptionList(*self._options(), id="profile-list")
            # No select-on-focus: the first letter typed on the list is put in the box
            # before the box gets the focus, and must not be selected (and replaced).
            yield OrderedInput(
                placeholder=NEW_HINT, id="profile-new", max_length=32, select_on_focus=False
            )
            yield Static(id="profile-error")
            yield Static(
                "Enter picks · F2 renames · Tab moves · Esc cancels", classes="dialog-hint"
            )

    def _options(self) -> list[Option]:
        options = []
        for name, reviews, last_day in self.profiles:
            line = Text(
                ("● " if name == self.current else "  ") + name,
                style="bold" if name == self.current else "",
            )
            detail = f"  {plural(reviews, 'review')}"
            if last_day:
                detail += f", last {last_day}"
            line.append(detail, style="dim")
            options.append(Option(line, id=name))
        return options

    def on_mount(self) -> None:
        self.query_one("#profile-dialog").border_title = "Profiles"
        option_list = self.query_one(OptionList)
        names = [name for name, _, _ in self.profiles]
        if self.current in names:
            option_list.highlighted = names.index(self.current)
        option_list.focus()
        if self.app.is_headless:
            self.query_one(Input).cursor_blink = False

    def _error(self, message: str) -> None:
        error = self.app.theme_variables.get("error", "red")
        self.query_one("#profile-error", Static).update(Text(message, style=error))

    def on_key(self, event: events.Key) -> None:
        """Letters typed on the list start a new profile's name in the box (which then has
        the focus, so the rest of the name goes there too)."""
        option_list = self.query_one(OptionList)
        if self.focused is not option_list or not event.is_printable or not event.character:
            return
        box = self.query_one(Input)
        event.stop()
        event.prevent_default()
        box.cursor_position = len(box.value)
        box.insert_text_at_cursor(event.character)
        self.query_one("#profile-error", Static).update("")
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        # An error speaks of the name as it was: any edit (Ctrl+U included) clears it.
        event.stop()
        self.query_one("#profile-error", Static).update("")

    def action_rename(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return
        self.query_one("#profile-error", Static).update("")
        self.renaming = self.profiles[option_list.highlighted][0]
        box = self.query_one(Input)
        box.value = ""
        box.placeholder = f"new name for {self.renaming}, then Enter (Esc: cancel)"
        box.focus()

    def action_cancel(self) -> None:
        if self.renaming is not None:
            self._end_rename()
            return
        self.dismiss(None)

    def _end_rename(self) -> None:
        self.renaming = None
        box = self.query_one(Input)
        box.value = ""
        box.placeholder = NEW_HINT
        self.query_one("#profile-error", Static).update("")
        self.query_one(OptionList).focus()

    async def _rename(self, old: str, new: str) -> None:
        try:
            check_profile_name(new)
            if any(name == new for name, _, _ in self.profiles):
                raise UserError(f"profile '{new}' already exists", "choose another name")
            await self.dlcards_app.rename_profile(old, new)
        except UserError as exc:
            self._error(str(exc))
            return
        note = ""
        try:
            # The app already followed a rename of the profile config.toml names.
            followed = self.dlcards_app.settings.user == new
            if followed or self._follow_rename(old, new):
                note = f" config.toml now names {new} as your profile."
        except (OSError, UserError) as exc:  # renamed all the same: say how to get back to it
            note = f" config.toml could not be updated ({exc}): start with --user {new}."
        if self.current == old:
            self.current = new
        self.profiles = sorted(
            (
                (new if name == old else name, reviews, last)
                for name, reviews, last in self.profiles
            ),
            key=lambda p: p[0],
        )
        option_list = self.query_one(OptionList)
        option_list.clear_options()
        option_list.add_options(self._options())
        option_list.highlighted = [p[0] for p in self.profiles].index(new)
        self._end_rename()
        self.notify(
            f"Renamed {old} to {new}; all its progress went with it.{note}", title="Profile"
        )

    def _follow_rename(self, old: str, new: str) -> bool:
        """Point config.toml's user at ``new`` when ``old`` came from the login name.

        The app follows a rename of the profile config.toml names; with no user there,
        the next start would open an empty profile named after the login again.
        """
        app = self.dlcards_app
        home, settings = app.home, app.settings
        if home is None or not config.follow_rename(home, settings, old, new):
            return False
        app.settings = dataclasses.replace(settings, user=new)
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = event.value.strip()
        if not name:  # nothing typed yet: not a mistake, so no error; say what Enter wants
            muted = self.app.theme_variables.get("text-muted", "")
            what = f"a new name for {self.renaming}" if self.renaming else "a new profile's name"
            self.query_one("#profile-error", Static).update(
                Text(f"Type {what} first (Tab: back to the list).", style=muted)
            )
            return
        if self.renaming is not None:
            await self._rename(self.renaming, name)
            return
        try:
            check_profile_name(name)
        except UserError as exc:
            self._error(str(exc))
            return
        self.dismiss(name)
