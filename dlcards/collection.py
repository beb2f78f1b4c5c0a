"""Finding and loading decks (DESIGN §3): discovery order, overrides, the parse cache.

A loaded ``Deck`` holds a light ``CardRef`` per card (ids, type, tags, line);
the full card is read from the cache (or the file) only when it is needed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dlcards.cards import Card, card_from_dict, card_to_dict
from dlcards.deck_cache import (
    CachedDeck,
    DeckCache,
    FileStamp,
    RefRow,
    SearchRow,
    file_digest,
)
from dlcards.deck_files import tomls_in as tomls_in  # also validate DIR
from dlcards.deck_index import (
    CardRef,
    ids_from_json,
    refs_from_columns,
    refs_to_columns,
    types_from_json,
)
from dlcards.errors import DeckError
from dlcards.loaded_deck import Deck
from dlcards.textsafe import safe_card, safe_text
from dlcards.tomlpos import deck_key_line

if TYPE_CHECKING:
    from dlcards.deck import ParsedDeck

__all__ = ["CardRef", "Collection", "Deck", "DeckSource", "load_collection", "load_deck"]


@dataclass(frozen=True)
class DeckSource:
    path: Path
    shipped: bool


def shipped_decks_dir() -> Path:
    """The decks that come with dlcards: inside the wheel, else the checkout's decks/."""
    package = Path(__file__).resolve().parent
    bundled = package / "_shipped_decks"
    return bundled if bundled.is_dir() else package.parent / "decks"


def discover(
    home_decks: Path | None, deck_paths: Sequence[str | os.PathLike[str]] = ()
) -> tuple[list[DeckSource], list[str]]:
    """Deck files in discovery order, and messages for paths that do not exist."""
    sources = [DeckSource(p, True) for p in tomls_in(shipped_decks_dir())]
    if home_decks is not None and home_decks.is_dir():
        sources += [DeckSource(p, False) for p in tomls_in(home_decks)]
    problems: list[str] = []
    env = os.environ.get("DLCARDS_DECK_PATH", "")
    # Each entry with where it was given, so a missing one is blamed on the right place.
    extra = [(p, "DLCARDS_DECK_PATH") for p in env.split(os.pathsep) if p]
    extra += [(os.fspath(p), "--deck-path") for p in deck_paths]
    for entry, given_in in extra:
        path = Path(entry).expanduser()
        if path.is_dir():
            sources += [DeckSource(p, False) for p in tomls_in(path)]
        elif path.is_file():
            sources.append(DeckSource(path, False))
        else:
            problems.append(f"{path}: no such deck file or folder — check {given_in}")
    seen: set[Path] = set()
    unique = []
    for source in sources:
        resolved = source.path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(DeckSource(resolved, source.shipped))
    return unique, problems


def may_hold_deck(
    home_decks: Path | None, deck_paths: Sequence[str | os.PathLike[str]], deck_id: str
) -> bool:
    """Whether some deck file could have the id ``deck_id``. One with no ``id = "…"`` of
    that value (in any quoting; a multi-line string counts as a maybe) and no \\u escape
    (the only other way TOML can spell it) cannot. An import into a new id then skips
    loading every deck: half a second on a cold parse cache."""
    if '"' in deck_id or "'" in deck_id or "\\" in deck_id:
        return True
    spelled = re.compile(
        rb"""id["']?[ \t]*=[ \t]*(?:\"\"\"|'''|"|')(?:"""
        + re.escape(deck_id.encode("utf-8"))
        + rb"""["']|[\r\n\\])"""
    )
    for source in discover(home_decks, deck_paths)[0]:
        try:
            raw = source.path.read_bytes()
        except OSError:
            return True  # loading reports it
        if b"\\u" in raw or b"\\U" in raw or spelled.search(raw):
            return True
    return False


