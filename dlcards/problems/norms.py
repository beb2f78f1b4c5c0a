"""Layer normalization and RMS normalization of a token's features.

layer_norm
    params: ``x`` (one vector of features, or one row per token), ``gamma`` (1),
    ``beta`` (0), ``eps`` (1e-5). Each row is normalized with its own mean and
    biased variance (divide by the feature count), then y = γ·x̂ + β (Ba et al. 2016).
    Levels: 1 four features whose variance is a perfect square; 2 with γ and β;
    3 two tokens, or a variance that is not a square (square roots shown).
    Answer: a vector (a matrix for several tokens), ±5e-3 each.

rms_norm
    params: ``x``, ``weight`` (1), ``eps`` (1e-6). y = x / √(mean(x²) + ε) · g: no
    mean subtracted, no shift (Zhang & Sennrich 2019; T5, Llama).
    Levels: 1 four features whose mean square is a perfect square; 2 with a weight;
    3 two tokens, or a mean square that is not a square. Answer as layer_norm.
"""

from __future__ import annotations

import itertools
import math
from functools import cache
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import grid, num, sci, signed, sqrt_const, vec
from dlcards.problems.kinds import Kind, Tol
from dlcards.problems.kinds_array import Array

TOL = Tol(abs=5e-3)


def _rows(p: dict[str, Any], key: str) -> tuple[np.ndarray, np.ndarray]:
    x = np.atleast_2d(np.asarray(p["x"], dtype=float))
    w = np.broadcast_to(np.asarray(p[key], dtype=float), (x.shape[1],))
    return x, w


def _shaped(p: dict[str, Any], y: np.ndarray) -> np.ndarray:
    return y[0] if np.ndim(p["x"]) == 1 else y


def layer_norm(
    p: dict[str, Any],
    *,
    ddof: int = 0,
    affine: bool = True,
    swap: bool = False,
    by_var: bool = False,
    center: bool = True,
    over_batch: bool = False,
) -> np.ndarray:
    """The reference through the kernel (defaults), or a mistaken variant."""
    x, gamma = _rows(p, "gamma")
    _, beta = _rows(p, "beta")
    if (ddof, affine, swap, by_var, center, over_batch) == (0, True, False, False, True, False):
        return _shaped(p, K.layer_norm(x, gamma, beta, p["eps"]))
    axis = 0 if over_batch else 1
    mu = x.mean(axis=axis, keepdims=True) if center else 0.0
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    xhat = (x - mu) / (var + p["eps"] if by_var else np.sqrt(var + p["eps"]))
    g, b = (beta, gamma) if swap else (gamma, beta)
    return _shaped(p, g * xhat + b if affine else xhat)


def rms_norm(
    p: dict[str, Any],
    *,
    center: bool = False,
    root: bool = True,
    per_feature: bool = True,
    scale: bool = True,
    whole: bool = False,
) -> np.ndarray:
    """The reference through the kernel (defaults), or a mistaken variant."""
    x, w = _rows(p, "weight")
    if (center, root, per_feature, scale, whole) == (False, True, True, True, False):
        return _shaped(p, K.rms_norm(x, w, p["eps"]))
    z = x - x.mean(axis=1, keepdims=True) if center else x
    ms = (z * z).mean() if whole else (z * z).mean(axis=1, keepdims=True)
    if not per_feature:
        ms = ms * x.shape[1]  # Σx², the squared L2 norm
    denom = np.sqrt(ms + p["eps"]) if root else ms + p["eps"]
    return _shaped(p, z / denom * (w if scale else 1.0))


@cache
def _deviations() -> dict[int, list[tuple[int, ...]]]:
    """Four integer deviations summing to 0, grouped by their sum of squares."""
    out: dict[int, list[tuple[int, ...]]] = {}
    for d in itertools.product(range(-5, 6), repeat=3):
        full = (*d, -sum(d))
        if abs(full[3]) <= 5:
            out.setdefault(sum(v * v for v in full), []).append(full)
    return out


