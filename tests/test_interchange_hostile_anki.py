"""Issue 12 #7: what the Anki round trip reads that a hostile file controls — note
types, templates, media names and files, MathJax — with their caps. Each import
either succeeds within bounds or is refused with one line; nothing is written
outside the deck's media folder."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dlcards.interchange import limits
from dlcards.interchange.importer import import_deck
from dlcards.mathtext import readable
from dlcards.media import inside, safe_name

from ._interchange import LEGACY_SCHEMA, deck_cards, snapshot
from .conftest import examples


def package(
    path: Path,
    templates: list[tuple[str, str]],
    notes: list[tuple[list[str], list[int]]],
    *,
    media: dict[str, bytes] | None = None,
    kind: int = 0,
    fields: tuple[str, ...] = ("Front", "Back"),
    name: str = "Hostile",
    css: str = "",
) -> Path:
    """A legacy package (models as JSON, as a crafted file may hold anything)."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(LEGACY_SCHEMA)
    model = {
        "name": name,
        "type": kind,
        "css": css,
        "mod": 5,
        "flds": [{"name": f, "ord": i} for i, f in enumerate(fields)],
        "tmpls": [
            {"name": f"T{i}", "qfmt": q, "afmt": a, "ord": i} for i, (q, a) in enumerate(templates)
        ],
    }
    conn.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
        (json.dumps({"77": model}), json.dumps({"1": {"name": "Deck", "desc": ""}})),
    )
    card_id = 0
    for nid, (values, ords) in enumerate(notes, start=1):
        conn.execute(
            "INSERT INTO notes VALUES (?, ?, 77, 9, 0, '', ?, '', 0, 0, '')",
            (nid, f"g{nid}", "\x1f".join(values)),
        )
        for ord_ in ords:
            card_id += 1
            conn.execute(
                "INSERT INTO cards VALUES (?, ?, 1, ?, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                (card_id, nid, ord_),
            )
    conn.commit()
    database = conn.serialize()
    conn.close()
    names = {str(i): name for i, name in enumerate(media or {})}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("collection.anki2", database)
        archive.writestr("media", json.dumps(names))
        for index, data in enumerate((media or {}).values()):
            archive.writestr(str(index), data)
    return path


BASIC = [("{{Front}}", "{{FrontSide}}<hr id=answer>{{Back}}")]


def run(tmp_path: Path, path: Path) -> Any:
    return import_deck(path, decks_dir=tmp_path / "decks", media_root=tmp_path / "home" / "media")


