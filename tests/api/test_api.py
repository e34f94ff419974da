"""The public API: shapes and types of gradients, decorators, vjp, caching, source."""

import inspect
import time
import warnings

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads
from s2sad.testing import finite_difference_gradient as fd_grad

import core_functions as cf




def test_seed_example_matches_hand_derivative():
    rng = np.random.default_rng(0)
    x, w, y = rng.normal(size=5), rng.normal(size=5), 0.7
    g = s2sad.grad(cf.seed, wrt="w")(x, w, y)
    assert isinstance(g, np.ndarray) and g.shape == w.shape
    np.testing.assert_allclose(g, 2 * (x @ w - y) * x, rtol=1e-12)


def test_wrt_tuple_and_index_forms_agree():
    rng = np.random.default_rng(1)
    x, w, y = rng.normal(size=3), rng.normal(size=3), 0.1
    gx, gw = s2sad.grad(cf.seed, wrt=(0, "w"))(x, w, y)
    np.testing.assert_allclose(gx, 2 * (x @ w - y) * w)
    np.testing.assert_allclose(gw, s2sad.grad(cf.seed, wrt=1)(x, w, y))


def test_float_argument_gives_float_gradient():
    g = s2sad.grad(cf.seed, wrt="y")(np.ones(2), np.ones(2), 0.5)
    assert type(g) is float
    assert g == pytest.approx(-2 * (2.0 - 0.5))


def test_reassignment_and_augmented_assignment():
    x = 0.3
    g = s2sad.grad(cf.reassign)(x)
    assert g == pytest.approx(2 * np.cos(2 * x))


def test_swap():
    ga, gb = s2sad.grad(cf.swap, wrt=(0, 1))(1.0, 2.0)
    assert (ga, gb) == (1.0, 3.0)


def test_global_is_read_when_called():
    g = s2sad.grad(cf.uses_global)
    assert g(2.0) == pytest.approx(2 * cf.SCALE * 2.0)
    old = cf.SCALE
    cf.SCALE = 5.0
    try:
        assert g(2.0) == pytest.approx(2 * 5.0 * 2.0)
    finally:
        cf.SCALE = old


def test_decorator_forms():
    @s2sad.grad
    def f1(x):
        return x * x

    @s2sad.grad(wrt="b")
    def f2(a, b):
        return a * b * b

    assert f1(3.0) == 6.0
    assert f2(2.0, 3.0) == 12.0


def test_value_and_grad():
    v, g = s2sad.value_and_grad(cf.seed, wrt="w")(np.ones(2), np.ones(2), 1.0)
    assert v == 1.0
    np.testing.assert_allclose(g, [2.0, 2.0])


def test_inactive_wrt_gives_zero_gradient_of_right_shape():
    g = s2sad.grad(cf.unrelated, wrt="w")(np.ones(3), np.ones((2, 2)))
    assert g.shape == (2, 2) and not g.any()
    assert s2sad.grad(cf.constant_output)(1.5) == 0.0


def test_default_arguments_and_integer_sizes():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(cf.with_default)(x), 4.0 * x)
    np.testing.assert_allclose(s2sad.grad(cf.int_shape)(x), fd_grad(cf.int_shape, [x], 0))


def test_vjp_non_scalar_output_and_repeated_pullback():
    x = np.array([0.1, 0.2, 0.3])
    value, pullback = s2sad.vjp(cf.vector_out)(x)
    np.testing.assert_allclose(value, 2 * np.sin(x))
    ct = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(pullback(ct), 2 * np.cos(x) * ct)
    np.testing.assert_allclose(pullback(np.ones(3)), 2 * np.cos(x))
    with pytest.raises(ValueError, match="shape"):
        pullback(np.ones(2))


def test_vjp_tuple_output():
    (p, s), pullback = s2sad.vjp(cf.two_outputs, wrt=(0, 1))(2.0, 3.0)
    assert (p, s) == (6.0, 5.0)
    gx, gy = pullback((1.0, 10.0))
    assert (gx, gy) == (3.0 + 10.0, 2.0 + 10.0)


