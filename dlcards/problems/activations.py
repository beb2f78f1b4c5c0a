"""Activation functions and their derivatives at a point.

activation
    params: ``fn`` (``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``elu``, ``gelu``),
    ``x`` (the input), ``derivative`` (false: f(x); true: f′(x)),
    ``negative_slope`` (leaky_relu, 0.01), ``alpha`` (elu, 1), ``approximate``
    (gelu: ``"none"`` = x·Φ(x), ``"tanh"`` = the tanh approximation).
    PyTorch conventions at kinks: ReLU′(0) = 0, LeakyReLU′(0) = the slope.
    Levels: 1 ReLU, leaky ReLU and sigmoid values; 2 sigmoid, tanh, ReLU and leaky
    ReLU values and derivatives; 3 ELU, GELU and tanh. The constants needed
    (e^k, Φ, φ, tanh) are shown. Answer: a number, ±1e-3.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import exp_const, num, paren
from dlcards.problems.kinds import Kind, Scalar, Tol

GELU_C = math.sqrt(2 / math.pi)
_NAMES = {
    "sigmoid": "σ",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "LeakyReLU",
    "elu": "ELU",
    "gelu": "GELU",
}


def _extra(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "leaky_relu": {"negative_slope": p.get("negative_slope")},
        "elu": {"alpha": p.get("alpha")},
        "gelu": {"approximate": p.get("approximate")},
    }.get(p["fn"], {})


def value(p: dict[str, Any], derivative: bool | None = None) -> float:
    """f(x) or f′(x) through the kernels (the backward pass with grad_out = 1)."""
    deriv = p["derivative"] if derivative is None else derivative
    # Shape (1,), not a 0-d array: the exact GELU kernel rejects 0-d inputs.
    x = np.array([float(p["x"])])
    if deriv:
        backward = getattr(K, f"{p['fn']}_backward")
        return float(backward(np.ones(1), x, **_extra(p))[0])
    return float(getattr(K, p["fn"])(x, **_extra(p))[0])


def _phi_cdf(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def _phi_pdf(x: float) -> float:
    return math.exp(-x * x / 2) / math.sqrt(2 * math.pi)


def _gelu_u(x: float) -> float:
    return GELU_C * (x + 0.044715 * x**3)


class Activation(Problem):
    name = "activation"

    def generate(self, pick: Picker, level: int) -> None:
        fns = {
            1: ["relu", "leaky_relu", "sigmoid"],
            2: ["sigmoid", "tanh", "relu", "leaky_relu"],
            3: ["elu", "gelu", "tanh", "elu", "gelu"],
        }[level]
        implied = [
            fn
            for key, fn in (
                ("negative_slope", "leaky_relu"),
                ("alpha", "elu"),
                ("approximate", "gelu"),
            )
            if key in pick.params
        ]
        fn = pick.choice("fn", implied or fns)
        if level > 1:
            pick.get("derivative", lambda: bool(pick.rng.random() < 0.5))
        kink = [0] if level == 2 else []  # the convention at 0, for derivatives
        pick.choice(
            "x",
            {
                "relu": [-3, -2.5, -1.5, -1, -0.5, 0.5, 1, 2, 3] + kink,
                "leaky_relu": [-3, -2.5, -1.5, -1, -0.5, 0.5, 1, 2] + kink,
                "elu": [-2, -1, -1, -0.5, 1],
                "gelu": [-1, 1, 1, 2],
                "sigmoid": [-2, -1, 1, 2] + ([0] if level == 1 else []),
            }.get(fn, [-2, -1, 1, 2]),
        )
        if fn == "leaky_relu":
            pick.choice("negative_slope", [0.01, 0.1, 0.2])
        elif fn == "elu":
            pick.choice("alpha", [1.0, 0.5, 2.0])
        elif fn == "gelu":
            deriv = pick.params.get("derivative", False)
            pick.get("approximate", lambda: "none" if deriv else pick.one(["none", "tanh"]))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        # The tanh-approximate GELU derivative is not a fair hand computation.
        return not (
            params["fn"] == "gelu" and params["derivative"] and params["approximate"] == "tanh"
        )

    def solve(self, params: dict[str, Any]) -> float:
        return value(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(Tol(abs=1e-3))

    def _variant(self, p: dict[str, Any]) -> str:
        fn = p["fn"]
        if fn == "leaky_relu":
            return f"Leaky ReLU with negative slope {num(p['negative_slope'])}"
        if fn == "elu":
            return f"ELU with α = {num(p['alpha'])}"
        if fn == "gelu":
            if p["approximate"] == "tanh":
                return "GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))"
            return "GELU (exact form: x·Φ(x), Φ the standard normal CDF)"
        return {"sigmoid": "the sigmoid σ", "tanh": "tanh", "relu": "ReLU"}[fn]

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        fn, x = params["fn"], float(params["x"])
        what = "the derivative of" if params["derivative"] else "the value of"
        text = f"What is {what} {self._variant(params)} at x = {num(x)}?"
        if params["derivative"] and fn in ("relu", "leaky_relu"):
            text += (
                " (At x = 0 use PyTorch's convention: ReLU′(0) = 0 and LeakyReLU′(0) = "
                "the negative slope.)"
            )
        return text + " Give 3 decimals.", [], self._constants(params)

    def _constants(self, p: dict[str, Any]) -> list[str]:
        fn, x = p["fn"], float(p["x"])
        if fn == "sigmoid" and x:
            return [exp_const(-x)]
        if fn == "tanh" and x:
            return [exp_const(2 * x)]
        if fn == "elu" and x < 0:
            return [exp_const(x)]
        if fn == "gelu" and p["approximate"] == "tanh":
            u = _gelu_u(x)
            return [f"√(2/π) ≈ {num(GELU_C)}", f"tanh({num(u)}) ≈ {num(math.tanh(u))}"]
        if fn == "gelu":
            out = [f"Φ({num(x)}) ≈ {num(_phi_cdf(x))}"]
            return out + (
                [f"φ({num(x)}) ≈ {num(_phi_pdf(x))} (standard normal density)"]
                if p["derivative"]
                else []
            )
        return []

    def steps(self, params: dict[str, Any]) -> list[str]:
        fn, x, deriv = params["fn"], float(params["x"]), params["derivative"]
        f, d = value(params, False), value(params, True)
        X = num(x)
        if fn == "sigmoid":
            out = [f"σ({X}) = 1 / (1 + e^({num(-x)})) = 1 / (1 + {num(math.exp(-x))}) = {num(f)}."]
            if deriv:
                out.append(f"σ′(x) = σ(x)·(1 − σ(x)) = {num(f)}·{num(1 - f)} = {num(d)}.")
        elif fn == "tanh":
            e = math.exp(2 * x)
            out = [
                f"tanh({X}) = (e^(2x) − 1) / (e^(2x) + 1) = ({num(e)} − 1) / ({num(e)} + 1) "
                f"= {num(f)}."
            ]
            if deriv:
                out.append(f"tanh′(x) = 1 − tanh²(x) = 1 − {num(f * f)} = {num(d)}.")
        elif fn in ("relu", "leaky_relu"):
            slope = params.get("negative_slope", 0.0)
            name = _NAMES[fn]
            if x > 0:
                out = [f"x = {X} > 0: {name}(x) = x = {num(f)}" + (", slope 1." if deriv else ".")]
            else:
                rule = (
                    "0" if fn == "relu" else f"{num(slope)}·x = {num(slope)}·{paren(x)} = {num(f)}"
                )
                out = [
                    f"x = {X} ≤ 0: {name}(x) = {rule}"
                    + (f", slope {num(d)} (PyTorch's value at 0 too)." if deriv else ".")
                ]
        elif fn == "elu":
            a = params["alpha"]
            if x > 0:
                out = [f"x > 0: ELU(x) = x = {X}" + (", slope 1." if deriv else ".")]
            else:
                out = [
                    f"x ≤ 0: ELU(x) = α·(eˣ − 1) = {num(a)}·({num(math.exp(x))} − 1) = {num(f)}."
                ]
                if deriv:
                    out.append(
                        f"ELU′(x) = α·eˣ = {num(a)}·{num(math.exp(x))} = {num(d)} "
                        "(equivalently ELU(x) + α)."
                    )
        elif params["approximate"] == "tanh":
            u = _gelu_u(x)
            out = [
                f"u = √(2/π)·(x + 0.044715·x³) = {num(GELU_C)}·({X} + 0.044715·{paren(x)}³) "
                f"= {num(u)}.",
                f"GELU(x) ≈ 0.5·x·(1 + tanh u) = 0.5·{paren(x)}·(1 + {num(math.tanh(u))}) "
                f"= {num(f)}.",
            ]
        else:
            out = [f"GELU(x) = x·Φ(x) = {paren(x)}·{num(_phi_cdf(x))} = {num(f)}."]
            if deriv:
                out.append(
                    f"GELU′(x) = Φ(x) + x·φ(x) = {num(_phi_cdf(x))} + {paren(x)}·"
                    f"{num(_phi_pdf(x))} = {num(d)} (product rule)."
                )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        fn, x, deriv = params["fn"], float(params["x"]), params["derivative"]
        name = _NAMES[fn]
        if deriv:
            yield (
                f"You gave {name}(x); the question asks for the derivative.",
                lambda: value(params, False),
            )
        else:
            yield (
                f"That is the derivative {name}′(x); the question asks for {name}(x).",
                lambda: value(params, True),
            )
        if fn == "sigmoid" and not deriv:
            yield (
                "Sign slip: σ(x) = 1 / (1 + e^(−x)), with a minus in the exponent.",
                lambda: 1 / (1 + math.exp(x)),
            )
        if fn == "tanh":
            t = math.tanh(x)
            if deriv:
                yield "Looks like you forgot the square: tanh′(x) = 1 − tanh²(x).", lambda: 1 - t
                yield (
                    "That is the sigmoid-style formula f·(1 − f); tanh′ = 1 − tanh².",
                    lambda: t * (1 - t),
                )
            else:
                yield (
                    "That is σ(x); tanh(x) = 2σ(2x) − 1 ranges over (−1, 1).",
                    lambda: 1 / (1 + math.exp(-x)),
                )
        if fn == "relu" and deriv and x == 0:
            yield "At x = 0 PyTorch takes ReLU′(0) = 0.", lambda: 1.0
        if fn == "leaky_relu" and x < 0:
            yield ("That is plain ReLU; leaky ReLU keeps a small slope for x < 0."), lambda: 0.0
        if fn == "elu" and x < 0 and not deriv:
            yield (
                "Looks like you forgot the − 1: ELU(x) = α·(eˣ − 1) for x ≤ 0.",
                lambda: params["alpha"] * math.exp(x),
            )
        if fn == "gelu":
            if deriv:
                yield (
                    (
                        "Looks like you forgot the x·φ(x) term of the product rule: "
                        "GELU′(x) = Φ(x) + x·φ(x)."
                    ),
                    lambda: _phi_cdf(x),
                )
            else:
                yield "Looks like you forgot the factor x: GELU(x) = x·Φ(x).", lambda: _phi_cdf(x)
