"""Dict fixes found by a stranger reading the README (issue 12): ``d[k] op= v`` on an
item holding an array (Python updates the array in place: every other holder sees
it), ``d.get`` of a list, tuple or dict, loops over dicts that are not bare local
names, dicts returned by helpers, non-numeric dict leaves in forward mode, and the
refusals around ``.items()``/``dict(...)``.  Every derivative is checked against
central finite differences of the function itself (reverse, forward, second order),
and in code made without the arguments (``s2sad.source(f)`` exec'd, as the CLI
writes it)."""

import copy
import inspect

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import check_grads

X = np.array([0.3, -0.7, 1.1])


def _fd_grad(f, args, index, h=1e-6):
    """Central differences of scalar ``f`` with respect to the array ``args[index]``."""
    base = np.asarray(args[index], dtype=float)
    g = np.zeros(base.shape)
    for i in np.ndindex(base.shape):
        plus, minus = base.copy(), base.copy()
        plus[i] += h
        minus[i] -= h
        a = [copy.deepcopy(v) for v in args]
        b = [copy.deepcopy(v) for v in args]
        a[index], b[index] = plus, minus
        g[i] = (f(*a) - f(*b)) / (2 * h)
    return g


def _fd_hvp(f, x, v, h=1e-5):
    """Hessian-vector product by central differences of the (checked) gradient."""
    g = s2sad.grad(f)
    return (g(x + h * v) - g(x - h * v)) / (2 * h)


def _paths(tree, at=()):
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _paths(v, at + (k,))
    elif isinstance(tree, (list, tuple)):
        for i, v in enumerate(tree):
            yield from _paths(v, at + (i,))
    elif isinstance(tree, (float, np.ndarray)):
        yield at


def _get(tree, path):
    for k in path:
        tree = tree[k]
    return tree


def _replaced(tree, path, leaf):
    if not path:
        return leaf
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        out = dict(tree)
    else:
        out = list(tree)
    out[head] = _replaced(tree[head], rest, leaf)
    return type(tree)(out) if isinstance(tree, tuple) else out


def _fd_tree(f, tree, h=1e-6):
    """{path: central-difference gradient of the leaf} for scalar ``f`` of ``tree``."""
    out = {}
    for path in _paths(tree):
        leaf = _get(tree, path)
        arr = np.atleast_1d(np.asarray(leaf, dtype=float))
        g = np.zeros(arr.shape)
        for i in np.ndindex(arr.shape):
            plus, minus = arr.copy(), arr.copy()
            plus[i] += h
            minus[i] -= h
            back = (lambda a: a) if isinstance(leaf, np.ndarray) else (lambda a: float(a[0]))
            g[i] = (f(_replaced(copy.deepcopy(tree), path, back(plus)))
                    - f(_replaced(copy.deepcopy(tree), path, back(minus)))) / (2 * h)
        out[path] = g if isinstance(leaf, np.ndarray) else g[0]
    return out


def _check_tree_gradient(f, tree, grad):
    """``grad`` has the structure of ``tree`` and matches central differences."""
    assert type(grad) is type(tree) or isinstance(tree, (list, tuple)) and isinstance(
        grad, (list, tuple))
    assert list(_paths(grad)) == list(_paths(tree)), "the gradient's structure differs"
    for path, expected in _fd_tree(f, tree).items():
        np.testing.assert_allclose(_get(grad, path), expected, rtol=1e-6, atol=1e-7,
                                   err_msg=repr(path))


