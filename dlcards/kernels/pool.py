"""Max and average 2-D pooling, as torch.nn.functional.max_pool2d / avg_pool2d."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._common import (
    FloatArray,
    IntOrPair,
    as_float_array,
    crop_hw,
    output_size,
    pad_hw,
    pair,
    window_offset,
)

__all__ = ["avg_pool2d", "avg_pool2d_backward", "max_pool2d", "max_pool2d_backward"]

_Geometry = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]


def _geometry(
    shape: tuple[int, ...], kernel_size: IntOrPair, stride: IntOrPair | None, padding: IntOrPair
) -> _Geometry:
    """Validate a pooling call; return (kernel, stride, padding, (oH, oW)) as pairs."""
    k = pair(kernel_size, "kernel_size", 1)
    s = k if stride is None else pair(stride, "stride", 1)
    p = pair(padding, "padding", 0)
    # torch's rule; it also guarantees every window overlaps the real input.
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"padding {p} must be at most half the kernel size {k}")
    out_hw = (
        output_size(shape[2], k[0], s[0], p[0], 1),
        output_size(shape[3], k[1], s[1], p[1], 1),
    )
    return k, s, p, out_hw


def _check_grad(grad_out: ArrayLike, x: FloatArray, out_hw: tuple[int, int]) -> FloatArray:
    g = as_float_array(grad_out, "grad_out", "NCHW")
    if g.shape != (*x.shape[:2], *out_hw):
        raise ValueError(f"grad_out must have shape {(*x.shape[:2], *out_hw)}; got {g.shape}")
    return g


def _reduce_taps(
    op: np.ufunc,
    xp: FloatArray,
    kernel: tuple[int, int],
    s: tuple[int, int],
    out_hw: tuple[int, int],
) -> FloatArray:
    """Fold ``op`` over the kH·kW strided window views of ``xp``: (N, C, oH, oW)."""
    views = [window_offset(xp, i, j, s, out_hw) for i in range(kernel[0]) for j in range(kernel[1])]
    if len(views) == 1:
        return views[0].copy()
    # Creating the output from the first two views saves a full copy pass; the rest
    # accumulate in place.
    out: FloatArray = op(views[0], views[1])
    for view in views[2:]:
        op(out, view, out=out)
    return out


def _max_pool(xp: FloatArray, geometry: _Geometry) -> FloatArray:
    kernel, s, _, out_hw = geometry
    return _reduce_taps(np.maximum, xp, kernel, s, out_hw)


def max_pool2d(
    x: ArrayLike, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
) -> FloatArray:
    """Max over each window, like ``torch.nn.functional.max_pool2d`` (floor mode).

    Padding is implicit −inf, so it never wins; as in torch it may be at most half the
    kernel size.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size`` (non-overlapping windows).
    padding : int or (int, int), default 0

    Returns
    -------
    ndarray, float64, shape (N, C, oH, oW)
        ``oH = conv_output_size(H, kH, sH, pH)`` and likewise ``oW``.
    """
    x = as_float_array(x, "x", "NCHW")
    geometry = _geometry(x.shape, kernel_size, stride, padding)
    return _max_pool(pad_hw(x, geometry[2], -np.inf), geometry)


def max_pool2d_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
) -> FloatArray:
    """Gradient of :func:`max_pool2d` with respect to its input.

    Each window's gradient goes to its maximum; on ties, to the first maximum in
    row-major window order, as torch does (a window holding NaN sends it to its last
    NaN, as torch's scan does too). Overlapping windows add up.

    Parameters
    ----------
    grad_out : array_like, shape (N, C, oH, oW)
    x : array_like, shape (N, C, H, W)
        The forward input.
    kernel_size, stride, padding : int or (int, int)
        As in the forward call.

    Returns
    -------
    ndarray, float64, shape (N, C, H, W)
    """
    x = as_float_array(x, "x", "NCHW")
    geometry = _geometry(x.shape, kernel_size, stride, padding)
    (kh, kw), s, p, out_hw = geometry
    g = _check_grad(grad_out, x, out_hw)
    xp = pad_hw(x, p, -np.inf)
    out = _max_pool(xp, geometry)
    taps = [(i, j) for i in range(kh) for j in range(kw)]
    # Index of the tap each window routes its gradient to, decided in row-major order
    # the way torch's scan does (`val > max || isnan(val)`): the first maximum claims
    # the window, except that every NaN takes it over. Torch scans only real cells:
    # a padding cell (-inf) must not claim a window whose real cells are all -inf.
    real = None if p == (0, 0) else pad_hw(np.ones((1, 1, *x.shape[2:])), p, 0.0) > 0
    winner = np.full(out.shape, -1, dtype=np.intp)
    for t, (i, j) in enumerate(taps):
        view = window_offset(xp, i, j, s, out_hw)
        claims = (view == out) & (winner < 0)
        if real is not None:
            claims &= window_offset(real, i, j, s, out_hw)
        np.copyto(winner, t, where=claims)
        np.copyto(winner, t, where=np.isnan(view))
    grad_xp = np.zeros(xp.shape)
    for t, (i, j) in enumerate(taps):
        tap = window_offset(grad_xp, i, j, s, out_hw)
        tap += np.where(winner == t, g, 0.0)
    return crop_hw(grad_xp, p, x.shape[2:])


def avg_pool2d(
    x: ArrayLike, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
) -> FloatArray:
    """Mean over each window, like ``torch.nn.functional.avg_pool2d`` (floor mode).

    Padding is zeros and counts in the divisor (torch's default
    ``count_include_pad=True``), so every window divides by kH·kW.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default 0
        At most half the kernel size.

    Returns
    -------
    ndarray, float64, shape (N, C, oH, oW)
    """
    x = as_float_array(x, "x", "NCHW")
    (kh, kw), s, p, out_hw = _geometry(x.shape, kernel_size, stride, padding)
    out = _reduce_taps(np.add, pad_hw(x, p, 0.0), (kh, kw), s, out_hw)
    out /= kh * kw
    return out


def avg_pool2d_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    kernel_size: IntOrPair,
    stride: IntOrPair | None = None,
    padding: IntOrPair = 0,
) -> FloatArray:
    """Gradient of :func:`avg_pool2d` with respect to its input.

    Every element of a window receives grad/(kH·kW); overlapping windows add up.

    Parameters
    ----------
    grad_out : array_like, shape (N, C, oH, oW)
    x : array_like, shape (N, C, H, W)
        The forward input (only its shape is used).
    kernel_size, stride, padding : int or (int, int)
        As in the forward call.

    Returns
    -------
    ndarray, float64, shape (N, C, H, W)
    """
    x = as_float_array(x, "x", "NCHW")
    (kh, kw), s, p, out_hw = _geometry(x.shape, kernel_size, stride, padding)
    share = _check_grad(grad_out, x, out_hw) / (kh * kw)
    n, c, h, w = x.shape
    grad_xp = np.zeros((n, c, h + 2 * p[0], w + 2 * p[1]))
    for i in range(kh):
        for j in range(kw):
            tap = window_offset(grad_xp, i, j, s, out_hw)
            tap += share
    return crop_hw(grad_xp, p, (h, w))
