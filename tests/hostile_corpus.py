"""The hostile-input corpus (issue 11): every case built here, from code, no opaque binaries.

Each case is a file dlcards may be handed — an Anki package in either layout
(``collection.anki21b`` zstd, legacy ``collection.anki2``/``anki21``), a CSV/TSV or
Anki text export, a TOML deck, a progress JSONL file — and what must happen: it is
imported (``ok``) or refused with one line naming the file (``refused``).
``python -m tests.hostile_corpus OUT`` writes them all to a folder, to try by hand.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from ._interchange import Note, legacy_database, v18_database, zip_bytes, zstd
from .hostile_corpus_base import ESC, Case
from .hostile_corpus_text import progress_cases, text_cases, toml_cases

NOTES = [Note(["Q1", "A1"], "g1"), Note(["Q2", "A2"], "g2")]


Statement = str | tuple[str, tuple[object, ...]]


def _mutated(database: bytes, *statements: Statement) -> bytes:
    """A copy of an SQLite database (as bytes) after ``statements`` (SQL, or SQL and values)."""
    conn = sqlite3.connect(":memory:")
    conn.deserialize(database)
    conn.create_collation("unicase", lambda a, b: (a > b) - (a < b))
    conn.execute("PRAGMA writable_schema = ON")
    for statement in statements:
        if isinstance(statement, str):
            conn.execute(statement)
        else:
            conn.execute(*statement)
    conn.commit()
    data = conn.serialize()
    conn.close()
    return data


def _v18(*statements: Statement, notes: list[Note] | None = None, **kwargs: object) -> bytes:
    database = _mutated(v18_database(notes or NOTES, **kwargs), *statements)  # type: ignore[arg-type]
    return zip_bytes(
        {
            "meta": b"\x08\x03",
            "collection.anki21b": zstd(database),
            "collection.anki2": b"stub",
            "media": zstd(b""),
        }
    )


def _legacy(
    *statements: Statement, member: str = "collection.anki2", notes: list[Note] | None = None
) -> bytes:
    database = _mutated(legacy_database(notes or NOTES), *statements)
    return zip_bytes({member: database, "media": b"{}"})


def _models(value: str) -> str:
    return f"UPDATE col SET models = '{value}'"


ENDLESS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"


def apkg_cases() -> list[Case]:
    def ok(name: str, data: bytes, check: Callable[..., bool] | None = None) -> Case:
        return Case(name, "deck", f"{name}.apkg", data, "ok", check=check)

    def refused(name: str, data: bytes, *words: str, **caps: int) -> Case:
        return Case(name, "deck", f"{name}.apkg", data, "refused", words, caps)

    nested = "[" * 50_000 + "]" * 50_000
    marker = '<!-- dlcards {"deck": "x", "tags": ' + "[" * 15_000 + "]" * 15_000 + "} -->"
    return [
        # --- anki21b (schema 18, zstd) ---
        ok("v18-good", _v18()),
        refused(
            "v18-notetype-config-3e9", _v18("UPDATE notetypes SET config = 3000000000"), "blob"
        ),
        refused(
            "v18-notetype-config-1e12", _v18("UPDATE notetypes SET config = 1000000000000"), "blob"
        ),
        refused("v18-deck-kind-3e9", _v18("UPDATE decks SET kind = 3000000000"), "blob"),
        refused("v18-deck-kind-text", _v18("UPDATE decks SET kind = 'normal'"), "blob"),
        ok("v18-notetype-config-garbage", _v18("UPDATE notetypes SET config = x'ffffffffff'")),
        refused(
            "v18-fields-endless-view",
            _v18(
                "DROP TABLE fields",
                f"CREATE VIEW fields AS {ENDLESS} SELECT 1 AS ntid, x AS ord, 'f' AS name FROM n",
            ),
        ),
        refused(
            "v18-decks-endless-view",
            _v18(
                "DROP TABLE decks",
                f"CREATE VIEW decks AS {ENDLESS} SELECT x AS id, 'd' AS name, x'' AS kind FROM n",
            ),
        ),
        refused(
            "v18-notes-endless-view",
            _v18(
                "DROP TABLE notes",
                f"CREATE VIEW notes AS {ENDLESS} SELECT x AS id, 'g' AS guid, 1001 AS mid, "
                "'' AS tags, 'a' AS flds FROM n",
            ),
        ),
        refused("v18-no-notes-table", _v18("DROP TABLE notes"), "no notes table"),
        ok("v18-marker-nested-json", _v18(notes=NOTES, descriptions={"Default": marker})),
        ok("v18-fields-as-blob", _v18("UPDATE notes SET flds = CAST(flds AS BLOB)")),
        ok("v18-fields-as-integer", _v18("UPDATE notes SET flds = 12345 WHERE id = 1")),
        ok("v18-one-note-empty-blob", _v18("UPDATE notes SET flds = x'' WHERE id = 1")),
        ok("v18-no-cards", _v18("DELETE FROM cards")),
        ok("v18-notetype-name-integer", _v18("UPDATE notetypes SET name = 42 WHERE id = 1003")),
        ok("v18-deck-name-blob", _v18("UPDATE decks SET name = x'ff1f00'")),
        ok(
            "v18-escape-sequences",
            _v18(notes=[Note([f"Q{ESC}", f"A{ESC}"], "g1", [f"t{ESC}"], deck=f"D{ESC}")]),
            check=lambda cards: all("\x1b" not in json.dumps(c, ensure_ascii=False) for c in cards),
        ),
        refused(
            "v18-field-over-cap",
            _v18(notes=[Note(["Q", "x" * 3000], "g1")]),
            "cap",
            MAX_FIELD_BYTES=2000,
        ),
        refused("v18-notes-over-cap", _v18(), "cap", MAX_NOTES=1),
        refused(
            "v18-zstd-truncated",
            zip_bytes({"collection.anki21b": zstd(v18_database(NOTES))[:200]}),
            "not a readable",
        ),
        refused(
            "v18-zstd-garbage",
            zip_bytes({"collection.anki21b": b"\x28\xb5\x2f\xfd" + b"\xff" * 64}),
            "not a readable",
        ),
        refused("v18-zstd-empty", zip_bytes({"collection.anki21b": zstd(b"")}), "empty"),
        refused(
            "v18-not-sqlite",
            zip_bytes({"collection.anki21b": zstd(b"hello" * 1000)}),
            "not a readable",
        ),
        # --- legacy (anki2, anki21) ---
        ok("legacy-anki2-good", _legacy()),
        ok("legacy-anki21-good", _legacy(member="collection.anki21")),
        refused("legacy-models-list", _legacy(_models("[]")), "col.models"),
        refused("legacy-decks-null", _legacy("UPDATE col SET decks = 'null'"), "col.decks"),
        refused("legacy-model-is-string", _legacy(_models('{"1001": "Basic"}')), "col.models"),
        refused("legacy-models-nested", _legacy(_models(nested)), "nested"),
        refused("legacy-models-not-json", _legacy(_models("{not json")), "not a readable"),
        refused(
            "legacy-models-number-5000-digits",
            _legacy(_models('{"1": ' + "9" * 5000 + "}")),
            "not a readable",
        ),
        refused(
            "legacy-model-id-5000-digits",
            _legacy(_models('{"' + "9" * 5000 + '": {}}')),
            "not a readable",
        ),
        refused("legacy-model-id-word", _legacy(_models('{"abc": {}}')), "not a readable"),
        refused(
            "legacy-flds-string", _legacy(_models('{"1001": {"flds": "Front"}}')), "not a list"
        ),
        refused(
            "legacy-fld-ord-string",
            _legacy(_models('{"1001": {"flds": [{"ord": "x"}]}}')),
            "no number",
        ),
        refused(
            "legacy-deck-entry-number", _legacy("UPDATE col SET decks = '{\"1\": 5}'"), "col.decks"
        ),
        refused("legacy-empty-col", _legacy("DELETE FROM col"), "col table is empty"),
        refused("legacy-no-col-table", _legacy("DROP TABLE col"), "no notes table"),
        ok(
            "legacy-marker-nested-json",
            _legacy(
                ("UPDATE col SET decks = ?", (json.dumps({"3000": {"name": "D", "desc": marker}}),))
            ),
        ),
        refused(
            "legacy-not-sqlite",
            zip_bytes({"collection.anki2": b"not a database" * 100}),
            "not a readable",
        ),
        refused("zip-without-collection", zip_bytes({"media": b"{}"}), "no Anki collection"),
        refused(
            "zip-path-traversal",
            zip_bytes({"../../evil": b"x", "collection.anki2": legacy_database(NOTES)}),
            "unsafe path",
        ),
        refused("not-a-zip", b"this is not a zip file at all", "not a readable"),
        refused("zip-truncated", _legacy()[:300], "not a readable"),
        refused(
            "zip-bomb-ratio",
            zip_bytes({"collection.anki2": b"\0" * (8 * 1024 * 1024)}),
            "expands more than",
        ),
    ]


def all_cases() -> list[Case]:
    return apkg_cases() + text_cases() + toml_cases() + progress_cases()


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else "hostile-corpus")
    out.mkdir(parents=True, exist_ok=True)
    for case in all_cases():
        (out / case.filename).write_bytes(case.data)
    print(f"wrote {len(all_cases())} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
