"""Containers (lists, tuples, dicts, nested) at the API boundary, in every transform.

A derivative of a container argument is a container of the same structure: the
gradient (grad, value_and_grad, a pullback), the tangent a jvp takes, the
cotangent a pullback takes, the direction and result of an hvp; a Hessian with
respect to a container is nested as jax.hessian nests it (``H[k1][k2]`` of shape
``k1.shape + k2.shape``) and a Jacobian is the argument's container of blocks of
shape ``out.shape + leaf.shape``.  References are central finite differences in
float64 computed leaf by leaf by this file's own helpers, or derivatives by hand.
"""

import collections

import numpy as np
import pytest

import s2sad
import op_functions
from s2sad.errors import CotangentError, NonScalarOutputError, TangentError, ValueTypeError
from s2sad.runtime import add_at
from s2sad.runtime_forward import container_add_at, index_set

RNG = np.random.default_rng(12)
W = RNG.normal(size=(3, 2)) * 0.5
B = RNG.normal(size=3) * 0.5
X = RNG.normal(size=2)


# ------------------------------------------------------------ functions

def uses_only_x(p, x):
    return np.sum(x * 2.0)


def dict_params(p, x):
    h = np.tanh(p["W"] @ x + p["b"])
    return np.sum(h * h)


def dict_uses_w(p, x):
    return np.sum(np.sin(p["W"] @ x))


def params_tuple(params, x):
    Wt, bt = params
    return np.sum(np.tanh(Wt @ x + bt) ** 2) + np.sum(params[1])


def unpacks_three(params, x):
    Wt, bt, unused = params
    return np.sum(np.tanh(Wt @ x + bt) ** 2)


def list_by_index(xs, x):
    return xs[0] * x * xs[1] + np.sum(xs[2] ** 3)


def dict_by_key(p, x):
    return p["a"] * x * p["c"] + np.sum(p["b"] ** 3)


def nested_first(p, x):
    return np.sum(p["layers"][0] * x) * 2.0


def dict_layer(p, x):
    return np.tanh(p["W"] @ x + p["b"])


def tuple_layer(params, x):
    Wt, bt = params
    return np.tanh(Wt @ x + bt)


def dict_output(x):
    return {"a": x * 2.0, "b": [np.sin(x), 3.0]}


def nested_output(x):
    return [x ** 2, {"k": (np.sum(x), x * 3.0)}]


Pair = collections.namedtuple("Pair", "W b")


# --------------------------------------------------- independent references

def _leaves(tree):
    """(path, leaf) of a tree, dict values in insertion order: this file's own walk."""
    if isinstance(tree, dict):
        return [((k,) + p, v) for k, sub in tree.items() for p, v in _leaves(sub)]
    if isinstance(tree, (list, tuple)):
        return [((i,) + p, v) for i, sub in enumerate(tree) for p, v in _leaves(sub)]
    return [((), tree)]


def _get(tree, path):
    for key in path:
        tree = tree[key]
    return tree


def _moved(tree, path, index, eps):
    """A deep copy of ``tree`` (float64 leaves) with ``eps`` added at element ``index``
    of the leaf at ``path``."""
    if not path:
        value = np.array(tree, dtype=np.float64)
        value.reshape(-1)[index] += eps
        return value if np.ndim(tree) else float(value)
    key, rest = path[0], path[1:]
    if isinstance(tree, dict):
        return {k: _moved(v, rest, index, eps) if k == key else _copy(v) for k, v in tree.items()}
    items = [_moved(v, rest, index, eps) if i == key else _copy(v) for i, v in enumerate(tree)]
    return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)


