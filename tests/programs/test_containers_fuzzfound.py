"""Container programs the differential fuzzer (s2sad.fuzz) found failing, reduced to
the class each stands for.  References are central finite differences of the
original functions (s2sad.testing.check_grads; second differences along a direction
for second order), never a value s2sad computed."""

import copy
import functools

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

RNG = np.random.default_rng(1206)
W1, B1 = RNG.normal(size=(2, 3)), RNG.normal(size=2)
W2, B2 = RNG.normal(size=(2, 3)), RNG.normal(size=2)
X23 = RNG.normal(size=(2, 3))


def _flat(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return np.concatenate([_flat(v) for v in value]) if value else np.zeros(0)
    return np.asarray(value, dtype=float).reshape(-1)


def _unflat(vector, like):
    """``vector`` in the structure of ``like`` (lists, tuples, dicts of leaves)."""
    def build(v, start):
        if isinstance(v, dict):
            out = {}
            for k, item in v.items():
                out[k], start = build(item, start)
            return out, start
        if isinstance(v, (list, tuple)):
            items = []
            for item in v:
                built, start = build(item, start)
                items.append(built)
            return type(v)(items), start
        size = int(np.size(v))
        part = vector[start:start + size]
        return (float(part[0]) if np.ndim(v) == 0 else part.reshape(np.shape(v))), start + size
    return build(like, 0)[0]


def _curvature_fd(f, args, wrt, direction, h=1e-4):
    """d^2/dt^2 f(args + t * direction) at t = 0 (direction over the arguments ``wrt``),
    by central second differences on fresh copies (f may write into its arguments)."""
    def at(t):
        moved = list(copy.deepcopy(args))
        for i, d in zip(wrt, direction):
            moved[i] = _unflat(_flat(args[i]) + t * _flat(d), args[i])
        return f(*moved)
    return (at(h) - 2.0 * at(0.0) + at(-h)) / (h * h)


def _check_hvp(f, args, wrt):
    """v . hvp(v) against the second differences of f along a random direction v."""
    direction = tuple(_unflat(RNG.normal(size=_flat(args[i]).size), args[i]) for i in wrt)
    out = s2sad.hvp(f, wrt=wrt)(*copy.deepcopy(args), direction)
    hv = out[-1] if isinstance(out, tuple) and len(wrt) == 1 else out
    hv = hv if len(wrt) > 1 else (hv,)
    got = sum(float(_flat(d) @ _flat(h)) for d, h in zip(direction, hv))
    assert got == pytest.approx(_curvature_fd(f, args, wrt, direction), rel=1e-4, abs=1e-5)


# --- an item write into a list or dict parameter (fuzzer seed 6020) ----------------
# The parameter was copied on entry with np.copy, as an array: a list of numbers
# became an array (xs * 2 then doubled it instead of repeating it: a wrong value
# and gradient), a list of (W, b) tuples crashed numpy, and a dict written with keys
# the code does not show to be strings was refused.

def list_param_item_then_repeated(x, xs):
    xs[0] = 2.0 * x
    zs = xs * 2
    return zs[2] * zs[1] + x * xs[1]


def layer_replaced(x, layers):
    W, b = layers[1]
    layers[0] = (x * W, b)
    return np.sum(layers[0][0] * layers[1][0]) + np.sum(layers[0][1] * b)


def layer_replaced_in_loop(x, layers):
    for i in range(len(layers)):
        W, b = layers[i]
        layers[i] = (np.tanh(W * x), b * x)
    total = 0.0
    for W, b in layers:
        total = total + np.sum(W ** 2) + np.sum(b)
    return total


def dict_param_written_by_loop_key(x, prm):
    for k in prm:
        prm[k] = prm[k] * x
    total = 0.0
    for k in prm:
        total = total + np.sum(prm[k] ** 2)
    return total


PARAM_WRITES = [
    ("list_of_numbers", list_param_item_then_repeated, (1.5, [1.0, 2.0, 3.0])),
    ("list_of_tuples", layer_replaced, (0.7, [(W1, B1), (W2, B2)])),
    ("list_of_tuples_loop", layer_replaced_in_loop, (0.7, [(W1, B1), (W2, B2)])),
    ("dict_loop_keys", dict_param_written_by_loop_key, (0.7, {"a": W1, "b": B1})),
]


@pytest.mark.parametrize("label, func, args", PARAM_WRITES, ids=[c[0] for c in PARAM_WRITES])
def test_item_write_into_a_container_parameter(label, func, args):
    check_grads(func, args, wrt=(0, 1), modes=("reverse", "forward"))
    _check_hvp(func, args, (0, 1))


def test_item_write_into_a_list_parameter_keeps_the_list():
    # the primal value: the list is repeated, not doubled (np.copy made it an array)
    xs = [1.0, 2.0, 3.0]
    value, _ = s2sad.value_and_grad(list_param_item_then_repeated, wrt=0)(1.5, xs)
    assert value == pytest.approx(list_param_item_then_repeated(1.5, [1.0, 2.0, 3.0]))
    assert xs == [1.0, 2.0, 3.0]   # the caller's list is not changed


# --- an item of unknown kind read from a container (fuzzer seed 6167) --------------
# A list of arrays extended with tuples holds arrays and tuples: an item read out of it
# is of unknown kind.  Its adjoint was made as an array's (zeros_like, then an item
# written into it), which a tuple's zeros cannot take.

def extended_with_tuples(xs, y):
    first = xs[0]
    pairs = ((y, y * y), (y * 3.0, first))
    xs.extend(pairs)
    inner = xs[2]
    a = inner[0] * inner[1]
    b = inner[1] * 2.0
    last = xs[-1]
    return np.sum(a * b) + np.sum(last[1] * first) + np.sum(last[0] * y)


def mixed_items_in_a_loop(xs, y):
    xs.append((y, 2.0 * y))
    total = 0.0
    for i in range(len(xs)):
        item = xs[i]
        total = total + np.sum(item[0] * item[1])
    return total


MIXED = [
    ("extend_with_tuples", extended_with_tuples, ([RNG.normal(size=2), RNG.normal(size=2)],
                                                  RNG.normal(size=2))),
    ("loop_over_mixed_items", mixed_items_in_a_loop, ([RNG.normal(size=3), RNG.normal(size=3)],
                                                      RNG.normal(size=3))),
]


@pytest.mark.parametrize("label, func, args", MIXED, ids=[c[0] for c in MIXED])
def test_an_item_of_unknown_kind_read_from_a_container(label, func, args):
    check_grads(func, args, wrt=(0, 1), modes=("reverse", "forward"))
    _check_hvp(func, args, (0, 1))


# --- an item write into a list chosen by a conditional expression (seeds 7063, 6020) --
# ``a = b if c else [...]`` with a list on both sides is a list: ``a[i] = v`` was an
# array write (refused as a write into the caller's array, or a crash in forward mode).

def chosen_list_written(x, c):
    first = [x, x * 2.0]
    chosen = first if c else [x * x, x]
    chosen[0] = x * 3.0
    return np.sum(chosen[0] * chosen[1])


def chosen_list_written_data(x):
    first = [x, x * 2.0]
    chosen = first if x[0] <= 0.0 else [x * x, x]
    chosen[0] = np.sin(x)
    return np.sum(chosen[0] * chosen[1])


def chosen_list_written_then_first_read(x):
    first = [x, x * 2.0]
    chosen = first if x[0] <= 0.0 else [x * x, x]
    chosen[0] = x * 3.0
    return np.sum(chosen[0] * chosen[1]) + np.sum(first[0])


V3 = np.array([0.4, -0.6, 1.3])


@pytest.mark.parametrize("c", [True, False])
def test_an_item_write_into_a_list_chosen_by_a_conditional_expression(c):
    check_grads(chosen_list_written, (V3, c), wrt=0, modes=("reverse", "forward"))
    _check_hvp(chosen_list_written, (V3, c), (0,))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_an_item_write_into_a_list_chosen_on_data(sign):
    check_grads(chosen_list_written_data, (sign * V3,), wrt=0, modes=("reverse", "forward"))
    _check_hvp(chosen_list_written_data, (sign * V3,), (0,))


def test_a_list_chosen_by_a_conditional_expression_shared_and_read_later():
    # not shared on this path: right; shared (the write changes first too): refused,
    # with the location, as s2sad does not follow it
    check_grads(chosen_list_written_then_first_read, (V3,), wrt=0,
                modes=("reverse", "forward"))
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="may also change 'first'"):
        s2sad.grad(chosen_list_written_then_first_read)(-V3)