@pytest.mark.parametrize(
    "name",
    ["../../evil.png", "/etc/evil.png", "..\\..\\evil.png", "sub/../../evil.png", ".evil.png"],
)
def test_media_names_cannot_leave_the_decks_folder(tmp_path: Path, name: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    path = package(
        src / "m.apkg", BASIC, [([f'<img src="{name}">', "b"], [0])], media={name: b"IMG"}
    )
    before = snapshot(tmp_path)
    report = run(tmp_path, path)
    folder = tmp_path / "home" / "media" / report.deck_id
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    new = written - {Path(p) for p in before}
    assert all(str(p).startswith(("decks", f"home/media/{report.deck_id}/")) for p in new)
    assert (folder / "evil.png").read_bytes() == b"IMG"  # kept, under its safe name
    assert not (tmp_path / "evil.png").exists() and not Path("/etc/evil.png").exists()


def test_a_symlink_in_the_media_folder_is_replaced_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_bytes(b"precious")
    folder = tmp_path / "home" / "media" / "m"
    folder.mkdir(parents=True)
    (folder / "a.png").symlink_to(outside)
    src = tmp_path / "src"
    src.mkdir()
    path = package(
        src / "m.apkg", BASIC, [(['<img src="a.png">', "b"], [0])], media={"a.png": b"new"}
    )
    run(tmp_path, path)
    assert outside.read_bytes() == b"precious"
    assert (folder / "a.png").read_bytes() == b"new" and not (folder / "a.png").is_symlink()


def test_media_caps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MEDIA_FILE", 1000)
    import dlcards.interchange.apkg_media as apkg_media

    monkeypatch.setattr(apkg_media, "MAX_MEDIA_FILE", 1000)
    monkeypatch.setattr(apkg_media, "MAX_MEDIA_FILES", 2)
    src = tmp_path / "src"
    src.mkdir()
    media = {"big.png": b"x" * 5000, "a.png": b"a", "b.png": b"b", "c.png": b"c"}
    front = "".join(f'<img src="{n}">' for n in media)
    report = run(tmp_path, package(src / "m.apkg", BASIC, [([front, "b"], [0])], media=media))
    folder = tmp_path / "home" / "media" / report.deck_id
    assert sorted(p.name for p in folder.iterdir()) == ["a.png"]  # big refused, cap of 2
    assert any("3 media file(s) were not copied" in r for r in report.remarks)
    assert len(deck_cards(report.target)) == 1  # the card itself is imported


@pytest.mark.parametrize(
    "bad",
    ["", ".", "..", "/", "\x00", "con.png", " . ", "\n\t"],
)
def test_unusable_media_names_give_no_file(bad: str, tmp_path: Path) -> None:
    assert safe_name(bad) is None
    assert inside(tmp_path, bad) is None


@given(st.text(max_size=300))
@settings(max_examples=examples(3000, 100), deadline=None)
def test_any_media_name_stays_in_the_folder(name: str) -> None:
    folder = Path("/tmp/dlcards-media-check/deck")
    path = inside(folder, name)
    if path is not None:
        assert path.parent == folder
        assert len(path.name) <= 140 and not path.name.startswith(".")


def test_deeply_nested_and_unclosed_sections_render_within_bounds(tmp_path: Path) -> None:
    depth = limits.MAX_SECTION_DEPTH + 500
    deep = "{{#Front}}" * depth + "{{Front}}" + "{{/Front}}" * depth
    unclosed = "{{#Back}}" * 5_000 + "x"  # 45 kB, none closed
    many = "{{#Front}}a{{/Front}}" * 4_000  # 84 kB, linear to render
    src = tmp_path / "src"
    src.mkdir()
    path = package(
        src / "t.apkg",
        [
            (deep, "{{Back}}"),
            (unclosed, "{{Back}}"),
            (many, "{{Back}}"),
            ("{{^Back}}{{/Front}}", "z"),
        ],
        [(["front", "back"], [0, 1, 2, 3])],
    )
    report = run(tmp_path, path)
    assert len(deck_cards(report.target)) >= 1
    assert any("nested more than" in r for r in report.remarks)
    assert any("unclosed" in r for r in report.remarks)


def test_a_template_past_the_cap_is_not_rendered(tmp_path: Path) -> None:
    huge = "{{Front}}" + "x" * limits.MAX_TEMPLATE_CHARS
    src = tmp_path / "src"
    src.mkdir()
    report = run(tmp_path, package(src / "h.apkg", [(huge, "{{Back}}")], [(["f", "b"], [0])]))
    (card,) = deck_cards(report.target)
    assert card["front"] == "f" and "anki" not in card  # read field by field


def test_too_many_templates_or_cards_are_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_CARDS_PER_NOTE", 3)
    src = tmp_path / "src"
    src.mkdir()
    path = package(src / "c.apkg", BASIC * 10, [(["f", "b"], list(range(10)))])
    report = run(tmp_path, path)
    assert len(deck_cards(report.target)) == 3
    assert any("more than 3 cards in one note" in r for r in report.remarks)
    monkeypatch.setattr(limits, "MAX_TEMPLATES", 5)
    report = import_deck(path, decks_dir=tmp_path / "other")
    # Beyond the cap the note type is not rendered: the note is read field by field.
    assert len(deck_cards(report.target)) == 1 and "anki" not in deck_cards(report.target)[0]


@pytest.mark.parametrize("name", ["", "   "])
def test_a_note_type_without_a_name_still_imports(tmp_path: Path, name: str) -> None:
    src = tmp_path / "src"
    src.mkdir()
    report = run(tmp_path, package(src / "n.apkg", BASIC, [(["f", "b"], [0])], name=name))
    assert deck_cards(report.target)[0]["front"] == "f"


def test_huge_css_is_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CSS_CHARS", 100)
    src = tmp_path / "src"
    src.mkdir()
    report = run(tmp_path, package(src / "s.apkg", BASIC, [(["f", "b"], [0])], css="x" * 1000))
    assert "xxxx" not in report.target.read_text("utf-8")


HOSTILE_MATH = [
    "\\(" + "x^{" * 600 + "1" + "}" * 600 + "\\)",
    "\\(" + "{" * 1999 + "\\)",
    "\\(\\begin{array}" * 50 + "\\)",
    "\\(\\frac" * 300 + "\\)",
    "\\(" + "\\sqrt" * 500 + "{x}\\)",
    "\\[" + "a_" * 900 + "\\]",
    "\\(\\undefinedmacro{\\)",
    "\\(" * 5000,
]


@pytest.mark.parametrize("text", HOSTILE_MATH)
def test_hostile_math_never_breaks_the_display(text: str) -> None:
    shown = readable(text)
    assert isinstance(shown, str)


@given(st.text(alphabet="\\(){}[]^_x a1frac", max_size=400))
@settings(max_examples=examples(3000, 100), deadline=None)
def test_any_math_like_text_is_shown(text: str) -> None:
    assert isinstance(readable("\\(" + text + "\\)"), str)
