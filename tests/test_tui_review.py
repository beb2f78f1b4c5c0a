"""Review screen, driven with the pilot; assertions are on the store, not only the text."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import Static

from dlcards.deck_cache import DeckCache
from dlcards.tui.screens import review_after_paint
from dlcards.tui.screens.home import HomeScreen
from dlcards.tui.screens.review import ReviewScreen
from dlcards.tui.screens.summary import SummaryScreen
from dlcards.tui.widgets.answer_box import AnswerBox
from dlcards.tui.widgets.compute_card import ComputeCardView

from .conftest import write_deck
from .test_tui_fixtures import NOW, POOL_ANSWER, SIZE, World, make_world

TODAY = date(2026, 3, 2)


def grades(world: World) -> list[tuple[str, str, int | None]]:
    """(card, kind, grade) of the profile's rows, oldest first."""
    return [(r.card_id, r.kind, r.grade) for r in world.store.rows(world.profile)]


def text_of(widget: Static) -> str:
    """The plain text a Static shows (Rich renderables rendered at 100 columns)."""
    from rich.console import Console

    console = Console(width=100, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


async def test_grade_is_stored_with_the_next_due_date(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("5")  # grades act only once the answer is shown
        assert grades(world) == []
        await pilot.press("space", "4")
        state = world.store.state(world.profile, "neural", "relu")
        assert state is not None
        # A new card graded 4: SM-2 gives 1 day, counted from the study day.
        assert (state.sm2.repetitions, state.sm2.interval) == (1, 1)
        assert state.sm2.due == date(2026, 3, 3)
        assert app.screen.item.ref.card_id == "vanishing"
        await pilot.press("enter", "3")  # Enter reveals too
        assert grades(world) == [("relu", "review", 4), ("vanishing", "review", 3)]


async def test_undo_restores_the_previous_state(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    world.store.record(
        world.profile, "neural", "relu", "review", 5, NOW.replace(day=1), date(2026, 3, 1)
    )  # reviewed yesterday: due 2026-03-02 (interval 1)
    before = world.store.state(world.profile, "neural", "relu")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.ref.card_id == "relu"
        await pilot.press("space", "1")
        assert world.store.state(world.profile, "neural", "relu").lapses == 1
        await pilot.press("u")
        assert world.store.state(world.profile, "neural", "relu") == before
        assert screen.item.ref.card_id == "relu"  # the undone card is shown again
        kinds = [r.kind for r in world.store.rows(world.profile)]
        assert kinds == ["review", "review", "undo"]
        await pilot.press("space", "4")
        state = world.store.state(world.profile, "neural", "relu")
        assert (state.sm2.repetitions, state.sm2.interval) == (2, 6)
        assert screen.item.ref.card_id == "vanishing"  # then the card undo interrupted


async def test_bury_takes_the_card_out_for_today(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("b")
        assert world.store.buried(world.profile, TODAY) == {("neural", "relu")}
        assert screen.item.ref.card_id == "vanishing"
        assert grades(world) == []
    # A new session today does not bring it back.
    session = world.app().new_session()
    assert ("neural", "relu") not in {r.key for r in session._queue}  # noqa: SLF001


async def test_u_after_a_suspension_brings_the_card_back(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("s")
        assert world.store.suspended(world.profile).keys() == {("neural", "relu")}
        assert screen.item.ref.card_id == "vanishing"
        await pilot.press("u")
        assert world.store.suspended(world.profile) == {}
        assert screen.item.ref.card_id == "relu"
        await pilot.press("b", "u")
        assert world.store.buried(world.profile, TODAY) == set()
        assert screen.item.ref.card_id == "relu"


async def test_an_unusable_compute_card_is_skipped_with_a_notice(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    (world.deck_dir / "aaa.toml").write_text(
        '[deck]\nid = "aaa"\nname = "A"\n\n[[cards]]\nid = "unusable"\ntype = "compute"\n'
        'problem = "conv_output_size"\nparams = { kernel_size = 64 }\n',
        "utf-8",
    )
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.ref.card_id == "relu"
        notes = [n.message for n in app._notifications]  # noqa: SLF001
        assert any(n.startswith("Skipped aaa:unusable: it cannot be shown") for n in notes)


async def test_choice_card_right_set_suggests_4(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    for card in ("relu", "vanishing"):
        world.store.bury(world.profile, "neural", card, TODAY)
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.ref.card_id == "activations"
        await pilot.press("1", "2", "3", "2")  # toggling 2 twice leaves it unpicked
        await pilot.press("0")  # not an option, not a grade yet: ignored
        assert screen.phase == "choosing"
        await pilot.press("enter")
        assert screen.phase == "back" and screen.suggested == 4
        assert "Right" in text_of(screen.query_one(".verdict", Static))
        await pilot.press("enter")  # accepts the suggested grade
    rows = world.store.rows(world.profile)
    assert [(r.card_id, r.grade, r.answer) for r in rows] == [("activations", 4, "1, 3")]


async def test_choice_card_wrong_set_suggests_1_and_can_be_overridden(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    for card in ("relu", "vanishing"):
        world.store.bury(world.profile, "neural", card, TODAY)
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("enter")  # nothing picked: a warning, no check
        assert screen.phase == "choosing"
        await pilot.press("2", "enter")
        assert screen.suggested == 1
        marks = [option.mark for option in screen.query("ChoiceOption")]
        assert marks == ["missed", "wrong", "missed", "other"]
        await pilot.press("2")  # the user overrides the suggestion
    assert [(r.grade, r.answer) for r in world.store.rows(world.profile)] == [(2, "2")]


async def test_compute_right_answer_is_checked_and_graded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # numpy's preload starts once the first card is painted (not before: issue 13),
    # and once per session however many cards follow.
    preloads: list[str] = []
    monkeypatch.setattr(review_after_paint, "preload_numpy", lambda: preloads.append("numpy"))
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.ref.card_id == "pool"
        await pilot.pause()
        assert preloads == ["numpy"]
        assert isinstance(app.focused, AnswerBox)
        await pilot.press(*POOL_ANSWER)
        preview = text_of(screen.query_one(".preview", Static))
        assert preview  # the live preview shows the grid as read
        await pilot.press("enter")
        view = screen.query_one(ComputeCardView)
        assert view.verdict is not None and view.verdict.status == "correct"
        # Answered at once (the timer is frozen): correct within 15 s suggests 5.
        assert screen.suggested == 5
        assert "Worked solution" in text_of(screen.query_one(".solution", Static))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.item.ref.card_id == "conv-size" and preloads == ["numpy"]
    row = world.store.rows(world.profile)[0]
    assert (row.card_id, row.grade, row.answer) == ("pool", 5, POOL_ANSWER)
    assert json.loads(row.instance)["problem"] == "pool2d"


async def test_compute_wrong_answer_names_the_mistake(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        screen.query_one(AnswerBox).value = "2.5 2; 2.25 1.75"  # the window averages
        await pilot.press("enter")
        view = screen.query_one(ComputeCardView)
        assert view.verdict is not None and view.verdict.status == "wrong"
        verdict = text_of(screen.query_one(".verdict", Static))
        assert "averaged" in verdict and "Mistake" in verdict
        # Capitalized like "Expected: 33x33" of a scalar answer (known issue 6).
        assert "Your answer" in verdict and "Expected" in verdict
        assert "expected" not in verdict
        assert screen.suggested == 1
        await pilot.press("0")
    assert [(r.grade, r.answer) for r in world.store.rows(world.profile)] == [
        (0, "2.5 2; 2.25 1.75")
    ]


async def test_unparseable_answer_stays_in_the_box_with_the_message(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press(*"4 5; six 3", "enter")
        box = screen.query_one(AnswerBox)
        assert box.value == "4 5; six 3" and app.focused is box
        assert screen.phase == "typing"
        assert text_of(screen.query_one(".answer-error", Static))
        await pilot.press(*["backspace"] * 6, *"6 3", "enter")
        assert screen.phase == "back" and screen.suggested == 5
    assert world.store.rows(world.profile) == []  # nothing graded yet: no grade key pressed


async def test_answer_box_keeps_keys_until_escape(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press("q", "u", "b", "4")  # typed into the box, not actions
        assert isinstance(app.screen, ReviewScreen)
        assert screen.query_one(AnswerBox).value == "qub4"
        assert world.store.buried(world.profile, TODAY) == set()
        await pilot.press("escape")  # leaves the box
        assert isinstance(app.screen, ReviewScreen) and not isinstance(app.focused, AnswerBox)
        await pilot.press("enter")  # back into the box
        assert isinstance(app.focused, AnswerBox)
        await pilot.press("escape", "escape")  # the second Escape goes Home
        assert isinstance(app.screen, HomeScreen)


async def test_leaving_mid_session_keeps_every_grade(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "4", "space", "2")
        await pilot.press("q")
        assert isinstance(app.screen, HomeScreen)
    assert grades(world) == [("relu", "review", 4), ("vanishing", "review", 2)]
    states = world.store.states(world.profile)
    assert set(states) == {("neural", "relu"), ("neural", "vanishing")}


async def test_the_end_of_the_session_shows_the_summary(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "5", "space", "3", "1", "3", "enter", "enter")
        # vanishing (3) comes back as a re-drill, after the day's queue
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.item.drill
        assert screen.session.intervals(screen.item) is None
        world.timer.now += 125  # two minutes pass
        await pilot.press("space", "4")
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen.summary
        assert (summary.reviewed, summary.grades, summary.passed, summary.drills) == (3, 4, 4, 1)
        assert round(summary.seconds) == 125
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
    assert [k for _, k, _ in grades(world)] == ["review", "review", "review", "drill"]


async def test_a_grade_parses_no_deck_and_costs_one_read_plus_the_grade(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The statements behind one grade key, on the progress store and the deck cache."""
    world = make_world(tmp_path, decks="basics")
    world.cache = DeckCache(tmp_path / "cache.sqlite3")
    world.collection()  # the first start parses the decks into the cache
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        store_sql: list[str] = []
        cache_sql: list[str] = []

        def no_parsing(*args: object) -> None:
            raise AssertionError("a deck was parsed on a key press")

        monkeypatch.setattr("dlcards.deck.parse_deck", no_parsing)
        world.store.conn.set_trace_callback(store_sql.append)
        world.cache._conn.set_trace_callback(cache_sql.append)  # noqa: SLF001
        try:
            await pilot.press("4")
        finally:
            world.store.conn.set_trace_callback(None)
            world.cache._conn.set_trace_callback(None)  # noqa: SLF001
        assert app.screen.item.ref.card_id == "vanishing"

    def verbs(statements: list[str]) -> list[str]:
        return [s.split()[0].upper() for s in statements]

    # The grade: one BEGIN IMMEDIATE … COMMIT that reads the state and the last
    # timestamp and writes the profile, the review row, its running counts (the day's
    # and the card's seen row: store_counts) and the card state. The TUI begins it
    # without waiting (busy_timeout 0 around the BEGIN: tui/store_wait.py), and the
    # grade's own transaction is a savepoint inside it.
    assert verbs(store_sql) == [
        "PRAGMA",
        "BEGIN",
        "PRAGMA",
        "SAVEPOINT",
        "INSERT",
        "SELECT",
        "SELECT",
        "INSERT",
        "INSERT",
        "INSERT",
        "INSERT",
        "RELEASE",
        # The state as stored after the grade (read in the same transaction), and the
        # next card's as stored now: another session on the profile may have graded
        # either (issue 11).
        "SELECT",
        "COMMIT",
        "SELECT",
    ], store_sql
    # The next card's text: the one read, from the parse cache.
    assert verbs(cache_sql) == ["SELECT"], cache_sql


async def test_summary_and_home_agree_on_what_is_left_today(tmp_path: Path) -> None:
    # Issue 13 #4: another deck's re-drill is pending; the summary of this deck's session
    # said "Nothing left for today" while Home said "1 card to study now".
    world = make_world(tmp_path, decks="none")
    write_deck(world.deck_dir, "mine", 2)
    write_deck(world.deck_dir, "other", 1)
    app = world.app(start="review", deck_ids=["mine"])
    world.store.record(world.profile, "other", "c1", "review", 1, NOW, app.today())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "5", "space", "5")
        assert isinstance(app.screen, SummaryScreen)
        note = text_of(app.screen.query_one("#summary-note", Static))
        assert "Nothing left for today" not in note
        assert "1 card still to study today" in note
        await pilot.press("enter")
        assert isinstance(app.screen, HomeScreen)
        assert "1 card to study now" in text_of(app.screen.query_one("#today", Static))


async def test_an_unreadable_answer_is_explained_once(tmp_path: Path) -> None:
    # Known issue 4: the live preview and the Enter error said the same thing twice.
    world = make_world(tmp_path, decks="compute")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        await pilot.press(*"4 5; 6", "enter")
        await pilot.pause()
        preview = text_of(screen.query_one(".preview", Static))
        error = text_of(screen.query_one(".answer-error", Static))
        shown = preview + error
        assert shown.count("rows have different lengths") == 1, shown
        assert "as many numbers as the first" in error
        await pilot.press("backspace")  # typing again: the preview speaks, the error goes
        await pilot.pause()
        assert not text_of(screen.query_one(".answer-error", Static)).strip()
        assert "your answer (1×2)" in text_of(screen.query_one(".preview", Static))
