"""Transposed 2-D convolution, as ``torch.nn.functional.conv_transpose2d`` (groups = 1)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, IntOrPair, as_float_array, check_int, pair

__all__ = ["conv_transpose2d", "conv_transpose_output_size"]


def _out_size(
    size: int, kernel_size: int, stride: int, padding: int, output_padding: int, dilation: int
) -> int:
    if output_padding >= max(stride, dilation):
        raise ValueError(
            f"output_padding ({output_padding}) must be smaller than stride ({stride}) or "
            f"dilation ({dilation}), as in PyTorch"
        )
    out = (size - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1
    if out < 1:
        raise ValueError(
            f"padding {padding} removes the whole output (it would be {out} long): use less padding"
        )
    return out


def conv_transpose_output_size(
    size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """Output length of a transposed convolution along one axis.

    ``(size − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1``:
    the input length of the convolution it transposes (output_padding picks among the
    inputs that a floor in the forward size formula maps to the same length).

    Parameters
    ----------
    size, kernel_size, stride, dilation : int, >= 1
    padding, output_padding : int, >= 0 (output_padding < max(stride, dilation))

    Returns
    -------
    int, >= 1

    Raises
    ------
    ValueError
        On an out-of-range argument or when the padding leaves no output.
    """
    return _out_size(
        check_int(size, "size", 1),
        check_int(kernel_size, "kernel_size", 1),
        check_int(stride, "stride", 1),
        check_int(padding, "padding", 0),
        check_int(output_padding, "output_padding", 0),
        check_int(dilation, "dilation", 1),
    )


def conv_transpose2d(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    output_padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> FloatArray:
    """The gradient of conv2d with respect to its input, used as an upsampling layer.

    Each input pixel x[n, c, h, w] adds ``x · weight[c, :, i, j]`` at output position
    (h·stride + i·dilation − padding, w·stride + j·dilation − padding); the extra
    ``output_padding`` rows/columns go at the bottom/right, as in torch.

    Parameters
    ----------
    x : array_like, shape (N, C_in, H, W)
    weight : array_like, shape (C_in, C_out, kH, kW) (torch's layout for transposed conv)
    bias : array_like, shape (C_out,), optional
    stride, padding, output_padding, dilation : int or (h, w) pair

    Returns
    -------
    ndarray, float64, shape (N, C_out, H_out, W_out) with H_out from
    :func:`conv_transpose_output_size`
    """
    inp = as_float_array(x, "x", "NCHW")
    w = as_float_array(weight, "weight", ("C_in", "C_out", "kH", "kW"))
    if w.shape[0] != inp.shape[1]:
        raise ValueError(
            f"weight has {w.shape[0]} input channels (axis 0) but x has {inp.shape[1]}"
        )
    s, p = pair(stride, "stride", 1), pair(padding, "padding", 0)
    op, d = pair(output_padding, "output_padding", 0), pair(dilation, "dilation", 1)
    n, _, h, wd = inp.shape
    c_out, kh, kw = w.shape[1], w.shape[2], w.shape[3]
    out_h = _out_size(h, kh, s[0], p[0], op[0], d[0])
    out_w = _out_size(wd, kw, s[1], p[1], op[1], d[1])
    # Scatter into the uncropped output, then cut the padding off both sides.
    full = np.zeros((n, c_out, out_h + 2 * p[0], out_w + 2 * p[1]))
    rows, cols = s[0] * (h - 1) + 1, s[1] * (wd - 1) + 1
    for i in range(kh):
        for j in range(kw):
            contrib = np.einsum("nchw,co->nohw", inp, w[:, :, i, j])
            r0, c0 = i * d[0], j * d[1]
            full[:, :, r0 : r0 + rows : s[0], c0 : c0 + cols : s[1]] += contrib
    out: FloatArray = full[:, :, p[0] : p[0] + out_h, p[1] : p[1] + out_w].copy()
    if bias is not None:
        b = as_float_array(bias, "bias", ("C_out",))
        if b.shape != (c_out,):
            raise ValueError(f"bias must have shape ({c_out},); got {b.shape}")
        out += b[None, :, None, None]
    return out
