"""Hostile and broken files: each gets one clear message naming the file, and nothing changes."""

from __future__ import annotations

import os
import struct
import zipfile
from pathlib import Path

import pytest

from dlcards.errors import UserError
from dlcards.interchange import limits
from dlcards.interchange.importer import import_deck

from ._interchange import Note, legacy_database, snapshot, v18_database, zip_bytes, zstd
from .conftest import write_deck

NOTES = [Note(["Q1", "A1"], "g1"), Note(["Q2", "A2"], "g2")]


@pytest.fixture
def decks(tmp_path: Path) -> Path:
    """A home decks folder that already holds a deck, to show it is left alone."""
    folder = tmp_path / "decks"
    write_deck(folder, "dl", 3)
    write_deck(folder, "bad", 2)  # the target of every import below
    return folder


def refused(path: Path, decks: Path, *words: str) -> str:
    before = snapshot(decks)
    with pytest.raises(UserError) as caught:
        import_deck(path, decks_dir=decks, deck_id="bad")
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    for word in words:
        assert word in message
    assert snapshot(decks) == before
    return message


def good_package(tmp_path: Path) -> bytes:
    return zip_bytes({"collection.anki2": legacy_database(NOTES), "media": b"{}"})


def test_a_good_package_imports(tmp_path: Path, decks: Path) -> None:
    path = tmp_path / "ok.apkg"
    path.write_bytes(good_package(tmp_path))
    assert import_deck(path, decks_dir=decks, deck_id="other").imported == 2


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_package(tmp_path: Path, decks: Path, keep: float) -> None:
    data = good_package(tmp_path)
    path = tmp_path / "cut.apkg"
    path.write_bytes(data[: int(len(data) * keep)])
    refused(path, decks, "not a readable .apkg")


def test_corrupted_member_data(tmp_path: Path, decks: Path) -> None:
    data = bytearray(good_package(tmp_path))
    start = data.index(b"collection.anki2") + len("collection.anki2")
    for i in range(start + 200, start + 260):
        data[i] ^= 0x5A
    path = tmp_path / "flipped.apkg"
    path.write_bytes(bytes(data))
    refused(path, decks, "not a readable .apkg")


def test_zip_bomb_by_ratio(tmp_path: Path, decks: Path) -> None:
    path = tmp_path / "bomb.apkg"
    path.write_bytes(zip_bytes({"collection.anki2": b"\0" * (40 * 1024 * 1024)}))
    assert path.stat().st_size < 200_000
    refused(path, decks, "refused", "expands more than 100×")


def test_zip_bomb_by_size(tmp_path: Path, decks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real cap is 200 MB; a 3 MB incompressible member shows the same check at 2 MB.
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    path = tmp_path / "big.apkg"
    path.write_bytes(zip_bytes({"collection.anki2": os.urandom(3 * 1024 * 1024)}))
    refused(path, decks, "refused", "more than 2 MB")


def test_zstd_bomb_inside_the_package(tmp_path: Path, decks: Path) -> None:
    bomb = zstd(b"\0" * (300 * 1024 * 1024))  # no size in the frame header, as Anki writes
    assert len(bomb) < 100_000
    path = tmp_path / "zbomb.apkg"
    path.write_bytes(zip_bytes({"collection.anki21b": bomb}, zipfile.ZIP_STORED))
    refused(path, decks, "refused", "(zstd)")  # quickly: benchmarks/bench_hostile.py


def test_zstd_stream_over_the_size_cap(
    tmp_path: Path, decks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    path = tmp_path / "zbig.apkg"
    path.write_bytes(
        zip_bytes({"collection.anki21b": zstd(os.urandom(3 * 1024 * 1024))}, zipfile.ZIP_STORED)
    )
    refused(path, decks, "refused", "more than 2 MB")


def test_corrupted_zstd_stream(tmp_path: Path, decks: Path) -> None:
    data = bytearray(zstd(v18_database(NOTES)))
    for i in range(20, 60):
        data[i] ^= 0xFF
    path = tmp_path / "badz.apkg"
    path.write_bytes(zip_bytes({"collection.anki21b": bytes(data)}))
    refused(path, decks, "not a readable .apkg")


def test_a_header_that_lies_about_the_size_is_not_trusted(tmp_path: Path, decks: Path) -> None:
    data = bytearray(zip_bytes({"collection.anki2": b"\0" * (5 * 1024 * 1024)}))
    # Claim 1,000 bytes in both the local header and the central directory.
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, 1000)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    path = tmp_path / "liar.apkg"
    path.write_bytes(bytes(data))
    refused(path, decks, "not a readable .apkg")


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "a/../../b", "C:\\x", "..\\x"])
def test_unsafe_member_names(tmp_path: Path, decks: Path, name: str) -> None:
    path = tmp_path / "names.apkg"
    path.write_bytes(zip_bytes({"collection.anki2": legacy_database(NOTES), name: b"x"}))
    refused(path, decks, "unsafe path")
    assert not (tmp_path.parent / "evil").exists()


