"""Field HTML → the tree html.parser and BeautifulSoup would build, for the subset of
HTML :mod:`html_fast` converts (Anki's editor's tags), or None outside it.

Strict on purpose: anything whose tree html.parser or BeautifulSoup would reshape
(a block inside an inline tag, an unclosed tag, an entity they decode their own way,
text directly inside a list) is refused, and markdownify converts it instead.
"""

from __future__ import annotations

import html
import re
from typing import Any

BLOCK = frozenset({"div", "p", "ul", "ol", "li"})
# markdownify's abstract_inline_conversion marks (strong_em_symbol "*"; sub_symbol and
# sup_symbol "", as html2md's converter leaves them).
MARKS = {
    "b": "**",
    "strong": "**",
    "i": "*",
    "em": "*",
    "del": "~~",
    "s": "~~",
    "sub": "",
    "sup": "",
}
_INLINE = frozenset({*MARKS, "code", "kbd", "samp", "span", "u", "font", "a"})
# Where each block may sit; elsewhere html.parser and BeautifulSoup reshape the tree
# in ways not mirrored here.
_BLOCK_PARENTS = {
    "div": {"[document]", "div", "li"},
    "p": {"[document]", "div", "li"},
    "ul": {"[document]", "div", "li"},
    "ol": {"[document]", "div", "li"},
    "li": {"ul", "ol"},
}
_MAX_DEPTH = 40
_ATTRIBUTES = (
    r"""(?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*"""
    r"""(?:\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'=<>`]+))?)*"""
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,9})(" + _ATTRIBUTES + r")\s*(/?)>")
_PIECES = re.compile(r"(<[^<>]*>)")
_ATTRIBUTE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
# Entities BeautifulSoup and html.unescape agree on; any other '&' takes the slow path.
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp);|#([0-9]{1,7});|#[xX]([0-9a-fA-F]{1,6});)")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\xa0"}
_START = re.compile(r"[0-9]{1,9}")
# The entities Anki's editor writes, &amp; last (see _decode).
_NAMED_ENTITIES = {"&lt;": "<", "&gt;": ">", "&nbsp;": "\xa0", "&amp;": "&"}

# A node: [name, children, attrs] for an element, a str for text.
Node = list[Any]


def _decode(text: str) -> str | None:
    if "&" not in text:
        return text
    common = text.count("&amp;") + text.count("&lt;") + text.count("&gt;") + text.count("&nbsp;")
    if common == text.count("&"):
        # Every '&' opens &amp;, &lt;, &gt; or &nbsp; (no two share an '&'): replaced
        # in turn, &amp; last so that the '&' it gives opens nothing, as the loop reads.
        for entity, char in _NAMED_ENTITIES.items():
            if entity in text:
                text = text.replace(entity, char)
        return text
    parts: list[str] = []
    last = 0
    for match in _ENTITY.finditer(text):
        between = text[last : match.start()]
        if "&" in between:
            return None
        parts.append(between)
        named, decimal, hexa = match.groups()
        if named:
            parts.append(_NAMED[named])
        else:
            code = int(decimal) if decimal else int(hexa, 16)
            # html.parser maps C1 controls to cp1252 and treats controls and
            # surrogates its own way: leave those to it.
            if code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
                return None
            parts.append(chr(code))
        last = match.end()
    rest = text[last:]
    if "&" in rest:
        return None
    parts.append(rest)
    return "".join(parts)


def _attributes(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(text):
        name, *values = match.groups()
        value = next((v for v in values if v is not None), "")
        attrs[name.lower()] = html.unescape(value)  # as html.parser does; the last one wins
    return attrs


def _tag(piece: str) -> tuple[bool, str, str, bool] | None:
    """A tag's (closing, lower-case name, attributes, self-closing), None outside the
    subset's tags; remembered, since the same few tags make up every field."""
    if piece in _TAGS:
        return _TAGS[piece]
    match = _TAG.fullmatch(piece)
    found = None
    if match is not None:
        closing, name, attributes, selfclosing = match.groups()
        found = (bool(closing), name.lower(), attributes, bool(selfclosing))
    if len(piece) <= 200:  # short tags only, and at most 4,096: memory stays bounded
        if len(_TAGS) >= 4096:
            _TAGS.clear()
        _TAGS[piece] = found
    return found


_TAGS: dict[str, tuple[bool, str, str, bool] | None] = {}
_UNSEEN: Any = object()


def parse(text: str) -> Node | None:
    """The tree BeautifulSoup would build, or None when the HTML is outside the subset."""
    root: Node = ["[document]", [], None]
    stack = [root]
    parent = root
    # Text and tags alternate; every tag we read is a '<' … '>' without '<' or '>' inside
    # (quoted attribute values may not hold them), so a '<' left in a text piece does
    # not open a tag we read.
    pieces = _PIECES.split(text)
    for index, piece in enumerate(pieces):
        siblings = parent[1]
        if not index % 2:
            if not piece:
                continue
            if "<" in piece:
                return None
            decoded = _decode(piece) if "&" in piece else piece
            if decoded is None:
                return None
            if parent[0] in ("ul", "ol") and decoded.strip():
                return None  # text directly in a list, outside any <li>: markdownify's
            siblings.append(decoded)  # never beside another string: a tag is between
            continue
        tag = _TAGS.get(piece, _UNSEEN)  # _tag's cache, read without the call
        if tag is _UNSEEN:
            tag = _tag(piece)
        if tag is None:
            return None
        closing, name, attributes, selfclosing = tag
        if name == "br":
            if closing or parent[0] in ("ul", "ol"):
                return None
            siblings.append(["br", (), None])
            continue
        if selfclosing:
            return None
        block = name in BLOCK
        if not block and name not in _INLINE:
            return None
        if closing:
            if parent[0] != name:
                return None
            stack.pop()
            parent = stack[-1]
            continue
        if block:
            if parent[0] not in _BLOCK_PARENTS[name]:
                return None
        elif parent[0] in ("ul", "ol"):
            return None
        if len(stack) > _MAX_DEPTH:
            return None
        attrs = _attributes(attributes) if name in ("a", "ol") else None
        if attrs and "start" in attrs and not _START.fullmatch(attrs["start"]):
            return None  # markdownify's int() of odd numerals: leave those to it
        node: Node = [name, [], attrs]
        siblings.append(node)
        stack.append(node)
        parent = node
    if len(stack) != 1:
        return None
    return root
