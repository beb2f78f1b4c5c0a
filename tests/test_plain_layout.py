"""Plain mode as the new-user pass read it (docs/known-issues.md 16, 17, 27, 36, 38)."""

from __future__ import annotations

import re
from pathlib import Path

from dlcards.collection import Collection
from dlcards.plain_text import WIDTH
from dlcards.study.empty import no_cards_reason

from .conftest import run_cli, write_deck

NOW = "2026-03-01T10:00:00+00:00"
LONG_SOURCE = (
    "Vaswani, Shazeer, Parmar, Uszkoreit, Jones, Gomez, Kaiser and Polosukhin, 2017, "
    "Attention Is All You Need, NeurIPS, section 3.2.1 on scaled dot-product attention "
    "(https://arxiv.org/abs/1706.03762)"
)
# What plain mode writes before reading a line: the answer typed after it is not echoed,
# so the next output continues that line.
_PROMPTS = re.compile(
    r"^(?:Your answer \(empty = don't know\): |\[Enter\] show answer \(.*?\): "
    r"|Grade 0-5(?: \[\d\])?: |Your choice \(.*?\): )+"
)


def shown_lines(stdout: str) -> list[str]:
    return [_PROMPTS.sub("", line) for line in stdout.splitlines()]


def test_compute_text_and_sources_are_wrapped_as_the_back_is(home: Path, tmp_path: Path) -> None:
    """Issue 16: the back was wrapped, the compute prompt and Source lines ran on for 200+."""
    deck = write_deck(
        tmp_path / "decks",
        "w",
        [
            f"""
            [[cards]]
            id = "attn"
            type = "compute"
            problem = "attention"
            level = 1
            back = "Each output row is a weighted average of the value rows."
            source = "{LONG_SOURCE}"
            """,
            f"""
            [[cards]]
            id = "two"
            front = "Which papers?"
            back = "These."
            source = ["{LONG_SOURCE}", "Bahdanau, Cho and Bengio, 2014 (arXiv:1409.0473)"]
            """,
        ],
    )
    result = run_cli(
        home, "--deck-path", str(deck), "study", "--deck", "w", now=NOW, input="\n\n\n4\nq\n"
    )
    assert result.returncode == 0, result.stderr
    lines = shown_lines(result.stdout)
    # The header rule and the intervals line stay one line each, whatever their length.
    kept_whole = ("──", "Next review after grade ")
    too_long = [line for line in lines if len(line) > WIDTH and not line.startswith(kept_whole)]
    assert too_long == []
    prompt = next(i for i, line in enumerate(lines) if line.startswith("Scaled dot-product"))
    assert lines[prompt + 1] and not lines[prompt + 1].startswith(" ")  # the prose goes on
    # Each source wrapped under its own text, words whole (the URL is never cut).
    source = next(i for i, line in enumerate(lines) if line.startswith("Source: "))
    indent = " " * len("Source: ")
    assert lines[source + 1].startswith(indent) and lines[source + 1][len(indent)] != " "
    joined = " ".join(line.strip() for line in lines[source : source + 3])
    assert "Source: " + LONG_SOURCE in joined
    sources = next(i for i, line in enumerate(lines) if line.startswith("Sources: "))
    assert lines[sources + 1].startswith(" " * len("Sources: "))
    assert "https://arxiv.org/abs/1706.03762" in result.stdout


def test_a_wrapped_choice_continues_under_its_text(home: Path, tmp_path: Path) -> None:
    """Issue 27: the end of a long choice came out flush left, like a stray word."""
    long_choice = (
        "It treats whitespace as an ordinary symbol (shown as a lower block), so decoding "
        "restores the exact text"
    )
    deck = write_deck(
        tmp_path / "decks",
        "ch",
        [
            f"""
            [[cards]]
            id = "sp"
            type = "choice"
            front = "What does SentencePiece do with spaces?"
            choices = ["It drops them", "{long_choice}", "It splits on them"]
            correct = [1]
            """
        ],
    )
    result = run_cli(
        home, "--deck-path", str(deck), "study", "--deck", "ch", now=NOW, input="2\n\nq\n"
    )
    lines = shown_lines(result.stdout)
    first = next(i for i, line in enumerate(lines) if line.startswith("  2. It treats"))
    assert lines[first + 1].startswith("     ") and lines[first + 1].strip()
    assert lines[first + 2] == "  3. It splits on them"
    text = " ".join(line.strip() for line in lines[first : first + 2])
    assert text == "2. " + long_choice
    assert all(len(line) <= WIDTH for line in lines[first : first + 2])


