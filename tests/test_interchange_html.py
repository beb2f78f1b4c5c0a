"""Anki HTML → Markdown (markdownify, with a fast path that must agree with it)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlcards.interchange.html2md import _fast, _slow, convert
from dlcards.interchange.md2html import to_html

from .conftest import examples


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("What is <b>deep</b> learning?", "What is **deep** learning?"),
        ("<strong>s</strong> <em>e</em> <i>i</i>", "**s** *e* *i*"),
        ("line one<br>line two", "line one\\\nline two"),
        ("<div>first</div><div>second</div>", "first\n\nsecond"),
        ("use <code>x_1 * y</code> here", "use `x_1 * y` here"),
        ("<ul><li>one</li><li>two</li></ul>", "- one\n- two"),
        ("<ol><li>one</li><li>two</li></ol>", "1. one\n2. two"),
        ("a &amp; b &lt;c&gt; &nbsp;d &#8594; &eacute;", "a & b <c>  d → é"),
        ('<pre><code class="language-python">x = 1\n</code></pre>', "```python\nx = 1\n```"),
        ("2*3 and a_b", "2\\*3 and a\\_b"),  # escaped: they are not Markdown emphasis
        ('<img src="cell diagram.png" alt="x">', "[image: cell diagram.png]"),
        ("[sound:intro_1.mp3] listen", "[sound:intro_1.mp3] listen"),
        ('<span style="color:red">red</span> <u>under</u>', "red under"),
        ("", ""),
        # Anki's editor writes empty lines as <div><br></div>: no stray backslashes.
        ("line1<div><br></div><div>line3</div>", "line1\n\nline3"),
        ("text<br>", "text"),
        ("a<br><br>b", "a\n\nb"),
    ],
)
def test_conversions(html: str, markdown: str) -> None:
    assert convert(html).markdown == markdown


# Fields as Anki's editor writes them, each Markdown worked out by hand from markdownify's
# rules (blocks on blank lines, nested items indented by the bullet's width, an ordered
# list counting from its start, backticks in code fenced by one more).
@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        (
            "What is <b>layer dropout</b> (7)? x<sup>2</sup>",
            "What is **layer dropout** (7)? x²",
        ),
        (
            "\n\nsoftmax logits<br><i>kernel stride</i> &amp; H<sub>2</sub>O"
            "<div>padding  dropout&nbsp;&lt;3&gt;</div><ul><li>a_b</li><li>two</li></ul>",
            "softmax logits\\\n*kernel stride* & H₂O\n\npadding dropout <3>\n\n- a\\_b\n- two",
        ),
        (
            "<ol start='4'><li>four <ul><li>in</li></ul></li><li></li><li>six</li></ol>after",
            "4. four\n   - in\n6. six\n\nafter",
        ),
        ("run <code>a`b</code> and <kbd> k </kbd>", "run `` a`b `` and  `k`"),
        (
            '<a href="https://x.org">https://x.org</a> <a href="u" title="T">see</a>',
            '<https://x.org> [see](u "T")',
        ),
        ("<p> one </p><p>two<br></p>", "one\n\ntwo"),
    ],
)
def test_anki_editor_fields(html: str, markdown: str) -> None:
    assert convert(html).markdown == markdown


# A script whose text is all sub/superscript characters goes into the HTML as that
# text; any other stays aside in a placeholder. Both must give what the placeholder
# always gave: each expected value worked out by hand from markdownify's rules.
@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("x<sup>2</sup> y<sub>i</sub>", "x² yᵢ"),
        ("<b>e<sup>x</sup></b>", "**eˣ**"),
        ("<table><tr><td>x<sup>2</sup></td></tr></table>", "|  |\n| --- |\n| x² |"),
        # an empty script: the spaces either side stay two (the placeholder between
        # them kept them apart while spaces were collapsed)
        ("a <sup></sup> b", "a  b"),
        # a superscript '*' is not escaped as text of the field would be
        ("a<sup>*</sup>b", "a*b"),
        # a link whose text equals its address only once the script is read: not an autolink
        ('<a href="x²">x<sup>2</sup></a>', "[x²](x²)"),
        ("x<sup>q</sup>", "x^(q)"),
    ],
)
def test_scripts_read_as_text_or_kept_aside(html: str, markdown: str) -> None:
    assert convert(html).markdown == markdown


def test_a_field_the_fast_path_takes_never_loads_markdownify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # markdownify brings BeautifulSoup and soupsieve: ~0.2 s of an import's start.
    from dlcards.interchange import html2md

    def refuse() -> None:
        raise AssertionError("markdownify was asked for")

    monkeypatch.setattr(html2md, "_converter", refuse)
    assert convert("<div><b>a</b> &amp; <ul><li>b</li></ul></div>").markdown == "**a** &\n\n- b"


def test_media_are_counted() -> None:
    assert convert("<img src='a.png'> [sound:b.mp3] <img src=\"c.jpg\">").media == 3
    assert convert("no media").media == 0


def test_markdown_to_html_unwraps_a_single_paragraph_and_escapes_raw_html() -> None:
    assert to_html("What is **ReLU**?") == "What is <strong>ReLU</strong>?"
    assert to_html("a\n\nb") == "<p>a</p>\n<p>b</p>"
    assert to_html("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- the fast path agrees with markdownify ------------------------------------------------

_PIECES = list("ab _*`\n\t>#-1.") + [
    "&amp;",
    "&nbsp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&apos;",
    "&amp;lt;",  # an escaped entity: decoded once, it is text
    "&#65;",
    "&#x263A;",
    "\xa0",
    "é",
    "  ",
]
_INLINE = [
    "b",
    "strong",
    "i",
    "em",
    "code",
    "span",
    "u",
    "sub",
    "sup",
    "del",
    "s",
    "kbd",
    "B",
    "a href='https://x.org/a_b'",
    'a href="x" title="T &amp; t"',
    "a",
    "a href=y",
]


def _text() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(_PIECES), max_size=6).map("".join)


def _inline(depth: int) -> st.SearchStrategy[str]:
    leaf = st.one_of(_text(), st.sampled_from(["<br>", "<br/>", "<br />", "<BR>"]))
    if depth == 0:
        return leaf
    tag = st.tuples(st.sampled_from(_INLINE), st.lists(_inline(depth - 1), max_size=3))
    return st.one_of(leaf, tag.map(lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0].split()[0]}>"))


def _list(depth: int) -> st.SearchStrategy[str]:
    item_content = st.lists(
        st.one_of(_inline(1), _list(depth - 1)) if depth else _inline(1), max_size=3
    ).map("".join)
    items = st.lists(st.tuples(item_content, st.sampled_from(["", "\n", " "])), max_size=3)
    kind = st.sampled_from(["ul", "ol", "ol start='3'", 'OL start="10"'])
    return st.tuples(kind, items).map(
        lambda t: (
            f"<{t[0]}>" + "".join(f"<li>{c}</li>{w}" for c, w in t[1]) + f"</{t[0].split()[0]}>"
        )
    )


def _block(depth: int) -> st.SearchStrategy[str]:
    content = st.lists(_inline(2), max_size=3).map("".join)
    paragraph = content.map(lambda c: f"<p>{c}</p>")
    if depth == 0:
        return st.one_of(paragraph, content)
    div = st.lists(st.one_of(_block(depth - 1), _inline(1)), max_size=3).map(
        lambda parts: "<div class='x'>" + "".join(parts) + "</div>"
    )
    return st.one_of(paragraph, div, content, _list(1))


_DOCUMENTS = st.lists(st.one_of(_block(2), _inline(2), _text()), max_size=4).map("".join)


@settings(max_examples=examples(1500), deadline=None, suppress_health_check=list(HealthCheck))
@given(_DOCUMENTS)
def test_fast_path_matches_markdownify(html: str) -> None:
    fast = _fast(html)
    assert fast is not None, "the generated HTML is inside the fast path's subset"
    assert fast == _slow(html)


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td>x</td></tr></table>",
        "<b>unclosed",
        "</b>",
        "<p><p>x</p></p>",
        "<b><div>x</div></b>",
        "a &copy; b",
        "&#128;",
        "<!-- c -->x",
        "<img src=x>",
        "x < y",
    ],
)
def test_outside_the_subset_the_fast_path_steps_aside(html: str) -> None:
    assert _fast(html) is None


def test_the_memo_of_tags_stays_bounded_on_a_field_of_distinct_tags() -> None:
    from dlcards.interchange import html_tree as html_fast

    distinct = "".join(f"<span title='{i}'>x</span>" for i in range(6000))
    long_tag = "<span title='" + "y" * 5000 + "'>z</span>"
    assert convert(distinct + long_tag).markdown == "x" * 6000 + "z"
    assert len(html_fast._TAGS) <= 4096
    assert all(len(tag) <= 200 for tag in html_fast._TAGS)
