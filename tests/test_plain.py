"""Plain line mode (DESIGN §7) through real subprocesses: protocol, durability, JSON numbers."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from dlcards.store import Store

from .conftest import cli_env, run_cli, run_cli_process, write_deck


def deck_args(tmp_path: Path) -> list[str]:
    path = write_deck(tmp_path / "decks", "t", 3)
    return ["--deck-path", str(path)]


def study(
    home: Path, tmp_path: Path, now: str, lines: list[str]
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        home, *deck_args(tmp_path), "study", "--deck", "t", now=now, input="\n".join(lines) + "\n"
    )


def json_of(home: Path, tmp_path: Path, now: str, *command: str):
    result = run_cli(home, *deck_args(tmp_path), *command, "--json", now=now)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def deck_t(home: Path, tmp_path: Path, now: str) -> dict:
    return next(d for d in json_of(home, tmp_path, now, "decks") if d["id"] == "t")


def test_scripted_sessions_give_the_right_numbers_across_4am(home: Path, tmp_path: Path) -> None:
    evening = "2026-03-01T22:00:00+00:00"
    result = study(
        home,
        tmp_path,
        evening,
        [
            "",
            "5",  # c1 perfect
            "",
            "2",  # c2 failed: a re-drill later
            "",
            "4",  # c3 …
            "u",  # … undone at the next prompt: c3 comes back
            "",
            "3",  # c3 again, 3 < 4: a re-drill too
            "",
            "4",  # re-drill c2 passes
            "",
            "5",  # re-drill c3 passes
        ],
    )
    assert result.returncode == 0, result.stderr
    assert "Undid the last grade (c3)" in result.stdout
    assert "Session over: 3 cards, 4 of 5 grades right" in result.stdout
    assert "2 re-drills" in result.stdout

    stats = json_of(home, tmp_path, evening, "stats", "--deck", "t")
    assert stats["reviews_total"] == 3 and stats["reviews_today"] == 3
    assert stats["cards_seen"] == 3 and stats["due_today"] == 0
    assert stats["retention"] is None  # only first reviews so far
    assert stats["streak_days"] == 1
    assert deck_t(home, tmp_path, evening) | {"path": None} == {
        "id": "t",
        "name": "T",
        "path": None,
        "cards": 3,
        "new": 0,
        "due": 0,
    }

    before_four = "2026-03-02T03:30:00+00:00"  # still the study day of March 1
    assert json_of(home, tmp_path, before_four, "stats")["reviews_today"] == 3
    assert deck_t(home, tmp_path, before_four)["due"] == 0

    morning = "2026-03-02T04:30:00+00:00"
    assert deck_t(home, tmp_path, morning)["due"] == 3
    stats = json_of(home, tmp_path, morning, "stats")
    assert (stats["reviews_today"], stats["due_today"], stats["streak_days"]) == (0, 3, 1)

    result = study(home, tmp_path, morning, ["", "5", "", "1", "", "4", "q"])
    assert result.returncode == 0, result.stderr
    stats = json_of(home, tmp_path, morning, "stats", "--deck", "t")
    assert stats["reviews_total"] == 6 and stats["reviews_today"] == 3
    assert abs(stats["retention"] - 2 / 3) < 1e-12
    assert stats["streak_days"] == 2
    assert stats["due_today"] == 0
    assert stats["user"] == json_of(home, tmp_path, morning, "stats")["user"]


def test_bad_input_gets_one_line_and_the_same_prompt(home: Path, tmp_path: Path) -> None:
    # End to end: a study in plain mode, piped, in a subprocess as installed.
    lines = ["", "7", "x", "", "4", "?", "q"]
    result = run_cli_process(
        home,
        *deck_args(tmp_path),
        "study",
        "--deck",
        "t",
        now="2026-03-01T10:00:00+00:00",
        input="\n".join(lines) + "\n",
    )
    out = result.stdout
    assert result.returncode == 0
    assert out.count("Type one digit from 0 to 5") == 3
    assert out.count("Grade 0-5: ") == 4
    assert "Keys, typed at any prompt" in out
    store = Store.open(home / "progress.sqlite3")
    assert [r.grade for r in store.rows(store.profiles()[0][0])] == [4]


def test_bury_in_plain_mode(home: Path, tmp_path: Path) -> None:
    now = "2026-03-01T10:00:00+00:00"
    result = study(home, tmp_path, now, ["b", "", "5", "q"])
    assert "Buried c1 until tomorrow." in result.stdout
    again = study(home, tmp_path, now, ["", "5", "q"])
    assert "Question 1 of t?" not in again.stdout and "Question 3 of t?" in again.stdout


def test_nothing_to_study_after_burying_says_so(home: Path, tmp_path: Path) -> None:
    now = "2026-03-01T10:00:00+00:00"
    study(home, tmp_path, now, ["b", "b", "b", "q"])
    again = study(home, tmp_path, now, [])
    assert "3 cards buried until tomorrow." in again.stdout
    assert "new cards are done" not in again.stdout


def test_u_in_plain_mode_unburies(home: Path, tmp_path: Path) -> None:
    now = "2026-03-01T10:00:00+00:00"
    result = study(home, tmp_path, now, ["b", "u", "", "5", "q"])
    assert "Buried c1 until tomorrow." in result.stdout
    assert "Unburied c1; here it is again." in result.stdout
    store = Store.open(home / "progress.sqlite3")
    profile = store.profiles()[0][0]
    assert [(r.card_id, r.grade) for r in store.rows(profile)] == [("c1", 5)]


def test_choice_card_suggests_a_grade(home: Path, tmp_path: Path) -> None:
    path = write_deck(
        tmp_path / "decks",
        "ch",
        [
            """
        [[cards]]
        id = "pick"
        type = "choice"
        front = "Which are even?"
        choices = ["1", "2", "3", "4"]
        correct = [1, 3]
        back = "2 and 4."
        """,
        ],
    )
    result = run_cli(
        home,
        "--deck-path",
        str(path),
        "study",
        "--deck",
        "ch",
        input="1 5\n4, 2\n\n",
        now="2026-03-01T10:00:00+00:00",
    )
    assert "Type the numbers of the right choices, from 1 to 4" in result.stdout
    assert "✓ Right. Correct: 2, 4" in result.stdout and "Grade 0-5 [4]: " in result.stdout
    store = Store.open(home / "progress.sqlite3")
    row = store.rows(store.profiles()[0][0])[0]
    assert (row.grade, row.answer) == (4, "2, 4")


def test_compute_card_in_plain_mode(home: Path, tmp_path: Path) -> None:
    path = write_deck(
        tmp_path / "decks",
        "c",
        [
            """
        [[cards]]
        id = "size"
        type = "compute"
        problem = "conv_output_size"
        params = { size = 12, kernel_size = 3, padding = 1, stride = 1 }
        """,
            """
        [[cards]]
        id = "unusable"  # each param valid, but no level-1 input fits a 64×64 kernel
        type = "compute"
        problem = "conv_output_size"
        params = { kernel_size = 64 }
        """,
        ],
    )
    result = run_cli(
        home,
        "--deck-path",
        str(path),
        "study",
        "--deck",
        "c",
        input="ten\n10x10\n\nq\n",
        now="2026-03-01T10:00:00+00:00",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    # Unparseable: one line, the same prompt; then verdict, expected, solution, mistake.
    assert out.count("Your answer (empty = don't know): ") == 3
    assert "'ten' is not a whole number" in out
    order = [
        out.index(s)
        for s in (
            "✗ Wrong.",
            "Expected: 12x12",
            "Solution:",
            "Mistake: Looks like you forgot the padding",
            "Grade 0-5 [1]: ",
        )
    ]
    assert order == sorted(order)
    # The unusable card is named and skipped; the session goes on (here, to the re-drill).
    assert "Skipped c:unusable: it cannot be shown (could not draw" in out
    assert "── c · re-drill · 1 done, 1 left ──" in out
    store = Store.open(home / "progress.sqlite3")
    row = store.rows(store.profiles()[0][0])[0]
    assert (row.card_id, row.grade, row.answer) == ("size", 1, "10x10")
    assert json.loads(row.instance)["params"]["padding"] == 1


def read_until(proc: subprocess.Popen, marker: bytes, timeout: float = 30) -> bytes:
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"timed out waiting for {marker!r}; got {seen!r}"
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 4096)
            assert chunk, f"process ended before {marker!r}; got {seen!r}"
            seen += chunk
    return seen


def test_a_confirmed_grade_survives_sigkill(home: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "dlcards", *deck_args(tmp_path), "study", "--deck", "t", "--plain"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(home, "2026-03-01T10:00:00+00:00"),
    )
    assert proc.stdin is not None
    read_until(proc, b"show answer")
    proc.stdin.write(b"\n4\n")
    proc.stdin.flush()
    read_until(proc, b"Question 2 of t?")  # the next card is on screen: the grade is confirmed
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    store = Store.open(home / "progress.sqlite3")
    rows = store.rows(store.profiles()[0][0])
    assert [(r.card_id, r.grade, r.kind) for r in rows] == [("c1", 4, "review")]
    assert store.state(rows[0].profile, "t", "c1").sm2.interval == 1


def test_plain_mode_shows_a_negative_expected_answer_with_the_unicode_minus(
    home: Path, tmp_path: Path
) -> None:
    # w₁ = 1 − 1·3 = −2, by hand; the prompts write "−", so the answer shown does too.
    path = write_deck(
        tmp_path / "decks",
        "neg",
        [
            """
        [[cards]]
        id = "step"
        type = "compute"
        problem = "sgd_step"
        params = { param = 1.0, lr = 1.0, grad = 3.0, weight_decay = 0, steps = 1 }
        """
        ],
    )
    result = run_cli(
        home,
        "--deck-path",
        str(path),
        "study",
        "--deck",
        "neg",
        input="\n\nq\n",
        now="2026-03-01T10:00:00+00:00",
    )
    assert result.returncode == 0, result.stderr
    assert "Expected: −2\n" in result.stdout and "Expected: -2" not in result.stdout
