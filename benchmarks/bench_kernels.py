"""Time dlcards.kernels against torch CPU float64 (when torch is installed).

Run: ``python benchmarks/bench_kernels.py [--threads N] [--seconds S]``. Prints one
row per case: the median time per call of ours, of torch, and the ratio ours/torch
(below 1 means ours is faster). Both sides get the same number of threads: numpy's
BLAS through its environment variables, torch through ``torch.set_num_threads``.

The machine may be shared and noisy, so ours and torch are sampled in alternating
blocks (a burst of load hits both sides rather than one) and each figure is a median.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

Thunk = Callable[[], Any]
Case = tuple[str, Thunk, Thunk | None]


def _calls_per_sample(fn: Thunk, target: float = 2e-3) -> int:
    """Enough back-to-back calls that one sample lasts about ``target`` seconds."""
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, int(target / once))


def _sample(fn: Thunk, calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


def median_times(
    ours: Thunk, theirs: Thunk | None, seconds: float, blocks: int = 6
) -> tuple[float, float | None]:
    """Median seconds per call of each thunk, sampled in alternating blocks after a warm-up.

    Alternating blocks spread the machine's noise over both sides. Sampling call by call
    instead would be unfair: after a parallel call, OpenMP and OpenBLAS worker threads
    busy-wait for a while and slow down whatever runs next (measured here: our
    single-threaded max-pool 3.3 ms after a pause, 5.5 ms right after a torch call).
    Hence also the pause before each block.
    """
    thunks = [ours] if theirs is None else [ours, theirs]
    for fn in thunks:
        for _ in range(5):  # warm-up: first calls pay for allocation and thread start-up
            fn()
    calls = [_calls_per_sample(fn) for fn in thunks]
    block_seconds = seconds / (blocks * len(thunks))
    samples: list[list[float]] = [[] for _ in thunks]
    for _ in range(blocks):
        for fn, n, out in zip(thunks, calls, samples, strict=True):
            time.sleep(0.05)
            _sample(fn, n)  # re-warm caches after the other side's block
            deadline = time.perf_counter() + block_seconds
            taken = 0
            while taken < 3 or time.perf_counter() < deadline:
                out.append(_sample(fn, n))
                taken += 1
    medians = [statistics.median(s) for s in samples]
    return medians[0], (medians[1] if theirs is not None else None)


def _bind(fn: Callable[..., Any], *args: Any) -> Thunk:
    return lambda: fn(*args)


def _dims(shape: tuple[int, ...]) -> str:
    return "x".join(map(str, shape))


def cases(np: ModuleType, kernels: ModuleType, torch: ModuleType | None) -> list[Case]:
    """(label, our thunk, torch thunk or None) for every benchmarked call."""
    rng = np.random.default_rng(0)
    out: list[Case] = []
    tensor = None if torch is None else torch.from_numpy
    conv_shapes = [
        ((1, 1, 7, 7), (1, 1, 3, 3), 0),
        ((1, 3, 32, 32), (16, 3, 3, 3), 1),
        ((8, 16, 64, 64), (32, 16, 3, 3), 1),
    ]
    for x_shape, w_shape, pad in conv_shapes:
        x, w = rng.standard_normal(x_shape), rng.standard_normal(w_shape)
        b = rng.standard_normal(w_shape[0])
        label = f"conv2d {_dims(x_shape)} * {_dims(w_shape)} p{pad}"
        theirs = None
        if torch is not None:
            theirs = _bind(torch.nn.functional.conv2d, tensor(x), tensor(w), tensor(b), 1, pad)
        out.append((label, _bind(kernels.conv2d, x, w, b, 1, pad), theirs))
    for x_shape in [(1, 16, 32, 32), (8, 32, 64, 64)]:
        x = rng.standard_normal(x_shape)
        theirs = None if torch is None else _bind(torch.nn.functional.max_pool2d, tensor(x), 2, 2)
        out.append(
            (f"max_pool2d {_dims(x_shape)} k2 s2", _bind(kernels.max_pool2d, x, 2, 2), theirs)
        )
    logits = rng.standard_normal((64, 1000))
    theirs = None if torch is None else _bind(torch.softmax, tensor(logits), -1)
    out.append(("softmax 64x1000", _bind(kernels.softmax, logits, -1), theirs))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--threads", type=int, default=os.cpu_count() or 1, help="threads for both sides"
    )
    parser.add_argument(
        "--seconds", type=float, default=2.0, help="sampling time per case, both sides"
    )
    args = parser.parse_args()
    # BLAS reads these once, when numpy is first imported: hence the late imports below.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)
    import numpy as np

    from dlcards import kernels

    try:
        import torch
    except ImportError:  # torch is optional: without it only our timings are printed
        torch = None

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cores")
    print(f"threads: {args.threads} for numpy's BLAS", end="")
    if torch is None:
        print("; torch not installed, timing ours only")
    else:
        torch.set_num_threads(args.threads)
        print(f" and for torch {torch.__version__} (get_num_threads={torch.get_num_threads()})")
    print(f"{'case (float64)':<38} {'ours µs':>10} {'torch µs':>10} {'ours/torch':>10}")
    for label, ours, theirs in cases(np, kernels, torch):
        t_ours, t_theirs = median_times(ours, theirs, args.seconds)
        if t_theirs is None:
            print(f"{label:<38} {t_ours * 1e6:10.1f} {'-':>10} {'-':>10}")
        else:
            ratio = t_ours / t_theirs
            print(f"{label:<38} {t_ours * 1e6:10.1f} {t_theirs * 1e6:10.1f} {ratio:10.2f}")


if __name__ == "__main__":
    main()
