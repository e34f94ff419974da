"""A pole reached through a module-level lambda is located at the pole's line, as a
helper's is: the derivative of ``np.log(s)`` at the Python float ``s = 0.0`` divides a
Python float by zero, which s2sad reports as ``SingularPointError`` naming the line.
Through the entry ``fe = lambda x, s: f(x, s)`` the error named no line (the derivative
of a callee, ``f_vjp_s``, was not traced back to ``f`` through the lambda's caller) or
was numpy's ``ZeroDivisionError`` itself in forward mode (``f_jvp_s`` was not taken for
forward code); it was the fuzzer's open finding "lambda-pole-unlocated" (fixcrash17).
Away from the pole the derivatives agree with central finite differences."""

import inspect
import warnings

import numpy as np
import pytest

import lambda_poles as lp
import s2sad
from s2sad.errors import SingularPointError

X = np.array([0.5, 1.0])


def _pole_line(tag):
    lines = inspect.getsource(lp).splitlines()
    return next(i for i, text in enumerate(lines, 1) if f"# POLE: {tag}" in text)


def _call(mode, f, x, s):
    if mode == "grad":
        return s2sad.grad(f, wrt=1)(x, s)
    if mode == "jvp":
        return s2sad.jvp(f, wrt=1)(x, s, 1.0)[1]
    if mode == "hessian":
        return s2sad.hessian(f, wrt=1)(x, s)
    return s2sad.hvp(f, wrt=1)(x, s, 1.0)


CASES = [(lp.through_lambda, "log_of"), (lp.through_spread_lambda, "spread_log"),
         (lp.entry_around_f, "with_own_pole"), (lp.entry_around_lambda, "log_of"),
         (lp.with_own_pole, "with_own_pole"), (lp.calls_the_lambda, "log_of")]
MODES = ["grad", "jvp", "hessian", "hvp"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, tag", CASES, ids=lambda c: getattr(c, "__name__", c))
def test_the_pole_is_located_at_its_line(f, tag, mode):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with pytest.raises(SingularPointError) as caught:
            _call(mode, f, X, 0.0)
    where = caught.value.location
    assert where is not None, str(caught.value)
    assert where.filename == lp.__file__
    assert where.line == _pole_line(tag), str(caught.value)
    assert "np.log(t)" in where.code or "np.log(s)" in where.code


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, tag", CASES, ids=lambda c: getattr(c, "__name__", c))
def test_away_from_the_pole_the_derivatives_agree_with_finite_differences(f, tag, mode):
    s, eps = 0.7, 1e-5

    def first(t):
        return (f(X, t + eps) - f(X, t - eps)) / (2 * eps)

    ref = first(s) if mode in ("grad", "jvp") else (first(s + 1e-3) - first(s - 1e-3)) / 2e-3
    assert float(np.squeeze(_call(mode, f, X, s))) == pytest.approx(ref, rel=1e-5, abs=1e-6)
