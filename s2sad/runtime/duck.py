"""Arrays of other libraries ("duck arrays": Dask, CuPy...) in the runtime.

Generated code is plain numpy calls, and numpy hands a call on an array of another
library to that library (numpy's dispatch protocols ``__array_function__`` and
``__array_ufunc__``): ``np.sum(X @ w)`` on a Dask array builds a lazy Dask array.
What breaks that is a helper converting its input to numpy (``np.asarray`` computes a
Dask array, refuses a CuPy one) or looking at values where metadata would do.  The
helpers here dispatch on the argument's type, by protocol: an array that is no numpy
array but implements ``__array_function__`` stays what it is, and its metadata
(``ndim``, ``shape``, ``dtype``, ``size``) is read as attributes, never computed.

Why not the array API's namespace (``array-api-compat``): generated code calls numpy's
functions, so the arrays it must keep are exactly those numpy dispatches for; a test on
the same protocol needs no extra dependency and no import of Dask or CuPy (s2sad never
imports them: a Dask array is recognised by its type's protocol alone).
"""

import contextvars
import math
from .numpy_view import np

from ..errors import S2sadError, located_in_calling_code

_ndarray = np.ndarray
_DUCK = {}   # type -> whether it is a duck array (asked once per type)


def is_duck(x):
    """Whether ``x`` is an array of another library that numpy dispatches calls to: not
    a numpy array (nor subclass), a numpy scalar or a Python number, but of a type with
    ``__array_function__`` (a Dask array, a CuPy array...)."""
    kind = x.__class__
    known = _DUCK.get(kind)
    if known is None:
        known = _DUCK[kind] = (not issubclass(kind, (_ndarray, np.generic))
                               and hasattr(kind, "__array_function__")
                               and hasattr(kind, "shape") and hasattr(kind, "dtype"))
    return known


def as_array(x, dtype=None):
    """``np.asarray(x, dtype)``, except that a duck array stays one (cast to ``dtype``
    lazily when it has another): a Dask array is not computed, a CuPy one stays on the
    GPU."""
    if x.__class__ is _ndarray:   # the common case, without the type test below
        return x if dtype is None else np.asarray(x, dtype=dtype)
    if is_duck(x):
        return x if dtype is None or x.dtype == np.dtype(dtype) else x.astype(dtype)
    return np.asarray(x, dtype=dtype)


def ndim_of(x):
    """``np.ndim(x)``, from a duck array's metadata."""
    return x.ndim if is_duck(x) else np.ndim(x)


def shape_meta(x):
    """``np.shape(x)``, from a duck array's metadata (a length Dask does not know yet is
    ``nan`` there)."""
    return tuple(x.shape) if is_duck(x) else np.shape(x)


def size_of(x):
    """``np.size(x)``: the number of elements, from a duck array's metadata (numpy's
    ``np.size`` is no function Dask implements: numpy's fallback would compute the
    array).  A Dask array of unknown length (``nan`` in its shape: a masked or filtered
    array) gets its size as a lazy count of its elements, computed with it."""
    if x.__class__ is _ndarray:
        return x.size
    if is_duck(x):
        if unknown_shape(x):
            return np.sum(np.ones_like(x, dtype=np.float64))
        return math.prod(x.shape) if x.shape else 1
    return np.size(x)


_NO_ELEMENTS = np.float64(0.0)


def mean_count(x):
    """:func:`size_of` ``x`` as the number a mean of ``x`` divides by: numpy's ``0.0`` for
    an empty ``x`` (a Python int otherwise), so that the share ``g / count`` of each
    element is numpy's inf or nan (spread over no element, as ``np.mean`` of no element
    is nan), where Python's division would raise."""
    n = size_of(x)
    return _NO_ELEMENTS if n.__class__ is int and n == 0 else n


def unknown_shape(x):
    """Whether a duck array has an axis of a length not known before it is computed
    (Dask's ``nan`` after a boolean mask)."""
    return is_duck(x) and any(isinstance(n, float) and math.isnan(n) for n in x.shape)


def duck_among(*values):
    """The first duck array among ``values``, or None (all numpy or numbers)."""
    for value in values:
        if is_duck(value):
            return value
    return None


#: during a derivative's call with a duck array among its arguments (see
#: :func:`called_with`): (that array, the ids of the numpy array arguments)
_CALL = contextvars.ContextVar("s2sad_duck_call", default=None)


