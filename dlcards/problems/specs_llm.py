"""Static specs of the recurrent, training and LLM-scale problems (DESIGN §9).

Pure Python (no numpy); :mod:`dlcards.problems.catalog` gathers it with the
other ``specs_*`` modules for deck validation. Each problem module's docstring
explains its params. Large quantities stay under the param limit (|v| ≤ 1e6) by
being given in stated units: billions of parameters and of tokens, TFLOP/s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dlcards.problems.params import Param, Spec, array_shape

P = Param

LSTM_FORMS = {
    "gates": ("form", "c", "gates"),
    "preacts": ("form", "c", "preacts"),
    "weights": ("form", "x", "h", "c", "w_ih", "w_hh", "b"),
}
FLOPS_TASKS = {
    "flops": ("task", "params_b", "tokens_b"),
    "tokens": ("task", "params_b"),
    "time": ("task", "params_b", "tokens_b", "n_gpus", "peak_tflops", "mfu"),
}
KV_UNITS = ("bytes", "KiB", "MiB", "GiB", "MB", "GB")
DTYPES = ("fp32", "fp16", "bf16", "fp8", "int8")


def _cross_lstm(p: Mapping[str, Any]) -> list[str]:
    gates = p.get("gates")
    if isinstance(gates, list) and len(gates) == 4:
        i, f, g, o = gates
        if not all(0 < v < 1 for v in (i, f, o)) or not -1 < g < 1:
            return [
                "params.gates: i, f and o are sigmoid outputs (strictly between 0 and 1), "
                "g a tanh output (strictly between −1 and 1)"
            ]
    return []


def _cross_clip(p: Mapping[str, Any]) -> list[str]:
    a, b = p.get("grad_a"), p.get("grad_b")
    if isinstance(a, list) and not any(a) and not (isinstance(b, list) and any(b)):
        return ["the gradients must not be all zero (there is nothing to clip)"]
    return []


def _cross_smoothing(p: Mapping[str, Any]) -> list[str]:
    if "logits" in p and "probs" in p:
        return ["give params.logits or params.probs, not both"]
    probs = p.get("probs")
    if isinstance(probs, list) and probs:
        if abs(sum(probs) - 1) > 1e-6:
            return [f"params.probs must sum to 1, got {sum(probs):g}"]
        if min(probs) <= 0:
            return ["params.probs must all be positive (smoothing puts weight on every class)"]
    shape = array_shape(p.get("logits", probs))
    target = p.get("targets")
    if shape and isinstance(target, int) and target >= shape[-1]:
        return [f"params.targets: class {target} does not exist (classes 0 to {shape[-1] - 1})"]
    return []


def _cross_metrics(p: Mapping[str, Any]) -> list[str]:
    if "y_true" in p and "tp" in p:
        return ["give the counts (tp, fp, fn, tn) or the labels (y_true, y_pred), not both"]
    t, y = p.get("y_true"), p.get("y_pred")
    if isinstance(t, list) and isinstance(y, list):
        if len(t) != len(y):
            return [f"params.y_true and params.y_pred differ in length ({len(t)} vs {len(y)})"]
        if any(v not in (0, 1) for v in t + y):
            return ["params.y_true and params.y_pred hold only 0 and 1"]
        tp = sum(1 for a, b in zip(t, y, strict=True) if a == b == 1)
    else:
        tp = p.get("tp", 1)
    if tp == 0:
        return ["there must be at least one true positive (else precision or recall is 0/0)"]
    return []


def _cross_transpose(p: Mapping[str, Any]) -> list[str]:
    # A fixed instance (size and kernel given) takes the defaults; a partial card
    # only constrains what it pins, and the generator picks a stride that fits.
    fixed = {"size", "kernel_size"} <= set(p)
    s, d, op = p.get("stride", 1), p.get("dilation", 1), p.get("output_padding", 0)
    judged = fixed or ("stride" in p and "dilation" in p)
    if judged and op >= max(s, d):
        return [
            f"params.output_padding ({op}) must be smaller than the stride ({s}) or the "
            f"dilation ({d}), as in PyTorch"
        ]
    if {"size", "kernel_size"} <= set(p):
        k, pad = p["kernel_size"], p.get("padding", 0)
        if (p["size"] - 1) * s - 2 * pad + d * (k - 1) + op + 1 < 1:
            return [f"params.padding ({pad}) leaves no output"]
    return []


def _cross_transformer(p: Mapping[str, Any]) -> list[str]:
    d, h, kv = p.get("d_model"), p.get("n_heads"), p.get("n_kv_heads")
    if isinstance(d, int) and isinstance(h, int) and d % h:
        return [f"params.n_heads ({h}) must divide params.d_model ({d})"]
    if isinstance(h, int) and isinstance(kv, int) and h % kv:
        return [f"params.n_kv_heads ({kv}) must divide params.n_heads ({h})"]
    return []


def _cross_kv(p: Mapping[str, Any]) -> list[str]:
    h, kv = p.get("n_heads"), p.get("n_kv_heads")
    if isinstance(h, int) and isinstance(kv, int) and h % kv:
        return [f"params.n_kv_heads ({kv}) must divide params.n_heads ({h})"]
    return []


def _cross_ppl(p: Mapping[str, Any]) -> list[str]:
    if "probs" in p and "nll" in p:
        return ["give params.probs (token probabilities) or params.nll (mean loss), not both"]
    probs = p.get("probs")
    if isinstance(probs, list) and any(v <= 0 for v in probs):
        return ["params.probs must be positive (a zero-probability token has infinite loss)"]
    if "nll" in p and p.get("ask") == "loss":
        return ['params.ask = "loss" needs params.probs (with params.nll the loss is given)']
    return []


LLM_SPECS: dict[str, Spec] = {
    s.name: s
    for s in (
        Spec(
            "lstm_step",
            "One LSTM cell step",
            (1, 2, 3),
            (
                P("form", "choice", "what is given", choices=tuple(LSTM_FORMS)),
                P("x", "number", "input x_t (weights form)", lo=-10, hi=10),
                P("h", "number", "previous hidden state h_{t−1} (weights form)", lo=-1, hi=1),
                P("c", "number", "previous cell state c_{t−1}", lo=-10, hi=10),
                P("gates", "array", "[i, f, g, o] after their activations", min_len=4, max_len=4),
                P("preacts", "array", "[i, f, g, o] before activation", min_len=4, max_len=4),
                P("w_ih", "array", "input weights, one per gate", min_len=4, max_len=4),
                P("w_hh", "array", "recurrent weights, one per gate", min_len=4, max_len=4),
                P("b", "array", "biases, one per gate", min_len=4, max_len=4),
            ),
            lambda p: LSTM_FORMS.get(p.get("form", ""), ("form",)),
            applies=lambda p: LSTM_FORMS.get(p.get("form", "")),
            cross=_cross_lstm,
        ),
        Spec(
            "grad_clip",
            "Gradient clipping by global norm",
            (1, 2, 3),
            (
                P("grad_a", "array", "gradient of the first parameter", max_len=8),
                P("grad_b", "array", "gradient of a second parameter (optional)", max_len=8),
                P("max_norm", "number", "max_norm", lo=1e-3, hi=1e4),
                P("norm_type", "choice", "2 or inf", choices=("2", "inf"), default="2"),
            ),
            lambda p: ("grad_a", "max_norm"),
            cross=_cross_clip,
        ),
        Spec(
            "label_smoothing_ce",
            "Cross-entropy with label smoothing",
            (1, 2, 3),
            (
                P("probs", "array", "predicted probabilities", lo=0, hi=1, min_len=2, max_len=8),
                P("logits", "array", "logits (instead of probs)", lo=-50, hi=50, min_len=2),
                P("targets", "int", "the true class", lo=0, hi=63),
                P("label_smoothing", "number", "ε", lo=0, hi=1),
            ),
            lambda p: ("probs" if "probs" in p else "logits", "targets", "label_smoothing"),
            cross=_cross_smoothing,
        ),
        Spec(
            "classification_metrics",
            "Precision, recall and F1",
            (1, 2, 3),
            (
                P("metric", "choice", "asked metric", choices=("precision", "recall", "f1")),
                P("tp", "int", "true positives", lo=0, hi=1_000_000),
                P("fp", "int", "false positives", lo=0, hi=1_000_000),
                P("fn", "int", "false negatives", lo=0, hi=1_000_000),
                P("tn", "int", "true negatives", lo=0, hi=1_000_000),
                P("y_true", "array", "true labels (0/1)", lo=0, hi=1, min_len=2),
                P("y_pred", "array", "predicted labels (0/1)", lo=0, hi=1, min_len=2),
            ),
            lambda p: (
                ("metric",)
                + (("y_true", "y_pred") if "y_true" in p or "y_pred" in p else ("tp", "fp", "fn"))
            ),
            cross=_cross_metrics,
        ),
        Spec(
            "conv_transpose_output_size",
            "Transposed convolution output size",
            (1, 2, 3),
            (
                P("size", "int", "input side", lo=1, hi=4096),
                P("kernel_size", "int", "kernel side", lo=1, hi=16),
                P("stride", "int", "stride", lo=1, hi=8, default=1),
                P("padding", "int", "padding", lo=0, hi=16, default=0),
                P("output_padding", "int", "output_padding", lo=0, hi=7, default=0),
                P("dilation", "int", "dilation", lo=1, hi=8, default=1),
            ),
            lambda p: ("size", "kernel_size"),
            cross=_cross_transpose,
        ),
        Spec(
            "transformer_params",
            "Parameters of a decoder-only transformer",
            (1, 2, 3),
            (
                P("vocab", "int", "vocabulary size", lo=2, hi=1_000_000),
                P("d_model", "int", "model width", lo=2, hi=65_536),
                P("n_layers", "int", "layers", lo=1, hi=1000),
                P("n_heads", "int", "query heads", lo=1, hi=1024),
                P("n_kv_heads", "int", "key/value heads (GQA; = n_heads for MHA)", lo=1, hi=1024),
                P("d_ff", "int", "MLP hidden width", lo=1, hi=1_000_000),
                P("mlp", "choice", "mlp or swiglu", choices=("mlp", "swiglu"), default="mlp"),
                P("norm", "choice", "norm", choices=("layernorm", "rmsnorm"), default="layernorm"),
                P("tied", "bool", "output head shares the embedding", default=False),
                P(
                    "bias",
                    "bool",
                    "linear layers inside each block have biases (never the output head)",
                    default=False,
                ),
            ),
            lambda p: ("vocab", "d_model", "n_layers", "n_heads", "n_kv_heads", "d_ff"),
            cross=_cross_transformer,
        ),
        Spec(
            "kv_cache_size",
            "KV-cache size",
            (1, 2, 3),
            (
                P("n_layers", "int", "layers", lo=1, hi=1000),
                P("n_heads", "int", "query heads", lo=1, hi=1024),
                P("n_kv_heads", "int", "key/value heads", lo=1, hi=1024),
                P("head_dim", "int", "head dimension", lo=1, hi=1024),
                P("seq_len", "int", "tokens in the cache", lo=1, hi=1_000_000),
                P("batch", "int", "sequences", lo=1, hi=4096, default=1),
                P("dtype", "choice", "cache dtype", choices=DTYPES, default="bf16"),
                P("unit", "choice", "unit asked", choices=KV_UNITS, default="bytes"),
            ),
            lambda p: ("n_layers", "n_heads", "n_kv_heads", "head_dim", "seq_len"),
            cross=_cross_kv,
        ),
        Spec(
            "training_flops",
            "Training compute (≈ 6ND)",
            (1, 2, 3),
            (
                P("task", "choice", "what is asked", choices=tuple(FLOPS_TASKS)),
                P("params_b", "number", "N, billions of parameters", lo=1e-3, hi=100_000),
                P("tokens_b", "number", "D, billions of tokens", lo=1e-3, hi=1_000_000),
                P("n_gpus", "int", "GPUs", lo=1, hi=1_000_000),
                P("peak_tflops", "number", "peak TFLOP/s per GPU", lo=1, hi=100_000),
                P("mfu", "number", "model FLOPs utilization", lo=0.01, hi=1),
            ),
            lambda p: FLOPS_TASKS.get(p.get("task", ""), ("task",)),
            applies=lambda p: FLOPS_TASKS.get(p.get("task", "")),
        ),
        Spec(
            "perplexity",
            "Perplexity",
            (1, 2, 3),
            (
                P("probs", "array", "probability of each actual token", lo=0, hi=1, max_len=16),
                P("nll", "number", "mean negative log-likelihood per token", lo=0, hi=20),
                P(
                    "base",
                    "choice",
                    "unit of the loss: nats (ln) or bits (log₂)",
                    choices=("nats", "bits"),
                    default="nats",
                ),
                P(
                    "ask",
                    "choice",
                    "perplexity, or the mean loss (from probs)",
                    choices=("perplexity", "loss"),
                    default="perplexity",
                ),
            ),
            lambda p: ("probs" if "probs" in p else "nll",),
            cross=_cross_ppl,
        ),
    )
}