def _copy(tree):
    if isinstance(tree, dict):
        return {k: _copy(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        items = [_copy(v) for v in tree]
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    return np.array(tree, dtype=np.float64) if np.ndim(tree) else tree


def fd_gradient(f, args, argnum, eps=1e-6):
    """{path: d f / d leaf} by central differences, for the tree ``args[argnum]``."""
    out = {}
    for path, leaf in _leaves(args[argnum]):
        g = np.zeros(np.shape(leaf))
        for index in range(int(np.size(leaf))):
            hi, lo = list(args), list(args)
            hi[argnum] = _moved(args[argnum], path, index, eps)
            lo[argnum] = _moved(args[argnum], path, index, -eps)
            g.reshape(-1)[index] = (f(*hi) - f(*lo)) / (2 * eps)
        out[path] = g
    return out


def fd_jacobian(f, args, argnum, eps=1e-6):
    """{path: block of shape out.shape + leaf.shape} by central differences."""
    out = {}
    y = np.asarray(f(*args))
    for path, leaf in _leaves(args[argnum]):
        cols = []
        for index in range(int(np.size(leaf))):
            hi, lo = list(args), list(args)
            hi[argnum] = _moved(args[argnum], path, index, eps)
            lo[argnum] = _moved(args[argnum], path, index, -eps)
            cols.append(np.ravel((np.asarray(f(*hi)) - np.asarray(f(*lo))) / (2 * eps)))
        out[path] = np.stack(cols, axis=-1).reshape(y.shape + np.shape(leaf))
    return out


def fd_hessian(f, args, argnum, eps=1e-4):
    """{(path1, path2): block of shape leaf1.shape + leaf2.shape} by second central
    differences of ``f`` itself."""
    leaves = _leaves(args[argnum])
    out = {}

    def at(moves):
        tree = args[argnum]
        for path, index, e in moves:
            tree = _moved(tree, path, index, e)
        a = list(args)
        a[argnum] = tree
        return f(*a)

    for p1, l1 in leaves:
        for p2, l2 in leaves:
            block = np.zeros((int(np.size(l1)), int(np.size(l2))))
            for i in range(block.shape[0]):
                for j in range(block.shape[1]):
                    block[i, j] = (at([(p1, i, eps), (p2, j, eps)])
                                   - at([(p1, i, eps), (p2, j, -eps)])
                                   - at([(p1, i, -eps), (p2, j, eps)])
                                   + at([(p1, i, -eps), (p2, j, -eps)])) / (4 * eps * eps)
            out[p1, p2] = block.reshape(np.shape(l1) + np.shape(l2))
    return out


def fd_directional(f, args, argnum, tangent, eps=1e-6):
    """d f(args[argnum] + t * tangent) / dt at 0 (leaves of ``f``'s output tree)."""
    def along(t):
        a = list(args)
        a[argnum] = _axpy(args[argnum], tangent, t)
        return f(*a)
    hi, lo = along(eps), along(-eps)
    return [((np.asarray(h) - np.asarray(l)) / (2 * eps))
            for (_, h), (_, l) in zip(_leaves(hi), _leaves(lo))]


def _axpy(x, v, t):
    if isinstance(x, dict):
        return {k: _axpy(x[k], v[k], t) for k in x}
    if isinstance(x, (list, tuple)):
        return type(x)(_axpy(a, b, t) for a, b in zip(x, v))
    return np.asarray(x, dtype=np.float64) + t * np.asarray(v, dtype=np.float64)


def assert_same_structure(actual, like, shapes=True):
    """``actual`` has ``like``'s containers exactly: types, lengths, keys in order (and
    its leaves' shapes, with ``shapes``)."""
    if isinstance(like, (list, tuple, dict)):
        assert type(actual) is type(like), (type(actual), type(like))
    if isinstance(like, dict):
        assert list(actual) == list(like)
        for k in like:
            assert_same_structure(actual[k], like[k], shapes)
    elif isinstance(like, (list, tuple)):
        assert len(actual) == len(like)
        for a, b in zip(actual, like):
            assert_same_structure(a, b, shapes)
    elif shapes:
        assert np.shape(actual) == np.shape(like)


def assert_tree_close(actual, expected_by_path, like, rtol=1e-5, atol=1e-7, shapes=True):
    assert_same_structure(actual, like, shapes)
    for path, _ in _leaves(like):
        np.testing.assert_allclose(_get(actual, path), expected_by_path[path],
                                   rtol=rtol, atol=atol, err_msg=str(path))


# ------------------------------------------- 1. gradients of unused containers

UNUSED = [
    {"W": W, "b": B},
    [W, B, 2.0],
    (W, (B, 1.5), {"k": 3}),
    {"layers": [(W, B), (W, B)], "scale": 1.5, "f32": np.ones(2, dtype=np.float32)},
    {},
]


@pytest.mark.parametrize("p", UNUSED, ids=["dict", "list", "nested_tuple", "nested_dict",
                                           "empty_dict"])
def test_grad_of_an_unused_container_is_zeros_of_its_structure(p):
    g = s2sad.grad(uses_only_x)(p, X)
    assert_same_structure(g, p)
    for path, leaf in _leaves(p):
        value = _get(g, path)
        assert np.all(np.asarray(value) == 0.0)
        if isinstance(leaf, np.ndarray):
            assert isinstance(value, np.ndarray) and value.dtype == leaf.dtype
        else:
            assert type(value) is float   # a Python number's zero is 0.0, an int's too
    value, (gp, gx) = s2sad.value_and_grad(uses_only_x, wrt=(0, 1))(p, X)
    assert value == pytest.approx(np.sum(X * 2.0))
    assert_same_structure(gp, p)
    np.testing.assert_allclose(gx, 2.0 * np.ones_like(X))
    _, pullback = s2sad.vjp(uses_only_x)(p, X)
    assert_same_structure(pullback(1.0), p)


def test_grad_of_a_partly_used_dict_keeps_its_keys_and_their_order():
    p = {"b": B, "unused": np.ones(4), "W": W}
    g = s2sad.grad(dict_uses_w)(p, X)
    assert list(g) == ["b", "unused", "W"]
    assert_tree_close(g, fd_gradient(dict_uses_w, (p, X), 0), p)
    assert np.all(g["b"] == 0.0) and np.all(g["unused"] == 0.0)


def test_grad_of_a_partly_used_list_and_tuple():
    xs = [1.0, 2.0, np.array([1.0, 3.0]), np.ones(2)]
    g = s2sad.grad(list_by_index)(xs, 1.5)
    assert_tree_close(g, fd_gradient(list_by_index, (xs, 1.5), 0), xs)
    p = (W, B, np.ones(5))   # the third item unused
    g = s2sad.grad(unpacks_three)(p, X)
    assert type(g) is tuple
    assert_tree_close(g, fd_gradient(unpacks_three, (p, X), 0), p)


def test_gradient_of_a_namedtuple_is_that_namedtuple():
    p = Pair(W, B)
    g = s2sad.grad(params_tuple)(p, X)
    assert type(g) is Pair
    assert_tree_close(g, fd_gradient(params_tuple, (p, X), 0), p)


# --------------------------------------------------------- 2. jvp tangents

JVP_CASES = [
    (dict_params, {"W": W, "b": B}),
    (params_tuple, (W, B)),
    (list_by_index, [1.0, 2.0, np.array([1.0, 3.0])]),
    (dict_by_key, {"a": 1.0, "b": np.array([1.0, 3.0]), "c": 2.0}),
    (nested_first, {"layers": [np.array([0.5, -1.0]), np.ones(2)], "scale": 1.5}),
]


def _random_tangent(tree, rng):
    if isinstance(tree, dict):
        return {k: _random_tangent(v, rng) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_random_tangent(v, rng) for v in tree)
    return rng.normal(size=np.shape(tree)) if np.ndim(tree) else float(rng.normal())


@pytest.mark.parametrize("f, p", JVP_CASES, ids=[c[0].__name__ for c in JVP_CASES])
def test_jvp_takes_a_tangent_of_the_parameter_structure(f, p):
    x = X if f in (dict_params, params_tuple, nested_first) else 1.5
    t = _random_tangent(p, np.random.default_rng(5))
    value, tangent = s2sad.jvp(f)(p, x, t)
    assert value == pytest.approx(f(p, x))
    (expected,) = fd_directional(f, (p, x), 0, t)
    assert tangent == pytest.approx(float(expected), rel=1e-5, abs=1e-7)


def test_jvp_tangent_mismatch_names_the_path():
    p = {"layers": [(W, B), (W, B)], "scale": 1.5}

    def tangent(**change):
        t = {"layers": [(W, B), (W, B)], "scale": 1.0}
        t.update(change)
        return t
    jvp = s2sad.jvp(nested_first)
    with pytest.raises(TangentError, match=r'p\["layers"\]\[1\]\[1\]: expected shape \(3,\), '
                                           r'got \(2,\)'):
        jvp(p, X, tangent(layers=[(W, B), (W, X)]))
    with pytest.raises(TangentError,
                       match=r'p\["layers"\]: expected a list of 2 .*got a list of 1'):
        jvp(p, X, tangent(layers=[(W, B)]))
    with pytest.raises(TangentError, match=r"p: expected a dict .*missing \['scale'\]"):
        jvp(p, X, {"layers": [(W, B), (W, B)]})
    with pytest.raises(TangentError, match=r'p\["layers"\]\[0\]: expected a tuple of 2'):
        jvp(p, X, tangent(layers=[{"W": W}, (W, B)]))
    with pytest.raises(ValueTypeError, match=r'is None at p\["scale"\]'):
        jvp(p, X, tangent(scale=None))
    assert issubclass(TangentError, ValueError)


def test_jvp_of_a_container_output_is_a_container_of_tangents():
    x = np.array([0.3, -0.7])
    t = np.array([1.0, 2.0])
    value, tangent = s2sad.jvp(dict_output)(x, t)
    assert_same_structure(tangent, value)
    np.testing.assert_allclose(tangent["a"], 2.0 * t)
    np.testing.assert_allclose(tangent["b"][0], np.cos(x) * t)
    assert tangent["b"][1] == 0.0 and type(tangent["b"][1]) is float
    value, tangent = s2sad.jvp(nested_output)(x, t)
    assert_same_structure(tangent, value)
    expected = fd_directional(nested_output, (x,), 0, t)
    for got, want in zip([leaf for _, leaf in _leaves(tangent)], expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-8)


# ------------------------------------------------------ 3. pullback cotangents

def test_pullback_takes_a_nested_container_cotangent():
    x = np.array([0.3, -0.7])
    value, pullback = s2sad.vjp(nested_output)(x)
    ct = [np.array([1.0, -2.0]), {"k": (0.5, np.array([2.0, 1.0]))}]
    # by hand: d/dx of <ct, f(x)> = 2 x ct0 + 0.5 + 3 ct1
    np.testing.assert_allclose(pullback(ct), 2 * x * ct[0] + 0.5 + 3.0 * ct[1]["k"][1])
    value, pullback = s2sad.vjp(dict_output)(x)
    ct = {"b": [np.array([1.0, 1.0]), 5.0], "a": np.array([0.5, 0.5])}   # any key order
    np.testing.assert_allclose(pullback(ct), 2.0 * 0.5 + np.cos(x))


def test_pullback_cotangent_mismatch_names_the_path():
    x = np.array([0.3, -0.7])
    _, pullback = s2sad.vjp(nested_output)(x)
    with pytest.raises(CotangentError, match=r'output\[1\]\["k"\]\[1\]: expected shape \(2,\), '
                                             r'got \(3,\)'):
        pullback([x, {"k": (1.0, np.ones(3))}])
    with pytest.raises(CotangentError, match=r'output\[1\]: expected a dict .*unknown \[\'j\'\]'):
        pullback([x, {"k": (1.0, x), "j": 1.0}])
    with pytest.raises(CotangentError, match=r'output\[1\]\["k"\]: expected a tuple of 2'):
        pullback([x, {"k": 1.0}])
    with pytest.raises(ValueTypeError, match=r'is None at output\[1\]\["k"\]\[0\]'):
        pullback([x, {"k": (None, x)}])


def test_pullback_gradient_of_a_container_argument_keeps_its_structure():
    p = {"W": W, "b": B}
    out, pullback = s2sad.vjp(dict_layer)(p, X)
    ct = np.array([1.0, -0.5, 2.0])
    g = pullback(ct)

    def dotted(q, x):
        return float(np.dot(ct, dict_layer(q, x)))
    assert_tree_close(g, fd_gradient(dotted, (p, X), 0), p)


# ---------------------------------------------------- 4. second order, jacobian

HESSIAN_CASES = [
    (dict_params, {"W": W[:2], "b": B[:2]}, X),
    (params_tuple, (W[:2], B[:2]), X),
    (list_by_index, [1.0, 2.0, np.array([1.0, 3.0])], 1.5),
    (dict_by_key, {"a": 1.0, "b": np.array([1.0, 3.0]), "c": 2.0}, 1.5),
]


@pytest.mark.parametrize("f, p, x", HESSIAN_CASES, ids=[c[0].__name__ for c in HESSIAN_CASES])
def test_hessian_of_a_container_is_nested_as_jax_nests_it(f, p, x):
    H = s2sad.hessian(f)(p, x)
    expected = fd_hessian(f, (p, x), 0)
    assert_same_structure(H, p, shapes=False)
    for p1, l1 in _leaves(p):
        row = _get(H, p1)
        assert_same_structure(row, p, shapes=False)   # H[k1] has the parameter's structure
        for p2, l2 in _leaves(p):
            block = _get(row, p2)
            assert np.shape(block) == np.shape(l1) + np.shape(l2)
            np.testing.assert_allclose(block, expected[p1, p2], rtol=1e-4, atol=1e-6,
                                       err_msg=f"{p1} {p2}")


@pytest.mark.parametrize("f, p, x", HESSIAN_CASES, ids=[c[0].__name__ for c in HESSIAN_CASES])
def test_hvp_takes_and_returns_the_parameter_structure(f, p, x):
    v = _random_tangent(p, np.random.default_rng(8))
    hv = s2sad.hvp(f)(p, x, v)
    assert_same_structure(hv, p)
    expected = fd_hessian(f, (p, x), 0)
    for p1, l1 in _leaves(p):
        want = sum(np.tensordot(expected[p1, p2], np.asarray(_get(v, p2)), axes=np.ndim(l2))
                   for p2, l2 in _leaves(p))
        np.testing.assert_allclose(_get(hv, p1), want, rtol=1e-4, atol=1e-6, err_msg=str(p1))


def test_hvp_direction_mismatch_names_the_path():
    p = (W[:2], B[:2])
    with pytest.raises(TangentError, match=r"params\[1\]: expected shape \(2,\), got \(3,\)"):
        s2sad.hvp(params_tuple)(p, X, (W[:2], B))


def test_hessian_with_a_container_and_an_array_has_mixed_blocks():
    p = {"W": W[:2], "b": B[:2]}
    H = s2sad.hessian(dict_params, wrt=(0, 1))(p, X)
    assert isinstance(H, tuple) and len(H) == 2
    assert_same_structure(H[0][0], p, shapes=False)
    assert isinstance(H[0][1], dict) and H[0][1]["W"].shape == (2, 2, 2)
    assert isinstance(H[1][0], dict) and H[1][0]["b"].shape == (2, 2)
    assert H[1][1].shape == (2, 2)

    def of_both(both):
        return dict_params(both[0], both[1])
    expected = fd_hessian(of_both, ((p, X),), 0)
    for p1, _ in _leaves((p, X)):
        for p2, _ in _leaves((p, X)):
            got = _get(_get(H[p1[0]][p2[0]], p1[1:]), p2[1:])
            np.testing.assert_allclose(got, expected[p1, p2], rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
@pytest.mark.parametrize("f, p", [(dict_layer, {"W": W, "b": B}), (tuple_layer, (W, B)),
                                  (tuple_layer, [W, B])],
                         ids=["dict", "tuple", "list"])
def test_jacobian_with_respect_to_a_container_is_that_container_of_blocks(f, p, mode):
    J = s2sad.jacobian(f, mode=mode)(p, X)
    assert_tree_close(J, fd_jacobian(f, (p, X), 0), p, rtol=1e-5, atol=1e-7, shapes=False)
    for path, leaf in _leaves(p):
        assert _get(J, path).shape == (3,) + np.shape(leaf)
    Jp, Jx = s2sad.jacobian(f, wrt=(0, 1), mode=mode)(p, X)
    assert_tree_close(Jp, fd_jacobian(f, (p, X), 0), p, rtol=1e-5, atol=1e-7, shapes=False)
    np.testing.assert_allclose(Jx, fd_jacobian(f, (p, X), 1)[()], rtol=1e-5, atol=1e-7)


def test_jacobian_plan_counts_the_elements_of_a_container():
    _, plan = s2sad.jacobian(dict_layer, explain=True)({"W": W, "b": B}, X)
    assert plan.inputs == W.size + B.size and plan.outputs == 3 and plan.mode == "reverse"


def test_grad_of_grad_with_respect_to_a_container_is_refused():
    with pytest.raises(NonScalarOutputError, match="is a dict with keys"):
        s2sad.grad(s2sad.grad(dict_params))({"W": W, "b": B}, X)


# ---------------------------------------- runtime: writes into container adjoints

def test_container_writes_build_new_containers_of_the_same_type():
    xs = [1.0, None, np.ones(2)]
    out = index_set(xs, 1, 2.0)
    assert out == [1.0, 2.0, xs[2]] and xs[1] is None and type(out) is list
    d = {"a": 1.0}
    assert index_set(d, "b", 2.0) == {"a": 1.0, "b": 2.0} and d == {"a": 1.0}
    added = add_at([1.0, None, (1.0, 2.0)], 2, (0.5, 0.5))
    assert added == [1.0, None, (1.5, 2.5)]
    assert add_at((1.0, 2.0), 0, 0.5) == (1.5, 2.0)
    assert add_at([1.0, None], 1, 0.5) == [1.0, 0.5]
    assert add_at({"a": 1.0}, "b", 2.0) == {"a": 1.0, "b": 2.0}
    assert add_at({"a": 1.0}, "a", 2.0) == {"a": 3.0}
    nested = {"a": [1.0, {"k": 2.0}]}
    assert add_at(nested, "a", [1.0, {"k": 1.0}]) == {"a": [2.0, {"k": 3.0}]}
    assert nested == {"a": [1.0, {"k": 2.0}]}
    # a slice adds item by item, never concatenates
    assert container_add_at([1.0, 2.0, 3.0], slice(1, None), [10.0, 20.0]) == [1.0, 12.0, 23.0]
    with pytest.raises(ValueError):
        container_add_at([1.0, 2.0, 3.0], slice(1, None), [10.0])


# ------------------------------------------------- container types, mixed transforms

def test_dict_subclasses_keep_their_type_and_order():
    od = collections.OrderedDict([("b", B), ("W", W)])
    g = s2sad.grad(dict_params)(od, X)
    assert type(g) is collections.OrderedDict and list(g) == ["b", "W"]
    assert_tree_close(g, fd_gradient(dict_params, (od, X), 0), od)
    dd = collections.defaultdict(list, {"W": W, "b": B})
    g = s2sad.grad(dict_params)(dd, X)
    assert type(g) is collections.defaultdict and g.default_factory is list
    assert_tree_close(g, fd_gradient(dict_params, (dd, X), 0), dd)


def scaled_sum(s, p):
    return s * s * np.sum(p["W"]) + s * np.sum(p["b"] ** 2)


def test_grad_of_grad_with_respect_to_a_container_is_a_container():
    p = {"W": W, "b": B}
    s = 1.5
    gg = s2sad.grad(s2sad.grad(scaled_sum, wrt=0), wrt=1)(s, p)
    # by hand: d/ds f = 2 s sum(W) + sum(b^2); its gradient in W is 2 s, in b 2 b
    assert list(gg) == ["W", "b"]
    np.testing.assert_allclose(gg["W"], 2 * s * np.ones_like(W))
    np.testing.assert_allclose(gg["b"], 2 * B)


def test_hvp_with_a_container_and_an_array():
    p = {"W": W[:2], "b": B[:2]}
    v = ({"W": np.ones((2, 2)), "b": np.array([1.0, -1.0])}, np.array([0.5, 2.0]))
    hp, hx = s2sad.hvp(dict_params, wrt=(0, 1))(p, X, v)

    def of_both(both):
        return dict_params(both[0], both[1])
    expected = fd_hessian(of_both, ((p, X),), 0)
    leaves = _leaves((p, X))
    for p1, _ in leaves:
        want = sum(np.tensordot(expected[p1, p2], np.asarray(_get(v, p2)), axes=np.ndim(l2))
                   for p2, l2 in leaves)
        got = _get((hp, hx), p1)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6, err_msg=str(p1))
    assert type(hp) is dict and list(hp) == ["W", "b"]


# ------------------------------------------------------------- s2sad.trees itself

def test_tree_utilities():
    from s2sad import trees
    t = {"a": [1.0, (np.ones(2), 3)], "b": {"c": 2.0}}
    leaves, like = trees.flatten(t)
    assert [np.shape(v) for v in leaves] == [(), (2,), (), ()]
    back = trees.unflatten(like, [10.0, np.zeros(2), 30.0, 20.0])
    assert type(back["a"][1]) is tuple and back["a"][0] == 10.0 and back["b"]["c"] == 20.0
    assert trees.structure(t) == ("dict", ("a", "b"), (("list", ("*", ("tuple", ("*", "*")))),
                                                      ("dict", ("c",), ("*",))))
    doubled = trees.tree_map(lambda v, w: v + w, t, t)
    assert doubled["a"][1][1] == 6 and doubled["b"]["c"] == 4.0
    zeros = trees.zeros_like(t)
    assert zeros["a"][1][1] == 0.0 and type(zeros["a"][1][1]) is float
    assert zeros["a"][1][0].dtype == np.float64 and not zeros["a"][1][0].any()
    with pytest.raises(ValueError):
        trees.unflatten(like, [1.0])

    def same_shape(v, like_leaf):
        if np.shape(v) != np.shape(like_leaf):
            raise trees.Mismatch((), f"expected shape {np.shape(like_leaf)}, got {np.shape(v)}")
        return v
    with pytest.raises(trees.Mismatch) as info:
        trees.match({"a": [1.0, (np.ones(3), 3)], "b": {"c": 2.0}}, t, same_shape)
    assert info.value.text("params") == 'params["a"][1][0]: expected shape (2,), got (3,)'
    # a list stands for a tuple (and back) unless asked not to
    assert type(trees.match({"a": [1.0, [np.ones(2), 3]], "b": {"c": 2.0}}, t,
                            same_shape)["a"][1]) is tuple
    with pytest.raises(trees.Mismatch):
        trees.match({"a": [1.0, [np.ones(2), 3]], "b": {"c": 2.0}}, t, same_shape,
                    swap_sequences=False)
    # complete: None, a missing key and a zero number stand for zeros
    done = trees.complete({"a": None}, t, lambda v, l: v)
    assert done["b"] == {"c": 0.0} and done["a"][1][0].shape == (2,)
    assert trees.complete(0.0, [1.0, np.ones(2)], lambda v, l: v)[1].shape == (2,)
    with pytest.raises(trees.Mismatch):
        trees.complete(1.0, [1.0, 2.0], lambda v, l: v)


# --------------------------------------------------- Jacobians of container outputs

def layer_and_norm(p, x):
    h = np.tanh(p["W"] @ x + p["b"])
    return {"h": h, "stats": (np.sum(h ** 2), 2.0)}


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_of_a_container_output_is_nested_as_jax_nests_it(mode):
    p = {"W": W, "b": B}
    J = s2sad.jacobian(layer_and_norm, mode=mode)(p, X)
    out = layer_and_norm(p, X)
    assert_same_structure(J, out, shapes=False)
    for path, leaf in _leaves(out):
        def part(q, x, path=path):
            return np.asarray(_get(layer_and_norm(q, x), path), dtype=float)
        # J[output path] is the Jacobian of that output leaf alone: p's structure
        assert_tree_close(_get(J, path), fd_jacobian(part, (p, X), 0), p, shapes=False)
        for wpath, wleaf in _leaves(p):
            assert _get(_get(J, path), wpath).shape == np.shape(leaf) + np.shape(wleaf)
    Jboth = s2sad.jacobian(layer_and_norm, wrt=(0, 1), mode=mode)(p, X)
    # several wrt: each output leaf holds a tuple, one Jacobian per wrt argument
    assert isinstance(Jboth["stats"][0], tuple) and len(Jboth["stats"][0]) == 2
    np.testing.assert_allclose(Jboth["h"][1], fd_jacobian(
        lambda q, x: layer_and_norm(q, x)["h"], (p, X), 1)[()], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(Jboth["stats"][0][0]["W"], J["stats"][0]["W"])


def test_jacobian_plan_counts_the_elements_of_a_container_output():
    _, plan = s2sad.jacobian(layer_and_norm, explain=True)({"W": W, "b": B}, X)
    assert plan.outputs == 3 + 1 + 1 and plan.inputs == W.size + B.size


def none_in_output(x):
    return [x * 2.0, None]


def test_jacobian_of_an_output_holding_none_is_refused():
    for mode in ("forward", "reverse", "auto"):
        with pytest.raises(ValueTypeError, match="None"):
            s2sad.jacobian(none_in_output, mode=mode)(X)


# ------------------------------------ a list numpy reads as an array, in every mode

def sines_of_a_list(xs):
    return np.sum(np.sin(xs)) + np.sum(np.array(xs) ** 2)


def test_a_list_numpy_reads_as_an_array_gets_a_list_gradient_and_hessian():
    xs = [0.5, -1.0, 2.0]
    g = s2sad.grad(sines_of_a_list)(xs)
    assert type(g) is list and all(type(v) is float for v in g)
    np.testing.assert_allclose(g, np.cos(xs) + 2 * np.array(xs))   # by hand
    _, pullback = s2sad.vjp(sines_of_a_list)(xs)
    np.testing.assert_allclose(pullback(2.0), 2 * (np.cos(xs) + 2 * np.array(xs)))
    H = s2sad.hessian(sines_of_a_list)(xs)
    assert type(H) is list and all(type(row) is list for row in H)
    np.testing.assert_allclose(np.array(H, dtype=float), np.diag(2.0 - np.sin(xs)))
    hv = s2sad.hvp(sines_of_a_list)(xs, [1.0, 0.0, 2.0])
    assert type(hv) is list
    np.testing.assert_allclose(hv, (2.0 - np.sin(xs)) * np.array([1.0, 0.0, 2.0]))


# ------------------------------------------------------- check_grads with dicts

def wrongly_doubled_dict(p):
    return op_functions.wrong_double(p["a"]) + np.sum(p["b"] ** 2)


def test_check_grads_takes_dict_arguments_and_outputs():
    from s2sad.testing import check_grads, finite_difference_gradient
    p = {"W": W, "b": B}
    check_grads(dict_params, (p, X), modes=("reverse", "forward"))
    check_grads(dict_layer, (p, X), wrt=0, modes=("reverse", "forward"))
    check_grads(layer_and_norm, (p, X), modes=("reverse", "forward"))
    g = finite_difference_gradient(dict_params, (p, X), 0)
    assert list(g) == ["W", "b"] and g["W"].shape == W.shape
    # a wrong derivative is caught, and the element named by its key
    with pytest.raises(AssertionError, match=r"first bad index \['a'\]"):
        check_grads(wrongly_doubled_dict, ({"a": 0.5, "b": np.ones(2)},))
    # the value of a dict output must keep the output's keys, in order
    from s2sad.testing import _same_containers
    assert _same_containers({"b": 1.0, "a": 2.0}, {"a": 2.0, "b": 1.0}) is not None
    assert _same_containers({"a": [1.0, np.ones(2)]}, {"a": [2.0, np.zeros(2)]}) is None


# ------------------------------ a container derivative that does not fit is never returned

def mlp_of_pairs(layers, x):
    h = x
    for Wl, bl in layers:
        h = np.tanh(Wl @ h + bl)
    return np.sum(h ** 2)


def test_a_derivative_of_the_wrong_structure_is_an_error_not_a_gradient():
    from s2sad.api.matching import match_gradient as _match
    # a list adjoint concatenated instead of added ([a, b] + [c, d]) was cut to its
    # first items by zip: a silently wrong gradient; it is an internal error now
    with pytest.raises(s2sad.S2sadError, match=r"internal error.*value\[0\]: expected a tuple "
                                               r"of 2 .*got a tuple of 4"):
        _match([(W, B, W, B)], [(W, B)])
    with pytest.raises(s2sad.S2sadError, match=r'value\["W"\]: expected a dict'):
        _match({"W": 1.5}, {"W": {"a": 1.0}})
    assert _match({"W": None, "extra": 1.0}, {"W": W})["W"].shape == W.shape


def test_mlp_over_a_list_of_pairs_is_right_or_refused():
    rng = np.random.default_rng(0)
    layers = [(rng.normal(size=(3, 2)) * .5, rng.normal(size=3) * .5),
              (rng.normal(size=(1, 3)) * .5, rng.normal(size=1) * .5)]
    x = rng.normal(size=2)
    try:
        g = s2sad.grad(mlp_of_pairs)(layers, x)
    except s2sad.S2sadError as exc:   # never a wrong number (it was 0.0 for a bias entry)
        assert "internal error" in str(exc) or exc.location is not None
        return
    assert_tree_close(g, fd_gradient(mlp_of_pairs, (layers, x), 0), layers)
