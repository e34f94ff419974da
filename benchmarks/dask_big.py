"""Big data on Dask: s2sad's gradient against the function alone and a hand-written Dask gradient.

    python benchmarks/dask_big.py                # 2e7 x 10 (1.6 GB), both losses (minutes)
    python benchmarks/dask_big.py --huge         # and 4e8 x 10 (32 GB, more than free memory)
    python benchmarks/dask_big.py --quick        # 2e6 x 10, a smoke run
    python benchmarks/run.py --dask [--dask-huge] # the same tables after run.py's (opt-in)

Outside CI: it needs dask (``pip install 's2sad[dask]'``), minutes and gigabytes.

Two losses on a Dask array ``X`` of ``rows`` x 10 float64 in chunks of ``--chunk`` rows
(1e6 by default): least squares ``np.sum((X @ w - y) ** 2) / X.shape[0]`` and logistic
regression ``np.mean(np.logaddexp(0.0, z) - y * z)`` with ``z = X @ w``.  ``X`` and ``y``
are generated chunk by chunk by ``da.random`` (a seeded ``default_rng``), lazily: drawing
them is part of the graph that every column computes, alike (``--persist`` persists them
first instead, outside the timing; never for the huge size, which does not fit).

Columns, each run in its own subprocess (so that peak memory is that column's alone):

* function: ``dask.compute(f(w, X, y))``;
* s2sad: ``value, grad = s2sad.value_and_grad(f)(w, X, y)`` then one
  ``dask.compute(value, grad)`` (the call and the compute are timed together: whatever
  the call forces into memory counts);
* hand Dask: a hand-written gradient (``X.T @ r``) built lazily, value and gradient
  in one ``dask.compute``.

Each subprocess generates s2sad's code on a small array first (not timed), records
what is computed *while the s2sad call builds its result* (every graph run by Dask's
scheduler with the s2sad and generated-code frames that asked for it: the helpers
that force a lazy array), then times one run on the big array and reports its peak
RSS (``ru_maxrss``).  ``--repeats`` rounds run every column once in turn (so that a
change in the machine's load moves the columns together): the median time and the
largest peak of each.  The gradients are checked against the hand Dask one.  An address-space limit
(``--mem-limit``, GiB) makes a column that would exhaust the machine fail with a
MemoryError instead; a column past ``--timeout`` seconds is killed.

Targets (issue 17), each PASS or MISS: s2sad's gradient within 1.5x of the hand Dask
gradient and within 3x of the function alone, peak RSS within 1.5x of the function
alone's, on 2e7 x 10; and on the huge size, s2sad's gradient completes (streams).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
if __name__ == "__main__":
    import common
    common.fix_malloc()
sys.path.insert(1, ROOT)

import numpy as np  # noqa: E402

from common import fmt_time, status, table  # noqa: E402

TARGET_VS_HAND = 1.5
TARGET_VS_FUNCTION = 3.0
TARGET_MEMORY = 1.5
COLUMNS = ("function", "s2sad", "hand")
D = 10
GIB = 1 << 30


# ------------------------------------------------------------------ the losses

def least_squares(w, X, y):
    return np.sum((X @ w - y) ** 2) / X.shape[0]


def logistic(w, X, y):
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def hand_least_squares(w, X, y):
    """Value and gradient, lazily: 2 X^T (X w - y) / n."""
    r = X @ w - y
    return (r ** 2).sum() / X.shape[0], 2.0 * (X.T @ r) / X.shape[0]


def hand_logistic(w, X, y):
    """Value and gradient, lazily: X^T (sigmoid(z) - y) / n."""
    import dask.array as da
    z = X @ w
    value = da.mean(da.logaddexp(0.0, z) - y * z)
    return value, X.T @ (0.5 * (1.0 + da.tanh(0.5 * z)) - y) / X.shape[0]


LOSSES = {"least squares": (least_squares, hand_least_squares),
          "logistic": (logistic, hand_logistic)}


def data(loss, rows, chunk, seed=0):
    """``w, X, y``: X and y drawn chunk by chunk (lazy), w a small numpy vector."""
    import dask.array as da
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((rows, D), chunks=(chunk, D))
    w_true = np.linspace(-1.0, 1.0, D)
    noise = rng.standard_normal(rows, chunks=chunk)
    if loss == "least squares":
        y = X @ w_true + 0.1 * noise
    else:
        y = (X @ w_true + noise > 0).astype(np.float64)
    return np.full(D, 0.1), X, y


# ------------------------------------------------------- one column (a subprocess)

def _call(loss, column):
    """A callable of ``(w, X, y)`` building the column's lazy result (numpy may come back)."""
    func, hand = LOSSES[loss]
    if column == "function":
        return lambda w, X, y: (func(w, X, y),)
    if column == "hand":
        return hand
    import s2sad
    return s2sad.value_and_grad(func)


