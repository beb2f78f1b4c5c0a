"""FSRS as a per-profile scheduler (issue 17, part 1), checked against py-fsrs itself."""

from __future__ import annotations

import json
import sys
import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from subprocess import CompletedProcess

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.fsrs_scheduler import FsrsScheduler
from dlcards.log import replay
from dlcards.store import Store
from tests.conftest import run_cli, write_deck
from tests.fsrs_synthetic import RATING  # grades 0–2 fail, 3 Hard, 4 Good, 5 Easy: not dlcards'

START = date(2026, 3, 2)


def py_fsrs_intervals(reviews: list[tuple[date, int]], retention: float = 0.9) -> list[int]:
    """The intervals py-fsrs gives, one Card carried through its own review_card."""
    engine = fsrs.Scheduler(
        desired_retention=retention,
        learning_steps=(),
        relearning_steps=(),
        maximum_interval=36_500,
        enable_fuzzing=False,
    )
    card = fsrs.Card(card_id=1)
    intervals = []
    for day, grade in reviews:
        moment = datetime.combine(day, time(0), tzinfo=UTC)
        card, _ = engine.review_card(card, RATING[grade], moment)
        intervals.append((card.due - moment).days)
    return intervals


def record_reviews(store: Store, reviews: list[tuple[date, int]], card: str = "c1") -> list[int]:
    intervals: list[int] = []
    for i, (day, grade) in enumerate(reviews):
        now = datetime.combine(day, time(12), tzinfo=UTC) + timedelta(seconds=i)
        row = store.record("me", "d", card, "review", grade, now, day)
        assert row.interval is not None
        intervals.append(row.interval)
    return intervals


def fsrs_store(path: Path, retention: float = 0.9) -> Store:
    store = Store.open(path)
    scheduler = FsrsScheduler(retention)
    store.use_schedulers(lambda profile: scheduler)
    return store


@settings(max_examples=40, deadline=None)
@given(
    steps=st.lists(st.tuples(st.integers(0, 5), st.integers(-3, 20)), min_size=1, max_size=10),
    retention=st.sampled_from([0.8, 0.9, 0.95]),
)
def test_intervals_equal_py_fsrs_on_the_same_grades(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[int, int]], retention: float
) -> None:
    # Each review is taken some days before or after its due date (never before the
    # day after the previous one), and recorded through the real store.
    store = fsrs_store(tmp_path_factory.mktemp("db") / "p.sqlite3", retention)
    day, reviews, interval = START, [], 0
    for grade, offset in steps:
        if reviews:
            day = day + timedelta(days=max(1, interval + offset))
        reviews.append((day, grade))
        interval = record_reviews(store, [(day, grade)])[0]
    ours = [r.interval for r in store.rows("me")]
    assert ours == py_fsrs_intervals(reviews, retention)
    # The cache is a replay of the log with FSRS, and the due date counts from the day.
    state = store.state("me", "d", "c1")
    assert state is not None and state.sm2.due == day + timedelta(days=ours[-1])
    store.close()


def test_drills_never_change_the_fsrs_schedule(tmp_path: Path) -> None:
    store = fsrs_store(tmp_path / "p.sqlite3")
    record_reviews(store, [(START, 4)])
    before = store.state("me", "d", "c1")
    noon = datetime.combine(START, time(13), tzinfo=UTC)
    store.record("me", "d", "c1", "drill", 1, noon, START)
    assert store.state("me", "d", "c1") == before
    later = START + timedelta(days=3)
    record_reviews(store, [(later, 3)])
    assert [r.interval for r in store.rows("me") if r.kind == "review"] == py_fsrs_intervals(
        [(START, 4), (later, 3)]
    )


def test_fsrs_preview_matches_what_each_grade_gives() -> None:
    scheduler = FsrsScheduler()
    preview = scheduler.preview(None, START)
    assert preview == {g: py_fsrs_intervals([(START, g)])[0] for g in range(6)}
    assert preview[0] == preview[1] == preview[2] <= preview[3] <= preview[4] <= preview[5]


# --- the CLI: switching, stats, optimize ----------------------------------------------


def _study(home: Path, deck: Path, day: str, grades: str) -> CompletedProcess[str]:
    result = run_cli(
        home,
        "--user",
        "ann",
        "--deck-path",
        str(deck),
        "study",
        "--deck",
        "s",
        input=grades,
        now=f"{day}T10:00:00+00:00",
    )
    assert result.returncode == 0, result.stderr
    return result


def _states(home: Path) -> dict[tuple[str, str], tuple[int, int, int, str]]:
    store = Store.open(home / "progress.sqlite3")
    try:
        return {
            k: (s.repetitions, s.easiness, s.interval, s.due)
            for k, s in store.state_table("ann").items()
        }
    finally:
        store.close()


