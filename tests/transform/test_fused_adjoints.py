"""The fused adjoint of ``s = np.sum(a * b)``: exact output and gradients.

The reverse transform differentiates a product that only a whole-array sum
reads without spreading the sum's adjoint over the product's shape first
(``r_bar = 2.0 * r`` for ``np.sum(r * r)``).  These tests pin the emitted
code and check the gradients against central finite differences for every
way the two factors can broadcast.
"""

import textwrap

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads


def sum_of_squares(w, X, y):
    r = X @ w - y
    return np.sum(r * r)


def inner(a, b):
    return np.sum(a * b)


def inner_scaled(a, b, c):
    return np.sum(a * b) * c + np.sum(c * a)


def product_used_twice(a, b):
    p = a * b
    return np.sum(p) + np.sum(p * p)


def product_kept(a, b):
    p = a * b
    s = np.sum(p)
    return s * p[0]


def constant_factor(a):
    return np.sum(2.0 * a) + np.sum(a * 3.0)


def in_a_loop(h, W, n):
    total = 0.0
    for i in range(n):
        h = np.tanh(W @ h)
        total = total + np.sum(h * h)
    return total


def sum_of_products_on_two_lines(a, b):
    p = a * b
    return np.sum(p)


def sums_over_axes(a, b):
    p = np.sum(a * a, axis=1)
    q = np.sum(a * b, axis=-1, keepdims=True)
    r = np.sum(b * a, 0)
    t = np.sum(a * b, axis=(0, 2))
    return np.sum(p * p) + np.sum(np.sin(q)) + np.sum(r * r) + np.sum(t * t)


def elementwise_sums(a, b):
    e = np.sum(np.exp(a), axis=1, keepdims=True)
    d = np.sum(a / b, axis=0)
    w = np.sum(a ** 2.0, axis=2)
    c = np.sum(a + 1.5, axis=1)
    n = np.sum(-a, axis=2)
    k = np.sum(np.tanh(b))
    return np.sum(np.log(e)) + np.sum(d * d) + np.sum(w * c[:, :1]) + np.sum(n * n) + k


def broadcasting_sums(a, b):
    s = np.sum(a + b, axis=0)
    t = np.sum(b - a, axis=(0, 1))
    return np.sum(s * s) + np.sum(t * t)


def whole_sums(a, b):
    return np.sum(np.exp(a)) + np.sum(a / b) + np.sum(a - b) + np.sum(-b)


def body_of(text):
    return text[text.index("def "):]


def test_sum_of_squares_differentiates_to_twice_the_residual():
    text = body_of(s2sad.source(sum_of_squares, wrt="w"))
    assert text == textwrap.dedent("""\
        def sum_of_squares_value_and_grad(w, X, y):
            # line 20: r = X @ w - y
            matmul = X @ w
            r = matmul - y
            # line 21: return np.sum(r * r)
            mul = r * r
            sum_of_squares = np.sum(mul)
            ensure_scalar_output(sum_of_squares, 'sum_of_squares')
            # grad of line 21: return np.sum(r * r)
            r_bar = 2.0 * r
            # grad of line 20: r = X @ w - y
            matmul_bar = unbroadcast(r_bar, matmul)
            w_bar = matmul_rhs_bar(matmul_bar, X, w)
            return sum_of_squares, w_bar
        """)


def test_sum_of_squares_gradient():
    rng = np.random.default_rng(0)
    check_grads(sum_of_squares, (rng.standard_normal(4), rng.standard_normal((6, 4)),
                                 rng.standard_normal(6)), wrt=(0, 1, 2),
                modes=("reverse", "forward"))


