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
