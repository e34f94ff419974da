"""The fuzzer's fuzzgaps13 findings on entry points (fixfz13b).

* ``hessian`` with respect to an argument of no elements ran ``f`` itself, on the
  caller's arrays, which ``f`` writes into: the caller's ``ob`` changed.  It now runs
  the derivative's code, which writes into copies, as every other derivative does.
* ``jacobian`` of a ``functools.partial`` or a lambda around a printing ``f`` printed
  once per sweep: the quiet columns took the prints out of the entry function only,
  not out of the callee holding them.  Python's function prints once per call.

References: Python's own function (its prints, the caller's arrays) and central
finite differences.
"""

import functools

import numpy as np
import pytest

import s2sad


def writes_ob(x, ze, ob):
    ob[0] = x[1]
    return np.sum(np.sin(x) * ob) + np.sum(np.tanh(ze))


def writes_ob_vector(x, ze, ob):
    ob[0] = x[1]
    return np.sin(x) * ob + np.sum(np.tanh(ze))


X = np.array([0.5, 0.1, -0.3])
ZE = np.zeros(0)


@pytest.mark.parametrize("call", [
    lambda ob: s2sad.hessian(writes_ob, wrt=1)(X, ZE, ob),
    lambda ob: s2sad.hessian(writes_ob, wrt=(1,))(X, ZE, ob),
    lambda ob: s2sad.hessian(writes_ob, wrt=0)(X, ZE, ob),
    lambda ob: s2sad.hvp(writes_ob, wrt=1)(X, ZE, ob, ZE),
    lambda ob: s2sad.jacobian(writes_ob_vector, wrt=1)(X, ZE, ob),
    lambda ob: s2sad.jacobian(writes_ob_vector, wrt=0, mode="forward")(X, ZE, ob),
    lambda ob: s2sad.jacobian(writes_ob_vector, wrt=0, mode="reverse")(X, ZE, ob),
    lambda ob: s2sad.jvp(writes_ob_vector, wrt=1)(X, ZE, ob, ZE),
])
def test_the_callers_array_written_into_is_left_as_it_is(call):
    ob = np.array([1.0, 2.0, 3.0])
    call(ob)
    np.testing.assert_array_equal(ob, [1.0, 2.0, 3.0])


def test_the_empty_hessian_still_runs_the_function_and_checks_its_output():
    ob = np.array([1.0, 2.0, 3.0])
    assert s2sad.hessian(writes_ob, wrt=1)(X, ZE, ob).shape == (0, 0)
    # along x, by hand: f = sin(x0) x1 + 2 sin(x1) + 3 sin(x2) once ob[0] = x1
    H = s2sad.hessian(writes_ob, wrt=0)(X, ZE, ob)
    x0, x1, x2 = X
    ref = np.array([[-np.sin(x0) * x1, np.cos(x0), 0.0],
                    [np.cos(x0), -2.0 * np.sin(x1), 0.0],
                    [0.0, 0.0, -3.0 * np.sin(x2)]])
    np.testing.assert_allclose(H, ref, atol=1e-12)
    np.testing.assert_array_equal(ob, [1.0, 2.0, 3.0])


def prints_pair(x, *, kq=0.0):
    print("called")
    return (x * 2.0 + kq, np.sin(x))


def prints_scalar(x, *, kq=0.0):
    print("called")
    return np.sum(np.sin(x)) * 2.0 + kq


pair_lambda = lambda x: prints_pair(x)   # noqa: E731 (a module's lambda, as the fuzzer's)
scalar_lambda = lambda x: prints_scalar(x)   # noqa: E731


@pytest.mark.parametrize("entry", [prints_pair, functools.partial(prints_pair, kq=0.0),
                                   pair_lambda])
@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_a_jacobian_through_a_partial_or_lambda_prints_once(entry, mode, capsys):
    x = np.array([0.1, 0.2])
    J = s2sad.jacobian(entry, mode=mode)(x)
    assert capsys.readouterr().out == "called\n"
    np.testing.assert_allclose(J[0], 2.0 * np.eye(2))
    np.testing.assert_allclose(J[1], np.diag(np.cos(x)))


@pytest.mark.parametrize("entry", [prints_scalar, functools.partial(prints_scalar, kq=0.0),
                                   scalar_lambda])
def test_a_hessian_through_a_partial_or_lambda_prints_once(entry, capsys):
    x = np.array([0.1, 0.2, 0.3])
    H = s2sad.hessian(entry)(x)
    assert capsys.readouterr().out == "called\n"
    np.testing.assert_allclose(H, np.diag(-2.0 * np.sin(x)), atol=1e-12)
