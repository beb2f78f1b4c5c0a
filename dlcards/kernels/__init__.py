"""Numpy reference kernels for the compute cards (DESIGN §8).

Pure, stateless float64 functions with PyTorch layouts and semantics (NCHW inputs,
(O, C, kH, kW) weights), so results match ``torch.nn.functional`` and ``torch.optim``
to ~1e-10. torch is never needed at run time. Bad shapes and out-of-range arguments
raise ValueError with a one-line message.
"""

from __future__ import annotations

from .activations import (
    elu,
    elu_backward,
    gelu,
    gelu_backward,
    leaky_relu,
    leaky_relu_backward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    tanh,
    tanh_backward,
)
from .attention import multi_head_attention, scaled_dot_product_attention
from .clip import clip_grad_norm
from .conv import conv2d, conv2d_backward, conv_output_size, conv_params, receptive_field
from .conv_transpose import conv_transpose2d, conv_transpose_output_size
from .layers import batch_norm, dropout
from .norms import layer_norm, layer_norm_backward, rms_norm
from .optim import (
    adam_step,
    cosine_decay,
    exponential_decay,
    inverse_time_decay,
    momentum_step,
    sgd_step,
    step_decay,
)
from .pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from .positional import rope, sinusoidal_positional_encoding
from .recurrent import gru_cell, lstm_cell
from .sampling import top_k_top_p_filter
from .softmax import (
    cross_entropy,
    cross_entropy_backward,
    log_softmax,
    log_softmax_backward,
    softmax,
    softmax_backward,
)

__all__ = [
    "adam_step",
    "avg_pool2d",
    "avg_pool2d_backward",
    "batch_norm",
    "clip_grad_norm",
    "conv2d",
    "conv2d_backward",
    "conv_output_size",
    "conv_params",
    "conv_transpose2d",
    "conv_transpose_output_size",
    "cosine_decay",
    "cross_entropy",
    "cross_entropy_backward",
    "dropout",
    "elu",
    "elu_backward",
    "exponential_decay",
    "gelu",
    "gelu_backward",
    "gru_cell",
    "inverse_time_decay",
    "leaky_relu",
    "leaky_relu_backward",
    "log_softmax",
    "log_softmax_backward",
    "lstm_cell",
    "max_pool2d",
    "max_pool2d_backward",
    "momentum_step",
    "receptive_field",
    "relu",
    "relu_backward",
    "sgd_step",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_backward",
    "step_decay",
    "tanh",
    "tanh_backward",
    # transformer-era kernels (attention, norms, positions, sampling)
    "layer_norm",
    "layer_norm_backward",
    "multi_head_attention",
    "rms_norm",
    "rope",
    "scaled_dot_product_attention",
    "sinusoidal_positional_encoding",
    "top_k_top_p_filter",
]
