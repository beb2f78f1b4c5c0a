"""The wheel carries the shipped decks, and an installed copy finds them from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("dlcards-*.whl")
    return built


def test_wheel_contains_decks_schema_and_styles(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (REPO / "decks").glob("*.toml")}
    assert shipped >= {"deep-learning-interview.toml", "compute-drills.toml"}
    for name in shipped:
        assert f"dlcards/_shipped_decks/{name}" in names
    assert "dlcards/schema.sql" in names
    assert "dlcards/tui/dlcards.tcss" in names
    assert "dlcards/tui/screens/screens.tcss" in names
    assert not any(n.startswith(("tests/", "benchmarks/")) for n in names)


def test_installed_copy_finds_its_decks_from_any_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "DLCARDS_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import dlcards, sys; from dlcards.cli import main; "
            "print(dlcards.__file__, file=sys.stderr); main(['decks', '--json'])",
        ],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert str(site) in result.stderr  # the installed copy, not the checkout
    decks = {d["id"]: d for d in json.loads(result.stdout)}
    assert {"deep-learning-interview", "compute-drills"} <= set(decks)
    assert decks["deep-learning-interview"]["path"].startswith(str(site))
