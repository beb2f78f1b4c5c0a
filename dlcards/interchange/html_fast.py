"""The fast path of HTML → Markdown: markdownify's rules without BeautifulSoup.

BeautifulSoup costs about 1 ms a field. For the HTML Anki's editor writes — text,
entities, ``<b> <i> <u> <code> <span> <br> <div> <p>``, links and lists — a
strict tokenizer builds the tree html.parser and BeautifulSoup would, and
markdownify's own conversion functions (lists mirrored here, as they walk the
tree) run over it with its whitespace rules. Anything outside that subset returns
None and goes to markdownify itself. tests/test_interchange_html.py checks the
two agree on generated HTML.

Why not html-to-markdown (Rust core), measured 2026-12-07 with version 3.21.2 and
markdownify's settings (escape_misc off): on the 20,000 fields of
benchmarks/bench_anki_ratio.py it gave the same Markdown, but its public
``convert()`` rebuilds its options on every call and took 6.5 s against 3.5 s for
this path (1.9–2.2 s only through its extension's private entry point with the
options built once); on this module's generated corpus it agreed with markdownify on
817 of 1,500 documents: it turns ``&nbsp;`` into a plain space that then collapses,
keeps a space before a line break, and writes an empty list item as ``1.``.
Neither the same output nor faster through its public API: this path stays.
"""

from __future__ import annotations

import html
import re
from typing import Any

# should_remove_whitespace_inside/outside in markdownify
_BLOCK = frozenset({"div", "p", "ul", "ol", "li"})
_NOFORMAT = frozenset({"code", "kbd", "samp"})
_INLINE = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "code",
        "kbd",
        "samp",
        "sub",
        "sup",
        "del",
        "s",
        "span",
        "u",
        "font",
        "a",
    }
)
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
_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]{0,9})(" + _ATTRIBUTES + r")\s*(/?)>|([^<]+)")
_ATTRIBUTE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
# Entities BeautifulSoup and html.unescape agree on; any other '&' takes the slow path.
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos|nbsp);|#([0-9]{1,7});|#[xX]([0-9a-fA-F]{1,6});)")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": "\xa0"}
_EXTRACT_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", flags=re.DOTALL)
_NEWLINE_SPACE = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")
_SPACES = re.compile(r"[\t ]+")
_LINE = re.compile(r"^(.*)", flags=re.MULTILINE)


class _Node:
    __slots__ = ("name", "text", "attrs", "parent", "children", "prev", "next")

    def __init__(self, name: str | None, text: str = "", attrs: dict[str, str] | None = None):
        self.name = name  # None for a string
        self.text = text
        self.attrs = attrs or {}
        self.parent: _Node | None = None
        self.children: list[_Node] = []
        self.prev: _Node | None = None
        self.next: _Node | None = None

    def get(self, key: str, default: Any = None) -> Any:
        """As bs4's Tag.get, for markdownify's convert_a."""
        return self.attrs.get(key, default)


def fast(text: str, converter: Any) -> str | None:
    """markdownify's Markdown for ``text``, or None when it is outside the subset."""
    if "<" not in text and "&" not in text and "\n" not in text:
        # Plain text: no tag, entity or line break to treat.
        escaped = converter.escape(_SPACES.sub(" ", text), frozenset())
        return str(converter.convert__document_(None, escaped, parent_tags=frozenset()))
    root = _parse(text)
    if root is None:
        return None
    return _process(root, frozenset(), converter)


def _decode(text: str) -> str | None:
    if "&" not in text:
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


def _parse(text: str) -> _Node | None:
    """The tree BeautifulSoup would build, or None when the HTML is outside the subset."""
    root = _Node("[document]")
    stack = [root]
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            return None  # a '<' that does not open a tag we read
        position = match.end()
        closing, name, attributes, selfclosing, data = match.groups()
        parent = stack[-1]
        if data is not None:
            decoded = _decode(data)
            if decoded is None:
                return None
            _append(parent, _Node(None, decoded))
            continue
        name = name.lower()
        if name == "br":
            if closing or parent.name in ("ul", "ol"):
                return None
            _append(parent, _Node("br"))
            continue
        if (name not in _INLINE and name not in _BLOCK) or selfclosing:
            return None
        if closing:
            if parent.name != name:
                return None
            stack.pop()
            continue
        if name in _BLOCK:
            if parent.name not in _BLOCK_PARENTS[name]:
                return None
        elif parent.name in ("ul", "ol"):
            return None
        if len(stack) > _MAX_DEPTH:
            return None
        attrs = _attributes(attributes) if name in ("a", "ol") else None
        if attrs and "start" in attrs and not re.fullmatch(r"[0-9]{1,9}", attrs["start"]):
            return None  # markdownify's int() of odd numerals: leave those to it
        node = _Node(name, attrs=attrs)
        _append(parent, node)
        stack.append(node)
    if position != len(text) or len(stack) != 1:
        return None
    if _has_text_in_list(root):
        return None
    return root


