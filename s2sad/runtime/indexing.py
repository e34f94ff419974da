"""Subscripts and stacking: adjoints of ``x[index]``, of writes into an item, of
casts, of ``np.transpose``/``np.concatenate``/``np.stack``, and the forward-mode
write ``index_set``.  Every helper returns a new value and leaves its inputs as they are.
"""

import math

from .numpy_view import np
from .duck import as_array, as_like, duck_among, fresh, is_duck, size_of
from .scatter import added_at
from .selection import gathered

from ..errors import ValueTypeError
from ..rules.records import fact
from .guards import _is_complex
from .shapes import float_like, split_at, unbroadcast, zeros_like

_ndarray = np.ndarray
#: the types of the adjoints add_into adds in place without asking more (the common case)
_NUMPY_VALUES = frozenset({float, int, np.float64, np.ndarray})
#: what copy_of keeps as it is: values nothing writes into
_KEPT = (bool, int, float, complex, str, bytes, tuple, np.generic)


def _kept(a):
    """Whether ``copy_of`` keeps ``a`` as it is: None, a number, a string, or a tuple of
    those at any depth (a tuple of tuples holding an array is copied)."""
    if a is None:
        return True
    if isinstance(a, tuple):
        return all(_kept(item) for item in a)
    return isinstance(a, _KEPT)


@fact(allocates=True, linear=("x",))
def overwritten(x, index):
    """A copy of ``x[index]``, saved before a write overwrites it."""
    if isinstance(x, dict):   # (a dict the code did not show to be one)
        from ..errors import ValueTypeError
        raise ValueTypeError(
            "s2sad reads the target of an item write as an array (the code does not show "
            "it to be a dict: no string key, dict method or dict display on it), but the "
            "value is a dict; its gradient would index the dict as an array",
            hint="make it a dict the code shows before the write (item = dict(item)), "
                 "or read it by a string key")
    part = x[index]
    if is_duck(part) and any(math.isnan(n) for n in part.shape):
        from ..errors import LazyShapeError
        raise LazyShapeError(
            "a write through a lazy (Dask) boolean mask, x[mask] = v: the gradient saves "
            "the values the write replaces and puts them back, and Dask cannot put back "
            "a part whose length is not known before the mask is computed",
            hint="write x = np.where(mask, v, x) instead (the same values, lazily), or "
                 "compute the mask first (mask = mask.compute())")
    return fresh(part)



@fact(allocates=True, linear=("a",))
def copy_of(a, order=None):
    """``np.copy(a)`` (``x.copy(order)``: that memory order): a new array of ``a``'s values (of a list or a number too), which
    generated code copies with (an array it writes into or restores, an argument the
    function writes into, ``x.copy()``); a duck array's own copy, lazy for Dask (numpy's
    ``np.copy``, which Dask does not implement, would compute it).  It keeps the type of
    what it copies: ``None``, a number and a tuple of those are kept as they are (nothing
    writes into them), a list, a dict or a tuple holding arrays is a new one of copies of
    its items (``np.copy(None)`` would be a 0-d object array: ``a is None`` after the
    copy of an ``a=None`` default would be false).  The method ``xs.copy()`` of a list
    or dict, which generated code calls with an ``order``, is Python's: a new list or
    dict holding the same items."""
    if a.__class__ is _ndarray:
        return np.copy(a) if order is None else a.copy(order)
    if order is not None and isinstance(a, (list, dict)):
        # the user's xs.copy() (an order given: the method's form) of a list or dict: a
        # new one holding the same items, as Python's is (a write into one of its arrays
        # is one into the original's: the write checks see it)
        return a.copy()
    if isinstance(a, tuple) and not _kept(a):
        # (a tuple holding an array or a list, at any depth: the array may be written
        # into later)
        items = [copy_of(item) for item in a]
        return tuple(items) if a.__class__ is tuple else a._make(items) \
            if hasattr(a, "_make") else a
    if a is None or isinstance(a, _KEPT):
        return a
    if isinstance(a, list):
        return [copy_of(item) for item in a]
    if isinstance(a, dict):
        return {key: copy_of(item) for key, item in a.items()}
    if is_duck(a):
        return fresh(a)
    return np.copy(a) if order is None else np.copy(a, order=order)



