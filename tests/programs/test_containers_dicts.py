"""Dicts as values (issue 12): item writes and new keys, nested dicts, .get, len, 'in',
dict(...), comprehensions, .update, loops over keys/items/values, dict parameters the
function writes into, and the aliasing of dicts -- in reverse mode, forward mode and
second order, each against central finite differences of the function itself."""

import copy

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedArgumentsError, UnsupportedSyntaxError

RNG = np.random.default_rng(12)
X = np.array([0.3, -0.7, 1.1])
P = {"W": np.array([0.5, 1.5, -0.4]), "b": np.array([2.0, -1.0, 0.25])}


# ---------------------------------------------------------------- the programs

def write_existing_key(x):
    d = {"v": x}
    d["v"] = d["v"] * 2.0          # rebinds the item: x itself is never written into
    return np.sum(d["v"] * x)


def write_new_key(x):
    d = {"v": x * 1.0}
    d["w"] = d["v"] * 3.0
    return np.sum(d["w"] * np.sin(d["v"]))


def write_loop_keys(x):
    d = {"a": x, "b": np.cos(x)}
    for k in ["a", "b"]:
        d[k] = d[k] * x
    return np.sum(d["a"] + d["b"] * d["a"])


def write_nested(x):
    d = {"layer": {"W": x, "c": 2.0}}
    d["layer"]["W"] = d["layer"]["W"] * d["layer"]["c"]
    d["layer"]["new"] = np.exp(d["layer"]["W"])
    return np.sum(d["layer"]["new"] * x)


def write_int_keys(x):
    d = {}
    for i in range(3):
        d[i] = x * (i + 1.0)
    d[1] = d[1] * d[2]
    return np.sum(d[0] * d[1])


def update_in_loop(x):
    state = {"pos": x, "vel": np.zeros(3)}
    for _ in range(4):
        state["vel"] = 0.9 * state["vel"] - 0.1 * np.sin(state["pos"])
        state["pos"] = state["pos"] + state["vel"]
    return np.sum(state["pos"] ** 2)


def augmented_items(x):
    d = {"v": x * 1.0}
    d["v"] += x
    d["v"] *= x
    return np.sum(d["v"])


def item_read_then_written(x):
    d = {"v": x * 1.0}
    h = d["v"]                     # an item: the write below does not change h
    d["v"] = h * 3.0
    return np.sum(h * d["v"])


def get_in_len(x):
    d = {"W": np.sin(x)}
    s = np.sum(d.get("W") * x) + np.sum(d.get("c", 2.0) * x)
    for k in ["W", "b", "W"]:
        if k in d:
            s = s + len(d) * np.sum(d[k] * x)
        else:
            d[k] = x * x
    return s


def dict_constructors(x):
    d = dict(zip(["a", "b"], [x, x * x]))
    e = dict(d)                    # a new dict: writing e leaves d as it is
    e["a"] = e["a"] * 3.0
    f = dict(u=np.sin(x), w=2.0)
    g = f.copy()                   # a dict's copy, not np.copy
    g["w"] = g["u"] * x
    return np.sum(d["a"] * e["a"] + e["b"] + f["u"] * f["w"] + g["w"])


def comprehensions(x):
    d = {k: x * (i + 1.0) for i, k in enumerate(["a", "b", "c"])}
    sq = {k: v * v for k, v in d.items() if k != "a"}
    return np.sum(d["b"] * sq["c"] + sq["b"])


def updates(x):
    d = {"a": x}
    d.update({"b": x * x, "a": d["a"] * 3.0})
    d.update(c=np.sin(x))
    e = {"z": 2.0 * x}
    d.update(e)
    return np.sum(d["a"] * d["b"] + d["c"] + d["z"] * x) + len(d)


def ordered_over_keys(x):
    d = {"b": x, "a": np.sin(x), "c": x * x}
    s = 1.0
    for k in d:                    # insertion order; s depends on it
        s = s * 0.5 + np.sum(d[k] * s)
    return s


def ordered_over_items(x):
    d = {"b": x, "a": np.sin(x)}
    d["c"] = x * x
    s = 1.0
    for k, v in d.items():
        s = s * 0.5 + np.sum(v * s)
    return s


def ordered_over_values(x):
    d = {"b": x, "a": np.sin(x), "c": x * x}
    s = 1.0
    for v in d.values():
        s = s * 0.5 + np.sum(v * s)
    return s


