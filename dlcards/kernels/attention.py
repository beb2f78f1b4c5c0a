"""Scaled dot-product attention and multi-head (and grouped-query) attention.

Layouts follow torch: ``(..., L, E)`` queries against ``(..., S, E)`` keys, linear
weights stored ``(out_features, in_features)`` as in ``torch.nn.Linear``. Boolean
masks mean True = may attend, as in ``torch.nn.functional.scaled_dot_product_attention``
(``torch.nn.MultiheadAttention`` uses the opposite convention for its boolean masks).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array, check_int, check_real
from .softmax_ce import softmax

__all__ = ["multi_head_attention", "scaled_dot_product_attention"]


def _scores_mask(
    mask: ArrayLike | None, causal: bool, shape: tuple[int, ...]
) -> tuple[np.ndarray | None, FloatArray | None]:
    """Split ``mask`` into (allowed: bool, additive: float) broadcast to ``shape``."""
    if mask is not None and causal:
        # torch refuses both too: which one wins would be a guess.
        raise ValueError("give mask or causal=True, not both")
    length, source = shape[-2], shape[-1]
    if causal:
        # Query i sees keys 0..i (the top-left aligned lower triangle, as torch's is_causal).
        return np.tril(np.ones((length, source), dtype=bool)), None
    if mask is None:
        return None, None
    m = np.asarray(mask)
    try:
        np.broadcast_shapes(m.shape, shape)
    except ValueError:
        raise ValueError(
            f"mask of shape {m.shape} does not broadcast to the scores {shape}"
        ) from None
    if m.dtype == bool:
        return m, None
    return None, as_float_array(m, "mask")


def scaled_dot_product_attention(
    q: ArrayLike,
    k: ArrayLike,
    v: ArrayLike,
    *,
    mask: ArrayLike | None = None,
    causal: bool = False,
    scale: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """softmax(q·kᵀ·scale [+ mask]) · v, like ``F.scaled_dot_product_attention``.

    Parameters
    ----------
    q : array_like, shape (..., L, E)
        Queries.
    k : array_like, shape (..., S, E)
        Keys; leading axes broadcast against q's.
    v : array_like, shape (..., S, Ev)
        Values.
    mask : array_like, optional, broadcastable to (..., L, S)
        Boolean: True = the query may attend to the key. Float: added to the
        scores (use -inf to block). A query row with nothing to attend to is an error.
    causal : bool, default False
        Query i attends to keys 0..i only (not together with ``mask``).
    scale : float, optional
        Defaults to 1/√E.

    Returns
    -------
    out : ndarray, float64, shape (..., L, Ev)
    weights : ndarray, float64, shape (..., L, S)
        The attention probabilities; each row sums to 1 (masked entries are 0).
    """
    qa = as_float_array(q, "q")
    ka = as_float_array(k, "k")
    va = as_float_array(v, "v")
    for name, a in (("q", qa), ("k", ka), ("v", va)):
        if a.ndim < 2 or a.size == 0:
            raise ValueError(f"{name} must have shape (..., length, features); got {a.shape}")
    if qa.shape[-1] != ka.shape[-1]:
        raise ValueError(f"q and k need the same feature size; got {qa.shape} and {ka.shape}")
    if ka.shape[-2] != va.shape[-2]:
        raise ValueError(f"k and v need the same length S; got {ka.shape} and {va.shape}")
    factor = 1.0 / math.sqrt(qa.shape[-1]) if scale is None else check_real(scale, "scale")
    scores = np.matmul(qa, np.swapaxes(ka, -1, -2)) * factor
    allowed, additive = _scores_mask(mask, causal, scores.shape)
    if additive is not None:
        scores = scores + additive
    if allowed is not None:
        allowed = np.broadcast_to(allowed, scores.shape)
        scores = np.where(allowed, scores, -np.inf)
    if np.isneginf(scores).all(axis=-1).any():
        raise ValueError("a query row is masked everywhere: it has no key to attend to")
    weights = softmax(scores, axis=-1)
    return np.matmul(weights, va), weights


def _project(x: FloatArray, w: ArrayLike, b: ArrayLike | None, name: str) -> FloatArray:
    wa = as_float_array(w, name, ("out", "in"))
    if wa.shape[1] != x.shape[-1]:
        raise ValueError(f"{name} takes {wa.shape[1]} input features but x has {x.shape[-1]}")
    y = x @ wa.T
    if b is not None:
        ba = as_float_array(b, f"bias of {name}")
        if ba.shape != (wa.shape[0],):
            raise ValueError(f"the bias of {name} must have shape ({wa.shape[0]},); got {ba.shape}")
        y = y + ba
    return y


def _split_heads(x: FloatArray, heads: int) -> FloatArray:
    """(N, L, heads·D) -> (N, heads, L, D)."""
    n, length, width = x.shape
    return x.reshape(n, length, heads, width // heads).transpose(0, 2, 1, 3)


def multi_head_attention(
    query: ArrayLike,
    key: ArrayLike,
    value: ArrayLike,
    w_q: ArrayLike,
    w_k: ArrayLike,
    w_v: ArrayLike,
    w_o: ArrayLike,
    *,
    num_heads: int,
    num_kv_heads: int | None = None,
    b_q: ArrayLike | None = None,
    b_k: ArrayLike | None = None,
    b_v: ArrayLike | None = None,
    b_o: ArrayLike | None = None,
    mask: ArrayLike | None = None,
    causal: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Multi-head attention (MHA), or grouped-query attention (GQA) with fewer KV heads.

    Project (x·Wᵀ + b), split the features into heads of size D = E / num_heads,
    attend per head with :func:`scaled_dot_product_attention` (scale 1/√D), concatenate
    the heads and apply the output projection. With ``num_kv_heads`` = G < H, K and V
    have G heads and KV head j serves query heads j·H/G … (j+1)·H/G − 1 (consecutive
    groups, as ``repeat_interleave`` in torch's ``enable_gqa`` and Hugging Face's
    ``repeat_kv``); G = 1 is multi-query attention.

    Parameters
    ----------
    query : array_like, shape (N, L, E) or (L, E)
    key, value : array_like, shape (N, S, E) or (S, E)
    w_q, w_o : array_like, shape (E, E)
    w_k, w_v : array_like, shape (G·D, E)
    num_heads : int, H, divides E
    num_kv_heads : int, optional, G (default H), divides H
    b_q, b_o : array_like, shape (E,), optional
    b_k, b_v : array_like, shape (G·D,), optional
    mask : array_like, optional, broadcastable to (N, H, L, S)
        As in :func:`scaled_dot_product_attention` (bool True = may attend).
    causal : bool, default False

    Returns
    -------
    out : ndarray, float64, shape (N, L, E) (or (L, E) for unbatched input)
    weights : ndarray, float64, shape (N, H, L, S) (or (H, L, S)), per head
    """
    q_in = as_float_array(query, "query")
    k_in = as_float_array(key, "key")
    v_in = as_float_array(value, "value")
    unbatched = q_in.ndim == 2
    if unbatched:
        q_in, k_in, v_in = q_in[None], k_in[None], v_in[None]
    for name, a in (("query", q_in), ("key", k_in), ("value", v_in)):
        if a.ndim != 3 or a.size == 0:
            raise ValueError(f"{name} must have shape (N, length, E) or (length, E); got {a.shape}")
    heads = check_int(num_heads, "num_heads", 1)
    groups = heads if num_kv_heads is None else check_int(num_kv_heads, "num_kv_heads", 1)
    embed = q_in.shape[-1]
    if embed % heads:
        raise ValueError(f"num_heads ({heads}) must divide the embedding size ({embed})")
    if heads % groups:
        raise ValueError(f"num_kv_heads ({groups}) must divide num_heads ({heads})")
    head_dim = embed // heads
    qp = _project(q_in, w_q, b_q, "w_q")
    kp = _project(k_in, w_k, b_k, "w_k")
    vp = _project(v_in, w_v, b_v, "w_v")
    if qp.shape[-1] != embed:
        raise ValueError(f"w_q must have {embed} rows (E); got {qp.shape[-1]}")
    for name, p in (("w_k", kp), ("w_v", vp)):
        if p.shape[-1] != groups * head_dim:
            raise ValueError(
                f"{name} must have num_kv_heads·head_dim = {groups}·{head_dim} rows; "
                f"got {p.shape[-1]}"
            )
    qh = _split_heads(qp, heads)
    # Each KV head is shared by heads/groups consecutive query heads.
    kh = np.repeat(_split_heads(kp, groups), heads // groups, axis=1)
    vh = np.repeat(_split_heads(vp, groups), heads // groups, axis=1)
    out, weights = scaled_dot_product_attention(qh, kh, vh, mask=mask, causal=causal)
    n, length = qp.shape[0], qp.shape[1]
    merged = out.transpose(0, 2, 1, 3).reshape(n, length, embed)
    result = _project(merged, w_o, b_o, "w_o")
    if unbatched:
        return result[0], weights[0]
    return result, weights
