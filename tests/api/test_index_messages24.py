"""Refusals that named another cause, or gave a hint that did not work (fixidx24): an
attribute of solve_ivp's result (refused as a namedtuple field read), an endless
itertools iterator bounded by islice (refused with the hint to do so: now
differentiated), an np.vectorize object (named numpy.soft).  The forms the hints give
are checked against central finite differences."""

import os

import numpy as np
import pytest

import s2sad
import bounded_iterators24 as B
import index_messages24 as M
from s2sad.testing import check_grads, finite_difference_gradient

W = np.array([0.8, -1.3])
U = np.array([[0.3, -0.7], [1.1, 0.2]])


def _hessian_matches(f, x):
    n = x.size
    expected = np.asarray(finite_difference_gradient(
        lambda v: np.asarray(s2sad.grad(f)(v)).ravel(), (x,), 0)).reshape(n, n)
    np.testing.assert_allclose(np.reshape(s2sad.hessian(f)(x), (n, n)), expected,
                               rtol=1e-5, atol=1e-6)


BOUNDED = [B.cycle_constant, B.count_index, B.cycle_differentiated, B.count_float,
           B.repeat_zip, B.hint_zip]


@pytest.mark.parametrize("f", BOUNDED, ids=lambda f: f.__name__)
def test_islice_of_an_endless_iterator_is_differentiated(f):
    check_grads(f, (W,), modes=("reverse", "forward"))
    _hessian_matches(f, W)


def test_the_bounded_cycle_has_the_derivative_written_by_hand():
    a, b = B.X[0], B.X[1]
    m = a * b * a   # w * a * b * a, elementwise
    np.testing.assert_allclose(s2sad.grad(B.cycle_constant)(W), 2 * W * m * m, rtol=1e-12)


@pytest.mark.parametrize("f", [B.next_of_cycle, B.zip_cycle], ids=lambda f: f.__name__)
def test_an_endless_iterator_read_otherwise_is_refused_with_a_hint_that_works(f):
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(f)(W)
    text = str(info.value)
    assert f"{os.sep}bounded_iterators24.py:" in text and "never ends" in text
    assert "itertools.islice(itertools.cycle(...), n) read whole" in text
    assert "zip(x, [s[k % len(s)] for k in range(len(x))])" in text   # (hint_zip's form)


def test_a_vectorize_object_is_named_as_written_with_hints_that_work():
    for call in (lambda: s2sad.grad(M.vectorized)(U), lambda: s2sad.jvp(M.vectorized)(U, U)):
        with pytest.raises(s2sad.NoDerivativeRuleError) as info:
            call()
        text = str(info.value)
        assert f"{os.sep}index_messages24.py:" in text and "numpy.soft" not in text, text
        assert "no derivative rule for VSOFT, np.vectorize(soft)" in text, text
        assert "np.reshape([soft(v) for v in np.ravel(x)], np.shape(x))" in text
        assert "@s2sad.adjoint(VSOFT)" in text
    for f in (M.hint_items, M.hint_rule):
        check_grads(f, (U,), modes=("reverse", "forward"))
    slope = np.where(U > 0, 2 * U, 0.1)
    np.testing.assert_allclose(s2sad.grad(M.hint_items)(U), slope * U + M.VSOFT(U))


def test_an_attribute_of_solve_ivps_result_is_refused_for_solve_ivp():
    pytest.importorskip("scipy.integrate", reason="scipy is optional")
    import solve_ivp24 as S
    y0 = np.array([1.0, 2.0])
    texts = []
    for f in (S.final_state, S.final_state_item):
        for call in (lambda: s2sad.grad(f)(y0), lambda: s2sad.jvp(f)(y0, y0)):
            with pytest.raises(s2sad.NoDerivativeRuleError) as info:
                call()
            texts.append(str(info.value))
    for text in texts:
        assert "solve_ivp" in text and "it is given a function" in text, text
        assert "sol = solve_ivp(rhs" in text and "namedtuple" not in text, text