def ordered_over_keys_method(x):
    d = {"b": x, "a": np.sin(x), "c": x * x}
    q = {}
    for k in d.keys():
        q[k] = d[k] * x
    s = 1.0
    for v in q.values():
        s = s * 0.5 + np.sum(v * s)
    return s


def enumerate_zip_reversed(x):
    d = {"a": x, "b": x * x}
    s = 0.0
    for i, k in enumerate(d):
        s = s * 0.5 + (i + 1.0) * np.sum(d[k])
    for k, c in zip(reversed(d), [2.0, 3.0]):
        s = s * 0.5 + c * np.sum(np.sin(d[k]))
    return s


def display_keys(x):
    k1, k2 = "a", "b"
    d = {"a": x, "a": np.sin(x), 0: x * x}   # a key twice: its last value, as in Python
    e = {k1: x, k2: d["a"] * 2.0, "c": d[0]}   # keys computed when the code runs
    f = {k1: x, "a": e["b"]}
    return np.sum(d["a"] * d[0] + e["b"] * e["c"] + f["a"] * x)


def rebinds_the_looped_name(x):
    d = {"a": x, "b": x * 2.0}
    s = 0.0
    for k, v in d.items():         # Python keeps looping over the first dict
        s = s * 0.5 + np.sum(v * x)
        d = {"a": v * 3.0, "b": v * 5.0}
    return s + np.sum(d["a"])


def comprehension_scope(x):
    k = x * 2.0                    # the comprehensions' k and i are their own
    d = {k: x * 3.0 for k in ["a", "b"]}
    i = x * 0.5
    ys = [x * i for i in range(3)]
    return np.sum(k * d["b"] + i * ys[2])


def views_as_values(x):
    d = {"a": x, "b": np.sin(x), "c": x * x}
    s = sum(d.values())
    return np.sum(s * x) + len(d.keys())


def unpacking_displays(x):
    p = {"W": x, "b": np.sin(x)}
    q = {**p, "W": p["W"] * 3.0}               # a functional update
    r = {"z": x * x, **q, "b": q["b"] * x}
    s = {**r}
    s["W"] = x * 5.0
    return np.sum(q["W"] * p["W"] + r["b"] * r["z"] + q["b"] + s["W"] * r["W"])


def rebuilt_in_a_loop(x):
    state = {"m": x * 0.0, "v": x}
    for _ in range(3):
        state = {**state, "m": state["m"] * 0.9 + x}      # a new dict each step
        state = {k: v * np.cos(x) for k, v in state.items()}
    return np.sum(state["m"] * state["v"])


def sum_of_parameter_values(p, x):
    return np.sum(sum(p.values()) * x)


SCALES = {"a": 2.0, "b": 3.0}


def over_a_global_dict(x):
    s = 0.0
    for k, v in SCALES.items():
        s = s * 0.5 + v * np.sum(x ** 2)
    for k in SCALES:
        s = s + SCALES[k] * np.sum(np.sin(x))
    return s


def write_while_iterating(x):
    d = {"a": x, "b": x * x}
    for k in d:
        d[k] = d[k] * x            # existing keys: allowed while iterating, as in Python
    for k, v in d.items():
        d[k] = v + x
    return np.sum(d["a"] * d["b"])


def three_levels(x):
    d = {"p": {"q": {"r": x}}}
    d["p"]["q"]["r"] = d["p"]["q"]["r"] * x
    d["p"]["s"] = np.sin(x)
    d["p"]["q"]["r"] += x
    return np.sum(d["p"]["q"]["r"] + d["p"]["s"])


def while_state(x):
    d = {"v": x, "n": 0.0}
    while d["n"] < 3:
        d["v"] = d["v"] * x
        d["n"] = d["n"] + 1.0
    return np.sum(d["v"])


def _make(x):
    return {"a": x, "b": x * x}


def _item(d):
    return d["a"] * 2.0


def _set_on_copy(d, x):
    d = dict(d)
    d["z"] = x * 2.0
    return d


def through_helpers(x):
    d = _make(x)
    d["c"] = _item(d)
    e = _set_on_copy(d, x)
    f = dict(_make(x))
    f["a"] = f["b"] * e["z"]
    return np.sum(d["c"] * d["b"] + e["z"] * f["a"])


def _set_in_place(d, x):
    d["z"] = x * 2.0
    return np.sum(d["z"])


