"""Practice from Home (c), interview mode, the practice summary; profiles created and renamed."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, OptionList, Static
from textual.widgets._footer import FooterKey

from dlcards.log import replay
from dlcards.study.practice import PracticeOptions
from dlcards.tui.screens.confirm import ConfirmScreen
from dlcards.tui.screens.home import HomeScreen
from dlcards.tui.screens.practice_setup import PracticeSetupScreen
from dlcards.tui.screens.practice_summary import PracticeSummaryScreen
from dlcards.tui.screens.profiles import ProfileScreen
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.widgets.compute_card import ComputeCardView
from dlcards.tui.widgets.session_bar import SessionBar
from dlcards.tui.widgets.title_bar import TitleBar

from .test_tui_fixtures import NOW, POOL_ANSWER, SIZE, make_world

TODAY = date(2026, 3, 2)


def shown(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return " ".join(console.export_text().split())


async def test_c_on_home_practises_the_deck_weakest_first_without_scheduling(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path)
    for card, grade in (("relu", 5), ("vanishing", 3), ("activations", 1)):
        world.store.record(
            "alice",
            "neural",
            card,
            "review",
            grade,
            NOW - timedelta(days=9),
            TODAY - timedelta(days=9),
        )
    before = world.store.states("alice")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "c")  # the highlighted deck: Neural Basics
        assert isinstance(app.screen, PracticeSetupScreen)
        await pilot.press("1")
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.practice
        assert screen.query_one(TitleBar).screen_title == "Practice"
        order = [screen.item.ref.card_id]
        await pilot.press("space")
        assert "Practice: the schedule is unchanged" in shown(
            screen.query_one("#grade-note", Static)
        )
        await pilot.press("0")
        order.append(screen.item.ref.card_id)
        await pilot.press("1", "3", "enter", "enter")  # the right options: 4 suggested
        order.append(screen.item.ref.card_id)
        await pilot.press("space", "2")
        # EF 2.36 (graded 3), then 2.50 (graded 1: a lapse, EF kept), then 2.60 (graded 5)
        assert order == ["vanishing", "activations", "relu"]
        assert isinstance(app.screen, PracticeSummaryScreen)
        summary = app.screen.summary
        assert (summary.answered, summary.right) == (3, 1)
        assert "Practice over" in shown(app.screen.query_one("#summary-heading", Static))
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
    rows = world.store.rows("alice")
    assert [r.kind for r in rows].count("practice") == 3
    assert world.store.states("alice") == before
    assert replay(r for r in rows if r.kind != "practice") == before


async def test_endless_compute_drill_until_escape(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "3")  # compute drill, endless
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.session.endless
        seen = []
        for _ in range(3):  # both compute cards, then round again: a third draw
            seen.append(screen.item.ref.card_id)
            if screen.item.ref.card_id == "pool":
                await pilot.press(*POOL_ANSWER)  # right; conv-size is left blank: wrong
            await pilot.press("enter")
            # One word for Enter once checked, right or wrong (known issue 7).
            keys = {k.key: k.description for k in screen.query(FooterKey)}
            assert keys["enter"] == "Accept grade", (screen.item.ref.card_id, keys)
            await pilot.press("4")
        assert set(seen) == {"pool", "conv-size"} and len(seen) == 3
        assert "3 done" in shown_bar(screen)
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, PracticeSummaryScreen)
        assert app.screen.summary.answered == 3
    assert {r.kind for r in world.store.rows("alice")} == {"practice"}
    assert world.store.states("alice") == {}


def shown_bar(screen: ReviewScreen) -> str:
    bar = screen.query_one(SessionBar)
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(bar.render())
    return console.export_text()


async def test_interview_shows_a_clock_and_no_hints(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="compute")
    world.store.record(
        "alice",
        "drills",
        "conv-size",
        "review",
        1,
        NOW - timedelta(days=5),
        TODAY - timedelta(days=5),
    )  # the weakest: shown first
    app = world.app(start="practice", practice=PracticeOptions(interview=True, count=2))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.interview
        assert screen.query_one(TitleBar).screen_title == "Interview"
        view = screen.query_one(ComputeCardView)
        assert not view.query(".constants")
        hint = shown(view.query_one(".answer-hint", Static))
        assert "e.g." not in hint and "(" not in hint
        assert "0:00" in shown_bar(screen)
        world.timer.now += 75
        screen._tick()  # noqa: SLF001  (the clock's timer calls it every second)
        assert "1:15" in shown_bar(screen)
        await pilot.press("enter")  # blank answer: checked at 1:15
        world.timer.now += 30
        screen._tick()  # noqa: SLF001
        assert "1:15" in shown_bar(screen)  # the clock stopped at the answer
        await pilot.press("0")
        await pilot.press(*POOL_ANSWER, "enter", "enter")
        assert isinstance(app.screen, PracticeSummaryScreen)
        assert "Interview over" in shown(app.screen.query_one("#summary-heading", Static))


async def test_interview_choice_cards_say_nothing_of_how_many_are_right(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(
        start="practice", practice=PracticeOptions(interview=True, deck_ids=("neural",))
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        while screen.item.ref.card_id != "activations":
            await pilot.press("b")  # skip
        hint = shown(screen.view.query_one(".hint", Static))
        assert hint == "Toggle with 1–4, then Enter to check."
    app = world.app(start="practice", practice=PracticeOptions(deck_ids=("neural",)))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        while screen.item.ref.card_id != "activations":
            await pilot.press("b")
        assert "one or more may be right" in shown(screen.view.query_one(".hint", Static))


async def test_practice_skips_suspended_cards_and_s_suspends(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    world.store.suspend("alice", "neural", "relu", NOW, TODAY)
    app = world.app(start="practice", practice=PracticeOptions())
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.item.ref.card_id == "vanishing"
        await pilot.press("s")
        assert world.store.suspended("alice").keys() == {
            ("neural", "relu"),
            ("neural", "vanishing"),
        }
        assert screen.item.ref.card_id == "activations"


async def test_nothing_to_practise_stays_home_and_says_why(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "3")  # compute drill, but no compute cards here
        assert isinstance(app.screen, HomeScreen)
        assert any("No cards to practise" in n.message for n in app._notifications)  # noqa: SLF001


# --- profiles -------------------------------------------------------------------------


async def test_typing_a_new_name_creates_the_profile(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", "tab", *"carol", "enter")
        assert app.profile == "carol"
        assert [p[0] for p in world.store.profiles()] == ["carol"]


async def test_r_renames_a_profile_keeping_its_progress(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    world.store.record("alice", "neural", "relu", "review", 4, NOW, TODAY)
    world.store.suspend("alice", "neural", "vanishing", NOW, TODAY)
    world.store.ensure_profile("bob", NOW)
    states, rows = world.store.states("alice"), world.store.rows("alice")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        screen = app.screen
        assert isinstance(screen, ProfileScreen)
        await pilot.press("f2")  # alice is highlighted (the current profile)
        assert app.focused is screen.query_one(Input)
        await pilot.press(*"bob", "enter")  # taken: refused, said so
        assert "already exists" in shown(screen.query_one("#profile-error", Static))
        assert app.profile == "alice"
        screen.query_one(Input).value = ""
        await pilot.press(*"ali", "enter")
        assert app.profile == "ali"
        options = screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "ali",
            "bob",
        ]
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert "ali ·" in app.screen.query_one(TitleBar).info
    assert world.store.states("ali") == states
    assert [r.id for r in world.store.rows("ali")] == [r.id for r in rows]
    assert world.store.suspended("ali").keys() == {("neural", "vanishing")}
    assert world.store.rows("alice") == []


async def test_leaving_a_checked_answer_before_grading_asks_first(tmp_path: Path) -> None:
    # Known issue 25: Esc after the check but before the grade dropped the answer silently.
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", "3")  # compute drill, endless
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        card = screen.item.ref.card_id
        if card == "pool":
            await pilot.press(*POOL_ANSWER)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.phase == "back" and screen.suggested is not None
        await pilot.press("escape")  # asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Leave without grading?" in shown(app.screen.query_one("#confirm-question", Static))
        assert card in shown(app.screen.query_one("#confirm-detail", Static))
        hint = shown(app.screen.query_one(".dialog-hint", Static))
        assert hint == "y or Enter: leave · n or Esc: stay"
        await pilot.press("escape")  # stays: the answer still waits for its grade
        await pilot.pause()
        assert app.screen is screen and screen.phase == "back"
        await pilot.press("q", "n")  # q asks the same; n stays
        await pilot.pause()
        assert app.screen is screen and screen.phase == "back"
        await pilot.press("escape", "enter")  # Enter leaves
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert world.store.rows("alice") == []
