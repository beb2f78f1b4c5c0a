"""The live preview under the answer box shows what the typed text gives, and only that.

It is what submission would read: a value when Enter would accept the text, the
one-line reason otherwise. Typing "3x" on a conv card previewed "shape 3x3": the
dangling "x" was dropped and the lone 3 read as a square.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.answers import AnswerError, parse_number, parse_shape, parse_vector
from dlcards.problems import Instance, get_problem

from .conftest import examples


def _fixed(name: str, **params: Any) -> tuple[Any, Instance]:
    problem = get_problem(name)
    return problem, problem.make_instance(level=1, seed=None, fixed=params)


# conv_output_size on a square 35×35 input, kernel 3: the answer is 33x33 (35 − 3 + 1).
CONV = _fixed("conv_output_size", size=35, kernel_size=3)
# (7×1)·(1×2) = (7, 2), by hand.
MATMUL = _fixed("matmul_shape", a_shape=[7, 1], b_shape=[1, 2])
# One of each other answer kind: a matrix, a vector, a scalar, a labelled pair.
OTHERS = [
    _fixed("dense_forward", x=[1, 2], weight=[[1, 0], [2, -1]], bias=[1, 1]),
    get_problem("pool2d"),
    get_problem("neuron_output"),
    get_problem("momentum_step"),
]
SHAPE_CARDS = [CONV, MATMUL]
CARDS = SHAPE_CARDS + [
    item if isinstance(item, tuple) else (item, item.make_instance(level=1, seed=3))
    for item in OTHERS
]

MALFORMED = ["3x", "x3", "3x3x", "2,", "[1, 2", "1e", "--1", "1..2", "½", "3xx3", ", 2"]


@pytest.mark.parametrize("text", ["3x", "x3", "3x3x", "3xx3", "2,", ", 2", "3 ,", "1, 2,"])
def test_an_unfinished_shape_is_not_previewed_as_one(text: str) -> None:
    problem, inst = CONV
    shown = problem.preview(inst, text)
    assert isinstance(shown, str) and not shown.startswith("shape"), shown
    with pytest.raises(AnswerError):
        problem.check(inst, text)


def test_the_conv_preview_says_why_3x_is_not_an_answer_yet() -> None:
    problem, inst = CONV
    assert (
        problem.preview(inst, "3x") == "'3x' ends with 'x': type the number after it, or delete it"
    )
    assert (
        problem.preview(inst, "x3")
        == "'x3' starts with 'x': type the number before it, or delete it"
    )
    assert problem.preview(inst, "3xx3") == "'3xx3' has two separators in a row"
    # What does give a shape still previews as one, and submits as the same one.
    assert problem.preview(inst, "33") == "shape 33x33"  # one number: a square (DESIGN §9)
    assert problem.preview(inst, "33 x 33") == "shape 33x33"
    assert problem.check(inst, "33").status == "correct"


def test_a_one_dimensional_shape_is_not_read_as_a_square() -> None:
    # "(33,)" says one dimension: the preview and the check both read it so.
    problem, inst = CONV
    assert problem.preview(inst, "(33,)") == "shape (33,)"
    verdict = problem.check(inst, "(33,)")
    assert verdict.status == "wrong" and "expected 2 dimensions, got 1" in verdict.message


@pytest.mark.parametrize("text", ["(4,)", "(2, 3,)", "[2, 3]", "2 3", "1x16x30x30", "()"])
def test_the_shape_forms_people_type_still_parse(text: str) -> None:
    dims = tuple(int(d) for d in re.findall("[0-9]+", text))
    assert parse_shape(text) == dims


@pytest.mark.parametrize("text", ["2,", ", 2", "1,,2", "(3,)"])
def test_a_number_with_a_dangling_comma_is_not_a_number(text: str) -> None:
    with pytest.raises(AnswerError, match="','|two separators in a row"):
        parse_number(text)


def test_a_number_cut_before_its_power_of_ten_says_so() -> None:
    # "3x" on the way to 3x10^-3 is not "3 with the unit x".
    for text in ("3x", "2.5 ×", "1*"):
        with pytest.raises(AnswerError, match="power of ten"):
            parse_number(text)
    assert parse_number("2.5x10^-3") == 2.5e-3


@pytest.mark.parametrize("text", ["1, 2,", ", 1, 2", "1,, 2", "1 2; 3,4,"])
def test_a_list_with_an_empty_entry_is_refused(text: str) -> None:
    with pytest.raises(AnswerError, match="','|two separators in a row"):
        parse_vector(text)


def test_a_scalar_with_an_open_bracket_names_the_bracket() -> None:
    with pytest.raises(AnswerError, match="unbalanced brackets"):
        parse_number("[1, 2")


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_text_previews_one_short_line_on_every_kind(text: str) -> None:
    for problem, inst in CARDS:
        shown = problem.preview(inst, text)
        assert isinstance(shown, str) and shown and "\n" not in shown, (problem.name, shown)
        assert len(shown) <= 100, shown
        with pytest.raises(AnswerError) as info:
            problem.check(inst, text)
        assert str(info.value) == shown


def _typed_dims(text: str) -> list[int]:
    return [int(d) for d in re.findall("[0-9]+", text)]


ANSWERISH = st.text(alphabet="0123456789 x×X*,;()[]-.e/½", max_size=14)


@settings(max_examples=examples(600, 200), deadline=None)
@given(st.one_of(ANSWERISH, st.text(max_size=20)))
def test_the_preview_is_what_submission_reads(text: str) -> None:
    for problem, inst in CARDS:
        shown = problem.preview(inst, text)  # never raises
        if not text.strip():
            assert shown is None
            continue
        try:
            verdict = problem.check(inst, text)
        except AnswerError as exc:
            assert shown == str(exc) and "\n" not in shown  # the reason, not a value
            continue
        assert shown is not None and verdict.status in ("correct", "close", "wrong")
        if (problem, inst) not in SHAPE_CARDS or not isinstance(shown, str):
            continue
        if not shown.startswith("shape "):
            continue  # a word: "error"
        claimed = parse_shape(shown.removeprefix("shape "))
        typed = _typed_dims(text)
        bare = re.fullmatch(r"\s*[0-9]+\s*", text) is not None
        square = bare and problem.name == "conv_output_size"
        # The shape shown is the numbers typed, in order (one bare number on a square
        # card is n×n), and submitting the shown shape gets the text's verdict.
        assert list(claimed) == (typed * 2 if square else typed), (text, shown)
        assert problem.check(inst, shown.removeprefix("shape ")).status == verdict.status
