"""Poles reached through a module-level lambda, located (fixknown22b).  A derivative's
pole (SingularPointError) named the lambda's line at column 1, the start of ``name =
lambda ...``: now the column of the lambda's body, which the derivative computes.  A
pole of the function itself (``1.0 / t`` at the Python float ``0.0``) is Python's own
ZeroDivisionError, as calling f raises: it named no line of the user's (its traceback
shows generated code only), now a note names the line that raised it, the lambda's or
a def's, as numpy's shape errors are noted.  Away from the poles the derivatives agree
with central differences."""

import inspect
import warnings

import numpy as np
import pytest

import lambda_pole_columns as lp
import s2sad
from s2sad.errors import SingularPointError

X = np.array([0.5, 1.0])


def _line(tag):
    lines = inspect.getsource(lp).splitlines()
    number = next(i for i, text in enumerate(lines, 1) if f"# AT: {tag}" in text)
    return number, lines[number - 1]


def _call(mode, f, s):
    if mode == "grad":
        return s2sad.grad(f, wrt=1)(X, s)
    if mode == "vjp":
        return s2sad.vjp(f, wrt=1)(X, s)[1](1.0)
    if mode == "jvp":
        return s2sad.jvp(f, wrt=1)(X, s, 1.0)[1]
    if mode == "hessian":
        return s2sad.hessian(f, wrt=1)(X, s)
    return s2sad.hvp(f, wrt=1)(X, s, 1.0)


MODES = ["grad", "vjp", "jvp", "hessian", "hvp"]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "hvp"])
def test_a_derivatives_pole_in_a_lambda_is_located_at_its_body(mode):
    # (not vjp's pullback: the cotangent it is given makes numpy's inf there, as in a def)
    number, code = _line("scaled_log")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        with pytest.raises(SingularPointError) as caught:
            _call(mode, lp.through_scaled_log, 0.0)
    where = caught.value.location
    assert (where.filename, where.line) == (lp.__file__, number), str(caught.value)
    assert where.column == code.index("c * np.log(t)") + 1, str(caught.value)
    assert f"lambda_pole_columns.py:{number}:{where.column}:" in str(caught.value)


CASES = [(lp.through_reciprocal, "reciprocal"), (lp.through_two_lambdas, "reciprocal"),
         (lp.own_division, "own_division"), (lp.entry_reciprocal, "entry_reciprocal"),
         (lp.entry_around_f, "own_division")]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, tag", CASES, ids=lambda c: getattr(c, "__name__", c))
def test_the_functions_own_pole_is_pythons_error_noted_at_its_line(f, tag, mode):
    with pytest.raises(ZeroDivisionError) as python:
        f(X, 0.0)
    number, code = _line(tag)
    for _ in range(2):   # (the first call and the fast path's)
        with pytest.raises(ZeroDivisionError) as caught:
            _call(mode, f, 0.0)
        assert not isinstance(caught.value, SingularPointError)
        assert str(caught.value) == str(python.value)
        notes = [n for n in getattr(caught.value, "__notes__", []) if n.startswith("s2sad:")]
        assert len(notes) == 1, notes
        assert f"lambda_pole_columns.py:{number}: {code.split('  #')[0].strip()}" in notes[0]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [lp.through_scaled_log] + [c[0] for c in CASES],
                         ids=lambda f: f.__name__)
def test_away_from_the_poles_the_derivatives_agree_with_finite_differences(f, mode):
    s, eps = 0.7, 1e-5

    def first(t):
        return (f(X, t + eps) - f(X, t - eps)) / (2 * eps)

    ref = first(s) if mode in ("grad", "vjp", "jvp") \
        else (first(s + 1e-3) - first(s - 1e-3)) / 2e-3
    assert float(np.squeeze(_call(mode, f, s))) == pytest.approx(ref, rel=1e-5, abs=1e-6)
