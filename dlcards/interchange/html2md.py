"""Anki field HTML → the Markdown dlcards decks hold, with markdownify.

markdownify parses with BeautifulSoup, about 1 ms for a short field: 20 s for a
10,000-note deck. The HTML Anki's editor writes (inline tags, ``<br>``, ``<div>``,
entities, links, lists) takes the fast path in :mod:`html_fast`, which gives
markdownify's output without BeautifulSoup; anything else — tables, ``<pre>``,
headings, odd markup — goes to markdownify itself.

Media are kept as text: ``<img src="x.png">`` becomes ``[image: x.png]`` and
``[sound:x.mp3]`` stays as it is; :func:`convert` reports how many it saw.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from dlcards.interchange.html_fast import fast
from dlcards.subsup import SCRIPT, SCRIPT_CHARS, script_text

# --- media placeholders ---------------------------------------------------------

# Private-use characters: no parser, escaper or whitespace rule touches them, so a
# placeholder survives either conversion path unchanged and is swapped back after.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_SOUND = re.compile(r"\[sound:([^\]\n<>]{1,500})\]")
# No part of a tag may cross a '<': a field of 100,000 unclosed "<img" stays linear.
_IMG = re.compile(r"<img\b(?:[^<>\"']|\"[^\"<]*\"|'[^'<]*')*>", re.IGNORECASE)
_SRC = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
# html.parser (inside BeautifulSoup) keeps a list of void tags written without a
# slash and scans it at every end tag: quadratic for a field with 50,000 <br>.
# Written as <br/>, they never enter that list.
_VOID = re.compile(
    r"<(br|hr|wbr|col|area|source|track|embed|input|param)\b"
    r"((?:[^<>\"'/]|\"[^\"<]*\"|'[^'<]*')*)/?>",
    re.IGNORECASE,
)


@dataclass
class Converted:
    markdown: str
    media: int = 0


def convert(field_html: str) -> Converted:
    """One field's HTML as Markdown, and how many media references it holds."""
    media: list[str] = []  # every text kept aside: media references, scripts, math
    not_media = 0

    def keep(text: str) -> str:
        media.append(text)
        return f"{_OPEN}{len(media) - 1}{_CLOSE}"

    def keep_text(text: str) -> str:
        nonlocal not_media
        not_media += 1
        return keep(text)

    text = field_html
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _OPEN in text or _CLOSE in text:
        text = text.replace(_OPEN, "").replace(_CLOSE, "")
    if "\\(" in text or "\\[" in text:
        from dlcards.mathtext import MATH

        # MathJax is kept exactly as written (markdownify would escape its _ and *).
        text = MATH.sub(lambda m: keep_text(html.unescape(m.group(0))), text)
    if "[sound:" in text:
        text = _SOUND.sub(lambda m: keep(f"[sound:{m.group(1)}]"), text)
    if "<" in text:
        text = _IMG.sub(lambda m: keep(_image_text(m.group(0))), text)
        if "<su" in text or "<SU" in text:
            # Beside a link, a placeholder: a link whose text is its address is written
            # <address>, and a script read as text could make the two equal.
            as_is = _AS_IS if "<a" not in text and "<A" not in text else frozenset()
            text = SCRIPT.sub(lambda m: _script(m.group(1), m.group(2), as_is, keep_text), text)
    markdown = _fast(text)
    if markdown is None:
        markdown = _slow(text)
    markdown = _tidy(markdown.replace("\xa0", " "))
    if media:
        markdown = _PLACEHOLDER.sub(lambda m: media[int(m.group(1))], markdown)
    return Converted(markdown, len(media) - not_media)


# Characters a script may become that both conversion paths leave as they are (no
# whitespace, no '*' or '_' to escape, no markup): such a script goes into the HTML
# as text, without a placeholder to swap back (x², H₂O in most fields).
_AS_IS = SCRIPT_CHARS - {"*"}


def _script(
    kind: str, inner_html: str, as_is: frozenset[str], keep_text: Callable[[str], str]
) -> str:
    text = script_text(kind, inner_html)
    # An empty one keeps its placeholder: dropped from the HTML, it would join the
    # spaces on either side into one.
    return text if text and as_is.issuperset(text) else keep_text(text)


