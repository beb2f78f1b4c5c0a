"""One step of an LSTM or GRU cell, as ``torch.nn.LSTMCell`` / ``torch.nn.GRUCell``.

Weights use torch's layout and gate order: the rows of ``w_ih`` (and ``w_hh``,
``b_ih``, ``b_hh``) stack the gates (i, f, g, o) for the LSTM and (r, z, n) for the
GRU, each block ``hidden_size`` rows tall.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._common import FloatArray, as_float_array

__all__ = ["gru_cell", "lstm_cell"]


def _sigmoid(z: FloatArray) -> FloatArray:
    # 1/(1+e^−z) overflows for z ≪ 0; the tanh form is exact and stable everywhere.
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))
    return out


def _affine(
    x: FloatArray, w: ArrayLike, b: ArrayLike | None, gates: int, hidden: int, name: str
) -> FloatArray:
    """``x @ w.T + b`` with w of shape (gates·hidden, x.shape[-1]) checked."""
    weight = as_float_array(w, f"w_{name}", ("gates·hidden", "features"))
    if weight.shape != (gates * hidden, x.shape[-1]):
        raise ValueError(
            f"w_{name} must have shape ({gates * hidden}, {x.shape[-1]}) "
            f"({gates} gates × hidden {hidden}, input {x.shape[-1]}); got {weight.shape}"
        )
    out: FloatArray = x @ weight.T
    if b is not None:
        bias = as_float_array(b, f"b_{name}", ("gates·hidden",))
        if bias.shape != (gates * hidden,):
            raise ValueError(f"b_{name} must have shape ({gates * hidden},); got {bias.shape}")
        out = out + bias
    return out


def _state(value: ArrayLike, name: str, batch_shape: tuple[int, ...]) -> FloatArray:
    state = as_float_array(value, name)
    if state.ndim not in (1, 2) or state.shape[:-1] != batch_shape or state.size == 0:
        raise ValueError(
            f"{name} must have shape {(*batch_shape, 'hidden')} to match x; got {state.shape}"
        )
    return state


def _input(x: ArrayLike) -> FloatArray:
    inp = as_float_array(x, "x")
    if inp.ndim not in (1, 2) or inp.size == 0:
        raise ValueError(f"x must have shape (N, input_size) or (input_size,); got {inp.shape}")
    return inp


def lstm_cell(
    x: ArrayLike,
    h: ArrayLike,
    c: ArrayLike,
    w_ih: ArrayLike,
    w_hh: ArrayLike,
    b_ih: ArrayLike | None = None,
    b_hh: ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray]:
    """One LSTM step: ``(h', c')`` as ``torch.nn.LSTMCell``.

    i, f, o = σ(·), g = tanh(·) of ``x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh`` split in that
    order; c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c').

    Parameters
    ----------
    x : array_like, shape (N, input_size) or (input_size,)
    h, c : array_like, shape (N, hidden) or (hidden,)
    w_ih : array_like, shape (4·hidden, input_size)
    w_hh : array_like, shape (4·hidden, hidden)
    b_ih, b_hh : array_like, shape (4·hidden,), optional (None: no bias)

    Returns
    -------
    (h', c') : ndarrays, float64, each of h's shape
    """
    inp = _input(x)
    hid = _state(h, "h", inp.shape[:-1])
    cell = _state(c, "c", inp.shape[:-1])
    if cell.shape != hid.shape:
        raise ValueError(f"c must have h's shape {hid.shape}; got {cell.shape}")
    n = hid.shape[-1]
    z = _affine(inp, w_ih, b_ih, 4, n, "ih") + _affine(hid, w_hh, b_hh, 4, n, "hh")
    i, f, g, o = (z[..., k * n : (k + 1) * n] for k in range(4))
    c_new = _sigmoid(f) * cell + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c_new), c_new


def gru_cell(
    x: ArrayLike,
    h: ArrayLike,
    w_ih: ArrayLike,
    w_hh: ArrayLike,
    b_ih: ArrayLike | None = None,
    b_hh: ArrayLike | None = None,
) -> FloatArray:
    """One GRU step: ``h'`` as ``torch.nn.GRUCell``.

    r = σ(W_ir·x + b_ir + W_hr·h + b_hr), z = σ(W_iz·x + b_iz + W_hz·h + b_hz),
    n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)), h' = (1 − z) ⊙ n + z ⊙ h.
    The reset gate multiplies the hidden part *after* its bias, as torch does.

    Parameters
    ----------
    x : array_like, shape (N, input_size) or (input_size,)
    h : array_like, shape (N, hidden) or (hidden,)
    w_ih : array_like, shape (3·hidden, input_size)
    w_hh : array_like, shape (3·hidden, hidden)
    b_ih, b_hh : array_like, shape (3·hidden,), optional (None: no bias)

    Returns
    -------
    ndarray, float64, h's shape
    """
    inp = _input(x)
    hid = _state(h, "h", inp.shape[:-1])
    n = hid.shape[-1]
    a = _affine(inp, w_ih, b_ih, 3, n, "ih")
    b = _affine(hid, w_hh, b_hh, 3, n, "hh")
    r = _sigmoid(a[..., :n] + b[..., :n])
    z = _sigmoid(a[..., n : 2 * n] + b[..., n : 2 * n])
    cand = np.tanh(a[..., 2 * n :] + r * b[..., 2 * n :])
    out: FloatArray = (1.0 - z) * cand + z * hid
    return out
