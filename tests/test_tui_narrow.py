"""Issue 13 at 60×16: Home's footer fits, the Stats heatmap does not wrap (known issues 9, 10)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from dlcards.tui.widgets.key_footer import KeyFooter
from dlcards.views import stats_view

from .test_tui_fixtures import make_world
from .test_tui_snapshots import history


@pytest.mark.parametrize("size", [(60, 16), (80, 24), (120, 40)])
async def test_home_footer_fits_and_keeps_help_and_quit(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_world(tmp_path).app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one(KeyFooter)
        keys = list(footer.query(FooterKey))
        shown = {key.description for key in keys}
        assert {"Help", "Quit", "Study"} <= shown
        for key in keys:  # every key whole on screen, none past the right edge
            assert key.region.width > 0 and key.region.right <= size[0], key.description
        if size[0] >= 120:  # room for all of them, the command palette too
            assert {"Practice", "Cards", "Stats", "Profile", "palette"} <= shown


async def test_home_footer_gets_its_keys_back_when_the_terminal_widens(tmp_path: Path) -> None:
    app = make_world(tmp_path).app()
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.pause()
        assert "Profile" not in {k.description for k in app.screen.query(FooterKey)}
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        assert "Profile" in {k.description for k in app.screen.query(FooterKey)}


def test_heatmap_weeks_fit_the_width() -> None:
    today = date(2026, 3, 2)
    per_day = {today - timedelta(days=n): 1 + n % 3 for n in range(0, 200, 2)}
    for width in (40, 51, 60, 73):
        weeks = stats_view.heatmap_weeks(width)
        rows = stats_view.heatmap(per_day, today, weeks).plain.splitlines()
        calendar = rows[1:8]  # the month line, then Mon … Sun
        assert all(len(row) <= width for row in calendar), (width, weeks)
        assert len(calendar[0].split()) == 1 + weeks  # "Mon" and a cell per week
    assert stats_view.heatmap_weeks(200) == stats_view.HEATMAP_WEEKS


def test_a_shorter_heatmap_counts_only_the_weeks_it_shows() -> None:
    today = date(2026, 3, 2)  # a Monday: 4 weeks shown start on 2026-02-09
    per_day = {date(2026, 2, 9): 2, date(2026, 3, 2): 3, date(2026, 1, 5): 7}
    redrills = {date(2026, 2, 10): 1, date(2026, 1, 6): 4}
    caption = stats_view.heatmap(per_day, today, 4, redrills).plain.splitlines()[-1]
    assert "5 reviews on 2 days, best 3 (and 1 re-drill)" in caption


async def test_stats_heatmap_does_not_wrap_at_60_columns(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    history(world)
    app = world.app()
    async with app.run_test(size=(60, 16)) as pilot:
        await pilot.press("s")
        await pilot.pause()
        await pilot.pause()
        panel = app.screen.query_one("#stats-heatmap", Static)
        lines = str(panel.render()).splitlines()  # months, 7 days, legend, totals
        assert max(len(line) for line in lines) <= panel.content_size.width
        assert len(lines) == 1 + 7 + 2
        assert panel.region.height == len(lines) + 2  # no line wrapped onto two
        assert panel.border_title is not None and "26 weeks" not in str(panel.border_title)
