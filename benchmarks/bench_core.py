"""Core speed: CLI start-up, deck loading and the parse cache, next card and grade at scale.

    python benchmarks/bench_core.py [SYNTHETIC_DIR] [--scale-only]

SYNTHETIC_DIR is the output of ``make_synthetic.py`` (100,000 cards, 1,000,000
reviews); without it the at-scale figures are skipped. Prints medians; targets
from the core issue are shown beside them. Nothing here asserts: the machine is
shared and noisy, so the figures are for reading, not for failing a build.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from make_synthetic import write_deck  # noqa: E402

from dlcards.collection import DeckSource, load_collection, load_deck  # noqa: E402
from dlcards.config import Settings  # noqa: E402
from dlcards.deck_cache import DeckCache  # noqa: E402
from dlcards.store import Store  # noqa: E402
from dlcards.study.session import StudySession  # noqa: E402


def median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def command(*args: str, home: str) -> Callable[[], object]:
    exe = shutil.which("dlcards")
    argv = [exe] if exe else [sys.executable, "-m", "dlcards"]
    env = {**os.environ, "DLCARDS_HOME": home}

    def run() -> None:
        subprocess.run([*argv, *args], env=env, stdout=subprocess.DEVNULL, check=True)

    return run


def report(name: str, value: float, target: float, unit: str = "ms") -> None:
    verdict = "ok" if value <= target else "OVER"
    print(f"{name:<58} {value:9.1f} {unit}   target ≤ {target:g} {unit}   {verdict}")


def bench_cli(tmp: Path) -> None:
    home = str(tmp / "cli-home")
    report("dlcards --help (whole process)", median_ms(command("--help", home=home), 15), 150)
    command("decks", home=home)()  # fill the parse cache once
    report(
        "dlcards decks, shipped decks (whole process, cached)",
        median_ms(command("decks", home=home), 15),
        300,
    )


def bench_parse(tmp: Path) -> None:
    deck = tmp / "ten-k" / "deck.toml"
    write_deck(deck, 10_000, deck_id="ten-k")
    source = DeckSource(deck.resolve(), shipped=False)
    firsts = []
    for i in range(5):
        cache = DeckCache(tmp / f"parse-cache-{i}.sqlite3")
        start = time.perf_counter()
        load_deck(source, cache)  # tomllib, validation, and filling the cache
        firsts.append((time.perf_counter() - start) * 1000)
        cache.close()
    report("10,000-card deck, first parse (into the cache)", statistics.median(firsts), 1000)
    # .cards: the index is decoded lazily, so ask for it as every session does
    cached = median_ms(lambda: load_deck(source, DeckCache(tmp / "parse-cache-0.sqlite3")).cards, 9)
    report("10,000-card deck, from the cache (card index decoded)", cached, 100)


def bench_scale(synthetic: Path, tmp: Path) -> None:
    home = tmp / "scale-home"
    shutil.copytree(synthetic / "home", home)
    for stale in home.glob("cache.sqlite3*"):
        stale.unlink()  # time a true first parse
    decks = synthetic / "decks"
    cache = DeckCache(home / "cache.sqlite3")
    start = time.perf_counter()
    collection = load_collection(None, [decks], cache)
    print(
        f"{'the synthetic deck: first load (parse + fill cache)':<58} "
        f"{(time.perf_counter() - start) * 1000:9.1f} ms"
    )

    def load_all() -> None:
        load_collection(None, [decks], DeckCache(home / "cache.sqlite3"))

    report("the deck from the cache (its card index left encoded)", median_ms(load_all, 5), 1000)

    def load_decoded() -> None:
        for deck in load_collection(None, [decks], DeckCache(home / "cache.sqlite3")).decks:
            deck.cards  # noqa: B018 - decoded: the browser, practice and --tag need it

    print(
        f"{'the deck from the cache, card index decoded':<58} {median_ms(load_decoded, 5):9.1f} ms"
    )
    store = Store.open(home / "progress.sqlite3")
    settings = Settings()  # the defaults: 20 new and 200 reviews a day
    # As a study session starts: the decks read back from the cache.
    collection = load_collection(None, [decks], DeckCache(home / "cache.sqlite3"))

    def start_session() -> StudySession:
        return StudySession(
            store,
            collection,
            "bench",
            settings,
            clock=lambda: datetime.now().astimezone(),
            deck_ids=["synthetic"],
        )

    print(f"{'session queue built (median of 5)':<58} {median_ms(start_session, 5):9.1f} ms")
    session = start_session()
    nexts, grades = [], []
    for i in range(200):
        start = time.perf_counter()
        item = session.next_card()
        nexts.append((time.perf_counter() - start) * 1000)
        if item is None:
            break
        start = time.perf_counter()
        session.grade(item, 3 + i % 3)
        grades.append((time.perf_counter() - start) * 1000)
    report("next card (median of 200)", statistics.median(nexts), 5)
    report("grade committed, synchronous=FULL (median of 200)", statistics.median(grades), 10)


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    synthetic = Path(args[0]) if args else None
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if "--scale-only" not in sys.argv:
            bench_cli(tmp)
            bench_parse(tmp)
        if synthetic is not None:
            bench_scale(synthetic, tmp)
        else:
            print("(no synthetic collection given: run make_synthetic.py OUT and pass OUT)")


if __name__ == "__main__":
    main()