_BREAK_BEFORE_BLANK = re.compile(r"\\\n(?=[ \t]*(?:\n|$))")
_LONE_BREAK = re.compile(r"(?m)^[ \t]*\\[ \t]*(?:\n|$)")
_BLANK_RUNS = re.compile(r"\n{3,}")


def _tidy(markdown: str) -> str:
    """Drop line breaks that only make empty lines (Anki's ``<div><br></div>``)."""
    if "\\" in markdown:
        markdown = _LONE_BREAK.sub("\n", markdown)
        markdown = _BREAK_BEFORE_BLANK.sub("\n", markdown.strip())
        if markdown.endswith("\\"):
            markdown = markdown[:-1]
    if "\n\n\n" in markdown:  # what _BLANK_RUNS needs to match
        markdown = _BLANK_RUNS.sub("\n\n", markdown)
    return markdown.strip()


def plain(text: str) -> Converted:
    """A plain-text field (``#html:false``): kept as written, line ends normalized."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return Converted(text, len(_SOUND.findall(text)))


def _image_text(tag: str) -> str:
    match = _SRC.search(tag)
    src = next((g for g in match.groups() if g is not None), "") if match else ""
    return f"[image: {html.unescape(src).strip()}]" if src else "[image]"


# --- markdownify, configured once -------------------------------------------------


def _code_language(element: Any) -> str:
    code = element.find("code") if element is not None else None
    for name in (code.get("class") or []) if code is not None else []:
        if name.startswith("language-"):
            return str(name[len("language-") :])
    return ""


@cache
def _converter() -> Any:
    from markdownify import ATX, BACKSLASH, MarkdownConverter

    class _Converter(MarkdownConverter):
        def convert_img(self, el: Any, text: str, parent_tags: Any) -> str:
            # Reached only for <img> the pre-pass could not read (no src).
            return "[image]"

    return _Converter(
        heading_style=ATX,
        bullets="-",
        newline_style=BACKSLASH,
        strong_em_symbol="*",
        code_language_callback=_code_language,
    )


# A '<' that opens a tag, a comment, a declaration or a processing instruction.
_MARKUP = re.compile(r"<(?:/?[A-Za-z][^<>]*>|!--|![A-Za-z\[][^<>]*>|\?[^<>]*>)")


def _defuse(text: str) -> str:
    """Escape every '<' that does not open complete markup.

    Python 3.11's html.parser (inside BeautifulSoup) takes quadratic time on many
    unclosed constructs ("<img <img <img …", "<!--" without "-->"); escaped, they are
    text, which is also how they would show.
    """
    parts: list[str] = []
    position = 0
    comments_close = True  # once a "<!--" has no "-->" after it, none later has
    start = text.find("<")
    while start >= 0:
        match = _MARKUP.match(text, start)
        end = -1
        if match is not None and match.group() != "<!--":
            end = match.end()
        elif match is not None and comments_close:
            close = text.find("-->", start + 4)
            comments_close = close >= 0
            end = close + 3 if close >= 0 else -1
        if end < 0:
            parts.append(text[position:start])
            parts.append("&lt;")
            position = start + 1
            start = text.find("<", position)
        else:
            start = text.find("<", end)
    parts.append(text[position:])
    return "".join(parts)


# Real fields nest a few tags deep. Deeper than this, BeautifulSoup and markdownify
# spend seconds a field (recursing until RecursionError): the text alone is kept.
MAX_NESTING = 100
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")


def _too_deep(text: str) -> bool:
    """Whether elements nest more than MAX_NESTING deep (one linear scan of the tags)."""
    depth = 0
    for match in _TAG.finditer(text):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID_NAMES:
            depth += 1
            if depth > MAX_NESTING:
                return True
    return False


_VOID_NAMES = frozenset(
    {"br", "hr", "wbr", "col", "area", "source", "track", "embed", "input", "param", "img"}
)


def _text_only(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", text))


def _slow(text: str) -> str:
    text = _VOID.sub(r"<\1\2/>", _defuse(text))
    if _too_deep(text):
        return _text_only(text)
    try:
        return str(_converter().convert(text))
    except RecursionError:
        # A field nested thousands of tags deep: keep its text.
        return _text_only(text)


def _fast(text: str) -> str | None:
    return fast(text)
