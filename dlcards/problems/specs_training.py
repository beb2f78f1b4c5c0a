"""Specs of the training problems: activations, softmax and losses, optimizers, normalization.

Pure Python (no numpy): deck validation reads this (DESIGN §9). The problem
modules' docstrings explain what the params mean; this file only declares them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dlcards.problems.params import (
    MAX_STEPS,
    Param,
    Spec,
    array_shape,
    as_ints,
    cross_same_shape,
    req,
)

P = Param
_M = 1e6


def _cross_ce(p: Mapping[str, Any]) -> list[str]:
    if "logits" in p and "probs" in p:
        return ["give params.logits or params.probs, not both"]
    if "probs" in p:
        probs = p["probs"]
        if isinstance(probs, list) and abs(sum(probs) - 1) > 1e-6:
            return [f"params.probs must sum to 1, got {sum(probs):g}"]
    shape = array_shape(p.get("logits", p.get("probs")))
    if not shape or "targets" not in p:
        return []
    targets = as_ints(p["targets"])
    rows = 1 if len(shape) == 1 else shape[0]
    if len(targets) != rows:
        return [f"params.targets needs one class index per row ({rows}), got {len(targets)}"]
    if max(targets) >= shape[-1]:
        return [
            f"params.targets: class {max(targets)} does not exist (classes 0 to {shape[-1] - 1})"
        ]
    if "probs" in p and p["probs"][targets[0]] <= 0:
        return ["the target's probability must be positive (its loss would be infinite)"]
    return []


def _cross_sgd(p: Mapping[str, Any]) -> list[str]:
    if "grad" in p and "curvature" in p:
        return [
            "give params.grad (one step with a fixed gradient) or params.curvature "
            "(the quadratic loss), not both"
        ]
    if "grad" in p and p.get("steps", 1) != 1:
        return [
            "with a fixed params.grad only one step is defined; use params.curvature "
            "for several steps"
        ]
    shapes = {k: array_shape(p[k]) for k in ("param", "grad", "center") if k in p}
    vectors = {s for s in shapes.values() if s}
    if len(vectors) > 1 or (vectors and shapes.get("param") == ()):
        return ["params.grad and params.center must be numbers or match params.param's length"]
    return []


def _cross_cosine(p: Mapping[str, Any]) -> list[str]:
    if p.get("schedule") == "cosine" and "t" in p and "T" in p and p["t"] > p["T"]:
        return [f"params.t ({p['t']}) must not exceed params.T ({p['T']})"]
    if "lr_min" in p and "lr0" in p and p["lr_min"] > p["lr0"]:
        return ["params.lr_min must not exceed params.lr0"]
    if p.get("k") == 0:
        return ["params.k must be positive (a decay rate of 0 never decays)"]
    return []


def _cross_bn(p: Mapping[str, Any]) -> list[str]:
    xs = array_shape(p.get("x"))
    if not xs:
        return []
    features = 1 if len(xs) == 1 else xs[1]
    if p.get("eps", 1e-5) == 0:
        columns = [p["x"]] if len(xs) == 1 else [list(c) for c in zip(*p["x"], strict=True)]
        if any(len(set(c)) == 1 for c in columns):
            return [
                "params.eps must be positive when a feature is constant over the batch "
                "(its variance is 0)"
            ]
    for key in ("gamma", "beta"):
        s = array_shape(p.get(key))
        if s and s[0] != features:
            return [f"params.{key} needs one value per feature ({features}), got {s[0]}"]
    return []


def _cross_dropout(p: Mapping[str, Any]) -> list[str]:
    msgs = cross_same_shape("x", "mask")(p)
    mask = p.get("mask")
    if isinstance(mask, list) and any(v not in (0, 1) for v in mask):
        msgs.append("params.mask must hold only 0 (dropped) and 1 (kept)")
    return msgs


def _cross_ratio(p: Mapping[str, Any]) -> list[str]:
    msgs = cross_same_shape("weight", "grad")(p)
    shape = array_shape(p.get("weight"))
    rows = [p["weight"]] if shape and len(shape) == 1 else p.get("weight") if shape else []
    if shape and not any(v for row in rows for v in row):
        msgs.append("params.weight must not be all zero (the ratio divides by its norm)")
    return msgs


_SCHEDULE_PARAMS = {
    "step": ("schedule", "lr0", "gamma", "step_size", "epoch"),
    "exponential": ("schedule", "lr0", "k", "t"),
    "inverse_time": ("schedule", "lr0", "k", "t"),
    "cosine": ("schedule", "lr0", "t", "T"),
}
_ACTIVATION_EXTRA = {"leaky_relu": "negative_slope", "elu": "alpha", "gelu": "approximate"}

TRAINING_SPECS: tuple[Spec, ...] = (
    Spec(
        "activation",
        "Activation functions and derivatives",
        (1, 2, 3),
        (
            P(
                "fn",
                "choice",
                "the function",
                choices=("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu"),
            ),
            P("x", "number", "the input", lo=-50, hi=50),
            P("derivative", "bool", "ask f'(x) instead of f(x)", default=False),
            P("negative_slope", "number", "leaky_relu slope", lo=0, hi=1, default=0.01),
            P("alpha", "number", "elu alpha", lo=0, hi=10, default=1.0),
            P("approximate", "choice", "gelu form", choices=("none", "tanh"), default="none"),
        ),
        req("fn", "x"),
        applies=lambda p: (
            None
            if "fn" not in p
            else (
                ("fn", "x", "derivative")
                + ((_ACTIVATION_EXTRA[p["fn"]],) if p["fn"] in _ACTIVATION_EXTRA else ())
            )
        ),
    ),
    Spec(
        "softmax",
        "Softmax (with temperature)",
        (1, 2, 3),
        (
            P("logits", "array", "the logits", ranks=(1,), min_len=2),
            P("temperature", "number", "T (softmax of logits / T)", lo=0.01, hi=100, default=1),
        ),
        req("logits"),
    ),
    *(
        Spec(
            name,
            title,
            (1, 2, 3),
            (
                P(
                    "logits",
                    "array",
                    "logits: a vector, or one row per sample",
                    ranks=(1, 2),
                    min_len=2,
                ),
                P(
                    "probs",
                    "array",
                    "probabilities (instead of logits)",
                    ranks=(1,),
                    lo=0,
                    hi=1,
                    min_len=2,
                ),
                P("targets", "ints", "target class (one per row)", lo=0, hi=63, scalar_ok=True),
            ),
            lambda p: ("targets", "probs" if "probs" in p else "logits"),
            cross=_cross_ce,
        )
        for name, title in (
            ("cross_entropy", "Cross-entropy loss"),
            ("softmax_ce_grad", "Gradient of softmax + cross-entropy"),
        )
    ),
    Spec(
        "sgd_step",
        "Gradient descent steps",
        (1, 2, 3),
        (
            P(
                "param",
                "array",
                "starting value w₀ (number or vector)",
                ranks=(0, 1),
                max_len=8,
            ),
            P("lr", "number", "learning rate", lo=0, hi=10),
            P("grad", "array", "a fixed gradient (one step)", ranks=(0, 1), max_len=8),
            P("curvature", "number", "a in L(w) = (a/2)·‖w − c‖²", lo=0, hi=100),
            P(
                "center",
                "array",
                "c in L(w) = (a/2)·‖w − c‖²",
                ranks=(0, 1),
                max_len=8,
                default=0,
            ),
            P(
                "weight_decay",
                "number",
                "L2 coefficient λ (adds λ·w to the gradient)",
                lo=0,
                hi=10,
                default=0,
            ),
            P("steps", "int", "number of steps", lo=1, hi=MAX_STEPS, default=1),
        ),
        lambda p: ("param", "lr", "grad" if "grad" in p else "curvature"),
        cross=_cross_sgd,
    ),
    Spec(
        "momentum_step",
        "Momentum and Nesterov steps",
        (1, 2, 3),
        (
            P("param", "number", "starting value x₀"),
            P("velocity", "number", "starting velocity v₀", default=0),
            P("lr", "number", "learning rate", lo=0, hi=10),
            P("momentum", "number", "μ", lo=0, hi=0.999, default=0.9),
            P("nesterov", "bool", "Nesterov momentum", default=False),
            P(
                "convention",
                "choice",
                "torch (v = μv + g) or lookahead (v = μv − lr·∇L)",
                choices=("torch", "lookahead"),
                default="torch",
            ),
            P("curvature", "number", "a in L(x) = (a/2)(x − c)²", lo=0, hi=100, default=2),
            P("center", "number", "c in L(x) = (a/2)(x − c)²", default=0),
            P("steps", "int", "number of steps", lo=1, hi=MAX_STEPS, default=1),
        ),
        req("param", "lr", "momentum", "nesterov", "convention"),
        cross=lambda p: ["params.lr must be positive"] if p.get("lr") == 0 else [],
    ),
    Spec(
        "adam_step",
        "Adam steps",
        (1, 2, 3),
        (
            P("param", "number", "starting value"),
            P(
                "grad",
                "array",
                "the gradient, or one per step",
                ranks=(0, 1),
                max_len=MAX_STEPS,
            ),
            P("m", "number", "first moment before the step", default=0),
            P("v", "number", "second moment before the step", lo=0, default=0),
            P("t", "int", "1-based index of the first step", lo=1, hi=100_000, default=1),
            P("lr", "number", "learning rate", lo=0, hi=10),
            P(
                "betas",
                "array",
                "[β₁, β₂]",
                ranks=(1,),
                lo=0,
                hi=0.9999,
                min_len=2,
                max_len=2,
                default=[0.9, 0.999],
            ),
            P("eps", "number", "ε", lo=0, hi=1, default=1e-8),
        ),
        req("param", "grad", "lr"),
        cross=lambda p: (
            ["params.eps must be positive (it keeps √v̂ + ε away from 0)"]
            if p.get("eps") == 0
            else []
        ),
    ),
    Spec(
        "lr_schedule",
        "Learning-rate schedules",
        (1, 2, 3),
        (
            P("schedule", "choice", "the schedule", choices=tuple(_SCHEDULE_PARAMS)),
            P("lr0", "number", "initial learning rate", lo=0, hi=10),
            P("gamma", "number", "step: factor per drop", lo=0, hi=1),
            P("step_size", "int", "step: epochs between drops", lo=1, hi=100_000),
            P("epoch", "int", "step: the epoch", lo=0, hi=1_000_000),
            P("k", "number", "exponential / inverse_time: decay rate", lo=0, hi=100),
            P("t", "number", "the step (exponential, inverse_time, cosine)", lo=0, hi=_M),
            P("T", "int", "cosine: total steps", lo=1, hi=1_000_000),
            P("lr_min", "number", "cosine: final learning rate", lo=0, hi=10, default=0),
        ),
        lambda p: _SCHEDULE_PARAMS.get(p.get("schedule", ""), ("schedule", "lr0")),
        applies=lambda p: (
            None
            if p.get("schedule") not in _SCHEDULE_PARAMS
            else _SCHEDULE_PARAMS[p["schedule"]]
            + (("lr_min",) if p["schedule"] == "cosine" else ())
        ),
        cross=_cross_cosine,
    ),
    Spec(
        "batchnorm_forward",
        "Batch normalization (training mode)",
        (1, 2, 3),
        (
            P(
                "x",
                "array",
                "the batch: a vector (one feature) or N×D",
                ranks=(1, 2),
                min_len=2,
            ),
            P("gamma", "array", "scale γ", ranks=(0, 1), default=1),
            P("beta", "array", "shift β", ranks=(0, 1), default=0),
            P("eps", "number", "ε", lo=0, hi=1, default=1e-5),
        ),
        req("x"),
        cross=_cross_bn,
    ),
    Spec(
        "dropout_scale",
        "Inverted dropout",
        (1, 2),
        (
            P("x", "array", "activations", ranks=(1,)),
            P("mask", "array", "1 = kept, 0 = dropped", ranks=(1,), lo=0, hi=1),
            P("p", "number", "drop probability", lo=0, hi=0.99),
        ),
        req("x", "mask", "p"),
        cross=_cross_dropout,
    ),
    Spec(
        "update_ratio",
        "Update-to-weight ratio",
        (1, 2),
        (
            P("weight", "array", "W", ranks=(1, 2)),
            P("grad", "array", "dW", ranks=(1, 2)),
            P("lr", "number", "learning rate", lo=0, hi=10),
        ),
        req("weight", "grad", "lr"),
        cross=_cross_ratio,
    ),
)
