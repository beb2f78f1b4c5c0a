"""Decks read with rtoml give exactly what tomllib gives: the same data, the same errors.

tomllib is the independent oracle here: every comparison is against
``tomllib.loads`` of the same text, and ``parse_deck`` against ``parse_deck`` with
tomllib alone.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
import rtoml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcards import deck as deck_module
from dlcards import toml_read
from dlcards.deck import DeckError, parse_deck

from .conftest import examples


def outcome(read: Any, text: str) -> str:
    """The data's repr (so NaN, -0.0, tzinfo classes and key order all count), or the error."""
    try:
        return "data " + repr(read(text))
    except tomllib.TOMLDecodeError as exc:
        return f"TOMLDecodeError {exc}"
    except (ValueError, RecursionError) as exc:
        return type(exc).__name__


# Texts on which rtoml 0.14 and tomllib disagree (found by probing both): each
# must read as tomllib reads it.
DIVERGENT = {
    "crlf in a multi-line string": 'a = """x\r\ny"""\n',
    "crlf in a multi-line literal string": "a = '''x\r\ny'''\n",
    "a carriage return before crlf": 'a = "D"\r\r\nb = 1\r\n',
    "time without seconds": "a = 07:32\n",
    "datetime without seconds": "a = 1979-05-27T07:32Z\n",
    "offset datetime (tzinfo class)": "a = 1979-05-27T07:32:00+01:00\n",
    "inf and nan": "a = inf\nb = -nan\nc = +inf\n",
    "float overflow": "a = 1e400\n",
    "escape \\e": 'a = "\\e"\n',
    "escape \\x": 'a = "\\x41"\n',
    "newline in an inline table": "a = {b = 1,\nc = 2}\n",
    "comment in an inline table": "a = {b = 1, # note\nc = 2}\n",
    "newline before a closing brace": "a = {b = 1\n}\n",
    "trailing comma in an inline table": "a = {b = 1,}\n",
    "byte-order mark": "\ufeffa = 1\n",
    "integer of 39 digits": "a = " + "9" * 39 + "\n",
    "integer of 4,301 digits": "a = " + "9" * 4301 + "\n",
    "arrays nested 400 deep": "a = " + "[" * 400 + "]" * 400 + "\n",
    "inline tables nested 400 deep": "a = " + "{b = " * 400 + "1" + "}" * 400 + "\n",
}

# Texts rtoml reads, on which it must agree with tomllib without tomllib's help.
AGREEING = {
    "key order": "z = 1\na = 2\n[m]\nb = 1\na = 2\n",
    "empty key": '"" = 1\n',
    "64-bit edges and beyond": "a = -9223372036854775808\nb = 0xFFFFFFFFFFFFFFFF\nc = "
    + "9" * 38
    + "\n",
    "negative zero and subnormals": "a = -0.0\nb = 4.9e-324\nc = 1e308\nd = 1_000.5e-3\n",
    "dotted keys then a subtable": "a.b = 1\na.c = 2\n[a.d]\n",
    "quotes inside multi-line strings": "a = '''''x'''''\nb = \"\"\"\"\"y\"\"\"\"\"\n",
    "braces inside strings": 'a = "{"\nb = \'}\'\nc = """{\n}"""\n# {\n',
    "one-line inline tables": 'a = {b = 1, c = {d = "}"}}\ne = [{f = 1}, {g = 2}]\n',
    "arrays spanning lines": "a = [\n  1,\n  2,\n]\n",
}


@pytest.mark.parametrize("text", list(DIVERGENT.values()), ids=list(DIVERGENT))
def test_where_rtoml_differs_tomllib_decides(text: str) -> None:
    assert outcome(toml_read.loads, text) == outcome(tomllib.loads, text)


def test_the_divergent_texts_really_diverge() -> None:
    # Guards the table above: if a new rtoml stops differing, the case still
    # passes, but at least one must still differ or the checks prove nothing.
    differing = [
        t for t in DIVERGENT.values() if outcome(rtoml.loads, t) != outcome(tomllib.loads, t)
    ]
    assert len(differing) >= 10


@pytest.mark.parametrize("text", list(AGREEING.values()), ids=list(AGREEING))
def test_where_rtoml_agrees_it_is_used(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = outcome(tomllib.loads, text)
    monkeypatch.setattr(toml_read.tomllib, "loads", _refuse)
    assert outcome(toml_read.loads, text) == expected


def _refuse(text: str) -> dict[str, Any]:
    raise AssertionError("tomllib was asked, though rtoml's reading was safe")


# Documents shaped like decks, with the tricky parts above mixed in.
KEYS = st.sampled_from(["id", "front", "back", "type", "tags", "a.b", '""', '"k y"', "x-1", "inf"])
STRINGS = st.lists(
    st.sampled_from(list("ab {}#'\"\\\n\r\t\x01\x7fé😀") + ["\\e", "\\x41", "\\u00e9"]),
    max_size=8,
).map("".join)
SCALARS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats().map(lambda f: repr(f).replace("e+", "e")),
    st.sampled_from(
        ["inf", "-nan", "-0.0", "1e400", "0x_1", "01", "1_000", "true", "1979-05-27", "07:32"]
        + ["07:32:00", "1979-05-27T07:32:00+01:00", "1979-05-27 07:32Z", "1979-02-30"]
    ),
    STRINGS.map(lambda s: f'"{s}"'),
    STRINGS.map(lambda s: f"'{s}'"),
    STRINGS.map(lambda s: f'"""{s}"""'),
    STRINGS.map(lambda s: f"'''{s}'''"),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda v: "[" + ", ".join(v) + "]"),
        st.lists(inner, max_size=3).map(lambda v: "[\n" + ",\n".join(v) + ",\n]"),
        st.lists(st.tuples(KEYS, inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"
        ),
        st.lists(st.tuples(KEYS, inner), min_size=1, max_size=3).map(
            lambda kv: "{" + ",\n".join(f"{k} = {v}" for k, v in kv) + ",}"
        ),
        st.lists(st.tuples(KEYS, inner), min_size=1, max_size=3).map(
            lambda kv: "{\n" + ",\n".join(f"{k} = {v}" for k, v in kv) + "\n}"
        ),
    ),
    max_leaves=6,
)
LINES = st.one_of(
    st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    st.sampled_from(["[[cards]]", "[deck]", "[a.b]", "[[a]]", "# {", "", "[cards.anki]"]),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = ["[deck]", 'id = "d"', 'name = "D"', "", "[[cards]]", 'id = "c1"']
    lines += draw(st.lists(LINES, max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + newline
    if draw(st.booleans()):  # a stray character anywhere, to make invalid documents
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(list("{}[],=\"'#\n\r\\\x00\ufeff"))) + text[at:]
    return text


@settings(
    max_examples=examples(2500, 100), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(documents())
def test_rtoml_reading_matches_tomllib(text: str) -> None:
    assert outcome(toml_read.loads, text) == outcome(tomllib.loads, text)


def _deck_outcome(path: Path, raw: bytes) -> str:
    try:
        parsed = parse_deck(path, raw)
    except DeckError as exc:
        return f"DeckError {exc.messages} {exc.warnings}"
    return repr((parsed.header, parsed.cards, parsed.lines, parsed.warnings))


@settings(
    max_examples=examples(1000, 50), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(documents())
def test_parse_deck_matches_tomllib_alone(text: str) -> None:
    path = Path("deck.toml")
    raw = text.encode("utf-8", "surrogatepass")
    fast = _deck_outcome(path, raw)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(deck_module, "toml_loads", tomllib.loads)
        assert _deck_outcome(path, raw) == fast
