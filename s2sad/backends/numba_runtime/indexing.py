"""numba versions of the index helpers (:mod:`s2sad.runtime.indexing`) and of the checks
around writes: the adjoints of ``x[index]`` and of ``x[index] = v``, the values a
write overwrites, ``ensure_real_target``, ``unshared``, ``mT`` and ``transpose_bar``.

Indices are numbers, slices and tuples of them (numba's basic indexing), where no
position is named twice, so ``np.add.at`` is ``out[index] += g``.  Integer-array
indices are ported in ``add_into`` and ``add_at_key`` only (1-d integer arrays of the
first axes, added one position at a time as ``np.add.at`` adds them).  Called from
Python, each name runs the numpy helper.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ...runtime import guards as _numpy_guards
from ...runtime import indexing as _numpy
from ...runtime import linalg as _numpy_linalg
from .kinds import is_array, is_leaf, is_none, is_number, is_real_number
from .refusals import literal, raiser, refusal, refusal_unknown
from .shapes import zeros_like


def overwritten(x, index):
    """:func:`s2sad.runtime.overwritten` (numba: see the module)."""
    return _numpy.overwritten(x, index)


def snapshot(x):
    """:func:`s2sad.runtime.snapshot` (numba: see the module)."""
    return _numpy.snapshot(x)


def copy_of(a, order=None):
    """:func:`s2sad.runtime.copy_of` (numba: see the module)."""
    return _numpy.copy_of(a, order)


def cast_bar(g, y, x):
    """:func:`s2sad.runtime.cast_bar` (numba: an array ``x`` and a float or integer ``y``,
    each decided by its type when it compiles)."""
    return _numpy.cast_bar(g, y, x)


def stored_part(g, index):
    """:func:`s2sad.runtime.stored_part` (numba: see the module)."""
    return _numpy.stored_part(g, index)


def zero_at(g, index):
    """:func:`s2sad.runtime.zero_at` (numba: see the module)."""
    return _numpy.zero_at(g, index)


def add_at(x_bar, index, g):
    """:func:`s2sad.runtime.add_at` (numba: see the module)."""
    return _numpy.add_at(x_bar, index, g)


def add_at_key(x_bar, index, g):
    """:func:`s2sad.runtime.add_at_key` (numba: see the module)."""
    return _numpy.add_at_key(x_bar, index, g)


def add_into(x_bar, index, g):
    """:func:`s2sad.runtime.add_into` (numba: see the module)."""
    return _numpy.add_into(x_bar, index, g)


def getitem_bar(g, x, index):
    """:func:`s2sad.runtime.getitem_bar` (numba: see the module)."""
    return _numpy.getitem_bar(g, x, index)


def transpose_bar(g, axes=None):
    """:func:`s2sad.runtime.transpose_bar` (numba: see the module)."""
    return _numpy.transpose_bar(g, axes)


def mT(x):  # noqa: N802  (numpy's name for the transpose of matrices)
    """:func:`s2sad.runtime.mT` (numba: see the module)."""
    return _numpy_linalg.mT(x)


def unshared(g, others):
    """:func:`s2sad.runtime.unshared` (numba: see the module)."""
    return _numpy_guards.unshared(g, others)


def ensure_real_target(array, filename, line, column, tangent=0.0):
    """:func:`s2sad.runtime.ensure_real_target` (numba: see the module)."""
    return _numpy_guards.ensure_real_target(array, filename, line, column, tangent)


def basic_index(t):
    """An int, a slice, or a tuple of them: an index that names no position twice."""
    parts = t.types if isinstance(t, types.BaseTuple) else (t,)
    return all(isinstance(p, (types.Integer, types.SliceType)) for p in parts)


def read_index(t):
    """An index reading, saving or zeroing the same items in numba as in numpy: a basic
    one, or one 1-d integer array (``[0, 0, 2]``, made an array by the numba target:
    repeats read twice, zeroed once, as numpy's fancy index)."""
    return basic_index(t) or (is_array(t, 1) and isinstance(t.dtype, types.Integer))


def _float_array(t):
    return is_array(t) and isinstance(t.dtype, (types.Float, types.Integer, types.Boolean))


def copied(v):
    """``v`` itself for a number, a copy for an array."""


@overload(copied)
def _copied(v):
    if is_number(v):
        return lambda v: v
    if is_array(v):
        return lambda v: v.copy()
    return None


def as_float(v):
    """A new array of ``v``'s values, float unless complex (``np.array(v, float_like)``);
    a number as it is."""


@overload(as_float)
def _as_float(v):
    if is_number(v):
        return lambda v: v
    if is_array(v) and isinstance(v.dtype, (types.Float, types.Complex)):
        return lambda v: v.copy()
    if is_array(v):
        return lambda v: v.astype(np.float64)
    return None


@overload(overwritten, inline="always")
def _overwritten(x, index):
    if is_array(x) and read_index(index):
        return lambda x, index: copied(x[index])
    return None


@overload(snapshot, inline="always")
def _snapshot(x):
    if is_leaf(x):
        return lambda x: copied(x)
    return None


@overload(copy_of, inline="always")
def _copy_of(a, order=None):
    # (numba's np.copy makes a C-ordered array: x.copy()'s order 'C'; numba's arrays
    # given to generated code are copied only to be written into, where order is None)
    if not (is_none(order) or isinstance(order, (types.Omitted, types.NoneType))
            or getattr(order, "literal_value", "C") == "C"):
        return None
    if is_array(a):
        return lambda a, order=None: np.copy(a)
    if is_number(a):   # (numpy's is a 0-d array of it: the same in arithmetic)
        return lambda a, order=None: a
    if is_none(a):   # (the ``out=None`` idiom's parameter, copied before it is tested)
        return lambda a, order=None: None
    return None


@overload(stored_part)
def _stored_part(g, index):
    if is_array(g) and basic_index(index):
        return lambda g, index: as_float(g[index])
    if is_array(g) and read_index(index):
        def kept_writes(g, index):
            # numpy keeps one write per position, the last: the earlier elements of v
            # written there get no adjoint (as the numpy helper's)
            part = as_float(g[index])
            last = np.full(g.shape[0], -1, np.int64)
            for n in range(index.shape[0]):
                last[index[n] % g.shape[0]] = n
            for n in range(index.shape[0]):
                if last[index[n] % g.shape[0]] != n:
                    part[n] = 0.0
            return part
        return kept_writes
    return None


@overload(zero_at)
def _zero_at(g, index):
    if _float_array(g) and read_index(index):
        def impl(g, index):
            out = as_float(g)
            out[index] = 0.0
            return out
        return impl
    return None


@overload(add_at)
def _add_at(x_bar, index, g):
    if _float_array(x_bar) and basic_index(index) and is_leaf(g):
        def impl(x_bar, index, g):
            out = as_float(x_bar)
            out[index] += g
            return out
        return impl
    return None


@overload(add_at_key)
def _add_at_key(x_bar, index, g):
    if is_array(x_bar) and basic_index(index) and is_leaf(g):
        def impl(x_bar, index, g):
            x_bar[index] += g
            return x_bar
        return impl
    return _integer_arrays(x_bar, index, g)


@overload(add_into)
def _add_into(x_bar, index, g):
    parts = index.types if isinstance(index, types.BaseTuple) else (index,)
    if is_array(x_bar) and is_leaf(g) and all(   # (np.newaxis too: no repeats)
            isinstance(p, (types.Integer, types.SliceType, types.NoneType)) for p in parts):
        def impl(x_bar, index, g):
            x_bar[index] += g
            return x_bar
        return impl
    return _integer_arrays(x_bar, index, g)


def _integer_arrays(x_bar, index, g):
    """The impl adding ``g`` into the array ``x_bar`` at an index of 1-d integer arrays
    (one, or a tuple of them), else None."""
    parts = index.types if isinstance(index, types.BaseTuple) else (index,)
    if is_array(x_bar) and (is_leaf(g) or is_number(g)) and 0 < len(parts) <= x_bar.ndim \
            and all(is_array(p, 1) and isinstance(p.dtype, types.Integer) for p in parts):
        return _add_into_arrays(len(parts), isinstance(index, types.BaseTuple), x_bar.ndim, g)
    return None


def _add_into_arrays(count, tupled, ndim, g):
    """``add_into``'s impl for ``count`` 1-d integer arrays as the index (of the first
    ``count`` axes: ``np.triu_indices``' pair, ``tupled``, or one array): ``np.add.at``,
    a position named twice getting both, one position at a time (an index array of one
    item broadcast, as numpy's).  ``g`` is a number or an array of the indexed shape
    (its first axis one per position, or 1) or of fewer axes (the same at each)."""
    rank = ndim - count + 1   # (the rank of x_bar[index]: one axis for the positions)
    arrays = [f"index[{k}]" for k in range(count)] if tupled else ["index"]
    item = ", ".join(f"{a}[n if {a}.shape[0] != 1 else 0]" for a in arrays)
    if is_number(g):
        value = "g"
    elif g.ndim == rank:
        value = "g[n if g.shape[0] != 1 else 0]"
    elif g.ndim < rank:
        value = "g[()]" if g.ndim == 0 else "g"
    else:
        return None
    size = "max(" + ", ".join(f"{a}.shape[0]" for a in arrays) + ")" if count > 1 else \
        f"{arrays[0]}.shape[0]"
    code = (f"def impl(x_bar, index, g):\n"
            f"    for n in range({size}):\n"
            f"        x_bar[{item}] += {value}\n"
            f"    return x_bar\n")
    scope = {}
    exec(code, scope)   # (one impl per number of index arrays: numba takes no star index)
    return scope["impl"]


@overload(getitem_bar)
def _getitem_bar(g, x, index):
    if is_array(x) and basic_index(index) and is_leaf(g):
        dtype = np.complex128 if isinstance(x.dtype, types.Complex) else (
            np.float32 if x.dtype == types.float32 else np.float64)

        def impl(g, x, index):
            out = np.zeros(x.shape, dtype)
            out[index] += g
            return out
        return impl
    return None


@overload(transpose_bar, inline="always")
def _transpose_bar(g, axes=None):
    if is_array(g) and is_none(axes):
        return lambda g, axes=None: g.T
    if is_number(g) and is_none(axes):
        return lambda g, axes=None: g
    return None


@overload(cast_bar, inline="always")
def _cast_bar(g, y, x):
    kind = y.dtype if is_array(y) else y
    if isinstance(x, types.List) and is_leaf(x.dtype) and is_array(g) \
            and is_real_number(kind):   # (np.array(xs) of a list: its adjoint as an array,
        # which the list's own adjoint takes the items of, list_bar; ints: a constant)
        if isinstance(kind, (types.Integer, types.Boolean)):
            return lambda g, y, x: zeros_like(x)
        return lambda g, y, x: g
    if not (is_array(x) and is_array(g) and is_real_number(kind)):
        return None   # (numbers, tuples: not ported)
    if isinstance(kind, (types.Integer, types.Boolean)):   # a constant: zeros
        return lambda g, y, x: np.zeros(x.shape)
    if not isinstance(x.dtype, types.Float):
        return lambda g, y, x: g.astype(np.float64)   # (an integer x's adjoint: float64)
    if g.dtype == x.dtype:
        return lambda g, y, x: g
    return lambda g, y, x: g.astype(x.dtype)


@overload(mT, inline="always")
def _mT(x):  # noqa: N802
    if is_array(x, 2):
        return lambda x: x.T
    if is_array(x) and x.ndim > 2:
        return lambda x: np.swapaxes(x, -1, -2)
    return None


@register_jitable
def _extent(a):
    """The first and one-past-the-last byte address ``a``'s elements occupy."""
    low = high = a.ctypes.data
    for k in range(a.ndim):
        reach = (a.shape[k] - 1) * a.strides[k]
        if reach < 0:
            low += reach
        else:
            high += reach
    return low, high + a.itemsize


@register_jitable
def may_share(a, b):
    """Whether the memory of two arrays may overlap (``np.may_share_memory``)."""
    if a.size == 0 or b.size == 0:
        return False
    a_low, a_high = _extent(a)
    b_low, b_high = _extent(b)
    return a_low < b_high and b_low < a_high


@overload(unshared, inline="always")
def _unshared(g, others):
    held = _arrays_held(others, "others")
    if held is None:
        return None
    if is_number(g):
        return lambda g, others: g
    if isinstance(g, types.List) and is_number(g.dtype):
        return lambda g, others: list(g)   # (a list the caller owns, as the numpy helper's)
    if is_array(g):
        return _compiled(f"def impl(g, others):\n{_copy_if_shared('g', held)}    return g\n")
    if isinstance(g, types.BaseTuple) and all(is_leaf(t) for t in g):
        return _unshared_items(g, held)
    return None


def _arrays_held(t, path):
    """The expressions naming every array in ``t`` (tuples of arrays, numbers and None,
    nested), or None where it holds something else."""
    if is_array(t):
        return [path]
    if is_number(t) or is_none(t) or (isinstance(t, types.List) and is_number(t.dtype)):
        return []   # (numbers, and lists of them, hold no memory a derivative could share)
    if not isinstance(t, types.BaseTuple):
        return None
    found = []
    for i, item in enumerate(t):
        inner = _arrays_held(item, f"{path}[{i}]")
        if inner is None:
            return None
        found.extend(inner)
    return found


def _copy_if_shared(name, arrays):
    """Lines making ``name`` a copy where it may share memory with one of ``arrays``."""
    return "".join(f"    if may_share({name}, {other}):\n        {name} = {name}.copy()\n"
                   for other in arrays)


def _unshared_items(g, held):
    """A tuple of arrays and numbers (the derivatives of ``wrt=(0, 1)``): each array
    copied where it may share memory with ``others`` or an item kept before it, as the
    numpy helper's ``_own`` does."""
    held, lines, items = list(held), [], []
    for i, t in enumerate(g):
        lines.append(f"    item{i} = g[{i}]\n")
        if is_array(t):
            lines.append(_copy_if_shared(f"item{i}", held))
            held.append(f"item{i}")
        items.append(f"item{i}")
    result = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    return _compiled(f"def impl(g, others):\n{''.join(lines)}    return {result}\n")


def _compiled(source):
    scope = {"may_share": may_share}
    exec(source, scope)
    return scope["impl"]


@overload(ensure_real_target, prefer_literal=True, inline="always")
def _ensure_real_target(array, filename, line, column, tangent=0.0):
    if not is_array(array):
        return None
    parameters = "array, filename, line, column, tangent=0.0"
    sample = np.zeros(1, dtype=np.dtype(str(array.dtype)) if not isinstance(
        array.dtype, types.Boolean) else np.bool_)
    if not array.mutable:
        sample.flags.writeable = False
    complex_tangent = isinstance(tangent, types.Complex) or (
        is_array(tangent) and isinstance(tangent.dtype, types.Complex))
    place = [literal(t) for t in (filename, line, column)]
    if refusal_unknown in place:
        return None
    kind, constants = refusal(_numpy_guards.ensure_real_target, sample, *place,
                              1j if complex_tangent else 0.0)
    if kind is None:
        return lambda array, filename, line, column, tangent=0.0: array
    return raiser(kind, constants, parameters)
