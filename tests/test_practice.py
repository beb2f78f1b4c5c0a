"""Practice: weakest first, topics mixed, the schedule untouched, endless compute drills."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from dlcards.collection import CardRef, load_collection
from dlcards.config import Settings
from dlcards.log import replay
from dlcards.problems import PROBLEM_NAMES, get_problem
from dlcards.store import Store
from dlcards.study.practice import (
    PracticeOptions,
    PracticeSession,
    minimal_hint,
    topic_of,
    weakest_first,
)

from .conftest import run_cli, write_deck

T0 = datetime.fromisoformat("2026-03-01T09:00:00+00:00")


def ref(card: str, *tags: str, deck: str = "d", ordinal: int = 0) -> CardRef:
    return CardRef(deck, card, ordinal, "basic", tags, 1)


# --- the order -----------------------------------------------------------------------


def test_weakest_first_lowest_ef_then_most_lapses_then_unseen() -> None:
    refs = [
        ref(name, ordinal=i)
        for i, name in enumerate(
            ["unseen-1", "ef250", "ef130-l2", "ef130-l5", "ef180", "unseen-2", "ef130-l0"]
        )
    ]
    weakness = {  # (easiness hundredths, lapses), hand-built
        ("d", "ef250"): (250, 9),
        ("d", "ef130-l2"): (130, 2),
        ("d", "ef130-l5"): (130, 5),
        ("d", "ef180"): (180, 0),
        ("d", "ef130-l0"): (130, 0),
    }
    order = [r.card_id for r in weakest_first(refs, weakness, {})]
    assert order == ["ef130-l5", "ef130-l2", "ef130-l0", "ef180", "ef250", "unseen-1", "unseen-2"]


def test_equally_weak_cards_are_dealt_round_robin_over_topics() -> None:
    cards = [
        ("a1", "cnn"),
        ("a2", "cnn"),
        ("a3", "cnn"),
        ("b1", "rnn"),
        ("b2", "rnn"),
        ("c1", "losses"),
    ]
    refs = [ref(card, topic, ordinal=i) for i, (card, topic) in enumerate(cards)]
    topics = {r.key: r.tags[0] for r in refs}
    weak = {("d", "a3"): (140, 3)}  # the one weaker card still comes first
    order = [r.card_id for r in weakest_first(refs, weak, topics)]
    assert order == ["a3", "a1", "b1", "c1", "a2", "b2"]
    # Among the unseen, no topic twice in a row while another is left.
    unseen = [r.card_id for r in weakest_first(refs, {}, topics)]
    assert unseen == ["a1", "b1", "c1", "a2", "b2", "a3"]


def test_a_topic_is_the_first_own_tag_that_is_not_a_level() -> None:
    assert topic_of(ref("x", "compute", "beginner", "cnn"), ["compute"]) == "cnn"
    assert topic_of(ref("x", "synthetic", "level-2", "losses"), ["synthetic"]) == "losses"
    assert topic_of(ref("x", "advanced"), []) == "d"  # no topic tag: the deck
    assert topic_of(ref("x"), []) == "d"


def test_interview_hints_keep_only_the_format() -> None:
    assert (
        minimal_hint("a 2×3 matrix, rows separated by ; (e.g. 1 2; 3 4)")
        == "a matrix, rows separated by ;"
    )
    assert (
        minimal_hint("w1, w2, b (three numbers, e.g. 1, 1, -1.5) — or impossible if none exist")
        == "w1, w2, b"
    )
    assert minimal_hint("4 numbers separated by spaces") == "numbers separated by spaces"
    for name in PROBLEM_NAMES:
        problem = get_problem(name)
        for level in problem.levels:
            hint = problem.render(problem.make_instance(level=level, seed=5)).answer_hint
            short = minimal_hint(hint)
            assert short and "e.g." not in short and "(" not in short and "—" not in short


# --- a practice session ----------------------------------------------------------------

TOPICS = ["cnn", "rnn", "losses"]


@pytest.fixture
def world(tmp_path: Path):
    blocks = []
    for i in range(6):
        blocks.append(f"""
            [[cards]]
            id = "b{i}"
            front = "Basic {i}?"
            back = "Answer {i}."
            tags = ["beginner", "{TOPICS[i % 3]}"]
            """)
    write_deck(tmp_path / "decks", "mix", blocks, tags=["dl"])
    write_deck(
        tmp_path / "decks",
        "calc",
        [
            """
        [[cards]]
        id = "soft"
        type = "compute"
        problem = "softmax"
        tags = ["activations"]
        """,
            """
        [[cards]]
        id = "size"
        type = "compute"
        problem = "conv_output_size"
        tags = ["cnn"]
        """,
        ],
    )
    collection = load_collection(None, [tmp_path / "decks"])
    store = Store.open(tmp_path / "progress.sqlite3")
    return store, collection


class Timer:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def practice(world, timer: Timer | None = None, **options) -> PracticeSession:
    store, collection = world
    return PracticeSession(
        store,
        collection,
        "ann",
        Settings(),
        clock=lambda: T0,
        rng=np.random.default_rng(3),
        timer=timer or Timer(),
        options=PracticeOptions(**options),
    )


def test_practice_rows_leave_every_schedule_as_it_was(world) -> None:
    store, _ = world
    day = T0.date()
    for card, grade in [("b0", 5), ("b1", 2), ("b2", 4)]:
        store.record(
            "ann", "mix", card, "review", grade, T0 - timedelta(days=2), day - timedelta(days=2)
        )
    before = store.states("ann")
    session = practice(world, deck_ids=["mix"])
    answered = 0
    while (item := session.next_card()) is not None:
        session.grade(item, [0, 5, 1, 3][answered % 4])
        answered += 1
    assert answered == 6
    rows = store.rows("ann")
    assert [r.kind for r in rows].count("practice") == 6
    assert store.states("ann") == before
    assert replay(r for r in rows if r.kind != "practice") == store.states("ann")


def test_practice_goes_weakest_first_and_leaves_suspended_cards_out(world) -> None:
    store, _ = world
    day = T0.date() - timedelta(days=3)
    moment = T0 - timedelta(days=3)
    store.record("ann", "mix", "b4", "review", 3, moment, day)  # EF 2.36
    store.record("ann", "mix", "b2", "review", 1, moment, day)  # EF 2.50, one lapse
    store.record("ann", "mix", "b5", "review", 5, moment, day)  # EF 2.60
    store.suspend("ann", "mix", "b0", T0, T0.date())
    session = practice(world, deck_ids=["mix"])
    order = []
    while (item := session.next_card()) is not None:
        # done + left = the 5 cards, the one on screen counted as left (as in a study)
        assert (session.done(), session.remaining()) == (len(order), 5 - len(order))
        order.append(item.ref.card_id)
        assert item.kind == "practice"
        session.grade(item, 4)
    assert (session.done(), session.remaining()) == (5, 0)
    # seen: lowest EF first; then the unseen, their topics dealt in turn (b0 suspended)
    assert order == ["b4", "b2", "b5", "b1", "b3"]


def test_compute_drills_are_endless_with_fresh_numbers_until_the_count(world) -> None:
    store, _ = world
    session = practice(world, deck_ids=["calc"], compute_only=True, count=7)
    assert session.remaining() is None  # endless
    seeds, cards = [], []
    while (item := session.next_card()) is not None:
        assert item.ref.type == "compute" and item.instance is not None
        cards.append(item.ref.card_id)
        seeds.append(item.instance.seed)
        session.grade(item, 4, answer="1")
    assert len(cards) == 7 and set(cards) == {"soft", "size"}
    assert session.rounds == 4
    assert len(set(seeds)) == 7  # a fresh instance each time
    rows = store.rows("ann")
    assert {r.kind for r in rows} == {"practice"}
    assert all(json.loads(r.instance)["seed"] is not None for r in rows)


def test_endless_drills_set_an_unusable_card_aside_and_say_so(tmp_path: Path) -> None:
    write_deck(
        tmp_path / "decks",
        "calc",
        [
            """
        [[cards]]
        id = "size"
        type = "compute"
        problem = "conv_output_size"
        """,
            """
        [[cards]]
        id = "unusable"  # each param valid, but no level-1 input fits a 64×64 kernel
        type = "compute"
        problem = "conv_output_size"
        params = { kernel_size = 64 }
        """,
        ],
    )
    world = (Store.open(tmp_path / "p.sqlite3"), load_collection(None, [tmp_path / "decks"]))
    session = practice(world, deck_ids=["calc"], compute_only=True, count=3)
    cards = []
    while (item := session.next_card()) is not None:
        cards.append(item.ref.card_id)
        session.grade(item, 4, answer="1")
    assert cards == ["size"] * 3
    assert len(session.notices) == 1 and session.notices[0].startswith("Skipped calc:unusable:")


def test_minutes_end_the_practice_after_the_current_card(world) -> None:
    timer = Timer()
    session = practice(world, timer, deck_ids=["calc"], compute_only=True, minutes=1)
    item = session.next_card()
    timer.now += 59
    session.grade(item, 4)
    assert session.time_left() == pytest.approx(1)
    item = session.next_card()
    assert item is not None
    timer.now += 2
    session.grade(item, 4)
    assert session.next_card() is None
    assert session.summary().answered == 2


def test_the_summary_gives_accuracy_by_topic_and_the_slowest_cards(world) -> None:
    timer = Timer()
    session = practice(world, timer, deck_ids=["mix"])
    durations = {"b0": 30, "b1": 5, "b2": 12, "b3": 40, "b4": 7, "b5": 3}
    grades = {"b0": 5, "b1": 1, "b2": 4, "b3": 2, "b4": 3, "b5": 0}
    while (item := session.next_card()) is not None:
        timer.now += durations[item.ref.card_id]
        session.grade(item, grades[item.ref.card_id])
    summary = session.summary()
    assert (summary.answered, summary.right) == (6, 3)
    by_topic = {t.topic: (t.right, t.total) for t in summary.topics}
    # b0, b3: cnn (5 right, 2 wrong); b1, b4: rnn; b2, b5: losses
    assert by_topic == {"cnn": (1, 2), "rnn": (1, 2), "losses": (1, 2)}
    assert [(s.ref.card_id, round(s.seconds)) for s in summary.slowest] == [
        ("b3", 40),
        ("b0", 30),
        ("b2", 12),
        ("b4", 7),
        ("b1", 5),
    ]


def test_undo_cancels_the_practice_row_and_shows_the_card_again(world) -> None:
    store, _ = world
    session = practice(world, deck_ids=["mix"])
    first = session.next_card()
    session.grade(first, 1)
    session.next_card()
    back = session.undo()
    assert back.ref.key == first.ref.key and session.next_card() is back
    assert [r.kind for r in store.rows("ann")] == ["practice", "undo"]
    assert session.done() == 0


def test_skip_and_suspend_take_the_card_out_of_this_practice(world) -> None:
    store, _ = world
    session = practice(world, deck_ids=["mix"])
    first = session.next_card()
    session.skip(first)
    second = session.next_card()
    session.suspend(second)
    seen = []
    while (item := session.next_card()) is not None:
        seen.append(item.ref.card_id)
        session.grade(item, 4)
    assert first.ref.card_id not in seen and second.ref.card_id not in seen
    assert len(seen) == 4
    assert store.suspended("ann").keys() == {second.ref.key}
    assert store.buried("ann", T0.date()) == set()  # skipping in practice buries nothing


def test_undo_brings_back_a_skipped_or_suspended_card(world) -> None:
    store, _ = world
    session = practice(world, deck_ids=["mix"])
    skipped = session.next_card()
    session.skip(skipped)
    suspended = session.next_card()
    session.suspend(suspended)
    on_screen = session.next_card()
    back = session.undo()
    assert (back.ref.key, session.last_undone) == (suspended.ref.key, "suspend")
    assert store.suspended("ann") == {} and session.next_card() is back
    session.grade(back, 4)
    assert session.next_card().ref.key == on_screen.ref.key  # then where it was
    session.undo()  # the grade
    back = session.undo()  # the skip
    assert (back.ref.key, session.last_undone) == (skipped.ref.key, "skip")
    seen = []
    while (item := session.next_card()) is not None:
        seen.append(item.ref.card_id)
        session.grade(item, 4)
    assert sorted(seen) == sorted(f"b{i}" for i in range(6))  # every card once


# --- the command ----------------------------------------------------------------------


def test_plain_practice_logs_practice_rows_and_keeps_the_schedule(tmp_path: Path) -> None:
    home = tmp_path / "home"
    deck = write_deck(tmp_path / "decks", "t", 3)
    args = ["--deck-path", str(deck)]
    now = "2026-03-01T09:00:00+00:00"
    study = run_cli(home, *args, "study", "--deck", "t", now=now, input="\n4\n\n1\n\n5\nq\n")
    assert study.returncode == 0, study.stderr
    before = run_cli(home, *args, "cards", "list", "--deck", "t", "--json", now=now)
    result = run_cli(
        home, *args, "practice", "--deck", "t", "--plain", now=now, input="\n0\n\n5\n\n2\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Practice: the schedule is unchanged" in result.stdout
    assert "Practice over: 1 of 3 right" in result.stdout
    assert "By topic" in result.stdout and "Slowest answers" in result.stdout
    after = run_cli(home, *args, "cards", "list", "--deck", "t", "--json", now=now)
    assert json.loads(after.stdout) == json.loads(before.stdout)
    store = Store.open(home / "progress.sqlite3")
    profile = store.profiles()[0][0]
    kinds = [r.kind for r in store.rows(profile)]
    assert kinds.count("practice") == 3
    # weakest first: c2 (EF 2.50, a lapse), c1 (EF 2.50, none), c3 (graded 5: EF 2.60)
    practised = [r.card_id for r in store.rows(profile) if r.kind == "practice"]
    assert practised == ["c2", "c1", "c3"]


def test_plain_interview_hides_constants_and_times_each_answer(tmp_path: Path) -> None:
    home = tmp_path / "home"
    deck = write_deck(
        tmp_path / "decks",
        "calc",
        [
            """
        [[cards]]
        id = "soft"
        type = "compute"
        problem = "softmax"
        level = 1
        """,
        ],
    )
    result = run_cli(
        home,
        "--deck-path",
        str(deck),
        "practice",
        "--deck",
        "calc",
        "--interview",
        "--plain",
        input="\n\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Constants" not in result.stdout and "e.g." not in result.stdout
    assert "Answer: numbers separated by spaces" in result.stdout
    assert "Time: 0:0" in result.stdout
    normal = run_cli(
        home, "--deck-path", str(deck), "practice", "--deck", "calc", "--plain", input="\n\n"
    )
    assert "Constants" in normal.stdout and "Time:" not in normal.stdout


def test_practice_with_nothing_to_practise_says_so(tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "t", 2)
    result = run_cli(
        tmp_path / "home",
        "--deck-path",
        str(deck),
        "practice",
        "--deck",
        "t",
        "--compute-only",
        "--plain",
    )
    assert result.returncode == 0
    assert "No cards to practise" in result.stdout
