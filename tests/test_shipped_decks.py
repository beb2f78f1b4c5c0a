"""The shipped decks: valid under --strict, ids stable, the seed covered, topics balanced."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from dlcards.deck import ChoiceCard, ComputeCard, parse_deck

from .conftest import REPO, run_cli

DECKS = REPO / "decks"
# A copy of ../shared/seed/deep-learning-interview-questions.txt, the page the deck covers.
SEED = Path(__file__).parent / "data" / "seed-page.txt"
COVERAGE = Path(__file__).parent / "seed_coverage.csv"
ID_LIST = Path(__file__).parent / "shipped_card_ids.txt"
TOPICS = [
    "optimizers",
    "regularization",
    "normalization",
    "initialization",
    "losses",
    "cnn",
    "sequence-models",
    "transformers",
    "embeddings",
    "generative",
    "evaluation",
    "training-at-scale",
    "debugging",
]
LEVELS = {"beginner", "intermediate", "advanced"}
# The fifteen topic tags of the LLM Interview deck (its plan: three writers, five topics each).
LLM_TOPICS = [
    "tokenization",
    "pretraining",
    "scaling-laws",
    "mixture-of-experts",
    "long-context",
    "inference",
    "post-training",
    "prompting",
    "llm-evaluation",
    "training-stability",
    "optimizers",
    "state-space-models",
    "multimodal",
    "diffusion",
    "detection-segmentation",
]
# The classic deck's topics: an LLM card may carry one as a second tag, so that a
# `--tag transformers` session finds it too; its main topic is one of LLM_TOPICS.
CLASSIC_TOPICS = {
    "fundamentals", "activations", "backprop", "frameworks", "applications", "optimizers",
    "regularization", "normalization", "initialization", "losses", "cnn", "sequence-models",
    "transformers", "embeddings", "generative", "evaluation", "training-at-scale", "debugging",
}  # fmt: skip
KEBAB_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LATEX = re.compile(r"\\(frac|sigma|sum|sqrt|cdot|alpha|beta|theta|mathbf|left|right)\b|\$[^$\n]+\$")


def parsed(name: str):
    path = DECKS / name
    return parse_deck(path, path.read_bytes())


def all_ids() -> set[str]:
    ids = set()
    for path in sorted(DECKS.glob("*.toml")):
        deck = parse_deck(path, path.read_bytes())
        ids |= {f"{deck.header.id}:{card.id}" for card in deck.cards}
    return ids


def test_every_shipped_deck_passes_strict_validation(tmp_path: Path) -> None:
    # validate also generates, solves, renders and re-parses every compute card
    # for 50 seeds at each level it can reach.
    result = run_cli(
        tmp_path / "home",
        "validate",
        "--strict",
        *map(str, sorted(DECKS.glob("*.toml"))),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout


def test_committed_ids_still_exist() -> None:
    listed = {
        line.strip()
        for line in ID_LIST.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    current = all_ids()
    gone = sorted(listed - current)
    assert not gone, (
        f"shipped card ids disappeared (progress keyed on them would be orphaned): {gone}"
    )
    new = sorted(current - listed)
    assert not new, f"new shipped cards: add their ids to {ID_LIST.name}: {new}"


def test_interview_deck_size_levels_and_topics() -> None:
    deck = parsed("deep-learning-interview.toml")
    assert deck.header.id == "deep-learning-interview"
    assert len(deck.cards) >= 200
    for card in deck.cards:
        levels = LEVELS & set(card.tags)
        assert len(levels) == 1, f"{card.id}: one level tag, got {card.tags}"
    counts = Counter(tag for card in deck.cards for tag in card.tags)
    thin = {topic: counts[topic] for topic in TOPICS if counts[topic] < 5}
    assert not thin, f"topics with fewer than 5 cards: {thin}"
    assert sum(1 for c in deck.cards if c.type == "choice") >= 4


@pytest.mark.parametrize("name", ["deep-learning-interview.toml", "llm-interview.toml"])
def test_text_decks_have_no_latex(name: str) -> None:
    # Terminals do not render LaTeX: math on cards is written in Unicode.
    deck = parsed(name)
    offenders = [
        c.id
        for c in deck.cards
        if LATEX.search(c.front + getattr(c, "back", "") + " ".join(getattr(c, "choices", [])))
    ]
    assert not offenders


def _is_filler(line: str) -> bool:
    text = line.strip()
    if text in ("Beginner", "Advanced"):
        return True
    if "interview question" in text.lower():
        return True
    # figure captions that survived the scrape: a few words, no sentence punctuation
    return len(text.split()) <= 5 and not text.endswith((".", ":", "?"))


def test_seed_coverage_table_is_complete_and_ids_exist() -> None:
    rows = list(csv.DictReader(COVERAGE.open(encoding="utf-8")))
    deck_ids = {card.id for card in parsed("deep-learning-interview.toml").cards}
    missing = [r["card_id"] for r in rows if r["card_id"] not in deck_ids]
    assert not missing
    assert all(r["description"].strip() for r in rows)
    lines = SEED.read_text("utf-8").split("\n")
    covered = {n for r in rows for n in range(int(r["first_line"]), int(r["last_line"]) + 1)}
    start, end = lines.index("Beginner") + 1, lines.index("Description")
    uncovered = [
        (n, lines[n - 1][:60])
        for n in range(start + 1, end + 1)
        if lines[n - 1].strip() and not _is_filler(lines[n - 1]) and n not in covered
    ]
    assert not uncovered
    assert len(rows) >= 40


def test_starter_cards_come_first() -> None:
    cards = parsed("deep-learning-interview.toml").cards
    rows = list(csv.DictReader(COVERAGE.open(encoding="utf-8")))
    assert [c.id for c in cards[:12]] == [r["card_id"] for r in rows[:12]]


def test_compute_drills_cover_every_problem() -> None:
    from dlcards.problems import PROBLEM_NAMES

    deck = parsed("compute-drills.toml")
    assert deck.header.id == "compute-drills"
    problems = Counter(c.problem for c in deck.cards if isinstance(c, ComputeCard))
    assert set(problems) == set(PROBLEM_NAMES)


def test_llm_deck_header_ids_and_tags() -> None:
    deck = parsed("llm-interview.toml")
    assert (deck.header.id, deck.header.name) == ("llm-interview", "LLM Interview")
    assert deck.header.description.strip()
    for card in deck.cards:
        assert KEBAB_ID.fullmatch(card.id), f"{card.id}: ids are kebab-case"
        levels = LEVELS & set(card.tags)
        assert len(levels) == 1, f"{card.id}: one level tag, got {card.tags}"
        topics = set(card.tags) - LEVELS
        assert topics & set(LLM_TOPICS), f"{card.id}: needs a topic tag of the deck's list"
        unknown = topics - set(LLM_TOPICS) - CLASSIC_TOPICS
        assert not unknown, f"{card.id}: topic tags not in the deck's list: {sorted(unknown)}"
    fronts = Counter(card.front.strip() for card in deck.cards)
    assert not [front for front, n in fronts.items() if n > 1], "the same question twice"


SHIPPED_DECKS = ["deep-learning-interview.toml", "llm-interview.toml", "compute-drills.toml"]
ARXIV = re.compile(r"arXiv:([0-9.\-]*)")


def source_entries(card) -> list[str]:
    return [card.source] if isinstance(card.source, str) else list(card.source or [])


@pytest.mark.parametrize("name", SHIPPED_DECKS)
def test_every_card_of_a_shipped_deck_names_its_source(name: str) -> None:
    # The project standard: every card names its source (DESIGN §3), the compute
    # drills included; the reader sees it under the answer.
    missing = [card.id for card in parsed(name).cards if not source_entries(card)]
    assert not missing, f"{name}: cards without a source: {missing}"
    empty = [c.id for c in parsed(name).cards if not all(s.strip() for s in source_entries(c))]
    assert not empty, f"{name}: empty source entries: {empty}"


@pytest.mark.parametrize("name", SHIPPED_DECKS)
def test_no_shipped_citation_holds_the_anki_source_separator(name: str) -> None:
    # Exports join several citations with "; " on one "Sources:" line (DESIGN §3);
    # a citation holding "; " would come back from Anki as two.
    joined = [c.id for c in parsed(name).cards if any("; " in s for s in source_entries(c))]
    assert not joined, f"{name}: {joined}"


def test_compute_drill_arxiv_ids_are_well_formed() -> None:
    # A reviewer looks each one up: a mistyped id (1412.698, 1603-07285) points nowhere.
    for card in parsed("compute-drills.toml").cards:
        for entry in source_entries(card):
            for found in ARXIV.findall(entry):
                assert re.fullmatch(r"\d{4}\.\d{4,5}", found), f"{card.id}: arXiv:{found}"


def test_llm_deck_choice_cards_are_well_formed() -> None:
    cards = parsed("llm-interview.toml").cards
    choice_cards = [c for c in cards if isinstance(c, ChoiceCard)]
    # The plan asks for about one card in four; allow down to one in six.
    assert len(choice_cards) * 6 >= len(cards)
    for card in choice_cards:
        assert 3 <= len(card.choices) <= 6, f"{card.id}: use 3-6 options"
        assert all(choice.strip() for choice in card.choices), card.id
        assert len(set(card.choices)) == len(card.choices), f"{card.id}: repeated option"
        assert card.correct, f"{card.id}: no correct option"
        assert len(set(card.correct)) == len(card.correct), f"{card.id}: repeated index"
        assert all(0 <= i < len(card.choices) for i in card.correct), card.id
        assert len(card.correct) < len(card.choices), f"{card.id}: every option correct"
        assert card.back.strip(), f"{card.id}: the back explains the wrong options"


def test_llm_deck_size_and_topic_balance() -> None:
    # Needs all three writers' cards (A, B and C): at least 150 cards, and every
    # topic with at least 6 cards spread over all three levels.
    cards = parsed("llm-interview.toml").cards
    assert len(cards) >= 150, f"only {len(cards)} cards"
    levels_by_topic: dict[str, Counter[str]] = {topic: Counter() for topic in LLM_TOPICS}
    for card in cards:
        (level,) = LEVELS & set(card.tags)
        for tag in set(card.tags) & set(LLM_TOPICS):
            levels_by_topic[tag][level] += 1
    thin = {t: sum(c.values()) for t, c in levels_by_topic.items() if sum(c.values()) < 6}
    assert not thin, f"topics with fewer than 6 cards: {thin}"
    lopsided = {t: dict(c) for t, c in levels_by_topic.items() if set(c) != LEVELS}
    assert not lopsided, f"topics missing a level: {lopsided}"