def _check_tree_every_mode(f, tree, direction):
    """Reverse, forward, second order and code made without the arguments, each
    against central differences."""
    _check_tree_gradient(f, tree, s2sad.grad(f)(copy.deepcopy(tree)))
    value, g = s2sad.value_and_grad(f)(copy.deepcopy(tree))
    assert value == pytest.approx(f(copy.deepcopy(tree)))
    fd = _fd_tree(f, tree)
    directional = sum(float(np.sum(fd[p] * _get(direction, p))) for p in fd)
    value, tangent = s2sad.jvp(f)(copy.deepcopy(tree), direction)
    assert value == pytest.approx(f(copy.deepcopy(tree)))
    assert tangent == pytest.approx(directional, rel=1e-6, abs=1e-8)
    # hvp against central differences of the gradient (itself checked above)
    hv = s2sad.hvp(f)(copy.deepcopy(tree), direction)
    h = 1e-5

    def shifted(sign):
        out = copy.deepcopy(tree)
        for p in _paths(tree):
            out = _replaced(out, p, _get(tree, p) + sign * h * _get(direction, p))
        return s2sad.grad(f)(out)
    plus, minus = shifted(1.0), shifted(-1.0)
    for p in _paths(tree):
        np.testing.assert_allclose(_get(hv, p), (_get(plus, p) - _get(minus, p)) / (2 * h),
                                   rtol=1e-5, atol=1e-6, err_msg=repr(p))
    ns = _generated(f)
    value, g = ns[f"{f.__name__}_value_and_grad"](copy.deepcopy(tree))
    assert value == pytest.approx(f(copy.deepcopy(tree)))
    _check_tree_gradient(f, tree, g)


def _generated(f, **options):
    """The module ``s2sad.source(f)`` writes (no arguments seen), exec'd."""
    namespace = {}
    exec(compile(s2sad.source(f, **options), "<generated>", "exec"), namespace)
    return namespace


# ------------------------------------------------ 1. d[k] op= v on an array item

def float_item_updated_on_a_copy(x):
    d = {"n": np.sum(x), "a": x * 1.0}
    e = dict(d)
    e["n"] += np.sum(x ** 2)      # a number: a new value, d["n"] stays
    e["n"] *= 2.0
    return d["n"] * e["n"]


def float_item_updated_in_a_loop(ws):
    stats = {"sum": 0.0, "sq": 0.0}
    for w in ws:
        stats["sum"] += np.sum(w)
        stats["sq"] += np.sum(w ** 2)
    return stats["sq"] / stats["sum"]


def array_item_updated_alone(x):
    acc = {"g": np.zeros(3), "h": x * 2.0}
    for i in range(3):
        acc["g"] += x * i
        acc["h"] -= 0.5 * x ** 2
    acc["g"] *= acc["h"]
    return np.sum(acc["g"] ** 2)


def array_item_of_a_parameter(p):
    for k in p:
        p[k] *= 2.0
    p["a"] += p["b"]
    return np.sum(p["a"] * p["b"])


UPDATED_CASES = [float_item_updated_on_a_copy, array_item_updated_alone]


@pytest.mark.parametrize("func", UPDATED_CASES, ids=[f.__name__ for f in UPDATED_CASES])
def test_item_updates_that_make_no_shared_change(func):
    check_grads(func, (X.copy(),), modes=("reverse", "forward"))
    v = np.array([0.4, -1.2, 0.9])
    np.testing.assert_allclose(s2sad.hvp(func)(X.copy(), v), _fd_hvp(func, X.copy(), v),
                               rtol=1e-5, atol=1e-6)
    ns = _generated(func)
    value, g = ns[f"{func.__name__}_value_and_grad"](X.copy())
    assert value == pytest.approx(func(X.copy()))
    np.testing.assert_allclose(g, _fd_grad(func, [X], 0), rtol=1e-6, atol=1e-7)


def test_float_items_updated_in_a_loop():
    ws = [np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0])]
    check_grads(float_item_updated_in_a_loop, (ws,), modes=("reverse", "forward"))


def test_array_items_of_a_parameter_updated():
    p = {"a": np.array([0.5, -1.0, 2.0]), "b": np.array([1.5, 0.25, -0.5])}
    before = copy.deepcopy(p)
    f = array_item_of_a_parameter
    value, g = s2sad.value_and_grad(f)(p)
    assert all(np.array_equal(p[k], before[k]) for k in p), "the caller's dict changed"
    assert value == pytest.approx(f(copy.deepcopy(before)))

    def at(k, arr):
        q = copy.deepcopy(before)
        q[k] = arr
        return f(q)
    t = {"a": np.array([0.3, 0.1, -0.2]), "b": np.array([-1.0, 0.5, 0.7])}
    directional = 0.0
    for k in before:
        expected = _fd_grad(lambda arr: at(k, arr), [before[k]], 0)
        np.testing.assert_allclose(g[k], expected, rtol=1e-6, atol=1e-7)
        directional += expected @ t[k]
    value, tangent = s2sad.jvp(f)(copy.deepcopy(before), t)
    assert tangent == pytest.approx(directional, rel=1e-6)
    hv = s2sad.hvp(f)(copy.deepcopy(before), t)
    h = 1e-5
    plus = s2sad.grad(f)({k: before[k] + h * t[k] for k in before})
    minus = s2sad.grad(f)({k: before[k] - h * t[k] for k in before})
    for k in before:
        np.testing.assert_allclose(hv[k], (plus[k] - minus[k]) / (2 * h), rtol=1e-5, atol=1e-6)


