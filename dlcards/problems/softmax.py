"""Softmax with temperature, including the large-logit (stability) variant.

softmax
    params: ``logits`` (2 to 64 values), ``temperature`` (1): p = softmax(z / T).
    Levels: 1 three or four small integer logits; 2 a temperature of 0.5 or 2;
    3 the stability variant (logits near 1000: subtract the max first) or longer
    vectors with a temperature. The needed e^k are shown, for exponents after the
    max shift. Answer: a vector, ±5e-3 each. In the stability variant, answers
    such as ``overflow`` or ``nan`` are read (and named as the missing max shift).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import exp_constants, num, vec
from dlcards.problems.kinds import Kind, Tol
from dlcards.problems.kinds_array import Array

TOL = Tol(abs=5e-3)
BIG = 100.0  # |z/T| from which nobody computes e^(z/T) directly (float32 overflows at 88.7)
OVERFLOW_WORDS = {
    w: "overflow"
    for w in ("overflow", "nan", "inf", "infinity", "not a number", "undefined", "error")
}


def scaled(params: dict[str, Any]) -> np.ndarray:
    return np.asarray(params["logits"], dtype=float) / params["temperature"]


def is_stability_variant(params: dict[str, Any]) -> bool:
    return bool(np.abs(scaled(params)).max() >= BIG)


class Softmax(Problem):
    name = "softmax"

    def generate(self, pick: Picker, level: int) -> None:
        if level == 1:
            n = pick.one([3, 4])
            pick.get("logits", lambda: pick.ints(0, 3, n))
            return
        if level == 3 and pick.rng.random() < 0.5:
            n = pick.one([3, 4])
            base = pick.one([1000, 1000, 500, -1000])
            pick.get("logits", lambda: [base + v for v in pick.ints(0, 3, n)])
            return
        n = pick.one([3, 4, 5] if level == 2 else [5, 6, 7])
        pick.get("logits", lambda: pick.ints(-1, 3, n))
        pick.choice("temperature", [2, 0.5, 2] if level == 2 else [1, 2, 0.5])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        z = scaled(params)
        shifted = z - z.max()
        # distinct values, and every e^k a person needs is small enough to matter
        return len(set(params["logits"])) > 1 and shifted.min() >= -6

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return K.softmax(scaled(params))

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        words = OVERFLOW_WORDS if is_stability_variant(params) else None
        # "overflow"/"nan" are read so the missing max shift can be named, not suggested
        return Array(want.shape, TOL, words=words, hint_words=False)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        t = params["temperature"]
        what = "softmax(z)" if t == 1 else f"softmax(z / T) with temperature T = {num(t)}"
        text = f"Compute {what} for the logits z = {vec(params['logits'])}. Give 3 decimals."
        z = scaled(params)
        return text, [], exp_constants(z - z.max())

    def steps(self, params: dict[str, Any]) -> list[str]:
        t = params["temperature"]
        z = scaled(params)
        m = z.max()
        e = np.exp(z - m)
        steps = []
        if t != 1:
            steps.append(
                f"Divide by T = {num(t)}: z / T = {vec(z)}. (A higher temperature "
                "flattens the distribution, a lower one sharpens it.)"
            )
        if m:
            steps.append(
                f"Subtract the max ({num(m)}): {vec(z - m)}. Softmax is unchanged by "
                "a shift (the factor e^(−max) cancels), and every exponent is now ≤ 0, "
                "so nothing overflows."
            )
        else:
            steps.append(
                "The max is 0, so every exponent is already ≤ 0 (for other logits, "
                "subtract the max first: softmax is unchanged by a shift)."
            )
        if is_stability_variant(params):
            steps.append(
                f"Without the shift, e^{num(m)} would overflow (float32 beyond e^88.7, "
                "float64 beyond e^709.8), and the division would give not-a-number."
            )
        steps.append(f"Exponentiate: {vec(e)}.")
        steps.append(f"Sum: {num(e.sum())}.")
        steps.append(f"Divide each by the sum: {vec(e / e.sum())} (they add up to 1).")
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        t = params["temperature"]
        z = np.asarray(params["logits"], dtype=float)
        if is_stability_variant(params):
            yield (
                (
                    "No max shift: e^z overflows for logits this large. Softmax is unchanged by "
                    "subtracting the max logit, so compute it on z − max(z)."
                ),
                lambda: "overflow",
            )
        if t != 1:
            yield f"Looks like you ignored the temperature (T = {num(t)}).", lambda: K.softmax(z)
            yield (
                (
                    f"Looks like you multiplied by T = {num(t)}; softmax with temperature divides "
                    "the logits by T."
                ),
                lambda: K.softmax(z * t),
            )
        if (z > 0).all():
            yield (
                (
                    "Looks like you divided each logit by their sum; softmax exponentiates "
                    "first (which is why it is not scale-invariant)."
                ),
                lambda: z / z.sum(),
            )
        zs = scaled(params)
        yield (
            "Looks like you used 10^z instead of e^z.",
            lambda: (10 ** (zs - zs.max())) / (10 ** (zs - zs.max())).sum(),
        )
        yield "Looks like you stopped before dividing by the sum.", lambda: np.exp(zs - zs.max())
