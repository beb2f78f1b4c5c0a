"""Opening a deck file in the user's editor at a card's line (the Review screen's ``e``)."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from dlcards.config import Home
from dlcards.errors import UserError

# Editors that take ``+LINE file`` (vi family, nano, emacs and friends).
PLUS_LINE = {
    "vi",
    "vim",
    "nvim",
    "gvim",
    "view",
    "vis",
    "nano",
    "pico",
    "rnano",
    "emacs",
    "emacsclient",
    "micro",
    "kak",
    "joe",
    "jed",
    "mg",
    "ne",
    "mcedit",
    "elvis",
    "nvi",
    "ex",
    "jove",
    "zile",
}
# Editors that take ``--goto file:line`` or ``file:line``.
GOTO = {"code", "code-insiders", "codium", "cursor", "windsurf"}
COLON_LINE = {"subl", "sublime_text", "hx", "helix", "zed", "gedit", "kate"}
FALLBACKS = ("nano", "vim", "vi")


def editor_argv(
    configured: str | None,
    path: Path,
    line: int,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """The command that opens ``path`` at ``line``.

    The editor is config.toml's ``editor``, then ``$VISUAL``, then ``$EDITOR``, then
    the first of nano, vim, vi found on PATH (notepad on Windows).
    """
    env = os.environ if env is None else env
    raw = configured or env.get("VISUAL") or env.get("EDITOR")
    if raw:
        argv = shlex.split(raw, posix=os.name != "nt")
    else:
        found = next((name for name in FALLBACKS if shutil.which(name)), None)
        if found is None and sys.platform == "win32":
            found = "notepad"
        if found is None:
            raise UserError("no editor found", "set editor in config.toml, or $VISUAL or $EDITOR")
        argv = [found]
    if not argv:
        raise UserError("the editor setting is empty", "set editor in config.toml or $EDITOR")
    name = Path(argv[0]).name.lower().removesuffix(".exe")
    line = max(1, line)
    if name in PLUS_LINE:
        return [*argv, f"+{line}", str(path)]
    if name in GOTO:
        return [*argv, "--goto", f"{path}:{line}"]
    if name in COLON_LINE:
        return [*argv, f"{path}:{line}"]
    return [*argv, str(path)]


def user_copy(home: Home, shipped: Path, deck_id: str) -> Path:
    """Copy a shipped deck into ``<home>/decks/`` (its copy then overrides it) and return it.

    An existing file of that name is never overwritten: a numbered name is used instead.
    """
    home.ensure()
    target = home.decks_dir / shipped.name
    number = 2
    while target.exists():
        target = home.decks_dir / f"{shipped.stem}-{number}.toml"
        number += 1
    target.write_bytes(shipped.read_bytes())
    return target
