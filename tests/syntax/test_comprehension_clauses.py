"""List and dict comprehensions with several ``for`` clauses (once refused): the first
clause's loop extends the list by the comprehension of the others; an inner clause
reads the outer's target; every target stays the comprehension's own (Python 3 scope).
Checked against central finite differences in both modes."""

import numpy as np
import pytest

import s2sad


def pairs_of_two(x, y):
    return sum([a * b for a in x for b in y])


def rows_and_items(M, w):
    vals = [np.sin(v) * w for row in M if np.sum(row) > -5.0 for v in row if v > -0.5]
    return sum(vals) + vals[0] * vals[-1]


def upper_pairs(x):
    pairs = [x[i] * x[j] for i in range(3) for j in range(i + 1, 3)]
    return sum(pairs) + pairs[1] ** 2


def three_clauses(x):
    return sum([x[i] * x[j] * x[k] for i in range(3) for j in range(i, 3) for k in range(j, 3)])


def stacked(xs, y):
    return np.sum(np.stack([a * b + y for a in xs for b in xs]))


def targets_are_the_comprehensions(x):
    a = 3.0
    v = 0.5
    out = [a * v for a in x for v in x]
    return sum(out) * a * v


def dict_of_pairs(x, y):
    b = 2.0
    d = {(i, j): x[i] * y[j] for i in range(3) for j in range(2) if i != j}
    return sum(d.values()) * b + d[(2, 1)] ** 2


def dict_of_format_keys(x):
    d = {f"k{i}{j}": np.sin(x[i]) * x[j] for i in range(3) for j in range(i, 3)}
    return d["k02"] + d["k11"] * d["k12"]


X = np.array([0.3, -0.2, 0.7])
Y = np.array([1.1, 0.4])
M = np.array([[0.3, -0.7, 1.1], [0.5, 0.2, -0.3]])

CASES = [
    (pairs_of_two, (X, Y), 0), (pairs_of_two, (X, Y), 1),
    (rows_and_items, (M, 0.7), 0), (rows_and_items, (M, 0.7), 1),
    (upper_pairs, (X,), 0), (three_clauses, (X,), 0),
    (stacked, ([X, 2.0 * X], X), 1),
    (targets_are_the_comprehensions, (X,), 0),
    (dict_of_pairs, (X, Y), 0), (dict_of_pairs, (X, Y), 1),
    (dict_of_format_keys, (X,), 0),
]


def _differences(f, args, wrt, h=1e-6):
    x = args[wrt]
    if isinstance(x, float):
        up, down = list(args), list(args)
        up[wrt], down[wrt] = x + h, x - h
        return (f(*up) - f(*down)) / (2 * h)
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        up, down = list(args), list(args)
        up[wrt], down[wrt] = x.copy(), x.copy()
        up[wrt][k] += h
        down[wrt][k] -= h
        grad[k] = (f(*up) - f(*down)) / (2 * h)
    return grad


@pytest.mark.parametrize("f, args, wrt", CASES,
                         ids=[f"{c[0].__name__}-{c[2]}" for c in CASES])
def test_several_for_clauses_match_finite_differences(f, args, wrt):
    expected = _differences(f, args, wrt)
    value, grad = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12)
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    direction = np.ones_like(args[wrt]) if not isinstance(args[wrt], float) else 1.0
    _, tangent = s2sad.jvp(f, wrt=wrt)(*args, direction)
    np.testing.assert_allclose(tangent, np.sum(expected * direction), rtol=1e-6, atol=1e-8)


def test_the_hessian_of_an_inner_clause_reading_the_outer_target():
    # sum over i <= j <= k of x_i x_j x_k: its Hessian by hand
    x = X
    expected = np.zeros((3, 3))
    for i in range(3):
        for j in range(i, 3):
            for k in range(j, 3):
                idx = (i, j, k)
                # d2/dx_p dx_q of x_i x_j x_k: over ordered pairs of distinct positions
                for s_ in range(3):
                    for u in range(3):
                        if s_ != u:
                            expected[idx[s_], idx[u]] += x[idx[3 - s_ - u]]
    np.testing.assert_allclose(s2sad.hessian(three_clauses)(x), expected, rtol=1e-10)
