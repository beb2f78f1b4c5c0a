"""Deck format v1: located messages for every malformed case, ids, discovery, the cache."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import textwrap
from pathlib import Path

import pytest

from dlcards import deck as deck_module
from dlcards import validate as validate_module
from dlcards.collection import load_collection
from dlcards.deck import DeckError, content_id, parse_deck
from dlcards.deck_cache import DeckCache, FileStamp

from .conftest import run_cli, write_deck

HEADER = '[deck]\nid = "d"\nname = "D"\n'


def errors_of(text: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "deck.toml"
    path.write_text(textwrap.dedent(text), "utf-8")
    with pytest.raises(DeckError) as caught:
        parse_deck(path, path.read_bytes())
    return caught.value.messages


# Each malformed case of DESIGN §3: (deck text, expected line, words in the message)
CASES = {
    "syntax": (HEADER + '\n[[cards]]\nid = "a"\nfront = "unclosed\nback = "b"\n', 7, "TOML syntax"),
    "missing": (HEADER + '\n[[cards]]\nid = "a"\nfront = "F"\n', 5, "missing field 'back'"),
    "unknown": (
        HEADER + '\n[[cards]]\nid = "a"\nfront = "F"\nback = "B"\nhint = "h"\n',
        9,
        "unknown field 'hint'",
    ),
    "wrong type": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "compute"\nproblem = "softmax"\nlevel = "2"\n',
        9,
        "'level' must be an integer",
    ),
    "bool index": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "choice"\nfront = "F"\n'
        'choices = ["x", "y"]\ncorrect = [true]\n',
        10,
        "must be an integer",
    ),
    "duplicate": (
        HEADER + '\n[[cards]]\nid = "a"\nfront = "F"\nback = "B"\n\n[[cards]]\n'
        'id = "a"\nfront = "G"\nback = "C"\n',
        11,
        "duplicate id",
    ),
    "card type": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "cloze"\nfront = "F"\n',
        7,
        "unknown card type 'cloze'",
    ),
    "problem": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "compute"\nproblem = "fft"\n',
        8,
        "unknown problem",
    ),
    "params range": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "compute"\nproblem = "conv_output_size"\n'
        "params = { size = 100000000, kernel_size = 3 }\n",
        9,
        "size",
    ),
    "non-finite": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "compute"\nproblem = "softmax"\n'
        "params = { logits = [1.0, nan, 2.0] }\n",
        9,
        "finite",
    ),
    "params type": (  # a list where a name is expected: a message, not a crash
        HEADER + '\n[[cards]]\nid = "a"\ntype = "compute"\nproblem = "logic_gate"\n'
        'params = { task = ["AND"] }\n',
        9,
        "task",
    ),
    "params zero": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "compute"\nproblem = "lr_schedule"\n'
        'params = { schedule = "inverse_time", k = 0 }\n',
        9,
        "k must be positive",
    ),
    "format": ('[deck]\nid = "d"\nname = "D"\nformat = 3\n', 4, "format 3 is newer"),
    "choice index": (
        HEADER + '\n[[cards]]\nid = "a"\ntype = "choice"\nfront = "F"\n'
        'choices = ["x", "y"]\ncorrect = [2]\n',
        10,
        "out of range",
    ),
    "bad id": (
        HEADER + '\n[[cards]]\nid = "has space"\nfront = "F"\nback = "B"\n',
        6,
        "printable characters without whitespace",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_deck_gives_located_message(case: str, tmp_path: Path) -> None:
    text, line, words = CASES[case]
    messages = errors_of(text, tmp_path)
    located = [m for m in messages if m.startswith(f"{tmp_path / 'deck.toml'}:{line}: ")]
    assert located and words in located[0], messages
    if case not in ("syntax", "format"):
        assert "card 'a'" in located[0] or "card 'has space'" in located[0] or "deck" in located[0]


@pytest.mark.parametrize("case", ["syntax", "unknown", "duplicate", "problem", "format"])
def test_validate_command_fails_on_each_case(case: str, tmp_path: Path, home: Path) -> None:
    text, line, words = CASES[case]
    path = tmp_path / "deck.toml"
    path.write_text(text, "utf-8")
    result = run_cli(home, "validate", str(path))
    assert result.returncode == 1
    assert f"deck.toml:{line}: " in result.stdout and words in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_markers_inside_multiline_strings_do_not_shift_lines(tmp_path: Path) -> None:
    text = HEADER + textwrap.dedent('''
        [[cards]]
        id = "toml-card"
        front = "What does this declare?"
        back = """
        ```toml
        [[cards]]
        id = "inner"
        ```
        """

        [[cards]]
        id = "broken"
        front = "F"
        bak = "x"
        ''')
    messages = errors_of(text, tmp_path)
    where = tmp_path / "deck.toml"
    assert messages == [
        f"{where}:15: card 'broken': missing field 'back'",
        f"{where}:18: card 'broken': unknown field 'bak'",
    ]


def test_card_without_id_gets_a_content_hash_and_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "deck.toml"
    path.write_text(
        HEADER + '\n[[cards]]\nfront = "  What is\\t a   tensor? "\nback = "B"\n', "utf-8"
    )
    parsed = parse_deck(path, path.read_bytes())
    expected = "h-" + hashlib.blake2b(b"What is a tensor?").hexdigest()[:12]
    assert parsed.cards[0].id == expected == content_id("What is a tensor?")
    assert len(parsed.warnings) == 1 and "no id" in parsed.warnings[0]


def test_strict_validate_fails_on_warnings(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "deck.toml"
    path.write_text(HEADER + '\n[[cards]]\nfront = "F"\nback = "B"\n', "utf-8")
    assert run_cli(home, "validate", str(path)).returncode == 0
    strict = run_cli(home, "validate", "--strict", str(path))
    assert strict.returncode == 1 and "warning:" in strict.stdout


def test_validate_prints_errors_as_path_line_message(tmp_path: Path, home: Path) -> None:
    path, hashed = tmp_path / "deck.toml", tmp_path / "hashed.toml"
    path.write_text(CASES["unknown"][0], "utf-8")
    hashed.write_text(HEADER + '\n[[cards]]\nfront = "F"\nback = "B"\n', "utf-8")
    lines = run_cli(home, "validate", str(path), str(hashed)).stdout.splitlines()
    assert lines[0].startswith(f"{path}:{CASES['unknown'][1]}: card 'a': ")
    assert lines[1].startswith(f"{hashed}:5: warning: card 'h-")  # an id from the front


@pytest.fixture
def one_seed_a_level(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validation tries each compute card with 1 seed a level instead of 50.

    Validating every discovered deck also validates the shipped ones (~4,700 compute
    instances, seconds of CPU); test_shipped_decks does that in full once.
    """
    real = validate_module.compute_card_problems
    monkeypatch.setattr(
        validate_module, "compute_card_problems", lambda card, seeds=1: real(card, seeds)
    )