def called_with(call, values, *args):
    """``call(*args)``, where ``values`` are the arguments of a derivative's call (and
    cotangents, tangents): with a duck array among them, the zero adjoint of a numpy
    array argument (``shapes.zeros_like``) is an array of that duck array's library, so
    items written into it (``w_bar[j] = g``, ``g`` read from Dask data) stay lazy:
    numpy's own write would compute ``g``."""
    like = duck_among(*values)
    if like is None:
        return call(*args)
    token = _CALL.set((like, frozenset(id(v) for v in values if v.__class__ is _ndarray)))
    try:
        return call(*args)
    except ValueError as exc:
        if not _unknown_length_failure(exc):
            raise
        raise _unknown_length_refusal(exc) from exc
    finally:
        _CALL.reset(token)


def _unknown_length_failure(exc):
    """Whether ``exc`` is Dask's own refusal of an array of unknown length (``nan`` in
    its shape: the part of ``x[mask]``), raised inside Dask."""
    text = str(exc).lower()
    if "nan" not in text and not ("unknown" in text and "chunk" in text):
        return False
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__", "").startswith("dask."):
            return True
        tb = tb.tb_next
    return False


def _unknown_length_refusal(exc):
    """The located :class:`~s2sad.errors.LazyShapeError` for Dask's ``exc``."""
    from ..errors import LazyShapeError, located_in_generated_code
    return LazyShapeError(
        f"Dask cannot run this step on an array whose length is not known before it is "
        f"computed (nan in its shape, as x[mask] makes): {exc}",
        located_in_generated_code(exc.__traceback__),
        hint="compute the lengths first (x = x.compute_chunk_sizes(), or mask = "
             "mask.compute()), or keep the shape known: np.where(mask, x, 0.0) for x[mask]")


def zeros_for(x, zeros):
    """``zeros`` (numpy zeros of the numpy array ``x``'s shape) as an array of the duck
    library of the call (:func:`called_with`) when ``x`` is one of its arguments."""
    call = _CALL.get()
    if call is None or id(x) not in call[1]:
        return zeros
    return np.asarray(zeros, like=call[0])


def like_the_call(value):
    """The numpy array ``value`` as an array of the duck library of the call (see
    :func:`called_with`), if the call has one: a tangent copied to be written into
    (``writable_copy``) then takes lazy items (numpy's own write would compute them)."""
    call = _CALL.get()
    return value if call is None else np.asarray(value, like=call[0])


def as_like(value, like):
    """``value`` as an array of ``like``'s library when ``like`` is a duck array and
    ``value`` is not (``np.asarray(value, like=like)``: numpy's own dispatch, NEP 35);
    else ``value`` itself."""
    if is_duck(like) and not is_duck(value):
        return np.asarray(value, like=like)
    return value


def zeros_written_by(shape, dtype, *values):
    """``np.zeros(shape, dtype)`` that the caller then writes ``values`` into: an array of
    the library of a duck array among ``values`` when there is one (a Dask value written
    into a numpy array would be computed there), else numpy's."""
    zeros = np.zeros(shape, dtype=dtype)
    ref = duck_among(*values)
    return zeros if ref is None else np.asarray(zeros, like=ref)


def filled(shape, g, *likes):
    """``np.full(shape, g)`` (a fresh array the caller may write into), as an array of
    the library of ``g`` or of a duck array among ``likes`` when there is one: a Dask
    array's adjoint spread over its shape stays a lazy Dask array, never a numpy array
    of that size.

    A duck array among ``likes`` of that very shape lends its blocks: the result is made
    by the library's own ``full_like`` / ``zeros_like`` on it (Dask keeps the array's
    chunks), so an adjoint spread over a Dask array of many chunks has those chunks and
    streams with it; without such an array, the library's own blocks.
    (``np.broadcast_to`` of a small array would make one block of the whole shape: a
    single task holding every row, computed whole and held in memory.)"""
    ref = duck_among(g, *likes)
    if ref is None:
        return np.full(shape, g)
    shape = tuple(shape)
    if is_duck(g) and same_shape(g.shape, shape):
        return g.copy()   # nothing to spread (a new Dask array object: a write into it
        #                   replaces that object's graph, never g's)
    dtype = g.dtype if hasattr(g, "dtype") else np.result_type(g)
    like = next((x for x in likes if is_duck(x) and same_shape(x.shape, shape)), None)
    if like is None:   # nothing of that shape to lend blocks: the library's own (Dask's
        #                chunks of about 128 MiB, "auto")
        return np.zeros(shape, dtype=dtype, like=ref) + as_like(g, ref)
    if not is_duck(g) and np.ndim(g) == 0:
        return np.full_like(like, g, dtype=dtype)
    return np.zeros_like(like, dtype=dtype) + as_like(g, like)


