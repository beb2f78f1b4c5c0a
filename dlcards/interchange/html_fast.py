"""The fast path of HTML → Markdown: markdownify's rules without BeautifulSoup.

BeautifulSoup costs about 1 ms a field. For the HTML Anki's editor writes — text,
entities, ``<b> <i> <u> <code> <span> <br> <div> <p>``, links and lists — the
strict tokenizer of :mod:`html_tree` builds the tree html.parser and BeautifulSoup
would, and markdownify's conversions for those tags (mirrored here, with its
whitespace rules and its options as :mod:`html2md` sets them) run over it. Anything
outside that subset returns None and goes to markdownify itself.
tests/test_interchange_html.py checks the two agree on generated HTML.

The tree is plain lists, the conversions are inlined, and markdownify (with
BeautifulSoup and soupsieve, about 0.2 s to import) is never imported for a field
this path takes. Measured 2026-12-08, best of 7, CPU, on the 20,000 fields of
benchmarks/bench_anki_ratio.py: this path 0.39 s, the previous one (nodes as
objects, markdownify's own functions called per node) 0.99 s; the tokenizer and
tree alone 0.13 s (previously 0.37 s). Kept hand-written, with that measured reason:

- html-to-markdown 3.21.2 (Rust core), measured 2026-12-07 with markdownify's
  settings (escape_misc off): on the 20,000 fields it gave the same Markdown, but its
  public ``convert()`` rebuilds its options on every call and took 6.5 s against
  3.5 s for the previous version of this path (1.9–2.2 s only through its
  extension's private entry point with the options built once); on this module's
  generated corpus it agreed with markdownify on 817 of 1,500 documents: it turns
  ``&nbsp;`` into a plain space that then collapses, keeps a space before a line
  break, and writes an empty list item as ``1.``. Measured again 2026-12-08 (the same
  3.21.2, still the newest in the registry), now through its public ``convert(html,
  options)`` with one ``ConversionOptions`` built once: 1.52 s of CPU on those 20,000
  fields against 0.57 s for the whole of :func:`html2md.convert` (pre-passes, this
  path and the tidying), best of 3; and it writes ``x<sup>2</sup>`` as ``x2``.
- selectolax 1.0.2 (lexbor, C), measured in the same run: its parse of the 20,000
  fields alone took 0.20 s and a bare walk of its nodes from Python 0.24 s, more than
  :mod:`html_tree`'s whole tokenizer and tree (0.13 s) before any conversion; and it
  parses as HTML5 does (``<div>`` inside ``<b>`` stays, ``</p>`` alone makes a
  paragraph), not as html.parser and BeautifulSoup, so the subset would still need
  that tokenizer to tell which fields it may take.
"""

from __future__ import annotations

import re
from typing import Any

from dlcards.interchange.html_tree import BLOCK as _BLOCK
from dlcards.interchange.html_tree import MARKS as _MARKS
from dlcards.interchange.html_tree import Node as _Node
from dlcards.interchange.html_tree import parse as _parse

_NOFORMAT = frozenset({"code", "kbd", "samp"})
_EXTRACT_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", flags=re.DOTALL)
_NEWLINE_SPACE = re.compile(r"[\t \r\n]*[\r\n][\t \r\n]*")
_SPACES = re.compile(r"[\t ]+")
_BACKTICKS = re.compile(r"`+")


def fast(text: str) -> str | None:
    """markdownify's Markdown for ``text``, or None when it is outside the subset."""
    if "<" not in text and "&" not in text and "\n" not in text:
        # Plain text: no tag, entity or line break to treat.
        return _escape(_spaces(text))
    root = _parse(text)
    if root is None:
        return None
    return _process(root, False, False, None).strip("\n")


def _spaces(text: str) -> str:
    # markdownify's re_whitespace.sub(" ", …): nothing to do without a tab or two spaces.
    return _SPACES.sub(" ", text) if "  " in text or "\t" in text else text


def _escape(text: str) -> str:
    # markdownify's escape() with escape_asterisks and escape_underscores, no escape_misc.
    if "*" in text:
        text = text.replace("*", r"\*")
    if "_" in text:
        text = text.replace("_", r"\_")
    return text