# --- a list a helper makes, changed by the caller (fuzzer seed 8132) ---------------
# A helper whose every return is a list display returns a new list: appending to it or
# writing an item changes none of the helper's arguments.  It was refused as a change
# of the caller's value.

C3 = np.array([0.3, -0.7, 1.1])


def new_list_of(c):
    return [C3 * c["b"][0], c["W"]]


def helper_list_changed(prm):
    items = new_list_of(prm)
    items.append(prm["W"] * 2.0)
    items[0] = items[0] * items[2]
    return np.sum(items[0] * items[1]) + np.sum(prm["W"] ** 2)


def same_list_of(c):
    return c


def helper_argument_changed(prm):
    items = same_list_of(prm["L"])
    items.append(prm["W"] * 2.0)
    return np.sum(items[-1]) + len(prm["L"])


def test_a_list_a_helper_makes_is_the_callers_to_change():
    args = ({"W": RNG.normal(size=3), "b": RNG.normal(size=2)},)
    check_grads(helper_list_changed, args, modes=("reverse", "forward"))
    _check_hvp(helper_list_changed, args, (0,))


def test_a_list_a_helper_returns_as_given_is_still_refused():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="may change the caller's value"):
        s2sad.grad(helper_argument_changed)({"W": C3, "L": [C3]})