def copy_then_update(x):
    d = {"a": x * 2.0}
    e = d.copy()
    e["a"] *= 3.0                 # Python: d["a"] is the same array, tripled too
    return np.sum(d["a"] * x)


def splat_copy_then_update(x):
    d = {"a": x * 2.0}
    e = {**d}
    e["a"] += 1.0
    return np.sum(d["a"] * x)


def comprehension_copy_then_update(x):
    d = {"a": x * 2.0}
    e = {k: v for k, v in d.items()}
    e["a"] *= 3.0
    return np.sum(d["a"] * x)


def dict_of_parameter_then_update(p):
    q = dict(p)
    q["a"] *= 3.0
    return np.sum(p["a"] * q["a"])


def updated_then_update(p):
    q = {}
    q.update(p)
    q["a"] *= 3.0
    return np.sum(p["a"] * q["a"])


def name_read_after_update(p):
    w = p["a"]
    p["a"] += 1.0
    return np.sum(w * p["a"])


def local_name_in_the_dict(x):
    y = x * 2.0
    d = {"a": y}
    d["a"] *= 3.0
    return np.sum(y * d["a"])


def same_array_under_two_keys(x):
    y = x * 2.0
    d = {"a": y, "b": y}
    d["a"] += x
    return np.sum(d["b"])


def array_in_a_loop_also_named(p):
    z = np.zeros(3)
    acc = {"g": z}
    for i in range(3):
        acc["g"] += p * i
    return np.sum(acc["g"] ** 2) + np.sum(z * p)


def _step(params, grads, lr):
    new = dict(params)
    for k in new:
        new[k] -= lr * grads[k]
    return new


def optimizer_step_then_old_read(p, x):
    g = {"w": x * p["w"]}
    p2 = _step(p, g, 0.1)
    return np.sum(p["w"] ** 2) + np.sum(p2["w"] ** 2)


SHARED_CASES = [
    (copy_then_update, "e['a'] *= ..."), (splat_copy_then_update, "e['a'] += ..."),
    (comprehension_copy_then_update, "e['a'] *= ..."),
    (local_name_in_the_dict, "d['a'] *= ..."), (same_array_under_two_keys, "d['a'] += ..."),
    (array_in_a_loop_also_named, "acc['g'] += ..."),
]


@pytest.mark.parametrize("func, construct", SHARED_CASES,
                         ids=[f.__name__ for f, _ in SHARED_CASES])
def test_an_array_item_updated_in_place_that_another_holder_reads_is_refused(func, construct):
    # Python updates the array in place, and the other holder sees it: s2sad refuses
    # (never the old value), naming the line of the update
    lines, first = inspect.getsourcelines(func)
    written = construct.replace("'", '"').replace(" ...", "")
    line = first + [i for i, text in enumerate(lines) if written in text][0]
    for call in (lambda: s2sad.grad(func)(X.copy()),
                 lambda: s2sad.jvp(func)(X.copy(), np.ones(3)),
                 lambda: s2sad.hvp(func)(X.copy(), np.ones(3)),
                 lambda: _generated(func)[f"{func.__name__}_value_and_grad"](X.copy())):
        with pytest.raises(S2sadError) as info:
            call()
        assert construct in str(info.value)
        assert f":{line}:" in str(info.value)


@pytest.mark.parametrize("func", [dict_of_parameter_then_update, updated_then_update,
                                  name_read_after_update])
def test_an_array_item_of_a_parameter_updated_while_read_elsewhere_is_refused(func):
    p = {"a": np.array([0.5, -1.0, 2.0])}
    with pytest.raises(S2sadError, match="writes in place"):
        s2sad.grad(func)(copy.deepcopy(p))
    with pytest.raises(S2sadError, match="writes in place"):
        s2sad.jvp(func)(copy.deepcopy(p), {"a": np.ones(3)})


