"""Regression tests: an argument of a container class s2sad does not take (a deque, a
set, a class of the user's) is refused at the line that uses it as a container, naming
the class, with a hint that works; the README's container claims, checked in every
transform against central finite differences."""

import collections

import numpy as np
import pytest

import s2sad
import user_containers16 as uc
from every_transform import every_transform
from s2sad.errors import UnsupportedSyntaxError

A = np.array([0.4, -1.1])
B = np.array([1.3, 0.2])
X = np.array([0.3, 0.7])
W = np.array([[1.0, 0.5], [-0.3, 0.2]])
b = np.array([0.1, -0.2])


def _line(f, text):
    import inspect
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("f, arg, text, cls, use", [
    (uc.loop_over, collections.deque([A, B]), "for a in q", "collections.deque", "a loop"),
    (uc.loop_over, uc.Bag([A, B]), "for a in q", "Bag", "a loop"),
    (uc.loop_over, uc.Stream([A, B]), "for a in q", "Stream", "a loop"),
    (uc.loop_over, {1.0, 2.0}, "for a in q", "set", "a loop"),
    (uc.append_then_pop_first, collections.deque([A, B]), "q.append", "collections.deque",
     ".append()"),
    (uc.append_to, uc.Bag([A]), "b.append(x)", "Bag", ".append()")])
def test_a_foreign_container_argument_is_refused_at_its_use(f, arg, text, cls, use):
    args = (arg,) if f is not uc.append_to else (arg, X.copy())
    calls = [lambda: s2sad.grad(f)(*args), lambda: s2sad.vjp(f)(*args),
             lambda: s2sad.value_and_grad(f)(*args), lambda: s2sad.jacobian(f)(*args),
             lambda: s2sad.grad(f, backend="numba")(*args)]
    for call in calls:
        with pytest.raises(UnsupportedSyntaxError, match=cls) as info:
            call()
        assert info.value.location.line == _line(f, text)
        assert use in str(info.value)


def test_the_deque_hints_work():
    # 'pass list(q)': the loop and the list spelling of popleft are differentiated
    every_transform(uc.loop_over, ([A.copy(), B.copy()],), second_order=False)
    every_transform(uc.append_then_pop_first, ([A.copy(), B.copy()],), second_order=False)
    grads = s2sad.grad(uc.append_then_pop_first)([A.copy(), B.copy()])
    np.testing.assert_allclose(grads[0], 2 * A)
    np.testing.assert_allclose(grads[1], np.cos(B))


def test_a_deque_method_on_an_argument_is_refused_with_the_list_spelling():
    with pytest.raises(UnsupportedSyntaxError, match="popleft") as info:
        s2sad.grad(uc.append_then_popleft)(collections.deque([A, B]))
    assert "q.pop(0)" in info.value.hint


def test_a_range_argument_is_read_as_before():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(uc.indices_of)(x, range(1, 3)), [0.0, 4.0, 6.0])


def test_a_namedtuple_argument_read_by_its_items_in_every_transform():
    layer = uc.Layer(W.copy(), b.copy())
    every_transform(uc.unpacked, (layer, X.copy()), second_order=False)
    grads = s2sad.grad(uc.unpacked)(layer, X.copy())
    assert isinstance(grads, uc.Layer)
    # d/dW sum(W * x): x in each row; d/db sum(b * x * x): x * x
    np.testing.assert_allclose(grads.W, np.broadcast_to(X, (2, 2)))
    np.testing.assert_allclose(grads.b, X * X)


def test_attributes_of_a_dataclass_stay_refused_located():
    # (a namedtuple's are read since ntuple23: tests/programs/test_namedtuple_fields23.py)
    with pytest.raises(UnsupportedSyntaxError, match="'.W'") as info:
        s2sad.grad(uc.through_attributes)(uc.Params(W, b), X.copy())
    assert info.value.location.line == _line(uc.through_attributes, "p.W @ x")
    got = s2sad.grad(uc.through_attributes)(uc.Layer(W, b), X.copy())
    h = 1.0 - np.tanh(W @ X + b) ** 2   # by hand: d/db = 1 - tanh^2, d/dW = that x^T
    np.testing.assert_allclose(got.b, h)
    np.testing.assert_allclose(got.W, np.outer(h, X))


@pytest.mark.parametrize("container", [list, tuple])
def test_a_list_or_tuple_of_layer_tuples_in_every_transform(container):
    layers = container([(W.copy(), b.copy()), (W.T.copy(), -b)])
    every_transform(uc.unpacked_layers, (layers, X.copy()), second_order=False)
    grads = s2sad.grad(uc.unpacked_layers)(layers, X.copy())
    assert type(grads) is container and type(grads[0]) is tuple


def test_a_nested_dict_in_every_transform():
    p = {"enc": {"W": W.copy(), "b": b.copy()}, "dec": (np.array([0.5, -2.0]), 0.7)}
    every_transform(uc.nested_dict, (p, X.copy()), second_order=False)
    grads = s2sad.grad(uc.nested_dict)(p, X.copy())
    assert list(grads) == ["enc", "dec"] and list(grads["enc"]) == ["W", "b"]
    np.testing.assert_allclose(grads["dec"][1], 1.4)


@pytest.mark.parametrize("make", [dict, collections.OrderedDict])
def test_a_dicts_items_loop_in_every_transform(make):
    p = make(W=W.copy(), b=b.copy())
    every_transform(uc.dict_values_loop, (p, X.copy()), second_order=False)
    grads = s2sad.grad(uc.dict_values_loop)(p, X.copy())
    np.testing.assert_allclose(grads["W"], -np.sin(W) * X[0])
    assert type(grads) is make


@pytest.mark.parametrize("name", [
    "concat_and_repeat", "list_methods", "slice_assign", "dict_ops", "dict_comprehension",
    "nested", "starred", "loops", "comprehensions", "join_groups", "helper_tuples",
    "comp_filters"])
def test_the_readmes_container_claims_in_every_transform(name):
    import readme_containers16
    every_transform(getattr(readme_containers16, name), (np.array([0.7, -1.3, 0.4]),))
