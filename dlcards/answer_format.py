"""Formatting answers as a user would type them (DESIGN §9).

Every form parses back with :mod:`dlcards.answers` (which re-exports these names):
the expected answer, a mistake's answer and the preview's echo are all typeable.
Pure Python, like the parsers: no numpy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from dlcards.wording import article, plural


def format_number(value: float, decimals: int = 6, *, sig: int | None = None) -> str:
    """A number as a user would type it: integers without a point, trailing zeros cut.

    ``decimals`` fixes the places after the point; ``sig`` (if given) uses that many
    significant digits instead (for relative tolerances).
    """
    if not math.isfinite(value):
        return str(value)
    # Integers print without a point; the slack absorbs float noise (2.9999999999 → 3),
    # but with significant digits a tiny value must keep them (1e-10 is not 0).
    slack = 0.0 if sig is not None else min(1e-9 * max(1.0, abs(value)), 0.4 * 0.1**decimals)
    if abs(value - round(value)) <= slack and abs(value) < 1e15:
        return str(int(round(value)))
    if sig is not None:
        text = f"{value:.{sig}g}"
        if "e" in text:
            mant, exp = text.split("e")
            mant = mant.rstrip("0").rstrip(".") if "." in mant else mant
            return f"{mant}e{int(exp)}"
    else:
        text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_vector(values: Sequence[float], decimals: int = 6, *, sig: int | None = None) -> str:
    """``1 -2 0.5``: entries separated by spaces."""
    return " ".join(format_number(v, decimals, sig=sig) for v in values)


def format_matrix(
    rows: Sequence[Sequence[float]], decimals: int = 6, *, sig: int | None = None
) -> str:
    """``1 2; 3 4``: rows separated by ``; ``."""
    return "; ".join(format_vector(r, decimals, sig=sig) for r in rows)


def format_array(rows: Sequence[Sequence[float]], decimals: int = 6) -> str:
    """A vector (one row) as :func:`format_vector`, else :func:`format_matrix`."""
    return format_vector(rows[0], decimals) if len(rows) == 1 else format_matrix(rows, decimals)


def format_shape(dims: Sequence[int]) -> str:
    """``10x10`` for two dimensions, ``(1, 16, 30, 30)``, ``(4,)`` and ``()`` otherwise."""
    if len(dims) == 2:
        return f"{dims[0]}x{dims[1]}"
    if len(dims) == 1:
        return f"({dims[0]},)"
    return "(" + ", ".join(str(d) for d in dims) + ")"


def describe_array_shape(rows: int, cols: int, *, vector: bool) -> str:
    """Words for a shape in messages: ``7 numbers``, ``a 3×3 matrix``."""
    if vector:
        return plural(cols, "number")
    return f"{article(rows)} {rows}×{cols} matrix"
