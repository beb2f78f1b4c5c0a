"""The 21 compute problems' static specs: titles, levels, params (DESIGN §9).

Pure Python (no numpy): deck validation reads this. Each problem module's
docstring explains what its params mean; this file only declares them, so the
names, ranges and defaults live in exactly one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dlcards.problems.params import MAX_STEPS, Param, Spec, array_shape

P = Param
_M = 1e6


def _req(*names: str):  # noqa: ANN202 - a tiny spec helper
    return lambda p: names


def conv_out(size: int, k: int, s: int = 1, pad: int = 0, d: int = 1) -> int:
    """Floor formula, as frameworks compute it (may be ≤ 0 for impossible inputs)."""
    return (size + 2 * pad - d * (k - 1) - 1) // s + 1


def _ints(v: object) -> list[int]:
    return [v] if isinstance(v, int) else list(v)  # type: ignore[arg-type]


def _conv_fit(p: Mapping[str, Any], sizes: list[int], ksizes: list[int]) -> list[str]:
    s, pad, d = p.get("stride", 1), p.get("padding", 0), p.get("dilation", 1)
    for size, k in zip(sizes, ksizes, strict=False):
        if conv_out(size, k, s, pad, d) < 1:
            span = d * (k - 1) + 1
            return [
                f"the kernel (span {span}) does not fit the padded input "
                f"({size} + 2·{pad} = {size + 2 * pad}): no output"
            ]
    return []


def _cross_conv_size(p: Mapping[str, Any]) -> list[str]:
    if "size" not in p or "kernel_size" not in p:
        return []
    return _conv_fit(p, _ints(p["size"]), [p["kernel_size"]] * len(_ints(p["size"])))


def _cross_conv2d(p: Mapping[str, Any]) -> list[str]:
    xs, ws = array_shape(p.get("x")), array_shape(p.get("weight"))
    if not xs or not ws or len(xs) != len(ws):
        return []
    return _conv_fit(p, list(xs), list(ws))


def _cross_pool(p: Mapping[str, Any]) -> list[str]:
    k, pad = p.get("kernel_size"), p.get("padding", 0)
    if k is None:
        return []
    if pad > k // 2:
        return [f"params.padding ({pad}) must be at most half the kernel size ({k}), as in PyTorch"]
    xs = array_shape(p.get("x"))
    if not xs or len(xs) != 2:
        return []
    q = {"stride": p.get("stride", k), "padding": pad}
    return _conv_fit(q, list(xs), [k, k])


def _cross_layer(p: Mapping[str, Any]) -> list[str]:
    g = p.get("groups", 1)
    for key in ("c_in", "c_out"):
        if key in p and p[key] % g:
            return [f"params.groups ({g}) must divide params.{key} ({p[key]})"]
    return []


def _cross_dense(p: Mapping[str, Any]) -> list[str]:
    xs, ws, bs = array_shape(p.get("x")), array_shape(p.get("weight")), array_shape(p.get("bias"))
    if xs and ws and xs[-1] != ws[0]:
        return [
            f"params.x has {xs[-1]} features but params.weight has {ws[0]} rows "
            "(x·W needs them equal)"
        ]
    if ws and bs and bs[0] != ws[1]:
        return [f"params.bias has {bs[0]} entries but params.weight has {ws[1]} columns"]
    return []


def _cross_same_len(a: str, b: str):  # noqa: ANN202
    def check(p: Mapping[str, Any]) -> list[str]:
        sa, sb = array_shape(p.get(a)), array_shape(p.get(b))
        if sa is not None and sb is not None and sa != sb:
            return [f"params.{a} and params.{b} must have the same shape ({sa} vs {sb})"]
        return []

    return check


def _cross_neuron(p: Mapping[str, Any]) -> list[str]:
    messages = _cross_same_len("x", "weight")(p)
    if messages or p.get("activation") != "sigmoid" or "x" not in p or "weight" not in p:
        return messages
    z = sum(a * w for a, w in zip(p["x"], p["weight"], strict=True)) + p.get("bias", 0)
    if abs(z) > 50:  # σ(z) is then 0 or 1 to twenty digits: nothing to compute by hand
        return [f"params: z = w·x + b = {z:g} is too large for a sigmoid question (keep |z| ≤ 50)"]
    return []


def gate_table(w1: float, w2: float, b: float) -> tuple[int, int, int, int]:
    """Outputs for inputs (0,0), (0,1), (1,0), (1,1); step(z) = 1 if z > 0."""
    return tuple(int(w1 * x1 + w2 * x2 + b > 0) for x1, x2 in ((0, 0), (0, 1), (1, 0), (1, 1)))


GATE_TABLES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
    "XNOR": (1, 0, 0, 1),
}


def _cross_gate(p: Mapping[str, Any]) -> list[str]:
    w, b = p.get("weight"), p.get("bias")
    if p.get("task") != "identify" or array_shape(w) != (2,) or b is None:
        return []
    table = gate_table(w[0], w[1], b)
    if table not in {GATE_TABLES[g] for g in ("AND", "OR", "NAND", "NOR")}:
        return [
            f"params.weight and params.bias compute the truth table {table}, "
            "which is not AND, OR, NAND or NOR"
        ]
    return []


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
    targets = _ints(p["targets"])
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
    msgs = _cross_same_len("x", "mask")(p)
    mask = p.get("mask")
    if isinstance(mask, list) and any(v not in (0, 1) for v in mask):
        msgs.append("params.mask must hold only 0 (dropped) and 1 (kept)")
    return msgs


def _cross_ratio(p: Mapping[str, Any]) -> list[str]:
    msgs = _cross_same_len("weight", "grad")(p)
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
_STRIDE = P("stride", "int", "step of the window", lo=1, hi=8, default=1)
_PADDING = P("padding", "int", "zeros added on each side", lo=0, hi=8, default=0)
_BIAS = P("bias", "number", "added to every output", default=0)

SPECS: dict[str, Spec] = {
    s.name: s
    for s in (
        Spec(
            "conv_output_size",
            "Convolution output size",
            (1, 2, 3),
            (
                P(
                    "size",
                    "ints",
                    "input side, or [H, W]",
                    lo=1,
                    hi=4096,
                    max_len=2,
                    scalar_ok=True,
                ),
                P("kernel_size", "int", "kernel side", lo=1, hi=64),
                P("stride", "int", "stride", lo=1, hi=16, default=1),
                P("padding", "int", "zero padding per side", lo=0, hi=64, default=0),
                P("dilation", "int", "dilation", lo=1, hi=16, default=1),
                P("batch", "int", "N (full NCHW shape asked)", lo=1, hi=4096),
                P("in_channels", "int", "C_in (full NCHW shape asked)", lo=1, hi=4096),
                P("out_channels", "int", "C_out: asks the full (N, C, H, W) shape", lo=1, hi=4096),
            ),
            _req("size", "kernel_size"),
            cross=_cross_conv_size,
        ),
        Spec(
            "conv2d",
            "2-D convolution (cross-correlation)",
            (1, 2, 3),
            (
                P("x", "array", "input matrix", ranks=(2,)),
                P("weight", "array", "kernel matrix", ranks=(2,), max_len=15),
                _BIAS,
                _STRIDE,
                _PADDING,
                P("dilation", "int", "dilation", lo=1, hi=4, default=1),
            ),
            _req("x", "weight"),
            cross=_cross_conv2d,
        ),
        Spec(
            "conv1d_shared_weights",
            "Shared weights: a 1-D filter",
            (1, 2, 3),
            (
                P("x", "array", "input vector", ranks=(1,)),
                P("weight", "array", "the shared filter", ranks=(1,), max_len=15),
                _BIAS,
                _STRIDE,
                _PADDING,
            ),
            _req("x", "weight"),
            cross=_cross_conv2d,
        ),
        Spec(
            "pool2d",
            "Max / average pooling",
            (1, 2, 3),
            (
                P("x", "array", "input matrix", ranks=(2,)),
                P("kernel_size", "int", "window side", lo=1, hi=7),
                P("stride", "int", "stride (default: kernel_size)", lo=1, hi=7),
                P("padding", "int", "padding per side", lo=0, hi=3, default=0),
                P("mode", "choice", "max or avg", choices=("max", "avg"), default="max"),
            ),
            _req("x", "kernel_size"),
            cross=_cross_pool,
        ),
        Spec(
            "receptive_field",
            "Receptive field of a stack",
            (1, 2, 3),
            (P("layers", "layers", "[kernel, stride(, dilation)] from input to output"),),
            _req("layers"),
        ),
        Spec(
            "layer_params",
            "Parameters (and MACs) of a layer",
            (1, 2, 3),
            (
                P("layer", "choice", "conv or dense", choices=("conv", "dense")),
                P("c_in", "int", "input channels / features", lo=1, hi=100_000),
                P("c_out", "int", "output channels / features", lo=1, hi=100_000),
                P("kernel_size", "int", "kernel side (conv)", lo=1, hi=15),
                P("groups", "int", "groups (conv)", lo=1, hi=100_000, default=1),
                P("bias", "bool", "has a bias", default=True),
                P("macs", "bool", "also ask the multiply-accumulates", default=False),
                P("output_size", "int", "output side H_out = W_out (conv MACs)", lo=1, hi=4096),
            ),
            lambda p: (
                ("layer", "c_in", "c_out")
                + (
                    ("kernel_size",) + (("output_size",) if p.get("macs") else ())
                    if p.get("layer") == "conv"
                    else ()
                )
            ),
            applies=lambda p: (
                None
                if "layer" not in p
                else (("layer", "c_in", "c_out", "bias", "macs") if p["layer"] == "dense" else None)
            ),
            cross=_cross_layer,
        ),
        Spec(
            "matmul_shape",
            "Matrix product shapes",
            (1, 2),
            (
                P("a_shape", "ints", "shape of the left operand", lo=1, hi=4096, max_len=4),
                P("b_shape", "ints", "shape of the right operand", lo=1, hi=4096, max_len=4),
            ),
            _req("a_shape", "b_shape"),
        ),
        Spec(
            "dense_forward",
            "Dense layer forward pass",
            (1, 2, 3),
            (
                P("x", "array", "inputs, one row per sample", ranks=(1, 2)),
                P("weight", "array", "W of shape (in, out)", ranks=(2,)),
                P("bias", "array", "b, one per output", ranks=(0, 1)),
                P("activation", "choice", "none or relu", choices=("none", "relu"), default="none"),
            ),
            _req("x", "weight"),
            cross=_cross_dense,
        ),
        Spec(
            "neuron_output",
            "One neuron's output",
            (1, 2, 3),
            (
                P("x", "array", "inputs", ranks=(1,)),
                P("weight", "array", "weights", ranks=(1,)),
                P("bias", "number", "bias", default=0),
                P(
                    "activation",
                    "choice",
                    "activation",
                    choices=("linear", "step", "relu", "sigmoid"),
                    default="linear",
                ),
                P("slope", "number", "slope a of the linear activation f(z) = a·z", default=1),
            ),
            _req("x", "weight"),
            cross=_cross_neuron,
            applies=lambda p: (
                None
                if p.get("activation", "linear") == "linear"
                else ("x", "weight", "bias", "activation")
            ),
        ),
        Spec(
            "logic_gate",
            "A neuron as a logic gate",
            (1, 2, 3),
            (
                P(
                    "task",
                    "choice",
                    "design weights, or identify the gate",
                    choices=("design", "identify"),
                ),
                P("gate", "choice", "the gate to build (design)", choices=tuple(GATE_TABLES)),
                P("weight", "array", "[w1, w2] (identify)", ranks=(1,), min_len=2, max_len=2),
                P("bias", "number", "b (identify)"),
            ),
            lambda p: (
                ("task", "weight", "bias") if p.get("task") == "identify" else ("task", "gate")
            ),
            applies=lambda p: {
                "design": ("task", "gate"),
                "identify": ("task", "weight", "bias"),
            }.get(p.get("task", "")),
            cross=_cross_gate,
        ),
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
            _req("fn", "x"),
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
            _req("logits"),
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
            _req("param", "lr", "momentum", "nesterov", "convention"),
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
            _req("param", "grad", "lr"),
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
            _req("x"),
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
            _req("x", "mask", "p"),
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
            _req("weight", "grad", "lr"),
            cross=_cross_ratio,
        ),
    )
}
