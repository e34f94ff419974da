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

import math

import numpy as np

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
    array).  A Dask array of unknown length gives ``nan`` (its size is not known
    before it is computed), which a division by it carries on, lazily, as Dask does."""
    if x.__class__ is _ndarray:
        return x.size
    if is_duck(x):
        return math.prod(x.shape) if x.shape else 1
    return np.size(x)


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


def as_like(value, like):
    """``value`` as an array of ``like``'s library when ``like`` is a duck array and
    ``value`` is not (``np.asarray(value, like=like)``: numpy's own dispatch, NEP 35);
    else ``value`` itself."""
    if is_duck(like) and not is_duck(value):
        return np.asarray(value, like=like)
    return value


def filled(shape, g, *likes):
    """``np.full(shape, g)`` (a fresh array the caller may write into), as an array of
    the library of ``g`` or of a duck array among ``likes`` when there is one: a Dask
    array's adjoint spread over its shape stays a lazy Dask array, never a numpy array
    of that size."""
    ref = duck_among(g, *likes)
    if ref is None:
        return np.full(shape, g)
    return np.broadcast_to(as_like(g, ref), shape).copy()


def deferred(check, x, *others):
    """``check(x, *others)`` (elementwise: it returns ``x``, or a value of its shape, or
    raises an s2sad error) where a check needs ``x``'s values: on a lazy array with
    blocks (a Dask array: it has ``map_blocks``) it runs block by block when the result
    is computed, so building the derivative computes nothing and an error is raised
    where the values are known; on anything else now."""
    if is_duck(x) and hasattr(x, "map_blocks"):
        others = [np.broadcast_to(as_like(o, x), tuple(x.shape)) for o in others]
        return x.map_blocks(check, *others, dtype=x.dtype)
    return check(x, *others)


def fresh(x, dtype=None):
    """``np.array(x, dtype, copy=True)``: a new array the caller may write into; a duck
    array's own copy (lazy for Dask: its arrays are never written in place)."""
    if is_duck(x):
        return x.astype(x.dtype if dtype is None else dtype, copy=True)
    return np.array(x, dtype=dtype, copy=True)
