"""List methods (append, extend, insert, pop, item assignment, +=) and their aliasing,
in reverse mode, forward mode and second order, against central finite differences;
and the cost of an append (and its adjoint) in a loop: O(1), not a copy of the list."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

import list_mutation_functions as lm

BOTH = ("reverse", "forward")


def _fd_hessian(f, x, eps=1e-4):
    """Central differences of central differences (float64)."""
    n = len(x)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * eps, np.eye(n)[j] * eps
            out[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                         + f(x - ei - ej)) / (4 * eps * eps)
    return out


@pytest.mark.parametrize("func, args", [
    (lm.append_through_alias, (2.0, 3.0)),       # the append was lost through 'b'
    (lm.every_method, (2.0, 3.0)),
    (lm.insert_negative, (0.7, -1.3)),
    (lm.item_assignment_and_iadd, (2.0, 3.0)),
    (lm.pop_into_expression, (1.5, -0.5)),
    (lm.through_a_local_helper, (2.0, 3.0)),     # an inlined helper returning the list
    (lm.append_in_a_branch_through_alias, (0.8, 1.0)),
    (lm.append_in_a_branch_through_alias, (0.8, -1.0)),
    (lm.change_in_branches, (0.7, 1.0)),
    (lm.change_in_branches, (0.7, -1.0)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_methods_through_every_name_holding_the_list(func, args):
    check_grads(func, args, wrt=(0, 1), modes=BOTH)


def test_a_dicts_pop_by_a_name_holding_the_key():
    # d.pop(k) of a dict (refused before as a list's pop): d["a"] * x = x ** 2
    assert s2sad.value_and_grad(lm.dict_pop_by_name)(2.0) == (4.0, 4.0)
    assert s2sad.jvp(lm.dict_pop_by_name)(2.0, 1.0) == (4.0, 4.0)


def test_append_through_an_alias_keeps_the_value():
    assert s2sad.value_and_grad(lm.append_through_alias, wrt=(0, 1))(2.0, 3.0) == \
        (6.0, (3.0, 2.0))


@pytest.mark.parametrize("func, args", [
    (lm.append_in_loop, (0.5, 7)),
    (lm.append_reading_the_list, (0.4, 5)),
    (lm.read_before_appending, (0.3, 4)),
    (lm.append_in_nested_loops, (0.8, 4)),
    (lm.append_constants_and_values, (1.2, 4)),
    (lm.pop_in_loop, (0.6, 5)),
    (lm.pop_front_in_loop, (0.6, 5)),
    (lm.pop_second_last, (0.7, 6)),
    (lm.append_in_loop, (0.5, 0)),               # a loop that runs no trip
    (lm.append_in_loop_through_alias, (1.1, 3)),  # b = a before the loop
    (lm.append_then_iterate, (0.8, 5)),
    (lm.while_the_list_is_not_empty, (0.7, 5)),   # 'while xs:' lost xs's entry copy
    (lm.while_a_counter, (1.5, 3)),
    (lm.item_assignment_in_loop, (0.8, 5)),      # the list was not carried: wrong value
    (lm.item_assignment_in_loop_through_alias, (0.8, 5)),
    (lm.iadd_in_loop_through_alias, (0.8, 3)),
    (lm.insert_and_extend_in_loop, (0.6, 3)),
    (lm.list_made_again_in_the_loop, (0.8, 7)),
    (lm.pop_in_while_through_alias, (0.7, 4)),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_lists_changed_in_loops(func, args):
    check_grads(func, args, wrt=0, modes=BOTH)


def test_appending_arrays_in_a_loop():
    w = np.array([0.3, -0.2, 0.5])
    check_grads(lm.append_arrays, (w, 4), wrt=0, modes=BOTH)


def test_a_list_appended_in_place_then_used_as_an_array():
    # the list's adjoint comes back as an array (np.array(acc), C + acc): popped as
    # items all the same (fuzzer seeds 141...)
    check_grads(lm.appended_then_array, (np.array([0.4, -1.2, 0.9]), 2), wrt=0, modes=BOTH)


def test_a_list_output_built_in_place_pulls_back_twice_the_same():
    value, pullback = s2sad.vjp(lm.list_output)(1.5, 4)
    assert value == [0.0, 1.5, 3.0, 4.5]
    cotangent = [1.0, 2.0, 3.0, 4.0]
    first = pullback(cotangent)
    assert cotangent == [1.0, 2.0, 3.0, 4.0]       # the caller's cotangent is left alone
    assert first == pytest.approx(0 * 1 + 1 * 2 + 2 * 3 + 3 * 4)
    assert pullback(cotangent) == pytest.approx(first)
    check_grads(lm.list_output, (1.5, 4), wrt=0, modes=BOTH)


def test_appending_to_a_copy_of_an_argument():
    xs = [0.5, -1.5]
    value, g = s2sad.value_and_grad(lm.append_to_a_copy)(xs, 3)
    assert xs == [0.5, -1.5] and value == pytest.approx(lm.append_to_a_copy(xs, 3))
    eps = 1e-6
    for k in range(2):
        hi, lo = list(xs), list(xs)
        hi[k] += eps
        lo[k] -= eps
        fd = (lm.append_to_a_copy(hi, 3) - lm.append_to_a_copy(lo, 3)) / (2 * eps)
        assert g[k] == pytest.approx(fd, rel=1e-6)
    assert "zs.append(" in s2sad.source(lm.append_to_a_copy)


def test_a_list_bound_on_one_path_only():
    assert s2sad.grad(lm.list_made_on_one_path)(1.5, True) == pytest.approx(3 * 1.5 ** 2)
    with pytest.raises(UnboundLocalError):
        s2sad.grad(lm.list_made_on_one_path)(1.5, False)


def test_a_list_argument_is_copied_not_changed():
    xs = [2.0, 5.0]
    value, (g_xs, g_y) = s2sad.value_and_grad(lm.append_to_argument, wrt=(0, 1))(xs, 3.0)
    assert xs == [2.0, 5.0]
    assert value == lm.append_to_argument([2.0, 5.0], 3.0)
    # d/dxs[0] (xs[0] * y^2) = y^2; d/dy = 2 y xs[0]
    assert g_xs == [pytest.approx(9.0), 0.0] and g_y == pytest.approx(12.0)
    ys = [2.0, 5.0]
    value, (g_xs, g_y) = s2sad.value_and_grad(lm.extend_argument_through_alias,
                                              wrt=(0, 1))(ys, 3.0)
    assert ys == [2.0, 5.0] and value == pytest.approx(12.0)
    assert g_xs == [pytest.approx(6.0), 0.0] and g_y == pytest.approx(4.0)


def test_second_order_through_list_methods():
    x = np.array([0.7, 1.3])
    h = s2sad.hessian(lm.of_vector)(x)
    assert np.allclose(h, _fd_hessian(lm.of_vector, x), atol=1e-4)
    v = np.array([0.3, -1.1])
    assert np.allclose(s2sad.hvp(lm.of_vector)(x, v), h @ v, atol=1e-8)
    for func in (lm.pops_of_vector, lm.append_then_iterate_of_vector,
                 lm.through_a_helper_of_vector):
        h = s2sad.hessian(func)(x)
        assert np.allclose(h, _fd_hessian(func, x), atol=1e-4)


def test_reading_a_tuple_in_a_loop():
    check_grads(lm.tuple_items_read_in_loop, (0.7,), wrt=0, modes=BOTH)


@pytest.mark.parametrize("func, args, line, words", [
    (lm.held_in_a_container, (2.0, 3.0), "a.append(y)", "may also change 'p'"),
    (lm.through_a_helper, (2.0, 3.0), "b.append(y)", "may also change 'a'"),
    (lm.global_list, (2.0,), "b.append(x)", "defined outside the function"),
    (lm.dict_pop, (2.0,), "d.pop(\"key\")", "of a list (by position)"),
    (lm.alias_broken_in_loop, (2.0, 3), "for i in range(n):", "'a' and 'b' hold the same list"),
    (lm.append_to_an_item, (2.0,), "outer[0].append(x * x)", "inside a container"),
    (lm.append_to_a_list_inside_another, (2.0,), "inner.append(x * x)",
     "may also change 'outer'"),
])
def test_changes_it_cannot_follow_are_refused_with_their_line(func, args, line, words):
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(func)(*args)
    text = str(info.value)
    assert line in text and words in text and "list_mutation_functions.py" in text


def test_append_and_its_adjoint_do_not_copy_the_list():
    """Appending in a loop was a copy of the list per trip in both sweeps (O(n^2)):
    now an append in place, its adjoint popped, in reverse and forward mode."""
    reverse = s2sad.source(lm.append_in_loop)
    assert "list_append" not in reverse and "[:-1]" not in reverse
    assert "xs_1.append(mul_1)" in reverse and "xs_1_bar.pop()" in reverse
    forward = s2sad.jvp(lm.append_in_loop).source
    assert "list_append" not in forward and "list_push(xs_1_dot, mul_1_dot)" in forward
    # a pop: the item taken off the list, its adjoint put back
    reverse = s2sad.source(lm.pop_in_loop)
    assert "list_delete" not in reverse and "delete_bar" not in reverse
    assert "v = xs.pop(-1)" in reverse and "xs_bar.append(v_bar)" in reverse
    reverse = s2sad.source(lm.pop_front_in_loop)
    assert "xs.pop(0)" in reverse and "xs_bar.insert(0, v_bar)" in reverse
    forward = s2sad.jvp(lm.pop_in_loop).source
    assert "list_delete" not in forward and "list_remove(xs_dot, -1, v)" in forward


#: runtime helpers that change the list they are given in place, in O(1) at its end
#: (forward mode's append and pop; checked below to return that very list)
_IN_PLACE_LIST_HELPERS = {"list_push", "list_remove"}


def _whole_list_reads_in_loops(text):
    """The lines of the generated module ``text`` where a loop reads a whole list: a
    list (a name something appends to or pops from, and the names bound to it) passed
    to a call, sliced or iterated, each an O(length) copy or walk per trip, the
    quadratic pattern.  Inside loops a list may only be appended to or popped from
    (``xs.append(v)``, ``xs.pop()``, ``list_push(xs, v)``...), indexed (``xs[i]``),
    measured (``len(xs)``) or bound to another name (``ys = xs``)."""
    import ast
    tree = ast.parse(text)
    lists = {n.func.value.id for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr in ("append", "pop")
             and isinstance(n.func.value, ast.Name)}
    lists |= {n.args[0].id for n in ast.walk(tree) if isinstance(n, ast.Call)
              and isinstance(n.func, ast.Name) and n.args and isinstance(n.args[0], ast.Name)
              and (n.func.id.startswith("list_") or n.func.id == "copy_container")}
    aliases = [(n.targets[0].id, n.value.id) for n in ast.walk(tree)
               if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
               and isinstance(n.value, ast.Name)]
    aliases += [(n.targets[0].id, n.value.args[0].id) for n in ast.walk(tree)
                if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
                and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)
                and n.value.func.id in _IN_PLACE_LIST_HELPERS]
    for _ in aliases:   # (a fixed point: names bound to a list, either way)
        for a, b in aliases:
            if a in lists or b in lists:
                lists |= {a, b}
    allowed = set()   # the Name nodes read in an O(1) way
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and n.attr in ("append", "pop", "push"):
            allowed.add(id(n.value))   # (push: the tape's)
        elif isinstance(n, ast.Subscript) and not isinstance(n.slice, ast.Slice):
            allowed.add(id(n.value))
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.args and (
                n.func.id == "len" or n.func.id in _IN_PLACE_LIST_HELPERS):
            allowed.add(id(n.args[0]))
        elif isinstance(n, ast.Assign) and isinstance(n.value, ast.Name):
            allowed.add(id(n.value))
    found = []
    for loop in ast.walk(tree):
        if isinstance(loop, (ast.For, ast.While)):
            for stmt in loop.body:
                for n in ast.walk(stmt):
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) \
                            and n.id in lists and id(n) not in allowed:
                        found.append(ast.get_source_segment(text, stmt).splitlines()[0])
    return found


@pytest.mark.parametrize("func", [lm.append_in_loop, lm.pop_in_loop,
                                  lm.append_then_iterate])
def test_append_cost_is_linear_in_the_list_length(func):
    """No loop of the generated code reads a whole list: an append, a pop, a read and
    their adjoints and tangents are O(1), not a copy of the list per trip (its time,
    measured: benchmarks/list_methods.py)."""
    for text in (s2sad.source(func), s2sad.jvp(func).source):
        assert "append(" in text or "pop(" in text or "list_push(" in text
        assert _whole_list_reads_in_loops(text) == [], func.__name__
    from s2sad.runtime.lists import list_push, list_remove
    items = [1.0, 2.0]
    assert list_push(items, 3.0) is items and list_remove(items, -1, 3.0) is items
    assert items == [1.0, 2.0]


def test_the_whole_list_read_check_sees_a_copy_in_a_loop():
    """The check above finds the quadratic pattern: a copy or a walk per trip (a
    functional append, ``list_append``, copies the list)."""
    functional = ("def f(x, n):\n    xs = []\n    for i in range(n):\n"
                  "        xs = list_append(xs, x)\n    return xs\n")
    assert _whole_list_reads_in_loops(functional) == ["xs = list_append(xs, x)"]
    text = ("def f(x, n):\n    xs = []\n    for i in range(n):\n"
            "        xs.append(x)\n        ys = list(xs)\n        t = sum(xs[:])\n"
            "    return xs\n")
    assert _whole_list_reads_in_loops(text) == ["ys = list(xs)", "t = sum(xs[:])"]
    assert _whole_list_reads_in_loops(text.replace("        ys = list(xs)\n"
                                                   "        t = sum(xs[:])\n", "")) == []
