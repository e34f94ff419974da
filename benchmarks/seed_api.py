"""The seed example through the API against its hand-written gradient (issue 16).

    python benchmarks/seed_api.py [rounds]

Times, in one process and interleaved, the hand-written gradient
(``workloads.seed_hand``), the general generated code (``s2sad.source``, what the
CLI writes), the code the API runs for a call with two float64 vectors and a
number (made for those ranks, see ``s2sad.api.ranked``) and ``s2sad.grad`` /
``s2sad.value_and_grad`` themselves.  Each round takes the fastest of a few
short measurements of each; the report is the median over rounds, as ratios to
the hand-written gradient, with the machine's load (a shared machine is noisy:
compare ratios of one run).
"""

import os
import statistics
import sys
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import s2sad  # noqa: E402
from workloads import seed, seed_hand  # noqa: E402


def _ranked_impl(gradient):
    """The generated function the fast path of ``gradient`` runs."""
    fast = [c.cell_contents for c in gradient.__closure__
            if type(c.cell_contents).__name__ == "Bound"][0].fast
    return fast.impl if fast else None


def main(rounds=31):
    rng = np.random.default_rng(0)
    x, w, y = rng.standard_normal(1000), rng.standard_normal(1000), 0.3
    grad, both = s2sad.grad(seed, wrt=1), s2sad.value_and_grad(seed, wrt=1)
    namespace = {}
    exec(compile(grad.source, "<seed general>", "exec"), namespace)  # noqa: S102
    general = namespace["seed_value_and_grad"]
    grad(x, w, y)
    ranked = _ranked_impl(grad)
    expected = seed_hand(x, w, y)[1][0]
    for got in (general(x, w, y)[1], ranked(x, w, y)[1], grad(x, w, y), both(x, w, y)[1]):
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    timed = {"hand-written": lambda: seed_hand(x, w, y),
             "generated, general (CLI)": lambda: general(x, w, y),
             "generated, for the ranks": lambda: ranked(x, w, y),
             "s2sad.grad": lambda: grad(x, w, y),
             "s2sad.value_and_grad": lambda: both(x, w, y)}
    times = {name: [] for name in timed}
    for _ in range(rounds):
        for name, call in timed.items():
            times[name].append(min(timeit.repeat(call, number=300, repeat=7)) / 300)
    hand = statistics.median(times["hand-written"])
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min)")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:26s} {median * 1e6:7.3f} µs  {median / hand:5.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 31)
