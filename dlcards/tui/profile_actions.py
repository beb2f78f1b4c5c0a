"""Switching and renaming profiles from the TUI (the Profiles dialog, ``p``).

A mixin of ``DlcardsApp``. Both write through ``store_wait``: waiting for another
process's lock says so on screen instead of freezing the app.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime
from functools import partial

from textual.app import App

from dlcards import config
from dlcards.errors import UserError
from dlcards.store import Store
from dlcards.tui.screens import home_screen_class
from dlcards.tui.store_wait import write


class ProfileActions(App[None]):
    """``action_profiles``, ``switch_profile`` and ``rename_profile``; the app sets these
    attributes."""

    store: Store
    profile: str
    settings: config.Settings
    home: config.Home | None
    clock: Callable[[], datetime]

    def in_review(self) -> bool:
        raise NotImplementedError

    def go_home(self) -> None:
        raise NotImplementedError

    def action_profiles(self) -> None:
        if self.in_review():
            self.notify("Leave the review first (Esc) to switch profile.")
            return

        from dlcards.tui.screens.profiles import ProfileScreen

        async def switch(name: str | None) -> None:
            if name and name != self.profile:
                await self.switch_profile(name)

        self.push_screen(ProfileScreen(self.store.profiles(), self.profile), switch)

    async def rename_profile(self, old: str, new: str) -> None:
        """Rename a profile (every row and state goes with it); raises UserError if not."""
        config.check_profile_name(new)
        try:
            # Through store_wait, as every write from the TUI: waiting for another
            # process's lock says so on screen instead of freezing the app.
            await write(self.screen, self.store, partial(self.store.rename_profile, old, new))
        except ValueError as exc:
            raise UserError(str(exc).replace("'", ""), "choose another name") from exc
        if self.settings.user == old and self.home is not None:
            # config.toml names it as the default profile: follow the rename there too.
            config.save_setting(self.home, "user", new)
            self.settings = dataclasses.replace(self.settings, user=new)
        if self.profile == old:
            self.profile = new
            home_screen = home_screen_class()
            home = next((s for s in self.screen_stack if isinstance(s, home_screen)), None)
            if home is not None:
                home.refresh_data()

    async def switch_profile(self, name: str) -> None:
        config.check_profile_name(name)
        # Through store_wait: a new profile's row waits for another process's lock with
        # the line on screen, as a grade does, instead of freezing the app unexplained.
        await write(self.screen, self.store, partial(self.store.ensure_profile, name, self.clock()))
        self.profile = name
        # The profile's own [profiles.NAME] settings (new_per_day, a goal, …).
        self.settings = self.settings.for_profile(name)
        self.go_home()
        home = self.screen
        if isinstance(home, home_screen_class()):
            home.refresh_data()
        note = ""
        if self.home is not None:  # remembered, and said so (known issue 12)
            try:
                config.save_setting(self.home, "user", name)
                self.settings = dataclasses.replace(self.settings, user=name)
                note = f" Remembered: the next dlcards and its commands use {name} too."
            except (OSError, UserError) as exc:
                note = f" (not remembered for next time: {exc})"
        self.notify(f"Now studying as {name}.{note}", title="Profile")
