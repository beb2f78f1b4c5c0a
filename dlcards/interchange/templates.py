"""Anki card templates rendered as Anki renders them, for the cards a note generates.

Supported: ``{{Field}}``, ``{{FrontSide}}``, ``{{#F}}…{{/F}}`` (shown when F is not
empty), ``{{^F}}…{{/F}}`` (shown when it is), the special fields ``Tags``, ``Deck``,
``Subdeck``, ``Card`` and ``Type``, and the filters ``text:`` (HTML stripped),
``hint:`` (shown as "Hint: …"), ``type:`` (a typed answer: nothing on the front, the
expected text on the back, and the card remembers it) and ``cloze:``. Anything
else (``furigana:``, ``tts``, add-on filters, a broken section) is rendered as the
bare field and named in :attr:`Rendered.unsupported` for the import report.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

_TAG = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_EMPTY = re.compile(r"(?:\s|&nbsp;|<br\s*/?>|</?div>|</?p>)*", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[^<>]*>")
ANSWER_MARK = re.compile(r"<hr[^<>]*\bid\s*=\s*[\"']?answer[\"']?[^<>]*>", re.IGNORECASE)
FRONT_SIDE = "\ue010"  # private-use: where {{FrontSide}} goes, swapped after rendering


@dataclass
class Context:
    """What a template sees: the note's fields and the card being rendered."""

    fields: Mapping[str, str]
    card_ord: int = 0  # 0-based: the template index, or the cloze number - 1
    tags: str = ""
    deck: str = ""
    card_name: str = ""
    notetype: str = ""
    cloze: Callable[[str, int, bool], str] | None = None  # (text, number, reveal) → HTML


@dataclass
class Rendered:
    html: str
    typed: str | None = None  # the expected text of a {{type:F}}
    unsupported: set[str] = field(default_factory=set)


def is_empty(value: str) -> bool:
    """Anki's test for an empty field: only whitespace, line breaks and empty divs."""
    return _EMPTY.fullmatch(value) is not None


def plain_text(value: str) -> str:
    return html.unescape(_HTML_TAG.sub("", value)).strip()


def render(template: str, ctx: Context, *, answer: bool) -> Rendered:
    """One side of a card; on the back ``{{FrontSide}}`` becomes :data:`FRONT_SIDE`."""
    tokens, ends, problems, names = _parsed(template)
    if names is not None:
        # Text and bare fields only (most templates: "{{Front}}", "{{FrontSide}}<hr
        # id=answer>{{Back}}"): the text between the fields, joined with their values,
        # as _render gives it without its walk over the tokens.
        fields = ctx.fields
        if all(name in fields for name in names):
            parts = tokens.copy()
            for index in range(1, len(parts), 2):
                name = parts[index].strip()
                if name == "FrontSide":
                    parts[index] = FRONT_SIDE if answer else ""
                else:
                    parts[index] = fields[name]
            return Rendered("".join(parts))
    out = Rendered("", unsupported=set(problems))
    out.html = _render(tokens, 0, len(tokens), ctx, answer, out, ends)
    return out


_BARE = re.compile(r"\s*[^#^/:{}\s](?:[^:{}]*[^:{}\s])?\s*")


@lru_cache(maxsize=64)
def _parsed(
    template: str,
) -> tuple[list[str], dict[int, int], frozenset[str], frozenset[str] | None]:
    """A template's tokens, its sections' ends, what was wrong with them and, when every
    tag is a bare field name or {{FrontSide}} (no section, no filter), those names: the
    same few templates render every note of an import. Read-only for the caller."""
    out = Rendered("")
    tokens = _TAG.split(template)
    ends = _sections(tokens, out)
    tags = [tokens[index] for index in range(1, len(tokens), 2)]
    bare = all(_BARE.fullmatch(tag) for tag in tags) and not out.unsupported
    names = frozenset(t.strip() for t in tags if t.strip() != "FrontSide") if bare else None
    return tokens, ends, frozenset(out.unsupported), names


