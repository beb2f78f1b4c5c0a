"""How plain mode lays text out: prose wrapped at one width (standard library only).

Everything plain mode prints as prose is wrapped to ``WIDTH`` columns, the width
``dlcards.plain.readable`` renders a card's Markdown at, so a compute prompt or a
"Source: …" line does not run on for 200 columns under a wrapped back. A continued
line is indented under the text it continues (``hanging``), so it never reads as a
stray word at the margin.
"""

from __future__ import annotations

import textwrap

WIDTH = 88


def wrapped(text: str, width: int = WIDTH) -> str:
    """Each line of ``text`` wrapped to ``width``; indented lines (a matrix's rows) kept whole.

    Words are never broken: a long URL or number stays on one line.
    """
    return "\n".join(
        line if not line or line[0].isspace() else _fill(line, width, "")
        for line in text.split("\n")
    )


def hanging(label: str, text: str, width: int = WIDTH) -> str:
    """``label`` then ``text``, its continued lines indented to where the text starts.

    ``text`` may already hold lines (a choice rendered from Markdown): each keeps its
    place under the first.
    """
    indent = " " * len(label)
    lines = text.split("\n")
    first = _fill(label + lines[0], width, indent)
    rest = [_fill(indent + line, width, indent) if line else "" for line in lines[1:]]
    return "\n".join([first, *rest])


def _fill(line: str, width: int, indent: str) -> str:
    return textwrap.fill(
        line,
        width,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    )