@cache
def _square_rms() -> list[tuple[int, ...]]:
    """Four integers in −7..7, not all of one size, whose mean square is a perfect square."""
    found = []
    for v in itertools.product(range(-7, 8), repeat=4):
        ms = sum(a * a for a in v) / 4
        if ms and ms.is_integer() and math.isqrt(int(ms)) ** 2 == ms and len(set(map(abs, v))) > 1:
            found.append(v)
    return found


def _sum_text(values: np.ndarray) -> str:
    return num(values[0]) + "".join(signed(v) for v in values[1:])


def _is_square(v: float) -> bool:
    return float(v).is_integer() and math.isqrt(int(v)) ** 2 == v


def _affine(pick: Picker, key: str, n: int) -> None:
    pick.get(key, lambda: [pick.one([0.5, 1, 2, 3, -1]) for _ in range(n)])


class LayerNorm(Problem):
    name = "layer_norm"

    def generate(self, pick: Picker, level: int) -> None:
        def token() -> list[int]:
            options = [4, 16, 36] if level < 3 else [8, 12, 20, 24, 40]
            d = pick.one(_deviations()[pick.one(options)])
            mu = pick.one([m for m in range(-3, 8) if -5 <= m + min(d) and m + max(d) <= 9])
            return [mu + v for v in d]

        two = level == 3 and pick.rng.random() < 0.5
        pick.get("x", lambda: [token(), token()] if two else token())
        n = np.shape(pick.params["x"])[-1]
        if level >= 2:
            _affine(pick, "gamma", n)
            pick.get("beta", lambda: [pick.one([0, 1, -1, 0.5, 2]) for _ in range(n)])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        x = np.atleast_2d(np.asarray(params["x"], dtype=float))
        var = x.var(axis=1)
        if (var == 0).any():
            return False
        return all(_is_square(v) for v in var) == (level < 3)

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return layer_norm(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        x, gamma = _rows(params, "gamma")
        _, beta = _rows(params, "beta")
        setting = f"γ = {vec(gamma)}, β = {vec(beta)}, ε = {sci(params['eps'])}"
        one = np.ndim(params["x"]) == 1
        text = (
            "Layer normalization (as nn.LayerNorm over the last dimension) normalizes "
            + ("a token's features" if one else "each token (row) over its features")
            + f" with its own mean and variance; {setting}. "
            + (f"x = {vec(params['x'])}. " if one else "")
            + "What is the output y? Give 3 decimals."
        )
        roots = {float(v) for v in x.var(axis=1)} | {float(v) for v in x.var(axis=1, ddof=1)}
        constants = [] if level_square(x) else [sqrt_const(v) for v in sorted(roots)]
        return text, ([] if one else [grid("x", x)]), constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        x, gamma = _rows(params, "gamma")
        _, beta = _rows(params, "beta")
        out = []
        for i, row in enumerate(x):
            mu, var = row.mean(), row.var()
            sd = math.sqrt(var + params["eps"])
            xhat = (row - mu) / sd
            which = f"Token {i + 1}: " if len(x) > 1 else ""
            out += [
                f"{which}mean μ = ({_sum_text(row)}) / {len(row)} = {num(mu)}.",
                f"Variance σ² = mean of (x − μ)² = ({' + '.join(num((v - mu) ** 2) for v in row)})"
                f" / {len(row)} = {num(var)} (divide by the feature count, as torch).",
                f"x̂ = (x − μ) / √(σ² + ε) = {vec(xhat)}.",
                f"y = γ·x̂ + β = {vec(gamma * xhat + beta)}.",
            ]
        out.append(
            "Unlike batch norm, the statistics come from one token's own features, so the "
            "result does not depend on the batch and is the same in training and inference."
        )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        yield (
            "Looks like you used the sample variance (divide by D − 1); layer norm divides by D.",
            lambda: layer_norm(params, ddof=1),
        )
        if np.ndim(params["x"]) == 2:
            yield (
                "Looks like you normalized each feature over the tokens (batch norm); layer "
                "norm normalizes each token over its own features.",
                lambda: layer_norm(params, over_batch=True),
            )
        yield (
            "Looks like you stopped at x̂: apply γ and β.",
            lambda: layer_norm(params, affine=False),
        )
        yield "Looks like you swapped γ and β: y = γ·x̂ + β.", lambda: layer_norm(params, swap=True)
        yield (
            "Looks like you divided by the variance; divide by the standard deviation √(σ² + ε).",
            lambda: layer_norm(params, by_var=True),
        )
        yield (
            "Looks like you forgot to subtract the mean.",
            lambda: layer_norm(params, center=False),
        )


def level_square(x: np.ndarray) -> bool:
    return all(_is_square(v) for v in x.var(axis=1))


class RmsNorm(Problem):
    name = "rms_norm"

    def generate(self, pick: Picker, level: int) -> None:
        def token() -> list[int]:
            if level < 3:
                return list(pick.one(_square_rms()))
            return pick.ints(-6, 6, 4)

        two = level == 3 and pick.rng.random() < 0.5
        pick.get("x", lambda: [token(), token()] if two else token())
        if level >= 2:
            _affine(pick, "weight", np.shape(pick.params["x"])[-1])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        x = np.atleast_2d(np.asarray(params["x"], dtype=float))
        ms = (x * x).mean(axis=1)
        if (ms == 0).any():
            return False
        return all(_is_square(v) for v in ms) == (level < 3)

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return rms_norm(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        x, w = _rows(params, "weight")
        one = np.ndim(params["x"]) == 1
        text = (
            "RMSNorm (as in Llama: y = x / RMS(x) · g, RMS(x) = √(mean(x²) + ε), over the "
            f"features of each token) with g = {vec(w)}, ε = {sci(params['eps'])}. "
            + (f"x = {vec(params['x'])}. " if one else "Each row of x is a token. ")
            + "What is the output y? Give 3 decimals."
        )
        ms = (x * x).mean(axis=1)
        constants = (
            []
            if all(_is_square(v) for v in ms)
            else [sqrt_const(v) for v in sorted({float(v) for v in ms})]
        )
        return text, ([] if one else [grid("x", x)]), constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        x, w = _rows(params, "weight")
        out = []
        for i, row in enumerate(x):
            ms = float((row * row).mean())
            rms = math.sqrt(ms + params["eps"])
            which = f"Token {i + 1}: " if len(x) > 1 else ""
            out += [
                f"{which}mean of squares = ({' + '.join(num(v * v) for v in row)}) / "
                f"{len(row)} = {num(ms)}.",
                f"RMS = √({num(ms)} + ε) ≈ {num(rms)}.",
                f"y = x / RMS · g = {vec(row / rms * w)}.",
            ]
        out.append(
            "No mean is subtracted and there is no β: RMSNorm only rescales, which is "
            "cheaper than layer norm; Zhang & Sennrich (2019) report comparable quality."
        )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        yield (
            "Looks like you subtracted the mean (that is layer norm); RMSNorm does not center.",
            lambda: rms_norm(params, center=True),
        )
        yield (
            "Looks like you divided by the mean square; take its square root (the RMS).",
            lambda: rms_norm(params, root=False),
        )
        yield (
            "Looks like you divided by the L2 norm ‖x‖; the RMS is ‖x‖ / √D.",
            lambda: rms_norm(params, per_feature=False),
        )
        yield "Looks like you forgot the weight g.", lambda: rms_norm(params, scale=False)
        if np.ndim(params["x"]) == 2:
            yield (
                "Looks like you took one RMS over the whole matrix; each token has its own.",
                lambda: rms_norm(params, whole=True),
            )
