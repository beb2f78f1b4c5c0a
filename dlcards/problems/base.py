"""The Problem base class: instance making, checking, grading, mistake matching.

A problem module subclasses :class:`Problem` and fills in a few hooks:

- ``generate(pick, level)`` draws the unpinned params with ``pick`` (seeded);
- ``nice(params, level)`` rejects draws that are not hand-computable;
- ``kind(params, want)`` the answer kind (tolerance, shape, words);
- ``solve(params)`` the answer, through :mod:`dlcards.kernels`;
- ``question(params)`` the prompt text, grids and constants;
- ``steps(params)`` the worked solution;
- ``mistakes(params)`` ``(description, thunk)`` pairs: the answer a common
  mistake produces. Thunks that fail, give non-finite values, or coincide with
  the right answer (or an earlier mistake) are dropped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar

from dlcards.answers import AnswerError
from dlcards.problems.catalog import SPECS
from dlcards.problems.checks import check_card_params, is_fixed
from dlcards.problems.core import Grid, Instance, Rendered, Verdict
from dlcards.problems.kinds import Kind

if TYPE_CHECKING:
    # numpy loads when a problem first needs it (a draw, a kernel, a check), not with
    # this module: a card whose params are all fixed and whose problem is integer
    # arithmetic (the shipped Compute Drills' first card) is shown without it (issue 13).
    import numpy as np

MAX_ATTEMPTS = 200
FAST_SECONDS = 15.0  # DESIGN §9: correct within 15 s suggests 5

Mistakes = Iterable[tuple[str, Callable[[], Any]]]


def constant(value: Any) -> Callable[[], Any]:
    """A mistake's answer fixed now: a lambda made in a loop would see the loop's last value."""
    return lambda: value


class Reject(Exception):
    """Raised by a generator to throw away the current draw and try again."""


class Picker:
    """Draws params with a seeded Generator; pinned params always win."""

    def __init__(self, rng: np.random.Generator, pinned: dict[str, Any]) -> None:
        self.rng = rng
        self.params: dict[str, Any] = dict(pinned)
        self.pinned = frozenset(pinned)

    def get(self, name: str, draw: Callable[[], Any]) -> Any:
        if name not in self.params:
            self.params[name] = draw()
        return self.params[name]

    def choice(self, name: str, options: Any) -> Any:
        options = list(options)
        return self.get(name, lambda: options[int(self.rng.integers(len(options)))])

    def integer(self, name: str, lo: int, hi: int) -> int:
        """Uniform integer in ``lo..hi`` inclusive."""
        return self.get(name, lambda: int(self.rng.integers(lo, hi + 1)))

    def one(self, options: Any) -> Any:
        """A random element of ``options`` (not stored as a param)."""
        options = list(options)
        return options[int(self.rng.integers(len(options)))]

    def ints(self, lo: int, hi: int, shape: Any) -> list:
        """A nested list of uniform integers in ``lo..hi``."""
        return self.rng.integers(lo, hi + 1, size=shape).tolist()


def jsonable(value: Any) -> Any:
    """numpy scalars/arrays and tuples → plain JSON types."""
    # Without numpy loaded no value can be a numpy one: nothing to convert, no import.
    np = sys.modules.get("numpy")
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bool):
        return value
    if np is None:
        return value
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _finite(value: Any) -> bool:
    import numpy as np

    if isinstance(value, str):
        return True
    if isinstance(value, tuple) and not all(isinstance(v, int) for v in value):
        return all(_finite(v) for v in value)
    try:
        return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))
    except (TypeError, ValueError):
        return True


class Problem:
    """One compute problem type (see the module docstring for the hooks)."""

    name: ClassVar[str] = ""

    def __init__(self) -> None:
        spec = SPECS[self.name]
        self.spec = spec
        self.title: str = spec.title
        self.levels: tuple[int, ...] = spec.levels

    # --- hooks -------------------------------------------------------------

    def generate(self, pick: Picker, level: int) -> None:
        raise NotImplementedError

    def nice(self, params: dict[str, Any], level: int) -> bool:
        return True

    def complete(self, params: dict[str, Any]) -> dict[str, Any]:
        """Fill absent params with their declared defaults (None = stays absent)."""
        full = dict(params)
        for p in self.spec.params:
            if p.name not in full and p.default is not None:
                applies = self.spec.applies(full)
                if applies is None or p.name in applies:
                    full[p.name] = p.default
        return full

    def kind(self, params: dict[str, Any], want: Any) -> Kind:
        raise NotImplementedError

    def solve(self, params: dict[str, Any]) -> Any:
        raise NotImplementedError

    def question(self, params: dict[str, Any]) -> tuple[str, list[Grid], list[str]]:
        raise NotImplementedError

    def steps(self, params: dict[str, Any]) -> list[str]:
        raise NotImplementedError

    def mistakes(self, params: dict[str, Any]) -> Mistakes:
        return ()

    # --- facade ------------------------------------------------------------

    def _level(self, level: int) -> int:
        lower = [lv for lv in self.levels if lv <= level]
        return max(lower) if lower else min(self.levels)

    def make_instance(
        self, *, level: int, seed: int | None, fixed: dict[str, Any] | None = None
    ) -> Instance:
        """A fixed instance (complete params, seed ignored) or a seeded draw."""
        pinned = dict(fixed or {})
        errors = check_card_params(self.name, pinned, None)
        if errors:
            raise ValueError("; ".join(errors))
        level = self._level(level)
        if is_fixed(self.name, pinned):
            return Instance(self.name, level, None, jsonable(self.complete(pinned)))
        if seed is None:
            missing = [n for n in self.spec.required(pinned) if n not in pinned]
            raise ValueError(
                f"{self.name}: params are incomplete (missing {', '.join(missing)}); "
                "a seed is needed to draw them"
            )
        import numpy as np

        rng = np.random.default_rng(seed)
        fallback = None
        for _ in range(MAX_ATTEMPTS):
            pick = Picker(rng, pinned)
            try:
                self.generate(pick, level)
            except Reject:
                continue
            params = jsonable(self.complete(pick.params))
            if check_card_params(self.name, params, None):
                continue  # e.g. a pinned param that this draw's variant does not use
            if self.nice(params, level):
                return Instance(self.name, level, seed, params)
            fallback = fallback or params
        if fallback is not None:  # pinned values the hand-computable filter dislikes
            return Instance(self.name, level, seed, fallback)
        raise ValueError(
            f"could not draw a {self.name} instance at level {level} "
            f"with the pinned params {sorted(pinned)}"
        )

    def render(self, inst: Instance) -> Rendered:
        text, grids, constants = self.question(inst.params)
        want = self.solve(inst.params)
        return Rendered(text, grids, constants, self.kind(inst.params, want).hint_for(want))

    def expected_text(self, inst: Instance) -> str:
        want = self.solve(inst.params)
        return self.kind(inst.params, want).format(want)

    def _mistakes(self, params: dict[str, Any], kind: Kind, want: Any) -> list[tuple[str, Any]]:
        found: list[tuple[str, Any]] = []
        for description, thunk in self.mistakes(params):
            try:
                value = thunk()
            except (ValueError, ArithmeticError, IndexError, FloatingPointError):
                continue  # the mistake has no answer here (e.g. the kernel no longer fits)
            if value is None or not _finite(value) or kind.same(value, want):
                continue
            if any(kind.same(value, other) for _, other in found):
                continue
            found.append((description, value))
        return found

    def misconceptions(self, inst: Instance) -> list[tuple[str, str]]:
        want = self.solve(inst.params)
        kind = self.kind(inst.params, want)
        return [(d, kind.format_mistake(v)) for d, v in self._mistakes(inst.params, kind, want)]

    def check(self, inst: Instance, answer: str, seconds: float | None = None) -> Verdict:
        want = self.solve(inst.params)
        kind = self.kind(inst.params, want)
        expected = kind.format(want)
        if not answer.strip():
            return Verdict("blank", 0, expected, "No answer.", None)
        got = kind.parse(answer)
        status, message = kind.compare(got, want)
        if status == "correct":
            fast = seconds is not None and seconds <= FAST_SECONDS
            return Verdict("correct", 5 if fast else 4, expected, message, None)
        mistake = next(
            (d for d, v in self._mistakes(inst.params, kind, want) if kind.same(got, v)), None
        )
        return Verdict(status, 2 if status == "close" else 1, expected, message, mistake)

    def preview(self, inst: Instance, answer: str) -> Grid | str | None:
        if not answer.strip():
            return None
        try:
            want = self.solve(inst.params)
            return self.kind(inst.params, want).show(self.kind(inst.params, want).parse(answer))
        except AnswerError as exc:
            return str(exc)
        except Exception:  # the preview must never break typing
            return None

    def explain(self, inst: Instance) -> list[str]:
        return self.steps(inst.params)
