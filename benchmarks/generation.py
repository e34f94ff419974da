"""How code generation scales with the length of a function, in every mode.

    python benchmarks/generation.py            # N = 200, 1000, 2000, 4000
    python benchmarks/generation.py --quick    # N = 200, 1000
    python benchmarks/generation.py --cpu      # CPU time, not wall time (a loaded machine)

For each N a synthetic straight-line function of N statements is written to a
new module (s2sad's cache is keyed by code objects, so every measurement starts
from a fresh cache: the cache is also cleared) and the time is taken to

* ``grad``: generate the reverse-mode code and call it once,
* ``jvp``: generate the forward-mode code and call it once,
* ``hvp``: generate the second-order code (forward over the generated reverse
  code) and call it once.

The call on 5-element arrays costs microseconds per statement; what is timed is
the generation.  Printed: milliseconds per statement, and the ratio of the time
per statement at the largest N to that at the smallest (1.0 is linear).  Target
(issue 16): at most 0.5 ms per statement at 4,000 statements in every mode.

``rows(quick)`` returns the measurements for ``benchmarks/run.py``;
``main(quick)`` prints the table.
"""

import argparse
import gc
import importlib.util
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.join(HERE, "..") not in sys.path:
    sys.path.insert(0, os.path.join(HERE, ".."))

import numpy as np  # noqa: E402

import s2sad  # noqa: E402

TARGET_MS_PER_STATEMENT = 0.5
SIZES = (200, 1000, 2000, 4000)
QUICK_SIZES = (200, 1000)
MODES = ("grad", "jvp", "hvp")

# Statement forms.  ``{i}`` is the new name's number; ``{a}``, ``{b}`` name an
# earlier array, ``{s}`` an earlier scalar.  Array forms make ``v{i}`` an
# array, scalar forms a float; every form contracts or is bounded (tanh, sin,
# cos, division by 1 + squares), so values and derivatives stay finite at any N.
ARRAY_FORMS = (
    "v{i} = np.sin(v{a}) * x + 0.5 * v{b}",
    "v{i} = np.tanh(v{a} * v{b}) - y",
    "v{i} = np.tanh(v{a} + 0.5 * v{b})",
    "v{i} = np.exp(-v{a} * v{a}) + s{s}",
    "v{i} = (v{a} - v{b}) ** 2 / (1.0 + v{a} * v{a} + v{b} * v{b})",
    "v{i} = np.maximum(v{a}, v{b}) * np.cos(s{s})",
    "v{i} = v{a} / (1.0 + v{b} * v{b})",
    "v{i} = np.sqrt(1.0 + v{a} * v{a}) * 0.5 - np.tanh(v{b}) * s{s}",
)
SCALAR_FORMS = (
    "s{i} = np.tanh(np.sum(v{a} * v{b}) / 5.0)",
    "s{i} = np.tanh(s{s} * y + np.mean(v{a}))",
    "s{i} = np.sin(np.dot(v{a}, v{b}) * 0.1) + 0.5 * s{s}",
    "s{i} = np.sin(np.max(v{a})) - s{s} * s{s} / (1.0 + s{s} * s{s})",
)


