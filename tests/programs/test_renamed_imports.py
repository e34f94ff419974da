"""Functions s2sad recognizes by their value, imported under another name: a
``functools.partial`` spelled ``P`` (``from functools import partial as P``) or
``ft.partial`` (refused before as "calling the local value 'h'"), ``sum`` spelled
``total`` or ``bi.sum`` concatenating lists (before: a wrong gradient, every item given
the whole adjoint), ``numpy``/``math``/``itertools``/``collections`` names renamed, a
``defaultdict`` and a ``Counter`` bound in one tuple assignment (hvp: KeyError before).
Checked against central finite differences in reverse and forward mode and to second
order; a concatenating ``sum`` s2sad cannot read as one is refused when it runs."""

import builtins as bi
import functools as ft
import itertools as it
import math
from builtins import sum as total
from collections import Counter as Ctr, defaultdict as dd
from functools import partial as P
from itertools import combinations as C
from math import sin as msin

import numpy as onp
import pytest
from numpy import sum as npsum

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient


def q(x, a=1.0, b=1.0):
    return a * onp.sin(x) * b


def renamed_partial(x):
    h = P(q, a=3.0)
    return npsum(h(x))


def module_alias_partial(x):
    h = ft.partial(q, a=3.0)
    g = P(h, b=0.5)
    return npsum(h(x)) + npsum(g(x * x)) + npsum(P(q, b=x)(x))


def renamed_partial_in_a_loop(x):
    s = 0.0
    for k in range(2):
        h = P(lambda u, c: c * onp.tanh(u), c=k + 0.5)
        s = s + npsum(h(x))
    return s


def renamed_sum_concatenating(x):
    joined = total([[x[0]], [x[1] * x[2]]], [])
    more = bi.sum([(x[2],), (x[0] * x[1],)], tuple())
    return joined[1] * x[0] + joined[0] * more[1] + total([[x[2]]], list())[0] ** 2


def renamed_library_names(x):
    s = msin(x[0]) * math.exp(x[1]) + onp.sum(onp.cos(x))
    for i, j in C(range(3), 2):
        s = s + x[i] * x[j]
    for i, j in it.product(range(2), range(2)):
        s = s + x[i] * x[j] * 0.5
    d = dd(float)
    c = Ctr()
    d["a"] += x[2] * x[0]
    c["b"] += x[1]
    return s + d["a"] * c["b"]


def accumulators_bound_at_once(x):
    # (hvp raised KeyError: a Counter bound in a tuple was not lowered to a plain dict)
    d, c, k = dd(float), Ctr(), 2.0
    for i in range(3):
        d[i % 2] += x[i] * x[0]
        c["u"] += onp.sin(x[i])
    return d[0] * d[1] + c["u"] * c["v"] + k * c["u"] * d[0]


X = onp.array([0.3, -0.5, 1.1])
FUNCS = [renamed_partial, module_alias_partial, renamed_partial_in_a_loop,
         renamed_sum_concatenating, renamed_library_names, accumulators_bound_at_once]


def _fd_hessian(f, x, h=1e-4):
    rows = []
    for i in range(x.size):
        e = onp.zeros_like(x)
        e[i] = h
        rows.append((finite_difference_gradient(f, (x + e,))
                     - finite_difference_gradient(f, (x - e,))) / (2 * h))
    return onp.array(rows)


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_renamed_imports_match_finite_differences(func):
    check_grads(func, (X,), modes=("reverse", "forward"))
    onp.testing.assert_allclose(s2sad.hessian(func)(X), _fd_hessian(func, X), atol=1e-4)


def test_renamed_partial_gradient_by_hand():
    # d/dx sum(3 sin x) = 3 cos x
    onp.testing.assert_allclose(s2sad.grad(renamed_partial)(X), 3 * onp.cos(X), rtol=1e-12)


def test_concatenating_sum_by_hand():
    # x1*x2*x0 + x0*(x0*x1) + x2**2
    x0, x1, x2 = X
    by_hand = [x1 * x2 + 2 * x0 * x1, x2 * x0 + x0 * x0, x1 * x0 + 2 * x2]
    onp.testing.assert_allclose(s2sad.grad(renamed_sum_concatenating)(X), by_hand, rtol=1e-12)


def unread_concatenation(x):
    return sum([[x[0]], [x[1]]], list(x[:0]))[1] * x[2]


def test_a_concatenating_sum_not_read_as_one_is_refused_not_wrong():
    with pytest.raises(s2sad.UnsupportedSyntaxError,
                       match=r"test_renamed_imports.py:\d+:\d+: sum\(groups, start\) "
                             r"concatenating[\s\S]*hint: write sum\(groups, \[\]\)"):
        s2sad.grad(unread_concatenation)(X)