@dataclass
class Collection:
    """The loaded decks, in discovery order, and the decks that failed to load."""

    decks: list[Deck]
    errors: list[str]
    cache: DeckCache | None = None
    _bodies: dict[tuple[Path, int], Card] = field(default_factory=dict)

    def deck(self, deck_id: str) -> Deck | None:
        return next((d for d in self.decks if d.id == deck_id), None)

    def ref(self, deck_id: str, card_id: str) -> CardRef | None:
        deck = self.deck(deck_id)
        return deck.ref(card_id) if deck else None

    def card(self, ref: CardRef) -> Card:
        """The full card (text, choices, params) for ``ref``."""
        deck = self.deck(ref.deck_id)
        if deck is None:
            raise KeyError(ref.deck_id)
        key = (deck.path, ref.ordinal)
        if key not in self._bodies:
            body = self.cache.card_body(deck.path, deck.digest, ref.ordinal) if self.cache else None
            # Cards are loaded to be shown: their text is made safe for a terminal
            # here, once (issue 11 #9); exports read the deck files themselves.
            if body is not None:
                self._bodies[key] = safe_card(_card_from_json(body))
            else:
                parsed = _parse(deck.path, deck.path.read_bytes())
                for ordinal, card in enumerate(parsed.cards):
                    self._bodies[(deck.path, ordinal)] = safe_card(card)
        return self._bodies[key]

    def freeze(self) -> None:
        """Exempt what is loaded so far from garbage collection.

        A long-lived app keeps it until it exits; frozen, each collection pass while
        the UI allocates skips it. The decks' card indexes stay undecoded: a study
        session reads the few refs it shows (``Deck.refs_by_id``), not 100k tuples.
        """
        import gc

        gc.freeze()

    def has_type(self, card_type: str, deck_ids: Iterable[str] | None = None) -> bool:
        """Whether a card of ``card_type`` is in the decks ``deck_ids`` (all if None)."""
        wanted = set(deck_ids) if deck_ids else None
        return any(d.has_type(card_type) for d in self.decks if wanted is None or d.id in wanted)

    def all_refs(self, deck_ids: Iterable[str] | None = None) -> list[CardRef]:
        wanted = set(deck_ids) if deck_ids else None
        return [r for d in self.decks if wanted is None or d.id in wanted for r in d.cards]


def _parse(path: Path, raw: bytes) -> ParsedDeck:
    # The deck models (and pydantic) load only when a deck must really be parsed.
    from dlcards import deck

    return deck.parse_deck(path, raw)


def _card_from_json(body: str) -> Card:
    return card_from_dict(json.loads(body))


def _deck_from_parse(source: DeckSource, digest: str, parsed: ParsedDeck) -> Deck:
    from dlcards.deck import card_tags

    header = parsed.header
    refs = [
        CardRef(
            header.id,
            card.id,
            ordinal,
            card.type,
            tuple(map(safe_text, card_tags(header, card))),
            line,
        )
        for ordinal, (card, line) in enumerate(zip(parsed.cards, parsed.lines, strict=True))
    ]
    return Deck(
        header.id,
        safe_text(header.name),
        safe_text(header.description) if header.description else header.description,
        source.path,
        source.shipped,
        digest,
        refs,
        parsed.warnings,
        tags=tuple(map(safe_text, header.tags)),
    )


