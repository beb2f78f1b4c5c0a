"""Issue 13: the first frame ``dlcards study`` writes to the terminal is the whole card.

Review used to be pushed while Textual was still starting (inside its start-up batch,
whose frame Textual drops): the first frame written then held only what had changed
since that dropped frame — the title, the card's text and the footer, without the
card's frame and the session bar, which followed a frame or two later. Run on a real
pseudo-terminal, these tests read what the process writes: the session bar and the
card's frame must be on screen before (or with) the card's first words.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

from .conftest import REPO, cli_env, write_deck

# CSI sequences, OSC strings, charset selections and other two-byte escapes.
ANSI = re.compile(
    r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b."
)
COMPUTE = """
[[cards]]
id = "conv"
type = "compute"
problem = "conv_output_size"
params = { size = 12, kernel_size = 3, padding = 0, stride = 1 }
front = "Sizing a twelve pixel image."
"""


def painted_until(home: Path, marker: str, *args: str) -> str:
    """The text ``dlcards study`` paints on a 100×30 terminal until ``marker`` is on it
    and a second more (what follows the card's first frame), escapes removed."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a 100×30 terminal, then dlcards
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**cli_env(home), "TERM": "xterm-256color", "COLORTERM": "truecolor"}
        os.chdir(REPO)
        os.execvpe(sys.executable, [sys.executable, "-m", "dlcards", *args], env)
    raw = b""
    seen_at: float | None = None
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if seen_at is not None and time.monotonic() > seen_at + 1:
                break
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                raw += chunk
                text = " ".join(ANSI.sub("", raw.decode("utf-8", "replace")).split())
                if seen_at is None and marker in text:
                    seen_at = time.monotonic()
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)
    return " ".join(ANSI.sub("", raw.decode("utf-8", "replace")).split())


@pytest.mark.parametrize(
    ("deck", "front"),
    [("basic", "Question 1 of basic?"), ("compute", "Sizing a twelve pixel image.")],
)
def test_the_first_frame_holds_the_session_bar_and_the_cards_frame(
    home: Path, deck: str, front: str
) -> None:
    if deck == "basic":
        write_deck(home / "decks", "basic", 1)
    else:
        write_deck(home / "decks", "compute", [COMPUTE])
    text = painted_until(home, front, "study", "--deck", deck)
    assert front in text, text[-500:]
    card = text.index(front)
    # The session bar ("0 done · 1 left") and the top of the card's frame come above
    # the card's text in one frame: painted before it in the stream, not after.
    assert "0 done · 1 left" in text[:card], text[: card + 200]
    assert "╭" in text[:card], text[: card + 200]


async def test_garbage_collection_is_on_again_once_the_first_frame_is_written(
    tmp_path: Path,
) -> None:
    # ``dlcards study`` turns the cyclic collector off for its start-up (the imports
    # set off collections worth ~8 % of the CPU to the first card): the app must turn
    # it on again, or a long session would never free a cycle.
    import gc

    from .test_tui_fixtures import SIZE, make_world

    world = make_world(tmp_path, decks="basics")
    app = world.app(start="review")
    gc.disable()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled()
    finally:
        gc.enable()
