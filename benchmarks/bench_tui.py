"""Time from process start to the first card painted in the TUI, and the RSS then.

    python benchmarks/bench_tui.py [--runs 5]                 # shipped decks, fresh home
    python benchmarks/bench_tui.py --synthetic OUT [--runs 5] # a make_synthetic.py folder
    python benchmarks/bench_tui.py --synthetic OUT --with-shipped  # both, interleaved, ratios
    python benchmarks/bench_tui.py --home H [--deck-path P]... [--user U]
    python benchmarks/bench_tui.py --ratios [--runs 7]        # vs a bare Textual app
    python benchmarks/bench_tui.py --ratios --against ../main # A/B, launches interleaved

``--ratios`` (issue 13's targets) times, interleaved in one run, four launches to
their first paint: a bare Textual app painting one Static (the baseline), ``dlcards
study`` on the interview deck (a basic card) and on Compute Drills (a compute card),
and ``dlcards`` to Home; it prints each median and its ratio to the bare app, in wall
time and in the CPU time the process (all its threads) had used at that paint, which
the other work on a shared machine disturbs less.

Each run starts ``python -m dlcards … study`` on a pseudo-terminal (100×30),
reads what it paints, and stops the clock when the first card's front is on
screen; RSS is read from /proc at that moment. Then it presses Enter (answer
painted) and 4 (next card painted) and times both, each after a pause of
``BENCH_PAUSE`` seconds (0.7) as a reader's, so that neither key waits for the
work the app does right after a paint. Before timing, the deck parse cache is
filled (to find the first card) and the day's backup of the progress database made
and checked, so that every run starts as a second launch the same day does (the
first launch of a day copies the whole database before its first card); the first
run is still reported apart ("cold"), medians are over the others.
Linux only (pty, /proc). Prints medians in milliseconds and MB.

Before timing, dlcards is byte-compiled (``compileall``), as ``pip install`` leaves an
installed package: with ``PYTHONDONTWRITEBYTECODE`` set, as on some shared machines, each
launch would otherwise compile every dlcards module from source (~100 ms no user pays),
while the bare app's Textual comes compiled from its install.
"""

from __future__ import annotations

import argparse
import compileall
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# CSI sequences, OSC strings, charset selections and other two-byte escapes.
ANSI = re.compile(
    r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b."
)
COLUMNS, ROWS = 100, 30
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))
PAUSE = float(os.environ.get("BENCH_PAUSE", "0.7"))  # seconds before each key press


def first_front(
    home: Path, deck_paths: list[str], user: str | None, deck_ids: tuple[str, ...] = ()
) -> str:
    """The first words of the card the session will show first (the paint marker)."""
    from dlcards.context import AppContext
    from dlcards.study.session import StudySession

    ctx = AppContext(home_of(home), user, deck_paths)
    try:
        session = StudySession(
            ctx.store, ctx.collection, ctx.profile, ctx.settings, clock=ctx.now, deck_ids=deck_ids
        )
        item = session.next_card()
        if item is None:
            raise SystemExit(f"nothing to study in {home}: no first card to time")
        front = getattr(item.card, "front", "") or ""
        words = re.sub(r"[*_`#>]", "", front).split()[:3]
        return " ".join(words) if words else " done · "
    finally:
        # The day's backup made and checked now, as a first launch that ran to its end
        # leaves it: a run stopped after its grade never sees its check finish, and
        # without this each run copied (and checked) the whole database again.
        ctx.before_session()
        ctx.after_session()
        ctx.close()


def home_of(path: Path):  # noqa: ANN201 - a config.Home
    from dlcards.config import Home

    return Home(path)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Terminal:
    """A child process on a pseudo-terminal, with its painted text accumulated."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: a 100×30 terminal, then dlcards
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
            os.execvpe(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        self.raw = b""

    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def wait_for(self, marker: str, since: int = 0) -> float:
        """Seconds until ``marker`` appears in text painted after byte ``since``."""
        deadline = time.perf_counter() + TIMEOUT
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                self.raw += chunk
                painted = ANSI.sub("", self.raw[since:].decode("utf-8", "replace"))
                if marker in " ".join(painted.split()):
                    return time.perf_counter()
        tail = self.text()[-400:]
        raise SystemExit(f"timed out waiting for {marker!r}; screen tail: {tail!r}")

    def settle(self, seconds: float) -> None:
        """Read what is painted for ``seconds``: a reader's pause before the next key."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.raw += chunk

    def press(self, key: str) -> tuple[float, int]:
        mark = len(self.raw)
        os.write(self.fd, key.encode())
        return time.perf_counter(), mark

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)


