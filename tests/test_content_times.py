"""A card's content hash is the one earlier versions recorded in progress.sqlite3: were it
to change, every card would look edited and get a new content-change time (issue 12)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dlcards.content_times import card_hash, content_hash

SCALARS = st.one_of(st.text(), st.integers(), st.booleans(), st.none(), st.floats())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
    max_leaves=8,
)


def recorded(content: Any) -> str:
    """The hash as content_times.py defines it, computed with json.dumps itself."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


@given(st.dictionaries(st.text(max_size=8), VALUES, max_size=6))
def test_the_hash_is_blake2b_of_the_sorted_compact_json(content: dict[str, Any]) -> None:
    try:
        expected = recorded(content)
    except UnicodeEncodeError:  # a lone surrogate: neither can hash it
        return
    assert content_hash(content) == expected


def test_a_card_from_anki_hashes_as_before() -> None:
    card = {
        "id": "anki-ab12",
        "front": "x² & *b*",
        "back": "H₂O\\\nline",
        "tags": ["bio"],
        "anki": {"guid": "ab12", "notetype": 1796706322472, "ord": 0, "fields": ["x<sup>2</sup>"]},
    }
    content = {k: v for k, v in card.items() if k != "id"}
    assert card_hash(card) == recorded(content)
