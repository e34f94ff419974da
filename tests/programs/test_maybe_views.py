"""Regression tests (helper fixalias16): writes through a maybe-view (np.asfortranarray,
np.ascontiguousarray, np.asarray(order=), x.astype(t, copy=False): the argument itself
where its layout or dtype fits, else a new array) are decided when the code runs, no longer
refused as "shares its memory"; an integer astype(copy=False) is a constant; ravel and
flatten in order 'K' of strided views; a list added to a parameter of unknown kind in the
command line's forward mode; the SVD's second derivative forward over forward.  Each is
checked in every transform against central finite differences or a hand derivative."""

import os
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import maybe_views as mv
import s2sad
from s2sad.errors import S2sadError
from s2sad.runtime import svd_tangent, svd_tangent_dot
from s2sad.testing import check_grads
from in_process import s2sad_command

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "maybe_views.py"
X2 = np.array([[0.3, -1.2, 0.5], [0.7, 0.1, -0.4]])
X34 = np.arange(12.0).reshape(3, 4) / 7.0 - 0.6
RNG = np.random.default_rng(16)


def _fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        g[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return g


def _fd_hessian(f, x, eps=1e-4):
    rows = []
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[i] = eps
        rows.append((_fd_grad(f, x + step, eps) - _fd_grad(f, x - step, eps)) / (2 * eps))
    return np.stack(rows).reshape(x.shape + x.shape)


def _cli_module(tmp_path, function, wrt, mode):
    """The module ``s2sad grad`` writes for ``maybe_views.py:function``, loaded."""
    if not (tmp_path / "maybe_views.py").exists():
        shutil.copy(FIXTURE, tmp_path / "maybe_views.py")
    out = tmp_path / f"{function}_{mode}.py"
    root = str(Path(s2sad.__file__).resolve().parents[1])   # (the s2sad these tests test)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    proc = s2sad_command(["grad", f"maybe_views.py:{function}",
                           "--wrt", wrt, "--mode", mode, "-o", out.name], cwd=tmp_path,
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    sys.path.insert(0, str(tmp_path))
    try:
        exec(compile(out.read_text(), str(out), "exec"), namespace)
    finally:
        sys.path.remove(str(tmp_path))
    return namespace


