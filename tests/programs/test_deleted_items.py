"""``del xs[i]`` and ``del d[k]`` remove the item as ``xs.pop(i)`` and ``d.pop(k)`` do
(they were refused with the hint "drop the 'del'; names go out of scope", which changed
the function); ``d.pop(k)`` and ``d.pop(k, default)`` are differentiated as a dict's
(they were refused).  Checked against central finite differences in reverse, forward
and second order; a missing item raises Python's error in every transform."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError

import deleted_items as D

X = np.array([0.5, 1.5, -0.7, 0.9])
FUNCS = [D.del_list_item, D.del_list_items_in_a_loop, D.del_at_a_computed_position,
         D.del_dict_item, D.dict_pop, D.dict_pop_statement,
         D.list_pop_at_a_computed_position, D.dict_popped_while_held]


def _central(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


@pytest.mark.parametrize("func", FUNCS, ids=lambda f: f.__name__)
def test_removed_items_agree_with_finite_differences(func):
    expected = _central(func, X)
    value, grad = s2sad.value_and_grad(func)(X.copy())
    assert np.isclose(value, func(X.copy()))
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)
    v = np.array([1.0, -2.0, 0.5, 3.0])
    value, tangent = s2sad.jvp(func)(X.copy(), v)
    assert np.isclose(value, func(X.copy()))
    assert np.isclose(tangent, expected @ v, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("func", [D.del_list_item, D.del_dict_item, D.dict_pop],
                         ids=lambda f: f.__name__)
def test_second_order_agrees_with_finite_differences_of_the_gradient(func):
    v = np.array([1.0, -2.0, 0.5, 3.0])
    expected = (s2sad.grad(func)(X + 1e-6 * v) - s2sad.grad(func)(X - 1e-6 * v)) / 2e-6
    np.testing.assert_allclose(s2sad.hvp(func)(X.copy(), v), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("func, error", [(D.del_missing_key, KeyError),
                                         (D.del_out_of_range, IndexError),
                                         (D.del_array_item, ValueError)],
                         ids=["key", "index", "array"])
def test_a_missing_item_raises_what_python_raises(func, error):
    with pytest.raises(error):
        func(X.copy())
    with pytest.raises(error):
        s2sad.grad(func)(X.copy())
    with pytest.raises(error):
        s2sad.jvp(func)(X.copy(), np.ones(4))


def test_a_dict_another_name_may_hold_and_reads_after_the_pop_is_refused():
    # (a name certain to hold the same dict follows the pop: dict_popped_while_held)
    with pytest.raises(S2sadError) as info:
        s2sad.grad(D.dict_popped_maybe_held)(X.copy())
    assert "'e'" in str(info.value), str(info.value)
    assert "deleted_items.py:" in str(info.value)


def test_del_of_a_name_or_a_slice_is_refused_with_a_true_hint(load):
    module = load("del_forms", """
        def by_name(x):
            t = x * 2.0
            del t
            return x[0]

        def by_slice(x):
            xs = [x[0], x[1], x[2]]
            del xs[0:2]
            return xs[0]
        """)
    for func in (module.by_name, module.by_slice):
        with pytest.raises(S2sadError) as info:
            s2sad.grad(func)
        message = str(info.value)
        assert "names go out of scope" not in message
        assert "del xs[i], del d[k]" in message and "xs = xs[:a] + xs[b:]" in message
