"""Reductions and scans along ``axis=0``/``axis=-1`` of 0-d values (numpy reads a 0-d
array as having no axis to reduce, and scans it as one element): the adjoints once
normalized the axis modulo 0 (a ZeroDivisionError reported as a singular point), put the
summed axis back on a 0-d adjoint (a gradient of shape (1,) for a 0-d argument, refused
as an internal error, and handed back as ``array([g])`` for an ``np.float64``) and moved
a 0-d array's axis 0 (an AxisError).  Every transform against central finite
differences of the function (second differences for the Hessian), at a 0-d array, an
``np.float64`` and a Python float, each derivative of its argument's type."""

import warnings

import numpy as np
import pytest

import s2sad
from s2sad import cli
from s2sad.errors import NumbaFallbackWarning

import zero_d_reductions as zr

POINTS = [("0-d array", np.array(0.7)), ("np.float64", np.float64(0.7)), ("float", 0.7)]
H = 1e-6


def _first(f, x):
    return (float(f(x + H)) - float(f(x - H))) / (2 * H)


def _second(f, x, h=1e-4):
    return (float(f(x + h)) - 2 * float(f(x)) + float(f(x - h))) / (h * h)


def _of_its_type(d, x):
    """A derivative with respect to ``x`` has ``x``'s type: a 0-d array, an np.float64,
    a float (never an array of one element)."""
    if isinstance(x, np.ndarray):
        assert isinstance(d, np.ndarray) and d.shape == (), repr(d)
    elif isinstance(x, np.float64):
        assert isinstance(d, np.float64), repr(d)
    else:
        assert type(d) is float, repr(d)
    return float(d)


CASES = [pytest.param(f, x, id=f"{f.__name__}-{label}")
         for f in zr.FUNCTIONS for label, x in POINTS]


@pytest.mark.parametrize("func, x", CASES)
def test_first_order_transforms_match_finite_differences(func, x):
    want = _first(func, 0.7)
    assert np.isclose(_of_its_type(s2sad.grad(func)(x), x), want, rtol=1e-6)
    value, pullback = s2sad.vjp(func)(x)
    assert np.isclose(value, func(0.7))
    assert np.isclose(_of_its_type(pullback(1.0), x), want, rtol=1e-6)
    value, tangent = s2sad.jvp(func)(x, x * 0 + 1.0)
    assert np.isclose(float(tangent), want, rtol=1e-6)
    assert np.isclose(float(np.asarray(s2sad.jacobian(func)(x))), want, rtol=1e-6)


@pytest.mark.parametrize("func, x", CASES)
def test_second_order_transforms_match_second_differences(func, x):
    want = _second(func, 0.7)
    assert np.isclose(float(np.asarray(s2sad.hessian(func)(x))), want, rtol=1e-4, atol=1e-6)
    assert np.isclose(float(np.asarray(s2sad.hvp(func)(x, x * 0 + 1.0))), want, rtol=1e-4,
                      atol=1e-6)


def test_the_reported_sums_give_their_derivatives():
    """The user's two functions: d/dx sum(x, axis=0) = 1, d/dx (x^2)^1.5 = 3 x |x|."""
    x = np.array(0.5)
    assert s2sad.grad(lambda_free_sum)(x) == 1.0
    assert s2sad.grad(lambda_free_sum)(np.float64(0.5)) == 1.0
    assert np.isclose(s2sad.grad(zr.powered_sums_of_squares)(x), 0.75)
    assert np.isclose(s2sad.hessian(zr.powered_sums_of_squares)(x), 3.0)


def lambda_free_sum(x):
    return np.sum(x, axis=0)


@pytest.mark.parametrize("function, flavor", [
    ("powered_sums_of_squares", "value_and_grad"), ("squared_running_sum", "value_and_grad"),
    ("max_along_first_axis", "value_and_grad"), ("products_along_axes", "value_and_grad"),
    ("powered_sums_of_squares", "jvp"), ("squared_running_product", "jvp"),
])
def test_the_cli_module_matches_finite_differences(tmp_path, monkeypatch, function, flavor):
    import shutil
    shutil.copy(zr.__file__, tmp_path / "zero_d_reductions.py")
    monkeypatch.chdir(tmp_path)
    mode = ["--mode", "forward"] if flavor == "jvp" else []
    assert cli.main(["grad", f"zero_d_reductions.py:{function}", *mode, "-o", "out.py"]) == 0
    namespace = {}
    exec(compile((tmp_path / "out.py").read_text(), "out.py", "exec"), namespace)
    made = namespace[f"{function}_{flavor}"]
    want = _first(getattr(zr, function), 0.7)
    for _, x in POINTS:
        value, derivative = made(x, 1.0) if flavor == "jvp" else made(x)
        assert np.shape(derivative) == () and np.isclose(float(derivative), want, rtol=1e-6)


@pytest.mark.parametrize("func", [zr.sum_along_first_axis, zr.powered_sums_of_squares,
                                  zr.squared_sum_of_sines],
                         ids=lambda f: f.__name__)
def test_numba_compiles_them_for_numbers(func):
    """numba's np.sum of a 0-d array takes no axis (the numpy code runs, with a warning):
    numbers compile, and the summed axis of length 1 put back on an adjoint compiles
    for a vector's sum too (``expand_summed``: np.expand_dims of numba took no number)."""
    pytest.importorskip("numba")
    want = _first(func, 0.7)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumbaFallbackWarning)
        for x in (np.float64(0.7), 0.7):
            assert np.isclose(_of_its_type(s2sad.grad(func, backend="numba")(x), x), want,
                              rtol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumbaFallbackWarning)
        assert np.isclose(float(s2sad.grad(func, backend="numba")(np.array(0.7))), want,
                          rtol=1e-6)


def test_numba_compiles_a_sum_along_an_axis_of_a_vector():
    pytest.importorskip("numba")
    x = np.array([0.7, -0.4, 1.3])
    want = [_first(lambda v: zr.powered_sums_of_squares(
        np.where(np.arange(3) == i, v, x)), x[i]) for i in range(3)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", NumbaFallbackWarning)
        got = s2sad.grad(zr.powered_sums_of_squares, backend="numba")(x)
    np.testing.assert_allclose(got, want, rtol=1e-6)
