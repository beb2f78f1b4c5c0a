"""RoPE, sinusoidal encodings and sampling filters against their published formulas.

torch has no function for these, so each reference below is written from the
paper's formula with plain loops, independently of the kernels.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dlcards import kernels as K

CASES = settings(max_examples=60, deadline=None)
seeds = st.integers(0, 2**32 - 1)


def roformer_reference(x: list[float], m: float, base: float, pairs: str) -> list[float]:
    """Su et al. 2021, eq. (34): R_Θ,m x, pair i rotated by m·θ_i, θ_i = base^(−2(i−1)/d)."""
    d = len(x)
    out = [0.0] * d
    for i in range(d // 2):
        theta = base ** (-2 * i / d)
        c, s = math.cos(m * theta), math.sin(m * theta)
        a, b = (2 * i, 2 * i + 1) if pairs == "adjacent" else (i, i + d // 2)
        out[a] = x[a] * c - x[b] * s
        out[b] = x[b] * c + x[a] * s
    return out


@CASES
@given(seeds, st.integers(1, 5), st.sampled_from([2, 4, 6, 8]), st.booleans())
def test_rope_matches_the_paper_formula(seed, length, d, interleaved):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, length, d))
    positions = rng.integers(0, 50, size=length)
    base = float(rng.choice([10000.0, 100.0, 500000.0]))
    out = K.rope(x, positions, base=base, interleaved=interleaved)
    pairs = "adjacent" if interleaved else "halves"
    for b in range(2):
        for n in range(length):
            want = roformer_reference(list(x[b, n]), float(positions[n]), base, pairs)
            np.testing.assert_allclose(out[b, n], want, rtol=1e-12, atol=1e-12)


@CASES
@given(seeds, st.sampled_from([2, 4, 8]), st.integers(0, 40), st.integers(0, 40))
def test_rope_keeps_norms_and_scores_depend_on_the_offset_only(seed, d, m, n):
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal(d), rng.standard_normal(d)
    rq = K.rope(q[None], [m])[0]
    rk = K.rope(k[None], [n])[0]
    assert math.isclose(np.linalg.norm(rq), np.linalg.norm(q), rel_tol=1e-12)
    shifted = K.rope(q[None], [m + 7])[0] @ K.rope(k[None], [n + 7])[0]
    assert math.isclose(rq @ rk, shifted, rel_tol=1e-9, abs_tol=1e-9)


def test_rope_position_zero_is_the_identity_and_errors_are_clear():
    x = np.arange(8.0).reshape(2, 4)
    np.testing.assert_array_equal(K.rope(x, [0, 0]), x)
    # d = 2, position 1, θ₀ = 1: a rotation by one radian.
    np.testing.assert_allclose(K.rope([[1.0, 0.0]], [1]), [[math.cos(1), math.sin(1)]], rtol=1e-15)
    with pytest.raises(ValueError, match="even"):
        K.rope(np.ones((2, 3)), [0, 1])
    with pytest.raises(ValueError, match="do not match"):
        K.rope(np.ones((2, 4)), [0, 1, 2])


def test_sinusoidal_encoding_matches_vaswani_3_5():
    pe = K.sinusoidal_positional_encoding(np.arange(6), 8)
    for pos in range(6):
        for i in range(4):
            angle = pos / 10000 ** (2 * i / 8)
            assert pe[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-15)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-15)
    np.testing.assert_array_equal(K.sinusoidal_positional_encoding(0, 4), [0, 1, 0, 1])
    assert K.sinusoidal_positional_encoding([[1, 2]], 6).shape == (1, 2, 6)
    with pytest.raises(ValueError, match="even"):
        K.sinusoidal_positional_encoding([1], 5)


def filter_reference(logits, k, p, temperature):
    """Temperature, then top-k, then top-p on the renormalized survivors, by loops."""
    exps = [math.exp((z - max(logits)) / temperature) for z in logits]
    probs = [e / sum(exps) for e in exps]
    order = sorted(range(len(probs)), key=lambda i: (-probs[i], i))
    keep = order[: k if k is not None else len(order)]
    if p is not None:
        total = sum(probs[i] for i in keep)
        chosen, mass = [], 0.0
        for i in keep:
            chosen.append(i)
            mass += probs[i] / total
            if mass >= p - 1e-12:
                break
        keep = chosen
    total = sum(probs[i] for i in keep)
    return [probs[i] / total if i in keep else 0.0 for i in range(len(probs))]


logit_lists = st.lists(st.integers(-8, 8), min_size=1, max_size=10)


@CASES
@given(
    logit_lists,
    st.none() | st.integers(1, 12),
    st.none() | st.floats(0.05, 1.0),
    st.sampled_from([0.5, 1.0, 2.0, 0.7]),
)
def test_filter_matches_the_reference_and_its_properties(logits, k, p, temperature):
    out = K.top_k_top_p_filter(logits, k=k, p=p, temperature=temperature)
    want = filter_reference([float(z) for z in logits], k, p, temperature)
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12)
    assert math.isclose(out.sum(), 1.0, rel_tol=1e-12)
    order = np.argsort(-K.softmax(np.asarray(logits) / temperature), kind="stable")
    survived = out[order] > 0
    count = int(survived.sum())
    assert survived[:count].all() and not survived[count:].any()  # a prefix of the ranking
    assert count >= 1 and (k is None or count <= k)


@CASES
@given(st.lists(st.floats(-30, 30), min_size=2, max_size=12), st.floats(0.05, 0.999))
def test_top_p_keeps_the_smallest_set_reaching_p(logits, p):
    probs = K.softmax(np.asarray(logits))
    out = K.top_k_top_p_filter(logits, p=p)
    kept = out > 0
    assume(abs(probs[kept].sum() - p) > 1e-9)  # away from the float boundary
    assert probs[kept].sum() >= p
    # dropping the least likely survivor would fall short of p
    if kept.sum() > 1:
        smallest = probs[kept].min()
        assert probs[kept].sum() - smallest < p
    np.testing.assert_allclose(out[kept], probs[kept] / probs[kept].sum(), rtol=1e-12)


def test_filter_batches_rows_and_known_values():
    out = K.top_k_top_p_filter(np.log([[0.5, 0.4, 0.1], [0.1, 0.2, 0.7]]), p=0.9)
    np.testing.assert_allclose(out, [[5 / 9, 4 / 9, 0], [0, 0.2 / 0.9, 0.7 / 0.9]], atol=1e-12)
    np.testing.assert_allclose(K.top_k_top_p_filter([1.0, 3.0, 2.0], k=1), [0, 1, 0])
    for bad, match in (
        ({"k": 0}, "k must be positive"),
        ({"p": 0.0}, r"p must be in \(0, 1\]"),
        ({"p": 1.5}, r"p must be in \(0, 1\]"),
        ({"temperature": 0}, "temperature must be positive"),
    ):
        with pytest.raises(ValueError, match=match):
            K.top_k_top_p_filter([1.0, 2.0], **bad)
