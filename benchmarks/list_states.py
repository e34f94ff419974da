"""Reading back a list of states: is the gradient's cost linear in the sequence length?

A recurrent model written as a numpy user writes it (GradBench's LSTM objective is
the model: layers of LSTM cells, a prediction per step, the states of every step kept
in a list and read back as ``all_states[t]``).  The list grows by one item per
step; a gradient that copies or zeroes the whole list at each read costs O(T^2).
This script prints, for T = 128, 512 and 2048 steps, the time of the objective, of
its gradient (``s2sad.value_and_grad``) and of a Hessian-vector product
(``s2sad.hvp``, forward over reverse) and their ratios to the objective; for that
model and for the same list of states of numbers (where the cost of the list
itself shows most).

Target: the gradient/objective ratio flat in T, within 1.5x from 128 to 2048 steps.
The objective and its derivatives are timed in turn, round after round (the ratios
are the medians of each round's), so a busy machine disturbs the ratios less.

    python benchmarks/list_states.py            # the table
    python benchmarks/list_states.py --quick    # fewer repeats, for a smoke run
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import s2sad  # noqa: E402

LENGTHS = (128, 512, 2048)
TARGET_FLAT = 1.5
LAYERS, HIDDEN = 2, 14     # GradBench's smaller LSTM: 2 layers, 14 characters


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def lstm(weight, bias, hidden, cell, _input):
    gates = np.concatenate((_input, hidden, _input, hidden)) * weight + bias
    hsize = hidden.shape[0]
    forget = sigmoid(gates[0:hsize])
    ingate = sigmoid(gates[hsize:2 * hsize])
    outgate = sigmoid(gates[2 * hsize:3 * hsize])
    change = np.tanh(gates[3 * hsize:])
    cell = cell * forget + ingate * change
    hidden = outgate * np.tanh(cell)
    return (hidden, cell)


def predict(w, w2, s, x):
    s2 = s.copy()
    x = x * w2[0]
    for i in range(0, len(s), 2):
        hidden, cell = lstm(w[i], w[i + 1], s[i], s[i + 1], x)
        s2[i] = hidden
        s2[i + 1] = cell
        x = s2[i]
    return (x * w2[1] + w2[2], s2)


def lstm_objective(main_params, extra_params, state, sequence):
    total = 0.0
    count = 0
    _input = sequence[0]
    all_states = [state]
    for t in range(len(sequence) - 1):
        ypred, new_state = predict(main_params, extra_params, all_states[t], _input)
        all_states.append(new_state)
        ynorm = ypred - np.log(sum(np.exp(ypred), 2))
        ygold = sequence[t + 1]
        total += sum(ygold * ynorm)
        count += ygold.shape[0]
        _input = ygold
    return -total / count


def scalar_states(w, x0, xs):
    """The same list of states, of numbers: little numpy work per step, so any cost
    of the list itself shows."""
    states = [x0]
    total = 0.0
    for t in range(len(xs)):
        s = np.tanh(w * states[t] + xs[t])
        states.append(s)
        total = total + s * s
    return total


def data(steps, seed=0):
    """The parameters, the initial states and a sequence of ``steps + 1`` inputs."""
    rng = np.random.default_rng(seed)
    main = rng.normal(scale=0.5, size=(2 * LAYERS, 4 * HIDDEN))
    extra = rng.normal(scale=0.5, size=(3, HIDDEN))
    state = rng.normal(scale=0.5, size=(2 * LAYERS, HIDDEN))
    sequence = rng.normal(size=(steps + 1, HIDDEN))
    return main, extra, state, sequence


def batch(fn, min_time):
    """How many calls of ``fn()`` last at least ``min_time`` seconds (after a warm-up)."""
    fn()
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - start >= min_time:
            return number
        number *= 2


def interleaved_times(fns, repeats, min_time):
    """Median seconds per call of each of ``fns``, and the median over the rounds of
    each one's time over the first's: the callables are timed in turn, round after
    round, so a machine that gets busier or quieter changes their times together and
    leaves the ratios alone."""
    numbers = [batch(fn, min_time) for fn in fns]
    rounds = []
    for _ in range(repeats):
        row = []
        for fn, number in zip(fns, numbers):
            start = time.perf_counter()
            for _ in range(number):
                fn()
            row.append((time.perf_counter() - start) / number)
        rounds.append(row)
    times = [statistics.median(r[k] for r in rounds) for k in range(len(fns))]
    ratios = [statistics.median(r[k] / r[0] for r in rounds) for k in range(len(fns))]
    return times, ratios


def measure(repeats=5, min_time=0.05, lengths=LENGTHS, second=True):
    """``{workload: rows}``, each row ``(T, objective s, gradient s, hvp s or None,
    gradient/objective, hvp/objective or None)``."""
    cases = {
        "lstm": (lstm_objective, (0, 1, 2), (0, 1), data,
                 lambda args: (np.ones_like(args[0]), np.ones_like(args[1]))),
        "scalar": (scalar_states, (0, 1), (0, 1),
                   lambda steps: (0.7, 0.2, np.linspace(-1.0, 1.0, steps)),
                   lambda args: (1.0, -0.5)),
    }
    out = {}
    for name, (func, wrt, hvp_wrt, make, direction) in cases.items():
        grad = s2sad.value_and_grad(func, wrt=wrt)
        hvp = s2sad.hvp(func, wrt=hvp_wrt)
        rows = []
        for steps in lengths:
            args = make(steps)
            v = direction(args)
            fns = [lambda: func(*args), lambda: grad(*args)]
            if second:
                fns.append(lambda: hvp(*args, v))
            times, ratios = interleaved_times(fns, repeats, min_time)
            rows.append((steps, times[0], times[1], times[2] if second else None,
                         ratios[1], ratios[2] if second else None))
        out[name] = rows
    return out


def report(rows):
    """The markdown table of ``rows`` and the verdict on the target (a line)."""
    lines = ["| steps T | objective | gradient | gradient/objective | hvp | hvp/objective |",
             "|---|---|---|---|---|---|"]
    for steps, t_f, t_g, t_h, r_g, r_h in rows:
        hvp = f"{t_h * 1e3:.1f} ms | {r_h:.1f}" if t_h is not None else "- | -"
        lines.append(f"| {steps} | {t_f * 1e3:.1f} ms | {t_g * 1e3:.1f} ms | {r_g:.1f} | "
                     f"{hvp} |")
    first, last = rows[0], rows[-1]
    growth = last[4] / first[4]
    verdict = (f"gradient/objective at T={last[0]} is {growth:.2f}x that at T={first[0]}, "
               f"target ≤ {TARGET_FLAT}x: {'PASS' if growth <= TARGET_FLAT else 'MISS'}")
    if first[5] is not None:
        verdict += f"; hvp/objective grows {last[5] / first[5]:.2f}x"
    return "\n".join(lines), verdict, growth <= TARGET_FLAT


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, shorter runs")
    opts = parser.parse_args(argv)
    results = measure(repeats=3 if opts.quick else 5, min_time=0.01 if opts.quick else 0.05)
    titles = {"lstm": f"LSTM objective ({LAYERS} layers, {HIDDEN} hidden)",
              "scalar": "a recurrence on numbers"}
    for name, rows in results.items():
        text, verdict, _ = report(rows)
        print(f"## Reading back a list of states: {titles[name]}\n\n{text}\n\n{verdict}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
