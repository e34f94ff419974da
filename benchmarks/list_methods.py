"""The cost of a list's append and pop (and their adjoints) in a loop: linear in the
list's length?

The gradient (``s2sad.value_and_grad``) of three functions of the unit tests'
(``tests/fixtures/list_mutation_functions.py``: appends in a loop, pops in a
``while``, appends then a loop reading the list back), timed at n = 4000 and 32000
items; a copy of the list per append, pop or read makes the time per item grow with
n.  The unit test (``tests/programs/test_containers_lists.py``) checks the structure
(no loop of the generated code reads a whole list); this script measures the time.

Target: the time per item at 32000 within 2x of that at 4000 (medians of rounds
timing both sizes in turn; the load, from ``os.getloadavg``, is printed with them).

    python benchmarks/list_methods.py            # the table
    python benchmarks/list_methods.py --quick    # fewer repeats
"""

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(1, os.path.join(HERE, "..", "tests", "fixtures"))

import list_mutation_functions as lm  # noqa: E402

import s2sad  # noqa: E402

SIZES = (4000, 32000)
TARGET = 2.0


def per_item_ratio(grad, repeats):
    """Median over rounds of (time per item at the larger size) / (at the smaller)."""
    grad(0.5, 10)
    ratios, times = [], {n: [] for n in SIZES}
    for _ in range(repeats):
        row = []
        for n in SIZES:
            start = time.perf_counter()
            grad(0.5, n)
            row.append((time.perf_counter() - start) / n)
            times[n].append(row[-1])
        ratios.append(row[1] / row[0])
    return {n: statistics.median(t) for n, t in times.items()}, statistics.median(ratios)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    opts = parser.parse_args()
    repeats = 3 if opts.quick else 9
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"{'function':24} {'us/item n=4000':>15} {'us/item n=32000':>16} {'ratio':>7}")
    for func in (lm.append_in_loop, lm.pop_in_loop, lm.append_then_iterate):
        times, ratio = per_item_ratio(s2sad.value_and_grad(func), repeats)
        verdict = "PASS" if ratio < TARGET else "MISS"
        print(f"{func.__name__:24} {times[SIZES[0]] * 1e6:15.2f} "
              f"{times[SIZES[1]] * 1e6:16.2f} {ratio:7.2f}  {verdict} (target < {TARGET}x)")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
