"""Converting the notes of a large new deck on every core: a fork-based process pool.

Converting a note (its templates rendered, its HTML made Markdown, its card
validated, written as a checked ``[[cards]]`` block and hashed) is about 85 % of
importing a 10,000-note package, and needs nothing from the other notes when the
deck is new: no card of the deck can match it but the ones of the same file, which
the merge still finds in order. So the importing process reads the notes and hands
them out in chunks to worker processes, which do all of that
(:class:`~dlcards.interchange.notes.Prepared`); it then merges the results in the
notes' order and writes the blocks as they are. The deck file, the report and the
content times are the same as converting in one process
(tests/test_import_pool.py compares the two).

Workers are forked (Linux): they start with the importer's modules and note types
loaded, and nothing but the notes and the results crosses the pipes. Elsewhere, for
fewer than :data:`MIN_NOTES` notes (the pool's start-up would cost more than it
saves), when no core is free (the load average is over the cores less one, plus
:data:`SPARE`) and when ``DLCARDS_IMPORT_PROCESSES=1``, one process converts them all.
The pool adds CPU time (forking, pickling notes and cards: README §Performance)
and takes the wall-clock time down only when a second core is free to run it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice
from multiprocessing.pool import AsyncResult
from typing import Any

from dlcards.content_times import card_hash
from dlcards.errors import UserError
from dlcards.interchange.deck_write import card_block
from dlcards.interchange.deckfile import invalid_reason, new_card
from dlcards.interchange.note_cards import NoteCards, NoteConverter
from dlcards.interchange.notes import Incoming, Prepared, RawNote

ENV = "DLCARDS_IMPORT_PROCESSES"  # a number of processes; 1: never a pool
MIN_NOTES = 2000
SPARE = 0.5  # load average, beyond this process, under which a core counts as free
MAX_PROCESSES = 4
CHUNK = 250  # notes a task: fewer pipe round trips, and still a bounded window
FIRST = (25, 100)  # the first chunks of each worker (see _sizes)
WINDOW = 3  # chunks in flight per worker: enough to keep each busy, and memory bounded


def processes(total: int) -> int:
    """How many worker processes convert ``total`` notes (1: none, the importer does)."""
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    wanted = os.environ.get(ENV, "").strip()
    if wanted:
        # Set by hand (benchmarks, tests): that many, whatever the size of the file.
        return max(1, min(int(wanted), MAX_PROCESSES)) if wanted.isdigit() else 1
    if total < MIN_NOTES or cores < 2:
        return 1
    # Workers only help with a core to spare: on a machine already busy they add their
    # CPU time (forking, pickling) and take as long. The load average counts runnable
    # processes over the last minute.
    try:
        load = os.getloadavg()[0]
    except OSError:
        return 1
    return min(cores, MAX_PROCESSES) if load <= cores - 1 + SPARE else 1


# What the forked workers inherit: set in the importer just before the pool starts.
_converter: NoteConverter | None = None
_deck_id = ""
_hashes = False


def converted(
    notes: Iterable[RawNote], converter: NoteConverter, ahead: tuple[str, bool], workers: int
) -> Iterator[NoteCards]:
    """Each note's cards, in the notes' order, converted and prepared by ``workers``
    forked processes; the notes are read here (the package's database stays in this
    process) and ``converter.unsupported`` gathers what the workers found."""
    global _converter, _deck_id, _hashes
    _preload()
    _converter, (_deck_id, _hashes) = converter, ahead
    context = multiprocessing.get_context("fork")
    # What the workers inherit is never garbage: frozen, their collections skip it (and
    # leave its pages shared) - the way the gc module's documentation gives for fork().
    gc.freeze()
    try:
        pool = context.Pool(workers, initializer=_started)
    finally:
        gc.unfreeze()
    try:
        pending: deque[AsyncResult[tuple[list[_Packed], set[str]]]] = deque()
        stream = iter(notes)
        for size in _sizes(workers):
            chunk = list(islice(stream, size))
            if not chunk:
                break
            pending.append(pool.apply_async(_work, (chunk,)))
            if len(pending) >= WINDOW * workers:
                yield from _taken(pending.popleft().get(), converter)
        while pending:
            yield from _taken(pending.popleft().get(), converter)
        pool.close()
    finally:
        pool.terminate()  # on an error or a refusal too: no worker outlives the import
        pool.join()
        _converter = None


def _sizes(workers: int) -> Iterator[int]:
    """Chunk sizes: small ones first, so the first results come back soon after the fork
    (22 ms against 57 ms with whole chunks, 2026-12-08) while the pipes stay few."""
    for size in FIRST:
        yield from [size] * workers
    while True:
        yield CHUNK


def _taken(result: tuple[list[_Packed], set[str]], converter: NoteConverter) -> list[NoteCards]:
    packed, unsupported = result
    converter.unsupported |= unsupported
    return [_unpacked(note) for note in packed]


def _started() -> None:
    # Ctrl-C reaches the whole process group: the importer stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Its garbage collector runs as the importer's did at the fork: every
    # importer.COLLECT_EVERY new objects (import_deck's fewer_collections).


# A note's result as it crosses the pipe: plain tuples, not the dataclasses. The importer
# shares the 2 cores with the workers, so its CPU is theirs: unpickling 10,000 notes'
# NoteCards, Incoming and Prepared objects took it 0.048 s, these tuples and building
# the objects again 0.023 s (2026-12-08, best of 3).
_Card = tuple[dict[str, Any], str, bool, bool, str | None, str | None, bytes, str | None, Any]
_Packed = tuple[str, str | None, int | None, list[tuple[str, int]], list[str], bool, list[_Card]]


def _work(chunk: list[RawNote]) -> tuple[list[_Packed], set[str]]:
    """In a worker: the chunk's notes converted, each card prepared for the merge."""
    assert _converter is not None, "a worker started outside converted()"
    out: list[_Packed] = []
    for note in map(_converter.convert, chunk):
        cards: list[_Card] = []
        for item in note.cards:
            done = _prepare(item)
            # front_html and back_html stay behind: read only to update a deck's card.
            cards.append(
                (_slim(item.card), item.where, item.exact, item.whole)
                + (done.reason, done.problem, done.block, done.hash, done.refusal)
            )
        out.append(
            (
                note.where,
                note.skipped,
                note.notetype_id,
                note.modified,
                note.refs,
                note.media,
                cards,
            )
        )
    return out, _converter.unsupported


