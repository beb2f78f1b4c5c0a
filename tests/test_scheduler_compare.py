"""`dlcards scheduler compare` (issue 17, part 2): metrics against hand computations."""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import fsrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlcards import workload_forecast
from dlcards.cli.compare_view import chart_lines
from dlcards.fsrs_scheduler import FsrsScheduler
from dlcards.scheduler_compare import auc, calibration, compare, log_loss, rmse_bins
from dlcards.store import Store
from tests.conftest import run_cli
from tests.test_workload_forecast import sm2_exact

DAY0 = date(2026, 3, 2)


def test_log_loss_by_hand() -> None:
    assert math.isclose(
        log_loss([0.9, 0.2, 0.6], [True, False, False]),
        -(math.log(0.9) + math.log(0.8) + math.log(0.4)) / 3,
    )


def test_rmse_over_bins_by_hand() -> None:
    # Bin 0.9: predictions .9 and .95 (mean .925), one recalled of two: .5.
    # Bin 0.3: prediction .3, recalled: 1. Weighted by count: (2·.425² + 1·.7²) / 3.
    bins = calibration([0.9, 0.95, 0.3], [True, False, True])
    assert [(b.low, b.count) for b in bins] == [(0.3, 1), (0.9, 2)]
    assert math.isclose(rmse_bins(bins), math.sqrt((2 * 0.425**2 + 0.7**2) / 3))


@given(
    st.lists(
        st.tuples(st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9]), st.booleans()),
        min_size=1,
        max_size=30,
    )
)
def test_auc_is_the_fraction_of_pairs_ranked_right(pairs: list[tuple[float, bool]]) -> None:
    recalled = [p for p, y in pairs if y]
    forgotten = [p for p, y in pairs if not y]
    got = auc([p for p, _ in pairs], [y for _, y in pairs])
    if not recalled or not forgotten:
        assert got is None
        return
    wins = sum(1.0 if r > f else 0.5 if r == f else 0.0 for r in recalled for f in forgotten)
    assert got is not None and math.isclose(got, wins / (len(recalled) * len(forgotten)))


def _history(home: Path, failed: int, passed: int) -> None:
    """Cards graded 4 on day 0, then on day 1 graded 2 (``failed`` of them) or 4."""
    store = Store.open(home / "progress.sqlite3")
    for n in range(failed + passed):
        for day, grade in ((DAY0, 4), (DAY0 + timedelta(1), 2 if n < failed else 4)):
            moment = datetime.combine(day, time(12), tzinfo=UTC)
            store.record("ann", "d", f"c{n}", "review", grade, moment, day)
    store.close()


