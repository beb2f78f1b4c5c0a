"""Adam steps by hand.

adam_step
    params: ``param`` (x), ``grad`` (the gradient, or a list with one per step: at
    most 4 steps), ``m`` and ``v`` (the moments before the first step, 0), ``t``
    (1-based index of the first step, 1), ``lr``, ``betas`` ([0.9, 0.999]), ``eps``
    (1e-8). As torch.optim.Adam: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ), x ← x − η·m̂/(√v̂ + ε).
    Levels: 1 the first step from zero moments (its size is η whatever g is);
    2 two steps with the same gradient; 3 one step at t = 2 or 3 from given moments,
    with 1 − βᵗ and √v̂ shown. Answer: x after the steps, ±1e-6.
"""

from __future__ import annotations

import math
from typing import Any

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import num, paren, sci, sqrt_const
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.wording import plural

TOL = Tol(abs=1e-6)


def _grads(params: dict[str, Any]) -> list[float]:
    g = params["grad"]
    return [float(v) for v in g] if isinstance(g, list) else [float(g)]


def adam_trace(params: dict[str, Any]) -> list[tuple[float, float, float, int]]:
    """(x, m, v, t) after each step, through the kernel."""
    x, m, v, t = float(params["param"]), float(params["m"]), float(params["v"]), params["t"]
    out = []
    for g in _grads(params):
        x_a, m_a, v_a = K.adam_step(
            x, g, m, v, t, params["lr"], tuple(params["betas"]), params["eps"]
        )
        x, m, v = float(x_a), float(m_a), float(v_a)
        out.append((x, m, v, t))
        t += 1
    return out


def adam_variant(
    params: dict[str, Any],
    *,
    correct: bool = True,
    root: bool = True,
    sign: float = 1.0,
    steps: int | None = None,
    swap: bool = False,
) -> float:
    """x after the steps under a mistaken reading of the update (not the reference)."""
    b1, b2 = params["betas"]
    x, m, v, t = float(params["param"]), float(params["m"]), float(params["v"]), params["t"]
    for g in _grads(params)[:steps]:
        g *= sign
        if swap:
            m, v = (1 - b1) * m + b1 * g, (1 - b2) * v + b2 * g * g
        else:
            m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t) if correct else m
        v_hat = v / (1 - b2**t) if correct else v
        x -= params["lr"] * m_hat / ((math.sqrt(v_hat) if root else v_hat) + params["eps"])
        t += 1
    return x


