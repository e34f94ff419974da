"""The index checks the numba target writes where it compiles a function without numba's
``boundscheck`` (``backends.numba_bounds``): each raises numpy's ``IndexError``
("index 20 is out of bounds for axis 0 with size 20") where an index the code is about to
read or write is outside ``[-size, size)`` (a negative index counts from the end, as in
Python).

* ``check_index(x, axis, index)``: one index, just before the statement using it;
* ``check_indexes(x, axis, offset, start, stop, step)``: every ``i + offset`` for ``i``
  in ``range(start, stop, step)``, before a loop over that range whose every trip uses
  ``x[i + offset]``; the first index out of range in the loop's order is named;
* ``check_index_in_loop(x, axis, index, start, stop, step)``: one index, before a loop
  over that range that uses it at every trip (nothing when the loop runs no trip).

``x`` is an array (``axis`` below its dimension), or a list, tuple or range (``axis`` 0); the
index and the range are integers; a dict is not checked (a key it lacks raises KeyError
as it is).  Other types have no numba version, so numba refuses
to compile (and the backend runs the numpy code).  These are not helpers of the numpy
runtime: called from Python, each runs the same check in Python.
"""

from numba import types
from numba.extending import overload, register_jitable


def _size(x, axis):
    """The size of ``x``'s ``axis``; None for a dict (not checked)."""
    if isinstance(x, dict):
        return None
    return len(x) if axis == 0 else x.shape[axis]


@register_jitable
def _raise(index, axis, size):
    raise IndexError("index " + str(index) + " is out of bounds for axis " + str(axis)
                     + " with size " + str(size))


@register_jitable
def _check(index, axis, size):
    if index < -size or index >= size:
        _raise(index, axis, size)


@register_jitable
def _check_range(offset, start, stop, step, axis, size):
    trips = len(range(start, stop, step))
    if trips == 0:
        return
    first = start + offset
    last = start + (trips - 1) * step + offset
    low, high = (first, last) if step > 0 else (last, first)
    if low >= -size and high < size:
        return
    # the first index of the loop's order out of range: the ends are out of range first
    if first < -size or first >= size:
        _raise(first, axis, size)
    if step > 0:   # ascending, first in range: the first index past the end
        _raise(first + (size - first + step - 1) // step * step, axis, size)
    _raise(first - (first + size - step) // -step * -step, axis, size)


def check_index(x, axis, index):
    """numpy's IndexError where ``index`` is out of range of ``x``'s ``axis``."""
    size = _size(x, axis)
    if size is not None:
        _check(index, axis, size)


def check_indexes(x, axis, offset, start, stop, step):
    """numpy's IndexError where some ``i + offset`` (``i`` in the range) is out of range."""
    size = _size(x, axis)
    if size is not None:
        _check_range(offset, start, stop, step, axis, size)


def check_index_in_loop(x, axis, index, start, stop, step):
    """:func:`check_index` where the range has a trip."""
    if len(range(start, stop, step)):
        check_index(x, axis, index)


_LENGTH = register_jitable(lambda x: len(x))
_SHAPES = {}   # axis -> the numba function of an array giving that axis's size


def _size_of(x, axis):
    """The numba function of ``x`` giving the size of its ``axis`` (a literal), or None."""
    value = getattr(axis, "literal_value", None)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return None
    if isinstance(x, types.Array):
        if value >= x.ndim:
            return None
        if value not in _SHAPES:
            _SHAPES[value] = register_jitable(lambda x: x.shape[value])
        return _SHAPES[value]
    if value == 0 and isinstance(x, (types.List, types.ListType, types.BaseTuple,
                                         types.RangeType)):
        return _LENGTH
    return None


def _integers(*values):
    return all(isinstance(v, types.Integer) for v in values)


def _floats(*values):
    """Whether a bound of the range is a float: nothing to check, the range itself raises
    Python's TypeError when the code reaches it (``numba_positions``)."""
    return any(isinstance(v, types.Float) for v in values)


@overload(check_index, prefer_literal=True, inline="always")
def _check_index(x, axis, index):
    if isinstance(x, types.DictType):
        return lambda x, axis, index: None   # a missing key raises KeyError anyway
    size = _size_of(x, axis)
    if size is None or not _integers(index):
        return None

    def impl(x, axis, index):
        _check(index, axis, size(x))
    return impl


@overload(check_indexes, prefer_literal=True, inline="always")
def _check_indexes(x, axis, offset, start, stop, step):
    if isinstance(x, types.DictType):
        return lambda x, axis, offset, start, stop, step: None   # a missing key raises KeyError anyway
    if _floats(start, stop, step):
        return lambda x, axis, offset, start, stop, step: None
    size = _size_of(x, axis)
    if size is None or not _integers(offset, start, stop, step):
        return None

    def impl(x, axis, offset, start, stop, step):
        _check_range(offset, start, stop, step, axis, size(x))
    return impl


@overload(check_index_in_loop, prefer_literal=True, inline="always")
def _check_index_in_loop(x, axis, index, start, stop, step):
    if isinstance(x, types.DictType):
        return lambda x, axis, index, start, stop, step: None   # a missing key raises KeyError anyway
    if _floats(start, stop, step):
        return lambda x, axis, index, start, stop, step: None
    size = _size_of(x, axis)
    if size is None or not _integers(index, start, stop, step):
        return None

    def impl(x, axis, index, start, stop, step):
        if len(range(start, stop, step)):
            _check(index, axis, size(x))
    return impl
