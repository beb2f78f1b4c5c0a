"""Search text: case- and accent-insensitive normalization, the same for a deck and a query."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.browse import parse_filters
from dlcards.cards import BasicCard, ChoiceCard, ComputeCard
from dlcards.search import card_text, card_texts, normalize, normalize_many, terms


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


def test_card_text_covers_front_back_options_and_problem() -> None:
    assert card_text(BasicCard("a", "Front **Bold**", "Back")) == "front **bold** back"
    choice = ChoiceCard("b", "Which?", ["Adam", "SGD"], [0], back="Both optimizers")
    assert card_text(choice) == "which? both optimizers adam sgd"
    compute = ComputeCard("c", "conv_output_size")
    assert card_text(compute) == "conv_output_size conv output size"


def single(text: str) -> str:
    """The definition, character by character, with no joining: the oracle."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(kept.split())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
                max_size=8))
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
