"""A card face's Markdown, painted by one light widget when it is only paragraphs.

Textual's ``Markdown`` widget costs ~50 ms to import (its parser, its block widgets,
syntax highlighting), parses in a worker thread after it is mounted, then mounts one
widget per block: the first card waited for all of it (issue 13). Most faces are a
sentence or two of text, perhaps with `code`, *emphasis* or **bold**. Such a face is
drawn here by ``FaceText``, one ``Static`` holding the same text with the same styles
(the spans Textual's ``MarkdownBlock`` builds, styled by the same component classes
and CSS); anything else (lists, code blocks, headings, quotes, tables, links, raw
HTML) still goes to ``Markdown``.

Which path a face takes is decided in two steps. ``plain_paragraphs`` recognises text
that no Markdown rule can touch (no character any of markdown-it's rules acts on, no
line that could open a block, nothing linkify would take for a link): its paragraphs
are read without importing markdown-it at all. Other text is parsed by markdown-it,
configured as Textual's widget configures it, and drawn here only when its tokens are
paragraphs of the inline kinds ``FaceText`` draws.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from textual.content import Content, Span
from textual.widget import Widget
from textual.widgets import Static

if TYPE_CHECKING:
    from markdown_it.token import Token

# A face is plain when none of these occur. Characters markdown-it's inline rules act
# on (escapes, code, emphasis, strikethrough, links, images, autolinks, HTML,
# entities, tables); a line that may open a block (heading, quote, list, rule,
# setext underline, fence, indented code, HTML); a "." before a letter, a ":" before a
# non-space or a "//", which linkify may read as a link ("example.com", "https://…",
# "//1.1."); a hard break (two spaces at a line's end); whitespace other than spaces
# and newlines (markdown-it and Textual treat it unlike ``str.split``).
_NOT_PLAIN = re.compile(
    r"[\\`*_\[\]<>&~|@\x00]"
    r"|\.[^\W\d_]"
    r"|:\S|//"
    r"|^ *(?:[#>+\-=]|\d+[.)])"
    r"|^ {4}"
    r"|  \n"
    r"|[^\S \n]",
    re.MULTILINE,
)
_BLANK_LINE = re.compile(r"\n *\n")
# The inline tokens FaceText draws, as Textual's MarkdownBlock draws them.
_STYLE_OF = {"em_open": ".em", "strong_open": ".strong", "s_open": ".s"}
_CLOSE = frozenset({"em_close", "strong_close", "s_close"})
_DRAWN = frozenset({"text", "softbreak", "hardbreak", "code_inline", *_STYLE_OF, *_CLOSE})


def plain_paragraphs(source: str) -> list[str] | None:
    """The paragraphs of ``source`` as shown, when it holds no Markdown; else None."""
    if not source.strip() or _NOT_PLAIN.search(source):
        return None
    # As markdown-it reads such text: paragraphs apart at blank lines, each line's
    # spaces trimmed, line breaks as spaces (softbreaks); Textual collapses the rest.
    return [" ".join(block.split()) for block in _BLANK_LINE.split(source) if block.strip()]


def inline_content(children: list[Token]) -> Content:
    """One paragraph's inline tokens as Textual's ``MarkdownBlock`` draws them."""
    parts: list[str] = []
    spans: list[Span] = []
    opened: list[tuple[str, int]] = []
    position = 0
    for child in children:
        kind = child.type
        if kind == "text":
            text = re.sub(r"\s+", " ", child.content)
        elif kind == "softbreak":
            text = " "
        elif kind == "hardbreak":
            text = "\n"
        elif kind == "code_inline":
            spans.append(Span(position, position + len(child.content), ".code_inline"))
            text = child.content
        elif kind in _STYLE_OF:
            opened.append((_STYLE_OF[kind], position))
            continue
        else:  # a closing tag
            style, start = opened.pop()
            spans.append(Span(start, position, style))
            continue
        parts.append(text)
        position += len(text)
    return Content("".join(parts), spans=spans)


def parsed_paragraphs(source: str) -> list[Content] | None:
    """``source`` parsed as Textual's Markdown parses it, when it is only paragraphs
    of the inline kinds ``FaceText`` draws; else None."""
    from markdown_it import MarkdownIt

    paragraphs: list[Content] = []
    for token in MarkdownIt("gfm-like").parse(source):
        if token.type == "inline":
            children = token.children or []
            if any(child.type not in _DRAWN for child in children):
                return None
            paragraphs.append(inline_content(children))
        elif token.type not in ("paragraph_open", "paragraph_close"):
            return None
    return paragraphs or None


def face_paragraphs(source: str) -> list[Content] | None:
    """What ``FaceText`` shows for ``source``, or None when it needs ``Markdown``."""
    plain = plain_paragraphs(source)
    if plain is not None:
        return [Content(paragraph) for paragraph in plain]
    return parsed_paragraphs(source)


class FaceText(Static):
    """Paragraphs of a card face, laid out as ``Markdown`` lays out its paragraphs.

    ``Markdown`` in a card view has no padding, and each paragraph a blank line
    under it (``.card-view MarkdownParagraph`` in dlcards.tcss): the same here is a
    blank line between paragraphs and a bottom padding of one line. The component
    classes and their CSS are Markdown's own, for the same colours in every theme.
    """

    COMPONENT_CLASSES = {"em", "strong", "s", "code_inline"}
    DEFAULT_CSS = """
    FaceText {
        width: 1fr;
        height: auto;
        padding: 0 0 1 0;
        color: $foreground;
        &:ansi > .code_inline { background: ansi_default !important; }
        &:dark > .code_inline { background: $warning 10%; color: $text-warning 95%; }
        &:light > .code_inline { background: $error 5%; color: $text-error 95%; }
        & > .em { text-style: italic; }
        & > .strong { text-style: bold; }
        & > .s { text-style: strike; }
    }
    """

    def __init__(self, source: str, paragraphs: list[Content], *, classes: str = "") -> None:
        super().__init__(Content("\n\n").join(paragraphs), classes=classes, expand=True)
        self.source = source  # the Markdown shown, as ``Markdown.source`` gives it


def card_markdown(source: str, *, classes: str = "") -> Widget:
    """A widget showing the card Markdown ``source``: ``FaceText`` when it can."""
    paragraphs = face_paragraphs(source)
    if paragraphs is not None:
        return FaceText(source, paragraphs, classes=classes)
    from textual.widgets import Markdown

    return Markdown(source, classes=classes)
