"""Line numbers for TOML keys, which tomllib does not report.

A small character scanner that knows where strings, comments and arrays start
and end, so a ``[[cards]]`` or ``front =`` inside a multi-line string (a deck
card about TOML, say) is not mistaken for structure. It finds, for the deck
table and each ``[[cards]]`` block, the header line and the line of every
top-level key in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_BARE_KEY = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_-]+)\s*[.=]')


@dataclass
class Block:
    """One table: where its header is and where each of its keys starts."""

    header_line: int
    keys: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str | None) -> int:
        if key is None:
            return self.header_line
        return self.keys.get(key, self.header_line)


@dataclass
class Positions:
    deck: Block | None = None
    cards: list[Block] = field(default_factory=list)
    cards_key_line: int | None = None  # ``cards = [...]`` written as an inline array

    def card_line(self, index: int, key: str | None = None) -> int:
        if index < len(self.cards):
            return self.cards[index].line_of(key)
        return self.cards_key_line or 1


# One token at a time, in C: string bodies, comments and brackets are matched whole,
# so scanning a 100,000-card deck costs a regex search per token, not per character.
_TOKEN = re.compile(
    r'''
      (?P<mlb>"""(?:[^"\\]++|\\.|"(?!""))*+"""(?:"{1,2}(?!"))?)
    | (?P<mll>\'\'\'(?:[^\']++|\'(?!\'\'))*+\'\'\'(?:\'{1,2}(?!\'))?)
    | (?P<basic>"(?:[^"\\\n]++|\\.)*+")
    | (?P<literal>\'[^\'\n]*+\')
    | (?P<comment>\#[^\n]*+)
    | (?P<open>[\[{])
    | (?P<close>[\]}])
    ''',
    re.VERBOSE | re.DOTALL,
)


def _line_starts_structure(text: str, line_count: int) -> bytearray:
    """For each line (index 0 = line 1), 1 if it starts outside any string or array."""
    structural = bytearray(b"\x01") * (line_count + 1)
    depth = 0
    depth_since = 0  # line where the outermost open bracket was seen
    pos = 0
    line = 1
    while (match := _TOKEN.search(text, pos)) is not None:
        start, end = match.span()
        line += text.count("\n", pos, start)
        kind = match.lastgroup
        if kind in ("mlb", "mll"):
            newlines = match.group().count("\n")
            if newlines:
                structural[line : line + newlines] = b"\x00" * newlines
                line += newlines
        elif kind == "open":
            at_line_start = text[text.rfind("\n", 0, start) + 1 : start].strip() == ""
            if depth == 0 and at_line_start and text[start] == "[":
                # A table header such as [[cards]]: not a value, skip the line.
                eol = text.find("\n", start)
                end = len(text) if eol < 0 else eol
            else:
                if depth == 0:
                    depth_since = line
                depth += 1
        elif kind == "close" and depth:
            depth -= 1
            if depth == 0 and line > depth_since:
                structural[depth_since:line] = b"\x00" * (line - depth_since)
        pos = end
    return structural


def scan(text: str) -> Positions:
    """Find the deck table, the ``[[cards]]`` blocks and their keys' lines (1-based)."""
    lines = text.split("\n")
    structural = _line_starts_structure(text, len(lines))
    positions = Positions()
    current: Block | None = None
    top_level = True
    for number, line in enumerate(lines, start=1):
        if not structural[number - 1]:
            continue
        stripped = line.strip()
        if stripped.startswith("[["):
            name = stripped[2:].split("]]", 1)[0].strip()
            top_level = False
            if name == "cards":
                current = Block(number)
                positions.cards.append(current)
            else:
                current = None
        elif stripped.startswith("["):
            name = stripped[1:].split("]", 1)[0].strip()
            top_level = False
            current = Block(number) if name == "deck" else None
            if name == "deck":
                positions.deck = current
        else:
            match = _BARE_KEY.match(line)
            if not match:
                continue
            key = match.group(1).strip("\"'")
            if current is not None:
                current.keys.setdefault(key, number)
            elif top_level and key == "cards":
                positions.cards_key_line = number
    return positions


_CARDS_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*cards[ \t]*\]\][ \t]*(?:#.*)?$", re.MULTILINE)


class LazyPositions:
    """Positions computed only as far as needed.

    Loading a deck needs each card's header line; the full scan (every key's
    line) is only for error messages. When the ``[[cards]]`` lines found by one
    regex match the number of cards tomllib read, none of them is inside a
    multi-line string and they are the headers.
    """

    def __init__(self, text: str, card_count: int) -> None:
        self._text = text
        self._full: Positions | None = None
        headers: list[int] = []
        line, last = 1, 0
        for match in _CARDS_HEADER.finditer(text):
            line += text.count("\n", last, match.start())
            last = match.start()
            headers.append(line)
        self._headers = headers if len(headers) == card_count else None

    @property
    def full(self) -> Positions:
        if self._full is None:
            self._full = scan(self._text)
        return self._full

    def card_line(self, index: int, key: str | None = None) -> int:
        if key is None and self._headers is not None and index < len(self._headers):
            return self._headers[index]
        return self.full.card_line(index, key)


def deck_key_line(path: Path, key: str) -> int:
    """The line of ``key`` in the file's ``[deck]`` table (1 if it cannot be told)."""
    try:
        block = scan(path.read_text("utf-8")).deck
    except (OSError, UnicodeDecodeError):
        return 1
    return block.line_of(key) if block else 1
