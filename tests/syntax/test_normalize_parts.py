"""Exact-text tests of the pieces normalize is made of (loops, SSA merges,
flattening, helper inlining, global names), and the proof that normalizing
leaves the caller's tree as it was."""

import textwrap

import gast
import numpy as np

from s2sad.emit import render_function
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax import fence
from s2sad.syntax.normalize import normalize
from s2sad.syntax.parse import parse_function


def normalized(func, **options):
    load_builtin_rules()
    parsed = parse_function(func)
    fence.check(parsed)
    return render_function(normalize(parsed, **options).node, [])


def dump(tree):
    """The tree's fields and every annotation of every node, as text."""
    notes = []
    for node in gast.walk(tree):
        extra = sorted((k, repr(v)) for k, v in vars(node).items()
                       if k not in node._fields and k not in node._attributes)
        notes.append((type(node).__name__, getattr(node, "lineno", None),
                      getattr(node, "col_offset", None), getattr(node, "end_lineno", None),
                      getattr(node, "end_col_offset", None), extra))
    return gast.dump(tree), notes


def comprehensions(xs, n):
    ys = [2.0 * x for x in xs if x > 0.0]
    total = 0.0
    for i in range(n):
        total = total + sum([y * y for y in ys])
    a, *rest = ys
    return total + a


def test_normalize_leaves_the_parsed_tree_unchanged():
    load_builtin_rules()
    parsed = parse_function(comprehensions)
    fence.check(parsed)
    tree, before = parsed.node, dump(parsed.node)
    normalize(parsed)
    normalize(parsed, inline_helpers=True)
    assert parsed.node is tree
    assert dump(parsed.node) == before


def expect(func, text, **options):
    assert normalized(func, **options) == textwrap.dedent(text)


def parsed_body(func):
    """The statements of ``func``'s parsed tree."""
    return parse_function(func).node.body


# ---------------------------------------------------------------- loops (loops.py)
def range_loop(x, n):
    for i in range(n):
        x = x * 2.0
    return x


def test_loops_carry_a_name_through_a_range_loop():
    expect(range_loop, """\
        def range_loop(x, n):
            x_1 = x
            for i in range(n):
                x_2 = x_1 * 2.0
                x_1 = x_2
            return x_1
        """)


def zip_reversed(xs, ys):
    total = 0.0
    for a, b in zip(xs, reversed(ys)):
        total = total + a * b
    return total


def test_loops_run_zip_over_the_shortest_length_and_reversed_from_the_end():
    expect(zip_reversed, """\
        def zip_reversed(xs, ys):
            items = loop_items(xs)
            items_1 = loop_items(ys)
            n = len(items)
            n_1 = len(items_1)
            n_2 = min(n, n_1)
            last = n_1 - 1
            total = 0.0
            for index in range(n_2):
                position = last - index
                a = items[index]
                b = items_1[position]
                mul = a * b
                total = total + mul
            return total
        """)


def enumerate_start(xs):
    total = 0.0
    for i, v in enumerate(xs, 1):
        total = total + i * v
    return total


def test_loops_count_enumerate_from_its_start():
    expect(enumerate_start, """\
        def enumerate_start(xs):
            items = loop_items(xs)
            n = len(items)
            total = 0.0
            for index in range(n):
                add = index + 1
                v = items[index]
                mul = add * v
                total = total + mul
            return total
        """)


def while_loop(x):
    while x < 10.0:
        x = x * 2.0
    return x


def test_loops_give_a_while_loop_a_condition_and_a_trip_counter():
    expect(while_loop, """\
        def while_loop(x):
            x_1 = x
            n_iter = 0
            cond = x_1 < 10.0
            while cond:
                x_2 = x_1 * 2.0
                cond = x_2 < 10.0
                n_iter = n_iter + 1
                x_1 = x_2
            return x_1
        """)


def positives(xs):
    return sum([2.0 * x for x in xs if x > 0.0])


def test_loops_lower_a_list_comprehension_to_appends():
    expect(positives, """\
        def positives(xs):
            items = []
            items_1 = loop_items(xs)
            n = len(items_1)
            items_2 = items
            for index in range(n):
                x = items_1[index]
                cond = x > 0.0
                if cond:
                    mul = 2.0 * x
                    items_4 = list_append(items_2, mul)
                else:
                    items_4 = items_2
                items_2 = items_4
            positives = sum(items_2)
            return positives
        """)


