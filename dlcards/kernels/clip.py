"""Gradient clipping by global norm, as ``torch.nn.utils.clip_grad_norm_``."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array

__all__ = ["clip_grad_norm"]

CLIP_EPS = 1e-6  # torch adds it to the norm before dividing (no division by zero)


def clip_grad_norm(
    grads: Sequence[ArrayLike], max_norm: float, norm_type: float = 2.0
) -> tuple[list[FloatArray], float]:
    """Scale all gradients together so their global norm is at most ``max_norm``.

    total = ‖(‖g₁‖, ‖g₂‖, …)‖ in the ``norm_type`` norm (the norm of all entries
    together; ``inf``: the largest |entry|). Every gradient is multiplied by
    min(1, max_norm / (total + 1e-6)), as torch does, so a clipped norm comes out a
    hair under ``max_norm``.

    Parameters
    ----------
    grads : sequence of array_like, any shapes (at least one)
    max_norm : float, > 0
    norm_type : float, > 0, or math.inf

    Returns
    -------
    (clipped, total_norm) : list of float64 ndarrays (each of its gradient's shape)
        and the norm *before* clipping, as torch returns it.
    """
    arrays = [as_float_array(g, f"grads[{i}]") for i, g in enumerate(grads)]
    if not arrays:
        raise ValueError("grads must hold at least one gradient")
    if isinstance(max_norm, bool) or not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive finite number, got {max_norm!r}")
    if isinstance(norm_type, bool) or not (norm_type > 0):
        raise ValueError(f"norm_type must be positive (or math.inf), got {norm_type!r}")
    flat = np.concatenate([a.ravel() for a in arrays])
    if math.isinf(norm_type):
        total = float(np.abs(flat).max()) if flat.size else 0.0
    else:
        total = float(np.sum(np.abs(flat) ** norm_type) ** (1.0 / norm_type))
    coef = min(1.0, max_norm / (total + CLIP_EPS))
    return [a * coef for a in arrays], total
