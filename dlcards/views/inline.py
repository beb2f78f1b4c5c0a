"""Inline Markdown (`code`, **bold**, *emphasis*) as Rich Text, for one-line texts like choices."""

from __future__ import annotations

import re

from rich.text import Text

_INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")


def inline_markdown(source: str, *, code_style: str = "bold") -> Text:
    """The text with its inline markup applied (nothing else of Markdown is interpreted)."""
    text = Text()
    position = 0
    for match in _INLINE.finditer(source):
        text.append(source[position : match.start()])
        code, strong, emphasis = match.groups()
        if code is not None:
            text.append(code, style=code_style)
        elif strong is not None:
            text.append(strong, style="bold")
        else:
            text.append(emphasis, style="italic")
        position = match.end()
    text.append(source[position:])
    return text
