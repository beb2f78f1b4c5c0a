"""Softmax, log-softmax and softmax cross-entropy, as torch.nn.functional."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import FloatArray, as_float_array, check_same_shape

__all__ = [
    "cross_entropy",
    "cross_entropy_backward",
    "log_softmax",
    "log_softmax_backward",
    "softmax",
    "softmax_backward",
]


def _shifted(x: FloatArray, axis: int) -> FloatArray:
    # Subtracting the max makes the largest exponent e^0, so logits of ±1000 neither
    # overflow nor all underflow; softmax is unchanged by the shift.
    shifted: FloatArray = x - x.max(axis=axis, keepdims=True)
    return shifted


def softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    """e^x / Σ e^x along ``axis``, stable for large logits.

    Parameters
    ----------
    x : array_like, any shape with at least one element along ``axis``
    axis : int, default -1

    Returns
    -------
    ndarray, float64, same shape as x; sums to 1 along ``axis``
    """
    e = _shifted(as_float_array(x, "x"), axis)
    np.exp(e, out=e)
    e /= e.sum(axis=axis, keepdims=True)
    return e


def log_softmax(x: ArrayLike, axis: int = -1) -> FloatArray:
    """log(softmax(x)) along ``axis``, computed without forming softmax (no log(0)).

    Parameters
    ----------
    x : array_like, any shape
    axis : int, default -1

    Returns
    -------
    ndarray, float64, same shape as x
    """
    z = _shifted(as_float_array(x, "x"), axis)
    out: FloatArray = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
    return out


def softmax_backward(grad_out: ArrayLike, x: ArrayLike, axis: int = -1) -> FloatArray:
    """Gradient of :func:`softmax`: ``y·(g − Σ g·y)`` with y = softmax(x).

    Parameters
    ----------
    grad_out : array_like, same shape as x
    x : array_like, any shape
        The forward input.
    axis : int, default -1

    Returns
    -------
    ndarray, float64, same shape as x
    """
    g, a = as_float_array(grad_out, "grad_out"), as_float_array(x, "x")
    check_same_shape(g, a)
    y = softmax(a, axis)
    grad: FloatArray = y * (g - (g * y).sum(axis=axis, keepdims=True))
    return grad


def log_softmax_backward(grad_out: ArrayLike, x: ArrayLike, axis: int = -1) -> FloatArray:
    """Gradient of :func:`log_softmax`: ``g − softmax(x)·Σ g``.

    Parameters
    ----------
    grad_out : array_like, same shape as x
    x : array_like, any shape
        The forward input.
    axis : int, default -1

    Returns
    -------
    ndarray, float64, same shape as x
    """
    g, a = as_float_array(grad_out, "grad_out"), as_float_array(x, "x")
    check_same_shape(g, a)
    grad: FloatArray = g - softmax(a, axis) * g.sum(axis=axis, keepdims=True)
    return grad


def _check_targets(logits: ArrayLike, targets: ArrayLike) -> tuple[FloatArray, NDArray[np.integer]]:
    z = as_float_array(logits, "logits", "NK")
    t = np.asarray(targets)
    if t.shape != (z.shape[0],):
        raise ValueError(f"targets must have shape ({z.shape[0]},) to match logits; got {t.shape}")
    if t.dtype == bool or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"targets must be integer class indices, got dtype {t.dtype}")
    if z.shape[0] == 0:
        raise ValueError("logits must have at least one row (N >= 1)")
    outside = t[(t < 0) | (t >= z.shape[1])]
    if outside.size:
        raise ValueError(
            f"targets must be class indices in [0, {z.shape[1]}); got {outside.tolist()}"
        )
    return z, t


def _smoothing(label_smoothing: float) -> float:
    if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing!r}")
    return float(label_smoothing)


def cross_entropy(logits: ArrayLike, targets: ArrayLike, label_smoothing: float = 0.0) -> float:
    """Mean softmax cross-entropy, like ``torch.nn.functional.cross_entropy``.

    ``mean_n(−Σ_k q[n, k]·log softmax(logits[n])[k])`` with the target distribution
    q = (1 − ε)·onehot(targets) + ε/K (ε = ``label_smoothing``; ε = 0 gives
    ``−log softmax(logits[n])[targets[n]]``).

    Parameters
    ----------
    logits : array_like, shape (N, K)
        Unnormalized scores, N >= 1 samples over K classes.
    targets : array_like of int, shape (N,)
        Class indices in [0, K).
    label_smoothing : float in [0, 1], default 0.0

    Returns
    -------
    float
    """
    z, t = _check_targets(logits, targets)
    eps = _smoothing(label_smoothing)
    logp = log_softmax(z)
    nll = -logp[np.arange(z.shape[0]), t]
    if eps == 0.0:
        return float(nll.mean())
    uniform = -logp.mean(axis=1)  # cross-entropy against the uniform distribution ε spreads
    return float(((1.0 - eps) * nll + eps * uniform).mean())


def cross_entropy_backward(
    logits: ArrayLike, targets: ArrayLike, label_smoothing: float = 0.0
) -> FloatArray:
    """Gradient of :func:`cross_entropy` with respect to the logits: (softmax − q)/N.

    q is the (smoothed) target distribution of :func:`cross_entropy`.

    Parameters
    ----------
    logits : array_like, shape (N, K)
    targets : array_like of int, shape (N,)
    label_smoothing : float in [0, 1], default 0.0

    Returns
    -------
    ndarray, float64, shape (N, K)
    """
    z, t = _check_targets(logits, targets)
    eps = _smoothing(label_smoothing)
    grad = softmax(z)
    if eps:
        grad -= eps / z.shape[1]
    grad[np.arange(z.shape[0]), t] -= 1.0 - eps
    grad /= z.shape[0]
    return grad
