"""One LSTM cell step by hand (hidden size 1, torch's gate order i, f, g, o).

lstm_step
    params: ``form`` says what is given: ``"gates"`` the gate values after their
    activations ``gates = [i, f, g, o]``; ``"preacts"`` the pre-activations
    ``preacts = [z_i, z_f, z_g, z_o]``; ``"weights"`` the input ``x``, previous hidden
    state ``h``, and per-gate weights ``w_ih``, ``w_hh`` and biases ``b`` (each
    ``[i, f, g, o]``, as the rows of torch.nn.LSTMCell). ``c`` is the previous cell
    state. c_t = f·c + i·g and h_t = o·tanh(c_t), with i, f, o = σ(·) and g = tanh(·).
    Levels: 1 gates given, asks ``c_t, h_t`` (c_t lands on a multiple of ½; tanh
    values shown); 2 pre-activations (integers; σ and tanh values shown), asks c_t;
    3 scalar weights, asks c_t. ±5e-3.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import num, paren, vec
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.problems.kinds_tuple import Tuple

TOL = Tol(abs=5e-3)
GATE_NAMES = ("i", "f", "g", "o")
_PROBS = [0.2, 0.25, 0.5, 0.75, 0.8]
_CANDS = [-0.8, -0.5, 0.5, 0.8]


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


def preacts(params: dict[str, Any]) -> list[float]:
    """[z_i, z_f, z_g, z_o]; activated gates are mapped back through logit / atanh."""
    form = params["form"]
    if form == "preacts":
        return [float(v) for v in params["preacts"]]
    if form == "gates":
        i, f, g, o = params["gates"]
        return [_logit(i), _logit(f), math.atanh(g), _logit(o)]
    x, h = params["x"], params["h"]
    return [
        w * x + u * h + b
        for w, u, b in zip(params["w_ih"], params["w_hh"], params["b"], strict=True)
    ]


def step(
    params: dict[str, Any],
    *,
    order: tuple[int, int, int, int] = (0, 1, 2, 3),
    g_sigmoid: bool = False,
    forget: bool = True,
    input_gate: bool = True,
) -> tuple[float, float]:
    """(c_t, h_t) through the kernel; the keywords make the common mistakes."""
    z = preacts(params)
    z = [z[k] for k in order]
    if g_sigmoid:  # the kernel applies tanh to z_g: feed it atanh(σ(z_g)) to get σ(z_g)
        z[2] = math.atanh(_sigma(z[2]))
    big = 50.0  # σ(50) = 1 to double precision: a gate that is "not there"
    if not forget:
        z[1] = big
    if not input_gate:
        z[0] = big
    h, c = K.lstm_cell([1.0], [0.0], [float(params["c"])], np.array(z)[:, None], np.zeros((4, 1)))
    return float(c[0]), float(h[0])


def _sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z))


class LstmStep(Problem):
    name = "lstm_step"

    def generate(self, pick: Picker, level: int) -> None:
        given = set(pick.params) - {"form", "c"}
        forms = {1: "gates", 2: "preacts", 3: "weights"}
        fitting = [f for f in ("gates", "preacts", "weights") if given <= _uses(f)]
        form = pick.choice("form", [forms[level]] if forms[level] in fitting else fitting)
        pick.choice("c", [-2, -1, 1, 2, 3] if form == "gates" else [-2, -1, 1, 2])
        if form == "gates":
            pick.get(
                "gates",
                lambda: [pick.one(_PROBS), pick.one(_PROBS), pick.one(_CANDS), pick.one(_PROBS)],
            )
        elif form == "preacts":
            pick.get("preacts", lambda: pick.ints(-2, 2, 4))
        else:
            pick.choice("x", [-1, 1, 2])
            pick.choice("h", [-0.5, 0.5])
            pick.get("w_ih", lambda: pick.ints(-1, 1, 4))
            pick.get("w_hh", lambda: [pick.one([-2, 0, 2]) for _ in range(4)])
            pick.get("b", lambda: pick.ints(-1, 1, 4))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        c, _ = step(params)
        if params["form"] == "gates":
            return c != 0 and abs(c) <= 2 and abs(2 * c - round(2 * c)) < 1e-9
        z = preacts(params)
        if not all(abs(v - round(v)) < 1e-9 and abs(v) <= 2 for v in z):
            return False
        return z[2] != z[3] and z[2] != 0  # else reading the gates as i, f, o, g hides nothing

    def solve(self, params: dict[str, Any]) -> Any:
        c, h = step(params)
        return (c, h) if params["form"] == "gates" else c

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        if params["form"] == "gates":
            return Tuple([("c", Scalar(TOL)), ("h", Scalar(TOL))], "c_t, h_t (two numbers)")
        return Scalar(TOL, hint="a number: c_t (3 decimals)")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        c = num(params["c"])
        rule = (
            "An LSTM cell (hidden size 1, PyTorch's LSTMCell) updates c_t = f·c_{t−1} + i·g "
            "and h_t = o·tanh(c_t)"
        )
        form = params["form"]
        if form == "gates":
            i, f, g, o = (num(v) for v in params["gates"])
            text = (
                f"{rule}. The gates are already activated: input i = {i}, forget f = {f}, "
                f"candidate g = {g}, output o = {o}; the previous cell state is c_{{t−1}} = {c}. "
                "What are c_t and h_t? Give 3 decimals."
            )
            consts = [f"tanh({num(v)}) ≈ {num(math.tanh(v))}" for v in (0.5, 1, 1.5, 2)]
            return text, [], consts + ["tanh(−x) = −tanh(x)"]
        act = "i, f, o = σ(z), g = tanh(z)"
        if form == "preacts":
            text = (
                f"{rule}, with {act}. The pre-activations, stacked in PyTorch's gate order "
                f"[i, f, g, o], are z = {vec(params['preacts'])}; c_{{t−1}} = {c}. "
                "What is c_t? Give 3 decimals."
            )
        else:
            text = (
                f"{rule}, with {act} of z = w_ih·x + w_hh·h_{{t−1}} + b per gate. The "
                f"weights, in PyTorch's gate order [i, f, g, o]: w_ih = {vec(params['w_ih'])}, "
                f"w_hh = {vec(params['w_hh'])}, b = {vec(params['b'])}. Input x = "
                f"{num(params['x'])}, h_{{t−1}} = {num(params['h'])}, c_{{t−1}} = {c}. "
                "What is c_t? Give 3 decimals."
            )
        consts = [f"σ({k}) ≈ {num(_sigma(k))}" for k in (1, 2)] + ["σ(0) = 0.5", "σ(−z) = 1 − σ(z)"]
        consts += [f"tanh({k}) ≈ {num(math.tanh(k))}" for k in (1, 2)]
        return text, [], consts

    def steps(self, params: dict[str, Any]) -> list[str]:
        form, c_prev = params["form"], params["c"]
        c, h = step(params)
        out = []
        if form == "weights":
            z = preacts(params)
            x, hp = params["x"], params["h"]
            terms = [
                f"z_{n} = {paren(w)}·{paren(x)} + {paren(u)}·{paren(hp)} + {paren(b)} = {num(v)}"
                for n, w, u, b, v in zip(
                    GATE_NAMES, params["w_ih"], params["w_hh"], params["b"], z, strict=True
                )
            ]
            out.append("Pre-activations: " + "; ".join(terms) + ".")
        if form == "gates":
            i, f, g, o = params["gates"]
        else:
            z = preacts(params)
            i, f, o = _sigma(z[0]), _sigma(z[1]), _sigma(z[3])
            g = math.tanh(z[2])
            out.append(
                f"Activations: i = σ({num(z[0])}) = {num(i)}, f = σ({num(z[1])}) = {num(f)}, "
                f"g = tanh({num(z[2])}) = {num(g)}, o = σ({num(z[3])}) = {num(o)}."
            )
        out.append(
            f"c_t = f·c_{{t−1}} + i·g = {num(f)}·{paren(c_prev)} + {num(i)}·{paren(g)} = {num(c)}."
        )
        out.append(f"h_t = o·tanh(c_t) = {num(o)}·tanh({num(c)}) = {num(h)}.")
        out.append(
            "The forget gate scales the old memory, the input gate admits the candidate; "
            "c_t is the additive path that lets gradients flow across many steps."
        )
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        form = params["form"]

        def take(pair: tuple[float, float]) -> Any:
            return pair if form == "gates" else pair[0]

        yield (
            "Looks like you left out the forget gate: c_t = f·c_{t−1} + i·g.",
            lambda: take(step(params, forget=False)),
        )
        yield (
            "Looks like you left out the input gate: the candidate g enters as i·g.",
            lambda: take(step(params, input_gate=False)),
        )
        if form == "gates":
            c = step(params)[0]
            o = params["gates"][3]
            yield "Looks like you forgot the tanh: h_t = o·tanh(c_t).", lambda: (c, o * c)
            yield (
                "Looks like you used the old cell state in h_t; it uses the new c_t.",
                lambda: (c, o * math.tanh(params["c"])),
            )
            return
        yield (
            "Looks like you read the gates as i, f, o, g; PyTorch stacks them i, f, g, o.",
            lambda: step(params, order=(0, 1, 3, 2))[0],
        )
        yield (
            "Looks like you applied σ to the candidate g; it uses tanh.",
            lambda: step(params, g_sigmoid=True)[0],
        )


def _uses(form: str) -> set[str]:
    return {"gates": {"gates"}, "preacts": {"preacts"}, "weights": {"x", "h", "w_ih", "w_hh", "b"}}[
        form
    ]
