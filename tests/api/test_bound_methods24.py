"""A method bound to an object of the user's (``MODEL.rhs``), given where a function
calls its parameter (``integrate(MODEL.rhs, y0)`` with ``def integrate(f, y): ... f(y)``,
or ``s2sad.grad(loss_given, wrt=1)(MODEL.rhs, y0)``), is differentiated as the partial
``functools.partial(Model.rhs, MODEL)`` it calls: the object a constant of the call,
read when the code runs.  Both were refused ("given a value computed here", "here it
does not [hold a function]").  A method of an object the function is given or makes
stays refused, saying so.  References: central differences in float64."""

import os
import sys

import numpy as np
import pytest

import s2sad
from tests.fixtures import bound_methods24 as fx
from tests.programs.every_transform import every_transform
from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

Y0 = np.array([0.3, -0.5, 0.9])
_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.mark.parametrize("f", [fx.loss, fx.loss_default, fx.loss_partial])
def test_a_method_given_to_a_helper_in_every_transform(f):
    every_transform(f, (Y0,))


@pytest.mark.parametrize("f", [fx.loss_two, fx.loss_two_same])
def test_two_objects_methods_in_first_order_and_refused_in_second(f):
    expected = finite_difference_gradient(f, (Y0,))
    np.testing.assert_allclose(s2sad.grad(f)(Y0), expected, rtol=1e-6, atol=1e-9)
    v = np.array([1.0, -0.5, 0.25])
    _, tangent = s2sad.jvp(f)(Y0, v)
    assert tangent == pytest.approx(float(expected @ v), rel=1e-6)
    # (it crashed with KeyError: Swapped.scale, met after Model.rhs was walked; two
    # values named 'self', or two functions named 'f_rhs', in one code stay refused)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="second derivatives"):
        s2sad.hessian(f)(Y0)


def test_the_object_is_read_when_the_code_runs():
    before = s2sad.grad(fx.loss)(Y0)
    fx.MODEL.k = 0.2
    try:
        np.testing.assert_allclose(s2sad.grad(fx.loss)(Y0),
                                   finite_difference_gradient(fx.loss, (Y0,)),
                                   rtol=1e-6, atol=1e-9)
        assert not np.allclose(s2sad.grad(fx.loss)(Y0), before)
    finally:
        fx.MODEL.k = 0.7


@pytest.mark.parametrize("model", [fx.MODEL, fx.OTHER])
def test_a_method_given_to_the_derivative(model):
    """grad, vjp, jvp and hessian in y0, given model.rhs (read anew at each call)."""
    expected = finite_difference_gradient(lambda y: fx.loss_given(model.rhs, y), (Y0,))
    np.testing.assert_allclose(s2sad.grad(fx.loss_given, wrt=1)(model.rhs, Y0), expected,
                               rtol=1e-6, atol=1e-9)
    value, pullback = s2sad.vjp(fx.loss_given, wrt=1)(model.rhs, Y0)
    assert value == pytest.approx(fx.loss_given(model.rhs, Y0), rel=1e-12)
    np.testing.assert_allclose(pullback(2.0), 2.0 * expected, rtol=1e-6, atol=1e-9)
    v = np.array([1.0, -0.5, 0.25])
    _, tangent = s2sad.jvp(fx.loss_given, wrt=1)(model.rhs, Y0, v)
    assert tangent == pytest.approx(float(expected @ v), rel=1e-6)
    h = 1e-4
    rows = [(finite_difference_gradient(lambda y: fx.loss_given(model.rhs, y), (Y0 + h * e,))
             - finite_difference_gradient(lambda y: fx.loss_given(model.rhs, y),
                                          (Y0 - h * e,))) / (2 * h) for e in np.eye(3)]
    np.testing.assert_allclose(s2sad.hessian(fx.loss_given, wrt=1)(model.rhs, Y0),
                               np.array(rows), rtol=1e-4, atol=1e-5)


def test_the_written_module_reads_the_object_and_the_partial_s_array(tmp_path):
    """The CLI module imports MODEL (self of the method) and W (the partial's first
    argument) from the source module: it said "supplied by the caller" and raised
    NameError at its first call."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(fx.__file__)))
    for func in ("loss", "loss_partial"):
        out = tmp_path / f"bm24_{func}.py"
        proc = s2sad_command(["grad",
                               os.path.join(root, "fixtures", "bound_methods24.py") + f":{func}",
                               "-o", str(out)], capture_output=True, text=True, env=_ENV,
                              cwd=os.path.dirname(root))
        assert proc.returncode == 0, proc.stderr
        assert "supplied by the caller" not in out.read_text()
        namespace = {}
        exec(compile(out.read_text(), str(out), "exec"), namespace)
        value, grad = namespace[f"{func}_value_and_grad"](Y0)
        f = getattr(fx, func)
        assert value == pytest.approx(f(Y0), rel=1e-12)
        np.testing.assert_allclose(grad, finite_difference_gradient(f, (Y0,)),
                                   rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("f, args", [(fx.loss_local, (Y0, 0.5)),
                                     (fx.loss_param, (Y0, fx.Model(0.5)))])
def test_a_method_of_an_object_the_function_holds_stays_refused_saying_so(f, args):
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(f)(*args)
    text = str(info.value)
    assert "given model.rhs, read from 'model'" in text
    assert "bound_methods24.py:" in text and "model.rhs(y)" in text


def test_a_classmethod_given_stays_refused():
    class Maker:
        @classmethod
        def rhs(cls, y):
            return np.sin(y)

    with pytest.raises(s2sad.S2sadError):
        s2sad.grad(fx.loss_given, wrt=1)(Maker.rhs, Y0)