@fact(allocates=True, linear=("g",), spelling="rt.stored_part")
def stored_part(g, index):
    """The adjoint of ``v`` in ``x[index] = v``: ``g[index]``, with zeros for the
    elements of ``v`` that numpy does not keep.

    With an integer index that names a position twice (``x[[0, 0, 1]] = v``,
    also ``x[[0, 0, 1]] += v``), numpy keeps one write per position, the last
    one: only that element of ``v`` reaches ``x``.  Which one numpy keeps is
    found by the same write of the element numbers, so the adjoint follows
    numpy whatever its order.
    """
    part = fresh(gathered(g, index), dtype=float_like(g))   # (Dask: arrays on several axes)
    if not _may_repeat(index):
        return part
    # (the positions numpy keeps follow from the index and the shapes alone: found on
    # numpy arrays of element numbers, also for a Dask g, whose item assignment takes
    # no mask of several axes)
    shape = tuple(part.shape)
    numbers = np.arange(math.prod(shape)).reshape(shape)
    kept = np.full(tuple(np.shape(g)), -1, dtype=np.intp)
    kept[index] = numbers
    dropped = kept[index] != numbers
    if not dropped.any():
        return part
    if duck_among(part) is not None:
        return np.where(dropped, 0.0, part)
    part[dropped] = 0.0
    return part



def _may_repeat(index):
    """Whether ``index`` holds an integer array (or list) that names a position twice."""
    for part in (index if isinstance(index, tuple) else (index,)):
        if isinstance(part, (list, np.ndarray)) and as_array(part).dtype.kind in "iu" \
                and as_array(part).size > 1:
            return True
    return False



def astype_of(a, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``a.astype(dtype, order, casting, ...)``: the call of ``x.astype`` given
    ``casting=`` (numpy's check of the cast kept: a cast ``casting`` does not allow
    raises numpy's TypeError); a new array (``copy=False`` is np.asarray's rule).  A
    number's (or a list's) cast is that of its array."""
    if not hasattr(a, "astype"):
        a = as_array(a)
    given = {name: value for name, value, default in (
        ("order", order, "K"), ("subok", subok, True), ("copy", copy, True))
        if value is not default}   # (Dask's astype takes casting=, not subok=)
    return a.astype(dtype, casting=casting, **given)


@fact(linear=("g",), spelling="rt.cast_bar")
def cast_bar(g, y, x):
    """The adjoint of ``x`` in ``y = np.array(x, dtype)`` (``x.astype(dtype)``): ``g``
    in ``x``'s float dtype for a float ``y``, and zeros for an integer or bool ``y``
    (numpy truncates, or keeps only whether the value is nonzero: a constant).  A ``y``
    of more axes, ``np.array(x, ndmin=k)``'s leading axes of length 1, gives ``g`` in
    ``x``'s shape."""
    if np.result_type(y).kind in "fc":
        if np.ndim(g) > np.ndim(x):
            g = np.reshape(g, np.shape(x))
        if isinstance(x, (list, tuple)):
            return g
        return as_array(g, dtype=float_like(x)) if np.ndim(g) else float_like(x).type(g)
    return zeros_like(x)



def cast_dot(t, y):
    """The tangent of ``y = np.array(x, dtype)``: ``t`` in ``y``'s dtype for a float
    ``y`` (in ``y``'s shape: ``np.array(x, ndmin=k)`` adds leading axes of length 1),
    zeros for an integer or bool ``y``.  A numpy number ``y`` (``np.float64(x)``) gets a
    number of its type: of a Dask ``t`` too, whose value the primal computed already
    (a 0-d Dask array would refuse ``axis=0``, which numpy's number takes)."""
    if np.result_type(y).kind in "fc":
        if isinstance(y, np.generic) and np.ndim(t) == 0:
            return y.dtype.type(t)
        if np.ndim(t) < np.ndim(y):
            t = np.reshape(t, np.shape(y))
        return fresh(t, np.result_type(y))
    return np.zeros(np.shape(y))



@fact(linear=("t",))
def kept_or_cast_dot(t, y, a):
    """The tangent of ``y = np.asarray(a, dtype, order)`` (``np.ascontiguousarray(a)``,
    ``np.asfortranarray(a)``, ``a.astype(dtype, copy=False)``), which is ``a`` itself
    where its layout and dtype fit already, else a new array: ``t`` itself where ``y``
    is ``a`` (a write into either changes both, the tangents as the values), else as
    ``cast_dot`` gives it, a new array (zeros for an integer or bool ``y``)."""
    if y is a:
        return t
    return cast_dot(t, y)


@fact(allocates=True, linear=("x",))
def snapshot(x):
    """A copy of the array ``x`` (a number as it is): its values now, before a write
    through another name that shares its memory changes them."""
    if isinstance(x, np.ndarray):
        return x.copy()
    return x



