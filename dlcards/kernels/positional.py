"""Position information for transformers: rotary embeddings and sinusoidal encodings."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array, check_int, check_real

__all__ = ["rope", "sinusoidal_positional_encoding"]


def _frequencies(d: int, base: float) -> FloatArray:
    """θ_i = base^(−2i/d) for i = 0 … d/2 − 1."""
    return base ** (-np.arange(0, d, 2, dtype=np.float64) / d)


def rope(
    x: ArrayLike, positions: ArrayLike, base: float = 10000.0, interleaved: bool = False
) -> FloatArray:
    """Rotary position embedding (RoPE; Su et al. 2021, arXiv:2104.09864).

    Feature pair i of the vector at position m is rotated by the angle m·θ_i with
    θ_i = base^(−2i/D). Which features form pair i:

    - ``interleaved=False`` (default): features i and i + D/2, the "rotate half"
      layout of Hugging Face's Llama code:
      ``out = x·cos + rotate_half(x)·sin`` with ``rotate_half(x) = [−x₂, x₁]``;
    - ``interleaved=True``: features 2i and 2i + 1 (adjacent pairs), as in the
      RoFormer paper and Meta's original Llama code.

    Either way ``(a, b) → (a·cos − b·sin, a·sin + b·cos)``, so norms are kept and
    the dot product of a rotated query and key depends only on their offset.

    Parameters
    ----------
    x : array_like, shape (..., T, D), D even
    positions : array_like, shape broadcastable to (..., T), usually (T,)
        The position m of each vector (integers, or any real).
    base : float, default 10000.0, > 0
    interleaved : bool, default False

    Returns
    -------
    ndarray, float64, shape (..., T, D)
    """
    a = as_float_array(x, "x")
    if a.ndim < 1 or a.size == 0 or a.shape[-1] % 2:
        raise ValueError(f"x must have an even, non-zero last axis (D); got shape {a.shape}")
    pos = as_float_array(positions, "positions")
    if not np.all(np.isfinite(pos)):
        raise ValueError("positions must be finite")
    base = check_real(base, "base", 0.0)
    if base <= 0:
        raise ValueError(f"base must be positive, got {base}")
    d = a.shape[-1]
    angles = pos[..., None] * _frequencies(d, base)  # (..., T, D/2)
    try:
        np.broadcast_shapes(angles.shape, a.shape[:-1] + (d // 2,))
    except ValueError:
        raise ValueError(
            f"positions of shape {pos.shape} do not match x's positions {a.shape[:-1]}"
        ) from None
    cos, sin = np.cos(angles), np.sin(angles)
    if interleaved:
        first, second = a[..., 0::2], a[..., 1::2]
    else:
        first, second = a[..., : d // 2], a[..., d // 2 :]
    rotated_first = first * cos - second * sin
    rotated_second = first * sin + second * cos
    out = np.empty(np.broadcast_shapes(a.shape, rotated_first.shape[:-1] + (d,)))
    if interleaved:
        out[..., 0::2], out[..., 1::2] = rotated_first, rotated_second
    else:
        out[..., : d // 2], out[..., d // 2 :] = rotated_first, rotated_second
    return out


def sinusoidal_positional_encoding(positions: ArrayLike, d_model: int) -> FloatArray:
    """The fixed encodings of Vaswani et al. 2017, §3.5.

    ``PE[pos, 2i] = sin(pos / 10000^(2i/d_model))`` and
    ``PE[pos, 2i+1] = cos(pos / 10000^(2i/d_model))``: each pair of dimensions
    is a sinusoid, with wavelengths from 2π to 10000·2π.

    Parameters
    ----------
    positions : array_like, any shape (usually (T,) or a single position)
    d_model : int, even, >= 2

    Returns
    -------
    ndarray, float64, shape positions.shape + (d_model,)
    """
    pos = as_float_array(positions, "positions")
    if not np.all(np.isfinite(pos)):
        raise ValueError("positions must be finite")
    d = check_int(d_model, "d_model", 2)
    if d % 2:
        raise ValueError(f"d_model must be even (sin and cos pairs), got {d}")
    angles = pos[..., None] * _frequencies(d, 10000.0)
    out = np.empty(pos.shape + (d,))
    out[..., 0::2] = np.sin(angles)
    out[..., 1::2] = np.cos(angles)
    return out
