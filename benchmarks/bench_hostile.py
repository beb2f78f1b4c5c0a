"""Hostile imports finish in bounded, linear time (moved here from the unit suite:
wall-clock limits fail at random on a busy machine). Run from the repository root:

    python benchmarks/bench_hostile.py

Exits 1 if a limit is broken. Each check is the unit test's scenario
(tests/test_interchange_hostile.py), timed:

- a zstd bomb inside an .apkg (300 MB of zeros, no size in the frame) is refused in < 5 s;
- a 1 MB field of ordinary HTML imports in < 30 s and in linear time (8× the text
  takes < 16× as long as the small one, + 1 s);
- 100,000 repeats of an unclosed construct (Python 3.11's html.parser is quadratic on
  them) import in < 20 s each;
- 100,000 unclosed cloze openings are skipped in < 10 s.
"""

from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dlcards.errors import UserError  # noqa: E402
from dlcards.interchange.importer import import_deck  # noqa: E402
from tests._interchange import zip_bytes, zstd  # noqa: E402
from tests.conftest import write_deck  # noqa: E402

UNCLOSED = ["<img ", "<br ", "<!--", "<a href='", "<![CDATA[", "</", "[sound:", "&#", "<b>"]
failures: list[str] = []


def check(label: str, seconds: float, limit: float) -> None:
    verdict = "ok" if seconds < limit else "TOO SLOW"
    print(f"{label:55s} {seconds:7.2f} s  (limit {limit:g} s)  {verdict}")
    if seconds >= limit:
        failures.append(label)


def timed_import(path: Path, decks: Path, deck_id: str) -> float:
    started = time.perf_counter()
    try:
        import_deck(path, decks_dir=decks, deck_id=deck_id)
    except UserError:
        pass  # refused: what the bomb should get
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        decks = folder / "decks"
        write_deck(decks, "bad", 2)

        bomb = folder / "zbomb.apkg"
        payload = zstd(b"\0" * (300 * 1024 * 1024))
        bomb.write_bytes(zip_bytes({"collection.anki21b": payload}, zipfile.ZIP_STORED))
        check("zstd bomb refused", timed_import(bomb, decks, "bad"), 5)

        unit = (
            "<div><b>Term</b> &amp; <i>note</i> with <code>x_1</code> and "
            "<a href='https://example.org'>a link</a><br>second line</div>"
        )
        times = {}
        for repeats in (1_000, 8_000):
            path = folder / f"big{repeats}.tsv"
            path.write_text("#separator:tab\n#html:true\nfront\t" + unit * repeats + "\n", "utf-8")
            times[repeats] = timed_import(path, decks, f"big{repeats}")
        check("1 MB field of HTML", times[8_000], 30)
        check("8x the HTML, against 16x the small one + 1 s", times[8_000], 16 * times[1_000] + 1)

        for number, construct in enumerate(UNCLOSED):
            path = folder / f"odd{number}.tsv"
            path.write_text(f"#separator:tab\n#html:true\nfront\t{construct * 100_000}\n", "utf-8")
            # A new deck each time, as the unit test's fresh folder: no old card to compare.
            check(f"100,000 x {construct!r}", timed_import(path, decks, f"odd{number}"), 20)

        path = folder / "cloze.tsv"
        path.write_text(
            "#separator:tab\n#html:true\n#notetype:Cloze\n"
            + "{{c1::" * 100_000
            + "\t\nThe {{c1::end}}\t\n",
            "utf-8",
        )
        check("100,000 unclosed cloze openings", timed_import(path, decks, "cloze"), 10)
    if failures:
        print(f"{len(failures)} limit(s) broken: {', '.join(failures)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
