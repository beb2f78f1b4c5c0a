"""2-D convolution (cross-correlation, as torch.nn.functional.conv2d) and conv arithmetic."""

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

# The counting functions are pure Python (arithmetic.py); re-exported from here too.
from .arithmetic import conv_output_size, conv_params, receptive_field

__all__ = ["conv2d", "conv2d_backward", "conv_output_size", "conv_params", "receptive_field"]

_WEIGHT_AXES = ("O", "C", "kH", "kW")


def _geometry(
    x_shape: tuple[int, ...],
    w_shape: tuple[int, ...],
    stride: IntOrPair,
    padding: IntOrPair,
    dilation: IntOrPair,
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Validate a conv call; return (stride, padding, dilation, (oH, oW)) as pairs."""
    if x_shape[1] != w_shape[1]:
        raise ValueError(
            f"weight expects {w_shape[1]} input channels (shape {w_shape}) but x has "
            f"{x_shape[1]} (shape {x_shape})"
        )
    s, p, d = pair(stride, "stride", 1), pair(padding, "padding", 0), pair(dilation, "dilation", 1)
    out_hw = (
        output_size(x_shape[2], w_shape[2], s[0], p[0], d[0]),
        output_size(x_shape[3], w_shape[3], s[1], p[1], d[1]),
    )
    return s, p, d, out_hw


def _im2col(
    x: FloatArray,
    kernel_hw: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    out_hw: tuple[int, int],
    ones_row: bool = False,
) -> FloatArray:
    """Copy every receptive field of ``x`` into a column matrix.

    Returns shape (N, C·kH·kW [+ 1], oH·oW), contiguous, rows ordered (c, i, j) like a
    flattened (O, C, kH, kW) weight, so ``weight.reshape(O, -1) @ cols`` is the conv.
    With ``ones_row`` a final row of ones is appended, turning the bias into one more
    GEMM column instead of a separate pass over the output.
    """
    n, c = x.shape[:2]
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = kernel_hw, stride, dilation, out_hw
    # The buffer view below needs one contiguous block; after padding it already is.
    xp = np.ascontiguousarray(pad_hw(x, padding, 0.0))
    bn, bc, bh, bw = xp.strides
    # A strided view over xp's buffer, as sliding_window_view or as_strided would give,
    # but without their 5-15 µs of Python overhead (a quarter of a small conv); numpy
    # still checks that the view stays inside the buffer.
    windows = np.ndarray(
        (n, c, kh, kw, oh, ow),
        np.float64,
        xp,
        0,
        (bn, bc, bh * dh, bw * dw, bh * sh, bw * sw),
    )
    rows = c * kh * kw
    cols = np.empty((n, rows + int(ones_row), oh * ow))
    # Splitting axis 1 of this slice into (c, kh, kw) is always a view, so the
    # assignment lands in ``cols``.
    cols[:, :rows].reshape(n, c, kh, kw, oh, ow)[...] = windows
    if ones_row:
        cols[:, rows] = 1.0
    return cols


def conv2d(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> FloatArray:
    """2-D cross-correlation, like ``torch.nn.functional.conv2d`` (groups=1).

    ``y[n, o, r, s] = bias[o] + Σ_{c,i,j} weight[o, c, i, j] ·
    xpad[n, c, r·sH + i·dH, s·sW + j·dW]``, computed as one im2col copy and one GEMM.

    Parameters
    ----------
    x : array_like, shape (N, C, H, W)
    weight : array_like, shape (O, C, kH, kW)
    bias : array_like, shape (O,), optional
    stride, padding, dilation : int or (int, int)
        Per-axis (H, W) values; an int applies to both. stride >= 1, padding >= 0
        (zeros), dilation >= 1.

    Returns
    -------
    ndarray, float64, shape (N, O, oH, oW)
        ``oH = conv_output_size(H, kH, sH, pH, dH)`` and likewise ``oW``.
    """
    x = as_float_array(x, "x", "NCHW")
    w = as_float_array(weight, "weight", _WEIGHT_AXES)
    s, p, d, out_hw = _geometry(x.shape, w.shape, stride, padding, dilation)
    o = w.shape[0]
    w_mat = w.reshape(o, -1)
    if bias is not None:
        b = as_float_array(bias, "bias")
        if b.shape != (o,):
            raise ValueError(f"bias must have shape ({o},) to match weight; got {b.shape}")
        w_mat = np.concatenate([w_mat, b[:, None]], axis=1)
    cols = _im2col(x, (w.shape[2], w.shape[3]), s, p, d, out_hw, ones_row=bias is not None)
    # (O, K) @ (N, K, L) -> (N, O, L): already NCHW-ordered, no transpose copy needed.
    out: FloatArray = np.matmul(w_mat, cols).reshape(x.shape[0], o, *out_hw)
    return out


def conv2d_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    weight: ArrayLike,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gradients of :func:`conv2d` with respect to its input, weight and bias.

    Parameters
    ----------
    grad_out : array_like, shape (N, O, oH, oW)
        Gradient of the loss with respect to the conv output.
    x : array_like, shape (N, C, H, W)
        The forward input.
    weight : array_like, shape (O, C, kH, kW)
    stride, padding, dilation : int or (int, int)
        As in the forward call.

    Returns
    -------
    grad_x : ndarray, shape (N, C, H, W)
    grad_weight : ndarray, shape (O, C, kH, kW)
    grad_bias : ndarray, shape (O,)
    """
    x = as_float_array(x, "x", "NCHW")
    w = as_float_array(weight, "weight", _WEIGHT_AXES)
    g = as_float_array(grad_out, "grad_out", "NCHW")
    s, p, d, out_hw = _geometry(x.shape, w.shape, stride, padding, dilation)
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    if g.shape != (n, o, *out_hw):
        raise ValueError(f"grad_out must have shape {(n, o, *out_hw)}; got {g.shape}")
    g_mat = g.reshape(n, o, -1)
    cols = _im2col(x, (kh, kw), s, p, d, out_hw)
    grad_w = np.matmul(g_mat, cols.transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    grad_cols = np.matmul(w.reshape(o, -1).T, g_mat).reshape(n, c, kh, kw, *out_hw)
    grad_xp = np.zeros((n, c, h + 2 * p[0], wd + 2 * p[1]))
    # col2im: overlapping windows add up; one strided add per kernel tap.
    for i in range(kh):
        for j in range(kw):
            tap = window_offset(grad_xp, i * d[0], j * d[1], s, out_hw)
            tap += grad_cols[:, :, i, j]
    return crop_hw(grad_xp, p, (h, wd)), grad_w, g.sum(axis=(0, 2, 3))
