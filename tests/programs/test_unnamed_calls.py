"""Calls whose callee s2sad cannot name (a stranger's force field picks its potential
from a dict, ``POT[k](r)``; ``np.vectorize(lambda ...)(x)``) were refused with "only
calls of named functions are supported" and no hint.  Each now says what is called and
what to write instead, and the code the hint spells is differentiated: checked against
derivatives written by hand and central finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

SOURCE = """
    import numpy as np

    def lj(r):
        return 4.0 * (r ** -12 - r ** -6)

    def harm(r):
        return 0.5 * (r - 1.0) ** 2

    POT = {"lj": lj, "harm": harm}
    LISTED = [lj, harm]

    def energy(r, kinds):
        E = 0.0
        for ri, k in zip(r, kinds):
            E += POT[k](ri)
        return E

    def energy_bound(r, kinds):
        E = 0.0
        for ri, k in zip(r, kinds):
            pot = POT[k]
            E += pot(ri)
        return E

    def energy_hinted(r, kinds):
        E = 0.0
        for ri, k in zip(r, kinds):
            if k == 'lj':
                v = lj(ri)
            elif k == 'harm':
                v = harm(ri)
            E += v
        return E

    def picked(r, j):
        return LISTED[j](r)

    def vectorized(x):
        return np.sum(np.vectorize(lambda v: v * v if v > 0 else -v)(x))

    def vectorized_hinted(x):
        return np.sum(np.where(x > 0, x * x, -x))

    def make(s):
        def apply(x):
            return np.tanh(s * x)
        return apply

    model = make(2.0)

    def made_inside(x):
        return np.sum(make(2.0)(x))

    def made_outside(x):
        return np.sum(model(x))

    def lambda_called(x):
        return (lambda v: v * v)(x)
    """

R = np.array([1.1, 0.95])


def _refusal(call):
    with pytest.raises(UnsupportedSyntaxError) as info:
        call()
    text = str(info.value)
    assert "unnamed_calls" in text and ".py:" in text
    return text


def test_a_function_from_a_dict_names_the_if_elif_that_works(load):
    m = load("unnamed_calls", SOURCE)
    text = _refusal(lambda: s2sad.grad(m.energy)(R, ["lj", "harm"]))
    assert "a function taken out of a container (POT[k](...))" in text
    assert ("hint: choose the function with if/elif and call each by its name: "
            "if k == 'lj': v = lj(ri) elif k == 'harm': v = harm(ri)") in text
    text = _refusal(lambda: s2sad.grad(m.energy_bound)(R, ["lj", "harm"]))
    assert "calling the local value 'pot'" in text and "hint: " in text and "if/elif" in text
    text = _refusal(lambda: s2sad.grad(m.picked)(1.1, 1))
    assert "hint: choose the function with if/elif and call each by its name: " \
           "if j == 0: v = lj(r) elif j == 1: v = harm(r)" in text


def test_the_hinted_choice_is_differentiated(load):
    m = load("unnamed_calls_hinted", SOURCE)
    kinds = ["lj", "harm"]
    r1, r2 = R
    by_hand = np.array([4.0 * (-12 * r1 ** -13 + 6 * r1 ** -7), r2 - 1.0])
    np.testing.assert_allclose(s2sad.grad(m.energy_hinted)(R, kinds), by_hand)
    check_grads(m.energy_hinted, (R, kinds), modes=("reverse", "forward"))
    second = np.diag([4.0 * (156 * r1 ** -14 - 42 * r1 ** -8), 1.0])
    np.testing.assert_allclose(s2sad.hessian(m.energy_hinted)(R, kinds), second, rtol=1e-10)


def test_np_vectorize_says_to_write_numpy(load):
    m = load("unnamed_calls_vectorize", SOURCE)
    x = np.array([0.5, -1.2, 2.0])
    text = _refusal(lambda: s2sad.grad(m.vectorized)(x))
    assert "np.vectorize(...)(...) calls a Python function once per element" in text
    assert "hint: write the function with numpy's elementwise operations" in text
    np.testing.assert_allclose(s2sad.grad(m.vectorized_hinted)(x), [1.0, -1.0, 4.0])
    check_grads(m.vectorized_hinted, (x,), modes=("reverse", "forward"))


def test_a_function_a_call_returns_and_a_lambda(load):
    m = load("unnamed_calls_made", SOURCE)
    x = np.array([0.3, -0.4])
    text = _refusal(lambda: s2sad.grad(m.made_inside)(x))
    assert "calling the function that make(2.0) returns" in text
    assert "hint: bind it to a name at module level (model = make(2.0)" in text
    np.testing.assert_allclose(s2sad.grad(m.made_outside)(x), 2.0 / np.cosh(2.0 * x) ** 2)
    text = _refusal(lambda: s2sad.grad(m.lambda_called)(0.5))
    assert "a lambda called where it is written" in text and "hint: " in text
