"""Specs of the layer-arithmetic problems: conv and pooling sizes, counts, neurons, gates.

Pure Python (no numpy): deck validation reads this (DESIGN §9). The problem
modules' docstrings explain what the params mean; this file only declares them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dlcards.problems.params import Param, Spec, array_shape, as_ints, cross_same_shape, req

P = Param


def conv_out(size: int, k: int, s: int = 1, pad: int = 0, d: int = 1) -> int:
    """Floor formula, as frameworks compute it (may be ≤ 0 for impossible inputs)."""
    return (size + 2 * pad - d * (k - 1) - 1) // s + 1


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
    return _conv_fit(p, as_ints(p["size"]), [p["kernel_size"]] * len(as_ints(p["size"])))


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


def _cross_neuron(p: Mapping[str, Any]) -> list[str]:
    messages = cross_same_shape("x", "weight")(p)
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


_STRIDE = P("stride", "int", "step of the window", lo=1, hi=8, default=1)
_PADDING = P("padding", "int", "zeros added on each side", lo=0, hi=8, default=0)
_BIAS = P("bias", "number", "added to every output", default=0)

LAYER_SPECS: tuple[Spec, ...] = (
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
        req("size", "kernel_size"),
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
        req("x", "weight"),
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
        req("x", "weight"),
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
        req("x", "kernel_size"),
        cross=_cross_pool,
    ),
    Spec(
        "receptive_field",
        "Receptive field of a stack",
        (1, 2, 3),
        (P("layers", "layers", "[kernel, stride(, dilation)] from input to output"),),
        req("layers"),
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
        req("a_shape", "b_shape"),
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
        req("x", "weight"),
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
        req("x", "weight"),
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
        lambda p: ("task", "weight", "bias") if p.get("task") == "identify" else ("task", "gate"),
        applies=lambda p: {
            "design": ("task", "gate"),
            "identify": ("task", "weight", "bias"),
        }.get(p.get("task", "")),
        cross=_cross_gate,
    ),
)
