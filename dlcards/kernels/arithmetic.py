"""Convolution arithmetic and argument checks in pure Python (no numpy).

Counting kernels (output sizes, receptive fields, parameter counts) need no arrays:
kept apart from the numpy kernels, a card that only counts (the shipped Compute
Drills' first card) is shown without importing numpy (~100 ms, issue 13). The
numpy kernels use the same checks through ``_common``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral, Real
from typing import TypeAlias

__all__ = [
    "check_int",
    "check_real",
    "conv_output_size",
    "conv_params",
    "output_size",
    "pair",
    "receptive_field",
]

IntOrPair: TypeAlias = int | tuple[int, int]


def check_int(value: object, name: str, minimum: int) -> int:
    """Return ``value`` as an int, raising ValueError if it is not an integer >= ``minimum``."""
    # The exact-type test skips the slow ABC check on the hot path. bool is an
    # Integral, but stride=True is a caller bug rather than a stride of 1.
    if type(value) is not int:
        if isinstance(value, bool) or not isinstance(value, Integral):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        value = int(value)
    if value < minimum:
        bound = {0: "non-negative", 1: "positive"}.get(minimum, f">= {minimum}")
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_real(value: object, name: str, minimum: float | None = None) -> float:
    """Return ``value`` as a float, raising ValueError if not a finite real >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        bound = "non-negative" if minimum == 0 else f">= {minimum}"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return float(value)


def pair(value: object, name: str, minimum: int) -> tuple[int, int]:
    """Expand an int or an (h, w) pair to a validated ``(h, w)`` tuple of ints."""
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair (h, w), got {value!r}")
        return check_int(value[0], name, minimum), check_int(value[1], name, minimum)
    as_int = check_int(value, name, minimum)
    return as_int, as_int


def output_size(size: int, kernel_size: int, stride: int, padding: int, dilation: int) -> int:
    """``conv_output_size`` for arguments already checked (a span too long still raises)."""
    span = dilation * (kernel_size - 1) + 1
    if span > size + 2 * padding:
        raise ValueError(
            f"kernel spans {span} (kernel_size {kernel_size}, dilation {dilation}) but the "
            f"padded input is only {size + 2 * padding} long (size {size}, padding {padding})"
        )
    return (size + 2 * padding - span) // stride + 1


def conv_output_size(
    size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1
) -> int:
    """Output length of a convolution or pooling along one axis.

    ``floor((size + 2·padding − dilation·(kernel_size − 1) − 1) / stride) + 1``, the
    floor convention of PyTorch and TensorFlow's VALID/explicit padding.

    Parameters
    ----------
    size : int
        Input length (>= 1).
    kernel_size : int
        Kernel length (>= 1).
    stride : int, default 1
        Step between windows (>= 1).
    padding : int, default 0
        Zeros added on each side (>= 0).
    dilation : int, default 1
        Spacing between kernel taps (>= 1).

    Returns
    -------
    int
        Output length, >= 1.

    Raises
    ------
    ValueError
        On a non-integer or out-of-range argument, or when the dilated kernel is
        larger than the padded input.
    """
    return output_size(
        check_int(size, "size", 1),
        check_int(kernel_size, "kernel_size", 1),
        check_int(stride, "stride", 1),
        check_int(padding, "padding", 0),
        check_int(dilation, "dilation", 1),
    )


def receptive_field(layers: Sequence[Sequence[int]]) -> int:
    """Receptive field, in input pixels, of one output unit of a stack of layers.

    Each layer adds ``dilation·(kernel − 1)`` times the product of the strides of the
    layers before it (its "jump" in input pixels).

    Parameters
    ----------
    layers : sequence of (kernel, stride) or (kernel, stride, dilation)
        From input to output; all positive ints. An empty stack sees 1 pixel.

    Returns
    -------
    int
    """
    field, jump = 1, 1
    for index, layer in enumerate(layers):
        if len(layer) not in (2, 3):
            raise ValueError(
                f"layer {index} must be (kernel, stride) or (kernel, stride, dilation); "
                f"got {layer!r}"
            )
        kernel = check_int(layer[0], f"layer {index} kernel", 1)
        stride = check_int(layer[1], f"layer {index} stride", 1)
        dilation = check_int(layer[2], f"layer {index} dilation", 1) if len(layer) == 3 else 1
        field += dilation * (kernel - 1) * jump
        jump *= stride
    return field


def conv_params(
    c_in: int, c_out: int, kernel_size: IntOrPair, groups: int = 1, bias: bool = True
) -> int:
    """Number of learnable parameters of a 2-D conv layer.

    ``kH·kW·(c_in / groups)·c_out`` weights, plus ``c_out`` biases when ``bias``.

    Parameters
    ----------
    c_in, c_out : int
        Input and output channels; both divisible by ``groups``.
    kernel_size : int or (int, int)
    groups : int, default 1
    bias : bool, default True

    Returns
    -------
    int
    """
    c_in = check_int(c_in, "c_in", 1)
    c_out = check_int(c_out, "c_out", 1)
    groups = check_int(groups, "groups", 1)
    kh, kw = pair(kernel_size, "kernel_size", 1)
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide c_in={c_in} and c_out={c_out}")
    return kh * kw * (c_in // groups) * c_out + (c_out if bias else 0)
