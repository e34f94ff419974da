"""Rules for Python containers: list append, ``sum`` of a list.

``xs.append(v)`` is normalized to ``xs_1 = list_append(xs, v)``, so lists are
values like any other; the adjoint of a list is a list of adjoints.
"""

import builtins

from ..runtime import (dict_default_bar, dict_get, dict_get_bar, dict_item_bar, dict_keys,
                       dict_set, dict_set_bar, dict_size_kept, list_append, repeat_bar)
from .registry import DICT_HELPERS, LIST_APPEND, adjoint, nondifferentiable, tangent

LIST_APPEND.append(list_append)
DICT_HELPERS.update(dict_set=dict_set, dict_get=dict_get, dict_keys=dict_keys,
                    dict_size_kept=dict_size_kept)


@adjoint(list_append)
def list_append_adjoint(y, y_bar, items, item):
    return y_bar[:-1], y_bar[-1]


@tangent(list_append)
def list_append_tangent(y, items, item, items_dot, item_dot):
    return list_append(items_dot, item_dot)


@adjoint(builtins.sum)
def sum_adjoint(y, y_bar, iterable, start=0):
    return repeat_bar(y_bar, iterable), y_bar


@tangent(builtins.sum)
def sum_tangent(y, iterable, start, iterable_dot, start_dot):
    return builtins.sum(iterable_dot, start_dot)


@adjoint(dict_set, nondiff=("key",))
def dict_set_adjoint(y, y_bar, d, key, value):
    return dict_set_bar(y_bar, d, key), dict_item_bar(y_bar, key, value)


@tangent(dict_set)
def dict_set_tangent(y, d, key, value, d_dot, value_dot):
    return dict_set(d_dot, key, value_dot)


@adjoint(dict_get, nondiff=("key",))
def dict_get_adjoint(y, y_bar, d, key, default=None):
    return dict_get_bar(y_bar, d, key), dict_default_bar(y_bar, d, key, default)


@tangent(dict_get)
def dict_get_tangent(y, d, key, default, d_dot, default_dot):
    return dict_get(d_dot, key, default_dot)


nondifferentiable(dict_keys, dict_size_kept)
