"""Shared setup of the TUI tests: fixed decks, a fixed day, a frozen timer (no tests here).

The decks are written by the tests (never the shipped decks, whose text changes),
the clock is fixed, compute instances are seeded, and the session's timer is
frozen, so pilot tests and snapshots are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from dlcards.collection import Collection, DeckSource, load_deck
from dlcards.config import Home, Settings
from dlcards.deck import DeckError
from dlcards.deck_cache import DeckCache
from dlcards.store import Store
from dlcards.tui.app import DlcardsApp, make_app

from .conftest import write_deck

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)  # a Monday; the study day is 2026-03-02
SIZE = (80, 24)
LARGE = (120, 40)

BASICS = [
    '''
    [[cards]]
    id = "relu"
    front = "What does **ReLU** compute, and what is its derivative?"
    back = """
    **ReLU(x) = max(0, x).** Its derivative is 1 for x > 0 and 0 for x < 0
    (frameworks use 0 at x = 0).

    ```python
    import numpy as np
    def relu(x):
        return np.maximum(0, x)
    ```
    """
    tags = ["activations"]
    ''',
    '''
    [[cards]]
    id = "vanishing"
    front = "Why do gradients vanish in deep sigmoid networks?"
    back = """
    The derivative of the sigmoid is at most 0.25. Backpropagation multiplies one such
    factor per layer, so after n layers the gradient is scaled by at most 0.25ⁿ.

    - ReLU keeps a derivative of 1 on its active side.
    - Residual connections give the gradient a short path.
    - Careful initialization (Xavier, He) keeps the scale steady.
    - Normalization layers keep activations in a good range.
    - LSTMs and GRUs gate the recurrent path.

    Each of these keeps the product of the per-layer factors close to 1, so early
    layers still learn. Without them, the first layers of a 20-layer sigmoid net
    barely move while the last ones train.
    """
    tags = ["optimization"]
    ''',
    """
    [[cards]]
    id = "activations"
    type = "choice"
    front = "Which of these are activation functions?"
    choices = ["`ReLU`", "Adam", "GELU", "Dropout"]
    correct = [0, 2]
    back = "Adam is an optimizer and dropout a regularizer."
    """,
]

COMPUTE = [
    """
    [[cards]]
    id = "pool"
    type = "compute"
    problem = "pool2d"
    back = "Max pooling keeps the largest value of each window."
    [cards.params]
    x = [[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]]
    kernel_size = 2
    stride = 2
    mode = "max"
    """,
    """
    [[cards]]
    id = "conv-size"
    type = "compute"
    problem = "conv_output_size"
    front = "Output size of a convolution layer."
    """,
]

POOL_ANSWER = "4 5; 6 3"


class FrozenTimer:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    """What a test's app runs on; ``app()`` builds a fresh app on it."""

    root: Path
    home: Home
    store: Store
    deck_dir: Path
    timer: FrozenTimer = field(default_factory=FrozenTimer)
    profile: str = "alice"
    settings: Settings = field(default_factory=Settings)

    cache: DeckCache | None = None

    def collection(self) -> Collection:
        decks, errors = [], []
        for path in sorted(self.deck_dir.glob("*.toml")):
            try:
                decks.append(load_deck(DeckSource(path.resolve(), False), self.cache))
            except DeckError as exc:
                errors.extend(exc.messages)
        return Collection(decks, errors, self.cache)

    def app(self, **options: object) -> DlcardsApp:
        collection = self.collection()
        args: dict[str, object] = dict(
            store=self.store,
            collection=collection,
            settings=self.settings,
            profile=self.profile,
            home=self.home,
            clock=lambda: NOW,
            rng=np.random.default_rng(7),
            timer=self.timer,
            reload=self.collection,
        )
        args.update(options)
        return make_app(**args)  # type: ignore[arg-type]


def make_world(tmp_path: Path, *, decks: str = "both") -> World:
    """A home, an in-memory store and the fixed decks (``basics``, ``compute`` or ``both``)."""
    home = Home(tmp_path / "home")
    deck_dir = tmp_path / "decks"
    deck_dir.mkdir(parents=True, exist_ok=True)
    if decks in ("basics", "both"):
        write_deck(deck_dir, "neural", BASICS, name="Neural Basics", tags=["dl"])
    if decks in ("compute", "both"):
        write_deck(deck_dir, "drills", COMPUTE, name="Compute Drills")
    return World(tmp_path, home, Store.open(None), deck_dir)
