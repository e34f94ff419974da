"""``np.add.at`` on arrays that have no ``ufunc.at`` (Dask, CuPy...), lazily.

The adjoint of a read ``x[index]`` puts its adjoint ``g`` back where the read took it
from, adding where a position was read twice: ``np.add.at(x_bar, index, g)``.  A Dask
array has no ``ufunc.at``; what it has is item assignment with slices, integers and at
most one 1-d integer array (a new graph, nothing computed).  :func:`added_at` brings any
numpy index to that form, from the index alone (numpy arrays of indices, never the
array's values):

* ``Ellipsis`` becomes slices; ``None`` (``np.newaxis``) is dropped, and ``g`` reshaped
  without its length-1 axes (removing them keeps the order of the elements);
* a numpy boolean mask becomes its ``np.nonzero`` integer arrays;
* the integer arrays and integers (numpy's advanced index) are broadcast together, their
  axes of ``x_bar`` moved to the front and merged into one (``np.ravel_multi_index``),
  the axes of ``g`` they made moved to the front and merged too;
* a position named twice sums its parts of ``g`` first (``_summed_repeats``), so each
  position is written once: ``part[positions] = part[positions] + g``.

Costs: a basic index (slices, integers) is one item assignment, lazy block by block; an
integer array along one axis adds a numpy ``np.unique`` of the index and, for repeats, a
small matrix of ones (or a sort of the index) contracted with ``g``; integer arrays on
several axes merge those axes with a reshape, which Dask may rechunk.  A lazy boolean
mask, a lazy integer index or a ``g`` of unknown length cannot be put back without
computing them: :class:`~s2sad.errors.LazyShapeError` says so and what to write instead.
"""

import math

from .numpy_view import np

from .duck import as_like, is_duck, unknown_shape


def added_at(x_bar, index, g):
    """``np.add.at`` on a copy of ``x_bar`` (a duck array, or ``g`` is one), lazily: see
    the module docstring.  ``x_bar`` itself is left as it is."""
    out = as_like(x_bar, g) if is_duck(g) else x_bar
    parts = _refuse_lazy(index if isinstance(index, tuple) else (index,), g)
    parts = _expanded(parts, len(out.shape))
    if any(p is None for p in parts):   # np.newaxis: g without those length-1 axes
        parts = tuple(p for p in parts if p is not None)
        g = np.reshape(as_like(g, out), _indexed_shape(tuple(out.shape), parts))
    if not any(isinstance(p, np.ndarray) for p in parts):   # slices and integers
        out = out.copy()
        if 0 in tuple(np.shape(g)):   # an empty part (x[2:] of 2 rows): nothing to add
            return out
        out[parts] = out[parts] + g
        return out
    return _added_advanced(out, parts, as_like(g, out))


def _refuse_lazy(parts, g):
    """``parts``, after refusing what is not known before it is computed: a lazy
    boolean mask (how many elements it takes), a lazy integer index (where they go)."""
    for part in parts:
        if unknown_shape(g) or is_duck(part) and part.dtype.kind == "b":
            from ..errors import LazyShapeError
            raise LazyShapeError(
                "the derivative of x[mask] puts each element back where the mask took it "
                "from, and how many there are is not known before the mask is computed "
                "(a lazy Dask mask, or a numpy mask of more than one axis of a Dask "
                "array, whose result Dask gives an unknown length): s2sad cannot do "
                "that lazily",
                hint="write np.where(mask, x, 0.0) for x[mask] where the sum or mean is "
                     "what counts, or compute the mask first (mask = mask.compute())")
        if is_duck(part):
            from ..errors import LazyShapeError
            raise LazyShapeError(
                "the derivative of x[index] with a lazy (Dask) integer index puts each "
                "element back where the index took it from, and those positions are not "
                "known before the index is computed: s2sad cannot do that lazily",
                hint="compute the index first (index = index.compute()), or index with a "
                     "numpy array")
    return parts


