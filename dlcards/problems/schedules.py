"""Learning-rate schedules.

lr_schedule
    params: ``schedule`` and its own params —
    ``"step"``: ``lr0``, ``gamma``, ``step_size``, ``epoch`` (lr0·γ^⌊epoch/step_size⌋,
    PyTorch's StepLR); ``"exponential"``: ``lr0``, ``k``, ``t`` (lr0·e^(−k·t));
    ``"inverse_time"``: ``lr0``, ``k``, ``t`` (lr0 / (1 + k·t)); ``"cosine"``: ``lr0``,
    ``t``, ``T``, ``lr_min`` (0) (lr_min + ½(lr0 − lr_min)(1 + cos(π·t/T))).
    Levels: 1 step and 1/t decay; 2 exponential decay (e^(−kt) shown), step decay
    with more drops, 1/t with decimals; 3 cosine (cos shown) and exponential.
    Answer: a number, relative tolerance 1e-3.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import exp_const, num, paren, sup
from dlcards.problems.kinds import Kind, Scalar, Tol

TOL = Tol(rel=1e-3)
_FRACTIONS = [
    Fraction(1, 6),
    Fraction(1, 4),
    Fraction(1, 3),
    Fraction(1, 2),
    Fraction(2, 3),
    Fraction(3, 4),
    Fraction(5, 6),
]


def lr_at(p: dict[str, Any]) -> float:
    s = p["schedule"]
    if s == "step":
        return K.step_decay(p["lr0"], p["epoch"], p["gamma"], p["step_size"])
    if s == "exponential":
        return K.exponential_decay(p["lr0"], p["k"], p["t"])
    if s == "inverse_time":
        return K.inverse_time_decay(p["lr0"], p["k"], p["t"])
    return K.cosine_decay(p["lr0"], p["t"], p["T"], p["lr_min"])


def _tidy(x: float) -> float | int:
    """Round off float noise; integral values become ints (``t = 4``, not ``4.0``)."""
    x = round(x, 6)
    return int(x) if x.is_integer() else x


def _angle(t: float, total: int) -> str:
    """``π/3`` for t/T = 1/3 (falls back to ``π·0.37``)."""
    f = Fraction(t / total).limit_denominator(12)
    if abs(float(f) - t / total) > 1e-12:
        return f"π·{num(t / total)}"
    if f == 0:
        return "0"
    top = "π" if f.numerator == 1 else f"{f.numerator}π"
    return top if f.denominator == 1 else f"{top}/{f.denominator}"


def _product(a: float, b: float) -> str:
    """``0.1·0.36787944 = 0.03678794``: the factor shown to as many decimals as the product.

    A factor rounded shorter than its product (0.1·0.3679 = 0.03678794) reads as
    arithmetic that does not add up; "≈" marks a factor that had to be rounded.
    """
    shown = round(b, 8)
    sign = "=" if shown == b else "≈"
    return f"{num(a)}·{num(b, 8)} {sign} {num(a * b, 8)}"


class LrSchedule(Problem):
    name = "lr_schedule"

    def generate(self, pick: Picker, level: int) -> None:
        schedule = pick.choice(
            "schedule",
            {
                1: ["step", "inverse_time"],
                2: ["exponential", "step", "inverse_time"],
                3: ["cosine", "cosine", "exponential"],
            }[level],
        )
        pick.choice("lr0", [0.1, 1, 0.01, 0.5])
        if schedule == "step":
            size = pick.choice("step_size", [10, 20, 30, 5])
            drops = pick.one([1, 2, 3] if level == 1 else [2, 3, 4])
            pick.get("epoch", lambda: drops * size + int(pick.rng.integers(0, size)))
            pick.choice("gamma", [0.1, 0.5] if level == 1 else [0.5, 0.1, 0.2])
        elif schedule == "inverse_time":
            k = pick.choice("k", [0.5, 1, 0.1] if level == 1 else [0.5, 0.25, 0.2])
            denominators = [2, 3, 4, 5, 10] if level == 1 else [1.5, 2.5, 3, 6]
            pick.get("t", lambda: _tidy((pick.one(denominators) - 1) / k))
        elif schedule == "exponential":
            k = pick.choice("k", [0.1, 0.5, 0.01, 0.05])
            pick.get("t", lambda: _tidy(pick.one([0.5, 1, 2, 3]) / k))
        else:
            total = pick.choice("T", [100, 60, 120, 1200])
            pick.get("t", lambda: int(total * pick.one(_FRACTIONS)))
            pick.get("lr_min", lambda: pick.one([0, 0, 0.001]))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        t = params.get("t", 0)
        return float(t).is_integer() or params["schedule"] != "cosine"

    def solve(self, params: dict[str, Any]) -> float:
        return lr_at(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        s, lr0 = params["schedule"], num(params["lr0"])
        if s == "step":
            text = (
                f"Step decay (PyTorch's StepLR): the learning rate starts at lr₀ = {lr0} and "
                f"is multiplied by γ = {num(params['gamma'])} every "
                f"{params['step_size']} epochs. What is the learning rate at epoch "
                f"{params['epoch']} (epochs counted from 0)?"
            )
            return text, [], []
        t = num(params["t"])
        if s == "exponential":
            text = (
                f"Exponential decay: lr(t) = lr₀·e^(−k·t) with lr₀ = {lr0} and "
                f"k = {num(params['k'])}. What is lr at t = {t}?"
            )
            return text, [], [exp_const(-params["k"] * params["t"])]
        if s == "inverse_time":
            text = (
                f"1/t decay: lr(t) = lr₀ / (1 + k·t) with lr₀ = {lr0} and "
                f"k = {num(params['k'])}. What is lr at t = {t}?"
            )
            return text, [], []
        angle = _angle(params["t"], params["T"])
        text = (
            f"Cosine decay: lr(t) = lr_min + ½·(lr₀ − lr_min)·(1 + cos(π·t/T)) with "
            f"lr₀ = {lr0}, lr_min = {num(params['lr_min'])} and T = {params['T']}. "
            f"What is lr at t = {t}?"
        )
        cos = math.cos(math.pi * params["t"] / params["T"])
        return text, [], [f"cos({angle}) ≈ {num(cos)}"]

    def steps(self, params: dict[str, Any]) -> list[str]:
        s, lr0, lr = params["schedule"], params["lr0"], self.solve(params)
        if s == "step":
            e, size, g = params["epoch"], params["step_size"], params["gamma"]
            n = e // size
            return [
                f"Drops so far: ⌊{e} / {size}⌋ = {n} (the learning rate changes at epochs "
                f"{size}, {2 * size}, …).",
                f"lr = {num(lr0)}·{num(g)}{sup(n)} = {_product(lr0, g**n)}.",
            ]
        t, k = params.get("t"), params.get("k")
        if s == "exponential":
            return [
                f"k·t = {num(k)}·{num(t)} = {num(k * t)}.",
                f"lr = {num(lr0)}·e^(−{num(k * t)}) = {_product(lr0, math.exp(-k * t))}.",
            ]
        if s == "inverse_time":
            return [
                f"1 + k·t = 1 + {num(k)}·{num(t)} = {num(1 + k * t)}.",
                f"lr = {num(lr0)} / {num(1 + k * t)} = {num(lr, 8)}.",
            ]
        total, lo = params["T"], params["lr_min"]
        cos = math.cos(math.pi * t / total)
        return [
            f"t/T = {t}/{total}, so cos(π·t/T) = cos({_angle(t, total)}) = {num(cos)}.",
            f"lr = {num(lo)} + ½·({num(lr0)} − {num(lo)})·(1 + {paren(cos)}) = {num(lr, 8)}.",
            "The rate falls slowly at first, fastest halfway (t = T/2), and flattens out "
            "near lr_min at t = T.",
        ]

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        s, lr0 = params["schedule"], params["lr0"]
        if s == "step":
            e, size, g = params["epoch"], params["step_size"], params["gamma"]
            yield (
                (
                    "Looks like you used a fractional number of drops; StepLR drops only at "
                    f"whole multiples of {size} epochs: γ^⌊e/s⌋."
                ),
                lambda: lr0 * g ** (e / size),
            )
            yield (
                (
                    f"Off by one: the first drop is at epoch {size}, so there are ⌊{e}/{size}⌋ "
                    "drops."
                ),
                lambda: lr0 * g ** (e // size + 1),
            )
            yield "Each drop multiplies by γ again: γⁿ, not γ·n.", lambda: lr0 * g * (e // size)
            return
        t, k = params.get("t"), params.get("k")
        if s == "exponential":
            yield "Looks like you forgot t: the exponent is −k·t.", lambda: lr0 * math.exp(-k)
            yield "Sign slip: the exponent is negative, e^(−k·t).", lambda: lr0 * math.exp(k * t)
            yield (
                "Looks like you used (1 − k)ᵗ; this schedule uses e^(−k·t).",
                lambda: lr0 * (1 - k) ** t,
            )
            return
        if s == "inverse_time":
            yield (
                "Looks like you forgot the 1 in the denominator: lr₀ / (1 + k·t).",
                lambda: lr0 / (k * t),
            )
            yield (
                "Looks like you multiplied by (1 − k·t) instead of dividing by (1 + k·t).",
                lambda: lr0 * (1 - k * t),
            )
            return
        total, lo = params["T"], params["lr_min"]
        cos = math.cos(math.pi * t / total)
        yield "Looks like you forgot the ½.", lambda: lo + (lr0 - lo) * (1 + cos)
        yield (
            "Looks like you forgot the 1 + in (1 + cos(π·t/T)).",
            lambda: lo + 0.5 * (lr0 - lo) * cos,
        )
        if lo:
            yield "Looks like you ignored lr_min.", lambda: 0.5 * lr0 * (1 + cos)
        yield (
            "The angle is π·t/T (radians), not t/T.",
            lambda: lo + 0.5 * (lr0 - lo) * (1 + math.cos(t / total)),
        )
