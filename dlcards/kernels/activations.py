"""Elementwise activations and their backward passes, as torch.nn.functional.

Every function takes and returns arrays of any shape; ``*_backward(grad_out, x, ...)``
returns ``grad_out · f'(x)`` with the shape of ``x``.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array, check_real, check_same_shape

__all__ = [
    "elu",
    "elu_backward",
    "gelu",
    "gelu_backward",
    "leaky_relu",
    "leaky_relu_backward",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "tanh",
    "tanh_backward",
]

Approximate = Literal["none", "tanh"]

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_GELU_KAPPA = 0.044715
# Series/continued-fraction split point and lengths: measured against math.erf on a
# dense grid over [0, 6], both parts stay within 1.4e-15 relative error.
_ERF_SPLIT = 2.0
_ERF_SERIES_TERMS = 32
_ERFC_FRACTION_DEPTH = 50


def _erf(z: FloatArray) -> FloatArray:
    """Error function to ~1e-15, vectorized (numpy has no erf and scipy is not a dependency).

    |z| < 2: the all-positive series erf z = 2/√π · e^(−z²) · Σ 2ⁿ z^(2n+1) / (2n+1)!!
    (Abramowitz & Stegun 7.1.6), which has no cancellation. |z| >= 2: erfc from its
    continued fraction (A&S 7.1.14), evaluated bottom-up to a fixed depth.
    """
    shape = np.shape(z)
    # ufuncs turn 0-d arrays into scalars, which the in-place updates below cannot take.
    a = np.abs(np.atleast_1d(z))
    small = np.minimum(a, _ERF_SPLIT)
    term = small.copy()
    total = small.copy()
    two_z2 = 2.0 * small * small
    for n in range(1, _ERF_SERIES_TERMS):
        term *= two_z2 / (2 * n + 1)
        total += term
    series = (2.0 / math.sqrt(math.pi)) * np.exp(-small * small) * total
    large = np.maximum(a, _ERF_SPLIT)
    fraction = large.copy()
    for k in range(_ERFC_FRACTION_DEPTH, 0, -1):
        np.divide(0.5 * k, fraction, out=fraction)
        fraction += large
    erfc = np.exp(-large * large) / (math.sqrt(math.pi) * fraction)
    erf: FloatArray = np.copysign(np.where(a < _ERF_SPLIT, series, 1.0 - erfc), z).reshape(shape)
    return erf


def _check_approximate(approximate: str) -> None:
    if approximate not in ("none", "tanh"):
        raise ValueError(f'approximate must be "none" or "tanh", got {approximate!r}')


def _pair(grad_out: ArrayLike, x: ArrayLike) -> tuple[FloatArray, FloatArray]:
    g, a = as_float_array(grad_out, "grad_out"), as_float_array(x, "x")
    check_same_shape(g, a)
    return g, a


def relu(x: ArrayLike) -> FloatArray:
    """ReLU, max(x, 0).

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, float64, same shape as x
    """
    return np.maximum(as_float_array(x, "x"), 0.0)


def relu_backward(grad_out: ArrayLike, x: ArrayLike) -> FloatArray:
    """Gradient of :func:`relu`: grad_out where x > 0, else 0 (ReLU'(0) = 0, as torch).

    Parameters
    ----------
    grad_out : array_like, same shape as x
        Gradient of the loss with respect to the activation's output.
    x : array_like, any shape
        The forward input.

    Returns
    -------
    ndarray, float64, same shape as x
    """
    g, a = _pair(grad_out, x)
    return np.where(a > 0, g, 0.0)


def leaky_relu(x: ArrayLike, negative_slope: float = 0.01) -> FloatArray:
    """Leaky ReLU: x where x > 0, else negative_slope·x.

    Parameters
    ----------
    x : array_like, any shape
    negative_slope : float, default 0.01

    Returns
    -------
    ndarray, float64, same shape as x
    """
    a = as_float_array(x, "x")
    slope = check_real(negative_slope, "negative_slope")
    return np.where(a > 0, a, slope * a)


def leaky_relu_backward(
    grad_out: ArrayLike, x: ArrayLike, negative_slope: float = 0.01
) -> FloatArray:
    """Gradient of :func:`leaky_relu`: grad_out where x > 0, else negative_slope·grad_out.

    At x = 0 the slope applies, as in torch.

    Parameters
    ----------
    grad_out : array_like, same shape as x
        Gradient of the loss with respect to the activation's output.
    x : array_like, any shape
        The forward input.
    negative_slope : float, default 0.01

    Returns
    -------
    ndarray, float64, same shape as x
    """
    g, a = _pair(grad_out, x)
    slope = check_real(negative_slope, "negative_slope")
    return np.where(a > 0, g, slope * g)


def sigmoid(x: ArrayLike) -> FloatArray:
    """Logistic sigmoid, 1 / (1 + e^(−x)), without overflow for large |x|.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, float64, same shape as x
    """
    a = as_float_array(x, "x")
    # e^(−|x|) never overflows; the two branches are the same function rearranged.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_backward(grad_out: ArrayLike, x: ArrayLike) -> FloatArray:
    """Gradient of :func:`sigmoid`: grad_out · σ(x)·(1 − σ(x)).

    Parameters
    ----------
    grad_out : array_like, same shape as x
        Gradient of the loss with respect to the activation's output.
    x : array_like, any shape
        The forward input.

    Returns
    -------
    ndarray, float64, same shape as x
    """
    g, a = _pair(grad_out, x)
    s = sigmoid(a)
    return g * s * (1.0 - s)


def tanh(x: ArrayLike) -> FloatArray:
    """Hyperbolic tangent.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, float64, same shape as x
    """
    return np.tanh(as_float_array(x, "x"))


def tanh_backward(grad_out: ArrayLike, x: ArrayLike) -> FloatArray:
    """Gradient of :func:`tanh`: grad_out · (1 − tanh²x).

    Parameters
    ----------
    grad_out : array_like, same shape as x
        Gradient of the loss with respect to the activation's output.
    x : array_like, any shape
        The forward input.

    Returns
    -------
    ndarray, float64, same shape as x
    """
    g, a = _pair(grad_out, x)
    return g * (1.0 - np.tanh(a) ** 2)


def elu(x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    """ELU: x where x > 0, else alpha·(e^x − 1).

    Parameters
    ----------
    x : array_like, any shape
    alpha : float, default 1.0

    Returns
    -------
    ndarray, float64, same shape as x
    """
    a = as_float_array(x, "x")
    alpha = check_real(alpha, "alpha")
    # expm1 keeps precision for small negative x, where e^x − 1 cancels.
    return np.where(a > 0, a, alpha * np.expm1(np.minimum(a, 0.0)))


def elu_backward(grad_out: ArrayLike, x: ArrayLike, alpha: float = 1.0) -> FloatArray:
    """Gradient of :func:`elu`: grad_out where x > 0, else grad_out·alpha·e^x.

    At x = 0 the derivative is alpha, as in torch.

    Parameters
    ----------
    grad_out : array_like, same shape as x
        Gradient of the loss with respect to the activation's output.
    x : array_like, any shape
        The forward input.
    alpha : float, default 1.0

    Returns
    -------
    ndarray, float64, same shape as x
    """
    g, a = _pair(grad_out, x)
    alpha = check_real(alpha, "alpha")
    return np.where(a > 0, g, g * alpha * np.exp(np.minimum(a, 0.0)))


def gelu(x: ArrayLike, approximate: Approximate = "none") -> FloatArray:
    """Gaussian error linear unit, x·Φ(x), like ``torch.nn.functional.gelu``.

    Parameters
    ----------
    x : array_like, any shape
    approximate : {"none", "tanh"}
        "none": exact, ``x/2·(1 + erf(x/√2))``; "tanh":
        ``x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))``.

    Returns
    -------
    ndarray, float64, same shape as x
    """
    _check_approximate(approximate)
    a = as_float_array(x, "x")
    if approximate == "tanh":
        return 0.5 * a * (1.0 + np.tanh(_SQRT_2_OVER_PI * (a + _GELU_KAPPA * a**3)))
    return 0.5 * a * (1.0 + _erf(a / math.sqrt(2.0)))


def gelu_backward(
    grad_out: ArrayLike, x: ArrayLike, approximate: Approximate = "none"
) -> FloatArray:
    """Gradient of :func:`gelu`: grad_out · d/dx gelu(x).

    Parameters
    ----------
    grad_out : array_like, same shape as x
    x : array_like, any shape
    approximate : {"none", "tanh"}

    Returns
    -------
    ndarray, float64, same shape as x
    """
    _check_approximate(approximate)
    g, a = _pair(grad_out, x)
    if approximate == "tanh":
        t = np.tanh(_SQRT_2_OVER_PI * (a + _GELU_KAPPA * a**3))
        d_inner = _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_KAPPA * a * a)
        return g * (0.5 * (1.0 + t) + 0.5 * a * (1.0 - t * t) * d_inner)
    cdf = 0.5 * (1.0 + _erf(a / math.sqrt(2.0)))
    pdf = np.exp(-0.5 * a * a) / math.sqrt(2.0 * math.pi)
    return g * (cdf + a * pdf)
