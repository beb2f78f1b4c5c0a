"""The shipped decks: valid under --strict, ids stable, the seed covered, topics balanced."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from dlcards.deck import ComputeCard, parse_deck

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


def test_interview_deck_has_no_latex() -> None:
    deck = parsed("deep-learning-interview.toml")
    latex = re.compile(
        r"\\(frac|sigma|sum|sqrt|cdot|alpha|beta|theta|mathbf|left|right)\b|\$[^$\n]+\$"
    )
    offenders = [c.id for c in deck.cards if latex.search(c.front + getattr(c, "back", ""))]
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
