"""Position information: rotary embeddings (RoPE) and sinusoidal positional encodings.

rope_rotation
    params: ``x`` (a query or key vector, 2 to 8 features, even), ``position`` m,
    ``base`` (10000), ``interleaved`` (False). Pair i is rotated by m·θᵢ with
    θᵢ = base^(−2i/d) (Su et al. 2021); pair i is features (i, i + d/2) in the
    rotate-half layout of Hugging Face's Llama code, or (2i, 2i+1) interleaved as in
    the paper. Levels: 1 two features (θ₀ = 1, the angle is m radians); 2 four
    features, either layout; 3 six or eight one-decimal features at a far position.
    cos and sin of each angle are shown. Answer: a vector, ±5e-3 each.

positional_encoding
    params: ``position`` pos, ``d_model`` d (even), ``dim`` (absent: the whole
    vector). PE[pos, 2i] = sin(pos / 10000^(2i/d)), PE[pos, 2i+1] = cos(same)
    (Vaswani et al. 2017, §3.5). Levels: 1 d = 4; 2 d = 6 or 8; 3 one dimension of a
    model-sized encoding (d = 128 to 768). sin and cos of the angles are shown
    (at level 3 also those of a wrong angle, so picking the right one is the exercise).
    Answer: a vector or a number, ±5e-3.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import num, num_sig, vec
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.problems.kinds_array import Array

TOL = Tol(abs=5e-3)


def _angle(value: float) -> str:
    return num_sig(value, 5)


def trig_constants(angles: list[float]) -> list[str]:
    """``cos(3) ≈ −0.99, sin(3) ≈ 0.1411`` for each distinct angle, smallest first."""
    out = []
    for a in sorted({round(float(a), 12) for a in angles}):
        if a == 0:
            continue
        out.append(f"cos({_angle(a)}) ≈ {num(math.cos(a))}")
        out.append(f"sin({_angle(a)}) ≈ {num(math.sin(a))}")
    return out


def rotate(
    p: dict[str, Any],
    *,
    layout: bool | None = None,
    sign: float = 1.0,
    exponent: float = 2.0,
    same_angle: bool = False,
    swap_trig: bool = False,
    from_one: bool = False,
) -> np.ndarray:
    """The answer through the kernel (defaults), or what a named mistake computes."""
    x = np.asarray(p["x"], dtype=float)
    interleaved = p["interleaved"] if layout is None else layout
    if (sign, exponent, same_angle, swap_trig, from_one) == (1.0, 2.0, False, False, False):
        return np.asarray(K.rope(x[None], [p["position"]], p["base"], interleaved)[0])
    d = len(x)
    i = np.arange(d // 2) + (1 if from_one else 0)
    theta = np.ones(d // 2) if same_angle else p["base"] ** (-exponent * i / d)
    angle = sign * p["position"] * theta
    c, s = (np.sin(angle), np.cos(angle)) if swap_trig else (np.cos(angle), np.sin(angle))
    a, b = (x[0::2], x[1::2]) if interleaved else (x[: d // 2], x[d // 2 :])
    out = np.empty(d)
    first, second = a * c - b * s, a * s + b * c
    if interleaved:
        out[0::2], out[1::2] = first, second
    else:
        out[: d // 2], out[d // 2 :] = first, second
    return out


def _angles(p: dict[str, Any]) -> list[float]:
    d = len(p["x"])
    return [p["position"] * p["base"] ** (-2 * i / d) for i in range(d // 2)]


def _pairs(d: int, interleaved: bool) -> list[tuple[int, int]]:
    return [(2 * i, 2 * i + 1) if interleaved else (i, i + d // 2) for i in range(d // 2)]


class RopeRotation(Problem):
    name = "rope_rotation"

    def generate(self, pick: Picker, level: int) -> None:
        d = {1: 2, 2: 4}.get(level) or pick.one([6, 8])
        if "x" in pick.params:
            d = len(pick.params["x"])
        if level < 3:
            pick.get("x", lambda: pick.ints(-3, 3, d))
            pick.integer("position", 1, 6 if level == 1 else 10)
        else:
            pick.get("x", lambda: (pick.rng.integers(-10, 11, d) / 10).tolist())
            pick.integer("position", 10, 500)
        if level >= 2:
            pick.get("interleaved", lambda: bool(pick.rng.random() < 0.5))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        x = np.asarray(params["x"], dtype=float)
        # every pair has something to rotate
        return all(x[a] or x[b] for a, b in _pairs(len(x), params["interleaved"]))

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return rotate(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        d = len(params["x"])
        layout = (
            "adjacent features (2i, 2i+1) form pair i, as in the RoFormer paper"
            if params["interleaved"]
            else "features i and i + d/2 form pair i (the rotate-half layout of Hugging "
            "Face's Llama)"
        )
        here = "here only i = 0" if d == 2 else f"here 0 … {d // 2 - 1}"
        # The paper counts i from 1 (θᵢ = base^(−2(i−1)/d)); say that i and the features
        # count from 0 here, or a reader of the paper would shift every angle.
        text = (
            f"Rotary position embedding (RoPE) with base {num(params['base'])}: pair i of a "
            f"d = {d} vector at position m is rotated by the angle m·θᵢ radians, "
            f"θᵢ = base^(−2i/d) with i = 0 … d/2 − 1 ({here}); features are counted "
            f"from 0 (x0 … x{d - 1}) and {layout}. Rotate x = {vec(params['x'])} at "
            f"position m = {params['position']}. Give 3 decimals (features in their original "
            "order)."
        )
        return text, [], trig_constants(_angles(params))

    def steps(self, params: dict[str, Any]) -> list[str]:
        d = len(params["x"])
        x = np.asarray(params["x"], dtype=float)
        angles = _angles(params)
        out = rotate(params)
        steps = [
            "θᵢ = base^(−2i/d): "
            + ", ".join(
                f"θ{i} = {num_sig(params['base'] ** (-2 * i / d), 4)}" for i in range(d // 2)
            )
            + f"; angles m·θᵢ = {', '.join(_angle(a) for a in angles)}."
        ]
        for (a, b), angle in zip(_pairs(d, params["interleaved"]), angles, strict=True):
            c, s = math.cos(angle), math.sin(angle)
            steps.append(
                f"Pair (x{a}, x{b}) = ({num(x[a])}, {num(x[b])}): "
                f"(x{a}·cos − x{b}·sin, x{a}·sin + x{b}·cos) with "
                f"cos = {num(c)}, sin = {num(s)} → ({num(out[a])}, {num(out[b])})."
            )
        steps.append(
            f"Result: {vec(out)}. A rotation keeps the length, and the dot product of a "
            "rotated query and key depends only on their distance m − n: that is how RoPE "
            "encodes relative position."
        )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        d = len(params["x"])
        yield (
            "Looks like you rotated the wrong way; the angle is +m·θᵢ: "
            "(a, b) → (a·cos − b·sin, a·sin + b·cos).",
            lambda: rotate(params, sign=-1.0),
        )
        yield (
            "Looks like you swapped cos and sin.",
            lambda: rotate(params, swap_trig=True),
        )
        yield (
            "Looks like you counted i from 1; the first pair has i = 0, so θ₀ = 1.",
            lambda: rotate(params, from_one=True),
        )
        if d >= 4:
            other = (
                "rotate-half (i, i + d/2)" if params["interleaved"] else "interleaved (2i, 2i+1)"
            )
            yield (
                f"Looks like you paired the features the other way ({other}).",
                lambda: rotate(params, layout=not params["interleaved"]),
            )
            yield (
                "Looks like you used θᵢ = base^(−i/d); the exponent is −2i/d.",
                lambda: rotate(params, exponent=1.0),
            )
            yield (
                "Looks like you rotated every pair by m radians; pair i turns by m·θᵢ, "
                "slower for higher i.",
                lambda: rotate(params, same_angle=True),
            )


def encode(
    p: dict[str, Any], *, swap: bool = False, exponent: str = "2i", times: bool = False
) -> np.ndarray | float:
    """The answer through the kernel (defaults), or what a named mistake computes."""
    pos, d = p["position"], p["d_model"]
    if (swap, exponent, times) == (False, "2i", False):
        pe = K.sinusoidal_positional_encoding(pos, d)
    else:
        j = np.arange(d)
        power = {"2i": 2 * (j // 2), "j": j, "2j": 2 * j}[exponent] / d
        angle = pos * 10000.0**power if times else pos / 10000.0**power
        even = j % 2 == 0
        if swap:
            even = ~even
        pe = np.where(even, np.sin(angle), np.cos(angle))
    return float(pe[p["dim"]]) if "dim" in p else pe


def pe_angle(p: dict[str, Any], j: int, exponent: str = "2i") -> float:
    power = {"2i": 2 * (j // 2), "j": j, "2j": 2 * j}[exponent] / p["d_model"]
    return float(p["position"] / 10000.0**power)


class PositionalEncoding(Problem):
    name = "positional_encoding"

    def generate(self, pick: Picker, level: int) -> None:
        pinned_d = pick.params.get("d_model", 0)
        if level < 3 and "dim" not in pick.params and pinned_d <= 8:
            pick.choice("d_model", [4] if level == 1 else [6, 8])
            pick.integer("position", 1, 6 if level == 1 else 30)
            return
        pick.choice("d_model", [128, 256, 512, 768])
        pick.integer("position", 10, 2000)
        d = pick.params["d_model"]
        pick.get("dim", lambda: int(pick.rng.integers(0, min(d, 64))))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        if "dim" not in params:
            return True
        # a value worth computing: not ≈ 0 or ≈ ±1 at four decimals
        value = float(encode(params))
        # mistakes typed to 3 decimals must not pass for the answer or for each other
        values = [value] + [float(f()) for _, f in self.mistakes(params)]
        apart = all(abs(a - b) > 0.02 for i, a in enumerate(values) for b in values[:i])
        return 0.05 < abs(value) < 0.95 and apart

    def solve(self, params: dict[str, Any]) -> np.ndarray | float:
        return encode(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(TOL) if "dim" in params else Array(np.shape(want), TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        pos, d = params["position"], params["d_model"]
        formula = (
            "the sinusoidal positional encoding of the original Transformer "
            "(PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i+1] = cos(…), "
            "dimensions counted from 0)"
        )
        if "dim" in params:
            j = params["dim"]
            text = f"In {formula}, what is PE[{pos}, {j}] for d_model = {d}? Give 3 decimals."
            angles = [pe_angle(params, j), pe_angle(params, j, "2j")]
        else:
            text = (
                f"Compute {formula} for position {pos} with d_model = {d}: the whole "
                f"vector PE[{pos}, 0…{d - 1}]. Give 3 decimals."
            )
            angles = [pe_angle(params, j) for j in range(0, d, 2)]
        return text, [], trig_constants(angles)

    def steps(self, params: dict[str, Any]) -> list[str]:
        pos, d = params["position"], params["d_model"]
        dims = [params["dim"]] if "dim" in params else list(range(d))
        steps = []
        for j in dims:
            i = j // 2
            fn = "sin" if j % 2 == 0 else "cos"
            angle = pe_angle(params, j)
            steps.append(
                f"Dimension {j}: i = {i}, {fn}({pos} / 10000^({2 * i}/{d})) = "
                f"{fn}({_angle(angle)}) = {num(getattr(math, fn)(angle))}."
            )
        steps.append(
            "Each sin/cos pair shares one frequency; wavelengths grow geometrically from 2π "
            "(i = 0) to about 10000·2π, and PE[pos + k] is a linear function (a rotation "
            "of each pair) of PE[pos]."
        )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        yield (
            "Looks like you swapped sin and cos: even dimensions use sin, odd ones cos.",
            lambda: encode(params, swap=True),
        )
        yield (
            "Looks like you used the dimension index in the exponent (10000^(j/d)); a sin/cos "
            "pair 2i, 2i+1 shares the exponent 2i/d.",
            lambda: encode(params, exponent="j"),
        )
        yield (
            "Looks like you used 10000^(2j/d) with j the dimension index; i = ⌊j/2⌋ is the "
            "pair index.",
            lambda: encode(params, exponent="2j"),
        )
        yield (
            "Looks like you multiplied by 10000^(2i/d); the position is divided by it.",
            lambda: encode(params, times=True),
        )
