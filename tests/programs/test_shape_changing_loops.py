"""A value carried through a ``for`` loop that changes shape by broadcasting (a number
that becomes an array on the first trip): the adjoint of the value before each update
is reduced to that value's shape (the reverse code gave silently wrong gradients, or
crashed, reducing it to the shape after the update).

Expected derivatives are written by hand, central finite differences
(``s2sad.testing``) or second differences of the function itself, never values s2sad
produced.
"""

import inspect
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient

import shape_changing_loops as sc
from in_process import s2sad_command

RNG = np.random.default_rng(1616)
X0 = np.array([0.5, -1.0, 0.25])
P0, V0 = np.array([0.5, 1.0, -1.0]), np.array([0.5, -0.3, 0.2])

CASES = [
    (sc.mean_grows, (X0,), 0),
    (sc.dot_grows, (P0, V0), 0),
    (sc.dot_grows, (P0, V0), 1),
    (sc.bias_first, (RNG.normal(size=(4, 3)), RNG.normal(size=3), 0.3), 2),
    (sc.bias_first, (RNG.normal(size=(4, 3)), RNG.normal(size=3), 0.3), 1),
    (sc.weight_first, (RNG.normal(size=(4, 3)), RNG.normal(size=4)), 1),
    (sc.augmented, (RNG.normal(size=3), 0.4), 1),
    (sc.subtracted_from, (RNG.normal(size=3), 0.4), 1),
    (sc.multiplied, (RNG.normal(size=3), 0.4), 1),
    (sc.multiplied_in_place, (RNG.normal(size=3), 0.4), 1),
    (sc.nested, (RNG.normal(size=3), 0.4), 1),
    (sc.nested, (RNG.normal(size=3), 0.4), 0),
    (sc.row_to_matrix, (RNG.normal(size=(2, 3)), RNG.normal(size=3)), 1),
]


def _id(case):
    return f"{case[0].__name__}-wrt{case[2]}"


def _mean_grows_grad(x):
    m = np.mean(x) + 0.2 * x          # m after the loop
    return 0.4 * m + 2.0 * np.sum(m) / x.size


def _dot_grows_grad(p, v):
    s = np.dot(p, p) + 2.0 * v
    return 4.0 * p * np.sum(s)


def test_the_reported_gradients_agree_with_hand_derivatives():
    np.testing.assert_allclose(s2sad.grad(sc.mean_grows)(X0), _mean_grows_grad(X0),
                               rtol=1e-12)
    np.testing.assert_allclose(_mean_grows_grad(X0), [-0.19333333, -0.31333333, -0.21333333],
                               rtol=1e-7)
    np.testing.assert_allclose(s2sad.grad(sc.dot_grows)(P0, V0), _dot_grows_grad(P0, V0),
                               rtol=1e-12)
    np.testing.assert_allclose(_dot_grows_grad(P0, V0), [15.1, 30.2, -30.2], rtol=1e-12)


@pytest.mark.parametrize("func,args,wrt", CASES, ids=[_id(c) for c in CASES])
def test_reverse_and_forward_agree_with_finite_differences(func, args, wrt):
    # value_and_grad, vjp (two random cotangents) and jvp
    check_grads(func, args, wrt=wrt, modes=("reverse", "forward"))
    got = s2sad.grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(got, finite_difference_gradient(func, args, argnum=wrt),
                               rtol=1e-5, atol=1e-7)


def _fd_hvp(func, args, index, v, eps=1e-4):
    """H v by central second differences of ``func`` itself."""
    x = np.asarray(args[index], dtype=float)
    flat, dv = x.ravel(), np.ravel(v)
    out = np.zeros(flat.size)

    def at(point):
        new = list(args)
        new[index] = point.reshape(x.shape) if x.ndim else float(point[0])
        return float(func(*new))

    for k in range(flat.size):
        e = np.zeros(flat.size)
        e[k] = eps
        out[k] = (at(flat + e + eps * dv) - at(flat + e - eps * dv)
                  - at(flat - e + eps * dv) + at(flat - e - eps * dv)) / (4 * eps * eps)
    return out.reshape(x.shape)


@pytest.mark.parametrize("func,args,wrt", CASES, ids=[_id(c) for c in CASES])
def test_hessian_vector_products_agree_with_second_differences(func, args, wrt):
    x = args[wrt]
    v = float(RNG.uniform(-1, 1)) if np.ndim(x) == 0 else RNG.uniform(-1, 1, np.shape(x))
    got = s2sad.hvp(func, wrt=wrt)(*args, v)
    got = got[1] if isinstance(got, tuple) else got
    np.testing.assert_allclose(got, _fd_hvp(func, args, wrt, v), rtol=1e-4, atol=1e-5)


def test_hessians_agree_with_hand_derivatives():
    n = X0.size
    expected = 0.4 * (np.full((n, n), 1.0 / n) + 0.2 * np.eye(n)) + 2.4 / n
    np.testing.assert_allclose(s2sad.hessian(sc.mean_grows)(X0), expected, rtol=1e-10)
    s = np.dot(P0, P0) + 2.0 * V0
    expected = 4.0 * np.sum(s) * np.eye(3) + 8.0 * P0.size * np.outer(P0, P0)
    np.testing.assert_allclose(s2sad.hessian(sc.dot_grows)(P0, V0), expected, rtol=1e-10)


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "shape_changing_loops.py"


@pytest.mark.parametrize("function,args,wrt", [
    ("mean_grows", (X0,), 0),
    ("dot_grows", (P0, V0), 0),
    ("bias_first", (RNG.normal(size=(4, 3)), RNG.normal(size=3), 0.3), 2),
    ("weight_first", (RNG.normal(size=(4, 3)), RNG.normal(size=4)), 1),
])
def test_the_written_module_agrees_with_finite_differences(tmp_path, function, args, wrt):
    shutil.copy(FIXTURE, tmp_path / "shape_changing_loops.py")
    out = tmp_path / f"{function}_grad.py"
    name = list(inspect.signature(getattr(sc, function)).parameters)[wrt]
    proc = s2sad_command(["grad",
                           f"shape_changing_loops.py:{function}", "--wrt", name,
                           "-o", out.name], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    value, gradient = namespace[f"{function}_value_and_grad"](*args)
    assert value == pytest.approx(getattr(sc, function)(*args))
    np.testing.assert_allclose(
        gradient, finite_difference_gradient(getattr(sc, function), args, argnum=wrt),
        rtol=1e-6, atol=1e-8)
