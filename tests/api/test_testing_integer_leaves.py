"""``s2sad.testing`` holds the integer and bool leaves of a differentiated argument as
they are: a force field's dict of index pairs beside its constants was turned into
floats (``x[0.0]``, an IndexError in the function) by ``check_grads(..., wrt=1)``.
Only float leaves are perturbed and compared; an integer leaf's derivative is checked
for its shape only.  References are derivatives written by hand."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([[0.0, 0.0, 0.0], [1.1, 0.1, 0.0], [0.2, 1.2, 0.1]])


def bonded(x, ff):
    E = 0.0
    for (i, j), k in zip(ff["bonds"], ff["kb"]):
        E += 0.5 * k * (np.linalg.norm(x[i] - x[j]) - 1.0) ** 2
    return E


def _field():
    return {"bonds": [(0, 1), (1, 2)], "kb": [100.0, 80.0]}


def _kb_by_hand(x):
    """dE/dk of each bond: half its squared stretch."""
    return [0.5 * (np.linalg.norm(x[i] - x[j]) - 1.0) ** 2 for i, j in [(0, 1), (1, 2)]]


def test_check_grads_keeps_the_index_pairs_and_checks_the_constants():
    ff = _field()
    check_grads(bonded, (X, ff), wrt=1, modes=("reverse", "forward"))
    check_grads(bonded, (X, ff), wrt=(0, 1), modes=("reverse", "forward"))
    assert ff == _field()   # the caller's dict is the caller's


def test_finite_differences_hold_the_integers_and_say_so():
    gradient = finite_difference_gradient(bonded, (X, _field()), 1)
    assert gradient["bonds"] == [(None, None), (None, None)]
    np.testing.assert_allclose(gradient["kb"], _kb_by_hand(X), rtol=1e-6)


def test_a_wrong_derivative_of_a_float_leaf_beside_integers_is_caught(monkeypatch):
    """Not vacuous: the float leaves are compared, and the bad one is named."""
    real = s2sad.value_and_grad

    def doubled_kb(f, wrt=None):
        inner = real(f, wrt=wrt)

        def call(*args):
            value, g = inner(*args)
            return value, dict(g, kb=[2.0 * k for k in g["kb"]])
        return call
    monkeypatch.setattr(s2sad, "value_and_grad", doubled_kb)
    with pytest.raises(AssertionError, match=r"argument 'ff' \(index 1\)[\s\S]*\['kb'\]\[0\]"):
        check_grads(bonded, (X, _field()), wrt=1)


def test_the_api_gives_floats_for_the_integers_and_the_derivative_for_the_rest():
    ff = _field()
    g = s2sad.grad(bonded, wrt=1)(X, ff)
    assert g["bonds"] == [(0.0, 0.0), (0.0, 0.0)]
    assert all(type(v) is float for pair in g["bonds"] for v in pair)
    np.testing.assert_allclose(g["kb"], _kb_by_hand(X), rtol=1e-10)
    value, pullback = s2sad.vjp(bonded, wrt=1)(X, ff)
    np.testing.assert_allclose(pullback(1.0)["kb"], _kb_by_hand(X), rtol=1e-10)
    step = {"bonds": [(0, 0), (0, 0)], "kb": [1.0, -2.0]}
    _, tangent = s2sad.jvp(bonded, wrt=1)(X, ff, step)
    assert np.isclose(tangent, np.dot(_kb_by_hand(X), [1.0, -2.0]))


def scaled_pick(x, p):
    return np.sum(x[p["idx"]] * p["w"]) * p["n"] + p["flag"] * x[0]


def test_integer_arrays_bools_and_numbers_used_in_arithmetic():
    """An integer used as a number gets the derivative of a real number from s2sad
    (floats of its shape), which finite differences, holding it, do not compare."""
    x = np.array([0.5, -1.2, 2.0])
    p = {"idx": np.array([0, 2]), "w": np.array([1.5, -0.5]), "n": np.int64(3), "flag": True}
    check_grads(scaled_pick, (x, p), wrt=(0, 1), modes=("reverse", "forward"))
    g = s2sad.grad(scaled_pick, wrt=1)(x, p)
    np.testing.assert_array_equal(g["idx"], [0.0, 0.0])
    assert g["idx"].dtype == np.float64
    np.testing.assert_allclose(g["w"], 3 * x[[0, 2]])
    assert isinstance(g["n"], np.float64) and np.isclose(g["n"], np.sum(x[[0, 2]] * p["w"]))
    assert type(g["flag"]) is float and g["flag"] == x[0]


def times(x, n):
    return x * n


def test_an_argument_of_integers_only_is_refused_with_what_to_do():
    with pytest.raises(ValueError, match=r"'n' holds integers or bools only.*pass it as floats"):
        check_grads(times, (0.5, 3), wrt=1)
    check_grads(times, (0.5, 3.0), wrt=1, modes=("reverse", "forward"))
    with pytest.raises(ValueError, match="holds integers or bools only"):
        finite_difference_gradient(times, (0.5, 3), 1)