SHAPES = [((3,), (3,)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((3, 4), (4,)), ((), (5,)),
          ((5,), ()), ((2, 3), (2, 3)), ((1,), (4,))]


@pytest.mark.parametrize("shape_a, shape_b", SHAPES)
def test_inner_product_gradient_for_every_broadcast(shape_a, shape_b):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(shape_a) if shape_a else 0.7
    b = rng.standard_normal(shape_b) if shape_b else -1.3
    check_grads(inner, (a, b), wrt=(0, 1), modes=("reverse", "forward"))


@pytest.mark.parametrize("func", [inner_scaled, product_used_twice, product_kept,
                                  sum_of_products_on_two_lines])
def test_products_read_elsewhere_keep_their_gradients(func):
    rng = np.random.default_rng(2)
    args = (rng.standard_normal((3, 2)), rng.standard_normal(2))
    if func is inner_scaled:
        args = args[:1] + (rng.standard_normal((3, 2)), 1.7)
    check_grads(func, args, modes=("reverse", "forward"))


def test_constant_factors():
    check_grads(constant_factor, (np.array([0.5, -1.0, 2.0]),), modes=("reverse", "forward"))
    text = s2sad.source(constant_factor)
    assert "sum_bar" not in text


def test_in_a_loop():
    rng = np.random.default_rng(3)
    check_grads(in_a_loop, (rng.standard_normal(4), 0.5 * rng.standard_normal((4, 4)), 3),
                wrt=(0, 1), modes=("reverse", "forward"))
    assert "sum_bar" not in s2sad.source(in_a_loop, wrt=(0, 1))


def test_a_gradient_never_shares_memory_with_an_argument():
    a, b = np.ones(3), np.arange(3.0)
    g = s2sad.grad(inner, wrt="a")(a, b)
    np.testing.assert_array_equal(g, b)
    assert not np.shares_memory(g, b)
    g[:] = 7.0
    np.testing.assert_array_equal(b, np.arange(3.0))


def test_second_order_through_the_fused_adjoint():
    rng = np.random.default_rng(4)
    X, y, w = rng.standard_normal((6, 4)), rng.standard_normal(6), rng.standard_normal(4)
    np.testing.assert_allclose(s2sad.hessian(sum_of_squares, wrt="w")(w, X, y), 2.0 * X.T @ X,
                               rtol=1e-12)
    a, b = rng.standard_normal(3), rng.standard_normal(3)
    (aa, ab), (ba, bb) = s2sad.hessian(inner, wrt=(0, 1))(a, b)
    np.testing.assert_array_equal(aa, np.zeros((3, 3)))
    np.testing.assert_array_equal(ab, np.eye(3))
    np.testing.assert_array_equal(ba, np.eye(3))
    np.testing.assert_array_equal(bb, np.zeros((3, 3)))


def _arrays(*shapes, seed=5):
    rng = np.random.default_rng(seed)
    return tuple(rng.uniform(0.5, 1.5, shape) for shape in shapes)


@pytest.mark.parametrize("func, shapes", [
    (sums_over_axes, [(2, 3, 4), (2, 3, 4)]),
    (sums_over_axes, [(2, 3, 4), (3, 1)]),
    (elementwise_sums, [(2, 3, 4), (2, 3, 4)]),
    (elementwise_sums, [(2, 3, 4), (3, 4)]),
    (broadcasting_sums, [(3, 4), (2, 3, 4)]),
    (broadcasting_sums, [(4,), (2, 3, 4)]),
    (whole_sums, [(3, 4), (3, 4)]),
    (whole_sums, [(3, 4), (4,)]),
])
def test_sums_over_axes_and_elementwise_operations(func, shapes):
    check_grads(func, _arrays(*shapes), wrt=(0, 1), modes=("reverse", "forward"))


def test_elementwise_sums_fuse():
    text = s2sad.source(elementwise_sums, wrt=(0, 1))
    assert "sum_bar" not in text
    text = s2sad.source(sums_over_axes, wrt=(0, 1))
    assert "sum_bar" not in text


def test_fused_gradients_are_fresh_arrays():
    a, b = _arrays((3, 4), (3, 4))
    grads = s2sad.grad(whole_sums, wrt=(0, 1))(a, b)
    for g in grads:
        assert not np.shares_memory(g, a) and not np.shares_memory(g, b)
    assert not np.shares_memory(grads[0], grads[1])


def carried_then_squared(h, W, n):
    for i in range(n):
        h = np.tanh(W @ h)
    return np.sum(h ** 2) + np.sum(np.exp(h) * 0.5)


def test_the_one_array_operand_needs_no_unbroadcast_and_chains_spread():
    rng = np.random.default_rng(6)
    args = (rng.standard_normal(3), 0.5 * rng.standard_normal((3, 3)), 2)
    check_grads(carried_then_squared, args, wrt=(0, 1), modes=("reverse", "forward"))
    text = s2sad.source(carried_then_squared, wrt=(0, 1))
    assert "2.0 * h_1" in text and "0.5 * exp" in text
    assert "unbroadcast" not in text and "sum_bar" not in text


def chains(a, b, c):
    s = np.sum(np.exp(np.sin(a) * 2.0) * 0.5, axis=0)   # a chain of one-array operations
    t = np.sum(np.tanh(a * b) / c)                       # b and c broadcast against a
    u = np.sum(-(a + b), axis=1)
    return np.sum(s * s) + t + np.sum(u * u)


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)),
                                    ((3, 4), (1, 4), ())])