def helper_writes_its_dict(x):
    d = {"a": x}
    s = _set_in_place(d, x)
    return s + np.sum(d["a"])


def branches(x, c):
    d = {"a": x}
    if c > 0:
        d["a"] = x * 2.0
    else:
        d["b"] = np.sin(x)
    s = 0.0
    for k, v in d.items():
        s = s * 0.5 + np.sum(v * x)
    return s


def unknown_kind_parameter(p, keys, x):
    for k in keys:
        p[k] = p[k] * x
    return np.sum(p[keys[0]])


def copied_parameter(p, keys, x):
    p = dict(p)
    for k in keys:
        p[k] = p[k] * x
    return np.sum(p[keys[0]])


def iterate_parameter(p, x):
    s = 0.0
    for k in p:
        s = s * 0.5 + np.sum(p[k] * x)
    for k, v in p.items():
        s = s + np.sum(np.sin(v * x))
    return s


def write_parameter(p, x):
    p["b"] = p["W"] * x            # the caller's dict must not change
    return np.sum(p["b"] * p["W"])


def write_parameter_keys(p, x):
    for k in ["W", "b"]:
        p[k] = p.get(k, 1.0) * x
    return np.sum(p["W"] * p["b"])


def write_parameter_nested(p, x):
    p["layer"]["W"] = p["layer"]["W"] * x
    return np.sum(p["layer"]["W"] * p["b"])


def alias_followed(x):
    d = {"v": x * 1.0}
    e = d                          # the same dict: the write through d shows in e
    d["v"] = x * 3.0
    e["w"] = np.sin(e["v"])
    return np.sum(e["v"] * d["w"])


def alias_followed_in_branch(x):
    d = {"v": x * 1.0}
    if np.sum(x) > 0:
        e = d
        e["v"] = e["v"] * x
    else:
        e = {"v": x}
    return np.sum(d["v"] * e["v"])


def alias_in_loop(x):
    d = {"v": x * 1.0}
    e = d
    for _ in range(2):
        d["v"] = d["v"] * x
    return np.sum(e["v"])


def alias_inner_in_a_list(x):
    n = {"in": {"w": x}}
    m = [n]                        # a list holding n: not followed
    inner = n["in"]
    inner["w"] = x * 2.0
    return np.sum(m[0]["in"]["w"])


def alias_held_under_two_keys(x):
    inner = {"w": x}
    n = {"b": inner, "c": inner}
    inner["w"] = x * 2.0
    return np.sum(n["b"]["w"])


def alias_inner(x):
    outer = {"in": {"v": x}}
    inner = outer["in"]
    inner["v"] = x * 2.0
    return np.sum(outer["in"]["v"])


def alias_branch(x, c):
    d = {"a": x}
    e = {"a": x * 2.0}
    if c > 0:
        f = d
    else:
        f = e
    f["a"] = x * 5.0
    return np.sum(d["a"] + f["a"])


def alias_nested_read(x):
    d = {"layer": {"W": x}}
    layer = d["layer"]
    d["layer"]["W"] = x * 2.0
    return np.sum(layer["W"])


def alias_through_levels(x):
    top = {"n": {"in": {"w": x}}}
    n = top["n"]
    inner = n["in"]
    a = n["in"]
    inner["w"] = inner["w"] * x    # the same dict as a, n["in"], top["n"]["in"]
    a["v"] = np.sin(x)
    d = {"a": x}
    outer = {"d": d, "z": 2.0}
    d["a"] = d["a"] * x
    return np.sum(top["n"]["in"]["w"] * a["v"] + n["in"]["v"] + outer["d"]["a"])


def alias_copy_of_outer(x):
    n = {"in": {"w": x}}
    m = dict(n)                    # a shallow copy: m["in"] is n["in"]
    inner = n["in"]
    inner["w"] = x * 2.0
    return np.sum(m["in"]["w"])


def alias_item_in_list(x):
    n = {"in": {"w": x}}
    m = [n["in"]]
    n["in"]["w"] = x * 2.0
    return np.sum(m[0]["w"])


def alias_given_inner(x):
    inner = {"w": x}
    n = {"a": 1.0}
    n["in"] = inner
    n["in"]["w"] = x * 2.0
    return np.sum(inner["w"])


def array_through_item(x):
    d = {"v": x}
    d["v"][0] = 5.0
    return np.sum(d["v"])


# ---------------------------------------------------------------- references

