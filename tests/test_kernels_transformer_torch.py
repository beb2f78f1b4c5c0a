"""Attention and normalization kernels agree with torch to 1e-10 in float64.

torch is only a test-time reference: the whole module skips when it is not installed.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards import kernels as K

torch = pytest.importorskip("torch")
F = torch.nn.functional

TOL = {"rtol": 1e-10, "atol": 1e-10}
CASES = settings(max_examples=30, deadline=None)
seeds = st.integers(0, 2**32 - 1)


def t(a: np.ndarray):
    return torch.tensor(a, dtype=torch.float64)


def assert_close(ours, theirs) -> None:
    np.testing.assert_allclose(ours, np.asarray(theirs), **TOL)


def torch_attention_weights(q, k, mask=None, causal=False, scale=None):
    """The probabilities torch's SDPA uses, written out with torch ops (it does not return them)."""
    s = q @ k.transpose(-1, -2) * (scale if scale is not None else q.shape[-1] ** -0.5)
    if causal:
        mask = torch.ones(s.shape[-2], s.shape[-1], dtype=torch.bool).tril()
    if mask is not None:
        s = s.masked_fill(~mask, float("-inf")) if mask.dtype == torch.bool else s + mask
    return torch.softmax(s, dim=-1)


@CASES
@given(
    seeds,
    st.integers(1, 3),
    st.integers(1, 6),
    st.integers(1, 6),
    st.integers(1, 5),
    st.sampled_from(["none", "causal", "bool", "float", "scale"]),
)
def test_sdpa_matches_torch(seed, n, length, source, e, variant):
    rng = np.random.default_rng(seed)
    q = rng.standard_normal((n, 2, length, e))
    k = rng.standard_normal((n, 2, source, e))
    v = rng.standard_normal((n, 2, source, e + 1))
    kwargs: dict = {}
    torch_kwargs: dict = {}
    if variant == "causal":
        k, v = k[:, :, :length], v[:, :, :length]
        source = length
        kwargs["causal"] = torch_kwargs["is_causal"] = True
    elif variant == "bool":
        mask = rng.random((length, source)) < 0.6
        mask[:, 0] = True  # every query attends to something
        kwargs["mask"] = mask
        torch_kwargs["attn_mask"] = torch.from_numpy(mask)
    elif variant == "float":
        mask = rng.standard_normal((length, source))
        kwargs["mask"] = mask
        torch_kwargs["attn_mask"] = t(mask)
    elif variant == "scale":
        kwargs["scale"] = torch_kwargs["scale"] = 0.37
    out, weights = K.scaled_dot_product_attention(q, k, v, **kwargs)
    expected = F.scaled_dot_product_attention(t(q), t(k), t(v), **torch_kwargs)
    assert_close(out, expected)
    mask_t = torch_kwargs.get("attn_mask")
    w = torch_attention_weights(t(q), t(k), mask_t, variant == "causal", torch_kwargs.get("scale"))
    assert_close(weights, w)
    assert_close(weights.sum(-1), np.ones(weights.shape[:-1]))


def test_sdpa_causal_zeroes_the_future_and_rejects_a_fully_masked_row():
    rng = np.random.default_rng(1)
    q, k, v = (rng.standard_normal((3, 2)) for _ in range(3))
    _, weights = K.scaled_dot_product_attention(q, k, v, causal=True)
    assert np.all(np.triu(weights, 1) == 0) and weights[0, 0] == 1
    with pytest.raises(ValueError, match="masked everywhere"):
        K.scaled_dot_product_attention(q, k, v, mask=np.zeros((3, 3), dtype=bool))
    with pytest.raises(ValueError, match="not both"):
        K.scaled_dot_product_attention(q, k, v, mask=np.ones((3, 3), bool), causal=True)
    with pytest.raises(ValueError, match="same feature size"):
        K.scaled_dot_product_attention(q, k[:, :1], v)