def test_the_fuzzer_lets_tangent_leaves_share_memory_where_the_outputs_do():
    # (a checker bug, seed 9155: [v13[:, -1], v13[0]] are two views of one array in
    # Python, so their tangents are two views of one tangent)
    from s2sad.fuzz import _shared_leaves
    v, t = np.arange(6.0).reshape(2, 3), np.ones((2, 3))
    assert _shared_leaves([t[:, -1], t[0]], [v[:, -1], v[0]]) is None
    assert _shared_leaves([t[:, -1], t[0]], [v[:, -1].copy(), v[0]]) is not None


# --- nested unpacking (fuzzer seeds 9122, 9166) -------------------------------------
# ``(W1, b1), (W2, b2) = layers`` was refused ("nested unpacking is not supported"):
# it is the outer level into fresh names, then each inner target from its name.

def nested_layers(x, layers):
    (W1, b1), (W2, b2) = layers
    h = np.tanh(W1 @ x + b1)
    return np.sum(np.tanh(W2 @ h + b2))


def nested_literal(x, y):
    a, (b, (c, d)) = x, (y, (x * y, 2.0))
    return np.sum(a * b * c * d)


def nested_in_a_loop(x, layers):
    total = 0.0
    for i in range(len(layers)):
        (W, b), s = layers[i], i + 0.5
        total = total + np.sum(np.sin(W @ x + b)) * s
    return total


X2 = RNG.normal(size=2)
LAYERS = [(RNG.normal(size=(3, 2)), RNG.normal(size=3)), (RNG.normal(size=(2, 3)),
                                                          RNG.normal(size=2))]
NESTED = [
    ("layers", nested_layers, (X2, LAYERS)),
    ("layers_tuple", nested_layers, (X2, tuple(LAYERS))),
    ("literal", nested_literal, (X2, 2.0 * X2)),
    ("loop", nested_in_a_loop, (X2, [LAYERS[0], (RNG.normal(size=(3, 2)), RNG.normal(size=3))])),
]


@pytest.mark.parametrize("label, func, args", NESTED, ids=[c[0] for c in NESTED])
def test_nested_unpacking(label, func, args):
    check_grads(func, args, wrt=(0, 1), modes=("reverse", "forward"))
    _check_hvp(func, args, (0, 1))


# --- the items of a list being changed are not the list (fuzzer seed 9050) ---------
# d.values() is a new list filled by appends; its items come out of a dict a helper made
# holding x.  Changing the list was refused as "may also change 'x'": the search went
# into the list's items, which a change of the list leaves as they are.  A container
# holding the list itself still counts (refused, as before).

C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])


def made_dict(c):
    return {"pos": C23 * c[0]["b"], "vel": C3}


def values_of_a_helpers_dict(x, tup):
    pairs = ({"b": tup[1], "a": x},)
    d = made_dict(pairs)
    vals = list(d.values())
    return np.sum(x ** 2) + np.sum(vals[0] * tup[1])


def list_in_a_container_changed(x):
    items = [x * 1.0]
    outer = [items]
    items.append(x * 2.0)
    return np.sum(outer[0][1]) + np.sum(items[0])


def test_a_list_filled_from_a_helpers_dict_is_changed():
    args = (RNG.normal(size=2), (RNG.normal(size=2), 0.7))
    check_grads(values_of_a_helpers_dict, args, wrt=(0, 1), modes=("reverse", "forward"))
    _check_hvp(values_of_a_helpers_dict, args, (0, 1))


def test_a_list_held_by_another_container_is_still_refused():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="may also change 'outer'"):
        s2sad.grad(list_in_a_container_changed)(np.array([1.0, 2.0]))


# --- a slice of a list is a new list (fuzzer seed 12154) ---------------------------
# ``rest = items[1:]`` was taken for a view (an array's slice): ``rest[0] = v`` was
# refused as a write that "would also change 'items'", which Python's list slice,
# a copy, never does.

