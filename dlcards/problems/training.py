"""Training-loop arithmetic: gradient clipping and label-smoothed cross-entropy.

grad_clip
    params: ``grad_a`` and optionally ``grad_b`` (the gradients of two parameters),
    ``max_norm``, ``norm_type`` (``"2"`` or ``"inf"``). As
    torch.nn.utils.clip_grad_norm_: one global norm over all entries; every gradient
    is scaled by min(1, max_norm / (norm + 1e-6)). Levels: 1 one vector whose norm is
    a whole number; 2 two tensors sharing one global norm; 3 the inf norm, or a norm
    already under the limit. Answer: the clipped entries, ``grad_a`` then ``grad_b``,
    ±5e-3 each.

label_smoothing_ce
    params: ``probs`` (softmax outputs) or ``logits``, ``targets`` (the true class),
    ``label_smoothing`` ε. As torch.nn.functional.cross_entropy(label_smoothing=ε):
    the target distribution is (1 − ε)·onehot + ε/K over all K classes, so
    loss = (1 − ε)·(−ln p_y) + ε·mean_k(−ln p_k). Levels: 1 two classes; 2 three or
    four classes; 3 from logits. Answer: a number, ±5e-3.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import exp_constants, ln_const, num, vec
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.problems.kinds_array import Array

TOL = Tol(abs=5e-3)
# Vectors with whole-number norms, split into (grad_a, grad_b) for two tensors.
_ONE = [[3, 4], [6, 8], [1, 2, 2], [2, 3, 6], [5, 12], [4, 4, 7]]
_TWO = [([1, 2], [2]), ([2, 3], [6]), ([3], [4]), ([2, 6], [9]), ([4, 4], [7]), ([1, 4], [8])]


def _entries(params: dict[str, Any]) -> list[list[float]]:
    return [params["grad_a"]] + ([params["grad_b"]] if "grad_b" in params else [])


def _norm_type(params: dict[str, Any]) -> float:
    return math.inf if params["norm_type"] == "inf" else 2.0


def clipped(params: dict[str, Any], *, norm: float | None = None, each: bool = False) -> np.ndarray:
    """The clipped entries through the kernel; ``each`` clips tensors one by one."""
    grads = _entries(params)
    p = _norm_type(params) if norm is None else norm
    if each:
        parts = [K.clip_grad_norm([g], params["max_norm"], p)[0][0] for g in grads]
    else:
        parts = K.clip_grad_norm(grads, params["max_norm"], p)[0]
    return np.concatenate([np.ravel(a) for a in parts])


def total_norm(params: dict[str, Any], norm: float | None = None) -> float:
    p = _norm_type(params) if norm is None else norm
    return K.clip_grad_norm(_entries(params), params["max_norm"], p)[1]


def _signed(pick: Picker, values: list[int]) -> list[int]:
    return [v * pick.one([-1, 1]) for v in values]


class GradClip(Problem):
    name = "grad_clip"

    def generate(self, pick: Picker, level: int) -> None:
        two = "grad_b" in pick.params or (level == 2 and "grad_a" not in pick.params)
        inf = pick.params.get("norm_type") == "inf" or (
            level == 3 and "norm_type" not in pick.params and pick.rng.random() < 0.5
        )
        pick.choice("norm_type", ["inf" if inf else "2"])
        if two:
            a, b = pick.one(_TWO)
            pick.get("grad_a", lambda: _signed(pick, a))
            pick.get("grad_b", lambda: _signed(pick, b))
        elif inf:
            pick.get("grad_a", lambda: pick.ints(-6, 6, pick.one([3, 4])))
        else:
            pick.get("grad_a", lambda: _signed(pick, pick.one(_ONE)))
        under = level == 3 and not inf  # level 3 with the 2-norm: a norm under the limit
        norm = total_norm(pick.params | {"max_norm": 1.0})
        options = [1, 2, 2.5, 3, 5] if not under else [math.ceil(norm) + k for k in (1, 2, 5)]
        pick.choice("max_norm", [m for m in options if (m > norm) == under] or options)

    def nice(self, params: dict[str, Any], level: int) -> bool:
        norm = total_norm(params)
        if not any(v for g in _entries(params) for v in g):
            return False
        return abs(norm - round(norm)) < 1e-9 and abs(norm - params["max_norm"]) > 0.5

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return clipped(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        inf = params["norm_type"] == "inf"
        # The call itself names the norm, as a user would write it.
        call = f"max_norm={num(params['max_norm'])}" + (", norm_type=float('inf')" if inf else "")
        norm = "the max norm (the largest |entry|)" if inf else "the L2 norm"
        if "grad_b" in params:
            grads = (
                f"two parameters have the gradients g_a = {vec(params['grad_a'])} and "
                f"g_b = {vec(params['grad_b'])}"
            )
            answer, they = "are the clipped entries of g_a, then of g_b", "They are"
        else:
            grads = f"the gradient is g = {vec(params['grad_a'])}"
            answer, they = "is the clipped gradient", "It is"
        text = (
            f"Before the optimizer step, {grads}. {they} clipped with "
            f"torch.nn.utils.clip_grad_norm_(..., {call}), using "
            f"{norm}. What {answer}? Give 3 decimals."
        )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        norm, m = total_norm(params), params["max_norm"]
        entries = [abs(v) for g in _entries(params) for v in g]
        if params["norm_type"] == "inf":
            how = f"the largest |entry| = {num(norm)}"
        else:
            squares = " + ".join(f"{num(v)}²" for v in entries)
            how = f"√({squares}) = √{num(norm**2)} = {num(norm)}"
        out = [f"One global norm over all the gradients' entries together: {how}."]
        if norm <= m:
            out.append(
                f"{num(norm)} ≤ max_norm = {num(m)}: the scale min(1, {num(m)} / {num(norm)}) "
                "is 1, so nothing changes."
            )
        else:
            out.append(
                f"Scale = max_norm / (norm + 1e−6) = {num(m)} / {num(norm)} ≈ {num(m / norm)}; "
                "every entry is multiplied by it (the direction is kept)."
            )
        out.append(f"Clipped: {vec(self.solve(params))}.")
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        norm, m = total_norm(params), params["max_norm"]
        flat = np.concatenate([np.ravel(np.asarray(g, float)) for g in _entries(params)])
        if "grad_b" in params:
            yield (
                "Looks like you clipped each tensor by its own norm; clip_grad_norm_ uses one "
                "norm over all of them.",
                lambda: clipped(params, each=True),
            )
        if norm > m:
            yield "Looks like you did not clip: the norm exceeds max_norm.", lambda: flat
        else:
            yield (
                "Looks like you scaled up to max_norm; clipping only ever shrinks (min(1, …)).",
                lambda: flat * m / norm,
            )
        other = 2.0 if params["norm_type"] == "inf" else math.inf
        yield (
            "Looks like you used the other norm (L2 vs the largest entry).",
            lambda: clipped(params, norm=other),
        )
        yield (
            "Looks like you used the L1 norm (sum of |entries|).",
            lambda: clipped(params, norm=1.0),
        )


_KS = [1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16]  # twentieths made of 2, 3 and 5 only


def smoothed_logits(params: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    if "probs" in params:
        z = np.log(np.asarray(params["probs"], dtype=float))
    else:
        z = np.asarray(params["logits"], dtype=float)
    return z[None, :], np.array([params["targets"]])


def smoothed_loss(params: dict[str, Any], eps: float | None = None) -> float:
    z, t = smoothed_logits(params)
    e = params["label_smoothing"] if eps is None else eps
    return K.cross_entropy(z, t, label_smoothing=e)


class LabelSmoothingCe(Problem):
    name = "label_smoothing_ce"

    def generate(self, pick: Picker, level: int) -> None:
        given = pick.params
        use_logits = "logits" in given or (level == 3 and "probs" not in given)
        if use_logits:
            n = max(3, given.get("targets", 0) + 1)
            z = pick.get("logits", lambda: pick.ints(-1, 3, n))
        else:
            n = len(given["probs"]) if "probs" in given else (2 if level == 1 else pick.one([3, 4]))
            n = max(n, given.get("targets", 0) + 1)

            def probs() -> list[float]:
                ks = [pick.one(_KS) for _ in range(n - 1)]
                return [k / 20 for k in ks] + [(20 - sum(ks)) / 20]

            z = pick.get("probs", probs)
        pick.integer("targets", 0, len(z) - 1)
        pick.choice("label_smoothing", [0.1, 0.2] if level == 1 else [0.1, 0.2, 0.3])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        if "probs" in params:
            p = params["probs"]
            # equal probabilities make the smoothing (and its mistakes) invisible
            nice = all(round(v * 20) in _KS for v in p) and abs(sum(p) - 1) < 1e-9
            return nice and len(set(p)) > 1
        return len(set(params["logits"])) > 1

    def solve(self, params: dict[str, Any]) -> float:
        return smoothed_loss(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        eps, y = params["label_smoothing"], params["targets"]
        if "probs" in params:
            what = f"the probabilities p = {vec(params['probs'])} (after softmax)"
            # CrossEntropyLoss takes logits: say p came from logits, lest p be fed in as them.
            how = (
                "as nn.CrossEntropyLoss(label_smoothing=ε) computes it "
                "from the logits that produced p"
            )
            consts = [ln_const(2), ln_const(3), ln_const(5)]
        else:
            z = np.asarray(params["logits"], dtype=float)
            what = f"the logits z = {vec(z)}"
            how = "nn.CrossEntropyLoss(label_smoothing=ε)"
            shifted = z - z.max()
            consts = exp_constants(shifted) + [ln_const(float(np.exp(shifted).sum()))]
        text = (
            f"A classifier outputs {what}; the true class is {y} (classes numbered from 0). "
            f"What is the cross-entropy loss with label smoothing ε = {num(eps)} "
            f"({how})? Give 3 decimals."
        )
        return text, [], consts

    def steps(self, params: dict[str, Any]) -> list[str]:
        z, t = smoothed_logits(params)
        eps, k, y = params["label_smoothing"], z.shape[1], params["targets"]
        logp = K.log_softmax(z)[0]
        q = np.full(k, eps / k)
        q[y] += 1 - eps
        nll = -logp[y]
        uniform = float(-logp.mean())
        return [
            f"Smoothed target: (1 − ε)·onehot + ε/K with K = {k}: q = {vec(q)}.",
            f"−ln p per class: {vec(-logp)}.",
            f"Loss = Σ q_k·(−ln p_k) = (1 − ε)·(−ln p_y) + ε·mean_k(−ln p_k) = "
            f"{num(1 - eps)}·{num(nll)} + {num(eps)}·{num(uniform)} = {num(self.solve(params))}.",
        ]

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        z, t = smoothed_logits(params)
        eps, k, y = params["label_smoothing"], z.shape[1], params["targets"]
        logp = K.log_softmax(z)[0]
        yield (
            "That is the plain cross-entropy, without the smoothing.",
            lambda: smoothed_loss(params, 0.0),
        )
        others = [j for j in range(k) if j != y]
        yield (
            "Looks like you spread ε over the other K − 1 classes only; PyTorch spreads ε/K "
            "over all K classes, the true one included.",
            lambda: float(-(1 - eps) * logp[y] - eps * logp[others].mean()),
        )
        yield (
            "Looks like you kept only the (1 − ε)·(−ln p_y) part; the ε share goes to every class.",
            lambda: float(-(1 - eps) * logp[y]),
        )
        yield (
            "Looks like you used log base 10; cross-entropy uses the natural log.",
            lambda: smoothed_loss(params) / math.log(10),
        )