def _sections(tokens: list[str], out: Rendered) -> dict[int, int]:
    """Each ``{{#F}}``/``{{^F}}`` token's matching ``{{/F}}``, in one pass (linear, so a
    hostile template of 10,000 sections costs no more than its length)."""
    from dlcards.interchange.limits import MAX_SECTION_DEPTH

    ends: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for index in range(1, len(tokens), 2):
        tag = tokens[index].strip()
        if tag[:1] in "#^":
            stack.append((tag[1:].strip(), index))
            if len(stack) > MAX_SECTION_DEPTH:
                out.unsupported.add(f"sections nested more than {MAX_SECTION_DEPTH} deep")
                return {}
        elif tag[:1] == "/":
            name = tag[1:].strip()
            while stack and stack[-1][0] != name:
                stack.pop()  # an unclosed inner section: Anki refuses the template
                out.unsupported.add("an unclosed {{#…}} section")
            if stack:
                ends[stack.pop()[1]] = index
    if stack:
        out.unsupported.add("an unclosed {{#…}} section")
    return ends


def _render(
    tokens: list[str],
    start: int,
    stop: int,
    ctx: Context,
    answer: bool,
    out: Rendered,
    ends: dict[int, int],
) -> str:
    parts: list[str] = []
    index = start
    while index < stop:
        token = tokens[index]
        if index % 2 == 0:
            parts.append(token)
            index += 1
            continue
        tag = token.strip()
        if tag[:1] in "#^":
            end = ends.get(index, -1)
            if end < 0 or end >= stop:
                index += 1
                continue
            filled = not is_empty(_field(tag[1:].strip(), ctx, out))
            if filled == (tag[0] == "#"):
                parts.append(_render(tokens, index + 1, end, ctx, answer, out, ends))
            index = end + 1
            continue
        if tag[:1] != "/":
            parts.append(_replacement(tag, ctx, answer, out))
        index += 1
    return "".join(parts)


def _field(name: str, ctx: Context, out: Rendered) -> str:
    if name in ctx.fields:
        return ctx.fields[name]
    special = {
        "Tags": ctx.tags,
        "Deck": ctx.deck,
        "Subdeck": ctx.deck.split("::")[-1],
        "Card": ctx.card_name,
        "Type": ctx.notetype,
        "CardFlag": "",
    }
    if name in special:
        return special[name]
    out.unsupported.add(f"{{{{{name}}}}} (no such field)")
    return ""


def _replacement(tag: str, ctx: Context, answer: bool, out: Rendered) -> str:
    if tag == "FrontSide":
        return FRONT_SIDE if answer else ""
    *filters, name = [part.strip() for part in tag.split(":")]
    value = _field(name, ctx, out)
    if "type" in filters:
        typed = value if "cloze" not in filters else _cloze_answer(value, ctx)
        out.typed = plain_text(typed)
        return f"<p>{html.escape(out.typed)}</p>" if answer else ""
    for name_ in reversed(filters):
        value = _apply(name_, value, ctx, answer, out)
    return value


def _apply(name: str, value: str, ctx: Context, answer: bool, out: Rendered) -> str:
    if name == "text":
        return html.escape(plain_text(value), quote=False)
    if name == "hint":
        return f"<i>Hint: {value}</i>" if not is_empty(value) else ""
    if name == "cloze":
        if ctx.cloze is None:
            out.unsupported.add("the cloze: filter outside a cloze note type")
            return value
        return ctx.cloze(value, ctx.card_ord + 1, answer)
    if name == "cloze-only":
        return ctx.cloze(value, ctx.card_ord + 1, True) if ctx.cloze else value
    out.unsupported.add(f"the {name}: filter")
    return value


def _cloze_answer(value: str, ctx: Context) -> str:
    from dlcards.interchange.notes import cloze_answers

    return ", ".join(cloze_answers(value, ctx.card_ord + 1))


def back_part(back: str, front: str) -> str:
    """What the back adds to the front. Anki backs usually start with the front
    (``{{FrontSide}}<hr id=answer>…``); dlcards shows the front above the back
    already, so that part is dropped. Elsewhere the front is put in."""
    if FRONT_SIDE not in back:
        return back
    head, _, rest = back.partition(FRONT_SIDE)
    if is_empty(head):
        mark = ANSWER_MARK.search(rest)
        if mark is not None and is_empty(rest[: mark.start()]):
            rest = rest[mark.end() :]
        return rest.replace(FRONT_SIDE, front)
    return back.replace(FRONT_SIDE, front)
