"""``s2sad.source`` takes what the derivatives take: a ``functools.partial``, a lambda
bound to a name, a derivative the API made.  It used to refuse a partial that
``s2sad.grad`` differentiates (SourceUnavailableError: "cannot call so") and to name a
lambda ``<lambda>``.  The text is ``grad(f).source`` (``jvp``, ``vjp``); the function it
defines gives the finite differences."""

import functools

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient


def quad(x, A, b):
    return 0.5 * x @ A @ x - b @ x


def scaled(c, x, s=1.0):
    return c * s * np.sum(np.sin(x) ** 2)


obj = functools.partial(quad, A=np.array([[2.0, 0.5], [0.5, 1.0]]), b=np.ones(2))
by_position = functools.partial(scaled, 3.0)
by_keyword = functools.partial(scaled, s=3.0)
lam = lambda x: quad(x, np.eye(2), np.ones(2))  # noqa: E731 - the form under test
X = np.array([0.7, -1.3])

ENTRIES = [
    (obj, {}, lambda: s2sad.grad(obj).source),
    (obj, {"mode": "forward"}, lambda: s2sad.jvp(obj).source),
    (obj, {"flavor": "vjp"}, lambda: s2sad.vjp(obj).source),
    (by_position, {"wrt": "x"}, lambda: s2sad.grad(by_position, wrt="x").source),
    (by_keyword, {"wrt": 1, "mode": "forward"}, lambda: s2sad.jvp(by_keyword, wrt=1).source),
    (lam, {}, lambda: s2sad.grad(lam).source),
]


@pytest.mark.parametrize("func,options,expected", ENTRIES)
def test_source_is_the_derivative_s_source(func, options, expected):
    assert s2sad.source(func, **options) == expected()


def test_a_lambda_s_source_is_named_after_its_name():
    text = s2sad.source(lam)
    assert "def lam_value_and_grad(x):" in text
    assert "<lambda>" not in text


def test_the_source_of_a_partial_computes_its_gradient():
    namespace = {}
    text = s2sad.source(obj)
    exec(compile(text, "<source of obj>", "exec"), namespace)  # noqa: S102 - the text under test
    function = next(v for k, v in namespace.items() if k.endswith("_value_and_grad"))
    value, grad = function(X, **obj.keywords)
    assert value == pytest.approx(obj(X))
    np.testing.assert_allclose(grad, finite_difference_gradient(obj, (X,)), rtol=1e-6)


def test_a_partial_of_a_lambda_is_refused_with_the_true_reason():
    unnamed = functools.partial(lambda x, a: a * np.sum(x), a=2.0)
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.source(unnamed)
    assert "a lambda: such a def needs a name to call it by" in str(info.value)
    assert "cannot call so" not in str(info.value)