def _fd_grad(f, args, wrt, eps=1e-6):
    """Central differences of a scalar f with respect to args[wrt] (an array or a
    dict of arrays), leaf by leaf, element by element."""
    def at(path, index, step):
        moved = copy.deepcopy(list(args))
        leaf = moved[wrt] if path is None else moved[wrt][path]
        leaf[index] += step
        return f(*moved)

    def leaf_grad(path):
        leaf = args[wrt] if path is None else args[wrt][path]
        g = np.zeros_like(leaf)
        for index in np.ndindex(leaf.shape):
            g[index] = (at(path, index, eps) - at(path, index, -eps)) / (2 * eps)
        return g

    if isinstance(args[wrt], dict):
        return {k: leaf_grad(k) for k in args[wrt]}
    return leaf_grad(None)


def _fd_directional(f, args, wrt, t, eps=1e-6):
    plus, minus = copy.deepcopy(list(args)), copy.deepcopy(list(args))
    plus[wrt] = args[wrt] + eps * t
    minus[wrt] = args[wrt] - eps * t
    return (f(*plus) - f(*minus)) / (2 * eps)


def _fd_hessian(f, args, wrt, eps=1e-4):
    """Second central differences of f itself (no derivative code involved)."""
    x = args[wrt]
    n = x.size
    H = np.zeros((n, n))

    def at(steps):
        moved = copy.deepcopy(list(args))
        moved[wrt] = x + steps
        return f(*moved)

    for i in range(n):
        for j in range(n):
            ei, ej = np.zeros(n), np.zeros(n)
            ei[i], ej[j] = eps, eps
            H[i, j] = (at(ei + ej) - at(ei - ej) - at(ej - ei) + at(-ei - ej)) / (4 * eps * eps)
    return H


# ---------------------------------------------------------------- all modes

ARRAY_CASES = [
    write_existing_key, write_new_key, write_loop_keys, write_nested, write_int_keys,
    update_in_loop, augmented_items, item_read_then_written, get_in_len, dict_constructors,
    comprehensions, updates, ordered_over_keys, ordered_over_items, ordered_over_values,
    ordered_over_keys_method, enumerate_zip_reversed, write_while_iterating, three_levels,
    while_state, through_helpers, display_keys, alias_followed, alias_followed_in_branch,
    over_a_global_dict, rebinds_the_looped_name, comprehension_scope,
    alias_inner, alias_nested_read, alias_given_inner, alias_through_levels, views_as_values,
    unpacking_displays, rebuilt_in_a_loop,
]


@pytest.mark.parametrize("func", ARRAY_CASES, ids=[f.__name__ for f in ARRAY_CASES])
def test_reverse_mode(func):
    g = s2sad.grad(func)(X.copy())
    np.testing.assert_allclose(g, _fd_grad(func, [X], 0), rtol=1e-6, atol=1e-7)
    value, g2 = s2sad.value_and_grad(func)(X.copy())
    assert value == pytest.approx(func(X.copy()), rel=1e-12)
    np.testing.assert_allclose(g2, g, rtol=1e-12)


@pytest.mark.parametrize("func", ARRAY_CASES, ids=[f.__name__ for f in ARRAY_CASES])
def test_forward_mode(func):
    t = RNG.normal(size=X.shape)
    value, tangent = s2sad.jvp(func)(X.copy(), t)
    assert value == pytest.approx(func(X.copy()), rel=1e-12)
    assert tangent == pytest.approx(_fd_directional(func, [X], 0, t), rel=1e-6, abs=1e-7)


