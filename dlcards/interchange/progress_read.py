"""Reading a progress file (see ``dlcards.interchange.progress``): lines, JSON, checked rows.

Every line is checked before anything is merged: a bad one stops the import with
its line number and the reason, and the store is left as it was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard

from dlcards.errors import UserError
from dlcards.interchange.progress_bounds import out_of_range
from dlcards.interchange.progress_fast import graded_row
from dlcards.log import GRADE_KINDS, ROW_KINDS
from dlcards.store_merge import MERGE_FIELDS

FORMAT = "dlcards-progress"
VERSION = 1
FIELDS = MERGE_FIELDS  # a row's keys in the file, in this order
_REQUIRED = ("id", "deck_id", "card_id", "ts", "study_day", "kind")
_OPTIONAL_INTS = ("duration_ms", "repetitions", "easiness", "interval")
_FIELD_SET = frozenset(FIELDS)
MAX_LINE = 1024 * 1024  # a row is a few hundred bytes; an answer or instance a few KiB


def _lines(source: Path, handle: BinaryIO) -> Iterator[tuple[int, str]]:
    number = 0
    while True:
        raw = handle.readline(MAX_LINE + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            raise _bad(source, number, "the line is too long to be a row")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _bad(source, number, "not valid UTF-8") from exc
        yield number, text


def _bad(source: Path, line: int, why: str) -> UserError:
    return UserError(
        f"{source}:{line}: not a dlcards progress row: {why}",
        "fix or re-export the file; your progress was not changed",
    )


def read_rows(source: Path, handle: BinaryIO) -> Iterator[tuple[Any, ...]]:
    lines = _lines(source, handle)
    try:
        first = next(lines, None)
        # An editor may have saved the file with a byte-order mark: it is not part of the JSON.
        header = json.loads(first[1].removeprefix("\ufeff")) if first else None
    except (UserError, ValueError, RecursionError):
        header = None  # not UTF-8, or not JSON: not one of our files at all
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise UserError(
            f"{source}:1: not a dlcards progress file (no header line)",
            "export it with 'dlcards progress export'; nothing was changed",
        )
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UserError(
            f"{source}:1: unknown progress file version {version!r}",
            "export it again; nothing was changed",
        )
    if version > VERSION:
        raise UserError(
            f"{source}: written by a newer dlcards (version {version})",
            "upgrade dlcards; nothing was changed",
        )
    batch: list[tuple[int, str]] = []
    for number, text in lines:
        text = text.strip()
        if text:
            batch.append((number, text))
        if len(batch) >= 1000:
            yield from _decoded(source, batch)
            batch = []
    yield from _decoded(source, batch)


# Two objects on one line ("}, {") would let lines that are not rows by themselves
# add up to the right count of objects: such a line is decoded on its own.
_TWO_OBJECTS = re.compile(r"\}\s*,\s*\{")


def _decoded(source: Path, batch: list[tuple[int, str]]) -> Iterator[tuple[Any, ...]]:
    """The rows of a batch of lines: canonical lines read by a pattern, the others
    decoded as one JSON array when that is safe (twice as fast as line by line: a log
    may have a million lines), else line by line.

    When every line starts with '{', ends with '}' and holds no '}, {', an array of
    as many objects as lines can only split at the line ends: each object is one line.
    """
    rows = [_row_canonical(text) for _, text in batch]
    rest = [line for line, row in zip(batch, rows, strict=True) if row is None]
    values: list[Any] | None = None
    if rest and all(t[0] == "{" and t[-1] == "}" and not _TWO_OBJECTS.search(t) for _, t in rest):
        try:
            values = json.loads("[" + ",".join(t for _, t in rest) + "]")
        except (ValueError, RecursionError):
            values = None
        if values is not None and len(values) != len(rest):
            values = None
    if values is None:
        values = [_json(source, number, text) for number, text in rest]
    decoded = iter(zip(rest, values, strict=True))
    for row in rows:
        if row is None:
            (number, _), value = next(decoded)
            row = _row(source, number, value)
        yield row


def _json(source: Path, number: int, text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _bad(source, number, "not JSON") from exc


_TS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ID = re.compile(r"[^\s\x00-\x1f\x7f]{1,128}")


def _valid_ts(value: Any) -> bool:
    # The log's one format (store.format_ts); fromisoformat then checks the ranges.
    # strptime would cost a third of a million-row import.
    if not isinstance(value, str) or not _TS.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value[:-1])
    except ValueError:
        return False
    return True


def _valid_day(value: Any) -> bool:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _valid_id(value: Any, limit: int = 128) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= limit
        and bool(_ID.fullmatch(value))
        and value.isprintable()
    )


def _int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


_KINDS = frozenset(ROW_KINDS)
_GRADED = frozenset(GRADE_KINDS)


def _row(source: Path, number: int, data: Any) -> tuple[Any, ...]:
    """The row a line holds (values of MERGE_FIELDS); a line that is not one raises, saying why."""
    row = _row_fast(data)
    return row if row is not None else _row_checked(source, number, data)


def _row_fast(data: Any) -> tuple[Any, ...] | None:
    """The usual well-formed row, checked in one pass (a million rows are a million calls);
    None for anything unusual, which _row_checked then explains."""
    if type(data) is not dict or not data.keys() <= _FIELD_SET:
        return None
    get = data.get
    return _usual(tuple(get(name) for name in MERGE_FIELDS))


def _usual(values: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """``values`` (of MERGE_FIELDS) if they make a valid row, else None."""
    (
        row_id,
        deck_id,
        card_id,
        ts,
        day,
        kind,
        grade,
        duration_ms,
        instance,
        answer,
        cancels,
        repetitions,
        easiness,
        interval,
        due,
    ) = values
    if (
        type(row_id) is not str
        or type(deck_id) is not str
        or type(card_id) is not str
        or type(ts) is not str
        or type(day) is not str
        or kind not in _KINDS
    ):
        return None
    if kind in _GRADED:
        if type(grade) is not int or not 0 <= grade <= 5 or cancels is not None:
            return None
    elif kind == "undo":
        if grade is not None or type(cancels) is not str or not _valid_id(cancels, 64):
            return None
    elif grade is not None or cancels is not None:  # suspend, unsuspend, reset: no grade
        return None
    if not (
        _valid_id(row_id, 64)
        and _valid_id(deck_id)
        and _valid_id(card_id)
        and _valid_ts(ts)
        and _valid_day(day)
        and (due is None or _valid_day(due))
    ):
        return None
    for value in (duration_ms, repetitions, easiness, interval):
        if value is not None and (type(value) is not int or not 0 <= value < 2**53):
            return None
    if (instance is not None and type(instance) is not str) or (
        answer is not None and type(answer) is not str
    ):
        return None
    if out_of_range(dict(zip(MERGE_FIELDS, values, strict=True))) is not None:
        return None  # _row_checked says which value
    return values


# A line exactly as `progress export` writes it: every key in order, no spaces, strings
# without escapes (their text is then their value). Matching it is five times faster
# than json.loads; anything else (an instance's quotes, another writer) is decoded.
_STR = r'"([^"\\\x00-\x1f]*)"'
_OPT_STR = r'(?:null|"([^"\\\x00-\x1f]*)")'
_OPT_INT = r"(?:null|(0|[1-9][0-9]{0,15}))"
_CANONICAL = re.compile(
    r'\{"id":'
    + _STR
    + r',"deck_id":'
    + _STR
    + r',"card_id":'
    + _STR
    + r',"ts":'
    + _STR
    + r',"study_day":'
    + _STR
    + r',"kind":'
    + _STR
    + r',"grade":(?:null|([0-5]))'
    + r',"duration_ms":'
    + _OPT_INT
    + r',"instance":'
    + _OPT_STR
    + r',"answer":'
    + _OPT_STR
    + r',"cancels":'
    + _OPT_STR
    + r',"repetitions":'
    + _OPT_INT
    + r',"easiness":'
    + _OPT_INT
    + r',"interval":'
    + _OPT_INT
    + r',"due":'
    + _OPT_STR
    + r"\}"
)
_INT_GROUPS = (6, 7, 11, 12, 13)


def _row_canonical(text: str) -> tuple[Any, ...] | None:
    # Most lines of an exported log: a graded row read in one match (progress_fast).
    row = graded_row(text)
    return row if row is not None else _row_by_pattern(text)


def _row_by_pattern(text: str) -> tuple[Any, ...] | None:
    match = _CANONICAL.fullmatch(text)
    if match is None:
        return None
    values = list(match.groups())
    for index in _INT_GROUPS:
        if values[index] is not None:
            values[index] = int(values[index])
    return _usual(tuple(values))


def _row_checked(source: Path, number: int, data: Any) -> tuple[Any, ...]:
    if not isinstance(data, dict):
        raise _bad(source, number, "expected a JSON object")
    unknown = sorted(data.keys() - _FIELD_SET)
    if unknown:
        raise _bad(source, number, f"unknown field '{unknown[0]}'")
    missing = [k for k in _REQUIRED if data.get(k) is None]
    if missing:
        raise _bad(source, number, f"missing '{missing[0]}'")
    if not _valid_id(data["id"], 64):
        raise _bad(source, number, "'id' must be a row id (a UUID)")
    if not _valid_id(data["deck_id"]) or not _valid_id(data["card_id"]):
        raise _bad(source, number, "'deck_id' or 'card_id' is not a valid id")
    due = data.get("due")
    if (
        not _valid_ts(data["ts"])
        or not _valid_day(data["study_day"])
        or (due is not None and not _valid_day(due))
    ):
        raise _bad(source, number, "'ts', 'study_day' or 'due' is not a valid time")
    kind, grade, cancels = data["kind"], data.get("grade"), data.get("cancels")
    if kind not in ROW_KINDS:
        raise _bad(source, number, f"unknown kind {kind!r}")
    if kind in GRADE_KINDS and not (_int(grade) and 0 <= grade <= 5):
        raise _bad(source, number, "'grade' must be 0–5")
    if kind not in GRADE_KINDS and kind != "undo" and grade is not None:
        raise _bad(source, number, f"a {kind} row has no grade")
    if kind == "undo" and (grade is not None or not _valid_id(cancels, 64)):
        raise _bad(source, number, "an undo row names the row it cancels and has no grade")
    if kind != "undo" and cancels is not None:
        raise _bad(source, number, "only undo rows cancel rows")
    for key in _OPTIONAL_INTS:
        value = data.get(key)
        if value is not None and not (_int(value) and 0 <= value < 2**53):
            raise _bad(source, number, f"'{key}' must be a whole number, 0 or more")
    for key in ("instance", "answer"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise _bad(source, number, f"'{key}' must be text")
    reason = out_of_range(data)
    if reason is not None:
        raise _bad(source, number, reason)
    return tuple(data.get(name) for name in MERGE_FIELDS)
