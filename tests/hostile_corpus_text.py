"""Hostile text inputs for the corpus (tests/hostile_corpus.py): CSV/TSV/Anki text,
TOML decks and progress JSONL, each built here from code."""

from __future__ import annotations

import json

from .hostile_corpus_base import ESC, Case


def text_cases() -> list[Case]:
    def case(
        name: str, suffix: str, text: str | bytes, expect: str, *words: str, **caps: int
    ) -> Case:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return Case(name, "deck", f"{name}.{suffix}", data, expect, words, caps)

    deep = "<i>" * 5000 + "x" + "</i>" * 5000
    return [
        case("csv-good", "csv", "front,back\nQ1,A1\nQ2,A2\n", "ok"),
        case("tsv-good", "tsv", "Q1\tA1\nQ2\tA2\n", "ok"),
        case("anki-text-good", "txt", "#separator:tab\n#html:true\nQ1\tA1\n", "ok"),
        case(
            "anki-tags-column-5000-digits",
            "txt",
            "#separator:tab\n#tags column:" + "9" * 5000 + "\nQ1\tA1\n",
            "ok",
        ),
        case(
            "anki-guid-column-huge",
            "txt",
            "#separator:tab\n#guid column:99999999999\nQ1\tA1\n",
            "ok",
        ),
        case(
            "anki-columns-10000",
            "txt",
            "#separator:tab\n#columns:" + "\t".join(["c"] * 10_000) + "\nQ1\tA1\n",
            "ok",
        ),
        case("csv-invalid-utf8", "csv", b"front,back\nQ1,\xff\xfe\n", "refused", "not valid UTF-8"),
        case("csv-nul-byte", "csv", "front,back\nQ1,A\x001\n", "refused", "NUL"),
        case("csv-unclosed-quote", "csv", 'front,back\n"Q1,A1\n', "refused", "not closed"),
        case("csv-empty", "csv", "", "refused", "no notes"),
        case("csv-header-only", "csv", "front,back\n", "refused", "no notes"),
        case("csv-escape-sequences", "csv", f"front,back,tags\nQ{ESC},A{ESC},t{ESC}\n", "ok"),
        case("tsv-deep-html", "tsv", "#separator:tab\n#html:true\n" + deep + "\tback\n", "ok"),
        case("csv-rows-over-cap", "csv", "Q1,A1\nQ2,A2\nQ3,A3\n", "refused", "cap", MAX_NOTES=2),
        case(
            "csv-field-over-cap",
            "csv",
            "Q1," + "x" * 3000 + "\n",
            "refused",
            "cap",
            MAX_FIELD_BYTES=2000,
        ),
        case(
            "csv-record-over-cap",
            "csv",
            '"' + "x\n" * 5000 + '",b\n',
            "refused",
            "a record",
            MAX_FIELD_BYTES=1000,
        ),
        case(
            "csv-file-over-cap",
            "csv",
            "Q1,A1\n" * 100,
            "refused",
            "larger than",
            MAX_TEXT_BYTES=100,
        ),
        case("csv-bom-crlf", "csv", "\ufefffront,back\r\nQ1,A1\r\n", "ok"),
        case(
            "anki-img-flood",
            "txt",
            "#separator:tab\n#html:true\nfront\t" + "<img " * 10_000 + "\n",
            "ok",
        ),
        case(
            "anki-cloze-unclosed",
            "txt",
            "#separator:tab\n#notetype:Cloze\n" + "{{c1::" * 10_000 + "\t\nThe {{c1::end}}\t\n",
            "ok",
        ),
        case(
            "anki-dlcards-deck-newline",
            "txt",
            "#separator:tab\n#dlcards deck:a\x1bb\nQ1\tA1\n",
            "ok",
        ),
        case("anki-separator-quote", "txt", '#separator:"\nQ1\tA1\n', "ok"),
    ]


