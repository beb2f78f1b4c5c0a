"""dlcards.kernels agree with torch.nn.functional / torch.optim to 1e-10 in float64.

torch is only a test-time reference: the whole module skips when it is not installed.
Backward passes are compared with torch autograd.
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


def leaf(array: np.ndarray):
    return torch.tensor(array, dtype=torch.float64, requires_grad=True)


def forward_backward(fn, *arrays, seed: int = 0):
    """Run ``fn`` on float64 leaves; return (output, upstream grad, grads of the leaves)."""
    leaves = [leaf(a) for a in arrays]
    out = fn(*leaves)
    g = np.random.default_rng(seed).standard_normal(tuple(out.shape))
    out.backward(torch.from_numpy(g))
    return out.detach().numpy(), g, [t.grad.numpy() for t in leaves]


def assert_close(ours, theirs):
    np.testing.assert_allclose(ours, theirs, **TOL)


@st.composite
def conv_cases(draw):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    spans = [d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True)]
    h = draw(st.integers(max(1, spans[0] - 2 * padding[0]), 12))
    w = draw(st.integers(max(1, spans[1] - 2 * padding[1]), 12))
    n, c, o = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(seeds))
    return (
        rng.standard_normal((n, c, h, w)),
        rng.standard_normal((o, c, *kernel)),
        rng.standard_normal(o),
        {"stride": stride, "padding": padding, "dilation": dilation},
    )


@CASES
@given(conv_cases())
def test_conv2d_and_backward_match_torch(case):
    x, w, b, geometry = case
    out, g, (gx, gw, gb) = forward_backward(lambda *t: F.conv2d(*t, **geometry), x, w, b)
    assert_close(K.conv2d(x, w, b, **geometry), out)
    grad_x, grad_w, grad_b = K.conv2d_backward(g, x, w, **geometry)
    assert_close(grad_x, gx)
    assert_close(grad_w, gw)
    assert_close(grad_b, gb)


def test_conv2d_without_bias_matches_torch():
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((2, 3, 9, 7)), rng.standard_normal((5, 3, 3, 2))
    expected = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), None, 2, 1, 2).numpy()
    assert_close(K.conv2d(x, w, None, 2, 1, 2), expected)


@st.composite
def pool_cases(draw):
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding = (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2)))
    h = draw(st.integers(max(1, kernel[0] - 2 * padding[0]), 12))
    w = draw(st.integers(max(1, kernel[1] - 2 * padding[1]), 12))
    rng = np.random.default_rng(draw(seeds))
    x = rng.standard_normal((draw(st.integers(1, 3)), draw(st.integers(1, 3)), h, w))
    if draw(st.booleans()):
        x = np.round(x)  # ties: both sides must pick the first maximum
    if draw(st.booleans()):
        x[rng.random(x.shape) < 0.1] = np.nan  # NaN propagates and takes the gradient
    return x, {"kernel_size": kernel, "stride": stride, "padding": padding}


@CASES
@given(pool_cases())
def test_pools_and_backwards_match_torch(case):
    x, args = case
    for ours, ours_backward, theirs in [
        (K.max_pool2d, K.max_pool2d_backward, F.max_pool2d),
        (K.avg_pool2d, K.avg_pool2d_backward, F.avg_pool2d),
    ]:
        out, g, (gx,) = forward_backward(lambda t, fn=theirs: fn(t, **args), x)
        assert_close(ours(x, **args), out)
        assert_close(ours_backward(g, x, **args), gx)


def test_pool_default_stride_matches_torch():
    x = np.random.default_rng(4).standard_normal((2, 3, 7, 9))
    tx = torch.from_numpy(x)
    assert_close(K.max_pool2d(x, 3), F.max_pool2d(tx, 3).numpy())
    assert_close(K.avg_pool2d(x, (2, 3)), F.avg_pool2d(tx, (2, 3)).numpy())


@CASES
@given(seeds, st.sampled_from([0, 1, -1]), st.sampled_from([1.0, 50.0, 1000.0]))
def test_softmax_family_matches_torch(seed, axis, scale):
    x = np.random.default_rng(seed).standard_normal((3, 4, 5)) * scale
    for ours, ours_backward, theirs in [
        (K.softmax, K.softmax_backward, F.softmax),
        (K.log_softmax, K.log_softmax_backward, F.log_softmax),
    ]:
        out, g, (gx,) = forward_backward(lambda t, fn=theirs: fn(t, dim=axis), x, seed=seed)
        assert_close(ours(x, axis), out)
        assert_close(ours_backward(g, x, axis), gx)


@CASES
@given(seeds, st.integers(1, 6), st.integers(1, 7), st.sampled_from([1.0, 1000.0]))
def test_cross_entropy_matches_torch(seed, n, k, scale):
    rng = np.random.default_rng(seed)
    logits, targets = rng.standard_normal((n, k)) * scale, rng.integers(0, k, n)
    t_logits = leaf(logits)
    loss = F.cross_entropy(t_logits, torch.from_numpy(targets))
    loss.backward()
    assert K.cross_entropy(logits, targets) == pytest.approx(loss.item(), rel=1e-10, abs=1e-10)
    assert_close(K.cross_entropy_backward(logits, targets), t_logits.grad.numpy())


ACTIVATIONS = {
    "relu": (K.relu, K.relu_backward, F.relu),
    "leaky_relu": (
        lambda x: K.leaky_relu(x, 0.05),
        lambda g, x: K.leaky_relu_backward(g, x, 0.05),
        lambda t: F.leaky_relu(t, 0.05),
    ),
    "sigmoid": (K.sigmoid, K.sigmoid_backward, torch.sigmoid),
    "tanh": (K.tanh, K.tanh_backward, torch.tanh),
    "elu": (
        lambda x: K.elu(x, 0.7),
        lambda g, x: K.elu_backward(g, x, 0.7),
        lambda t: F.elu(t, 0.7),
    ),
    "gelu": (K.gelu, K.gelu_backward, F.gelu),
    "gelu_tanh": (
        lambda x: K.gelu(x, "tanh"),
        lambda g, x: K.gelu_backward(g, x, "tanh"),
        lambda t: F.gelu(t, approximate="tanh"),
    ),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activations_and_backwards_match_torch(name):
    ours, ours_backward, theirs = ACTIVATIONS[name]
    rng = np.random.default_rng(5)
    # Wide range, plus the kink at 0 and saturated tails, where conventions differ.
    x = np.concatenate([rng.standard_normal(200) * 5, [0.0, -0.0, 40.0, -40.0, 700.0, -700.0]])
    out, g, (gx,) = forward_backward(theirs, x)
    assert_close(ours(x), out)
    assert_close(ours_backward(g, x), gx)


@pytest.mark.parametrize("shape", [(6, 4), (5, 3, 4, 2), (2, 1, 1, 3)])
def test_batch_norm_matches_torch_training_mode(shape):
    rng = np.random.default_rng(6)
    x = rng.standard_normal(shape) * 4 + 2
    gamma, beta = rng.standard_normal(shape[1]), rng.standard_normal(shape[1])
    expected = F.batch_norm(
        torch.from_numpy(x),
        None,
        None,
        torch.from_numpy(gamma),
        torch.from_numpy(beta),
        training=True,
        eps=1e-3,
    ).numpy()
    assert_close(K.batch_norm(x, gamma, beta, eps=1e-3), expected)


def torch_steps(optimizer_cls, p0, grads, **options):
    param = torch.tensor(p0, dtype=torch.float64, requires_grad=True)
    optimizer = optimizer_cls([param], **options)
    trajectory = []
    for g in grads:
        param.grad = torch.tensor(g, dtype=torch.float64)
        optimizer.step()
        trajectory.append(param.detach().numpy().copy())
    return trajectory


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_steps_match_torch_sgd(nesterov):
    rng = np.random.default_rng(7)
    p0, grads = rng.standard_normal(4), rng.standard_normal((3, 4))
    expected = torch_steps(torch.optim.SGD, p0, grads, lr=0.05, momentum=0.8, nesterov=nesterov)
    param, velocity = p0, np.zeros(4)
    for g, theirs in zip(grads, expected, strict=True):
        param, velocity = K.momentum_step(param, g, velocity, 0.05, 0.8, nesterov)
        assert_close(param, theirs)


def test_sgd_steps_with_weight_decay_match_torch_sgd():
    rng = np.random.default_rng(8)
    p0, grads = rng.standard_normal(4), rng.standard_normal((3, 4))
    expected = torch_steps(torch.optim.SGD, p0, grads, lr=0.1, weight_decay=0.3)
    param = p0
    for g, theirs in zip(grads, expected, strict=True):
        param = K.sgd_step(param, g, 0.1, weight_decay=0.3)
        assert_close(param, theirs)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.9)])
def test_adam_steps_match_torch_adam(betas):
    rng = np.random.default_rng(9)
    p0, grads = rng.standard_normal(5), rng.standard_normal((3, 5)) * 0.1
    expected = torch_steps(torch.optim.Adam, p0, grads, lr=0.01, betas=betas, eps=1e-6)
    param, m, v = p0, np.zeros(5), np.zeros(5)
    for t, (g, theirs) in enumerate(zip(grads, expected, strict=True), start=1):
        param, m, v = K.adam_step(param, g, m, v, t, lr=0.01, betas=betas, eps=1e-6)
        assert_close(param, theirs)


def scheduler_rates(scheduler_cls, epochs, lr0=0.1, **options):
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr0)
    scheduler = scheduler_cls(optimizer, **options)
    rates = []
    for _ in range(epochs):
        rates.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return rates


def test_schedules_match_torch_schedulers():
    sched = torch.optim.lr_scheduler
    cases = [
        (
            scheduler_rates(sched.StepLR, 25, step_size=4, gamma=0.5),
            lambda t: K.step_decay(0.1, t, 0.5, 4),
        ),
        (
            scheduler_rates(sched.ExponentialLR, 25, gamma=math.exp(-0.2)),
            lambda t: K.exponential_decay(0.1, 0.2, t),
        ),
        (
            scheduler_rates(sched.LambdaLR, 25, lr_lambda=lambda t: 1 / (1 + 0.5 * t)),
            lambda t: K.inverse_time_decay(0.1, 0.5, t),
        ),
        (
            scheduler_rates(sched.CosineAnnealingLR, 25, T_max=10, eta_min=0.01),
            lambda t: K.cosine_decay(0.1, t, 10, lr_min=0.01),
        ),
    ]
    for rates, ours in cases:
        assert_close([ours(t) for t in range(len(rates))], rates)
