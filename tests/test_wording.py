"""The one way dlcards words a count and a clock time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dlcards.wording import article, clock_text, plural, unicode_minus


def test_one_is_singular_everything_else_plural() -> None:
    assert plural(1, "card") == "1 card"
    assert plural(0, "card") == "0 cards"
    assert plural(2, "re-drill") == "2 re-drills"
    assert plural(12000, "card", grouped=True) == "12,000 cards"
    assert plural(12000, "card") == "12000 cards"


@given(st.integers(min_value=0, max_value=10**6))
def test_a_clock_reads_back_as_the_whole_seconds(seconds: int) -> None:
    minutes, rest = clock_text(seconds + 0.9).split(":")
    assert len(rest) == 2 and int(minutes) * 60 + int(rest) == seconds


def test_a_clock_never_runs_below_zero() -> None:
    assert clock_text(-3.5) == "0:00"
    assert clock_text(65) == "1:05"


@pytest.mark.parametrize(
    ("count", "said"),
    [
        (1, "a"),
        (8, "an"),
        (11, "an"),
        (12, "a"),
        (18, "an"),
        (80, "an"),
        (110, "a"),
        (800, "an"),
        (1100, "a"),  # one thousand one hundred
        (11000, "an"),
        (18000, "an"),
        (28, "a"),
    ],
)
def test_the_article_before_a_number_read_aloud(count: int, said: str) -> None:
    assert article(count) == said


def test_a_conv_prompt_says_an_11x11_input() -> None:
    from dlcards.problems import get_problem

    problem = get_problem("conv_output_size")
    fixed = {"size": 11, "kernel_size": 3, "padding": 0, "stride": 1, "dilation": 1}
    instance = problem.make_instance(level=1, seed=None, fixed=fixed)
    assert "applied to an 11×11 input" in problem.render(instance).text


@pytest.mark.parametrize(("size", "start"), [(8, "An 8×8 feature map"), (4, "A 4×4 feature map")])
def test_a_transposed_conv_prompt_says_an_8x8_feature_map(size: int, start: str) -> None:
    from dlcards.problems import get_problem

    problem = get_problem("conv_transpose_output_size")
    fixed = {"size": size, "kernel_size": 2, "stride": 2, "padding": 0}
    fixed |= {"output_padding": 0, "dilation": 1}
    instance = problem.make_instance(level=1, seed=None, fixed=fixed)
    assert problem.render(instance).text.startswith(start)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("-3.99", "−3.99"),
        ("[-1, 2; 3, -0.5]", "[−1, 2; 3, −0.5]"),
        ("1e-05", "1e−05"),
        ("x-1", "x-1"),  # a hyphen in a word or name stays
        ("2x-3", "2x-3"),
        ("error", "error"),
    ],
)
def test_shown_answers_use_the_unicode_minus_of_the_prompts(typed: str, shown: str) -> None:
    assert unicode_minus(typed) == shown