@pytest.mark.parametrize("func", ARRAY_CASES, ids=[f.__name__ for f in ARRAY_CASES])
def test_second_order(func):
    H = s2sad.hessian(func)(X.copy())
    np.testing.assert_allclose(H, _fd_hessian(func, [X], 0), rtol=1e-5, atol=1e-5)
    v = RNG.normal(size=X.shape)
    np.testing.assert_allclose(s2sad.hvp(func)(X.copy(), v), H @ v, rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- dict parameters

PARAM_CASES = [iterate_parameter, write_parameter, write_parameter_keys,
               sum_of_parameter_values]


@pytest.mark.parametrize("func", PARAM_CASES, ids=[f.__name__ for f in PARAM_CASES])
def test_dict_parameter_every_mode(func):
    p = copy.deepcopy(P)
    before = copy.deepcopy(p)
    gp, gx = s2sad.grad(func, wrt=(0, 1))(p, X.copy())
    assert list(p) == list(before) and all(p[k] is not None and np.array_equal(p[k], before[k])
                                           for k in before), "the caller's dict changed"
    expected_p = _fd_grad(func, [P, X], 0)
    assert isinstance(gp, dict) and list(gp) == list(P)
    for k in P:
        np.testing.assert_allclose(gp[k], expected_p[k], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gx, _fd_grad(func, [P, X], 1), rtol=1e-6, atol=1e-7)
    t = RNG.normal(size=X.shape)
    _, tangent = s2sad.jvp(func, wrt=1)(copy.deepcopy(P), X.copy(), t)
    assert tangent == pytest.approx(_fd_directional(func, [P, X], 1, t), rel=1e-6, abs=1e-7)
    H = s2sad.hessian(func, wrt=1)(copy.deepcopy(P), X.copy())
    np.testing.assert_allclose(H, _fd_hessian(func, [P, X], 1), rtol=1e-5, atol=1e-5)


def test_nested_dict_parameter_written_is_left_as_it_is():
    p = {"layer": {"W": np.array([0.5, 1.5, -0.4])}, "b": np.array([2.0, -1.0, 0.25])}
    inner = p["layer"]
    g = s2sad.grad(write_parameter_nested, wrt=1)(p, X.copy())
    np.testing.assert_allclose(g, _fd_grad(write_parameter_nested, [p, X], 1), rtol=1e-6)
    assert p["layer"] is inner and np.array_equal(inner["W"], [0.5, 1.5, -0.4])
    assert list(p["layer"]) == ["W"]


def test_a_dict_parameter_written_is_not_copied_as_an_array():
    text = s2sad.source(write_parameter, wrt=1)
    assert "np.copy(p)" not in text and "p_1 = dict_set(p, 'b', mul)" in text


def test_an_argument_sharing_the_written_dict_is_refused_when_the_code_runs():
    p = copy.deepcopy(P)

    def both(p, q):
        p["W"] = p["W"] * 2.0
        return np.sum(q["W"])

    with pytest.raises(SharedArgumentsError, match="writes items into its argument 'p'"):
        s2sad.grad(both)(p, p)
    # two distinct dicts holding the same arrays are fine: an item write rebinds an item
    q = dict(p)
    g = s2sad.grad(both, wrt=1)(p, q)
    np.testing.assert_allclose(g["W"], np.ones(3))


# ---------------------------------------------------------------- generated code

def test_item_writes_are_new_dicts_not_taped_overwrites():
    text = s2sad.source(write_new_key)
    assert "d_1 = dict_set(d, 'w', mul_1)" in text
    assert "overwritten(" not in text and "tape" not in text


def test_loop_over_items_reads_keys_in_order():
    text = s2sad.source(ordered_over_items)
    assert "keys = dict_keys(d_1)" in text
    assert "k = keys[index]" in text and "v = d_1[k]" in text
    assert "reversed(range(n))" in text


# ---------------------------------------------------------------- aliasing

@pytest.mark.parametrize("func, line, other", [
    (alias_in_loop, "d[\"v\"] = d[\"v\"] * x", "'e'"),
    (alias_branch, "f[\"a\"] = x * 5.0", "'d'"),
    (alias_copy_of_outer, "inner[\"w\"] = x * 2.0", "'m'"),
    (alias_item_in_list, "n[\"in\"][\"w\"] = x * 2.0", "'m'"),
    (alias_inner_in_a_list, "inner[\"w\"] = x * 2.0", "'m'"),
    (alias_held_under_two_keys, "inner[\"w\"] = x * 2.0", "'n'"),
])
def test_a_dict_changed_through_another_name_is_refused_with_its_place(func, line, other):
    args = (X.copy(), 1.0) if func is alias_branch else (X.copy(),)
    for make in (s2sad.grad, s2sad.jvp):
        with pytest.raises(UnsupportedSyntaxError) as info:
            made = make(func)
            made(*args, X.copy()) if make is s2sad.jvp else made(*args)
        text = str(info.value)
        assert line in text and other in text and "test_containers_dicts.py" in text


def test_a_write_into_an_array_through_an_item_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match="a write into a value a dict holds") \
            as info:
        s2sad.grad(array_through_item)(X.copy())
    # (a hint that works as written: d["v", 0] = ... would be a KeyError)
    assert "item = d['v'].copy(); item[0] = ...; d['v'] = item" in str(info.value)


