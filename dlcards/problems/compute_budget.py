"""Training compute: ≈ 6·N·D FLOPs, Chinchilla's tokens per parameter, wall-clock days.

training_flops
    params: ``task`` (``"flops"``: C ≈ 6·N·D; ``"tokens"``: Chinchilla's ≈ 20 tokens
    per parameter (Hoffmann et al. 2022); ``"time"``: days for C on ``n_gpus`` GPUs of
    ``peak_tflops`` at model FLOPs utilization ``mfu``), ``params_b`` (N in billions),
    ``tokens_b`` (D in billions). Levels: 1 C for round numbers, or the Chinchilla
    token count; 2 C for realistic N and D, or the days on a small cluster; 3 days at
    scale. Answers ±1 %: FLOPs (5.88e23 style), billions of tokens, or days.
"""

from __future__ import annotations

from typing import Any

from dlcards.problems.base import Mistakes, Picker, Problem
from dlcards.problems.core import Grid
from dlcards.problems.fmt import num
from dlcards.problems.kinds import Kind, Scalar, Tol
from dlcards.problems.specs_llm import FLOPS_TASKS

ROUGH = Tol(rel=1e-2)
SECONDS_PER_DAY = 86_400


def _sci(value: float) -> str:
    """``1.56e20`` (no ``+`` in the exponent, 4 significant digits)."""
    return f"{value:.4g}".replace("e+", "e")


def flops(params: dict[str, Any], factor: float = 6.0) -> float:
    return float(factor * params["params_b"] * 1e9 * params["tokens_b"] * 1e9)


def train_days(params: dict[str, Any], *, mfu: bool = True, factor: float = 6.0) -> float:
    rate = params["n_gpus"] * params["peak_tflops"] * 1e12 * (params["mfu"] if mfu else 1.0)
    return float(flops(params, factor) / rate / SECONDS_PER_DAY)


class TrainingFlops(Problem):
    name = "training_flops"

    def generate(self, pick: Picker, level: int) -> None:
        # a pinned param only some tasks use (n_gpus, tokens_b) picks a task that uses it
        given = set(pick.params) - {"task"}
        tasks = {1: ["flops", "tokens"], 2: ["flops", "time"], 3: ["time"]}[level]
        fits = [t for t in tasks if given <= set(FLOPS_TASKS[t])]
        task = pick.choice("task", fits or [t for t in FLOPS_TASKS if given <= set(FLOPS_TASKS[t])])
        if level == 1:
            pick.choice("params_b", [1, 2, 5, 10])
        else:
            pick.choice("params_b", [1.3, 7, 13, 70] if level == 2 else [7, 13, 34, 70])
        if task in ("flops", "time"):
            pick.choice(
                "tokens_b", {1: [10, 20, 100], 2: [20, 300, 1000], 3: [1400, 2000, 15000]}[level]
            )
        if task == "time":
            pick.choice("n_gpus", [8, 64] if level == 2 else [1024, 2048, 4096])
            pick.choice("peak_tflops", [312, 989])
            pick.choice("mfu", [0.4, 0.5])

    def solve(self, params: dict[str, Any]) -> float:
        task = params["task"]
        if task == "flops":
            return flops(params)
        if task == "tokens":
            return 20.0 * float(params["params_b"])
        return train_days(params)

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        hint = {
            "flops": "FLOPs in scientific notation, e.g. 3.1e21 (±1%)",
            "tokens": "billions of tokens (±1%)",
            "time": "days (±1%)",
        }[params["task"]]
        kind = Scalar(ROUGH, hint=hint)
        kind.swaps = (("3.1e21", ("4.7e20", "8.2e22")),)
        return kind

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        p = params
        n = f"{num(p['params_b'])} billion parameters"
        if p["task"] == "tokens":
            text = (
                f"By the Chinchilla rule of thumb (Hoffmann et al. 2022), about how many "
                f"training tokens are compute-optimal for a model of {n}? Answer in "
                "billions of tokens."
            )
            return text, [], []
        d = f"{num(p['tokens_b'])} billion tokens"
        if p["task"] == "flops":
            text = (
                f"About how many FLOPs does it take to train a dense transformer of {n} on "
                f"{d} (the usual ≈ 6·N·D estimate)?"
            )
            return text, [], []
        text = (
            f"Training a dense transformer of {n} on {d} (≈ 6·N·D FLOPs) on "
            f"{p['n_gpus']} GPUs with a peak of {num(p['peak_tflops'])} TFLOP/s each, at "
            f"{num(p['mfu'] * 100)}% model FLOPs utilization (MFU): how many days?"
        )
        return text, [], [f"1 day = {SECONDS_PER_DAY:,} s"]

    def steps(self, params: dict[str, Any]) -> list[str]:
        p = params
        if p["task"] == "tokens":
            return [
                "Hoffmann et al. (2022) found compute-optimal training uses roughly 20 tokens "
                "per parameter (Chinchilla: 70B parameters, 1.4T tokens).",
                f"20 · {num(p['params_b'])} B = {num(self.solve(p))} billion tokens.",
            ]
        c = flops(p)
        out = [
            "Each parameter costs about 2 FLOPs per token forward and 4 backward: C ≈ 6·N·D.",
            f"C ≈ 6 · {num(p['params_b'])}e9 · {num(p['tokens_b'])}e9 = {_sci(c)} FLOPs.",
        ]
        if p["task"] == "time":
            rate = p["n_gpus"] * p["peak_tflops"] * 1e12 * p["mfu"]
            out += [
                f"Achieved rate: {p['n_gpus']} · {num(p['peak_tflops'])}e12 · "
                f"{num(p['mfu'])} = {_sci(rate)} FLOP/s.",
                f"Time: {_sci(c)} / {_sci(rate)} = {_sci(c / rate)} s = "
                f"{num(self.solve(p), 2)} days.",
            ]
        return out

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        p = params
        if p["task"] == "tokens":
            yield (
                "Looks like you divided by 20; it is 20 tokens per parameter.",
                lambda: p["params_b"] / 20,
            )
            yield (
                "Looks like you multiplied by 6 (the FLOPs factor); the token rule is ×20.",
                lambda: 6.0 * p["params_b"],
            )
            return
        if p["task"] == "flops":
            yield (
                "That is 2·N·D, the forward pass only; training (forward + backward) is ≈ 6·N·D.",
                lambda: flops(p, 2.0),
            )
            yield (
                "Looks like you dropped the billions: N and D are in billions (× 10⁹ each).",
                lambda: 6.0 * p["params_b"] * p["tokens_b"],
            )
            return
        yield (
            "Looks like you used the peak rate; divide by the achieved rate, peak × MFU.",
            lambda: train_days(p, mfu=False),
        )
        yield "That is in hours; the question asks days.", lambda: train_days(p) * 24
        yield (
            "Looks like you used 2·N·D (forward only); training is ≈ 6·N·D.",
            lambda: train_days(p, factor=2.0),
        )
        yield (
            "Looks like you used one GPU's rate; all GPUs work together.",
            lambda: train_days(p) * p["n_gpus"],
        )