def load_deck(source: DeckSource, cache: DeckCache | None) -> Deck:
    """Load one deck through the cache; raise ``DeckError`` if it is invalid."""
    path = source.path
    try:
        stamp = FileStamp.of(path.stat())
        cached = cache.lookup(path, stamp, None) if cache else None
        raw = None
        if cached is None:
            raw = path.read_bytes()
            cached = cache.lookup(path, stamp, raw) if cache else None
    except OSError as exc:
        raise DeckError([f"{path}: cannot read: {exc.strerror or exc}"]) from exc
    if cached is not None:
        if cached.errors:
            raise DeckError(cached.errors)
        header = cached.header or {}
        deck_id, refs_json = header["id"], cached.refs_json

        def decode() -> list[CardRef]:
            return refs_from_columns(deck_id, json.loads(refs_json) if refs_json else {})

        reader, cached_digest = cache, cached.digest

        def read_refs(ids: Sequence[str]) -> list[RefRow] | None:
            return reader.ref_rows(path, cached_digest, ids) if reader else None

        return Deck(
            deck_id,
            safe_text(header["name"]),
            safe_text(header.get("description") or "") or header.get("description"),
            path,
            source.shipped,
            cached.digest,
            decode,
            cached.warnings,
            tags=tuple(map(safe_text, header.get("tags") or ())),
            _ids=lambda: ids_from_json(refs_json),
            _read_refs=read_refs,
            _types=lambda: types_from_json(refs_json),
        )
    assert raw is not None
    digest = file_digest(raw)
    try:
        parsed = _parse(path, raw)
    except DeckError as exc:
        if cache:
            cache.store(path, stamp, CachedDeck(digest, None, None, [], exc.messages), None)
        raise
    deck = _deck_from_parse(source, digest, parsed)
    if cache:
        entry = CachedDeck(
            digest,
            parsed.header.model_dump(mode="json"),
            refs_to_columns(deck.cards),
            parsed.warnings,
            [],
        )
        bodies = [json.dumps(card_to_dict(card), ensure_ascii=False) for card in parsed.cards]
        cache.store(path, stamp, entry, bodies, _search_rows(deck, parsed))
    return deck


def _search_rows(deck: Deck, parsed: ParsedDeck) -> list[SearchRow]:
    from dlcards.search import card_texts, tags_column

    texts = card_texts(parsed.cards)
    tag_columns: dict[tuple[str, ...], str] = {}
    return [
        (
            ref.card_id,
            ref.type,
            tag_columns.get(ref.tags) or tag_columns.setdefault(ref.tags, tags_column(ref.tags)),
            ref.line,
            card.front,
            text,
        )
        for ref, card, text in zip(deck.cards, parsed.cards, texts, strict=True)
    ]


_LOCATED = re.compile(r"^(?P<path>.+?\.toml)(?::\d+)?:\s")


def errors_by_file(errors: Sequence[str]) -> dict[str, list[str]]:
    """Load errors grouped by the deck file they name, in the order reported."""
    grouped: dict[str, list[str]] = {}
    for message in errors:
        match = _LOCATED.match(message)
        path = match["path"] if match else message.split(":", 1)[0]
        grouped.setdefault(path, []).append(message)
    return grouped


def duplicate_deck_id(path: Path, deck_id: str, first: Path) -> str:
    """The error for a deck whose id an earlier (non-overridable) deck already has."""
    return (
        f"{path}:{deck_key_line(path, 'id')}: deck id '{deck_id}' is already used by "
        f"{first} — give one of them another id"
    )


def load_collection(
    home_decks: Path | None,
    deck_paths: Sequence[str | os.PathLike[str]] = (),
    cache: DeckCache | None = None,
) -> Collection:
    """Discover and load every deck; a bad deck is reported and the others still load."""
    sources, errors = discover(home_decks, deck_paths)
    decks: list[Deck] = []
    for source in sources:
        try:
            deck = load_deck(source, cache)
        except DeckError as exc:
            errors.extend(exc.messages)
            continue
        except Exception as exc:  # noqa: BLE001 - one deck never stops the others (§3)
            errors.append(f"{source.path}: cannot be loaded ({type(exc).__name__}: {exc})")
            continue
        same = next((d for d in decks if d.id == deck.id), None)
        if same is None:
            decks.append(deck)
        elif same.shipped and not deck.shipped:
            # In the shipped deck's place: an edited copy does not jump to the end of
            # Home's list (known issue 32).
            decks[decks.index(same)] = deck
            deck.overrides_shipped = True
        else:
            errors.append(duplicate_deck_id(deck.path, deck.id, same.path))
    # Messages echo deck text (ids, names): shown on terminals, they must be safe.
    return Collection(decks, [safe_text(e) for e in errors], cache)
