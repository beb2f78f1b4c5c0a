"""Max and average pooling by hand.

pool2d
    params: ``x`` (matrix), ``kernel_size``, ``stride`` (default: ``kernel_size``, as
    in PyTorch), ``padding`` (0; at most half the kernel), ``mode`` (``"max"`` or
    ``"avg"``). Average pooling counts the zero padding (PyTorch's default
    ``count_include_pad=True``); max pooling pads with −∞, so padding never wins.
    Levels: 1 2×2 max pooling, stride 2, on a 4×4 input; 2 3×3 windows with stride 2,
    overlapping 2×2 windows with stride 1, or 2×2 average pooling; 3 average pooling
    over 3×3 windows (ninths) and padding. Inputs up to 7×7 with entries 0–9.
    Answer: a matrix; max exact, average ±0.005.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import grid, num, nums
from dlcards.problems.kinds import Kind, Tol
from dlcards.problems.kinds_array import Array
from dlcards.wording import plural

AVG_TOL = Tol(abs=5e-3)


def _pool(x: Any, k: int, s: int, p: int, mode: str) -> np.ndarray:
    x4 = np.asarray(x, dtype=float)[None, None]
    fn = K.max_pool2d if mode == "max" else K.avg_pool2d
    return fn(x4, k, s, p)[0, 0]


def _avg_excluding_padding(x: Any, k: int, s: int, p: int) -> np.ndarray:
    """What ``count_include_pad=False`` gives: divide by the real cells only."""
    sums = _pool(x, k, s, p, "avg")
    counts = _pool(np.ones_like(np.asarray(x, dtype=float)), k, s, p, "avg")
    return sums / counts


class Pool2d(Problem):
    name = "pool2d"

    def complete(self, params: dict[str, Any]) -> dict[str, Any]:
        full = super().complete(params)
        if "kernel_size" in full:
            full.setdefault("stride", full["kernel_size"])
        return full

    def generate(self, pick: Picker, level: int) -> None:
        form = {
            1: ["max22"],
            2: ["max32", "max21", "avg22"],
            3: ["avg32", "avg31", "maxpad", "avgpad"],
        }[level]
        mode = pick.params.get("mode")  # a pinned mode keeps its own variants (max32, max21…)
        variant = pick.one([v for v in form if mode is None or v.startswith(mode)] or form)
        k = pick.get("kernel_size", lambda: 3 if variant[3] == "3" or "pad" in variant else 2)
        pick.get("mode", lambda: variant[:3])
        if "pad" in variant:
            pick.get("padding", lambda: 1)
            pick.get("stride", lambda: 2)
        else:
            pick.get("stride", lambda: int(variant[4]))
        s = pick.params["stride"]
        p = pick.params.get("padding", 0)
        out = pick.one([2, 3]) if level > 1 else 2
        side = (out - 1) * s + k - 2 * p  # the smallest input with `out` windows per side
        pick.get("x", lambda: pick.ints(0, 9, (max(side, 1), max(side, 1))))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        x = np.asarray(params["x"])
        return max(x.shape) <= 7 and self.solve(params).size <= 9

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return _pool(
            params["x"], params["kernel_size"], params["stride"], params["padding"], params["mode"]
        )

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, AVG_TOL if params["mode"] == "avg" else Tol(), reveal=False)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        k, s, p, mode = (params[n] for n in ("kernel_size", "stride", "padding", "mode"))
        what = "max pooling" if mode == "max" else "average pooling"
        pad = f"padding {p}" if p else "no padding"
        text = f"Apply {k}×{k} {what} with stride {s} ({pad}) to x. What is the output?"
        if p and mode == "avg":
            text += (
                " The zero padding counts in each average (PyTorch's default, "
                "count_include_pad=True)."
            )
        elif p:
            text += " Max pooling pads with −∞, so the padding never wins."
        if mode == "avg":
            text += " Give 3 decimals (or fractions)."
        return text, [grid("input x", params["x"])], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        k, s, p, mode = (params[n] for n in ("kernel_size", "stride", "padding", "mode"))
        x = np.asarray(params["x"], dtype=float)
        out = self.solve(params)
        steps = [
            f"Output size: ⌊({x.shape[0]} + 2·{p} − {k}) / {s}⌋ + 1 = {out.shape[0]} rows "
            f"and {out.shape[1]} columns."
        ]
        fill = 0.0 if mode == "avg" else -np.inf
        xp = np.pad(x, p, constant_values=fill)
        if p:
            steps.append(
                f"Pad with {plural(p, 'ring')} of "
                f"{'zeros' if mode == 'avg' else '−∞ (never the maximum)'}."
            )
        window = xp[:k, :k]
        cells = " / ".join(nums(row, sep=" ") for row in window).replace("−inf", "−∞")
        if mode == "max":
            first = f"max = {num(out[0, 0])}"
        else:
            first = f"sum {num(window.sum())} / {k * k} = {num(out[0, 0])}"
        steps.append(
            f"Top-left window (rows 1–{k}, columns 1–{k}"
            f"{' of the padded input' if p else ''}): {cells} → {first}."
        )
        overlap = " (windows overlap)" if s < k else ""
        steps.append(
            f"Move the window {plural(s, 'column')} right for each next output and "
            f"{plural(s, 'row')} down for each next row{overlap}."
        )
        steps.append("All outputs: " + "; ".join(nums(row, sep=" ") for row in out) + ".")
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        k, s, p, mode = (params[n] for n in ("kernel_size", "stride", "padding", "mode"))
        x = params["x"]
        if mode == "max":
            yield (
                "Looks like you averaged each window; this is max pooling.",
                lambda: _pool(x, k, s, p, "avg"),
            )
        else:
            yield (
                "Looks like you took each window's maximum; this is average pooling.",
                lambda: _pool(x, k, s, p, "max"),
            )
            if p:
                yield (
                    (
                        "Looks like you left the padding out of the averages; PyTorch's default "
                        f"divides every window by {k * k}, padding included."
                    ),
                    lambda: _avg_excluding_padding(x, k, s, p),
                )
        if s != 1:
            yield (
                f"Looks like you ignored the stride ({s}): move the window {s} steps.",
                lambda: _pool(x, k, 1, p, mode),
            )
        if s != k:
            yield (
                (
                    f"Looks like you used non-overlapping windows (stride {k}); the stride here "
                    f"is {s}."
                ),
                lambda: _pool(x, k, k, p, mode),
            )
        if p:
            yield "Looks like you forgot the padding.", lambda: _pool(x, k, s, 0, mode)