@pytest.mark.parametrize("c", [1.0, -1.0])
def test_items_written_in_branches(c):
    g = s2sad.grad(branches)(X.copy(), c)
    np.testing.assert_allclose(g, _fd_grad(branches, [X, c], 0), rtol=1e-6, atol=1e-7)
    t = RNG.normal(size=X.shape)
    _, tangent = s2sad.jvp(branches)(X.copy(), c, t)
    assert tangent == pytest.approx(_fd_directional(branches, [X, c], 0, t), rel=1e-6)
    H = s2sad.hessian(branches)(X.copy(), c)
    np.testing.assert_allclose(H, _fd_hessian(branches, [X, c], 0), rtol=1e-5, atol=1e-5)


def test_a_helper_writing_into_its_dict_argument_is_followed():
    # the call returns the new dict, and the caller's name follows it (issue 15)
    g = s2sad.grad(helper_writes_its_dict)(X.copy())
    np.testing.assert_allclose(g, _fd_grad(helper_writes_its_dict, [X], 0), rtol=1e-6,
                               atol=1e-7)
    t = RNG.normal(size=X.shape)
    _, tangent = s2sad.jvp(helper_writes_its_dict)(X.copy(), t)
    assert tangent == pytest.approx(_fd_directional(helper_writes_its_dict, [X], 0, t),
                                    rel=1e-6)
    H = s2sad.hessian(helper_writes_its_dict)(X.copy())
    np.testing.assert_allclose(H, _fd_hessian(helper_writes_its_dict, [X], 0), atol=1e-5)


def test_a_dict_argument_written_with_unknown_keys():
    from s2sad.errors import ValueTypeError
    p = {"W": np.array([0.5, 1.5, -0.4])}
    # its code shows no sign of a dict, the argument does: code made for a dict
    g = s2sad.grad(unknown_kind_parameter, wrt=2)(p, ["W"], X.copy())
    np.testing.assert_allclose(g, p["W"])
    assert np.array_equal(p["W"], [0.5, 1.5, -0.4])
    # code made without the arguments reads it as an array: refused when it runs
    namespace = {}
    exec(compile(s2sad.source(unknown_kind_parameter, wrt=2), "<generated>", "exec"),
         namespace)
    with pytest.raises(ValueTypeError, match="it is a dict"):
        namespace["unknown_kind_parameter_value_and_grad"](p, ["W"], X.copy())
    # the hint's way works
    g = s2sad.grad(copied_parameter, wrt=2)(p, ["W"], X.copy())
    np.testing.assert_allclose(g, p["W"])
    assert np.array_equal(p["W"], [0.5, 1.5, -0.4])


def adds_a_key_while_iterating(x):
    d = {"a": x}
    for k in d:
        d[k + "2"] = x
    return np.sum(d["a"])


def test_a_key_added_while_iterating_raises_as_in_python():
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        adds_a_key_while_iterating(X.copy())
    for run in (lambda: s2sad.grad(adds_a_key_while_iterating)(X.copy()),
                lambda: s2sad.jvp(adds_a_key_while_iterating)(X.copy(), X.copy())):
        with pytest.raises(RuntimeError, match="changed size during iteration"):
            run()


def test_an_alias_followed_in_the_arm_not_taken():
    g = s2sad.grad(alias_followed_in_branch)(-X)
    np.testing.assert_allclose(g, _fd_grad(alias_followed_in_branch, [-X], 0), rtol=1e-6)


def rebinds_and_writes_the_looped_name(x):
    d = {"a": x, "b": x * 2.0}
    for k in d:
        d = dict(d)
        d["c"] = x
    return np.sum(d["c"])


def test_a_loop_that_rebinds_and_writes_its_dict_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match="both binds 'd' to another value"):
        s2sad.grad(rebinds_and_writes_the_looped_name)(X.copy())


def adds_a_key_then_breaks(x):
    d = {"a": x}
    for k in d:
        d["b"] = x * 2.0           # no next step: Python raises nothing
        break
    return np.sum(d["a"] * d["b"])


def test_a_key_added_in_the_trip_that_breaks_is_fine():
    g = s2sad.grad(adds_a_key_then_breaks)(X.copy())
    np.testing.assert_allclose(g, _fd_grad(adds_a_key_then_breaks, [X], 0), rtol=1e-6)
