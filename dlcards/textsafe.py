"""Deck text made safe for a terminal: control characters shown, never obeyed.

Card text, choices, tags and deck names come from files anyone can write. An ESC
in them is the start of a terminal command (ESC[2J clears the screen, OSC 0 sets
the window title, OSC 52 writes the clipboard), so every output boundary passes
text through :func:`safe_text`: each C0/C1 control character other than newline
and tab is replaced by a visible stand-in (ESC by "␛", BEL by "␇", …), which
turns a whole escape sequence into harmless text such as "␛[2J". Imported text
drops them instead (:func:`strip_controls`): nothing a card needs is lost.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace
from typing import TypeVar

# C0 controls but newline and tab, DEL, and the C1 controls (U+0080–U+009F: a
# terminal may read U+009B as CSI).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _visible(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"  # C1: no picture exists; the replacement character shows something


def safe_text(text: str) -> str:
    """``text`` with every control character but newline and tab made visible."""
    if _CONTROL.search(text) is None:  # the usual case: one scan, no copy
        return text
    return _CONTROL.sub(lambda m: _visible(m.group()), text)


def one_line(text: str) -> str:
    """``text`` as one safe line: newlines, tabs and CRs escaped as ``\\n``, ``\\t``, ``\\r``.

    For values echoed inside a ``path:line: message`` error, which must stay one line.
    """
    if _CONTROL_OR_BREAK.search(text) is None:
        return text
    return _CONTROL_OR_BREAK.sub(lambda m: _ESCAPES.get(m.group()) or _visible(m.group()), text)


def strip_controls(text: str) -> str:
    """``text`` without control characters but newline and tab (for imported cards)."""
    if _CONTROL.search(text) is None:
        return text
    return _CONTROL.sub("", text)


_KEEP = frozenset({"id", "guid", "type", "problem"})  # ids are checked printable already

_T = TypeVar("_T")


def safe_card(card: _T) -> _T:
    """A frozen card dataclass with its text (front, back, choices, tags, source) made safe.

    The same object when nothing needed changing: the usual case costs one scan a field.
    """
    update: dict[str, object] = {}
    for item in fields(card):  # type: ignore[arg-type]
        if item.name in _KEEP:
            continue
        value = getattr(card, item.name)
        if isinstance(value, str):
            cleaned: object = safe_text(value)
            changed = cleaned is not value
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            cleaned = [safe_text(v) for v in value]
            changed = any(a is not b for a, b in zip(cleaned, value, strict=True))
        else:
            continue
        if changed:
            update[item.name] = cleaned
    return replace(card, **update) if update else card  # type: ignore[type-var]
