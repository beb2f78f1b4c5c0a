"""Which scheduler fits you: SM-2 and FSRS replayed side by side on a profile's log (issue 17).

Every review of a card after its first, on a later day than the one before, is a
test: each scheduler predicts the recall probability from what it knew before it,
and the grade says whether the card was recalled (q ≥ 3). SM-2 makes no prediction
of its own; it is read as aiming at 90 % recall at its interval: R = 0.9^(t/I).

The workload is each scheduler's expected reviews a day over the next 30 days, from
the states its replay gives today: each review recalled with the probability that
scheduler's own model predicts, failed cards rescheduled by it, new cards started at
the profile's new_per_day (``workload_forecast``). Cards a reset made new again and
suspended cards are not studied and bring none. The workload had every review
passed is kept beside it.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from dlcards.fsrs_scheduler import FsrsScheduler, Memory
from dlcards.log import Row
from dlcards.review_history import split_histories
from dlcards.scheduler import PASSING_QUALITY, State, new_state, review
from dlcards.workload_forecast import (
    HORIZON,
    LAPSE_GRADE,
    PASS_GRADE,
    Forecast,
    fsrs_forecast,
    sm2_forecast,
    whole_days,
)

MIN_TESTS = 100  # fewer and the numbers are mostly noise
WORKLOAD_DAYS = HORIZON
BINS = 10  # predicted recall cut in tenths for RMSE and the calibration chart
SM2_TARGET = 0.9
SM2_READING = "SM-2 read as aiming at 90% recall at its interval: R = 0.9^(t/I)"
WORKLOAD_MODEL = (
    "expected reviews a day: each review recalled with the probability its scheduler "
    f"predicts (then graded {PASS_GRADE}, else {LAPSE_GRADE}), failed cards rescheduled by it, "
    "new cards at new_per_day; same-day re-drills not counted"
)


@dataclass(frozen=True)
class Bin:
    low: float  # predictions in [low, low + 0.1)
    predicted: float  # their mean
    actual: float  # the fraction recalled
    count: int


@dataclass(frozen=True)
class Fit:
    log_loss: float
    rmse_bins: float
    auc: float | None  # None when every test was recalled, or none was
    calibration: list[Bin]
    workload: list[int]  # expected reviews on each of the next 30 days, today first, rounded
    expected: list[float] = field(default_factory=list)  # the same, unrounded
    all_pass: list[int] = field(default_factory=list)  # had every review passed


@dataclass(frozen=True)
class Comparison:
    tests: int
    sm2: Fit
    fsrs: Fit
    new_per_day: int = 0
    new_cards: int = 0  # never seen, to be started at new_per_day


def log_loss(predictions: Sequence[float], recalled: Sequence[bool]) -> float:
    total = 0.0
    for p, y in zip(predictions, recalled, strict=True):
        p = min(max(p, 1e-6), 1 - 1e-6)
        total -= math.log(p) if y else math.log(1 - p)
    return total / len(predictions)


def calibration(predictions: Sequence[float], recalled: Sequence[bool]) -> list[Bin]:
    """Mean prediction and actual recall per tenth of predicted recall (empty bins left out)."""
    groups: dict[int, list[tuple[float, bool]]] = {}
    for p, y in zip(predictions, recalled, strict=True):
        groups.setdefault(min(int(p * BINS), BINS - 1), []).append((p, y))
    return [
        Bin(
            index / BINS,
            sum(p for p, _ in members) / len(members),
            sum(y for _, y in members) / len(members),
            len(members),
        )
        for index, members in sorted(groups.items())
    ]


def rmse_bins(bins: Sequence[Bin]) -> float:
    """Root mean square of (predicted − actual) over the bins, each weighted by its count."""
    total = sum(b.count for b in bins)
    return math.sqrt(sum(b.count * (b.predicted - b.actual) ** 2 for b in bins) / total)


def auc(predictions: Sequence[float], recalled: Sequence[bool]) -> float | None:
    """The chance a recalled test was predicted higher than a forgotten one (ties: half)."""
    ranked = sorted(zip(predictions, recalled, strict=True))
    positives = sum(recalled)
    negatives = len(recalled) - positives
    if not positives or not negatives:
        return None
    # Mann–Whitney U from average ranks, ties sharing their rank.
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2
        rank_sum += average_rank * sum(1 for _, y in ranked[i:j] if y)
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def _fit(predictions: list[float], recalled: list[bool], forecast: Forecast) -> Fit:
    bins = calibration(predictions, recalled)
    return Fit(
        log_loss(predictions, recalled),
        rmse_bins(bins),
        auc(predictions, recalled),
        bins,
        whole_days(forecast.expected),
        forecast.expected,
        [round(n) for n in forecast.all_pass],
    )


def compare(
    rows: Iterable[Row],
    fsrs: FsrsScheduler,
    today: date,
    new_cards: int = 0,
    new_per_day: int = 0,
    suspended: Collection[tuple[str, str]] = frozenset(),
) -> Comparison:
    """Replay every card's history through both schedulers and score their predictions;
    forecast each one's next 30 days from the current histories (see the docstring)."""
    sm2_p: list[float] = []
    fsrs_p: list[float] = []
    recalled: list[bool] = []
    sm2_now: list[State] = []
    fsrs_now: list[tuple[Memory, date]] = []
    ended, current = split_histories(rows)
    studied = [(key not in suspended, h) for key, h in current.items()]
    for now, history in [(False, h) for h in ended] + studied:
        sm2 = new_state()
        memory: Memory | None = None
        previous: date | None = None
        due = today
        for day, grade in history:
            if previous is not None and memory is not None and day > previous:
                elapsed = (day - previous).days
                sm2_p.append(SM2_TARGET ** (elapsed / max(sm2.interval, 1)))
                fsrs_p.append(fsrs.retrievability(memory, day))
                recalled.append(grade >= PASSING_QUALITY)
            sm2 = review(sm2, grade, day)
            memory, interval = fsrs.review(memory, grade, day)
            due = day + timedelta(interval)
            previous = day
        if now and memory is not None:
            sm2_now.append(sm2)
            fsrs_now.append((memory, due))
    if len(recalled) < MIN_TESTS:
        raise TooFewReviews(len(recalled))
    return Comparison(
        len(recalled),
        _fit(sm2_p, recalled, sm2_forecast(sm2_now, today, new_cards, new_per_day)),
        _fit(fsrs_p, recalled, fsrs_forecast(fsrs, fsrs_now, today, new_cards, new_per_day)),
        new_per_day,
        new_cards,
    )


