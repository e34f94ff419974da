"""Rules for Python containers: list methods, ``sum`` of a list, ``list()``, ``tuple()``.

``xs.append(v)`` is normalized to ``xs_1 = list_append(xs, v)``, so lists are
values like any other; the adjoint of a list is a list of adjoints.
"""

import builtins

from ..runtime import random_draw
from ..runtime import (copy_container, delete_bar, dict_default_bar, dict_get,
                       dict_delete, dict_get_bar, dict_item_bar, dict_keys, dict_set,
                       dict_set_bar,
                       dict_size_kept, extend_bar, first_extreme, insert_bar, iterable_bar,
                       list_append,
                       list_delete, list_extend, list_insert, list_push, list_push_at, list_put,
                       list_remove, list_set, loop_items, loop_items_bar, loop_items_dot,
                       repeat_bar, set_bar, sorted_bar, sorted_dot, dict_entries, dict_entries_bar,
                       dict_entries_dot, tree_part)
from .registry import (DICT_HELPERS, LIST_APPEND, LIST_HELPERS, LIST_RESULTS, _rule_for,
                       adjoint, declare, nondifferentiable, tangent)

LIST_APPEND.append(list_append)
LIST_HELPERS.update(list_append=list_append, list_extend=list_extend, list_insert=list_insert,
                    list_delete=list_delete, list_set=list_set, copy_container=copy_container,
                    list_push=list_push, list_remove=list_remove, list_put=list_put,
                    list_push_at=list_push_at)
LIST_RESULTS.extend([list_append, list_extend, list_insert, list_delete, list_set])
DICT_HELPERS.update(dict_set=dict_set, dict_delete=dict_delete, dict_get=dict_get, dict_keys=dict_keys,
                    dict_size_kept=dict_size_kept, loop_items=loop_items,
                    first_extreme=first_extreme,
                    dict_entries=dict_entries)
DICT_HELPERS.update(random_draw=random_draw)   # (rng.normal(...) of a local rng: a draw)
# (the generator and the method's name carry no derivative, whatever holds the generator:
# an item of a differentiated dict too; a draw whose own argument carries one is refused
# where it is written, see analysis.lookup.rule_for)
_rule_for(random_draw).params = ("owner", "method")
# (each draw its own value: a loop's trips draw anew, and the reverse sweep reads each
# trip's; as does next(it), should a user declare it without derivative)
declare(random_draw, fresh=True)
declare(builtins.next, fresh=True)


@adjoint(list_append)
def list_append_adjoint(y, y_bar, items, item):
    return y_bar[:-1], y_bar[-1]


@tangent(list_append)
def list_append_tangent(y, items, item, items_dot, item_dot):
    return list_append(items_dot, item_dot)


@tangent(list_push)
def list_push_tangent(y, items, item, items_dot, item_dot):
    return list_push(items_dot, item_dot)


@tangent(list_put)
def list_put_tangent(y, items, index, item, items_dot, item_dot):
    return list_put(items_dot, index, item_dot)


# the in-place forms forward mode writes (list_put, list_push_at) are, for the code
# differentiated again, list_set and list_insert: the list before is never read after
@adjoint(list_put, nondiff=("index",))
def list_put_adjoint(y, y_bar, items, index, item):
    parts = set_bar(tree_part(y_bar, y), y, index)
    return parts[0], parts[1]


@adjoint(list_push_at, nondiff=("index",))
def list_push_at_adjoint(y, y_bar, items, index, item):
    parts = insert_bar(tree_part(y_bar, y), index)
    return parts[0], parts[1]


@tangent(list_push_at)
def list_push_at_tangent(y, items, index, item, items_dot, item_dot):
    return list_push_at(items_dot, index, item_dot)


@tangent(list_remove)
def list_remove_tangent(y, items, index, item, items_dot):
    return list_remove(items_dot, index, item)


@adjoint(list_extend)
def list_extend_adjoint(y, y_bar, items, more):
    parts = extend_bar(y_bar, more)
    return parts[0], parts[1]


@tangent(list_extend)
def list_extend_tangent(y, items, more, items_dot, more_dot):
    return list_extend(items_dot, more_dot)


