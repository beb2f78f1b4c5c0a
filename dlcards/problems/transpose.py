"""Output size of a transposed convolution (ConvTranspose2d).

conv_transpose_output_size
    params: ``size`` (input side), ``kernel_size``, ``stride`` (1), ``padding`` (0),
    ``output_padding`` (0), ``dilation`` (1). As torch.nn.ConvTranspose2d:
    out = (size − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1.
    Levels: 1 stride 1, or kernel = stride (exact upsampling); 2 stride 2 with padding
    (kernel 4, padding 1 doubles); 3 output_padding and dilation. Answer: an int, exact.
"""

from __future__ import annotations

from typing import Any

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.kinds import Kind, Scalar
from dlcards.wording import article


def _p(params: dict[str, Any]) -> tuple[int, int, int, int, int, int]:
    keys = ("size", "kernel_size", "stride", "padding", "output_padding", "dilation")
    i, k, s, p, op, d = (int(params[key]) for key in keys)
    return i, k, s, p, op, d


class ConvTransposeOutputSize(Problem):
    name = "conv_transpose_output_size"

    def generate(self, pick: Picker, level: int) -> None:
        pick.integer("size", 2, 16 if level == 1 else 64)
        if "output_padding" in pick.params:  # it needs a stride (or dilation) above it
            low = pick.params["output_padding"] + 1
            pick.choice("stride", [low] if "dilation" not in pick.params else [1, low])
        if level == 1:
            s = pick.choice("stride", [1, 2])
            pick.choice("kernel_size", [s] if s > 1 else [2, 3, 5])
        elif level == 2:
            pick.choice("stride", [2])
            pick.choice("kernel_size", [3, 4, 5])
            pick.choice("padding", [1, 2])
        else:
            s = pick.choice("stride", [2, 3])
            pick.choice("kernel_size", [3, 4])
            pick.choice("padding", [0, 1])
            d = pick.choice("dilation", [1, 2])
            pick.choice("output_padding", list(range(1, max(s, d))))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        i, k, s, p, op, d = _p(params)
        return op < max(s, d) and (i - 1) * s - 2 * p + d * (k - 1) + op + 1 >= 1

    def solve(self, params: dict[str, Any]) -> int:
        return K.conv_transpose_output_size(*_p(params))

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(hint="an integer (the output side)")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        i, k, s, p, op, d = _p(params)
        extra = f", output_padding={op}" if op else ""
        extra += f", dilation={d}" if d > 1 else ""
        text = (
            f"{article(i).capitalize()} {i}×{i} feature map goes through "
            f"nn.ConvTranspose2d(kernel_size={k}, "
            f"stride={s}, padding={p}{extra}). What is the output's side?"
        )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        i, k, s, p, op, d = _p(params)
        out = self.solve(params)
        return [
            "A transposed convolution maps sizes the other way from a convolution: "
            "out = (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1.",
            f"({i} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}.",
            "Padding here removes rows from the output (it undoes the padding of the "
            "convolution it transposes); output_padding adds rows at one side only, to pick "
            "among input sizes that a strided convolution maps to the same output.",
        ]

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        i, k, s, p, op, d = _p(params)
        yield (
            "That is the forward convolution's formula; a transposed convolution runs it "
            "backwards: (in − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1.",
            lambda: (i + 2 * p - d * (k - 1) - 1) // s + 1,
        )
        if p:
            yield (
                "Looks like you added the padding; in a transposed convolution it is removed "
                "(− 2·padding).",
                lambda: (i - 1) * s + 2 * p + d * (k - 1) + op + 1,
            )
        if op:
            yield (
                "Looks like you forgot output_padding.",
                lambda: self.solve(params | {"output_padding": 0}),
            )
        if d > 1:
            yield (
                f"Looks like you ignored the dilation ({d}): the kernel spans d·(k − 1) + 1.",
                lambda: (i - 1) * s - 2 * p + (k - 1) + op + 1,
            )
        yield "Looks like you multiplied the input by the stride only.", lambda: i * s
