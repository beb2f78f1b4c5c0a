"""MathJax in card text (``\\(…\\)`` inline, ``\\[…\\]`` display) shown as readable Unicode.

Anki's editor writes math this way, and a user's own decks may too. The deck keeps
the LaTeX unchanged (exports give it back as written); only what the TUI and plain
mode show is converted: ``\\(\\frac{a}{b} + x_i^2\\)`` reads ``a/b + xᵢ²``.
Sub/superscripts are turned into Unicode scripts here (pylatexenc would drop their
braces: ``y_{i+1}`` → ``y_i+1``), the rest by pylatexenc's latex2text.
A span too long or nested too deep is shown as written.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

MATH = re.compile(r"\\\((.{1,2000}?)\\\)|\\\[(.{1,2000}?)\\\]", re.DOTALL)
MAX_DEPTH = 20  # brace nesting handled; deeper spans are shown as written
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def has_math(text: str) -> bool:
    return ("\\(" in text or "\\[" in text) and MATH.search(text) is not None


def readable(text: str, *, markdown: bool = False) -> str:
    """``text`` with each math span replaced by Unicode; ``markdown``: escaped for Markdown."""
    if "\\(" not in text and "\\[" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        source = match.group(1) if match.group(1) is not None else match.group(2)
        try:
            shown = latex_to_unicode(source)
        except Exception:  # noqa: BLE001 - showing a card must never fail: show the LaTeX
            return match.group(0)
        return _MARKDOWN_SPECIAL.sub(r"\\\1", shown) if markdown else shown

    return MATH.sub(one, text)


def shown(text: str) -> str:
    """Card Markdown as the TUI shows it: stripped, math made readable."""
    return readable(text.strip(), markdown=True)


def latex_to_unicode(source: str, depth: int = 0) -> str:
    if depth > MAX_DEPTH:
        raise ValueError("nested too deep")
    with_scripts = _scripts(source, depth)
    return " ".join(str(_converter().latex_to_text(with_scripts)).split())


@cache
def _converter() -> Any:
    from pylatexenc import latex2text, latexwalker, macrospec  # type: ignore[import-untyped]

    # MathJax knows a few commands pylatexenc's default tables lack.
    extra = {"lt": " < ", "gt": " > ", "top": "⊤", "intercal": "⊺", "odot": "⊙"}
    macros = latexwalker.get_default_latex_context_db()
    macros.add_context_category(
        "dlcards-mathjax",
        macros=[macrospec.MacroSpec(name, "") for name in extra],
        prepend=True,
    )
    text_db = latex2text.get_default_latex_context_db()
    text_db.add_context_category(
        "dlcards-mathjax",
        macros=[latex2text.MacroTextSpec(name, value) for name, value in extra.items()]
        + [latex2text.MacroTextSpec(name, _fraction) for name in ("frac", "dfrac", "tfrac")],
        prepend=True,
    )
    return latex2text.LatexNodes2Text(
        math_mode="text", strict_latex_spaces=False, latex_context=text_db
    )


_SIMPLE = re.compile(r"[\w.′*∂∇⁰¹²³⁴⁵⁶⁷⁸⁹ᵀ]+|\(.*\)|√\(.*\)|\w+\^\([^()]*\)")


def _fraction(node: Any, l2tobj: Any) -> str:
    """a/b, with brackets where a bare slash would change the meaning: (a+b)/c."""
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    parts = [" ".join(str(l2tobj.nodelist_to_text([a])).split()) if a else "" for a in args[-2:]]
    if len(parts) != 2:
        return "/"
    return "/".join(p if _SIMPLE.fullmatch(p) else f"({p})" for p in parts)


def _closing(source: str, start: int) -> int:
    """Index of the brace closing the one at ``start``; -1 if none."""
    depth = 0
    for index in range(start, len(source)):
        ch = source[index]
        if ch == "\\":
            continue
        if ch == "{" and source[index - 1 : index] != "\\":
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError("nested too deep")
        elif ch == "}" and source[index - 1 : index] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return -1


_COMMAND = re.compile(r"\\[A-Za-z]+")
_ENDS_IN_COMMAND = re.compile(r"\\[A-Za-z]+$")


def _scripts(source: str, depth: int) -> str:
    """``^…`` and ``_…`` replaced by Unicode scripts (or a visible ``^(…)``)."""
    from dlcards.subsup import script_text

    out: list[str] = []
    index = 0
    while index < len(source):
        ch = source[index]
        if ch not in "^_" or (index and source[index - 1] == "\\"):
            out.append(ch)
            index += 1
            continue
        kind = "sup" if ch == "^" else "sub"
        rest = index + 1
        while rest < len(source) and source[rest] == " ":
            rest += 1
        if rest >= len(source):
            out.append(ch)
            break
        if source[rest] == "{":
            end = _closing(source, rest)
            if end < 0:
                out.append(source[index:])
                break
            inner, index = source[rest + 1 : end], end + 1
        else:
            command = _COMMAND.match(source, rest)
            end = command.end() if command else rest + 1
            inner, index = source[rest:end], end
        text = latex_to_unicode(inner, depth + 1)
        if _ENDS_IN_COMMAND.search("".join(out[-40:])):
            out.append("{}")  # "\\sumᵢ" would read as one command name
        out.append(script_text(kind, _escape_html(text)))
    return "".join(out)


def _escape_html(text: str) -> str:
    # script_text reads HTML (it unescapes entities and drops tags).
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