def one_run(argv: list[str], env: dict[str, str], marker: str) -> dict[str, float]:
    term = Terminal(argv, env)
    try:
        painted = term.wait_for(marker)
        result = {"first_card_ms": (painted - term.started) * 1000, "rss_mb": rss_mb(term.pid)}
        # Each key after a pause, as a reader presses it: pressed at the very moment of
        # the paint, Enter would also wait for what the app builds right after it (a
        # card's hidden answer), which no reader's key meets.
        term.settle(PAUSE)
        sent, mark = term.press("\r")  # reveals a basic card; checks a blank compute answer
        result["reveal_ms"] = (term.wait_for("Next review in", mark) - sent) * 1000
        term.settle(PAUSE)
        sent, mark = term.press("4")
        result["grade_ms"] = (term.wait_for("1 done", mark) - sent) * 1000
        return result
    finally:
        term.close()


Case = tuple[str, Path, list[str], str | None]  # label, home, deck paths, user
FIGURES = (("first_card_ms", "ms"), ("rss_mb", "MB"), ("reveal_ms", "ms"), ("grade_ms", "ms"))


def bench(cases: list[Case], runs: int) -> None:
    """Each case's runs, interleaved (run 0 of each is the cold one); with two cases,
    the ratio of the second's medians to the first's, measured on the same machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLCARDS_", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", PYTHONPATH=str(ROOT))
    launches = []
    for label, home, deck_paths, user in cases:
        argv = [sys.executable, "-m", "dlcards", "--home", str(home)]
        for path in deck_paths:
            argv += ["--deck-path", path]
        if user:
            argv += ["--user", user]
        launches.append((label, home, [*argv, "study"], first_front(home, deck_paths, user)))
    results: dict[str, list[dict[str, float]]] = {label: [] for label, *_ in cases}
    for run in range(runs + 1):
        for label, home, argv, marker in launches:
            # Every run grades one card: work on a copy of the database so each run
            # starts alike.
            snapshot = backup(home)
            try:
                results[label].append(one_run(argv, env, marker))
            finally:
                restore(home, snapshot)
            figures = ", ".join(f"{k} {v:.0f}" for k, v in results[label][-1].items())
            print(f"  {label} run {run}: {figures}", file=sys.stderr)
    medians: dict[str, dict[str, float]] = {}
    for label, (cold, *warm) in results.items():
        print(f"{label}: cold first card {cold['first_card_ms']:.0f} ms")
        medians[label] = {key: statistics.median(r[key] for r in warm) for key, _ in FIGURES}
        for key, unit in FIGURES:
            name = key.removesuffix("_ms").removesuffix("_mb")
            print(f"{label}: median {name} {medians[label][key]:.0f} {unit}  (n={len(warm)})")
        grade_to_reveal = medians[label]["grade_ms"] / medians[label]["reveal_ms"]
        print(f"{label}: grade / reveal {grade_to_reveal:.2f}×")
    if len(cases) == 2:
        base, other = (medians[label] for label, *_ in cases)
        for key, _ in FIGURES:
            print(f"{cases[1][0]} / {cases[0][0]}, {key}: {other[key] / base[key]:.2f}×")


def backup(home: Path) -> dict[str, bytes | None]:
    saved: dict[str, bytes | None] = {}
    for name in ("progress.sqlite3", "progress.sqlite3-wal", "progress.sqlite3-shm"):
        path = home / name
        saved[name] = path.read_bytes() if path.exists() else None
    return saved


def restore(home: Path, saved: dict[str, bytes | None]) -> None:
    for name, data in saved.items():
        path = home / name
        if data is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(data)
    # Flush the rewritten database now: left dirty, it would be written back during the
    # next run, and the first grade's fsync (ext4 orders journal commits) would wait for it.
    os.sync()


BARE_APP = """
from textual.app import App
from textual.widgets import Static


class Bare(App):
    def compose(self):
        yield Static("bare app ready")


Bare().run()
"""


def cpu_ms(pid: int) -> float:
    """CPU time the process has used so far, all its threads (schedstat, nanoseconds)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # a thread that ended meanwhile
    return total / 1e6


