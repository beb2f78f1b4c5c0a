"""Anki templates of bare fields take a shortcut (issue 12, speed): it renders what the
walk over the template's tokens renders, for every template and note it takes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dlcards.interchange.templates import FRONT_SIDE, Context, Rendered, _parsed, _render, render

FIELDS = {"Front": "What is <b>x</b>?", "Back": "y<br>z", "Back Extra": "", "FrontSide": "f"}


def walked(template: str, ctx: Context, *, answer: bool) -> Rendered:
    """The template rendered by the general walk alone (the shortcut's oracle)."""
    tokens, ends, problems, _ = _parsed(template)
    out = Rendered("", unsupported=set(problems))
    out.html = _render(tokens, 0, len(tokens), ctx, answer, out, ends)
    return out


def test_the_stock_basic_templates() -> None:
    ctx = Context(FIELDS, 0)
    assert render("{{Front}}", ctx, answer=False).html == "What is <b>x</b>?"
    back = render("{{FrontSide}}\n\n<hr id=answer>\n\n{{ Back }}", ctx, answer=True)
    assert back.html == f"{FRONT_SIDE}\n\n<hr id=answer>\n\ny<br>z"
    assert render("{{FrontSide}}", ctx, answer=False).html == ""  # a field so named too


TEXT = st.text(alphabet="ab <>{}#^/:\n", max_size=6)
TAG = st.sampled_from(
    ["Front", " Back ", "Back Extra", "FrontSide", "Tags", "Deck", "Missing", "#Front", "/Front"]
    + ["^Back", "text:Front", "", " ", "Front}", "{Front"]
)


@given(st.lists(st.tuples(TEXT, TAG), max_size=6), TEXT, st.booleans())
def test_a_template_renders_as_the_walk_renders_it(
    parts: list[tuple[str, str]], tail: str, answer: bool
) -> None:
    template = "".join(f"{text}{{{{{tag}}}}}" for text, tag in parts) + tail
    ctx = Context(FIELDS, 0, tags="t1 t2", deck="A::B")
    got, expected = render(template, ctx, answer=answer), walked(template, ctx, answer=answer)
    assert (got.html, got.typed, got.unsupported) == (
        expected.html,
        expected.typed,
        expected.unsupported,
    )
