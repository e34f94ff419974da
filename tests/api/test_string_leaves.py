"""A string (or bytes) leaf carries no derivative, in every mode, even where the
function reads it as a number: ``float(p["scale"])`` gave the string the derivative of
the float (5.0 for ``grad``), and ``np.float64(s)`` / ``np.asarray(s, dtype=float)``
crashed in s2sad's runtime (numpy read "1.5" as the name of a dtype: "data type '.5'
not understood"), in grad and the Hessian, also for a string argument itself.
References are derivatives written by hand (the float leaf's: 2 * w * 1.5)."""

import numpy as np
import pytest

import s2sad
from tests.fixtures import string_leaves as fx

W = np.array([1.0, 2.0])
READERS = [fx.by_float, fx.by_float64, fx.by_asarray]


def _p(scale="1.5"):
    return {"w": W.copy(), "scale": scale}


@pytest.mark.parametrize("f", READERS + [fx.by_switch], ids=lambda f: f.__name__)
def test_reverse_modes_give_the_string_zero(f):
    factor = 1.5 if f is not fx.by_switch else 2.0
    for g in (s2sad.grad(f)(_p()), s2sad.value_and_grad(f)(_p())[1],
              s2sad.vjp(f)(_p())[1](1.0), s2sad.hvp(f)(_p(), {"w": np.zeros(2), "scale": 0.0})):
        assert g["scale"] == 0.0
    np.testing.assert_allclose(s2sad.grad(f)(_p())["w"], 2 * W * factor)
    np.testing.assert_allclose(s2sad.hvp(f)(_p(), {"w": np.ones(2), "scale": None})["w"],
                               2 * factor * np.ones(2))


@pytest.mark.parametrize("f", READERS, ids=lambda f: f.__name__)
def test_forward_and_second_order_modes_agree(f):
    value, tangent = s2sad.jvp(f)(_p(), {"w": np.ones(2), "scale": 0.0})
    assert value == f(_p()) and tangent == pytest.approx(2 * 1.5 * np.sum(W))
    jac = s2sad.jacobian(f)(_p())
    np.testing.assert_allclose(jac["w"], 2 * W * 1.5)
    assert jac["scale"] == 0.0
    hess = s2sad.hessian(f)(_p())
    np.testing.assert_allclose(hess["w"]["w"], 3.0 * np.eye(2))
    assert np.all(hess["w"]["scale"] == 0.0) and hess["scale"]["scale"] == 0.0


def test_vector_output_and_bytes():
    _, pullback = s2sad.vjp(fx.vector_by_float)(_p())
    g = pullback(np.ones(2))
    np.testing.assert_allclose(g["w"], [1.5, 1.5])
    assert g["scale"] == 0.0
    jac = s2sad.jacobian(fx.vector_by_float)(_p(b"1.5"))
    np.testing.assert_allclose(jac["w"], 1.5 * np.eye(2))
    assert np.all(jac["scale"] == 0.0)
    assert s2sad.grad(fx.by_asarray)(_p(b"1.5"))["scale"] == 0.0


@pytest.mark.parametrize("x", ["1.5", b"1.5", np.str_("1.5")], ids=repr)
def test_a_string_argument_read_as_a_number(x):
    assert s2sad.grad(fx.squared_number)(x) == 0.0
    assert s2sad.hessian(fx.squared_number)(x) == 0.0
    assert s2sad.jvp(fx.squared_number)(x, 0.0) == (2.25, 0.0)


def test_a_string_naming_a_dtype_is_no_dtype():
    """The adjoint of a string is float64's, not the dtype the string names."""
    from s2sad.runtime import float_like
    assert float_like("f4") == np.float64 and float_like(b"int8") == np.float64


def test_a_generated_module_gives_the_string_zero():
    namespace = {}
    exec(compile(s2sad.source(fx.by_float), "by_float_module", "exec"), namespace)
    value, g = namespace["by_float_value_and_grad"](_p())
    assert value == 7.5 and g["scale"] == 0.0
    np.testing.assert_allclose(g["w"], 2 * W * 1.5)
