"""Checks that generated code makes when it runs, where Python's own semantics
decide on values s2sad cannot see when it generates the code.  ``s2sad.runtime``
exports them; the code generator reaches them through the registry
(``registry.runtime_helper("check_bound")``).
"""

import linecache
import os
import sys

from .numpy_view import np
from .duck import is_duck
from ..errors import (SourceLocation, UnboundVariableError, UnsupportedSyntaxError,
                      ValueTypeError)


class _Unbound:
    """The value generated code gives a local name on a path where Python leaves it
    unbound; :func:`check_bound` refuses to let it be read."""

    __slots__ = ()

    def __repr__(self):
        return "UNBOUND"

    def __reduce__(self):
        return "UNBOUND"


UNBOUND = _Unbound()


def source_location(filename, line, column):
    """The location generated code names in a refusal it makes when it runs."""
    filename = source_file(filename)
    return SourceLocation(filename, line, column, linecache.getline(filename, line))


def source_file(filename):
    """The user's file a run-time check names: as given where it is absolute (code the
    API made), else relative to the directory of the module whose code called the
    check (a module the command line wrote names its source relative to itself, as
    its header does, so it holds no machine path: ``cli/source_paths.py``), where a
    file is there (else as given: the module was moved away from its source)."""
    if os.path.isabs(filename) or filename.startswith("<"):
        return filename
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("s2sad."):
        frame = frame.f_back
    module_file = frame.f_globals.get("__file__") if frame is not None else None
    if not module_file:
        return filename
    beside = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(module_file)),
                                           filename))
    return beside if os.path.exists(beside) else filename   # (as given: moved since)


def check_bound(value, name, filename, line, column):
    """``True``, or raise where Python would raise ``UnboundLocalError``."""
    if value is UNBOUND:
        raise UnboundVariableError(
            f"local variable {name!r} is read here, but it holds no value on the path the "
            f"code took (it is assigned only in a branch not taken or in a loop that ran "
            f"no trip); Python raises UnboundLocalError here",
            source_location(filename, line, column),
            hint=f"give {name!r} a value on every path before this line")
    return True


def check_unpacked(items, at_least):
    """``True`` when the list ``items`` holds enough values for a starred assignment
    (``a, *rest, b = xs`` needs at least 2); else raise Python's own ``ValueError``."""
    if len(items) < at_least:
        raise ValueError(f"not enough values to unpack (expected at least {at_least}, "
                         f"got {len(items)})")
    return True


def check_not_inplace(value, message, hint, filename, line, column):
    """``True`` when an augmented assignment (``v += ...``) of ``value`` makes a new
    value, as it does for numbers (numpy's scalars too); raise the refusal ``message``
    when ``value`` is updated in place (an array of any kind, a list), which would
    reach another name.  Python updates in place exactly when the type defines the
    in-place operator (``__iadd__``, ``__imul__``, ...)."""
    kind = type(value)
    if not any(hasattr(kind, method) for method in _IN_PLACE_METHODS):
        return True
    raise UnsupportedSyntaxError(message, source_location(filename, line, column), hint=hint)


def check_in_place(value, message, hint, filename, line, column):
    """``True`` when an augmented assignment (``p *= c``) of ``value`` in a helper
    updates it in place (an array), so the caller's value changes, as s2sad follows;
    raise the refusal ``message`` when it makes a new value (a number)."""
    kind = type(value)
    if any(hasattr(kind, method) for method in _IN_PLACE_METHODS):
        return True
    raise UnsupportedSyntaxError(message, source_location(filename, line, column), hint=hint)


def check_real_result(value, rule, filename, line, column):
    """``True`` when ``value``, what the function ``rule`` names returned where a rule of
    the user's stands in for its code, holds no complex number; else refuse it: s2sad's
    rules take and return real values (they take no conjugate), so a complex value
    reaching them would give a wrong derivative.  Only the dtype is read."""
    kind = value.__class__
    if kind is float or kind is np.ndarray and value.dtype.kind != "c":
        return True   # (the common cases)
    if kind in (tuple, list):
        return all(check_real_result(v, rule, filename, line, column) for v in value)
    if kind is not complex and getattr(getattr(value, "dtype", None), "kind", "f") != "c":
        return True
    raise ValueTypeError(
        f"{rule} returned a complex value here, and its derivative is a rule of yours: "
        f"the rules the value reaches next are written for real values (they take no "
        f"conjugate), so the derivative would be wrong",
        source_location(filename, line, column),
        hint=f"register the rule for a function that takes and returns real arrays, "
             f"keeping the complex values inside it (def power(x): return "
             f"np.abs(np.fft.rfft(x)) ** 2, then @s2sad.adjoint(power))")


