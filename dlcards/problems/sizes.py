"""Output sizes and receptive fields.

conv_output_size
    params: ``size`` (input side, or ``[H, W]``), ``kernel_size``, ``stride`` (1),
    ``padding`` (0), ``dilation`` (1); optional ``out_channels`` (then the full
    ``(N, C, H, W)`` shape is asked, with ``batch`` (1) and ``in_channels`` (3)).
    Levels: 1 square input, stride 1; 2 stride 2, padding, sometimes the full NCHW
    shape; 3 cases where the floor matters, dilation, non-square inputs.
    Answer: a shape (``10x10``; one number for a square output), exact.

receptive_field
    params: ``layers``, a list of ``[kernel, stride]`` or ``[kernel, stride, dilation]``
    from input to output (at most 4). Levels: 1 two stride-1 layers; 2 three layers
    with strides; 3 three or four layers with strides and dilation. Answer: an int.
"""

from __future__ import annotations

import math
from typing import Any

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.kinds import Kind, Scalar, Shape
from dlcards.wording import article


def _sides(params: dict[str, Any]) -> list[int]:
    size = params["size"]
    return [size, size] if isinstance(size, int) else list(size)


def _size_formula(
    i: int, k: int, s: int, p: int, d: int, rounding: str = "floor", sides_padded: int = 2
) -> int | None:
    """The output side under a (possibly mistaken) reading of the formula."""
    top = i + sides_padded * p - d * (k - 1) - 1
    if top < 0:
        return None
    steps = math.ceil(top / s) if rounding == "ceil" else top // s
    return steps + 1


