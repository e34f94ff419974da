"""Adjoint rules of the container helpers generated gradient code calls (trees, lists,
dicts) and of einsum's, so that gradient code can be differentiated in reverse mode again.

Every helper here is linear in its adjoint argument (its tangent is derived from the
``@fact(linear=...)`` beside it, see :mod:`.runtime_rules`) and reads its other
arguments for their structure only, so its adjoint is its transpose.  The transposes
are helpers of :mod:`s2sad.runtime.adjoints_structure` or the helpers themselves
(``sorted_bar`` and ``sorted_dot`` are each other's), and each transpose has the
helper it transposes as its own adjoint: the rules close on themselves at any order.
"""

import numpy as np

from ..runtime import adjoints_structure as tr
from ..runtime import dicts as rd
from ..runtime import lists as rl
from ..runtime import trees as rt
from ..runtime.adjoints_structure import (dict_item_part, dict_set_part, dict_values_part,
                                          einsum_part, extend_part, insert_part, item_pick,
                                          item_place, iterable_part, kept_if, operand_at,
                                          plus_part, repeat_part, repetition_part, set_part,
                                          times_part, tree_part)
from ..runtime.contractions import einsum_bar, einsum_of
from ..runtime.dicts import (dict_default_bar, dict_entries_bar, dict_entries_dot,
                             dict_item_bar, dict_set_bar, loop_items_bar, loop_items_dot,
                             sorted_bar, sorted_dot)
from ..runtime.lists import delete_bar, extend_bar, insert_bar, list_delete, set_bar
from ..runtime.trees import (dict_bar, iterable_bar, plus_bar, repeat_bar,
                             repetition_bar, times_bar)
from .registry import adjoint, tangent

# ------------------------------------------------------------------------ trees


@adjoint(rt.item_bar, nondiff=("container", "key"))
def item_bar_adjoint(y, y_bar, container, key, g):
    return item_pick(y_bar, key, g)


@adjoint(rt.add_item, nondiff=("key",))
def add_item_adjoint(y, y_bar, bar, key, g):
    return tree_part(y_bar, bar), item_pick(y_bar, key, g)


@adjoint(rt.add_items)
def add_items_adjoint(y, y_bar, a, b):
    return tree_part(y_bar, a), tree_part(y_bar, b)


@adjoint(rt.add_tree)
def add_tree_adjoint(y, y_bar, a, b):
    return tree_part(y_bar, a), tree_part(y_bar, b)


@adjoint(rt.adjoint_copy)
def adjoint_copy_adjoint(y, y_bar, g):
    return tree_part(y_bar, g)


@adjoint(rt.tree_like, nondiff=("x",))
def tree_like_adjoint(y, y_bar, g, x):
    return tree_part(y_bar, g)


# times_bar(g, x, n) is unbroadcast(g * n, x) for numbers and arrays: bilinear in g and n
# (the factor n carries a derivative: k * np.sum(...) differentiated in k, then again); for
# a list or tuple x (a repetition) n is an int, which carries none
@adjoint(rt.times_bar, nondiff=("x",))
def times_bar_adjoint(y, y_bar, g, x, n):
    return times_part(y_bar, g, x, n), times_part(y_bar, n, x, g)


@tangent(rt.times_bar)
def times_bar_tangent(y, g, x, n, g_dot, n_dot):
    return times_bar(g_dot, x, n) + times_bar(n_dot, x, g)


@adjoint(rt.plus_bar, nondiff=("a", "b"), tuple_output=True)
def plus_bar_adjoint(y, y_bar, g, a, b):
    return plus_part(y_bar, g, a, b)


@adjoint(rt.iterable_bar, nondiff=("items",))
def iterable_bar_adjoint(y, y_bar, g, items):
    return iterable_part(y_bar, items)


@adjoint(rt.repetition_bar, nondiff=("items",))
def repetition_bar_adjoint(y, y_bar, g, items):
    return repetition_part(y_bar, g)


@adjoint(rt.repeat_bar, nondiff=("items",))
def repeat_bar_adjoint(y, y_bar, g, items):
    return repeat_part(y_bar, g)


@adjoint(rt.dict_bar, nondiff=("keys",))
def dict_bar_adjoint(y, y_bar, keys, values):
    return dict_values_part(y_bar, keys, values)


# ------------------------------------------------------------------------ lists


@adjoint(rl.list_push)
def list_push_adjoint(y, y_bar, items, item):
    parts = tree_part(y_bar, y)
    return parts[:-1], parts[-1]


@adjoint(rl.list_remove, nondiff=("index", "item"))
def list_remove_adjoint(y, y_bar, items, index, item):
    return delete_bar(tree_part(y_bar, y), index, item)


