"""dlcards import vs Anki's own importer, as a ratio measured in one run (issue 12).

    python benchmarks/bench_anki_ratio.py [--notes 10000] [--runs 3]

The package is made by the Anki engine (the ``anki`` package): 10,000 Basic notes
whose fields hold the HTML Anki's editor writes — bold, italics, divs, line
breaks, lists, entities, sub/superscripts. Both sides are whole processes, run
alternately ``--runs`` times; each line gives the median and the best run:

- ``dlcards import FILE`` into a new home (targets ≤ 2× Anki);
- ``dlcards import FILE`` again, the file unchanged (target ≤ 1× Anki);
- a Python process that opens a new Anki collection and imports the same file.

Each line gives wall time and the child's CPU time (user + system): on a shared
machine the wall clock swings with the load, CPU time much less. dlcards is
byte-compiled first (``compileall``), as ``pip install`` leaves an installed package:
with ``PYTHONDONTWRITEBYTECODE`` set, as on some shared machines, each launch would
otherwise compile every dlcards module it imports from source, which no user pays.

Without ``anki`` installed there is no package and no ratio: the script says so.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "gradient descent softmax logits convolution kernel stride padding dropout batch "
    "normalization attention transformer embedding residual layer activation"
).split()

ANKI_IMPORT = """
import sys
from anki.collection import Collection, ImportAnkiPackageRequest
from anki.import_export_pb2 import ImportAnkiPackageOptions
col = Collection(sys.argv[1])
col.import_anki_package(ImportAnkiPackageRequest(package_path=sys.argv[2],
    options=ImportAnkiPackageOptions()))
col.close()
"""


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_package(path: Path, notes: int) -> None:
    from anki.collection import Collection
    from anki.import_export_pb2 import ExportAnkiPackageOptions

    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "collection.anki2"))
        deck = col.decks.id("Bench")
        model = col.models.by_name("Basic")
        for i in range(notes):
            note = col.new_note(model)
            note["Front"] = f"What is <b>{_words(rng, 2)}</b> ({i})? x<sup>2</sup>"
            back = (
                f"{_words(rng, 8)}<br><i>{_words(rng, 3)}</i> &amp; H<sub>2</sub>O"
                f"<div>{_words(rng, 10)}&nbsp;&lt;{i}&gt;</div>"
            )
            if i % 10 == 0:
                back += f"<ul><li>{_words(rng, 3)}</li><li>{_words(rng, 2)}</li></ul>"
            note["Back"] = back
            note.tags = ["bench", f"t{i % 20}"]
            col.add_note(note, deck)
        col.export_anki_package(
            out_path=str(path),
            limit=None,
            options=ExportAnkiPackageOptions(with_scheduling=False, with_media=False),
        )
        col.close()


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and the child's CPU seconds (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def keep_package(path: Path, notes: int) -> None:
    """For profiling: write the package to ``path``."""
    make_package(path, notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    try:
        import anki  # noqa: F401
    except ImportError:
        print("anki is not installed: no Anki side, no ratio (pip install anki)")
        return
    compileall.compile_dir(REPO / "dlcards", quiet=1)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        package = folder / "bench.apkg"
        make_package(package, args.notes)
        dlcards = [sys.executable, "-m", "dlcards", "import", str(package)]
        first: list[tuple[float, float]] = []
        again: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []
        for run in range(args.runs):
            home = folder / f"home{run}"
            env = {**os.environ, "DLCARDS_HOME": str(home)}
            first.append(timed(dlcards, env))
            again.append(timed(dlcards, env))
            collection = folder / f"anki{run}" / "collection.anki2"
            collection.parent.mkdir()
            theirs.append(timed([sys.executable, "-c", ANKI_IMPORT, str(collection), str(package)]))
            shutil.rmtree(collection.parent)
        for pick, how in ((statistics.median, "median"), (min, "best")):
            anki_s, anki_cpu = pick(t[0] for t in theirs), pick(t[1] for t in theirs)
            print(f"{args.notes} notes, {how} of {args.runs}, whole processes (wall, CPU):")
            print(f"  Anki import into a new collection  {anki_s:6.2f} s {anki_cpu:6.2f} s")
            for label, times, target in (
                ("dlcards import (new deck)       ", first, "≤ 2×"),
                ("dlcards import again (unchanged)", again, "≤ 1×"),
            ):
                seconds, cpu = pick(t[0] for t in times), pick(t[1] for t in times)
                print(
                    f"  {label}   {seconds:6.2f} s {cpu:6.2f} s  = {seconds / anki_s:.2f}× Anki "
                    f"wall, {cpu / anki_cpu:.2f}× CPU (target {target})"
                )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