class ConvOutputSize(Problem):
    name = "conv_output_size"

    def generate(self, pick: Picker, level: int) -> None:
        square = level < 3 or pick.rng.random() < 0.5
        if level == 1:
            pick.integer("size", 5, 32)
            pick.choice("kernel_size", [1, 3, 5, 7])
            pick.choice("padding", [0, 0, 1, 2])
        else:
            pick.get(
                "size", lambda: int(pick.rng.integers(7, 65)) if square else pick.ints(7, 64, 2)
            )
            pick.choice("kernel_size", [2, 3, 5, 7] if level == 2 else [3, 5, 7])
            pick.choice("padding", [0, 1, 2, 3])
            pick.choice("stride", [1, 2] if level == 2 else [2, 3])
            if level == 3:
                pick.choice("dilation", [1, 2, 3])
        # the full NCHW shape is asked at level 2, or whenever a channel param is pinned
        full = {"batch", "in_channels", "out_channels"} & set(pick.params)
        if full or (level == 2 and pick.rng.random() < 0.5):
            pick.choice("batch", [1, 8, 16, 32])
            pick.choice("in_channels", [1, 3, 16, 32])
            pick.choice("out_channels", [8, 16, 32, 64, 128])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        k, s, p, d = (params[n] for n in ("kernel_size", "stride", "padding", "dilation"))
        tops = [i + 2 * p - d * (k - 1) - 1 for i in _sides(params)]
        if any(t < 0 for t in tops):
            return False
        floors = any(t % s for t in tops)  # the floor drops a partial window
        return floors if level == 3 else not floors

    def solve(self, params: dict[str, Any]) -> tuple[int, ...]:
        k, s, p, d = (params[n] for n in ("kernel_size", "stride", "padding", "dilation"))
        out = tuple(K.conv_output_size(i, k, s, p, d) for i in _sides(params))
        if "out_channels" in params:
            return (params.get("batch", 1), params["out_channels"]) + out
        return out

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        if "out_channels" in params:
            return Shape(tuples=True, hint="the output shape (N, C, H, W), e.g. (1, 16, 30, 30)")
        square = isinstance(params["size"], int)
        return Shape(
            square_ok=square,
            hint="the output height × width, e.g. 10x10"
            + (" (one number is fine for a square output)" if square else ""),
        )

    def _layer_text(self, params: dict[str, Any]) -> str:
        k, s, p, d = (params[n] for n in ("kernel_size", "stride", "padding", "dilation"))
        text = f"kernel {k}×{k}, stride {s}, padding {p}"
        return text + (f", dilation {d}" if d != 1 else "")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        h, w = _sides(params)
        if "out_channels" in params:
            n, c = params.get("batch", 1), params.get("in_channels", 3)
            k, s, p, d = (params[x] for x in ("kernel_size", "stride", "padding", "dilation"))
            layer = (
                f"nn.Conv2d({c}, {params['out_channels']}, kernel_size={k}, stride={s}, "
                f"padding={p}" + (f", dilation={d})" if d != 1 else ")")
            )
            text = (
                f"A batch of shape (N, C, H, W) = ({n}, {c}, {h}, {w}) goes through "
                f"{layer}. What is the output shape?"
            )
        else:
            text = (
                f"A convolution ({self._layer_text(params)}) is applied to "
                f"{article(h)} {h}×{w} input. "
                "What is the spatial size of the output (height × width)?"
            )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        k, s, p, d = (params[n] for n in ("kernel_size", "stride", "padding", "dilation"))
        out = [
            "Per side: out = ⌊(I + 2P − D·(K − 1) − 1) / S⌋ + 1 (frameworks round down); "
            "with D = 1 this is ⌊(I − K + 2P) / S⌋ + 1."
        ]
        if d != 1:
            out.append(
                f"The dilated kernel spans D·(K − 1) + 1 = {d}·{k - 1} + 1 = "
                f"{d * (k - 1) + 1} input pixels."
            )
        sides = _sides(params)
        names = ["Height and width"] if sides[0] == sides[1] else ["Height", "Width"]
        for name, i in zip(names, sides[: len(names)], strict=True):
            top = i + 2 * p - d * (k - 1) - 1
            line = (
                f"{name}: ⌊({i} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = ⌊{top} / {s}⌋ + 1 "
                f"= {top // s} + 1 = {top // s + 1}."
            )
            if top % s:
                line += (
                    f" ({top}/{s} = {top / s:.4g} rounds down: a window that would run "
                    "past the edge is not used.)"
                )
            out.append(line)
        want = self.solve(params)
        if "out_channels" in params:
            out.append(
                f"The batch size is unchanged and there is one output channel per "
                f"filter (out_channels = {params['out_channels']}): "
                f"({', '.join(str(v) for v in want)})."
            )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        k, s, p, d = (params[n] for n in ("kernel_size", "stride", "padding", "dilation"))
        sides = _sides(params)
        full = "out_channels" in params
        head: tuple[int, ...] = (params.get("batch", 1), params["out_channels"]) if full else ()

        def shape(**change: Any) -> tuple[int, ...] | None:
            args = {"k": k, "s": s, "p": p, "d": d} | change
            out = [_size_formula(i, **args) for i in sides]
            sizes = [v for v in out if v is not None]
            return head + tuple(sizes) if len(sizes) == len(out) else None

        def without_plus_one() -> tuple[int, ...] | None:
            right = shape()
            return None if right is None else head + tuple(v - 1 for v in right[len(head) :])

        yield f"Looks like you forgot the padding (padding = {p} on each side).", lambda: shape(p=0)
        yield (
            (
                "Looks like you padded one side only: padding p adds p zeros on each side, "
                "2p in total."
            ),
            lambda: shape(sides_padded=1),
        )
        yield (
            (
                "Looks like you rounded up: frameworks round (I + 2P − D·(K − 1) − 1)/S down "
                "(floor)."
            ),
            lambda: shape(rounding="ceil"),
        )
        yield (
            (
                f"Looks like you ignored the dilation (dilation = {d}): the kernel spans "
                f"{d}·({k} − 1) + 1 = {d * (k - 1) + 1} pixels."
            ),
            lambda: shape(d=1),
        )
        yield f"Looks like you ignored the stride (stride = {s}).", lambda: shape(s=1)
        yield (
            ("Looks like you forgot the + 1 at the end of the formula."),
            without_plus_one,
        )
        if full:
            yield (
                (
                    "The channel dimension is the number of filters (out_channels), not the "
                    "input channels."
                ),
                lambda: (head[0], params.get("in_channels", 3)) + self.solve(params)[2:],
            )


