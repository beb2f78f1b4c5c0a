"""Deeply nested field HTML keeps its text without going through markdownify (issue 11 #4):
BeautifulSoup and markdownify spent seconds on each such field, 124 s for 50 MB."""

from __future__ import annotations

import pytest

from dlcards.interchange import html2md


class _NoWholeConversions:
    """markdownify's converter for the fast path's per-tag rules, but never a whole field."""

    def __init__(self, real: object) -> None:
        self._real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    def convert(self, html: str) -> str:
        raise AssertionError("markdownify was asked to convert a deeply nested field")


@pytest.mark.parametrize("tags", [("<div><b><i>", "</i></b></div>"), ("<span>", "</span>")])
def test_a_field_nested_past_the_limit_keeps_its_text_only(
    monkeypatch: pytest.MonkeyPatch, tags: tuple[str, str]
) -> None:
    opening, closing = tags
    depth = html2md.MAX_NESTING + 1
    field = "before " + opening * depth + "deep &amp; text" + closing * depth + " after"
    guarded = _NoWholeConversions(html2md._converter())
    monkeypatch.setattr(html2md, "_converter", lambda: guarded)
    assert " ".join(html2md.convert(field).markdown.split()) == "before deep & text after"


def test_a_field_within_the_limit_still_converts(monkeypatch: pytest.MonkeyPatch) -> None:
    field = "<table><tr><td>" + "<div>" * 20 + "cell" + "</div>" * 20 + "</td></tr></table>"
    assert "cell" in html2md.convert(field).markdown
    many_siblings = "<table><tr><td>x</td></tr></table>" + "<div>a</div>" * 500
    converted = html2md.convert(many_siblings).markdown
    assert "| x |" in converted  # siblings are not depth: markdownify still makes the table
