"""Lists and tuples are values, not arrays: concatenation, repetition by an int,
slices, items (constant and loop indices, nested), unpacking, len, reversed, zip,
enumerate and comprehensions get container derivatives in reverse mode, forward
mode and second order; the API specializes generated code on the structure of the
arguments.  References are central finite differences of the original functions
(s2sad.testing) or hand-derived derivatives."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import seq_functions as sf

RNG = np.random.default_rng(12)
W1, B1 = RNG.normal(size=(3, 3)) * 0.6, RNG.normal(size=3)
W2, B2 = RNG.normal(size=(2, 3)) * 0.6, RNG.normal(size=2)
X = RNG.normal(size=3)

# (label, function, arguments, wrt)
CASES = [
    ("list_concat", sf.concat_list, (1.5, 2.0), (0, 1)),
    ("tuple_concat", sf.concat_tuple, (1.5, 2.0), (0, 1)),
    ("param_plus_literal", sf.concat_param, ([1.0, 2.0], 3.0), (0, 1)),
    ("literal_repeated", sf.repeat_literal, (1.5,), 0),
    ("int_times_param", sf.repeat_param, ([1.0, 2.0],), 0),
    ("param_times_count", sf.repeat_count, ([0.3, 0.7, -1.1], 2), 0),
    ("tuple_times_count", sf.repeat_count, ((0.3, 0.7), 3), 0),
    ("slice_rest", sf.slice_rest, ([1.0, 2.0, 3.0],), 0),
    ("slice_rest_tuple", sf.slice_rest, ((1.0, 2.0, 3.0),), 0),
    ("slice_rest_of_arrays", sf.slice_rest, ([X, 2 * X, X * X],), 0),
    ("slice_reversed", sf.slice_reversed, ([1.0, 2.0, 3.0],), 0),
    ("slice_bounds", sf.slice_bounds, ([1.0, 2.0, 3.0, 4.0], 1, 3), 0),
    ("local_slices", sf.local_slices, (1.5, 1, 3), 0),
    ("tuple_param_items", sf.tuple_params, ((W1, B1), X), (0, 1)),
    ("tuple_param_unpacked", sf.unpack_params, ((W1, B1), X), (0, 1)),
    ("layers_loop", sf.layers_loop, ([(W1, B1), (W2, B2)], X), (0, 1)),
    ("layers_loop_tuple", sf.layers_loop, (((W1, B1), (W2, B2)), X), (0, 1)),
    ("layers_nested_index", sf.layers_index, ([(W1, B1), (W2, B2)], X), (0, 1)),
    ("layers_nested_index_tuple", sf.layers_index, (((W1, B1), (W2, B2)), X), (0, 1)),
    ("zip_enumerate_w", sf.zip_enumerate, ([1.0, 2.0], [3.0, 4.0], 0.5), 2),
    ("zip_bound_to_a_name", sf.zip_bound_to_a_name, ([1.0, 2.0, 3.0], (3.0, 4.0, 1.0), 0.5), 2),
    ("zip_enumerate_all", sf.zip_enumerate, ([1.0, 2.0, 5.0], (3.0, 4.0), 0.5), (0, 1, 2)),
    ("reversed_items", sf.reversed_items, ([1.0, 2.0, 3.0],), 0),
    ("comprehension_over_tuple", sf.comprehension_tuple, ((1.0, 2.0, 3.0),), 0),
    ("concat_and_repeat_locals", sf.concat_locals, (1.5, 2.0), (0, 1)),
    ("tuple_loop_state", sf.tuple_state, (0.7, 3), 0),
]


@pytest.mark.parametrize("label, func, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_reverse_and_forward_against_finite_differences(label, func, args, wrt):
    check_grads(func, args, wrt=wrt, modes=("reverse", "forward"))


def test_a_loop_over_zip_bound_to_a_name_with_only_w_differentiated():
    # (the loop read len(pairs) of a zip object); w * sum(i * u * v)
    g = s2sad.grad(sf.zip_bound_to_a_name, wrt=2)([1.0, 2.0, 3.0], [3.0, 4.0, 1.0], 0.5)
    assert g == pytest.approx(0 * 3.0 + 1 * 8.0 + 2 * 3.0)
    _, t = s2sad.jvp(sf.zip_bound_to_a_name, wrt=2)([1.0, 2.0], [3.0, 4.0], 0.5, 1.0)
    assert t == pytest.approx(8.0)


def test_slice_of_a_list_parameter_is_not_concatenated():
    # the numbers: xs[0] + 3 rest[0] + 2 rest[1] has gradient [1, 3, 2]
    g = s2sad.grad(sf.slice_rest)([1.0, 2.0, 3.0])
    assert g == [1.0, 3.0, 2.0]


def test_gradients_keep_the_structure_of_tuple_parameters():
    g = s2sad.grad(sf.layers_loop)(((W1, B1), (W2, B2)), X)
    assert type(g) is tuple and all(type(layer) is tuple for layer in g)
    g = s2sad.grad(sf.layers_loop)([(W1, B1), (W2, B2)], X)
    assert type(g) is list and all(type(layer) is tuple for layer in g)
    assert g[1][0].shape == W2.shape and g[1][1].shape == B2.shape


def test_one_gradient_function_serves_arrays_lists_and_tuples():
    grad = s2sad.grad(sf.slice_rest)
    for xs in ([1.0, 2.0, 3.0], (1.0, 2.0, 3.0), np.array([1.0, 2.0, 3.0]),
               [1.0, 2.0, 3.0, 4.0]):
        g = grad(xs)
        np.testing.assert_allclose(np.asarray(g, dtype=float), [1.0, 3.0, 2.0]
                                   + [0.0] * (len(xs) - 3))
        assert type(g) is type(xs)


def test_the_all_array_code_is_the_unspecialized_one():
    grad = s2sad.grad(sf.slice_rest)
    # (the all-array path generates nothing new: the code s2sad.source shows)
    assert grad.source == s2sad.source(sf.slice_rest)
    assert "zeros_tree" not in grad.source


def _hessian_fd(f, args, wrt, h=1e-4):
    """Central second differences of f in its scalar or 1-d argument ``wrt``."""
    x0 = np.atleast_1d(np.asarray(args[wrt], dtype=float))
    n = x0.size

    def at(x):
        a = list(args)
        a[wrt] = float(x[0]) if np.ndim(args[wrt]) == 0 else x
        return f(*a)

    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            H[i, j] = (at(x0 + ei + ej) - at(x0 + ei - ej) - at(x0 - ei + ej)
                       + at(x0 - ei - ej)) / (4 * h * h)
    return H


SECOND = [
    ("list_concat", sf.concat_list, (1.5, 2.0), 0),
    ("tuple_concat", sf.concat_tuple, (1.5, 2.0), 1),
    ("literal_repeated", sf.repeat_literal, (1.5,), 0),
    ("local_slices", sf.local_slices, (1.5, 1, 3), 0),
    ("concat_and_repeat_locals", sf.concat_locals, (1.5, 2.0), 0),
    ("tuple_param_items", sf.tuple_params, ((W1, B1), X), 1),
    ("tuple_param_unpacked", sf.unpack_params, ((W1, B1), X), 1),
    ("layers_loop", sf.layers_loop, ([(W1, B1), (W2, B2)], X), 1),
    ("layers_nested_index", sf.layers_index, ([(W1, B1), (W2, B2)], X), 1),
    ("zip_enumerate", sf.zip_enumerate, ([1.0, 2.0, 5.0], (3.0, 4.0), 0.5), 2),
    ("tuple_loop_state", sf.tuple_state, (0.7, 3), 0),
]


@pytest.mark.parametrize("label, func, args, wrt", SECOND, ids=[c[0] for c in SECOND])
def test_hvp_against_second_differences(label, func, args, wrt):
    H = _hessian_fd(func, args, wrt)
    v = RNG.normal(size=H.shape[0])
    tangent = float(v[0]) if np.ndim(args[wrt]) == 0 else v
    out = s2sad.hvp(func, wrt=wrt)(*args, tangent)
    hv = out[-1] if isinstance(out, tuple) else out
    np.testing.assert_allclose(np.atleast_1d(hv), H @ v, rtol=1e-4, atol=1e-5)


def test_hvp_with_a_list_parameter():
    # f = x0^2 + x1 after a = 2 * xs: H = diag(2, 0)
    hv = s2sad.hvp(sf.repeat_param)([1.0, 2.0], [1.0, 0.5])
    np.testing.assert_allclose(np.asarray(hv, dtype=float), [2.0, 0.0])


def test_hvp_with_a_list_parameter_that_is_concatenated():
    # f = x0 * x1 * v: d2f/dx0 dx1 = v, so H t = [v t1, v t0]
    hv = s2sad.hvp(sf.concat_product)([1.5, 2.0], 3.0, [1.0, 0.5])
    np.testing.assert_allclose(np.asarray(hv, dtype=float), [1.5, 3.0])


def _compiled(func):
    """The module ``s2sad.source(func)`` shows (no argument structure known), compiled."""
    namespace = {}
    exec(compile(s2sad.source(func), "<generated>", "exec"), namespace)
    return namespace[f"{func.__name__}_value_and_grad"]


def test_unknown_kind_slice_adjoint_is_right_for_lists_and_arrays():
    # s2sad.source and the CLI know nothing of the argument: the code must be right
    # for an array and for a list (xs_bar[1:] += g would concatenate a list)
    impl = _compiled(sf.slice_rest)
    for xs in ([1.0, 2.0, 3.0], np.array([1.0, 2.0, 3.0])):
        value, g = impl(xs)
        assert value == pytest.approx(13.0)
        np.testing.assert_allclose(np.asarray(g, dtype=float), [1.0, 3.0, 2.0])


def test_unknown_kind_repetition_by_an_int_literal():
    # 2 * xs: a repetition for a list, a product for an array, decided when it runs
    impl = _compiled(sf.repeat_param)
    _, g = impl([1.0, 2.0])
    assert g == [2.0, 1.0]     # f = x0 ** 2 + x1
    impl = _compiled(sf.int_times_array)
    _, g = impl(np.array([1.0, 2.0]))
    np.testing.assert_allclose(g, [6.0, 6.0])   # f = sum(3 * x) * 2


def test_unknown_kind_item_adjoints_never_add_into_another_adjoint():
    # xs_bar[0] = b_bar stores b_bar's array in a list; xs_bar[0] += a_bar then added
    # into it, and b_bar was w_bar too (t = b + w): w's gradient came out 2 t + 3
    impl = s2sad.source(sf.item_read_twice, wrt=(0, 1))
    namespace = {}
    exec(compile(impl, "<generated>", "exec"), namespace)
    impl = namespace["item_read_twice_value_and_grad"]
    w = np.array([0.5, -1.0])
    for xs in ([np.ones(2), np.ones(2)], np.ones((2, 2))):
        _, (g_xs, g_w) = impl(xs, w)
        t = 1.0 + w
        np.testing.assert_allclose(g_w, 2 * t)
        np.testing.assert_allclose(np.asarray(g_xs)[0], 2 * t + 3.0)
        np.testing.assert_allclose(np.asarray(g_xs)[1], 0.0)
    check_grads(sf.item_read_twice, ([np.ones(2), np.ones(2)], w), wrt=(0, 1),
                modes=("reverse", "forward"))


# ----------------------------------------------------------------- the kinds module

@pytest.fixture(name="K")
def kinds_module():
    from s2sad.analysis import kinds
    return kinds


def _kinds_of(func, params=None):
    from s2sad.analysis import kinds as K
    from s2sad import pipeline
    from s2sad.rules.loading import load_builtin_rules
    load_builtin_rules()
    _, normal, _ = pipeline._front_end(func, {}, False)
    return K.infer(normal.node.body[:-1], params)


def test_kinds_of_literals_concatenations_and_items(K):
    kinds = _kinds_of(sf.concat_locals)
    assert kinds["a"] == K.tuple_of((K.UNKNOWN, K.UNKNOWN))
    assert kinds["b"][0] == "tuple" and len(kinds["b"][1]) == 3
    assert kinds["c"][0] == "list"


def test_kinds_from_parameters_flow_through_loops_and_unpacking(K):
    layer = K.tuple_of((K.LEAF, K.LEAF))
    kinds = _kinds_of(sf.layers_loop, {"layers": K.list_of(layer), "x": K.LEAF})
    assert kinds["item"] == layer
    assert kinds["W"] == K.LEAF and kinds["b"] == K.LEAF and kinds["h"] == K.LEAF


def test_kinds_of_values_and_joins(K):
    assert K.kind_of_value(1.0) == K.LEAF
    assert K.kind_of_value(np.zeros(2)) == K.LEAF
    assert K.kind_of_value([1.0, np.zeros(2)]) == K.list_of(K.LEAF)
    assert K.kind_of_value([1.0, (1.0,)]) == K.list_of(K.UNKNOWN)
    assert K.kind_of_value({"W": 1.0, "b": [2.0]}) == K.dict_of(
        (("W", K.LEAF), ("b", K.list_of(K.LEAF))))
    assert K.join(K.tuple_of((K.LEAF,)), K.tuple_of((K.LEAF, K.LEAF))) == \
        ("tuple", None, K.LEAF)
    assert K.item(K.tuple_of((K.LEAF, K.list_of(K.LEAF))), 1) == K.list_of(K.LEAF)
    hash(K.kind_of_value({"a": [(1.0, 2.0)]}))   # part of the API's cache key


def test_a_name_used_in_array_arithmetic_is_a_leaf(K):
    kinds = _kinds_of(sf.slice_rest)
    assert kinds["rest"] == K.UNKNOWN   # nothing says: a list or an array
    kinds = _kinds_of(sf.tuple_params, {"params": K.UNKNOWN, "x": K.LEAF})
    assert kinds["W"] == K.LEAF   # (W @ x)


# ----------------------------------------------------------------- runtime helpers

def test_adding_adjoints_of_nested_tuples_adds_leaves():
    from s2sad.runtime import add_items, add_tree, item_bar, repetition_bar
    a = [(1.0, 2.0), (3.0, 4.0)]
    assert add_items(a, a) == [(2.0, 4.0), (6.0, 8.0)]   # leaves added, tuples kept
    assert add_tree(None, [1.0]) == [1.0]
    parts = item_bar([(1.0, 1.0), (1.0, 1.0)], 0, (5.0, 6.0))
    assert [list(p) for p in parts] == [[5.0, 6.0], [0.0, 0.0]]
    assert repetition_bar([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [0.0, 0.0]) == [9.0, 12.0]


def test_index_set_of_a_list_copies_the_list():
    from s2sad.runtime_forward import index_set
    xs = [np.zeros(2), 1.0]
    ys = index_set(xs, 1, 5.0)
    assert ys == [xs[0], 5.0] and xs[1] == 1.0 and ys[0] is xs[0]
