"""The recurrent, training, evaluation and LLM-scale problem types.

Every expected answer is recomputed here by an independent formula (plain math,
written out differently from the problem modules), over many seeds and all levels;
published figures (Llama-2-7B, Chinchilla) are checked from their configurations.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.answers import AnswerError
from dlcards.problems import get_problem

from .conftest import examples

NEW = [
    "lstm_step",
    "grad_clip",
    "label_smoothing_ce",
    "classification_metrics",
    "conv_transpose_output_size",
    "transformer_params",
    "kv_cache_size",
    "training_flops",
    "perplexity",
]
SEEDS = 80


def _draws(name: str, seeds: int = SEEDS):
    problem = get_problem(name)
    for level in problem.levels:
        for seed in range(seeds):
            yield problem, problem.make_instance(level=level, seed=seed)


def _sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _close(got: Any, want: Any, tol: float = 1e-9) -> bool:
    if isinstance(want, tuple | list):
        return all(_close(g, w, tol) for g, w in zip(got, want, strict=True))
    return abs(float(got) - float(want)) <= tol * max(1.0, abs(float(want)))


# --- independent formulas ---------------------------------------------------------------


def lstm_by_hand(p: dict[str, Any]) -> tuple[float, float]:
    if p["form"] == "gates":
        i, f, g, o = p["gates"]
    else:
        if p["form"] == "preacts":
            z = p["preacts"]
        else:
            z = [p["w_ih"][k] * p["x"] + p["w_hh"][k] * p["h"] + p["b"][k] for k in range(4)]
        i, f, g, o = _sig(z[0]), _sig(z[1]), math.tanh(z[2]), _sig(z[3])
    c = f * p["c"] + i * g
    return c, o * math.tanh(c)


def clip_by_hand(p: dict[str, Any]) -> list[float]:
    flat = p["grad_a"] + p.get("grad_b", [])
    if p["norm_type"] == "inf":
        norm = max(abs(v) for v in flat)
    else:
        norm = math.sqrt(sum(v * v for v in flat))
    scale = min(1.0, p["max_norm"] / (norm + 1e-6))
    return [v * scale for v in flat]


def smoothing_by_hand(p: dict[str, Any]) -> float:
    if "probs" in p:
        logp = [math.log(v) for v in p["probs"]]
    else:
        top = max(p["logits"])
        lse = top + math.log(sum(math.exp(v - top) for v in p["logits"]))
        logp = [v - lse for v in p["logits"]]
    k, eps, y = len(logp), p["label_smoothing"], p["targets"]
    q = [eps / k + (1 - eps if j == y else 0.0) for j in range(k)]
    return -sum(qj * lj for qj, lj in zip(q, logp, strict=True))


def metrics_by_hand(p: dict[str, Any]) -> float:
    if "y_true" in p:
        pairs = list(zip(p["y_true"], p["y_pred"], strict=True))
        tp = pairs.count((1, 1))
        fp = pairs.count((0, 1))
        fn = pairs.count((1, 0))
    else:
        tp, fp, fn = p["tp"], p["fp"], p["fn"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }[p["metric"]]


def transpose_by_hand(p: dict[str, Any]) -> int:
    # Count the positions a scatter touches: the last input pixel lands at (size − 1)·s,
    # its last kernel tap d·(k − 1) further; padding crops both ends, output_padding adds.
    last = (p["size"] - 1) * p["stride"] + p["dilation"] * (p["kernel_size"] - 1)
    return last + 1 - 2 * p["padding"] + p["output_padding"]


def transformer_by_hand(p: dict[str, Any]) -> int:
    d, v, ff = p["d_model"], p["vocab"], p["d_ff"]
    head_dim = d // p["n_heads"]
    kv_width = p["n_kv_heads"] * head_dim
    linears = [(d, d), (d, kv_width), (d, kv_width), (d, d)]  # q, k, v, o (in, out)
    if p["mlp"] == "swiglu":
        linears += [(d, ff), (d, ff), (ff, d)]
    else:
        linears += [(d, ff), (ff, d)]
    layer = sum(a * b + (b if p["bias"] else 0) for a, b in linears)
    norm = d * (2 if p["norm"] == "layernorm" else 1)
    layer += 2 * norm
    total = p["n_layers"] * layer + norm + v * d
    return total if p["tied"] else total + d * v


def kv_by_hand(p: dict[str, Any]) -> float:
    size = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1, "int8": 1}[p["dtype"]]
    unit = {"bytes": 1, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "MB": 1e6, "GB": 1e9}
    per_token = 2 * p["n_layers"] * p["n_kv_heads"] * p["head_dim"] * size
    return per_token * p["seq_len"] * p["batch"] / unit[p["unit"]]


def flops_by_hand(p: dict[str, Any]) -> float:
    n = p["params_b"] * 1e9
    if p["task"] == "tokens":
        return 20 * n / 1e9
    c = 6 * n * p["tokens_b"] * 1e9
    if p["task"] == "flops":
        return c
    seconds = c / (p["n_gpus"] * p["peak_tflops"] * 1e12 * p["mfu"])
    return seconds / (24 * 3600)


def perplexity_by_hand(p: dict[str, Any]) -> float:
    if "nll" in p:
        return (2 if p["base"] == "bits" else math.e) ** p["nll"]
    product = math.prod(1 / v for v in p["probs"])
    if p["ask"] == "loss":
        nats = math.log(product) / len(p["probs"])
        return nats / math.log(2) if p["base"] == "bits" else nats
    return product ** (1 / len(p["probs"]))


BY_HAND = {
    "lstm_step": lambda p: lstm_by_hand(p) if p["form"] == "gates" else lstm_by_hand(p)[0],
    "grad_clip": clip_by_hand,
    "label_smoothing_ce": smoothing_by_hand,
    "classification_metrics": metrics_by_hand,
    "conv_transpose_output_size": transpose_by_hand,
    "transformer_params": transformer_by_hand,
    "kv_cache_size": kv_by_hand,
    "training_flops": flops_by_hand,
    "perplexity": perplexity_by_hand,
}


@pytest.mark.parametrize("name", NEW)
def test_expected_answers_match_an_independent_computation(name: str) -> None:
    for problem, inst in _draws(name):
        want = BY_HAND[name](inst.params)
        got = problem.solve(inst.params)
        got = list(got) if hasattr(got, "tolist") and not isinstance(got, tuple) else got
        assert _close(got, want), (inst, got, want)
        # and the typed form of the answer is accepted
        assert problem.check(inst, problem.expected_text(inst)).status == "correct"


@pytest.mark.parametrize("name", NEW)
def test_every_level_is_reached_and_draws_differ(name: str) -> None:
    problem = get_problem(name)
    for level in problem.levels:
        params = {str(problem.make_instance(level=level, seed=s).params) for s in range(40)}
        assert len(params) >= 5, (name, level)


@pytest.mark.parametrize("name", NEW)
@settings(max_examples=examples(600, 30), deadline=None)
@given(text=st.text(max_size=60), seed=st.integers(0, 50), level=st.sampled_from([1, 2, 3]))
def test_answer_parsing_never_crashes(name: str, text: str, seed: int, level: int) -> None:
    problem = get_problem(name)
    inst = problem.make_instance(level=level, seed=seed)
    try:
        verdict = problem.check(inst, text)
    except AnswerError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert verdict.status in ("correct", "close", "wrong", "blank")
    preview = problem.preview(inst, text)
    assert preview is None or preview


# --- published figures ------------------------------------------------------------------

LLAMA2_7B = {
    "vocab": 32000,
    "d_model": 4096,
    "n_layers": 32,
    "n_heads": 32,
    "n_kv_heads": 32,
    "d_ff": 11008,
    "mlp": "swiglu",
    "norm": "rmsnorm",
    "tied": False,
    "bias": False,
}


def test_llama2_7b_parameter_count_is_its_published_6_74b() -> None:
    # Touvron et al. 2023: Llama-2-7B has 6.74B parameters.
    count = transformer_by_hand(LLAMA2_7B)
    assert count == 6_738_415_616 and round(count / 1e9, 2) == 6.74
    problem = get_problem("transformer_params")
    inst = problem.make_instance(level=3, seed=None, fixed=LLAMA2_7B)
    assert problem.solve(inst.params) == count
    for typed in ("6738415616", "6.7384e9", "6.74e9", "6.7384 × 10^9"):  # ±0.1 %
        assert problem.check(inst, typed).status == "correct", typed
    assert problem.check(inst, "6.7e9").status == "close"  # 0.6 % off: within 10× the tolerance
    forgot_head = problem.check(inst, str(count - 32000 * 4096))
    assert forgot_head.mistake and "output head" in forgot_head.mistake


def test_llama2_7b_kv_cache_at_its_4k_context_is_2_gib() -> None:
    # Llama 2 was trained with a 4,096-token context (arXiv:2307.09288 §2.2).
    problem = get_problem("kv_cache_size")
    params = {
        "n_layers": 32,
        "n_heads": 32,
        "n_kv_heads": 32,
        "head_dim": 128,
        "seq_len": 4096,
        "dtype": "bf16",
        "unit": "GiB",
    }
    inst = problem.make_instance(level=3, seed=None, fixed=params)
    assert 2 * 32 * 32 * 128 * 4096 * 2 == 2 * 2**30
    assert problem.check(inst, "2").status == "correct"
    assert "×2" in (problem.check(inst, "1").mistake or "").replace(" ", "") or (
        "keys" in (problem.check(inst, "1").mistake or "")
    )
    gb = problem.check(inst, f"{2 * 2**30 / 1e9:.4f}")  # 2.147 GB typed as GiB
    assert gb.status == "wrong" and gb.mistake and "GB" in gb.mistake
    fp32 = problem.check(inst, "4")
    assert fp32.mistake and "bytes per element" in fp32.mistake


def test_chinchilla_compute_and_tokens() -> None:
    # Hoffmann et al. 2022: Chinchilla, 70B parameters on 1.4T tokens (20 per parameter).
    problem = get_problem("training_flops")
    inst = problem.make_instance(
        level=1, seed=None, fixed={"task": "flops", "params_b": 70, "tokens_b": 1400}
    )
    assert problem.check(inst, "5.88e23").status == "correct"
    assert problem.check(inst, "5.88 × 10^23").status == "correct"
    assert "forward" in (problem.check(inst, "1.96e23").mistake or "")
    tokens = problem.make_instance(level=1, seed=None, fixed={"task": "tokens", "params_b": 70})
    assert problem.check(tokens, "1400").status == "correct" and 1400 / 70 == 20
    time = problem.make_instance(
        level=3,
        seed=None,
        fixed={
            "task": "time",
            "params_b": 70,
            "tokens_b": 1400,
            "n_gpus": 1024,
            "peak_tflops": 312,
            "mfu": 0.4,
        },
    )
    days = 6 * 70e9 * 1400e9 / (1024 * 312e12 * 0.4) / 86400
    assert problem.check(time, f"{days:.2f}").status == "correct"
    assert "MFU" in (problem.check(time, f"{days * 0.4:.2f}").mistake or "")
    assert "hours" in (problem.check(time, f"{days * 24:.1f}").mistake or "")


# --- named mistakes on known instances --------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "answer", "needle"),
    [
        # c = 0.75·(−1) + 0.5·(−0.5) = −1; without tanh h = 0.25·(−1)
        (
            "lstm_step",
            {"form": "gates", "c": -1, "gates": [0.5, 0.75, -0.5, 0.25]},
            "-1, -0.25",
            "tanh",
        ),
        (
            "lstm_step",
            {"form": "gates", "c": -1, "gates": [0.5, 0.75, -0.5, 0.25]},
            "-1.25, -0.2121",
            "forget",
        ),
        # z = [0, 0, 1, 2]: read as i, f, o, g the candidate is tanh(2)
        (
            "lstm_step",
            {"form": "preacts", "c": 1, "preacts": [0, 0, 1, 2]},
            f"{0.5 + 0.5 * math.tanh(2):.4f}",
            "i, f, g, o",
        ),
        (
            "grad_clip",
            {"grad_a": [1, 2], "grad_b": [2], "max_norm": 1},
            "0.4472 0.8944 1",
            "own norm",
        ),
        ("grad_clip", {"grad_a": [3, 4], "max_norm": 10}, "6 8", "only ever shrinks"),
        ("grad_clip", {"grad_a": [3, 4], "max_norm": 1}, "3 4", "did not clip"),
        (
            "label_smoothing_ce",
            {"probs": [0.5, 0.25, 0.25], "targets": 0, "label_smoothing": 0.3},
            f"{math.log(2):.4f}",
            "plain cross-entropy",
        ),
        (
            "label_smoothing_ce",
            {"probs": [0.5, 0.25, 0.25], "targets": 0, "label_smoothing": 0.3},
            f"{0.7 * math.log(2) + 0.3 * math.log(4):.4f}",
            "K − 1",
        ),
        (
            "classification_metrics",
            {"metric": "precision", "tp": 3, "fp": 1, "fn": 3},
            "0.5",
            "recall",
        ),
        (
            "classification_metrics",
            {"metric": "f1", "tp": 3, "fp": 1, "fn": 3},
            f"{(0.75 + 0.5) / 2:.4f}",
            "harmonic",
        ),
        (
            "conv_transpose_output_size",
            {"size": 4, "kernel_size": 4, "stride": 2, "padding": 1},
            "2",
            "forward",
        ),
        (
            "conv_transpose_output_size",
            {"size": 4, "kernel_size": 4, "stride": 2, "padding": 1},
            "12",
            "added the padding",
        ),
        ("perplexity", {"nll": 2, "base": "bits"}, f"{math.e**2:.4f}", "e^loss"),
        ("perplexity", {"probs": [0.5, 0.125]}, f"{2 / 0.625:.4f}", "mean probability"),
        (
            "kv_cache_size",
            {
                "n_layers": 2,
                "n_heads": 8,
                "n_kv_heads": 2,
                "head_dim": 4,
                "seq_len": 8,
                "dtype": "fp16",
            },
            "2048",
            "query heads",
        ),
        (
            "transformer_params",
            {**LLAMA2_7B, "tied": True},
            str(transformer_by_hand(LLAMA2_7B)),
            "twice",
        ),
    ],
)
def test_named_mistakes(name: str, params: dict[str, Any], answer: str, needle: str) -> None:
    problem = get_problem(name)
    inst = problem.make_instance(level=1, seed=None, fixed=params)
    verdict = problem.check(inst, answer)
    assert verdict.status in ("wrong", "close"), (problem.expected_text(inst), verdict)
    assert verdict.mistake and needle in verdict.mistake, verdict


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("transformer_params", {"d_model": 10, "n_heads": 4}, "must divide params.d_model"),
        ("transformer_params", {"n_heads": 8, "n_kv_heads": 3}, "must divide params.n_heads"),
        ("kv_cache_size", {"n_heads": 8, "n_kv_heads": 3}, "must divide params.n_heads"),
        ("kv_cache_size", {"unit": "TB"}, 'params.unit must be one of "bytes"'),
        ("classification_metrics", {"tp": 0}, "at least one true positive"),
        ("classification_metrics", {"y_true": [1, 0, 1], "y_pred": [1, 0]}, "differ in length"),
        (
            "classification_metrics",
            {"y_true": [1, 2], "y_pred": [1, 0]},
            "values must be from 0 to 1",
        ),
        (
            "conv_transpose_output_size",
            {"size": 4, "kernel_size": 3, "output_padding": 1},
            "smaller than the stride",
        ),
        ("lstm_step", {"gates": [1.5, 0.5, 0.5, 0.5]}, "strictly between 0 and 1"),
        ("lstm_step", {"form": "gates", "x": 1}, "params.x does not apply"),
        ("label_smoothing_ce", {"probs": [0.5, 0.6]}, "must sum to 1"),
        ("label_smoothing_ce", {"probs": [0.5, 0.5], "targets": 2}, "class 2 does not exist"),
        ("grad_clip", {"grad_a": [0, 0]}, "must not be all zero"),
        ("perplexity", {"probs": [0.5, 0]}, "must be positive"),
        ("perplexity", {"nll": 2, "ask": "loss"}, "needs params.probs"),
        ("training_flops", {"task": "tokens", "n_gpus": 8}, "params.n_gpus does not apply"),
        ("training_flops", {"params_b": 2e6}, "from 0.001 to 100000"),
    ],
)
def test_bad_params_get_one_clear_line(name: str, params: dict[str, Any], message: str) -> None:
    from dlcards.problems import check_card_params

    messages = check_card_params(name, params, None)
    assert any(message in m for m in messages), messages
    assert all("\n" not in m for m in messages)
