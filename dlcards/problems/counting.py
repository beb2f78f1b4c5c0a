"""Counting parameters and multiply-accumulates; shapes of matrix products.

layer_params
    params: ``layer`` (``"conv"`` or ``"dense"``), ``c_in``, ``c_out`` (channels, or
    features for a dense layer), ``kernel_size`` (conv), ``groups`` (conv, 1),
    ``bias`` (true), ``macs`` (false: when true the MACs are asked too), and for a
    conv with MACs ``output_size`` (the output side, H_out = W_out).
    Levels: 1 small dense or conv layers; 2 larger, bias on/off, 1×1 and 7×7
    kernels; 3 parameters and MACs, grouped and depthwise convolutions.
    Answer: an int, or ``params, MACs``; exact.

matmul_shape
    params: ``a_shape``, ``b_shape`` (1 to 4 dimensions each).
    Levels: 1 two matrices (sometimes mismatched); 2 vectors and batched products
    with broadcasting (torch.matmul / np.matmul rules). Answer: a shape or ``error``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.kinds import Kind, Scalar, Shape
from dlcards.problems.kinds_tuple import Tuple
from dlcards.wording import plural


def _counts(
    p: dict[str, Any],
    *,
    bias: bool | None = None,
    groups: int | None = None,
    c_in: int | None = None,
) -> tuple[int, int]:
    """(parameters, MACs per sample) for the layer, with optional mistaken overrides."""
    bias = p["bias"] if bias is None else bias
    c_in = p["c_in"] if c_in is None else c_in
    if p["layer"] == "dense":
        return K.conv_params(c_in, p["c_out"], 1, 1, bias), c_in * p["c_out"]
    g = p["groups"] if groups is None else groups
    params = K.conv_params(c_in, p["c_out"], p["kernel_size"], g, bias)
    per_output = p["kernel_size"] ** 2 * (c_in // g)
    return params, per_output * p["c_out"] * p.get("output_size", 0) ** 2


class LayerParams(Problem):
    name = "layer_params"

    def generate(self, pick: Picker, level: int) -> None:
        layer = pick.choice("layer", ["dense", "conv"])
        if layer == "dense":
            pick.choice("c_in", [3, 4, 10, 64, 100, 128, 256, 784] if level > 1 else [3, 4, 10])
            pick.choice("c_out", [1, 2, 10, 32, 64, 128] if level > 1 else [1, 2, 5])
        else:
            # level 3 asks MACs too, so its sizes stay small enough to multiply by hand
            c_in = pick.choice("c_in", {1: [1, 3], 2: [3, 16, 32, 64], 3: [3, 16, 32]}[level])
            pick.choice("kernel_size", {1: [3, 5], 2: [1, 3, 5, 7], 3: [1, 3]}[level])
            if level == 3 and ("groups" in pick.params or pick.rng.random() < 0.5):
                groups = pick.get("groups", lambda: pick.one([c_in, c_in, 2, 4]))
                if groups == c_in:  # depthwise: one filter per channel
                    pick.get("c_out", lambda: c_in)
            pick.choice("c_out", {1: [4, 8, 16], 2: [16, 32, 64, 128], 3: [16, 32, 64]}[level])
        if level >= 2:
            pick.get("bias", lambda: bool(pick.rng.random() < 0.7))
        # Level 3 asks the MACs too; a card may pin macs = true at any level.
        macs = pick.get("macs", lambda: True) if level == 3 else pick.params.get("macs")
        if macs and layer == "conv":
            pick.choice("output_size", [7, 8, 14, 16])

    def solve(self, params: dict[str, Any]) -> int | tuple[float, float]:
        count, macs = _counts(params)
        return (count, macs) if params["macs"] else count

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        if params["macs"]:
            kind = Tuple(
                [("parameters", Scalar()), ("MACs", Scalar())],
                "parameters, MACs (two integers), e.g. 448, 442368",
            )
            kind.swaps = (("448, 442368", ("896, 884736", "1792, 1769472")),)
            return kind
        return Scalar(hint="an integer (the number of learnable parameters)")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        bias = "with bias" if params["bias"] else "without bias"
        c_in, c_out = params["c_in"], params["c_out"]
        if params["layer"] == "dense":
            text = (
                f"A fully connected (dense) layer maps {plural(c_in, 'input')} to "
                f"{plural(c_out, 'output')}, {bias}."
            )
            per = "per input sample"
        else:
            k, g = params["kernel_size"], params["groups"]
            grouping = (
                "" if g == 1 else f", groups = {g}" + (" (depthwise)" if g == c_in == c_out else "")
            )
            text = (
                f"A 2-D convolution layer: {plural(c_in, 'input channel')}, "
                f"{plural(c_out, 'output channel')}, {k}×{k} kernel{grouping}, {bias}."
            )
            per = "for one input image"
            if params["macs"]:
                side = params["output_size"]
                text += f" Its output is {side}×{side} per channel."
        if params["macs"]:
            return (
                (
                    text + " How many learnable parameters does it have, and how many "
                    f"multiply-accumulates (MACs) does it do {per}? "
                    "(Bias additions are not MACs.)"
                ),
                [],
                [],
            )
        return text + " How many learnable parameters does it have?", [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        count, macs = _counts(params)
        c_in, c_out, bias = params["c_in"], params["c_out"], params["bias"]
        if params["layer"] == "dense":
            out = [f"Weights: one per (input, output) pair: {c_in}·{c_out} = {c_in * c_out}."]
            per = c_in
        else:
            k, g = params["kernel_size"], params["groups"]
            per = k * k * (c_in // g)
            group_note = f" (each filter sees C_in/groups = {c_in // g} channels)" if g > 1 else ""
            out = [
                f"Each filter has K·K·C_in/groups = {k}·{k}·{c_in // g} = {per} "
                f"weights{group_note}.",
                f"{c_out} filters: {per}·{c_out} = {per * c_out} weights.",
            ]
        out.append(
            f"Plus one bias per output: {c_out} → {count} parameters."
            if bias
            else f"No bias: {count} parameters."
        )
        if params["macs"]:
            if params["layer"] == "dense":
                out.append(f"MACs: each weight is used once per sample: {macs}.")
            else:
                side = params["output_size"]
                positions = c_out * side * side
                out.append(
                    f"MACs: each of the {c_out}·{side}·{side} = {positions} output values "
                    f"takes {per} multiply-accumulates: {per}·{positions} = {macs}."
                )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        count, macs = _counts(params)
        asked_macs = params["macs"]

        def both(p: int | None = None, m: int | None = None) -> Any:
            value = (count if p is None else p, macs if m is None else m)
            return value if asked_macs else value[0]

        if params["bias"]:
            yield (
                "Looks like you forgot the biases (one per output).",
                lambda: both(_counts(params, bias=False)[0]),
            )
        else:
            yield (
                "This layer has no bias: don't add one per output.",
                lambda: both(_counts(params, bias=True)[0]),
            )
        if params["layer"] == "conv":
            yield (
                (
                    "Looks like you left out the input channels: each filter spans all "
                    "C_in/groups input channels."
                ),
                lambda: both(_counts(params, c_in=params["groups"])[0]),
            )
            if params["groups"] > 1:
                yield (
                    (
                        f"Looks like you ignored the groups ({params['groups']}): each filter "
                        "only sees C_in/groups channels."
                    ),
                    lambda: both(*_counts(params, groups=1)),
                )
            side = params.get("output_size", 0)
            if asked_macs:
                yield (
                    (
                        "MACs count every output position: multiply the weights by "
                        f"{side}·{side} positions."
                    ),
                    lambda: both(m=count - (params["c_out"] if params["bias"] else 0)),
                )
                if params["bias"]:
                    yield (
                        "Bias additions are not MACs; count only the multiplies.",
                        lambda: both(m=macs + params["c_out"] * side * side),
                    )
        elif params["bias"] and asked_macs:
            yield (
                "Bias additions are not MACs; count only the multiplies.",
                lambda: both(m=macs + params["c_out"]),
            )


_ERROR_WORDS = {
    w: "error"
    for w in (
        "error",
        "undefined",
        "not defined",
        "mismatch",
        "shape mismatch",
        "invalid",
        "incompatible",
        "impossible",
        "none",
        "runtimeerror",
        "valueerror",
    )
}


def matmul_result(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | str:
    """torch.matmul / np.matmul result shape, or ``"error"``.

    Computed by the rule (never allocating the operands: shapes may be large): a 1-D
    first operand is a row, a 1-D second operand a column, the added dimension is
    removed afterwards; batch dimensions broadcast as in numpy.
    """
    a2 = (1,) + a if len(a) == 1 else a
    b2 = b + (1,) if len(b) == 1 else b
    if a2[-1] != b2[-2]:
        return "error"
    try:
        batch = np.broadcast_shapes(a2[:-2], b2[:-2])
    except ValueError:
        return "error"
    out = tuple(batch) + ((a2[-2],) if len(a) > 1 else ()) + ((b2[-1],) if len(b) > 1 else ())
    return tuple(int(d) for d in out)


def _shape_text(s: tuple[int, ...] | list[int]) -> str:
    return "(" + ", ".join(str(d) for d in s) + ("," if len(s) == 1 else "") + ")"


class MatmulShape(Problem):
    name = "matmul_shape"

    def generate(self, pick: Picker, level: int) -> None:
        m, n, p = (int(v) for v in pick.rng.integers(1, 9, size=3))
        wrong = pick.rng.random() < 0.3
        inner = pick.one([d for d in range(1, 9) if d != n]) if wrong else n
        if level == 1:
            pick.get("a_shape", lambda: [m, n])
            pick.get("b_shape", lambda: [inner, p])
            return
        b1, b2 = pick.one([2, 3, 4]), pick.one([2, 3, 5])
        form = pick.one(["vec_left", "vec_right", "batch", "broadcast", "batch_both"])
        shapes = {
            "vec_left": ([n], [inner, p]),
            "vec_right": ([m, n], [inner]),
            "batch": ([b1, m, n], [inner, p]),
            "broadcast": ([b1, 1, m, n], [b2, inner, p]),
            "batch_both": ([b1, m, n], [b1 if pick.rng.random() < 0.7 else b2, inner, p]),
        }[form]
        pick.get("a_shape", lambda: shapes[0])
        pick.get("b_shape", lambda: shapes[1])

    def solve(self, params: dict[str, Any]) -> tuple[int, ...] | str:
        return matmul_result(tuple(params["a_shape"]), tuple(params["b_shape"]))

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Shape(
            _ERROR_WORDS,
            tuples=True,
            hint="the result shape, e.g. (2, 4) — or error if A @ B is not defined",
        )

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        a, b = _shape_text(params["a_shape"]), _shape_text(params["b_shape"])
        return (
            (
                f"A has shape {a} and B has shape {b}. What is the shape of A @ B "
                "(torch.matmul / np.matmul)? Answer `error` if the product is not defined."
            ),
            [],
            [],
        )

    def steps(self, params: dict[str, Any]) -> list[str]:
        a, b = tuple(params["a_shape"]), tuple(params["b_shape"])
        want = self.solve(params)
        out = []
        if len(a) == 1:
            out.append(
                f"A is 1-D: it is treated as a row (1, {a[0]}); the added 1 is removed "
                "from the result."
            )
        if len(b) == 1:
            out.append(
                f"B is 1-D: it is treated as a column ({b[0]}, 1); the added 1 is removed "
                "from the result."
            )
        ka, kb = a[-1], (b[0] if len(b) == 1 else b[-2])
        if ka != kb:
            out.append(
                f"The inner dimensions must match: A's last is {ka}, B's "
                f"{'only' if len(b) == 1 else 'second-to-last'} is {kb} — they differ, so "
                "A @ B is not defined (error). A fix only needs equal inner dimensions, "
                f"e.g. B of shape ({ka}, …); the matrices need not be square."
            )
            return out
        out.append(f"Inner dimensions match: {ka} = {kb}; they are summed over and disappear.")
        batch_a, batch_b = a[:-2], b[:-2]
        if batch_a or batch_b:
            if isinstance(want, str):
                out.append(
                    f"The batch dimensions {_shape_text(batch_a)} and "
                    f"{_shape_text(batch_b)} cannot broadcast (sizes must be equal or "
                    "1, aligned from the right): error."
                )
                return out
            n_batch = len(want) - (len(a) > 1) - (len(b) > 1)
            out.append(
                f"Batch dimensions {_shape_text(batch_a)} and {_shape_text(batch_b)} "
                f"broadcast (aligned from the right; size 1 or missing stretches) to "
                f"{_shape_text(want[:n_batch])}."
            )
        out.append(f"Result: {_shape_text(want) if not isinstance(want, str) else want}.")
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        a, b = tuple(params["a_shape"]), tuple(params["b_shape"])
        want = self.solve(params)
        if want == "error":
            yield (
                (
                    "The inner dimensions must be equal (or the batch dimensions broadcastable); "
                    "here A @ B is not defined."
                ),
                lambda: matmul_result(a[:-1] + (b[-2],), b) if len(a) > 1 and len(b) > 1 else None,
            )
            return
        yield "The product is defined: the inner dimensions match.", lambda: "error"
        yield (
            "That is the shape of B @ A; the order of a matrix product matters.",
            lambda: matmul_result(b, a) if matmul_result(b, a) != "error" else None,
        )
        if len(a) == 1 or len(b) == 1:
            yield (
                ("A 1-D operand's added dimension is removed from the result."),
                lambda: matmul_result(
                    (1,) + a if len(a) == 1 else a, b + (1,) if len(b) == 1 else b
                ),
            )
        if len(a) > 2 and len(b) > 2 and 1 in a[:-2] + b[:-2]:
            yield (
                ("Size-1 batch dimensions broadcast: they stretch to the other operand's size."),
                lambda: a[:-1] + (b[-1],),
            )
