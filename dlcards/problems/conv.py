"""Convolutions computed by hand: 2-D cross-correlation and a shared 1-D filter.

conv2d
    params: ``x`` (matrix), ``weight`` (kernel matrix), ``bias`` (0), ``stride`` (1),
    ``padding`` (0), ``dilation`` (1). Single channel; cross-correlation as in
    PyTorch (the kernel is not flipped).
    Levels: 1 no padding, stride 1, at most 4 outputs; 2 stride 2 or padding 1 (half
    each), a bias; 3 dilation 2, or padding with stride 2 (half each; a pinned
    ``dilation`` keeps every draw dilated). Inputs up to 6×6, kernel entries
    in {−1, 0, 1}. Answer: an integer matrix, exact.

conv1d_shared_weights
    params: ``x`` (vector), ``weight`` (the filter), ``bias`` (0), ``stride`` (1),
    ``padding`` (0). Every output uses the same weights: weight sharing.
    Levels: 1 stride 1; 2 stride 2 and a bias; 3 padding with stride 2, filters of
    2 to 4 taps. Answer: an integer vector, exact.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import dot_text, grid, num, nums, signed
from dlcards.problems.kinds import Kind
from dlcards.problems.kinds_array import Array
from dlcards.wording import article, plural


def _conv(
    x: Any, w: Any, bias: float = 0, stride: Any = 1, padding: Any = 0, dilation: Any = 1
) -> np.ndarray:
    """Single-channel 2-D cross-correlation through the kernel module."""
    x4 = np.asarray(x, dtype=float)[None, None]
    w4 = np.asarray(w, dtype=float)[None, None]
    return K.conv2d(x4, w4, np.array([float(bias)]), stride, padding, dilation)[0, 0]


def _padded(x: np.ndarray, pad: tuple[int, int]) -> np.ndarray:
    return np.pad(x, ((pad[0], pad[0]), (pad[1], pad[1])))


def _window_sum(xp: np.ndarray, w: np.ndarray, r: int, c: int, d: int, bias: float) -> str:
    """``1·1 + 2·0 + … + b = value`` for the window whose top-left tap is (r, c)."""
    taps = [
        (float(xp[r + i * d, c + j * d]), float(w[i, j]))
        for i in range(w.shape[0])
        for j in range(w.shape[1])
    ]
    total = sum(a * b for a, b in taps) + bias
    text = dot_text([a for a, _ in taps], [b for _, b in taps])
    return text + (signed(bias) if bias else "") + f" = {num(total)}"


def _matrix_text(a: np.ndarray) -> str:
    return "; ".join(nums(row, sep=" ") for row in np.atleast_2d(a))


def _common_mistakes(params: dict[str, Any], run: Any, what: str) -> Mistakes:
    """Mistakes shared by conv2d and the 1-D filter; ``run(**changes)`` recomputes."""
    yield (
        (
            f"Looks like you flipped the {what} (true convolution). Deep-learning "
            f"'convolution' is cross-correlation: the {what} is used as written."
        ),
        lambda: run(flip=True),
    )
    if params["padding"]:
        yield (
            (
                f"Looks like you forgot the padding ({plural(params['padding'], 'zero')} on each "
                "side)."
            ),
            lambda: run(padding=0),
        )
    if params["stride"] > 1:
        yield (
            (
                f"Looks like you ignored the stride ({params['stride']}): the window moves "
                f"{params['stride']} steps at a time."
            ),
            lambda: run(stride=1),
        )
    if params["bias"]:
        yield f"Looks like you forgot the bias ({num(params['bias'])}).", lambda: run(bias=0)
    if params.get("dilation", 1) > 1:
        yield (
            (
                f"Looks like you ignored the dilation ({params['dilation']}): the kernel taps "
                f"are {params['dilation']} apart."
            ),
            lambda: run(dilation=1),
        )


class Conv2d(Problem):
    name = "conv2d"

    def generate(self, pick: Picker, level: int) -> None:
        # The variant is drawn first and the input/kernel sizes follow from it: drawing
        # the sizes first let the output-size filter reject nearly every padding draw,
        # so level 2 drilled only stride (issue 14). A pinned param picks its variant.
        pinned = pick.params
        if level == 1:
            k, side = pick.one([2, 3]), pick.one([3, 4])
        elif level == 2:
            padded = "padding" in pinned or ("stride" not in pinned and pick.rng.random() < 0.5)
            if padded:  # a "same" convolution: 3×3 kernel, padding 1, 3×3 output
                pick.get("padding", lambda: 1)
                k, side = 3, 3
            else:
                pick.get("stride", lambda: 2)
                k, side = pick.one([(2, 4), (2, 5), (3, 5)])
            pick.integer("bias", -2, 2)
        else:
            dilated = "dilation" in pinned or (
                not {"padding", "stride"} & set(pinned) and pick.rng.random() < 0.5
            )
            if dilated:  # the sizes whose dilated output has 4 to 9 entries
                pick.get("dilation", lambda: 2)
                k, side = pick.one([(3, 6), (2, 5)])
            else:
                pick.get("padding", lambda: 1)
                pick.get("stride", lambda: 2)
                k, side = pick.one([(3, 5), (3, 6), (2, 5)])
            pick.integer("bias", -2, 2)
        lo = 0 if level == 1 else -2
        pick.get("x", lambda: pick.ints(lo, 5, (side, side)))
        pick.get("weight", lambda: pick.ints(-1, 1, (k, k)))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        w = np.asarray(params["weight"])
        if not w.any():
            return False
        out = self.solve(params)
        return (1 if level == 1 else 4) <= out.size <= (4 if level == 1 else 9)

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return _conv(
            params["x"],
            params["weight"],
            params["bias"],
            params["stride"],
            params["padding"],
            params["dilation"],
        )

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, reveal=False)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        w = np.asarray(params["weight"])
        setup = [
            f"stride {params['stride']}",
            f"padding {params['padding']}" if params["padding"] else "no padding",
        ]
        if params["dilation"] != 1:
            setup.append(f"dilation {params['dilation']}")
        if params["bias"]:
            setup.append(f"bias {num(params['bias'])}")
        text = (
            f"Slide the {w.shape[0]}×{w.shape[1]} kernel over the input x "
            f"(cross-correlation, as in PyTorch: the kernel is not flipped), "
            f"{', '.join(setup)}. What is the output?"
        )
        return text, [grid("input x", params["x"]), grid("kernel", w)], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        x, w = np.asarray(params["x"], float), np.asarray(params["weight"], float)
        s, p, d, b = params["stride"], params["padding"], params["dilation"], params["bias"]
        out = self.solve(params)
        (kh, kw), (h, wd) = w.shape, x.shape
        size = (
            f"Output size: ⌊({h} + 2·{p} − {d}·({kh} − 1) − 1) / {s}⌋ + 1 = {out.shape[0]} "
            f"rows and {out.shape[1]} columns."
        )
        steps = [size]
        if p:
            steps.append(
                f"Pad x with {plural(p, 'ring')} of zeros: it becomes {h + 2 * p}×{wd + 2 * p}."
            )
        where = "the padded input" if p else "x"
        taps = (
            f"the kernel taps, {d} apart, over {article(d * (kh - 1) + 1)} "
            f"{d * (kh - 1) + 1}×{d * (kw - 1) + 1} area"
            if d > 1
            else f"{article(kh)} {kh}×{kw} window"
        )
        steps.append(
            f"Top-left output: {taps} at the top-left of {where}, times the kernel "
            f"entry by entry, summed{' plus the bias' if b else ''}: "
            f"{_window_sum(_padded(x, (p, p)), w, 0, 0, d, b)}."
        )
        steps.append(
            f"Each next output moves the window {plural(s, 'column')} right; each next "
            f"row of outputs moves it {plural(s, 'row')} down."
        )
        steps.append(f"All outputs: {_matrix_text(out)}.")
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        def run(flip: bool = False, **change: Any) -> np.ndarray:
            q = params | change
            w = np.asarray(q["weight"])
            return _conv(
                q["x"],
                w[::-1, ::-1] if flip else w,
                q["bias"],
                q["stride"],
                q["padding"],
                q["dilation"],
            )

        return _common_mistakes(params, run, "kernel")


class Conv1dSharedWeights(Problem):
    name = "conv1d_shared_weights"

    def generate(self, pick: Picker, level: int) -> None:
        taps = 3 if level < 3 else pick.one([2, 3, 4])
        length = pick.one({1: [5, 6, 7], 2: [7, 8, 9], 3: [6, 7, 8]}[level])
        pick.get("x", lambda: pick.ints(0 if level == 1 else -3, 9, length))
        pick.get("weight", lambda: pick.ints(-1, 1, taps) if level < 3 else pick.ints(-2, 2, taps))
        if level >= 2:
            pick.get("stride", lambda: 2)
            pick.integer("bias", -2, 2)
        if level == 3:
            pick.get("padding", lambda: 1)

    def nice(self, params: dict[str, Any], level: int) -> bool:
        w = params["weight"]
        if not any(w) or w == w[::-1]:  # a symmetric filter hides the flip mistake
            return False
        return 2 <= self.solve(params).size <= 5

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return _conv(
            [params["x"]],
            [params["weight"]],
            params["bias"],
            (1, params["stride"]),
            (0, params["padding"]),
        )[0]

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, reveal=False)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        n, k, s, p = len(params["x"]), len(params["weight"]), params["stride"], params["padding"]
        pad = f", after padding x with {plural(p, 'zero')} at each end" if p else ""
        bias = f" + b, with b = {num(params['bias'])}" if params["bias"] else ""
        text = (
            f"Weight sharing: a hidden layer h is computed by sliding one filter w of "
            f"{k} weights along the {n} inputs x with stride {s}{pad}: each hᵢ = "
            f"w · (the next window of {k} inputs){bias}. Every hᵢ uses the same weights. "
            "Compute h."
        )
        return text, [grid("input x", params["x"]), grid("filter w", params["weight"])], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        x = np.pad(np.asarray(params["x"], float), params["padding"])
        w = np.asarray(params["weight"], float)
        s, b, k = params["stride"], params["bias"], len(params["weight"])
        out = self.solve(params)
        n = len(params["x"])
        steps = [
            f"Number of outputs: ⌊({n} + 2·{params['padding']} − {k}) / {s}⌋ + 1 = {out.size}."
        ]
        if params["padding"]:
            steps.append(f"Padded input: {nums(x, sep=' ')}.")
        for i in range(out.size):
            window = x[i * s : i * s + k]
            value = dot_text(window, w) + (signed(b) if b else "") + f" = {num(out[i])}"
            of = " of the padded x" if params["padding"] else ""
            steps.append(f"h{i + 1} (inputs {i * s + 1}–{i * s + k}{of}): {value}.")
        steps.append(
            f"All {out.size} outputs share the same {k} weights; a dense layer from "
            f"{n} inputs to {out.size} outputs would need {n * out.size}."
        )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        def run(flip: bool = False, **change: Any) -> np.ndarray:
            q = params | change
            w = q["weight"][::-1] if flip else q["weight"]
            return _conv([q["x"]], [w], q["bias"], (1, q["stride"]), (0, q["padding"]))[0]

        return _common_mistakes(params, run, "filter")
