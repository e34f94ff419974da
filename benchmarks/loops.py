"""Loops at compiled speed: s2sad on numpy and on numba against hand-written gradients and JAX.

    python benchmarks/loops.py            # the table (a minute or two)
    python benchmarks/loops.py --quick    # fewer repeats (under a minute)

Five loop workloads (``workloads.py``): the 1,000-step scalar loop, the 30-step
RNN, an explicit-Euler ODE of 1,000 steps, the scalar-indexed loop
``s = s + x[i] * x[i]`` over 20,000 elements, and 20,000 appends to a list;
without ``--quick``, also the two-layer MLP of ``run.py``, which has no loop:
the contrast, code whose time is spent in numpy's kernels.  For each, in one
process and one run:

* hand numpy: the hand-written numpy gradient (``workloads.py``), the reference
  every other gradient is checked against before it is timed;
* s2sad numpy: ``s2sad.value_and_grad(f, wrt)`` (the API, default backend);
* s2sad numba: ``s2sad.value_and_grad(f, wrt, backend="numba")``; its compile
  time is the returned function's ``compile_seconds`` after the first call (the
  first call's time when it has none), with s2sad's cache directory fresh
  (``S2SAD_CACHE_DIR``) unless ``--keep-cache``;
* hand numba: a hand-written ``@numba.njit`` gradient (``hand_numba.py``);
  compile time: its first call;
* jax Python loop: ``jax.jit(jax.value_and_grad(f))`` of the Python loop, unrolled
  when traced (only up to ``--unroll-limit`` steps: its compile time grows
  faster than the trip count: 2.4 s at 1,000 steps of the scalar loop, 7.5 s
  at 2,000, 72 s for 2,000 steps of the indexed loop on the machine this was
  written on);
* jax lax loop: the same with ``lax.fori_loop`` / ``lax.scan`` (``jax_loops.py``);
  compile time: its first call.

Times are medians (``common.time_calls``: warm-up excluded, each measurement
at least ``--min-time`` seconds, ``--repeats`` measurements, the columns of a
workload measured in turn so that a change in the machine's load moves them
together).  A column whose
package is not installed prints "not installed"; s2sad numba prints "backend
not available" until ``backend="numba"`` exists, and "fell back to numpy" if
s2sad warned that it ran the numpy backend instead.

Targets (issue 16), each printed PASS or MISS: s2sad numba within 1.15x of the
hand-written numba gradient and faster than the better of the two JAX variants
on the scalar loop, the RNN, the Euler ODE and the indexed loop; s2sad numpy
within 1.5x of the hand-written numpy gradient on the indexed loop.
"""

import argparse
import importlib.util
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
if __name__ == "__main__":
    import common
    common.fix_malloc()
sys.path.insert(1, os.path.join(HERE, ".."))

import numpy as np  # noqa: E402

import s2sad  # noqa: E402
import workloads as W  # noqa: E402
from common import fmt_time, same_result, status, table, time_calls  # noqa: E402

TARGET_NUMBA = 1.15          # s2sad numba / hand numba
TARGET_NUMPY_INDEXED = 1.5   # s2sad numpy / hand numpy on the indexed loop
UNROLL_LIMIT = 1000          # default: JAX's unrolled variant up to this many steps
UNROLL_LIMIT_QUICK = 30      # with --quick (unrolling 1,000 steps compiles for seconds)

COLUMNS = ("hand numpy", "s2sad numpy", "s2sad numba", "hand numba", "jax Python loop",
           "jax lax loop")


@dataclass
class LoopWorkload:
    name: str
    func: Callable
    hand: Callable
    args: Tuple
    wrt: Tuple[int, ...]
    size: str
    steps: int
    numba_target: bool          # in the numba target set (issue 16's "Done when")
    times: dict = field(default_factory=dict)      # column -> seconds per call
    compile: dict = field(default_factory=dict)    # column -> seconds
    notes: dict = field(default_factory=dict)      # column -> why there is no time (short)
    details: list = field(default_factory=list)    # longer explanations, printed below


