"""The array answer kind: a vector or a matrix, compared entry by entry.

Apart from ``kinds`` so that the scalar, shape and word kinds load without numpy
(issue 13: a card that only counts is shown without it); array problems load numpy
with their own modules anyway.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from dlcards import answers as A
from dlcards.answers import AnswerError
from dlcards.problems.core import Grid
from dlcards.problems.fmt import grid
from dlcards.problems.kinds import (
    EXACT,
    Compared,
    Kind,
    Tol,
    _parse_word,
    _word_compare,
    _words_text,
)
from dlcards.wording import article


def _describe(shape: tuple[int, ...]) -> str:
    return A.describe_array_shape(
        1 if len(shape) == 1 else shape[0], shape[-1], vector=len(shape) == 1
    )


class Array(Kind):
    """A vector (``shape = (n,)``) or a matrix (``(r, c)``) compared entry by entry.

    ``reveal`` puts the shape in the hint; off when finding the output shape is
    part of the exercise (conv, pooling).
    """

    def __init__(
        self,
        shape: tuple[int, ...],
        tol: Tol = EXACT,
        *,
        reveal: bool = True,
        words: Mapping[str, str] | None = None,
        hint_words: bool = True,
    ) -> None:
        self.shape, self.tol, self.words = shape, tol, words
        if len(shape) == 1:
            self.hint = (
                f"{shape[0]} numbers separated by spaces"
                if reveal
                else "numbers separated by spaces"
            )
        else:
            self.hint = (
                f"{article(shape[0])} {shape[0]}×{shape[1]} matrix, rows separated by ;"
                if reveal
                else "a matrix, rows separated by ; (e.g. 1 2; 3 4)"
            )
        self.swaps = (("1 2; 3 4", ("2 0; 1 3", "0 1; 5 2")),)
        if words and hint_words:  # off when the words only serve to name a mistake
            self.hint += f", or {_words_text(words)}"

    def parse(self, text: str) -> np.ndarray | str:
        word = _parse_word(text, self.words)
        if word is not None:
            return word
        rows = A.parse_array(text)
        flat = [v for r in rows for v in r]
        if len(self.shape) == 1:
            if len(rows) == 1 or all(len(r) == 1 for r in rows):
                return np.array(flat)
            raise AnswerError(
                f"expected {self.shape[0]} numbers in one row, "
                f"got {article(len(rows))} {len(rows)}×{len(rows[0])} matrix"
            )
        r, c = self.shape
        if (len(rows) == 1 or all(len(row) == 1 for row in rows)) and (r == 1 or c == 1):
            # A row or column typed either way round: only the count matters.
            return np.array(flat).reshape(r, c) if len(flat) == r * c else np.array([flat])
        if len(rows) == 1 and r > 1 and len(flat) == r * c:
            raise AnswerError(
                f"expected {article(r)} {r}×{c} matrix: separate its {r} rows with ; "
                f"(got one row of {len(flat)} numbers)"
            )
        return np.array(rows)

    def format(self, value: np.ndarray | str) -> str:
        if isinstance(value, str):
            return value
        a = np.asarray(value, dtype=float)
        cell = [[self.tol.fmt(float(v)) for v in row] for row in np.atleast_2d(a)]
        if a.ndim == 1:
            return " ".join(cell[0])
        return "; ".join(" ".join(row) for row in cell)

    def compare(self, got: np.ndarray | str, want: np.ndarray | str) -> Compared:
        worded = _word_compare(got, want)
        if worded:
            return worded
        g, w = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
        if g.shape != w.shape:
            return "wrong", f"Expected {_describe(w.shape)}, got {_describe(g.shape)}."
        diff = np.abs(g - w)
        bound = self.tol.bound(w)
        off = diff > bound
        if not off.any():
            return "correct", "Correct."
        k, n = int(off.sum()), w.size
        if self.tol != EXACT and (diff <= self.tol.bound(w, 10)).all():
            i = np.unravel_index(int(np.argmax(diff - bound)), w.shape)
            return "close", (
                f"Close: {k} of {n} entries off by more than {self.tol.text()} "
                f"(worst: {self.tol.fmt(float(g[i]))} vs {self.tol.fmt(float(w[i]))})"
            )
        return "wrong", f"Wrong: {k} of {n} entries differ."

    def same(self, got: np.ndarray | str, other: np.ndarray | str) -> bool:
        loose = Array(self.shape, self._loose(self.tol, other), words=self.words)
        return loose.compare(got, other)[0] == "correct"

    def format_mistake(self, value: np.ndarray | str) -> str:
        loose = self._loose(self.tol, value).finer()
        return Array(self.shape, loose, words=self.words).format(value)

    def show(self, value: np.ndarray | str) -> Grid | str:
        return value if isinstance(value, str) else grid("your answer", value, 6)
