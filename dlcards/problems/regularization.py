"""Batch normalization, inverted dropout, and the update-to-weight ratio.

batchnorm_forward
    params: ``x`` (a batch of one feature, or N×D), ``gamma`` (1), ``beta`` (0), ``eps``
    (1e-5). Training mode: each feature is normalized with the batch mean and the
    biased batch variance (divide by N), then y = γ·x̂ + β.
    Levels: 1 a batch of 4 whose variance is a perfect square, γ = 1, β = 0; 2 with
    γ and β; 3 a variance that is not a square (square roots shown).
    Answer: a vector (a matrix for N×D), ±5e-3 each.

dropout_scale
    params: ``x`` (activations), ``mask`` (1 = kept, 0 = dropped), ``p`` (the drop
    probability). Inverted dropout in training: kept units are divided by 1 − p.
    Levels: 1 p = 0.5 or 0.2; 2 p = 0.25, 0.1 or 0.4. Answer: a vector, ±5e-3 each.

update_ratio
    params: ``weight`` (W), ``grad`` (dW), ``lr``. Asks ‖lr·dW‖ / ‖W‖ (Frobenius norms)
    and a verdict against the ~1e-3 rule of thumb: ``too low`` below 1e-4, ``too high``
    above 1e-2, else ``ok``.
    Levels: 1 vectors; 2 2×2 matrices. Answer: ``ratio, verdict``; relative 1e-2.
"""

from __future__ import annotations

import itertools
import math
from functools import cache
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem, Reject, constant
from dlcards.problems.core import Grid
from dlcards.problems.fmt import grid, num, nums, sci, signed, sqrt_const, vec
from dlcards.problems.kinds import Kind, Scalar, Tol, Words
from dlcards.problems.kinds_array import Array
from dlcards.problems.kinds_tuple import Tuple

TOL = Tol(abs=5e-3)


