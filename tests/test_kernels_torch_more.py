"""LSTM/GRU cells, gradient clipping, label smoothing and transposed conv against torch.

torch is only a test-time reference: the module skips when it is not installed.
All comparisons in float64 to 1e-10.
"""

from __future__ import annotations

import math

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


def t64(a: np.ndarray):
    return torch.tensor(a, dtype=torch.float64)


def _cell(cls, gates: int, rng: np.random.Generator, n_in: int, hidden: int, bias: bool):
    cell = cls(n_in, hidden, bias=bias).double()
    with torch.no_grad():  # wider than torch's init so the gates leave their linear range
        for p in cell.parameters():
            p.copy_(t64(rng.normal(0, 1.5, tuple(p.shape))))
    w = {
        "w_ih": cell.weight_ih.detach().numpy(),
        "w_hh": cell.weight_hh.detach().numpy(),
        "b_ih": cell.bias_ih.detach().numpy() if bias else None,
        "b_hh": cell.bias_hh.detach().numpy() if bias else None,
    }
    assert w["w_ih"].shape == (gates * hidden, n_in)
    return cell, w


@CASES
@given(seeds, st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.booleans(), st.booleans())
def test_lstm_cell_matches_torch(seed, batch, n_in, hidden, bias, batched) -> None:
    rng = np.random.default_rng(seed)
    cell, w = _cell(torch.nn.LSTMCell, 4, rng, n_in, hidden, bias)
    shape = (batch,) if batched else ()
    x = rng.standard_normal((*shape, n_in))
    h, c = rng.standard_normal((*shape, hidden)), rng.standard_normal((*shape, hidden))
    th, tc = cell(t64(x), (t64(h), t64(c)))
    oh, oc = K.lstm_cell(x, h, c, **w)
    np.testing.assert_allclose(oh, th.detach().numpy(), **TOL)
    np.testing.assert_allclose(oc, tc.detach().numpy(), **TOL)


@CASES
@given(seeds, st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.booleans(), st.booleans())
def test_gru_cell_matches_torch(seed, batch, n_in, hidden, bias, batched) -> None:
    rng = np.random.default_rng(seed)
    cell, w = _cell(torch.nn.GRUCell, 3, rng, n_in, hidden, bias)
    shape = (batch,) if batched else ()
    x, h = rng.standard_normal((*shape, n_in)), rng.standard_normal((*shape, hidden))
    ours = K.gru_cell(x, h, **w)
    np.testing.assert_allclose(ours, cell(t64(x), t64(h)).detach().numpy(), **TOL)


@CASES
@given(
    seeds,
    st.lists(st.tuples(st.integers(1, 4), st.integers(1, 4)), min_size=1, max_size=4),
    st.sampled_from([0.1, 0.5, 1.0, 3.0, 100.0]),
    st.sampled_from([1.0, 2.0, 3.0, 0.5, math.inf]),
)
def test_clip_grad_norm_matches_torch(seed, shapes, max_norm, norm_type) -> None:
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(s) for s in shapes]
    params = [torch.zeros(s, dtype=torch.float64, requires_grad=True) for s in shapes]
    for p, g in zip(params, grads, strict=True):
        p.grad = t64(g)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type=norm_type)
    clipped, ours = K.clip_grad_norm(grads, max_norm, norm_type)
    assert ours == pytest.approx(float(total), rel=1e-10)
    for mine, p in zip(clipped, params, strict=True):
        np.testing.assert_allclose(mine, p.grad.numpy(), **TOL)


@CASES
@given(seeds, st.integers(1, 4), st.integers(2, 6), st.sampled_from([0.0, 0.05, 0.1, 0.3, 1.0]))
def test_label_smoothing_cross_entropy_matches_torch(seed, n, k, eps) -> None:
    rng = np.random.default_rng(seed)
    z, t = rng.normal(0, 3, (n, k)), rng.integers(0, k, n)
    leaf = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    loss = F.cross_entropy(leaf, torch.tensor(t), label_smoothing=eps)
    loss.backward()
    assert K.cross_entropy(z, t, label_smoothing=eps) == pytest.approx(
        float(loss.detach()), rel=1e-10
    )
    np.testing.assert_allclose(K.cross_entropy_backward(z, t, eps), leaf.grad.numpy(), **TOL)


@st.composite
def transpose_cases(draw):
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    op = tuple(draw(st.integers(0, max(si, di) - 1)) for si, di in zip(s, d, strict=True))
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    full = [
        (size - 1) * si + di * (ki - 1) + opi + 1
        for size, si, di, ki, opi in zip((h, w), s, d, k, op, strict=True)
    ]
    p = tuple(draw(st.integers(0, max(0, (f - 1) // 2))) for f in full)
    n, c, o = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(seeds))
    bias = rng.standard_normal(o) if draw(st.booleans()) else None
    return (
        rng.standard_normal((n, c, h, w)),
        rng.standard_normal((c, o, *k)),
        bias,
        {"stride": s, "padding": p, "output_padding": op, "dilation": d},
    )


@settings(max_examples=60, deadline=None)
@given(transpose_cases())
def test_conv_transpose2d_matches_torch(case) -> None:
    x, w, b, kw = case
    theirs = F.conv_transpose2d(t64(x), t64(w), None if b is None else t64(b), **kw)
    ours = K.conv_transpose2d(x, w, b, **kw)
    np.testing.assert_allclose(ours, theirs.numpy(), **TOL)
    for axis in (0, 1):
        size = K.conv_transpose_output_size(
            x.shape[2 + axis],
            w.shape[2 + axis],
            kw["stride"][axis],
            kw["padding"][axis],
            kw["output_padding"][axis],
            kw["dilation"][axis],
        )
        assert size == theirs.shape[2 + axis]
