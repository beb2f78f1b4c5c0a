"""Images and sounds of imported Anki notes: ``<home>/media/<deck>/``, safe names, viewer.

Names come from packages that may be hostile: a name is reduced to one safe file
name (no folders, no ``..``, no control characters, no leading dot, bounded
length) and the file is written only if its path stays inside the deck's media
folder. The same reduction finds the file again from the name in a card
(``[image: name]``, ``<img src>``, ``[sound:name]``) and when an export packs it
back under its original name.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import subprocess
import sys
from pathlib import Path

MAX_NAME = 120  # characters of a stored file name
_UNSAFE = re.compile(r"[^\w.\-+,()=@ ]+")
_IMG_SRC = re.compile(
    r"""<img\b[^<>]{0,2000}?\bsrc\s*=\s*(?:"([^"<>]{1,500})"|'([^'<>]{1,500})'|([^\s"'<>]{1,500}))""",
    re.IGNORECASE,
)
_SOUND = re.compile(r"\[sound:([^\]\n<>]{1,500})\]")
_SHOWN = re.compile(r"\[(?:image: ([^\]\n]{1,500})|sound:([^\]\n]{1,500}))\]")
_WINDOWS_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$")


def folder_name(deck_id: str) -> str:
    """A deck's media folder name: the id when it is a safe name, else a safe form + hash."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}", deck_id) and ".." not in deck_id:
        return deck_id
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", deck_id).strip(".-_")[:80] or "deck"
    return f"{safe}-{hashlib.blake2b(deck_id.encode(), digest_size=4).hexdigest()}"


def deck_media_dir(media_root: Path, deck_id: str) -> Path:
    return media_root / folder_name(deck_id)


def safe_name(name: str) -> str | None:
    """The file name ``name`` is stored under, or None when nothing safe is left."""
    name = html.unescape(name).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    name = _UNSAFE.sub("_", name).strip(" .")
    if not name or name in (".", "..") or _WINDOWS_RESERVED.match(name):
        return None
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        suffix = suffix[:16] if dot else ""
        digest = hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
        name = f"{(stem or name)[: MAX_NAME - 30]}-{digest}" + (f".{suffix}" if suffix else "")
    return name


def inside(folder: Path, name: str) -> Path | None:
    """``folder / safe_name(name)`` if that path is really inside ``folder``."""
    safe = safe_name(name)
    if safe is None:
        return None
    path = folder / safe
    if path.parent.resolve() != folder.resolve():
        return None
    return path


def field_references(field_html: str) -> list[str]:
    """Media names an Anki field refers to (``<img src>``, ``[sound:…]``), in order."""
    names = [next(g for g in m.groups() if g) for m in _IMG_SRC.finditer(field_html)]
    names += _SOUND.findall(field_html)
    return list(dict.fromkeys(html.unescape(n).strip() for n in names if n.strip()))


def shown_references(text: str) -> list[str]:
    """Media names a card's text shows (``[image: name]``, ``[sound:name]``)."""
    names = [(m.group(1) or m.group(2)).strip() for m in _SHOWN.finditer(text)]
    return list(dict.fromkeys(n for n in names if n))


def open_in_viewer(path: Path) -> None:
    """Open ``path`` with the system's viewer, without waiting for it.

    Raises OSError when there is no viewer to start (a server or container without
    ``xdg-open``): the caller says so and where the file is, rather than crash.
    """
    if sys.platform == "win32":  # pragma: no cover - not the CI platform
        os.startfile(path)  # mypy checks this branch only for win32, where it exists
        return
    command = "open" if sys.platform == "darwin" else "xdg-open"
    subprocess.Popen(  # noqa: S603 - a fixed program and our own path
        [command, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
