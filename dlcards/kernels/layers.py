"""Training-mode batch normalization and inverted dropout."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._common import FloatArray, as_float_array, check_real

__all__ = ["batch_norm", "dropout"]


def batch_norm(x: ArrayLike, gamma: ArrayLike, beta: ArrayLike, eps: float = 1e-5) -> FloatArray:
    """Batch normalization in training mode, like ``F.batch_norm(..., training=True)``.

    Each feature (or channel) is normalized with the batch mean and the biased batch
    variance, ``(x − mean)/√(var + eps)``, then scaled by gamma and shifted by beta.
    No running statistics are kept.

    Parameters
    ----------
    x : array_like, shape (N, D) or (N, C, H, W)
        Statistics are over N for (N, D) and over N, H, W per channel for (N, C, H, W);
        each needs at least 2 values, as in torch.
    gamma, beta : array_like, shape (D,) or (C,)
    eps : float, default 1e-5, >= 0

    Returns
    -------
    ndarray, float64, same shape as x
    """
    a = as_float_array(x, "x")
    if a.ndim == 2:
        axes: tuple[int, ...] = (0,)
    elif a.ndim == 4:
        axes = (0, 2, 3)
    else:
        raise ValueError(f"x must have shape (N, D) or (N, C, H, W); got {a.shape}")
    features = a.shape[1]
    params = []
    for name, value in (("gamma", gamma), ("beta", beta)):
        p = as_float_array(value, name)
        if p.shape != (features,):
            raise ValueError(f"{name} must have shape ({features},) to match x {a.shape}")
        # (C,) -> (C, 1, 1) so it broadcasts over H, W of an (N, C, H, W) batch.
        params.append(p.reshape(features, *([1] * (a.ndim - 2))))
    eps = check_real(eps, "eps", 0.0)
    if a.size // max(features, 1) < 2:
        raise ValueError(f"batch_norm needs more than 1 value per channel; got x {a.shape}")
    mean = a.mean(axis=axes, keepdims=True)
    var = a.var(axis=axes, keepdims=True)
    y: FloatArray = (a - mean) / np.sqrt(var + eps) * params[0] + params[1]
    return y


def dropout(
    x: ArrayLike, p: float, rng: np.random.Generator
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Inverted dropout (training mode).

    Each element survives with probability 1 − p and is scaled by 1/(1 − p), so the
    expected output equals x; dropped elements are 0. With p = 1 everything is
    dropped, as in torch.

    Parameters
    ----------
    x : array_like, any shape
    p : float in [0, 1]
        Drop probability.
    rng : numpy.random.Generator
        The only source of randomness: same generator state, same mask.

    Returns
    -------
    y : ndarray, float64, same shape as x
    mask : ndarray of bool, same shape as x
        True where the element survived.
    """
    a = as_float_array(x, "x")
    p = check_real(p, "p", 0.0)
    if p > 1.0:
        raise ValueError(f"p must be a probability in [0, 1], got {p}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    mask = rng.random(a.shape) >= p
    if p == 1.0:
        return np.zeros_like(a), mask
    return np.where(mask, a / (1.0 - p), 0.0), mask
