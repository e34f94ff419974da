"""np.r_[...] and np.c_[...] of differentiated values (a zero derivative before, in every
mode, silently), and items of a module's object whose __getitem__ computes from a key
that carries a derivative (refused, located; a constant before).  Against central
finite differences in float64 (fixidx24)."""

import os

import numpy as np
import pytest

import s2sad
import index_tricks24 as F
from s2sad.testing import check_grads, finite_difference_gradient

U = np.array([0.3, -0.7, 1.1])
HERE = f"{os.sep}index_tricks24.py:"
JOINED = [F.r_clamped, F.r_mixed, F.r_nested, F.r_single_nested, F.r_rows, F.c_pair,
          F.c_blocks, F.r_indices, F.table_constant, F.table_method]


@pytest.mark.parametrize("f", JOINED, ids=lambda f: f.__name__)
def test_grad_vjp_and_jvp_match_finite_differences(f):
    check_grads(f, (U,), modes=("reverse", "forward"))


@pytest.mark.parametrize("f", JOINED[:7], ids=lambda f: f.__name__)
def test_hessian_and_hvp_match_finite_differences_of_the_gradient(f):
    expected = finite_difference_gradient(lambda u: np.asarray(s2sad.grad(f)(u)), (U,), 0)
    expected = np.asarray(expected).reshape(3, 3)
    np.testing.assert_allclose(s2sad.hessian(f)(U), expected, rtol=1e-5, atol=1e-6)
    v = np.array([0.2, -1.0, 0.7])
    np.testing.assert_allclose(s2sad.hvp(f)(U, v), expected @ v, rtol=1e-5, atol=1e-6)


def test_the_clamped_differences_have_the_derivative_written_by_hand():
    u = U
    expected = 2 * (2 * u - np.r_[0.0, u[:-1]] - np.r_[u[1:], 0.0])
    np.testing.assert_allclose(s2sad.grad(F.r_clamped)(u), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(F.c_pair)(u), 1 + 3 * u ** 2, rtol=1e-12)


def test_a_vector_output_in_vjp_and_jacobian():
    check_grads(F.r_vector, (U,), modes=("reverse", "forward"))
    expected = np.zeros((5, 3))
    expected[0, 0] = 2.0
    expected[1:4, :] = np.diag(4.0 * U)
    for mode in ("reverse", "forward"):
        np.testing.assert_allclose(s2sad.jacobian(F.r_vector, mode=mode)(U), expected)


def test_the_value_is_numpys_own_and_the_code_joins_the_pieces():
    value, _ = s2sad.value_and_grad(F.r_mixed)(U)
    assert value == F.r_mixed(U)
    source = s2sad.grad(F.r_clamped).source
    assert "r_joined([0.0, u, 0.0])" in source and "r_joined_bar(" in source


@pytest.mark.parametrize("f, line, names", [
    (F.r_sliced, "np.sum(np.r_[0:2, u] ** 2)", ("np.r_[...]", "RClass", "np.concatenate")),
    (F.r_directive, "np.r_[\"0,2\", u, u]", ("np.r_[...]", "np.concatenate")),
    (F.table_item, "np.sum(TABLE[x])", ("TABLE[...]", "class Interp",
                                        "TABLE.__getitem__(key) in place of TABLE[key]")),
], ids=("slice", "directive", "object"))
@pytest.mark.parametrize("transform", ["grad", "jvp", "hessian"])
def test_an_item_computed_from_a_differentiated_key_is_refused_located(f, line, names,
                                                                       transform):
    call = {"grad": lambda: s2sad.grad(f)(U), "jvp": lambda: s2sad.jvp(f)(U, U),
            "hessian": lambda: s2sad.hessian(f)(U)}[transform]
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        call()
    text = str(info.value)
    assert HERE in text and line in text and "carries a derivative" in text, text
    for name in names:
        assert name in text, (name, text)


def test_the_refusals_hint_is_differentiated():
    x = np.array([0.3, 0.7, 0.1])
    np.testing.assert_allclose(s2sad.grad(F.table_method)(x), [0.75, 1.25, 0.25])