def test_sequences_read_the_iterable_syntax():
    from s2sad.syntax.normalize.sequences import (dict_iteration, reversed_argument,
                                                  zip_arguments)

    def loops(xs, ys, d):
        for a in zip(xs, ys):
            pass
        for b in reversed(xs):
            pass
        for k, v in d.items():
            pass
        for k in d:
            w = d[k]

    parsed = parse_function(loops)
    first, second, third, fourth = parsed.node.body
    args = zip_arguments(first.iter, {}, parsed)
    assert [a.id for a in args] == ["xs", "ys"]
    assert zip_arguments(first.iter, {"zip": None}, parsed) is None   # a local zip
    assert reversed_argument(second.iter, {}, parsed).id == "xs"
    assert reversed_argument(first.iter, {}, parsed) is None
    owner, kind = dict_iteration(third.iter, set())
    assert (owner.id, kind) == ("d", "dict_items")
    owner, kind = dict_iteration(fourth.iter, set(), fourth.target, fourth.body)
    assert (owner.id, kind) == ("d", "dict_keys")
    assert dict_iteration(fourth.iter, set()) is None
    assert dict_iteration(fourth.iter, {"d"})[1] == "dict_keys"


# ---------------------------------------------------------------- SSA (scope.py)
def branch(x, c):
    if c > 0.0:
        y = x * 2.0
    else:
        y = x
    return y


def test_scope_merges_the_names_two_branches_disagree_on():
    expect(branch, """\
        def branch(x, c):
            cond = c > 0.0
            if cond:
                y_1 = x * 2.0
            else:
                y_1 = x
            return y_1
        """)


def choose(x, c):
    y = x if c > 0.0 else 2.0 * x
    return y


def both(a, b):
    return a and b


def test_scope_writes_choices_and_short_circuits_as_if_statements():
    expect(choose, """\
        def choose(x, c):
            cond = c > 0.0
            if cond:
                y = x
            else:
                y = 2.0 * x
            return y
        """)
    expect(both, """\
        def both(a, b):
            if a:
                both = b
            else:
                both = a
            return both
        """)


def maybe_unbound(x, c):
    if c > 0.0:
        y = x
    return y


def test_scope_checks_a_read_of_a_name_unbound_on_some_path():
    line = maybe_unbound.__code__.co_firstlineno + 3
    expect(maybe_unbound, f"""\
        def maybe_unbound(x, c):
            cond = c > 0.0
            if cond:
                y = x
            else:
                y = UNBOUND
            y_bound = check_bound(y, 'y', {__file__!r}, {line}, 12)
            assert y_bound
            return y
        """)


# ---------------------------------------------------------------- flattening (core.py)
SCALE = 2.0


def flat(x, w):
    y = np.sin(x * w + 1.0)[0]
    a, b = y, x
    return a + b * SCALE


def test_flattening_names_one_operation_per_statement():
    expect(flat, """\
        def flat(x, w):
            mul = x * w
            add = mul + 1.0
            sin = np.sin(add)
            y = sin[0]
            mul_1 = x * SCALE
            flat = y + mul_1
            return flat
        """)


# ------------------------------------------------- helper inlining (inline.py)
def helper(a, k=3.0):
    return a * k


def uses_helper(x):
    return helper(x) + np.pi


def local_function(x):
    def square(v):
        return v * v
    return square(x) + 1.0


def test_inlining_puts_a_helper_body_in_place_of_its_call():
    expect(uses_helper, """\
        def uses_helper(x):
            helper_1 = helper(x)
            uses_helper = helper_1 + np.pi
            return uses_helper
        """)
    expect(uses_helper, """\
        def uses_helper(x):
            mul = x * 3.0
            uses_helper = mul + np.pi
            return uses_helper
        """, inline_helpers=True)
    expect(local_function, """\
        def local_function(x):
            mul = x * x
            local_function = mul + 1.0
            return local_function
        """)


