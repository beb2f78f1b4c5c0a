"""dlcards cards → Anki notes (HTML fields, tags, guid, id), for the TSV/CSV and .apkg writers.

- basic: front and back as HTML;
- choice: the options listed under the question, the right ones marked on the back;
- compute: N frozen instances (seeds 0..N-1, cycling through the card's levels),
  each with its prompt, expected answer and worked solution, each its own guid.

Each note carries the card id (``dlcards_id``) and, for the .apkg, the card as it
was (``dlcards_source``) with a fingerprint of the HTML written, so an import of
an unedited note gives the exact card back.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from dlcards.cards import source_line
from dlcards.interchange.md2html import html_digest, to_html
from dlcards.interchange.notes import INSTANCE_PREFIX


@dataclass
class ExportNote:
    front: str  # HTML
    back: str  # HTML
    tags: list[str]
    guid: str
    card_id: str  # the dlcards_id field
    source: str = ""  # the dlcards_source field (escaped JSON), .apkg only
    card_ids: list[str] = field(default_factory=list)  # the deck's cards in this note
    anki: Any = None  # export_anki.AnkiNote: a note that came from Anki, in its note type
    modified: int | None = None  # when its content last changed (Unix seconds)


@dataclass
class Rendered:
    notes: list[ExportNote] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # card type -> notes written
    skipped: list[tuple[str, str]] = field(default_factory=list)


def anki_tags(tags: list[str]) -> list[str]:
    """Anki tags cannot hold spaces."""
    return ["_".join(t.split()) for t in tags if t.strip()]


def back_with_source(back_md: str, source: str | list[str] | None) -> str:
    """Back as an export writes it: the Markdown, then the card's "Source:" line if any."""
    line = source_line(source)
    return "\n\n".join(p for p in (back_md, line) if p.strip())


def _with_source(back_md: str, card: Any) -> str:
    return back_with_source(back_md, getattr(card, "source", None))


def _source(card: dict[str, Any], front: str, back: str) -> str:
    data = {"card": card, "html": html_digest(front, back)}
    return html.escape(json.dumps(data, ensure_ascii=False, separators=(",", ":")), quote=False)


def render_cards(
    deck_id: str,
    cards: list[Any],
    *,
    instances: int,
    notetypes: list[Any] | None = None,
    deck_tags: list[str] | None = None,
    anki_notes: bool = False,
) -> Rendered:
    """Notes for ``cards`` (deck models) of deck ``deck_id``; ``anki_notes``: cards that
    came from Anki go back as their own notes (the .apkg), not as dlcards notes."""
    from genanki import guid_for

    out = Rendered()

    def tags_of(card: Any) -> list[str]:
        # The deck's tags are on every note, as dlcards shows them on every card.
        return anki_tags(list(dict.fromkeys([*(deck_tags or []), *card.tags])))

    if anki_notes:
        from dlcards.interchange.export_anki import group_notes

        known = {n.id for n in notetypes or []}
        origin = [c for c in cards if getattr(c, "anki", None) and c.anki["notetype"] in known]
        grouped, remarks = group_notes(origin, notetypes or [], tags_of)
        for note in grouped:
            out.notes.append(
                ExportNote("", "", note.tags, note.guid, "", card_ids=note.card_ids, anki=note)
            )
        if grouped:
            out.counts["anki note"] = len(grouped)
        out.skipped.extend(remarks)
        taken = {id(c) for c in origin}
        cards = [c for c in cards if id(c) not in taken]
    for card in cards:
        kind = card.type
        if kind == "compute":
            _compute(out, deck_id, card, instances, tags_of(card))
            continue
        if kind == "choice":
            front_md, back_md = _choice_markdown(card)
            source = {
                "type": "choice",
                "front": card.front,
                "choices": list(card.choices),
                "correct": list(card.correct),
                "back": card.back,
            }
        else:
            front_md, back_md = card.front, card.back
            source = {"front": card.front, "back": card.back}
        if getattr(card, "source", None):
            source["source"] = card.source
        front, back = to_html(front_md), to_html(_with_source(back_md, card))
        guid = card.guid or str(guid_for(deck_id, card.id))
        out.notes.append(
            ExportNote(
                front,
                back,
                tags_of(card),
                guid,
                card.id,
                _source(source, front, back),
                card_ids=[card.id],
            )
        )
        out.counts[kind] = out.counts.get(kind, 0) + 1
    return out


