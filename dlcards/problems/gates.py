"""A single neuron as a logic gate (step activation: output 1 if w₁x₁ + w₂x₂ + b > 0).

logic_gate
    params: ``task`` (``"design"``: find weights for ``gate``; ``"identify"``: name
    the gate that ``weight`` = [w₁, w₂] and ``bias`` compute), ``gate`` (design:
    AND, OR, NAND, NOR, XOR or XNOR), ``weight``, ``bias`` (identify).
    Levels: 1 identify, with the classic weights; 2 design AND/OR/NAND/NOR, or
    identify with less obvious weights; 3 design, including XOR and XNOR (no
    weights exist: the answer is ``impossible``).
    Answer (design): ``w1, w2, b`` — checked by the truth table they produce, so any
    weights realizing the gate are right — or ``impossible``. Answer (identify): a
    gate name.
"""

from __future__ import annotations

from typing import Any

from dlcards import answers as A
from dlcards.answers import AnswerError
from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.catalog import GATE_TABLES, gate_table
from dlcards.problems.core import Grid
from dlcards.problems.fmt import num, signed, times
from dlcards.problems.kinds import Compared, Kind, Words

INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))
WEIGHTS = {"AND": (1, 1, -1.5), "OR": (1, 1, -0.5), "NAND": (-1, -1, 1.5), "NOR": (-1, -1, 0.5)}
_OTHER_TABLES = {
    (0, 0, 0, 0): "a constant 0",
    (1, 1, 1, 1): "a constant 1",
    (0, 0, 1, 1): "just x₁",
    (0, 1, 0, 1): "just x₂",
    (1, 1, 0, 0): "NOT x₁",
    (1, 0, 1, 0): "NOT x₂",
    (0, 0, 1, 0): "x₁ AND NOT x₂",
    (0, 1, 0, 0): "x₂ AND NOT x₁",
    (1, 0, 1, 1): "x₁ OR NOT x₂",
    (1, 1, 0, 1): "x₂ OR NOT x₁",
}
GATE_WORDS = {g.lower(): g for g in GATE_TABLES} | {"not and": "NAND", "not or": "NOR"}
IMPOSSIBLE_WORDS = {
    w: "impossible"
    for w in (
        "impossible",
        "not possible",
        "no solution",
        "none",
        "no weights",
        "cannot",
        "can't",
        "not linearly separable",
        "not separable",
    )
}


def table_name(table: tuple[int, ...]) -> str:
    for gate, t in GATE_TABLES.items():
        if t == table:
            return gate
    return _OTHER_TABLES[table]


def _table_text(table: tuple[int, ...]) -> str:
    return " ".join(str(v) for v in table)


class GateWeights(Kind):
    """``w1, w2, b`` compared by the truth table they produce, or ``impossible``."""

    # The example's truth table (1 0 1 1) is no gate asked, so it never gives an answer away.
    hint = "w1, w2, b (three numbers, e.g. 2, -1, 0.5) — or impossible if none exist"

    def parse(self, text: str) -> tuple[float, ...] | str:
        word = A.match_word(text, IMPOSSIBLE_WORDS)
        if word:
            return word
        if A.match_word(text, GATE_WORDS):
            raise AnswerError("type the weights and bias: w1, w2, b — or impossible")
        values = A.parse_vector(text)
        if len(values) != 3:
            raise AnswerError(f"expected three numbers w1, w2, b; got {len(values)}")
        return tuple(values)

    def format(self, value: tuple[float, ...] | str) -> str:
        return value if isinstance(value, str) else ", ".join(A.format_number(v) for v in value)

    def compare(self, got: tuple[float, ...] | str, want: tuple[float, ...] | str) -> Compared:
        if isinstance(want, str) or isinstance(got, str):
            if got == want:
                return "correct", "Correct."
            if isinstance(got, str):
                return "wrong", "Wrong: weights exist for this gate."
            return "wrong", (
                f"Wrong: these weights compute {table_name(gate_table(*got))}; "
                "no single neuron computes this gate."
            )
        mine, target = gate_table(*got), gate_table(*want)
        if mine == target:
            return "correct", "Correct."
        return "wrong", (
            f"Wrong: these weights compute {table_name(mine)} (outputs "
            f"{_table_text(mine)} for inputs 00, 01, 10, 11), not "
            f"{table_name(target)} ({_table_text(target)})."
        )

    def show(self, value: tuple[float, ...] | str) -> str:
        if isinstance(value, str):
            return value
        table = gate_table(*value)
        return f"outputs {_table_text(table)} for 00, 01, 10, 11: {table_name(table)}"


def _row(w1: float, w2: float, b: float, x1: int, x2: int) -> str:
    z = w1 * x1 + w2 * x2 + b
    return f"({x1}, {x2}): {times(w1, x1)} + {times(w2, x2)}{signed(b)} = {num(z)} → {int(z > 0)}"


_DESIGN_WHY = {
    "AND": "Only (1, 1) may fire. With w₁ = w₂ = 1, w·x is 0, 1, 1, 2 for the four inputs; a "
    "bias between −2 and −1, e.g. −1.5, puts only (1, 1) above 0.",
    "OR": "Any input with a 1 must fire. With w₁ = w₂ = 1, w·x is 0, 1, 1, 2; a bias between "
    "−1 and 0, e.g. −0.5, puts all but (0, 0) above 0.",
    "NAND": "NAND is NOT AND: negate AND's weights and bias (1, 1, −1.5) to get −1, −1, 1.5.",
    "NOR": "NOR is NOT OR: negate OR's weights and bias (1, 1, −0.5) to get −1, −1, 0.5.",
}
_SEPARABLE = (
    "A neuron with a step fires on one side of the line w₁x₁ + w₂x₂ + b = 0. "
    "{gate} needs (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the other: "
    "no line does that ({gate} is not linearly separable), so no weights work — "
    "impossible. Two layers can: XOR(x₁, x₂) = AND(OR(x₁, x₂), NAND(x₁, x₂)), and XNOR "
    "is its complement."
)


