"""Dense layers and single neurons.

dense_forward
    params: ``x`` (a vector, or one sample per row), ``weight`` (shape (inputs,
    outputs): the layer computes x·W + b), ``bias`` (a number or one per output;
    absent = no bias), ``activation`` (``"none"`` or ``"relu"``).
    Levels: 1 one sample, no bias; 2 a batch of two with a bias; 3 with ReLU.
    Answer: a matrix (a vector for a single sample), exact.

neuron_output
    params: ``x``, ``weight`` (vectors of the same length), ``bias`` (0),
    ``activation`` (``"linear"``, ``"step"``, ``"relu"``, ``"sigmoid"``), ``slope``
    (1; linear only: f(z) = slope·z). Step outputs 1 if z > 0, else 0.
    Levels: 1 linear or step; 2 ReLU, or linear with a slope; 3 sigmoid (e^(−z)
    shown). Answer: a number; exact, sigmoid ±1e-3.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlcards import kernels as K
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import dot_text, exp_const, grid, num, nums, paren, signed, vec
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.problems.kinds_array import Array


def _dense(
    params: dict[str, Any],
    *,
    bias: bool = True,
    relu: bool | None = None,
    relu_first: bool = False,
    transpose: bool = False,
    bias_by_row: bool = False,
) -> np.ndarray:
    x, w = np.asarray(params["x"], float), np.asarray(params["weight"], float)
    z = x @ (w.T if transpose else w)
    b = np.asarray(params.get("bias", 0.0), float)
    if bias_by_row:
        b = b.reshape(-1, 1)
    use_relu = params["activation"] == "relu" if relu is None else relu
    if relu_first:
        return K.relu(z) + b
    z = z + b if bias else z
    return K.relu(z) if use_relu else z


class DenseForward(Problem):
    name = "dense_forward"

    def generate(self, pick: Picker, level: int) -> None:
        # sizes follow whatever is pinned: W is (inputs, outputs), b has one per output
        w_shape = np.shape(pick.params["weight"]) if "weight" in pick.params else None
        n_in = (
            w_shape[0]
            if w_shape
            else (np.shape(pick.params["x"])[-1] if "x" in pick.params else pick.one([2, 3]))
        )
        bias_len = np.size(pick.params["bias"]) if np.ndim(pick.params.get("bias", 0)) else 0
        n_out = w_shape[1] if w_shape else bias_len or (pick.one([2, 3]) if level == 3 else 2)
        pick.get("x", lambda: pick.ints(-2, 3, n_in if level == 1 else (2, n_in)))
        pick.get("weight", lambda: pick.ints(-2, 2, (n_in, n_out)))
        if level >= 2:
            pick.get("bias", lambda: pick.ints(-2, 2, n_out))
        if level == 3:
            pick.get("activation", lambda: "relu")

    def nice(self, params: dict[str, Any], level: int) -> bool:
        z = _dense(params, relu=False)
        if np.abs(z).max() > 30:
            return False
        return level < 3 or bool((z < 0).any() and (z > 0).any())

    def solve(self, params: dict[str, Any]) -> np.ndarray:
        return _dense(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        return Array(want.shape)

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        relu = params["activation"] == "relu"
        has_bias = "bias" in params
        formula = "x·W + b" if has_bias else "x·W"
        text = (
            f"A dense layer computes y = {'ReLU(' + formula + ')' if relu else formula}, "
            "where W has one row per input and one column per output"
            + (" and x holds one sample per row." if np.ndim(params["x"]) == 2 else ".")
            + " What is y?"
        )
        grids = [grid("x", params["x"]), grid("W", params["weight"])]
        if has_bias:
            grids.append(grid("b", np.atleast_1d(params["bias"])))
        return text, grids, []

    def steps(self, params: dict[str, Any]) -> list[str]:
        x, w = np.atleast_2d(np.asarray(params["x"], float)), np.asarray(params["weight"], float)
        b = np.broadcast_to(np.asarray(params.get("bias", 0.0), float), (w.shape[1],))
        z = x @ w + b
        has_bias = "bias" in params
        steps = [
            f"Shapes: ({x.shape[0]}×{x.shape[1]})·({w.shape[0]}×{w.shape[1]}) → "
            f"{x.shape[0]}×{w.shape[1]}: entry (i, j) is row i of x times column j of W"
            + (", plus bⱼ." if has_bias else ".")
        ]
        first = dot_text(x[0], w[:, 0]) + (signed(b[0]) if has_bias and b[0] else "")
        steps.append(f"First entry: {first} = {num(z[0, 0])}.")
        rows = "; ".join(nums(r, sep=" ") for r in z)
        steps.append(f"All of x·W{' + b' if has_bias else ''}: {rows}.")
        if params["activation"] == "relu":
            steps.append(
                "ReLU replaces negative entries by 0: "
                + "; ".join(nums(r, sep=" ") for r in K.relu(z))
                + "."
            )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        if "bias" in params:
            yield "Looks like you forgot the bias.", lambda: _dense(params, bias=False)
        if params["activation"] == "relu":
            yield (
                "Looks like you forgot the ReLU (negative entries become 0).",
                lambda: _dense(params, relu=False),
            )
            if "bias" in params:
                yield (
                    "Looks like you applied ReLU before adding the bias; it comes after.",
                    lambda: _dense(params, relu_first=True),
                )
        w = np.asarray(params["weight"])
        if w.shape[0] == w.shape[1]:
            yield (
                (
                    "Looks like you used the rows of W instead of its columns (x·Wᵀ): "
                    "output j uses column j of W."
                ),
                lambda: _dense(params, transpose=True),
            )
        if (
            np.ndim(params.get("bias", 0)) == 1
            and np.ndim(params["x"]) == 2
            and np.shape(params["x"])[0] == w.shape[1]
        ):
            yield (
                "Looks like you added bᵢ to sample i; bⱼ belongs to output j (column j).",
                lambda: _dense(params, bias_by_row=True),
            )


_ACTIVATION_TEXT = {
    "step": "f(z) = 1 if z > 0, else 0 (step)",
    "relu": "f(z) = max(0, z) (ReLU)",
    "sigmoid": "f(z) = σ(z) = 1 / (1 + e^(−z)) (sigmoid)",
}


def _activate(z: float, activation: str, slope: float = 1.0) -> float:
    if activation == "linear":
        return slope * z
    if activation == "step":
        return float(z > 0)
    fn = K.relu if activation == "relu" else K.sigmoid
    return float(fn(np.array(z)))


class NeuronOutput(Problem):
    name = "neuron_output"

    def generate(self, pick: Picker, level: int) -> None:
        pinned = [len(pick.params[k]) for k in ("x", "weight") if k in pick.params]
        n = pinned[0] if pinned else pick.one([2, 3])
        options = {1: ["linear", "step"], 2: ["relu", "linear"], 3: ["sigmoid"]}[level]
        activation = pick.choice("activation", ["linear"] if "slope" in pick.params else options)
        pick.get("x", lambda: pick.ints(0 if level == 1 else -2, 5, n))
        pick.get("weight", lambda: pick.ints(-2, 3, n))
        pick.integer("bias", -3, 3)
        if level == 2 and activation == "linear":
            pick.choice("slope", [2, 3, 0.5])

    def nice(self, params: dict[str, Any], level: int) -> bool:
        z = self._z(params)
        if not any(params["weight"]):
            return False
        if params["activation"] == "sigmoid":
            return abs(z) <= 3
        if params["activation"] == "step":
            return abs(z) <= 6
        if params["activation"] == "relu":
            return z != 0 and abs(z) <= 20
        return abs(z) <= 40

    @staticmethod
    def _z(params: dict[str, Any], bias: bool = True) -> float:
        z = float(np.dot(np.asarray(params["x"], float), np.asarray(params["weight"], float)))
        return z + params["bias"] if bias else z

    def solve(self, params: dict[str, Any]) -> float:
        return _activate(self._z(params), params["activation"], params.get("slope", 1))

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        if params["activation"] == "sigmoid":
            return Scalar(Tol(abs=1e-3))
        return Scalar(Tol(), hint="a number")

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        act = params["activation"]
        slope = params.get("slope", 1)
        if act == "linear":
            f = (
                "f(z) = z (linear)"
                if slope == 1
                else f"f(z) = {num(slope)}·z (a linear activation with slope {num(slope)})"
            )
        else:
            f = _ACTIVATION_TEXT[act]
        text = (
            f"A neuron with inputs x = {vec(params['x'])}, weights w = "
            f"{vec(params['weight'])} and bias b = {num(params['bias'])} computes "
            f"z = w·x + b and outputs {f}. What is its output?"
        )
        constants = [exp_const(-self._z(params))] if act == "sigmoid" else []
        if act == "sigmoid":
            text += " Give 3 decimals."
        return text, [], constants

    def steps(self, params: dict[str, Any]) -> list[str]:
        z = self._z(params)
        act, slope = params["activation"], params.get("slope", 1)
        b = params["bias"]
        out = self.solve(params)
        steps = [
            f"z = {dot_text(params['x'], params['weight'])}{signed(b) if b else ' + 0'} = {num(z)}."
        ]
        if act == "linear":
            steps.append(
                f"f({num(z)}) = {num(slope)}·{paren(z)} = {num(out)}."
                if slope != 1
                else f"Linear: the output is z = {num(out)}."
            )
        elif act == "step":
            steps.append(
                f"z = {num(z)} is {'above' if z > 0 else 'not above'} 0, so the step "
                f"outputs {num(out)}."
            )
        elif act == "relu":
            steps.append(f"max(0, {num(z)}) = {num(out)}.")
        else:
            e = np.exp(-z)
            steps.append(
                f"σ({num(z)}) = 1 / (1 + e^({num(-z)})) = 1 / (1 + {num(e)}) = {num(out)}."
            )
        return steps

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        act, slope, b = params["activation"], params.get("slope", 1), params["bias"]
        z = self._z(params)
        if act == "step" and z == 0:  # the most specific reading first
            yield "At z = 0 this step outputs 0: it fires only when z > 0.", lambda: 1.0
        if b:
            yield (
                f"Looks like you forgot the bias (b = {num(b)}).",
                lambda: _activate(z - b, act, slope),
            )
        if act == "linear" and slope != 1:
            yield (
                f"Looks like you forgot the slope {num(slope)} of the linear activation.",
                lambda: z,
            )
        elif act != "linear":
            yield "Looks like you stopped at z: the activation still has to be applied.", lambda: z
        if act == "sigmoid":
            yield (
                "Sign slip: σ(z) = 1 / (1 + e^(−z)), with a minus in the exponent.",
                lambda: _activate(-z, "sigmoid"),
            )
