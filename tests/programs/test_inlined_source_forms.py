"""Second derivatives through a helper whose source s2sad rewrites before its walk
(``sum(groups, [])``, a ``defaultdict``/``Counter`` accumulator, ``itertools``'
tuples of items, ``map(h, xs)``): the inlined body is rewritten as the function's own
is (fuzzgaps13).  Each Hessian is checked against central finite differences."""

import functools
import itertools
from collections import Counter, defaultdict

import numpy as np
import pytest

import s2sad
from every_transform import _fd_hessian

Y = np.array([0.3, -0.5, 0.9])


def joined_product(y):
    s = sum([[y[0]], [y[1]]], [])
    return s[0] * s[-1]


def joined_tuple(y):
    s = sum([(y[0], np.sin(y[1])), (y[2] * 2.0,)], ())
    return s[0] * s[1] * s[-1]


def counted(x):
    ac = Counter()
    ac['u'] += np.sin(x[0]) * x[0]
    return ac['u'] * x[1]


def accumulated(x):
    ac = defaultdict(float)
    for i in range(3):
        ac[i % 2] += x[i] * x[i]
    return ac[0] * ac[1]


def paired(x):
    total = 0.0
    for a, b in itertools.combinations(x, 2):
        total = total + a * np.sin(b)
    return total


def _square_sine(v):
    return np.sin(v) * v


def mapped(x):
    return sum(list(map(_square_sine, x))) * x[0]


HELPERS = [joined_product, joined_tuple, counted, accumulated, paired, mapped]


def _callers(helper):
    def through_def(y):
        return helper(y)
    return {"def": through_def, "partial": functools.partial(helper)}


@pytest.mark.parametrize("helper", HELPERS, ids=lambda h: h.__name__)
@pytest.mark.parametrize("caller", ["def", "partial"])
def test_hessian_through_a_rewritten_helper(helper, caller):
    f = _callers(helper)[caller]
    expected = _fd_hessian(helper, (Y.copy(),))
    np.testing.assert_allclose(s2sad.hessian(f)(Y.copy()), expected, rtol=1e-4, atol=1e-4)
    v = np.array([1.0, -0.5, 0.25])
    np.testing.assert_allclose(s2sad.hvp(f)(Y.copy(), v), expected @ v, rtol=1e-4, atol=1e-4)


joined_by_lambda = lambda y: joined_product(y)   # noqa: E731 (a module's lambda)
counted_by_lambda = lambda y: counted(y)   # noqa: E731


@pytest.mark.parametrize("f, helper", [(joined_by_lambda, joined_product),
                                       (counted_by_lambda, counted)], ids=["sum", "counter"])
def test_hessian_through_a_module_lambda(f, helper):
    expected = _fd_hessian(helper, (Y.copy(),))
    np.testing.assert_allclose(s2sad.hessian(f)(Y.copy()), expected, rtol=1e-4, atol=1e-4)


def test_joined_product_hessian_by_hand():
    # s[0] * s[-1] = y0 * y1: the Hessian is 1 off the diagonal of (y0, y1), else 0
    def caller(y):
        return joined_product(y)
    expected = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(s2sad.hessian(caller)(Y.copy()), expected, atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(caller)(Y.copy(), np.array([1.0, 0.0, 0.0])),
                               [0.0, 1.0, 0.0], atol=1e-12)


def rebound_accumulator(x):
    ac = defaultdict(float)
    ac[0] += x[0]
    ac = 2.0
    return ac * x[1]


def calls_rebound_accumulator(x):
    return rebound_accumulator(x)


@pytest.mark.parametrize("f", [rebound_accumulator, calls_rebound_accumulator],
                         ids=["direct", "inlined"])
def test_rebound_defaultdict_refusal_names_the_file_lines(f):
    import inspect
    first = inspect.getsourcelines(rebound_accumulator)[1]
    with pytest.raises(s2sad.UnsupportedSyntaxError) as caught:
        s2sad.hvp(f)(Y.copy(), np.ones(3))
    message = str(caught.value)
    assert f"'ac' holds a defaultdict (line {first + 1})" in message, message
    assert caught.value.location.line == first + 3
    assert caught.value.location.filename.endswith("test_inlined_source_forms.py")
