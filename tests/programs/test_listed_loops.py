"""``for a, b in reversed(list(zip(xs, ys))):`` and ``reversed(list(enumerate(x)))``, the
spellings Python runs, were refused ("zip(...) is supported only as the iterable of a for
loop"), as were ``list(zip(...))`` and ``list(enumerate(...))`` as a loop's iterable.
Derivatives in every mode against central finite differences (the Hessian against second
differences of the function) and by hand."""

import warnings

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads, finite_difference_gradient as fd

import listed_loop_functions as ll

X = np.array([0.5, 1.0, 2.0])
Y = np.array([1.0, -1.0, 3.0, 0.4])
LISTS = ([0.5, 1.0, 2.0], [1.0, -1.0, 3.0])

ARRAY_CASES = [(ll.reversed_enumerate, (X,)), (ll.listed_forms, (X, Y[:3])),
               (ll.reversed_zip_of_unequal_lengths, (X, Y)),
               (ll.reversed_enumerate_of_zip_from_two, (X, Y)),
               (ll.reversed_zip_of_a_reversed_sequence, (Y, X)),
               (ll.comprehension_over_reversed_pairs, (X, Y)),
               (ll.reversed_enumerate_from_three, (X,))]


@pytest.mark.parametrize("func, args", ARRAY_CASES + [
    (ll.reversed_zip_of_lists, LISTS), (ll.pairs_taken_before_the_body_writes, LISTS)],
    ids=lambda v: getattr(v, "__name__", ""))
def test_listed_loops_match_finite_differences(func, args):
    check_grads(func, args, modes=("reverse", "forward"))


def _hessian_by_differences(f, x, rest, h=1e-4):
    n = x.size
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            e_i, e_j = np.eye(n)[i] * h, np.eye(n)[j] * h
            out[i, j] = (f(x + e_i + e_j, *rest) - f(x + e_i - e_j, *rest)
                         - f(x - e_i + e_j, *rest) + f(x - e_i - e_j, *rest)) / (4 * h * h)
    return out


@pytest.mark.parametrize("func, args", ARRAY_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_listed_loops_hessian_matches_second_differences(func, args):
    np.testing.assert_allclose(s2sad.hessian(func)(*args),
                               _hessian_by_differences(func, args[0], args[1:]),
                               rtol=1e-4, atol=1e-5)


def test_the_strangers_loop_by_hand():
    # pairs (2, 3), (1, -1), (0.5, 1) in that order: s = 0.25 a2 b2 + 0.5 a1 b1 + a0 b0
    value, (gx, gy) = s2sad.value_and_grad(ll.reversed_zip_of_lists, wrt=(0, 1))(*LISTS)
    assert value == pytest.approx(1.5)
    np.testing.assert_allclose(gx, [1.0, -0.5, 0.75])
    np.testing.assert_allclose(gy, [0.5, 0.5, 0.5])


@pytest.mark.parametrize("func, args", ARRAY_CASES[:5], ids=lambda v: getattr(v, "__name__", ""))
def test_listed_loops_compile_with_numba(func, args):
    pytest.importorskip("numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        grad = s2sad.grad(func, backend="numba")(*args)
    np.testing.assert_allclose(grad, fd(func, list(args), 0), rtol=1e-5, atol=1e-7)
