"""One definition of "reviews" in every view: graded, not undone; re-drills apart (issue 13 #3)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from dlcards.collection import load_collection
from dlcards.store import Store
from dlcards.views import stats_view

from .conftest import run_cli, write_deck

T0 = datetime.fromisoformat("2026-03-02T09:00:00+00:00")
DAY = date(2026, 3, 2)


def _history(home: Path) -> Store:
    """4 reviews graded, 1 of them undone; 2 re-drills, 1 of them undone; 1 practice row.

    By hand: 3 reviews and 1 re-drill count.
    """
    store = Store.open(home / "progress.sqlite3")
    ts = iter(T0 + timedelta(minutes=i) for i in range(100))
    rows = [store.record("ann", "aa", f"c{i}", "review", 4, next(ts), DAY) for i in (1, 2, 3)]
    failed = store.record("ann", "aa", "c4", "review", 1, next(ts), DAY)
    store.undo("ann", rows[0].id, next(ts), DAY)
    drill = store.record("ann", "aa", "c4", "drill", 2, next(ts), DAY)
    store.record("ann", "aa", "c4", "drill", 4, next(ts), DAY)
    store.undo("ann", drill.id, next(ts), DAY)
    store.record("ann", "aa", "c2", "practice", 5, next(ts), DAY)
    assert failed.grade == 1
    return store


def test_every_view_counts_the_same_reviews(home: Path) -> None:
    decks = home / "decks"
    write_deck(decks, "aa", 4)
    store = _history(home)
    now = "2026-03-02T12:00:00+00:00"

    data = json.loads(run_cli(home, "--user", "ann", "stats", "--json", now=now).stdout)
    assert (data["reviews_total"], data["reviews_today"]) == (3, 3)
    assert (data["redrills_total"], data["redrills_today"]) == (1, 1)

    users = run_cli(home, "--user", "ann", "users", now=now).stdout
    assert "* ann  (3 reviews, last studied 2026-03-02)" in users

    # The Profiles dialog lists store.profiles() as the users command does.
    assert store.profiles() == [("ann", 3, "2026-03-02")]

    plain = run_cli(home, "--user", "ann", "stats", now=now).stdout
    assert "3 reviews today, 3 in all (and 1 re-drill)" in plain

    collection = load_collection(decks, [])
    heat = stats_view.gather(store, collection, "ann", DAY)
    assert sum(heat.per_day.values()) == 3 and heat.redrills == 1
    caption = stats_view.heatmap(heat.per_day, DAY, redrills=heat.redrills).plain
    assert "3 reviews on 1 day, best 3 (and 1 re-drill)" in caption
