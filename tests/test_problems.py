"""Compute problems: generation, checking, grading, mistakes, golden values, the deck.

Golden values are computed here by hand or with naive loops, never by the code
under test.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import math
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from dlcards import kernels as K
from dlcards.problems import (
    PROBLEM_NAMES,
    AnswerError,
    Grid,
    Instance,
    check_card_params,
    get_problem,
    is_fixed,
    reachable_levels,
)
from dlcards.problems.fmt import exp_constants

REPO = Path(__file__).resolve().parent.parent
DECK = REPO / "decks" / "compute-drills.toml"
DESIGN_ORDER = (
    "conv_output_size conv2d conv1d_shared_weights pool2d receptive_field layer_params "
    "matmul_shape dense_forward neuron_output logic_gate activation softmax cross_entropy "
    "softmax_ce_grad sgd_step momentum_step adam_step lr_schedule batchnorm_forward "
    "dropout_scale update_ratio "
    "attention multi_head_shapes layer_norm rms_norm rope_rotation positional_encoding "
    "sampling_filter "
    "lstm_step grad_clip label_smoothing_ce classification_metrics "
    "conv_transpose_output_size transformer_params kv_cache_size training_flops perplexity"
).split()
SEEDS = 30

# Hand-computability bounds per problem: (largest |number| in the params, longest array axis).
BOUNDS: dict[str, tuple[float, int]] = {
    "conv_output_size": (128, 2),
    "conv2d": (5, 6),
    "conv1d_shared_weights": (9, 9),
    "pool2d": (9, 7),
    "receptive_field": (5, 4),
    "layer_params": (784, 0),
    "matmul_shape": (8, 4),
    "dense_forward": (3, 3),
    "neuron_output": (5, 3),
    "logic_gate": (6, 2),
    "activation": (3, 0),
    "softmax": (1003, 7),
    "cross_entropy": (3, 4),
    "softmax_ce_grad": (3, 4),
    "sgd_step": (6, 2),
    "momentum_step": (5, 0),
    "adam_step": (5, 2),
    "lr_schedule": (1200, 0),
    "batchnorm_forward": (9, 4),
    "dropout_scale": (9, 6),
    "update_ratio": (9, 4),
    "attention": (3, 4),
    "multi_head_shapes": (8192, 0),
    "layer_norm": (9, 4),
    "rms_norm": (7, 4),
    "rope_rotation": (10000, 8),
    "positional_encoding": (2000, 0),
    "sampling_filter": (5, 6),
    "lstm_step": (3, 4),
    "grad_clip": (18, 4),
    "label_smoothing_ce": (3, 4),
    "classification_metrics": (200, 10),
    "conv_transpose_output_size": (64, 0),
    "transformer_params": (128_256, 0),
    "kv_cache_size": (32_768, 0),
    "training_flops": (15_000, 0),
    "perplexity": (5, 4),
}


def numbers(value: Any) -> list[float]:
    if isinstance(value, bool) or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, list):
        return [x for v in value for x in numbers(v)]
    return []


def axes(value: Any) -> list[int]:
    if isinstance(value, list):
        return [len(value), *[n for v in value for n in axes(v)]]
    return []


@functools.cache
def _drawn(name: str, level: int, seed: int) -> Any:
    return get_problem(name).make_instance(level=level, seed=seed)


def instances(name: str, seeds: int = SEEDS):
    """Each level's instances for seeds 0…seeds-1, each drawn once per test process.

    Several tests check the same draws, and drawing them was half of this module's
    time; each test gets its own copy of the params, so none sees another's changes.
    """
    problem = get_problem(name)
    for level in problem.levels:
        for seed in range(seeds):
            drawn = _drawn(name, level, seed)
            yield problem, dataclasses.replace(drawn, params=copy.deepcopy(drawn.params))


# --- the facade -----------------------------------------------------------------------


def test_names_follow_the_design_order() -> None:
    assert PROBLEM_NAMES == tuple(DESIGN_ORDER)
    for name in PROBLEM_NAMES:
        problem = get_problem(name)
        assert problem.name == name and problem.title and set(problem.levels) <= {1, 2, 3}


def test_importing_the_facade_does_not_import_numpy() -> None:
    code = (
        "import sys, dlcards.problems as p; p.check_card_params('pool2d', {'kernel_size': 2},"
        " 1); p.is_fixed('softmax', {'logits': [1, 2]}); print('numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unknown_problem() -> None:
    (message,) = check_card_params("convv", None, None)
    assert message.startswith("unknown problem 'convv' (known: conv_output_size, conv2d")
    assert "did you mean 'conv2d'" in message
    with pytest.raises(ValueError, match="unknown problem 'convv'"):
        get_problem("convv")
    assert reachable_levels("convv", None, None) == () and not is_fixed("convv", {})


@pytest.mark.parametrize(
    ("problem", "params", "level", "message"),
    [
        (
            "pool2d",
            {"kernal_size": 3},
            None,
            "unknown param 'kernal_size' for pool2d (expected: "
            "x, kernel_size, stride, padding, mode); did you mean 'kernel_size'?",
        ),
        (
            "pool2d",
            {"kernel_size": 9},
            None,
            "params.kernel_size must be an integer from 1 to 7, got 9",
        ),
        ("pool2d", {"kernel_size": 2.0}, None, "params.kernel_size must be an integer"),
        ("pool2d", {"kernel_size": True}, None, "params.kernel_size must be an integer"),
        ("pool2d", {"x": [[1] * 70] * 2}, None, "params.x: array too large (70 > 64 per axis)"),
        ("pool2d", {"x": [[1] * 64] * 64 + [[1] * 64]}, None, "array too large (65 > 64"),
        ("dense_forward", {"x": [[1] * 64] * 64, "weight": [[1] * 64] * 64}, None, ""),
        ("pool2d", {"x": [[1, 2], [3]]}, None, "params.x must be a matrix"),
        ("pool2d", {"x": [[1, 2e7]]}, None, "values must be from -1000000 to 1000000"),
        ("pool2d", {"x": [[1, math.nan]]}, None, "params.x must be finite"),
        ("pool2d", {"mode": "mean"}, None, 'params.mode must be one of "max", "avg", got "mean"'),
        ("pool2d", {"kernel_size": 2, "padding": 2}, None, "at most half the kernel size"),
        ("sgd_step", {"lr": math.inf}, None, "params.lr must be finite"),
        ("sgd_step", {"lr": "0.1"}, None, 'params.lr must be a number, got "0.1"'),
        ("matmul_shape", None, 3, "level 3 is not available for matmul_shape (levels: 1, 2)"),
        ("receptive_field", {"layers": [[3, 1]] * 5}, None, "at most 4 layers, got 5"),
        ("receptive_field", {"layers": [[3]]}, None, "must be [kernel, stride]"),
        ("adam_step", {"grad": [1, 2, 3, 4, 5]}, None, "at most 4 here"),
        ("sgd_step", {"steps": 5}, None, "params.steps must be an integer from 1 to 4, got 5"),
        ("lr_schedule", {"schedule": "step", "k": 0.1}, None, "params.k does not apply"),
        ("conv_output_size", {"size": 5, "kernel_size": 7}, None, "does not fit"),
        ("cross_entropy", {"probs": [0.5, 0.6], "targets": 0}, None, "must sum to 1"),
        ("cross_entropy", {"logits": [1, 2], "targets": 2}, None, "class 2 does not exist"),
        ("dense_forward", {"x": [1, 2], "weight": [[1], [2], [3]]}, None, "2 features"),
        ("dropout_scale", {"x": [1, 2], "mask": [1, 0.5], "p": 0.2}, None, "only 0"),
        ("logic_gate", {"task": "identify", "weight": [1, 1], "bias": 5}, None, "not AND"),
        ("momentum_step", {"lr": 0}, None, "params.lr must be positive"),
        ("batchnorm_forward", {"x": [2, 2, 2, 2], "eps": 0}, None, "eps must be positive"),
        ("pool2d", [1, 2], None, "params must be a table"),
        # Values of the wrong type are named before any rule reads them (no crash).
        ("logic_gate", {"task": ["AND"]}, None, "params.task must be one of"),
        ("activation", {"fn": {"a": 1}}, None, "params.fn must be one of"),
        ("lr_schedule", {"schedule": ["step"]}, None, "params.schedule must be one of"),
        ("lr_schedule", {"schedule": "exponential", "k": 0}, None, "k must be positive"),
        ("adam_step", {"eps": 0}, None, "params.eps must be positive"),
        (
            "neuron_output",
            {"x": [1], "weight": [1], "bias": -1e6, "activation": "sigmoid"},
            None,
            "too large for a sigmoid question",
        ),
    ],
)
def test_check_card_params_messages(
    problem: str, params: Any, level: int | None, message: str
) -> None:
    messages = check_card_params(problem, params, level)
    if not message:
        assert messages == []
    else:
        assert any(message in m for m in messages), messages


def test_fixed_partial_and_levels() -> None:
    seed_card = {"size": 12, "kernel_size": 3, "padding": 0, "stride": 1}
    assert is_fixed("conv_output_size", seed_card)
    assert not is_fixed("conv_output_size", {"size": 12})
    assert reachable_levels("conv_output_size", seed_card, None) == (1,)
    assert reachable_levels("conv_output_size", {"size": 12}, None) == (1, 2, 3)
    assert reachable_levels("softmax", None, 2) == (2,)
    assert reachable_levels("matmul_shape", None, 3) == (2,)  # nearest lower level
    assert get_problem("matmul_shape").make_instance(level=3, seed=1).level == 2
    inst = get_problem("conv_output_size").make_instance(level=1, seed=None, fixed=seed_card)
    assert inst.seed is None and inst.params["dilation"] == 1
    with pytest.raises(ValueError, match="a seed is needed"):
        get_problem("softmax").make_instance(level=1, seed=None, fixed={})
    with pytest.raises(ValueError, match="kernel_size"):
        get_problem("pool2d").make_instance(level=1, seed=3, fixed={"kernel_size": 99})


def test_pinning_macs_asks_them_at_every_level() -> None:
    problem = get_problem("layer_params")
    for level in (1, 2):
        for seed in range(30):
            inst = problem.make_instance(level=level, seed=seed, fixed={"macs": True})
            params = inst.params
            if params["layer"] == "conv":
                count = (
                    params["kernel_size"] ** 2
                    * params["c_in"]
                    // params["groups"]
                    * params["c_out"]
                ) + params["c_out"] * params["bias"]
                macs = count - params["c_out"] * params["bias"]
                macs *= params["output_size"] ** 2
                assert problem.expected_text(inst) == f"({count}, {macs})"


def test_pinned_params_are_kept_and_draws_are_deterministic() -> None:
    problem = get_problem("pool2d")
    for seed in range(20):
        inst = problem.make_instance(level=2, seed=seed, fixed={"mode": "avg", "kernel_size": 3})
        assert inst.params["mode"] == "avg" and inst.params["kernel_size"] == 3
        assert inst == problem.make_instance(
            level=2, seed=seed, fixed={"mode": "avg", "kernel_size": 3}
        )


def test_instance_json_round_trip() -> None:
    for name in PROBLEM_NAMES:
        _, inst = next(instances(name, 1))
        text = inst.to_json()
        json.loads(text)
        assert Instance.from_json(text) == inst
    for bad in (
        "{",
        "[]",
        '{"problem": 1, "level": 1, "seed": null, "params": {}}',
        '{"problem": "softmax", "level": 1, "seed": "x", "params": {}}',
    ):
        with pytest.raises(ValueError):
            Instance.from_json(bad)


# --- every problem type -------------------------------------------------------------


@pytest.mark.parametrize("name", DESIGN_ORDER)
def test_generated_instances_are_hand_computable(name: str) -> None:
    limit, longest = BOUNDS[name]
    for problem, inst in instances(name, 60):
        assert check_card_params(name, inst.params, inst.level) == []
        values = numbers(list(inst.params.values()))
        assert all(math.isfinite(v) and abs(v) <= limit for v in values), inst
        assert max((n for v in inst.params.values() for n in axes(v)), default=0) <= longest
        assert len(problem.expected_text(inst)) <= 80, inst
        json.dumps(inst.params, allow_nan=False)


@pytest.mark.parametrize("name", DESIGN_ORDER)
def test_expected_answers_check_and_grade(name: str) -> None:
    for problem, inst in instances(name):
        expected = problem.expected_text(inst)
        rendered = problem.render(inst)
        assert rendered.text and rendered.answer_hint and expected in expected
        assert "nan" not in rendered.to_text().lower().split()
        fast = problem.check(inst, expected, seconds=4.0)
        assert (fast.status, fast.suggested_grade, fast.mistake) == ("correct", 5, None)
        assert fast.expected == expected and fast.message == "Correct."
        assert problem.check(inst, expected, seconds=15.0).suggested_grade == 5
        assert problem.check(inst, expected, seconds=16.0).suggested_grade == 4
        assert problem.check(inst, expected).suggested_grade == 4
        blank = problem.check(inst, "  ")
        assert (blank.status, blank.suggested_grade) == ("blank", 0)
        steps = problem.explain(inst)
        assert steps and all(isinstance(s, str) and s for s in steps)


@pytest.mark.parametrize("name", DESIGN_ORDER)
def test_each_misconception_is_recognized(name: str) -> None:
    seen = 0
    for problem, inst in instances(name, 15):
        for description, answer in problem.misconceptions(inst):
            verdict = problem.check(inst, answer)
            assert verdict.status in ("wrong", "close"), (inst, description, answer)
            assert verdict.suggested_grade == (2 if verdict.status == "close" else 1)
            assert verdict.mistake == description
            seen += 1
    assert seen, f"{name} never lists a misconception"


@pytest.mark.parametrize("name", DESIGN_ORDER)
@pytest.mark.parametrize("nonsense", ["banana", "[[1,2],[3", "1 2; 3"])
def test_nonsense_raises_answer_error(name: str, nonsense: str) -> None:
    for problem, inst in instances(name, 3):
        with pytest.raises(AnswerError) as info:
            problem.check(inst, nonsense)
        assert str(info.value) and "\n" not in str(info.value)
        assert isinstance(problem.preview(inst, nonsense), str)


SCALAR_PROBLEMS = [
    "receptive_field",
    "neuron_output",
    "activation",
    "cross_entropy",
    "sgd_step",
    "adam_step",
    "lr_schedule",
]


@pytest.mark.parametrize("name", SCALAR_PROBLEMS)
def test_many_numbers_for_a_scalar_is_an_answer_error(name: str) -> None:
    problem = get_problem(name)
    inst = problem.make_instance(level=1, seed=0)
    with pytest.raises(AnswerError, match="expected a single number, got 10"):
        problem.check(inst, "1 2 3 4 5 6 7 8 9 10")


def test_previews() -> None:
    pool = get_problem("pool2d")
    inst = pool.make_instance(level=1, seed=0)
    assert pool.preview(inst, "") is None
    grid = pool.preview(inst, "1 2; 3 4")
    assert isinstance(grid, Grid) and grid.rows == [["1", "2"], ["3", "4"]]
    assert "2×2" in grid.to_text()
    assert (
        pool.preview(inst, "1 2; 3") == "rows have different lengths (2, 1); give every row "
        "as many numbers as the first"  # a whole sentence (known issue 4)
    )
    act = get_problem("activation")
    assert act.preview(act.make_instance(level=1, seed=0), "3/4") == "= 0.75"


def test_a_shape_card_writes_shapes_one_way() -> None:
    # Known issue 5: the hint's example, the preview and the expected answer of one card
    # in one notation (they were "e.g. 2x3x4", "→ shape 4×11×8×8", "(4, 8, 11, 8)").
    mha = get_problem("multi_head_shapes")
    for seed in range(5):
        inst = mha.make_instance(level=1, seed=seed)
        assert re.fullmatch(r"\(\d+(, \d+)+\)", mha.expected_text(inst))
        assert "e.g. (2, 3, 4)" in mha.render(inst).answer_hint
        assert mha.preview(inst, "4x11x8x8") == "shape (4, 11, 8, 8)"
    matmul, inst = _fixed("matmul_shape", a_shape=[7, 1], b_shape=[1, 2])
    assert "e.g. (2, 4)" in matmul.render(inst).answer_hint
    assert matmul.expected_text(inst) == "(7, 2)"  # (7×1)·(1×2), by hand
    assert matmul.preview(inst, "7x2") == "shape (7, 2)"
    conv, inst = _fixed("conv_output_size", size=35, kernel_size=3)
    assert "e.g. 10x10" in conv.render(inst).answer_hint
    assert conv.expected_text(inst) == "33x33"  # 35 − 3 + 1
    assert conv.preview(inst, "29") == "shape 29x29"  # one number is read as a square
    assert conv.preview(inst, "29 x 29") == "shape 29x29"


def test_the_constants_of_a_line_share_one_notation() -> None:
    # Known issue 6: "e^(−0.5) ≈ 0.6065   e⁻² ≈ 0.1353" on one line. Values by hand:
    # e^−0.5 = 0.60653…, e^−1 = 0.36788…, e^−2 = 0.13534…
    assert exp_constants([-0.5, -2.0]) == ["e^(−0.5) ≈ 0.6065", "e^(−2) ≈ 0.1353"]
    assert exp_constants([-2.0, -1.0]) == ["e⁻¹ ≈ 0.3679", "e⁻² ≈ 0.1353"]


# --- close answers ------------------------------------------------------------------


def _fixed(name: str, **params: Any) -> tuple[Any, Instance]:
    problem = get_problem(name)
    return problem, problem.make_instance(level=1, seed=None, fixed=params)


@pytest.mark.parametrize(
    ("name", "params", "answer"),
    [
        ("conv_output_size", {"size": 12, "kernel_size": 3}, "10x11"),
        ("matmul_shape", {"a_shape": [2, 3], "b_shape": [3, 4]}, "(2, 5)"),
        ("softmax", {"logits": [1, 2, 3, 4, 1, 2, 3]}, "0.024 0.064 0.175 0.49 0.024 0.064 0.175"),
        ("activation", {"fn": "sigmoid", "x": 0}, "0.506"),
        ("lr_schedule", {"schedule": "inverse_time", "lr0": 0.1, "k": 0.5, "t": 2}, "0.0502"),
        (
            "momentum_step",
            {"param": 2, "lr": 0.1, "momentum": 0.9, "nesterov": False, "convention": "torch"},
            "4, 1.600004",
        ),
        ("update_ratio", {"weight": [3, 4], "grad": [6, 8], "lr": 0.001}, "0.00205, ok"),
    ],
)
def test_close_answers_get_grade_2(name: str, params: dict[str, Any], answer: str) -> None:
    problem, inst = _fixed(name, **params)
    verdict = problem.check(inst, answer)
    assert (verdict.status, verdict.suggested_grade) == ("close", 2), verdict
    assert verdict.message.startswith("Close")


def test_a_wrong_shape_says_what_was_expected() -> None:
    problem, inst = _fixed(
        "dense_forward", x=[[1, 2], [3, 4], [5, 6]], weight=[[1, 0, 1], [0, 1, 1]]
    )
    verdict = problem.check(inst, "1 2 3; 4 5 6")
    assert verdict.status == "wrong"
    assert verdict.message == "Expected a 3×3 matrix, got a 2×3 matrix."
    with pytest.raises(AnswerError, match="separate its 3 rows with ;"):
        problem.check(inst, "1 2 3 4 5 6 7 8 9")


# --- golden values (independent of the code under test) -------------------------------


def naive_correlate(
    x: list[list[float]], w: list[list[float]], stride: int = 1, pad: int = 0
) -> list[list[float]]:
    xp = [[0.0] * (len(x[0]) + 2 * pad) for _ in range(len(x) + 2 * pad)]
    for i, row in enumerate(x):
        for j, v in enumerate(row):
            xp[i + pad][j + pad] = v
    kh, kw = len(w), len(w[0])
    rows = (len(xp) - kh) // stride + 1
    cols = (len(xp[0]) - kw) // stride + 1
    return [
        [
            sum(xp[r * stride + a][c * stride + b] * w[a][b] for a in range(kh) for b in range(kw))
            for c in range(cols)
        ]
        for r in range(rows)
    ]


def test_golden_conv_output_size() -> None:
    problem, inst = _fixed("conv_output_size", size=12, kernel_size=3, padding=0, stride=1)
    assert (12 - 3 + 2 * 0) // 1 + 1 == 10
    for answer in ("10x10", "10 × 10", "10", "(10, 10)"):
        assert problem.check(inst, answer).status == "correct"
    forgot = problem.check(
        _fixed("conv_output_size", size=12, kernel_size=3, padding=1)[1], "10x10"
    )
    assert forgot.mistake and "padding" in forgot.mistake


def test_golden_conv2d_against_a_naive_loop() -> None:
    rng = np.random.default_rng(7)
    problem = get_problem("conv2d")
    for _ in range(20):
        x = rng.integers(-3, 6, size=(5, 5)).tolist()
        w = rng.integers(-1, 2, size=(3, 3)).tolist()
        stride, pad = int(rng.integers(1, 3)), int(rng.integers(0, 2))
        _, inst = _fixed("conv2d", x=x, weight=w, stride=stride, padding=pad)
        want = naive_correlate(x, w, stride, pad)
        answer = "; ".join(" ".join(str(int(v)) for v in row) for row in want)
        assert problem.check(inst, answer).status == "correct"


def test_golden_shared_weights_seed() -> None:
    problem, inst = _fixed(
        "conv1d_shared_weights", x=[2, 5, 1, 3, 4, 0, 6], weight=[1, 0, -1], stride=2
    )
    # h1 = 2 − 1, h2 = 1 − 4, h3 = 4 − 6
    assert problem.check(inst, "1 -3 -2").status == "correct"
    assert problem.check(inst, "-1 3 2").mistake.startswith("Looks like you flipped the filter")


SEED_POOL = [
    [1, 0, 2, 3, 1, 0, 2],
    [3, 4, 1, 6, 0, 5, 1],
    [0, 2, 3, 1, 2, 3, 0],
    [2, 6, 0, 6, 1, 8, 3],
    [1, 3, 2, 0, 3, 1, 2],
    [0, 9, 1, 8, 2, 8, 0],
    [2, 1, 3, 2, 0, 1, 3],
]


def test_golden_seed_max_pool() -> None:
    want = [
        [max(SEED_POOL[2 * r + a][2 * c + b] for a in range(3) for b in range(3)) for c in range(3)]
        for r in range(3)
    ]
    assert want == [[4, 6, 5], [6, 6, 8], [9, 8, 8]]
    problem, inst = _fixed("pool2d", x=SEED_POOL, kernel_size=3, stride=2, mode="max")
    assert problem.check(inst, "4 6 5; 6 6 8; 9 8 8").status == "correct"
    assert problem.check(inst, "[[4,6,5],[6,6,8],[9,8,8]]").status == "correct"
    means = [
        [
            sum(SEED_POOL[2 * r + a][2 * c + b] for a in range(3) for b in range(3)) / 9
            for c in range(3)
        ]
        for r in range(3)
    ]
    typed = "; ".join(" ".join(f"{v:.4f}" for v in row) for row in means)
    assert problem.check(inst, typed).mistake.startswith("Looks like you averaged")


def test_golden_softmax_seed() -> None:
    logits = [1, 2, 3, 4, 1, 2, 3]
    exps = [math.exp(z) for z in logits]
    naive = [e / sum(exps) for e in exps]
    assert naive == pytest.approx([0.024, 0.064, 0.175, 0.475, 0.024, 0.064, 0.175], abs=5e-4)
    problem, inst = _fixed("softmax", logits=logits)
    assert (
        problem.check(inst, "0.024, 0.064, 0.175, 0.475, 0.024, 0.064, 0.175").status == "correct"
    )
    small = _fixed("softmax", logits=[0.1, 0.2, 0.3, 0.4, 0.1, 0.2, 0.3])
    assert small[0].check(small[1], "0.125 0.138 0.153 0.169 0.125 0.138 0.153").status == "correct"
    ratio = small[0].check(small[1], "0.0625 0.125 0.1875 0.25 0.0625 0.125 0.1875")
    assert "divided each logit by their sum" in ratio.mistake


def test_golden_softmax_stability() -> None:
    problem, inst = _fixed("softmax", logits=[1000, 1001, 1002])
    e = [math.exp(-2), math.exp(-1), 1.0]
    assert problem.check(inst, " ".join(f"{v / sum(e):.4f}" for v in e)).status == "correct"
    for word in ("overflow", "NaN", "inf"):
        verdict = problem.check(inst, word)
        assert verdict.status == "wrong" and verdict.mistake.startswith("No max shift")


def test_golden_neuron_141() -> None:
    assert 3 * (2 * 4 + 3 * 5 + 4 * 6) == 141
    problem, inst = _fixed(
        "neuron_output", x=[2, 3, 4], weight=[4, 5, 6], bias=0, activation="linear", slope=3
    )
    assert problem.check(inst, "141").status == "correct"
    assert "slope 3" in problem.check(inst, "47").mistake


def test_golden_logic_gates() -> None:
    problem, inst = _fixed("logic_gate", task="identify", weight=[1, 1], bias=-1.5)
    assert problem.check(inst, "AND").status == "correct"
    assert problem.check(inst, "and").status == "correct"
    assert problem.check(inst, "OR").status == "wrong"
    problem, inst = _fixed("logic_gate", task="design", gate="AND")
    for weights in ("1, 1, -1.5", "2 2 -3", "(0.5, 0.5, -0.7)", "1 1 -1.9", "3, 1, -3.5"):
        assert problem.check(inst, weights).status == "correct", weights
    for weights in ("1, 1, -0.5", "1 1 0", "-1 -1 1.5", "1 1 -2", "impossible"):
        assert problem.check(inst, weights).status == "wrong", weights
    orr = problem.check(inst, "1, 1, -0.5")
    assert "compute OR" in orr.message and "OR" in orr.mistake
    problem, inst = _fixed("logic_gate", task="design", gate="XOR")
    assert problem.expected_text(inst) == "impossible"
    assert problem.check(inst, "impossible").status == "correct"
    assert problem.check(inst, "not possible").status == "correct"
    assert problem.check(inst, "1 1 -0.5").status == "wrong"


def test_golden_matmul_shapes_against_numpy() -> None:
    problem = get_problem("matmul_shape")
    rng = np.random.default_rng(3)
    for _ in range(60):
        a = tuple(int(d) for d in rng.integers(1, 4, size=int(rng.integers(1, 4))))
        b = tuple(int(d) for d in rng.integers(1, 4, size=int(rng.integers(1, 4))))
        try:
            want = "(" + ", ".join(map(str, np.matmul(np.ones(a), np.ones(b)).shape)) + ",)"
        except ValueError:
            want = "error"
        _, inst = _fixed("matmul_shape", a_shape=list(a), b_shape=list(b))
        assert problem.check(inst, want).status == "correct", (a, b, want)
    _, seed = _fixed("matmul_shape", a_shape=[2, 3], b_shape=[2, 2])
    assert problem.check(seed, "error").status == "correct"
    assert "not defined" in problem.check(seed, "2x2").mistake


def test_golden_small_values() -> None:
    cases = [
        ("receptive_field", {"layers": [[3, 1], [3, 1]]}, "5"),
        ("receptive_field", {"layers": [[3, 1], [2, 2], [3, 1]]}, "8"),  # 1 + 2 + 1 + 2·2
        ("layer_params", {"layer": "conv", "c_in": 3, "c_out": 16, "kernel_size": 3}, "448"),
        ("layer_params", {"layer": "dense", "c_in": 784, "c_out": 10, "macs": True}, "7850, 7840"),
        ("cross_entropy", {"probs": [0.25, 0.5, 0.25], "targets": 0}, f"{math.log(4):.4f}"),
        ("softmax_ce_grad", {"probs": [0.2, 0.5, 0.3], "targets": 1}, "0.2 -0.5 0.3"),
        (
            "sgd_step",
            {"param": 5, "lr": 0.1, "curvature": 2, "center": 3, "steps": 2},
            "4.28",
        ),  # 5 → 4.6 → 4.28
        (
            "lr_schedule",
            {"schedule": "step", "lr0": 0.1, "gamma": 0.5, "step_size": 10, "epoch": 25},
            "0.025",
        ),
        (
            "lr_schedule",
            {"schedule": "exponential", "lr0": 0.1, "k": 0.5, "t": 2},
            f"{0.1 * math.exp(-1):.6f}",
        ),
        ("lr_schedule", {"schedule": "inverse_time", "lr0": 0.1, "k": 0.5, "t": 2}, "0.05"),
        ("lr_schedule", {"schedule": "cosine", "lr0": 0.1, "t": 50, "T": 100}, "0.05"),
        (
            "momentum_step",
            {
                "param": 2,
                "velocity": 1,
                "lr": 0.1,
                "momentum": 0.9,
                "nesterov": True,
                "convention": "torch",
            },
            "4.9, 1.159",
        ),
        (
            "momentum_step",
            {
                "param": 2,
                "velocity": -0.5,
                "lr": 0.1,
                "momentum": 0.9,
                "nesterov": True,
                "convention": "lookahead",
            },
            "-0.76, 1.24",
        ),
        ("adam_step", {"param": 2, "grad": 3, "lr": 0.01}, "1.99"),
        (
            "batchnorm_forward",
            {"x": [1, 3, 5, 7]},
            " ".join(f"{(v - 4) / math.sqrt(5 + 1e-5):.4f}" for v in (1, 3, 5, 7)),
        ),
        ("dropout_scale", {"x": [4, 8, 2], "mask": [1, 0, 1], "p": 0.2}, "5 0 2.5"),
        ("update_ratio", {"weight": [3, 4], "grad": [6, 8], "lr": 0.001}, "0.002, ok"),
        ("dense_forward", {"x": [1, 2], "weight": [[1, 0], [2, -1]], "bias": [1, 1]}, "6 -1"),
        ("activation", {"fn": "tanh", "x": 1, "derivative": True}, f"{1 - math.tanh(1) ** 2:.4f}"),
    ]
    for name, params, answer in cases:
        problem, inst = _fixed(name, **params)
        assert problem.check(inst, answer).status == "correct", (
            name,
            answer,
            problem.expected_text(inst),
        )


def test_named_mistakes_on_known_instances() -> None:
    cases = [
        (
            "conv_output_size",
            {"size": 7, "kernel_size": 3, "stride": 2, "padding": 0, "dilation": 2},
            "3x3",
            "dilation",
        ),  # ⌊(7−3)/2⌋+1 without D
        ("conv_output_size", {"size": 8, "kernel_size": 3, "stride": 2}, "4x4", "rounded up"),
        ("conv_output_size", {"size": 9, "kernel_size": 3, "stride": 2}, "7x7", "stride"),
        (
            "softmax_ce_grad",
            {"probs": [0.2, 0.5, 0.3], "targets": 1},
            "-0.2 0.5 -0.3",
            "Flipped gradient sign",
        ),
        ("softmax_ce_grad", {"probs": [0.2, 0.5, 0.3], "targets": 1}, "0.2 0.5 0.3", "one-hot"),
        (
            "batchnorm_forward",
            {"x": [1, 3, 5, 7]},
            " ".join(f"{(v - 4) / math.sqrt(20 / 3):.4f}" for v in (1, 3, 5, 7)),
            "sample variance",
        ),
        ("dropout_scale", {"x": [4, 8, 2], "mask": [1, 0, 1], "p": 0.2}, "4 0 2", "dropout scale"),
        (
            "momentum_step",
            {
                "param": 2,
                "velocity": 1,
                "lr": 0.1,
                "momentum": 0.9,
                "nesterov": True,
                "convention": "torch",
            },
            "0.32, 2.32",
            "other convention",
        ),  # look-ahead: v = 0.9·1 − 0.1·2·(2 + 0.9) = 0.32, x = 2 + v
        (
            "adam_step",
            {"param": 2, "grad": 3, "lr": 0.01},
            f"{2 - 0.01 * 0.3 / (math.sqrt(0.009) + 1e-8):.7f}",
            "bias correction",
        ),
        ("sgd_step", {"param": 3, "grad": 2, "lr": 0.1}, "3.2", "Flipped gradient sign"),
        (
            "pool2d",
            {"x": [[1, 2, 3], [4, 5, 6], [7, 8, 9]], "kernel_size": 2, "stride": 1},
            "5 6; 8 9",
            "",
        ),  # correct: guards the next case
        (
            "pool2d",
            {
                "x": [[1, 2, 3, 4], [5, 6, 7, 8], [9, 1, 2, 3], [4, 5, 6, 7]],
                "kernel_size": 2,
                "stride": 2,
                "mode": "avg",
            },
            "6 8; 9 7",
            "maximum",
        ),
        (
            "cross_entropy",
            {"probs": [0.25, 0.5, 0.25], "targets": 0},
            f"{math.log10(4):.4f}",
            "log base 10",
        ),
        (
            "layer_params",
            {"layer": "conv", "c_in": 3, "c_out": 16, "kernel_size": 3},
            "432",
            "forgot the biases",
        ),
        (
            "neuron_output",
            {"x": [1, 2], "weight": [1, 1], "bias": -3, "activation": "step"},
            "1",
            "z > 0",
        ),
    ]
    for name, params, answer, needle in cases:
        problem, inst = _fixed(name, **params)
        verdict = problem.check(inst, answer)
        if not needle:
            assert verdict.status == "correct"
            continue
        assert verdict.status in ("wrong", "close"), (name, answer)
        assert verdict.mistake and needle in verdict.mistake, (name, verdict)


def test_dropout_matches_the_kernel_rule() -> None:
    problem = get_problem("dropout_scale")
    rng = np.random.default_rng(11)
    for p in (0.2, 0.5, 0.25):
        x = rng.integers(-5, 9, size=6).astype(float)
        y, mask = K.dropout(x, p, np.random.default_rng(5))
        _, inst = _fixed("dropout_scale", x=x.tolist(), mask=mask.astype(int).tolist(), p=p)
        assert problem.check(inst, " ".join(f"{v:.4f}" for v in y)).status == "correct"


# --- the shipped deck -----------------------------------------------------------------

CARD_KEYS = {"id", "type", "problem", "params", "level", "front", "back", "tags", "source"}
LEVEL_TAGS = {"beginner", "intermediate", "advanced"}


def _deck() -> dict[str, Any]:
    return tomllib.loads(DECK.read_text("utf-8"))


def test_deck_format() -> None:
    deck = _deck()
    assert deck["deck"]["id"] == "compute-drills" and deck["deck"]["name"] == "Compute Drills"
    cards = deck["cards"]
    ids = [c["id"] for c in cards]
    assert len(ids) == len(set(ids))
    assert {c["problem"] for c in cards} == set(PROBLEM_NAMES)
    for card in cards:
        assert set(card) <= CARD_KEYS and card["type"] == "compute", card["id"]
        assert card["id"] == card["id"].lower() and " " not in card["id"]
        assert len(LEVEL_TAGS & set(card["tags"])) == 1, card["id"]
        assert check_card_params(card["problem"], card.get("params"), card.get("level")) == []


def test_deck_loads_with_the_deck_module() -> None:
    deck_module = pytest.importorskip("dlcards.deck")
    parsed = deck_module.parse_deck(DECK, DECK.read_bytes())
    assert len(parsed.cards) == len(_deck()["cards"])


# `dlcards validate --strict` sweeps 50 seeds a level over every shipped card and makes
# the same checks (test_shipped_decks runs it); this independent loop over the raw
# TOML needs only a few to catch a card its problem cannot serve.
DECK_CARD_SEEDS = 5


def test_every_deck_card_generates_solves_and_checks() -> None:
    for card in _deck()["cards"]:
        name, params, level = card["problem"], card.get("params"), card.get("level")
        problem = get_problem(name)
        runs = (
            [(lv, None) for lv in reachable_levels(name, params, level)][:1]
            if is_fixed(name, params)
            else [
                (lv, seed)
                for lv in reachable_levels(name, params, level)
                for seed in range(DECK_CARD_SEEDS)
            ]
        )
        for lv, seed in runs:
            inst = problem.make_instance(level=lv, seed=seed, fixed=params)
            assert all(math.isfinite(v) for v in numbers(list(inst.params.values())))
            text = problem.render(inst).to_text()
            expected = problem.expected_text(inst)
            for word in ("nan", "inf", "infinity"):
                assert word not in (text + " " + expected).lower().replace(",", " ").split()
            assert problem.check(inst, expected).status == "correct", (card["id"], seed)
            problem.explain(inst)


@pytest.mark.parametrize("name", DESIGN_ORDER)
def test_any_single_pinned_param_is_honoured(name: str) -> None:
    problem = get_problem(name)
    for source_level in problem.levels:
        source = problem.make_instance(level=source_level, seed=5)
        for key, value in source.params.items():
            for level in problem.levels:
                inst = problem.make_instance(level=level, seed=1, fixed={key: value})
                assert inst.params[key] == value, (key, level)
                assert check_card_params(name, inst.params, None) == []
                assert problem.check(inst, problem.expected_text(inst)).status == "correct"
