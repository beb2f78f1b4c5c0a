"""``dlcards decks``, ``stats`` and ``cards list --query`` at 100k cards against the shipped
decks (issue 18).

    python benchmarks/bench_commands.py SYNTHETIC [--runs 7] [--root CHECKOUT]

SYNTHETIC is a folder written by make_synthetic.py. Each round runs every command,
whole process, piped (as a script reads it), once on a fresh home with the shipped
decks and once on the synthetic collection, interleaved so that both see the same
machine (``stats`` for all decks, with ``--json`` and for one ``--deck``: the
interview deck against the 100k-card deck); ``dlcards --version`` is timed alongside
as the fixed start-up cost. Prints each median and the ratio synthetic / shipped
(target ≤ 1.5×). Round 0 fills the
parse caches and is dropped. ``--root`` times another checkout (e.g. ``git archive
main``) on the same collection, for a before/after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "decks": ["decks"],
    "stats": ["stats"],
    "stats --json": ["stats", "--json"],
    # A word no card has: every card's search text is scanned, and nothing printed.
    "cards list --query": ["cards", "list", "--query", "résumé"],
    "stats --deck": ["stats", "--deck", "{deck}"],
}
# The deck "--deck" names in each home: the shipped interview deck, the 100k-card one.
DECK_OF = {"shipped": "deep-learning-interview", "100k": "synthetic"}


def run_ms(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    # Run outside any checkout: ``python -m`` puts the working directory first on
    # sys.path, so started from a checkout it would time that one, not ``--root``.
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, cwd=tempfile.gettempdir())
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("synthetic", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--root", type=Path, default=ROOT, help="the dlcards checkout to time")
    parser.add_argument("--only", action="append", choices=list(COMMANDS), help="these commands")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLCARDS_")}
    env["PYTHONPATH"] = str(args.root.resolve())
    base = [sys.executable, "-m", "dlcards"]
    commands = {name: COMMANDS[name] for name in args.only or COMMANDS}
    synthetic = args.synthetic.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        shipped_home = Path(tmp) / "home"
        homes = {
            "shipped": [*base, "--home", str(shipped_home), "--user", "bench"],
            "100k": [
                *base,
                "--home",
                str(synthetic / "home"),
                "--deck-path",
                str(synthetic / "decks"),
            ],
        }
        times: dict[tuple[str, str], list[float]] = {}
        for run in range(args.runs + 1):
            ms = run_ms([*base, "--version"], env)
            if run:
                times.setdefault(("--version", ""), []).append(ms)
            for name, words in commands.items():
                for label, prefix in homes.items():
                    argv = [w.format(deck=DECK_OF[label]) for w in words]
                    ms = run_ms([*prefix, *argv], env)
                    if run:
                        times.setdefault((name, label), []).append(ms)
    version = statistics.median(times[("--version", "")])
    print(f"dlcards --version: median {version:.0f} ms (n={args.runs})")
    for name in commands:
        shipped = statistics.median(times[(name, "shipped")])
        big = statistics.median(times[(name, "100k")])
        print(
            f"dlcards {name:18} shipped {shipped:5.0f} ms, 100k {big:5.0f} ms: "
            f"{big / shipped:.2f}× (target ≤ 1.5×)"
        )


if __name__ == "__main__":
    main()
