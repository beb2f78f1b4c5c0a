"""Display formatting shared by the problems: numbers, grids, constants.

Prompts use the Unicode minus and superscripts (``e⁻²``); the typed forms
(:mod:`dlcards.answers`) stay ASCII so they are easy to type and parse back.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from dlcards.answers import format_number
from dlcards.problems.core import Grid

if TYPE_CHECKING:  # numpy loads in grid(), when a problem first shows one (issue 13)
    import numpy as np

_SUPER = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def num(x: float, decimals: int = 4) -> str:
    """A number for display: integers without a point, Unicode minus."""
    return format_number(float(x), decimals).replace("-", "−")


def nums(values: Iterable[float], decimals: int = 4, sep: str = ", ") -> str:
    return sep.join(num(v, decimals) for v in values)


def vec(values: Iterable[float], decimals: int = 4) -> str:
    """``[1, −2, 0.5]``"""
    return "[" + nums(values, decimals) + "]"


def signed(x: float, decimals: int = 4) -> str:
    """`` + 3`` / `` − 3`` for writing sums: ``2 − 3`` rather than ``2 + −3``."""
    return (" − " if x < 0 else " + ") + num(abs(x), decimals)


def term(coef: float, var: str, decimals: int = 4) -> str:
    """``3·x`` or ``(−3)·x``: negative factors in parentheses."""
    c = num(coef, decimals)
    return f"({c})·{var}" if coef < 0 else f"{c}·{var}"


def paren(x: float, decimals: int = 4) -> str:
    """A number, in parentheses when negative: ``(−1)``."""
    text = num(x, decimals)
    return f"({text})" if x < 0 else text


def times(a: float, b: float, decimals: int = 4) -> str:
    """``(−2)·3``, ``2·(−1)``: negative factors in parentheses."""
    return f"{paren(a, decimals)}·{paren(b, decimals)}"


def dot_text(xs: Iterable[float], ws: Iterable[float], decimals: int = 4) -> str:
    """``1·2 + 3·(−1) + …``"""
    return " + ".join(times(x, w, decimals) for x, w in zip(xs, ws, strict=True))


def sup(n: int) -> str:
    """An integer as superscript: ``-2`` → ``⁻²``."""
    return str(n).translate(_SUPER)


def power(base: str, exponent: float, caret: bool = False) -> str:
    """``e⁻²`` for integer exponents, ``e^(−0.5)`` otherwise or when ``caret``."""
    if float(exponent).is_integer() and not caret:
        return f"{base}{sup(int(exponent))}"
    return f"{base}^({num(exponent)})"


def num_sig(x: float, digits: int = 4) -> str:
    """A number with ``digits`` significant digits (small constants keep their precision)."""
    return format_number(float(f"{x:.{digits}g}"), 12).replace("-", "−")


def sci(x: float) -> str:
    """``1e−5`` for small constants such as ε (3 significant digits)."""
    return format_number(float(x), sig=3).replace("-", "−")


def exp_const(k: float, caret: bool = False) -> str:
    """``e⁻² ≈ 0.1353``, ``e⁻⁶ ≈ 0.002479`` (4 significant digits); ``e^(−2)`` if ``caret``."""
    if abs(k) > 700:  # beyond float64 (e^710 overflows): say its size instead
        return f"{power('e', k, caret)} ≈ 10^{k / math.log(10):.0f}"
    return f"{power('e', k, caret)} ≈ {num_sig(math.exp(k), 5 if k > 0 else 4)}"


def ln_const(v: float) -> str:
    """``ln 2 ≈ 0.6931``"""
    return f"ln {num(v)} ≈ {num(math.log(v))}"


def sqrt_const(v: float, decimals: int = 4) -> str:
    """``√5 ≈ 2.2361``"""
    return f"√{num(v, decimals)} ≈ {num(math.sqrt(v), decimals)}"


def exp_constants(exponents: Iterable[float]) -> list[str]:
    """Distinct non-zero exponents, largest first, as ``e^k`` constants.

    One notation per line: superscripts when every exponent is whole (``e⁻²``), else
    ``e^(…)`` for all of them, not "e^(−0.5) ≈ 0.6065   e⁻² ≈ 0.1353" (known issue 6).
    """
    seen = sorted({round(float(k), 9) for k in exponents if abs(k) > 1e-12}, reverse=True)
    caret = not all(float(k).is_integer() for k in seen)
    return [exp_const(k, caret) for k in seen]


def grid(label: str, values: np.ndarray | Sequence, decimals: int = 4) -> Grid:
    """A vector (one row) or a matrix as a :class:`Grid` with a ``(r×c)`` label suffix."""
    import numpy as np

    a = np.asarray(values, dtype=float)
    rows = a.reshape(1, -1) if a.ndim == 1 else a
    size = f"{a.shape[0]}" if a.ndim == 1 else f"{a.shape[0]}×{a.shape[1]}"
    cells = [[num(v, decimals) for v in row] for row in rows]
    return Grid(label=f"{label} ({size})", rows=cells)


def shape_text(shape: Sequence[int]) -> str:
    """``3×4`` (or ``(5,)`` for a vector) for prose."""
    if len(shape) == 1:
        return f"({shape[0]},)"
    return "×".join(str(d) for d in shape)