class AdamStep(Problem):
    name = "adam_step"

    def generate(self, pick: Picker, level: int) -> None:
        pick.choice("lr", [0.001, 0.01, 0.1] if level == 1 else [0.01, 0.001])
        pick.integer("param", -3, 5)
        g = pick.one([-4, -2, -1, -0.5, 0.5, 1, 2, 3])
        if level == 1:
            pick.get("grad", lambda: g)
        elif level == 2:
            pick.get("grad", lambda: [g, g])
        else:
            t = pick.integer("t", 2, 3)
            history = [pick.one([-3, -2, -1, 1, 2, 3]) for _ in range(t - 1)]
            b1, b2 = pick.params.get("betas", [0.9, 0.999])
            m = v = 0.0
            for h in history:
                m, v = b1 * m + (1 - b1) * h, b2 * v + (1 - b2) * h * h
            pick.get("m", lambda: round(m, 12))
            pick.get("v", lambda: round(v, 12))
            pick.get("grad", lambda: g)

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return abs(self.solve(params)) <= 1000

    def solve(self, params: dict[str, Any]) -> float:
        return adam_trace(params)[-1][0]

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Scalar(TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        b1, b2 = params["betas"]
        grads = _grads(params)
        t = params["t"]
        setting = f"β₁ = {num(b1)}, β₂ = {num(b2)}, ε = {sci(params['eps'])}" + (
            ": PyTorch's defaults" if [b1, b2] == [0.9, 0.999] and params["eps"] == 1e-8 else ""
        )
        start = (
            f"from m = v = 0 at t = {t}"
            if params["m"] == params["v"] == 0
            else f"at step t = {t}, from the moments m = {num(params['m'], 10)} and "
            f"v = {num(params['v'], 10)} left by the earlier steps"
        )
        if len(grads) == 1:
            what = (
                f"One Adam step ({setting}) {start}: x = {num(params['param'])}, gradient "
                f"g = {num(grads[0])}, learning rate η = {num(params['lr'])}."
            )
        else:
            same = len(set(grads)) == 1
            gtext = (
                f"the gradient is {num(grads[0])} at every step"
                if same
                else "the gradients are " + ", ".join(num(g) for g in grads)
            )
            what = (
                f"{plural(len(grads), 'Adam step')} ({setting}) {start}: "
                f"x = {num(params['param'])}, η = {num(params['lr'])}, and {gtext}."
            )
        text = (
            what + f" What is x after {'the step' if len(grads) == 1 else 'them'}? Give 6 decimals."
        )
        return text, [], self._constants(params)

    def _constants(self, params: dict[str, Any]) -> list[str]:
        b1, b2 = params["betas"]
        trace = adam_trace(params)
        if params["t"] == 1 and len(trace) == 1:
            return []
        out = []
        for _, _, v, t in trace:
            out += [
                f"1 − β₁{_sup(t)} = {num(1 - b1**t, 8)}",
                f"1 − β₂{_sup(t)} = {num(1 - b2**t, 8)}",
            ]
            if params["t"] > 1:
                out.append(sqrt_const(v / (1 - b2**t), 6))
        return out

    def steps(self, params: dict[str, Any]) -> list[str]:
        b1, b2 = params["betas"]
        eps = params["eps"]
        out = [
            "m ← β₁·m + (1 − β₁)·g;  v ← β₂·v + (1 − β₂)·g²;  m̂ = m / (1 − β₁ᵗ);  "
            "v̂ = v / (1 − β₂ᵗ);  x ← x − η·m̂ / (√v̂ + ε)."
        ]
        x, m, v = float(params["param"]), float(params["m"]), float(params["v"])
        for g, (x_new, m_new, v_new, t) in zip(_grads(params), adam_trace(params), strict=True):
            m_hat, v_hat = m_new / (1 - b1**t), v_new / (1 - b2**t)
            out.append(
                f"t = {t}: m = {num(b1)}·{paren(m, 8)} + {num(1 - b1, 8)}·{paren(g)} = "
                f"{num(m_new, 8)}; v = {num(b2)}·{num(v, 10)} + {num(1 - b2, 8)}·{paren(g)}² = "
                f"{num(v_new, 10)}; m̂ = {num(m_hat, 6)}, v̂ = {num(v_hat, 6)}; x = {num(x, 8)} − "
                f"{num(params['lr'])}·{paren(m_hat, 6)} / ({num(math.sqrt(v_hat), 6)} + "
                f"{sci(eps)}) = {num(x_new, 8)}."
            )
            x, m, v = x_new, m_new, v_new
        if params["t"] == 1 and params["m"] == params["v"] == 0:
            same = len(set(_grads(params))) == 1
            out.append(
                "On the first step from zero, m̂ = g and v̂ = g², so the step is "
                "η·g/|g|: Adam's first step has size η whatever the gradient's scale."
                + (
                    " With the same gradient at every step, bias correction keeps m̂ = g "
                    "and v̂ = g², so every step has size η."
                    if same and len(_grads(params)) > 1
                    else ""
                )
            )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        yield (
            ("Looks like you skipped the bias correction (m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ))."),
            lambda: adam_variant(params, correct=False),
        )
        yield "Looks like you divided by v̂ instead of √v̂.", lambda: adam_variant(params, root=False)
        yield (
            "Flipped gradient sign: Adam steps against m̂.",
            lambda: adam_variant(params, sign=-1.0),
        )
        yield (
            "Looks like you swapped β and 1 − β in the moment updates.",
            lambda: adam_variant(params, swap=True),
        )
        yield (
            "That is a plain SGD step (x − η·g); Adam divides by √v̂.",
            lambda: float(params["param"]) - params["lr"] * sum(_grads(params)),
        )
        if len(_grads(params)) > 1:
            yield "Looks like you stopped after one step.", lambda: adam_variant(params, steps=1)


def _sup(t: int) -> str:
    return str(t).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))
