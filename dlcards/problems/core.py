"""The value types of the compute-problem facade (no numpy)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

Status = Literal["correct", "close", "wrong", "blank"]


@dataclass(frozen=True)
class Instance:
    """One generated (or fixed) problem; stored with each review so it can be replayed.

    ``params`` is complete (every param the problem uses), in JSON types only.
    """

    problem: str
    level: int
    seed: int | None
    params: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(
            {
                "problem": self.problem,
                "level": self.level,
                "seed": self.seed,
                "params": self.params,
            },
            sort_keys=True,
            separators=(",", ":"),
            allow_nan=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Instance:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not an instance: {exc}") from None
        if not isinstance(data, dict) or set(data) != {"problem", "level", "seed", "params"}:
            raise ValueError("not an instance: expected keys problem, level, seed, params")
        problem, level, seed, params = data["problem"], data["level"], data["seed"], data["params"]
        if not isinstance(problem, str) or type(level) is not int or not isinstance(params, dict):
            raise ValueError("not an instance: wrong field types")
        if seed is not None and type(seed) is not int:
            raise ValueError("not an instance: seed must be an integer or null")
        return cls(problem=problem, level=level, seed=seed, params=params)


@dataclass(frozen=True)
class Grid:
    """A matrix or vector for display; cells are already formatted."""

    label: str
    rows: list[list[str]]

    def to_text(self) -> str:
        """The label, then the cells right-aligned in columns."""
        if not self.rows:
            return self.label
        ncols = max(len(r) for r in self.rows)
        widths = [
            max((len(r[c]) for r in self.rows if c < len(r)), default=0) for c in range(ncols)
        ]
        lines = [
            "  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=False)).rstrip()
            for r in self.rows
        ]
        return "\n".join([self.label] + ["  " + line for line in lines])


@dataclass(frozen=True)
class Rendered:
    """A problem's prompt: text, grids shown after it, constants, and how to answer."""

    text: str
    grids: list[Grid]
    constants: list[str]
    answer_hint: str

    def to_text(self) -> str:
        parts = [self.text]
        parts += [g.to_text() for g in self.grids]
        if self.constants:
            parts.append("Constants: " + ", ".join(self.constants))
        parts.append(f"Answer: {self.answer_hint}")
        return "\n\n".join(parts)


@dataclass(frozen=True)
class Verdict:
    """The check of one typed answer (DESIGN §9 suggested grades)."""

    status: Status
    suggested_grade: int
    expected: str
    message: str
    mistake: str | None
