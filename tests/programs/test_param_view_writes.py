"""A parameter written only through another name for it or a view of it (``pw = x[1:];
pw[0] = ...``, ``pw = x``, ``ys = xs`` of a list): the argument is copied on entry as for
``x[i] = ...`` (once refused, "may change the caller's array"); checked against central
finite differences and by hand, the caller's values unchanged."""

import numpy as np
import pytest

import s2sad
import param_view_writes as pv
from s2sad.errors import SharedWriteError
from s2sad.testing import check_grads

X = np.array([1.0, 2.0, 3.0, 4.0])


@pytest.mark.parametrize("f", [pv.view_written, pv.name_written, pv.view_of_view_written,
                               pv.reshaped_view_written])
def test_against_finite_differences(f):
    check_grads(f, (X.copy(),), modes=("reverse", "forward"))
    x = X.copy()
    s2sad.hessian(f)(x)
    np.testing.assert_array_equal(x, X)


def test_view_written_by_hand():
    # pw = [2 x2, x2, x3]: sum = 4 x2^2 + x2^2 + x3^2 -> [0, 0, 10 x2, 2 x3]
    x = X.copy()
    value, grad = s2sad.value_and_grad(pv.view_written)(x)
    assert value == 61.0
    np.testing.assert_allclose(grad, [0.0, 0.0, 30.0, 8.0])
    np.testing.assert_array_equal(x, X)
    np.testing.assert_allclose(s2sad.hessian(pv.view_written)(X.copy()),
                               np.diag([0.0, 0.0, 10.0, 2.0]))


def test_read_again_stays_refused_at_the_write():
    with pytest.raises(SharedWriteError) as info:
        s2sad.grad(pv.view_written_read_again)(X.copy())
    assert "pw[0] = 5.0" in info.value.location.code


def test_a_second_name_for_a_list_parameter_follows_the_change():
    xs = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    v = np.array([0.5, 2.0])
    value, grad = s2sad.value_and_grad(pv.list_name_written, wrt=1)(xs, v)
    # sum(xs1 * v) + sum(xs0): d/dv = xs1
    assert value == 12.5
    np.testing.assert_allclose(grad, [3.0, 4.0])
    np.testing.assert_array_equal(xs[1], [3.0, 4.0])
    check_grads(pv.list_name_written, ([a.copy() for a in xs], v.copy()),
                modes=("reverse", "forward"))
    check_grads(pv.list_name_item_set, ([a.copy() for a in xs], v.copy()),
                modes=("reverse", "forward"))


def test_a_list_argument_a_helper_writes_into_gets_a_hint_for_each_kind():
    # the helper's own code does not show what zs holds: the hint names each copy
    from s2sad.errors import UnsupportedSyntaxError
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(pv.helper_alias_caller, wrt=1)(
            [np.array([1.0, 2.0]), np.array([3.0, 4.0])], np.array([0.5, 2.0]))
    assert "zs = list(zs) for a list" in info.value.hint
    assert "zs = dict(zs) for a dict" in info.value.hint


def test_a_second_name_for_a_dict_parameter_follows_the_change():
    # fixfwd2: e = d; e["a"] = e["a"] * v was refused ("keys its code does not show")
    d = {"a": 2.0, "b": 3.0}
    value, grad = s2sad.value_and_grad(pv.dict_name_item_set, wrt=1)(d, 1.5)
    assert value == pytest.approx(9.0)
    assert grad == pytest.approx(6.0)   # d/dv (a v b) = a b
    assert d == {"a": 2.0, "b": 3.0}
    value, dot = s2sad.jvp(pv.dict_name_item_set, wrt=1)(dict(d), 1.5, 1.0)
    assert (value, dot) == (pytest.approx(9.0), pytest.approx(6.0))
    # a (b v) + sin v: d/dv = a b + cos v
    grad = s2sad.grad(pv.dict_name_item_update, wrt=1)(dict(d), 0.7)
    assert grad == pytest.approx(6.0 + np.cos(0.7))
    check_grads(pv.dict_name_item_update, (dict(d), 0.7), modes=("reverse", "forward"))
