"""A number typed with a unit or with thousands separators: the error says which (issue 35)."""

from __future__ import annotations

import pytest

from dlcards.answers import AnswerError, parse_number
from dlcards.problems import get_problem


@pytest.mark.parametrize(
    ("typed", "unit"),
    [("3e21 FLOPs", "FLOPs"), ("10 GiB", "GiB"), ("10GiB", "GiB"), ("768 MiB", "MiB")],
)
def test_a_number_with_a_unit_is_told_to_leave_the_unit_out(typed: str, unit: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_number(typed)
    message = str(caught.value)
    assert f"leave out the unit '{unit}'" in message
    assert "values" not in message and "\n" not in message


@pytest.mark.parametrize(
    ("typed", "bare"),
    [
        ("3,000,000,000,000,000,000,000", "3000000000000000000000"),
        ("1,024", "1024"),
        ("12 345", "12345"),
        ("-4,096.5", "-4096.5"),
    ],
)
def test_thousands_separators_are_named(typed: str, bare: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_number(typed)
    assert str(caught.value) == f"write it with no thousands separators: {bare}"
    assert float(bare) == float(typed.replace(",", "").replace(" ", ""))


@pytest.mark.parametrize("typed", ["1 2", "12 34", "1,2", "1e"])
def test_other_mistakes_keep_their_messages(typed: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_number(typed)
    assert "unit" not in str(caught.value) and "thousands" not in str(caught.value)


def test_a_compute_card_says_the_same_through_the_problem_api() -> None:
    problem = get_problem("kv_cache_size")
    instance = problem.make_instance(level=2, seed=1)
    expected = problem.expected_text(instance)
    with pytest.raises(AnswerError, match="leave out the unit 'MiB'"):
        problem.check(instance, f"{expected} MiB")
    with pytest.raises(AnswerError, match="no thousands separators"):
        problem.check(instance, "1,536")
    assert problem.check(instance, expected).status == "correct"
