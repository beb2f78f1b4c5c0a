"""The stats renderables shared by `dlcards stats` and the Stats screen, and the CLI around them."""

from __future__ import annotations

import io
import os
import pty
import select
import sys
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console

from dlcards.views import heatmap as heatmap_module
from dlcards.views import stats_view as view

from .conftest import cli_env, python_output, run_cli, write_deck
from .test_tui_fixtures import NOW, make_world

TODAY = date(2026, 3, 2)  # a Monday


def plain(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


def test_views_load_rich_but_not_textual() -> None:
    code = (
        "import sys, dlcards.views.stats_view, dlcards.views.grids; "
        "print('textual' in {m.split('.')[0] for m in sys.modules})"
    )
    assert python_output(code).strip() == "False"


def test_heatmap_has_a_column_per_week_and_stops_today() -> None:
    text = plain(view.heatmap({TODAY: 4, TODAY - timedelta(days=8): 1}, TODAY))
    rows = text.splitlines()
    assert rows[1].startswith("Mon") and rows[1].count("■") == 26  # Monday is today
    assert rows[2].count("■") == 25  # Tuesday of this week is still to come
    assert "5 reviews on 2 days, best 4" in text


def test_heat_levels_grow_with_the_count() -> None:
    levels = [heatmap_module._heat_level(count, 8) for count in (0, 1, 2, 4, 8)]  # noqa: SLF001
    assert levels == sorted(levels) and levels[0] == 0 and levels[-1] == 4


def test_forecast_counts_overdue_today_and_totals() -> None:
    counts = [3, 0, 1] + [0] * 4 + [2] + [0] * 22
    text = plain(view.forecast_chart(counts))
    assert "3 due today (overdue included), 4 this week, 6 in the next 30 days" in text
    assert "today" in text and "+28d" in text


def test_gather_agrees_with_stats_json(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.store.record(
        "alice", "neural", "relu", "review", 5, NOW - timedelta(days=1), TODAY - timedelta(days=1)
    )
    world.store.record("alice", "neural", "relu", "review", 2, NOW, TODAY)
    world.store.record("alice", "drills", "pool", "review", 4, NOW, TODAY)
    collection = world.collection()
    data = view.gather(world.store, collection, "alice", TODAY)
    assert data.summary["reviews_today"] == 2 and data.summary["streak_days"] == 2
    assert data.summary["retention"] == 0.0  # the one non-first review failed
    assert data.states == {"new": 3, "learning": 2, "mature": 0}
    # Lowest EF first: pool (4 → 2.50) before relu (5 → 2.60, then a lapse keeps EF).
    titles = [title for title, _, _ in data.hardest]
    assert titles[0].startswith("pool · compute: ")  # the id tells same-problem cards apart
    assert titles[1] == "What does ReLU compute, and what is its derivative?"
    page = plain(view.render_stats(data), width=100)
    for heading in (
        "Today",
        "Reviews · last 26 weeks",
        "Due · next 30 days",
        "Cards by state",
        "Decks",
        "Hardest 10 cards",
    ):
        assert heading in page
    one = view.gather(world.store, collection, "alice", TODAY, ("drills",))
    assert one.scope == "Compute Drills" and one.decks == []
    assert len(one.hardest) == 1 and one.hardest[0][0].startswith("pool · compute: ")


def test_stats_on_a_terminal_draws_and_in_a_pipe_keeps_one_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_deck(home / "decks", "mine", 3)
    piped = run_cli(home, "stats", now="2026-03-02T10:00:00+00:00")
    assert piped.returncode == 0 and piped.stdout.startswith("Profile ")
    assert piped.stdout.count("\n") == 1
    env = cli_env(home, "2026-03-02T10:00:00+00:00", COLUMNS="100", TERM="xterm-256color")
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(sys.executable, [sys.executable, "-m", "dlcards", "stats"], env)
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    text = out.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Reviews · last 26 weeks" in text and "Hardest 10 cards" in text


def test_a_grid_label_stays_on_one_line() -> None:
    """Issue 13 #10: the live preview's label wrapped as "your / answer / (2×2)"."""
    from dlcards.problems import Grid
    from dlcards.views.grids import grids_row

    grids = [
        Grid("your answer (2×2)", [["1", "2"], ["3", "4"]]),
        Grid("expected (2×2)", [["1", "2"], ["3", "5"]]),
    ]
    for width in (60, 120):
        text = plain(grids_row(grids), width=width)
        assert "your answer (2×2)" in text and "expected (2×2)" in text


def test_hardest_titles_tell_same_problem_compute_cards_apart(tmp_path: Path) -> None:
    deck = [
        f'[[cards]]\nid = "size-{n}"\ntype = "compute"\nproblem = "conv_output_size"'
        for n in (1, 2)
    ]
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "d", deck)
    for n in (1, 2):
        world.store.record("alice", "d", f"size-{n}", "review", 1, NOW, TODAY)
    data = view.gather(world.store, world.collection(), "alice", TODAY)
    table = plain(view.hardest_table(data.hardest, show_deck=False), width=40)
    assert "size-1 · comp" in table and "size-2 · comp" in table
