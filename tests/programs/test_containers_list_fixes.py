"""Lists and tuples as a stranger used them (issue 12, helper "listfix"): a list changed
through a name bound inside a loop body, a list changed while a loop runs over it,
``op=`` on an array two names or slots hold, tuple arguments changed, and the crashes
and false refusals around them.  Values against Python, derivatives against central
finite differences (reverse, forward, second order)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import check_grads

BOTH = ("reverse", "forward")
X = np.array([1.0, 2.0])
W = np.array([0.5, -1.0])


def _fd(f, w, eps=1e-6):
    return (f(w + eps) - f(w - eps)) / (2 * eps)


def _fd2(f, w, eps=1e-4):
    return (f(w + eps) - 2 * f(w) + f(w - eps)) / (eps * eps)


def _scalar_checks(f, w):
    """value and grad (reverse), jvp (forward) and hvp (second order) of a function of
    one float, against Python and central differences."""
    value, grad = s2sad.value_and_grad(f)(w)
    assert value == pytest.approx(f(w), rel=1e-12)
    assert grad == pytest.approx(_fd(f, w), rel=1e-6, abs=1e-8)
    value, tangent = s2sad.jvp(f)(w, 1.0)
    assert value == pytest.approx(f(w), rel=1e-12)
    assert tangent == pytest.approx(_fd(f, w), rel=1e-6, abs=1e-8)
    assert s2sad.hvp(f)(w, 1.0) == pytest.approx(_fd2(f, w), rel=1e-4, abs=1e-5)


# ---------------------------------------------------------------- 1. alias bound in a loop
def alias_in_loop_append(w):
    t = [1.0]
    for i in range(2):
        u = t
        u.append(w)
    return t[-1] * t[1]


def alias_in_loop_item(w):
    t = [1.0, 2.0]
    for i in range(2):
        u = t
        u[0] = u[0] * w
    return t[0] + t[1]


def alias_in_while_iadd(w):
    t = [1.0, 2.0]
    i = 0
    while i < 2:
        u = t
        u += [w * w]
        i = i + 1
    return t[-1] + t[0] * len(t)


def alias_in_loop_insert_pop(w):
    t = [1.0, 2.0]
    v = 0.0
    for i in range(2):
        u = t
        u.insert(0, w * 3.0)
        v = u.pop()
    return t[0] * t[1] + v


def alias_in_loop_two_steps(w):
    t = [w]
    for i in range(3):
        u = t
        v = u
        v.append(u[-1] * w)
    return t[-1] + len(t)


@pytest.mark.parametrize("f", [alias_in_loop_append, alias_in_loop_item,
                               alias_in_while_iadd, alias_in_loop_insert_pop,
                               alias_in_loop_two_steps], ids=lambda f: f.__name__)
def test_a_list_changed_through_a_name_bound_in_the_loop_body(f):
    _scalar_checks(f, 0.7)
    check_grads(f, (0.7,), modes=BOTH)


# ---------------------------------------------------------------- 2. a list changed while looped over
def write_ahead_in_enumerate(w):
    b = [w, 2.0 * w, 3.0 * w]
    for i, v in enumerate(b):
        if i + 1 < len(b):
            b[i + 1] = b[i + 1] + v
    return b[-1]


def write_in_zip(w):
    b = [w, 2.0 * w, 3.0 * w]
    c = [1.0, w, w * w]
    for u, v in zip(b, c):
        b[2] = b[2] * u + v
    return b[-1]


def write_in_reversed(w):
    b = [w, 2.0 * w, 3.0 * w]
    for v in reversed(b):
        b[0] = b[0] * v
    return b[0]


def write_through_alias_while_looping(w):
    b = [w, 2.0 * w, 3.0 * w]
    c = b
    for v in b:
        c[2] = c[2] + v * w
    return b[2]


def write_through_name_bound_in_body(w):
    b = [w, 2.0 * w, 3.0 * w]
    for i, v in enumerate(b):
        u = b
        u[(i + 1) % 3] = v * w + u[(i + 1) % 3]
    return b[0] + b[1]


def list_argument_written_while_looped(a):
    for i, v in enumerate(a):
        if i + 1 < len(a):
            a[i + 1] = a[i + 1] * v
    return a[-1]


@pytest.mark.parametrize("f", [write_ahead_in_enumerate, write_in_zip, write_in_reversed,
                               write_through_alias_while_looping,
                               write_through_name_bound_in_body],
                         ids=lambda f: f.__name__)
def test_a_loop_reads_the_items_of_a_list_its_body_writes(f):
    _scalar_checks(f, 0.7)
    check_grads(f, (0.7,), modes=BOTH)


def _fd_list(f, a, eps=1e-6):
    """Central differences of f at the list of floats a, leaf by leaf (f gets copies:
    it may change its argument)."""
    out = []
    for i in range(len(a)):
        up, down = list(a), list(a)
        up[i] += eps
        down[i] -= eps
        out.append((f(up) - f(down)) / (2 * eps))
    return out


def test_a_loop_over_a_list_argument_its_body_writes():
    f = list_argument_written_while_looped
    a = [0.7, 1.3, -0.4]
    value, grad = s2sad.value_and_grad(f)(list(a))
    assert value == pytest.approx(f(list(a)))
    assert grad == pytest.approx(_fd_list(f, a), rel=1e-6)
    tangent = [0.3, -1.0, 2.0]
    value, out = s2sad.jvp(f)(list(a), tangent)
    assert value == pytest.approx(f(list(a)))
    assert out == pytest.approx(sum(g * t for g, t in zip(_fd_list(f, a), tangent)), rel=1e-6)


def append_while_looping(w):
    b = [w, 2.0 * w]
    for v in b:
        if len(b) < 4:
            b.append(v * w)
    return b[-1]


def pop_while_looping(w):
    b = [w, 2.0 * w, 3.0 * w]
    c = b
    for v in b:
        c.pop()
    return b[0]


def rebind_and_write_while_looping(w):
    b = [w, 2.0 * w]
    for v in b:
        b[1] = v * w
        b = [v]
    return b[0]


@pytest.mark.parametrize("f, line", [(append_while_looping, 4), (pop_while_looping, 4),
                                     (rebind_and_write_while_looping, 4)],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_changing_a_looped_list_length_is_refused_with_its_location(f, line):
    with pytest.raises(S2sadError) as info:
        s2sad.grad(f)(0.7)
    first = f.__code__.co_firstlineno
    assert f":{first + line}:" in str(info.value)
    assert "list" in str(info.value)


# ---------------------------------------------------------------- 3-4. op= on an array held twice
def repeated_slot_update(x, w):
    b = [x * 1.0] * 2
    b[0] += w
    return np.sum(b[1])


def name_update_held_by_concatenation(x, w):
    v = x * 1.0
    b = [1.0] + [v]
    v += w
    return np.sum(b[1])


def item_update_held_by_a_name(x, w):
    c = x * 1.0
    b = [c]
    b[0] *= w
    return np.sum(c)


def argument_item_update(a, w):
    a[0] += w
    return np.sum(a[1])


def copied_list_item_update(a, w):
    b = list(a)
    c = b[0]
    b[0] += w
    return np.sum(c * a[0])


@pytest.mark.parametrize("f, args, line", [
    (repeated_slot_update, (X, W), 2),
    (name_update_held_by_concatenation, (X, W), 3),
    (item_update_held_by_a_name, (X, W), 3),
    (argument_item_update, ([X, X], W), 1),
    (copied_list_item_update, ([X, W], W), 3),
], ids=lambda v: getattr(v, "__name__", ""))
def test_op_assign_on_an_array_held_elsewhere_is_refused_where_it_runs(f, args, line):
    first = f.__code__.co_firstlineno
    for run in (lambda: s2sad.value_and_grad(f, wrt=(0, 1))(*args),
                lambda: s2sad.jvp(f, wrt=(0, 1))(*args, *args)):
        with pytest.raises(S2sadError) as info:
            run()
        assert f":{first + line}:" in str(info.value)
        assert "in place" in str(info.value)


def own_slot_update(x, w):
    b = [x * 1.0, x * 2.0]
    b[0] += w
    b[1] *= w
    return np.sum(b[0] * b[1])


def number_slot_update(s, t):
    b = [s, s]
    b[0] += t
    return b[0] * b[1]


def test_op_assign_on_an_item_held_nowhere_else_is_followed():
    check_grads(own_slot_update, (X, W), modes=BOTH)
    check_grads(number_slot_update, (0.7, -1.3), modes=BOTH)
    x, w = X.copy(), W.copy()
    assert s2sad.value_and_grad(own_slot_update, wrt=(0, 1))(x, w)[0] == \
        pytest.approx(own_slot_update(X.copy(), W.copy()))


def test_a_list_argument_item_update_with_arrays_of_their_own():
    a, w = [X.copy(), X * 1.0], W.copy()
    value, (ga, gw) = s2sad.value_and_grad(argument_item_update, wrt=(0, 1))(a, w)
    assert value == pytest.approx(argument_item_update([X.copy(), X * 1.0], W.copy()))
    assert np.allclose(ga[0], 0.0) and np.allclose(ga[1], 1.0) and np.allclose(gw, 0.0)
    assert np.array_equal(a[0], X) and np.array_equal(a[1], X)   # the caller's list


# ---------------------------------------------------------------- 6. b = list(a); b[i] = ...
def copied_list_item_write(a, i):
    b = list(a)
    b[i] = b[i] * 2.0
    return b[i] * a[0]


def test_an_item_write_into_a_copied_list_argument():
    a = [1.5, 2.0, 3.0]
    value, grad = s2sad.value_and_grad(copied_list_item_write)(list(a), 1)
    assert value == pytest.approx(copied_list_item_write(list(a), 1))
    assert grad == pytest.approx(_fd_list(lambda v: copied_list_item_write(v, 1), a), rel=1e-6)
    t = [0.3, -1.0, 2.0]
    value, out = s2sad.jvp(copied_list_item_write, wrt=0)(list(a), 1, t)
    assert value == pytest.approx(copied_list_item_write(list(a), 1))
    fd = _fd_list(lambda v: copied_list_item_write(v, 1), a)
    assert out == pytest.approx(sum(g * s for g, s in zip(fd, t)), rel=1e-6)


# ---------------------------------------------------------------- 5. a tuple argument changed
def tuple_append(a, w):
    a.append(w)
    return np.sum(a[-1] ** 2)


def tuple_item_update(a, w):
    a[0] += w
    return np.sum(a[0])


def tuple_item_write(a, w):
    a[1] = w * 2.0
    return np.sum(a[1])


@pytest.mark.parametrize("f, python_error", [(tuple_append, AttributeError),
                                              (tuple_item_update, TypeError),
                                              (tuple_item_write, TypeError)],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_changing_a_tuple_argument_is_refused_as_python_raises(f, python_error):
    with pytest.raises(python_error):
        f((X.copy(), X.copy()), W.copy())
    first = f.__code__.co_firstlineno
    for run in (lambda: s2sad.value_and_grad(f, wrt=(0, 1))((X, X), W),
                lambda: s2sad.jvp(f, wrt=(0, 1))((X, X), W, (X, X), W)):
        with pytest.raises(S2sadError) as info:
            run()
        assert f":{first + 1}:" in str(info.value)
        assert "tuple" in str(info.value) and python_error.__name__ in str(info.value)


def tuple_extended(a, w):
    a += (w,)
    return np.sum(a[-1] * a[0])


def test_a_tuple_argument_extended_into_a_new_tuple():
    check_grads(tuple_extended, ((X, X * 2.0), W), wrt=(0, 1), modes=BOTH)


# ---------------------------------------------------------------- 6. crashes
def concatenated_in_a_loop(a):
    t = []
    for v in a:
        t = t + [v * v]
    return np.sum(t[1])


def test_a_list_concatenated_in_a_loop_then_read_by_index():
    check_grads(concatenated_in_a_loop, ([X, W, X * 3.0],), modes=BOTH)
    g = s2sad.grad(concatenated_in_a_loop)([X, W])
    assert np.allclose(g[0], 0.0) and np.allclose(g[1], 2.0 * W)


def ident(p):
    return p


def through_a_helper_returning_its_tuple(p):
    t = ident(p)
    return np.sum(t[1] * t[0])


def test_a_helper_result_that_is_the_tuple_argument():
    check_grads(through_a_helper_returning_its_tuple, ((X, W),), modes=BOTH)
    g = s2sad.grad(through_a_helper_returning_its_tuple)((X, W))
    assert type(g) is tuple and np.allclose(g[0], W) and np.allclose(g[1], X)


def as_tuple(a):
    return tuple(a)


def test_the_pullback_of_a_function_returning_a_tuple_it_made():
    value, pullback = s2sad.vjp(as_tuple)([1.0, 2.0])
    assert value == (1.0, 2.0)
    assert pullback((1.0, 3.0)) == pytest.approx([1.0, 3.0])
    jac = s2sad.jacobian(as_tuple)([1.0, 2.0])
    assert np.allclose(np.array(jac, dtype=float), np.eye(2))
    check_grads(as_tuple, ([0.5, -2.0, 3.0],), modes=BOTH)


# ---------------------------------------------------------------- 7. false refusals
def nested_unpacking(params):
    (W1, b1), (W2, b2) = params
    return np.sum(np.tanh(W1 * b1) * W2 + b2)


def nested_unpacking_three_levels(p):
    a, (b, (c, d)) = p
    return a * b + c * d * a


def test_nested_unpacking():
    params = ((X, W), (X * 0.5, W * 2.0))
    check_grads(nested_unpacking, (params,), modes=BOTH)
    g = s2sad.grad(nested_unpacking)(params)
    assert type(g) is tuple and type(g[0]) is tuple
    check_grads(nested_unpacking_three_levels, ((0.5, [1.5, (-2.0, 0.25)]),), modes=BOTH)
    hv = s2sad.hvp(nested_unpacking_three_levels)((0.5, [1.5, (-2.0, 0.25)]),
                                                  (1.0, [0.0, (0.0, 0.0)]))
    # d/da of the gradient: (0, [1, (d, c)])
    assert hv[0] == pytest.approx(0.0) and hv[1][0] == pytest.approx(1.0)
    assert hv[1][1][0] == pytest.approx(0.25) and hv[1][1][1] == pytest.approx(-2.0)


def alias_extended(a, w):
    b = a
    b += [w * w]
    return b[-1] * a[0] + len(a)


def alias_appended_in_loop(a, w):
    b = a
    for i in range(3):
        b.append(a[-1] * w)
    return b[-1] + a[1]


def first(b):
    return b[0]


def item_from_a_helper_then_write(w):
    b = [w, 2.0 * w]
    c = first(b)
    b[0] = c * 3.0
    return b[0] * c + b[1]


def _fd_args(f, a, w, eps=1e-6):
    """Central differences of f(list a, float w) in each item of a and in w."""
    ga = _fd_list(lambda v: f(v, w), a, eps)
    gw = (f(list(a), w + eps) - f(list(a), w - eps)) / (2 * eps)
    return ga, gw


@pytest.mark.parametrize("f", [alias_extended, alias_appended_in_loop],
                         ids=lambda f: f.__name__)
def test_changes_of_a_list_argument_through_an_alias(f):
    a, w = [1.5, -0.5], 0.7
    value, (ga, gw) = s2sad.value_and_grad(f, wrt=(0, 1))(list(a), w)
    assert value == pytest.approx(f(list(a), w))
    fa, fw = _fd_args(f, a, w)
    assert ga == pytest.approx(fa, rel=1e-6, abs=1e-8) and gw == pytest.approx(fw, rel=1e-6)
    value, tangent = s2sad.jvp(f, wrt=(0, 1))(list(a), w, [1.0, -2.0], 0.5)
    assert value == pytest.approx(f(list(a), w))
    assert tangent == pytest.approx(fa[0] - 2.0 * fa[1] + 0.5 * fw, rel=1e-6)


def test_an_item_a_helper_returned_then_a_write_into_the_list():
    _scalar_checks(item_from_a_helper_then_write, 0.7)


def list_slice_copy_written(a):
    b = a[:]
    b[1] = b[1] * 2.0
    return b[1] + a[1]


def list_slice_appended(a):
    b = a[1:]
    b.append(a[0] * 3.0)
    return b[-1] * b[0]


@pytest.mark.parametrize("f", [list_slice_copy_written, list_slice_appended],
                         ids=lambda f: f.__name__)
def test_a_slice_of_a_list_is_a_new_list_when_the_structure_is_known(f):
    # (the code made for a list argument; the public API also builds the code for
    # unknown kinds first, where a[:] may be an array's view: see the report)
    from s2sad import api
    from s2sad.api.reverse import reverse_bound
    a = [1.0, 2.0]
    kinds = api.argument_kinds(f, (a,), {})
    bound = reverse_bound(f, ("a",), "value_and_grad", kinds=kinds)
    value, grad = bound.impl(list(a))
    assert value == pytest.approx(f(list(a)))
    assert grad == pytest.approx(_fd_list(f, a), rel=1e-6)


# ---------------------------------------------------------------- 6. slice assignment, hints
def slice_assignment_shrinks(x, w):
    t = [x, x * 2.0, x * 3.0]
    t[0:2] = [w]
    return np.sum(t[1] * t[0]) + len(t)


def slice_assignment_through_alias(x, w):
    t = [x, x * 2.0, x * 3.0]
    u = t
    t[1:] = [w * w, w, x]
    return np.sum(u[1] * u[-1]) + len(u)


def whole_slice_assignment(x, w):
    t = [x * 2.0]
    u = t
    t[:] = [w, x * w]
    return np.sum(u[0] * u[1])


def negative_slice_assignment(x, w):
    t = [x, x * 2.0, x * 3.0]
    t[:-1] = (w, w * x, x)
    return np.sum(t[2] * t[-1] + t[0])


@pytest.mark.parametrize("f", [slice_assignment_shrinks, slice_assignment_through_alias,
                               whole_slice_assignment, negative_slice_assignment],
                         ids=lambda f: f.__name__)
def test_slice_assignment_into_a_local_list(f):
    assert s2sad.value_and_grad(f, wrt=(0, 1))(X, W)[0] == pytest.approx(f(X.copy(), W.copy()))
    check_grads(f, (X, W), modes=BOTH)


def mixed_sign_slice_assignment(x, w):
    t = [x, x * 2.0, x * 3.0]
    t[1:-3] = [w]
    return np.sum(t[1])


def write_into_an_item_of_a_list(x, w):
    b = [x * 1.0, x * 2.0]
    b[0][1] = w[1]
    return np.sum(b[0])


@pytest.mark.parametrize("f, words", [
    (mixed_sign_slice_assignment, "constant bounds of one sign"),
    (write_into_an_item_of_a_list, "a write into an item of a list"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_true_refusals_of_writes_into_lists(f, words):
    with pytest.raises(S2sadError) as info:
        s2sad.grad(f, wrt=1)(X, W)
    assert f":{f.__code__.co_firstlineno + 2}:" in str(info.value)
    assert words in str(info.value) and "caller" not in str(info.value)
    assert "x[i, j]" not in str(info.value)


def repeated_in_place_through_alias(x, w):
    t = [x, x * 2.0]
    u = t
    t *= 2
    t[0] = w
    return np.sum(u[0] * 3.0 * u[-1]) + len(u)


def test_list_repeated_in_place_is_seen_through_every_name():
    assert s2sad.value_and_grad(repeated_in_place_through_alias, wrt=(0, 1))(X, W)[0] == \
        pytest.approx(repeated_in_place_through_alias(X.copy(), W.copy()))
    check_grads(repeated_in_place_through_alias, (X, W), modes=BOTH)


def concatenation_of_an_argument_then_changed(x, xs):
    s = 0.0
    ls = xs + [s, x]
    v = ls[0]
    ls.insert(0, v * x)
    return v * ls[0] + ls[-1] * len(ls)


def test_a_new_list_made_by_concatenating_an_argument_may_be_changed():
    # (the concatenation holds the argument's items, not the argument: fuzzer seed 1247)
    xs = [-1.472, 0.571, -0.66]
    value, (gx, gxs) = s2sad.value_and_grad(
        concatenation_of_an_argument_then_changed, wrt=(0, 1))(0.3, list(xs))
    f = concatenation_of_an_argument_then_changed
    assert value == pytest.approx(f(0.3, list(xs)))
    assert gx == pytest.approx(_fd(lambda t: f(t, list(xs)), 0.3), rel=1e-6)
    assert gxs == pytest.approx(_fd_list(lambda v: f(0.3, v), xs), rel=1e-6)
