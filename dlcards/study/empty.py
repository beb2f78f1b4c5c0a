"""What to say when a session has nothing to show: why, and what to do about it.

Plain mode words its empty states with these; the TUI's own (dlcards/tui/empty_states.py)
can use them too. The sentences carry deck text (ids, tags): a front end makes them safe.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from dlcards.collection import Collection
from dlcards.wording import plural

if TYPE_CHECKING:
    from dlcards.study.session import StudySession

SHOWN_TAGS = 8  # tags named when --tag matched nothing: enough to spot a typo


def no_cards_reason(
    collection: Collection,
    deck_ids: Sequence[str],
    tags: Sequence[str],
    decks_dir: Path | None,
) -> str:
    """Why the decks and tags chosen select no card, and what to do (one or two sentences)."""
    if not collection.decks:
        where = f"{decks_dir}/" if decks_dir is not None else "your home's decks/ folder"
        return f"no decks are loaded. Put .toml decks in {where} or pass --deck-path."
    chosen = collection.all_refs(deck_ids or None)
    named = ", ".join(deck_ids)
    in_scope = f" in {'deck' if len(deck_ids) == 1 else 'decks'} {named}" if deck_ids else ""
    if not chosen:
        return f"there are no cards{in_scope}. Add some, or check --deck."
    counts = Counter(tag for ref in chosen for tag in ref.tags)
    unknown = [tag for tag in tags if tag not in counts]
    quoted = ", ".join(f"'{tag}'" for tag in (unknown or tags))
    if not unknown:
        return f"no card{in_scope} has all of the tags {quoted}. Check --tag."
    matches = f"the tag {quoted} matches" if len(unknown) == 1 else f"the tags {quoted} match"
    if not counts:
        return f"{matches} no card: the cards{in_scope} have no tags. Leave out --tag."
    shown = [tag for tag, _ in counts.most_common(SHOWN_TAGS)]
    more = f" (and {len(counts) - len(shown)} more)" if len(counts) > len(shown) else ""
    return f"{matches} no card{in_scope}. Check --tag; tags in use: {', '.join(shown)}{more}."


def new_cards_note(new_per_day: int, unseen: int) -> str:
    """Why the ``unseen`` cards never seen are not shown today, and how to see them."""
    waiting = f"{plural(unseen, 'card')} not seen yet"
    if new_per_day == 0:
        return (
            f"New cards are off (new_per_day = 0 in config.toml), with {waiting}: raise "
            "new_per_day to study them, or practise without the schedule ('dlcards practice')."
        )
    return (
        f"Today's new cards are done ({new_per_day} a day; {waiting}): raise new_per_day "
        "in config.toml for more, or practise without the schedule ('dlcards practice')."
    )


def nothing_due_parts(session: StudySession, next_review: Callable[[date], str]) -> list[str]:
    """The sentences of "nothing due" for a session that has cards: when the next review
    is (``next_review`` words the day as the front end shows dates), why unseen cards
    wait, and how many are buried."""
    parts = ["Nothing due today."]
    next_due = session.next_due()
    if next_due is not None:
        parts.append(f"Next review: {next_review(next_due)}.")
    unseen = session.unseen_left()
    if unseen:
        parts.append(new_cards_note(session.settings.new_per_day, unseen))
    buried = session.buried_count()
    if buried:
        parts.append(f"{plural(buried, 'card')} buried until tomorrow.")
    return parts