def loop_workloads(seed_value=0, small=False, contrast=False):
    """The five loop workloads with their data (deterministic); ``small``: tiny sizes, for
    tests (finite differences) and smoke runs; ``contrast``: and the vectorized MLP (no
    loop), to show what numba does where numpy's kernels do the work."""
    rng = np.random.default_rng(seed_value)
    steps, n, units = (12, 40, 4) if small else (1000, 20000, 32)
    rnn_args = (0.2 * rng.standard_normal((16, units)),
                0.2 * rng.standard_normal((units, units)), 0.1 * rng.standard_normal(units),
                rng.standard_normal((30, 16)), np.zeros(units))
    out = [
        LoopWorkload("scalar loop", W.scalar_loop, W.scalar_loop_hand, (0.5, steps), (0,),
                     f"{steps} steps", steps, True),
        LoopWorkload("RNN", W.rnn, W.rnn_hand, rnn_args, (0, 1, 2), f"30 steps, {units} units",
                     30, True),
        LoopWorkload("Euler ODE", W.euler, W.euler_hand, (0.7, 1.0, steps), (0, 1),
                     f"{steps} steps", steps, True),
        LoopWorkload("indexed loop", W.indexed_sum, W.indexed_sum_hand,
                     (rng.standard_normal(n),), (0,), f"{n} elements", n, True),
        LoopWorkload("list append", W.list_append, W.list_append_hand, (0.5, n), (0,),
                     f"{n} appends", n, False),
    ]
    if contrast:
        batch, inputs, hidden = (8, 5, 4) if small else (64, 100, 64)
        out.append(LoopWorkload(
            "MLP (no loop)", W.mlp, W.mlp_hand,
            (0.1 * rng.standard_normal((inputs, hidden)), 0.1 * rng.standard_normal(hidden),
             0.1 * rng.standard_normal((hidden, 10)), 0.1 * rng.standard_normal(10),
             rng.standard_normal((batch, inputs)), rng.standard_normal((batch, 10))),
            (0, 1, 2, 3), f"batch {batch}, {inputs}-{hidden}-10", 0, False))
    return out


def installed(name):
    return importlib.util.find_spec(name) is not None


def _tupled(vg, many):
    """``vg``'s results as ``(value, (gradients...))`` for one or many ``wrt``."""
    if many:
        return vg

    def call(*args):
        value, grad = vg(*args)
        return value, (grad,)

    return call


def _wrt(w):
    return w.wrt if len(w.wrt) > 1 else w.wrt[0]


# ------------------------------------------------------------ the columns

def make_s2sad_numpy(w):
    return _tupled(s2sad.value_and_grad(w.func, wrt=_wrt(w)), len(w.wrt) > 1), None