def _unpacked(packed: _Packed) -> NoteCards:
    where, skipped, notetype_id, modified, refs, media, cards = packed
    return NoteCards(
        where,
        [
            Incoming(
                card,
                named,
                exact=exact,
                whole=whole,
                prepared=Prepared(reason, problem, block, hash_, refusal),
            )
            for card, named, exact, whole, reason, problem, block, hash_, refusal in cards
        ],
        skipped,
        notetype_id,
        modified,
        refs,
        media,
    )


def _slim(card: dict[str, Any]) -> dict[str, Any]:
    """What the merge reads of a card prepared ahead (its block holds the rest): its id
    and guid to find it again, its front to name a repeat, whether it came from Anki."""
    keys = ("id", "guid", "front", "anki")
    return {k: (True if k == "anki" else card[k]) for k in keys if k in card}


def _prepare(item: Incoming) -> Prepared:
    """What :func:`deckfile.merge` computes of a new card of a new deck, in its order."""
    if item.fill is not None:
        reason = item.fill()
        item.fill = None  # a closure: it would not cross the pipe
        if reason is not None:
            return Prepared(reason=reason)
    problem = invalid_reason(item.card)
    if problem:
        return Prepared(problem=problem)
    card = new_card(item.card, _deck_id)
    try:
        block = card_block(card).encode("utf-8")
    except UserError as exc:
        return Prepared(refusal=(exc.what, exc.todo))
    return Prepared(block=block, hash=card_hash(card) if _hashes else None)


def _preload() -> None:
    """Import what the workers use before forking: each would otherwise import it again."""
    import dlcards.deck  # the card models (pydantic)
    import dlcards.interchange.html2md  # noqa: F401
