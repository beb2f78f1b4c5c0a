"""Layer normalization (forward and backward) and RMS normalization over the last axis."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array, check_real, check_same_shape

__all__ = ["layer_norm", "layer_norm_backward", "rms_norm"]


def _features(x: FloatArray) -> int:
    if x.ndim < 1 or x.size == 0:
        raise ValueError(f"x must have at least one feature on its last axis; got {x.shape}")
    return int(x.shape[-1])


def _per_feature(value: ArrayLike | None, name: str, features: int, fill: float) -> FloatArray:
    if value is None:
        return np.full(features, fill)
    a = as_float_array(value, name)
    if a.shape != (features,):
        raise ValueError(f"{name} must have shape ({features},) to match x's last axis")
    return a


def _normalized(x: FloatArray, eps: float) -> tuple[FloatArray, FloatArray]:
    """(x̂, 1/σ) with the biased variance, as torch (divide by the feature count)."""
    mean = x.mean(axis=-1, keepdims=True)
    rstd = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    return (x - mean) * rstd, rstd


def layer_norm(
    x: ArrayLike,
    gamma: ArrayLike | None = None,
    beta: ArrayLike | None = None,
    eps: float = 1e-5,
) -> FloatArray:
    """Layer normalization over the last axis, like ``F.layer_norm(x, (D,), γ, β, eps)``.

    Each vector x[..., :] is normalized with its own mean and biased variance,
    ``(x − mean)/√(var + eps)``, then scaled by gamma and shifted by beta. Unlike
    batch norm, the statistics never mix samples.

    Parameters
    ----------
    x : array_like, shape (..., D)
    gamma, beta : array_like, shape (D,), optional (default 1 and 0)
    eps : float, default 1e-5, >= 0

    Returns
    -------
    ndarray, float64, shape (..., D)
    """
    a = as_float_array(x, "x")
    d = _features(a)
    g = _per_feature(gamma, "gamma", d, 1.0)
    b = _per_feature(beta, "beta", d, 0.0)
    xhat, _ = _normalized(a, check_real(eps, "eps", 0.0))
    return xhat * g + b


def layer_norm_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    gamma: ArrayLike | None = None,
    eps: float = 1e-5,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gradients of :func:`layer_norm` with respect to x, gamma and beta.

    With x̂ the normalized input, σ its standard deviation and ĝ = grad_out·γ:
    ``dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ`` (means over the last axis),
    ``dγ = Σ grad_out·x̂`` and ``dβ = Σ grad_out`` (sums over every leading axis).

    Parameters
    ----------
    grad_out : array_like, shape (..., D), same as x
    x : array_like, shape (..., D), the forward input
    gamma : array_like, shape (D,), optional (default 1)
    eps : float, default 1e-5

    Returns
    -------
    grad_x : ndarray, float64, shape (..., D)
    grad_gamma, grad_beta : ndarray, float64, shape (D,)
    """
    g, a = as_float_array(grad_out, "grad_out"), as_float_array(x, "x")
    check_same_shape(g, a)
    d = _features(a)
    gam = _per_feature(gamma, "gamma", d, 1.0)
    xhat, rstd = _normalized(a, check_real(eps, "eps", 0.0))
    ghat = g * gam
    grad_x = rstd * (
        ghat - ghat.mean(axis=-1, keepdims=True) - xhat * (ghat * xhat).mean(axis=-1, keepdims=True)
    )
    leading = tuple(range(a.ndim - 1))
    return grad_x, (g * xhat).sum(axis=leading), g.sum(axis=leading)


def rms_norm(x: ArrayLike, weight: ArrayLike | None = None, eps: float = 1e-6) -> FloatArray:
    """RMS normalization over the last axis, like ``F.rms_norm(x, (D,), weight, eps)``.

    ``x / √(mean(x²) + eps) · weight``: no mean is subtracted and there is no
    shift (Zhang & Sennrich 2019; used in T5 and Llama).

    Parameters
    ----------
    x : array_like, shape (..., D)
    weight : array_like, shape (D,), optional (default 1)
    eps : float, default 1e-6, >= 0 (torch defaults to the dtype's machine epsilon)

    Returns
    -------
    ndarray, float64, shape (..., D)
    """
    a = as_float_array(x, "x")
    w = _per_feature(weight, "weight", _features(a), 1.0)
    eps = check_real(eps, "eps", 0.0)
    out: FloatArray = a / np.sqrt((a * a).mean(axis=-1, keepdims=True) + eps) * w
    return out
