"""Answer kinds: how a problem's answer is parsed, formatted and compared.

Every problem picks one kind per instance (a scalar with a tolerance, a vector,
a matrix, a shape, a tuple, a word…). The kinds hold the shared checking logic
of DESIGN §9: tolerances, "close" within 10× the tolerance, shape messages.

Values: numbers are floats, arrays are float ndarrays (the array kind is in
``kinds_array``), shapes are int tuples, tuples are Python tuples, and words are
``str`` (canonical spelling).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dlcards import answers as A
from dlcards.answers import AnswerError
from dlcards.problems.core import Grid, Status
from dlcards.problems.fmt import num

Compared = tuple[Status, str]


@dataclass(frozen=True)
class Tol:
    """Absolute and/or relative tolerance; both zero means exact."""

    abs: float = 0.0
    rel: float = 0.0

    def bound(self, want: Any, scale: float = 1.0) -> Any:
        """Allowed |error| around ``want`` (a float or an ndarray, elementwise)."""
        import numpy as np  # here, not at the top: a counting card shows without it

        size = np.abs(want)
        # A tiny slack so exact answers survive float round-off (0.1 + 0.2).
        return scale * (self.abs + self.rel * size) + 1e-9 * np.maximum(1.0, size)

    def text(self) -> str:
        if self.rel:
            return f"±{num(self.rel * 100, 3)}%"
        return f"±{num(self.abs, 8)}" if self.abs else "exact"

    def fmt(self, value: float) -> str:
        """The typed form, precise enough to parse back within the tolerance."""
        if self.rel:
            return A.format_number(value, sig=math.ceil(-math.log10(self.rel)) + 2)
        # Exact answers are usually integers; other values (a mistake's answer, a deck's
        # decimals) keep enough digits to parse back within the tiny exact slack.
        return A.format_number(value, self.decimals())

    def decimals(self) -> int:
        """Places after the point that this absolute tolerance asks for (10 when exact).

        Rounding to them errs by at most half of 10**-places, which is within ``abs``;
        prompts say "Give N decimals" with this N, and the expected answer is shown so
        (issue 13: "Give 3 decimals" beside 0.2689).
        """
        if not self.abs:
            return 10
        # round() first: log10(1e-3) may come out a hair off -3 and ceil would add a place.
        return max(0, math.ceil(round(-math.log10(self.abs), 9)))

    def finer(self) -> Tol:
        """Ten times tighter: a mistake's answer keeps one more place, so that once typed
        it is not taken for a neighbouring mistake less than 1.5 tolerances away."""
        return Tol(self.abs / 10, self.rel / 10)


EXACT = Tol()
# A mistake's answer that is not a whole number (an average where a maximum was due…)
# is typed rounded; recognize it within this, even when the right answer is exact.
TYPED = Tol(abs=5e-3)


def _words_text(words: Mapping[str, str]) -> str:
    return ", ".join(dict.fromkeys(words.values()))


def _parse_word(text: str, words: Mapping[str, str] | None) -> str | None:
    return A.match_word(text, words) if words else None


class Kind:
    """Base class: parse → value, format value → typed text, compare two values.

    ``swaps`` pairs an example typed in the hint with replacements: an example that
    happens to be this instance's answer would give it away (issue 14), so
    :meth:`hint_for` swaps it for the first replacement that is not the answer.
    """

    hint: str = ""
    swaps: Sequence[tuple[str, Sequence[str]]] = ()

    def hint_for(self, want: Any) -> str:
        """The hint, with no example in it equal to ``want``."""
        hint = self.hint
        for example, replacements in self.swaps:
            if example in hint and self._is_answer(example, want):
                spare = next((r for r in replacements if not self._is_answer(r, want)), None)
                if spare is not None:
                    hint = hint.replace(example, spare)
        return hint

    def _is_answer(self, text: str, want: Any) -> bool:
        try:
            return self.same(self.parse(text), want)
        except (AnswerError, ValueError, TypeError):
            return False

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        raise NotImplementedError

    def compare(self, got: Any, want: Any) -> Compared:
        raise NotImplementedError

    def same(self, got: Any, other: Any) -> bool:
        """Equal within tolerance (used to recognize a mistake's answer)."""
        return self.compare(got, other)[0] == "correct"

    def format_mistake(self, value: Any) -> str:
        """A mistake's answer as typed (rounded like a person would, where that is enough)."""
        return self.format(value)

    def _loose(self, tol: Tol, other: Any) -> Tol:
        """The tolerance for recognizing ``other``: exact only for whole numbers."""
        import numpy as np

        if tol == EXACT and not isinstance(other, str):
            values = np.asarray(other, dtype=float)
            if not np.all(values == np.round(values)):
                return TYPED
        return tol

    def show(self, value: Any) -> Grid | str:
        """The parsed value for the live preview."""
        return self.format(value)


def _word_compare(got: Any, want: Any) -> Compared | None:
    """Verdict when a word is involved on either side, else None."""
    if isinstance(got, str) or isinstance(want, str):
        same = isinstance(got, str) and isinstance(want, str) and got == want
        return ("correct", "Correct.") if same else ("wrong", "Wrong.")
    return None


class Scalar(Kind):
    def __init__(
        self, tol: Tol = EXACT, words: Mapping[str, str] | None = None, hint: str | None = None
    ) -> None:
        self.tol, self.words = tol, words
        base = "an integer" if tol == EXACT else "a number (3/4 or 1e-3 are fine)"
        self.swaps = (("3/4", ("2/5", "5/8")), ("1e-3", ("5e-2", "2e3")))
        self.hint = hint or (base + (f", or {_words_text(words)}" if words else ""))

    def parse(self, text: str) -> float | str:
        word = _parse_word(text, self.words)
        if word is not None:
            return word
        try:
            return A.parse_number(text)
        except AnswerError as exc:
            if self.words:
                raise AnswerError(f"{exc}; or type {_words_text(self.words)}") from None
            raise

    def format(self, value: float | str) -> str:
        return value if isinstance(value, str) else self.tol.fmt(float(value))

    def compare(self, got: float | str, want: float | str) -> Compared:
        worded = _word_compare(got, want)
        if worded:
            return worded
        diff = abs(float(got) - float(want))
        if diff <= self.tol.bound(float(want)):
            return "correct", "Correct."
        if self.tol != EXACT and diff <= self.tol.bound(float(want), 10):
            return "close", (
                f"Close: {self.format(got)} vs {self.format(want)} (tolerance {self.tol.text()})"
            )
        return "wrong", "Wrong."

    def same(self, got: float | str, other: float | str) -> bool:
        return Scalar(self._loose(self.tol, other), self.words).compare(got, other)[0] == "correct"

    def format_mistake(self, value: float | str) -> str:
        return Scalar(self._loose(self.tol, value).finer(), self.words).format(value)

    def show(self, value: float | str) -> str:
        return value if isinstance(value, str) else f"= {num(float(value), 6)}"


class Shape(Kind):
    """A tensor shape, or a word such as ``error``.

    ``square_ok``: a bare number n stands for n×n when a square 2-D shape is expected
    (parsed so, so the preview and the check read it alike; ``(n,)`` stays 1-D).
    ``tuples``: every shape written ``(2, 4)``, as the hint's example is, not ``2x4``
    for two dimensions. The hint's example, the preview and the expected answer use
    one notation (known issue 5: "e.g. 2x3x4", "→ shape 4×11×8×8", "(4, 8, 11, 8)").
    """

    def __init__(
        self,
        words: Mapping[str, str] | None = None,
        *,
        square_ok: bool = False,
        tuples: bool = False,
        hint: str | None = None,
    ) -> None:
        self.words, self.square_ok, self.tuples = words, square_ok, tuples
        self.swaps = (
            ("10x10", ("7x7", "12x12")),
            ("(1, 16, 30, 30)", ("(8, 3, 28, 28)", "(2, 8, 5, 5)")),
            ("(2, 4)", ("(3, 5)", "(4, 2)")),
        )
        self.hint = hint or (
            "a shape like 10x10 or (1, 16, 30, 30)"
            + (f", or {_words_text(words)}" if words else "")
        )

    def parse(self, text: str) -> tuple[int, ...] | str:
        word = _parse_word(text, self.words)
        if word is not None:
            return word
        try:
            dims = A.parse_shape(text)
        except AnswerError as exc:
            if self.words:
                raise AnswerError(f"{exc}; or type {_words_text(self.words)}") from None
            raise
        if self.square_ok and len(dims) == 1 and A.normalize(text).isdecimal():
            return (dims[0], dims[0])  # a bare "29" is 29x29; "(29,)" stays one dimension
        return dims

    def format(self, value: tuple[int, ...] | str) -> str:
        if isinstance(value, str):
            return value
        if self.tuples and len(value) > 1:
            return "(" + ", ".join(str(d) for d in value) + ")"
        return A.format_shape(value)

    def compare(self, got: tuple[int, ...] | str, want: tuple[int, ...] | str) -> Compared:
        worded = _word_compare(got, want)
        if worded:
            return worded
        assert not isinstance(got, str) and not isinstance(want, str)
        if tuple(got) == tuple(want):
            return "correct", "Correct."
        if len(got) == len(want) and sum(a != b for a, b in zip(got, want, strict=True)) == 1:
            return "close", "Close: one dimension is off."
        if len(got) != len(want):
            return "wrong", f"Wrong: expected {len(want)} dimensions, got {len(got)}."
        return "wrong", "Wrong."

    def show(self, value: tuple[int, ...] | str) -> str:
        return value if isinstance(value, str) else "shape " + self.format(value)


class Words(Kind):
    """One word from a synonym table (``{typed: canonical}``)."""

    def __init__(self, words: Mapping[str, str], hint: str | None = None) -> None:
        self.words = words
        self.hint = hint or "one of: " + _words_text(words)

    def parse(self, text: str) -> str:
        word = A.match_word(text, self.words)
        if word is None:
            shown = A.normalize(text)[:30]
            raise AnswerError(f"'{shown}' is not one of: {_words_text(self.words)}")
        return word

    def format(self, value: str) -> str:
        return value

    def compare(self, got: str, want: str) -> Compared:
        return ("correct", "Correct.") if got == want else ("wrong", "Wrong.")