@adjoint(rl.list_bar)
def list_bar_adjoint(y, y_bar, g):
    return iterable_bar(tree_part(y_bar, y), g)


@adjoint(rl.extend_bar, nondiff=("more",), tuple_output=True)
def extend_bar_adjoint(y, y_bar, g, more):
    return extend_part(y_bar, g, more)


@adjoint(rl.insert_bar, nondiff=("index",), tuple_output=True)
def insert_bar_adjoint(y, y_bar, g, index):
    return insert_part(y_bar, g, index)


@adjoint(rl.delete_bar, nondiff=("index", "item"))
def delete_bar_adjoint(y, y_bar, g, index, item):
    return tree_part(list_delete(tree_part(y_bar, y), index, item), g)


@adjoint(rl.set_bar, nondiff=("items", "index"), tuple_output=True)
def set_bar_adjoint(y, y_bar, g, items, index):
    return set_part(y_bar, g, index)


# ------------------------------------------------------------------------ dicts


@adjoint(rd.dict_set_bar, nondiff=("d", "key"))
def dict_set_bar_adjoint(y, y_bar, g, d, key):
    return dict_set_part(y_bar, g, key)


@adjoint(rd.dict_item_bar, nondiff=("key", "value"))
def dict_item_bar_adjoint(y, y_bar, g, key, value):
    return dict_item_part(y_bar, g, key)


@adjoint(rd.dict_get_bar, nondiff=("d", "key"))
def dict_get_bar_adjoint(y, y_bar, g, d, key):
    return dict_item_bar(y_bar, key, g)


@adjoint(rd.dict_default_bar, nondiff=("d", "key", "default"))
def dict_default_bar_adjoint(y, y_bar, g, d, key, default):
    return dict_default_bar(tree_part(y_bar, y), d, key, g)


@adjoint(rd.dict_entries_bar, nondiff=("source",))
def dict_entries_bar_adjoint(y, y_bar, g, source):
    return tree_part(dict_entries_dot(source, tree_part(y_bar, y)), g)


@adjoint(rd.dict_entries_dot, nondiff=("source",))
def dict_entries_dot_adjoint(y, y_bar, source, tangent):
    return dict_entries_bar(tree_part(y_bar, y), source)


@adjoint(rd.loop_items_bar, nondiff=("sequence",))
def loop_items_bar_adjoint(y, y_bar, g, sequence):
    return loop_items_dot(sequence, tree_part(y_bar, y))


@adjoint(rd.loop_items_dot, nondiff=("sequence",))
def loop_items_dot_adjoint(y, y_bar, sequence, tangent):
    return loop_items_bar(tree_part(y_bar, y), sequence)


@adjoint(rd.sorted_bar, nondiff=("items", "key", "reverse"))
def sorted_bar_adjoint(y, y_bar, g, items, key=None, reverse=False):
    return sorted_dot(items, tree_part(y_bar, y), key, reverse)


@adjoint(rd.sorted_dot, nondiff=("items", "key", "reverse"))
def sorted_dot_adjoint(y, y_bar, items, tangent, key=None, reverse=False):
    return sorted_bar(tree_part(y_bar, y), items, key, reverse)


# ------------------------------------------- the transposes, each the other's adjoint


@adjoint(tr.tree_part, nondiff=("x",))
def tree_part_adjoint(y, y_bar, g, x):
    return tree_part(y_bar, g)


@adjoint(tr.item_pick, nondiff=("key", "like"))
def item_pick_adjoint(y, y_bar, h, key, like):
    return item_place(y_bar, key, h)


@adjoint(tr.item_place, nondiff=("key", "h"))
def item_place_adjoint(y, y_bar, p, key, h):
    return item_pick(y_bar, key, p)


@adjoint(tr.repetition_part, nondiff=("g",))
def repetition_part_adjoint(y, y_bar, h, g):
    return repetition_bar(y_bar, h)


# times_part(h, g, x, n) is unbroadcast(h * n, g) for numbers and arrays: bilinear in h, n
@adjoint(tr.times_part, nondiff=("g", "x"))
def times_part_adjoint(y, y_bar, h, g, x, n):
    return times_bar(y_bar, x, n), times_part(y_bar, n, g, h)


@tangent(tr.times_part)
def times_part_tangent(y, h, g, x, n, h_dot, n_dot):
    return times_part(h_dot, g, x, n) + times_part(n_dot, g, x, h)


@adjoint(tr.plus_part, nondiff=("g", "a", "b"))
def plus_part_adjoint(y, y_bar, h, g, a, b):
    return plus_bar(y_bar, a, b)


@adjoint(tr.repeat_part, nondiff=("g",))
def repeat_part_adjoint(y, y_bar, h, g):
    return repeat_bar(y_bar, h)


@adjoint(tr.iterable_part, nondiff=("items",))
def iterable_part_adjoint(y, y_bar, h, items):
    return iterable_bar(y_bar, items)