def _bn_inputs(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.asarray(p["x"], dtype=float)
    x2 = x[:, None] if x.ndim == 1 else x
    d = x2.shape[1]
    gamma = np.broadcast_to(np.asarray(p["gamma"], dtype=float), (d,))
    beta = np.broadcast_to(np.asarray(p["beta"], dtype=float), (d,))
    return x2, gamma, beta


def batchnorm(
    p: dict[str, Any],
    *,
    ddof: int = 0,
    affine: bool = True,
    swap: bool = False,
    by_var: bool = False,
    center: bool = True,
    beta_first: bool = False,
) -> np.ndarray:
    """The reference through the kernel (defaults), or a mistaken variant."""
    x, gamma, beta = _bn_inputs(p)
    if (ddof, affine, swap, by_var, center, beta_first) == (0, True, False, False, True, False):
        y = K.batch_norm(x, gamma, beta, p["eps"])
    else:
        mu = x.mean(axis=0) if center else 0.0
        var = x.var(axis=0, ddof=ddof)
        xhat = (x - mu) / (var + p["eps"] if by_var else np.sqrt(var + p["eps"]))
        g, b = (beta, gamma) if swap else (gamma, beta)
        y = ((xhat + b) * g if beta_first else g * xhat + b) if affine else xhat
    return y[:, 0] if np.ndim(p["x"]) == 1 else y


@cache
def _deviations() -> dict[int, list[tuple[int, ...]]]:
    """Four integer deviations summing to 0, grouped by their sum of squares."""
    out: dict[int, list[tuple[int, ...]]] = {}
    for d in itertools.product(range(-5, 6), repeat=3):
        full = (*d, -sum(d))
        if abs(full[3]) <= 5:
            out.setdefault(sum(v * v for v in full), []).append(full)
    return out


class BatchnormForward(Problem):
    name = "batchnorm_forward"

    def generate(self, pick: Picker, level: int) -> None:
        def batch() -> list[int]:
            # Built from deviations around an integer mean, so σ² is known in advance:
            # a perfect square at levels 1-2, a plain number at level 3.
            options = [4, 16, 36] if level < 3 else [8, 10, 12, 20, 24, 30, 40]
            sumsq = pick.one([k for k in options if k in _deviations()])
            d = pick.one(_deviations()[sumsq])
            mu = pick.one([m for m in range(10) if 0 <= m + min(d) and m + max(d) <= 9])
            return [mu + v for v in d]

        pick.get("x", batch)
        if level >= 2:
            pick.choice("gamma", [2, 0.5, 3, 2])
            pick.choice("beta", [-1, 1, 0.5, 2])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        x = np.asarray(params["x"], dtype=float)
        if x.ndim != 1:
            return True
        var = x.var()
        square = math.isqrt(int(var)) ** 2 == var if var.is_integer() else False
        if not x.mean().is_integer() or var == 0:
            return False
        # levels 1-2: σ is a whole number; level 3: a variance with a "real" square root
        return square if level < 3 else (not square and (4 * var).is_integer())

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return batchnorm(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        x, gamma, beta = _bn_inputs(params)
        setting = f"γ = {nums(gamma)}, β = {nums(beta)}, ε = {sci(params['eps'])}"
        if np.ndim(params["x"]) == 1:
            text = (
                f"Batch normalization in training mode normalizes one feature over a batch "
                f"of {len(x)} examples with the batch's own statistics: x = "
                f"{vec(params['x'])}, {setting}. What is the output y? Give 3 decimals."
            )
            grids: list[Grid] = []
        else:
            text = (
                f"Batch normalization in training mode over a batch of {x.shape[0]} (one row "
                f"per example, one column per feature), {setting} (one per feature). What "
                "is the output y? Give 3 decimals."
            )
            grids = [grid("x", x)]
        var = x.var(axis=0)
        constants = []
        if not all(math.sqrt(v).is_integer() for v in var):
            # Only the biased (÷N) variance that batch norm uses: showing the ÷(N − 1)
            # one as well put a constant on the card that no step needs (issue 14).
            constants = [sqrt_const(v) for v in sorted({float(v) for v in var})]
        return text, grids, constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        x, gamma, beta = _bn_inputs(params)
        out = []
        for j in range(x.shape[1]):
            col = x[:, j]
            mu, var = col.mean(), col.var()
            sd = math.sqrt(var + params["eps"])
            xhat = (col - mu) / sd
            which = f"Feature {j + 1}: " if x.shape[1] > 1 else ""
            squares = " + ".join(num((v - mu) ** 2) for v in col)
            total = " + ".join(num(v) for v in col)
            out += [
                f"{which}mean μ = ({total}) / {len(col)} = {num(mu)}.",
                f"Variance σ² = ({squares}) / {len(col)} = {num(var)} — divided by N, the "
                "biased batch variance batch norm normalizes with (PyTorch's running_var for "
                "eval mode is updated with N − 1, a separate thing).",
                f"x̂ = (x − μ) / √(σ² + ε) = (x − {num(mu)}) / {num(sd)} = {vec(xhat)}.",
                f"y = γ·x̂ + β = {num(gamma[j])}·x̂{signed(beta[j])} = "
                f"{vec(gamma[j] * xhat + beta[j])}.",
            ]
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        yield (
            (
                "Looks like you used the sample variance (divide by N − 1); batch norm "
                "normalizes with the biased variance (divide by N)."
            ),
            lambda: batchnorm(params, ddof=1),
        )
        yield (
            "Looks like you stopped at x̂: scale by γ and shift by β.",
            lambda: batchnorm(params, affine=False),
        )
        yield "Looks like you swapped γ and β: y = γ·x̂ + β.", lambda: batchnorm(params, swap=True)
        yield (
            "Looks like you added β before scaling by γ: y = γ·x̂ + β.",
            lambda: batchnorm(params, beta_first=True),
        )
        yield (
            ("Looks like you divided by the variance; divide by the standard deviation √(σ² + ε)."),
            lambda: batchnorm(params, by_var=True),
        )
        yield "Looks like you forgot to subtract the mean.", lambda: batchnorm(params, center=False)


class DropoutScale(Problem):
    name = "dropout_scale"

    def generate(self, pick: Picker, level: int) -> None:
        n = pick.one([4, 5, 6])
        pick.get("x", lambda: pick.ints(1 if level == 1 else -3, 9, n))
        size = len(pick.params["x"])
        pick.get("mask", lambda: pick.ints(0, 1, size))
        pick.choice("p", [0.5, 0.2] if level == 1 else [0.25, 0.1, 0.4])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return 0 < sum(params["mask"]) < len(params["mask"])

    @staticmethod
    def _out(params: dict[str, Any], scale: float | None = None, drop: bool = True) -> np.ndarray:
        # kernels.dropout draws its own mask from an rng; with the mask given, apply the same
        # inverted-dropout rule it uses (survivors · 1/(1 − p), dropped → 0).
        x, mask = np.asarray(params["x"], float), np.asarray(params["mask"], bool)
        s = 1 / (1 - params["p"]) if scale is None else scale
        return np.where(mask, x * s, 0.0) if drop else x * s

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return self._out(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        p = params["p"]
        text = (
            f"Inverted dropout in training mode (as nn.Dropout) with drop probability "
            f"p = {num(p)}: each unit is dropped with probability {num(p)}. The sampled mask "
            f"is m = {vec(params['mask'])} (1 = kept, 0 = dropped). For the activations "
            f"x = {vec(params['x'])}, what does the layer output? Give 3 decimals."
        )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        p = params["p"]
        return [
            f"Kept units are scaled by 1/(1 − p) = 1/{num(1 - p)} = {num(1 / (1 - p))}, so the "
            "expected output equals x and nothing changes at test time; dropped units "
            "output 0.",
            f"y = {vec(self.solve(params))}.",
            f"p is the drop probability in today's frameworks: p = {num(p)} drops about "
            f"{num(p * 100)}% of the units.",
        ]

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        p = params["p"]
        yield (
            "Looks like you forgot the dropout scale 1/(1 − p) on the kept units.",
            lambda: self._out(params, scale=1.0),
        )
        yield (
            (
                "Looks like you treated p as the keep probability (scale 1/p); p is the drop "
                "probability."
            ),
            lambda: self._out(params, scale=1 / p),
        )
        yield (
            "Looks like you scaled every unit but dropped none: apply the mask too.",
            lambda: self._out(params, drop=False),
        )
        yield (
            (
                "Looks like you multiplied by (1 − p): that is the old, non-inverted dropout's "
                "test-time scaling; inverted dropout divides the kept units by 1 − p."
            ),
            lambda: self._out(params, scale=1 - p),
        )


RATIO_WORDS = {
    w: c
    for c, ws in (
        ("too low", ("too low", "low", "too small", "small")),
        ("ok", ("ok", "okay", "fine", "good", "healthy", "about right", "right")),
        ("too high", ("too high", "high", "too large", "too big", "large")),
    )
    for w in ws
}
# Vectors with whole-number norms, so ‖·‖ is hand-computable.
_NICE_VECTORS = [
    (3, 4),
    (6, 8),
    (1, 2, 2),
    (2, 3, 6),
    (1, 4, 8),
    (2, 6, 9),
    (4, 4, 7),
    (1, 2, 2, 4),
    (2, 4, 5, 6),
    (1, 1, 1, 1),
    (2, 2, 1, 4),
]


def verdict(ratio: float) -> str:
    return "too low" if ratio < 1e-4 else "too high" if ratio > 1e-2 else "ok"


def _norm(a: Any, order: str = "fro") -> float:
    v = np.asarray(a, dtype=float).ravel()
    return float(np.abs(v).sum()) if order == "l1" else float(np.sqrt((v * v).sum()))


class UpdateRatio(Problem):
    name = "update_ratio"

    def generate(self, pick: Picker, level: int) -> None:
        pinned = [pick.params[k] for k in ("weight", "grad") if k in pick.params]
        shape = np.shape(pinned[0]) if pinned else (2, 2) if level == 2 else None

        def nice_vector(scale: float) -> Any:
            size = None if shape is None else int(np.prod(shape))
            options = [v for v in _NICE_VECTORS if size is None or len(v) == size]
            if not options:  # a pinned size without whole-number norms: small integers
                return (pick.rng.integers(1, 4, size=shape) * scale).round(6).tolist()
            base = np.array(pick.one(options), dtype=float)
            base *= pick.rng.choice([-1, 1], size=len(base)) * scale
            return base.reshape(shape or base.shape).round(6).tolist()

        pick.get("weight", lambda: nice_vector(pick.one([1, 0.1])))
        pick.get("grad", lambda: nice_vector(pick.one([1, 0.1, 0.01])))
        if np.shape(pick.params["weight"]) != np.shape(pick.params["grad"]):
            raise Reject
        # Aim at a verdict first, so the three are equally common.
        lo, hi = pick.one([(1e-5, 5e-5), (3e-4, 3e-3), (3e-2, 1.0)])
        base = self._ratio(pick.params | {"lr": 1})
        fits = [lr for lr in (1, 0.1, 0.01, 0.001, 0.0001) if lo <= lr * base <= hi]
        pick.choice("lr", fits or [0.01])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        r = self._ratio(params)
        return 1e-5 <= r <= 5e-5 or 3e-4 <= r <= 3e-3 or 3e-2 <= r <= 1

    @staticmethod
    def _ratio(params: dict[str, Any], *, lr: bool = True, order: str = "fro") -> float:
        step = (params["lr"] if lr else 1.0) * _norm(params["grad"], order)
        return step / _norm(params["weight"], order)

    def solve(self, params: dict[str, Any]) -> tuple[float, str]:
        r = self._ratio(params)
        return r, verdict(r)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Tuple(
            [
                ("ratio", Scalar(Tol(rel=1e-2))),
                ("verdict", Words(RATIO_WORDS, "too low, ok or too high")),
            ],
            "ratio, verdict — e.g. 0.002, ok (verdict: too low, ok or too high)",
        )

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        text = (
            f"A layer's weights W and gradient dW are below; the learning rate is "
            f"η = {num(params['lr'])} (plain SGD, so the update is η·dW). What is the "
            "update-to-weight ratio ‖η·dW‖ / ‖W‖ (Frobenius norms), and is it healthy? "
            "Rule of thumb: about 1e-3 is healthy; call it too low below 1e-4 and too high "
            "above 1e-2."
        )
        return text, [grid("W", params["weight"]), grid("dW", params["grad"])], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        w, g, lr = params["weight"], params["grad"], params["lr"]
        r, word = self.solve(params)
        squares = " + ".join(num(v * v, 6) for v in np.asarray(w, float).ravel())
        advice = {
            "too low": "the learning rate is probably too low: learning is slow",
            "ok": "a healthy rate of change",
            "too high": "the learning rate is probably too high: training may be unstable",
        }[word]
        return [
            f"‖W‖ = √({squares}) = {num(_norm(w), 6)}.",
            f"‖dW‖ = {num(_norm(g), 6)}, so ‖η·dW‖ = {num(lr)}·{num(_norm(g), 6)} = "
            f"{num(lr * _norm(g), 8)}.",
            f"Ratio = {num(lr * _norm(g), 8)} / {num(_norm(w), 6)} = {num(r, 8)}: {word} — "
            f"{advice}.",
        ]

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        r, word = self.solve(params)

        def with_verdict(value: float) -> tuple[float, str]:
            return value, verdict(value)

        yield (
            "Looks like you left out the learning rate: the update is η·dW.",
            lambda: with_verdict(self._ratio(params, lr=False)),
        )
        yield "Looks like you inverted the ratio: it is ‖η·dW‖ / ‖W‖.", lambda: with_verdict(1 / r)
        yield (
            "Looks like you used sums of absolute values; use Frobenius (L2) norms.",
            lambda: with_verdict(self._ratio(params, order="l1")),
        )
        for other in ("too low", "ok", "too high"):
            if other != word:
                yield (
                    (
                        f"The ratio is right, but {num(r, 8)} is {word}: healthy is about 1e-3 "
                        "(1e-4 to 1e-2)."
                    ),
                    constant((r, other)),
                )
