"""Typed answers: every documented form parses; everything else is one AnswerError."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.answers import (
    AnswerError,
    format_matrix,
    format_number,
    format_shape,
    format_vector,
    match_word,
    parse_array,
    parse_matrix,
    parse_number,
    parse_shape,
    parse_vector,
    split_tuple,
)

from .conftest import examples

# --- numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("42", 42),
        ("-7", -7),
        ("+5", 5),
        ("0.25", 0.25),
        (".5", 0.5),
        ("5.", 5),
        ("3/4", 0.75),
        ("-3/4", -0.75),
        ("1 / 3", 1 / 3),
        ("1.5/3", 0.5),
        ("1e-3", 1e-3),
        ("2.5E4", 25000),
        ("1e+2", 100),
        ("−3", -3),
        ("−0.5", -0.5),
        ("–2", -2),
        ("1e−3", 1e-3),
        ("−3/4", -0.75),
        ("2.5×10^-3", 2.5e-3),
        ("2.5 x 10^−3", 2.5e-3),
        ("2.5·10⁻³", 2.5e-3),
        ("3*10**2", 300),
        ("  42  ", 42),
        ("(0.5)", 0.5),
        ("[2]", 2),
    ],
)
def test_parse_number_forms(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("banana", "can't read 'banana'"),
        ("1 2 3 4 5 6 7 8 9 10", "expected a single number, got 10"),
        ("1/0", "divides by zero"),
        ("1e999", "too large"),
        ("", "type a number"),
        ("   ", "type a number"),
        ("0x1F", "can't read"),
        ("nan", "can't read"),
        ("inf", "can't read"),
        ("1_000", "can't read"),
        ("__import__('os').system('true')", "can't read"),
        ("2**10", "can't read"),
    ],
)
def test_parse_number_rejects_with_a_message(text: str, needle: str) -> None:
    with pytest.raises(AnswerError) as info:
        parse_number(text)
    message = str(info.value)
    assert needle in message
    assert "\n" not in message


# --- vectors and matrices ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "1 2 3",
        "1, 2, 3",
        "1,2,3",
        "[1, 2, 3]",
        "(1, 2, 3)",
        "[1 2 3]",
        " 1  2\t3 ",
        "1; 2; 3",
        "1\n2\n3",
        "1 2 3;",
    ],
)
def test_vector_forms(text: str) -> None:
    assert parse_vector(text) == [1, 2, 3]


def test_vector_with_fractions_and_unicode_minus() -> None:
    assert parse_vector("1/2 −1/4 3e-1") == pytest.approx([0.5, -0.25, 0.3])


@pytest.mark.parametrize(
    "text",
    [
        "1 2; 3 4",
        "1, 2; 3, 4",
        "[[1,2],[3,4]]",
        "[[1, 2], [3, 4]]",
        "[1 2; 3 4]",
        "1 2\n3 4",
        "[1, 2], [3, 4]",
        "((1, 2), (3, 4))",
        "1 2;\n3 4",
        "1 2; 3 4;",
    ],
)
def test_matrix_forms(text: str) -> None:
    assert parse_matrix(text) == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[[1,2],[3", "unbalanced brackets"),
        ("1 2]", "closing bracket"),
        ("1 2; 3", "rows have different lengths (2, 1)"),
        ("1 2;; 3 4", "empty row"),
        ("[[[1]]]", "nested"),
        ("[1, [2, 3]]", "brackets"),
        ("1 two 3", "can't read 'two'"),
        ("", "type the numbers"),
    ],
)
def test_array_rejects_with_a_message(text: str, needle: str) -> None:
    with pytest.raises(AnswerError) as info:
        parse_array(text)
    assert needle in str(info.value)


def test_vector_rejects_a_real_matrix() -> None:
    with pytest.raises(AnswerError, match="2×2 matrix"):
        parse_vector("1 2; 3 4")


def test_the_longest_answer_the_limits_allow_is_read() -> None:
    # DESIGN §9 limits: 64 per axis, |v| ≤ 1e6. Such a matrix, typed, is ~40,000 characters.
    rows = [[(-1) ** (i + j) * 999_999.5 for j in range(64)] for i in range(64)]
    text = "; ".join(
        " ".join(f"{v:g}" if abs(v) < 1e5 else f"{v:.1f}" for v in row) for row in rows
    )
    assert len(text) > 20_000
    assert parse_matrix(text) == rows


def test_too_many_values_is_refused() -> None:
    with pytest.raises(AnswerError, match="too many values"):
        parse_vector(" ".join(["1"] * 5000))


# --- shapes, tuples, words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("10x10", (10, 10)),
        ("10 × 10", (10, 10)),
        ("10X10", (10, 10)),
        ("10 * 10", (10, 10)),
        ("(1, 16, 30, 30)", (1, 16, 30, 30)),
        ("[2, 3]", (2, 3)),
        ("2 3", (2, 3)),
        ("(4,)", (4,)),
        ("4", (4,)),
        ("()", ()),
        ("torch.Size([2, 3])", (2, 3)),
        ("1x16x30x30", (1, 16, 30, 30)),
    ],
)
def test_shape_forms(text: str, shape: tuple[int, ...]) -> None:
    assert parse_shape(text) == shape


@pytest.mark.parametrize(
    "text", ["10.5x10", "-3x3", "(2, (3))", "ten", "[[1, 2]", "9" * 5000, "10x" + "1" * 20]
)
def test_shape_rejects(text: str) -> None:
    with pytest.raises(AnswerError):
        parse_shape(text)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("(0.5, 2)", ["0.5", "2"]),
        ("0.5, 2", ["0.5", "2"]),
        ("0.5; 2", ["0.5", "2"]),
        ("0.5 2", ["0.5", "2"]),
        ("[−1, 3/4]", ["-1", "3/4"]),
    ],
)
def test_split_tuple(text: str, parts: list[str]) -> None:
    assert split_tuple(text, 2) == parts


def test_split_tuple_with_a_trailing_phrase() -> None:
    assert split_tuple("0.002 too high", 2, rest_last=True) == ["0.002", "too high"]
    assert split_tuple("(0.002, too high)", 2, rest_last=True) == ["0.002", "too high"]
    with pytest.raises(AnswerError, match="expected 2 values"):
        split_tuple("0.5", 2)
    with pytest.raises(AnswerError, match="expected 2 values"):
        split_tuple("1, 2, 3", 2)


def test_match_word_ignores_case_and_punctuation() -> None:
    words = {"error": "error", "too high": "too high", "and": "AND"}
    assert match_word(" Error. ", words) == "error"
    assert match_word("TOO_HIGH", words) == "too high"
    assert match_word("too-high", words) == "too high"
    assert match_word("And", words) == "AND"
    assert match_word("banana", words) is None


# --- formatting round trips -----------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=examples(3000, 100), deadline=None)
@given(finite)
def test_any_formatted_number_parses_back(x: float) -> None:
    assert parse_number(format_number(x, 6)) == pytest.approx(x, abs=6e-7)
    # the display form with a Unicode minus parses too
    assert parse_number(format_number(x, 6).replace("-", "−")) == pytest.approx(x, abs=6e-7)


@settings(max_examples=examples(2000, 100), deadline=None)
@given(st.floats(min_value=1e-12, max_value=1e6, allow_nan=False), st.integers(2, 8))
def test_significant_digit_format_parses_back(x: float, sig: int) -> None:
    assert parse_number(format_number(x, sig=sig)) == pytest.approx(x, rel=10 ** (1 - sig))


@settings(max_examples=examples(1500, 75), deadline=None)
@given(st.lists(finite, min_size=1, max_size=20))
def test_any_formatted_vector_parses_back(values: list[float]) -> None:
    parsed = parse_vector(format_vector(values, 6))
    assert parsed == pytest.approx(values, abs=6e-7)


@settings(max_examples=examples(1500, 75), deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda cols: st.lists(
            st.lists(finite, min_size=cols, max_size=cols), min_size=1, max_size=6
        )
    )
)
def test_any_formatted_matrix_parses_back(rows: list[list[float]]) -> None:
    parsed = parse_matrix(format_matrix(rows, 6))
    assert len(parsed) == len(rows)
    for got, want in zip(parsed, rows, strict=True):
        assert got == pytest.approx(want, abs=6e-7)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 5000), min_size=0, max_size=6))
def test_any_formatted_shape_parses_back(dims: list[int]) -> None:
    assert parse_shape(format_shape(dims)) == tuple(dims)


@pytest.mark.parametrize("text", [",\n0", "0\r,", "1,\n,2", "1 ;\n; 2"])
def test_a_dangling_separator_across_lines_is_a_one_line_error(text: str) -> None:
    # Found by test_parsers_never_crash: the message quoted the typed newline.
    for parse in (parse_number, parse_vector, parse_matrix, parse_shape):
        with pytest.raises(AnswerError) as info:
            parse(text)
        assert str(info.value) and "\n" not in str(info.value) and "\r" not in str(info.value)


@settings(max_examples=examples(1500, 75), deadline=None)
@given(st.text(max_size=60))
def test_parsers_never_crash(text: str) -> None:
    # Arbitrary input either parses or raises AnswerError with a one-line message.
    for parse in (
        parse_number,
        parse_vector,
        parse_matrix,
        parse_shape,
        lambda t: split_tuple(t, 2, rest_last=True),
    ):
        try:
            parse(text)
        except AnswerError as exc:
            assert str(exc) and "\n" not in str(exc)


def test_format_number_forms() -> None:
    assert format_number(3.0) == "3"
    assert format_number(2.9999999999) == "3"
    assert format_number(-0.0000001, 6) == "0"
    assert format_number(0.47475, 4) == "0.4748"
    assert format_number(1.23456e-5, sig=5) == "1.2346e-5"
    assert format_number(1e-10, sig=3) == "1e-10"
    assert math.isnan(float(format_number(float("nan"))))


@pytest.mark.parametrize("text", ["x", " × ", "x x"])
def test_separators_alone_are_not_the_empty_shape(text: str) -> None:
    with pytest.raises(AnswerError, match="type a shape"):
        parse_shape(text)


# --- issue 13 #9: what the preview shows is accepted; the real problem is named ---------


def test_the_labelled_form_the_preview_echoes_is_accepted() -> None:
    from dlcards.problems import get_problem

    problem = get_problem("momentum_step")
    for seed in range(20):
        inst = problem.make_instance(level=1 + seed % 3, seed=seed)
        expected = problem.expected_text(inst)
        shown = problem.preview(inst, expected)
        assert isinstance(shown, str) and shown.startswith("v = ")
        assert problem.check(inst, shown, 5.0).status == "correct"
        # Labels in either order, with or without spaces around "=".
        v, x = (part.split("=")[1].strip() for part in shown.split(","))
        assert problem.check(inst, f"x={x}, v={v}", 5.0).status == "correct"


def test_a_labelled_answer_names_what_is_wrong_with_it() -> None:
    from dlcards.problems import AnswerError, get_problem

    problem = get_problem("momentum_step")
    inst = problem.make_instance(level=1, seed=0)
    with pytest.raises(AnswerError, match="given twice"):
        problem.check(inst, "v=1, v=2", 5.0)
    with pytest.raises(AnswerError, match="label every value or none"):
        problem.check(inst, "v=1, 2", 5.0)
    # A label that names no part is named as such (it was "can't read 'a=4.9' as a number").
    with pytest.raises(AnswerError, match="'a' is not one of v, x"):
        problem.check(inst, "a=4.9, b=1.159", 5.0)


def test_values_labelled_with_a_colon_are_read_as_labelled() -> None:
    """`v: 4.9, x: 1.159` (as a dict or a log line writes it) was refused with
    "v: expected a single number, got 2 values"."""
    from dlcards.problems import get_problem

    problem = get_problem("momentum_step")
    inst = problem.make_instance(level=1, seed=3)
    shown = problem.preview(inst, problem.expected_text(inst))
    assert isinstance(shown, str)
    v, x = (part.split("=")[1].strip() for part in shown.split(","))
    assert problem.check(inst, f"x: {x}, v: {v}", 5.0).status == "correct"


@pytest.mark.parametrize(
    "text",
    [
        "array([[1, 2], [3, 4]])",
        "np.array([[1, 2], [3, 4]])",
        "tensor([[1., 2.], [3., 4.]])",
        "tensor([[1., 2.],\n        [3., 4.]], dtype=torch.float64)",
    ],
)
def test_arrays_pasted_from_numpy_or_torch_are_read(text: str) -> None:
    assert parse_matrix(text) == [[1, 2], [3, 4]]


def test_a_real_nesting_error_is_still_named() -> None:
    with pytest.raises(AnswerError, match="too many nested brackets"):
        parse_matrix("[[[1, 2]]]")


def test_labelled_values_without_commas_are_read_and_counted_right() -> None:
    """`v = 4.9 x = 1.159` was refused with "expected 2 values …; got 6" (the labels and
    signs counted as values)."""
    from dlcards.problems import AnswerError, get_problem

    problem = get_problem("momentum_step")
    inst = problem.make_instance(level=1, seed=3)
    shown = problem.preview(inst, problem.expected_text(inst))
    assert isinstance(shown, str)
    assert problem.check(inst, shown.replace(",", ""), 5.0).status == "correct"
    with pytest.raises(AnswerError, match="got 1$"):
        problem.check(inst, "v = 4.9", 5.0)