def test_a_helper_updating_its_argument_items_in_place_is_refused():
    p = {"w": np.array([0.5, -1.0, 2.0])}
    with pytest.raises(S2sadError, match=r"new\[k\] -= \.\.\."):
        s2sad.grad(optimizer_step_then_old_read, wrt=0)(copy.deepcopy(p), X.copy())


# ------------------------------------------------ 2. d.get(k) of a list, tuple or dict

def get_a_list(p):
    layers = p.get("layers", [])
    return np.sum(layers[0] ** 2) + np.sum(layers[1] * 3.0) * p["s"]


def get_a_tuple(p):
    W, b = p.get("wb")
    return np.sum(W ** 2) * b + b * 3.0


def get_a_dict(p):
    enc = p.get("enc", {})
    tot = 0.0
    for k in enc:
        tot = tot * 2.0 + np.sum(enc[k] ** 2)
    return tot * p["s"]


def get_a_dict_then_read(p):
    enc = p.get("enc")
    return np.sum(enc["W"] ** 2) * enc["b"] + np.sum(p.get("enc")["W"])


GET_CASES = [
    (get_a_list, {"layers": [np.array([0.5, 1.0, 2.0]), np.ones(2)], "s": 1.5},
     {"layers": [np.array([1.0, -0.5, 0.2]), np.array([0.3, 0.7])], "s": -0.4}),
    (get_a_tuple, {"wb": (np.array([0.5, 1.0, 2.0]), 2.0)},
     {"wb": (np.array([1.0, -0.5, 0.2]), 0.6)}),
    (get_a_dict, {"enc": {"W": np.array([0.5, 1.0, 2.0]), "b": 2.0}, "s": 1.5},
     {"enc": {"W": np.array([1.0, -0.5, 0.2]), "b": 0.3}, "s": -0.4}),
    (get_a_dict_then_read, {"enc": {"W": np.array([0.5, 1.0, 2.0]), "b": 2.0}},
     {"enc": {"W": np.array([1.0, -0.5, 0.2]), "b": 0.3}}),
]


@pytest.mark.parametrize("func, tree, direction", GET_CASES,
                         ids=[c[0].__name__ for c in GET_CASES])
def test_get_of_a_container_item(func, tree, direction):
    _check_tree_every_mode(func, tree, direction)


def test_hessian_through_get_of_a_list():
    p = {"layers": [np.array([0.5, 1.0, 2.0]), np.ones(2)], "s": 1.5}
    H = s2sad.hessian(get_a_list)(p)
    np.testing.assert_allclose(H["layers"][0]["layers"][0], 2.0 * np.eye(3))
    np.testing.assert_allclose(H["layers"][1]["s"], [3.0, 3.0])


# ------------------------------------------------ 3. loops over dicts not bare local names

def over_an_int_key_dict(x, order):
    s = 0.0
    for k in order:                # the keys 0, 1, 2 (never the values)
        s = s * 2.0 + x[k] ** 2
    return s


def enumerate_an_int_key_dict(x, order):
    s = 0.0
    for i, k in enumerate(order):
        s = s + (i + 1.0) * x[k] * x[order[k]]
    return s


def over_a_list_in_a_dict(x, cfg):
    s = 0.0
    for i in cfg["perm"]:          # a list: its items
        s = s * 3.0 + x[i] ** 2
    return s


def over_an_item_dict(p):
    tot = 0.0
    for k in p["enc"]:
        tot = tot * 2.0 + np.sum(p["enc"][k] ** 2)
    return tot


def nested_key_loops(p):
    tot = 0.0
    for k in p:
        for k2 in p[k]:
            tot = tot * 1.5 + np.sum(p[k][k2] * p[k][k2])
    return tot


def reversed_keys(p):
    tot = 0.0
    for k in reversed(p):
        tot = tot * 2.0 + np.sum(np.sin(p[k]))
    return tot


def zipped_keys(p):
    tot = 0.0
    for k, j in zip(p, p["b"]):
        tot = tot + np.sum(p[k]) * j
    return tot


def enumerated_keys(p):
    tot = 0.0
    for i, k in enumerate(p):
        tot = tot + (i + 1.0) * np.sum(p[k] ** 2)
    return tot