def _every_transform(tmp_path, f, x, grad, hessian, rtol=1e-5, atol=1e-6):
    """``f`` at ``x`` in each transform, against the gradient ``grad`` and Hessian
    ``hessian`` (finite differences, or by hand)."""
    v = RNG.normal(size=x.shape)
    value, g = s2sad.value_and_grad(f)(x.copy())
    assert value == pytest.approx(f(x.copy()))
    np.testing.assert_allclose(g, grad, rtol=rtol, atol=atol)
    _, pullback = s2sad.vjp(f)(x.copy())
    np.testing.assert_allclose(pullback(1.0), grad, rtol=rtol, atol=atol)
    _, slope = s2sad.jvp(f)(x.copy(), v)
    assert slope == pytest.approx(np.sum(grad * v), rel=rtol, abs=atol)
    np.testing.assert_allclose(s2sad.jacobian(f)(x.copy()), grad, rtol=rtol, atol=atol)
    np.testing.assert_allclose(s2sad.hessian(f)(x.copy()), hessian, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(s2sad.hvp(f)(x.copy(), v),
                               np.tensordot(hessian, v, axes=v.ndim), rtol=1e-3, atol=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # (numba may run the numpy code: a warning)
        np.testing.assert_allclose(s2sad.grad(f, backend="numba")(x.copy()), grad,
                                   rtol=rtol, atol=atol)
    name = f.__name__
    _, g = _cli_module(tmp_path, name, "x", "reverse")[f"{name}_value_and_grad"](x.copy())
    np.testing.assert_allclose(g, grad, rtol=rtol, atol=atol)
    _, slope = _cli_module(tmp_path, name, "x", "forward")[f"{name}_jvp"](x.copy(), v)
    assert slope == pytest.approx(np.sum(grad * v), rel=rtol, abs=atol)


# ------------------------------------------------ 1. maybe-views written into

@pytest.mark.parametrize("f, x", [
    (mv.fortran_write_z, X2), (mv.fortran_write_y, X2), (mv.contiguous_write, X2),
    (mv.asarray_order_write, X2), (mv.astype_same_dtype, X2[0]),
    (mv.ravel_k_reversed, X2), (mv.ravel_k_method, X34), (mv.flatten_k, X34)])
def test_maybe_views_and_order_k_in_every_transform(tmp_path, f, x):
    _every_transform(tmp_path, f, x, _fd_grad(f, x), _fd_hessian(f, x))


def test_the_tangents_share_memory_as_the_values_do():
    # fortran_write_y writes into y after z = np.asfortranarray(y) made a new array: z's
    # tangent must not follow the write (a tangent of z that was y's tangent itself gave
    # a wrong jvp, silently)
    check_grads(mv.fortran_write_y, (X2.copy(),), modes=("reverse", "forward"))


def test_a_dtype_change_makes_a_new_array(tmp_path):
    # z is float32, a new array: y's write leaves it; sum(z^3) + 5 y1 + y1 + y2 by hand
    x = np.array([0.3, -1.2, 0.5])
    z = x.astype(np.float32).astype(float)
    grad = 3.0 * z ** 2 + np.array([0.0, 6.0, 1.0])
    _every_transform(tmp_path, mv.astype_other_dtype_write, x, grad, np.diag(6.0 * z))


def test_an_integer_astype_without_copy_is_a_constant(tmp_path):
    # sum(trunc(x) * x): the gradient trunc(x), the Hessian 0 (away from integers)
    x = np.array([[0.3, -1.2, 2.5], [1.7, 0.1, -2.4]])
    _every_transform(tmp_path, mv.integer_astype_no_copy, x, np.trunc(x),
                     np.zeros(x.shape + x.shape))


def test_a_maybe_view_that_is_the_array_itself_is_refused_where_it_runs():
    # one row: np.asfortranarray hands back y itself, the write changes both: refused
    # when the code runs (a 2 x 3 array is differentiated by the same code)
    x = np.array([[0.3, -1.2, 0.5]])
    line = mv.fortran_one_row_write.__code__.co_firstlineno + 5
    for transform in (lambda: s2sad.grad(mv.fortran_one_row_write)(x.copy()),
                      lambda: s2sad.jvp(mv.fortran_one_row_write)(x.copy(), np.ones((1, 3))),
                      lambda: s2sad.hessian(mv.fortran_one_row_write)(x.copy())):
        with pytest.raises(S2sadError, match="writing into 'z' may also change 'y'") as info:
            transform()
        assert info.value.location.line == line
    g = s2sad.grad(mv.fortran_one_row_write)(X2.copy())
    np.testing.assert_allclose(g, _fd_grad(mv.fortran_one_row_write, X2), rtol=1e-6)


# ------------------------------------------------ 4. lists added to parameters of unknown kind

XS = [RNG.normal(size=3), RNG.normal(size=3)]
X = RNG.normal(size=3)


def _fd_along(f, args, direction, eps=1e-6):
    kind = type(args[1])
    up = args[:1] + (kind(a + eps * d for a, d in zip(args[1], direction)),) + args[2:]
    down = args[:1] + (kind(a - eps * d for a, d in zip(args[1], direction)),) + args[2:]
    return (f(*up) - f(*down)) / (2 * eps)


@pytest.mark.parametrize("f, wrt, kind", [
    (mv.list_in_front, "xs", list), (mv.list_behind, "xs", list),
    (mv.tuple_in_front, "ts", tuple), (mv.list_repeated, "xs", list),
    (mv.list_twice, "xs", list)])
def test_a_list_added_to_a_parameter_of_unknown_kind_forward(tmp_path, f, wrt, kind):
    args = (X.copy(), kind(a.copy() for a in XS))
    v = kind(RNG.normal(size=3) for _ in XS)
    expected = _fd_along(f, args, v)
    name = f.__name__
    _, slope = _cli_module(tmp_path, name, wrt, "forward")[f"{name}_jvp"](*args, v)
    assert slope == pytest.approx(expected, rel=1e-6)
    _, slope = s2sad.jvp(f, wrt=1)(*args, v)
    assert slope == pytest.approx(expected, rel=1e-6)
    # H v, read along w: central differences of the directional derivative along w
    w = kind(RNG.normal(size=3) for _ in XS)
    hv = s2sad.hvp(f, wrt=1)(*args, v)
    eps = 1e-4
    up = (args[0], kind(a + eps * d for a, d in zip(args[1], v)))
    down = (args[0], kind(a - eps * d for a, d in zip(args[1], v)))
    expected = (_fd_along(f, up, w, 1e-4) - _fd_along(f, down, w, 1e-4)) / (2 * eps)
    assert sum(np.sum(a * b) for a, b in zip(hv, w)) == pytest.approx(expected, rel=1e-4,
                                                                      abs=1e-6)


# ------------------------------------------------ 5. the SVD forward over forward

XV = np.array([0.8, 1.3])


@pytest.mark.parametrize("f", [mv.singular_cubes, mv.singular_vectors, mv.lstsq_norm])
def test_svd_forward_over_forward(f):
    v, w = np.array([1.0, 0.3]), np.array([-0.4, 0.9])
    (value, first), (first_w, second) = s2sad.jvp(s2sad.jvp(f))(XV.copy(), v, w)
    assert value == pytest.approx(f(XV))
    # against central differences of the lower derivative (jvp's slope along v)...
    eps = 1e-5
    slope = (lambda x: s2sad.jvp(f)(x, v)[1])
    assert second == pytest.approx((slope(XV + eps * w) - slope(XV - eps * w)) / (2 * eps),
                                   rel=1e-6)
    # ... and of f itself, twice
    expected = w @ _fd_hessian(f, XV) @ v
    assert second == pytest.approx(expected, rel=1e-4, abs=1e-5)
    assert first == pytest.approx(_fd_grad(f, XV) @ v, rel=1e-6)


def test_jvp_of_a_function_calling_hvp_of_lstsq():
    w = np.array([0.6, -1.1])
    value, slope = s2sad.jvp(mv.lstsq_hvp_sum)(XV.copy(), w)
    assert value == pytest.approx(mv.lstsq_hvp_sum(XV))
    eps = 1e-5
    expected = (mv.lstsq_hvp_sum(XV + eps * w) - mv.lstsq_hvp_sum(XV - eps * w)) / (2 * eps)
    assert slope == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("shape, full, uv", [((4, 3), False, True), ((3, 4), False, True),
                                             ((3, 3), True, True), ((4, 3), False, False)])
def test_svd_tangent_dot_against_differences_of_svd_tangent(shape, full, uv):
    a, t, da, dt = (RNG.normal(size=shape) for _ in range(4))

    def tangent(e):
        b = a + e * da
        y = np.linalg.svd(b, full_matrices=full, compute_uv=uv)
        return svd_tangent(y, b, t + e * dt, full, uv, False)

    y = np.linalg.svd(a, full_matrices=full, compute_uv=uv)
    dy = svd_tangent(y, a, da, full, uv, False) if uv else None
    got = svd_tangent_dot(tangent(0.0), y, a, t, full, uv, False, dy, da, dt)
    eps = 1e-6
    up, down = tangent(eps), tangent(-eps)
    for part, high, low in zip(got if uv else (got,), up if uv else (up,),
                               down if uv else (down,)):
        np.testing.assert_allclose(part, (high - low) / (2 * eps), rtol=1e-5, atol=1e-6)


def test_beyond_the_second_derivative_of_svd_is_refused():
    third = s2sad.jvp(s2sad.jvp(s2sad.jvp(mv.singular_vectors)))
    with pytest.raises(S2sadError, match="beyond the second"):
        third(XV.copy(), np.array([1.0, 0.3]), np.array([-0.4, 0.9]), np.array([0.5, 0.5]))
    for transform in (lambda: s2sad.grad(mv.singular_second)(XV.copy()),
                      lambda: s2sad.jvp(mv.singular_second)(XV.copy(), np.ones(2))):
        with pytest.raises(S2sadError, match="beyond the second"):
            transform()
    assert mv.singular_second(XV) == pytest.approx(mv.W2 @ _fd_hessian(mv.singular_vectors, XV)
                                                   @ mv.V2, rel=1e-4, abs=1e-5)