def same_shape(shape, other):
    """Whether two shapes are equal, a length not known yet (``nan``, the same Dask
    array's) equal to itself."""
    return len(shape) == len(other) and all(
        a == b or (a != a and b != b) for a, b in zip(shape, other))


def deferred(check, x, *others):
    """``check(x, *others)`` (elementwise: it returns ``x``, or a value of its shape, or
    raises an s2sad error) where a check needs ``x``'s values: on a lazy array with
    blocks (a Dask array: it has ``map_blocks``) it runs block by block when the result
    is computed, so building the derivative computes nothing and an error is raised
    where the values are known; on anything else now."""
    if is_duck(x) and hasattr(x, "map_blocks"):
        others = [_aligned(o if is_duck(o) and same_shape(o.shape, x.shape)
                           else filled(tuple(x.shape), o, x), x) for o in others]   # x's blocks
        return x.map_blocks(_Located(check, located_in_calling_code()), *others,
                            dtype=x.dtype)
    return check(x, *others)


def _aligned(other, x):
    """``other`` (of ``x``'s shape) in ``x``'s blocks, so each block of the check sees
    the parts of both at the same place (Dask's map_blocks pairs blocks by position)."""
    chunks = getattr(x, "chunks", None)
    if chunks is None or getattr(other, "chunks", chunks) == chunks:
        return other
    return other.rechunk(chunks)


class _Located:
    """A deferred check that gives an s2sad error it raises the place where it was made
    (the user's line whose derivative made it: the error is raised when the values are
    computed, far from the generated code, as eager checks name theirs)."""

    def __init__(self, check, location):
        self.check, self.location = check, location

    def __call__(self, *blocks):
        try:
            return self.check(*blocks)
        except S2sadError as exc:
            if exc.location is None:
                exc.location = self.location
            raise


def stacked(rows, like):
    """``rows`` (computed one by one along axis 0) as one array of ``like``'s shape:
    written into a new numpy array, or, with a duck array among them (Dask arrays have
    no item writes into numpy), stacked by the library (lazily)."""
    if not rows or duck_among(like, *rows) is None:
        out = np.empty_like(like)
        for i, row in enumerate(rows):
            out[i] = row
        return out
    ref = duck_among(like, *rows)
    return np.stack([np.broadcast_to(as_like(r, ref), tuple(like.shape[1:])) for r in rows])


def has_blocks(*values):
    """Whether a lazy array with blocks (a Dask array: it has ``map_blocks``) is among
    ``values``."""
    return any(is_duck(v) and hasattr(v, "map_blocks") for v in values)


def refuse_where(out, bad, refuse):
    """``out``, once ``refuse(bad)`` (which raises an s2sad error) ran where ``bad``
    holds anywhere: now, or, with a lazy array with blocks (Dask) among them, block by
    block when ``out`` is computed (``refuse`` then gets the block's part of ``bad``), so
    building a derivative computes nothing."""
    if not has_blocks(out, bad):
        if np.any(bad):
            refuse(bad)
        return out

    def check(block, bad_block):
        if np.any(bad_block):
            refuse(bad_block)
        return block
    return deferred(check, out if is_duck(out) else as_like(out, bad), bad)


def inverse_blocks(a, singular):
    """``np.linalg.inv(a)`` of a lazy array with blocks (Dask), lazily: its matrices
    (the last two axes, small) each in one block (Dask's own inverse wants square
    blocks), each block inverted by numpy when it is computed; at a singular matrix
    ``singular(matrix)`` raises there (an s2sad error), as numpy's would now."""
    def inverted(block):
        try:
            return np.linalg.inv(block)
        except np.linalg.LinAlgError:
            singular(block)
            raise
    whole = a.rechunk({a.ndim - 2: -1, a.ndim - 1: -1})
    return whole.map_blocks(inverted, dtype=np.result_type(a.dtype, float))


def fresh(x, dtype=None):
    """``np.array(x, dtype, copy=True)``: a new array the caller may write into; a duck
    array's own copy (lazy for Dask: its arrays are never written in place)."""
    if is_duck(x):
        out = x.astype(x.dtype if dtype is None else dtype, copy=True)
        # (Dask's astype to the same dtype is the array itself, whose item assignment
        # would then change the caller's array: its copy is a new array object)
        return x.copy() if out is x else out
    return np.array(x, dtype=dtype, copy=True)