@pytest.mark.parametrize(
    ("members", "words"),
    [
        ({"media": b"{}"}, "no Anki collection inside"),
        ({"collection.anki2": b"not a database at all" * 100}, "not a readable .apkg"),
        ({"collection.anki21b": b"plain bytes, not zstd"}, "not valid zstd"),
    ],
)
def test_packages_without_a_usable_collection(
    tmp_path: Path, decks: Path, members: dict[str, bytes], words: str
) -> None:
    path = tmp_path / "odd.apkg"
    path.write_bytes(zip_bytes(members))
    refused(path, decks, words)


def test_an_apkg_that_is_not_a_zip(tmp_path: Path, decks: Path) -> None:
    path = tmp_path / "text.apkg"
    path.write_text("front\tback\n", "utf-8")
    refused(path, decks, "not a readable .apkg")


def test_invalid_utf8_in_a_csv(tmp_path: Path, decks: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("front,back\nCafé,Crème\n".encode("latin-1"))
    message = refused(path, decks, "not valid UTF-8")
    assert "latin1.csv:2:" in message


def test_truncated_csv(tmp_path: Path, decks: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text('front,back\nq1,a1\nq2,"the answer was cut', "utf-8")
    message = refused(path, decks, "not closed")
    assert "cut.csv:3:" in message


def test_deeply_nested_html_is_kept_as_text(tmp_path: Path, decks: Path) -> None:
    path = tmp_path / "deep.tsv"
    path.write_text(
        "#separator:tab\n#html:true\n" + "<i>" * 5000 + "x" + "</i>" * 5000 + "\tback\n", "utf-8"
    )
    report = import_deck(path, decks_dir=decks, deck_id="deep")
    assert report.imported == 1


def test_a_huge_legitimate_field_imports(tmp_path: Path, decks: Path) -> None:
    # In linear time too: benchmarks/bench_hostile.py times it (no clocks in unit tests).
    unit = (
        "<div><b>Term</b> &amp; <i>note</i> with <code>x_1</code> and "
        "<a href='https://example.org'>a link</a><br>second line</div>"
    )
    for repeats in (1_000, 8_000):  # ~120 KB, ~1 MB
        path = tmp_path / f"big{repeats}.tsv"
        path.write_text("#separator:tab\n#html:true\nfront\t" + unit * repeats + "\n", "utf-8")
        report = import_deck(path, decks_dir=decks, deck_id=f"big{repeats}")
        assert report.imported == 1


@pytest.mark.parametrize(
    "unit", ["<img ", "<br ", "<!--", "<a href='", "<![CDATA[", "</", "[sound:", "&#", "<b>"]
)
def test_pathological_fields_import(tmp_path: Path, decks: Path, unit: str) -> None:
    # Python 3.11's html.parser is quadratic on unclosed constructs: 500 KB of them
    # would take minutes if they reached it (benchmarks/bench_hostile.py times this).
    path = tmp_path / "odd.tsv"
    path.write_text(f"#separator:tab\n#html:true\nfront\t{unit * 100_000}\n", "utf-8")
    report = import_deck(path, decks_dir=decks, deck_id="odd")
    assert report.imported == 1


def test_an_unclosed_cloze_flood_is_skipped_quickly(tmp_path: Path, decks: Path) -> None:
    path = tmp_path / "cloze.tsv"
    path.write_text(
        "#separator:tab\n#html:true\n#notetype:Cloze\n"
        + "{{c1::" * 100_000
        + "\t\nThe {{c1::end}}\t\n",
        "utf-8",
    )
    report = import_deck(path, decks_dir=decks, deck_id="cloze")  # timed in benchmarks/
    assert report.imported == 1 and "not closed" in report.skipped[0][1]