@CASES
@given(
    seeds,
    st.integers(1, 3),
    st.integers(1, 5),
    st.integers(1, 5),
    st.sampled_from([(1, 2), (2, 2), (2, 3), (4, 2)]),
    st.booleans(),
    st.booleans(),
)
def test_mha_matches_torch_multihead_attention(seed, n, length, source, hd, bias, causal):
    heads, head_dim = hd
    e = heads * head_dim
    if causal:
        source = length
    rng = np.random.default_rng(seed)
    x_q = rng.standard_normal((n, length, e))
    x_k = rng.standard_normal((n, source, e))
    x_v = rng.standard_normal((n, source, e))
    w_q, w_k, w_v, w_o = (rng.standard_normal((e, e)) for _ in range(4))
    b_q, b_k, b_v, b_o = (rng.standard_normal(e) for _ in range(4))
    mha = torch.nn.MultiheadAttention(e, heads, bias=bias, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mha.in_proj_weight.copy_(t(np.concatenate([w_q, w_k, w_v])))
        mha.out_proj.weight.copy_(t(w_o))
        if bias:
            mha.in_proj_bias.copy_(t(np.concatenate([b_q, b_k, b_v])))
            mha.out_proj.bias.copy_(t(b_o))
    # nn.MultiheadAttention's boolean mask is True = blocked: the opposite of ours.
    blocked = torch.ones(length, source, dtype=torch.bool).triu(1) if causal else None
    expected, expected_w = mha(
        t(x_q), t(x_k), t(x_v), attn_mask=blocked, average_attn_weights=False
    )
    biases = {"b_q": b_q, "b_k": b_k, "b_v": b_v, "b_o": b_o} if bias else {}
    out, weights = K.multi_head_attention(
        x_q, x_k, x_v, w_q, w_k, w_v, w_o, num_heads=heads, causal=causal, **biases
    )
    assert_close(out, expected.detach())
    assert_close(weights, expected_w.detach())
    single, _ = K.multi_head_attention(
        x_q[0], x_k[0], x_v[0], w_q, w_k, w_v, w_o, num_heads=heads, causal=causal, **biases
    )
    assert_close(single, expected.detach()[0])


@CASES
@given(seeds, st.integers(1, 2), st.integers(1, 5), st.sampled_from([(4, 2), (4, 1), (6, 3)]))
def test_gqa_matches_a_per_head_torch_computation(seed, n, length, heads_groups):
    heads, groups = heads_groups
    head_dim, e = 2, heads * 2
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, length, e))
    w_q, w_o = rng.standard_normal((e, e)), rng.standard_normal((e, e))
    w_k, w_v = (rng.standard_normal((groups * head_dim, e)) for _ in range(2))
    xt = t(x)
    q = (xt @ t(w_q).T).reshape(n, length, heads, head_dim)
    k = (xt @ t(w_k).T).reshape(n, length, groups, head_dim)
    v = (xt @ t(w_v).T).reshape(n, length, groups, head_dim)
    per_head = []
    for h in range(heads):
        g = h // (heads // groups)  # query head h reads KV head g
        per_head.append(
            F.scaled_dot_product_attention(q[:, :, h], k[:, :, g], v[:, :, g], is_causal=True)
        )
    expected = torch.cat(per_head, dim=-1) @ t(w_o).T
    out, weights = K.multi_head_attention(
        x, x, x, w_q, w_k, w_v, w_o, num_heads=heads, num_kv_heads=groups, causal=True
    )
    assert_close(out, expected)
    assert weights.shape == (n, heads, length, length)
    # torch's own GQA switch, when present, agrees too.
    qh, kh, vh = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
    gqa = F.scaled_dot_product_attention(qh, kh, vh, is_causal=True, enable_gqa=True)
    assert_close(out, gqa.transpose(1, 2).reshape(n, length, e) @ t(w_o).T)


def test_mha_shape_errors_are_one_line_messages():
    x = np.zeros((1, 2, 4))
    w = np.zeros((4, 4))
    with pytest.raises(ValueError, match="must divide the embedding size"):
        K.multi_head_attention(x, x, x, w, w, w, w, num_heads=3)
    with pytest.raises(ValueError, match="must divide num_heads"):
        K.multi_head_attention(x, x, x, w, w, w, w, num_heads=4, num_kv_heads=3)
    with pytest.raises(ValueError, match="num_kv_heads·head_dim"):
        K.multi_head_attention(x, x, x, w, w, w, w, num_heads=2, num_kv_heads=1)


@CASES
@given(seeds, st.sampled_from([(5,), (3, 4), (2, 3, 6)]), st.booleans(), st.floats(0, 0.1))
def test_layer_norm_and_backward_match_torch(seed, shape, affine, eps):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3 + 1
    d = shape[-1]
    gamma, beta = (rng.standard_normal(d), rng.standard_normal(d)) if affine else (None, None)
    xt = t(x).requires_grad_()
    gt = t(gamma).requires_grad_() if affine else None
    bt = t(beta).requires_grad_() if affine else None
    y = F.layer_norm(xt, (d,), gt, bt, eps)
    assert_close(K.layer_norm(x, gamma, beta, eps), y.detach())
    g = rng.standard_normal(shape)
    y.backward(t(g))
    grad_x, grad_gamma, grad_beta = K.layer_norm_backward(g, x, gamma, eps)
    assert_close(grad_x, xt.grad)
    if affine:
        assert_close(grad_gamma, gt.grad)
        assert_close(grad_beta, bt.grad)


@CASES
@given(seeds, st.sampled_from([(4,), (3, 5), (2, 2, 8)]), st.booleans(), st.floats(1e-8, 0.1))
def test_rms_norm_matches_torch(seed, shape, weighted, eps):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    w = rng.standard_normal(shape[-1]) if weighted else None
    expected = F.rms_norm(t(x), (shape[-1],), t(w) if weighted else None, eps)
    assert_close(K.rms_norm(x, w, eps), expected)


def test_norms_reject_mismatched_parameters():
    with pytest.raises(ValueError, match=r"gamma must have shape \(3,\)"):
        K.layer_norm(np.ones((2, 3)), np.ones(2))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        K.rms_norm(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="grad_out has shape"):
        K.layer_norm_backward(np.ones(2), np.ones(3))