def test_inline_functions_answer_from_the_objects():
    from s2sad.syntax.normalize.inline import (can_inline, defaults_of, helper_names,
                                               reachable_helpers)
    assert can_inline(helper)
    assert not can_inline(np.sin) and not can_inline(lambda **a: a)
    assert can_inline(lambda *a: a)   # (a lambda's source is read from its line, as a def's)
    assert defaults_of(helper) == {"k": 3.0}
    parsed = parse_function(uses_helper)
    helpers = reachable_helpers(parsed)
    assert [h.node.name for h in helpers.values()] == ["helper"]
    reserved, foreign = helper_names(parsed, helpers)
    assert reserved == {"a", "k"} and foreign == set()   # (the names it mentions)


# ------------------------------------------------- global names (globals.py)
def test_global_names_are_recorded_with_their_objects():
    load_builtin_rules()
    parsed = parse_function(flat)
    fence.check(parsed)
    normal = normalize(parsed)
    assert normal.free_names == {"np", "SCALE"}
    assert normal.free_objects == {"np": np, "SCALE": SCALE}
    assert normal.free_sources == {}


# ------------------------------------------------- callees.py and trees.py
def returns_first(p, q):
    return p[0]


def returns_sum(p, q):
    return np.sum(p * 2.0)


def returns_list(p, q):
    return [p, q]


def test_callee_facts_come_from_the_source():
    load_builtin_rules()   # (which calls allocate is the registry's fact)
    from s2sad.syntax.normalize.callees import (returned_display, returns_item_of,
                                                returns_new_values, unread_parameters)
    assert returns_item_of(returns_first) == 0
    assert returns_item_of(returns_sum) is None
    assert returns_new_values(returns_sum) and not returns_new_values(returns_first)
    assert unread_parameters(returns_first) == {"q"}
    assert returned_display(returns_list) == "list"
    assert returned_display(returns_sum) is None


def test_tree_facts():
    from s2sad.syntax.normalize.lists import mutated_lists
    from s2sad.syntax.normalize.liveness import exposed_reads
    from s2sad.syntax.normalize.trees import same_atom
    from s2sad.syntax import nodes

    def body(xs, ys, s):
        for i in range(3):
            s = s + 1.0
            t = s * 2.0
        zs = xs
        zs.append(1.0)

    loop, copy, append = parsed_body(body)
    assert exposed_reads(loop, {"s", "t"}) == {"s"}
    assert mutated_lists(gast.Module(body=[copy, append], type_ignores=[])) == {"xs", "zs"}
    assert same_atom(nodes.name("a"), nodes.name("a"))
    assert not same_atom(nodes.const(1), nodes.const(1.0))


def literal(x):
    d = {"a": x, "b": 2.0 * x, "a": 3.0 * x}
    return d["a"] + d["b"]


def test_flattening_keeps_a_repeated_key_in_its_first_place_with_its_last_value():
    expect(literal, """\
        def literal(x):
            mul = 2.0 * x
            mul_1 = 3.0 * x
            d = {'a': mul_1, 'b': mul}
            d_item = d['a']
            d_item_1 = d['b']
            literal = d_item + d_item_1
            return literal
        """)


def update(x, n):
    y = np.zeros(n)
    y[0] = x
    y += x
    return np.sum(y)


def test_flattening_writes_an_item_and_an_update_as_statements_of_their_own():
    expect(update, """\
        def update(x, n):
            y = np.zeros(n)
            y[0] = x
            y_1 = y + x
            update = np.sum(y_1)
            return update
        """)


def swap_rows(a, b):
    a, b = b * 2.0, a
    pair = (a, b)
    c, d = pair
    return c + d


def test_assignments_bind_in_parallel_and_unpack_a_tuple_name():
    expect(swap_rows, """\
        def swap_rows(a, b):
            a_1 = b * 2.0
            pair = a_1, a
            c, d = pair
            swap_rows = c + d
            return swap_rows
        """)


def nested_targets(x, pair):
    y = np.zeros(3)
    ((a, i), y[i]), a = pair, 2.0
    """A string statement: nothing runs."""
    return a * y * x


def test_nested_targets_unpack_first_then_assign_from_left_to_right():
    # the right side unpacked level by level into new names (nothing bound yet), then
    # a, i, y[i] (i the new one) and a again, as Python does: the last a is kept
    expect(nested_targets, """\
        def nested_targets(x, pair):
            y = np.zeros(3)
            item, item_1 = pair
            a, i = item
            y[i] = item_1
            mul = 2.0 * y
            nested_targets = mul * x
            return nested_targets
        """)
