"""New kernels by hand (no torch): LSTM gate order, clipping, label smoothing, sizes.

The torch comparisons are in test_kernels_torch_more.py; these run everywhere.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlcards import kernels as K


def test_lstm_gate_order_is_i_f_g_o() -> None:
    # Hand-made: with zero weights only the biases act; hidden size 1.
    # i = σ(0) = ½, f = σ(100) ≈ 1, g = tanh(0.5), o = σ(0) = ½, c = 2.
    b = np.array([0.0, 100.0, 0.5, 0.0])
    h, c = K.lstm_cell([0.0], [0.0], [2.0], np.zeros((4, 1)), np.zeros((4, 1)), b, np.zeros(4))
    c_want = 1.0 * 2.0 + 0.5 * math.tanh(0.5)
    assert c[0] == pytest.approx(c_want, abs=1e-12)
    assert h[0] == pytest.approx(0.5 * math.tanh(c_want), abs=1e-12)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: K.lstm_cell([1, 2], [0], [0], np.zeros((3, 2)), np.zeros((4, 1))), "w_ih"),
        (lambda: K.lstm_cell([1, 2], [0], [0, 0], np.zeros((4, 2)), np.zeros((4, 1))), "c must"),
        (lambda: K.gru_cell([[1, 2]], [0], np.zeros((3, 2)), np.zeros((3, 1))), "h must"),
        (lambda: K.gru_cell([1], [0], np.zeros((3, 1)), np.zeros((3, 1)), [1]), "b_ih"),
    ],
)
def test_cells_reject_bad_shapes_with_one_line(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_clip_grad_norm_by_hand() -> None:
    # [3, 4] has norm 5: clipping to 1 scales by 1/(5 + 1e-6); under the limit nothing moves
    (g,), total = K.clip_grad_norm([[3.0, 4.0]], 1.0)
    assert total == 5.0 and g.tolist() == pytest.approx([3 / (5 + 1e-6), 4 / (5 + 1e-6)])
    (g,), total = K.clip_grad_norm([[3.0, 4.0]], 10.0)
    assert g.tolist() == [3.0, 4.0]
    (a, b), total = K.clip_grad_norm([[1.0, -7.0], [2.0]], 3.5, math.inf)
    assert total == 7.0 and b.tolist() == pytest.approx([2 * 3.5 / (7 + 1e-6)])
    with pytest.raises(ValueError, match="max_norm"):
        K.clip_grad_norm([[1.0]], 0)
    with pytest.raises(ValueError, match="at least one"):
        K.clip_grad_norm([], 1.0)


def test_label_smoothing_by_hand() -> None:
    # logits 0, 0: p = ½ each; any q gives −ln ½ = ln 2
    assert K.cross_entropy([[0.0, 0.0]], [0], label_smoothing=0.2) == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="label_smoothing"):
        K.cross_entropy([[0.0, 1.0]], [0], label_smoothing=1.5)


def test_conv_transpose_output_size_by_hand() -> None:
    # DCGAN-style upsampling: 4 → 8 with k4 s2 p1; (4 − 1)·2 − 2 + 3 + 1 = 8
    assert K.conv_transpose_output_size(4, 4, 2, 1) == 8
    # k3 s2 p1: 7 → 13, or 14 with output_padding 1 (undoing a stride-2 conv of 14)
    assert K.conv_transpose_output_size(7, 3, 2, 1) == 13
    assert K.conv_transpose_output_size(7, 3, 2, 1, 1) == 14
    with pytest.raises(ValueError, match="output_padding"):
        K.conv_transpose_output_size(7, 3, 2, 1, 2)
    with pytest.raises(ValueError, match="padding"):
        K.conv_transpose_output_size(1, 1, 1, 1)
