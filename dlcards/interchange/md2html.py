"""Deck Markdown → the HTML Anki fields hold (markdown-it-py, as Textual uses)."""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any


@cache
def _renderer() -> Any:
    from markdown_it import MarkdownIt

    # Raw HTML in a deck is shown as text, not passed to Anki as markup: decks are
    # data, and a shared deck should not be able to put a <script> into a card.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def to_html(markdown: str) -> str:
    """HTML for one field; a lone paragraph is unwrapped, as Anki's own fields are.

    MathJax (``\\(…\\)``, ``\\[…\\]``) goes to Anki as written: Markdown would
    read its backslashes as escapes."""
    if not markdown.strip():
        return ""
    spans: list[str] = []
    if "\\(" in markdown or "\\[" in markdown:
        import html
        import re

        from dlcards.mathtext import MATH

        def keep(match: re.Match[str]) -> str:
            spans.append(html.escape(match.group(0), quote=False))
            return f"\ue002{len(spans) - 1}\ue003"

        markdown = MATH.sub(keep, markdown)
    out = str(_renderer().render(markdown)).strip()
    for index, span in enumerate(spans):
        out = out.replace(f"\ue002{index}\ue003", span)
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


def html_digest(*fields: str) -> str:
    """A short fingerprint of field HTML: tells whether Anki has edited a field since export."""
    return hashlib.blake2b("\x1f".join(fields).encode("utf-8"), digest_size=8).hexdigest()