_IN_PLACE_METHODS = ("__iadd__", "__isub__", "__imul__", "__itruediv__", "__ipow__",
                     "__imatmul__", "__ifloordiv__", "__imod__",
                     # (a dict's or a set's |=, a set's &=, ^=: in place too)
                     "__ior__", "__iand__", "__ixor__", "__ilshift__", "__irshift__")


def check_item_update(items, index, message, hint, filename, line, column, names, *others):
    """``True`` when ``items[index] op= ...`` on a list changes only that slot: the
    item is a number (op= makes a new value), or an array (a list...) no other slot of
    ``items`` and none of ``others`` (the values the names in ``names``, comma-separated,
    hold) shares.  Else raise the refusal ``message`` (with ``{}`` filled by what else
    holds the item): Python's op= updates the item in place, which changes it there too,
    while the generated code stores a new value into the one slot."""
    try:
        item = items[index]
    except (IndexError, KeyError, TypeError):
        return True   # the statement itself raises as Python does
    if not isinstance(items, list) or not any(
            hasattr(type(item), method) for method in _IN_PLACE_METHODS):
        return True   # an array's item (its row is written in place too), or a number
    position = index % len(items) if isinstance(index, int) and len(items) else index
    holders = [(f"the item at position {j}", other) for j, other in enumerate(items)
               if j != position]
    holders += list(zip([repr(n) for n in names.split(",") if n], others))
    for holder, other in holders:
        if _shares(item, other):
            raise UnsupportedSyntaxError(message.format(holder),
                                         source_location(filename, line, column), hint=hint)
    return True


def check_not_shared(written, other, message, hint, filename, line, column):
    """``True`` when writing into ``written`` leaves ``other`` as it is; raise the
    refusal ``message`` when the two share memory now (``other = y[i]`` is a view of
    ``y`` or a number copied from it, which only its value tells)."""
    if not _shares(written, other):
        return True
    raise UnsupportedSyntaxError(message, source_location(filename, line, column), hint=hint)


def check_item_alone(container, key, message, hint, filename, line, column):
    """``True`` when an update ``d[key] op= ...`` of a dict item leaves the dict's other
    items as they are: the item is a number (op= makes a new value), or an array no
    other item of ``d`` shares memory with; raise the refusal ``message`` otherwise
    (``d = {"a": y, "b": y}; d["a"] += x`` changes ``d["b"]`` too, in Python)."""
    value = container[key]
    if not any(hasattr(type(value), method) for method in _IN_PLACE_METHODS):
        return True
    if not any(_shares(value, other) for k, other in container.items() if k != key):
        return True
    raise UnsupportedSyntaxError(message, source_location(filename, line, column), hint=hint)


def _shares(written, other, depth=0):
    """May writing into ``written`` change ``other`` (or an array inside it)?  A duck
    array (Dask) is written into by changing the object itself (its graph): only the
    same object sees the write, never a slice of it, a new object."""
    if written is other and (isinstance(written, (np.ndarray, list, dict)) or is_duck(written)):
        return True
    if isinstance(other, np.ndarray):
        return (isinstance(written, np.ndarray) and np.may_share_memory(written, other)
                and np.shares_memory(written, other))
    if depth < 4 and isinstance(other, (tuple, list)):
        return any(_shares(written, item, depth + 1) for item in other)
    if depth < 4 and isinstance(other, dict):
        return any(_shares(written, item, depth + 1) for item in other.values())
    if depth < 2 and _users_object(other):   # (self.W: read as a constant of the call)
        return any(_shares(written, item, depth + 1) for item in vars(other).values())
    return False


#: the packages whose objects' attributes are not a user's values
_LIBRARIES = frozenset(("numpy", "builtins", "dask", "scipy", "numba", "s2sad", "functools",
                        "types", "collections"))


def _users_object(value):
    """Whether ``value`` is an object of a user's class, whose attributes a function may
    read (``self.W``: see ``syntax.normalize.object_attributes``)."""
    own = getattr(value, "__dict__", None)
    cls = value.__class__
    return own.__class__ is dict and not callable(value) and not isinstance(value, type) \
        and (getattr(cls, "__module__", None) or "builtins").partition(".")[0] \
        not in _LIBRARIES and cls.__name__ != "module"