@fact(allocates=True, linear=("g",))
def zero_at(g, index):
    """A copy of the adjoint ``g`` with zeros at ``index`` (the overwritten part); of a
    list, tuple or dict adjoint, a new one whose item at ``index`` is zeros."""
    if isinstance(g, (list, tuple, dict)):
        out = dict(g) if isinstance(g, dict) else list(g)
        out[index] = zeros_like(out[index])
        return tuple(out) if isinstance(g, tuple) else out
    out = fresh(g, dtype=float_like(g))
    out[index] = 0.0
    return out



@fact(view=True, linear=("g",))
def transpose_bar(g, axes=None):
    """Adjoint of ``np.transpose(x, axes)``."""
    if axes is None:
        return np.transpose(g)
    ndim = np.ndim(g)
    return np.transpose(g, np.argsort([a % ndim for a in axes]))  # axes may be negative



@fact(view=True, linear=("g",))
def concatenate_bar(g, arrays, axis=0):
    """Adjoint of ``np.concatenate(arrays, axis)``: one slice of ``g`` per input."""
    if axis is None:
        sizes = [size_of(a) for a in arrays]
        pieces = split_at(np.ravel(g), sizes)
        return [np.reshape(p, np.shape(a)) for p, a in zip(pieces, arrays)]
    sizes = [np.shape(a)[axis] for a in arrays]
    return split_at(g, sizes, axis)   # (slices: Dask has no np.split)



@fact(view=True, linear=("g",))
def stack_bar(g, arrays, axis=0):
    """Adjoint of ``np.stack(arrays, axis)``: the slices of ``g`` along ``axis``."""
    moved = np.moveaxis(g, axis, 0)
    return [moved[i] for i in range(len(arrays))]



@fact(allocates=True, linear=("g",))
def getitem_bar(g, x, index):
    """Adjoint of ``x[index]`` as a fresh array (repeated integer indices accumulate)."""
    out = zeros_like(x)
    if duck_among(out, g) is not None:   # a Dask array... (no ufunc.at): lazily
        return added_at(out, index, g)
    np.add.at(out, index, g)
    return out



@fact(allocates=True, linear=("x_bar", "g"))
def add_at(x_bar, index, g):
    """``x_bar`` with ``g`` added at ``index``, without touching ``x_bar`` itself (a
    list, tuple or dict adjoint item by item: see ``runtime_forward.container_add_at``)."""
    if isinstance(x_bar, (list, tuple, dict)):
        return container_add_at(x_bar, index, g)
    if duck_among(x_bar, g) is not None:
        return added_at(x_bar, index, g)
    out = np.array(x_bar, dtype=float_like(x_bar), copy=True)
    np.add.at(out, index, g)
    return out



@fact(linear=("x_bar", "g"))
def add_into(x_bar, index, g):
    """``x_bar`` (an adjoint array the backward sweep owns) with ``g`` added at
    ``index``, a position named twice getting both (``np.add.at``): in place for a numpy
    array; a new array when one is a Dask (duck) array, which has no ``ufunc.at``
    (``runtime.scatter``: lazily, nothing computed).  Generated code writes every
    addition of an item's adjoint into an array adjoint it owns with it (``x_bar =
    add_into(x_bar, i, g)``, also the first), so a numpy ``x_bar`` (the adjoint of a
    numpy argument) that gets a Dask ``g`` becomes a Dask array: numpy's own
    ``x_bar[i] += g`` would compute ``g`` (or Dask refuses it)."""
    if x_bar.__class__ is not _ndarray or g.__class__ not in _NUMPY_VALUES:
        if duck_among(x_bar, g) is not None:
            return added_at(x_bar, index, g)
        x_bar = _as_array(x_bar)
    if index.__class__ is int or _basic(index):   # (np.newaxis: no position can repeat)
        x_bar[index] += g
    else:
        np.add.at(x_bar, index, g)
    return x_bar



def _as_array(x_bar):
    """``x_bar``, or, when it is a number (the zero adjoint of a numpy number, which
    takes ``x[()]`` and ``x[...]``), a 0-d float array of it that takes items."""
    if x_bar.__class__ in _NUMBERS:
        return np.array(x_bar, dtype=float_like(x_bar))
    return x_bar


_NUMBERS = frozenset({float, int, np.float64, np.float32, np.int64})


def _basic(index):
    """Whether ``index`` holds only integers, slices, ``None`` and ``Ellipsis``."""
    return all(p is None or p is Ellipsis or isinstance(p, (int, np.integer, slice))
               for p in (index if isinstance(index, tuple) else (index,)))



