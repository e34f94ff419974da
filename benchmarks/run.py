"""s2sad benchmarks: gradient cost against hand-written numpy, peers, tape, generation.

    python benchmarks/run.py            # the full tables (about a minute)
    python benchmarks/run.py --quick    # fewer repeats, for a smoke run

Everything is timed in one process with ``time.perf_counter``: each callable
is run enough times for one measurement to last at least ``--min-time``
seconds, the measurement is repeated ``--repeats`` times, and the median time
per call is reported (the minimum is used nowhere, so a noisy machine shows as
noise, not as an optimistic number).  Before timing, s2sad's value and
gradients are checked against the hand-written ones.

For every workload the script times the function, its hand-written numpy
gradient (``workloads.py``), s2sad's gradient through the API
(``s2sad.value_and_grad(f, wrt)(...)``) and the generated function called
directly (the module text from ``s2sad.source`` compiled once), and the
peers that are installed (``pip install -e '.[bench]'``: autograd, JAX with
``jit``, PyTorch).  Then: the tape each gradient keeps (s2sad's ``Stack`` is
replaced during one call by a subclass that counts pushes; the hand-written
gradients keep theirs in a counting list), the time to generate code for
synthetic functions of 10, 100 and 1000 statements, and the cost of a cached
``s2sad.grad(f)``.  Then the loop table of ``loops.py`` (s2sad on numpy and on
numba against hand-written numpy and numba gradients and ``jax.jit``, with its
own targets; ``--no-loops`` skips it) and, once ``generation.py`` is there, the
generation-scaling series in every mode (``--no-generation-series`` skips it).
With ``--dask`` (opt-in: minutes and gigabytes), the big-data tables of
``dask_big.py`` (``--dask-huge``: also a size larger than memory).

Targets (stated in the output, each marked PASS or MISS):
* s2sad's gradient within 1.1x of the hand-written gradient on vectorized
  workloads, within 1.3x on loops (scalar loops, the RNN), within 1.2x on workloads
  of a single heavy rule (``heavy_rules.py``: einsum, solve, slogdet, logsumexp, convolve);
* generating code for a small (10-statement) function under 10 ms, and
  generation time per statement at 1000 statements within 2x of that at 10
  (near-linear scaling);
* a cached lookup (a second ``s2sad.grad(f)``) under 10 µs;
* reading back a list of states (``list_states.py``): the gradient/objective ratio
  within 1.5x from 128 to 2048 steps.
"""

import argparse
import ast
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

sys.path.insert(0, HERE)
sys.path.insert(1, os.path.join(HERE, ".."))
if __name__ == "__main__":
    import common
    common.fix_malloc()

import numpy as np  # noqa: E402

import s2sad  # noqa: E402
import s2sad.runtime  # noqa: E402
import peers  # noqa: E402
import list_states  # noqa: E402
import workloads as W  # noqa: E402
from common import fmt_bytes, fmt_time, same_result, status, table, time_call  # noqa: E402

TARGET_VECTORIZED = 1.1
TARGET_LOOP = 1.3
TARGET_RULE = 1.2        # one heavy rule (einsum, solve, slogdet...): issue 14
TARGET_GENERATION_MS = 10.0
TARGET_SCALING = 2.0
TARGET_LOOKUP_US = 10.0


# --------------------------------------------------------- the generated code

def direct_function(func, wrt):
    """The generated value-and-gradient function, compiled from ``s2sad.source`` text."""
    text = s2sad.source(func, wrt=wrt)
    namespace = {"__name__": f"s2sad_direct_{func.__name__}"}
    exec(compile(text, f"<s2sad direct {func.__name__}>", "exec"), namespace)
    return namespace[f"{func.__name__}_value_and_grad"]


def nbytes(value):
    if isinstance(value, np.ndarray):
        return int(value.nbytes)
    if isinstance(value, np.generic):
        return int(value.itemsize)
    if isinstance(value, (list, tuple)):
        return sum(nbytes(v) for v in value)
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 8
    return sys.getsizeof(value)


class Tally:
    def __init__(self):
        self.values = 0
        self.bytes = 0


def counting_stack_class(tally):
    base = s2sad.runtime.Stack

    class CountingStack(base):
        __slots__ = ()

        def push(self, value):
            tally.values += 1
            tally.bytes += nbytes(value)
            list.append(self, value)

        append = push

    return CountingStack


class CountingList(list):
    """The hand-written gradients' tape, counting what is appended."""

    def __init__(self, tally):
        super().__init__()
        self.tally = tally

    def append(self, value):
        self.tally.values += 1
        self.tally.bytes += nbytes(value)
        super().append(value)


