"""Generate a synthetic collection: a deck of N cards and a review log of M rows.

    python benchmarks/make_synthetic.py OUT [--cards 100000] [--reviews 1000000]

writes OUT/decks/synthetic.toml and OUT/home/progress.sqlite3 (profile "bench"),
so that ``dlcards --home OUT/home --deck-path OUT/decks …`` runs on it. The log
is written through the store's schema and the state cache rebuilt by replay, so
the database is exactly what years of daily study would leave.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dlcards.log import format_ts  # noqa: E402
from dlcards.store import Store  # noqa: E402

PROFILE = "bench"
DECK_ID = "synthetic"
TOPICS = ["cnn", "optimizers", "losses", "transformers", "evaluation", "generative"]


def write_deck(path: Path, cards: int, deck_id: str = DECK_ID) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = [f'[deck]\nid = "{deck_id}"\nname = "Synthetic {cards:,}"\ntags = ["synthetic"]\n']
    for i in range(cards):
        topic = TOPICS[i % len(TOPICS)]
        parts.append(
            f'\n[[cards]]\nid = "s{i:06d}"\nfront = "Synthetic question {i} about {topic}: '
            f'what is {i} × 3?"\nback = """\n**{i * 3}.** Multiply {i} by three; a longer '
            f"explanation follows so the card has realistic length, with `code` and a list:\n\n"
            f'- first point about {topic}\n- second point\n"""\ntags = ["{topic}", '
            f'"level-{i % 3 + 1}"]\n'
        )
    path.write_text("".join(parts), "utf-8")


def write_log(database: Path, cards: int, reviews: int, today: date) -> None:
    rng = random.Random(7)
    store = Store.open(database)
    first_day = today - timedelta(days=900)
    per_card = max(1, reviews // max(1, cards // 2))  # about half the cards seen, the rest new
    rows = []
    count = 0
    for i in range(cards):
        if count >= reviews:
            break
        day = first_day + timedelta(days=rng.randrange(0, 600))
        for _ in range(per_card):
            if count >= reviews:
                break
            moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(0, 36000), microseconds=count
            )
            grade = rng.choices([1, 2, 3, 4, 5], weights=[5, 5, 20, 45, 25])[0]
            rows.append(
                (
                    str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    PROFILE,
                    DECK_ID,
                    f"s{i:06d}",
                    format_ts(moment),
                    day.isoformat(),
                    "review",
                    grade,
                    rng.randrange(2000, 30000),
                )
            )
            count += 1
            day += timedelta(days=rng.randrange(1, 40))
            if day > today:  # a card's history stops at today, as real ones do
                break
    with store.transaction() as conn:
        store.ensure_profile(PROFILE, datetime.now(UTC))
        conn.executemany(
            "INSERT INTO reviews (id, profile, deck_id, card_id, ts, study_day, kind, grade, "
            "duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    store.rebuild_states(PROFILE)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    write_deck(args.out / "decks" / "synthetic.toml", args.cards)
    home = args.out / "home"
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    (home / "config.toml").write_text(f'user = "{PROFILE}"\n', "utf-8")
    database = home / "progress.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    write_log(database, args.cards, args.reviews, date.today())
    print(
        f"wrote {args.cards:,} cards and {args.reviews:,} reviews to {args.out} "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
