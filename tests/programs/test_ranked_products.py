"""Issue 16: a function whose ``np.dot`` takes two parameters gets reverse code made
for vectors (rank 1) and for the numbers arithmetic combines its product with (rank
0): ``dot_rhs_bar(g, x, w)`` is written as ``g * x`` and nothing is unbroadcast between
numbers.  The gradient's fast path runs that code; every other kind of argument (a
list, integers, float32, a matrix, mismatched lengths, complex numbers) takes the
general code and gets the same values and errors as before.

Every expected derivative is a central finite difference (``s2sad.testing``) or
written by hand, never a value s2sad produced.
"""

import numpy as np
import pytest

import s2sad
from s2sad.api.entries import reverse_entry
from s2sad.api.ranked import wanted
from s2sad.errors import NonScalarOutputError, S2sadError
from s2sad.frontend import front_end
from s2sad.rules.loading import load_builtin_rules
from s2sad.testing import check_grads, finite_difference_gradient

import dot_products as dp

RNG = np.random.default_rng(1616)


def _vec(n):
    return RNG.uniform(-1.0, 1.0, n)


def _normal(func):
    load_builtin_rules()
    return front_end(func)[1]


def _bound(gradient):
    cells = [c.cell_contents for c in gradient.__closure__]
    return [c for c in cells if type(c).__name__ == "Bound"][0]


# ---------------------------------------------------------------- which ranks

def test_the_api_asks_for_vectors_and_their_number_partners():
    assert wanted(_normal(dp.seed)) == {"x": frozenset({1}), "w": frozenset({1}),
                                        "y": frozenset({0})}
    assert wanted(_normal(dp.affine)) == {"x": frozenset({1}), "w": frozenset({1}),
                                          "b": frozenset({0}), "c": frozenset({0})}
    assert wanted(_normal(dp.self_dot)) == {"x": frozenset({1}), "y": frozenset({0})}
    assert wanted(_normal(dp.rebound)) == {"w": frozenset({1})}   # x is bound again


# ----------------------------------------------------------- the code made

SEED_RANKS = (("x", 1), ("w", 1), ("y", 0))


def test_the_code_for_vectors_computes_the_products_adjoint_directly():
    text = reverse_entry(dp.seed, ("w",), "value_and_grad", ranks=SEED_RANKS).text
    assert "unbroadcast" not in text and "dot_rhs_bar" not in text
    assert "w_bar = dot_bar * x" in text
    both = reverse_entry(dp.seed, ("x", "w", "y"), "value_and_grad", ranks=SEED_RANKS).text
    assert "unbroadcast" not in both and "dot_lhs_bar" not in both
    assert "x_bar = sub_bar * w" in both and "w_bar = sub_bar * x" in both


def test_an_output_the_ranks_make_a_real_number_needs_no_check():
    text = reverse_entry(dp.seed, ("w",), "value_and_grad", ranks=SEED_RANKS).text
    assert "ensure_scalar_output" not in text
    # a number to the power 0.5 may be complex (a negative Python float), a carried
    # name may be anything on some path, and a vector partner makes a vector
    root = reverse_entry(dp.root, ("w",), "value_and_grad",
                         ranks=(("x", 1), ("w", 1), ("y", 0))).text
    assert "ensure_scalar_output(" in root
    looped = reverse_entry(dp.looped, ("w",), "value_and_grad",
                           ranks=(("x", 1), ("w", 1))).text
    assert "ensure_scalar_output(" in looped
    vectors = reverse_entry(dp.seed, ("w",), "value_and_grad",
                            ranks=(("x", 1), ("w", 1))).text
    assert "ensure_scalar_output(" in vectors


def test_a_vector_partner_keeps_the_unbroadcast_and_the_general_code_its_helpers():
    vectors = reverse_entry(dp.seed, ("w",), "value_and_grad",
                            ranks=(("x", 1), ("w", 1))).text
    assert "unbroadcast(sub_bar, dot)" in vectors and "dot_rhs_bar" not in vectors
    general = s2sad.grad(dp.seed, wrt=1).source      # what the CLI writes
    assert "dot_rhs_bar(" in general and "unbroadcast(" in general


