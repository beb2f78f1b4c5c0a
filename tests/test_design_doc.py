"""Every "DESIGN §N" cited in the repository names a section docs/DESIGN.md has (issue 16 #1).

Code, tests, decks and the CHANGELOG point readers at the design by section number;
a citation of a section that was renumbered or never written sends them nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "DESIGN.md"
# Where citations live; snapshots and virtualenvs hold none of ours.
SEARCHED = ("dlcards", "tests", "decks", "benchmarks", ".ci")
TOP_FILES = ("CHANGELOG.md", "README.md", "pyproject.toml")
SUFFIXES = {".py", ".toml", ".md", ".txt", ".tcss", ".sql", ""}
# "DESIGN §3", "DESIGN §3, §9", "DESIGN §§3 and 5": every number after DESIGN counts.
CITATION = re.compile(r"DESIGN\s+§§?\s*(\d+(?:\s*(?:,|and|&|/|–|-)\s*§?\s*\d+)*)")
HEADING = re.compile(r"^## (\d+)\. ", re.MULTILINE)


def cited_sections(text: str) -> set[int]:
    return {int(n) for match in CITATION.finditer(text) for n in re.findall(r"\d+", match[1])}


def _files() -> list[Path]:
    files = [ROOT / name for name in TOP_FILES if (ROOT / name).is_file()]
    for folder in SEARCHED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in SUFFIXES and "__snapshots__" not in path.parts:
                files.append(path)
    return files


def citations() -> dict[int, list[str]]:
    """Section number -> the files citing it."""
    found: dict[int, list[str]] = {}
    for path in _files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for section in cited_sections(text):
            found.setdefault(section, []).append(str(path.relative_to(ROOT)))
    return found


def headings() -> list[int]:
    return [int(n) for n in HEADING.findall(DESIGN.read_text(encoding="utf-8"))]


def test_the_collector_reads_every_citation_form() -> None:
    assert cited_sections("see DESIGN §3") == {3}
    assert cited_sections("(DESIGN §3, §9)") == {3, 9}
    assert cited_sections("DESIGN §§5 and 6; not §7") == {5, 6}
    assert cited_sections("the design's section 4") == set()


def test_the_repository_cites_the_design() -> None:
    # A collector that silently found nothing would pass the next test vacuously.
    found = citations()
    assert {3, 4, 7, 9} <= set(found)
    assert "dlcards/scheduler.py" in found[4]


def test_every_cited_section_exists() -> None:
    have = set(headings())
    missing = {n: files for n, files in citations().items() if n not in have}
    assert not missing, f"cited but not in docs/DESIGN.md: {missing}"


def test_sections_are_numbered_once_and_in_order() -> None:
    numbers = headings()
    assert numbers == sorted(set(numbers))
    # Code cites §1–§12 by number: they stay where they are.
    assert set(range(1, 13)) <= set(numbers)
