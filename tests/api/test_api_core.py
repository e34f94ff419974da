"""The shared API core (s2sad.api.core, s2sad.api.bound): one cache of generated
modules for every transform, keyed by code object, transform, wrt and argument
kinds, whose entries are dropped when what they were made from changes.

Expectations are independent of s2sad: hand-written derivatives.
"""

import numpy as np
import pytest

import s2sad
from s2sad.api import argument_kinds
from s2sad.api.core import CACHE


def _keys(func):
    return CACHE.keys_for(func.__code__)


def _transforms(func):
    return sorted(key[1] for key in _keys(func))


def make_scaled(c):
    def scaled(x):
        return c * x * x
    return scaled


def test_closures_over_new_data_share_one_entry_per_code_object():
    CACHE.clear()
    f2, f3 = make_scaled(2.0), make_scaled(3.0)
    assert s2sad.grad(f2)(1.5) == pytest.approx(2 * 2.0 * 1.5)
    assert s2sad.grad(f3)(1.5) == pytest.approx(2 * 3.0 * 1.5)
    # value_and_grad runs the same generated module as grad
    value, g = s2sad.value_and_grad(f3)(2.0)
    assert (value, g) == (pytest.approx(12.0), pytest.approx(12.0))
    assert f2.__code__ is f3.__code__
    assert len(_keys(f2)) == 1
    key = _keys(f2)[0]
    assert key[:4] == (f2.__code__, "value_and_grad", ("x",), None)


def two_args(x, y):
    return x * x * y


def test_wrt_and_transform_are_part_of_the_key():
    CACHE.clear()
    assert s2sad.grad(two_args, wrt=0)(3.0, 2.0) == pytest.approx(2 * 3.0 * 2.0)
    assert s2sad.grad(two_args, wrt=1)(3.0, 2.0) == pytest.approx(9.0)
    assert s2sad.jvp(two_args, wrt="y")(3.0, 2.0, 1.0)[1] == pytest.approx(9.0)
    assert s2sad.vjp(two_args)(3.0, 2.0)[1](1.0) == pytest.approx(12.0)
    wrts = sorted((key[1], key[2]) for key in _keys(two_args))
    assert wrts == [("jvp", ("y",)), ("value_and_grad", ("x",)), ("value_and_grad", ("y",)),
                    ("vjp", ("x",))]


def list_sum_of_squares(xs):
    total = 0.0
    for v in xs:
        total = total + v * v
    return total


def test_argument_kinds_are_part_of_the_key():
    CACHE.clear()
    xs = [1.0, 2.0, 3.0]
    assert s2sad.grad(list_sum_of_squares)(xs) == pytest.approx([2.0, 4.0, 6.0])
    kinds = {key[3] for key in _keys(list_sum_of_squares)}
    assert argument_kinds(list_sum_of_squares, (xs,), {}) in kinds
    assert kinds - {None} == {argument_kinds(list_sum_of_squares, (xs,), {})}
    # a longer list has the same kind: no new entry
    assert s2sad.grad(list_sum_of_squares)(xs + [4.0])[-1] == pytest.approx(8.0)
    assert {key[3] for key in _keys(list_sum_of_squares)} == kinds


def helper(x):
    return x * x


def helper_cubed(x):
    return x * x * x


def calls_helper(x):
    return helper(x) + x


def test_a_changed_helper_code_drops_the_entry():
    CACHE.clear()
    g = s2sad.grad(calls_helper)
    assert g(2.0) == pytest.approx(2 * 2.0 + 1)
    first = CACHE.entries[_keys(calls_helper)[0]]
    saved = helper.__code__
    try:
        helper.__code__ = helper_cubed.__code__
        assert g(2.0) == pytest.approx(3 * 2.0 ** 2 + 1)
        assert CACHE.entries[_keys(calls_helper)[0]] is not first
    finally:
        helper.__code__ = saved
    assert g(2.0) == pytest.approx(2 * 2.0 + 1)