def _recording_scheduler(log):
    """Dask's threaded scheduler, noting the s2sad frames that asked for each graph run."""
    import dask.threaded

    def get(dsk, keys, **kwargs):
        frames = [f"{os.path.basename(f.filename)}:{f.lineno} {f.name}"
                  for f in traceback.extract_stack()[:-1]
                  if f"{os.sep}s2sad{os.sep}" in f.filename or f.filename.startswith("<s2sad")
                  or "_value_and_grad" in f.name]
        log.append(" < ".join(reversed(frames)) or "(outside s2sad)")
        return dask.threaded.get(dsk, keys, **kwargs)
    return get


def forcing_calls(loss, chunk):
    """What the s2sad call made concrete on a small size (4 chunks): the s2sad frames that
    computed a lazy array while it ran, the generated code's local names that hold a
    numpy array of a row's length or more (made in memory, e.g. by ``np.full``, not lazy),
    and those that hold a Dask array in row blocks larger than the input's chunks (one
    block of every row does not stream)."""
    import dask
    call = _call(loss, "s2sad")
    rows = 4 * chunk
    w, X, y = data(loss, rows, chunk)
    log, frame_locals = [], {}

    def tracer(frame, event, arg):
        if event == "return" and frame.f_code.co_name.endswith("_value_and_grad"):
            frame_locals.update(frame.f_locals)
        return tracer
    with dask.config.set(scheduler=_recording_scheduler(log)):
        sys.settrace(tracer)
        try:
            call(w, X, y)
        finally:
            sys.settrace(None)
    made = sorted(name for name, value in frame_locals.items()
                  if isinstance(value, np.ndarray) and value.size >= rows)
    whole = sorted(name for name, value in frame_locals.items()
                   if getattr(value, "chunks", None) and value.ndim
                   and max(value.chunks[0]) > chunk)
    return log + ([f"in memory (numpy, not lazy) in the generated code: {', '.join(made)}"]
                  if made else []) + \
        ([f"lazy but in blocks larger than the input's chunks (not streaming): "
          f"{', '.join(whole)}"] if whole else [])


def child(loss, column, rows, chunk, persist, mem_limit):
    """Time one run of a column; a JSON-able dict (value, gradient, time, memory, forces)."""
    import dask
    if mem_limit:
        limit = int(mem_limit * GIB)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    call = _call(loss, column)
    small = data(loss, 4 * min(chunk, 10_000), min(chunk, 10_000))
    dask.compute(*call(*small))   # warm up: s2sad generates its code here
    forces = forcing_calls(loss, min(chunk, 10_000)) if column == "s2sad" else []
    w, X, y = data(loss, rows, chunk)
    if persist:
        X, y = dask.persist(X, y)
    before = _rss()
    start = time.perf_counter()
    result = dask.compute(*call(w, X, y))
    out = {"time": time.perf_counter() - start, "rss_before": before,
           "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
           "value": float(result[0]), "forces": forces}
    if column != "function":
        out["grad"] = np.asarray(result[1], dtype=float).tolist()
    return out


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_column(loss, column, rows, opts):
    """Run :func:`child` in a fresh interpreter; its dict, or {"error": ...}."""
    cmd = [sys.executable, os.path.abspath(__file__), "--child", loss, column, str(rows),
           "--chunk", str(opts.chunk),
           "--mem-limit", str(opts.mem_limit)]
    if opts.persist and rows == opts.rows:   # never the larger-than-memory size
        cmd.append("--persist")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=opts.timeout,
                              env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"killed after {opts.timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode or not lines:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {last[:160]}"}
    return json.loads(lines[-1])


