"""Deferred reductions: loop temporaries taped for nothing but their shape.

In ``h = np.tanh(x @ Wx + h @ Wh + b)`` the backward sweep needs the shapes of
``x @ Wx`` and ``h @ Wh`` only to undo a broadcast that may have happened in
the sum.  s2sad lets the sum's adjoint stay unreduced until the products'
own adjoints reduce it (``matmul_*_bar`` take a larger adjoint), so neither
product goes on the tape.  These tests check the gradients against central
finite differences where the temporaries really do broadcast, and count the
tape.
"""

import numpy as np
import pytest

import s2sad
from s2sad import runtime
from s2sad.testing import check_grads


def rnn(Wx, Wh, b, xs, h0):
    h = h0
    loss = 0.0
    for t in range(len(xs)):
        h = np.tanh(xs[t] @ Wx + h @ Wh + b)
        loss = loss + np.sum(h * h)
    return loss


def batched_state(W, U, xs, H):
    # xs[t] @ W is one row, H @ U a batch of rows: the sum broadcasts the row
    for t in range(len(xs)):
        H = np.tanh(xs[t] @ W + H @ U)
    return np.sum(H * H)


def products_broadcast(p, q, n):
    total = 0.0
    for i in range(n):
        a = p * q            # (3, 1) * (1, 4) -> (3, 4)
        c = a / (1.0 + q)    # (3, 4) / (1, 4)
        d = c - p            # (3, 4) - (3, 1)
        total = total + np.sum(np.sin(d + total))
    return total


def matmul_call_and_scalar_product(W, v, xs):
    s = 0.0
    for t in range(len(xs)):
        inner = xs[t] @ v             # a number, broadcast over W's rows below
        y = np.matmul(W, xs[t]) + inner
        s = s + np.sum(np.cos(y))
    return s


def _rnn_args(steps=5, units=4, inputs=3, seed=0):
    rng = np.random.default_rng(seed)
    return (0.5 * rng.standard_normal((inputs, units)), 0.5 * rng.standard_normal((units, units)),
            0.1 * rng.standard_normal(units), rng.standard_normal((steps, inputs)),
            0.1 * rng.standard_normal(units))


def test_rnn_gradient():
    check_grads(rnn, _rnn_args(), wrt=(0, 1, 2, 4), modes=("reverse", "forward"))


def test_rnn_tapes_only_the_state():
    text = s2sad.source(rnn, wrt=(0, 1, 2))
    assert text.count("tape.push(") == 1 and "tape.push(h)" in text
    assert "shape_of" not in text and "unbroadcast_to" not in text


def test_batched_state_broadcasts_a_row_over_the_batch():
    rng = np.random.default_rng(1)
    args = (0.5 * rng.standard_normal((3, 4)), 0.5 * rng.standard_normal((4, 4)),
            rng.standard_normal((4, 3)), 0.3 * rng.standard_normal((5, 4)))
    check_grads(batched_state, args, wrt=(0, 1, 3), modes=("reverse", "forward"))


@pytest.mark.parametrize("shapes", [((3, 1), (1, 4)), ((3, 4), (4,)), ((4,), (4,))])
def test_elementwise_temporaries_that_broadcast(shapes):
    rng = np.random.default_rng(2)
    p, q = (rng.uniform(0.2, 0.8, s) for s in shapes)
    check_grads(products_broadcast, (p, q, 3), wrt=(0, 1), modes=("reverse", "forward"))


def test_matmul_call_and_a_scalar_product():
    rng = np.random.default_rng(3)
    args = (rng.standard_normal((5, 3)), rng.standard_normal(3), rng.standard_normal((4, 3)))
    check_grads(matmul_call_and_scalar_product, args, wrt=(0, 1, 2),
                modes=("reverse", "forward"))
    text = s2sad.source(matmul_call_and_scalar_product, wrt=(0, 1, 2))
    assert text.count("tape.push(") == 1 and "tape.push(y)" in text


def test_second_order_through_deferred_reductions():
    rng = np.random.default_rng(4)
    Wx, Wh, b, xs, h0 = _rnn_args(steps=3, units=3, inputs=2, seed=4)
    b = 0.1 * rng.standard_normal(3)
    H = s2sad.hessian(rnn, wrt="b")(Wx, Wh, b, xs, h0)
    eps = 1e-5
    g = s2sad.grad(rnn, wrt="b")
    columns = [(g(Wx, Wh, b + eps * e, xs, h0) - g(Wx, Wh, b - eps * e, xs, h0)) / (2 * eps)
               for e in np.eye(3)]
    np.testing.assert_allclose(H, np.array(columns).T, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("g_shape, a_shape, b_shape", [
    ((5, 4), (1, 3), (3, 4)),      # one row broadcast to five
    ((2, 4, 4), (4, 3), (3, 4)),   # a leading batch axis the product lacks
    ((3, 4), (4,), (4, 4)),        # a vector broadcast over three rows
    ((2, 3), (3,), (3,)),          # an inner product broadcast to a matrix
    ((6,), (6, 2), (2,)),          # the product's own shape: the fast path
])
def test_matmul_adjoints_reduce_a_larger_adjoint(g_shape, a_shape, b_shape):
    rng = np.random.default_rng(5)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    g = rng.standard_normal(g_shape)
    product_shape = np.shape(a @ b)
    assert runtime.matmul_shape(a, b) == product_shape
    reduced = np.sum(g, axis=tuple(range(len(g_shape) - len(product_shape))))
    reduced = np.sum(reduced, axis=tuple(i for i, n in enumerate(product_shape)
                                         if n == 1 and reduced.shape[i] != 1), keepdims=True)
    np.testing.assert_allclose(runtime.matmul_lhs_bar(g, a, b),
                               runtime.matmul_lhs_bar(reduced, a, b))
    np.testing.assert_allclose(runtime.matmul_rhs_bar(g, a, b),
                               runtime.matmul_rhs_bar(reduced, a, b))
