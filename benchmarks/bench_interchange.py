"""Interchange benchmarks: prints medians. Run from the repository root:

    python benchmarks/bench_interchange.py [--runs 3]

- import of a 10,000-note .apkg (Anki's default anki21b layout, fields with the
  HTML Anki's editor writes: bold, italics, <br>, <div>, entities, some lists and
  links) into a new deck; target ≤ 5 s. Also: the same file imported again (every
  card matched and compared), and exporting the 10,000-card deck to .apkg.
- `progress import` of a 1,000,000-row JSONL log (as `progress export` writes it:
  50,000 cards, one undo in fifty rows) into an empty profile, states rebuilt by
  replaying the merged log; target ≤ 60 s. Also the same file again, and an export.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dlcards.interchange.exporter import export_deck  # noqa: E402
from dlcards.interchange.importer import import_deck  # noqa: E402
from dlcards.interchange.progress import export_progress, import_progress  # noqa: E402
from dlcards.store import Store  # noqa: E402
from dlcards.store_merge import MERGE_FIELDS  # noqa: E402
from tests._interchange import Note, v18_package  # noqa: E402

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
WORDS = (
    "gradient descent softmax logits convolution kernel stride padding dropout batch "
    "normalization attention transformer embedding residual layer activation"
).split()


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _note(rng: random.Random, i: int) -> Note:
    front = f"What is <b>{_sentence(rng, 2)}</b> ({i})?"
    back = (
        f"{_sentence(rng, 8)}<br><i>{_sentence(rng, 3)}</i> &amp; "
        f"<div>{_sentence(rng, 10)}&nbsp;<code>x_{i}</code></div>"
    )
    if i % 10 == 0:  # lists and links take markdownify's own path
        back += f"<ul><li>{_sentence(rng, 3)}</li><li><a href='https://x.org/{i}'>ref</a></li></ul>"
    return Note([front, back], f"guid{i:05d}", ["bench", f"t{i % 20}"], deck="Bench")


def _cpu() -> float:
    """CPU seconds of this process and its finished children: what a busy machine
    (other jobs on the same cores) does not inflate the way it inflates wall time."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _median(label: str, runs: int, job: Callable[[int], object], target: float | None) -> None:
    walls, cpus = [], []
    for run in range(runs):
        started, cpu = time.perf_counter(), _cpu()
        job(run)
        walls.append(time.perf_counter() - started)
        cpus.append(_cpu() - cpu)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    goal = f"  (target ≤ {target:g} s: {'ok' if wall <= target else 'MISSED'})" if target else ""
    print(
        f"{label:<46} median {wall:7.2f} s wall, {cpu:7.2f} s CPU, {runs} run(s){goal}", flush=True
    )


def bench_apkg(folder: Path, runs: int) -> None:
    rng = random.Random(1)
    package = v18_package(folder / "bench.apkg", [_note(rng, i) for i in range(10_000)])
    print(f"10,000-note .apkg: {package.stat().st_size / 1e6:.1f} MB", flush=True)
    _median(
        "import 10,000-note .apkg (new deck)",
        runs,
        lambda run: import_deck(package, decks_dir=folder / f"new{run}"),
        5,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLCARDS_")}
    _median(
        "the same through the CLI (a new process each)",
        runs,
        lambda run: subprocess.run(
            [
                sys.executable,
                "-m",
                "dlcards",
                "--home",
                str(folder / f"cli{run}"),
                "import",
                str(package),
            ],
            check=True,
            capture_output=True,
            env=env,
            cwd=REPO,
        ),
        5,
    )
    decks = folder / "again"
    import_deck(package, decks_dir=decks)
    _median(
        "import it again (10,000 unchanged)",
        runs,
        lambda run: import_deck(package, decks_dir=decks),
        None,
    )
    deck = decks / "bench.toml"
    _median(
        "export the 10,000-card deck to .apkg",
        runs,
        lambda run: export_deck(deck, folder / f"out{run}.apkg", now=NOW),
        None,
    )


def _progress_file(path: Path, rows: int) -> None:
    rng = random.Random(2)
    start = datetime(2024, 1, 1, 8, tzinfo=UTC)
    previous: list[str] = []
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"format": "dlcards-progress", "version": 1}\n')
        for i in range(rows):
            moment = start + timedelta(seconds=40 * i)
            row_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            day = moment.date().isoformat()
            if previous and i % 50 == 0:  # one undo in fifty rows
                row = {
                    "id": row_id,
                    "deck_id": "bench",
                    "card_id": f"c{i % 50_000}",
                    "ts": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "study_day": day,
                    "kind": "undo",
                    "grade": None,
                    "cancels": previous[-1],
                }
            else:
                row = {
                    "id": row_id,
                    "deck_id": "bench",
                    "card_id": f"c{rng.randrange(50_000)}",
                    "ts": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                    "study_day": day,
                    "kind": "review",
                    "grade": rng.randint(0, 5),
                    "duration_ms": 4000,
                    "repetitions": 1,
                    "easiness": 250,
                    "interval": 1,
                    "due": (date.fromisoformat(day) + timedelta(days=1)).isoformat(),
                }
                previous.append(row_id)
            # As `progress export` writes it: every key, in order, compact.
            full = {name: row.get(name) for name in MERGE_FIELDS}
            handle.write(json.dumps(full, ensure_ascii=False, separators=(",", ":")) + "\n")


def bench_progress(folder: Path, runs: int) -> None:
    path = folder / "log.jsonl"
    _progress_file(path, 1_000_000)
    print(f"1,000,000-row progress file: {path.stat().st_size / 1e6:.0f} MB", flush=True)
    stores: list[Store] = []

    def merge(run: int) -> None:
        store = Store.open(folder / f"p{run}.sqlite3")
        result = import_progress(store, "me", path, NOW)
        assert result.added == 1_000_000, result
        stores.append(store)

    _median("progress import of 1,000,000 rows", runs, merge, 60)
    _median(
        "progress import of the same file again",
        1,
        lambda run: import_progress(stores[0], "me", path, NOW),
        None,
    )
    _median(
        "progress export of 1,000,000 rows",
        1,
        lambda run: export_progress(stores[0], "me", folder / "out.jsonl", force=True),
        None,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["apkg", "progress"])
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(
        f"{os.cpu_count()} cores, load average {load:.2f} at start (other jobs slow the "
        "wall times)",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="dlcards-bench-") as tmp:
        if args.only != "progress":
            bench_apkg(Path(tmp), args.runs)
        if args.only != "apkg":
            bench_progress(Path(tmp), args.runs)


if __name__ == "__main__":
    main()