def _process(node: _Node, noformat: bool, in_li: bool, context: Any) -> str:
    """markdownify's ``process_tag`` over our tree: ``noformat`` and ``in_li`` are the
    two pseudo-tags of its ``parent_tags`` the conversions here look for; ``context``
    is what a list item or a list needs of its parent (its bullet; whether a paragraph
    follows)."""
    name, children, attrs = node
    inside = name in _BLOCK  # should_remove_whitespace_inside
    child_noformat = noformat or name in _NOFORMAT
    child_in_li = in_li or name == "li"
    parts: list[str] = []
    items = 0  # the <li> before this one
    trailing = ""  # the last child's trailing newlines, to collapse with the next one's
    last = len(children) - 1
    for index, child in enumerate(children):
        if child.__class__ is str:
            before = children[index - 1] if index else None
            after = children[index + 1] if index < last else None
            block_before = before.__class__ is list and before[0] in _BLOCK
            block_after = after.__class__ is list and after[0] in _BLOCK
            if not child.strip() and (
                (inside and (index == 0 or index == last)) or block_before or block_after
            ):
                continue  # whitespace beside a block or at a block's edge
            string = child
            if "\n" in string or "\r" in string:
                string = _NEWLINE_SPACE.sub("\n", string)
            if "  " in string or "\t" in string:  # _spaces, inlined in this hot loop
                string = _SPACES.sub(" ", string)
            if not child_noformat:
                string = _escape(string)
            if block_before or (inside and index == 0):
                string = string.lstrip(" \t\r\n")
            if block_after or (inside and index == last):
                string = string.rstrip()
        else:
            kind = child[0]
            inner = child[1]
            child_context: Any = None
            if kind == "br":
                string = "\\\n"  # convert_br with newline_style BACKSLASH
                inner = None
            elif kind == "li":
                # Only <li> and blank strings sit in a list (see _parse).
                child_context = f"{_start(attrs) + items}." if name == "ol" else "-"
                items += 1
            elif kind == "ul" or kind == "ol":
                child_context = _before_paragraph(children, index)
            if inner is None:
                pass
            elif len(inner) == 1 and inner[0].__class__ is str and kind in _LEAF_KINDS:
                # <b>text</b>, <li>text</li>, <div>text</div>: what _process gives for an
                # element holding one string, without the call (most elements of a field).
                string = _leaf(inner[0], kind, child_noformat, child_context)
            else:
                string = _process(child, child_noformat, child_in_li, child_context)
        if not string:
            continue
        if string[0] != "\n" and string[-1] != "\n":
            parts.append(string)
            trailing = ""
            continue
        # The pattern matches every string: each of its three groups may be empty.
        match = _EXTRACT_NEWLINES.match(string)
        assert match is not None
        leading, content, after_newlines = match.groups()
        if trailing and leading:
            parts.pop()  # the previous trailing newlines, merged into these
            leading = "\n" * min(2, max(len(trailing), len(leading)))
        parts.append(leading)
        parts.append(content)
        parts.append(after_newlines)
        trailing = after_newlines
    text = "".join(parts)
    mark = _MARKS.get(name)
    if mark is not None:
        return text if noformat else _inline(text, mark)
    if name == "div":
        text = text.strip()
        return f"\n\n{text}\n\n" if text else ""
    if name == "p":
        text = text.strip(" \t\r\n")
        return f"\n\n{text}\n\n" if text else ""
    if name in _NOFORMAT:
        return text if noformat else _code(text)
    if name == "a":
        return text if noformat else _link(text, attrs or {})
    if name == "li":
        return _item(text, context)
    if name == "ul" or name == "ol":
        if in_li:
            return "\n" + text.rstrip()
        return "\n\n" + text + ("\n" if context else "")
    return text  # [document] (stripped by fast), span, u, font: their text as it is


_LEAF_KINDS = frozenset({*_MARKS, "li", "div"})


def _leaf(text: str, kind: str, noformat: bool, context: Any) -> str:
    """:func:`_process` of a ``kind`` element (one of _LEAF_KINDS) whose only child is
    ``text``: the string's own conversion (as in _process's loop, with no sibling),
    then the element's."""
    block = kind == "li" or kind == "div"
    if block and not text.strip():
        return "\n" if kind == "li" else ""  # the string is dropped; an empty item or div
    if "\n" in text or "\r" in text:
        text = _NEWLINE_SPACE.sub("\n", text)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if not noformat:
        text = _escape(text)
    if not block:
        return text if noformat else _inline(text, _MARKS[kind])
    text = text.lstrip(" \t\r\n").rstrip()  # at both edges of a block
    if kind == "li":
        return _item(text, context)
    text = text.strip()
    return f"\n\n{text}\n\n" if text else ""


# --- markdownify's conversions, for the tags of the subset ---------------------------------


def _chomp(text: str) -> tuple[str, str, str]:
    prefix = " " if text and text[0] == " " else ""
    suffix = " " if text and text[-1] == " " else ""
    return prefix, suffix, text.strip()


def _inline(text: str, mark: str) -> str:
    prefix, suffix, text = _chomp(text)
    return f"{prefix}{mark}{text}{mark}{suffix}" if text else ""


def _code(text: str) -> str:
    prefix, suffix, text = _chomp(text)
    if not text:
        return ""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    delimiter = "`" * (longest + 1)
    if longest:
        text = f" {text} "
    return f"{prefix}{delimiter}{text}{delimiter}{suffix}"


def _link(text: str, attrs: dict[str, str]) -> str:
    prefix, suffix, text = _chomp(text)
    if not text:
        return ""
    href = attrs.get("href")
    title = attrs.get("title")
    if text.replace(r"\_", "_") == href and not title:
        return f"<{href}>"  # autolinks
    title_part = ' "{}"'.format(title.replace('"', r"\"")) if title else ""
    return f"{prefix}[{text}]({href}{title_part}){suffix}" if href else text


def _start(attrs: dict[str, str] | None) -> int:
    start = attrs.get("start") if attrs else None
    return int(start) if start and start.isnumeric() else 1


def _before_paragraph(siblings: list[Any], index: int) -> bool:
    """Whether a list is followed by content other than a list (convert_list)."""
    for following in siblings[index + 1 :]:
        if following.__class__ is str:
            if following.strip():
                return True
            continue
        return following[0] not in ("ul", "ol")
    return False


def _item(text: str, bullet: str) -> str:
    text = text.strip()
    if not text:
        return "\n"
    bullet += " "
    indent = " " * len(bullet)
    # markdownify's re_line_with_content.sub: each non-empty line indented, then the
    # bullet in place of the first line's indent.
    lines = [indent + line if line else "" for line in text.split("\n")]
    return bullet + "\n".join(lines)[len(bullet) :] + "\n"
