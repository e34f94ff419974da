"""Forward or reverse: what a full Jacobian costs, measured.

For f: R^n -> R^m a full Jacobian takes n forward sweeps (one jvp per input
direction) or m reverse sweeps (one pullback per output direction).  This
script times both on the same generated code for a few (n, m) and prints a
markdown table, with the mode ``s2sad.jacobian(..., mode="auto")`` picks, for a
straight-line model and for one with a loop; then the cost of second order
(a Hessian-vector product against a gradient, and a full Hessian).

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


def loop_model(x, A, b):
    """R^n -> R^m through a loop: four recurrent steps on an m-vector state."""
    h = A @ np.sin(x)
    for step in range(4):
        h = np.tanh(h + b) * 0.9
    return h * h


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def best_time(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def measure(n, m, repeat, rng, fn=model):
    x = rng.standard_normal(n)
    A = rng.standard_normal((m, n)) / np.sqrt(n)
    b = rng.standard_normal(m)
    forward = s2sad.jacobian(fn, mode="forward", explain=True)
    reverse = s2sad.jacobian(fn, mode="reverse", explain=True)
    auto = s2sad.jacobian(fn, mode="auto", explain=True)
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
    loop_rows = [measure(n, m, repeat, rng, loop_model) for n, m in sizes]
    print("\nThe same through a loop (loop_model: four recurrent steps; reverse mode keeps "
          "each step's state on a tape, forward mode needs none)\n")
    print(table(loop_rows))
    hessian_rows = [measure_hessian(n, repeat, rng) for n in ((10, 100) if not args.quick
                                                              else (4,))]
    print("\nSecond order, forward over reverse, on rosenbrock: R^n -> R\n")
    print(hessian_table(hessian_rows))
    return rows + loop_rows


def measure_hessian(n, repeat, rng):
    x = rng.standard_normal(n)
    v = rng.standard_normal(n)
    grad, hvp, hessian = (s2sad.grad(rosenbrock), s2sad.hvp(rosenbrock),
                          s2sad.hessian(rosenbrock))
    grad(x), hvp(x, v), hessian(x)
    t_grad, _ = best_time(lambda: grad(x), repeat)
    t_hvp, hv = best_time(lambda: hvp(x, v), repeat)
    t_hess, H = best_time(lambda: hessian(x), repeat)
    if not np.allclose(H @ v, hv, rtol=1e-10, atol=1e-10):
        raise AssertionError("hvp and hessian disagree")
    return dict(n=n, grad_ms=1e3 * t_grad, hvp_ms=1e3 * t_hvp, hess_ms=1e3 * t_hess)


def hessian_table(rows):
    lines = ["| n | gradient ms | one hvp ms (H @ v) | hvp / gradient | full Hessian ms "
             "(n hvp sweeps) |",
             "|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']} | {r['grad_ms']:.3f} | {r['hvp_ms']:.3f} | "
                     f"{r['hvp_ms'] / r['grad_ms']:.1f}x | {r['hess_ms']:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
