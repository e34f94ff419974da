"""``max(xs)`` / ``min(xs)`` of one iterable under backend="numba": the numba runtime's
``first_extreme`` (the position Python's max/min keeps: the first of equal items),
``item_bar`` and ``iterable_bar`` (for those items only) compile, so these gradients no
longer fall back to numpy; the forward code's ``builtins.list`` compiles too.  Checked against central
finite differences written here."""

import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import numba_extremes as M  # noqa: E402
import s2sad  # noqa: E402

FUNCTIONS = [M.of_list, M.of_array, M.in_loop, M.of_tuple]
COMPILED_GRADIENTS = [M.of_list, M.of_array, M.of_tuple]
X = np.array([0.3, 0.9, 0.2])


def central(f, x, h=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        out[i] = (f(x + step) - f(x - step)) / (2 * h)
    return out


def _compiled(transform):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        return transform()


@pytest.mark.parametrize("f", COMPILED_GRADIENTS, ids=lambda f: f.__name__)
def test_gradient_compiles_and_is_right(f):
    g = _compiled(lambda: s2sad.grad(f, backend="numba"))
    result = g(X)
    assert g.backend_used == "numba"
    np.testing.assert_allclose(result, central(f, X), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("f", FUNCTIONS, ids=lambda f: f.__name__)
def test_jvp_compiles_and_is_right(f):
    v = np.array([0.1, -0.2, 0.3])
    jvp = _compiled(lambda: s2sad.jvp(f, backend="numba"))
    value, tangent = jvp(X, v)
    assert jvp.backend_used == "numba"
    assert value == pytest.approx(f(X))
    assert tangent == pytest.approx(central(f, X) @ v, rel=1e-7, abs=1e-9)


def test_items_saved_on_the_tape_fall_back_with_right_numbers():
    # (in a loop the items and the kept position are saved on the tape: item_bar is
    # ported only where they are bound once, so the numpy code runs, with a warning)
    with pytest.warns(s2sad.NumbaFallbackWarning, match="item_bar"):
        g = s2sad.grad(M.in_loop, backend="numba")
        result = g(X)
    assert g.backend_used == "numpy"
    np.testing.assert_allclose(result, central(M.in_loop, X), rtol=1e-7, atol=1e-9)


def test_ties_take_the_first_item_as_python_does():
    x = np.array([0.7, 0.7, 0.4])
    g = _compiled(lambda: s2sad.grad(M.ties_keep_first, backend="numba"))
    # by hand: max keeps x[0] (the first of the equal x[0], x[1]): d/dx0 = 3;
    # min of [x2, x2] keeps the first x2: d/dx2 = x1, d/dx1 = x2
    np.testing.assert_allclose(g(x), [3.0, 0.4, 0.7])
    assert g.backend_used == "numba"


def test_no_items_raise_pythons_error():
    from s2sad.backends.numba_runtime import first_extreme

    @numba.njit
    def largest(items):
        return first_extreme(items, True)

    assert largest(np.array([1.0, 3.0, 3.0, 2.0])) == 1
    assert largest(np.array([np.nan, 3.0])) == 0    # Python keeps a NaN first
    with pytest.raises(ValueError, match="empty"):
        largest(np.zeros(0))