def test_study_and_practice_write_the_session_time_one_way(home: Path, tmp_path: Path) -> None:
    """Issue 17: "0m 00s" after studying, "in 0:01" after practice."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "t", 2).parent))
    studied = run_cli(home, *decks, "study", "--deck", "t", now=NOW, input="\n4\nq\n").stdout
    practised = run_cli(
        home, *decks, "practice", "--deck", "t", "--count", "1", now=NOW, input="\n4\n"
    ).stdout
    clock = re.compile(r"; time \d+:\d\d\. ")
    assert clock.search(studied.split("Session over: ")[1])
    assert clock.search(practised.split("Practice over: ")[1])
    assert not re.search(r"\d+m \d\ds", studied)


def test_no_new_cards_a_day_is_said_plainly(home: Path, tmp_path: Path) -> None:
    """Issue 36: new_per_day = 0 read "Today's 0 new cards are done"."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "t", 3).parent))
    home.mkdir(parents=True)
    (home / "config.toml").write_text("new_per_day = 0\n", "utf-8")
    out = " ".join(run_cli(home, *decks, "study", "--deck", "t", now=NOW).stdout.split())
    assert "New cards are off (new_per_day = 0 in config.toml), with 3 cards not seen yet" in out
    assert "dlcards practice" in out and "0 new cards" not in out
    (home / "config.toml").write_text("new_per_day = 1\n", "utf-8")
    run_cli(home, *decks, "study", "--deck", "t", now=NOW, input="\n4\nq\n")
    out = " ".join(run_cli(home, *decks, "study", "--deck", "t", now=NOW).stdout.split())
    assert "Today's new cards are done (1 a day; 2 cards not seen yet)" in out


def test_a_tag_that_matches_nothing_is_named(home: Path, tmp_path: Path) -> None:
    """Issue 38: "no deck matches … <home>/decks/" when only the tag matched nothing."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "t", 2, tags=["cnn"]).parent))
    result = run_cli(home, *decks, "study", "--tag", "nonexistent", now=NOW)
    out = " ".join(result.stdout.split())
    assert result.returncode == 0
    assert out.startswith("No cards to study: the tag 'nonexistent' matches no card.")
    assert "cnn" in out.split("tags in use: ")[1]  # the tag the user may have meant
    assert "<home>" not in out and "no deck matches" not in out
    one = " ".join(run_cli(home, *decks, "study", "--deck", "t", "--tag", "x").stdout.split())
    assert "the tag 'x' matches no card in deck t." in one


def test_with_no_decks_the_real_folder_is_named(tmp_path: Path) -> None:
    """Issue 38: the folder was printed as a literal "<home>/decks/"."""
    folder = tmp_path / "home" / "decks"
    reason = no_cards_reason(Collection([], []), (), (), folder)
    assert f"Put .toml decks in {folder}/ or pass --deck-path." in reason


def test_practice_names_the_tag_that_matches_nothing(home: Path, tmp_path: Path) -> None:
    """Issue 38, in practice: "no deck matches" when the decks matched and the tag did not."""
    decks = ("--deck-path", str(write_deck(tmp_path / "decks", "t", 2, tags=["cnn"]).parent))
    out = " ".join(run_cli(home, *decks, "practice", "--tag", "nope", now=NOW).stdout.split())
    assert out.startswith("No cards to practise: the tag 'nope' matches no card. Check --tag;")
    only = run_cli(home, *decks, "practice", "--deck", "t", "--compute-only", now=NOW).stdout
    assert " ".join(only.split()).startswith(
        "No cards to practise: no card chosen is a compute card"
    )
