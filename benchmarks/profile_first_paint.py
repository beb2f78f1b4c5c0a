"""Python function calls from process start to the first paint (cProfile), per launch.

    python benchmarks/profile_first_paint.py                  # the four --ratios launches
    python benchmarks/profile_first_paint.py --top 30 compute # one launch, its costliest
    python benchmarks/profile_first_paint.py --dump DIR       # pstats files, one a launch

Wall time on the shared 2-core VM drifts by ±40 %; the number of Python function calls
the main thread makes before the first frame is written does not, so it is the figure to
compare two versions of the start-up by (README §Performance, issue 13). Each launch runs
in a 100×30 pseudo-terminal like ``bench_tui.py --ratios``: the profiler starts before
anything is imported, and the process stops (``os._exit``) in the first write to the
terminal whose text holds the launch's marker, i.e. the first paint of the card or Home.
The bare Textual app of ``bench_tui.py`` is profiled the same way, as the baseline.
"""

from __future__ import annotations

import argparse
import os
import pstats
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench_tui import BARE_APP, Terminal, backup, compile_dlcards, first_front, home_of, restore  # noqa: E402

# Runs in the child: profile everything, then stop at the write that paints the marker.
CHILD = r"""
import cProfile, os, re, sys
profile = cProfile.Profile()
profile.enable()
import textual.drivers.linux_driver as linux_driver
ANSI = re.compile(
    r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b."
)
marker, out = os.environ["PROFILE_MARKER"], os.environ["PROFILE_OUT"]
written = []
write = linux_driver.LinuxDriver.write

def stop_at_paint(self, data):
    write(self, data)
    written.append(data)
    if marker in " ".join(ANSI.sub("", "".join(written)).split()):
        profile.disable()
        profile.dump_stats(out)
        os._exit(0)

linux_driver.LinuxDriver.write = stop_at_paint
code = os.environ.get("PROFILE_CODE")
if code:
    exec(compile(code, "<bare app>", "exec"), {"__name__": "__main__"})
else:
    import runpy
    sys.argv = ["dlcards", *sys.argv[1:]]
    runpy.run_module("dlcards", run_name="__main__", alter_sys=True)
"""


def profile_launch(args: list[str], marker: str, out: Path, code: str | None = None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DLCARDS_", "TEXTUAL"))}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHONPATH=str(ROOT),
        PROFILE_MARKER=marker,
        PROFILE_OUT=str(out),
    )
    if code:
        env["PROFILE_CODE"] = code
    term = Terminal([sys.executable, "-c", CHILD, *args], env)
    try:
        term.wait_for(marker)
        # The child exits right after the write that painted the marker; wait for it
        # to have dumped its profile.
        os.waitpid(term.pid, 0)
    except ChildProcessError:
        pass
    finally:
        try:
            os.close(term.fd)
        except OSError:
            pass


def main() -> None:
    compile_dlcards()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="bare, basic, compute, home (default: all)")
    parser.add_argument("--top", type=int, default=0, help="print the N costliest by calls")
    parser.add_argument("--dump", type=Path, help="keep the pstats files in this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home_of(home).ensure()
        base = ["--home", str(home), "--user", "bench"]
        interview = ("deep-learning-interview",)
        cases = {
            "bare": ([], "bare app ready", BARE_APP),
            "basic": (
                [*base, "study", "--deck", interview[0]],
                first_front(home, [], "bench", interview),
                None,
            ),
            "compute": ([*base, "study", "--deck", "compute-drills"], " done · ", None),
            "home": (base, "to study now", None),
        }
        dump = args.dump or Path(tmp)
        dump.mkdir(parents=True, exist_ok=True)
        for name, (argv, marker, code) in cases.items():
            if args.only and name not in args.only:
                continue
            out = dump / f"{name}.pstats"
            snapshot = backup(home)
            try:
                profile_launch(argv, marker, out, code)
            finally:
                restore(home, snapshot)
            stats = pstats.Stats(str(out))
            print(f"{name:8} {stats.total_calls:>9,} calls ({stats.prim_calls:,} primitive)")
            if args.top:
                stats.sort_stats("ncalls").print_stats(args.top)


if __name__ == "__main__":
    main()
