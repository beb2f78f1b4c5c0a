"""Evaluation arithmetic: precision, recall and F1; perplexity.

classification_metrics
    params: ``metric`` (``"precision"``, ``"recall"`` or ``"f1"``), and either the
    counts ``tp``, ``fp``, ``fn`` (``tn`` optional: no metric here uses it) or the
    label lists ``y_true`` and ``y_pred`` (1 = positive). Levels: 1 precision or
    recall from named counts; 2 any metric from a confusion matrix; 3 from label
    lists. Answer: a number (fractions fine), ±5e-3.

perplexity
    params: ``probs`` (the probability the model gave each actual token) or ``nll``
    (the mean negative log-likelihood per token), ``base`` (``"nats"``: natural log,
    the default; ``"bits"``: log₂), ``ask`` (``"perplexity"``, or ``"loss"``: the
    mean NLL in ``base`` from ``probs``). PPL = exp(mean NLL in nats) = 2^(mean NLL
    in bits). Levels: 1 from probabilities that are powers of ½; 2 from the mean
    loss; 3 from mixed probabilities, perplexity or the loss in bits. ±0.5 %.
"""

from __future__ import annotations

import math
from typing import Any

from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import ln_const, num, vec
from dlcards.problems.kinds import Kind, Scalar, Tol

TOL = Tol(abs=5e-3)
REL = Tol(rel=5e-3)
METRIC_TEXT = {"precision": "precision", "recall": "recall", "f1": "F1 score"}


def counts(params: dict[str, Any], positive: int = 1) -> tuple[int, int, int, int]:
    """(tp, fp, fn, tn); from labels, ``positive`` names the positive class."""
    if "y_true" not in params:
        return params["tp"], params["fp"], params["fn"], params.get("tn", 0)
    pairs = list(zip(params["y_true"], params["y_pred"], strict=True))
    tp = sum(1 for t, y in pairs if t == positive and y == positive)
    fp = sum(1 for t, y in pairs if t != positive and y == positive)
    fn = sum(1 for t, y in pairs if t == positive and y != positive)
    return tp, fp, fn, len(pairs) - tp - fp - fn


def metric(name: str, tp: int, fp: int, fn: int, tn: int = 0) -> float:
    if name == "precision":
        return tp / (tp + fp)
    if name == "recall":
        return tp / (tp + fn)
    if name == "accuracy":
        return (tp + tn) / (tp + fp + fn + tn)
    return 2 * tp / (2 * tp + fp + fn)


