"""Fixes from the blind review of the LLM-size and training problem types and their cards.

Each test reads what a student sees (the prompt, the card) and recomputes the answer from
it alone with formulas written out here, over many seeds: a prompt that leaves out a
number the answer depends on, or states a convention the answer does not follow, fails.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from dlcards.deck import ComputeCard, parse_deck
from dlcards.problems import get_problem, reachable_levels
from dlcards.validate import _NON_FINITE, compute_card_problems

DECK = Path(__file__).resolve().parent.parent / "decks" / "compute-drills.toml"
SEEDS = 150


def _card(card_id: str) -> dict[str, Any]:
    cards = tomllib.loads(DECK.read_text("utf-8"))["cards"]
    return next(c for c in cards if c["id"] == card_id)


def _sources(card_id: str) -> str:
    source = _card(card_id)["source"]
    return " | ".join(source) if isinstance(source, list) else str(source)


def _prompts(name: str, seeds: int = SEEDS) -> list[tuple[dict[str, Any], str]]:
    problem = get_problem(name)
    out = []
    for level in problem.levels:
        for seed in range(seeds):
            inst = problem.make_instance(level=level, seed=seed)
            out.append((inst.params, problem.render(inst).to_text()))
    return out


def _card_prompts(card_id: str, seeds: int = 60) -> list[tuple[dict[str, Any], str]]:
    card = _card(card_id)
    problem = get_problem(card["problem"])
    fixed = card.get("params")
    out = []
    for level in reachable_levels(card["problem"], fixed, card["level"]):
        for seed in range(seeds):
            inst = problem.make_instance(level=level, seed=seed, fixed=fixed)
            out.append((inst.params, problem.render(inst).to_text()))
    return out


# --- kv_cache_size: the prompt states every factor, the head count included ---------------

_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1}
_UNITS = {"bytes": 1, "MiB": 2**20, "GiB": 2**30, "GB": 10**9}


def _kv_from_prompt(text: str) -> float:
    """The KV-cache size recomputed from the prompt's words alone."""
    layers = int(re.search(r"with (\d+) layers?\b", text)[1])  # type: ignore[index]
    heads = re.search(r"\((\d+) heads?,|share (\d+) KV head|, (\d+) KV heads\)", text)
    assert heads, f"no KV-head count stated: {text}"
    kv = int(next(g for g in heads.groups() if g))
    head_dim = int(re.search(r"head dimension (\d+)", text)[1])  # type: ignore[index]
    dtype = re.search(r"values in (\w+)", text)[1]  # type: ignore[index]
    batch = int(re.search(r"batch of (\d+) sequences?", text)[1])  # type: ignore[index]
    tokens = int(re.search(r"of (\d+) tokens", text)[1])  # type: ignore[index]
    unit = re.search(r"in (bytes|MiB|GiB|GB)\b[^?]*\?", text)[1]  # type: ignore[index]
    return 2 * layers * kv * head_dim * tokens * batch * _BYTES[dtype] / _UNITS[unit]


@pytest.mark.parametrize("source", ["generator", "kv-cache-toy", "kv-cache-gqa"])
def test_kv_cache_prompt_alone_determines_the_answer(source: str) -> None:
    problem = get_problem("kv_cache_size")
    draws = _prompts("kv_cache_size") if source == "generator" else _card_prompts(source)
    mha = 0
    for params, text in draws:
        mha += params["n_kv_heads"] == params["n_heads"]
        assert _kv_from_prompt(text) == pytest.approx(problem.solve(params), rel=1e-12), text
    assert mha > 0  # the multi-head case, the one that lacked its head count, was drawn


def test_kv_cache_counts_read_as_english() -> None:
    problem = get_problem("kv_cache_size")
    for params, text in _prompts("kv_cache_size"):
        assert not re.search(r"\b1 (layers|heads|KV heads)\b", text), text
        if params["n_kv_heads"] == 1 and params["n_heads"] > 1:
            messages = [message for message, _ in problem.mistakes(params)]
            assert any("only 1 KV head is cached" in m for m in messages), messages
            assert not any("1 KV head are" in m for m in messages)


# --- transformer_params: the stated bias convention is the counted one --------------------


