"""The memory a vjp's pullback restores into: its own copies of the forward sweep's arrays.

A ``value_and_grad`` function restores what the forward sweep's writes overwrote in
the very arrays it wrote into, so every value the tape holds that is a view of such
an array (``row = x[i]``, pushed in a loop before ``x[1, 0] = 0.0``) sees the values
put back.  A pullback may run many times (in two threads too) and must leave the
forward sweep's arrays as they are: it restores into copies.  These helpers give each
pullback call one copy of each array it writes into, made where it first meets it, and
point every other value it takes from the tape (or from the forward sweep's last
values) that shares that array's memory into the copy, at the same byte offset with
the same strides, as ``value_and_grad`` would see it::

    copies = pullback_copies()
    x_1 = own_copy(copies, x_1_final)              # the pullback writes into x_1
    row = repointed(copies, row_final)             # a view of x_1: now of its copy
    ...
    row = repointed(copies, tape_copy.pop())

An array's copy is a copy of the whole buffer it views (its ``.base`` followed to the
array owning the memory), laid out as that buffer is, so any view of the buffer has a
place in the copy.  Arrays of objects, empty arrays and other array types keep the
former behaviour (a copy of the value alone, the value itself), as do values of no
array.
"""

from .indexing import copy_of
from .numpy_view import np

_ndarray = np.ndarray
_uint8 = np.uint8
#: values ``repointed`` and ``own_copy`` return at once: nothing in them holds memory
_PLAIN = (bool, int, float, complex, str, bytes, type(None), np.generic)


class PullbackCopies:
    """One pullback call's copies (see the module docstring): per buffer of the forward
    sweep, the buffer, its copy (bytes) and where the buffer starts in them; per list
    or dict copied, its copy."""

    __slots__ = ("buffers", "containers", "made")

    def __init__(self):
        self.buffers = {}      # id(buffer) -> (buffer, copy: a uint8 array, shift)
        self.containers = {}   # id(list or dict) -> (it, its copy)
        self.made = set()      # the ids of the copies (memory the pullback owns already)


def pullback_copies():
    """A new, empty :class:`PullbackCopies`, made where a pullback starts."""
    return PullbackCopies()


def own_copy(copies, value):
    """``value``, an array (or a list or dict of them) the pullback writes into, in the
    pullback's own copy of the memory it views: the copy ``copies`` made where the
    pullback first met that memory, else a new one, kept in ``copies``."""
    if value.__class__ is _ndarray:
        buffer = _buffer(value)
        if buffer is None or not value.flags.writeable:
            return copy_of(value)
        if id(buffer) in copies.made:
            return value
        entry = copies.buffers.get(id(buffer))
        if entry is None:
            entry = copies.buffers[id(buffer)] = _copied_buffer(buffer)
            copies.made.add(id(entry[1]))
        return _view_in(value, entry)
    if isinstance(value, (list, dict)):
        held = copies.containers.get(id(value))
        if held is not None and held[0] is value:
            return held[1]
        if id(value) in copies.made:
            return value
        if isinstance(value, list):
            new = [own_copy(copies, item) for item in value]
        else:
            new = {key: own_copy(copies, item) for key, item in value.items()}
        copies.containers[id(value)] = (value, new)
        copies.made.add(id(new))
        return new
    if isinstance(value, (_PLAIN, tuple)):
        return repointed(copies, value)
    return copy_of(value)


def repointed(copies, value):
    """``value`` (from the tape, or a forward value a pullback starts from) with each
    array in it that views memory the pullback copied (:func:`own_copy`) a view of the
    copy at the same place; else as it is (a list, tuple or dict holding none: itself)."""
    cls = value.__class__
    if cls is _ndarray:
        if value.size == 0:
            return value
        base = value
        while base.base.__class__ is _ndarray:
            base = base.base
        entry = copies.buffers.get(id(base))
        if entry is None or entry[0] is not base:
            return value
        moved = _view_in(value, entry)
        if not value.flags.writeable:
            moved.flags.writeable = False
        return moved
    if cls in _PLAIN:
        return value
    if cls is list or cls is dict:
        held = copies.containers.get(id(value))
        if held is not None and held[0] is value:
            return held[1]
    if isinstance(value, (list, tuple)):
        items = [repointed(copies, item) for item in value]
        if all(new is old for new, old in zip(items, value)):
            return value
        return items if isinstance(value, list) else \
            type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        items = {key: repointed(copies, item) for key, item in value.items()}
        if all(items[key] is item for key, item in value.items()):
            return value
        return items
    return value


def _buffer(array):
    """The array owning the memory ``array`` views (its ``.base`` followed while it is
    an array), or None where its copy cannot hold views (objects, no elements)."""
    if array.dtype.hasobject or array.size == 0:
        return None
    while array.base.__class__ is _ndarray:
        array = array.base
    return array


def _copied_buffer(buffer):
    """``(buffer, copy, shift)``: a copy of the bytes ``buffer`` spans, and what to add
    to the address of a view's first element in ``buffer`` for its offset in the copy."""
    low, high = _byte_bounds(buffer)
    raw = np.empty(high - low, dtype=_uint8)
    address = buffer.__array_interface__["data"][0]
    np.copyto(_ndarray(buffer.shape, buffer.dtype, buffer=raw, offset=address - low,
                       strides=buffer.strides), buffer)
    return buffer, raw, -low


def _byte_bounds(array):
    """``(low, high)``: the addresses of the first byte ``array`` spans and of the byte
    after its last (as numpy's ``byte_bounds``, which numpy 1.x and 2.x keep in other
    places): its first element's address moved by each axis's stride times its length
    less one, down for a negative stride, up for a positive one."""
    low = high = array.__array_interface__["data"][0]
    for length, stride in zip(array.shape, array.strides):
        if stride < 0:
            low += (length - 1) * stride
        else:
            high += (length - 1) * stride
    return low, high + array.itemsize


def _view_in(value, entry):
    """``value``, a view of the buffer of ``entry``, as the same view of its copy."""
    return _ndarray(value.shape, value.dtype, buffer=entry[1],
                    offset=value.__array_interface__["data"][0] + entry[2],
                    strides=value.strides)
