"""Scaled dot-product attention, and the tensor shapes through multi-head attention.

attention
    params: ``q`` (L×d_k queries), ``k`` (S×d_k keys), ``v`` (S×d_v values), ``causal``
    (False). Asks softmax(Q·Kᵀ / √d_k [causal mask]) · V (Vaswani et al. 2017, §3.2.1).
    Levels: 1 two queries and two keys, d_k = 4 (√d_k = 2), entries 0 or 1; 2 three
    tokens with a causal mask; 3 one-decimal entries, d_k = 2 or 4, with or without
    the mask. The e^k needed for the softmax are shown. Answer: an L×d_v matrix, ±5e-3.

multi_head_shapes
    params: ``ask`` (``q_heads``, ``k_heads``, ``k_proj``, ``scores``, ``output``),
    ``batch`` N, ``seq_len`` L, ``source_len`` S (absent: self-attention, S = L),
    ``d_model`` E, ``num_heads`` H, ``num_kv_heads`` G (absent: G = H). Head size
    D = E / H; heads in the (N, heads, length, D) layout that
    ``F.scaled_dot_product_attention`` takes. Levels: 1 multi-head self-attention,
    small sizes; 2 grouped-query attention (G < H); 3 model-sized, GQA or
    cross-attention. Answer: a shape, exact.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import exp_constants, grid, num, sqrt_const, vec
from dlcards.problems.kinds import Kind, Shape, Tol
from dlcards.problems.kinds_array import Array

TOL = Tol(abs=5e-3)


def _arrays(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        np.asarray(p["q"], dtype=float),
        np.asarray(p["k"], dtype=float),
        np.asarray(p["v"], dtype=float),
    )


def scores(p: dict[str, Any], factor: float | None = None) -> np.ndarray:
    q, k, _ = _arrays(p)
    return np.asarray(q @ k.T * (1 / math.sqrt(q.shape[1]) if factor is None else factor))


def attend(
    p: dict[str, Any],
    *,
    factor: float | None = None,
    axis: int = -1,
    mask_after: bool = False,
    ignore_mask: bool = False,
    weights_only: bool = False,
) -> np.ndarray:
    """The answer through the kernel (defaults), or what a named mistake computes."""
    q, k, v = _arrays(p)
    plain = (factor, axis, mask_after, ignore_mask, weights_only) == (None, -1, False, False, False)
    if plain:
        return K.scaled_dot_product_attention(q, k, v, causal=p["causal"])[0]
    s = scores(p, factor)
    causal = p["causal"] and not ignore_mask
    allowed = np.tril(np.ones(s.shape, dtype=bool))
    if causal and not mask_after:
        s = np.where(allowed, s, -np.inf)
    w = K.softmax(s, axis=axis)
    if causal and mask_after:
        w = w * allowed  # zeroed after the softmax: rows no longer sum to 1
    return w if weights_only else w @ v


class Attention(Problem):
    name = "attention"

    def generate(self, pick: Picker, level: int) -> None:
        n = 2 if level == 1 else 3
        d = 4 if level < 3 else pick.one([2, 4])
        # sizes follow whatever is pinned (causal needs as many queries as keys)
        for key in ("v", "k", "q"):
            if key in pick.params:
                n = np.shape(pick.params[key])[0]
        for key in ("k", "q"):
            if key in pick.params:
                d = np.shape(pick.params[key])[1]
        if level == 1:
            pick.get("q", lambda: pick.ints(0, 1, (n, d)))
            pick.get("k", lambda: pick.ints(0, 1, (n, d)))
        elif level == 2:
            pick.get("q", lambda: pick.ints(-1, 1, (n, d)))
            pick.get("k", lambda: pick.ints(-1, 1, (n, d)))
            pick.get("causal", lambda: True)
        else:
            pick.get("q", lambda: (pick.rng.integers(-10, 11, (n, d)) / 10).tolist())
            pick.get("k", lambda: (pick.rng.integers(-10, 11, (n, d)) / 10).tolist())
            pick.get("causal", lambda: bool(pick.rng.random() < 0.5))
        rows = len(pick.params["k"])
        pick.get("v", lambda: pick.ints(-2, 3, (rows, 2)))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        s = self._masked(params)
        distinct = [len(set(np.round(row[np.isfinite(row)], 9))) > 1 for row in s]
        # identical V rows make the output that row whatever the weights: nothing to compute
        v = np.asarray(params["v"], dtype=float)
        if bool(np.all(v == v[0])):
            return False
        # at least two queries whose weights are not all equal (one at level 1)
        return sum(distinct) >= min(2, len(s) - 1) and bool(np.abs(scores(params)).max() <= 4)

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return attend(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def _masked(self, params: dict[str, Any]) -> np.ndarray:
        s = scores(params)
        if params["causal"]:
            s = np.where(np.tril(np.ones(s.shape, dtype=bool)), s, -np.inf)
        return s

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        q, k, v = _arrays(params)
        d = q.shape[1]
        mask = (
            " with a causal mask (query i may attend to keys 1…i only)" if params["causal"] else ""
        )
        text = (
            f"Scaled dot-product attention{mask}: output = softmax(Q·Kᵀ / √d_k)·V, the "
            f"softmax taken over the keys, with d_k = {d}. Each row of Q is a query, each "
            "row of K and V a key and its value. What is the output? Give 3 decimals."
        )
        s = self._masked(params)
        finite = s[np.isfinite(s)] - np.repeat(s.max(axis=1), np.isfinite(s).sum(axis=1))
        constants = exp_constants(finite)
        if not math.sqrt(d).is_integer():
            constants.insert(0, sqrt_const(d))
        return text, [grid("Q", q), grid("K", k), grid("V", v)], constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        q, k, v = _arrays(params)
        d = q.shape[1]
        raw = scores(params)
        s = self._masked(params)
        w = K.softmax(s)

        def rows(a: np.ndarray) -> str:
            return "; ".join(" ".join("−∞" if np.isneginf(x) else num(x) for x in row) for row in a)

        steps = [
            f"Scores: entry (i, j) = qᵢ·kⱼ / √{d} = qᵢ·kⱼ / {num(math.sqrt(d))}. "
            f"Q·Kᵀ / √d_k = {rows(raw)}. (Dividing by √d_k keeps the scores' spread "
            "near 1 for unit-variance q and k, so the softmax does not saturate.)"
        ]
        if params["causal"]:
            steps.append(
                "Causal mask: set the scores above the diagonal (keys after the query) "
                f"to −∞ before the softmax, so they get weight 0: {rows(s)}."
            )
        steps.append(
            "Softmax along each row (over the keys): subtract the row max, exponentiate, "
            f"divide by the row sum. Weights: {rows(w)} (each row sums to 1)."
        )
        steps.append(
            "Output = weights·V: each row is a weighted average of V's rows. "
            f"Row 1 = {' + '.join(f'{num(a)}·{vec(r)}' for a, r in zip(w[0], v, strict=True))}"
            f" = {vec(w[0] @ v)}. All rows: {rows(w @ v)}."
        )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        d = np.shape(params["q"])[1]
        yield (
            "Looks like you did not scale the scores: divide Q·Kᵀ by √d_k before the softmax.",
            lambda: attend(params, factor=1.0),
        )
        yield (
            "Looks like you multiplied by √d_k; the scores are divided by it.",
            lambda: attend(params, factor=math.sqrt(d)),
        )
        yield (
            "Looks like you took the softmax down the columns (over the queries); it runs "
            "along each row, over the keys, so each query's weights sum to 1.",
            lambda: attend(params, axis=0),
        )
        if params["causal"]:
            yield (
                "Looks like you applied the mask after the softmax (zeroing weights); mask "
                "the scores with −∞ before it, so each row still sums to 1.",
                lambda: attend(params, mask_after=True),
            )
            yield (
                "Looks like you ignored the causal mask.",
                lambda: attend(params, ignore_mask=True),
            )
        yield (
            "Looks like you gave the attention weights; the output multiplies them by V.",
            lambda: attend(params, factor=None, weights_only=True),
        )


_SHAPE_HINT = "a shape, e.g. (2, 3, 4)"


def head_sizes(p: dict[str, Any]) -> tuple[int, int, int, int, int, int]:
    """(N, L, S, E, H, G) and so D = E / H."""
    h = p["num_heads"]
    return (
        p["batch"],
        p["seq_len"],
        p.get("source_len", p["seq_len"]),
        p["d_model"],
        h,
        p.get("num_kv_heads", h),
    )


def mha_shape(p: dict[str, Any], ask: str) -> tuple[int, ...]:
    n, length, source, e, h, g = head_sizes(p)
    d = e // h
    return {
        "q_heads": (n, h, length, d),
        "k_heads": (n, g, source, d),
        "k_proj": (n, source, g * d),
        "scores": (n, h, length, source),
        "output": (n, length, e),
    }[ask]


class MultiHeadShapes(Problem):
    name = "multi_head_shapes"

    def generate(self, pick: Picker, level: int) -> None:
        if level == 1:
            pick.choice("ask", ["q_heads", "scores", "output"])
            pick.choice("batch", [1, 2, 4, 8])
            pick.integer("seq_len", 5, 12)
            pick.choice("d_model", [8, 12, 16, 32, 64])
            e = pick.params["d_model"]
            pick.choice("num_heads", [h for h in (2, 4, 8) if e % h == 0 and e // h >= 2] or [1])
            return
        if level == 2:
            pick.choice("ask", ["k_heads", "k_proj", "scores", "q_heads"])
            pick.choice("batch", [1, 2, 4, 8, 16])
            pick.choice("seq_len", [16, 32, 64, 100, 128])
            pick.choice("d_model", [64, 128, 256, 512])
            pick.choice("num_heads", [4, 8, 16])
        else:
            pick.choice("ask", ["k_heads", "k_proj", "scores", "q_heads", "output"])
            pick.choice("batch", [1, 2, 4, 8])
            pick.choice("seq_len", [512, 1024, 2048, 4096, 8192])
            pick.choice("d_model", [2048, 4096, 5120, 8192])
            pick.choice("num_heads", [16, 32, 40, 64])
            if pick.rng.random() < 0.3:
                pick.choice("source_len", [77, 256, 1500])
                return
        h = pick.params["num_heads"]
        pick.choice("num_kv_heads", [g for g in (1, 2, 4, 8) if h % g == 0 and g < h])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return mha_shape(params, params["ask"]) != (2, 3, 4)  # the hint's example

    def solve(self, params: dict[str, Any]) -> tuple[int, ...]:
        return mha_shape(params, params["ask"])

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Shape(tuples=True, hint=_SHAPE_HINT)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        n, length, source, e, h, g = head_sizes(params)
        block = (
            f"grouped-query attention block with {h} query heads sharing {g} key/value "
            + ("head (multi-query attention)" if g == 1 else "heads")
            if g != h
            else f"multi-head attention block with {h} heads"
        )
        inputs = f"a batch of {n} sequence{'s' if n > 1 else ''} of {length} tokens, d_model = {e}"
        if "source_len" in params:
            inputs += f", attending (cross-attention) to {source} encoder tokens"
        wanted = {
            "q_heads": "the queries after splitting into heads, in the "
            "(batch, heads, length, head_dim) layout",
            "k_heads": "the keys after splitting into heads"
            + (", before repeating them to match the query heads," if g != h else ",")
            + " in the (batch, heads, length, head_dim) layout",
            "k_proj": "the output of the key projection (before the split into heads)",
            "scores": "the attention scores Q·Kᵀ/√d (one matrix per head), in the "
            "(batch, heads, query length, key length) layout",
            "output": "the block's output, after the output projection",
        }[params["ask"]]
        text = f"A {block}, on {inputs}. What is the shape of {wanted}?"
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        n, length, source, e, h, g = head_sizes(params)
        d = e // h
        shown = {a: "×".join(map(str, mha_shape(params, a))) for a in ("q_heads", "k_proj")}
        steps = [
            f"Head size D = d_model / heads = {e} / {h} = {d}.",
            f"Q = x·W_Q: {n}×{length}×{e}; split into {h} heads and move the head axis "
            f"forward: {shown['q_heads']}.",
            f"K and V: {g} head{'s' if g > 1 else ''} of size {d}, so the key projection gives "
            f"{shown['k_proj']}"
            + (
                f" — {h // g}× smaller than the queries: each K/V head serves {h // g} "
                "query heads (that is what saves KV-cache memory)"
                if g != h
                else ""
            )
            + f"; split: {n}×{g}×{source}×{d}.",
            f"Scores per head: ({length}×{d})·({d}×{source}) → {n}×{h}×{length}×{source}"
            + (" (K/V heads are repeated to match the query heads)." if g != h else "."),
            f"Weights·V per head: {n}×{h}×{length}×{d}; concatenating the heads gives "
            f"{n}×{length}×{h * d} and the output projection keeps {n}×{length}×{e}.",
        ]
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        n, length, source, e, h, g = head_sizes(params)
        d = e // h
        ask = params["ask"]
        if ask in ("q_heads", "k_heads"):
            heads = h if ask == "q_heads" else g
            span = length if ask == "q_heads" else source
            yield (
                "Looks like you kept the full d_model per head; each head has "
                "d_model / num_heads features.",
                lambda: (n, heads, span, e),
            )
            yield (
                "Looks like you left the head axis after the length; the layout asked is "
                "(batch, heads, length, head_dim).",
                lambda: (n, span, heads, d),
            )
        if g != h and ask in ("k_heads", "k_proj"):
            yield (
                f"Looks like you gave K as many heads as Q; with GQA it has {g}.",
                lambda: (n, h, source, d) if ask == "k_heads" else (n, source, e),
            )
            if ask == "k_heads":
                yield (
                    "Looks like you split d_model over the K/V heads; the head size is "
                    "d_model / num_heads for K and V too.",
                    lambda: (n, g, source, e // g),
                )
        if ask == "k_proj":
            yield (
                "Looks like you gave one head's width; the key projection outputs every K/V "
                "head's features (num_kv_heads × head_dim).",
                lambda: (n, source, d),
            )
        if ask in ("k_heads", "k_proj") and source != length:
            yield (
                "Looks like you used the query length; keys and values come from the "
                "encoder's sequence.",
                lambda: (n, g, length, d) if ask == "k_heads" else (n, length, g * d),
            )
        if ask == "scores":
            yield "Looks like you forgot the head axis.", lambda: (n, length, source)
            yield (
                "Looks like you merged the batch and head axes (as nn.MultiheadAttention does "
                "inside); the layout asked is (batch, heads, query length, key length).",
                lambda: (n * h, length, source),
            )
            if g != h:
                yield (
                    "Looks like you used the K/V head count; every query head has its own scores.",
                    lambda: (n, g, length, source),
                )
            yield (
                "Looks like you gave the per-head output (weights·V); the scores are "
                "queries × keys.",
                lambda: (n, h, length, d),
            )
            if source != length:
                yield (
                    "Looks like you used the query length twice; the scores are queries × keys.",
                    lambda: (n, h, length, length),
                )
        if ask == "output":
            yield (
                "Looks like you stopped before merging the heads.",
                lambda: (n, h, length, d),
            )
