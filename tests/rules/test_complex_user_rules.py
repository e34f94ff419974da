"""A complex value returned by a function whose derivative is a rule of the user's is
refused when the code runs, in every mode, naming the function and the call's line: it
reached s2sad's rules (written for real values, no conjugate) unrefused and gave a wrong
gradient silently (``np.real(z * z)`` of ``z = twist(x)``: fixcrash17).  A rule that
keeps the complex values inside (the README's ``power``) and a real rule are
differentiated; references: central finite differences."""

import inspect
import warnings

import numpy as np
import pytest

import complex_rules as cr
import s2sad
from s2sad.errors import NoDerivativeRuleError, ValueTypeError

X = np.array([0.3, -0.8, 1.2])


def _line_of(func, text):
    lines, first = inspect.getsourcelines(func)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _fd(f, x, eps=1e-6):
    return np.array([(f(x + eps * d) - f(x - eps * d)) / (2 * eps) for d in np.eye(x.size)])


def _run(mode, f, x):
    if mode == "grad":
        return s2sad.grad(f)(x)
    if mode == "value_and_grad":
        return s2sad.value_and_grad(f)(x)[1]
    if mode == "vjp":
        return s2sad.vjp(f)(x)[1](1.0)
    return np.array([s2sad.jvp(f)(x, d)[1] for d in np.eye(x.size)])


MODES = ["grad", "value_and_grad", "vjp", "jvp"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, call, op", [(cr.through_product, "z = twist(x)", "twist"),
                                         (cr.through_abs, "np.abs(twist(x))", "twist"),
                                         (cr.through_a_tuple, "a, b = halves(x)", "halves")],
                         ids=["product", "abs", "tuple"])
def test_a_complex_result_of_a_users_rule_is_refused_at_its_line(f, call, op, mode):
    if mode == "jvp" and op == "halves":   # (no tangent rule: refused before it runs)
        with pytest.raises(NoDerivativeRuleError, match="no tangent"):
            _run(mode, f, X)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ValueTypeError) as caught:
            _run(mode, f, X)
    where = caught.value.location
    assert where is not None and where.line == _line_of(f, call), str(caught.value)
    assert where.filename == cr.__file__
    assert f"{op} returned a complex value" in str(caught.value)
    assert "@s2sad.adjoint(power)" in caught.value.hint


def test_the_product_was_a_wrong_gradient():
    """(what the refusal prevents: the reverse rules take no conjugate)"""
    assert not np.allclose(
        np.real(cr.twist_adjoint(None, 2.0 * cr.twist(X), X)), _fd(cr.through_product, X))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [cr.spectrum_loss, cr.through_a_real_rule],
                         ids=["complex-inside", "real"])
def test_rules_with_real_results_are_differentiated(f, mode):
    np.testing.assert_allclose(_run(mode, f, X), _fd(f, X), rtol=1e-6, atol=1e-6)


def test_the_hint_followed_gives_right_numbers():
    """The hint's way: a function of real arrays holding the complex values inside."""
    x = np.array([0.9, -0.1, 0.4])
    np.testing.assert_allclose(s2sad.grad(cr.spectrum_loss)(x), _fd(cr.spectrum_loss, x),
                               rtol=1e-6, atol=1e-6)


def test_the_check_is_written_only_after_a_users_rule():
    text = s2sad.value_and_grad(cr.through_a_real_rule).source
    assert "check_real_result(" in text
    assert "check_real_result(" not in s2sad.value_and_grad(
        lambda x: np.sum(np.sin(x) * x)).source