# --------------------------------------------------------------------- the table

def _gib(n):
    return f"{n / GIB:.2f} GiB"


def _cell(res, base=None, key="time"):
    if "error" in res:
        return "not run" if res["error"] == "not run" else "failed"
    text = fmt_time(res[key]) if key == "time" else _gib(res[key])
    if base is not None and "error" not in base:
        text += f" ({res[key] / base[key]:.2f}x)"
    return text


def measure(rows, opts, columns=COLUMNS, rounds=None):
    """{loss: {column: result}}: ``rounds`` rounds, each running every column once in turn
    (a fresh process each), so that a change in the machine's load moves the columns
    together; the median time and the largest peak RSS of each column."""
    measured = {}
    for loss in opts.losses:
        runs = {column: [] for column in columns}
        for round_ in range(rounds or opts.repeats):
            for column in columns:
                print(f"  {loss}, {rows:.0e} rows, {column}, round {round_ + 1}...",
                      file=sys.stderr, flush=True)
                runs[column].append(run_column(loss, column, rows, opts))
        measured[loss] = {column: _merged(results) for column, results in runs.items()}
    return measured


def _merged(results):
    failed = [r for r in results if "error" in r]
    if failed:
        return failed[0]
    merged = dict(results[0])
    merged["times"] = [r["time"] for r in results]
    merged["time"] = statistics.median(merged["times"])
    merged["peak_rss"] = max(r["peak_rss"] for r in results)
    return merged


def check(measured):
    """Lines naming every s2sad value or gradient that differs from the hand Dask one."""
    wrong = []
    for loss, res in measured.items():
        s2, hand = res.get("s2sad", {}), res.get("hand", {})
        if "grad" in s2 and "grad" in hand:
            if not (np.isclose(s2["value"], hand["value"], rtol=1e-9)
                    and np.allclose(s2["grad"], hand["grad"], rtol=1e-7, atol=1e-12)):
                wrong.append(f"{loss}: s2sad's value or gradient differs from the hand Dask one")
    return wrong


def report(measured, rows, chunk, persist=False, huge=False):
    """(markdown, targets missed) for one size."""
    where = "in the graph" if huge or not persist else "and persisted before timing"
    header = ["loss", "function", "s2sad value_and_grad", "hand Dask",
              "peak RSS function", "peak RSS s2sad", "peak RSS hand"]
    body, misses = [], []
    for loss, res in measured.items():
        f, s, h = (res.get(c, {"error": "not run"}) for c in COLUMNS)
        body.append([loss, _cell(f), _cell(s, f) + (f", {_ratio(s, h)} of hand" if h else ""),
                     _cell(h, f), _cell(f, key="peak_rss"), _cell(s, f, "peak_rss"),
                     _cell(h, f, "peak_rss")])
        misses += _targets(loss, f, s, h, huge)
    lines = [f"{rows:.0e} x {D} float64 ({rows * D * 8 / GIB:.1f} GiB) in chunks of "
             f"{chunk:.0e} rows, drawn {where}; times are medians, ratios against the "
             f"function alone (and s2sad against hand Dask) measured in this run", "",
             table(header, body), ""]
    lines += _forces(measured)
    return "\n".join(lines), misses


def _ratio(s, h):
    if "error" in s or "error" in h:
        return "-"
    return f"{s['time'] / h['time']:.2f}x"


