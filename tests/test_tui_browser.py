"""The card browser, a card's history, Review's suspend key and the leech warning (pilot)."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Static

from dlcards.deck_cache import DeckCache
from dlcards.log import replay_log
from dlcards.tui.screens.browser import BrowserScreen
from dlcards.tui.screens.card import CardScreen
from dlcards.tui.screens.confirm import ConfirmScreen
from dlcards.tui.screens.home import HomeScreen
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.widgets.answer_box import AnswerBox
from dlcards.tui.widgets.card_list import CardList
from dlcards.tui.widgets.session_bar import SessionBar

from .conftest import write_deck
from .test_tui_fixtures import NOW, POOL_ANSWER, SIZE, World, make_world

TODAY = date(2026, 3, 2)


def shown(widget: Static) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return " ".join(console.export_text().split())


def listed(app) -> list[str]:  # noqa: ANN001
    rows = app.screen.query_one(CardList).rows
    return [f"{r.ref.deck_id}:{r.ref.card_id}" for r in rows]


def caches_are_the_log(world: World) -> bool:
    replayed = replay_log(world.store.rows(world.profile))
    return replayed.states == world.store.states(
        world.profile
    ) and replayed.suspended == world.store.suspended(world.profile)


def with_resume_card(world: World) -> None:
    write_deck(
        world.deck_dir,
        "career",
        [
            """
        [[cards]]
        id = "cv"
        front = "What belongs on a **Résumé** for an ML role?"
        back = "Shipped systems and papers."
        tags = ["jobs"]
        """
        ],
        name="Career",
    )


async def search(pilot, text: str) -> None:  # noqa: ANN001
    await pilot.press("slash")  # to the search box
    box = pilot.app.screen.query_one(Input)
    assert pilot.app.focused is box
    box.value = text
    await pilot.press("down")  # Down searches at once (no typing delay), into the list
    await pilot.pause()
    assert isinstance(pilot.app.focused, CardList)


async def test_slash_opens_every_card_and_search_narrows_it(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    with_resume_card(world)
    world.cache = DeckCache(tmp_path / "cache.sqlite3")  # searched in SQL, as at 100k cards
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert isinstance(app.screen, BrowserScreen)
        assert listed(app) == [
            "career:cv",
            "drills:pool",
            "drills:conv-size",
            "neural:relu",
            "neural:vanishing",
            "neural:activations",
        ]
        await search(pilot, "resume")  # case and accents ignored
        assert listed(app) == ["career:cv"]
        await search(pilot, "RELU")  # fronts, backs and options
        assert listed(app) == ["neural:relu", "neural:vanishing", "neural:activations"]
        await search(pilot, "tag:optimization")
        assert listed(app) == ["neural:vanishing"]
        await search(pilot, "deck:drills is:new")
        assert listed(app) == ["drills:pool", "drills:conv-size"]
        await search(pilot, "no such words")
        assert listed(app) == []
        assert "No card matches" in shown(app.screen.query_one("#browse-detail", Static))
        await pilot.press("escape")  # the list has focus after a search: Escape goes Home
        assert isinstance(app.screen, HomeScreen)


async def test_the_list_shows_state_ef_interval_due_lapses(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    yesterday = NOW - timedelta(days=1)
    world.store.record("alice", "neural", "relu", "review", 5, yesterday, TODAY - timedelta(1))
    world.store.suspend("alice", "neural", "vanishing", NOW, TODAY)
    app = world.app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("slash")
        rows = {r.ref.card_id: r for r in app.screen.query_one(CardList).rows}
        relu = rows["relu"]
        assert (relu.state_name, relu.ef, relu.interval, relu.due, relu.lapses) == (
            "learning",
            2.6,
            1,
            "2026-03-02",
            0,
        )
        assert rows["vanishing"].suspended is not None
        await search(pilot, "is:suspended")
        assert listed(app) == ["neural:vanishing"]
        detail = shown(app.screen.query_one("#browse-detail", Static))
        assert "suspended 2026-03-02" in detail and "#optimization" in detail


async def test_enter_shows_the_full_history_with_compute_answers(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*POOL_ANSWER, "enter", "4")  # pool reviewed: graded 4
        await pilot.press("escape", "u")  # out of the next card's box; undone…
        await pilot.press(*"1 2; 3 4", "enter", "1")  # …and answered wrong
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("slash", "enter")
        screen = app.screen
        assert isinstance(screen, CardScreen) and screen.ref.card_id == "pool"
        history = shown(screen.query_one("#card-history", Static))
        assert "History · 3 rows" == screen.query_one("#card-history").border_title
        assert "1 2; 3 4" in history and POOL_ANSWER in history
        assert "pool2d" in history and "kernel_size=2" in history  # the instance
        assert "review (undone)" in history and "undo" in history
        facts = shown(screen.query_one("#card-facts", Static))
        assert "drills:pool · compute" in facts and "1 lapse · 1 review" in facts


async def test_suspend_unsuspend_reset_bury_from_the_card(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    for days, grade in ((3, 4), (2, 1)):
        world.store.record(
            "alice",
            "neural",
            "relu",
            "review",
            grade,
            NOW - timedelta(days),
            TODAY - timedelta(days),
        )
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "enter")
        screen = app.screen
        assert isinstance(screen, CardScreen) and screen.ref.card_id == "relu"
        await pilot.press("s")
        assert world.store.is_suspended("alice", "neural", "relu")
        assert "suspended since" in shown(screen.query_one("#card-facts", Static))
        await pilot.press("s")  # the same key unsuspends
        assert not world.store.is_suspended("alice", "neural", "relu")
        await pilot.press("r")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        assert world.store.state("alice", "neural", "relu").lapses == 1
        await pilot.press("r", "y")
        assert world.store.state("alice", "neural", "relu") is None
        assert "never reviewed (or reset)" in shown(screen.query_one("#card-facts", Static))
        await pilot.press("b")
        assert world.store.buried("alice", TODAY) == {("neural", "relu")}
        kinds = [r.kind for r in world.store.rows("alice")]
        assert kinds == ["review", "review", "suspend", "unsuspend", "reset"]
        assert caches_are_the_log(world)
        await pilot.press("escape")  # back in the list, which shows the new state
        assert isinstance(app.screen, BrowserScreen)
        row = app.screen.query_one(CardList).current
        assert row.ref.card_id == "relu" and row.state_name == "new" and row.lapses == 0


async def test_s_in_review_suspends_the_card(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.ref.card_id == "relu"
        await pilot.press("s")
        assert world.store.suspended("alice").keys() == {("neural", "relu")}
        assert screen.item.ref.card_id == "vanishing"
        await pilot.press("space", "4", "s")  # suspended after a grade
        assert world.store.suspended("alice").keys() == {
            ("neural", "relu"),
            ("neural", "activations"),
        }
        assert caches_are_the_log(world)
    # Never shown again: a new session has nothing of them.
    session = world.app().new_session()
    assert session.next_card() is None


async def test_s_is_typed_in_the_answer_box_not_a_suspension(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert app.screen.query_one(AnswerBox).value == "s"
        assert world.store.suspended("alice") == {}


async def test_a_leech_is_flagged_in_review(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    for days in range(8, 0, -1):
        world.store.record(
            "alice", "neural", "relu", "review", 1, NOW - timedelta(days), TODAY - timedelta(days)
        )
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert screen.item.ref.card_id == "relu"
        assert screen.query_one(SessionBar)._leech  # noqa: SLF001
        notes = [n.message for n in app._notifications]  # noqa: SLF001
        assert any("Leech: forgotten 8 times" in n for n in notes)
        await pilot.press("space", "4")
        assert not screen.query_one(SessionBar)._leech  # noqa: SLF001  (vanishing: no leech)


async def test_the_eighth_lapse_suspends_with_leech_action_suspend(tmp_path: Path) -> None:
    from dataclasses import replace

    world = make_world(tmp_path, decks="basics")
    world.settings = replace(world.settings, leech_action="suspend")
    for days in range(7, 0, -1):
        world.store.record(
            "alice", "neural", "relu", "review", 1, NOW - timedelta(days), TODAY - timedelta(days)
        )
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "1")  # the eighth lapse
        assert world.store.is_suspended("alice", "neural", "relu")
        notes = [n.message for n in app._notifications]  # noqa: SLF001
        assert any("leech and was suspended" in n for n in notes)
        assert app.screen.item.ref.card_id == "vanishing"
        await pilot.press("space", "4", "1", "3", "enter", "enter")
        assert not isinstance(app.screen, ReviewScreen)  # no re-drill of the suspended leech
    rows = world.store.rows("alice")
    assert [r.kind for r in rows][-4:] == ["review", "suspend", "review", "review"]
    assert caches_are_the_log(world)


async def test_browser_pages_through_many_cards(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    blocks = [
        f'[[cards]]\nid = "q{i:03d}"\nfront = "Question {i}?"\nback = "A {i}."' for i in range(300)
    ]
    write_deck(world.deck_dir, "big", blocks, name="Big")
    world.cache = DeckCache(tmp_path / "cache.sqlite3")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        card_list = app.screen.query_one(CardList)
        assert len(card_list.rows) == 303
        await pilot.press("pagedown", "pagedown", "down")
        assert card_list.cursor > 20
        await pilot.press("end")
        assert card_list.current.ref.card_id == "activations"
        await pilot.press("home")
        current = card_list.current
        assert current.ref.card_id == "q000" and current.front == "Question 0?"
        await pilot.press("enter")
        assert isinstance(app.screen, CardScreen)
        assert json.dumps(app.screen.ref.key) == '["big", "q000"]'


async def test_typing_on_the_list_goes_to_the_search_box(tmp_path: Path) -> None:
    from dlcards.tui.screens.help import HelpScreen

    world = make_world(tmp_path)
    world.cache = DeckCache(tmp_path / "cache.sqlite3")
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        card_list = app.screen.query_one(CardList)
        box = app.screen.query_one(Input)
        assert app.focused is card_list
        await pilot.press("down")  # the arrows still move in the list
        assert card_list.cursor == 1
        await pilot.press(*"relu")  # README: "type, / → search"
        assert app.focused is box and box.value == "relu"
        await pilot.press("down")  # into the list (Enter would open the first match)
        await pilot.pause()
        assert listed(app) == ["neural:relu", "neural:vanishing", "neural:activations"]
        assert app.focused is card_list
        await pilot.press("space", *"pool")  # a new search, as after /
        assert app.focused is box and box.value == " pool"
        await pilot.press("down")
        await pilot.pause()
        assert listed(app) == ["drills:pool"]
        await pilot.press("enter")  # Enter on the list still opens the card
        assert isinstance(app.screen, CardScreen)
        await pilot.press("escape", "question_mark")  # ? on the list is still help
        assert isinstance(app.screen, HelpScreen)


async def test_the_list_shows_a_card_edited_from_its_history(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    world.cache = DeckCache(tmp_path / "cache.sqlite3")
    app = world.app()

    def fake_editor(argv: list[str]) -> bool:
        path = Path(argv[-1])
        path.write_text(
            path.read_text("utf-8").replace(
                "What does **ReLU** compute", "What does a rectifier compute"
            ),
            "utf-8",
        )
        return True

    app.run_editor = fake_editor  # type: ignore[method-assign]
    app.settings = type(app.settings)(editor="vim")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        card_list = app.screen.query_one(CardList)
        assert card_list.current.front.startswith("What does **ReLU** compute")
        await pilot.press("enter", "e")
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, BrowserScreen)
        assert card_list.current.front.startswith("What does a rectifier compute")
        await search(pilot, "rectifier")
        assert listed(app) == ["neural:relu"]
        assert card_list.current.front.startswith("What does a rectifier compute")
        line = card_list._line(card_list.rows[0], 76).plain  # noqa: SLF001
        assert "rectifier" in line and "ReLU" not in line


async def test_the_detail_line_of_a_suspended_leech_fits(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    for days in range(8, 0, -1):
        world.store.record(
            "alice", "neural", "relu", "review", 1, NOW - timedelta(days), TODAY - timedelta(days)
        )
    world.store.suspend("alice", "neural", "relu", NOW, TODAY)
    lines = []
    for size in (SIZE, (120, 30)):
        app = world.app()
        async with app.run_test(size=size) as pilot:
            await pilot.press("slash")
            await pilot.pause()
            detail = app.screen.query_one("#browse-detail", Static)
            lines.append(detail.render_line(0).text.rstrip())
    for line in lines:  # what matters is all there, nothing cut short
        assert line.startswith("neural:relu  "), line
        assert "leech (8 lapses)  #dl #activations" in line and "…" not in line, line
    assert lines[0] == (
        "neural:relu  learning · suspended · leech (8 lapses)  #dl #activations"
    )  # the type, reviews and date: left out
    assert lines[1] == (
        "neural:relu  basic  learning · 8 reviews · suspended 2026-03-02 · "
        "leech (8 lapses)  #dl #activations"
    )  # only the Enter hint left out


async def test_enter_in_the_search_box_opens_the_first_match(tmp_path: Path) -> None:
    """Issue 13 #10: Enter in the box opens the first match; Down moves into the list."""
    world = make_world(tmp_path)
    app = world.app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"gradients", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CardScreen)
        assert app.screen.ref.key == ("neural", "vanishing")
        await pilot.press("escape")
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("slash", *"no such words", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BrowserScreen)  # nothing to open: the list, empty
        assert isinstance(app.focused, CardList) and listed(app) == []
