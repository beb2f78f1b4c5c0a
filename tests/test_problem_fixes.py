"""Generator and wording defects of issue 14, each checked over many seeds.

Each test fails on the code before its fix; the expected values are counted or
computed here, independently of the problem modules.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from dlcards.answers import AnswerError
from dlcards.problems import get_problem, is_fixed, reachable_levels

DECK = Path(__file__).resolve().parent.parent / "decks" / "compute-drills.toml"


def _cards() -> list[dict[str, Any]]:
    return tomllib.loads(DECK.read_text("utf-8"))["cards"]


def _card(card_id: str) -> dict[str, Any]:
    return next(c for c in _cards() if c["id"] == card_id)


def _draws(card_id: str, seeds: int) -> list[dict[str, Any]]:
    card = _card(card_id)
    problem = get_problem(card["problem"])
    return [
        problem.make_instance(level=card["level"], seed=seed, fixed=card.get("params")).params
        for seed in range(seeds)
    ]


def test_conv2d_level_2_drills_padding_about_half_the_time() -> None:
    draws = _draws("conv2d-stride-padding", 400)
    padded = sum(1 for p in draws if p["padding"] > 0)
    strided = sum(1 for p in draws if p["stride"] > 1)
    assert 120 <= padded <= 280, padded  # "stride 2 or padding 1": about half each
    assert 120 <= strided <= 280, strided
    assert all(p["padding"] > 0 or p["stride"] > 1 for p in draws)


def test_conv2d_level_3_generator_is_balanced_and_the_dilation_card_always_dilates() -> None:
    problem = get_problem("conv2d")
    draws = [problem.make_instance(level=3, seed=s).params for s in range(400)]
    dilated = sum(1 for p in draws if p["dilation"] > 1)
    assert 120 <= dilated <= 280, dilated
    card = _draws("conv2d-dilation", 400)
    assert all(p["dilation"] == 2 for p in card)


def test_conv2d_outputs_stay_hand_sized_at_every_level() -> None:
    problem = get_problem("conv2d")
    for level in (1, 2, 3):
        for seed in range(200):
            inst = problem.make_instance(level=level, seed=seed)
            out = problem.solve(inst.params)
            assert 1 <= out.size <= (4 if level == 1 else 9), (level, inst.params)


def test_sgd_weight_decay_card_always_has_weight_decay() -> None:
    draws = _draws("sgd-step-weight-decay", 400)
    assert all(p["weight_decay"] > 0 for p in draws)
    vectors = [p for p in draws if isinstance(p["param"], list)]
    assert len(vectors) >= 100  # vectors are still drawn, now with the decay as well


@pytest.mark.parametrize(
    ("card_id", "feature"),
    [
        ("pool2d-overlapping", lambda p: p["stride"] < p["kernel_size"]),
        ("pool2d-average-padding", lambda p: p["mode"] == "avg" and p["padding"] > 0),
        ("activation-derivatives", lambda p: p["derivative"]),
        ("conv2d-dilation", lambda p: p["dilation"] > 1),
        ("sgd-step-weight-decay", lambda p: p["weight_decay"] > 0),
        ("layer-params-macs", lambda p: p["macs"]),
        ("dense-forward-relu", lambda p: p["activation"] == "relu"),
        ("neuron-output-sigmoid", lambda p: p["activation"] == "sigmoid"),
        ("softmax-temperature", lambda p: p["temperature"] != 1),
        ("cross-entropy-batch", lambda p: isinstance(p["targets"], list)),
    ],
)
def test_a_cards_named_feature_is_in_every_draw(card_id: str, feature: Any) -> None:
    draws = _draws(card_id, 300)
    assert all(feature(p) for p in draws), card_id
    assert len({str(p) for p in draws}) >= 20  # pinning keeps the draws varied


# --- hints never hold the answer --------------------------------------------------------

# Typed examples in a hint: shapes (12x12, (1, 16, 30, 30)), fractions, numbers in
# sci notation, matrices "1 2; 3 4", tuples "448, 442368" / "2, -1, 0.5".
_EXAMPLE = re.compile(
    r"\(\d+(?:, \d+)+\)"
    r"|\d+(?:x\d+)+"
    r"|-?\d+(?:\.\d+)?(?:e-?\d+)?(?:(?:, | |; )-?\d+(?:\.\d+)?(?:e-?\d+)?)+"
    r"|\d+/\d+|\d+e-\d+"
)


def _examples(hint: str) -> list[str]:
    # Counts such as "4 numbers" or "a 2×3 matrix" are single numbers or use ×: not matched.
    return _EXAMPLE.findall(hint)


def test_the_example_finder_sees_the_known_examples() -> None:
    assert _examples("a shape like 10x10 or (1, 16, 30, 30)") == ["10x10", "(1, 16, 30, 30)"]
    assert _examples("a number (3/4 or 1e-3 are fine)") == ["3/4", "1e-3"]
    assert _examples("a matrix, rows separated by ; (e.g. 1 2; 3 4)") == ["1 2; 3 4"]
    assert "448, 442368" in _examples("parameters, MACs (two integers), e.g. 448, 442368")
    assert _examples("a shape, e.g. 2x3x4") == ["2x3x4"]


def _runs(card: dict[str, Any], seeds: int) -> list[tuple[int, int | None]]:
    name, params, level = card["problem"], card.get("params"), card.get("level")
    levels = reachable_levels(name, params, level)
    if is_fixed(name, params):
        return [(levels[0], None)]
    return [(lv, seed) for lv in levels for seed in range(seeds)]


@pytest.mark.parametrize("card", _cards(), ids=lambda c: c["id"])
def test_no_example_in_a_hint_is_the_answer(card: dict[str, Any]) -> None:
    problem = get_problem(card["problem"])
    for level, seed in _runs(card, 60):
        inst = problem.make_instance(level=level, seed=seed, fixed=card.get("params"))
        hint = problem.render(inst).answer_hint
        for example in _examples(hint):
            try:
                status = problem.check(inst, example).status
            except AnswerError:
                continue  # not even an answer of this kind
            assert status != "correct", (card["id"], seed, hint)


def test_the_known_give_aways_are_gone() -> None:
    seed_card = _card("conv-output-size-seed")
    problem = get_problem("conv_output_size")
    inst = problem.make_instance(level=1, seed=None, fixed=seed_card["params"])
    assert problem.expected_text(inst) in ("10x10", "10")
    assert "10x10" not in problem.render(inst).answer_hint
    nchw = {"size": 32, "kernel_size": 3, "batch": 1, "in_channels": 3, "out_channels": 16}
    inst = problem.make_instance(level=2, seed=None, fixed=nchw)
    assert problem.check(inst, "(1, 16, 30, 30)").status == "correct"
    assert "(1, 16, 30, 30)" not in problem.render(inst).answer_hint
    gate = get_problem("logic_gate")
    inst = gate.make_instance(level=1, seed=None, fixed={"task": "design", "gate": "AND"})
    for example in _examples(gate.render(inst).answer_hint):
        assert gate.check(inst, example).status != "correct"
    matmul = _card("matmul-shape-seed")
    assert "Dimensions must be equal" not in matmul["front"]
    assert "failed" not in matmul["front"] and "error" not in matmul["front"].lower()


def test_matmul_prompt_asks_for_the_word_error_not_a_type_error() -> None:
    problem = get_problem("matmul_shape")
    text = problem.render(problem.make_instance(level=1, seed=0)).text
    assert "Type error" not in text and "Answer `error` if" in text


# --- cosmetic ---------------------------------------------------------------------------


def test_cross_entropy_log_parts_read_naturally() -> None:
    problem = get_problem("cross_entropy")
    inst = problem.make_instance(
        level=1, seed=None, fixed={"probs": [0.6, 0.25, 0.15], "targets": 0}
    )
    line = problem.explain(inst)[1]
    assert "ln(5/3) = ln 5 − ln 3 ≈ 0.5108" in line, line
    for seed in range(200):
        inst = problem.make_instance(level=1, seed=seed)
        for step in problem.explain(inst):
            assert "  " not in step and "=  " not in step and "= −ln" not in step, step


_PRODUCT = re.compile(r"= ([\d.]+)·([\d.]+) ([=≈]) ([\d.]+)\.$")


@pytest.mark.parametrize("schedule", ["step", "exponential"])
def test_schedule_products_add_up_as_shown(schedule: str) -> None:
    problem = get_problem("lr_schedule")
    seen = 0
    for level in problem.levels:
        for seed in range(100):
            inst = problem.make_instance(level=level, seed=seed, fixed={"schedule": schedule})
            match = _PRODUCT.search(problem.explain(inst)[-1])
            assert match, problem.explain(inst)[-1]
            a, b, sign, c = match.groups()
            product = float(a) * float(b)
            # the shown factor has the product's precision: their product is the shown result
            assert abs(product - float(c)) <= 1e-8 * max(1.0, float(a)), match.group(0)
            seen += 1
    assert seen == 100 * len(problem.levels)
    inst = problem.make_instance(
        level=1, seed=None, fixed={"schedule": "exponential", "lr0": 0.1, "k": 1, "t": 1}
    )
    assert "0.1·0.36787944 ≈ 0.03678794" in problem.explain(inst)[-1]


def test_batchnorm_shows_only_the_biased_variance_root() -> None:
    problem = get_problem("batchnorm_forward")
    inst = problem.make_instance(level=1, seed=None, fixed={"x": [1, 3, 5, 7]})
    constants = problem.render(inst).constants
    # biased variance of 1, 3, 5, 7: (9 + 1 + 1 + 9) / 4 = 5; the ÷3 one is 20/3
    assert constants == ["√5 ≈ 2.2361"], constants
    for seed in range(100):
        inst = problem.make_instance(level=3, seed=seed)
        for constant in problem.render(inst).constants:
            radicand = float(constant[1:].split(" ≈ ")[0].replace("−", "-"))
            x = inst.params["x"]
            columns = [x] if not isinstance(x[0], list) else list(zip(*x, strict=True))
            biased = {sum((v - sum(c) / len(c)) ** 2 for v in c) / len(c) for c in columns}
            assert any(abs(radicand - v) < 1e-3 for v in biased), (constant, x)