class LogicGate(Problem):
    name = "logic_gate"

    def generate(self, pick: Picker, level: int) -> None:
        tasks = {1: ["identify"], 2: ["design", "identify"], 3: ["design"]}[level]
        if "gate" in pick.params:
            tasks = ["design"]
        elif "weight" in pick.params or "bias" in pick.params:
            tasks = ["identify"]
        task = pick.choice("task", tasks)
        if task == "design":
            # at level 3 about one card in four has no answer but "impossible"
            gates = list(WEIGHTS) * 3 + ["XOR", "XNOR"] * 2 if level == 3 else list(WEIGHTS)
            pick.choice("gate", gates)
            return
        if level == 1:
            w1, w2, b = WEIGHTS[pick.one(list(WEIGHTS))]
            scale = pick.one([1, 2])
            pick.get("weight", lambda: [w1 * scale, w2 * scale])
            pick.get("bias", lambda: b * scale)
        else:
            pick.get("weight", lambda: [pick.one([-3, -2, -1, 1, 2, 3]) for _ in range(2)])
            pick.get("bias", lambda: pick.one([-3.5, -2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5]))

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return params["task"] == "design" or not self.spec.cross(params)

    def solve(self, params: dict[str, Any]) -> Any:
        if params["task"] == "identify":
            return table_name(gate_table(*params["weight"], params["bias"]))
        return WEIGHTS.get(params["gate"], "impossible")

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        if params["task"] == "identify":
            return Words(GATE_WORDS, "AND, OR, NAND or NOR")
        return GateWeights()

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        rule = "output 1 if w₁x₁ + w₂x₂ + b > 0, else 0"
        if params["task"] == "identify":
            (w1, w2), b = params["weight"], params["bias"]
            return (
                (
                    f"A neuron with a step activation ({rule}) has w₁ = {num(w1)}, "
                    f"w₂ = {num(w2)} and b = {num(b)}. Which logic gate does it compute on "
                    "inputs x₁, x₂ ∈ {0, 1}?"
                ),
                [],
                [],
            )
        return (
            (
                f"Choose weights w₁, w₂ and a bias b so that a neuron with a step activation "
                f"({rule}) computes {params['gate']} of x₁, x₂ ∈ {{0, 1}}. Type w1, w2, b — or "
                "impossible if no such weights exist."
            ),
            [],
            [],
        )

    def steps(self, params: dict[str, Any]) -> list[str]:
        if params["task"] == "identify":
            (w1, w2), b = params["weight"], params["bias"]
            rows = [_row(w1, w2, b, *x) for x in INPUTS]
            table = gate_table(w1, w2, b)
            return [
                "Evaluate the four inputs:",
                *rows,
                f"Outputs {_table_text(table)} for 00, 01, 10, 11: {table_name(table)}.",
            ]
        gate = params["gate"]
        if gate not in WEIGHTS:
            return [_SEPARABLE.format(gate=gate)]
        w1, w2, b = WEIGHTS[gate]
        return [
            _DESIGN_WHY[gate],
            "Check:",
            *[_row(w1, w2, b, *x) for x in INPUTS],
            "Any weights with the same truth table are right too (e.g. all of them "
            "multiplied by 2).",
        ]

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        if params["task"] == "identify":
            (w1, w2), b = params["weight"], params["bias"]
            mine = gate_table(w1, w2, b)
            for gate in WEIGHTS:
                other = GATE_TABLES[gate]
                if other == mine:
                    continue
                i = next(i for i in range(4) if other[i] != mine[i])
                x1, x2 = INPUTS[i]
                z = w1 * x1 + w2 * x2 + b
                yield (
                    (
                        f"{gate} would output {other[i]} for ({x1}, {x2}), but there "
                        f"z = {num(z)}, so this neuron outputs {mine[i]}."
                    ),
                    (lambda g=gate: g),
                )
            return
        gate = params["gate"]
        if gate not in WEIGHTS:
            for other in ("OR", "AND", "NAND", "NOR"):
                yield (
                    (
                        f"These weights compute {other}. No single neuron computes {gate}: it is "
                        "not linearly separable, so the answer is impossible."
                    ),
                    (lambda o=other: WEIGHTS[o]),
                )
            return
        complement = {"AND": "NAND", "NAND": "AND", "OR": "NOR", "NOR": "OR"}[gate]
        yield (
            (f"Signs flipped: these weights compute {complement}, the complement of {gate}."),
            lambda: WEIGHTS[complement],
        )
        sibling = {"AND": "OR", "OR": "AND", "NAND": "NOR", "NOR": "NAND"}[gate]
        yield (
            (
                f"The bias is off: these weights compute {sibling}. With unit weights, w·x is "
                f"0, 1, 1 or 2; place the threshold between the right two."
            ),
            lambda: WEIGHTS[sibling],
        )
        yield (
            (
                "These weights never fire. If w·x + b is exactly 0 at an input that should "
                "fire, remember the step needs z > 0."
            ),
            lambda: (1, 1, -2),
        )
        yield "These weights always fire: some input must give w·x + b ≤ 0.", lambda: (1, 1, 1)
        yield (
            "A neuron can compute this gate; impossible is only for XOR and XNOR.",
            lambda: "impossible",
        )