def _expanded(parts, ndim):
    """``parts`` with lists as numpy arrays, boolean masks as their integer arrays and
    ``Ellipsis`` as the slices it stands for (``None`` kept: see :func:`added_at`)."""
    out = []
    for part in parts:
        if isinstance(part, (list, np.ndarray)):
            part = np.asarray(part)
            if part.dtype.kind == "b":
                out.extend(np.nonzero(part))
                continue
            if part.dtype.kind not in "iu":
                raise IndexError("arrays used as indices must be of integer (or boolean) type")
        out.append(part)
    used = sum(1 for p in out if p is not None and p is not Ellipsis)
    if any(p is Ellipsis for p in out):
        at = next(i for i, p in enumerate(out) if p is Ellipsis)
        out[at:at + 1] = [slice(None)] * (ndim - used)
    return tuple(out)


def _indexed_shape(shape, parts):
    """The shape of ``x[parts]`` for ``x`` of ``shape`` (slices, integers, integer
    arrays; no ``None``, no ``Ellipsis``), by numpy's rules, from metadata alone."""
    parts = parts + (slice(None),) * (len(shape) - len(parts))
    sliced = [len(range(n)[p]) if isinstance(p, slice) else None for n, p in zip(shape, parts)]
    advanced = [i for i, p in enumerate(parts) if not isinstance(p, slice)]
    if not any(isinstance(p, np.ndarray) for p in parts):
        return tuple(n for n in sliced if n is not None)
    block = np.broadcast_shapes(*(np.shape(parts[i]) for i in advanced))
    if advanced == list(range(advanced[0], advanced[-1] + 1)):   # together: in place
        return tuple(n for n in sliced[:advanced[0]] if n is not None) + block \
            + tuple(n for n in sliced[advanced[0]:] if n is not None)
    return block + tuple(n for n in sliced if n is not None)


def _added_advanced(out, parts, g):
    """``out`` (a duck array) with ``g`` added at ``parts``, an index with integer
    arrays: those axes of ``out`` merged into one in front, the block of axes they make
    in ``g`` too, repeats summed, and the result written with one 1-d integer array."""
    shape = tuple(out.shape)
    parts = parts + (slice(None),) * (len(shape) - len(parts))
    advanced = [i for i, p in enumerate(parts) if not isinstance(p, slice)]
    rest = tuple(p for p in parts if isinstance(p, slice))
    block = np.broadcast_shapes(*(np.shape(parts[i]) for i in advanced))
    together = advanced == list(range(advanced[0], advanced[-1] + 1))
    before = sum(1 for p in parts[:advanced[0]] if isinstance(p, slice)) if together else 0
    k = len(block)
    g = np.moveaxis(g, list(range(before, before + k)), list(range(k)))
    count = math.prod(block)
    if k != 1:
        g = np.reshape(g, (count,) + tuple(g.shape[k:]))
    if count == 0:
        return out.copy()
    dims = tuple(shape[i] for i in advanced)
    wrapped = [np.where(a < 0, a + n, a).ravel()
               for a, n in zip((np.broadcast_to(np.asarray(parts[i]), block)
                                for i in advanced), dims)]
    flat = wrapped[0] if len(dims) == 1 else np.ravel_multi_index(wrapped, dims)
    positions, inverse = np.unique(flat, return_inverse=True)
    if positions.size < flat.size:   # repeats: sum their parts of g first (in positions' order)
        g = _summed_repeats(g, inverse.ravel(), positions.size)
    else:   # distinct: g's parts stay where they are, at the index's own order
        positions = flat
    moved = np.moveaxis(out, advanced, list(range(len(advanced))))
    merged = np.reshape(moved, (math.prod(dims),) + tuple(moved.shape[len(dims):])).copy()
    key = (positions,) + rest
    merged[key] = merged[key] + g
    return np.moveaxis(np.reshape(merged, moved.shape), list(range(len(advanced))),
                       advanced)


def _summed_repeats(g, inverse, count):
    """``g``'s parts (along axis 0) summed by group, ``inverse`` naming each part's
    group (of ``count``): by a numpy matrix of ones when it is small, else by sorting
    the parts by group and differencing their running sum at the group ends (memory
    linear in the index, never the product of its length and the groups')."""
    if inverse.size * count <= 1 << 20:
        ones = (inverse[:, None] == np.arange(count)).astype(float)
        return np.tensordot(ones, g, axes=([0], [0]))
    order = np.argsort(inverse, kind="stable")
    ends = np.searchsorted(inverse[order], np.arange(count), side="right") - 1
    running = np.cumsum(g[order], axis=0)[ends]
    return running - np.concatenate([np.zeros_like(running[:1]), running[:-1]], axis=0)
