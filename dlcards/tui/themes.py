"""The two dlcards themes, how config.toml's ``theme`` names them, and the app's theme key."""

from __future__ import annotations

import dataclasses
from typing import ClassVar

from textual.app import App
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.theme import Theme

from dlcards import config
from dlcards.errors import UserError

DARK = Theme(
    name="dlcards-dark",
    primary="#61afef",
    secondary="#c678dd",
    accent="#e5c07b",
    warning="#e5a33b",
    error="#e06c75",
    success="#98c379",
    foreground="#d7dae0",
    background="#16181d",
    surface="#1e2127",
    panel="#282c34",
    dark=True,
    variables={
        "footer-key-foreground": "#61afef",
        "input-selection-background": "#61afef 35%",
    },
)

LIGHT = Theme(
    name="dlcards-light",
    primary="#2f6fb3",
    secondary="#8a4fb3",
    accent="#9a6400",
    warning="#b7791f",
    error="#c0392b",
    success="#2e7d4f",
    foreground="#24292f",
    background="#f6f6f3",
    surface="#ecebe6",
    panel="#e0dfd9",
    dark=False,
    variables={
        "footer-key-foreground": "#2f6fb3",
        "input-selection-background": "#2f6fb3 30%",
    },
)

THEMES = {"dark": DARK, "light": LIGHT}


def theme_for_setting(value: str, known: set[str]) -> str:
    """The Textual theme for config's ``theme``: dark, light, or any registered theme name."""
    if value in THEMES:
        return THEMES[value].name
    if value in known:
        return value
    return DARK.name


def setting_for_theme(name: str) -> str:
    """What to save in config.toml for a theme: ``dark``/``light`` for ours, else the name."""
    for key, theme in THEMES.items():
        if theme.name == name:
            return key
    return name


class WholeCellThumb(ScrollBarRender):
    """A scrollbar thumb drawn in whole cells, without Textual's partial-block end glyphs.

    Those ends ("▆" at the top, a reversed "▃" at the bottom) around a thumb body of
    coloured spaces read as two separate thumbs in one column wherever colours are
    faint or lost, so one scroll area looked like two nested ones (known issue 42).
    """

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * len(ScrollBarRender.VERTICAL_BARS)
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * len(ScrollBarRender.HORIZONTAL_BARS)


class ThemedApp(App[None]):
    """A mixin of ``DlcardsApp``: its theme at start (config.toml) and the theme key."""

    settings: config.Settings
    home: config.Home | None

    def start_with_theme(self, setting: str) -> None:
        """Start in the theme config.toml's ``theme`` names, as Textual's theme watcher
        switches to one, minus the full CSS reparse it queues (~25 ms before the first
        paint, issue 13): nothing is parsed yet, so the first parse takes its variables."""
        ScrollBar.renderer = WholeCellThumb  # a class attribute: every scrollbar's look
        for theme in THEMES.values():
            self.register_theme(theme)
        name = theme_for_setting(setting, set(self.available_themes))
        self.set_reactive(ThemedApp.theme, name)
        dark = self.current_theme.dark
        classes = {c: False for c in self.classes if c.startswith("-theme-")}
        classes.update({f"-theme-{name}": True, "-dark-mode": dark, "-light-mode": not dark})
        self.update_classes(classes, update=False)
        self._refresh_truecolor_filter(self.ansi_theme)
        self.stylesheet.set_variables(self.get_css_variables())

    def action_toggle_theme(self) -> None:
        dark = self.current_theme.dark
        self.theme = (LIGHT if dark else DARK).name
        value = setting_for_theme(self.theme)
        self.settings = dataclasses.replace(self.settings, theme=value)
        if self.home is not None:
            try:
                config.save_setting(self.home, "theme", value)
            except (OSError, UserError) as exc:
                self.notify(f"Could not save the theme: {exc}", severity="warning")