def make_s2sad_numba(w):
    """(callable, compile seconds) or (None, why not)."""
    if not installed("numba"):
        return None, "not installed"
    try:
        vg = s2sad.value_and_grad(w.func, wrt=_wrt(w), backend="numba")
    except TypeError as exc:     # no ``backend`` parameter yet
        return None, ("backend not available", f"TypeError: {exc}")
    except Exception as exc:     # e.g. an unknown backend: say what s2sad said
        return None, ("backend not available", f"{type(exc).__name__}: {exc}")
    run = _tupled(vg, len(w.wrt) > 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        try:
            run(*w.args)
        except Exception as exc:   # a crash is reported in the table, the others still run
            return None, ("FAILED", f"the first call raised {type(exc).__name__}: {exc}")
        first = time.perf_counter() - start
    fallback = [str(c.message) for c in caught if c.category.__name__ == "NumbaFallbackWarning"]
    if fallback or getattr(vg, "backend_used", "numba") != "numba":
        return None, ("fell back to numpy", (fallback or ["backend_used is not 'numba'"])[0])
    seconds = getattr(vg, "compile_seconds", None)
    return run, first if seconds is None else seconds


def make_hand_numba(w):
    if not installed("numba"):
        return None, "not installed"
    import hand_numba
    fn = hand_numba.GRADIENTS[w.func.__name__]
    start = time.perf_counter()
    fn(*w.args)
    return fn, time.perf_counter() - start


def make_jax(w, unrolled, unroll_limit):
    if not installed("jax"):
        return None, "not installed"
    if not unrolled and w.steps == 0:
        return None, "no loop"
    if unrolled and w.steps > unroll_limit:
        return None, ("not run", f"{w.steps} steps to unroll, more than --unroll-limit "
                      f"{unroll_limit}")
    import jax_loops
    return jax_loops.make(w.func, w.wrt, w.args, unrolled)


def candidates(w, unroll_limit):
    """{column: (callable, compile seconds or None) or (None, why not)}."""
    return {
        "hand numpy": (w.hand, None),
        "s2sad numpy": make_s2sad_numpy(w),
        "s2sad numba": make_s2sad_numba(w),
        "hand numba": make_hand_numba(w),
        "jax Python loop": make_jax(w, True, unroll_limit),
        "jax lax loop": make_jax(w, False, unroll_limit),
    }


def measure(w, min_time, repeats, unroll_limit):
    """Fill ``w.times``, ``w.compile`` and ``w.notes``; every gradient checked first."""
    reference = w.hand(*w.args)
    timed = {}
    for column, (fn, extra) in candidates(w, unroll_limit).items():
        if fn is None:
            short, detail = extra if isinstance(extra, tuple) else (extra, None)
            w.notes[column] = short
            if detail:
                w.details.append(f"{column}: {detail}")
            continue
        if not same_result(fn(*w.args), reference):
            w.notes[column] = "WRONG"
            w.details.append(f"{column}: value or gradient differs from the hand-written "
                             "numpy gradient's")
            continue
        if extra is not None:
            w.compile[column] = extra
        timed[column] = (fn, w.args)
    w.times.update(time_calls(timed, min_time, repeats))


# ------------------------------------------------------------------ report

def _cell(w, column, base=None):
    if column not in w.times:
        return w.notes.get(column, "n/a")
    if base is None:
        return fmt_time(w.times[column])
    if base not in w.times:
        return "-"
    ratio = w.times[column] / w.times[base]
    return f"{ratio:.2f}" if ratio >= 0.1 else f"{ratio:.2g}"


def best_jax(w):
    found = [w.times[c] for c in ("jax Python loop", "jax lax loop") if c in w.times]
    return min(found) if found else None


def targets(measured):
    """[(text, ok)]: the issue-16 targets, ok None where a column is missing."""
    out = []
    for w in measured:
        if w.numba_target:
            s, hand, jax = w.times.get("s2sad numba"), w.times.get("hand numba"), best_jax(w)
            ok = None if s is None or hand is None else s / hand <= TARGET_NUMBA
            ratio = "" if ok is None else f" {s / hand:.2f}x"
            out.append((f"{w.name}: s2sad numba{ratio} of hand numba, target ≤ "
                        f"{TARGET_NUMBA}x", ok))
            ok = None if s is None or jax is None else s < jax
            ratio = "" if ok is None else f" {s / jax:.2f}x"
            out.append((f"{w.name}: s2sad numba{ratio} of jax.jit(grad) (the better variant), "
                        "target < 1x", ok))
        if w.func is W.indexed_sum:
            s, hand = w.times.get("s2sad numpy"), w.times.get("hand numpy")
            ok = None if s is None or hand is None else s / hand <= TARGET_NUMPY_INDEXED
            ratio = "" if ok is None else f" {s / hand:.2f}x"
            out.append((f"{w.name}: s2sad numpy{ratio} of hand numpy, target ≤ "
                        f"{TARGET_NUMPY_INDEXED}x", ok))
    return out


def report(measured):
    """The tables and targets as markdown text; returns (text, misses)."""
    if not measured:
        return "No loop workload selected (--only).", []
    parts = ["Time per value-and-gradient call:\n",
             table(["workload", "size"] + list(COLUMNS),
                   [[w.name, w.size] + [_cell(w, c) for c in COLUMNS] for w in measured]),
             "\nRatio to the hand-written numpy gradient:\n",
             table(["workload"] + list(COLUMNS[1:]),
                   [[w.name] + [_cell(w, c, "hand numpy") for c in COLUMNS[1:]]
                    for w in measured]),
             "\nRatio to the hand-written numba gradient:\n",
             table(["workload"] + [c for c in COLUMNS if c != "hand numba"],
                   [[w.name] + [_cell(w, c, "hand numba") for c in COLUMNS if c != "hand numba"]
                    for w in measured]),
             "\nCompile time (first call: s2sad numba's `compile_seconds`, the others' first "
             "call, tracing included):\n",
             table(["workload", "s2sad numba", "hand numba", "jax Python loop", "jax lax loop"],
                   [[w.name] + [fmt_time(w.compile[c]) if c in w.compile else
                                w.notes.get(c, "-") for c in
                                ("s2sad numba", "hand numba", "jax Python loop", "jax lax loop")]
                    for w in measured]),
             ""]
    parts += [f"- {w.name}, {d}" for w in measured for d in w.details]
    parts.append("\nTargets:\n")
    misses = []
    for text, ok in targets(measured):
        parts.append(f"- {text}: " + ("not measured" if ok is None else status(ok)))
        if ok is not True:
            misses.append(text + (" (not measured)" if ok is None else ""))
    return "\n".join(parts), misses


def run(quick=False, min_time=None, repeats=None, unroll_limit=None, only=None,
        keep_cache=False, small=False, contrast=None):
    """Measure every loop workload (``only``: a set of lowercase names; ``small``: tiny
    sizes, for a smoke run; ``contrast``: the MLP row, by default without ``quick``);
    returns (report text, misses)."""
    min_time = (0.01 if quick else 0.05) if min_time is None else min_time
    repeats = (5 if quick else 9) if repeats is None else repeats
    if unroll_limit is None:
        unroll_limit = UNROLL_LIMIT_QUICK if quick else UNROLL_LIMIT
    if installed("numba"):
        import hand_numba
        hand_numba.warm_up(1.0)   # numba's start-up, charged to no gradient
    contrast = not quick if contrast is None else contrast
    measured = [w for w in loop_workloads(small=small, contrast=contrast)
                if only is None or w.name.lower() in only]
    saved = os.environ.get("S2SAD_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="s2sad_loops_cache_") as cache:
        if not keep_cache:   # a fresh cache: s2sad numba's first call compiles
            os.environ["S2SAD_CACHE_DIR"] = cache
        try:
            for w in measured:
                measure(w, min_time, repeats, unroll_limit)
        finally:
            if saved is None:
                os.environ.pop("S2SAD_CACHE_DIR", None)
            else:
                os.environ["S2SAD_CACHE_DIR"] = saved
    return report(measured)


def versions():
    from importlib import metadata
    out = []
    for name in ("numba", "jax"):
        try:
            out.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name} not installed")
    return ", ".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter runs")
    parser.add_argument("--min-time", type=float, default=None,
                        help="seconds one measurement lasts at least (default 0.05)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="measurements (default 9, 5 with --quick)")
    parser.add_argument("--unroll-limit", type=int, default=None,
                        help=f"JAX's unrolled variant up to this many steps (default "
                        f"{UNROLL_LIMIT}, {UNROLL_LIMIT_QUICK} with --quick)")
    parser.add_argument("--only", default=None, help="comma-separated workload names")
    parser.add_argument("--no-contrast", action="store_true",
                        help="leave out the MLP (no loop), measured by default without --quick")
    parser.add_argument("--keep-cache", action="store_true",
                        help="keep $S2SAD_CACHE_DIR (numba's compiled code may be reused)")
    opts = parser.parse_args(argv)
    only = None if opts.only is None else {n.strip().lower() for n in opts.only.split(",")}
    print(f"# Loops: s2sad on numpy and numba, hand-written gradients, JAX\n\n{versions()}; "
          f"load average {os.getloadavg()[0]:.2f}\n")
    text, misses = run(opts.quick, opts.min_time, opts.repeats, opts.unroll_limit, only,
                       opts.keep_cache, contrast=False if opts.no_contrast else None)
    print(text)
    print("\nAll targets met." if not misses else
          f"\nTargets missed or not measured: {len(misses)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