def _targets(loss, f, s, h, huge):
    if huge:
        ok = "error" not in s
        return [] if ok else [f"{loss} (larger than memory): s2sad's gradient {s['error']}"]
    if any("error" in r for r in (f, s, h)):
        return [f"{loss}: a column failed ({s.get('error') or f.get('error') or h.get('error')})"]
    checks = [("time vs hand Dask", s["time"] / h["time"], TARGET_VS_HAND),
              ("time vs function", s["time"] / f["time"], TARGET_VS_FUNCTION),
              ("peak RSS vs function", s["peak_rss"] / f["peak_rss"], TARGET_MEMORY)]
    return [f"{loss}: s2sad {what} {r:.2f}x (target {t}x)" for what, r, t in checks if r > t]


def _forces(measured):
    lines = []
    for loss, res in measured.items():
        forces = res.get("s2sad", {}).get("forces")
        if forces is None:
            continue
        lines.append(f"{loss}: what keeps s2sad's gradient from streaming (on 4 chunks: "
                     f"graphs computed before the final dask.compute, with the s2sad frames "
                     f"that asked for them; intermediates made in memory or in blocks larger "
                     f"than a chunk): {len(forces) or 'nothing'}" + (":" if forces else ""))
        lines += [f"  - {frames}" for frames in forces]
    return lines + [""] if lines else []


def run(opts):
    """(markdown, misses) for every size asked; prints progress on stderr."""
    import dask
    out = [f"dask {dask.__version__}, {os.cpu_count()} cores, load: {_uptime()}", ""]
    measured = measure(opts.rows, opts)
    wrong = check(measured)
    text, misses = report(measured, opts.rows, opts.chunk, opts.persist)
    out += [text]
    if opts.huge:
        big = measure(opts.huge_rows, opts, columns=("function", "s2sad"), rounds=1)
        text, huge_misses = report(big, opts.huge_rows, opts.chunk, huge=True)
        out += ["Larger than memory (never persisted):", "", text]
        misses += huge_misses
    out += [f"load after: {_uptime()}", ""]
    out += [f"Targets: s2sad within {TARGET_VS_HAND}x of hand Dask and {TARGET_VS_FUNCTION}x "
            f"of the function, peak RSS within {TARGET_MEMORY}x of the function's: "
            f"{status(not misses and not wrong)}"]
    out += [f"- WRONG: {w}" for w in wrong] + [f"- MISS: {m}" for m in misses]
    return "\n".join(out), misses + wrong


def _uptime():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="2e6 rows, 2 rounds")
    p.add_argument("--rows", type=float, default=None, help="rows of X (default 2e7)")
    p.add_argument("--chunk", type=int, default=None, help="rows per chunk (default 1e6)")
    p.add_argument("--repeats", type=int, default=None,
                   help="rounds: timed runs of each column, in turn (3)")
    p.add_argument("--persist", action="store_true", help="persist X, y before timing")
    p.add_argument("--huge", action="store_true", help="also the larger-than-memory size")
    p.add_argument("--huge-rows", type=float, default=4e8, help="its rows (default 4e8)")
    p.add_argument("--mem-limit", type=float, default=12.0,
                   help="address-space limit of each column's process, GiB (0: none)")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds per column")
    p.add_argument("--losses", default="least squares,logistic")
    p.add_argument("--child", nargs=3, metavar=("LOSS", "COLUMN", "ROWS"),
                   help=argparse.SUPPRESS)
    return p


def options(argv=None):
    opts = parser().parse_args(argv)
    opts.rows = int(opts.rows or (2e6 if opts.quick else 2e7))
    opts.chunk = opts.chunk or (200_000 if opts.quick else 1_000_000)
    opts.repeats = opts.repeats or (2 if opts.quick else 3)
    opts.huge_rows = int(opts.huge_rows)
    opts.losses = [name.strip() for name in opts.losses.split(",")]
    return opts


def main(argv=None):
    opts = options(argv)
    if opts.child:
        loss, column, rows = opts.child
        result = child(loss, column, int(float(rows)), opts.chunk, opts.persist,
                       opts.mem_limit)
        print(json.dumps(result))
        return 0
    try:
        import dask  # noqa: F401
    except ImportError:
        print("dask is not installed: pip install 's2sad[dask]'")
        return 0
    text, misses = run(opts)
    print(text)
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