@adjoint(tr.dict_values_part, nondiff=("keys", "values"))
def dict_values_part_adjoint(y, y_bar, h, keys, values):
    return dict_bar(keys, y_bar)


@adjoint(tr.extend_part, nondiff=("g", "more"))
def extend_part_adjoint(y, y_bar, h, g, more):
    return extend_bar(y_bar, more)


@adjoint(tr.insert_part, nondiff=("g", "index"))
def insert_part_adjoint(y, y_bar, h, g, index):
    return insert_bar(y_bar, index)


@adjoint(tr.set_part, nondiff=("g", "index"))
def set_part_adjoint(y, y_bar, h, g, index):
    return set_bar(y_bar, g, index)


@adjoint(tr.dict_set_part, nondiff=("g", "key"))
def dict_set_part_adjoint(y, y_bar, h, g, key):
    return dict_set_bar(y_bar, h, key)


@adjoint(tr.dict_item_part, nondiff=("g", "key"))
def dict_item_part_adjoint(y, y_bar, h, g, key):
    return dict_item_bar(y_bar, key, h)


# ---------------------------------------------------------------------- np.einsum
# Slot i of einsum_part is operand i (0 to 7) or g (8): einsum_bar(g, s, k, ...) is
# einsum_part in slot k and einsum_of(s, ...) is einsum_part in slot 8.  The adjoint in
# slot i is einsum_part in slot i, the cotangent put into the slot differentiated
# (operand_at: a<i>) and the shape of slot i into slot i (a constant: no tangent term)


@adjoint(einsum_bar, nondiff=("subscripts", "k", "optimize"))
def einsum_bar_adjoint(y, y_bar, g, subscripts, k, op0=None, op1=None, op2=None, op3=None,
                       op4=None, op5=None, op6=None, op7=None, optimize=False):
    a0 = operand_at(op0, 0, k, y_bar)
    a1 = operand_at(op1, 1, k, y_bar)
    a2 = operand_at(op2, 2, k, y_bar)
    a3 = operand_at(op3, 3, k, y_bar)
    a4 = operand_at(op4, 4, k, y_bar)
    a5 = operand_at(op5, 5, k, y_bar)
    a6 = operand_at(op6, 6, k, y_bar)
    a7 = operand_at(op7, 7, k, y_bar)
    return (einsum_part(subscripts, 8, a0, a1, a2, a3, a4, a5, a6, a7, np.shape(g), optimize),
            einsum_part(subscripts, 0, np.shape(op0), a1, a2, a3, a4, a5, a6, a7, g, optimize),
            einsum_part(subscripts, 1, a0, np.shape(op1), a2, a3, a4, a5, a6, a7, g, optimize),
            einsum_part(subscripts, 2, a0, a1, np.shape(op2), a3, a4, a5, a6, a7, g, optimize),
            einsum_part(subscripts, 3, a0, a1, a2, np.shape(op3), a4, a5, a6, a7, g, optimize),
            einsum_part(subscripts, 4, a0, a1, a2, a3, np.shape(op4), a5, a6, a7, g, optimize),
            einsum_part(subscripts, 5, a0, a1, a2, a3, a4, np.shape(op5), a6, a7, g, optimize),
            einsum_part(subscripts, 6, a0, a1, a2, a3, a4, a5, np.shape(op6), a7, g, optimize),
            einsum_part(subscripts, 7, a0, a1, a2, a3, a4, a5, a6, np.shape(op7), g, optimize))


@adjoint(einsum_of, nondiff=("subscripts", "optimize"))
def einsum_of_adjoint(y, y_bar, subscripts, op0=None, op1=None, op2=None, op3=None, op4=None,
                      op5=None, op6=None, op7=None, optimize=False):
    return (einsum_part(subscripts, 0, np.shape(op0), op1, op2, op3, op4, op5, op6, op7, y_bar,
                optimize),
            einsum_part(subscripts, 1, op0, np.shape(op1), op2, op3, op4, op5, op6, op7, y_bar,
                optimize),
            einsum_part(subscripts, 2, op0, op1, np.shape(op2), op3, op4, op5, op6, op7, y_bar,
                optimize),
            einsum_part(subscripts, 3, op0, op1, op2, np.shape(op3), op4, op5, op6, op7, y_bar,
                optimize),
            einsum_part(subscripts, 4, op0, op1, op2, op3, np.shape(op4), op5, op6, op7, y_bar,
                optimize),
            einsum_part(subscripts, 5, op0, op1, op2, op3, op4, np.shape(op5), op6, op7, y_bar,
                optimize),
            einsum_part(subscripts, 6, op0, op1, op2, op3, op4, op5, np.shape(op6), op7, y_bar,
                optimize),
            einsum_part(subscripts, 7, op0, op1, op2, op3, op4, op5, op6, np.shape(op7), y_bar,
                optimize))


