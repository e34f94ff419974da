"""Adjoint rules of the container helpers generated gradient code calls (trees, lists,
dicts), so that gradient code can be differentiated in reverse mode again.

Every helper here is linear in its adjoint argument (its tangent is derived from the
``@fact(linear=...)`` beside it, see :mod:`.runtime_rules`) and reads its other
arguments for their structure only, so its adjoint is its transpose.  The transposes
are helpers of :mod:`s2sad.runtime.adjoints_structure` or the helpers themselves
(``sorted_bar`` and ``sorted_dot`` are each other's), and each transpose has the
helper it transposes as its own adjoint: the rules close on themselves at any order.
"""

from ..runtime import adjoints_structure as tr
from ..runtime import dicts as rd
from ..runtime import lists as rl
from ..runtime import trees as rt
from ..runtime.adjoints_structure import (dict_item_part, dict_set_part, dict_values_part,
                                          extend_part, insert_part, item_pick, item_place,
                                          iterable_part,
                                          plus_part, repeat_part, repetition_part, set_part,
                                          times_part, tree_part)
from ..runtime.dicts import (dict_default_bar, dict_entries_bar, dict_entries_dot,
                             dict_item_bar, dict_set_bar, loop_items_bar, loop_items_dot,
                             sorted_bar, sorted_dot)
from ..runtime.lists import delete_bar, extend_bar, insert_bar, list_delete, set_bar
from ..runtime.trees import (dict_bar, item_bar, iterable_bar, plus_bar, repeat_bar,
                             repetition_bar, times_bar)
from .registry import adjoint

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


@adjoint(rt.times_bar, nondiff=("x", "n"))
def times_bar_adjoint(y, y_bar, g, x, n):
    return times_part(y_bar, g, x, n)


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


@adjoint(rd.sorted_bar, nondiff=("items",))
def sorted_bar_adjoint(y, y_bar, g, items):
    return sorted_dot(items, tree_part(y_bar, y))


@adjoint(rd.sorted_dot, nondiff=("items",))
def sorted_dot_adjoint(y, y_bar, items, tangent):
    return sorted_bar(tree_part(y_bar, y), items)


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


@adjoint(tr.times_part, nondiff=("g", "x", "n"))
def times_part_adjoint(y, y_bar, h, g, x, n):
    return times_bar(y_bar, x, n)


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
