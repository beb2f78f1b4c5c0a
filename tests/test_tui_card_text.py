"""Card faces drawn by FaceText show what Textual's Markdown widget shows (issue 13).

The golden values come from Textual's own Markdown widget (its parser and its
``MarkdownBlock`` spans) and from markdown-it, not from ``card_text``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from textual.content import Content
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownParagraph

from dlcards.collection import shipped_decks_dir
from dlcards.mathtext import shown
from dlcards.tui.widgets.card_text import (
    FaceText,
    card_markdown,
    face_paragraphs,
    plain_paragraphs,
)

from .conftest import examples
from .test_tui_fixtures import SIZE, make_world


def textual_paragraphs(source: str) -> list[Content] | None:
    """What Textual's Markdown widget builds: its paragraphs' content, None if any other block."""
    blocks = Markdown(source)._build_from_source(source)
    if not all(type(block) is MarkdownParagraph for block in blocks):
        return None
    return [block._content for block in blocks]


def shipped_faces() -> list[str]:
    faces = []
    for path in sorted(Path(shipped_decks_dir()).glob("*.toml")):
        for card in tomllib.loads(path.read_text("utf-8")).get("cards", []):
            for field in ("front", "back"):
                if (card.get(field) or "").strip():
                    faces.append(shown(card[field]))
    return faces


def test_every_shipped_face_drawn_light_shows_markdowns_text_and_styles() -> None:
    faces = shipped_faces()
    light = 0
    for face in faces:
        mine = face_paragraphs(face)
        if mine is None:
            continue
        light += 1
        theirs = textual_paragraphs(face)
        assert theirs is not None, face
        assert [(c.plain, list(c.spans)) for c in mine] == [
            (c.plain, list(c.spans)) for c in theirs
        ], face
    # Nearly every front is a sentence or two: the light path is the usual one.
    assert light > len(faces) // 2


def test_faces_with_blocks_or_links_keep_the_markdown_widget() -> None:
    for source in (
        "- a list\n- of two",
        "```python\nx = 1\n```",
        "# A heading",
        "> a quote",
        "See [the paper](https://example.org).",
        "See https://example.org today",
        "Some <b>html</b>",
        "| a | b |\n| - | - |\n| 1 | 2 |",
    ):
        assert face_paragraphs(source) is None, source
        assert isinstance(card_markdown(source), Markdown), source


def test_inline_styles_are_markdowns_spans() -> None:
    source = "Why `nn.Dropout(p)`, *not* **the *other*** ~~one~~?\nSecond line  \nbroken\n\nNext"
    assert face_paragraphs(source) is not None
    theirs = textual_paragraphs(source)
    mine = face_paragraphs(source)
    assert theirs is not None and mine is not None
    assert [(c.plain, list(c.spans)) for c in mine] == [(c.plain, list(c.spans)) for c in theirs]
    assert mine[0].plain == "Why nn.Dropout(p), not the other one? Second line\nbroken"
    widget = card_markdown(source, classes="front")
    assert isinstance(widget, FaceText) and widget.source == source
    assert widget.has_class("front")


# Text made of letters, digits, spaces, newlines and the punctuation Markdown and linkify
# act on: whatever plain_paragraphs accepts must parse as plain paragraphs.
_ALPHABET = st.sampled_from(
    list("ab zé1 9\n\n.,:;?!()-+=#>*_`~[]<>&@|\\/'\"%$") + ["  ", "    ", "\t", "www", "com", "1."]
)


@settings(max_examples=examples(4000, 150), deadline=None)
@given(st.lists(_ALPHABET, max_size=30).map("".join))
def test_text_taken_as_plain_parses_as_plain_paragraphs(text: str) -> None:
    plain = plain_paragraphs(text)
    if plain is None:
        return
    tokens = MarkdownIt("gfm-like").parse(text)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"] * len(plain)
    inline = [t for t in tokens if t.type == "inline"]
    assert len(inline) == len(plain)
    for token in inline:
        assert {child.type for child in token.children or []} <= {"text", "softbreak"}
    theirs = textual_paragraphs(text)
    assert theirs is not None
    assert [c.plain for c in theirs] == plain
    assert all(not c.spans for c in theirs)


def test_shipped_plain_fronts_need_no_parser() -> None:
    # The first card of the shipped interview deck and of Compute Drills: painted
    # without importing markdown-it (issue 13's two first cards).
    assert plain_paragraphs("What is deep learning?") == ["What is deep learning?"]
    assert plain_paragraphs("The classic interview example: a 12×12 image.\n\nOne 3×3 filter.") == [
        "The classic interview example: a 12×12 image.",
        "One 3×3 filter.",
    ]
    assert plain_paragraphs("") is None


async def test_the_first_cards_back_is_built_after_its_first_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Textual starts the app inside a batch update, whose frames are never written:
    # the hidden back (Markdown to parse and lay out) was built in there, before the
    # first card was painted. It must wait for a frame that is written.
    from dlcards.tui.widgets.basic_card import BasicCardView
    from dlcards.tui.widgets.grade_bar import GradeBar, GradeKey

    built_in_batch: list[int] = []
    build = BasicCardView.build_back

    async def recording(self: BasicCardView) -> None:
        built_in_batch.append(self.app._batch_count)
        await build(self)

    monkeypatch.setattr(BasicCardView, "build_back", recording)
    keys_built_in_batch: list[int] = []
    build_keys = GradeBar.build

    def recording_keys(self: GradeBar) -> None:
        keys_built_in_batch.append(self.app._batch_count)
        build_keys(self)

    monkeypatch.setattr(GradeBar, "build", recording_keys)
    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(BasicCardView)
        back = view.query_one(".back")
        assert built_in_batch and built_in_batch[0] == 0
        assert len(back.children) == 3 and not back.display  # built, still hidden
        # The grade keys (hidden until an answer) too, after that frame.
        assert keys_built_in_batch and keys_built_in_batch[0] == 0
        assert len(app.screen.query(GradeKey)) == 6
        await pilot.press("space")
        assert back.display


async def test_grade_keys_built_as_the_bar_is_removed_do_not_crash_the_app() -> None:
    # The card's Painted message can arrive after its screen began to leave (Enter
    # studies a deck, a second key leaves at once): building the keys then crashed the
    # app with "Can't mount widget(s) before Grid() is mounted".
    from textual.app import App, ComposeResult

    from dlcards.tui.widgets.grade_bar import GradeBar, GradeKey

    class OneBar(App[None]):
        def compose(self) -> ComposeResult:
            yield GradeBar()

    app = OneBar()
    async with app.run_test() as pilot:
        bar = app.query_one(GradeBar)
        removal = bar.remove()
        bar.build()
        await removal
        await pilot.pause()
        assert not app.query(GradeKey) and not app.query(GradeBar)
    assert app.return_code in (0, None)
