"""Bulk progress work against SQLite's own speed (issue 18): prints medians and ratios.

    python benchmarks/bench_bulk.py [--rows 1000000] [--runs 3]

Writes a JSON Lines progress file of ``--rows`` rows (as ``progress export``
writes it: 50,000 cards, one undo in fifty rows), then times, in this one process:

- raw: inserting the file's lines into a new SQLite database as raw rows (one TEXT
  column, one transaction, the store's WAL and synchronous=FULL) — the baseline;
- import: ``import_progress`` into a new home (states replayed);
- export: ``export_progress`` of that profile to a new file.

Targets: import ≤ 4× raw, export ≤ 2× raw. Also prints the longest time any write
transaction of the import held the lock (target ~100 ms), measured two ways: by wrapping
``Store.transaction`` (its commit included, and any WAL checkpoint run after it, which
holds no write lock), and as another user feels it: a second process takes
``BEGIN IMMEDIATE`` … ``COMMIT`` every few milliseconds during the import (no busy
handler: it retries every 0.5 ms itself, since SQLite's busy handler sleeps up to 100 ms
at a time) and records its longest wait; a third process does the same through
``Database.transaction``, as dlcards' own writers wait (a grade from the TUI or the
CLI). Also the import's CPU time by phase against the raw insert:
reading and checking the file (``_stage``), writing the rows (the batches of
``merge_rows``) and replaying the states (``replay_cards``).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dlcards.interchange import progress  # noqa: E402
from dlcards.interchange.progress import export_progress, import_progress  # noqa: E402
from dlcards.store import Store  # noqa: E402
from dlcards.store_merge import LogMerge  # noqa: E402
from dlcards.store_schema import Database  # noqa: E402

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PROFILE = "bench"
HEADER = '{"format":"dlcards-progress","version":1}\n'


def write_file(path: Path, rows: int) -> None:
    """A canonical progress file: every key in order, compact, as export writes it."""
    rng = random.Random(2)
    start = datetime(2023, 1, 1, 8, tzinfo=UTC)
    previous = ""
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for i in range(rows):
            moment = start + timedelta(seconds=40 * i)
            ts = moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            day = ts[:10]
            row_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            card = f"c{rng.randrange(50_000)}"
            if previous and i % 50 == 0:  # one undo in fifty rows
                line = (
                    f'{{"id":"{row_id}","deck_id":"bench","card_id":"{card}","ts":"{ts}",'
                    f'"study_day":"{day}","kind":"undo","grade":null,"duration_ms":null,'
                    f'"instance":null,"answer":null,"cancels":"{previous}","repetitions":null,'
                    f'"easiness":null,"interval":null,"due":null}}'
                )
            else:
                due = (moment + timedelta(days=1)).strftime("%Y-%m-%d")
                line = (
                    f'{{"id":"{row_id}","deck_id":"bench","card_id":"{card}","ts":"{ts}",'
                    f'"study_day":"{day}","kind":"review","grade":{rng.randint(0, 5)},'
                    f'"duration_ms":4000,"instance":null,"answer":null,"cancels":null,'
                    f'"repetitions":1,"easiness":250,"interval":1,"due":"{due}"}}'
                )
                previous = row_id
            handle.write(line + "\n")


def raw_insert(source: Path, database: Path) -> None:
    """The baseline: the same lines as raw rows, as plainly as Python and SQLite allow."""
    conn = sqlite3.connect(database, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE lines (line TEXT NOT NULL)")
    with source.open("r", encoding="utf-8") as handle:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO lines VALUES (?)", ((line,) for line in handle))
        conn.execute("COMMIT")
    conn.close()


HOLDS: list[float] = []


@contextmanager
def _timed_transaction(self: Database) -> Iterator[sqlite3.Connection]:
    """Store.transaction, recording how long the write lock was held."""
    started = time.perf_counter()
    with _ORIGINAL(self) as conn:
        yield conn
    HOLDS.append(time.perf_counter() - started)


_ORIGINAL = Database.transaction

PHASES: dict[str, float] = {}


def _phase(name: str, owner: Any, attribute: str) -> None:
    """Wrap ``owner.attribute`` so that its CPU seconds add up in PHASES[name]."""
    original = getattr(owner, attribute)

    def timed_phase(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            PHASES[name] = PHASES.get(name, 0.0) + time.process_time() - started

    setattr(owner, attribute, timed_phase)


def timed(action: Callable[[], object], cpu: list[float]) -> float:
    """Wall seconds of ``action``; its CPU seconds are appended to ``cpu`` (the machine
    may be shared: CPU time is the steadier figure, wall time what a user waits)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    action()
    cpu.append(time.process_time() - started_cpu)
    return time.perf_counter() - started


def probe_writes(database: Path, stop: Path) -> None:
    """The second process: BEGIN IMMEDIATE … COMMIT every 5 ms until ``stop`` exists;
    prints the waits (seconds, JSON) of every attempt that found the lock taken."""
    conn = sqlite3.connect(database, timeout=0, isolation_level=None)
    waits: list[float] = []
    while not stop.exists():
        first = time.perf_counter()
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError:  # busy: another writer holds the lock
                time.sleep(0.0005)
        waited = time.perf_counter() - first
        conn.execute("COMMIT")
        if waited > 0.0005:
            waits.append(waited)
        time.sleep(0.005)
    conn.close()
    print(json.dumps(waits))


