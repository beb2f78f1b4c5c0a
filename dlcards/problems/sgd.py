"""Gradient descent and momentum steps on small quadratics.

sgd_step
    params: ``param`` (w₀, a number or a vector), ``lr``, and either ``grad`` (a fixed
    gradient, one step) or ``curvature`` a and ``center`` c (0) of the loss
    L(w) = (a/2)·‖w − c‖², so ∇L = a·(w − c); ``weight_decay`` λ (0: PyTorch's L2
    term, the step uses ∇L + λ·w); ``steps`` (1).
    Levels: 1 one step with a given gradient; 2 two or three steps on (w − c)²;
    3 with weight decay, on a number or a vector. Answer: w after the steps, ±1e-6.

momentum_step
    params: ``param`` (x₀), ``velocity`` (v₀, 0), ``lr`` η, ``momentum`` μ, ``nesterov``,
    ``convention`` (``"torch"``: v ← μ·v + g, x ← x − η·v, Nesterov steps by
    g + μ·v_new; ``"lookahead"``: Sutskever et al. / cs231n, v ← μ·v − η·∇L(x), or
    ∇L(x + μ·v) with Nesterov, then x ← x + v), ``curvature`` (2) and ``center`` (0)
    of L(x) = (a/2)(x − c)², ``steps`` (1).
    Levels: 1 one classical step; 2 two classical steps or one Nesterov step;
    3 Nesterov, one or two steps. Answer: ``v, x``, ±1e-6 each.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import num, paren, vec
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.problems.kinds_array import Array
from dlcards.problems.kinds_tuple import Tuple
from dlcards.wording import plural

TOL = Tol(abs=1e-6)


def _short_decimals(values: Any, places: int = 6) -> bool:
    a = np.asarray(values, dtype=float)
    return bool(
        np.all(np.abs(a * 10**places - np.round(a * 10**places)) < 1e-6) and np.abs(a).max() <= 1000
    )


def _show(value: Any) -> str:
    return vec(value) if np.ndim(value) else num(float(value), 6)


def loss_text(a: float, c: Any, var: str = "w", size: int = 0) -> str:
    """``(w − 3)²``, ``2·w²``, ``½·‖w − c‖²`` for L = (a/2)·‖w − c‖² (``size``: w's length)."""
    k = a / 2
    coef = "" if k == 1 else ("½·" if k == 0.5 else f"{num(k)}·")
    if np.ndim(c) or size:
        return f"{coef}‖{var} − c‖² with c = {vec(np.broadcast_to(c, (size or len(c),)))}"
    c = float(c)
    inner = var if c == 0 else f"({var} {'−' if c > 0 else '+'} {num(abs(c))})"
    return f"{coef}{inner}²"


def grad_text(a: float, c: Any, var: str = "w", size: int = 0) -> str:
    if np.ndim(c) or size:
        return f"{var} − c" if a == 1 else f"{num(a)}·({var} − c)"
    c = float(c)
    inner = var if c == 0 else f"({var} {'−' if c > 0 else '+'} {num(abs(c))})"
    return inner if a == 1 else f"{num(a)}·{inner}" if c else f"{num(a)}{var}"


class SgdStep(Problem):
    name = "sgd_step"

    def complete(self, params: dict[str, Any]) -> dict[str, Any]:
        full = super().complete(params)
        if "grad" in full:
            full.pop("center", None)  # no quadratic when the gradient is given
        return full

    def generate(self, pick: Picker, level: int) -> None:
        quadratic = {"curvature", "center", "steps"} & set(pick.params)
        if "grad" in pick.params or (level == 1 and not quadratic):
            pick.choice("lr", [0.1, 0.5, 0.2, 0.01])
            size = np.shape(pick.params.get("param", pick.params.get("grad", 0)))
            pick.get("param", lambda: pick.ints(-5, 5, size))
            shape = np.shape(pick.params["param"])
            pick.get(
                "grad",
                lambda: (
                    pick.ints(-4, 4, shape) if shape else pick.one([-4, -3, -2, -1, 1, 2, 3, 4])
                ),
            )
            if level == 3:
                pick.choice("weight_decay", [0.1, 0.5, 1])
            return
        pick.choice("lr", [0.1, 0.25])
        vector = level == 3 and pick.rng.random() < 0.5
        pick.get("param", lambda: pick.ints(-3, 6, 2 if vector else ()))
        pick.choice("curvature", [2] if level == 2 else [1, 2, 4])
        pick.choice("center", [0, 1, 2, 3, -1])
        pick.get("steps", lambda: pick.one([2, 3] if level == 2 else [1, 2]))
        if level == 3:  # vectors too: the level-3 card is about weight decay (issue 14)
            pick.choice("weight_decay", [0.1, 0.5, 1])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        trace = self._trace(params)
        return _short_decimals(trace) and not np.allclose(trace[-1], trace[0])

    def _grad(self, params: dict[str, Any], w: np.ndarray, sign: float = 1.0) -> np.ndarray:
        if "grad" in params:
            return sign * np.asarray(params["grad"], dtype=float) + 0 * w
        return sign * params["curvature"] * (w - np.asarray(params["center"], dtype=float))

    def _trace(
        self,
        params: dict[str, Any],
        *,
        sign: float = 1.0,
        decay: bool = True,
        lr_scale: bool = True,
        steps: int | None = None,
        frozen: bool = False,
        decoupled: bool = False,
    ) -> list[np.ndarray]:
        """w₀, w₁, … under the (possibly mistaken) rule."""
        w = np.asarray(params["param"], dtype=float)
        lr = params["lr"] if lr_scale else 1.0
        wd = params["weight_decay"] if decay else 0.0
        g0 = self._grad(params, w, sign)
        out = [w]
        for _ in range(params["steps"] if steps is None else steps):
            g = g0 if frozen else self._grad(params, w, sign)
            if decoupled:
                w = K.sgd_step(w, g, lr) - wd * w
            else:
                w = K.sgd_step(w, g, lr, wd)
            out.append(w)
        return out

    def solve(self, params: dict[str, Any]) -> Any:
        w = self._trace(params)[-1]
        return float(w) if w.ndim == 0 else w

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        if np.ndim(want):
            return Array(np.shape(want), TOL)
        return Scalar(TOL)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        lr, wd, steps = params["lr"], params["weight_decay"], params["steps"]
        decay = (
            (
                f", with L2 weight decay λ = {num(wd)} (PyTorch's weight_decay: each step uses "
                "the gradient plus λ·w)"
            )
            if wd
            else ""
        )
        w0 = _show(params["param"])
        if "grad" in params:
            text = (
                f"At w = {w0} the gradient of the loss is g = {_show(params['grad'])}. "
                f"Take one gradient-descent step with learning rate η = {num(lr)}{decay}. "
                "What is the new w?"
            )
        else:
            a, c, n = params["curvature"], params["center"], int(np.size(params["param"]))
            n = n if np.ndim(params["param"]) else 0
            text = (
                f"Gradient descent on L(w) = {loss_text(a, c, size=n)} (so ∇L = "
                f"{grad_text(a, c, size=n)}), "
                f"from w₀ = {w0} with learning rate η = {num(lr)}{decay}. What is w after "
                f"{plural(steps, 'step')}?"
            )
        return text + " Give up to 6 decimals.", [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        lr, wd = params["lr"], params["weight_decay"]
        trace = self._trace(params)
        g_name = "g" if "grad" in params else "∇L(w)"
        rule = f"w ← w − η·({g_name} + λ·w)" if wd else f"w ← w − η·{g_name}"
        out = [f"Each step: {rule}."]
        for i, (w, w_next) in enumerate(zip(trace, trace[1:], strict=False), start=1):
            g = self._grad(params, w)
            total = g + wd * w
            where = "" if "grad" in params else f"∇L({_show(w)}) = {_show(g)}"
            decay = (
                f"{'; ' if where else ''}plus λ·w = {_show(wd * w)} → {_show(total)}" if wd else ""
            )
            shown_total = paren(total) if not np.ndim(total) else _show(total)
            step = f"Step {i}: {where}{decay}; w = {_show(w)} − {num(lr)}·{shown_total}"
            out.append(f"{step} = {_show(w_next)}.".replace(": ; ", ": "))
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        def last(**kw: Any) -> Any:
            w = self._trace(params, **kw)[-1]
            return float(w) if w.ndim == 0 else w

        yield (
            "Flipped gradient sign: descent moves against the gradient (w − η·g).",
            lambda: last(sign=-1.0),
        )
        yield "Looks like you forgot the learning rate (w − g).", lambda: last(lr_scale=False)
        if params["weight_decay"]:
            yield "Looks like you forgot the weight decay term λ·w.", lambda: last(decay=False)
            yield (
                (
                    "Looks like you subtracted λ·w without the learning rate (decoupled, AdamW "
                    "style); PyTorch's weight_decay adds λ·w to the gradient, scaled by η."
                ),
                lambda: last(decoupled=True),
            )
        if params["steps"] > 1:
            yield "Looks like you stopped after one step.", lambda: last(steps=1)
            yield (
                ("Looks like you reused the first gradient; recompute ∇L at each new w."),
                lambda: last(frozen=True),
            )


def momentum_run(
    params: dict[str, Any],
    *,
    convention: str | None = None,
    nesterov: bool | None = None,
    momentum: float | None = None,
    sign: float = 1.0,
    lr_in_x: bool = True,
    steps: int | None = None,
) -> tuple[float, float]:
    """(v, x) after the steps, through the kernel; the look-ahead form is mapped onto it.

    With u = −v/η the look-ahead update (v ← μv − η∇L(x + μv), x ← x + v) is exactly
    PyTorch's classical step on u with the gradient taken at the look-ahead point.
    """
    conv = params["convention"] if convention is None else convention
    nest = params["nesterov"] if nesterov is None else nesterov
    mu = params["momentum"] if momentum is None else momentum
    lr, a, c = params["lr"], params["curvature"], params["center"]
    x, v = float(params["param"]), float(params["velocity"])

    def grad(at: float) -> float:
        return sign * a * (at - c)

    for _ in range(params["steps"] if steps is None else steps):
        if conv == "torch":
            if nest and mu == 0:
                nest = False  # Nesterov without momentum is plain SGD
            step_lr = lr if lr_in_x else 1.0
            x_new, v_new = K.momentum_step(x, grad(x), v, step_lr, mu, nest)
            x, v = float(x_new), float(v_new)
        else:
            g = grad(x + mu * v) if nest else grad(x)
            x_new, u = K.momentum_step(x, g, -v / lr, lr, mu, False)
            x, v = float(x_new), float(-lr * u)
    return v, x


CONVENTION_TEXT = {
    ("torch", False): "SGD with momentum in PyTorch's convention: v ← μ·v + g, then x ← x − η·v",
    ("torch", True): "Nesterov momentum in PyTorch's convention: v ← μ·v + g, then "
    "x ← x − η·(g + μ·v) with the new v",
    ("lookahead", False): "momentum in the form of Sutskever et al. (cs231n), where v is the "
    "step itself: v ← μ·v − η·∇L(x), then x ← x + v",
    ("lookahead", True): "Nesterov momentum in the look-ahead form (Sutskever et al., cs231n): "
    "v ← μ·v − η·∇L(x + μ·v), then x ← x + v",
}


class MomentumStep(Problem):
    name = "momentum_step"

    def generate(self, pick: Picker, level: int) -> None:
        pick.choice("convention", ["torch", "lookahead"])
        pick.get("nesterov", lambda: level == 3 or (level == 2 and pick.rng.random() < 0.5))
        pick.get(
            "steps",
            lambda: (
                2
                if level == 2 and not pick.params["nesterov"]
                else (pick.one([1, 2]) if level == 3 else 1)
            ),
        )
        pick.choice("lr", [0.1])
        pick.choice("momentum", [0.9, 0.5])
        pick.choice("param", [-3, -2, -1, 1, 2, 3, 4, 5])
        pick.choice("velocity", [0, 0, 1, -1, 0.5] if level > 1 else [0, 1, -1])
        pick.choice("curvature", [2])
        pick.choice("center", [0, 0, 1])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return _short_decimals(self.solve(params))

    def solve(self, params: dict[str, Any]) -> tuple[float, float]:
        return momentum_run(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Tuple([("v", Scalar(TOL)), ("x", Scalar(TOL))], "v, x (two numbers)")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        rule = CONVENTION_TEXT[(params["convention"], params["nesterov"])]
        a, c = params["curvature"], params["center"]
        text = (
            f"Use {rule}. The loss is L(x) = {loss_text(a, c, 'x')} (∇L = "
            f"{grad_text(a, c, 'x')}). Start at x₀ = {num(params['param'])} with v₀ = "
            f"{num(params['velocity'])}, η = {num(params['lr'])}, μ = "
            f"{num(params['momentum'])}. What are v and x after "
            f"{plural(params['steps'], 'step')}? Give up to 6 decimals."
        )
        return text, [], []

    def steps(self, params: dict[str, Any]) -> list[str]:
        out = [
            CONVENTION_TEXT[(params["convention"], params["nesterov"])][0].upper()
            + CONVENTION_TEXT[(params["convention"], params["nesterov"])][1:]
            + "."
        ]
        mu, lr, a, c = params["momentum"], params["lr"], params["curvature"], params["center"]
        x, v = float(params["param"]), float(params["velocity"])
        for i in range(1, params["steps"] + 1):
            v_new, x_new = momentum_run(params | {"param": x, "velocity": v, "steps": 1})
            if params["convention"] == "torch":
                g = a * (x - c)
                line = (
                    f"Step {i}: g = ∇L({num(x)}) = {num(g)}; v = {num(mu)}·{paren(v)} + "
                    f"{paren(g)} = {num(v_new)}; "
                )
                line += (
                    f"x = {num(x)} − {num(lr)}·({num(g)} + {num(mu)}·{paren(v_new)}) = "
                    if params["nesterov"]
                    else f"x = {num(x)} − {num(lr)}·{paren(v_new)} = "
                )
            else:
                at = x + mu * v if params["nesterov"] else x
                where = (
                    f"the look-ahead point x + μ·v = {num(at)}"
                    if params["nesterov"]
                    else f"x = {num(x)}"
                )
                g = a * (at - c)
                line = (
                    f"Step {i}: gradient at {where}: {num(g)}; v = {num(mu)}·{paren(v)} − "
                    f"{num(lr)}·{paren(g)} = {num(v_new)}; x = {num(x)} + {paren(v_new)} = "
                )
            out.append(line + f"{num(x_new)}.")
            x, v = x_new, v_new
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        conv, nest = params["convention"], params["nesterov"]
        other = "lookahead" if conv == "torch" else "torch"
        names = {
            "torch": "PyTorch's (v ← μ·v + g)",
            "lookahead": "the look-ahead form (v ← μ·v − η·∇L, x ← x + v)",
        }
        yield (
            (f"That is the other convention, {names[other]}; this card uses {names[conv]}."),
            lambda: momentum_run(params, convention=other),
        )
        if nest:
            yield (
                "Looks like you did a classical momentum step; this is Nesterov.",
                lambda: momentum_run(params, nesterov=False),
            )
        else:
            yield (
                "Looks like you did a Nesterov step; this is classical momentum.",
                lambda: momentum_run(params, nesterov=True),
            )
        yield (
            "Looks like you left out the momentum term μ·v.",
            lambda: momentum_run(params, momentum=0.0),
        )
        yield (
            "Flipped gradient sign: the step goes against the gradient.",
            lambda: momentum_run(params, sign=-1.0),
        )
        if conv == "torch":
            yield (
                "Looks like you forgot η in the x update: x ← x − η·v.",
                lambda: momentum_run(params, lr_in_x=False),
            )
        if params["steps"] > 1:
            yield "Looks like you stopped after one step.", lambda: momentum_run(params, steps=1)
