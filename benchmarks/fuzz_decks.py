"""Fuzz the deck reader with mutated shipped decks; report uncaught exceptions (target: 0).

    python benchmarks/fuzz_decks.py [--runs 10000] [--seed 1]

Each run takes a shipped deck (its [deck] header and a random window of its
cards), applies 1–4 mutations (byte flips, deletions, duplicated or swapped
chunks, splices from another deck, and hostile tokens: 5,000-digit integers,
deep nesting, control characters, unclosed strings, stray headers) and loads
the result as dlcards does (``load_deck``: parse, validate, index; then
each loaded card as the app shows it). A DeckError is the expected outcome for a
broken deck; anything else escaping is a bug and is printed with its input.

It also reports how often the parser's last-resort guard (``parse_deck`` turning
any exception into a located deck error) had to step in, by type: those are
inputs the validation itself does not explain more precisely.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from dlcards import deck as deck_module  # noqa: E402
from dlcards.collection import Collection, DeckSource, load_deck  # noqa: E402
from dlcards.errors import DeckError  # noqa: E402
from dlcards.textsafe import safe_text  # noqa: E402

TOKENS = [
    b"9" * 5000,
    b"[" * 3000,
    b"{a=" * 1500,
    b"\x1b[2J",
    b"\x1b]52;c;eA==\x07",
    b"\x00",
    b"\xff\xfe",
    b'"""',
    b"'''",
    b'"',
    b"\n[[cards]]\n",
    b"\n[deck]\n",
    b'\nid = "dup"\n',
    b" = ",
    b'type = "choice"\n',
    b'type = "compute"\nproblem = "conv_output_size"\n',
    b"correct = [99]\n",
    b"params = { size = -1 }\n",
    b"level = 4\n",
    b"1e400",
    b"nan",
    b"-inf",
    b"1979-05-27T07:32:00Z",
    b"\\u0000",
    b"\\uD800",
    b"[link=x]",
    b"[/oops]",
    "\u202e\u2028\ufeff".encode(),
]


def _window(raw: bytes, rng: random.Random) -> bytes:
    """The header and a random run of 1–20 card blocks (keeps each run fast)."""
    parts = raw.split(b"\n[[cards]]\n")
    if len(parts) <= 2:
        return raw
    start = rng.randrange(1, len(parts))
    chosen = parts[start : start + rng.randint(1, 20)]
    return b"\n[[cards]]\n".join([parts[0], *chosen])


def _mutate(data: bytes, other: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        size = len(buffer) or 1
        at = rng.randrange(size)
        action = rng.randrange(7)
        if action == 0 and buffer:
            buffer[at] ^= 1 << rng.randrange(8)
        elif action == 1:
            del buffer[at : at + rng.randint(1, 64)]
        elif action == 2:
            chunk = bytes(buffer[at : at + rng.randint(1, 256)])
            buffer[rng.randrange(size) : rng.randrange(size)] = chunk
        elif action == 3:
            start = rng.randrange(len(other) or 1)
            buffer[at:at] = other[start : start + rng.randint(1, 512)]
        elif action == 4:
            buffer[at:at] = rng.choice(TOKENS)
        elif action == 5:
            buffer[at:at] = bytes([rng.randrange(256)])
        else:
            end = min(len(buffer), at + rng.randint(1, 128))
            buffer[at:end] = bytes(reversed(buffer[at:end]))
    return bytes(buffer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    shipped = sorted((REPO / "decks").glob("*.toml"))
    sources = [p.read_bytes() for p in shipped]
    guarded: Counter[str] = Counter()
    real_guard = deck_module.unreadable_deck

    def counting_guard(path: Path, raw: bytes, exc: BaseException) -> str:
        guarded[type(exc).__name__] += 1
        return real_guard(path, raw, exc)

    deck_module.unreadable_deck = counting_guard
    outcomes: Counter[str] = Counter()
    uncaught: list[tuple[int, str]] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="dlcards-fuzz-") as tmp:
        folder = Path(tmp)
        target = folder / "fuzzed.toml"
        for run in range(args.runs):
            base, other = rng.choice(sources), rng.choice(sources)
            data = _mutate(_window(base, rng), other, rng)
            target.write_bytes(data)
            try:
                # As load_collection does for each deck it finds (without the
                # shipped decks, which would be loaded at every run).
                try:
                    loaded = load_deck(DeckSource(target, False), None)
                except DeckError as exc:
                    for message in exc.messages:
                        safe_text(message)
                    outcomes["refused"] += 1
                    continue
                collection = Collection([loaded], [], None)
                for ref in loaded.cards[:3]:
                    safe_text(getattr(collection.card(ref), "front", ""))
                outcomes["loaded"] += 1
            except Exception:  # noqa: BLE001 - counting them is the point
                uncaught.append((run, traceback.format_exc(limit=6)))
                if len(uncaught) <= 3:
                    (folder.parent / f"dlcards-fuzz-crash-{run}.toml").write_bytes(data)
    elapsed = time.perf_counter() - started
    print(
        f"{args.runs} mutated decks in {elapsed:.0f} s: {outcomes['loaded']} loaded, "
        f"{outcomes['refused']} refused with located errors, {len(uncaught)} uncaught exceptions"
    )
    if guarded:
        kinds = ", ".join(f"{n} {name}" for name, n in guarded.most_common())
        print(f"caught by parse_deck's last-resort guard: {kinds}")
    for run, text in uncaught[:3]:
        print(f"--- run {run} ---\n{text}")
    return 1 if uncaught else 0


if __name__ == "__main__":
    raise SystemExit(main())