def _has_text_in_list(node: _Node) -> bool:
    # Text directly inside <ul>/<ol> (outside any <li>) is rare and handled by markdownify.
    for child in node.children:
        if child.name is None:
            if node.name in ("ul", "ol") and child.text.strip():
                return True
        elif _has_text_in_list(child):
            return True
    return False


def _append(parent: _Node, node: _Node) -> None:
    if parent.children:
        last = parent.children[-1]
        if last.name is None and node.name is None:
            last.text += node.text  # BeautifulSoup merges adjacent strings
            return
        last.next = node
        node.prev = last
    node.parent = parent
    parent.children.append(node)


def _blockish(node: _Node | None) -> bool:
    return node is not None and node.name in _BLOCK


def _process(node: _Node, parent_tags: frozenset[str], converter: Any) -> str:
    """markdownify's ``process_tag`` over our tree."""
    remove_inside = node.name in _BLOCK
    tags = parent_tags
    # Only these pseudo-tags are looked for in parent_tags by the conversions used here.
    if node.name in _NOFORMAT and "_noformat" not in tags:
        tags = tags | {"_noformat"}
    elif node.name == "li" and "li" not in tags:
        tags = tags | {"li"}
    collapsed = [""]
    for child in node.children:
        if child.name is None:
            if child.text.strip() == "" and _ignorable(child, remove_inside):
                continue
            string = _text(child, tags, converter)
        else:
            string = _process(child, tags, converter)
        if not string:
            continue
        if string[0] != "\n" and string[-1] != "\n":
            leading, content, trailing = "", string, ""
        else:
            # The pattern matches every string: each of its three groups may be empty.
            parts = _EXTRACT_NEWLINES.match(string)
            assert parts is not None
            leading, content, trailing = parts.groups()
        if collapsed[-1] and leading:
            previous = collapsed.pop()
            leading = "\n" * min(2, max(len(previous), len(leading)))
        collapsed.append(leading)
        collapsed.append(content)
        collapsed.append(trailing)
    text = "".join(collapsed)
    if node.name == "[document]":
        return str(converter.convert__document_(None, text, parent_tags=parent_tags))
    if node.name in ("ul", "ol"):
        return _list(node, text, parent_tags)
    if node.name == "li":
        return _item(node, text, converter)
    convert = converter.get_conv_fn_cached(node.name)
    return str(convert(node, text, parent_tags=parent_tags)) if convert else text


def _ignorable(node: _Node, remove_inside: bool) -> bool:
    """For a whitespace-only string: markdownify drops it beside blocks and inside block edges."""
    if remove_inside and (node.prev is None or node.next is None):
        return True
    return _blockish(node.prev) or _blockish(node.next)


def _text(node: _Node, parent_tags: frozenset[str], converter: Any) -> str:
    """markdownify's ``process_text`` for one string."""
    text = node.text
    if "\n" in text or "\r" in text:
        text = _NEWLINE_SPACE.sub("\n", text)
    text = _SPACES.sub(" ", text)
    if "_noformat" not in parent_tags:
        text = converter.escape(text, parent_tags)
    parent_block = node.parent is not None and node.parent.name in _BLOCK
    if _blockish(node.prev) or (parent_block and node.prev is None):
        text = text.lstrip(" \t\r\n")
    if _blockish(node.next) or (parent_block and node.next is None):
        text = text.rstrip()
    return text


# --- markdownify's convert_list and convert_li, over our nodes --------------------------------


def _list(node: _Node, text: str, parent_tags: frozenset[str]) -> str:
    following = node.next
    while following is not None and following.name is None and not following.text.strip():
        following = following.next
    before_paragraph = following is not None and following.name not in ("ul", "ol")
    if "li" in parent_tags:
        return "\n" + text.rstrip()
    return "\n\n" + text + ("\n" if before_paragraph else "")


def _item(node: _Node, text: str, converter: Any) -> str:
    text = (text or "").strip()
    if not text:
        return "\n"
    parent = node.parent
    if parent is not None and parent.name == "ol":
        start_attr = parent.get("start")
        start = int(start_attr) if start_attr and str(start_attr).isnumeric() else 1
        earlier, sibling = 0, node.prev
        while sibling is not None:
            earlier += sibling.name == "li"
            sibling = sibling.prev
        bullet = f"{start + earlier}."
    else:
        depth = -1
        walker: _Node | None = node
        while walker is not None:
            depth += walker.name == "ul"
            walker = walker.parent
        bullets = converter.options["bullets"]
        bullet = bullets[depth % len(bullets)]
    bullet += " "
    indent = " " * len(bullet)
    text = _LINE.sub(lambda m: indent + m.group(1) if m.group(1) else "", text)
    return f"{bullet}{text[len(bullet) :]}\n"
