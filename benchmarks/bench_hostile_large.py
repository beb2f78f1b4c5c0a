"""Large hostile inputs (issue 11 #4): time and peak memory of each import. From the repo root:

    python benchmarks/bench_hostile_large.py [--only NAME]... [--keep DIR]

Each input is built first (not timed), then imported by `import_deck` in a fresh
child process whose peak RSS (VmHWM) is reported. Targets: a refusal (an
input beyond a cap of dlcards/interchange/limits.py) in ≤ 10 s; an accepted
import (at the caps) at ≤ 500 MB.

- ``apkg-1M``: a 1,000,000-note anki21b package (refused: MAX_NOTES)
- ``apkg-at-cap``: a MAX_NOTES-note anki21b package (accepted)
- ``csv-1M``: a 1,000,000-row CSV (refused: MAX_NOTES records)
- ``csv-at-cap``: a MAX_NOTES-row CSV (accepted)
- ``html-50MB``: 50 MB of nested HTML in one field (refused: MAX_FIELD_BYTES)
- ``html-nested-at-cap``: 25 fields of nested HTML just under MAX_FIELD_BYTES (accepted)
- ``field-150MB``: one 150 MB field in a TSV (refused: MAX_FIELD_BYTES)
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dlcards.interchange import limits  # noqa: E402

REFUSAL_SECONDS = 10
ACCEPTED_MB = 500

_CHILD = """
import json, sys, time
from pathlib import Path
from dlcards.errors import UserError
from dlcards.interchange.importer import import_deck
path, decks = Path(sys.argv[1]), Path(sys.argv[2])
started = time.perf_counter()
try:
    report = import_deck(path, decks_dir=decks, deck_id="big")
    outcome = f"imported {report.imported}"
except UserError as exc:
    outcome = "refused: " + str(exc).split(" — ")[0].replace(str(path), path.name)
elapsed = time.perf_counter() - started
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from the parent (which
# may have just built a 1M-note package), VmHWM belongs to this process image.
status = Path("/proc/self/status").read_text()
peak = int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:"))) / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "outcome": outcome}))
"""


def _words(rng: random.Random, n: int) -> str:
    vocabulary = "gradient softmax logits kernel stride padding dropout attention layer".split()
    return " ".join(rng.choice(vocabulary) for _ in range(n))


def _package(path: Path, notes: int) -> None:
    """An anki21b package with ``notes`` short notes, built with plain SQL (fast)."""
    import sqlite3
    import zipfile

    import zstandard

    from tests._interchange import v18_database

    base = sqlite3.connect(":memory:")
    base.create_collation("unicase", lambda a, b: (a > b) - (a < b))
    base.deserialize(v18_database([]))
    rng = random.Random(1)
    base.execute("INSERT INTO decks VALUES (2000, 'Big', 0, 0, x'', x'')")
    rows = (
        (i, f"g{i}", 1001, f"What is {_words(rng, 3)} {i}?\x1f{_words(rng, 12)}", f"q{i}")
        for i in range(1, notes + 1)
    )
    base.executemany("INSERT INTO notes VALUES (?, ?, ?, 0, 0, '', ?, ?, 0, 0, '')", rows)
    base.execute(
        "INSERT INTO cards SELECT id, id, 2000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '' "
        "FROM notes"
    )
    base.commit()
    data = base.serialize()
    compressed = zstandard.ZstdCompressor(write_content_size=False).compress(data)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("collection.anki21b", compressed)
        archive.writestr("media", zstandard.ZstdCompressor().compress(b""))


def _csv(path: Path, rows: int) -> None:
    rng = random.Random(2)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(rows):
            out.write(f"What is {_words(rng, 3)} {i}?,{_words(rng, 12)}\n")


def _nested(depth_bytes: int) -> str:
    unit_open, unit_close = "<div><b><i>", "</i></b></div>"
    repeat = depth_bytes // (len(unit_open) + len(unit_close) + 1)
    return unit_open * repeat + "x" + unit_close * repeat


def _html_tsv(path: Path, field_bytes: int, fields: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("#separator:tab\n#html:true\n")
        for i in range(fields):
            out.write(f"front {i}\t{_nested(field_bytes)}\n")


def _big_field(path: Path, size: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write("#separator:tab\nfront\t")
        chunk = "word " * 200_000
        written = 0
        while written < size:
            out.write(chunk)
            written += len(chunk)
        out.write("\n")


CASES = {
    "apkg-1M": ("refused", "big.apkg", lambda p: _package(p, 1_000_000)),
    "apkg-at-cap": ("accepted", "cap.apkg", lambda p: _package(p, limits.MAX_NOTES)),
    "csv-1M": ("refused", "big.csv", lambda p: _csv(p, 1_000_000)),
    "csv-at-cap": ("accepted", "cap.csv", lambda p: _csv(p, limits.MAX_NOTES)),
    "html-50MB": ("refused", "html.tsv", lambda p: _html_tsv(p, 50 * 2**20, 1)),
    "html-nested-at-cap": (
        "accepted",
        "nested.tsv",
        lambda p: _html_tsv(p, limits.MAX_FIELD_BYTES - 64, 25),
    ),
    "field-150MB": ("refused", "field.tsv", lambda p: _big_field(p, 150 * 2**20)),
}


def run(name: str, folder: Path) -> dict[str, object]:
    expected, filename, build = CASES[name]
    path = folder / filename
    if not path.exists():
        build(path)
    decks = folder / f"decks-{name}"
    shutil.rmtree(decks, ignore_errors=True)  # a new deck each run, also with --keep
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(decks)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if result.returncode != 0:
        return {"name": name, "error": result.stderr.strip().splitlines()[-1:]}
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    refused = str(measured["outcome"]).startswith("refused")
    if expected == "refused":
        ok = refused and float(measured["seconds"]) <= REFUSAL_SECONDS
    else:
        ok = not refused and float(measured["peak_mb"]) <= ACCEPTED_MB
    return {
        "name": name,
        "input_mb": path.stat().st_size / 2**20,
        "expected": expected,
        **measured,
        "ok": ok,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(CASES))
    parser.add_argument("--keep", type=Path, help="build the inputs in (and reuse) this folder")
    args = parser.parse_args()
    names = args.only or list(CASES)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="dlcards-bench-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"caps: {limits.MAX_NOTES:,} notes/records, {limits.MAX_FIELD_BYTES // 2**20} MB a field")
    failures = 0
    for name in names:
        started = time.perf_counter()
        row = run(name, folder)
        if "error" in row:
            print(f"{name:20} CRASHED: {row['error']}")
            failures += 1
            continue
        mark = "ok" if row["ok"] else "MISSED"
        failures += not row["ok"]
        print(
            f"{name:20} {row['input_mb']:7.1f} MB in  {row['seconds']:6.2f} s  "
            f"peak {row['peak_mb']:6.0f} MB  {mark:6}  {row['outcome']}"
            f"  (built+run {time.perf_counter() - started:.0f} s)"
        )
    if not args.keep:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
