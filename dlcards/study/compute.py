"""Compute cards in a session: which level, which instance (DESIGN §3, §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dlcards.cards import Card, ComputeCard

if TYPE_CHECKING:
    import numpy as np

    from dlcards.log import CardState
    from dlcards.problems import Instance


class LazyRng:
    """A ``numpy.random.Generator`` made on first use: numpy loads with the first compute card."""

    def __init__(self, rng: np.random.Generator | None = None) -> None:
        self._rng = rng

    def __call__(self) -> np.random.Generator:
        if self._rng is None:
            import numpy as np

            self._rng = np.random.default_rng()
        return self._rng


class UnusableCard(Exception):
    """A compute card whose params yield no instance it can solve.

    The deck loads (each param is valid on its own) but, say, a pinned 64×64
    kernel fits no input the level draws: the session sets the card aside with
    this message instead of stopping; ``dlcards validate`` finds such cards.
    """


def instance_for(card: Card, state: CardState | None, rng: LazyRng) -> Instance | None:
    """The instance a card shows now: a compute card's, else None; UnusableCard if none can be."""
    if not isinstance(card, ComputeCard):
        return None
    from dlcards.problems import get_problem

    try:
        instance = make_instance(card, state.sm2.repetitions if state else 0, rng)
        problem = get_problem(card.problem)
        # Shown, solved and explained below: a card whose params break any of it is unusable.
        problem.render(instance)
        problem.expected_text(instance)
        problem.explain(instance)
    except Exception as exc:  # whatever breaks here is the card's params: say so, go on
        raise UnusableCard(str(exc)) from exc
    return instance


def unusable_notice(deck_id: str, card_id: str, exc: UnusableCard) -> str:
    """What the UIs say of a card set aside (one line)."""
    return (
        f"Skipped {deck_id}:{card_id}: it cannot be shown ({exc}) — "
        "'dlcards validate' checks its deck."
    )


def level_for(card: ComputeCard, repetitions: int) -> int:
    """The card's pinned level, else 1 for 0–1 repetitions, 2 for 2–3, 3 after."""
    from dlcards.problems import get_problem, reachable_levels

    if card.level is not None:
        return card.level
    wanted = 1 if repetitions <= 1 else 2 if repetitions <= 3 else 3
    levels = reachable_levels(card.problem, card.params, None) or get_problem(card.problem).levels
    # A problem without this level uses its nearest lower one (or its lowest).
    lower = [lv for lv in levels if lv <= wanted]
    return max(lower) if lower else min(levels)


def make_instance(card: ComputeCard, repetitions: int, rng: LazyRng) -> Instance:
    """The instance to show: the card's fixed params, or a fresh seeded draw.

    The generator is made only for a draw: a card with fixed params shows without
    numpy.random (issue 13), and without numpy when its problem only counts.
    """
    from dlcards.problems import get_problem, is_fixed

    problem = get_problem(card.problem)
    level = level_for(card, repetitions)
    if is_fixed(card.problem, card.params):
        return problem.make_instance(level=level, seed=None, fixed=card.params)
    seed = int(rng().integers(0, 2**31 - 1))
    return problem.make_instance(level=level, seed=seed, fixed=card.params)