class ClassificationMetrics(Problem):
    name = "classification_metrics"

    def generate(self, pick: Picker, level: int) -> None:
        labels = "y_true" in pick.params or "y_pred" in pick.params
        counted = bool({"tp", "fp", "fn", "tn"} & set(pick.params))
        pick.choice(
            "metric", ["precision", "recall"] if level == 1 else ["precision", "recall", "f1"]
        )
        if labels or (level == 3 and not counted):
            n = len(pick.params.get("y_true", pick.params.get("y_pred", []))) or pick.one([8, 10])
            pick.get("y_true", lambda: pick.ints(0, 1, n))
            pick.get("y_pred", lambda: pick.ints(0, 1, n))
            return
        pick.integer("tp", 1, 20 if level == 1 else 60)
        pick.integer("fp", 1, 10 if level == 1 else 40)
        pick.integer("fn", 1, 10 if level == 1 else 40)
        if level > 1:  # the full confusion matrix, with its distracting true negatives
            pick.integer("tn", 5, 200)

    def nice(self, params: dict[str, Any], level: int) -> bool:
        tp, fp, fn, tn = counts(params)
        if tp == 0 or fp == fn:  # fp = fn makes precision = recall: the swap goes unseen
            return False
        if "y_true" in params:
            return bool(0 < sum(params["y_true"]) < len(params["y_true"]))
        return True

    def solve(self, params: dict[str, Any]) -> float:
        return metric(params["metric"], *counts(params))

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        what = METRIC_TEXT[params["metric"]]
        if "y_true" in params:
            text = (
                "A binary classifier's predictions on a small test set (1 = positive): "
                f"labels y = {vec(params['y_true'])}, predictions ŷ = "
                f"{vec(params['y_pred'])}. What is its {what} for the positive class?"
            )
            return text + " Give 3 decimals.", [], []
        tp, fp, fn, tn = counts(params)
        if "tn" in params:
            text = (
                "A binary classifier's confusion matrix on a test set is below (rows: the "
                "actual class, positive then negative; columns: the predicted class, "
                f"positive then negative). What is its {what}?"
            )
            grid = Grid("confusion matrix", [[str(tp), str(fn)], [str(fp), str(tn)]])
            return text + " Give 3 decimals.", [grid], []
        text = (
            f"A binary classifier has {tp} true positives, {fp} false positives and {fn} "
            f"false negatives. What is its {what}?"
        )
        return text + " Give 3 decimals.", [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        tp, fp, fn, tn = counts(params)
        out = []
        if "y_true" in params:
            out.append(
                f"Count the pairs (y, ŷ): TP (1, 1) = {tp}, FP (0, 1) = {fp}, FN (1, 0) = "
                f"{fn}, TN (0, 0) = {tn}."
            )
        elif "tn" in params:
            out.append(
                f"From the matrix: TP = {tp} (actual +, predicted +), FN = {fn} (actual +, "
                f"predicted −), FP = {fp} (actual −, predicted +), TN = {tn}."
            )
        p, r = metric("precision", tp, fp, fn), metric("recall", tp, fp, fn)
        name = params["metric"]
        if name in ("precision", "f1"):
            out.append(f"Precision = TP / (TP + FP) = {tp} / {tp + fp} = {num(p)}.")
        if name in ("recall", "f1"):
            out.append(f"Recall = TP / (TP + FN) = {tp} / {tp + fn} = {num(r)}.")
        if name == "f1":
            out.append(
                f"F1 = 2PR / (P + R) = 2TP / (2TP + FP + FN) = {2 * tp} / "
                f"{2 * tp + fp + fn} = {num(self.solve(params))} (the harmonic mean)."
            )
        out.append("TN appears in neither precision nor recall: they ignore easy negatives.")
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        tp, fp, fn, tn = counts(params)
        name = params["metric"]
        p, r = metric("precision", tp, fp, fn), metric("recall", tp, fp, fn)
        if name == "precision":
            yield "That is the recall, TP / (TP + FN); precision is TP / (TP + FP).", lambda: r
        if name == "recall":
            yield "That is the precision, TP / (TP + FP); recall is TP / (TP + FN).", lambda: p
        if name == "f1":
            yield (
                "That is the arithmetic mean of precision and recall; F1 is their harmonic mean.",
                lambda: (p + r) / 2,
            )
            yield "That is the precision alone; F1 combines it with recall.", lambda: p
            yield "That is the recall alone; F1 combines it with precision.", lambda: r
        if tn:
            yield (
                "That is the accuracy, (TP + TN) / all.",
                lambda: metric("accuracy", tp, fp, fn, tn),
            )
        if "y_true" in params:
            yield (
                "Looks like you took 0 as the positive class; the positive class is 1.",
                lambda: metric(name, *counts(params, positive=0)),
            )


_HALVES = [0.5, 0.25, 0.125]
_NICE_PPL = [4, 6, 8, 10, 12, 15, 16, 20, 25, 30, 32]


def mean_nll(probs: list[float], base: str = "nats") -> float:
    nats = -sum(math.log(p) for p in probs) / len(probs)
    return nats / math.log(2) if base == "bits" else nats


def ppl(params: dict[str, Any]) -> float:
    if "probs" in params:
        return math.exp(mean_nll(params["probs"]))
    nll = params["nll"]
    return 2.0**nll if params["base"] == "bits" else math.exp(nll)


class Perplexity(Problem):
    name = "perplexity"

    def generate(self, pick: Picker, level: int) -> None:
        given = set(pick.params)
        from_nll = "nll" in given or (level == 2 and "probs" not in given and "ask" not in given)
        if from_nll:
            base = pick.choice("base", ["nats", "bits"])
            pick.choice("ask", ["perplexity"])
            k = pick.one([4, 8, 16, 32] if base == "bits" else _NICE_PPL)
            pick.get("nll", lambda: round(math.log2(k) if base == "bits" else math.log(k), 4))
            return
        if level == 1:
            pick.choice("ask", ["perplexity"])
            pick.choice("base", ["nats"])
            pick.get("probs", lambda: [pick.one(_HALVES) for _ in range(pick.one([2, 3, 4]))])
            return
        ask = pick.choice("ask", ["perplexity", "loss"])
        pick.choice("base", ["bits"] if ask == "loss" else ["nats"])
        pick.get("probs", lambda: [pick.one([0.5, 0.25, 0.2, 0.1, 0.8]) for _ in range(4)])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        if level == 1 and "probs" in params and params["ask"] == "perplexity":
            return ppl(params) == round(ppl(params))  # a power of 2
        return "probs" not in params or len(set(params["probs"])) > 1

    def solve(self, params: dict[str, Any]) -> float:
        if params["ask"] == "loss":
            return mean_nll(params["probs"], params["base"])
        return ppl(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        unit = f"the mean loss in {params['base']}" if params["ask"] == "loss" else "perplexity"
        return Scalar(REL, hint=f"a number: {unit} (±0.5%)")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        if "nll" in params:
            unit = "bits per token (log base 2)" if params["base"] == "bits" else "nats per token"
            text = (
                f"A language model's mean cross-entropy loss on a text is {num(params['nll'])} "
                f"{unit}. What is its perplexity?"
            )
            consts = [] if params["base"] == "bits" else [ln_const(2), ln_const(3), ln_const(5)]
            return text + " Give 3 significant digits.", [], consts
        probs = params["probs"]
        text = (
            f"A language model gave the {len(probs)} actual tokens of a text the "
            f"probabilities {vec(probs)}. "
        )
        if params["ask"] == "loss":
            text += f"What is its mean negative log-likelihood per token, in {params['base']}?"
        else:
            text += "What is its perplexity on this text?"
        consts = ["log₂ 5 ≈ 2.3219"] if any(p in (0.2, 0.1, 0.8) for p in probs) else []
        if (
            params["ask"] == "perplexity"
            and len(set(probs)) > 1
            and any(p not in _HALVES for p in probs)
        ):
            consts = ["x^(1/4) = √(√x)"]
        return text + " Give 3 significant digits.", [], consts

    def steps(self, params: dict[str, Any]) -> list[str]:
        if "nll" in params:
            nll = params["nll"]
            if params["base"] == "bits":
                return [
                    f"With the loss in bits, PPL = 2^loss = 2^{num(nll)} = {num(ppl(params), 3)}."
                ]
            return [f"With the loss in nats, PPL = e^loss = e^{num(nll)} = {num(ppl(params), 3)}."]
        probs = params["probs"]
        bits = [-math.log2(p) for p in probs]
        nats = [-math.log(p) for p in probs]
        out = [
            "Perplexity = exp(mean −ln p) = 2^(mean −log₂ p) = (Π 1/p)^(1/T): the geometric "
            "mean of 1/p."
        ]
        out.append(
            f"−log₂ p per token: {vec(bits, 4)}; mean {num(sum(bits) / len(bits), 4)} bits "
            f"per token (= {num(sum(nats) / len(nats), 4)} nats)."
        )
        if params["ask"] == "perplexity":
            out.append(f"PPL = 2^{num(sum(bits) / len(bits), 4)} = {num(ppl(params), 3)}.")
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        if "nll" in params:
            nll, bits = params["nll"], params["base"] == "bits"
            other = "e^loss" if bits else "2^loss"
            yield (
                f"That is {other}: the loss is in {params['base']}, so PPL = "
                f"{'2' if bits else 'e'}^loss.",
                lambda: math.exp(nll) if bits else 2.0**nll,
            )
            yield "That is the loss itself; perplexity is its exponential.", lambda: nll
            return
        probs, n = params["probs"], len(params["probs"])
        if params["ask"] == "loss":
            other = "nats" if params["base"] == "bits" else "bits"
            yield (
                f"That is in {other}; the question asks {params['base']}.",
                lambda: mean_nll(probs, other),
            )
            yield "Sign slip: the loss is −log p (positive).", lambda: -mean_nll(probs, "bits")
            yield (
                "Looks like you summed over tokens; the loss is the mean.",
                lambda: mean_nll(probs, params["base"]) * n,
            )
            return
        yield (
            "That is 1 / (mean probability); perplexity is the geometric mean of 1/p.",
            lambda: n / sum(probs),
        )
        yield (
            "That is the mean of 1/p; perplexity is the geometric mean of 1/p.",
            lambda: sum(1 / p for p in probs) / n,
        )
        yield (
            "Looks like you summed the losses; perplexity exponentiates the mean loss.",
            lambda: math.exp(mean_nll(probs) * n),
        )
        yield "That is the mean loss in bits, not the perplexity.", lambda: mean_nll(probs, "bits")