def _first_layer(ps):
    return ps[0]


def over_an_item_of_a_list(ps):
    tot = 0.0
    for name in ps[0]:
        tot = tot + np.sum(ps[0][name] * ps[1][name])
    return tot


NESTED = {"enc": {"W": np.array([0.5, 1.0, 2.0]), "b": 2.0},
          "dec": {"W": np.array([-0.5, 0.3, 1.2]), "c": 0.7}}
NESTED_T = {"enc": {"W": np.array([1.0, -0.5, 0.2]), "b": 0.3},
            "dec": {"W": np.array([0.1, 0.2, -0.3]), "c": -1.0}}
FLAT = {"a": np.array([0.5, 1.0, 2.0]), "b": np.array([1.5, -0.5, 0.25])}
FLAT_T = {"a": np.array([1.0, -0.5, 0.2]), "b": np.array([0.3, 0.1, -0.4])}

LOOP_CASES = [
    (over_an_item_dict, NESTED, NESTED_T), (nested_key_loops, NESTED, NESTED_T),
    (reversed_keys, FLAT, FLAT_T), (zipped_keys, FLAT, FLAT_T),
    (enumerated_keys, FLAT, FLAT_T),
]


@pytest.mark.parametrize("func, tree, direction", LOOP_CASES,
                         ids=[c[0].__name__ for c in LOOP_CASES])
def test_loops_over_dicts_that_are_not_bare_names(func, tree, direction):
    _check_tree_every_mode(func, tree, direction)


def test_loop_over_an_item_of_a_list_of_dicts():
    ps = [{"u": np.array([0.5, 1.0]), "v": 2.0}, {"u": np.array([1.5, -1.0]), "v": -0.5}]
    check_grads(over_an_item_of_a_list, (ps,), modes=("reverse", "forward"))
    ns = _generated(over_an_item_of_a_list)
    value, g = ns["over_an_item_of_a_list_value_and_grad"](copy.deepcopy(ps))
    assert value == pytest.approx(over_an_item_of_a_list(ps))
    _check_tree_gradient(over_an_item_of_a_list, ps, g)


INDEX_CASES = [(over_an_int_key_dict, {0: 1, 1: 0, 2: 2}),
               (enumerate_an_int_key_dict, {2: 0, 0: 1, 1: 2}),
               (over_a_list_in_a_dict, {"perm": [2, 0, 1, 0]})]


@pytest.mark.parametrize("func, order", INDEX_CASES, ids=[c[0].__name__ for c in INDEX_CASES])
def test_loops_over_a_non_differentiated_dict_argument(func, order):
    x = np.array([1.0, 2.0, -0.5])
    check_grads(func, (x, order), wrt=0, modes=("reverse", "forward"))
    v = np.array([0.4, -1.2, 0.9])
    f = lambda a: func(a, order)   # noqa: E731
    h = 1e-5
    expected = (s2sad.grad(func, wrt=0)(x + h * v, order)
                - s2sad.grad(func, wrt=0)(x - h * v, order)) / (2 * h)
    np.testing.assert_allclose(s2sad.hvp(func, wrt=0)(x, order, v), expected,
                               rtol=1e-5, atol=1e-6)
    ns = _generated(func, wrt=0)
    value, g = ns[f"{func.__name__}_value_and_grad"](x.copy(), order)
    assert value == pytest.approx(func(x, order))
    np.testing.assert_allclose(g, _fd_grad(f, [x], 0), rtol=1e-6, atol=1e-7)


# ------------------------------------------------ 4. a helper's dict indexed by other keys

def _make(p):
    return {"w": p["w"] * 2.0, "b": np.sin(p["b"]) * 3.0}


def _descend(p, g):
    return {k: p[k] - 0.05 * g[k] * p[k] for k in p}


def helper_dict_in_a_comprehension(p):
    g = _make(p)
    q = {k: p[k] - 0.05 * g[k] * p[k] for k in p}
    return np.sum(q["w"] ** 2) + q["b"] ** 2


def helper_dict_in_a_loop(p):
    g = _make(p)
    s = 0.0
    for k in p:
        s = s + np.sum(g[k] ** 2) * 0.5 + np.sum(p[k] * g[k])
    return s