def probe_store_writes(database: Path, stop: Path) -> None:
    """The same as a dlcards writer: an empty ``Database.transaction`` every 5 ms (its
    own wait for the lock, as a grade from the TUI or the CLI waits); prints the waits."""
    db = Database.open(database)
    db.on_wait = lambda path: None
    waits: list[float] = []
    while not stop.exists():
        first = time.perf_counter()
        with db.transaction():
            waited = time.perf_counter() - first
        if waited > 0.0005:
            waits.append(waited)
        time.sleep(0.005)
    db.close()
    print(json.dumps(waits))


def start_probe(database: Path, stop: Path, kind: str = "--probe") -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, kind, str(database), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--probe", nargs=2, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-store", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe_writes(*args.probe)
        return
    if args.probe_store:
        probe_store_writes(*args.probe_store)
        return
    Database.transaction = _timed_transaction  # type: ignore[method-assign,assignment]
    _phase("read and check", progress, "_stage")
    _phase("write rows", LogMerge, "_merge_committed")
    _phase("replay states", LogMerge, "replay_cards")
    phases: dict[str, list[float]] = {}
    raw: list[float] = []
    imports: list[float] = []
    exports: list[float] = []
    longest: list[float] = []
    felt: list[float] = []
    felt_store: list[float] = []
    cpu: dict[str, list[float]] = {"raw": [], "import": [], "export": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "log.jsonl"
        write_file(source, args.rows)
        for run in range(args.runs):
            database = folder / f"raw{run}.sqlite3"
            raw.append(timed(partial(raw_insert, source, database), cpu["raw"]))
            store = Store.open(folder / f"home{run}" / "progress.sqlite3")
            HOLDS.clear()
            PHASES.clear()
            stop = folder / f"stop{run}"
            probe = start_probe(folder / f"home{run}" / "progress.sqlite3", stop)
            store_probe = start_probe(
                folder / f"home{run}" / "progress.sqlite3", stop, "--probe-store"
            )
            time.sleep(0.5)  # the probes' interpreters started and polling
            run_import = partial(import_progress, store, PROFILE, source, NOW)
            imports.append(timed(run_import, cpu["import"]))
            stop.touch()
            waits = json.loads(probe.communicate()[0])
            felt.append(max(waits, default=0.0))
            store_waits = json.loads(store_probe.communicate()[0])
            felt_store.append(max(store_waits, default=0.0))
            for name, seconds in PHASES.items():
                phases.setdefault(name, []).append(seconds / cpu["raw"][-1])
            longest.append(max(HOLDS, default=0.0))
            out = folder / f"out{run}.jsonl"
            exports.append(timed(partial(export_progress, store, PROFILE, out), cpu["export"]))
            store.close()
            for path in folder.glob(f"*{run}*"):
                if path.is_file():
                    path.unlink()
            print(
                f"  run {run}: raw {raw[-1]:.2f} s, import {imports[-1]:.2f} s, "
                f"export {exports[-1]:.2f} s, "
                f"longest write transaction {longest[-1] * 1000:.0f} ms, "
                f"longest wait of another writer {felt[-1] * 1000:.0f} ms "
                f"({len(waits)} waits, {sum(w > 0.1 for w in waits)} over 100 ms), "
                f"of a dlcards writer {felt_store[-1] * 1000:.0f} ms",
                file=sys.stderr,
            )
    base, base_cpu = statistics.median(raw), statistics.median(cpu["raw"])
    print(f"rows: {args.rows:,}, runs: {args.runs}")
    print(f"raw insert of the lines: median {base:.2f} s wall, {base_cpu:.2f} s CPU (baseline)")
    for label, key, times, target in (
        ("progress import", "import", imports, 4.0),
        ("progress export", "export", exports, 2.0),
    ):
        median, median_cpu = statistics.median(times), statistics.median(cpu[key])
        ratio, ratio_cpu = median / base, median_cpu / base_cpu
        verdict = "met" if max(ratio, ratio_cpu) <= target else "NOT met"
        print(
            f"{label}: median {median:.2f} s wall = {ratio:.2f}× raw; {median_cpu:.2f} s CPU "
            f"= {ratio_cpu:.2f}× raw (target ≤ {target:g}×: {verdict})"
        )
    print(f"longest import write transaction: median {statistics.median(longest) * 1000:.0f} ms")
    print(
        "longest wait of another writer during the import: "
        f"median {statistics.median(felt) * 1000:.0f} ms (target ~100 ms); "
        f"of a dlcards writer (Database.transaction): "
        f"median {statistics.median(felt_store) * 1000:.0f} ms"
    )
    split = ", ".join(f"{name} {statistics.median(r):.2f}×" for name, r in phases.items())
    print(f"import CPU by phase, against the raw insert's CPU in the same run: {split}")


if __name__ == "__main__":
    main()