def first_paint_ms(argv: list[str], env: dict[str, str], marker: str) -> tuple[float, float]:
    """Wall and CPU milliseconds from the launch to the first paint of ``marker``."""
    term = Terminal(argv, env)
    try:
        painted = term.wait_for(marker)
        return (painted - term.started) * 1000, cpu_ms(term.pid)
    finally:
        term.close()


def ratios(runs: int, against: Path | None = None) -> None:
    """Medians of the four launches, interleaved, and their ratios to the bare app.

    ``against``: another checkout (with its own ``.venv``) whose three dlcards launches
    are interleaved with these, each right after the same launch of this one, so that an
    A/B meets the same load (each with its ratio to the same bare app)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLCARDS_", "TEXTUAL"))}
    env.update(TERM="xterm-256color", COLORTERM="truecolor")
    trees = [("", ROOT, sys.executable)]
    if against is not None:
        trees.append((f" [{against.name}]", against, str(against / ".venv" / "bin" / "python")))
        compileall.compile_dir(against / "dlcards", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home_of(home).ensure()
        interview = ("deep-learning-interview",)
        basic_marker = first_front(home, [], "bench", interview)
        cases: dict[str, tuple[list[str], str, dict[str, str]]] = {
            "bare Textual app": (
                [sys.executable, "-c", BARE_APP],
                "bare app ready",
                {**env, "PYTHONPATH": str(ROOT)},
            ),
        }
        launches = (
            ("study: first basic card", ["study", "--deck", interview[0]], basic_marker),
            ("study: first compute card", ["study", "--deck", "compute-drills"], " done · "),
            ("dlcards to Home", [], "to study now"),
        )
        for label, args, marker in launches:
            for suffix, tree, python in trees:
                # -P: not the working directory first on sys.path (``-m`` puts it there),
                # which would load this checkout's dlcards for the other one too.
                safe = ["-P"] if against is not None else []
                argv = [python, *safe, "-m", "dlcards", "--home", str(home), "--user", "bench"]
                argv += args
                cases[label + suffix] = (argv, marker, {**env, "PYTHONPATH": str(tree)})
        times: dict[str, list[float]] = {name: [] for name in cases}
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        for run in range(runs + 1):  # run 0 warms the caches (decks, backup) and is dropped
            for name, (argv, marker, launch_env) in cases.items():
                snapshot = backup(home)
                try:
                    ms, cpu_used = first_paint_ms(argv, launch_env, marker)
                finally:
                    restore(home, snapshot)
                if run:
                    times[name].append(ms)
                    cpu[name].append(cpu_used)
        bare = statistics.median(times["bare Textual app"])
        bare_cpu = statistics.median(cpu["bare Textual app"])
        width = max(len(name) for name in times)
        for name, values in times.items():
            median = statistics.median(values)
            median_cpu = statistics.median(cpu[name])
            print(
                f"{name:{width}} median {median:5.0f} ms  {median / bare:4.2f}x  (n={len(values)})"
                f"   CPU {median_cpu:5.0f} ms  {median_cpu / bare_cpu:4.2f}x"
            )


def compile_dlcards() -> None:
    """Byte-code for every dlcards module, as an install leaves it (see the docstring)."""
    compileall.compile_dir(ROOT / "dlcards", quiet=1)


def main() -> None:
    compile_dlcards()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--synthetic", type=Path, help="a folder written by make_synthetic.py")
    parser.add_argument("--home", type=Path)
    parser.add_argument("--deck-path", action="append", default=[])
    parser.add_argument("--user")
    parser.add_argument("--ratios", action="store_true", help="first paints vs a bare app")
    parser.add_argument(
        "--against", type=Path, help="--ratios: another checkout (its .venv) interleaved"
    )
    parser.add_argument(
        "--with-shipped", action="store_true", help="--synthetic interleaved with shipped decks"
    )
    args = parser.parse_args()
    if args.ratios:
        ratios(args.runs, args.against.resolve() if args.against else None)
        return
    with tempfile.TemporaryDirectory() as tmp:
        cases: list[Case] = []
        if args.synthetic is None or args.with_shipped:
            home = Path(tmp) / "home"
            home_of(home).ensure()
            cases.append(("shipped", home, [], "bench"))
        if args.synthetic:
            synthetic = args.synthetic.resolve()
            cases.append(("synthetic", synthetic / "home", [str(synthetic / "decks")], None))
        elif args.home:
            cases = [(str(args.home), args.home.resolve(), args.deck_path, args.user)]
        bench(cases, args.runs)


if __name__ == "__main__":
    main()
