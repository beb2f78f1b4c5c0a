"""`dlcards scheduler optimize` on a log drawn from known FSRS parameters: time and fit.

    python benchmarks/bench_optimizer.py [--cards 300] [--reviews-per-card 10]

Needs the optimizer extra (``pip install -e '.[optimizer]'``). Writes the log through
the real store into a temporary home, runs the command as a user would, and prints
its run time and the log loss of the defaults, the fitted and the true parameters on
that log (py-fsrs's own predictions).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fsrs.scheduler import DEFAULT_PARAMETERS  # noqa: E402

from tests.fsrs_synthetic import TRUE_PARAMETERS, draw_log, log_loss  # noqa: E402
from tests.test_fsrs_optimizer import record_log  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=300)
    parser.add_argument("--reviews-per-card", type=int, default=10)
    args = parser.parse_args()
    rows = draw_log(args.cards, args.reviews_per_card, date(2025, 1, 6))
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        record_log(home, rows)
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
        result = subprocess.run(
            [sys.executable, "-m", "dlcards", "--home", str(home), "--user", "ann"]
            + ["scheduler", "optimize"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        wall = time.perf_counter() - started
        cpu = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before
        if result.returncode:
            sys.exit(result.stderr)
        config = tomllib.loads((home / "config.toml").read_text("utf-8"))
        fitted = config["profiles"]["ann"]["fsrs_parameters"]
    print(result.stdout.strip().splitlines()[-1])
    print(f"{len(rows):,} reviews: {wall:.1f} s wall, {cpu:.1f} s CPU")
    print(
        f"log loss: defaults {log_loss(rows, DEFAULT_PARAMETERS):.4f}, "
        f"fitted {log_loss(rows, fitted):.4f}, true {log_loss(rows, TRUE_PARAMETERS):.4f}"
    )


if __name__ == "__main__":
    main()
