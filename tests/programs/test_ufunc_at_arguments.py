"""``np.add.at`` / ``np.subtract.at`` on a parameter of the differentiated function was
refused ("cannot write into 'X': it is not an array this function created", stranger22a
r9) while ``X[[0]] += w`` on it was differentiated: both write into a copy made once at
the start, the caller's array is left as it is.  Every mode against central finite
differences (the Hessian: differences of finite-difference gradients), and the CLI."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
import ufunc_at_arguments as fx
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

X = np.array([[0.3, 0.8], [1.2, 0.5]])
W = np.array([0.4, 0.9])
SCALARS = [fx.add_at_row, fx.subscript_row, fx.subtract_at_repeated,
           fx.add_at_read_before_and_after, fx.add_at_in_loop, fx.add_at_after_rebinding,
           fx.add_at_in_branch]


def _flat(f):
    """f of one flat vector holding X and w (for the Hessian's differences)."""
    def g(z):
        return f(z[:4].reshape(2, 2).copy(), z[4:].copy())
    return g


def _hessian_fd(f, z, eps=1e-4):
    rows = []
    for k in range(z.size):
        step = np.zeros_like(z)
        step[k] = eps
        rows.append((finite_difference_gradient(f, (z + step,), 0)
                     - finite_difference_gradient(f, (z - step,), 0)) / (2 * eps))
    return np.array(rows)


@pytest.mark.parametrize("f", SCALARS, ids=lambda f: f.__name__)
def test_first_order_modes_against_finite_differences(f):
    check_grads(f, (X.copy(), W.copy()), wrt=(0, 1), modes=("reverse", "forward"))


@pytest.mark.parametrize("f", SCALARS, ids=lambda f: f.__name__)
def test_the_caller_array_is_left_as_it_is(f):
    given = X.copy()
    value, (gX, gw) = s2sad.value_and_grad(f, wrt=(0, 1))(given, W.copy())
    np.testing.assert_array_equal(given, X)
    assert value == pytest.approx(f(X.copy(), W.copy()))
    assert gX.shape == X.shape and gw.shape == W.shape


@pytest.mark.parametrize("f", SCALARS, ids=lambda f: f.__name__)
def test_second_order_against_finite_differences(f):
    z = np.concatenate([X.ravel(), W])
    expected = _hessian_fd(_flat(f), z)
    got = s2sad.hessian(f, wrt=(0, 1))(X.copy(), W.copy())
    full = np.block([[got[0][0].reshape(4, 4), got[0][1].reshape(4, 2)],
                     [got[1][0].reshape(2, 4), got[1][1]]])
    np.testing.assert_allclose(full, expected, rtol=1e-4, atol=1e-5)
    v = np.random.default_rng(22).normal(size=z.size)
    hv = s2sad.hvp(f, wrt=(0, 1))(X.copy(), W.copy(), (v[:4].reshape(2, 2), v[4:]))
    np.testing.assert_allclose(np.concatenate([hv[0].ravel(), hv[1]]), expected @ v,
                               rtol=1e-4, atol=1e-5)


def test_the_same_as_the_subscript_write():
    a = s2sad.grad(fx.add_at_row, wrt=(0, 1))(X.copy(), W.copy())
    b = s2sad.grad(fx.subscript_row, wrt=(0, 1))(X.copy(), W.copy())
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v)


def test_vector_output():
    x, v = np.array([0.2, -0.4, 0.7]), np.array([0.5, 1.5, -1.0])
    check_grads(fx.add_at_vector, (x.copy(), v.copy()), wrt=(0, 1), modes=("reverse", "forward"))
    jac = s2sad.jacobian(fx.add_at_vector)(x.copy(), v)
    eps, cols = 1e-6, []
    for k in range(3):
        step = np.zeros(3)
        step[k] = eps
        cols.append((fx.add_at_vector(x + step, v) - fx.add_at_vector(x - step, v)) / (2 * eps))
    np.testing.assert_allclose(jac, np.stack(cols, axis=1), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_command_line_module(tmp_path, mode):
    source = Path(fx.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    out = tmp_path / f"at_{mode}.py"
    proc = s2sad_command(["grad",
                           f"{source.name}:add_at_read_before_and_after", "--wrt", "X",
                           "--mode", mode, "-o", out.name],
                          cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(Path(s2sad.__file__).parents[1])))
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    expected = finite_difference_gradient(fx.add_at_read_before_and_after, (X.copy(), W), 0)
    given = X.copy()
    if mode == "reverse":
        _, g = namespace["add_at_read_before_and_after_value_and_grad"](given, W)
        np.testing.assert_allclose(g, expected, rtol=1e-6)
    else:
        t = np.random.default_rng(3).normal(size=X.shape)
        _, tangent = namespace["add_at_read_before_and_after_jvp"](given, W, t)
        assert tangent == pytest.approx(np.sum(expected * t), rel=1e-6)
    np.testing.assert_array_equal(given, X)
