"""Forward or reverse: what a full Jacobian costs, measured.

For f: R^n -> R^m a full Jacobian takes n forward sweeps (one jvp per input
direction) or m reverse sweeps (one pullback per output direction).  This
script times both on the same generated code for a few (n, m) and prints a
markdown table, with the mode ``s2sad.jacobian(..., mode="auto")`` picks.

    python benchmarks/jacobian_cost.py            # the table
    python benchmarks/jacobian_cost.py --quick    # smaller sizes, for a smoke run
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import s2sad  # noqa: E402


def model(x, A, b):
    """R^n -> R^m: one dense layer and a few elementwise operations."""
    h = np.tanh(A @ np.sin(x) + b)
    return h * h + np.exp(-h)


def best_time(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(n, m, repeat, rng):
    x = rng.standard_normal(n)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    b = rng.standard_normal(m)
    forward = s2sad.jacobian(model, mode="forward", explain=True)
    reverse = s2sad.jacobian(model, mode="reverse", explain=True)
    auto = s2sad.jacobian(model, mode="auto", explain=True)
    forward(x, A, b), reverse(x, A, b)          # generate and compile outside the timing
    t_fwd, (j_fwd, p_fwd) = best_time(lambda: forward(x, A, b), repeat)
    t_rev, (j_rev, p_rev) = best_time(lambda: reverse(x, A, b), repeat)
    _, plan = auto(x, A, b)
    if not np.allclose(j_fwd, j_rev, rtol=1e-10, atol=1e-12):
        raise AssertionError(f"forward and reverse Jacobians differ for n={n}, m={m}")
    return dict(n=n, m=m, fwd_sweeps=p_fwd.sweeps, fwd_ms=1e3 * t_fwd,
                rev_sweeps=p_rev.sweeps, rev_ms=1e3 * t_rev, auto=plan.mode,
                faster="forward" if t_fwd < t_rev else "reverse")


def table(rows):
    lines = ["| n (inputs) | m (outputs) | forward sweeps | forward ms | reverse sweeps | "
             "reverse ms | faster | auto picks |",
             "|---:|---:|---:|---:|---:|---:|:---|:---|"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['m']} | {r['fwd_sweeps']} | {r['fwd_ms']:.2f} | "
                     f"{r['rev_sweeps']} | {r['rev_ms']:.2f} | {r['faster']} | {r['auto']} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one repeat")
    args = parser.parse_args(argv)
    sizes = [(2, 200), (20, 200), (200, 200), (200, 20), (200, 2)]
    repeat = 5
    if args.quick:
        sizes, repeat = [(2, 20), (20, 2)], 1
    rng = np.random.default_rng(0)
    rows = [measure(n, m, repeat, rng) for n, m in sizes]
    print(f"Full Jacobian of model: R^n -> R^m (tanh(A @ sin(x) + b) ...), best of {repeat}, "
          f"numpy {np.__version__}\n")
    print(table(rows))
    return rows


if __name__ == "__main__":
    main()
