"""Declarative param specs for compute cards, checked without numpy.

Deck loading validates every compute card's ``params`` (DESIGN §3, §9), and it
must stay fast, so this module is pure Python. Each problem declares its params
once (in :mod:`dlcards.problems.catalog`); the same declarations drive deck
validation, completion with defaults, and the "is this a fixed instance?" test.

Limits (DESIGN §9): no array over 64 per axis or 4096 elements, every number
finite with ``|v| ≤ 1e6``, at most 4 layers/steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

MAX_AXIS = 64
MAX_ELEMENTS = 4096
MAX_ABS = 1e6
MAX_STEPS = 4

Kind = Literal["int", "number", "bool", "choice", "array", "ints", "layers"]


@dataclass(frozen=True)
class Param:
    """One card param.

    kind
        ``int`` / ``number`` (``lo``..``hi`` inclusive), ``bool``, ``choice``
        (one of ``choices``), ``array`` (a number, vector or matrix as nested
        lists; ``ranks`` says which of 0, 1, 2 are allowed), ``ints`` (a list of
        ``min_len``..``max_len`` integers in ``lo``..``hi``; with ``scalar_ok``
        a bare integer is allowed too), ``layers`` (1–4 lists of
        ``[kernel, stride]`` or ``[kernel, stride, dilation]``).
    default
        Used when the param is absent from a fixed instance; ``None`` means
        "absent" (the problem treats it as not asked).
    """

    name: str
    kind: Kind
    doc: str
    lo: float = -MAX_ABS
    hi: float = MAX_ABS
    choices: tuple[str, ...] = ()
    ranks: tuple[int, ...] = (1,)
    min_len: int = 1
    max_len: int = MAX_AXIS
    scalar_ok: bool = False
    default: Any = None


@dataclass(frozen=True)
class Spec:
    """A problem's static description: levels, params and cross-field checks.

    ``required`` returns the params a fixed instance must give (it may depend on
    a selector such as ``layer`` or ``schedule``); ``applies`` says which params
    are meaningful for the given selectors (others are errors); ``cross`` checks
    relations between params that are present (shapes that must agree…).
    """

    name: str
    title: str
    levels: tuple[int, ...]
    params: tuple[Param, ...]
    required: Callable[[Mapping[str, Any]], Sequence[str]]
    applies: Callable[[Mapping[str, Any]], Sequence[str] | None] = lambda p: None
    cross: Callable[[Mapping[str, Any]], list[str]] = lambda p: []
    by_name: dict[str, Param] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {p.name: p for p in self.params})


def req(*names: str) -> Callable[[Mapping[str, Any]], Sequence[str]]:
    """A ``Spec.required`` that needs the same ``names`` whatever the selectors."""
    return lambda p: names


def as_ints(v: object) -> list[int]:
    """An ``ints`` param (a bare integer allowed) as a list."""
    return [v] if isinstance(v, int) else list(v)  # type: ignore[call-overload]


def cross_same_shape(a: str, b: str) -> Callable[[Mapping[str, Any]], list[str]]:
    """A ``Spec.cross`` check that params ``a`` and ``b``, when both given, have one shape."""

    def check(p: Mapping[str, Any]) -> list[str]:
        sa, sb = array_shape(p.get(a)), array_shape(p.get(b))
        if sa is not None and sb is not None and sa != sb:
            return [f"params.{a} and params.{b} must have the same shape ({sa} vs {sb})"]
        return []

    return check


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _num_text(v: float) -> str:
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:g}"


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_number(name: str, value: object, lo: float, hi: float, *, integer: bool) -> list[str]:
    """Messages for one number param (empty when fine)."""
    what = "an integer" if integer else "a number"
    if integer and not _is_int(value):
        return [
            f"params.{name} must be {what} from {_num_text(lo)} to {_num_text(hi)}, "
            f"got {_shown(value)}"
        ]
    if not _is_num(value):
        return [f"params.{name} must be {what}, got {_shown(value)}"]
    assert isinstance(value, int | float)
    if not math.isfinite(value):
        return [f"params.{name} must be finite"]
    if not lo <= value <= hi:
        return [
            f"params.{name} must be {what} from {_num_text(lo)} to {_num_text(hi)}, "
            f"got {_shown(value)}"
        ]
    return []


def array_shape(value: object) -> tuple[int, ...] | None:
    """The shape of a number / list / list of equal-length lists; None if ragged or odd."""
    if _is_num(value):
        return ()
    if not isinstance(value, list):
        return None
    if all(_is_num(v) for v in value):
        return (len(value),)
    if all(isinstance(r, list) and all(_is_num(v) for v in r) for r in value):
        lengths = {len(r) for r in value}
        if len(lengths) == 1:
            return (len(value), lengths.pop())
    return None


def _flat(value: object) -> list[float]:
    if _is_num(value):
        return [value]  # type: ignore[list-item]
    assert isinstance(value, list)
    return [x for v in value for x in _flat(v)]


def check_array(name: str, value: object, p: Param) -> list[str]:
    shape = array_shape(value)
    forms = {0: "a number", 1: "a list of numbers", 2: "a matrix (a list of equal-length rows)"}
    wanted = " or ".join(forms[r] for r in p.ranks)
    if shape is None or len(shape) not in p.ranks:
        return [f"params.{name} must be {wanted}, got {_shown(value)}"]
    if any(n > MAX_AXIS for n in shape):
        return [f"params.{name}: array too large ({max(shape)} > {MAX_AXIS} per axis)"]
    size = math.prod(shape)
    if size > MAX_ELEMENTS:
        return [f"params.{name}: array too large ({size} > {MAX_ELEMENTS} elements)"]
    if shape and min(shape) < p.min_len:
        return [f"params.{name} needs at least {p.min_len} entries per axis"]
    if shape and shape[-1] > p.max_len:
        return [f"params.{name} has {shape[-1]} entries; at most {p.max_len} here"]
    values = _flat(value)
    if not all(math.isfinite(v) for v in values):
        return [f"params.{name} must be finite"]
    bad = [v for v in values if not p.lo <= v <= p.hi]
    if bad:
        return [
            f"params.{name}: values must be from {_num_text(p.lo)} to {_num_text(p.hi)}, "
            f"got {_num_text(bad[0])}"
        ]
    return []


def check_param(p: Param, value: object) -> list[str]:
    """Messages for one param value against its declaration."""
    if p.kind in ("int", "number"):
        return check_number(p.name, value, p.lo, p.hi, integer=p.kind == "int")
    if p.kind == "bool":
        return (
            []
            if isinstance(value, bool)
            else [f"params.{p.name} must be true or false, got {_shown(value)}"]
        )
    if p.kind == "choice":
        if isinstance(value, str) and value in p.choices:
            return []
        options = ", ".join(f'"{c}"' for c in p.choices)
        return [f"params.{p.name} must be one of {options}, got {_shown(value)}"]
    if p.kind == "array":
        return check_array(p.name, value, p)
    if p.kind == "ints":
        if p.scalar_ok and _is_int(value):
            return check_number(p.name, value, p.lo, p.hi, integer=True)
        if not isinstance(value, list) or not all(_is_int(v) for v in value):
            return [f"params.{p.name} must be a list of integers, got {_shown(value)}"]
        if not p.min_len <= len(value) <= p.max_len:
            return [
                f"params.{p.name} must have {p.min_len} to {p.max_len} entries, got {len(value)}"
            ]
        for v in value:
            msgs = check_number(p.name, v, p.lo, p.hi, integer=True)
            if msgs:
                head = f"params.{p.name} must be"
                return [msgs[0].replace(head, f"params.{p.name} entries must be")]
        return []
    return _check_layers(p.name, value)


def _check_layers(name: str, value: object) -> list[str]:
    if not isinstance(value, list) or not value:
        return [f"params.{name} must be a list of [kernel, stride] or [kernel, stride, dilation]"]
    if len(value) > MAX_STEPS:
        return [f"params.{name}: at most {MAX_STEPS} layers, got {len(value)}"]
    for i, layer in enumerate(value):
        ok = isinstance(layer, list) and len(layer) in (2, 3) and all(_is_int(v) for v in layer)
        if not ok:
            return [
                f"params.{name}[{i}] must be [kernel, stride] or [kernel, stride, dilation] "
                f"(integers), got {_shown(layer)}"
            ]
        limits = (("kernel", 1, 15), ("stride", 1, 8), ("dilation", 1, 8))
        for v, (what, lo, hi) in zip(layer, limits, strict=False):
            if not lo <= v <= hi:
                return [f"params.{name}[{i}]: {what} must be from {lo} to {hi}, got {v}"]
    return []