@fact(linear=("x_bar", "g"))
def add_at_key(x_bar, index, g):
    """``x_bar`` (an adjoint the backward sweep owns) with ``g`` added at ``index``,
    where the code did not show whether ``x`` is an array or a container: a list,
    tuple or dict adjoint gets a new container (``index`` a position or a key), an
    array gets ``g`` added in place (``np.add.at``, repeated indices summed)."""
    if isinstance(x_bar, (list, tuple, dict)):
        return container_add_at(x_bar, index, g)
    if duck_among(x_bar, g) is not None:   # a new array: the caller takes the result
        return added_at(x_bar, index, g)
    x_bar = _as_array(x_bar)
    np.add.at(x_bar, index, g)
    return x_bar



@fact(view=True, linear=("items",))
def sequence_bar(items):
    """Adjoint of a tuple or list literal, turned back into a list of adjoints."""
    return list(items)



@fact(allocates=True, linear=("parts",))
def unpacked_bar(parts, source):
    """The adjoint of ``source`` in ``a, b = source`` from ``parts``, the adjoints of
    ``a`` and ``b``: a tuple of them for a tuple or list (a helper's result, whose
    pullback takes one), an array of ``source``'s shape for an array, whose rows they
    are (what the rules of the ops that made ``source`` take)."""
    if isinstance(source, (tuple, list)):
        return tuple(parts)
    rows = np.shape(source)[1:]
    return np.stack([np.broadcast_to(part, rows) for part in parts])


@fact(allocates=True, linear=("g",))
def unpacked_parts(g, parts):
    """The adjoint of ``parts`` in ``unpacked_bar(parts, source)``: the items (rows) of
    ``g``, each reduced to its part's shape."""
    return [unbroadcast(item, part) for item, part in zip(g, parts)]


@fact(allocates=True, linear=("x", "value"))
def index_set(x, index, value):
    """``x`` with ``x[index] = value``, as a new array (``x`` is left untouched).  An
    integer or bool array keeps its dtype, so the value is truncated as numpy's own
    write truncates it (a differentiated value is refused before it gets here).  A list
    or dict (a container adjoint of gradient code) is copied shallowly and its item set."""
    if isinstance(x, (list, dict)):
        out = list(x) if isinstance(x, list) else dict(x)
        out[index] = value
        return out
    if isinstance(x, np.ndarray) and not x.flags.writeable:
        # (the write Python would make raises: np.diagonal(a) and np.broadcast_to(a, s)
        # are read-only views)
        raise ValueError("assignment destination is read-only")
    keep = isinstance(x, np.ndarray) and x.dtype.kind in "biu"
    out = fresh(x, dtype=x.dtype if keep else float_like(x))
    if out.dtype.kind != "c" and _is_complex(value):
        _refuse_complex_write()
    if is_duck(value) and not is_duck(out):
        # a Dask value (a tangent) written into a numpy array: numpy would compute it; the
        # copy becomes a Dask array, which takes the write lazily
        out = as_like(out, value)
    out[index] = value
    return out



def container_add_at(x, index, value):
    """``x`` with ``value`` added to ``x[index]``, as a new container of ``x``'s type
    (``x`` is left untouched): a list, tuple or dict adjoint accumulating the
    adjoint of one item (``xs_bar[1] += g``); an item that is None or absent holds
    no adjoint yet and takes ``value``.  A slice of a list or tuple adds item by
    item (never list concatenation)."""
    if isinstance(x, dict):
        out = dict(x)
        old = out.get(index)
        out[index] = value if old is None else _added(old, value)
        return out
    out = list(x)
    if isinstance(index, slice):
        positions = range(len(out))[index]
        values = list(value)
        if len(values) != len(positions):
            raise ValueError(f"an adjoint of {len(values)} items added to a slice of "
                             f"{len(positions)}")
        for i, v in zip(positions, values):
            out[i] = v if out[i] is None else _added(out[i], v)
    else:
        out[index] = value if out[index] is None else _added(out[index], value)
    return out if isinstance(x, list) else tuple(out)



def _added(a, b):
    """``a + b`` for adjoints: item by item for containers, None as zero."""
    if b is None:
        return a
    if isinstance(a, (list, tuple, dict)):
        if isinstance(a, dict):
            out = dict(a)
            for k, v in b.items():
                out[k] = v if out.get(k) is None else _added(out[k], v)
            return out
        items = [v if u is None else _added(u, v) for u, v in zip(a, b)]
        return items if isinstance(a, list) else tuple(items)
    return a + b



def _refuse_complex_write():
    """numpy would keep only the real part (a ComplexWarning): the derivative would be
    wrong without a word."""
    raise ValueTypeError("a complex value reached the derivative (written into a real "
                         "array); s2sad does not differentiate complex values",
                         hint="compute with real arrays only")