def s2sad_tape(workload):
    """(values, bytes) pushed during one s2sad gradient call."""
    tally = Tally()
    original = s2sad.runtime.Stack
    s2sad.runtime.Stack = counting_stack_class(tally)
    try:
        fn = direct_function(workload.func, workload.wrt)  # binds the patched Stack
        fn(*workload.args)
    finally:
        s2sad.runtime.Stack = original
    return tally.values, tally.bytes


def hand_tape(workload):
    tally = Tally()
    workload.hand(*workload.args, tape=CountingList(tally))
    return tally.values, tally.bytes


# ------------------------------------------------------------- generation

def synthetic_source(n, salt=0):
    """A straight-line function of ``n`` statements mixing the common operations.

    ``salt`` makes the code differ between repeats: s2sad's cache is keyed by
    code objects, and two identical functions have equal code objects even in
    different modules.
    """
    lines = ["import numpy as np", "", "", "def synthetic(x, y):", f"    t0 = x * y + {salt}.0"]
    forms = ["t{i} = np.sin(t{a}) * x + t{b}",
             "t{i} = t{a} * t{b} - y",
             "t{i} = np.tanh(t{a} + 0.5 * t{b})",
             "t{i} = np.exp(-t{a} * t{a}) + np.sum(t{b})",
             "t{i} = (t{a} - t{b}) ** 2 / (1.0 + y * y)"]
    for i in range(1, n - 1):
        a, b = i - 1, max(0, i - 2 - (i * 7) % 5)
        lines.append("    " + forms[i % len(forms)].format(i=i, a=a, b=b))
    lines.append(f"    return np.sum(t{n - 2})")
    return "\n".join(lines) + "\n"


