"""Cross-entropy and its gradient through softmax.

cross_entropy
    params: ``logits`` (a vector, or one row per sample) or ``probs`` (softmax
    outputs, summing to 1), and ``targets`` (the class, or one per row; classes
    are numbered from 0). A batch loss is the mean over rows, as PyTorch's
    ``reduction="mean"``.
    Levels: 1 probabilities (ln 2, ln 3, ln 5 shown); 2 logits of one sample
    (e^k and the log of the sum shown); 3 a batch of two. Answer: a number, ±5e-3.

softmax_ce_grad
    params: as cross_entropy. Asks ∂L/∂z = (softmax(z) − onehot(y)) / N.
    Levels: 1 from given probabilities; 2 from logits; 3 a batch of two.
    Answer: a vector (a matrix for a batch), ±5e-3 each.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import exp_constants, grid, ln_const, num, paren, vec
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.problems.kinds_array import Array

TOL = Tol(abs=5e-3)
_NICE_P = [0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8]


def logits_of(params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """(N, C) logits and (N,) targets; probabilities become log-probabilities."""
    if "probs" in params:
        with np.errstate(divide="ignore"):
            z = np.log(np.asarray(params["probs"], dtype=float))
    else:
        z = np.asarray(params["logits"], dtype=float)
    z = np.atleast_2d(z)
    t = np.atleast_1d(np.asarray(params["targets"], dtype=np.int64))
    return z, t


def _draw(pick: Picker, level: int) -> None:
    """Shared generator: probabilities at level 1, logits after, a batch at level 3.

    Pinned params decide the form: given probs or logits are kept, and the number of
    classes and rows follows pinned targets.
    """
    given = pick.params
    targets = given.get("targets")
    if "probs" in given or (level == 1 and "logits" not in given and not isinstance(targets, list)):
        n = len(given["probs"]) if "probs" in given else max(pick.one([3, 4]), (targets or 0) + 1)
        target = pick.integer("targets", 0, n - 1)

        def probs() -> list[float]:
            # the other classes share the rest in steps of 0.05
            p_t = pick.one([p for p in _NICE_P if round((1 - p) / 0.05) - 1 >= n - 2] or [0.05])
            steps = round((1 - p_t) / 0.05)
            cuts = sorted(pick.rng.choice(np.arange(1, steps), n - 2, replace=False).tolist())
            edges = [0, *cuts, steps]
            rest = [round(0.05 * (b - a), 2) for a, b in zip(edges, edges[1:], strict=False)]
            return rest[:target] + [p_t] + rest[target:]

        pick.get("probs", probs)
        return
    if "logits" in given:
        shape = np.shape(given["logits"])
        batch, n = len(shape) == 2, shape[-1]
        rows = shape[0] if batch else 1
    else:
        batch = isinstance(targets, list) or (targets is None and level == 3)
        rows = len(targets) if isinstance(targets, list) else 2 if batch else 1
        n = max(3, max(_as_list(targets)) + 1) if targets is not None else 3
        pick.get("logits", lambda: pick.ints(-1, 3, (rows, n) if batch else n))
    if batch:
        pick.get("targets", lambda: pick.ints(0, n - 1, rows))
    else:
        pick.integer("targets", 0, n - 1)


def _as_list(v: Any) -> list[int]:
    return list(v) if isinstance(v, list) else [v]


def _nice(params: dict[str, Any]) -> bool:
    if "probs" in params:
        return min(params["probs"]) > 0
    z = np.atleast_2d(np.asarray(params["logits"], dtype=float))
    return bool(all(len(set(row)) > 1 for row in z.tolist()))


def _ln_parts(p: float) -> str:
    """``−ln 0.6 = ln 5 − ln 3`` for probabilities made of 2, 3 and 5."""
    inv = Fraction(1 / p).limit_denominator(1000)
    terms = []
    for sign, n in ((1, inv.numerator), (-1, inv.denominator)):
        for prime in (2, 3, 5):
            while n % prime == 0:
                n //= prime
                terms.append((sign, prime))
        if n != 1:
            return ""
    if not terms:
        return ""
    # Positive terms first: 1/p ≥ 1, so its numerator has a factor whenever the
    # denominator does, and the sum reads "ln 5 − ln 3" (not " − ln 3 + ln 5").
    text = ""
    for sign in (1, -1):
        for prime in (2, 3, 5):
            k = sum(1 for s, q in terms if s == sign and q == prime)
            if k:
                part = f"{k}·ln {prime}" if k > 1 else f"ln {prime}"
                text += (" − " if sign < 0 else (" + " if text else "")) + part
    middle = "" if text == f"ln {inv}" else f" = ln({inv})"
    return f"−ln {num(p)}{middle} = {text}"


class CrossEntropy(Problem):
    name = "cross_entropy"

    def generate(self, pick: Picker, level: int) -> None:
        _draw(pick, level)

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return _nice(params)

    def solve(self, params: dict[str, Any]) -> float:
        return K.cross_entropy(*logits_of(params))

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        z, t = logits_of(params)
        if "probs" in params:
            text = (
                f"A classifier outputs the probabilities p = {vec(params['probs'])} "
                f"(after softmax); the true class is {t[0]} (classes numbered from 0). "
                "What is the cross-entropy loss?"
            )
            return text + " Give 3 decimals.", [], [ln_const(2), ln_const(3), ln_const(5)]
        sums = np.exp(z - z.max(axis=1, keepdims=True)).sum(axis=1)
        constants = exp_constants((z - z.max(axis=1, keepdims=True)).ravel())
        constants += [ln_const(float(s)) for s in dict.fromkeys(sums.tolist())]
        if z.shape[0] == 1:
            text = (
                f"A classifier outputs the logits z = {vec(z[0])}; the true class is {t[0]} "
                "(classes numbered from 0). What is the cross-entropy loss (softmax, then "
                "negative log-likelihood, as nn.CrossEntropyLoss)?"
            )
            return text + " Give 3 decimals.", [], constants
        text = (
            f"A batch of {z.shape[0]} samples has the logits below (one row per sample) and "
            f"the targets {vec(t)} (classes numbered from 0). What is the cross-entropy loss "
            "of the batch (nn.CrossEntropyLoss, default reduction)? Give 3 decimals."
        )
        return text, [grid("logits", z)], constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        z, t = logits_of(params)
        if "probs" in params:
            p = params["probs"][t[0]]
            parts = _ln_parts(p)
            loss = -math.log(p)
            return [
                "Cross-entropy is −ln of the probability given to the true class.",
                (parts + f" ≈ {num(loss)}." if parts else f"−ln {num(p)} ≈ {num(loss)}."),
            ]
        steps = [
            "Per sample: loss = −ln softmax(z)_y = ln Σⱼ e^(zⱼ − m) − (z_y − m), "
            "with m the largest logit (for stability)."
        ]
        losses = []
        for row, y in zip(z, t, strict=True):
            m = row.max()
            s = np.exp(row - m).sum()
            loss = math.log(s) - (row[y] - m)
            losses.append(loss)
            steps.append(
                f"z = {vec(row)}, y = {y}: z − m = {vec(row - m)}, Σ e^(z − m) = "
                f"{num(s)}, ln {num(s)} = {num(math.log(s))}; loss = "
                f"{num(math.log(s))} − {paren(row[y] - m)} = {num(loss)}."
            )
        if len(losses) > 1:
            steps.append(
                f"Mean over the batch: ({' + '.join(num(v) for v in losses)}) / "
                f"{len(losses)} = {num(float(np.mean(losses)))}."
            )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        z, t = logits_of(params)
        logp = z - z.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        rows = np.arange(len(t))
        yield (
            "Looks like you used log base 10; cross-entropy uses the natural log.",
            lambda: float(np.mean(-logp[rows, t] / math.log(10))),
        )
        yield (
            "Sign slip: the loss is −ln p (positive), not ln p.",
            lambda: float(np.mean(logp[rows, t])),
        )
        best = logp.argmax(axis=1)
        if (best != t).any():
            yield (
                (
                    "Looks like you used the most likely class; the loss uses the probability "
                    "of the true class."
                ),
                lambda: float(np.mean(-logp[rows, best])),
            )
        yield (
            "Looks like you used 1 − p; the loss is −ln p of the true class.",
            lambda: float(np.mean(-np.log1p(-np.exp(logp[rows, t])))),
        )
        if "logits" in params:
            yield (
                ("Looks like you skipped the softmax: the loss is −ln softmax(z)_y, not −z_y."),
                lambda: float(np.mean(-z[rows, t])),
            )
            if len(t) > 1:
                yield (
                    ("PyTorch averages over the batch by default (reduction='mean'); you summed."),
                    lambda: float(np.sum(-logp[rows, t])),
                )


class SoftmaxCeGrad(Problem):
    name = "softmax_ce_grad"

    def generate(self, pick: Picker, level: int) -> None:
        _draw(pick, level)

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return _nice(params)

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        z, t = logits_of(params)
        grad = K.cross_entropy_backward(z, t)
        given = params["logits"] if "logits" in params else params["probs"]  # one is required
        return grad[0] if np.ndim(given) == 1 else grad

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        z, t = logits_of(params)
        if "probs" in params:
            text = (
                f"The softmax of the logits z is p = {vec(params['probs'])} and the true class "
                f"is y = {t[0]} (classes numbered from 0). For the cross-entropy loss "
                "L = −ln p_y, what is the gradient ∂L/∂z?"
            )
            return text + " Give 3 decimals.", [], []
        constants = exp_constants((z - z.max(axis=1, keepdims=True)).ravel())
        if z.shape[0] == 1:
            text = (
                f"For the logits z = {vec(z[0])} and the true class y = {t[0]} (classes "
                "numbered from 0), what is the gradient ∂L/∂z of the cross-entropy loss "
                "L = −ln softmax(z)_y?"
            )
            return text + " Give 3 decimals.", [], constants
        text = (
            f"A batch of {z.shape[0]} samples has the logits Z below and the targets {vec(t)} "
            "(classes numbered from 0). L is the mean cross-entropy over the batch. What is "
            "∂L/∂Z (one row per sample)? Give 3 decimals."
        )
        return text, [grid("Z", z)], constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        z, t = logits_of(params)
        p = K.softmax(z, axis=1)
        n = len(t)
        steps = [
            "For softmax followed by cross-entropy, ∂L/∂z = softmax(z) − onehot(y)"
            + (f", divided by the batch size N = {n} for a mean loss." if n > 1 else ".")
        ]
        for row, prob, y in zip(z, p, t, strict=True):
            onehot = np.eye(len(row))[y]
            start = "" if "probs" in params else f"softmax({vec(row)}) = "
            steps.append(f"{start}p = {vec(prob)}; subtract 1 at class {y}: {vec(prob - onehot)}.")
        if n > 1:
            steps.append(
                f"Divide by N = {n}: " + "; ".join(vec(r) for r in self.solve(params)) + "."
            )
        steps.append(
            "The entries of each row add up to 0: the gradient lowers the true class's "
            "logit and raises the others."
        )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        z, t = logits_of(params)
        p = K.softmax(z, axis=1)
        onehot = np.eye(z.shape[1])[t]
        n = len(t)
        shape = self.solve(params).shape

        def fit(a: np.ndarray) -> np.ndarray:
            return a.reshape(shape)

        yield "Looks like you forgot to subtract the one-hot target.", lambda: fit(p / n)
        yield (
            ("Flipped gradient sign: it is p − onehot(y), not onehot(y) − p."),
            lambda: fit((onehot - p) / n),
        )
        if n > 1:
            yield f"The loss is a mean over the batch: divide by N = {n}.", lambda: fit(p - onehot)
        wrong = p.argmax(axis=1)
        if (wrong != t).any():
            yield (
                (
                    "Looks like you subtracted 1 at the most likely class; subtract it at the "
                    "true class."
                ),
                lambda: fit((p - np.eye(z.shape[1])[wrong]) / n),
            )
        yield (
            (
                "That is ∂L/∂p (−1/p_y at the true class); the softmax turns it into "
                "p − onehot(y) with respect to the logits."
            ),
            lambda: fit(-onehot / np.where(onehot > 0, p, 1) / n),
        )