def test_a_rebound_helper_drops_the_entry():
    global helper
    CACHE.clear()
    g = s2sad.grad(calls_helper)
    h = s2sad.hvp(calls_helper)
    assert g(2.0) == pytest.approx(5.0)
    assert h(2.0, 1.0) == pytest.approx(2.0)
    saved = helper
    try:
        helper = helper_cubed
        assert g(2.0) == pytest.approx(3 * 2.0 ** 2 + 1)
        assert h(2.0, 1.0) == pytest.approx(6 * 2.0)   # second order follows too
    finally:
        helper = saved
    assert g(2.0) == pytest.approx(5.0)
    assert h(2.0, 1.0) == pytest.approx(2.0)


def opaque_triple(x):
    return 3.0 * x


def uses_opaque(x):
    return opaque_triple(x) * x


def test_a_changed_rule_drops_the_entry():
    CACHE.clear()

    @s2sad.adjoint(opaque_triple)
    def triple_adjoint(y, y_bar, x):
        return 3.0 * y_bar

    g = s2sad.grad(uses_opaque)
    assert g(2.0) == pytest.approx(2 * 3.0 * 2.0)
    first = CACHE.entries[_keys(uses_opaque)[0]]

    @s2sad.adjoint(opaque_triple)
    def wrong_triple_adjoint(y, y_bar, x):
        return 5.0 * y_bar   # a deliberately different rule: the gradient must follow it

    assert g(2.0) == pytest.approx(3.0 * 2.0 + 5.0 * 2.0)
    assert CACHE.entries[_keys(uses_opaque)[0]] is not first

    @s2sad.adjoint(opaque_triple)
    def triple_adjoint_again(y, y_bar, x):
        return 3.0 * y_bar

    assert g(2.0) == pytest.approx(12.0)


def uses_abs(x):
    return abs(x) * 2.0


def squared(v):
    return v * v


def test_a_global_that_shadows_a_builtin_later_is_read():
    # the function reads the builtin abs until the module defines its own abs: from then
    # on Python calls the global, and so must the gradient (it used to keep the builtin)
    g, j = s2sad.grad(uses_abs), s2sad.jvp(uses_abs)
    assert g(-3.0) == pytest.approx(-2.0)
    assert j(-3.0, 1.0) == (pytest.approx(6.0), pytest.approx(-2.0))
    globals()["abs"] = squared
    try:
        assert g(-3.0) == pytest.approx(2 * 2 * -3.0)
        assert j(-3.0, 1.0) == (pytest.approx(18.0), pytest.approx(-12.0))
    finally:
        del globals()["abs"]
    assert g(-3.0) == pytest.approx(-2.0)


def with_default(x, scale=2.0):
    return scale * x * x


def test_defaults_are_read_per_call_and_their_types_are_in_the_entry():
    CACHE.clear()
    g = s2sad.grad(with_default)
    assert g(1.0) == pytest.approx(4.0)
    first = CACHE.entries[_keys(with_default)[0]]
    saved = with_default.__defaults__
    try:
        with_default.__defaults__ = (5.0,)
        assert g(1.0) == pytest.approx(10.0)
        assert CACHE.entries[_keys(with_default)[0]] is first   # same type: same code
        with_default.__defaults__ = (np.float32(3.0),)
        assert g(1.0) == pytest.approx(6.0)
        assert CACHE.entries[_keys(with_default)[0]] is not first   # a new type
    finally:
        with_default.__defaults__ = saved


def test_source_follows_the_code_when_a_helper_changes(load):
    """``.source`` shows the code the transform runs: made again when a helper changed,
    the text follows (before, it kept the first code's text while running the new)."""
    mod = load("source_follows", """
        import numpy as np

        def helper(x):
            return x ** 2

        def loss(x):
            return np.sum(helper(x) * x)
        """)
    x = np.array([0.3, -1.2])
    g = s2sad.grad(mod.loss)
    j = s2sad.jvp(mod.loss)
    g(x), j(x, np.ones(2))
    assert "np.sin" not in g.source and "np.sin" not in j.source

    def helper(x):
        return np.sin(x) * 2.0

    mod.helper = helper
    # d/dx sum(2 sin(x) x) = 2 cos(x) x + 2 sin(x), by hand
    np.testing.assert_allclose(g(x), 2.0 * np.cos(x) * x + 2.0 * np.sin(x))
    j(x, np.ones(2))
    assert "np.sin" in g.source and "np.sin" in j.source
    assert s2sad.grad(mod.loss).source == g.source