def slice_of_a_list_written(x):
    items = [np.exp(x), np.sin(x), x * 2.0]
    rest = items[1:]
    rest[0] = rest[0] * 3.0
    rest.append(items[0] * x)
    return np.sum(rest[0] * items[1]) + np.sum(rest[1]) + np.sum(rest[-1])


def test_a_slice_of_a_list_is_a_list_of_its_own():
    check_grads(slice_of_a_list_written, (V3,), modes=("reverse", "forward"))
    _check_hvp(slice_of_a_list_written, (V3,), (0,))


# --- what a helper is given for a parameter it never reads (seeds 14030, 14142) ----
# A helper returning a new list was taken to hold each of its arguments, also one it
# never reads: a later item write into that argument (a dict) or a change of the list
# was refused.  A helper that does put its argument into the list is still followed.

def list_ignoring(c):
    return [np.concatenate([C3, C3]), C3]


def list_holding(c):
    return [c]


def ignores_its_argument(prm, d1):
    made = list_ignoring(prm)
    prm["u"] = d1 * prm["b"]
    last = made.pop()
    return np.sum(last * d1) + np.sum(prm["u"] * prm["W"])


def holds_its_argument(prm, d1):
    made = list_holding(prm)
    prm["u"] = d1 * prm["b"]
    last = made.pop()
    return np.sum(last["b"])


PRM = {"W": RNG.normal(size=2), "b": RNG.normal(size=2)}


def test_an_argument_a_helper_never_reads_is_in_nothing_it_returns():
    check_grads(ignores_its_argument, (PRM, 0.5), modes=("reverse", "forward"))
    _check_hvp(ignores_its_argument, (PRM, 0.5), (0, 1))
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="would also change 'made'"):
        s2sad.grad(holds_its_argument)(PRM, 0.5)


# --- a list plus a helper's result (fuzzer seed 15018) -------------------------------
# ``made + items`` where ``items`` is a list and ``made`` a helper's result (of unknown
# kind) got the arithmetic adjoint (unbroadcast of a list): a crash, or parts of the
# wrong length.  It is a concatenation of two lists, or numpy's sum when the helper
# returns an array: plus_bar decides when the code runs.

def first_twice(c):
    first = c[0]
    return [first, first]


def first_as_array(c):
    return np.asarray(c[0]) * 1.0


def list_plus_helper_list(x, y):
    items = [np.sin(y), x * y]
    made = first_twice(items)
    joined = made + items
    return np.sum(joined[0] * joined[3]) + np.sum(joined[1] * joined[2])


def list_plus_helper_array(x, y):
    items = [x * y[0], x * y[1]]
    made = first_as_array(items)
    total = made + items
    return np.sum(total * total)


def test_a_list_plus_a_value_of_unknown_kind():
    args = (RNG.normal(size=3), RNG.normal(size=3))
    check_grads(list_plus_helper_list, args, modes=("reverse", "forward"))
    _check_hvp(list_plus_helper_list, args, (0, 1))
    args = (RNG.normal(size=3), RNG.normal(size=2))
    check_grads(list_plus_helper_array, args, modes=("reverse", "forward"))
    _check_hvp(list_plus_helper_array, args, (0, 1))


def swapped_by_a_wrapper(fn):
    @functools.wraps(fn)
    def wrapper(c, d):
        return fn(d, c)
    return wrapper


@swapped_by_a_wrapper
def reads_its_first(c, d):
    return [c]


def wrapper_swaps_arguments(prm, d1):
    made = reads_its_first(0.0, prm)   # the wrapper passes prm as c: made holds it
    prm["u"] = d1 * prm["b"]
    return np.sum(made[0]["b"])


def test_a_wrapper_passing_its_arguments_on_is_not_read_as_the_wrapped_function():
    # (the wrapped function's source names other parameters than the wrapper's)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="would also change 'made'"):
        s2sad.grad(wrapper_swaps_arguments)(PRM, 0.5)


# --- a list carried through a loop that rebinds it to list displays (seed 18157) ----
# ``st = [..]`` before a loop whose body binds st only to list displays is a list on
# every trip and after the loop: an item write into it was an array write (a crash in
# reverse mode, or a refusal "make 'st' an array of its own").

def carried_list_written(x, n):
    st = [x, np.sin(x)]
    for i in range(n):
        st[0] = st[0] * st[1]
        st = [st[1] * 0.5, np.cos(st[0])]
    st[1] = st[1] * x
    return np.sum(st[0] * st[1])


@pytest.mark.parametrize("n", [0, 1, 3])
def test_an_item_write_into_a_list_carried_through_a_loop(n):
    check_grads(carried_list_written, (V3, n), wrt=0, modes=("reverse", "forward"))
    _check_hvp(carried_list_written, (V3, n), (0,))
