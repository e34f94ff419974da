"""A user's name spelled like a builtin the generated code calls on its own (``range``,
``len``, ``reversed``, ``zip``, ``sum``, ``min``): a function of the module, a parameter,
a local or a closure cell.  The code s2sad writes loops with ``for index in range(n)``
and ``n = len(items)``: it imported the module's ``len`` for them (a wrong value, even
where the function never calls it) and called a parameter ``range=3`` ("'int' object is
not callable"), and refused itertools' tuples (``product``, ``permutations``...) wherever
``range`` or ``len`` was the module's (or a local ``list``), ``map`` over two sequences
where ``zip`` was, and ``builtins.zip(...)`` in a loop header.  Now s2sad's own reads are the true builtin (``from builtins import len
as s2sad_len`` where the name is shadowed), the function's reads the function's.

Expected derivatives are central finite differences (``s2sad.testing``), Hessians
central second differences.
"""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient

import shadowed_builtins as sb
import shadowing_parameters as sp

X = np.array([0.3, 0.7, -0.2, 0.9])
V = np.array([0.2, -0.5, 1.0, 0.3])

MODULE = [sb.loop_over_a_list, sb.own_range, sb.own_len, sb.own_reversed, sb.own_zip,
          sb.own_sum, sb.own_list_and_starred, sb.itertools_tuples,
          sb.map_of_two, sb.local_list_in_itertools, sb.dotted_builtins]
LOCAL = [sp.local_range, sp.closure_len]


def _fd_hessian(func, x, eps=1e-4):
    n = x.size
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(di, dj):
                y = x.copy()
                y[i] += di
                y[j] += dj
                return func(y)
            out[i, j] = (at(eps, eps) - at(eps, -eps) - at(-eps, eps)
                         + at(-eps, -eps)) / (4 * eps * eps)
    return out


@pytest.mark.parametrize("func", MODULE + LOCAL, ids=lambda f: f.__name__)
def test_first_order_reads_the_right_objects(func):
    check_grads(func, (X,), modes=("reverse", "forward"))


def test_the_strangers_len_example():
    value, gradient = s2sad.value_and_grad(sb.loop_over_a_list)(X)
    assert value == pytest.approx(0.3075)
    np.testing.assert_allclose(gradient, [0.15, 0.7, -0.4, 0.0], atol=1e-12)
    _, tangent = s2sad.jvp(sb.loop_over_a_list)(X, np.array([0.0, 0.0, 1.0, 0.0]))
    assert tangent == pytest.approx(-0.4)


@pytest.mark.parametrize("func", MODULE + LOCAL, ids=lambda f: f.__name__)
def test_second_order_reads_the_right_objects(func):
    expected = _fd_hessian(func, X)
    np.testing.assert_allclose(s2sad.hessian(func)(X), expected, rtol=1e-4, atol=1e-6)
    product = s2sad.hvp(func)
    for _ in range(2):   # (the second call refreshes the user's values: not the builtin's)
        np.testing.assert_allclose(product(X, V), expected @ V, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("func,other", [
    (sp.parameter_range, 3.0), (sp.parameter_len, 2.0), (sp.parameter_min, 0.6),
    (sp.parameter_zip, np.array([0.4, -1.1])),
    (sp.map_with_parameter_zip, np.array([0.4, -1.1])),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_parameter_named_like_a_builtin(func, other):
    args = (X, other)
    check_grads(func, args, wrt=(0, 1), modes=("reverse", "forward"))
    for mode in ("forward", "reverse"):
        jac = s2sad.jacobian(func, wrt=(0, 1), mode=mode)(*args)
        for k in (0, 1):
            np.testing.assert_allclose(jac[k], finite_difference_gradient(func, args, k),
                                       rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(s2sad.hessian(func)(*args),
                               _fd_hessian(lambda y: func(y, other), X), rtol=1e-4, atol=1e-6)


def test_the_generated_text_imports_the_builtin_under_another_name():
    text = s2sad.source(sb.loop_over_a_list)
    assert "from builtins import len as s2sad_len" in text
    assert "import len\n" not in text   # (the module's len is not read)
    text = s2sad.source(sb.own_len)   # its own len, and s2sad's
    assert "def len_vjp(v):" in text and "s2sad_len(" in text
    text = s2sad.source(sp.parameter_range)
    assert "s2sad_range(" in text and "def parameter_range_value_and_grad(x, range=3.0)" in text