def _choice_markdown(card: Any) -> tuple[str, str]:
    options = "\n".join(f"{n}. {choice}" for n, choice in enumerate(card.choices, start=1))
    marked = "\n".join(
        f"{n}. **{choice}** ✓" if n - 1 in card.correct else f"{n}. {choice}"
        for n, choice in enumerate(card.choices, start=1)
    )
    answer = ", ".join(str(i + 1) for i in sorted(card.correct))
    back = f"**Answer: {answer}**\n\n{marked}"
    if card.back.strip():
        back += f"\n\n{card.back}"
    return f"{card.front}\n\n{options}", back


def _fence(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text}\n{fence}"


_MARKUP = re.compile(r"[\\`*_\[\]<>#|~!&]")
_LIST_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")
MAX_PRE_LINE = 60  # characters: a phone-width card in Anki's default monospace
_ALIGNED = re.compile(r"^\s|\S {2,}\S")


def _prose(line: str) -> str:
    escaped = _MARKUP.sub(r"\\\g<0>", line)
    return _LIST_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _wrapping(text: str) -> str:
    """Generated text as Markdown that wraps at a card's width: prose lines as text
    (Markdown characters escaped, so nothing in them is markup), and only aligned
    runs of lines (matrices, tables) kept in a fence, whose lines are short."""
    parts: list[str] = []
    run: list[str] = []
    aligned = False
    for line in [*text.strip("\n").splitlines(), ""]:
        # A long line is prose even with double spaces: only short aligned rows stay in a fence.
        kind = bool(_ALIGNED.search(line)) and len(line) <= MAX_PRE_LINE if line.strip() else None
        if run and kind != aligned:
            parts.append(_fence("\n".join(run)) if aligned else "\\\n".join(map(_prose, run)))
            run = []
        if kind is not None:
            run.append(line)
            aligned = kind
    return "\n\n".join(parts)


def _compute(out: Rendered, deck_id: str, card: Any, instances: int, tags: list[str]) -> None:
    from genanki import guid_for

    if instances <= 0:
        out.skipped.append((card.id, "compute card (--instances 0)"))
        return
    try:
        from dlcards.problems import get_problem, is_fixed, reachable_levels

        problem = get_problem(card.problem)
        levels = reachable_levels(card.problem, card.params, card.level) or problem.levels
        count = 1 if is_fixed(card.problem, card.params) else instances
        notes = []
        for seed in range(count):
            instance = problem.make_instance(
                level=levels[seed % len(levels)], seed=seed, fixed=card.params
            )
            prompt = problem.render(instance).to_text()
            expected = problem.expected_text(instance)
            steps = problem.explain(instance)
            front_md = "\n\n".join(p for p in (card.front, _wrapping(prompt)) if p.strip())
            parts = [f"**Answer:**\n\n{_wrapping(expected)}"]
            if steps:
                parts.append("**Worked solution:**\n\n" + _wrapping("\n".join(steps)))
            if card.back.strip():
                parts.append(card.back)
            parts.append(source_line(getattr(card, "source", None)))
            front, back = to_html(front_md), to_html("\n\n".join(p for p in parts if p))
            instance_id = f"{INSTANCE_PREFIX}{card.id}:{seed}"
            notes.append(
                ExportNote(
                    front,
                    back,
                    tags,
                    str(guid_for(deck_id, card.id, "instance", seed)),
                    instance_id,
                    _source({"instance_of": card.id, "seed": seed}, front, back),
                    card_ids=[card.id],
                )
            )
    except Exception as exc:  # a problem that cannot be generated must not stop the export
        out.skipped.append((card.id, f"compute card could not be generated ({exc})"))
        return
    out.notes.extend(notes)
    out.counts["compute"] = out.counts.get("compute", 0) + len(notes)