@tangent(einsum_of)
def einsum_of_tangent(y, subscripts, op0, op1, op2, op3, op4, op5, op6, op7, optimize, op0_dot,
                      op1_dot, op2_dot, op3_dot, op4_dot, op5_dot, op6_dot, op7_dot):
    return (einsum_of(subscripts, op0_dot, op1, op2, op3, op4, op5, op6, op7, optimize)
            + einsum_of(subscripts, op0, op1_dot, op2, op3, op4, op5, op6, op7, optimize)
            + einsum_of(subscripts, op0, op1, op2_dot, op3, op4, op5, op6, op7, optimize)
            + einsum_of(subscripts, op0, op1, op2, op3_dot, op4, op5, op6, op7, optimize)
            + einsum_of(subscripts, op0, op1, op2, op3, op4_dot, op5, op6, op7, optimize)
            + einsum_of(subscripts, op0, op1, op2, op3, op4, op5_dot, op6, op7, optimize)
            + einsum_of(subscripts, op0, op1, op2, op3, op4, op5, op6_dot, op7, optimize)
            + einsum_of(subscripts, op0, op1, op2, op3, op4, op5, op6, op7_dot, optimize))


@adjoint(einsum_part, nondiff=("subscripts", "target", "optimize"))
def einsum_part_adjoint(y, y_bar, subscripts, target, op0=None, op1=None, op2=None, op3=None,
                        op4=None, op5=None, op6=None, op7=None, g=None, optimize=False):
    a0 = operand_at(op0, 0, target, y_bar)
    a1 = operand_at(op1, 1, target, y_bar)
    a2 = operand_at(op2, 2, target, y_bar)
    a3 = operand_at(op3, 3, target, y_bar)
    a4 = operand_at(op4, 4, target, y_bar)
    a5 = operand_at(op5, 5, target, y_bar)
    a6 = operand_at(op6, 6, target, y_bar)
    a7 = operand_at(op7, 7, target, y_bar)
    a8 = operand_at(g, 8, target, y_bar)
    return (einsum_part(subscripts, 0, np.shape(op0), a1, a2, a3, a4, a5, a6, a7, a8,
                optimize),
            einsum_part(subscripts, 1, a0, np.shape(op1), a2, a3, a4, a5, a6, a7, a8,
                optimize),
            einsum_part(subscripts, 2, a0, a1, np.shape(op2), a3, a4, a5, a6, a7, a8,
                optimize),
            einsum_part(subscripts, 3, a0, a1, a2, np.shape(op3), a4, a5, a6, a7, a8,
                optimize),
            einsum_part(subscripts, 4, a0, a1, a2, a3, np.shape(op4), a5, a6, a7, a8,
                optimize),
            einsum_part(subscripts, 5, a0, a1, a2, a3, a4, np.shape(op5), a6, a7, a8,
                optimize),
            einsum_part(subscripts, 6, a0, a1, a2, a3, a4, a5, np.shape(op6), a7, a8,
                optimize),
            einsum_part(subscripts, 7, a0, a1, a2, a3, a4, a5, a6, np.shape(op7), a8,
                optimize),
            einsum_part(subscripts, 8, a0, a1, a2, a3, a4, a5, a6, a7, np.shape(g), optimize))


@tangent(einsum_part)
def einsum_part_tangent(y, subscripts, target, op0, op1, op2, op3, op4, op5, op6, op7, g,
                        optimize, op0_dot, op1_dot, op2_dot, op3_dot, op4_dot, op5_dot, op6_dot,
                        op7_dot, g_dot):
    return (einsum_part(subscripts, target, op0_dot, op1, op2, op3, op4, op5, op6, op7, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1_dot, op2, op3, op4, op5, op6, op7, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1, op2_dot, op3, op4, op5, op6, op7, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1, op2, op3_dot, op4, op5, op6, op7, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1, op2, op3, op4_dot, op5, op6, op7, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1, op2, op3, op4, op5_dot, op6, op7, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1, op2, op3, op4, op5, op6_dot, op7, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1, op2, op3, op4, op5, op6, op7_dot, g,
                optimize)
            + einsum_part(subscripts, target, op0, op1, op2, op3, op4, op5, op6, op7, g_dot,
                optimize))




@adjoint(operand_at, nondiff=("slot", "target"))
def operand_at_adjoint(y, y_bar, x, slot, target, value):
    return kept_if(y_bar, slot != target, x), kept_if(y_bar, slot == target, value)


@adjoint(kept_if, nondiff=("keep", "like"))
def kept_adjoint(y, y_bar, z, keep, like):
    return kept_if(y_bar, keep, z)