def synthetic_source(n, salt=0):
    """The module text of ``synthetic(x, y)``: ``n`` statements (the last a return).

    A long straight-line function as people write them: arrays and scalars,
    arithmetic, numpy ufuncs and reductions, each statement reading the one
    before and one a few lines further back.  ``salt`` makes the code differ
    between measurements (two identical functions have equal code objects).
    """
    lines = ["import numpy as np", "", "", "def synthetic(x, y):",
             f"    v0 = x * y + {salt}e-9", "    s0 = np.sum(v0) * 0.1"]
    arrays, scalars = [0], [0]
    for i in range(1, n - 2):
        a = arrays[-1]
        b = arrays[max(0, len(arrays) - 2 - (i * 7) % 5)]
        s = scalars[max(0, len(scalars) - 1 - (i * 3) % 3)]
        if i % 4 == 3:
            form = SCALAR_FORMS[(i // 4) % len(SCALAR_FORMS)]
            scalars.append(i)
        else:
            form = ARRAY_FORMS[len(arrays) % len(ARRAY_FORMS)]
            arrays.append(i)
        lines.append("    " + form.format(i=i, a=a, b=b, s=s))
    lines.append(f"    return np.sum(v{arrays[-1]}) + s{scalars[-1]}")
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


def _arguments():
    x = np.linspace(0.1, 0.5, 5)
    return x, 0.3, np.linspace(-1.0, 1.0, 5)


def generate_and_call(func, mode):
    """Generate ``mode``'s code for ``func`` (a fresh cache) and call it once."""
    from s2sad.api.core import CACHE
    CACHE.clear()
    x, y, v = _arguments()
    if mode == "grad":
        return s2sad.grad(func)(x, y)
    if mode == "jvp":
        return s2sad.jvp(func)(x, y, v)
    if mode == "hvp":
        return s2sad.hvp(func)(x, y, v)
    raise ValueError(mode)


#: the clock ``time_mode`` reads (``--cpu``: ``time.process_time``)
CLOCK = time.perf_counter


def time_mode(n, mode, directory, repeats=1, salt=0):
    """Median seconds to generate and call ``mode``'s code for an n-statement function."""
    samples = []
    for r in range(repeats):
        name = f"synthetic_{mode}_{n}_{salt}_{r}"
        module = load_module(synthetic_source(n, salt=salt * 100 + r + 1), directory, name)
        gc.collect()
        start = CLOCK()
        generate_and_call(module.synthetic, mode)
        samples.append(CLOCK() - start)
        del sys.modules[name]
    return statistics.median(samples)


def rows(quick=False, sizes=None, modes=MODES):
    """[{"mode", "n", "seconds", "ms_per_statement"}] for every mode and size."""
    sizes = sizes or (QUICK_SIZES if quick else SIZES)
    out = []
    with tempfile.TemporaryDirectory(prefix="s2sad_gen_") as directory:
        warm = load_module(synthetic_source(12), directory, "synthetic_warm")
        for mode in modes:   # loads the rules and warms every path once
            generate_and_call(warm.synthetic, mode)
        for mode in modes:
            for n in sizes:
                repeats = 3 if n <= 1000 and not quick else 1
                seconds = time_mode(n, mode, directory, repeats)
                out.append({"mode": mode, "n": n, "seconds": seconds,
                            "ms_per_statement": seconds * 1e3 / n})
    return out


def summary(measured):
    """{mode: (ms per statement at the largest n, ratio largest/smallest, PASS?)}."""
    out = {}
    for mode in dict.fromkeys(r["mode"] for r in measured):
        mine = sorted((r for r in measured if r["mode"] == mode), key=lambda r: r["n"])
        first, last = mine[0], mine[-1]
        ratio = last["ms_per_statement"] / first["ms_per_statement"]
        out[mode] = (last["ms_per_statement"], ratio,
                     last["ms_per_statement"] <= TARGET_MS_PER_STATEMENT)
    return out


def table(measured):
    sizes = sorted({r["n"] for r in measured})
    modes = list(dict.fromkeys(r["mode"] for r in measured))
    by = {(r["mode"], r["n"]): r for r in measured}
    head = "| mode | " + " | ".join(f"N={n}" for n in sizes) + \
        f" | ratio {sizes[-1]}/{sizes[0]} | target |"
    lines = [head, "|" + "---|" * (len(sizes) + 3)]
    verdicts = summary(measured)
    for mode in modes:
        cells = []
        for n in sizes:
            r = by.get((mode, n))
            cells.append(f"{r['ms_per_statement']:.3f} ms ({r['seconds']:.2f} s)" if r else "-")
        per, ratio, ok = verdicts[mode]
        lines.append(f"| {mode} | " + " | ".join(cells) + f" | {ratio:.2f} | "
                     f"{'PASS' if ok else 'MISS'} ({per:.3f} ms at N={sizes[-1]}) |")
    return "\n".join(lines)


def main(quick=False, sizes=None, modes=MODES):
    """Print the generation-scaling table; returns the rows measured."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    measured = rows(quick, sizes, modes)
    print(f"## Code generation, milliseconds per statement (generation + one call; "
          f"load {load:.2f})\n")
    print(table(measured))
    print(f"\ntarget: at most {TARGET_MS_PER_STATEMENT} ms per statement at the largest N "
          f"in every mode; ratio 1.0 is linear")
    return measured


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 200 and 1000 only")
    parser.add_argument("--sizes", type=int, nargs="*", help="statement counts to time")
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=MODES)
    parser.add_argument("--cpu", action="store_true",
                        help="time with the process's CPU time (other jobs count less)")
    opts = parser.parse_args()
    if opts.cpu:
        CLOCK = time.process_time
    main(opts.quick, tuple(opts.sizes) if opts.sizes else None, tuple(opts.modes))
