"""Issue 12 #5: MathJax shown as readable Unicode, stored and exported unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from dlcards.interchange.exporter import export_deck
from dlcards.interchange.importer import import_deck
from dlcards.mathtext import readable

from ._interchange import deck_cards
from .conftest import run_cli, write_deck
from .test_tui_fixtures import SIZE, make_world

# Golden values written by hand from the LaTeX.
CASES = [
    (r"\(x_i^2\)", "xᵢ²"),
    (r"\(\frac{a+b}{c}\)", "(a+b)/c"),  # not "a+b/c": that means a + b/c
    (r"\(\frac{1}{1+e^{-x}}\)", "1/(1+e⁻ˣ)"),
    (r"\[\sum_{i=1}^{n} x_i\]", "∑ᵢ₌₁ⁿ xᵢ"),
    (r"\(W^{\top} x + b\)", "Wᵀ x + b"),
    (r"\(\alpha \lt \beta\)", "α < β"),
    (r"\(y_{i+1}\)", "yᵢ₊₁"),  # pylatexenc alone gives y_i+1
    (r"\(x^{q}\)", "x^(q)"),  # no superscript q in Unicode: a visible form
    (r"\(\sqrt{d_k}\)", "√(dₖ)"),
    ("cost \\(O(n^2)\\) per step", "cost O(n²) per step"),
]


@pytest.mark.parametrize(("latex", "expected"), CASES)
def test_math_reads_as_unicode(latex: str, expected: str) -> None:
    assert readable(latex) == expected


def test_text_without_math_is_untouched() -> None:
    text = r"a \ b, costs $5 and x_1 ^ 2 (not math)"
    assert readable(text) == text


MATH_DECK = [
    """[[cards]]
    id = "sigmoid"
    front = 'What is \\(\\sigma(x)\\)?'
    back = '\\(\\frac{1}{1+e^{-x}}\\)' """,
]


def test_plain_mode_shows_math_as_unicode(home: Path, tmp_path: Path) -> None:
    deck = write_deck(tmp_path / "decks", "m", MATH_DECK)
    result = run_cli(
        home, "--deck-path", str(deck), "study", "--deck", "m",
        now="2026-03-01T10:00:00+00:00", input="\n5\nq\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "What is σ(x)?" in result.stdout
    assert "1/(1+e⁻ˣ)" in result.stdout
    assert "\\frac" not in result.stdout


async def test_the_review_shows_math_as_unicode(tmp_path: Path) -> None:
    world = make_world(tmp_path, decks="basics")
    for old in world.deck_dir.glob("*.toml"):
        old.unlink()
    write_deck(world.deck_dir, "m", MATH_DECK)
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        # A face is a Markdown widget or, when it is only paragraphs, the lighter FaceText.
        shown = [m.source for m in app.screen.query("Markdown, FaceText")]
        assert "What is σ\\(x\\)?" in shown or "What is σ(x)?" in shown
        assert any("1/\\(1+e⁻ˣ\\)" in s or "1/(1+e⁻ˣ)" in s for s in shown)


def test_math_is_stored_and_exported_unchanged(tmp_path: Path) -> None:
    anki = pytest.importorskip("anki")
    from anki.collection import Collection, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ExportAnkiPackageOptions, ImportAnkiPackageOptions

    del anki
    (tmp_path / "a").mkdir()
    col: Any = Collection(str(tmp_path / "a" / "collection.anki2"))
    try:
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"] = r"Softmax: \(\sigma(z)_j = \frac{e^{z_j}}{\sum_k e^{z_k}}\)"
        note["Back"] = r"\[a &lt; b_1 * c_2\]"
        col.add_note(note, col.decks.id("Math"))
        fields = list(note.fields)
        package = tmp_path / "m.apkg"
        col.export_anki_package(
            out_path=str(package),
            limit=None,
            options=ExportAnkiPackageOptions(with_scheduling=False, with_media=False),
        )
        report = import_deck(package, decks_dir=tmp_path / "d")
        card = deck_cards(report.target)[0]
        assert card["front"] == r"Softmax: \(\sigma(z)_j = \frac{e^{z_j}}{\sum_k e^{z_k}}\)"
        assert card["back"] == r"\[a < b_1 * c_2\]"
        # A user's own deck with math: Anki gets the LaTeX as written.
        own = write_deck(tmp_path / "own", "own", MATH_DECK)
        out = tmp_path / "own.apkg"
        export_deck(own, out, now=datetime.now(UTC))
        log = col.import_anki_package(
            ImportAnkiPackageRequest(package_path=str(out), options=ImportAnkiPackageOptions())
        ).log
        added = col.get_note(log.new[0].id.nid)
        assert added["Front"] == r"What is \(\sigma(x)\)?"
        assert added["Back"] == r"\(\frac{1}{1+e^{-x}}\)"
        assert col.get_note(note.id).fields == fields
    finally:
        col.close()


TYPED_DECK = [
    '''[[cards]]
    id = "hund"
    front = "dog"
    back = "Hund"
    answer = "Hund"''',
]


@pytest.mark.parametrize(
    ("typed", "verdict", "grade"), [("hund ", "✓ Right.", 4), ("Katze", "✗ Wrong.", 1)]
)
def test_plain_mode_checks_a_typed_answer(
    home: Path, tmp_path: Path, typed: str, verdict: str, grade: int
) -> None:
    """A {{type:F}} card from Anki is a typed-answer card: the grade is suggested."""
    from dlcards.store import Store

    deck = write_deck(tmp_path / "decks", "t", TYPED_DECK)
    result = run_cli(
        home, "--deck-path", str(deck), "study", "--deck", "t",
        now="2026-03-01T10:00:00+00:00", input=f"{typed}\n\nq\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"{verdict} Answer: Hund" in result.stdout
    store = Store.open(home / "progress.sqlite3")
    assert [(r.grade, r.answer) for r in store.rows(store.profiles()[0][0])] == [
        (grade, typed.strip())
    ]
