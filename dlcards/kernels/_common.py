"""Argument checking and strided-view helpers shared by the kernel submodules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

# The checks live with the numpy-free arithmetic; re-exported for the array kernels.
from .arithmetic import IntOrPair, check_int, check_real, output_size, pair

__all__ = [
    "FloatArray",
    "IntOrPair",
    "as_float_array",
    "check_int",
    "check_real",
    "check_same_shape",
    "crop_hw",
    "output_size",
    "pad_hw",
    "pair",
    "window_offset",
]

FloatArray: TypeAlias = NDArray[np.float64]
# window_offset views float data and boolean masks alike.
_Scalar = TypeVar("_Scalar", bound=np.generic)


def as_float_array(value: ArrayLike, name: str, layout: Sequence[str] | None = None) -> FloatArray:
    """Convert ``value`` to float64; with ``layout`` also check its rank and non-emptiness.

    Parameters
    ----------
    value : array_like, any shape
    name : str
        Argument name used in error messages.
    layout : sequence of str, optional
        One name per expected axis, e.g. ``"NCHW"`` or ``("O", "C", "kH", "kW")``.

    Returns
    -------
    ndarray, float64, same shape as ``value``
    """
    array = np.asarray(value, dtype=np.float64)
    if layout is not None:
        axes = ", ".join(layout)
        if array.ndim != len(layout):
            raise ValueError(
                f"{name} must have {len(layout)} dimensions ({axes}); got shape {array.shape}"
            )
        if array.size == 0:
            raise ValueError(f"{name} must not be empty; got shape {array.shape} ({axes})")
    return array


def check_same_shape(grad_out: FloatArray, x: FloatArray) -> None:
    """Raise ValueError unless ``grad_out`` has the shape of ``x`` (elementwise backward)."""
    if grad_out.shape != x.shape:
        raise ValueError(f"grad_out has shape {grad_out.shape} but x has shape {x.shape}")


def pad_hw(x: FloatArray, padding: tuple[int, int], fill: float) -> FloatArray:
    """Pad the last two axes of ``x`` (N, C, H, W) on both sides with ``fill``.

    Returns ``x`` itself when there is no padding; otherwise a new array of shape
    (N, C, H + 2·pH, W + 2·pW).
    """
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    n, c, h, w = x.shape
    # np.pad costs ~50 µs of Python overhead per call, more than a small conv itself.
    shape = (n, c, h + 2 * ph, w + 2 * pw)
    padded = np.zeros(shape) if fill == 0.0 else np.full(shape, fill)
    padded[:, :, ph : ph + h, pw : pw + w] = x
    return padded


def window_offset(
    a: NDArray[_Scalar], i: int, j: int, stride: tuple[int, int], out_hw: tuple[int, int]
) -> NDArray[_Scalar]:
    """View of ``a`` (N, C, Hp, Wp) picking element (i, j) of every window.

    Returns a view of shape (N, C, oH, oW) whose element [n, c, r, s] is
    ``a[n, c, r·sH + i, s·sW + j]``; writing to it writes into ``a``.
    """
    (sh, sw), (oh, ow) = stride, out_hw
    return a[:, :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw]


def crop_hw(padded: FloatArray, padding: tuple[int, int], hw: tuple[int, int]) -> FloatArray:
    """Inverse of :func:`pad_hw` for gradients: the interior (N, C, H, W) as a new array."""
    (ph, pw), (h, w) = padding, hw
    return np.ascontiguousarray(padded[:, :, ph : ph + h, pw : pw + w])
