"""import / export / progress through the real CLI: reports, one-line errors, exit codes."""

from __future__ import annotations

import csv
import io
import itertools
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from dlcards.deck import parse_deck

from ._interchange import Note, deck_cards, snapshot, v18_package
from .conftest import REPO, run_cli, write_deck

NOW = "2026-03-01T09:00:00+00:00"


def one_line_error(result, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.startswith("dlcards: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr


def test_import_report_then_reimport_updates(tmp_path: Path) -> None:
    home = tmp_path / "home"
    package = v18_package(
        tmp_path / "Bio.apkg",
        [
            Note(["Cell?", "Unit of life"], "g1", ["bio"]),
            Note(["The {{c1::nucleus}}", ""], "g2", model="Cloze"),
            Note(["", "no front"], "g3"),
        ],
    )
    result = run_cli(home, "import", str(package))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Created deck 'bio' (Default) in {home / 'decks' / 'bio.toml'}: "
        "2 imported, 0 updated, 0 unchanged, 1 skipped."
    )
    assert lines[1:] == ["Skipped:", "  1 × its first field (the front) is empty (note 3)"]
    again = run_cli(home, "import", str(package), "--name", "Biology")
    assert again.returncode == 0, again.stderr
    assert "Updated deck 'bio' (Biology)" in again.stdout and "2 unchanged" in again.stdout
    listed = json.loads(run_cli(home, "decks", "--json").stdout)
    assert [d["cards"] for d in listed if d["id"] == "bio"] == [2]


def test_export_formats_and_no_overwrite_without_force(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_deck(home / "decks", "mine", 3)
    for suffix in ("apkg", "tsv", "csv", "toml"):
        out = tmp_path / f"mine.{suffix}"
        result = run_cli(home, "export", "mine", "-o", str(out), now=NOW)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("Exported 3 ")
        before = out.read_bytes()
        again = run_cli(home, "export", "mine", "-o", str(out))
        one_line_error(again, "already exists", "--force")
        assert out.read_bytes() == before
        forced = run_cli(home, "export", "mine", "-o", str(out), "--force", now=NOW)
        assert forced.returncode == 0
    assert zipfile.ZipFile(tmp_path / "mine.apkg").namelist() == ["collection.anki2", "media"]
    assert (tmp_path / "mine.toml").read_bytes() == (home / "decks" / "mine.toml").read_bytes()
    fmt = run_cli(home, "export", "mine", "-o", str(tmp_path / "x.bin"))
    one_line_error(fmt, "cannot tell the format")
    forced_fmt = run_cli(home, "export", "mine", "-o", str(tmp_path / "x.bin"), "--format", "tsv")
    assert forced_fmt.returncode == 0
    unknown = run_cli(home, "export", "nope", "-o", str(tmp_path / "n.tsv"))
    one_line_error(unknown, "no deck with id 'nope'")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_cli(home, "import", "x.csv", "--format", "xlsx").returncode == 2
    assert run_cli(home, "export", "mine").returncode == 2  # -o is required
    assert run_cli(home, "export", "mine", "-o", "x.apkg", "--instances", "-1").returncode == 2


def test_bad_imports_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_deck(home / "decks", "bad", 2)
    cases = {
        "cut.apkg": b"PK\x03\x04 truncated",
        "bomb.apkg": None,
        "latin.csv": "front,back\ncafé,x\n".encode("latin-1"),
        "quote.tsv": b'front\tback\n"open\tx\n',
    }
    bomb = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("collection.anki2", b"\0" * (30 * 1024 * 1024))
    before = snapshot(home / "decks")
    for name, data in cases.items():
        path = tmp_path / name
        if data is not None:
            path.write_bytes(data)
        result = run_cli(home, "import", str(path), "--deck-id", "bad")
        one_line_error(result, str(path))
    assert snapshot(home / "decks") == before
    one_line_error(run_cli(home, "import", str(tmp_path / "missing.csv")), "no such file")


def test_progress_export_import_between_two_homes(tmp_path: Path) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    days = ((laptop, "2026-03-01T09:00:00+00:00"), (desktop, "2026-03-02T09:00:00+00:00"))
    for home, now in days:
        write_deck(home / "decks", "mine", 3)
        result = run_cli(
            home,
            "--user",
            "me",
            "study",
            "--plain",
            "--deck",
            "mine",
            input="\n4\n\n2\nu\nq\n",
            now=now,
        )
        assert result.returncode == 0, result.stderr
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run_cli(laptop, "--user", "me", "progress", "export", "-o", str(a)).returncode == 0
    assert run_cli(desktop, "--user", "me", "progress", "export", "-o", str(b)).returncode == 0
    one_line_error(
        run_cli(laptop, "--user", "me", "progress", "export", "-o", str(a)), "already exists"
    )
    merged = run_cli(desktop, "--user", "me", "progress", "import", str(a))
    assert merged.returncode == 0, merged.stderr
    assert "3 new row(s), 0 already here" in merged.stdout
    assert run_cli(laptop, "--user", "me", "progress", "import", str(b)).returncode == 0
    again = run_cli(desktop, "--user", "me", "progress", "import", str(a))
    assert "0 new row(s), 3 already here" in again.stdout
    stats = [
        json.loads(
            run_cli(h, "--user", "me", "stats", "--json", now="2026-03-03T09:00:00+00:00").stdout
        )
        for h in (laptop, desktop)
    ]
    assert stats[0] == stats[1] and stats[0]["reviews_total"] == 2

    def states(home: Path) -> list[tuple]:
        conn = sqlite3.connect(home / "progress.sqlite3")
        return conn.execute("SELECT * FROM card_state ORDER BY deck_id, card_id").fetchall()

    assert states(laptop) == states(desktop)


def test_progress_rows_for_missing_decks_are_reported(tmp_path: Path) -> None:
    source, target = tmp_path / "source", tmp_path / "target"
    write_deck(source / "decks", "elsewhere", 2)
    run_cli(source, "study", "--plain", "--deck", "elsewhere", input="\n4\nq\n", now=NOW)
    path = tmp_path / "p.jsonl"
    run_cli(source, "progress", "export", "-o", str(path))
    result = run_cli(target, "progress", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "1 row(s) are for 1 card(s) not in your decks; they were kept" in result.stdout


def test_progress_import_of_a_bad_file_names_the_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = tmp_path / "p.jsonl"
    path.write_text('{"format": "dlcards-progress", "version": 1}\n{"id": 3}\n', "utf-8")
    result = run_cli(home, "progress", "import", str(path))
    one_line_error(result, f"{path}:2: not a dlcards progress row")


def test_imported_deck_is_studied_like_any_other(tmp_path: Path) -> None:
    home = tmp_path / "home"
    csv = tmp_path / "words.csv"
    csv.write_text("front,back\nhola,hello\n", "utf-8")
    assert run_cli(home, "import", str(csv)).returncode == 0
    card = deck_cards(home / "decks" / "words.toml")[0]
    result = run_cli(home, "study", "--plain", "--deck", "words", input="\n5\nq\n", now=NOW)
    assert result.returncode == 0 and "hola" in result.stdout and card["front"] == "hola"


def test_importing_into_a_shipped_deck_keeps_its_cards(tmp_path: Path) -> None:
    home = tmp_path / "home"
    export = tmp_path / "dl.tsv"
    assert run_cli(home, "export", "deep-learning-interview", "-o", str(export)).returncode == 0
    text = export.read_text("utf-8")
    header = list(itertools.takewhile(lambda line: line.startswith("#"), text.splitlines()))
    body = "".join(text.splitlines(keepends=True)[len(header) :])
    records = list(csv.reader(io.StringIO(body, newline=""), delimiter="\t"))[:2]
    records[1][1] = "My own answer."
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\n").writerows(records)
    small = tmp_path / "small.tsv"
    small.write_text("\n".join(header) + "\n" + out.getvalue(), "utf-8")
    result = run_cli(home, "import", str(small))
    assert result.returncode == 0, result.stderr
    assert "0 imported, 1 updated, 1 unchanged" in result.stdout
    assert "overrides the shipped deck" in result.stdout
    listed = {d["id"]: d for d in json.loads(run_cli(home, "decks", "--json").stdout)}
    mine = listed["deep-learning-interview"]
    shipped = REPO / "decks" / "deep-learning-interview.toml"
    count = len(parse_deck(shipped, shipped.read_bytes()).cards)
    assert mine["cards"] == count and mine["name"] == "Deep Learning Interview"
    assert mine["path"] == str(home / "decks" / "deep-learning-interview.toml")


def test_a_toml_deck_with_a_colon_in_its_first_comment_is_read_as_toml(tmp_path: Path) -> None:
    deck = tmp_path / "mine.toml"
    deck.write_text(
        '# Notes: my deck\n[deck]\nid = "mine"\nname = "Mine"\n\n'
        '[[cards]]\nid = "a"\nfront = "Q"\nback = "A"\n',
        "utf-8",
    )
    result = run_cli(tmp_path / "home", "import", str(deck))
    assert result.returncode == 0, result.stderr
    assert "Created deck 'mine' (Mine)" in result.stdout and "1 imported" in result.stdout


@pytest.mark.parametrize("deck_id", ["../../outside", "/tmp/abs", "a/b", "c:d"])
def test_a_deck_id_never_names_a_file_outside_the_decks_folder(
    tmp_path: Path, deck_id: str
) -> None:
    home = tmp_path / "home"
    source = tmp_path / "hostile.txt"
    source.write_text(f"#separator:tab\n#html:true\n#dlcards deck:{deck_id}\nQ\tA\n", "utf-8")
    result = run_cli(home, "import", str(source))
    assert result.returncode == 0, result.stderr
    written = [p for p in tmp_path.rglob("*.toml")]
    assert len(written) == 1 and written[0].parent == home / "decks", written
    listed = json.loads(run_cli(home, "decks", "--json").stdout)
    assert deck_id in [d["id"] for d in listed]  # the id is kept; only the file name is safe
    again = run_cli(home, "import", str(source))  # and found again: an update, not a copy
    assert "1 unchanged" in again.stdout and len(list(tmp_path.rglob("*.toml"))) == 1


def test_a_pipe_or_a_device_is_refused_in_one_line(tmp_path: Path) -> None:
    """`dlcards import <(cat notes.csv)` said "no notes to import" (the pipe was read
    twice), and `import /dev/zero` read without end past every cap."""
    import os
    import threading

    home = tmp_path / "home"
    fifo = tmp_path / "notes.csv"
    os.mkfifo(fifo)

    done = threading.Event()

    def write() -> None:  # serves every reader that opens the pipe, until done
        while not done.wait(0.05):
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader yet
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write("front,back\nq1,a1\n")

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    try:
        result = run_cli(home, "import", str(fifo), "--format", "csv")
    finally:
        done.set()
        writer.join()
    one_line_error(result, "not a regular file", "save it to a file")
    device = run_cli(home, "import", "/dev/null")
    one_line_error(device, "not a regular file")
    assert not (home / "decks").exists() or not any((home / "decks").iterdir())
