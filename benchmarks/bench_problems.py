"""Median time to generate, solve and check one instance of each compute problem.

Target (not a test): at most 2 ms per problem type on a laptop-class CPU, so a
review never waits on the problem. Run: ``python benchmarks/bench_problems.py``.
One cycle = make_instance (seeded draw) + expected_text (solve) + check of that
answer (parse, solve, compare). A second column adds a wrong answer's check,
which also computes every misconception to name the mistake.
"""

from __future__ import annotations

import statistics
import sys
import time

from dlcards.problems import PROBLEM_NAMES, get_problem

SEEDS = 200
TARGET_MS = 2.0


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def bench(name: str, seeds: int = SEEDS) -> tuple[float, float]:
    """(median ms of generate+solve+check, median ms of a wrong answer's check)."""
    problem = get_problem(name)
    cycle: list[float] = []
    wrong: list[float] = []
    for seed in range(seeds):
        level = problem.levels[seed % len(problem.levels)]
        start = time.perf_counter()
        instance = problem.make_instance(level=level, seed=seed)
        expected = problem.expected_text(instance)
        problem.check(instance, expected, seconds=10.0)
        cycle.append(time.perf_counter() - start)
        mistakes = problem.misconceptions(instance)
        if mistakes:
            start = time.perf_counter()
            problem.check(instance, mistakes[-1][1])
            wrong.append(time.perf_counter() - start)
    return _median_ms(cycle), _median_ms(wrong) if wrong else 0.0


def main() -> int:
    for name in PROBLEM_NAMES:  # warm up imports and caches outside the timings
        bench(name, seeds=3)
    print(f"{'problem':24s} {'cycle ms':>9s} {'wrong ms':>9s}")
    slow = []
    for name in PROBLEM_NAMES:
        cycle, wrong = bench(name)
        flag = "  > target" if cycle > TARGET_MS else ""
        print(f"{name:24s} {cycle:9.3f} {wrong:9.3f}{flag}")
        if cycle > TARGET_MS:
            slow.append(name)
    print(f"target: generate+solve+check ≤ {TARGET_MS} ms (median over {SEEDS} seeds)")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
