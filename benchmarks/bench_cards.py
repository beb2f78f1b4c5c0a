"""Cards at scale: ``cards list --query`` and the TUI card browser, on 100,000 cards.

    python benchmarks/bench_cards.py SYNTHETIC_DIR [--runs 9]

SYNTHETIC_DIR is the output of ``make_synthetic.py`` (100,000 cards, 1,000,000
reviews, profile "bench"). Its home is copied to a temporary folder first: the
commands write to it (the schema migration, the parse cache). Prints medians in
milliseconds with the targets beside them; nothing asserts (the machine is shared
and noisy: the figures are for reading).

- ``cards list --query``: the whole process, start to exit, as a user runs it.
- browser open: the TUI on a pseudo-terminal (100×30) at Home; the clock runs from
  the ``/`` key to the browser's card count painted (Linux only: pty).

Bytecode is cached (in a temporary folder) even if PYTHONDONTWRITEBYTECODE is set, so
the figures are those of an installed dlcards, not of recompiling it at each start.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_tui import Terminal  # noqa: E402

QUERIES = [
    ("cards list --query 'question 4242' (11 of 100k cards)", ["--query", "question 4242"]),
    ("cards list --query 'résumé' (no match: the full scan)", ["--query", "résumé"]),
    (
        "cards list --tag cnn --query transformers --json (3 cards)",
        ["--tag", "cnn", "--query", "transformers", "--json"],
    ),
]


def report(name: str, value: float, target: float | None = None) -> None:
    goal = f"target ≤ {target:g} ms   {'ok' if value <= target else 'OVER'}" if target else ""
    print(f"{name:<60} {value:8.1f} ms   {goal}")


def cli(home: Path, decks: Path, *args: str) -> list[str]:
    exe = shutil.which("dlcards")
    argv = [exe] if exe else [sys.executable, "-m", "dlcards"]
    return [*argv, "--home", str(home), "--deck-path", str(decks), *args]


PYCACHE = Path(tempfile.gettempdir()) / "dlcards-bench-pycache"


def env() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DLCARDS_", "TEXTUAL"))}
    clean.update(TERM="xterm-256color", COLORTERM="truecolor", PYTHONPATH=str(ROOT))
    # An installed dlcards has its bytecode compiled; a checkout run with
    # PYTHONDONTWRITEBYTECODE recompiles every module at each start (~40 ms here).
    # Cache it outside the source tree, as an installation would have it.
    clean.pop("PYTHONDONTWRITEBYTECODE", None)
    clean["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    return clean


def bench_list(home: Path, decks: Path, runs: int) -> None:
    for label, args in QUERIES:
        argv = cli(home, decks, "cards", "list", *args)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(argv, env=env(), stdout=subprocess.DEVNULL, check=True)
            times.append((time.perf_counter() - start) * 1000)
        report(
            label, statistics.median(times), 300 if label.startswith("cards list --query") else None
        )


def card_count(home: Path, decks: Path) -> int:
    from dlcards.config import Home
    from dlcards.context import AppContext

    ctx = AppContext(Home(home), None, [str(decks)])
    try:
        return sum(len(d.cards) for d in ctx.collection.decks)
    finally:
        ctx.close()


def bench_browser(home: Path, decks: Path, runs: int) -> None:
    marker = f"all {card_count(home, decks):,} cards"
    times = []
    for _ in range(runs):
        term = Terminal(cli(home, decks), env())
        try:
            term.wait_for("All due")  # Home's footer: the app is up and idle
            time.sleep(0.3)
            sent, mark = term.press("/")
            times.append((term.wait_for(marker, mark) - sent) * 1000)
        finally:
            term.close()
    report(f"browser open at Home, '/' to '{marker}' painted", statistics.median(times), 500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("synthetic", type=Path, help="a folder written by make_synthetic.py")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    source = args.synthetic.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(source / "home", home)
        decks = source / "decks"
        start = time.perf_counter()
        # The first run migrates the database and (re)fills the parse cache's search table.
        subprocess.run(
            cli(home, decks, "cards", "list", "--query", "x"),
            env=env(),
            stdout=subprocess.DEVNULL,
            check=True,
        )
        print(
            f"{'first run (migration, parse cache filled)':<60} "
            f"{(time.perf_counter() - start) * 1000:8.1f} ms"
        )
        bench_list(home, decks, args.runs)
        bench_browser(home, decks, max(3, args.runs // 2))


if __name__ == "__main__":
    main()
