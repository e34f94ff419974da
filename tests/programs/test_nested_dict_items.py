"""Item writes into dicts held by dicts, with loop keys (stranger21c r3, r7, r8):
``state["m"][k] = ...``, ``p[k]["W"] = ...`` and ``state["m"].copy()`` written by a
loop key are dict writes, checked against central finite differences (reverse,
forward, Hessian-vector products by central differences of a gradient itself checked
by finite differences); what s2sad cannot do is refused by an s2sad error saying what
is there (before: a raw KeyError or TypeError from the generated code, and messages
calling a dict an array or a list)."""

import copy
import os
import sys

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError, UnsupportedSyntaxError, ValueTypeError
from s2sad.testing import check_grads

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
import nested_dict_items as fx  # noqa: E402


def _params():
    return {"a": np.array([0.5, -1.0]), "b": np.array([2.0, 0.3])}


def _layers():
    return {"a": {"W": np.array([1.0, -0.4])}, "b": {"W": np.array([2.0, 0.7])}}


def _fd(f, args, index, path, eps=1e-6):
    """Central differences of ``f`` in the array at ``args[index]`` then ``path``."""
    def at(delta, i):
        a = copy.deepcopy(list(args))
        leaf = a[index]
        for key in path[:-1]:
            leaf = leaf[key]
        if path:
            leaf[path[-1]] = np.array(leaf[path[-1]], dtype=float)
            leaf[path[-1]][i] += delta
        return f(*a)
    base = args[index]
    for key in path:
        base = base[key]
    out = np.zeros(np.shape(base))
    for i in np.ndindex(out.shape):
        out[i] = (at(eps, i) - at(-eps, i)) / (2 * eps)
    return out


@pytest.mark.parametrize("name, args, wrt", [
    ("copy_of_item_loop_key", (_params(),), 0),
    ("nested_state_loop_key", (_params(), 2.0), (0, 1)),
    ("nested_state_two_levels", (_params(),), 0),
    ("dict_of_dicts_loop_key", (_layers(), 1.5), (0, 1)),
])
def test_nested_dict_item_writes_match_finite_differences(name, args, wrt):
    f = getattr(fx, name)
    check_grads(f, args, wrt=wrt, modes=("reverse", "forward"))


def test_dict_of_dicts_loop_key_gives_the_strangers_gradient():
    # r3: d/dx of sum_k sum((x W_k)^2) = 2 x sum_k |W_k|^2 = 2 * 1.5 * (2 + 8) = 30
    p = {"a": {"W": np.ones(2)}, "b": {"W": np.full(2, 2.0)}}
    assert np.isclose(s2sad.grad(fx.dict_of_dicts_loop_key, wrt=1)(p, 1.5), 30.0)
    assert p["a"]["W"][0] == 1.0   # (the argument is not changed)


def test_nested_state_loop_key_gives_the_strangers_gradient():
    # r7 with p[k]**2: m = 1.9 p^2 after two steps; d/dp of lr * sum(1.9 p^2) = 3.8 lr p
    p = {"a": np.ones(2)}
    g = s2sad.grad(fx.nested_state_loop_key)(p, 2.0)
    np.testing.assert_allclose(g["a"], 7.6 * np.ones(2))


@pytest.mark.parametrize("name, args", [
    ("nested_state_two_levels", (_params(),)),
    ("copy_of_item_loop_key", (_params(),)),
])
def test_nested_dict_item_writes_hvp(name, args):
    f = getattr(fx, name)
    v = {"a": np.array([0.3, -0.2]), "b": np.array([1.0, 0.5])}
    grad = s2sad.grad(f)
    for key in ("a", "b"):   # the gradient itself, against finite differences
        np.testing.assert_allclose(grad(*args)[key], _fd(f, args, 0, (key,)), rtol=1e-6,
                                   atol=1e-7)
    h = 1e-5
    plus = {k: args[0][k] + h * v[k] for k in v}
    minus = {k: args[0][k] - h * v[k] for k in v}
    got = s2sad.hvp(f)(args[0], v)
    for key in ("a", "b"):
        expected = (grad(plus)[key] - grad(minus)[key]) / (2 * h)
        np.testing.assert_allclose(got[key], expected, rtol=1e-5, atol=1e-6)


def test_copy_of_item_in_loop_never_crashes_nor_gives_a_wrong_gradient():
    # r8: a raw KeyError from the generated code before; now a dict copy, written as a
    # dict's: the gradient of central differences, or an s2sad refusal (the aliasing of
    # fresh dicts across loop trips is another piece of work)
    p = {"a": np.array([0.5, -1.0])}
    try:
        g = s2sad.grad(fx.copy_of_item_in_loop)(p)
    except S2sadError as exc:
        assert "nested_dict_items.py:" in str(exc)
        return
    np.testing.assert_allclose(g["a"], _fd(fx.copy_of_item_in_loop, (p,), 0, ("a",)),
                               rtol=1e-6)


def test_a_dict_held_by_a_list_is_refused_saying_so():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(fx.list_of_dicts_index, wrt=1)([{"W": np.ones(2)}], 1.5)
    text = str(info.value)
    assert "needs p to be a dict" in text and "nested_dict_items.py:" in text
    assert "held by a list, tuple or array" in text


def test_an_array_under_a_key_shown_to_hold_a_dict_is_refused_when_it_runs():
    with pytest.raises(ValueTypeError) as info:
        s2sad.grad(fx.array_under_dict_key)(np.array([0.5, 2.0]))
    assert "as a dict" in str(info.value) and "ndarray" in str(info.value)


def test_a_dict_item_write_message_does_not_call_it_an_array():
    # state["m"][0] = ... where nothing shows state["m"] to be a dict: no false claim
    def f(x):
        state = {"m": x * 1.0}
        state["m"][0] = 1.0
        return np.sum(state["m"])
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(np.array([0.5, 2.0]))
    assert "writing into the value state['m'] holds" in str(info.value)


def test_a_dict_written_as_an_array_is_refused_located_not_a_raw_error():
    # (before: "TypeError: first operand must be array" from the generated code)
    with pytest.raises(ValueTypeError) as info:
        s2sad.grad(fx.copy_of_got_item)({"a": np.array([0.5, -1.0])})
    text = str(info.value)
    assert "the value is a dict" in text and "item = dict(item)" in text


def test_a_dict_argument_holding_a_dict_is_written_by_a_loop_key():
    state = {"m": {"a": np.array([0.2, -0.4]), "b": np.array([1.0, 0.5])}}
    check_grads(fx.state_argument_loop_key, (state, _params()), wrt=(0, 1),
                modes=("reverse", "forward"))


def test_a_dict_argument_holding_an_array_there_is_refused():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(fx.array_argument_item_write, wrt=1)({"m": np.ones(2)}, 1.5)
    assert "writing into the value state['m'] holds" in str(info.value)
