"""`dlcards goal` (issue 17, part 3): an interview date paces the days, the log untouched."""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from textual.widgets import Static

from dlcards.store import Store
from tests.conftest import run_cli, write_deck

from .test_tui_fixtures import make_world
from .test_tui_home import shown

MORNING = "T10:00:00+00:00"


def _cli(home: Path, deck: Path, *args: str, day: str = "2026-03-02", input: str = ""):  # noqa: ANN202
    return run_cli(
        home, "--user", "ann", "--deck-path", str(deck), *args, now=day + MORNING, input=input
    )


def _rows(home: Path) -> list[tuple[str, str, str, int | None, str | None]]:
    store = Store.open(home / "progress.sqlite3")
    try:
        return [(r.card_id, r.study_day, r.kind, r.interval, r.due) for r in store.rows("ann")]
    finally:
        store.close()


def test_goal_raises_new_cards_so_all_are_shown_three_days_before(
    home: Path, tmp_path: Path
) -> None:
    deck = write_deck(tmp_path / "decks", "g", 10)
    home.mkdir()
    (home / "config.toml").write_text("new_per_day = 1\n", "utf-8")
    result = _cli(home, deck, "goal", "--date", "2026-03-12", "--deck", "g")
    assert result.returncode == 0, result.stderr
    config = tomllib.loads((home / "config.toml").read_text("utf-8"))
    assert config["profiles"]["ann"] == {"goal_date": "2026-03-12", "goal_decks": ["g"]}
    assert config["new_per_day"] == 1
    plan = json.loads(_cli(home, deck, "goal", "--json").stdout)
    # 10 new cards to show by 2026-03-09: 8 days from 03-02 inclusive, ceil(10 / 8) = 2.
    assert plan == {
        "date": "2026-03-12",
        "decks": ["g"],
        "days_left": 10,
        "new_left": 10,
        "new_per_day": 2,
        "reviews_per_day": 0,
        "on_track": False,
    }
    text = _cli(home, deck, "goal").stdout.strip()
    assert text.startswith("10 days to 2026-03-12: 2 new") and "behind" in text
    # Studying gives 2 new cards today, not new_per_day's 1.
    _cli(home, deck, "study", "--deck", "g", input="\n4\n\n4\n\n4\nq\n")
    assert [r[0] for r in _rows(home)] == ["c1", "c2"]


def test_goal_shows_a_card_before_the_date_and_rewrites_nothing(home: Path, tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "g", 1)
    # SM-2: 5 on 03-02 (I = 1), 5 on 03-03 (I = 6): due 03-09.
    _cli(home, deck, "study", "--deck", "g", input="\n5\nq\n")
    _cli(home, deck, "study", "--deck", "g", input="\n5\nq\n", day="2026-03-03")
    before = _rows(home)
    assert before[-1][3:] == (6, "2026-03-09")
    assert _cli(home, deck, "goal", "--date", "2026-03-08").returncode == 0
    # Due 03-09 is after the date: shown on 03-07, the day before it.
    nothing = _cli(home, deck, "study", "--deck", "g", input="q\n", day="2026-03-06")
    assert "Question 1" not in nothing.stdout
    assert _rows(home) == before  # looking changed nothing
    shown_day = _cli(home, deck, "study", "--deck", "g", input="\n4\nq\n", day="2026-03-07")
    assert "Question 1" in shown_day.stdout
    rows = _rows(home)
    assert rows[:2] == before  # the log only grew
    # The review of 03-07 is scheduled by SM-2 from that day as usual: EF 2.70, ceil(6 × 2.70) = 17.
    assert rows[2] == ("c1", "2026-03-07", "review", 17, "2026-03-24")
    # After the date, nothing of the goal applies; its plan says so.
    after = json.loads(_cli(home, deck, "goal", "--json", day="2026-03-09").stdout)
    assert after["days_left"] == 0
    assert _cli(home, deck, "goal", day="2026-03-09").stdout.startswith("Goal 2026-03-08 reached")


def test_goal_clear_and_bad_input(home: Path, tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "g", 1)
    bad = _cli(home, deck, "goal", "--date", "15/01/2027")
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "dlcards: --date '15/01/2027' is not a date — use YYYY-MM-DD, e.g. 2027-01-15"
    )
    past = _cli(home, deck, "goal", "--date", "2026-03-02")
    assert past.returncode == 1 and "is not after today" in past.stderr
    unknown = _cli(home, deck, "goal", "--date", "2027-01-15", "--deck", "nope")
    assert unknown.returncode == 1 and "no deck with id 'nope'" in unknown.stderr
    assert not (home / "config.toml").exists()
    assert _cli(home, deck, "goal", "--date", "2027-01-15").returncode == 0
    assert _cli(home, deck, "goal", "--clear").returncode == 0
    assert _cli(home, deck, "goal", "--json").stdout.strip() == "null"
    config = tomllib.loads((home / "config.toml").read_text("utf-8"))
    assert config.get("profiles", {}).get("ann", {}) == {}


async def test_home_shows_the_countdown_and_pace(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    world.settings = replace(world.settings, goal_date="2026-03-20", new_per_day=20)
    world.store.record(
        "alice",
        "neural",
        "relu",
        "review",
        4,
        datetime(2026, 3, 1, 9, tzinfo=UTC),
        date(2026, 3, 1),
    )
    app = world.app()
    async with app.run_test(size=(100, 30)):
        text = shown(app.screen.query_one("#home-goal", Static))
        assert text.startswith("18 days to 2026-03-20:") and text.endswith("on track.")
    plain = make_world(tmp_path / "plain", decks="basics").app()
    async with plain.run_test(size=(100, 30)):
        assert not plain.screen.query_one("#home-goal", Static).display