@adjoint(list_insert, nondiff=("index",))
def list_insert_adjoint(y, y_bar, items, index, item):
    parts = insert_bar(y_bar, index)
    return parts[0], parts[1]


@tangent(list_insert)
def list_insert_tangent(y, items, index, item, items_dot, item_dot):
    return list_insert(items_dot, index, item_dot)


@adjoint(list_delete, nondiff=("index", "item"))
def list_delete_adjoint(y, y_bar, items, index, item):
    return delete_bar(y_bar, index, item)


@tangent(list_delete)
def list_delete_tangent(y, items, index, item, items_dot):
    return list_delete(items_dot, index, item)


@adjoint(list_set, nondiff=("index",))
def list_set_adjoint(y, y_bar, items, index, item):
    parts = set_bar(y_bar, items, index)
    return parts[0], parts[1]


@tangent(list_set)
def list_set_tangent(y, items, index, item, items_dot, item_dot):
    return list_set(items_dot, index, item_dot)


@adjoint(copy_container)
def copy_container_adjoint(y, y_bar, x):
    return y_bar


@tangent(copy_container)
def copy_container_tangent(y, x, x_dot):
    return copy_container(x_dot)


@adjoint(builtins.sum)
def sum_adjoint(y, y_bar, iterable, start=0):
    return repeat_bar(y_bar, iterable), y_bar


@tangent(builtins.sum)
def sum_tangent(y, iterable, start, iterable_dot, start_dot):
    return builtins.sum(iterable_dot, start_dot)


@adjoint(builtins.list, label="list", spellings={"iterable": "items"})
def list_adjoint(y, y_bar, items):
    return iterable_bar(y_bar, items)


@tangent(builtins.list, label="list")
def list_tangent(y, items, items_dot):
    return builtins.list(items_dot)


@adjoint(builtins.sorted, label="sorted", spellings={"iterable": "items"},
         nondiff=("key", "reverse"))
def sorted_adjoint(y, y_bar, items, key=None, reverse=False):
    return sorted_bar(y_bar, items, key, reverse)


@tangent(builtins.sorted, label="sorted")
def sorted_tangent(y, items, key, reverse, items_dot):
    return sorted_dot(items, items_dot, key, reverse)


@adjoint(builtins.tuple, label="tuple", spellings={"iterable": "items"})
def tuple_adjoint(y, y_bar, items):
    return iterable_bar(y_bar, items)


@tangent(builtins.tuple, label="tuple")
def tuple_tangent(y, items, items_dot):
    return builtins.tuple(items_dot)


@adjoint(dict_set, nondiff=("key",))
def dict_set_adjoint(y, y_bar, d, key, value):
    return dict_set_bar(y_bar, d, key), dict_item_bar(y_bar, key, value)


@tangent(dict_set)
def dict_set_tangent(y, d, key, value, d_dot, value_dot):
    return dict_set(d_dot, key, value_dot)


@adjoint(dict_delete, nondiff=("key", "missing_ok"))
def dict_delete_adjoint(y, y_bar, d, key, missing_ok=False):
    # (g's items for d's keys, a zero at the key deleted: as for an overwritten one)
    return dict_set_bar(y_bar, d, key)


@tangent(dict_delete)
def dict_delete_tangent(y, d, key, missing_ok, d_dot):
    return dict_delete(d_dot, key, missing_ok)


@adjoint(dict_get, nondiff=("key",))
def dict_get_adjoint(y, y_bar, d, key, default=None):
    return dict_get_bar(y_bar, d, key), dict_default_bar(y_bar, d, key, default)


@tangent(dict_get)
def dict_get_tangent(y, d, key, default, d_dot, default_dot):
    return dict_get(d_dot, key, default_dot)


nondifferentiable(dict_keys, dict_size_kept, first_extreme)


@adjoint(dict_entries)
def dict_entries_adjoint(y, y_bar, source):
    return dict_entries_bar(y_bar, source)


@tangent(dict_entries)
def dict_entries_tangent(y, source, source_dot):
    return dict_entries_dot(source, source_dot)


@adjoint(loop_items)
def loop_items_adjoint(y, y_bar, sequence):
    return loop_items_bar(y_bar, sequence)


@tangent(loop_items)
def loop_items_tangent(y, sequence, sequence_dot):
    return loop_items_dot(sequence, sequence_dot)