def _count_from_params(p: dict[str, Any], head_bias: bool) -> int:
    """Decoder-only parameter count, written out term by term."""
    d, v, ff = p["d_model"], p["vocab"], p["d_ff"]
    kv_width = p["n_kv_heads"] * (d // p["n_heads"])
    q, k, v_proj, o = d * d, d * kv_width, d * kv_width, d * d
    if p["bias"]:
        q, k, v_proj, o = q + d, k + kv_width, v_proj + kv_width, o + d
    if p["mlp"] == "swiglu":
        mlp = 3 * d * ff + ((2 * ff + d) if p["bias"] else 0)
    else:
        mlp = 2 * d * ff + ((ff + d) if p["bias"] else 0)
    norm = 2 * d if p["norm"] == "layernorm" else d
    block = q + k + v_proj + o + mlp + 2 * norm
    head = 0 if p["tied"] else v * d
    return p["n_layers"] * block + norm + v * d + head + (v if head_bias else 0)


def test_transformer_params_bias_wording_matches_the_count() -> None:
    problem = get_problem("transformer_params")
    with_bias = 0
    draws = [(lv, s) for lv in problem.levels for s in range(SEEDS)]
    for level, seed in draws:
        inst = problem.make_instance(level=level, seed=seed)
        params, text = inst.params, problem.render(inst).to_text()
        assert problem.solve(params) == _count_from_params(params, head_bias=False)
        if not params["bias"]:
            assert "no linear layer has a bias" in text, text
            continue
        with_bias += 1
        assert "linear layers inside each block have biases" in text, text
        assert re.search(r"output head [^.;]*no bias", text), text
        counted_head_bias = str(_count_from_params(params, head_bias=True))
        assert problem.check(inst, counted_head_bias).status != "correct"
    assert with_bias > 50


def test_transformer_params_names_mqa_and_counts_in_english() -> None:
    problem = get_problem("transformer_params")
    mqa = 0
    for params, text in _prompts("transformer_params"):
        assert not re.search(r"\b1 (layers|attention heads|query heads|key/value heads)\b", text)
        if params["n_kv_heads"] == 1 and params["n_heads"] > 1:
            mqa += 1
            assert "1 key/value head (MQA)" in text and "GQA" not in text, text
            messages = " ".join(m for m, _ in problem.mistakes(params))
            assert "with MQA" in messages and "with GQA" not in messages
        elif params["n_kv_heads"] != params["n_heads"]:
            assert "(GQA)" in text
    assert mqa > 0


# --- grad_clip and label_smoothing_ce wording ---------------------------------------------


def test_grad_clip_inf_prompt_shows_the_torch_call() -> None:
    inf = 0
    draws = _prompts("grad_clip") + _card_prompts("grad-clip-inf")
    for params, text in draws:
        if params["norm_type"] == "inf":
            inf += 1
            assert "norm_type=float('inf')" in text, text
        else:
            assert "norm_type" not in text and "L2 norm" in text, text
    assert inf > 60


def test_the_validator_still_catches_non_finite_values_but_not_quoted_code() -> None:
    assert _NON_FINITE.search("clip_grad_norm_(..., norm_type=float('inf'))") is None
    assert _NON_FINITE.search('float("inf")') is None
    for leaked in ("loss = inf", "[1, −inf, 2]", "Answer: nan", "Infinity"):
        assert _NON_FINITE.search(leaked), leaked
    deck = parse_deck(DECK, DECK.read_bytes())
    card = next(c for c in deck.cards if c.id == "grad-clip-inf")
    assert isinstance(card, ComputeCard)
    checked, messages = compute_card_problems(card, seeds=20)
    assert messages == [] and checked > 0


def test_label_smoothing_from_probabilities_says_the_loss_uses_the_logits() -> None:
    probs = 0
    for params, text in _prompts("label_smoothing_ce"):
        if "probs" in params:
            probs += 1
            assert "from the logits that produced p" in text, text
        else:
            assert "logits that produced" not in text
    assert probs > 0


# --- cards: facts and their sources -------------------------------------------------------


def test_llama2_7b_params_card_cites_where_each_number_comes_from() -> None:
    sources = _sources("transformer-params-llama2-7b")
    assert "arXiv:2302.13971" in sources and "Table 2" in sources  # 4096, 32 layers, 32 heads
    assert "config.json" in sources and "11008" in sources and "32000" in sources
    assert "arXiv:2307.09288" in sources


def test_llama2_kv_card_stays_within_llama2s_4k_context() -> None:
    card = _card("kv-cache-llama2-7b-8k")  # the id is kept: progress is keyed by it
    assert card["params"]["seq_len"] == 4096  # Llama 2's context (arXiv:2307.09288 §2.2)
    assert "4,096 tokens" in card["front"] and "8k" not in card["front"]
    assert 2 * 32 * 32 * 128 * 4096 * 2 == 2 * 2**30 == 2_147_483_648
    assert "2,147,483,648" in card["back"] and "2 GiB" in card["back"]
    problem = get_problem("kv_cache_size")
    inst = problem.make_instance(level=3, seed=None, fixed=card["params"])
    assert problem.check(inst, "2").status == "correct"
    assert problem.check(inst, "4").status != "correct"  # the old 8k answer
    sources = _sources("kv-cache-llama2-7b-8k")
    assert "arXiv:2302.13971" in sources and "config.json" in sources
    assert "arXiv:2307.09288" in sources


def test_rope_and_chinchilla_cards_name_their_sources_and_figures() -> None:
    assert "arXiv:2104.09864" in _sources("transformer-params-toy")  # RoPE
    back = _card("training-flops-chinchilla")["back"]
    assert 6 * 70e9 * 1.4e12 == pytest.approx(5.88e23)
    assert "5.88e23" in back and "6·N·D" in back and "5.76e23" in back
