"""Specs of the transformer-era problems: attention, head shapes, norms, positions, sampling.

Pure Python (no numpy): deck validation reads this (DESIGN §9). The problem
modules' docstrings explain what the params mean; this file only declares them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from dlcards.problems.params import Param, Spec, array_shape, req

P = Param

_ASK_SHAPES = ("q_heads", "k_heads", "k_proj", "scores", "output")


def _cross_attention(p: Mapping[str, Any]) -> list[str]:
    qs, ks, vs = (array_shape(p.get(k)) for k in ("q", "k", "v"))
    if qs and ks and qs[1] != ks[1]:
        return [f"params.q and params.k need the same number of columns (d_k): {qs[1]} vs {ks[1]}"]
    if ks and vs and ks[0] != vs[0]:
        return [f"params.k and params.v need one row per key: {ks[0]} vs {vs[0]}"]
    if p.get("causal") and qs and ks and qs[0] != ks[0]:
        return ["a causal mask needs as many queries as keys (params.q and params.k rows)"]
    return []


def _cross_heads(p: Mapping[str, Any]) -> list[str]:
    e, h, g = p.get("d_model"), p.get("num_heads"), p.get("num_kv_heads")
    if e is not None and h is not None and e % h:
        return [f"params.num_heads ({h}) must divide params.d_model ({e})"]
    if h is not None and g is not None and h % g:
        return [f"params.num_kv_heads ({g}) must divide params.num_heads ({h})"]
    return []


def _cross_norm(weight_names: tuple[str, ...]) -> Callable[[Mapping[str, Any]], list[str]]:
    def check(p: Mapping[str, Any]) -> list[str]:
        xs = array_shape(p.get("x"))
        if not xs:
            return []
        for key in weight_names:
            s = array_shape(p.get(key))
            if s and s[0] != xs[-1]:
                return [f"params.{key} needs one value per feature ({xs[-1]}), got {s[0]}"]
        if p.get("eps", 1) == 0:
            rows = [p["x"]] if len(xs) == 1 else p["x"]
            flat = "beta" in weight_names and any(len(set(r)) == 1 for r in rows)
            zero = "beta" not in weight_names and any(not any(r) for r in rows)
            if flat or zero:
                return ["params.eps must be positive here (a row would divide by 0)"]
        return []

    return check


def _cross_rope(p: Mapping[str, Any]) -> list[str]:
    xs = array_shape(p.get("x"))
    if xs and xs[-1] % 2:
        return [f"params.x needs an even number of features (pairs are rotated), got {xs[-1]}"]
    return []


def _cross_pe(p: Mapping[str, Any]) -> list[str]:
    d, dim = p.get("d_model"), p.get("dim")
    if d is not None and d % 2:
        return [f"params.d_model must be even (sin/cos pairs), got {d}"]
    if d is not None and dim is not None and dim >= d:
        return [f"params.dim must be below params.d_model ({d}), got {dim}"]
    if d is not None and d > 8 and dim is None and "position" in p:
        return ["without params.dim, params.d_model must be at most 8 (the answer is the vector)"]
    return []


def _cross_sampling(p: Mapping[str, Any]) -> list[str]:
    if "logits" in p and "probs" in p:
        return ["give params.logits or params.probs, not both"]
    probs = p.get("probs")
    if isinstance(probs, list):
        if abs(sum(probs) - 1) > 1e-6:
            return [f"params.probs must sum to 1, got {sum(probs):g}"]
        if min(probs) <= 0:
            return ["params.probs must all be positive (filter them with k or p instead)"]
    return []


def _sampling_required(p: Mapping[str, Any]) -> tuple[str, ...]:
    # A fixed card names its filters; with neither k nor p, k is drawn.
    filters = tuple(f for f in ("k", "p") if f in p) or ("k",)
    return ("probs" if "probs" in p else "logits", *filters)


TRANSFORMER_SPECS: tuple[Spec, ...] = (
    Spec(
        "attention",
        "Scaled dot-product attention",
        (1, 2, 3),
        (
            P("q", "array", "queries Q, one row per query", ranks=(2,), lo=-100, hi=100),
            P("k", "array", "keys K, one row per key", ranks=(2,), lo=-100, hi=100),
            P("v", "array", "values V, one row per key", ranks=(2,), lo=-100, hi=100),
            P("causal", "bool", "query i sees keys 0..i only", default=False),
        ),
        req("q", "k", "v"),
        cross=_cross_attention,
    ),
    Spec(
        "multi_head_shapes",
        "Tensor shapes through multi-head attention",
        (1, 2, 3),
        (
            P("ask", "choice", "which tensor", choices=_ASK_SHAPES),
            P("batch", "int", "N", lo=1, hi=4096),
            P("seq_len", "int", "L, the query length", lo=1, hi=1_000_000),
            P("source_len", "int", "S, the key/value length (cross-attention)", lo=1, hi=1_000_000),
            P("d_model", "int", "E", lo=1, hi=1_000_000),
            P("num_heads", "int", "H", lo=1, hi=4096),
            P("num_kv_heads", "int", "G key/value heads (GQA; default H)", lo=1, hi=4096),
        ),
        req("ask", "batch", "seq_len", "d_model", "num_heads"),
        cross=_cross_heads,
    ),
    Spec(
        "layer_norm",
        "Layer normalization",
        (1, 2, 3),
        (
            P(
                "x",
                "array",
                "one vector of features, or one row per token",
                ranks=(1, 2),
                min_len=2,
            ),
            P("gamma", "array", "scale γ (one per feature)", ranks=(0, 1), default=1),
            P("beta", "array", "shift β (one per feature)", ranks=(0, 1), default=0),
            P("eps", "number", "ε", lo=0, hi=1, default=1e-5),
        ),
        req("x"),
        cross=_cross_norm(("gamma", "beta")),
    ),
    Spec(
        "rms_norm",
        "RMS normalization",
        (1, 2, 3),
        (
            P(
                "x",
                "array",
                "one vector of features, or one row per token",
                ranks=(1, 2),
                min_len=2,
            ),
            P("weight", "array", "scale g (one per feature)", ranks=(0, 1), default=1),
            P("eps", "number", "ε", lo=0, hi=1, default=1e-6),
        ),
        req("x"),
        cross=_cross_norm(("weight",)),
    ),
    Spec(
        "rope_rotation",
        "Rotary position embedding (RoPE)",
        (1, 2, 3),
        (
            P(
                "x",
                "array",
                "a query or key vector (even length)",
                ranks=(1,),
                min_len=2,
                max_len=8,
            ),
            P("position", "int", "its position m", lo=0, hi=100_000),
            P("base", "number", "the frequency base", lo=2, hi=1_000_000, default=10000),
            P("interleaved", "bool", "pairs (2i, 2i+1) instead of (i, i + d/2)", default=False),
        ),
        req("x", "position"),
        cross=_cross_rope,
    ),
    Spec(
        "positional_encoding",
        "Sinusoidal positional encoding",
        (1, 2, 3),
        (
            P("position", "int", "the position pos", lo=0, hi=100_000),
            P("d_model", "int", "model width (even)", lo=2, hi=8192),
            P("dim", "int", "ask one dimension only (absent: the whole vector)", lo=0, hi=8191),
        ),
        req("position", "d_model"),
        cross=_cross_pe,
    ),
    Spec(
        "sampling_filter",
        "Temperature, top-k and top-p sampling",
        (1, 2, 3),
        (
            P("logits", "array", "next-token logits", ranks=(1,), min_len=2, max_len=10),
            P(
                "probs",
                "array",
                "next-token probabilities",
                ranks=(1,),
                lo=0,
                hi=1,
                min_len=2,
                max_len=10,
            ),
            P("temperature", "number", "T (softmax of logits / T)", lo=0.05, hi=20, default=1),
            P("k", "int", "top-k: keep the k most likely", lo=1, hi=64),
            P("p", "number", "top-p: keep the smallest set with mass ≥ p", lo=0.01, hi=1),
        ),
        _sampling_required,
        applies=lambda p: ("probs", "k", "p") if "probs" in p else None,
        cross=_cross_sampling,
    ),
)