# ------------------------------------------------- derivatives, every mode

CASES = [
    (dp.seed, (_vec(5), _vec(5), 0.3)),
    (dp.seed, (_vec(5), _vec(5), 2)),
    (dp.affine, (_vec(4), _vec(4), 0.2, 1.3)),
    (dp.self_dot, (_vec(3), 0.7)),
    (dp.chained, (_vec(4), _vec(4), _vec(4))),
    (dp.with_default, (_vec(3), _vec(3))),
    (dp.rebound, (_vec(3), _vec(3))),
    (dp.least_squares, (_vec(4), _vec(4), 0.5)),
    (dp.least_squares, (_vec(12).reshape(3, 4), _vec(4), _vec(3))),
    (dp.root, (_vec(3), _vec(3), 0.5)),
    (dp.looped, (_vec(3), _vec(3), 3)),
]


def _id(case):
    return f"{case[0].__name__}-" + "-".join(
        f"{np.ndim(a)}d{type(a).__name__}" for a in case[1])


@pytest.mark.parametrize("func,args", CASES, ids=[_id(c) for c in CASES])
def test_gradients_and_tangents_agree_with_finite_differences(func, args):
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    check_grads(func, args, wrt=wrt, modes=("reverse", "forward"))
    g = s2sad.grad(func, wrt=wrt)
    for _ in range(3):   # (the first call makes the fast path, the others take it)
        got = g(*args)
        for i, part in zip(wrt, got):
            np.testing.assert_allclose(part, finite_difference_gradient(func, args, argnum=i),
                                       rtol=1e-5, atol=1e-7)


def _fd_hessian(func, args, index, eps=1e-4):
    """The Hessian of ``func`` in its argument ``index`` by central differences of
    its finite-difference gradient."""
    x = np.asarray(args[index], dtype=float)
    rows = []
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps

        def grad_at(point):
            new = list(args)
            new[index] = point.reshape(x.shape)
            return finite_difference_gradient(func, tuple(new), argnum=index, eps=1e-5)
        rows.append((grad_at(x.ravel() + e) - grad_at(x.ravel() - e)) / (2 * eps))
    return np.array(rows)


@pytest.mark.parametrize("func,args", CASES[:5], ids=[_id(c) for c in CASES[:5]])
def test_second_order_agrees_with_differences_of_differences(func, args):
    expected = _fd_hessian(func, args, 1 if func is not dp.self_dot else 0)
    index = 1 if func is not dp.self_dot else 0
    np.testing.assert_allclose(s2sad.hessian(func, wrt=index)(*args), expected,
                               rtol=1e-4, atol=1e-6)
    v = _vec(np.size(args[index]))
    got = s2sad.hvp(func, wrt=index)(*args, v)
    np.testing.assert_allclose(got, expected @ v, rtol=1e-4, atol=1e-6)


# --------------------------------------------- the fast path and its fallbacks

def _seed_gradient(x, w, y):
    """d/dw and d/dx of (<x, w> - y)^2, by hand."""
    d = np.dot(np.asarray(x, dtype=float), np.asarray(w, dtype=float)) - y
    return 2.0 * d * np.asarray(x, dtype=float), 2.0 * d * np.asarray(w, dtype=float)


def test_the_fast_path_runs_the_code_made_for_vectors():
    x, w = _vec(6), _vec(6)
    g = s2sad.grad(dp.seed, wrt=1)
    for _ in range(3):
        np.testing.assert_allclose(g(x, w, 0.4), _seed_gradient(x, w, 0.4)[0])
    bound = _bound(g)
    made = bound.by_rank[SEED_RANKS]
    assert bound.fast and bound.fast.impl is made.impl
    assert "dot_rhs_bar" not in made.entry.text


FALLBACKS = [   # (x, w, y): every call gives the gradients written by hand
    ("list x", lambda x, w: (list(x), w, 0.3)),
    ("integer x", lambda x, w: (np.arange(1, 7), w, 0.3)),
    ("float32 x", lambda x, w: (x.astype(np.float32), w, 0.3)),
    ("integer y", lambda x, w: (x, w, 3)),
    ("numpy y", lambda x, w: (x, w, np.float64(0.3))),
    ("float32 y", lambda x, w: (x, w, np.float32(0.3))),
    ("0-d y", lambda x, w: (x, w, np.array(0.3))),
    ("two numbers", lambda x, w: (1.5, 2.5, 0.3)),
    ("bool x", lambda x, w: (x > 0, w, 0.3)),
]


