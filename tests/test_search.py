"""Search text: case- and accent-insensitive normalization, the same for a deck and a query."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.browse import find_cards, parse_filters
from dlcards.cards import BasicCard, ChoiceCard, ComputeCard
from dlcards.collection import Collection, DeckSource, load_deck
from dlcards.deck_cache import DeckCache
from dlcards.search import card_text, card_texts, normalize, normalize_many, terms
from dlcards.store import Store

from .conftest import examples, write_deck


def test_normalize_ignores_case_accents_and_spacing() -> None:
    assert normalize("Résumé") == normalize("RESUME") == "resume"
    assert normalize("ÉCOLE  naïve\n\tÅngström") == "ecole naive angstrom"
    assert normalize("straße") == "strasse"  # casefold, not lower
    assert normalize("ﬁle") == "file"  # NFKD: the ligature splits
    assert normalize("e\u0301te\u0301") == "ete"  # already decomposed accents
    assert normalize("1\u00a0000 × 3") == "1 000 × 3"  # no-break space; × is not an accent


def test_query_terms_are_words_or_phrases() -> None:
    assert terms('Résumé "Max  Pool" x') == ["resume", "max pool", "x"]
    assert terms('  ""  ') == []


def test_card_text_covers_front_back_options_problem_and_id() -> None:
    assert card_text(BasicCard("a", "Front **Bold**", "Back")) == "front **bold** back a"
    choice = ChoiceCard("b", "Which?", ["Adam", "SGD"], [0], back="Both optimizers")
    assert card_text(choice) == "which? both optimizers adam sgd b"
    compute = ComputeCard("neuron-output_Sigmoid", "conv_output_size")
    assert card_text(compute) == (
        "conv_output_size conv output size neuron-output_sigmoid neuron output sigmoid"
    )


@pytest.mark.parametrize("cached", [True, False], ids=["cache", "no-cache"])
@pytest.mark.parametrize(
    "query, expected",
    [
        ("conv2d-basic", ["conv2d-basic"]),
        ("neuron-output-sigmoid", ["neuron-output-sigmoid"]),
        ("sigmoid", ["neuron-output-sigmoid"]),  # a word of the id
        ('"output sigmoid"', ["neuron-output-sigmoid"]),
        ("CONV2D basic", ["conv2d-basic"]),
    ],
)
def test_card_ids_are_searched_whole_and_by_word(
    tmp_path: Path,
    cached: bool,
    query: str,
    expected: list[str],
) -> None:
    path = write_deck(
        tmp_path / "decks",
        "drills",
        [
            """
        [[cards]]
        id = "conv2d-basic"
        front = "Cross-correlate the input with the kernel."
        back = "Slide, multiply, add."
        """,
            """
        [[cards]]
        id = "neuron-output-sigmoid"
        type = "compute"
        problem = "neuron_output"
        """,
        ],
    )
    cache = DeckCache(tmp_path / "cache.sqlite3") if cached else None
    collection = Collection([load_deck(DeckSource(path.resolve(), False), cache)], [], cache)
    rows = find_cards(Store.open(None), collection, "alice", parse_filters(query), 8)
    assert [row.ref.card_id for row in rows] == expected


def single(text: str) -> str:
    """The definition, character by character, with no joining: the oracle."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(kept.split())


@settings(max_examples=examples(3000, 100), deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), max_size=8)
)
def test_a_whole_deck_at_once_equals_each_card_alone(texts: list[str]) -> None:
    assert normalize_many(texts) == [single(t) for t in texts]


def test_many_distinct_characters_take_the_whole_text_path() -> None:
    texts = [chr(0x4E00 + i) + "É" for i in range(100)] + ["Ça"]
    assert normalize_many(texts) == [single(t) for t in texts]
    cards = [BasicCard(str(i), t, "") for i, t in enumerate(texts)]
    assert card_texts(cards) == [card_text(c) for c in cards]


def test_the_browser_box_parses_filters() -> None:
    filters = parse_filters('résumé tag:cnn deck:neural is:leech "max pool" is:bogus')
    assert filters.deck_ids == ("neural",) and filters.tags == ("cnn",)
    assert filters.state == "leech"
    assert terms(filters.query) == ["resume", "max pool", "is:bogus"]
    assert not parse_filters("   ").active and parse_filters("tag:x").active


# Letters, accents and a ligature that fold, and GLOB's own special characters.
_CHARS = "abAB éÉeﬁ*?[]^!-_"
_WORDS = st.text(alphabet=_CHARS.replace(" ", ""), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(
    cards=st.lists(
        st.tuples(
            st.text(alphabet=_CHARS, max_size=24),
            st.lists(st.sampled_from(["a", "b", "a*", "[b]"]), max_size=2, unique=True),
        ),
        min_size=1,
        max_size=12,
    ),
    words=st.lists(st.lists(_WORDS, min_size=1, max_size=2), max_size=3),
    tags=st.lists(st.sampled_from(["a", "b", "a*", "[b]", "?"]), max_size=2),
)
def test_the_cache_search_finds_what_a_plain_filter_finds(
    cards: list[tuple[str, list[str]]], words: list[list[str]], tags: list[str]
) -> None:
    """The parse cache's SQL search (GLOB per term) against a substring test in Python
    on independently folded texts: the same cards, whatever the text holds."""
    import tempfile

    from dlcards.deck_cache import CachedDeck, FileStamp
    from dlcards.search import tags_column

    # Each inner list is one term: a word alone, or a "quoted phrase" of words.
    query = " ".join(f'"{" ".join(w)}"' if len(w) > 1 else w[0] for w in words)
    wanted = [single(" ".join(w)) for w in words]
    expected = [
        i
        for i, (text, card_tags) in enumerate(cards)
        if all(term in single(text) for term in wanted if term)
        and all(tag in card_tags for tag in tags)
    ]
    rows = [
        (f"c{i}", "basic", tags_column(t), i + 1, text, folded)
        for i, ((text, t), folded) in enumerate(
            zip(cards, normalize_many([c[0] for c in cards]), strict=True)
        )
    ]
    with tempfile.TemporaryDirectory() as tmp:
        cache = DeckCache(Path(tmp) / "cache.sqlite3")
        deck = Path(tmp) / "deck.toml"
        cache.store(deck, FileStamp(1, 1, 1), CachedDeck("d", None, None, [], []), None, rows)
        found = cache.search(deck, terms(query), tags)
        cache.close()
    assert found is not None
    assert [row[0] for row in found] == expected
