"""List operations as generated code spells them (``xs.append(v)`` is
``xs = list_append(xs, v)``) and their adjoints.  A helper returns a new list,
except ``list_push``, ``list_push_at``, ``list_remove`` and ``list_put``, which change
in place a list the code owns.
"""

import inspect

from ..errors import SharedWriteError
from ..rules.records import fact
from .numpy_view import np
from .duck import fresh, is_duck
from .indexing import index_set
from .shapes import float_like, zeros_like


def list_append(items, item):
    """``items + [item]``: what ``items.append(item)`` means in generated code."""
    return list(items) + [item]



def list_push(items, item):
    """``items.append(item)``, returning ``items``: an append in place, where forward
    mode knows that no other name reads the list before it."""
    if items.__class__ is not list:   # (a tangent given as an array, say)
        return list(items) + [item]
    items.append(item)
    return items



def list_remove(items, index, item):
    """``del items[index]`` (``items[index]`` is ``item``), returning ``items``: a pop
    in place, where forward mode knows that no other name reads the list before it."""
    if items.__class__ is not list:
        items = list(items)
    del items[index]
    return items



def list_put(items, index, item):
    """``items[index] = item``, returning ``items``: an item set in place into a list
    (or dict), where forward mode knows that no other name reads it before; a copy
    with the item set (``index_set``) for anything else (an array)."""
    if items.__class__ is not list and items.__class__ is not dict:
        return index_set(items, index, item)
    items[index] = item
    return items



def list_push_at(items, index, item):
    """``items.insert(index, item)``, returning ``items``: an insert in place, where
    forward mode knows that no other name reads the list before it."""
    if items.__class__ is not list:
        return list_insert(items, index, item)
    items.insert(index, item)
    return items



@fact(linear=("g",), spelling="rt.list_bar")
def list_bar(g):
    """The adjoint of a list as a list of the backward sweep's own, which it pops the
    adjoints of appended items off and puts those of popped items back into (in
    place): a copy, and an array adjoint (of ``np.array(xs)``...) as its items."""
    return list(g)



def list_extend(items, more):
    """``items + list(more)``: what ``items.extend(more)`` (and ``items += more`` on a
    list) means in generated code."""
    return list(items) + list(more)



def list_insert(items, index, item):
    """A copy of ``items`` with ``item`` inserted at ``index``: ``items.insert(index, item)``."""
    new = list(items)
    new.insert(index, item)
    return new



def list_delete(items, index, item):
    """A copy of ``items`` without ``items[index]``, which is ``item``: what
    ``items.pop(index)`` leaves (the value popped is read as ``items[index]``)."""
    if isinstance(items, dict):
        raise TypeError("s2sad differentiates .pop() on a list only, not on a dict: "
                        "read d[key] and build the dict without the key")
    if isinstance(items, np.ndarray):   # (del x[i]: numpy's own error; x.pop: none)
        raise ValueError("cannot delete array elements")
    new = list(items)
    del new[index]
    return new



def list_set(items, index, item):
    """A copy of the list ``items`` with ``item`` at ``index``: ``items[index] = item``
    (of the array, for an array)."""
    if isinstance(items, np.ndarray):
        new = np.array(items, dtype=np.result_type(items, item), copy=True)
        new[index] = item
        return new
    new = list(items)
    new[index] = item
    return new



def copy_container(x):
    """A shallow copy of an argument the function changes by a container method
    (a list it appends to, a dict it writes a key of): the caller's value stays as it
    is.  An array is copied (``np.copy``); ``None``, a number and a tuple (immutable) are
    kept (an ``acc=None`` default stays ``None``: ``acc is None`` holds after the copy)."""
    if isinstance(x, list):
        return list(x)
    if isinstance(x, dict):
        return dict(x)
    if x is None or isinstance(x, (tuple, bool, int, float, complex, str, bytes, np.generic)):
        return x
    return fresh(x)   # (a Dask array's own copy: np.copy would compute it)



def call_writing(function, written, *args, **kwargs):
    """``function(*args, **kwargs)``, a user's function that writes into its parameters
    named ``written``, called on copies of those arguments: ``(its result, their new
    values)``, which the caller's names take (the caller's own values stay as they
    are).  Generated code calls this where no derivative goes through the call."""
    signature = inspect.signature(function)
    bound = signature.bind(*args, **kwargs)
    for name in written:
        if name in bound.arguments:
            bound.arguments[name] = copy_container(bound.arguments[name])
            continue
        # left to its default: None (the out=None idiom: the function makes the value)
        # or an immutable one is passed as it is; a list, dict or array default Python's
        # call would change for every later call, which a copy would not
        default = signature.parameters[name].default
        if copy_container(default) is not default:
            raise SharedWriteError(
                f"{getattr(function, '__name__', 'the function')} writes into its parameter "
                f"{name!r}, and this call leaves it to its default {default!r}: Python's "
                f"call changes the default value itself, for every later call, which s2sad "
                f"does not follow",
                hint=f"pass {name} at the call, or default it to None and make the value in "
                     f"the function ('if {name} is None: {name} = ...')")
        bound.arguments[name] = default
    result = function(*bound.args, **bound.kwargs)
    return (result,) + tuple(bound.arguments[name] for name in written)


def _position(index, length):
    """Where ``list.insert(index, ...)`` puts an item into a list of ``length``."""
    if index < 0:
        index += length
    return min(max(index, 0), length)



@fact(linear=("g",), spelling="rt.extend_bar")
def extend_bar(g, more):
    """Adjoint of ``list_extend(items, more)``: ``(items_bar, more_bar)``, ``g`` split
    where ``more`` starts (``more_bar`` a tuple for a tuple, an array for an array)."""
    n = len(more)
    head, tail = list(g[:len(g) - n]), list(g[len(g) - n:])
    if isinstance(more, tuple):
        tail = tuple(tail)
    elif isinstance(more, np.ndarray):
        tail = np.array(tail, dtype=float_like(more)).reshape(more.shape)
    return head, tail



@fact(linear=("g",), spelling="rt.insert_bar")
def insert_bar(g, index):
    """Adjoint of ``list_insert(items, index, item)``: ``(items_bar, item_bar)``."""
    g = list(g)
    item = g.pop(_position(index, len(g) - 1))
    return g, item



@fact(linear=("g",), spelling="rt.delete_bar")
def delete_bar(g, index, item):
    """Adjoint of ``list_delete(items, index, item)``: ``g`` with a zero like the item
    popped (``item``) put back where it was."""
    g = list(g)
    position = index + len(g) + 1 if index < 0 else index
    g.insert(position, zeros_like(item))
    return g



@fact(linear=("g",), spelling="rt.set_bar")
def set_bar(g, items, index):
    """Adjoint of ``list_set(items, index, item)``: ``(items_bar, item_bar)``, the
    overwritten item getting zeros."""
    if isinstance(g, np.ndarray) or is_duck(g):   # (a Dask array's copy is lazy)
        item = fresh(g[index])
        g = fresh(g)
        g[index] = 0.0
        return g, item
    g = list(g)
    item = g[index]
    g[index] = zeros_like(items[index])
    return g, item

