"""`dlcards scheduler optimize` (issue 17): the real py-fsrs optimizer on a real profile.

The fitting tests run only where the optional extra is installed (torch, pandas:
``pip install -e '.[optimizer]'``); CI has no torch and skips them. The refusals
run everywhere.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import fsrs
import pytest
from fsrs.scheduler import DEFAULT_PARAMETERS

from dlcards.config import Home, load_settings
from dlcards.store import Store
from tests.conftest import run_cli
from tests.fsrs_synthetic import TRUE_PARAMETERS, LogRow, day_level, draw_log, log_loss, moment

START = date(2025, 1, 6)
NOW = "2025-09-01T10:00:00+00:00"
States = dict[tuple[str, str], tuple[int, str]]  # (interval, due) per card


def record_log(home: Path, rows: list[LogRow]) -> None:
    """The log through the real store, each card's reviews at noon of their study day."""
    home.mkdir(parents=True, exist_ok=True)  # Store.open makes one missing folder, not two
    store = Store.open(home / "progress.sqlite3")
    for i, (number, day, grade) in enumerate(rows):
        now = datetime.combine(day, time(12), tzinfo=UTC) + timedelta(seconds=i % 3600)
        store.record("ann", "d", f"c{number}", "review", grade, now, day)
    store.close()


def states(home: Path) -> States:
    store = Store.open(home / "progress.sqlite3")
    try:
        return {k: (s.interval, s.due) for k, s in store.state_table("ann").items()}
    finally:
        store.close()


def fitted_parameters(home: Path) -> list[float]:
    config = tomllib.loads((home / "config.toml").read_text("utf-8"))
    parameters: list[float] = config["profiles"]["ann"]["fsrs_parameters"]
    return parameters


def py_fsrs_states(rows: list[LogRow], parameters: list[float] | tuple[float, ...]) -> States:
    """Each card's last interval and due date, replayed through py-fsrs itself."""
    engine = day_level(parameters)
    cards: dict[int, fsrs.Card] = {}
    result: States = {}
    for number, day, grade in rows:
        card = cards.get(number) or fsrs.Card(card_id=number + 1)
        rating = fsrs.Rating.Again if grade < 3 else fsrs.Rating(grade - 1)
        cards[number], _ = engine.review_card(card, rating, moment(day))
        interval = (cards[number].due - moment(day)).days
        result[("d", f"c{number}")] = (interval, (day + timedelta(interval)).isoformat())
    return result


@dataclass
class Fitted:
    home: Path
    rows: list[LogRow]
    sm2: States  # before any switch
    fsrs_default: States  # under FSRS with the default parameters
    fsrs_fitted: States  # right after optimize, FSRS active
    stdout: str


@pytest.fixture(scope="module")
def fitted(tmp_path_factory: pytest.TempPathFactory) -> Fitted:
    pytest.importorskip("torch", reason="the optimizer extra (torch) is not installed")
    pytest.importorskip("pandas", reason="the optimizer extra (pandas) is not installed")
    home = tmp_path_factory.mktemp("optimize") / "home"
    rows = draw_log(cards=110, reviews_per_card=6, start=START)  # 550 counted reviews
    record_log(home, rows)
    sm2 = states(home)
    assert run_cli(home, "--user", "ann", "scheduler", "use", "fsrs").returncode == 0
    fsrs_default = states(home)
    result = run_cli(home, "--user", "ann", "scheduler", "optimize", now=NOW)
    assert result.returncode == 0, result.stderr
    return Fitted(home, rows, sm2, fsrs_default, states(home), result.stdout)


def test_optimize_fits_parameters_that_predict_the_log_better(fitted: Fitted) -> None:
    assert "Fitting FSRS to 550 reviews of ann" in fitted.stdout
    assert "Fitted FSRS to 550 reviews of ann; parameters saved, its schedules replayed" in (
        fitted.stdout
    )
    parameters = fitted_parameters(fitted.home)
    assert len(parameters) == 21 and list(parameters) != list(DEFAULT_PARAMETERS)
    # Judged by py-fsrs's own predictions, not dlcards': lower log loss on the log
    # than the defaults, and Good's first stability moved towards the true one.
    assert log_loss(fitted.rows, parameters) < log_loss(fitted.rows, DEFAULT_PARAMETERS)
    assert abs(parameters[2] - TRUE_PARAMETERS[2]) < abs(DEFAULT_PARAMETERS[2] - TRUE_PARAMETERS[2])


def test_fitted_parameters_schedule_the_profile_from_then_on(fitted: Fitted) -> None:
    parameters = fitted_parameters(fitted.home)
    assert fitted.fsrs_default == py_fsrs_states(fitted.rows, DEFAULT_PARAMETERS)
    assert fitted.fsrs_fitted == py_fsrs_states(fitted.rows, parameters)
    assert fitted.fsrs_fitted != fitted.fsrs_default  # the intervals changed
    shown = run_cli(fitted.home, "--user", "ann", "scheduler").stdout
    assert shown.strip() == "ann: FSRS (desired retention 0.90, fitted parameters)"
    # Per profile: another one keeps the defaults.
    settings = load_settings(Home(fitted.home))
    assert settings.for_profile("ann").fsrs_parameters == parameters
    assert settings.for_profile("bob").fsrs_parameters is None


def test_switching_to_sm2_and_back_keeps_sm2_and_the_fitted_parameters(fitted: Fitted) -> None:
    home = fitted.home
    parameters = fitted_parameters(home)
    assert run_cli(home, "--user", "ann", "scheduler", "use", "sm2").returncode == 0
    assert states(home) == fitted.sm2
    assert fitted_parameters(home) == parameters
    assert run_cli(home, "--user", "ann", "scheduler", "use", "fsrs").returncode == 0
    assert states(home) == fitted.fsrs_fitted


# --- refusals: no extra needed ---------------------------------------------------------


def test_optimize_counts_only_the_first_64_reviews_of_a_card(home: Path) -> None:
    # 8 cards × 80 reviews on different days: 632 later-day reviews, but py-fsrs's
    # optimizer reads the first 64 of each card (63 counted each: 504), below 512,
    # and would silently hand back its defaults as "fitted".
    store = Store.open(home / "progress.sqlite3")
    for card in range(8):
        for n in range(80):
            day = START + timedelta(days=2 * n)
            now = datetime.combine(day, time(12), tzinfo=UTC)
            store.record("ann", "d", f"c{card}", "review", 4, now, day)
    store.close()
    result = run_cli(home, "--user", "ann", "scheduler", "optimize", now=NOW)
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "dlcards: ann has 504 reviews FSRS can learn from, 8 more are needed to fit its "
        "parameters — keep studying; the defaults are used until then"
    )
    assert not (home / "config.toml").exists()
