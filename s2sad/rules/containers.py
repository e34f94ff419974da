"""Rules for Python containers: list append, ``sum`` of a list, ``list()``, ``tuple()``.

``xs.append(v)`` is normalized to ``xs_1 = list_append(xs, v)``, so lists are
values like any other; the adjoint of a list is a list of adjoints.
"""

import builtins

from ..runtime import iterable_bar, list_append, repeat_bar
from .registry import LIST_APPEND, adjoint, tangent

LIST_APPEND.append(list_append)


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


@adjoint(builtins.list, label="list", spellings={"iterable": "items"})
def list_adjoint(y, y_bar, items):
    return iterable_bar(y_bar, items)


@tangent(builtins.list, label="list")
def list_tangent(y, items, items_dot):
    return builtins.list(items_dot)


@adjoint(builtins.tuple, label="tuple", spellings={"iterable": "items"})
def tuple_adjoint(y, y_bar, items):
    return iterable_bar(y_bar, items)


@tangent(builtins.tuple, label="tuple")
def tuple_tangent(y, items, items_dot):
    return builtins.tuple(items_dot)
