"""One rule for "a due date as dlcards writes it" (``log.canonical_due``), and every
per-deck count over the state cache reading due dates as ``state_from_row`` does,
whatever text a damaged cache holds."""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.collection import Collection, load_collection
from dlcards.deck_counting import count_decks
from dlcards.log import LAST_SAFE_DAY, canonical_due
from dlcards.stats import deck_counts, deck_counts_from_ids, summary
from dlcards.store import Store

from .conftest import examples, write_deck

TODAY = date(2026, 3, 1)

# Text a due column may hold: real dates (around today and at the calendar's ends),
# near-dates (no such day, one digit short, other ISO forms Python accepts), and any text.
DUES = st.one_of(
    st.dates(date(2026, 1, 1), date(2026, 6, 1)).map(date.isoformat),
    st.dates().map(date.isoformat),
    st.from_regex(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", fullmatch=True),
    st.sampled_from(
        ["", "20260101", "2026-W09-1", "0000-01-01", "2026-02-30", " 2026-02-01", "9999-12-31"]
    ),
    st.text(max_size=12),
)


def written_by_dlcards(text: str) -> bool:
    """The rule, independently: YYYY-MM-DD naming a real day, year 1 to LAST_SAFE_DAY."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    year, month, day = (int(part) for part in text.split("-"))
    if year < 1 or not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(year, month)[1]:
        return False
    return text <= LAST_SAFE_DAY.isoformat()


@settings(max_examples=examples(1000, 150), deadline=None)
@given(DUES)
def test_canonical_due_is_the_written_form(text: str) -> None:
    assert canonical_due(text) == written_by_dlcards(text)


def test_canonical_due_refuses_what_is_not_text() -> None:
    assert not canonical_due(20260101)
    assert not canonical_due(None)
    assert not canonical_due(b"2026-01-01")


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> Collection:
    """Decks aa and bb of four cards each (c1 to c4), loaded once for every example."""
    folder: Path = tmp_path_factory.mktemp("decks")
    for deck_id in ("aa", "bb"):
        write_deck(folder, deck_id, 4)
    return load_collection(None, [folder])


@settings(max_examples=examples(200, 25), deadline=None)
@given(dues=st.lists(st.tuples(st.sampled_from(["aa", "bb"]), DUES), max_size=8))
def test_every_count_reads_due_dates_as_state_from_row_does(
    tmp_path_factory: pytest.TempPathFactory,
    collection: Collection,
    dues: list[tuple[str, str]],
) -> None:
    """Due dates written straight into the cache of a real SQLite file, as a damaged
    file may hold them: the grouped queries (Home, ``decks``, ``stats``) count what
    the card-by-card reading of each state counts."""
    store = Store.open(tmp_path_factory.mktemp("home") / "progress.sqlite3")
    held: dict[tuple[str, str], str] = {}  # what the cache holds: a card's last due written
    with store.transaction() as conn:
        store.ensure_profile("me", datetime(2026, 3, 1, tzinfo=UTC))
        for n, (deck_id, due) in enumerate(dues, start=1):
            card_id = f"c{n % 5 + 1}"  # c5: a card the decks no longer have
            conn.execute(
                "INSERT OR REPLACE INTO card_state VALUES ('me', ?, ?, 1, 250, 1, ?, 0, 1)",
                (deck_id, card_id, due),
            )
            held[deck_id, card_id] = due
    states = store.states("me")
    by_states = deck_counts(collection, states, TODAY)
    assert count_decks(store, collection, "me", TODAY) == by_states
    assert deck_counts_from_ids(collection, store.reviewed_by_deck("me", TODAY)) == by_states
    due_today = sum(c.due for c in by_states)
    assert summary(store, collection, "me", TODAY)["due_today"] == due_today
    # (A card written twice keeps its second due: the first one is not in the cache.)
    assert store.plain_state_cache("me") == all(
        due == "" or canonical_due(due) for due in held.values()
    )
    store.close()