def _jumps(layers: list[list[int]], own_stride: bool = False) -> list[int]:
    jumps, jump = [], 1
    for layer in layers:
        if own_stride:
            jump *= layer[1]
        jumps.append(jump)
        if not own_stride:
            jump *= layer[1]
    return jumps


class ReceptiveField(Problem):
    name = "receptive_field"

    def generate(self, pick: Picker, level: int) -> None:
        count = {1: 2, 2: 3, 3: pick.one([3, 4])}[level]

        def layer() -> list[int]:
            k = pick.one([3, 5] if level == 1 else [2, 3, 3, 5])
            s = 1 if level == 1 else pick.one([1, 1, 2])
            if level == 3 and k != 2 and pick.rng.random() < 0.4:
                return [k, s, 2]
            return [k, s]

        pick.get("layers", lambda: [layer() for _ in range(count)])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        layers = params["layers"]
        if level == 1:
            return True
        strided = any(lay[1] > 1 for lay in layers[:-1])  # a stride that matters later
        dilated = any(len(lay) == 3 for lay in layers)
        return strided and (level == 2 or dilated)

    def solve(self, params: dict[str, Any]) -> int:
        return K.receptive_field([tuple(lay) for lay in params["layers"]])

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(hint="an integer (pixels per side)")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        lines = []
        for i, lay in enumerate(params["layers"], start=1):
            k, s = lay[0], lay[1]
            extra = f", dilation {lay[2]}" if len(lay) == 3 and lay[2] != 1 else ""
            lines.append(f"{i}. kernel {k}×{k}, stride {s}{extra}")
        text = (
            "A stack of layers, from input to output:\n" + "\n".join(lines) + "\n"
            "What is the receptive field of one output unit: how many input pixels, "
            "per side, can influence it?"
        )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        layers = params["layers"]
        out = [
            "Start from r = 1 (one pixel). Layer l widens the field by D·(K − 1)·j, where the "
            "jump j is the product of the strides of the layers before it."
        ]
        r = 1
        for i, (lay, j) in enumerate(zip(layers, _jumps(layers), strict=True), start=1):
            k, s, d = lay[0], lay[1], lay[2] if len(lay) == 3 else 1
            add = d * (k - 1) * j
            r += add
            dil = f"{d}·" if d != 1 else ""
            out.append(
                f"Layer {i} (K = {k}, S = {s}{f', D = {d}' if d != 1 else ''}): "
                f"jump {j}, adds {dil}({k} − 1)·{j} = {add} → r = {r}."
            )
        out.append(f"Receptive field: {r}×{r} input pixels.")
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        layers = params["layers"]

        def field(jumps: list[int], dilate: bool = True, add_k: bool = False) -> int:
            if add_k:
                return sum(lay[0] for lay in layers)
            return 1 + sum(
                (lay[2] if dilate and len(lay) == 3 else 1) * (lay[0] - 1) * j
                for lay, j in zip(layers, jumps, strict=True)
            )

        yield (
            (
                "Looks like you ignored the strides: each layer's growth is multiplied by the "
                "product of the strides before it."
            ),
            lambda: field([1] * len(layers)),
        )
        yield (
            (
                "Looks like you multiplied by each layer's own stride too; only the strides of "
                "earlier layers count."
            ),
            lambda: field(_jumps(layers, own_stride=True)),
        )
        yield (
            ("Looks like you ignored the dilation: a dilated kernel spans D·(K − 1) + 1 pixels."),
            lambda: field(_jumps(layers), dilate=False),
        )
        yield (
            (
                "Looks like you added the kernel sizes; each layer adds K − 1 (times the jump) "
                "to a field that starts at 1."
            ),
            lambda: field([], add_k=True),
        )