def load_module(source, directory, name):
    path = os.path.join(directory, name + ".py")
    with open(path, "w") as fh:
        fh.write(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def generation_times(sizes, repeats):
    """{n: median seconds to generate the reverse-mode code of an n-statement function}."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="s2sad_bench_") as directory:
        warm = load_module(synthetic_source(10), directory, "synthetic_warm")
        s2sad.source(warm.synthetic)  # loads the rules once
        for n in sizes:
            samples = []
            for r in range(repeats if n < 1000 else 1):   # big ones are slow enough
                # a new module each time: the cache is keyed by the code object
                module = load_module(synthetic_source(n, salt=r + 1), directory,
                                     f"synthetic_{n}_{r}")
                assert len(ast.parse(open(module.__file__).read()).body[-1].body) == n
                start = time.perf_counter()
                s2sad.source(module.synthetic)
                samples.append(time.perf_counter() - start)
            out[n] = statistics.median(samples)
    return out


def lookup_time(func, wrt, number=2000):
    """Seconds per ``s2sad.grad(func, wrt)`` once its code is cached."""
    s2sad.grad(func, wrt=wrt)
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(number):
            s2sad.grad(func, wrt=wrt)
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


# ------------------------------------------------------- loops, generation series

def loops_section(opts, min_time, repeats):
    """The loop table (``loops.py``); returns the targets missed."""
    import loops
    print("\n## Loops: s2sad on numpy and on numba, hand-written gradients, JAX\n")
    print("`loops.py`: every gradient checked against the hand-written numpy one, then timed "
          "the same way as above; a column whose package is missing says so.\n")
    only = None if opts.only is None else {n.strip().lower() for n in opts.only.split(",")}
    text, misses = loops.run(opts.quick, min_time, repeats, only=only)
    print(text)
    return [f"loops: {m}" for m in misses]


def generation_series_section(opts):
    """HOOK for ``benchmarks/generation.py`` (branch wt-gen, issue 16): the generation-scaling
    series in every mode (grad, jvp, hvp).  It prints its own table from
    ``generation.main(quick)`` (returning its rows), and ``generation.summary(rows)`` gives
    ``{mode: (ms per statement at the largest n, ratio largest/smallest, passed)}``; until
    that module is merged the section says it is missing.  Returns the targets missed."""
    if importlib.util.find_spec("generation") is None:
        print("\n## Code generation in every mode\n\nbenchmarks/generation.py is not here "
              "yet (issue 16, branch wt-gen).")
        return []
    print()
    import generation
    measured = generation.main(quick=opts.quick)
    summary = getattr(generation, "summary", None)
    if summary is None or measured is None:
        return []
    return [f"generation ({mode}): {ms:.2f} ms per statement, {ratio:.2f}x from the "
            "smallest size" for mode, (ms, ratio, ok) in summary(measured).items() if not ok]


def dask_section(opts):
    """``dask_big.py`` (issue 17), opt-in (``--dask``: minutes and gigabytes): s2sad's gradient
    on Dask arrays of 2e7 x 10 against the function and a hand-written Dask gradient, and with
    ``--dask-huge`` on a size larger than memory.  Returns the targets missed."""
    import dask_big
    print("\n## Big data on Dask\n")
    if importlib.util.find_spec("dask") is None:
        print("dask is not installed: pip install 's2sad[dask]'")
        return []
    argv = (["--quick"] if opts.quick else []) + (["--huge"] if opts.dask_huge else [])
    text, misses = dask_big.run(dask_big.options(argv))
    print(text)
    return [f"dask: {m}" for m in misses]


# ------------------------------------------------------------------ main

def machine():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, numpy {np.__version__}, "
            f"s2sad {s2sad.__version__}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter runs")
    parser.add_argument("--min-time", type=float, default=None,
                        help="seconds one measurement lasts at least (default 0.05)")
    parser.add_argument("--repeats", type=int, default=None, help="measurements (default 7)")
    parser.add_argument("--no-peers", action="store_true", help="skip autograd/JAX/PyTorch")
    parser.add_argument("--no-loops", action="store_true",
                        help="skip the loop table (s2sad numba, hand numba, JAX: loops.py)")
    parser.add_argument("--no-generation-series", action="store_true",
                        help="skip the generation-scaling series in every mode "
                        "(generation.py)")
    parser.add_argument("--dask", action="store_true",
                        help="also the Dask tables (dask_big.py: minutes, gigabytes)")
    parser.add_argument("--dask-huge", action="store_true",
                        help="with --dask: also a size larger than memory (32 GB, lazily)")
    parser.add_argument("--only", default=None, help="comma-separated workload names")
    opts = parser.parse_args(argv)
    min_time = opts.min_time or (0.01 if opts.quick else 0.05)
    repeats = opts.repeats or (3 if opts.quick else 7)

    print(f"# s2sad benchmarks\n\nMachine: {machine()}")
    print("Run it alone: anything else running on the machine shows up in the ratios.")
    found = {} if opts.no_peers else peers.available()
    print("Peers: " + (", ".join(f"{k} {v}" for k, v in found.items()) or "none installed")
          + f"\nTiming: median of {repeats} measurements of at least {min_time * 1e3:.0f} ms "
          "each, time per call.")
    print(f"\nTargets: s2sad gradient within {TARGET_VECTORIZED}x of the hand-written gradient "
          f"on vectorized workloads, {TARGET_LOOP}x on loops and {TARGET_RULE}x on single "
          f"heavy rules (einsum, solve...); generation of a small "
          f"function < {TARGET_GENERATION_MS:.0f} ms and near-linear in its size (time per "
          f"statement at 1000 statements within {TARGET_SCALING}x of that at 10); cached "
          f"lookup < {TARGET_LOOKUP_US:.0f} µs.\n")

    selected = W.workloads()
    if opts.only:
        names = {n.strip().lower() for n in opts.only.split(",")}
        selected = [w for w in selected if w.name.lower() in names]

    rows, peer_rows, tape_rows = [], [], []
    misses = []
    for w in selected:
        api = s2sad.value_and_grad(w.func, wrt=w.wrt if len(w.wrt) > 1 else w.wrt[0])
        direct = direct_function(w.func, w.wrt)

        def api_call(*args, _api=api, _many=len(w.wrt) > 1):
            value, grads = _api(*args)
            return value, grads if _many else (grads,)

        hand_result = w.hand(*w.args)
        checks = {"API": api_call(*w.args), "direct": direct(*w.args)}
        if not isinstance(checks["direct"][1], tuple):
            checks["direct"] = (checks["direct"][0], (checks["direct"][1],))
        bad = [k for k, r in checks.items() if not same_result(r, hand_result)]
        t_f = time_call(w.func, w.args, min_time, repeats)
        t_hand = time_call(w.hand, w.args, min_time, repeats)
        t_api = time_call(api_call, w.args, min_time, repeats)
        t_direct = time_call(direct, w.args, min_time, repeats)
        target = {"vectorized": TARGET_VECTORIZED, "loop": TARGET_LOOP,
                  "rule": TARGET_RULE}[w.kind]
        ok_api = t_api / t_hand <= target
        ok_direct = t_direct / t_hand <= target
        if not ok_api:
            misses.append(f"{w.name}: s2sad (API) {t_api / t_hand:.2f}x hand, target {target}x")
        rows.append([w.name, w.size, fmt_time(t_f), fmt_time(t_hand), fmt_time(t_api),
                     fmt_time(t_direct), f"{t_hand / t_f:.2f}", f"{t_api / t_f:.2f}",
                     f"{t_api / t_hand:.2f}", f"{t_direct / t_hand:.2f}", f"≤ {target}",
                     status(ok_api) + ("" if ok_api == ok_direct else
                                       f" (direct {status(ok_direct)})")
                     + (f"; WRONG {', '.join(bad)}" if bad else "")])
        peer_row = [w.name, fmt_time(t_hand)]
        for name in ("autograd", "jax", "torch"):
            if name not in found:
                continue
            try:
                run = peers.MAKERS[name](w)
                if run is None:
                    peer_row.append("n/a")
                    continue
                t_peer = time_call(run, w.args, min_time, repeats)
                peer_row.append(f"{fmt_time(t_peer)} ({t_peer / t_hand:.2f}x)")
            except Exception as exc:  # a peer that cannot run a workload is reported
                peer_row.append(f"failed: {type(exc).__name__}")
        peer_row.insert(2, f"{fmt_time(t_api)} ({t_api / t_hand:.2f}x)")
        peer_rows.append(peer_row)
        sv, sb = s2sad_tape(w)
        hv, hb = hand_tape(w)
        tape_rows.append([w.name, sv, fmt_bytes(sb), hv, fmt_bytes(hb),
                          "same" if (sv, sb) == (hv, hb) else
                          (f"{sb / hb:.2f}x bytes" if hb else "hand keeps none")])

    print("## Gradient cost\n")
    print("f: the function; hand: the hand-written numpy value-and-gradient; API: "
          "`s2sad.value_and_grad(f, wrt)(...)`; direct: the generated function called "
          "directly. Ratios are of median times per call.\n")
    print(table(["workload", "size", "f", "hand", "s2sad API", "s2sad direct", "hand/f",
                 "s2sad/f", "s2sad/hand (API)", "s2sad/hand (direct)", "target", "status"],
                rows))
    if found:
        print("\n## Peers\n\nTime per value-and-gradient call (ratio to the hand-written "
              "gradient). JAX under `jit`, float64; PyTorch float64 on CPU with "
              "`torch.autograd.grad`.\n")
        print(table(["workload", "hand", "s2sad API"] + [f"{n} {v}" for n, v in found.items()],
                    peer_rows))
    print("\n## Tape\n\nValues pushed during one gradient call and their size; the hand-written "
          "gradients keep in a list what their backward loops need (straight-line code "
          "needs none).\n")
    print(table(["workload", "s2sad values", "s2sad bytes", "hand values", "hand bytes",
                 "s2sad vs hand"], tape_rows))

    print("\n## Code generation\n")
    sizes = (10, 100, 1000)
    gen = generation_times(sizes, 3 if not opts.quick else 1)
    gen_rows = [[n, fmt_time(t), f"{t / n * 1e6:.0f} µs"] for n, t in gen.items()]
    print(table(["statements", "generation (reverse mode)", "per statement"], gen_rows))
    small_ok = gen[10] * 1e3 < TARGET_GENERATION_MS
    scaling = (gen[1000] / 1000) / (gen[10] / 10)
    scaling_ok = scaling <= TARGET_SCALING
    lookup = lookup_time(W.seed, 1)
    lookup_ok = lookup * 1e6 < TARGET_LOOKUP_US
    print(f"\nSmall function (10 statements): {fmt_time(gen[10])}, target < "
          f"{TARGET_GENERATION_MS:.0f} ms: {status(small_ok)}")
    print(f"Scaling: time per statement at 1000 statements is {scaling:.2f}x that at 10, "
          f"target ≤ {TARGET_SCALING}x: {status(scaling_ok)}")
    print(f"Cached lookup (`s2sad.grad(f)` again): {fmt_time(lookup)}, target < "
          f"{TARGET_LOOKUP_US:.0f} µs: {status(lookup_ok)}")
    if not small_ok:
        misses.append(f"small-function generation {fmt_time(gen[10])}")
    if not scaling_ok:
        misses.append(f"generation scaling {scaling:.2f}x")
    if not lookup_ok:
        misses.append(f"cached lookup {fmt_time(lookup)}")
    print("\n## Reading back a list of states\n\nThe ratio of a gradient's time to the "
          "objective's as a list of states grows (`list_states.py`: the objective and "
          "its derivatives timed in turn, medians of each round's ratios).\n")
    for name, rows in list_states.measure(repeats=3 if opts.quick else 5,
                                          min_time=min_time).items():
        text, verdict, flat = list_states.report(rows)
        print(f"{name}:\n\n{text}\n\n{verdict}\n")
        if not flat:
            misses.append(f"list of states ({name}): {verdict.split(',')[0]}")
    if not opts.no_loops:
        misses += loops_section(opts, min_time, repeats)
    if not opts.no_generation_series:
        misses += generation_series_section(opts)
    if opts.dask or opts.dask_huge:
        misses += dask_section(opts)
    print("\n## Summary\n")
    print("All targets met." if not misses else "Targets missed:\n" +
          "\n".join(f"- {m}" for m in misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