@pytest.mark.usefixtures("one_seed_a_level")
def test_validate_finds_two_decks_with_one_id(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "decks"
    first = write_deck(folder, "same", 1, filename="a.toml")
    second = write_deck(folder, "same", 1, filename="b.toml")
    for args in ([str(first), str(second)], ["--deck-path", str(folder)]):
        if args[0] == "--deck-path":
            result = run_cli(home, *args, "validate")
        else:
            result = run_cli(home, "validate", *args)
        assert result.returncode == 1, result.stdout
        assert f"{second}:2: deck id 'same' is already used by {first}" in result.stdout
    # A deck of yours may still replace a shipped one of the same id.
    mine = write_deck(tmp_path / "mine", "compute-drills", 1)
    assert run_cli(home, "--deck-path", str(mine), "validate").returncode == 0


def test_a_broken_deck_is_one_stderr_line(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "decks"
    write_deck(folder, "good", 1)
    write_deck(folder, "bad", ['[[cards]]\nid = "a"\nfront = 1\nback = 2\nfoo = 3'])
    result = run_cli(home, "--deck-path", str(folder), "decks", "--json")
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"dlcards: {folder / 'bad.toml'}:7: card 'a': ")
    assert "(and 2 more: 'dlcards validate " in lines[0]


def test_one_bad_deck_never_stops_the_others(tmp_path: Path, home: Path) -> None:
    folder = tmp_path / "decks"
    write_deck(folder, "good", 2)
    (folder / "bad.toml").write_text("[deck\n", "utf-8")
    collection = load_collection(None, [folder])
    assert [d.id for d in collection.decks if not d.shipped] == ["good"]
    assert any("bad.toml:1:" in e for e in collection.errors)
    result = run_cli(home, "--deck-path", str(folder), "decks", "--json")
    assert result.returncode == 0 and "bad.toml:1:" in result.stderr
    assert '"id": "good"' in result.stdout


def test_discovery_order_and_overrides(tmp_path: Path) -> None:
    home_decks = tmp_path / "home-decks"
    write_deck(home_decks, "deep-learning-interview", 1, name="Mine", filename="z.toml")
    write_deck(home_decks, "alpha", 1, filename="a.toml")
    extra = tmp_path / "extra"
    write_deck(extra, "gamma", 1, filename="b.toml")
    write_deck(extra, "beta", 1, filename="a.toml")
    (extra / "nested").mkdir()
    write_deck(extra / "nested", "nested", 1)  # found too: a folder is searched recursively
    single = write_deck(tmp_path / "single", "delta", 1)
    collection = load_collection(home_decks, [extra, single])
    ids = [d.id for d in collection.decks]
    shipped = [d.id for d in load_collection(None).decks]  # the shipped decks alone
    assert "deep-learning-interview" in shipped[:-1]  # not last: the test would prove nothing
    # The copy of a shipped deck takes its place (known issue 32: it went to the end).
    assert ids == [*shipped, *("alpha", "beta", "gamma", "nested", "delta")]
    mine = collection.deck("deep-learning-interview")
    assert mine is not None and mine.name == "Mine" and mine.overrides_shipped


def test_two_user_decks_with_one_id_name_both_files(tmp_path: Path) -> None:
    first = write_deck(tmp_path / "a", "same", 1)
    second = write_deck(tmp_path / "b", "same", 2)
    collection = load_collection(None, [first, second])
    assert collection.deck("same").path == first.resolve()
    assert any(str(first.resolve()) in e and str(second.resolve()) in e for e in collection.errors)


def test_deck_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_deck(tmp_path / "a", "from-env-a", 1)
    b = write_deck(tmp_path / "b", "from-env-b", 1)
    monkeypatch.setenv("DLCARDS_DECK_PATH", os.pathsep.join([str(a), str(b.parent)]))
    ids = [d.id for d in load_collection(None).decks]
    assert ids[-2:] == ["from-env-a", "from-env-b"]


def test_unchanged_deck_is_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_deck(tmp_path / "decks", "cached", 5)
    cache = DeckCache(tmp_path / "cache.sqlite3")
    first = load_collection(None, [path], cache)
    calls: list[Path] = []
    real_parse = deck_module.parse_deck

    def counting_parse(p: Path, raw: bytes):
        calls.append(p)
        return real_parse(p, raw)

    monkeypatch.setattr(deck_module, "parse_deck", counting_parse)
    second = load_collection(None, [path], DeckCache(tmp_path / "cache.sqlite3"))
    assert [r.card_id for r in second.deck("cached").cards] == [
        r.card_id for r in first.deck("cached").cards
    ]
    assert second.card(second.deck("cached").cards[2]).front == "Question 3 of cached?"
    assert path.resolve() not in calls

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    load_collection(None, [path], DeckCache(tmp_path / "cache.sqlite3"))
    assert path.resolve() not in calls  # touched, same bytes: still the cache

    path.write_text(path.read_text("utf-8").replace("Answer 3.", "Answer three."), "utf-8")
    third = load_collection(None, [path], DeckCache(tmp_path / "cache.sqlite3"))
    assert path.resolve() in calls
    assert third.card(third.deck("cached").cards[2]).back == "Answer three."

    # Same size, mtime set back by hand (as `touch -r` or an rsync would): still noticed.
    calls.clear()
    before = path.stat()
    path.write_text(path.read_text("utf-8").replace("Answer 4.", "Answer 8."), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    fourth = load_collection(None, [path], DeckCache(tmp_path / "cache.sqlite3"))
    assert path.resolve() in calls
    assert fourth.card(fourth.deck("cached").cards[3]).back == "Answer 8."


def test_a_cache_of_an_older_format_is_emptied_and_rebuilt(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite3"
    old = sqlite3.connect(cache_path)  # format 3: no ctime column, user_version 0
    old.execute(
        "CREATE TABLE decks(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns "
        "INTEGER NOT NULL, digest TEXT NOT NULL, parser TEXT NOT NULL, header TEXT, "
        "refs TEXT, warnings TEXT NOT NULL, errors TEXT NOT NULL)"
    )
    old.commit()
    old.close()
    path = write_deck(tmp_path / "decks", "x", 2)
    load_collection(None, [path], DeckCache(cache_path))
    again = DeckCache(cache_path)
    assert again.lookup(path.resolve(), FileStamp.of(path.stat()), None) is not None


def test_broken_cache_file_is_rebuilt(tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite3"
    cache_path.write_bytes(b"this is not sqlite" * 100)
    path = write_deck(tmp_path / "decks", "x", 2)
    collection = load_collection(None, [path], DeckCache(cache_path))
    assert collection.deck("x") is not None and not collection.errors
