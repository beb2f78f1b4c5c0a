"""dlcards.kernels against naive loop twins, finite differences and hand-computed values.

The twins below are the oracles: plain Python loops over every output element, written
from the textbook definitions (bounds checks instead of padding, window starts counted
by enumeration), never from the vectorized code under test.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards import kernels as K

ORACLE = settings(max_examples=40, deadline=None)
FINITE_DIFF = settings(max_examples=12, deadline=None)


# --- oracles -------------------------------------------------------------------------


def window_starts(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    """Number of window positions, counted one by one."""
    span = dilation * (kernel - 1) + 1
    starts = range(0, size + 2 * padding, stride)
    return sum(1 for start in starts if start + span <= size + 2 * padding)


def naive_conv2d(x, w, b, stride, padding, dilation):
    n_, c_, h, wd = x.shape
    o_, _, kh, kw = w.shape
    (sh, sw), (ph, pw), (dh, dw) = stride, padding, dilation
    oh, ow = window_starts(h, kh, sh, ph, dh), window_starts(wd, kw, sw, pw, dw)
    out = np.zeros((n_, o_, oh, ow))
    for n, o, r, s in itertools.product(range(n_), range(o_), range(oh), range(ow)):
        acc = 0.0 if b is None else b[o]
        for c, i, j in itertools.product(range(c_), range(kh), range(kw)):
            row, col = r * sh + i * dh - ph, s * sw + j * dw - pw
            if 0 <= row < h and 0 <= col < wd:
                acc += w[o, c, i, j] * x[n, c, row, col]
        out[n, o, r, s] = acc
    return out


def naive_windows(x, kernel, stride, padding):
    """Yield (n, c, r, s, [(row, col, value) of the in-bounds window elements], size)."""
    n_, c_, h, w = x.shape
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    oh, ow = window_starts(h, kh, sh, ph), window_starts(w, kw, sw, pw)
    for n, c, r, s in itertools.product(range(n_), range(c_), range(oh), range(ow)):
        cells = []
        for i, j in itertools.product(range(kh), range(kw)):  # row-major window order
            row, col = r * sh + i - ph, s * sw + j - pw
            if 0 <= row < h and 0 <= col < w:
                cells.append((row, col, x[n, c, row, col]))
        yield n, c, r, s, cells, (oh, ow)


def naive_pool(x, kernel, stride, padding, mode):
    out = None
    for n, c, r, s, cells, out_hw in naive_windows(x, kernel, stride, padding):
        if out is None:
            out = np.zeros((*x.shape[:2], *out_hw))
        values = [v for _, _, v in cells]
        # Padding counts in the average (torch's count_include_pad=True).
        out[n, c, r, s] = max(values) if mode == "max" else sum(values) / (kernel[0] * kernel[1])
    return out


def naive_max_pool_backward(g, x, kernel, stride, padding):
    grad = np.zeros_like(x)
    for n, c, r, s, cells, _ in naive_windows(x, kernel, stride, padding):
        best = cells[0]
        for cell in cells[1:]:
            if cell[2] > best[2]:  # strictly greater: the first maximum wins ties
                best = cell
        grad[n, c, best[0], best[1]] += g[n, c, r, s]
    return grad


def naive_softmax_rows(x):
    out = np.zeros_like(x)
    for n, row in enumerate(x):
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        out[n] = [e / sum(exps) for e in exps]
    return out


def naive_cross_entropy(logits, targets):
    total = 0.0
    for row, t in zip(logits, targets, strict=True):
        top = max(row)
        log_sum = top + math.log(sum(math.exp(v - top) for v in row))
        total += log_sum - row[t]
    return total / len(targets)


def elementwise(fn: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    return np.array([fn(float(v)) for v in x.ravel()]).reshape(x.shape)


def naive_gelu_tanh(v):
    return 0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)))


SCALAR_ORACLES = {
    "relu": (K.relu, lambda v: max(v, 0.0)),
    "leaky_relu": (lambda x: K.leaky_relu(x, 0.2), lambda v: v if v > 0 else 0.2 * v),
    "sigmoid": (K.sigmoid, lambda v: 1 / (1 + math.exp(-v))),
    "tanh": (K.tanh, math.tanh),
    "elu": (lambda x: K.elu(x, 1.5), lambda v: v if v > 0 else 1.5 * math.expm1(v)),
    "gelu": (K.gelu, lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2)))),
    "gelu_tanh": (lambda x: K.gelu(x, "tanh"), naive_gelu_tanh),
}

BACKWARDS = {
    "relu": (K.relu, K.relu_backward),
    "leaky_relu": (lambda x: K.leaky_relu(x, 0.2), lambda g, x: K.leaky_relu_backward(g, x, 0.2)),
    "sigmoid": (K.sigmoid, K.sigmoid_backward),
    "tanh": (K.tanh, K.tanh_backward),
    "elu": (lambda x: K.elu(x, 1.5), lambda g, x: K.elu_backward(g, x, 1.5)),
    "gelu": (K.gelu, K.gelu_backward),
    "gelu_tanh": (lambda x: K.gelu(x, "tanh"), lambda g, x: K.gelu_backward(g, x, "tanh")),
}


# --- finite differences --------------------------------------------------------------


def numeric_grad(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, g: np.ndarray):
    """Centered differences of the scalar ``sum(f(x) · g)`` with respect to x."""
    h = 1e-6
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[index] += h
        down[index] -= h
        grad[index] = np.sum((f(up) - f(down)) * g) / (2 * h)
    return grad


def assert_grad_close(analytic, numeric):
    scale = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    error = 0.0 if scale == 0 else np.linalg.norm(analytic - numeric) / scale
    assert error < 1e-6, f"relative error {error:.2e}"


# --- strategies ----------------------------------------------------------------------


def int_or_pair(draw, h: int, w: int):
    return h if h == w and draw(st.booleans()) else (h, w)


@st.composite
def conv_cases(draw, max_size: int = 8, max_channels: int = 3):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    h = draw(st.integers(max(1, spans[0] - 2 * padding[0]), max_size))
    w = draw(st.integers(max(1, spans[1] - 2 * padding[1]), max_size))
    n, c, o = (
        draw(st.integers(1, 2)),
        draw(st.integers(1, max_channels)),
        draw(st.integers(1, max_channels)),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x, weight = rng.standard_normal((n, c, h, w)), rng.standard_normal((o, c, *kernel))
    bias = rng.standard_normal(o) if draw(st.booleans()) else None
    geometry = {
        "stride": int_or_pair(draw, *stride),
        "padding": int_or_pair(draw, *padding),
        "dilation": int_or_pair(draw, *dilation),
    }
    return x, weight, bias, geometry, (stride, padding, dilation)


@st.composite
def pool_cases(draw, max_size: int = 8):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    h = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), max_size))
    w = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), max_size))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)), h, w)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # Distinct values 0.01 apart: no ties, so max-pool is differentiable everywhere and
    # a finite-difference step of 1e-6 never changes which element wins.
    x = rng.permutation(math.prod(shape)).reshape(shape) * 0.01 - 1.0
    default_stride = draw(st.booleans()) and stride == kernel
    args = {
        "kernel_size": int_or_pair(draw, *kernel),
        "stride": None if default_stride else int_or_pair(draw, *stride),
        "padding": int_or_pair(draw, *padding),
    }
    return x, args, (kernel, stride, padding)


seeds = st.integers(0, 2**32 - 1)


# --- conv ------------------------------------------------------------------------------


@ORACLE
@given(conv_cases())
def test_conv2d_matches_naive_loops(case):
    x, w, b, geometry, pairs = case
    np.testing.assert_allclose(
        K.conv2d(x, w, b, **geometry), naive_conv2d(x, w, b, *pairs), rtol=1e-12, atol=1e-12
    )


@FINITE_DIFF
@given(conv_cases(max_size=6, max_channels=2))
def test_conv2d_backward_matches_finite_differences(case):
    x, w, b, geometry, _ = case
    b = np.zeros(w.shape[0]) if b is None else b
    g = np.random.default_rng(0).standard_normal(K.conv2d(x, w, b, **geometry).shape)
    grad_x, grad_w, grad_b = K.conv2d_backward(g, x, w, **geometry)
    assert_grad_close(grad_x, numeric_grad(lambda v: K.conv2d(v, w, b, **geometry), x, g))
    assert_grad_close(grad_w, numeric_grad(lambda v: K.conv2d(x, v, b, **geometry), w, g))
    assert_grad_close(grad_b, numeric_grad(lambda v: K.conv2d(x, w, v, **geometry), b, g))


def test_conv2d_by_hand():
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    # Each output is x[r, c] − x[r+1, c+1] = −4, plus the bias.
    np.testing.assert_array_equal(K.conv2d(x, w, [0.5]), np.full((1, 1, 2, 2), -3.5))


def test_conv2d_accepts_non_contiguous_and_integer_input():
    rng = np.random.default_rng(1)
    x = np.asfortranarray(rng.integers(-3, 4, (2, 3, 6, 5)))
    w = rng.integers(-1, 2, (4, 3, 3, 3))
    expected = naive_conv2d(x.astype(float), w.astype(float), None, (2, 1), (0, 0), (1, 1))
    np.testing.assert_array_equal(K.conv2d(x, w, stride=(2, 1)), expected)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((12, 3), 10),
        ((7, 3, 2), 3),
        ((6, 3, 2), 2),  # floor: the last partial window is dropped
        ((224, 7, 2, 3), 112),
        ((12, 3, 1, 0, 2), 8),
        ((12, 3, 2, 1), 6),  # positional order is (size, kernel, stride, padding)
    ],
)
def test_conv_output_size_by_hand(args, expected):
    assert K.conv_output_size(*args) == expected


@given(
    st.integers(1, 40), st.integers(1, 7), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3)
)
def test_conv_output_size_counts_windows(size, kernel, stride, padding, dilation):
    if dilation * (kernel - 1) + 1 > size + 2 * padding:
        with pytest.raises(ValueError, match="kernel spans"):
            K.conv_output_size(size, kernel, stride, padding, dilation)
    else:
        expected = window_starts(size, kernel, stride, padding, dilation)
        assert K.conv_output_size(size, kernel, stride, padding, dilation) == expected


def naive_receptive_field(layers):
    """Input positions reaching output 0, tracked back layer by layer."""
    positions = {0}
    for layer in reversed(layers):
        kernel, stride, *rest = layer
        dilation = rest[0] if rest else 1
        positions = {p * stride + i * dilation for p in positions for i in range(kernel)}
    return max(positions) - min(positions) + 1


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ([], 1),
        ([(3, 1), (3, 1)], 5),
        ([(3, 2), (3, 2)], 7),
        ([(3, 1, 2)], 5),
        ([(3, 1), (3, 1), (2, 2), (3, 1)], 10),  # two 3x3 convs, a 2x2 pool, a 3x3 conv
    ],
)
def test_receptive_field_by_hand(layers, expected):
    assert K.receptive_field(layers) == expected


@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3)), max_size=4))
def test_receptive_field_matches_tracked_positions(layers):
    assert K.receptive_field(layers) == naive_receptive_field(layers)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((3, 16, 3), {}, 448),
        ((16, 32, (3, 5)), {"groups": 4, "bias": False}, 1920),
        ((32, 32, 3), {"groups": 32}, 320),  # depthwise
    ],
)
def test_conv_params_by_hand(args, kwargs, expected):
    assert K.conv_params(*args, **kwargs) == expected


# --- pooling ---------------------------------------------------------------------------


@ORACLE
@given(pool_cases())
def test_pools_match_naive_loops(case):
    x, args, pairs = case
    np.testing.assert_array_equal(K.max_pool2d(x, **args), naive_pool(x, *pairs, "max"))
    np.testing.assert_allclose(
        K.avg_pool2d(x, **args), naive_pool(x, *pairs, "avg"), rtol=1e-12, atol=1e-14
    )


@FINITE_DIFF
@given(pool_cases(max_size=6))
def test_pool_backwards_match_finite_differences(case):
    x, args, _ = case
    g = np.random.default_rng(0).standard_normal(K.max_pool2d(x, **args).shape)
    assert_grad_close(
        K.max_pool2d_backward(g, x, **args), numeric_grad(lambda v: K.max_pool2d(v, **args), x, g)
    )
    assert_grad_close(
        K.avg_pool2d_backward(g, x, **args), numeric_grad(lambda v: K.avg_pool2d(v, **args), x, g)
    )


@ORACLE
@given(pool_cases(), seeds)
def test_max_pool_backward_routes_ties_to_first_maximum(case, seed):
    x, args, pairs = case
    # Few distinct values: most windows hold ties.
    x = np.round(x * 2) / 2
    g = np.random.default_rng(seed).standard_normal(K.max_pool2d(x, **args).shape)
    np.testing.assert_allclose(
        K.max_pool2d_backward(g, x, **args), naive_max_pool_backward(g, x, *pairs), atol=1e-14
    )


def test_pools_by_hand():
    x = np.arange(1.0, 17.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(K.max_pool2d(x, 2)[0, 0], [[6, 8], [14, 16]])
    np.testing.assert_array_equal(K.avg_pool2d(x, 2)[0, 0], [[3.5, 5.5], [11.5, 13.5]])
    # Each window of a padded 2x2 block of ones holds one 1 and three padding zeros.
    ones = np.ones((1, 1, 2, 2))
    np.testing.assert_array_equal(K.avg_pool2d(ones, 2, padding=1)[0, 0], np.full((2, 2), 0.25))
    # Padding never wins a max, even against negative values.
    np.testing.assert_array_equal(K.max_pool2d(-ones, 2, padding=1)[0, 0], -np.ones((2, 2)))


def test_max_pool_backward_ties_go_to_top_left():
    flat = np.zeros((1, 1, 3, 3))
    grad = K.max_pool2d_backward(np.ones((1, 1, 2, 2)), flat, 2, stride=1)
    np.testing.assert_array_equal(grad[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])


def test_max_pool_backward_never_routes_to_padding():
    # Windows whose real cells are all -inf: torch gives the gradient to the window's
    # first real cell (its scan never visits padding), so none of it is lost.
    x = np.array([[[[-np.inf, -np.inf], [-np.inf, 5.0]]]])
    grad = K.max_pool2d_backward(np.ones((1, 1, 3, 3)), x, 2, stride=1, padding=1)
    np.testing.assert_array_equal(grad[0, 0], [[3, 1], [1, 4]])  # torch 2.13's answer
    assert grad.sum() == 9  # every window's gradient arrives somewhere


def test_max_pool_propagates_nan_like_torch():
    x = np.array([[[[np.nan, 1.0], [np.nan, 2.0]]]])
    assert np.isnan(K.max_pool2d(x, 2)).all()
    # torch's scan lets every NaN take the window over, so the last NaN gets the gradient.
    grad = K.max_pool2d_backward(np.ones((1, 1, 1, 1)), x, 2)
    np.testing.assert_array_equal(grad[0, 0], [[0, 0], [1, 0]])


# --- softmax and cross-entropy ---------------------------------------------------------


def test_softmax_by_hand():
    y = K.softmax([1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0])
    np.testing.assert_allclose(y, [0.024, 0.064, 0.175, 0.475, 0.024, 0.064, 0.175], atol=5e-4)


def test_softmax_is_stable_for_huge_logits():
    np.testing.assert_array_equal(K.softmax([1000.0, -1000.0]), [1.0, 0.0])
    np.testing.assert_allclose(
        K.softmax([1000.0, 1000.0, 999.0]), K.softmax([1.0, 1.0, 0.0]), rtol=1e-15
    )
    np.testing.assert_allclose(K.log_softmax([1000.0, 0.0]), [0.0, -1000.0], atol=1e-12)
    assert K.cross_entropy([[1000.0, -1000.0]], [1]) == pytest.approx(2000.0)


@ORACLE
@given(st.integers(1, 5), st.integers(1, 7), seeds, st.sampled_from([1.0, 30.0, 1000.0]))
def test_softmax_and_log_softmax_match_naive_loops(n, k, seed, scale):
    x = np.random.default_rng(seed).standard_normal((n, k)) * scale
    expected = naive_softmax_rows(x)
    # atol only forgives probabilities so small they are subnormal.
    np.testing.assert_allclose(K.softmax(x), expected, rtol=1e-12, atol=1e-250)
    np.testing.assert_allclose(
        K.softmax(x, axis=0), naive_softmax_rows(x.T).T, rtol=1e-12, atol=1e-250
    )
    row_lse = [max(r) + math.log(sum(math.exp(v - max(r)) for v in r)) for r in x]
    np.testing.assert_allclose(
        K.log_softmax(x), x - np.array(row_lse)[:, None], rtol=1e-13, atol=1e-12
    )


@FINITE_DIFF
@given(st.integers(1, 4), st.integers(1, 6), seeds, st.sampled_from([0, -1]))
def test_softmax_backwards_match_finite_differences(n, k, seed, axis):
    rng = np.random.default_rng(seed)
    x, g = rng.standard_normal((n, k)) * 2, rng.standard_normal((n, k))
    assert_grad_close(
        K.softmax_backward(g, x, axis), numeric_grad(lambda v: K.softmax(v, axis), x, g)
    )
    assert_grad_close(
        K.log_softmax_backward(g, x, axis), numeric_grad(lambda v: K.log_softmax(v, axis), x, g)
    )


@ORACLE
@given(st.integers(1, 5), st.integers(1, 6), seeds)
def test_cross_entropy_matches_naive_loop_and_finite_differences(n, k, seed):
    rng = np.random.default_rng(seed)
    logits, targets = rng.standard_normal((n, k)) * 3, rng.integers(0, k, n)
    assert K.cross_entropy(logits, targets) == pytest.approx(
        naive_cross_entropy(logits, targets), rel=1e-12, abs=1e-12
    )
    numeric = numeric_grad(lambda v: np.array(K.cross_entropy(v, targets)), logits, np.ones(()))
    assert_grad_close(K.cross_entropy_backward(logits, targets), numeric)


def test_cross_entropy_by_hand():
    # Equal logits: every class has probability 1/K, so the loss is ln K.
    assert K.cross_entropy(np.zeros((3, 4)), [0, 1, 3]) == pytest.approx(math.log(4))
    grad = K.cross_entropy_backward([[0.0, 0.0]], [1])
    np.testing.assert_allclose(grad, [[0.5, -0.5]])


# --- activations -----------------------------------------------------------------------


@ORACLE
@given(st.sampled_from(sorted(SCALAR_ORACLES)), seeds)
def test_activations_match_scalar_formulas(name, seed):
    ours, scalar = SCALAR_ORACLES[name]
    x = np.random.default_rng(seed).standard_normal((3, 5)) * 4
    np.testing.assert_allclose(ours(x), elementwise(scalar, x), rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", sorted(BACKWARDS))
@pytest.mark.parametrize("seed", range(3))
def test_activation_backwards_match_finite_differences(name, seed):
    forward, backward = BACKWARDS[name]
    rng = np.random.default_rng(seed)
    # |x| >= 0.1 keeps the step of 1e-6 away from the kinks at 0.
    x = rng.uniform(0.1, 4.0, (4, 6)) * rng.choice([-1.0, 1.0], (4, 6))
    g = rng.standard_normal(x.shape)
    h = 1e-6
    numeric = (forward(x + h) - forward(x - h)) / (2 * h) * g  # elementwise, so exact per entry
    assert_grad_close(backward(g, x), numeric)


def test_activation_values_and_slopes_by_hand():
    assert K.gelu(1.0) == pytest.approx(0.8413447460685429, rel=1e-15)  # Φ(1)
    assert K.gelu(1.0, "tanh") == pytest.approx(0.8411919906082768, rel=1e-15)
    np.testing.assert_array_equal(K.sigmoid([0.0, 1000.0, -1000.0]), [0.5, 1.0, 0.0])
    zero, one = np.zeros(1), np.ones(1)
    assert K.relu_backward(one, zero)[0] == 0.0
    assert K.leaky_relu_backward(one, zero, 0.1)[0] == 0.1
    assert K.elu_backward(one, zero, 2.0)[0] == 2.0
    assert K.elu(-1.0, 2.0) == pytest.approx(2 * (math.exp(-1) - 1))


def test_gelu_erf_is_exact_to_double_precision():
    x = np.linspace(-12, 12, 4001)
    exact = elementwise(lambda v: 0.5 * v * (1 + math.erf(v / math.sqrt(2))), x)
    np.testing.assert_allclose(K.gelu(x), exact, rtol=0, atol=4e-15)


# --- optimizers and schedules ----------------------------------------------------------


def naive_adam(p, g, m, v, t, lr, b1, b2, eps):
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * g * g
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return p - lr * m_hat / (math.sqrt(v_hat) + eps), m, v


@ORACLE
@given(seeds, st.integers(1, 4), st.booleans())
def test_optimizer_steps_match_scalar_loops(seed, steps, nesterov):
    rng = np.random.default_rng(seed)
    p0, grads = rng.standard_normal(3), rng.standard_normal((steps, 3))
    lr, mu = 0.1, 0.9
    sgd, mom, vel = p0, p0, np.zeros(3)
    adam, m, v = p0, np.zeros(3), np.zeros(3)
    for t, g in enumerate(grads, start=1):
        sgd = K.sgd_step(sgd, g, lr, weight_decay=0.01)
        mom, vel = K.momentum_step(mom, g, vel, lr, mu, nesterov)
        adam, m, v = K.adam_step(adam, g, m, v, t, lr=lr)
    for i in range(3):
        p_sgd = p_mom = p_adam = float(p0[i])
        vi = mi = si = 0.0
        for t, g in enumerate(grads[:, i], start=1):
            p_sgd -= lr * (g + 0.01 * p_sgd)
            vi = mu * vi + g
            p_mom -= lr * ((g + mu * vi) if nesterov else vi)
            p_adam, mi, si = naive_adam(p_adam, g, mi, si, t, lr, 0.9, 0.999, 1e-8)
        assert sgd[i] == pytest.approx(p_sgd, rel=1e-12, abs=1e-14)
        assert mom[i] == pytest.approx(p_mom, rel=1e-12, abs=1e-14)
        assert vel[i] == pytest.approx(vi, rel=1e-12, abs=1e-14)
        assert adam[i] == pytest.approx(p_adam, rel=1e-12, abs=1e-14)


def test_optimizer_steps_by_hand():
    assert K.sgd_step(1.0, 2.0, 0.1, weight_decay=0.5) == pytest.approx(0.75)
    assert K.momentum_step(1.0, 1.0, 0.0, 0.1) == pytest.approx((0.9, 1.0))
    assert K.momentum_step(1.0, 1.0, 0.0, 0.1, nesterov=True) == pytest.approx((0.81, 1.0))
    # Adam's first step moves each weight by about lr, whatever the gradient's scale.
    param, m, v = K.adam_step(1.0, 0.5, 0.0, 0.0, t=1, lr=0.1)
    assert param == pytest.approx(0.9, abs=1e-7)
    assert (m, v) == pytest.approx((0.05, 0.00025))


def test_optimizer_steps_leave_their_inputs_alone():
    param, grad, velocity = np.ones(3), np.full(3, 0.5), np.full(3, 0.2)
    K.sgd_step(param, grad, 0.1)
    K.momentum_step(param, grad, velocity, 0.1)
    K.adam_step(param, grad, velocity, velocity, 2)
    np.testing.assert_array_equal(param, np.ones(3))
    np.testing.assert_array_equal(velocity, np.full(3, 0.2))


def test_schedules_by_hand():
    assert K.step_decay(0.1, 25, 0.5, 10) == pytest.approx(0.025)
    assert K.step_decay(0.1, 9, 0.5, 10) == pytest.approx(0.1)
    assert K.exponential_decay(1.0, math.log(2), 1) == pytest.approx(0.5)
    assert K.inverse_time_decay(1.0, 1.0, 3) == pytest.approx(0.25)
    assert K.cosine_decay(1.0, 0, 10) == pytest.approx(1.0)
    assert K.cosine_decay(1.0, 5, 10) == pytest.approx(0.5)
    assert K.cosine_decay(1.0, 10, 10, lr_min=0.1) == pytest.approx(0.1)


# --- batch norm and dropout ------------------------------------------------------------


def naive_batch_norm(x, gamma, beta, eps):
    out = np.zeros_like(x)
    for c in range(x.shape[1]):
        values = list(x[:, c].ravel())
        mean = sum(values) / len(values)
        var = sum((v - mean) ** 2 for v in values) / len(values)  # biased
        out[:, c] = (x[:, c] - mean) / math.sqrt(var + eps) * gamma[c] + beta[c]
    return out


@ORACLE
@given(seeds, st.sampled_from([(4, 3), (5, 1), (2, 3, 2, 2), (3, 2, 1, 4)]))
def test_batch_norm_matches_naive_loop(seed, shape):
    rng = np.random.default_rng(seed)
    x, gamma, beta = (
        rng.standard_normal(shape) * 3 + 1,
        rng.standard_normal(shape[1]),
        rng.standard_normal(shape[1]),
    )
    np.testing.assert_allclose(
        K.batch_norm(x, gamma, beta, eps=1e-3),
        naive_batch_norm(x, gamma, beta, 1e-3),
        rtol=1e-12,
        atol=1e-12,
    )


def test_batch_norm_by_hand():
    # Mean 2.5, biased variance 1.25.
    y = K.batch_norm([[1.0], [2.0], [3.0], [4.0]], [2.0], [1.0], eps=0.0)
    np.testing.assert_allclose(y[:, 0], 1.0 + 2.0 * (np.array([-1.5, -0.5, 0.5, 1.5]) / 1.25**0.5))


@pytest.mark.parametrize("p", [0.0, 0.25, 0.5, 0.9])
def test_dropout_is_inverted_and_reproducible(p):
    x = np.random.default_rng(0).standard_normal((50, 40))
    y, mask = K.dropout(x, p, np.random.default_rng(7))
    y_again, mask_again = K.dropout(x, p, np.random.default_rng(7))
    np.testing.assert_array_equal(mask, mask_again)
    np.testing.assert_array_equal(y, y_again)
    assert mask.dtype == bool
    np.testing.assert_allclose(y, np.where(mask, x / (1 - p), 0.0), rtol=1e-15)
    assert abs(mask.mean() - (1 - p)) < 0.05  # 2000 draws: over 4 standard deviations


def test_dropout_extremes():
    x = np.ones((3, 3))
    y, mask = K.dropout(x, 0.0, np.random.default_rng(0))
    np.testing.assert_array_equal(y, x)
    assert mask.all()
    y, mask = K.dropout(x, 1.0, np.random.default_rng(0))
    np.testing.assert_array_equal(y, np.zeros((3, 3)))
    assert not mask.any()


# --- argument errors -------------------------------------------------------------------

X4 = np.zeros((1, 2, 5, 5))
W4 = np.zeros((3, 2, 3, 3))

ERRORS = [
    (lambda: K.conv2d(np.zeros((2, 5, 5)), W4), "x must have 4 dimensions"),
    (lambda: K.conv2d(X4, np.zeros((3, 3, 3))), r"4 dimensions \(O, C, kH, kW\)"),
    (lambda: K.conv2d(np.zeros((0, 2, 5, 5)), W4), "x must not be empty"),
    (lambda: K.conv2d(X4, np.zeros((3, 4, 3, 3))), "input channels"),
    (lambda: K.conv2d(X4, W4, stride=0), "stride must be positive"),
    (lambda: K.conv2d(X4, W4, stride=(1, -1)), "stride must be positive"),
    (lambda: K.conv2d(X4, W4, stride=1.5), "stride must be an integer"),
    (lambda: K.conv2d(X4, W4, stride=(1, 2, 3)), "pair"),
    (lambda: K.conv2d(X4, W4, padding=-1), "padding must be non-negative"),
    (lambda: K.conv2d(X4, W4, dilation=0), "dilation must be positive"),
    (lambda: K.conv2d(X4, np.zeros((3, 2, 7, 3))), "kernel spans 7"),
    (lambda: K.conv2d(X4, W4, dilation=3), "kernel spans 7"),
    (lambda: K.conv2d(X4, W4, bias=np.zeros(2)), "bias must have shape"),
    (lambda: K.conv2d_backward(np.zeros((1, 3, 2, 2)), X4, W4), "grad_out must have shape"),
    (lambda: K.conv_output_size(12, 3, 0, 1), "stride must be positive"),
    (lambda: K.conv_output_size(0, 1), "size must be positive"),
    (lambda: K.conv_params(6, 4, 3, groups=4), "groups=4 must divide"),
    (lambda: K.receptive_field([(3,)]), "layer 0 must be"),
    (lambda: K.receptive_field([(3, 1), (3, 0)]), "layer 1 stride must be positive"),
    (lambda: K.max_pool2d(X4, 2, stride=0), "stride must be positive"),
    (lambda: K.max_pool2d(X4, 2, padding=2), "at most half the kernel"),
    (lambda: K.avg_pool2d(X4[0], 2), "x must have 4 dimensions"),
    (lambda: K.avg_pool2d(X4, 6), "kernel spans 6"),
    (lambda: K.max_pool2d_backward(np.zeros((1, 2, 3, 3)), X4, 2), "grad_out must have shape"),
    (lambda: K.avg_pool2d_backward(np.zeros((1, 2, 3)), X4, 2), "grad_out must have 4"),
    (lambda: K.softmax_backward(np.zeros(3), np.zeros(4)), "grad_out has shape"),
    (lambda: K.relu_backward(np.zeros(3), np.zeros(4)), "grad_out has shape"),
    (lambda: K.gelu(1.0, "fast"), "approximate must be"),
    (lambda: K.cross_entropy(np.zeros(3), [0]), "logits must have 2 dimensions"),
    (lambda: K.cross_entropy(np.zeros((2, 3)), [0]), r"targets must have shape \(2,\)"),
    (lambda: K.cross_entropy(np.zeros((2, 3)), [0, 3]), r"\[0, 3\); got \[3\]"),
    (lambda: K.cross_entropy(np.zeros((2, 3)), [0.0, 1.0]), "integer class indices"),
    (lambda: K.sgd_step(np.zeros(2), np.zeros(3), 0.1), "grad has shape"),
    (lambda: K.sgd_step(0.0, 0.0, -0.1), "lr must be non-negative"),
    (lambda: K.momentum_step(0.0, 0.0, 0.0, 0.1, 0.0, True), "nesterov"),
    (lambda: K.adam_step(0.0, 0.0, 0.0, 0.0, 0), "must be positive"),
    (lambda: K.adam_step(0.0, 0.0, np.zeros(2), 0.0, 1), "m has shape"),
    (lambda: K.adam_step(0.0, 0.0, 0.0, 0.0, 1, betas=(1.0, 0.9)), "betas must be in"),
    (lambda: K.step_decay(0.1, 3, 0.5, 0), "step_size must be positive"),
    (lambda: K.cosine_decay(0.1, 3, 0), "T must be positive"),
    (lambda: K.exponential_decay(0.1, 0.5, -1), "t must be non-negative"),
    (lambda: K.batch_norm(np.zeros((2, 3, 4)), np.ones(3), np.zeros(3)), r"\(N, D\)"),
    (lambda: K.batch_norm(np.zeros((4, 3)), np.ones(2), np.zeros(3)), "gamma must have"),
    (lambda: K.batch_norm(np.zeros((1, 3)), np.ones(3), np.zeros(3)), "more than 1 value"),
    (lambda: K.dropout(np.zeros(3), 1.5, np.random.default_rng()), r"\[0, 1\]"),
    (lambda: K.dropout(np.zeros(3), -0.1, np.random.default_rng()), "p must be non-negative"),
]


@pytest.mark.parametrize(("call", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_dropout_needs_a_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        K.dropout(np.zeros(3), 0.5, 42)
