"""Numpy reference kernels for the compute cards (DESIGN §8).

Pure, stateless float64 functions with PyTorch layouts and semantics (NCHW inputs,
(O, C, kH, kW) weights), so results match ``torch.nn.functional`` and ``torch.optim``
to ~1e-10. torch is never needed at run time. Bad shapes and out-of-range arguments
raise ValueError with a one-line message.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Counting needs no numpy: imported now. The array kernels (and numpy, ~100 ms) load
# on first use, through __getattr__ below (PEP 562), so that a card which only counts
# is shown without numpy (issue 13).
from .arithmetic import conv_output_size, conv_params, receptive_field

if TYPE_CHECKING:
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
    from .softmax_ce import (
        cross_entropy,
        cross_entropy_backward,
        log_softmax,
        log_softmax_backward,
        softmax,
        softmax_backward,
    )

# name -> the submodule defining it (checked against __all__ by a test)
_HOMES: dict[str, str] = {
    "adam_step": "optim",
    "avg_pool2d": "pool",
    "avg_pool2d_backward": "pool",
    "batch_norm": "layers",
    "clip_grad_norm": "clip",
    "conv2d": "conv",
    "conv2d_backward": "conv",
    "conv_transpose2d": "conv_transpose",
    "conv_transpose_output_size": "conv_transpose",
    "cosine_decay": "optim",
    "cross_entropy": "softmax_ce",
    "cross_entropy_backward": "softmax_ce",
    "dropout": "layers",
    "elu": "activations",
    "elu_backward": "activations",
    "exponential_decay": "optim",
    "gelu": "activations",
    "gelu_backward": "activations",
    "gru_cell": "recurrent",
    "inverse_time_decay": "optim",
    "layer_norm": "norms",
    "layer_norm_backward": "norms",
    "leaky_relu": "activations",
    "leaky_relu_backward": "activations",
    "log_softmax": "softmax_ce",
    "log_softmax_backward": "softmax_ce",
    "lstm_cell": "recurrent",
    "max_pool2d": "pool",
    "max_pool2d_backward": "pool",
    "momentum_step": "optim",
    "multi_head_attention": "attention",
    "relu": "activations",
    "relu_backward": "activations",
    "rms_norm": "norms",
    "rope": "positional",
    "scaled_dot_product_attention": "attention",
    "sgd_step": "optim",
    "sigmoid": "activations",
    "sigmoid_backward": "activations",
    "sinusoidal_positional_encoding": "positional",
    "softmax": "softmax_ce",
    "softmax_backward": "softmax_ce",
    "step_decay": "optim",
    "tanh": "activations",
    "tanh_backward": "activations",
    "top_k_top_p_filter": "sampling",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f".{home}", __name__)
    # Every name of that submodule bound now, found directly from now on. No submodule
    # is named as a kernel (softmax's is softmax_ce): importing a submodule binds it to
    # its name in this package, which would hide the kernel of that name.
    for other, other_home in _HOMES.items():
        if other_home == home:
            globals()[other] = getattr(module, other)
    return globals()[name]


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
