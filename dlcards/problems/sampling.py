"""Which tokens survive temperature, top-k and top-p filtering, and their probabilities.

sampling_filter
    params: ``probs`` (next-token probabilities) or ``logits`` (with ``temperature``,
    1), and the filters ``k`` (top-k) and/or ``p`` (top-p, nucleus sampling; Holtzman
    et al. 2019). Order, as Hugging Face's ``generate``: temperature, then top-k,
    then top-p on the renormalized survivors (the smallest set of most likely tokens
    whose mass reaches p), then renormalize. Levels: 1 probabilities and top-k;
    2 probabilities and top-p (or both); 3 logits (multiples of 0.5) with a temperature
    (0.7 or 2), top-k and top-p (the e^k needed are shown), drawn so that leaving out any
    one of the three steps gives a wrong answer. Answer: the filtered distribution, one probability
    per token (0 for removed tokens), ±5e-3 each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import exp_constants, num, vec
from dlcards.problems.kinds import Kind, Tol
from dlcards.problems.kinds_array import Array

TOL = Tol(abs=5e-3)
# Two answers closer than this could both pass for the right one once typed to 3 decimals.
_APART = 2 * TOL.abs
_TEMPERATURES = (0.7, 2)
_P_CHOICES = (0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
_DRILL_TRIES = 40
_PROB_SETS = (
    [0.5, 0.2, 0.15, 0.1, 0.05],
    [0.4, 0.3, 0.2, 0.1],
    [0.35, 0.25, 0.2, 0.12, 0.08],
    [0.6, 0.2, 0.1, 0.06, 0.04],
    [0.45, 0.25, 0.15, 0.1, 0.05],
    [0.3, 0.28, 0.22, 0.12, 0.08],
    [0.55, 0.3, 0.1, 0.05],
)


def logits_of(p: dict[str, Any]) -> np.ndarray:
    if "probs" in p:
        return np.asarray(np.log(np.asarray(p["probs"], dtype=float)))
    return np.asarray(p["logits"], dtype=float)


def base_probs(p: dict[str, Any], temperature: float | None = None) -> np.ndarray:
    t = p.get("temperature", 1) if temperature is None else temperature
    return K.softmax(logits_of(p) / t)


def filtered(
    p: dict[str, Any],
    *,
    renormalize: bool = True,
    short: bool = False,
    p_on_full: bool = False,
    temperature: float | None = None,
    temperature_last: bool = False,
) -> np.ndarray:
    """The answer through the kernel (defaults), or what a named mistake computes."""
    k, mass = p.get("k"), p.get("p")
    t = p.get("temperature", 1) if temperature is None else temperature
    z = logits_of(p)
    plain = (renormalize, short, p_on_full, temperature, temperature_last)
    if plain == (True, False, False, None, False):
        return K.top_k_top_p_filter(z, k=k, p=mass, temperature=t)
    probs = K.softmax(z / (1 if temperature_last else t))
    order = np.argsort(-probs, kind="stable")
    keep = np.zeros(len(z), dtype=bool)
    keep[order[: k or len(z)]] = True
    if mass is not None:
        base = probs if p_on_full else np.where(keep, probs, 0) / probs[keep].sum()
        running = np.cumsum(base[order])
        reached = int(np.argmax(running >= mass - 1e-12))  # rank of the token reaching p
        last = max(reached - 1, 0) if short else reached
        keep[order[last + 1 :]] = False
    if temperature_last:
        probs = K.softmax(z / t)
    out = np.where(keep, probs, 0.0)
    return out / out.sum() if renormalize else out


def differs(a: np.ndarray, b: np.ndarray) -> bool:
    """Far enough apart that an answer typed for one is never accepted for the other."""
    return bool(np.max(np.abs(a - b)) > _APART)


def every_step_matters(params: dict[str, Any], out: np.ndarray) -> bool:
    """Level 3 drills all three steps, so skipping any one of them must give a wrong answer.

    Tied survivors are uniform whatever the temperature, so they are rejected too: the
    softmax would never have to be computed.
    """
    alive = out[out > 0]
    if np.ptp(alive) <= _APART:
        return False
    without_k = {n: v for n, v in params.items() if n != "k"}
    without_p = {n: v for n, v in params.items() if n != "p"}
    return (
        differs(out, filtered(params, temperature=1))
        and differs(out, filtered(without_k))
        and differs(out, filtered(without_p))
    )


def _logits(pick: Picker) -> list[float]:
    # multiples of 0.5: with integers, T = 0.7 leaves too little tail mass for top-k to matter
    halves: list[float] = (pick.rng.integers(-2, 7, pick.one([4, 5, 6])) / 2).tolist()
    return halves


class SamplingFilter(Problem):
    name = "sampling_filter"

    def generate(self, pick: Picker, level: int) -> None:
        if level < 3 and not {"logits", "temperature"} & set(pick.params):
            probs = list(pick.one(_PROB_SETS))
            pick.rng.shuffle(probs)
            pick.get("probs", lambda: probs)
            v = len(pick.params["probs"])
            if level == 1:
                pick.integer("k", 2, 3)
            else:
                pick.choice("p", [0.5, 0.6, 0.75, 0.8, 0.9])
                if pick.rng.random() < 0.3:
                    pick.integer("k", 2, v - 1)
            return
        if "probs" not in pick.params:
            # never T = 1: these draws drill the temperature (nice() also makes it matter)
            pick.choice("temperature", _TEMPERATURES)
            if level == 3 and not {"logits", "k", "p"} & set(pick.params):
                if self._draw_drill(pick):
                    return
            pick.get("logits", lambda: _logits(pick))
        v = len(pick.params.get("logits", pick.params.get("probs", [])))
        pick.integer("k", 2, max(2, v - 1))
        pick.choice("p", _P_CHOICES)

    def _draw_drill(self, pick: Picker) -> bool:
        """Logits, k and p for the drawn temperature where every step changes the answer.

        Few random draws qualify (about 1 in 20 at T = 0.7, where the filters need a
        fat enough tail), so search here for this temperature rather than leave it to
        make_instance's redraws, which would almost always end on T = 2.
        """
        for _ in range(_DRILL_TRIES):
            logits = _logits(pick)
            # k ≥ 3 so that top-p can keep 2 or more tokens and still remove one
            k = int(pick.rng.integers(3, len(logits)))
            draws = [{**pick.params, "logits": logits, "k": k, "p": p} for p in _P_CHOICES]
            good = [d for d in draws if self.nice(d, 3)]
            if good:
                pick.params.update(pick.one(good))
                return True
        return False

    def nice(self, params: dict[str, Any], level: int) -> bool:
        probs = base_probs(params)
        ranked = np.sort(probs)[::-1]
        k = params.get("k", len(probs))
        # no tie at the top-k boundary, and the top-p cut is not a float coin-flip
        if k < len(probs) and abs(ranked[k - 1] - ranked[k]) < 1e-9:
            return False
        if "p" in params:
            kept = ranked[:k] / ranked[:k].sum()
            if np.min(np.abs(np.cumsum(kept) - params["p"])) < 0.01:
                return False
        out = self.solve(params)
        survivors = int((out > 0).sum())
        if not 1 < survivors < len(out):
            return False
        # the last survivor must not tie with the first removed token
        if abs(ranked[survivors - 1] - ranked[survivors]) <= 1e-9:
            return False
        return level < 3 or "logits" not in params or every_step_matters(params, out)

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return filtered(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape, TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        steps = []
        constants: list[str] = []
        if "probs" in params:
            start = f"A language model's next-token probabilities are {vec(params['probs'])}."
        else:
            t = params["temperature"]
            start = f"A language model's next-token logits are {vec(params['logits'])}."
            steps.append(f"temperature T = {num(t)} (softmax of logits / T)")
            z = logits_of(params) / t
            constants = exp_constants(z - z.max())
        if "k" in params:
            steps.append(f"top-k with k = {params['k']}")
        if "p" in params:
            steps.append(
                f"top-p with p = {num(params['p'])} (keep the fewest most likely tokens "
                "whose probability mass reaches p)"
            )
        text = (
            f"{start} The sampler applies, in this order, {', then '.join(steps)}, and "
            "renormalizes the survivors. Give the distribution it samples from: one "
            "probability per token, in the original order, 0 for removed tokens. Give 3 "
            "decimals."
        )
        return text, [], constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        probs = base_probs(params)
        order = np.argsort(-probs, kind="stable")
        steps = []
        if "logits" in params:
            steps.append(
                f"softmax(logits / {num(params['temperature'])}) = {vec(probs)} "
                "(a temperature below 1 sharpens the distribution, above 1 flattens it)."
            )
        ranking = ", ".join(f"token {i + 1} ({num(probs[i])})" for i in order)
        steps.append(f"Rank the tokens: {ranking}.")
        kept = order
        if "k" in params:
            kept = order[: params["k"]]
            steps.append(
                f"Top-k keeps the {params['k']} most likely: tokens "
                f"{', '.join(str(i + 1) for i in kept)}."
            )
        if "p" in params:
            mass = probs[kept] / probs[kept].sum()
            running = np.cumsum(mass)
            n = int(np.argmax(running >= params["p"] - 1e-12)) + 1
            renorm = " (renormalized after top-k)" if "k" in params else ""
            steps.append(
                f"Top-p{renorm}: cumulative mass {vec(running)}; it first reaches "
                f"p = {num(params['p'])} at {n} token{'s' if n > 1 else ''}, so tokens "
                f"{', '.join(str(i + 1) for i in kept[:n])} survive."
            )
        out = self.solve(params)
        alive = out > 0
        steps.append(
            f"Renormalize: divide each survivor by their total {num(probs[alive].sum())}: "
            f"{vec(out)}."
        )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        yield (
            "Looks like you did not renormalize: divide the survivors by their total.",
            lambda: filtered(params, renormalize=False),
        )
        if "p" in params:
            yield (
                "Looks like you stopped before the mass reached p; top-p keeps the token "
                "that crosses p.",
                lambda: filtered(params, short=True),
            )
            if "k" in params:
                yield (
                    "Looks like you measured top-p on the full distribution; it runs after "
                    "top-k, on the renormalized survivors.",
                    lambda: filtered(params, p_on_full=True),
                )
        if "logits" in params and params["temperature"] != 1:
            t = params["temperature"]
            yield (
                f"Looks like you ignored the temperature (T = {num(t)}).",
                lambda: filtered(params, temperature=1),
            )
            yield (
                f"Looks like you multiplied the logits by T = {num(t)}; they are divided by it.",
                lambda: filtered(params, temperature=1 / t),
            )
            if "p" in params:
                yield (
                    "Looks like you filtered before applying the temperature; the "
                    "temperature comes first.",
                    lambda: filtered(params, temperature_last=True),
                )