def test_source_is_attached_and_deterministic():
    g = s2sad.grad(cf.seed, wrt="w")
    text = s2sad.source(cf.seed, wrt="w")
    assert g.source == text
    assert "def seed_value_and_grad(x, w, y):" in text
    assert "# grad of line" in text and "w_bar" in text


def test_generated_function_is_inspectable():
    import inspect
    g = s2sad.grad(cf.seed, wrt="w")
    impl = s2sad.api.reverse.reverse_bound(cf.seed, ("w",), "value_and_grad").impl
    assert "w_bar" in inspect.getsource(impl)
    assert g(np.ones(2), np.ones(2), 0.0) is not None


def test_cached_generation_is_fast():
    s2sad.grad(cf.seed, wrt="w")
    start = time.perf_counter()
    for _ in range(200):
        s2sad.source(cf.seed, wrt="w")
    per_call = (time.perf_counter() - start) / 200
    # a regeneration costs milliseconds; a cache hit must be far below that
    assert per_call < 1e-3


def test_gradient_does_not_mutate_arguments():
    x = np.array([1.0, 2.0, 3.0])
    w = np.array([0.5, 0.5, 0.5])
    before = (x.copy(), w.copy())
    s2sad.grad(cf.seed, wrt=(0, 1))(x, w, 0.0)
    np.testing.assert_array_equal(x, before[0])
    np.testing.assert_array_equal(w, before[1])


def test_code_after_a_return_is_ignored():
    assert s2sad.grad(cf.early_return)(3.0) == 1.0


def test_vjp_same_name_returned_twice_sums_both_cotangents():
    _, pullback = s2sad.vjp(cf.same_output_twice)(1.0)
    assert pullback((1.0, 1.0)) == 4.0
    assert pullback((1.0, 0.5)) == 3.0


def test_single_wrt_in_a_tuple_gives_a_tuple():
    x, w = np.ones(3), np.arange(3.0)
    (gx,) = s2sad.grad(cf.seed, wrt=(0,))(x, w, 0.0)
    np.testing.assert_allclose(gx, s2sad.grad(cf.seed, wrt=0)(x, w, 0.0))
    _, pullback = s2sad.vjp(cf.vector_out, wrt=(0,))(x)
    (g,) = pullback(np.ones(3))
    np.testing.assert_allclose(g, 2 * np.cos(x))


def test_tuples_indexed_and_unpacked():
    gx, gy = s2sad.grad(cf.tuple_indexed, wrt=(0, 1))(2.0, 3.0)
    assert (gx, gy) == (6.0, 4.0)
    x = 0.4
    expected = 3.0 * np.sin(x) + 3.0 * x * np.cos(x) + np.cos(x)
    assert s2sad.grad(cf.tuple_unpacked_and_indexed)(x) == pytest.approx(expected)


def _reshape_shape_keyword(x):
    return np.sum(np.sin(np.reshape(x, shape=(2, 3))) * np.arange(6.0).reshape(2, 3))


def _reshape_newshape_keyword(x):
    return np.sum(np.sin(np.reshape(x, newshape=(2, 3))) * np.arange(6.0).reshape(2, 3))


#: the spellings of np.reshape's shape parameter the installed numpy takes (numpy 2.1
#: renamed ``newshape`` to ``shape``; ``newshape`` stayed, deprecated, until 2.4)
_RESHAPE_KEYWORDS = [(func, keyword) for func, keyword in [
    (_reshape_shape_keyword, "shape"), (_reshape_newshape_keyword, "newshape")]
    if keyword in inspect.signature(np.reshape).parameters]


@pytest.mark.parametrize("func, keyword", _RESHAPE_KEYWORDS,
                         ids=[keyword for _, keyword in _RESHAPE_KEYWORDS])
def test_reshape_shape_by_keyword_in_either_numpy_spelling(func, keyword):
    """The reshape rule binds whichever spelling the installed numpy takes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # newshape, on numpy >= 2.1
        check_grads(func, (np.linspace(0.1, 0.6, 6),), modes=("reverse", "forward"))
