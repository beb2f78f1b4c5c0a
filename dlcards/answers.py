"""Parsing and formatting typed answers (DESIGN §9).

Pure Python on purpose (no numpy): the TUI calls the parsers on every keystroke
for the live preview, and deck loading must not pay for a numpy import.

Forms understood
----------------
- numbers: ``42``, ``-0.25``, ``.5``, ``3/4``, ``1e-3``, ``2.5E4``, ``2.5×10^-3``,
  with the Unicode minus ``−`` (and other dashes) read as ``-``;
- vectors: ``1 2 3``, ``1, 2, 3``, ``[1, 2, 3]``, ``(1, 2, 3)``;
- matrices: rows separated by ``;`` or newlines, brackets optional:
  ``1 2; 3 4``, ``[[1,2],[3,4]]``, ``[1 2; 3 4]``;
- shapes: ``10x10``, ``10 × 10``, ``(1, 16, 30, 30)``, ``torch.Size([2, 3])``, ``()``;
- tuples: ``(a, b)`` or ``a, b`` (:func:`split_tuple`);
- words: per problem, through :func:`match_word` with a synonym table.

Nothing is ever evaluated: every form is matched by regular expressions and
converted with ``float``/``int``. Anything unreadable raises :class:`AnswerError`
whose ``str`` is one line for the user.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from dlcards.answer_format import (
    describe_array_shape,
    format_array,
    format_matrix,
    format_number,
    format_shape,
    format_vector,
)
from dlcards.wording import article

__all__ = [
    "AnswerError",
    "describe_array_shape",
    "format_array",
    "format_matrix",
    "format_number",
    "format_shape",
    "format_vector",
    "match_word",
    "normalize",
    "parse_array",
    "parse_matrix",
    "parse_number",
    "parse_shape",
    "parse_vector",
    "split_tuple",
]

# The longest answer the limits allow — a 64×64 matrix of values up to ±1e6 — is
# about 40,000 characters typed; beyond this is not an answer.
MAX_CHARS = 100_000
MAX_VALUES = 4096  # DESIGN §9 limit on array elements
# Larger typed numbers are typos, not answers; training compute reaches ~1e25 FLOPs.
MAX_MAGNITUDE = 1e30


class AnswerError(ValueError):
    """A typed answer that cannot be read; ``str(e)`` is one line for the user."""


# Dashes people (and word processors) type for "minus".
_MINUS = str.maketrans({c: "-" for c in "\u2212\u2013\u2014\u2010\u2011\ufe63\uff0d"})
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER_RE = re.compile(_NUMBER)
_FRACTION_RE = re.compile(rf"({_NUMBER})/({_NUMBER})")
# "2.5×10^-3", "2.5 x 10^−3", "2.5·10⁻³", "2.5*10**-3" → "2.5e-3"
_TIMES_TEN_RE = re.compile(
    r"([0-9]|\.)\s*[x×X*·]\s*10\s*(?:(?:\^|\*\*)\s*([+-]?[0-9]+)|([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
)
_SPACED_SLASH_RE = re.compile(r"\s*/\s*")


def normalize(text: str) -> str:
    """Dashes to ``-``, odd spaces to spaces, surrounding whitespace stripped."""
    text = text.translate(_MINUS).replace("\u00a0", " ").replace("\u202f", " ")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_length(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise AnswerError(f"answer too long ({len(text)} characters; at most {MAX_CHARS})")


def _times_ten(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        exponent = m.group(2) or m.group(3).translate(_SUPERSCRIPT)
        return f"{m.group(1)}e{exponent}"

    return _TIMES_TEN_RE.sub(repl, text)


def _to_float(token: str) -> float:
    value = float(token)  # the token matched _NUMBER: float() only converts, never evaluates
    if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
        raise AnswerError(f"{token} is too large to be an answer here")
    return value


def _number_token(token: str) -> float:
    """One token: a number or a fraction ``a/b``; AnswerError otherwise."""
    if _NUMBER_RE.fullmatch(token):
        return _to_float(token)
    m = _FRACTION_RE.fullmatch(token)
    if m:
        num, den = _to_float(m.group(1)), _to_float(m.group(2))
        if den == 0:
            raise AnswerError(f"{token} divides by zero")
        return num / den
    shown = token if len(token) <= 30 else token[:27] + "..."
    raise AnswerError(f"can't read '{shown}' as a number (examples: 0.25, 3/4, -2, 1e-3)")


def parse_number(text: str) -> float:
    """One number: int, decimal, fraction or scientific notation.

    >>> parse_number("−3/4")
    -0.75
    """
    text = normalize(text)
    _check_length(text)
    if not text:
        raise AnswerError("type a number")
    _check_brackets(text)  # "[1, 2": the open bracket is the problem, not the two values
    inner = _strip_brackets(_times_ten(_SPACED_SLASH_RE.sub("/", text)))
    tokens = _split_items(inner)
    if not tokens:
        raise AnswerError("type a number")
    if len(tokens) > 1 or not (_NUMBER_RE.fullmatch(inner) or _FRACTION_RE.fullmatch(inner)):
        _explain_not_a_number(inner, tokens)
    return _number_token(tokens[0])


# "3,000,000" and "3 000 000": one number written in groups of three digits.
_THOUSANDS_RE = re.compile(r"[+-]?[0-9]{1,3}(?:[, ][0-9]{3})+(?:\.[0-9]*)?")
# "10 GiB", "3e21 FLOPs", "10GiB": a number with a unit after it.
# (Letters only: "0x1F" is hexadecimal, and "1e" a number cut short, not units.)
_WITH_UNIT_RE = re.compile(rf"(?!0[xXbBoO])({_NUMBER})\s*([^\W\d_]+(?:/[^\W\d_]+)?)")
_EXPONENT_RE = re.compile(r"[eE]")
# "2.5x", "2.5 ×": the start of 2.5×10^-3, not a unit.
_TIMES_CUT_RE = re.compile(rf"{_NUMBER}\s*([x×X*·])")


def _explain_not_a_number(inner: str, tokens: list[str]) -> None:
    """AnswerError saying what is wrong when ``inner`` is one number written with extras."""
    if _THOUSANDS_RE.fullmatch(inner):
        bare = re.sub("[, ]", "", inner)
        raise AnswerError(f"write it with no thousands separators: {bare}")
    times = _TIMES_CUT_RE.fullmatch(inner)
    if times:
        raise AnswerError(
            f"'{inner[-30:]}' ends with '{times[1]}': type the power of ten after it "
            "(2.5×10^-3), or delete it"
        )
    unit = _WITH_UNIT_RE.fullmatch(inner)
    if unit and not _EXPONENT_RE.fullmatch(unit[2]):
        raise AnswerError(
            f"leave out the unit '{unit[2]}': type only the number, "
            "in the unit the question asks for"
        )
    if len(tokens) > 1:
        raise AnswerError(f"expected a single number, got {len(tokens)} values")


# Entries are separated by one comma (spaces around it are fine) or by spaces.
_ITEM_SEP_RE = re.compile(r"\s*,\s*|\s+")


def _split_items(text: str) -> list[str]:
    """The entries of one row; AnswerError on a dangling comma (``2,``, ``, 2``, ``1,,2``).

    A dangling comma means more was meant to be typed: reading ``2,`` as 2 would
    preview and grade a value the text does not finish giving.
    """
    text = text.strip()
    if not text:
        return []
    _check_separators(text, ",")
    return _ITEM_SEP_RE.split(text)


def _check_separators(text: str, separators: str) -> None:
    """AnswerError when ``text`` starts or ends with a separator, or has two in a row."""
    flat = " ".join(text.split())  # the error is one line: a typed newline shows as a space
    shown = flat if len(flat) <= 30 else flat[:27] + "..."
    if text[0] in separators:
        raise AnswerError(
            f"'{shown}' starts with '{text[0]}': type the number before it, or delete it"
        )
    if text[-1] in separators:
        raise AnswerError(
            f"'{shown}' ends with '{text[-1]}': type the number after it, or delete it"
        )
    if re.search(rf"[{separators}]\s*[{separators}]", text):
        raise AnswerError(f"'{shown}' has two separators in a row")


def _strip_brackets(text: str) -> str:
    """Remove one pair of enclosing brackets or parentheses, if present."""
    text = text.strip()
    if len(text) >= 2 and text[0] + text[-1] in ("[]", "()"):
        return text[1:-1].strip()
    return text


# What numpy and torch print: array([[1, 2], [3, 4]]), tensor([1., 2.], dtype=torch.float64).
_ARRAY_CALL_RE = re.compile(
    r"(?:(?:np|numpy|torch)\.)?(?:array|tensor)\s*\((.*?)(?:,\s*dtype\s*=\s*[\w.]+)?\s*\)",
    flags=re.DOTALL,
)


def _unwrap_array_call(text: str) -> str:
    """The brackets inside a pasted ``array(...)`` or ``tensor(...)``; other text as it is."""
    match = _ARRAY_CALL_RE.fullmatch(text)
    return match.group(1).strip() if match else text


def _check_brackets(text: str) -> int:
    """Raise on unbalanced or too deep brackets; return the maximum depth."""
    depth = deepest = 0
    for ch in text:
        if ch in "[(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "])":
            depth -= 1
            if depth < 0:
                raise AnswerError("a closing bracket has no opening one")
    if depth:
        raise AnswerError("unbalanced brackets: a '[' or '(' is never closed")
    if deepest > 2:
        raise AnswerError("too many nested brackets (a matrix needs at most two levels)")
    return deepest


def parse_array(text: str) -> list[list[float]]:
    """A vector or matrix as a list of rows (a vector is one row).

    Rows are separated by ``;``, newlines or ``], [``; entries by commas or spaces.
    Ragged rows raise :class:`AnswerError`.
    """
    text = normalize(text)
    _check_length(text)
    if not text:
        raise AnswerError("type the numbers, separated by spaces or commas")
    text = _times_ten(_SPACED_SLASH_RE.sub("/", _unwrap_array_call(text)))
    depth = _check_brackets(text)
    if depth == 2:
        text = _strip_brackets(text)  # the outer pair of [[1, 2], [3, 4]]
        if not text.startswith(("[", "(")):
            raise AnswerError("mixed brackets: write [[1, 2], [3, 4]] or 1 2; 3 4")
    # Inner brackets delimit rows: "[1, 2], [3, 4]" → "1, 2; 3, 4".
    text = re.sub(r"[\])]\s*[,;]?\s*[\[(]", ";", text)
    text = _strip_brackets(text)
    if re.search(r"[\[\]()]", text):
        raise AnswerError("brackets in the wrong place: write [[1, 2], [3, 4]] or 1 2; 3 4")
    # ";" then a newline is one row break, like either alone
    lines = [line.strip() for line in re.split(r";[ \t]*\n|[;\n]", text)]
    while lines and not lines[-1]:
        lines.pop()  # a trailing ";" is harmless
    if any(not line for line in lines):
        raise AnswerError("an empty row: separate rows with a single ; or newline")
    rows = [[_number_token(t) for t in _split_items(line)] for line in lines]
    if not rows:
        raise AnswerError("type the numbers, separated by spaces or commas")
    lengths = [len(r) for r in rows]
    if len(set(lengths)) > 1:
        shown = ", ".join(str(n) for n in lengths[:8])
        raise AnswerError(
            f"rows have different lengths ({shown}); give every row as many numbers as the first"
        )
    if len(rows) * lengths[0] > MAX_VALUES:
        raise AnswerError(f"too many values (at most {MAX_VALUES})")
    return rows


def parse_vector(text: str) -> list[float]:
    """A vector: one row, or one column typed as rows of one entry (``1; 2; 3``)."""
    rows = parse_array(text)
    if len(rows) == 1:
        return rows[0]
    if all(len(r) == 1 for r in rows):
        return [r[0] for r in rows]
    raise AnswerError(
        f"expected a list of numbers, got {article(len(rows))} {len(rows)}×{len(rows[0])} "
        "matrix; drop the ;"
    )


def parse_matrix(text: str) -> list[list[float]]:
    """A matrix (see :func:`parse_array`); a single row is a 1×n matrix."""
    return parse_array(text)


_SHAPE_SEPARATORS = "x×X*,"
_SHAPE_SEP = re.compile(rf"[{_SHAPE_SEPARATORS}\s]+")


def parse_shape(text: str) -> tuple[int, ...]:
    """A shape: ``10x10``, ``10 × 10``, ``(1, 16, 30, 30)``, ``(4,)``, ``()``."""
    text = normalize(text)
    _check_length(text)
    if not text:
        raise AnswerError("type a shape, e.g. 10x10 or (1, 16, 30, 30)")
    m = re.fullmatch(r"(?:torch\.)?size\s*\((.*)\)", text, flags=re.IGNORECASE)
    if m:
        text = m.group(1)
    _check_brackets(text)
    inner = _strip_brackets(text)
    if re.search(r"[\[\]()]", inner):
        raise AnswerError("a shape needs at most one pair of brackets, e.g. (1, 16, 30, 30)")
    tokens = [t for t in _SHAPE_SEP.split(inner) if t]
    dims = []
    for t in tokens:
        if not re.fullmatch("[0-9]+", t):
            shown = t if len(t) <= 30 else t[:27] + "..."
            raise AnswerError(
                f"'{shown}' is not a whole number; a shape looks like 10x10 or (1, 16, 30, 30)"
            )
        if len(t.lstrip("0")) > 15:  # int() refuses 4,300+ digits; no side is this long
            raise AnswerError(f"{t[:12]}… is far too large for a side of a shape")
        dims.append(int(t))
    if not dims and not re.fullmatch(r"[\[(]\s*,?\s*[\])]", text):
        # separators alone ("x", "×") are not the empty shape; only () or [] are
        raise AnswerError("type a shape, e.g. 10x10 or (1, 16, 30, 30)")
    if dims:
        # "3x", "x3", "3xx3" are unfinished, not 3 or 3x3; only inside brackets may a
        # comma end the list, as Python writes a 1-D shape: (4,)
        bracketed = inner != text.strip()
        _check_separators(
            inner[:-1].rstrip() if bracketed and inner.endswith(",") else inner, _SHAPE_SEPARATORS
        )
    if len(dims) > 8:
        raise AnswerError(f"a shape with {len(dims)} dimensions is not an answer here")
    return tuple(dims)


# A value's label as the live preview writes it ("v = ", "x:"), and the place before one.
_LABELLED = re.compile(r"\s*[A-Za-z_]\w*\s*[=:](?![=:])")
_BEFORE_LABEL = re.compile(r"\s+(?=[A-Za-z_]\w*\s*[=:](?![=:]))")


def split_tuple(text: str, n: int, *, rest_last: bool = False) -> list[str]:
    """Split ``(a, b)`` or ``a, b`` (or ``a; b``, or ``a b``) into ``n`` parts.

    With ``rest_last`` the last part takes the remaining words when the parts are
    separated by spaces only (``0.002 too high`` → ``["0.002", "too high"]``).
    """
    text = normalize(text)
    _check_length(text)
    _check_brackets(text)
    inner = _strip_brackets(text)
    parts = [p.strip() for p in re.split(r"[,;]", inner)]
    if len(parts) == n and all(parts):
        return parts
    if len(parts) == 1:
        # Labelled values without commas ("v = 0.1 x = -2.9"): split before each label.
        labelled = [p.strip() for p in _BEFORE_LABEL.split(inner) if p.strip()]
        if len(labelled) == n and all(_LABELLED.match(p) for p in labelled):
            return labelled
        words = inner.split()
        if len(words) == n or (rest_last and len(words) > n):
            return words[: n - 1] + [" ".join(words[n - 1 :])]
    got = len([p for p in parts if p]) if len(parts) > 1 else len(inner.split())
    if len(parts) == 1 and _LABELLED.match(inner):  # "v = 0.1" alone: not 3 values
        got = len(labelled)
    raise AnswerError(f"expected {n} values separated by commas, like (a, b); got {got}")


def _word_key(text: str) -> str:
    text = normalize(text).lower()
    text = re.sub(r"[\s_\-]+", " ", text)
    return text.strip(" .!'\"`")


def match_word(text: str, words: Mapping[str, str]) -> str | None:
    """The canonical word for ``text`` from a ``{synonym: canonical}`` table, or None.

    Matching ignores case, surrounding punctuation, and ``_``/``-``/space differences.
    """
    key = _word_key(text)
    for synonym, canonical in words.items():
        if _word_key(synonym) == key:
            return canonical
    return None
