"""Compute problems (DESIGN §9): the facade the rest of dlcards codes against.

Importing this module must not import numpy, so that loading decks stays fast:
the static side (names, params, levels, validation) is pure Python, and the
numpy-using problem modules are imported by :func:`get_problem` on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from dlcards.answers import AnswerError
from dlcards.problems.catalog import SPECS
from dlcards.problems.core import Grid, Instance, Rendered, Verdict
from dlcards.problems.params import check_param

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

PROBLEM_NAMES: tuple[str, ...] = (
    "conv_output_size",
    "conv2d",
    "conv1d_shared_weights",
    "pool2d",
    "receptive_field",
    "layer_params",
    "matmul_shape",
    "dense_forward",
    "neuron_output",
    "logic_gate",
    "activation",
    "softmax",
    "cross_entropy",
    "softmax_ce_grad",
    "sgd_step",
    "momentum_step",
    "adam_step",
    "lr_schedule",
    "batchnorm_forward",
    "dropout_scale",
    "update_ratio",
    # transformer era (issue 14)
    "attention",
    "multi_head_shapes",
    "layer_norm",
    "rms_norm",
    "rope_rotation",
    "positional_encoding",
    "sampling_filter",
    "lstm_step",
    "grad_clip",
    "label_smoothing_ce",
    "classification_metrics",
    "conv_transpose_output_size",
    "transformer_params",
    "kv_cache_size",
    "training_flops",
    "perplexity",
)

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


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    import difflib  # only needed for a typo, and slow to import

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.7)
    return f"; did you mean '{close[0]}'?" if close else ""


def _unknown_problem(problem: str) -> str:
    return f"unknown problem '{problem}' (known: {', '.join(PROBLEM_NAMES)})" + _suggest(
        problem, PROBLEM_NAMES
    )


def check_card_params(problem: str, params: dict | None, level: int | None) -> list[str]:
    """Validate a compute card's static fields without numpy.

    Returns user-facing messages (empty = fine). ``params`` may be partial: given
    keys are pinned and the rest is generated; a full set is a fixed instance.
    """
    spec = SPECS.get(problem)
    if spec is None:
        return [_unknown_problem(problem)]
    messages: list[str] = []
    if level is not None and level not in spec.levels:
        shown = ", ".join(str(lv) for lv in spec.levels)
        messages.append(f"level {level} is not available for {problem} (levels: {shown})")
    if params is None:
        return messages
    if not isinstance(params, dict):
        return messages + ["params must be a table, e.g. params = { kernel_size = 3 }"]
    names = [p.name for p in spec.params]
    for key, value in params.items():
        if key not in spec.by_name:
            messages.append(
                f"unknown param '{key}' for {problem} (expected: {', '.join(names)})"
                + _suggest(key, names)
            )
        else:
            messages.extend(check_param(spec.by_name[key], value))
    if messages:
        return messages  # the rules below read the values: only once each has its type
    applies = spec.applies(params)
    if applies is not None:
        messages.extend(
            f"params.{key} does not apply to this {problem} card (it uses: {', '.join(applies)})"
            for key in params
            if key not in applies
        )
    return messages or spec.cross(params)


def is_fixed(problem: str, params: dict | None) -> bool:
    """True when ``params`` fully determine the instance (no seed needed)."""
    spec = SPECS.get(problem)
    if spec is None or not isinstance(params, dict):
        return False
    return all(name in params for name in spec.required(params))


def _clamp(level: int, levels: tuple[int, ...]) -> int:
    lower = [lv for lv in levels if lv <= level]
    return max(lower) if lower else min(levels)


def reachable_levels(problem: str, params: dict | None, level: int | None) -> tuple[int, ...]:
    """Levels a card can produce: its pinned level, one for a fixed instance, else all."""
    spec = SPECS.get(problem)
    if spec is None:
        return ()
    if level is not None:
        return (_clamp(level, spec.levels),)
    if is_fixed(problem, params):
        return (spec.levels[0],)
    return spec.levels


def get_problem(name: str) -> Problem:
    """The problem type called ``name``; ValueError (with a message) if unknown."""
    if name not in _MODULES:
        raise ValueError(_unknown_problem(name))
    if name not in _LOADED:
        module = importlib.import_module(f"dlcards.problems.{_MODULES[name]}")
        for obj in vars(module).values():
            if isinstance(obj, type) and getattr(obj, "name", None) in _MODULES:
                if obj.name not in _LOADED:
                    _LOADED[obj.name] = obj()
    return _LOADED[name]