def test_spread_adjoints_along_chains(shapes):
    a, b = _arrays(*shapes[:2], seed=7)
    c = _arrays(shapes[2], seed=8)[0] + 1.0 if shapes[2] else 1.7
    check_grads(chains, (a, b, c), wrt=(0, 1, 2), modes=("reverse", "forward"))


def means(a, b):
    p = np.mean((a - b) ** 2)
    q = np.mean(a * b, axis=1)
    r = np.mean(np.exp(a), axis=(0, 2), keepdims=True)
    t = np.mean(a * a, -1)
    return p + np.sum(q * q) + np.sum(r * r) + np.sum(np.sin(t))


def mean_in_a_loop(a, n):
    s = 0.0
    for i in range(n):
        a = np.tanh(a)
        s = s + np.mean(a * a)
    return s


@pytest.mark.parametrize("shapes", [((2, 3, 4), (2, 3, 4)), ((2, 3, 4), (3, 4)),
                                    ((2, 3, 4), (1, 1, 4))])
def test_means_fuse_and_differentiate(shapes):
    a, b = _arrays(*shapes, seed=9)
    check_grads(means, (a, b), wrt=(0, 1), modes=("reverse", "forward"))


def test_a_whole_mean_is_one_share_per_element():
    text = body_of(s2sad.source(means, wrt=(0, 1)))
    assert "mean_bar" not in text
    assert "_bar = 1.0 / mean_count(" in text


def test_a_mean_in_a_loop_is_not_fused_and_stays_right():
    check_grads(mean_in_a_loop, (np.array([0.3, -0.2, 0.8]), 3), wrt=(0,),
                modes=("reverse", "forward"))
    text = s2sad.source(mean_in_a_loop)
    assert "mean_bar" in text and "mean_count" not in text


# ------------------------------------------------ the copy that keeps an adjoint apart
def reaches_twice(w, X):
    z = X @ w
    return np.sum(z * (z + 1.0))


def reaches_twice_with_a_write(w, X):
    z = X @ w
    v = w * 3.0
    v[0] = 0.0
    return np.sum(z * (z + 1.0)) + np.sum(v * z[0])


@pytest.mark.parametrize("func, copied", [(reaches_twice, False),
                                          (reaches_twice_with_a_write, True)])
def test_the_copy_of_an_adjoint_stays_only_where_something_is_written(func, copied):
    """``add_bar = 1.0 * z`` of the fused sum is copied (``copy_of``) before it is added
    to ``z_bar``, unless the function writes nothing in place (then nobody can change
    it): the copy is dropped only after a walk of both sweeps finds no write, and a
    function whose sweep made no such copy skips that walk."""
    text = s2sad.source(func, wrt=(0, 1))
    assert ("copy_of(" in text) == copied
    rng = np.random.default_rng(5)
    w, X = rng.normal(size=3), rng.normal(size=(4, 3))
    check_grads(func, (w, X), wrt=(0, 1))
