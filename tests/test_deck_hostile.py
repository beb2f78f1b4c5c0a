"""One hostile deck file never stops the others (issue 11 #2, DESIGN §3)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dlcards import collection
from dlcards.collection import load_collection

from .conftest import run_cli, write_deck

HOSTILE = {
    "digits": '[deck]\nid = "digits"\nname = "Digits"\nformat = ' + "9" * 5000 + "\n",
    "nested": '[deck]\nid = "nested"\nname = "N"\ndescription = ' + "[" * 3000 + "]" * 3000,
    "inline": '[deck]\nid = "inline"\nname = "I"\nx = ' + "{a=" * 3000 + "1" + "}" * 3000,
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_every_command_survives_a_hostile_deck(tmp_path: Path, kind: str) -> None:
    home = tmp_path / "home"
    write_deck(home / "decks", "good", 2)
    bad = tmp_path / "elsewhere" / f"{kind}.toml"
    bad.parent.mkdir()
    bad.write_text(HOSTILE[kind], "utf-8")
    for where in ({"DLCARDS_DECK_PATH": str(bad)}, {}):
        args = [] if where else ["--deck-path", str(bad)]
        listed = run_cli(home, *args, "decks", "--json", **where)
        assert listed.returncode == 0, listed.stderr
        assert "good" in [d["id"] for d in json.loads(listed.stdout)]
        assert f"{bad}:" in listed.stderr and "unexpected" not in listed.stderr
        stats = run_cli(home, *args, "stats", "--json", **where)
        assert stats.returncode == 0 and "unexpected" not in stats.stderr, stats.stderr
    checked = run_cli(home, "validate", str(bad))
    assert checked.returncode == 1 and f"{bad}:" in checked.stdout + checked.stderr
    assert "unexpected" not in checked.stdout + checked.stderr
    imported = run_cli(home, "import", str(bad))
    assert imported.returncode == 1 and imported.stderr.count("\n") == 1, imported.stderr
    assert f"{bad}:" in imported.stderr and "unexpected" not in imported.stderr


def test_a_hostile_deck_in_the_home_folder_leaves_the_rest_loaded(tmp_path: Path) -> None:
    decks = tmp_path / "decks"
    write_deck(decks, "good", 2)
    (decks / "bad.toml").write_text(HOSTILE["digits"], "utf-8")
    loaded = load_collection(decks)
    assert "good" in [d.id for d in loaded.decks]
    assert any(e.startswith(f"{decks / 'bad.toml'}:4: a number") for e in loaded.errors)


@pytest.mark.parametrize("error", [MemoryError, RecursionError, KeyError, OverflowError])
def test_any_failure_while_reading_one_deck_is_that_decks_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: type[Exception]
) -> None:
    decks = tmp_path / "decks"
    write_deck(decks, "good", 2)
    write_deck(decks, "zzz", 2)
    real = collection._parse

    def flaky(path: Path, raw: bytes):  # type: ignore[no-untyped-def]
        if path.name == "zzz.toml":
            raise error("boom")
        return real(path, raw)

    monkeypatch.setattr(collection, "_parse", flaky)
    loaded = load_collection(decks)
    assert "good" in [d.id for d in loaded.decks]
    assert [e for e in loaded.errors if str(decks / "zzz.toml") in e]
