"""Derivatives with respect to several parameters at once (an array and a number, two
arrays) under backend="numba": the numba runtime's ``unshared`` takes a tuple of
derivatives (each array copied where it may share memory with an argument or with an
item before it), so grad/hvp/hessian with ``wrt=(0, 1)`` compile instead of falling back.
Checked against derivatives written by hand and central finite differences."""

import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import numba_unshared as M  # noqa: E402
import s2sad  # noqa: E402

X = np.linspace(0.1, 0.5, 4)
A = 0.7


def _compiled(transform):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        made = transform()
    return made


def _call_compiled(made, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        result = made(*args)
    assert made.backend_used == "numba"
    return result


def test_gradient_of_array_and_number():
    g = _compiled(lambda: s2sad.grad(M.scaled_sines, wrt=(0, 1), backend="numba"))
    gx, ga = _call_compiled(g, X, A)
    np.testing.assert_allclose(gx, np.cos(X) * A ** 2, rtol=1e-12)
    assert ga == pytest.approx(np.sum(np.sin(X) * 2 * A), rel=1e-12)


def test_hvp_of_array_and_number():
    v = (np.array([1.0, -0.5, 0.25, 2.0]), 0.3)
    hvp = _compiled(lambda: s2sad.hvp(M.scaled_sines, wrt=(0, 1), backend="numba"))
    hx, ha = _call_compiled(hvp, X, A, v)
    # by hand: d/dx (cos(x) a^2) = -sin(x) a^2, d/da (cos(x) a^2) = 2 a cos(x),
    #          d/da sum(2 a sin x) = sum(2 sin x)
    np.testing.assert_allclose(hx, -np.sin(X) * A ** 2 * v[0] + 2 * A * np.cos(X) * v[1],
                               rtol=1e-12)
    assert ha == pytest.approx(np.sum(2 * A * np.cos(X) * v[0]) + np.sum(2 * np.sin(X)) * v[1],
                               rel=1e-12)


def _central_hessian(f, x, a, h=1e-4):
    flat = np.append(x, a)

    def value(z):
        return f(z[:-1], z[-1])

    n = flat.size
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
            out[i, j] = (value(flat + e_i + e_j) - value(flat + e_i - e_j)
                         - value(flat - e_i + e_j) + value(flat - e_i - e_j)) / (4 * h * h)
    return out


def test_hessian_blocks_of_array_and_number():
    w = np.array([0.4, -0.3, 0.2, 0.1])
    f = M.three_way
    hessian = _compiled(lambda: s2sad.hessian(f, wrt=(0, 1), backend="numba"))
    blocks = _call_compiled(hessian, X, A, w)
    reference = _central_hessian(lambda x, a: f(x, a, w), X, A)
    np.testing.assert_allclose(blocks[0][0], reference[:-1, :-1], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.ravel(blocks[0][1]), reference[:-1, -1], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(np.ravel(blocks[1][0]), reference[-1, :-1], rtol=1e-5, atol=1e-7)
    assert float(blocks[1][1]) == pytest.approx(reference[-1, -1], rel=1e-5)


def test_derivatives_never_share_memory_with_arguments_or_each_other():
    # d/dx sum(x * y) + sum(y) = y and d/dy = x + 1: with y passed as x itself, the first
    # derivative is the argument's values and must come back as an array of its own
    g = _compiled(lambda: s2sad.grad(M.bilinear, wrt=(0, 1), backend="numba"))
    gx, gy = _call_compiled(g, X, X)
    np.testing.assert_allclose(gx, X, rtol=0)
    np.testing.assert_allclose(gy, X + 1.0, rtol=0)
    assert not np.may_share_memory(gx, X)
    assert not np.may_share_memory(gx, gy)
    hvp = _compiled(lambda: s2sad.hvp(M.bilinear, wrt=(0, 1), backend="numba"))
    v = (np.ones(4), np.full(4, 2.0))
    hx, hy = _call_compiled(hvp, X, X.copy(), v)
    np.testing.assert_allclose(hx, v[1], rtol=0)   # d/dy of y is the identity
    np.testing.assert_allclose(hy, v[0], rtol=0)
    assert not np.may_share_memory(hx, hy)
    assert not any(np.may_share_memory(h, t) for h in (hx, hy) for t in v)


def _central_list(f, xs, h=1e-6):
    out = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        out.append((f(up) - f(down)) / (2 * h))
    return out


@pytest.mark.parametrize("f", [M.of_list_items, M.max_of_items_in_loop],
                         ids=lambda f: f.__name__)
def test_gradient_of_a_list_of_numbers_is_a_new_list(f):
    xs = [1.0, 3.0, 2.0]
    g = _compiled(lambda: s2sad.grad(f, backend="numba"))
    result = _call_compiled(g, xs)
    assert type(result) is list and result is not xs
    np.testing.assert_allclose(result, _central_list(f, xs), rtol=1e-7, atol=1e-9)
    assert xs == [1.0, 3.0, 2.0]