def _no_new_cards(home: Path) -> None:
    """new_per_day = 0: the shipped decks' unseen cards start nowhere in the forecast."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("new_per_day = 0\n", "utf-8")


def test_compare_json_against_hand_computed_numbers(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workload_forecast, "PRUNE", 0.0)  # the exact expectation
    _no_new_cards(home)
    _history(home, failed=12, passed=108)
    now = f"{(DAY0 + timedelta(1)).isoformat()}T20:00:00+00:00"
    result = run_cli(home, "--user", "ann", "scheduler", "compare", "--json", now=now)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["reviews"] == 120 and data["active"] == "sm2"
    assert "0.9^(t/I)" in data["sm2_prediction"]
    # SM-2: I = 1 after the first 4, reviewed a day later: R = 0.9 for every test.
    sm2 = data["sm2"]
    assert math.isclose(
        sm2["log_loss"], -(108 * math.log(0.9) + 12 * math.log(0.1)) / 120, rel_tol=1e-5
    )
    assert sm2["rmse_bins"] == 0.0  # predicted 0.9, 90 % recalled
    assert sm2["auc"] == 0.5  # every prediction the same
    # FSRS's prediction, from py-fsrs itself: a card rated Good, one day later.
    engine = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    start = datetime.combine(DAY0, time(0), tzinfo=UTC)
    card, _ = engine.review_card(fsrs.Card(card_id=1), fsrs.Rating.Good, start)
    r = engine.get_card_retrievability(card, start + timedelta(days=1))
    assert math.isclose(
        data["fsrs"]["log_loss"], -(108 * math.log(r) + 12 * math.log(1 - r)) / 120, rel_tol=1e-5
    )
    assert math.isclose(data["fsrs"]["rmse_bins"], abs(r - 0.9), abs_tol=1e-6)
    # SM-2's next 30 days from day 1 had every review passed with a 4 (EF stays 2.50):
    # failed cards on days 2, 3, 9, 24; passed ones on days 7 and 22.
    want = [0] * 30
    for index, count in ((1, 12), (2, 12), (8, 12), (23, 12), (6, 108), (21, 108)):
        want[index] += count
    assert sm2["workload_all_pass"] == want and sm2["workload_all_pass_30d"] == 264
    # Simulated, unpruned: the exact expectation of each card, day 1 as day 0 (both
    # kinds reviewed then; failed ones back a day later, passed ones six days later).
    exact = [
        12 * f + 108 * p
        for f, p in zip(sm2_exact(0, 250, 1, 0, 1), sm2_exact(2, 250, 6, 0, 6), strict=True)
    ]
    expected = sm2["workload_expected"]
    assert expected == pytest.approx(exact, abs=1e-3)  # the JSON rounds to 3 decimals
    assert expected[:3] == [0, 12, 12] and math.isclose(expected[3], 12 * 0.19, abs_tol=1e-3)
    assert sm2["workload_30d"] == sum(sm2["workload"]) == round(sum(expected))
    assert sm2["workload_30d"] > sm2["workload_all_pass_30d"]
    for fit in (sm2, data["fsrs"]):
        assert len(fit["workload"]) == len(fit["workload_expected"]) == 30
    assert data["new_per_day"] == 0 and "probability" in data["workload_model"]


def test_compare_text_says_how_sm2_is_read_and_the_workload_simulated(home: Path) -> None:
    _history(home, failed=20, passed=100)
    result = run_cli(home, "--user", "ann", "scheduler", "compare", now="2026-03-03T20:00:00+00:00")
    assert result.returncode == 0, result.stderr
    assert "R = 0.9^(t/I)" in result.stdout
    assert "SM-2" in result.stdout and "FSRS" in result.stdout and "log loss" in result.stdout
    text = " ".join(result.stdout.split())  # the workload note is wrapped
    assert "each review is recalled with the probability its scheduler predicts" in text
    assert "20 new cards start a day" in text and "Had every review passed: SM-2 " in text


def test_reset_and_suspended_cards_bring_no_workload(home: Path) -> None:
    _no_new_cards(home)
    _history(home, failed=0, passed=110)
    now = f"{(DAY0 + timedelta(1)).isoformat()}T20:00:00+00:00"
    before = json.loads(
        run_cli(home, "--user", "ann", "scheduler", "compare", "--json", now=now).stdout
    )
    store = Store.open(home / "progress.sqlite3")
    moment = datetime.combine(DAY0 + timedelta(1), time(13), tzinfo=UTC)
    store.reset("ann", "d", "c0", moment, DAY0 + timedelta(1))
    store.suspend("ann", "d", "c1", moment, DAY0 + timedelta(1))
    store.close()
    after = json.loads(
        run_cli(home, "--user", "ann", "scheduler", "compare", "--json", now=now).stdout
    )
    assert after["reviews"] == before["reviews"] == 110  # their past still tests the schedulers
    for name in ("sm2", "fsrs"):
        # Each of the 110 cards alike: two fewer cards, 2/110 less work.
        assert math.isclose(
            sum(after[name]["workload_expected"]),
            sum(before[name]["workload_expected"]) * 108 / 110,
            rel_tol=1e-4,  # the JSON rounds each day to 3 decimals
        )
    assert after["sm2"]["workload_all_pass_30d"] == 2 * 108  # days 7 and 22


def test_charts_show_calibration_and_both_workloads(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "p.sqlite3")
    for n in range(110):
        for day, grade in ((DAY0, 4), (DAY0 + timedelta(1 + n % 3), 2 if n % 5 == 0 else 4)):
            moment = datetime.combine(day, time(12), tzinfo=UTC)
            store.record("ann", "d", f"c{n}", "review", grade, moment, day)
    lines = chart_lines(compare(store.rows("ann"), FsrsScheduler(), DAY0 + timedelta(5)))
    store.close()
    assert any(line.startswith("Calibration") for line in lines)
    curves = [line for line in lines if line.startswith(("  SM-2  ", "  FSRS  "))]
    assert len(curves) == 2 and all(len(c) == len("  SM-2  ") + 30 for c in curves)


def test_compare_with_too_few_reviews_says_how_many_more(home: Path) -> None:
    _history(home, failed=1, passed=9)
    result = run_cli(home, "--user", "ann", "scheduler", "compare", now="2026-03-03T20:00:00+00:00")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "ann has 10 reviews to compare the schedulers on; 90 more are needed."
    )
    data = json.loads(run_cli(home, "--user", "ann", "scheduler", "compare", "--json").stdout)
    assert data == {"profile": "ann", "reviews": 10, "more_needed": 90}