@pytest.mark.parametrize("name,make", FALLBACKS, ids=[f[0] for f in FALLBACKS])
@pytest.mark.parametrize("vectors_first", [True, False])
def test_other_arguments_get_the_right_gradient_before_and_after_vectors(name, make,
                                                                          vectors_first):
    x, w = _vec(6), _vec(6)
    other = make(x, w)
    g = s2sad.grad(dp.seed, wrt=(0, 1))
    calls = [(x, w, 0.3), other, (x, w, 0.3), other] if vectors_first \
        else [other, (x, w, 0.3), other, (x, w, 0.3)]
    for args in calls:
        gx, gw = g(*args)
        hand_w, hand_x = _seed_gradient(*args)
        np.testing.assert_allclose(gx, hand_x, rtol=1e-6)
        np.testing.assert_allclose(gw, hand_w, rtol=1e-6)
        assert type(gw) is type(args[1]) and np.shape(gw) == np.shape(args[1])


def test_float32_weights_get_a_float32_gradient():
    x, w = _vec(4), _vec(4).astype(np.float32)
    g = s2sad.grad(dp.seed, wrt=1)
    g(x, x, 0.3)
    got = g(x, w, 0.3)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _seed_gradient(x, w, 0.3)[0], rtol=1e-5)


ERRORS = [   # (x, w, y) -> the error the general code gives
    ("matrix x", lambda x, w: (np.ones((3, 6)), w, 0.3), NonScalarOutputError),
    ("vector y", lambda x, w: (x, w, np.ones(6)), NonScalarOutputError),
    ("mismatched", lambda x, w: (x, w[:4], 0.3), ValueError),
    ("complex x", lambda x, w: (x + 1j, w, 0.3), S2sadError),
    ("complex y", lambda x, w: (x, w, 0.3j), S2sadError),
]


@pytest.mark.parametrize("name,make,error", ERRORS, ids=[e[0] for e in ERRORS])
def test_other_arguments_get_the_same_error_before_and_after_vectors(name, make, error):
    x, w = _vec(6), _vec(6)
    g = s2sad.grad(dp.seed, wrt=1)
    with pytest.raises(error) as first:
        g(*make(x, w))
    np.testing.assert_allclose(g(x, w, 0.3), _seed_gradient(x, w, 0.3)[0])
    with pytest.raises(error) as again:
        g(*make(x, w))
    assert str(again.value) == str(first.value)
    np.testing.assert_allclose(g(x, w, 0.3), _seed_gradient(x, w, 0.3)[0])


def test_a_matrix_then_vectors_then_a_matrix_each_get_their_gradient():
    X, w, y = _vec(12).reshape(3, 4), _vec(4), _vec(3)
    x = _vec(4)
    g = s2sad.grad(dp.least_squares, wrt=1)
    for args in [(X, w, y), (x, w, 0.2), (X, w, y), (x, w, 0.2), (x, w, 0.2)]:
        np.testing.assert_allclose(g(*args), finite_difference_gradient(
            dp.least_squares, args, argnum=1), rtol=1e-5, atol=1e-7)


def test_new_defaults_reach_the_code_made_for_vectors():
    x, w = _vec(3), _vec(3)
    g = s2sad.grad(dp.with_default, wrt=1)
    np.testing.assert_allclose(g(x, w), 2.0 * 1.5 * np.dot(x, w) * x)
    old = dp.with_default.__defaults__
    try:
        dp.with_default.__defaults__ = (4.0,)
        np.testing.assert_allclose(g(x, w), 2.0 * 4.0 * np.dot(x, w) * x)
        np.testing.assert_allclose(g(x, w), 2.0 * 4.0 * np.dot(x, w) * x)
    finally:
        dp.with_default.__defaults__ = old
    np.testing.assert_allclose(g(x, w), 2.0 * 1.5 * np.dot(x, w) * x)