def toml_cases() -> list[Case]:
    head = '[deck]\nid = "t"\nname = "T"\n'
    card = '\n[[cards]]\nid = "c1"\nfront = "Q"\nback = "A"\n'

    def case(name: str, text: str | bytes, expect: str, *words: str) -> Case:
        data = text.encode("utf-8") if isinstance(text, str) else text
        return Case(name, "deck", f"{name}.toml", data, expect, words)

    return [
        case("toml-good", head + card, "ok"),
        case(
            "toml-integer-5000-digits",
            head + "format = " + "9" * 5000 + "\n" + card,
            "refused",
            "digits",
        ),
        case(
            "toml-nested-arrays",
            head + "x = " + "[" * 3000 + "]" * 3000 + "\n" + card,
            "refused",
            "nested",
        ),
        case(
            "toml-nested-inline-tables",
            head + "x = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n",
            "refused",
            "nested",
        ),
        case("toml-invalid-utf8", head.encode() + b'description = "\xff"\n', "refused", "UTF-8"),
        case("toml-syntax-error", head + "[[cards]\n", "refused", "syntax"),
        case("toml-unknown-key", head + card + "colour = 1\n", "refused", "colour"),
        case("toml-duplicate-ids", head + card + card, "refused", "c1"),
        case("toml-format-99", head + "format = 99\n" + card, "refused", "newer"),
        case(
            "toml-id-with-newline", '[deck]\nid = "a\\nb"\nname = "T"\n' + card, "refused", "'id'"
        ),
        case(
            "toml-escape-in-front",
            head + '\n[[cards]]\nid = "c1"\nfront = "Q\\u001b]52;c;eA==\\u0007"\nback = "A"\n',
            "ok",
        ),
    ]


GOOD_ROW: dict[str, object] = {
    "id": "r1",
    "deck_id": "dl",
    "card_id": "c1",
    "ts": "2026-03-01T09:00:00.000000Z",
    "study_day": "2026-03-01",
    "kind": "review",
    "grade": 4,
    "duration_ms": 900,
    "instance": None,
    "answer": None,
    "cancels": None,
    "repetitions": 1,
    "easiness": 250,
    "interval": 1,
    "due": "2026-03-02",
}
HEADER = '{"format": "dlcards-progress", "version": 1}\n'


def progress_cases() -> list[Case]:
    def rows(*changes: dict[str, object]) -> bytes:
        lines = [json.dumps({**GOOD_ROW, "id": f"r{i}", **c}) for i, c in enumerate(changes)]
        return (HEADER + "\n".join(lines) + "\n").encode()

    def case(name: str, data: bytes, expect: str, *words: str) -> Case:
        return Case(name, "progress", f"{name}.jsonl", data, expect, words)

    return [
        case(
            "progress-good",
            rows({}, {"ts": "2026-03-02T09:00:00.000000Z", "study_day": "2026-03-02"}),
            "ok",
        ),
        case(
            "progress-ts-9999",
            rows({}, {"ts": "9999-12-31T23:59:59.999999Z"}),
            "refused",
            ":3:",
            "'ts'",
        ),
        case(
            "progress-study-day-9999",
            rows({"study_day": "9999-12-31"}),
            "refused",
            ":2:",
            "'study_day'",
        ),
        case("progress-due-9999", rows({"due": "9999-12-31"}), "refused", "'due'"),
        case("progress-grade-6", rows({"grade": 6}), "refused", "'grade'"),
        case(
            "progress-grade-nan",
            (HEADER + json.dumps(GOOD_ROW).replace('"grade": 4', '"grade": NaN') + "\n").encode(),
            "refused",
            "'grade'",
        ),
        case("progress-interval-huge", rows({"interval": 10**9}), "refused", "'interval'"),
        case("progress-easiness-zero", rows({"easiness": 0}), "refused", "'easiness'"),
        case("progress-kind-unknown", rows({"kind": "teleport"}), "refused", "unknown kind"),
        case(
            "progress-nested-json",
            (HEADER + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
            "refused",
            "not JSON",
        ),
        case(
            "progress-number-5000-digits",
            (
                HEADER + json.dumps(GOOD_ROW).replace('"grade": 4', '"grade": ' + "9" * 5000) + "\n"
            ).encode(),
            "refused",
            ":2:",
        ),
        case("progress-no-header", rows({})[len(HEADER) :], "refused", "no header"),
        case(
            "progress-version-99",
            rows({}).replace(b'"version": 1', b'"version": 99'),
            "refused",
            "newer",
        ),
        case(
            "progress-line-too-long",
            (HEADER + "x" * (1024 * 1024 + 10) + "\n").encode(),
            "refused",
            "too long",
        ),
        case("progress-invalid-utf8", HEADER.encode() + b"\xff\xfe\n", "refused", "UTF-8"),
        case(
            "progress-card-id-escape",
            rows({"card_id": "c\x1b]0;x\x07"}),
            "refused",
            "not a valid id",
        ),
        case("progress-deck-id-newline", rows({"deck_id": "a\nb"}), "refused", "not a valid id"),
        case("progress-empty", b"", "refused", "no header"),
    ]