def test_switching_to_fsrs_and_back_gives_the_same_sm2_states(home: Path, tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "s", 3)
    _study(home, deck, "2026-03-02", "\n5\n\n3\n\n4\nq\n")
    _study(home, deck, "2026-03-03", "\n5\n\n4\n\n2\n\n5\nq\n")
    sm2 = _states(home)
    assert len(sm2) == 3

    result = run_cli(home, "--user", "ann", "scheduler", "use", "fsrs")
    assert result.returncode == 0, result.stderr
    assert "FSRS" in result.stdout and "3 cards" in result.stdout
    config = tomllib.loads((home / "config.toml").read_text("utf-8"))
    assert config == {"profiles": {"ann": {"scheduler": "fsrs"}}}
    under_fsrs = _states(home)
    assert under_fsrs != sm2
    # c1: graded 5 on the 2nd and 5 on the 3rd, as py-fsrs schedules it.
    expected = py_fsrs_intervals([(date(2026, 3, 2), 5), (date(2026, 3, 3), 5)])
    assert under_fsrs[("s", "c1")][2] == expected[-1]
    assert under_fsrs[("s", "c1")][3] == (date(2026, 3, 3) + timedelta(expected[-1])).isoformat()
    stats = json.loads(run_cli(home, "--user", "ann", "stats", "--json").stdout)
    assert stats["scheduler"] == "fsrs"
    assert "FSRS" in run_cli(home, "--user", "ann", "scheduler").stdout

    assert run_cli(home, "--user", "ann", "scheduler", "use", "sm2").returncode == 0
    assert _states(home) == sm2
    store = Store.open(home / "progress.sqlite3")
    replayed = replay(store.rows("ann"))
    store.close()
    assert {
        k: (s.sm2.interval, s.sm2.due.isoformat()) for k, s in replayed.items() if s.sm2.due
    } == {k: (v[2], v[3]) for k, v in sm2.items()}
    stats = json.loads(run_cli(home, "--user", "ann", "stats", "--json").stdout)
    assert stats["scheduler"] == "sm2"


def test_grading_under_fsrs_shows_and_records_fsrs_intervals(home: Path, tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "s", 1)
    assert run_cli(home, "--user", "ann", "scheduler", "use", "fsrs").returncode == 0
    _study(home, deck, "2026-03-02", "\n4\nq\n")
    first = py_fsrs_intervals([(date(2026, 3, 2), g) for g in range(6)][4:5])[0]
    assert _states(home)[("s", "c1")][2] == first
    later = date(2026, 3, 2) + timedelta(first)
    result = _study(home, deck, later.isoformat(), "\n3\nq\n")
    want = {g: py_fsrs_intervals([(date(2026, 3, 2), 4), (later, g)])[-1] for g in range(6)}
    shown = next(line for line in result.stdout.splitlines() if "Next review after" in line)
    for grade, days in want.items():
        assert f"{grade} → {days} day" in shown
    assert _states(home)[("s", "c1")][2] == want[3]


def test_scheduler_use_refuses_an_unknown_name(home: Path) -> None:
    result = run_cli(home, "scheduler", "use", "anki")
    assert result.returncode == 1
    assert result.stderr.strip() == "dlcards: no scheduler 'anki' — use sm2 or fsrs"
    assert not (home / "config.toml").exists()


def test_profile_table_overrides_the_top_level(home: Path) -> None:
    home.mkdir()
    (home / "config.toml").write_text(
        'new_per_day = 7\n\n[profiles.ann]\nnew_per_day = 3\nscheduler = "fsrs"\n', "utf-8"
    )
    from dlcards.config import Home, load_settings

    settings = load_settings(Home(home))
    assert settings.for_profile("ann").new_per_day == 3
    assert settings.for_profile("ann").scheduler == "fsrs"
    assert settings.for_profile("bob").new_per_day == 7
    assert settings.for_profile("bob").scheduler == "sm2"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[profiles.ann]\nscheduler = "sm3"\n', "profiles.ann.scheduler: must be one of"),
        ("[profiles.ann]\nuser = 'x'\n", "profiles.ann.user: not a per-profile setting"),
        ("[profiles.ann]\ndesired_retention = 1.5\n", "desired_retention: must be from 0.70"),
    ],
)
def test_bad_profile_table_is_one_line(home: Path, table: str, message: str) -> None:
    home.mkdir()
    (home / "config.toml").write_text(table, "utf-8")
    result = run_cli(home, "--user", "ann", "stats")
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_optimize_with_too_few_reviews_says_how_many_more(home: Path, tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "s", 1)
    _study(home, deck, "2026-03-02", "\n4\nq\n")
    _study(home, deck, "2026-03-03", "\n4\nq\n")
    result = run_cli(home, "--user", "ann", "scheduler", "optimize")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "1 reviews FSRS can learn from, 511 more are needed" in lines[0]


def test_optimize_without_the_extra_says_how_to_install_it(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store.open(home / "progress.sqlite3")
    for card in range(60):  # 60 cards × 10 reviews on different days: 540 counted
        for n in range(10):
            day = START + timedelta(days=3 * n)
            moment = datetime.combine(day, time(12), tzinfo=UTC)
            store.record("ann", "d", f"c{card}", "review", 4, moment, day)
    store.close()
    monkeypatch.setitem(sys.modules, "torch", None)  # the extra not installed
    result = run_cli(home, "--user", "ann", "scheduler", "optimize")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "dlcards: the FSRS optimizer is not installed — "
        "install it with: pip install 'dlcards[optimizer]'"
    )


def test_settings_made_for_one_profile_give_another_its_own() -> None:
    from dlcards.config import Settings

    settings = Settings.from_mapping(
        {"new_per_day": 7, "profiles": {"ann": {"new_per_day": 3, "scheduler": "fsrs"}}}
    )
    ann = settings.for_profile("ann")
    assert (ann.new_per_day, ann.scheduler) == (3, "fsrs")
    bob = ann.for_profile("bob")  # switching profile in the TUI
    assert (bob.new_per_day, bob.scheduler) == (7, "sm2")
    assert bob.for_profile("ann") == ann


def test_fsrs_parameters_out_of_bounds_are_one_line(home: Path) -> None:
    home.mkdir()
    params = ", ".join(["100.0"] * 21)
    (home / "config.toml").write_text(
        f'[profiles.ann]\nscheduler = "fsrs"\nfsrs_parameters = [{params}]\n', "utf-8"
    )
    result = run_cli(home, "--user", "ann", "stats")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "fsrs_parameters of ann" in lines[0], lines
