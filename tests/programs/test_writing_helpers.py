"""Helpers that write into their arguments (issue 15): the call returns the new values
of the arguments it writes into and the caller's names follow them, in reverse mode,
forward mode and second order; refused, at the call, only where the caller cannot
follow.  References: central finite differences, and det(A) * inv(A).T for GradBench's
det ported literally."""

import numpy as np
import pytest

import s2sad
import writing_helpers as wh
from s2sad.errors import SharedArgumentsError, SharedWriteError, UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([0.3, 1.2, -0.7, 2.0])
RNG = np.random.default_rng(15)


def _hessian_fd(f, x):
    """The Hessian: central differences of finite-difference gradients (nothing of
    s2sad's)."""
    eps = 1e-4
    rows = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        up = finite_difference_gradient(f, (x + step,), 0)
        down = finite_difference_gradient(f, (x - step,), 0)
        rows.append((up - down) / (2 * eps))
    return np.array(rows)


def _every_mode(f, x, second=True):
    check_grads(f, (x.copy(),), modes=("reverse", "forward"))
    if second:
        np.testing.assert_allclose(s2sad.hessian(f)(x.copy()), _hessian_fd(f, x),
                                   rtol=1e-4, atol=1e-4)
        v = RNG.normal(size=x.shape)
        np.testing.assert_allclose(s2sad.hvp(f)(x.copy(), v), _hessian_fd(f, x) @ v,
                                   rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("f", [wh.rows_swapped, wh.rows_swapped_in_a_loop, wh.parts_scaled,
                               wh.scaled_twice, wh.pushed, wh.popped, wh.put_keyword,
                               wh.relinked,
                               wh.returns_what_it_writes])
def test_written_arguments_are_followed_in_every_mode(f):
    _every_mode(f, X)


def test_the_callers_own_argument_stays_as_it_is():
    r = np.array([0, 2, 3, 1])
    check_grads(wh.argument_written, (X.copy(), r), wrt=0, modes=("reverse", "forward"))
    s2sad.grad(wh.argument_written, wrt=0)(X.copy(), r)
    assert r.tolist() == [0, 2, 3, 1]


@pytest.mark.parametrize("ell", [1, 2, 3, 4, 5])
def test_gradbench_det_as_written_reverse_and_forward(ell):
    A = np.random.default_rng(ell).random(ell * ell)
    M = A.reshape(ell, ell)
    closed = (np.linalg.det(M) * np.linalg.inv(M).T).ravel()
    value, g = s2sad.value_and_grad(wh.det, wrt=0)(A, ell)
    assert value == pytest.approx(np.linalg.det(M))
    np.testing.assert_allclose(g, closed, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(g, finite_difference_gradient(wh.det, (A, ell), 0),
                               rtol=1e-6, atol=1e-8)
    t = RNG.normal(size=A.shape)
    _, tangent = s2sad.jvp(wh.det, wrt=0)(A, ell, t)
    assert tangent == pytest.approx(closed @ t)


def test_gradbench_det_recursion_is_refused_for_second_derivatives():
    A = np.random.default_rng(3).random(9)
    with pytest.raises(UnsupportedSyntaxError, match="det_of_minor calls itself"):
        s2sad.hvp(wh.det, wrt=0)(A, 3, A)


@pytest.mark.parametrize("ell", [1, 2, 3, 4])
def test_the_iterative_det_in_every_mode(ell):
    A = np.random.default_rng(10 + ell).random(ell * ell)
    M = A.reshape(ell, ell)
    closed = (np.linalg.det(M) * np.linalg.inv(M).T).ravel()
    np.testing.assert_allclose(s2sad.grad(wh.det_iterative, wrt=0)(A, ell), closed,
                               rtol=1e-9, atol=1e-12)
    t = RNG.normal(size=A.shape)
    assert s2sad.jvp(wh.det_iterative, wrt=0)(A, ell, t)[1] == pytest.approx(closed @ t)
    # d/dA <grad det(A), t> against finite differences of the closed form
    hvp = s2sad.hvp(wh.det_iterative, wrt=0)(A, ell, t)

    def directional(a):
        m = a.reshape(ell, ell)
        return (np.linalg.det(m) * np.linalg.inv(m).T).ravel() @ t

    np.testing.assert_allclose(hvp, finite_difference_gradient(directional, (A,), 0),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f, message", [
    (wh.passes_a_global, "passes 'TABLE', which is defined outside the function"),
    (wh.passes_a_view, "passes a\\[1:\\], an item or a view of another value"),
    (wh.passes_an_item, "passes xs\\[0\\], an item or a view of another value"),
    (wh.passes_twice, "passes the same value \\('a'\\) as 'a' and as 'b'"),
    (wh.leaves_a_default, "leaves to its default"),
    (wh.reads_it_first, "'a' is read in this statement before the call"),
    (wh.calls_a_global_writer, "cannot write into 'TABLE'"),
    (wh.calls_a_closure_writer, "cannot write into 'buf'"),
])
def test_what_the_caller_cannot_follow_is_refused_at_the_call(f, message):
    for mode in ("reverse", "forward"):
        with pytest.raises(UnsupportedSyntaxError, match=message) as info:
            if mode == "reverse":
                s2sad.grad(f)(X.copy())
            else:
                s2sad.jvp(f)(X.copy(), X.copy())
        assert info.value.location.filename.endswith("writing_helpers.py")


def test_a_view_read_after_the_call_is_refused():
    with pytest.raises(SharedWriteError, match="would also change 'b'"):
        s2sad.grad(wh.shared_read_later)(X.copy())


def test_arguments_sharing_memory_are_refused_when_the_code_runs():
    a = X.copy()
    with pytest.raises(SharedArgumentsError, match="move writes into its argument 'a'"):
        s2sad.grad(wh.move, wrt=1)(a, a)
