"""Next-token sampling filters: temperature, top-k and top-p (nucleus) sampling."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array, check_int, check_real
from .softmax_ce import softmax

__all__ = ["top_k_top_p_filter"]

# A cumulative sum that should reach p exactly (0.5 + 0.4 for p = 0.9) may land a
# rounding error below it; without this slack one token too many would survive.
_MASS_SLACK = 1e-12


def top_k_top_p_filter(
    logits: ArrayLike,
    k: int | None = None,
    p: float | None = None,
    temperature: float = 1.0,
) -> FloatArray:
    """The distribution a sampler draws the next token from, after filtering.

    In this order, as Hugging Face's ``generate`` applies its warpers:

    1. temperature: probabilities = softmax(logits / temperature);
    2. top-k: keep the k most likely tokens;
    3. top-p (nucleus, Holtzman et al. 2019): of the tokens left, renormalized,
       keep the smallest set of most likely tokens whose mass reaches p;

    then renormalize the survivors. Tokens are ranked by probability, ties
    broken by lower index, so the survivors are always a prefix of that order
    (Hugging Face keeps every token tied with the k-th instead).

    Parameters
    ----------
    logits : array_like, shape (..., V)
        Filtered independently along the last axis.
    k : int, optional, >= 1 (None or k >= V keeps every token)
    p : float, optional, in (0, 1] (None or 1 keeps every token)
    temperature : float, default 1.0, > 0

    Returns
    -------
    ndarray, float64, shape (..., V)
        Filtered tokens get 0; the rest sum to 1 along the last axis.
    """
    z = as_float_array(logits, "logits")
    if z.ndim < 1 or z.size == 0:
        raise ValueError(f"logits must have at least one token on the last axis; got {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite")
    t = check_real(temperature, "temperature", 0.0)
    if t <= 0:
        raise ValueError(f"temperature must be positive, got {t}")
    probs = softmax(z / t, axis=-1)
    # Stable sort of −p: equal probabilities keep index order.
    order = np.argsort(-probs, axis=-1, kind="stable")
    ranked = np.take_along_axis(probs, order, axis=-1)
    keep = np.ones(ranked.shape, dtype=bool)
    if k is not None:
        keep[..., check_int(k, "k", 1) :] = False
    if p is not None:
        mass = check_real(p, "p", 0.0)
        if not 0 < mass <= 1:
            raise ValueError(f"p must be in (0, 1], got {mass}")
        kept = np.where(keep, ranked, 0.0)
        kept /= kept.sum(axis=-1, keepdims=True)
        before = np.cumsum(kept, axis=-1) - kept  # mass of the more likely survivors
        # A token stays while the mass before it has not yet reached p; the most
        # likely token always stays.
        keep[..., 1:] &= before[..., 1:] < mass - _MASS_SLACK
    filtered_ranked = np.where(keep, ranked, 0.0)
    filtered_ranked /= filtered_ranked.sum(axis=-1, keepdims=True)
    out = np.empty_like(filtered_ranked)
    np.put_along_axis(out, order, filtered_ranked, axis=-1)
    return out