def helper_dicts_through_helpers(p):
    g = _make(p)
    q = _descend(p, g)
    return np.sum(q["w"] ** 2) + q["b"] ** 2


HELPER_CASES = [helper_dict_in_a_comprehension, helper_dict_in_a_loop,
                helper_dicts_through_helpers]


@pytest.mark.parametrize("func", HELPER_CASES, ids=[f.__name__ for f in HELPER_CASES])
def test_a_helpers_dict_indexed_by_the_keys_of_another(func):
    _check_tree_every_mode(func, {"w": np.array([0.5, 1.0, -2.0]), "b": 0.2},
                           {"w": np.array([1.0, -0.5, 0.2]), "b": 0.7})


# ------------------------------------------------ 5. settings (strings) inside a dict argument

def with_a_setting(p):
    scale = 2.0 if p["mode"] == "x" else 1.0
    return np.sum(p["w"] ** 2 * np.sin(p["w"])) * scale * p["c"]


SETTING = {"w": np.array([0.5, 1.0, -2.0]), "mode": "x", "c": 1.5}


@pytest.mark.parametrize("none", [0.0, None])
def test_a_setting_takes_no_tangent(none):
    t = {"w": np.array([1.0, -0.5, 0.2]), "mode": none, "c": 0.3}
    fd = _fd_tree(with_a_setting, SETTING)
    value, tangent = s2sad.jvp(with_a_setting)(copy.deepcopy(SETTING), t)
    assert value == pytest.approx(with_a_setting(SETTING))
    assert tangent == pytest.approx(fd[("w",)] @ t["w"] + fd[("c",)] * 0.3, rel=1e-6)
    hv = s2sad.hvp(with_a_setting)(copy.deepcopy(SETTING), t)
    h = 1e-5
    plus = s2sad.grad(with_a_setting)({**SETTING, "w": SETTING["w"] + h * t["w"],
                                       "c": SETTING["c"] + h * 0.3})
    minus = s2sad.grad(with_a_setting)({**SETTING, "w": SETTING["w"] - h * t["w"],
                                        "c": SETTING["c"] - h * 0.3})
    assert list(hv) == ["w", "mode", "c"] and hv["mode"] == 0.0
    np.testing.assert_allclose(hv["w"], (plus["w"] - minus["w"]) / (2 * h), rtol=1e-5)
    assert hv["c"] == pytest.approx((plus["c"] - minus["c"]) / (2 * h), rel=1e-5)


