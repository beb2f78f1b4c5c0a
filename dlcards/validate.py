"""``dlcards validate``: every deck parsed, every compute card exercised (DESIGN §7).

A compute card is generated, solved, rendered and re-parsed for 50 seeds at
each level it can reach (a fixed-params card once): its own expected answer
must check as correct, and nothing it shows may be NaN or infinite.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from dlcards.cards import ComputeCard
from dlcards.collection import duplicate_deck_id
from dlcards.deck import DeckError, parse_deck

SEEDS_PER_LEVEL = 50
# A non-finite number as format_number prints it (str(float): "nan", "inf", "-inf") leaking
# into what a card shows. A quoted word is code the prompt quotes on purpose, not a value:
# clip_grad_norm_(..., norm_type=float('inf')) is how torch spells the max norm.
_NON_FINITE = re.compile(r"(?<!['\"])\b(nan|inf|infinity)\b(?!['\"])", re.IGNORECASE)


@dataclass
class ValidationReport:
    decks: int = 0
    cards: int = 0
    compute_checks: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def compute_card_problems(card: ComputeCard, seeds: int = SEEDS_PER_LEVEL) -> tuple[int, list[str]]:
    """Exercise one compute card; return (instances checked, messages)."""
    from dlcards.problems import get_problem, is_fixed, reachable_levels

    problem = get_problem(card.problem)
    fixed = is_fixed(card.problem, card.params)
    levels = reachable_levels(card.problem, card.params, card.level)
    # Fixed params make one instance whatever the seed: check it once.
    runs: list[tuple[int, int | None]] = (
        [(level, None) for level in levels[:1]]
        if fixed
        else [(level, seed) for level in levels for seed in range(seeds)]
    )
    checked = 0
    for level, seed in runs:
        where = f"level {level}" + (f", seed {seed}" if seed is not None else "")
        try:
            instance = problem.make_instance(level=level, seed=seed, fixed=card.params)
            rendered = problem.render(instance)
            expected = problem.expected_text(instance)
            shown = rendered.to_text() + "\n" + expected
            if _NON_FINITE.search(shown) or _has_non_finite(instance.params.values()):
                return checked, [f"{where}: the instance has a non-finite value"]
            verdict = problem.check(instance, expected)
            if verdict.status != "correct":
                return checked, [
                    f"{where}: its own answer {expected!r} is not accepted ({verdict.message})"
                ]
            problem.explain(instance)
        except Exception as exc:  # any failure here is a broken card or problem: report it
            return checked, [f"{where}: {type(exc).__name__}: {exc}"]
        checked += 1
    return checked, []


def _has_non_finite(values: Iterable[object]) -> bool:
    for value in values:
        if isinstance(value, float) and not math.isfinite(value):
            return True
        if isinstance(value, list) and _has_non_finite(value):
            return True
    return False


def validate_files(paths: Iterable[Path], shipped: Iterable[Path] = ()) -> ValidationReport:
    """Check each deck file; ``shipped`` ones may share an id with one other (an override)."""
    report = ValidationReport()
    shipped_files = {p.resolve() for p in shipped}
    owners: dict[tuple[str, bool], Path] = {}  # (deck id, shipped?) -> the first file
    for path in paths:
        report.decks += 1
        try:
            parsed = parse_deck(path, path.read_bytes())
        except DeckError as exc:
            report.errors.extend(exc.messages)
            report.warnings.extend(exc.warnings)
            continue
        except OSError as exc:
            report.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        # A user's deck may replace a shipped one; two of either kind may not share an id.
        owner = owners.setdefault((parsed.header.id, path.resolve() in shipped_files), path)
        if owner != path:
            report.errors.append(duplicate_deck_id(path, parsed.header.id, owner))
        report.warnings.extend(parsed.warnings)
        report.cards += len(parsed.cards)
        for card, line in zip(parsed.cards, parsed.lines, strict=True):
            if isinstance(card, ComputeCard):
                checked, messages = compute_card_problems(card)
                report.compute_checks += checked
                report.errors.extend(f"{path}:{line}: card '{card.id}': {m}" for m in messages)
    return report