class TooFewReviews(Exception):
    """Fewer than MIN_TESTS reviews to judge the schedulers on."""

    def __init__(self, tests: int) -> None:
        super().__init__(f"{tests} reviews to compare on, {MIN_TESTS - tests} more needed")
        self.tests = tests
        self.more_needed = MIN_TESTS - tests


def as_json(comparison: Comparison, profile: str, active: str) -> dict[str, object]:
    def fit(f: Fit) -> dict[str, object]:
        return {
            "log_loss": round(f.log_loss, 6),
            "rmse_bins": round(f.rmse_bins, 6),
            "auc": None if f.auc is None else round(f.auc, 6),
            "workload_30d": sum(f.workload),
            "workload": f.workload,
            "workload_expected": [round(n, 3) for n in f.expected],
            "workload_all_pass_30d": sum(f.all_pass),
            "workload_all_pass": f.all_pass,
            "calibration": [
                {
                    "from": b.low,
                    "predicted": round(b.predicted, 6),
                    "actual": b.actual,
                    "count": b.count,
                }
                for b in f.calibration
            ],
        }

    return {
        "profile": profile,
        "active": active,
        "reviews": comparison.tests,
        "sm2_prediction": SM2_READING,
        "workload_model": WORKLOAD_MODEL,
        "new_per_day": comparison.new_per_day,
        "new_cards": comparison.new_cards,
        "sm2": fit(comparison.sm2),
        "fsrs": fit(comparison.fsrs),
    }
