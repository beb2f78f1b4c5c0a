"""Issue 13 at 60×16: Home's footer and deck names fit, the Stats heatmap does not wrap, its
tabs and tiles are whole, the browser's columns give way, one scrollbar thumb (known issues
9, 10, 11, 42)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from dlcards.tui.screens.stats import fit_tab_labels
from dlcards.tui.themes import WholeCellThumb
from dlcards.tui.widgets.card_list import columns
from dlcards.tui.widgets.deck_table import DeckTable
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
        # Every deck name whole: the number columns give way (known issue 9, "Compute Dri…").
        table = app.screen.query_one(DeckTable)
        assert table.columns["deck"].width >= len("Compute Drills")
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= size[0] - 4
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
        # The tiles' labels on one line each: two rows of value and label, in a border
        # ("retention (30 days)" wrapped onto a third line: known issue 10).
        assert app.screen.query_one("#stats-tiles", Static).region.height == 2 * 2 + 2


def test_stats_tabs_shorten_the_longest_names_first() -> None:
    names = ["All decks", "Compute Drills", "Deep Learning Interview", "LLM Interview"]
    assert fit_tab_labels(names, 80) == names  # 9 + 14 + 23 + 13 and 2 each: 67
    labels = fit_tab_labels(names, 58)  # 60 columns, the tabs' margin taken
    assert labels == ["All", "Compute Drills", "Deep Learning Inter…", "LLM Interview"]
    assert sum(len(label) + 2 for label in labels) <= 58
    tight = fit_tab_labels(names, 40)
    assert sum(len(label) + 2 for label in tight) <= 40
    assert all(len(label) >= 5 for label in tight[1:])  # and "All" for "All decks"


def test_browser_columns_give_way_to_the_card_column() -> None:
    for width in (55, 57, 60, 66, 77, 86, 117):
        layout = columns(width)
        titles = [title for title, _, _ in layout]
        card = dict((title, size) for title, size, _ in layout)["Card"]
        assert sum(size for _, size, _ in layout) + len(layout) - 1 == width
        assert card >= 18, (width, layout)
        assert {"Deck", "Card", "State", "Due"} <= set(titles)
    assert [t for t, _, _ in columns(57)] == ["Deck", "Card", "State", "Due"]
    assert "Lapses" in [t for t, _, _ in columns(66)]  # EF and Ivl give way first
    assert [t for t, _, _ in columns(77)][-4:] == ["EF", "Ivl", "Due", "Lapses"]


def test_a_scrollbar_thumb_is_one_solid_bar() -> None:
    # Known issue 42: partial-block ends ("▆", a reversed "▃") around a body of coloured
    # spaces read as two thumbs in one column. Every cell is now a blank, the thumb's
    # cells in one run.
    for position in range(0, 31):
        bar = WholeCellThumb.render_bar(
            size=8, virtual_size=47, window_size=8, position=position, vertical=True
        )
        cells = [segment for segment in bar.segments if segment.text != "\n"]
        assert {segment.text for segment in cells} == {" "}
        thumb = [i for i, segment in enumerate(cells) if segment.style and segment.style.reverse]
        assert thumb and thumb == list(range(thumb[0], thumb[-1] + 1))
