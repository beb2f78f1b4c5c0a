"""One optimizer step (torch.optim.SGD / Adam semantics) and learning-rate schedules.

The steps are pure: they return new arrays and never modify their arguments.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array, check_int, check_real

__all__ = [
    "adam_step",
    "cosine_decay",
    "exponential_decay",
    "inverse_time_decay",
    "momentum_step",
    "sgd_step",
    "step_decay",
]


def _arrays(param: ArrayLike, **others: ArrayLike) -> list[FloatArray]:
    p = as_float_array(param, "param")
    arrays = [p]
    for name, value in others.items():
        a = as_float_array(value, name)
        if a.shape != p.shape:
            raise ValueError(f"{name} has shape {a.shape} but param has shape {p.shape}")
        arrays.append(a)
    return arrays


def sgd_step(param: ArrayLike, grad: ArrayLike, lr: float, weight_decay: float = 0.0) -> FloatArray:
    """One plain gradient-descent step: ``param − lr·(grad + weight_decay·param)``.

    Weight decay is the L2 term folded into the gradient, as torch.optim.SGD does.

    Parameters
    ----------
    param, grad : array_like, same shape (scalars allowed)
    lr : float, >= 0
    weight_decay : float, >= 0

    Returns
    -------
    ndarray, float64, shape of param
    """
    p, g = _arrays(param, grad=grad)
    lr = check_real(lr, "lr", 0.0)
    weight_decay = check_real(weight_decay, "weight_decay", 0.0)
    return np.asarray(p - lr * (g + weight_decay * p))


def momentum_step(
    param: ArrayLike,
    grad: ArrayLike,
    velocity: ArrayLike,
    lr: float,
    momentum: float = 0.9,
    nesterov: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """One SGD-with-momentum step in torch.optim.SGD's convention (dampening 0).

    ``v ← μ·v + g``; then ``param ← param − lr·v``, or with Nesterov
    ``param ← param − lr·(g + μ·v)`` using the new v. Starting from v = 0 matches
    torch, whose first step sets v = g.

    Parameters
    ----------
    param, grad, velocity : array_like, same shape (scalars allowed)
    lr : float, >= 0
    momentum : float, >= 0 (> 0 when nesterov)
    nesterov : bool, default False

    Returns
    -------
    param : ndarray, float64, shape of param
    velocity : ndarray, float64, shape of param
    """
    p, g, v = _arrays(param, grad=grad, velocity=velocity)
    lr = check_real(lr, "lr", 0.0)
    momentum = check_real(momentum, "momentum", 0.0)
    if nesterov and momentum == 0.0:
        raise ValueError("nesterov momentum needs momentum > 0")
    v_new = momentum * v + g
    step = g + momentum * v_new if nesterov else v_new
    return np.asarray(p - lr * step), np.asarray(v_new)


def adam_step(
    param: ArrayLike,
    grad: ArrayLike,
    m: ArrayLike,
    v: ArrayLike,
    t: int,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """One Adam step as torch.optim.Adam (no AMSGrad, no weight decay).

    ``m ← β1·m + (1−β1)·g``, ``v ← β2·v + (1−β2)·g²``, then
    ``param ← param − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)``; eps is added after the
    bias correction, where torch adds it.

    Parameters
    ----------
    param, grad, m, v : array_like, same shape (scalars allowed)
        m and v are the first and second moment estimates (zeros before step 1).
    t : int
        1-based index of this step.
    lr : float, default 1e-3
    betas : (float, float), each in [0, 1)
    eps : float, >= 0

    Returns
    -------
    param, m, v : ndarray, float64, shape of param
    """
    p, g, m_old, v_old = _arrays(param, grad=grad, m=m, v=v)
    t = check_int(t, "t (the 1-based step index)", 1)
    lr = check_real(lr, "lr", 0.0)
    eps = check_real(eps, "eps", 0.0)
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    beta1, beta2 = (check_real(b, "betas", 0.0) for b in betas)
    if beta1 >= 1.0 or beta2 >= 1.0:
        raise ValueError(f"betas must be in [0, 1), got {betas!r}")
    m_new = beta1 * m_old + (1.0 - beta1) * g
    v_new = beta2 * v_old + (1.0 - beta2) * g * g
    denom = np.sqrt(v_new) / math.sqrt(1.0 - beta2**t) + eps
    p_new = p - (lr / (1.0 - beta1**t)) * m_new / denom
    return np.asarray(p_new), np.asarray(m_new), np.asarray(v_new)


def step_decay(lr0: float, epoch: int, gamma: float, step_size: int) -> float:
    """``lr0·gamma^⌊epoch/step_size⌋`` (torch's StepLR).

    Parameters
    ----------
    lr0 : float, >= 0
    epoch : int, >= 0
    gamma : float, >= 0
        Factor applied every ``step_size`` epochs.
    step_size : int, >= 1

    Returns
    -------
    float
    """
    lr0 = check_real(lr0, "lr0", 0.0)
    epoch = check_int(epoch, "epoch", 0)
    gamma = check_real(gamma, "gamma", 0.0)
    step_size = check_int(step_size, "step_size", 1)
    return lr0 * gamma ** (epoch // step_size)


def exponential_decay(lr0: float, k: float, t: float) -> float:
    """``lr0·e^(−k·t)``.

    Parameters
    ----------
    lr0 : float, >= 0
    k : float, >= 0
        Decay rate.
    t : float, >= 0
        Step or epoch.

    Returns
    -------
    float
    """
    lr0 = check_real(lr0, "lr0", 0.0)
    k = check_real(k, "k", 0.0)
    t = check_real(t, "t", 0.0)
    return lr0 * math.exp(-k * t)


def inverse_time_decay(lr0: float, k: float, t: float) -> float:
    """``lr0 / (1 + k·t)`` (the "1/t" schedule).

    Parameters
    ----------
    lr0 : float, >= 0
    k : float, >= 0
    t : float, >= 0

    Returns
    -------
    float
    """
    lr0 = check_real(lr0, "lr0", 0.0)
    k = check_real(k, "k", 0.0)
    t = check_real(t, "t", 0.0)
    return lr0 / (1.0 + k * t)


def cosine_decay(lr0: float, t: float, T: float, lr_min: float = 0.0) -> float:
    """``lr_min + (lr0 − lr_min)·(1 + cos(π·t/T))/2``, torch's CosineAnnealingLR.

    It falls from lr0 at t = 0 to lr_min at t = T. Past T the formula is used as is,
    so the rate rises again, as CosineAnnealingLR does when stepped beyond T_max.

    Parameters
    ----------
    lr0 : float, >= 0
    t : float, >= 0
    T : float, > 0
        Length of the decay (T_max).
    lr_min : float, default 0.0

    Returns
    -------
    float
    """
    lr0 = check_real(lr0, "lr0", 0.0)
    t = check_real(t, "t", 0.0)
    period = check_real(T, "T", 0.0)
    if period == 0.0:
        raise ValueError("T must be positive, got 0")
    lr_min = check_real(lr_min, "lr_min", 0.0)
    return lr_min + (lr0 - lr_min) * (1.0 + math.cos(math.pi * t / period)) / 2.0
