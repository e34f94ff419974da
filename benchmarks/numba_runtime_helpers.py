"""The numba runtime's hot helpers against the code they stand for, inside one
``numba.njit`` loop each (issue 16): a helper should cost what the hand-written line
costs.  Run: ``PYTHONPATH=. python benchmarks/numba_runtime_helpers.py``; prints the
median of repeated timings of each pair, their ratio and the machine's load.
"""

import os
import statistics
import time

import numba
import numpy as np

from s2sad.backends.numba_runtime import (add_item, matmul_lhs_bar, matmul_rhs_bar, shape_of,
                                          sum_bar, tie_mask, unbroadcast, unbroadcast_to)


@numba.njit
def indexed_helpers(x, s_bar):
    """The backward loop of ``s = s + x[i] * x[i]`` as s2sad writes it."""
    x_bar = np.zeros_like(x)
    for i in range(x.shape[0] - 1, -1, -1):
        s_bar = unbroadcast(s_bar, 0.0)
        x_item = x[i]
        x_item_bar = unbroadcast(s_bar * x_item, x_item)
        x_bar = add_item(x_bar, i, x_item_bar)
        x_bar = add_item(x_bar, i, unbroadcast(x_item * s_bar, x_item))
    return x_bar


@numba.njit
def indexed_inline(x, s_bar):
    x_bar = np.zeros_like(x)
    for i in range(x.shape[0] - 1, -1, -1):
        x_item = x[i]
        x_bar[i] += s_bar * x_item
        x_bar[i] += x_item * s_bar
    return x_bar


@numba.njit
def scalar_helpers(k, y, steps):
    """Euler's backward step: ``unbroadcast_to(g, shape_of(k, y))`` on numbers."""
    y_bar, k_bar = 1.0, 0.0
    for _ in range(steps):
        mul_bar = unbroadcast_to(0.01 * y_bar, shape_of(k, y))
        y_bar = unbroadcast(y_bar, y) + unbroadcast(-k * mul_bar, y) \
            + tie_mask(y, 0.5) * mul_bar
        k_bar = k_bar - unbroadcast(mul_bar * y, k)
    return y_bar, k_bar


@numba.njit
def scalar_inline(k, y, steps):
    y_bar, k_bar = 1.0, 0.0
    for _ in range(steps):
        mul_bar = 0.01 * y_bar
        y_bar = y_bar + -k * mul_bar + ((1.0 if y > 0.5 else 0.0)
                                        + (0.5 if y == 0.5 else 0.0)) * mul_bar
        k_bar = k_bar - mul_bar * y
    return y_bar, k_bar


@numba.njit
def matrix_helpers(W, hs, g):
    """The RNN's backward step: both matmul adjoints, an array unbroadcast."""
    W_bar = np.zeros_like(W)
    for t in range(hs.shape[0] - 1, -1, -1):
        h = hs[t]
        W_bar = W_bar + matmul_lhs_bar(unbroadcast(g, h), W, h)
        g = matmul_rhs_bar(g, W, h)
    return W_bar, g


@numba.njit
def matrix_inline(W, hs, g):
    W_bar = np.zeros_like(W)
    for t in range(hs.shape[0] - 1, -1, -1):
        h = hs[t]
        W_bar = W_bar + np.outer(g, h)
        g = W.T @ g
    return W_bar, g


@numba.njit
def spread_helper(x):
    return sum_bar(1.0, x)


@numba.njit
def spread_inline(x):
    return np.full(x.shape, 1.0)


def median_seconds(f, args, repeat=15, number=20):
    f(*args)   # compile
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            f(*args)
        runs.append((time.perf_counter() - start) / number)
    return statistics.median(runs)


def main():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(32, 32)) * 0.1
    pairs = [
        ("scalar-indexed backward loop, 20,000 items", indexed_helpers, indexed_inline,
         (rng.normal(size=20_000), 1.0)),
        ("scalar backward loop (Euler), 1,000 steps", scalar_helpers, scalar_inline,
         (0.3, 0.7, 1_000)),
        ("matrix backward loop (RNN 32x32), 30 steps", matrix_helpers, matrix_inline,
         (W, rng.normal(size=(30, 32)), rng.normal(size=32))),
        ("sum_bar(1.0, x), 1,000 elements", spread_helper, spread_inline,
         (rng.normal(size=1_000),)),
    ]
    print(f"load average: {os.getloadavg()}")
    for label, helper, inline, args in pairs:
        got, want = helper(*args), inline(*args)
        for a, b in zip(got if isinstance(got, tuple) else (got,),
                        want if isinstance(want, tuple) else (want,)):
            np.testing.assert_allclose(a, b, rtol=1e-12)
        with_helper, by_hand = median_seconds(helper, args), median_seconds(inline, args)
        print(f"{label:48s} helpers {with_helper * 1e6:9.2f} us   inline "
              f"{by_hand * 1e6:9.2f} us   ratio {with_helper / by_hand:5.2f}")


if __name__ == "__main__":
    main()
