"""What every benchmark script here shares: the timing method, formatting, the value check.

Timing (``time_call``): after one warm-up call (JIT compilation, caches), each
callable is run enough times for one measurement to last at least ``min_time``
seconds, the measurement is repeated ``repeats`` times, and the median time per
call is returned (never the minimum: a noisy machine shows as noise).
"""

import os
import platform
import statistics
import sys
import time

import numpy as np

#: glibc moves its threshold between heap and mmap allocations as a process frees memory,
#: so the same numpy code (the hand-written gradients too) ran up to 2x slower after a
#: different history of allocations; fixed thresholds make runs comparable
_FIXED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "4194304", "MALLOC_TRIM_THRESHOLD_": "8388608"}


def fix_malloc():
    """Re-execute the running script with fixed glibc malloc thresholds (once, on Linux)."""
    if platform.system() == "Linux" and any(os.environ.get(k) != v
                                            for k, v in _FIXED_MALLOC.items()):
        os.execve(sys.executable, [sys.executable] + sys.argv, {**os.environ, **_FIXED_MALLOC})


def time_call(fn, args, min_time, repeats):
    """Median seconds per call of ``fn(*args)``."""
    fn(*args)  # warm up (JIT compilation, caches)
    number, first = _calibrate(fn, args, min_time)
    samples = [first]
    for _ in range(repeats - 1):
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def _calibrate(fn, args, min_time):
    """(calls per measurement, the first measurement's seconds per call)."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn(*args)
        elapsed = time.perf_counter() - start
        if elapsed >= min_time or number >= 1 << 20:
            return number, elapsed / number
        number = max(number * 2, int(number * min_time / max(elapsed, 1e-9) * 1.2))


def time_calls(calls, min_time, repeats):
    """``time_call`` for several callables at once, measured in turn.

    ``calls`` maps a name to ``(fn, args)``; returns {name: median seconds per
    call}.  Each round measures every callable once, so all of them are sampled
    over the same stretch of time and a change in the machine's load moves
    them together instead of skewing their ratios.
    """
    numbers, samples = {}, {}
    for name, (fn, args) in calls.items():
        fn(*args)  # warm up
        numbers[name], first = _calibrate(fn, args, min_time)
        samples[name] = [first]
    for _ in range(repeats - 1):
        for name, (fn, args) in calls.items():
            number = numbers[name]
            start = time.perf_counter()
            for _ in range(number):
                fn(*args)
            samples[name].append((time.perf_counter() - start) / number)
    return {name: statistics.median(values) for name, values in samples.items()}


def fmt_time(seconds):
    if seconds >= 1.0:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def fmt_bytes(n):
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MiB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KiB"
    return f"{n} B"


def status(ok):
    return "PASS" if ok else "MISS"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ------------------------------------------------------------------ checks

def same_result(a, b):
    (va, ga), (vb, gb) = a, b
    if not np.allclose(np.asarray(va, dtype=float), np.asarray(vb, dtype=float), rtol=1e-8):
        return False
    return len(ga) == len(gb) and all(
        np.allclose(np.asarray(x, dtype=float), np.asarray(y, dtype=float), rtol=1e-6,
                    atol=1e-9) for x, y in zip(ga, gb))


