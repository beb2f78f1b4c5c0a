"""Checking a compute card's static fields (problem name, params, level) without numpy.

The facade ``dlcards.problems`` exports these; ``dlcards.problems.base`` uses them
too, which is why they live here and not in the facade (no import cycle).
"""

from __future__ import annotations

from typing import Any

from dlcards.problems.catalog import SPECS
from dlcards.problems.params import check_param

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


def _suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    import difflib  # only needed for a typo, and slow to import

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.7)
    return f"; did you mean '{close[0]}'?" if close else ""


def unknown_problem(problem: str) -> str:
    return f"unknown problem '{problem}' (known: {', '.join(PROBLEM_NAMES)})" + _suggest(
        problem, PROBLEM_NAMES
    )


def check_card_params(problem: str, params: dict[str, Any] | None, level: int | None) -> list[str]:
    """Validate a compute card's static fields without numpy.

    Returns user-facing messages (empty = fine). ``params`` may be partial: given
    keys are pinned and the rest is generated; a full set is a fixed instance.
    """
    spec = SPECS.get(problem)
    if spec is None:
        return [unknown_problem(problem)]
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


def is_fixed(problem: str, params: dict[str, Any] | None) -> bool:
    """True when ``params`` fully determine the instance (no seed needed)."""
    spec = SPECS.get(problem)
    if spec is None or not isinstance(params, dict):
        return False
    return all(name in params for name in spec.required(params))


def _clamp(level: int, levels: tuple[int, ...]) -> int:
    lower = [lv for lv in levels if lv <= level]
    return max(lower) if lower else min(levels)


def reachable_levels(
    problem: str, params: dict[str, Any] | None, level: int | None
) -> tuple[int, ...]:
    """Levels a card can produce: its pinned level, one for a fixed instance, else all."""
    spec = SPECS.get(problem)
    if spec is None:
        return ()
    if level is not None:
        return (_clamp(level, spec.levels),)
    if is_fixed(problem, params):
        return (spec.levels[0],)
    return spec.levels