def test_hessian_and_jacobian_of_a_dict_with_a_setting():
    fd = _fd_tree(with_a_setting, SETTING)
    J = s2sad.jacobian(with_a_setting)(copy.deepcopy(SETTING))
    np.testing.assert_allclose(J["w"], fd[("w",)], rtol=1e-6)
    assert J["c"] == pytest.approx(fd[("c",)], rel=1e-6) and J["mode"] == 0.0
    H = s2sad.hessian(with_a_setting)(copy.deepcopy(SETTING))
    w = SETTING["w"]
    # d2/dw2 of sum(w^2 sin w) * 2 * c: diagonal (2 sin w + 4 w cos w - w^2 sin w) * 2c
    diag = (2 * np.sin(w) + 4 * w * np.cos(w) - w ** 2 * np.sin(w)) * 2.0 * SETTING["c"]
    np.testing.assert_allclose(H["w"]["w"], np.diag(diag), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(H["w"]["c"], fd[("w",)] / SETTING["c"], rtol=1e-6)
    np.testing.assert_array_equal(H["w"]["mode"], np.zeros(3))
    np.testing.assert_array_equal(H["mode"]["w"], np.zeros(3))
    assert H["mode"]["mode"] == 0.0 and H["c"]["c"] == 0.0


def test_a_nonzero_tangent_for_a_setting_is_refused_with_its_path():
    t = {"w": np.ones(3), "mode": 1.5, "c": 0.0}
    with pytest.raises(S2sadError, match=r"p\[.mode.\].*str \('x'\).*no derivative"):
        s2sad.jvp(with_a_setting)(copy.deepcopy(SETTING), t)


# ------------------------------------------------ 6. .items() of any dict, dict(...) forms, |

def items_of_an_item(p):
    tot = 0.0
    for k, v in p["enc"].items():
        tot = tot * 2.0 + np.sum(v ** 2)
    for v in p["enc"].values():
        tot = tot + np.sum(np.sin(v))
    for k in p["enc"].keys():
        tot = tot + np.sum(p["enc"][k])
    return tot


def enumerate_and_zip_items(p):
    tot = 0.0
    for i, (k, v) in enumerate(p["enc"].items()):
        tot = tot + (i + 1.0) * np.sum(v ** 2)
    for (k, v), (k2, w) in zip(p["enc"].items(), p["dec"].items()):
        tot = tot + np.sum(v) * np.sum(w)
    return tot


def sorted_and_reversed_items(p):
    tot = 0.0
    for i, (k, v) in enumerate(sorted(p["dec"].items())):
        tot = tot * 2.0 + np.sum(v ** 2) * (i + 1.0)
    for k, v in reversed(list(p["enc"].items())):
        tot = tot * 1.5 + np.sum(v * v)
    return tot


def dict_forms(p):
    a = dict([("u", p["enc"]["W"]), ("v", p["enc"]["b"] * 2.0)])
    b = dict(a, w=p["dec"]["c"] * 3.0)
    c = b | {"z": np.sum(p["dec"]["W"])}
    c |= {"u": a["u"] * c["z"]}
    return np.sum(c["u"] ** 2) * c["v"] + c["w"] * c["z"]


FORM_CASES = [items_of_an_item, enumerate_and_zip_items, sorted_and_reversed_items,
              dict_forms]


@pytest.mark.parametrize("func", FORM_CASES, ids=[f.__name__ for f in FORM_CASES])
def test_items_of_any_dict_and_the_forms_of_dict(func):
    _check_tree_every_mode(func, NESTED, NESTED_T)


def sorted_values(x):
    ys = sorted([x[2], x[0] * 3.0, x[1]])
    return ys[0] + 2.0 * ys[1] + 3.0 * ys[2] * ys[0]


def test_sorted_list():
    x = np.array([0.3, -1.0, 2.0])
    check_grads(sorted_values, (x,), modes=("reverse", "forward"))
    v = np.array([0.4, -1.2, 0.9])
    np.testing.assert_allclose(s2sad.hvp(sorted_values)(x, v), _fd_hvp(sorted_values, x, v),
                               rtol=1e-5, atol=1e-6)


def alias_updated_by_or(x):
    d = {"a": x * 2.0}
    e = d
    e |= {"b": x ** 2}
    return np.sum(d["b"] * d["a"])


def test_or_update_is_seen_through_every_name():
    check_grads(alias_updated_by_or, (X.copy(),), modes=("reverse", "forward"))


def dict_of_pairs(x):
    pairs = [("a", x * 1.5), ("b", np.sin(x))]
    d = dict(pairs)
    return np.sum(d["a"] * d["b"])


def dict_of_pairs_argument(x, pairs):
    d = dict(pairs)
    return np.sum(d["a"] * x ** 2) + d["b"]


def dict_of_a_dict_updated_in_place(p):
    q = dict(p)
    for k in q:
        q[k] *= 2.0
    s = 0.0
    for k in p:
        s = s + np.sum(p[k] * q[k])
    return s


def test_dict_of_pairs_held_by_a_name():
    check_grads(dict_of_pairs, (X.copy(),), modes=("reverse", "forward"))
    v = np.array([0.4, -1.2, 0.9])
    np.testing.assert_allclose(s2sad.hvp(dict_of_pairs)(X.copy(), v),
                               _fd_hvp(dict_of_pairs, X.copy(), v), rtol=1e-5, atol=1e-6)
    ns = _generated(dict_of_pairs)
    value, g = ns["dict_of_pairs_value_and_grad"](X.copy())
    assert value == pytest.approx(dict_of_pairs(X.copy()))
    np.testing.assert_allclose(g, _fd_grad(dict_of_pairs, [X], 0), rtol=1e-6, atol=1e-7)


def test_dict_of_pairs_given_as_an_argument():
    pairs = [("a", np.array([0.5, -1.0, 2.0])), ("b", 0.75)]
    check_grads(dict_of_pairs_argument, (X.copy(), pairs), modes=("reverse", "forward"))


def test_dict_of_a_dict_argument_then_updated_in_place_is_refused():
    p = {"a": np.array([0.5, -1.0, 2.0]), "b": np.ones(2)}
    with pytest.raises(S2sadError, match=r"q\[k\] \*= \.\.\..*may also change 'p'"):
        s2sad.grad(dict_of_a_dict_updated_in_place)(copy.deepcopy(p))
    ns = _generated(dict_of_a_dict_updated_in_place)
    with pytest.raises(S2sadError, match=r"q\[k\] \*= \.\.\."):
        ns["dict_of_a_dict_updated_in_place_value_and_grad"](copy.deepcopy(p))


def update_from_an_item(p):
    q = dict(p["outer"])
    q.update(p["inner"])
    return np.sum(q["W"] ** 2) * q["c"]


def test_update_from_an_item_of_a_dict():
    p = {"outer": {"W": np.array([0.5, -1.0, 2.0]), "c": 1.5},
         "inner": {"W": np.array([1.0, 0.25, -0.5])}}
    t = {"outer": {"W": np.array([0.1, 0.2, 0.3]), "c": -0.5},
         "inner": {"W": np.array([1.0, -1.0, 0.5])}}
    _check_tree_every_mode(update_from_an_item, p, t)


def over_a_dict_chosen_in_a_branch(x, order, other, flag):
    src = order if flag > 0 else other
    s = 0.0
    for k in src:
        s = s * 2.0 + x[k] ** 2
    return s


def test_loop_over_a_dict_argument_chosen_in_a_branch():
    x = np.array([1.0, 2.0, -0.5])
    order, other = {0: 2, 1: 0, 2: 1}, {2: 0, 1: 1}
    for flag in (1.0, -1.0):
        check_grads(over_a_dict_chosen_in_a_branch, (x, order, other, flag), wrt=0,
                    modes=("reverse", "forward"))
        ns = _generated(over_a_dict_chosen_in_a_branch, wrt=0)
        value, g = ns["over_a_dict_chosen_in_a_branch_value_and_grad"](x, order, other, flag)
        f = lambda a: over_a_dict_chosen_in_a_branch(a, order, other, flag)   # noqa: E731
        assert value == pytest.approx(f(x))
        np.testing.assert_allclose(g, _fd_grad(f, [x], 0), rtol=1e-6, atol=1e-7)


def loop_and_item_of_a_list(xs):
    tot = 0.0
    for e in xs:
        tot = tot + np.sin(e) * xs[0]
    return tot


def test_loop_over_a_list_argument_also_read_by_item():
    # the loop's adjoint (through loop_items) and the item's add leaf by leaf
    xs = [0.5, -1.5, 2.0]
    check_grads(loop_and_item_of_a_list, (xs,), modes=("reverse", "forward"))
    ns = _generated(loop_and_item_of_a_list)
    value, g = ns["loop_and_item_of_a_list_value_and_grad"](list(xs))
    assert value == pytest.approx(loop_and_item_of_a_list(xs))
    h = 1e-6
    for i in range(3):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        fd = (loop_and_item_of_a_list(up) - loop_and_item_of_a_list(down)) / (2 * h)
        assert g[i] == pytest.approx(fd, rel=1e-6)


def int_key_item_updated_while_named(p):
    w = p[0]
    for k in p:
        p[k] *= 2.0
    return np.sum(w * p[0])


def int_key_items_updated(p):
    for k in p:
        p[k] *= 2.0
    s = 0.0
    for k in p:
        s = s + np.sum(p[k] ** 2)
    return s


def test_int_key_items_updated_in_place():
    p = {0: np.array([0.5, -1.0, 2.0]), 1: np.ones(2)}
    # Python: w is p[0] itself, doubled too (s2sad gave the old w: half the value)
    with pytest.raises(S2sadError, match=r"p\[k\] \*= \.\.\..*'w'"):
        s2sad.grad(int_key_item_updated_while_named)(copy.deepcopy(p))
    value, g = s2sad.value_and_grad(int_key_items_updated)(copy.deepcopy(p))
    assert value == pytest.approx(int_key_items_updated(copy.deepcopy(p)))
    for k in p:
        def at(arr, k=k):
            q = copy.deepcopy(p)
            q[k] = arr
            return int_key_items_updated(q)
        np.testing.assert_allclose(g[k], _fd_grad(at, [p[k]], 0), rtol=1e-6)
