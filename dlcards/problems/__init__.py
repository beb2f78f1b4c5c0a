"""Compute problems (DESIGN §9): the facade the rest of dlcards codes against.

Importing this module must not import numpy, so that loading decks stays fast:
the static side (names, params, levels, validation) is pure Python, and the
numpy-using problem modules are imported by :func:`get_problem` on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dlcards.answers import AnswerError
from dlcards.problems.checks import (
    PROBLEM_NAMES,
    check_card_params,
    is_fixed,
    reachable_levels,
    unknown_problem,
)
from dlcards.problems.core import Grid, Instance, Rendered, Verdict

if TYPE_CHECKING:
    from dlcards.problems.base import Problem

__all__ = [
    "PROBLEM_NAMES",
    "AnswerError",
    "Grid",
    "Instance",
    "Problem",
    "Rendered",
    "Verdict",
    "check_card_params",
    "get_problem",
    "is_fixed",
    "reachable_levels",
]


# name -> module under dlcards.problems holding a Problem subclass of that name
_MODULES: dict[str, str] = {
    "conv_output_size": "sizes",
    "receptive_field": "sizes",
    "layer_params": "counting",
    "matmul_shape": "counting",
    "conv2d": "conv",
    "conv1d_shared_weights": "conv",
    "pool2d": "pooling",
    "dense_forward": "neurons",
    "neuron_output": "neurons",
    "logic_gate": "gates",
    "activation": "activations",
    "softmax": "softmax",
    "cross_entropy": "losses",
    "softmax_ce_grad": "losses",
    "sgd_step": "sgd",
    "momentum_step": "sgd",
    "adam_step": "adam",
    "lr_schedule": "schedules",
    "batchnorm_forward": "regularization",
    "dropout_scale": "regularization",
    "update_ratio": "regularization",
    "attention": "attention",
    "multi_head_shapes": "attention",
    "layer_norm": "norms",
    "rms_norm": "norms",
    "rope_rotation": "positions",
    "positional_encoding": "positions",
    "sampling_filter": "sampling",
    "lstm_step": "recurrent",
    "grad_clip": "training",
    "label_smoothing_ce": "training",
    "classification_metrics": "metrics",
    "perplexity": "metrics",
    "conv_transpose_output_size": "transpose",
    "transformer_params": "llm_sizes",
    "kv_cache_size": "llm_sizes",
    "training_flops": "compute_budget",
}
_LOADED: dict[str, Problem] = {}


def __getattr__(name: str) -> Any:
    # ``Problem`` lives with numpy; fetch it lazily for ``from dlcards.problems import Problem``.
    if name == "Problem":
        from dlcards.problems.base import Problem

        return Problem
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_problem(name: str) -> Problem:
    """The problem type called ``name``; ValueError (with a message) if unknown."""
    if name not in _MODULES:
        raise ValueError(unknown_problem(name))
    if name not in _LOADED:
        module = importlib.import_module(f"dlcards.problems.{_MODULES[name]}")
        for obj in vars(module).values():
            if isinstance(obj, type) and getattr(obj, "name", None) in _MODULES:
                if obj.name not in _LOADED:
                    _LOADED[obj.name] = obj()
    return _LOADED[name]
