"""The two dlcards themes and how config.toml's ``theme`` names them."""

from __future__ import annotations

from textual.theme import Theme

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
