"""Adjoints of numpy's functions that move, copy or pick elements: diagonals
(``np.diag``, ``np.diagonal``), copies (``np.tile``, ``np.repeat``, ``np.pad``),
rolls (``np.roll``, ``np.rollaxis``).  Each is linear in the adjoint ``g`` it receives
and reads only the shape of the primal argument (``@fact(linear=("g",))``: its
tangent, for second order, is the helper applied to ``g``'s tangent).
"""

from .numpy_view import np
from .duck import as_array, duck_among, is_duck, shape_meta
from .scatter import added_at

from ..errors import NoDerivativeRuleError, ValueTypeError
from ..rules.records import fact
from .shapes import unbroadcast_to


def _diagonal_index(shape, offset):
    """Rows and columns of the ``offset`` diagonal of a matrix of ``shape``."""
    rows, cols = shape
    start_r, start_c = (0, offset) if offset >= 0 else (-offset, 0)
    n = max(0, min(rows - start_r, cols - start_c))
    i = np.arange(n)
    return i + start_r, i + start_c


def _on_diagonal(g, shape, offset):
    """Zeros of ``shape`` with ``g`` (the diagonal along its last axis) on the
    ``offset`` diagonal of the last two axes, lazily for a Dask ``g``: ``g`` padded to
    the rows' length times numpy's ``np.eye`` (no write into an array)."""
    rows, _ = _diagonal_index(shape[-2:], offset)
    start = int(rows[0]) if rows.size else 0
    widths = [(0, 0)] * (np.ndim(g) - 1) + [(start, shape[-2] - start - rows.size)]
    column = np.pad(g, widths)[..., :, None]
    return column * np.eye(shape[-2], shape[-1], k=offset)


@fact(allocates=True, linear=("g",))
def diag_bar(g, v, k=0):
    """Adjoint of ``np.diag(v, k)``: a matrix's diagonal for a vector ``v``, the
    diagonal put back into zeros of ``v``'s shape for a matrix ``v``."""
    shape = shape_meta(v)
    if len(shape) == 1:
        return np.diag(g, k)
    if is_duck(g):
        return _on_diagonal(g, shape, k)
    out = np.zeros(shape, dtype=np.result_type(g, float))
    out[_diagonal_index(shape, k)] = g
    return out


@fact(allocates=True, linear=("g",))
def diagonal_bar(g, a, offset=0, axis1=0, axis2=1):
    """Adjoint of ``np.diagonal(a, offset, axis1, axis2)``: ``g`` (the diagonal along
    its last axis) put back on that diagonal of zeros of ``a``'s shape."""
    shape = shape_meta(a)
    if is_duck(g):
        moved = [n for i, n in enumerate(shape) if i not in (axis1 % len(shape),
                                                              axis2 % len(shape))]
        on = _on_diagonal(g, tuple(moved) + (shape[axis1], shape[axis2]), offset)
        return np.moveaxis(on, (-2, -1), (axis1, axis2))
    out = np.zeros(shape, dtype=np.result_type(g, float))
    moved = np.moveaxis(out, (axis1, axis2), (-2, -1))   # a view of out
    rows, cols = _diagonal_index(moved.shape[-2:], offset)
    moved[..., rows, cols] = g
    return out


@fact(allocates=True, linear=("g",))
def tile_bar(g, A, reps):
    """Adjoint of ``np.tile(A, reps)``: ``g`` summed over the copies."""
    shape = np.shape(A)
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    n = max(len(shape), len(reps))
    full = (1,) * (n - len(shape)) + tuple(shape)
    reps = (1,) * (n - len(reps)) + reps
    split = tuple(s for pair in zip(reps, full) for s in pair)
    summed = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * n, 2)))
    return np.reshape(summed, shape)


@fact(allocates=True, linear=("g",))
def repeat_array_bar(g, a, repeats, axis=None):
    """Adjoint of ``np.repeat(a, repeats, axis)``: ``g`` summed over each element's
    copies (an element repeated 0 times gets 0)."""
    shape = np.shape(a)
    if axis is None:
        n, rest, moved = int(np.prod(shape, dtype=int)), (), np.ravel(g)
    else:
        axis = axis % len(shape)
        n, moved = shape[axis], np.moveaxis(as_array(g), axis, 0)
        rest = moved.shape[1:]
    owner = np.repeat(np.arange(n), repeats)
    out = np.zeros((n,) + rest, dtype=np.result_type(g, float))
    if is_duck(moved):   # (no ufunc.at on a Dask array: summed by group, lazily)
        out = added_at(out, owner, moved)
    else:
        np.add.at(out, owner, moved)
    if axis is None:
        return np.reshape(out, shape)
    return np.moveaxis(out, 0, axis)


@fact(allocates=True, linear=("g",))
def roll_bar(g, shift, axis=None):
    """Adjoint of ``np.roll(a, shift, axis)``: ``g`` rolled back."""
    back = -shift if np.ndim(shift) == 0 else tuple(-s for s in shift)
    return np.roll(g, back, axis)


@fact(linear=("g",))
def rollaxis_bar(g, a, axis, start=0):
    """Adjoint of ``np.rollaxis(a, axis, start)``: ``g`` with its axes put back."""
    n = np.ndim(a)
    order = np.rollaxis(np.empty(tuple(range(1, n + 1))), axis, start).shape
    return np.transpose(g, tuple(int(i) for i in np.argsort([s - 1 for s in order])))


# ----------------------------------------------------------------------- np.pad

_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _pad_sources(shape, pad_width, mode):
    """For each element of ``np.pad`` of an array of ``shape``: the flat index of the
    element it copies, or ``-1 - j`` for the constant ``j`` of the (ndim, 2) table of
    constant values (mode 'constant')."""
    if not isinstance(mode, str) or mode not in _PAD_MODES:
        raise NoDerivativeRuleError(
            f"np.pad is differentiated in the modes {', '.join(_PAD_MODES)}, not {mode!r}",
            hint="pad with one of those modes, or register your own rule with @s2sad.adjoint")
    size = int(np.prod(shape, dtype=int))
    index = np.arange(size).reshape(shape)
    if mode != "constant":
        return np.pad(index, pad_width, mode)
    codes = -1 - np.arange(2 * len(shape)).reshape(len(shape), 2)
    return np.pad(index, pad_width, mode, constant_values=codes)


@fact(allocates=True, linear=("g",))
def pad_bar(g, array, pad_width, mode="constant"):
    """Adjoint of ``np.pad(array, pad_width, mode)`` with respect to ``array``: each
    element of ``g`` added to the element it copies (edge, reflect, symmetric, wrap
    copy an element several times)."""
    shape = np.shape(array) if not is_duck(array) else tuple(array.shape)
    if is_duck(g):   # axis by axis, lazily (no bincount over g)
        _pad_sources(shape[:1] or (1,), 0, mode)   # (refuses other modes)
        _refuse_wide_duck_pad(shape, pad_width, mode)
        for axis, (before, after) in enumerate(_pad_widths(pad_width, len(shape))):
            g = _fold_axis(g, axis, shape[axis], before, after, mode)
        return g
    sources = _pad_sources(shape, pad_width, mode).ravel()
    inside = sources >= 0
    size = int(np.prod(shape, dtype=int))
    flat = np.bincount(sources[inside], weights=np.ravel(g)[inside], minlength=size)
    return np.reshape(flat, shape)


def _pad_widths(pad_width, ndim):
    """``pad_width`` as ``ndim`` pairs (before, after) of Python ints."""
    widths = np.broadcast_to(np.asarray(pad_width, dtype=int), (ndim, 2))
    return [(int(b), int(a)) for b, a in widths]


def _refuse_wide_duck_pad(shape, pad_width, mode):
    """Refuse a pad of a duck array wider than the axis it copies from: Dask's np.pad
    (dask 2026.8) gives an array of the wrong shape and values in mode 'reflect' with a
    pad longer than the axis less one, 'symmetric' and 'wrap' longer than the axis (the
    function itself is wrong there, so no derivative of it can be right)."""
    room = {"reflect": -1, "symmetric": 0, "wrap": 0}.get(mode)
    if room is None:
        return
    for n, (before, after) in zip(shape, _pad_widths(pad_width, len(shape))):
        if max(before, after) > n + room:
            raise ValueTypeError(
                f"np.pad(x, {max(before, after)}, {mode!r}) of a Dask array along an axis "
                f"of length {n}: Dask pads wider than the axis wrongly in this mode (its "
                f"result differs from numpy's), so s2sad does not differentiate it",
                hint=f"pad by at most {n + room} per side in mode {mode!r} (pad again for "
                     f"more), or compute x first (x.compute())")


def _fold_axis(g, axis, n, before, after, mode):
    """The adjoint of padding one axis (of length ``n``, ``before`` elements first) in
    ``mode``: the middle of ``g`` along ``axis``, plus each padded element added to the
    element it copies (each element the padding copies gets the sum of the padded
    parts that copy it: np.pad pads axis by axis, so the axes fold apart)."""
    g = np.moveaxis(g, axis, 0)
    middle = g[before:before + n]
    if mode != "constant" and before + after:
        source = np.pad(np.arange(n), (before, after), mode)
        copied = np.concatenate([source[:before], source[before + n:]])
        part = np.concatenate([g[:before], g[before + n:]], axis=0)
        targets, group = np.unique(copied, return_inverse=True)
        sums = [np.sum(part[np.flatnonzero(group == t)], axis=0) for t in range(targets.size)]
        middle = added_at(middle, targets, np.stack(sums))
    return np.moveaxis(middle, 0, axis)


@fact(allocates=True, linear=("g",))
def pad_constant_bar(g, array, pad_width, mode="constant", constant_values=0):
    """Adjoint of ``np.pad(array, pad_width, 'constant', constant_values=c)`` with
    respect to ``c``: ``g`` summed over the padding each constant fills (0 in the other
    modes, which take no constant).  np.pad fills axis by axis, the last axis's
    constants over the whole length of the axes before it: the padding of axis ``k``
    is ``g``'s slab before (after) the middle along ``k``, over every element of the
    axes before ``k`` and the middle of the axes after it (slices: lazy on Dask)."""
    shape = np.shape(array) if not is_duck(array) else tuple(array.shape)
    if mode != "constant":
        return np.zeros(np.shape(constant_values))
    widths = _pad_widths(pad_width, len(shape))
    middle = [slice(b, b + n) for (b, _), n in zip(widths, shape)]
    sums = []
    for k, (before, after) in enumerate(widths):
        end = before + shape[k]
        for part in (slice(0, before), slice(end, end + after)):
            region = tuple([slice(None)] * k + [part] + middle[k + 1:])
            sums.append(np.sum(g[region]))
    table = np.reshape(np.stack(sums) if is_duck(g) else np.array(sums, dtype=float),
                       (len(shape), 2))
    target = np.shape(constant_values)
    return np.reshape(unbroadcast_to(table, target), target)


def pad_dot(array_dot, pad_width, mode="constant", constant_values_dot=0.0):
    """The tangent of ``np.pad(array, pad_width, mode, constant_values=c)``: the padding
    of the tangents (``c``'s in mode 'constant')."""
    if mode == "constant" and is_duck(array_dot) and np.ndim(constant_values_dot) + is_duck(
            constant_values_dot):   # (Dask pads with numbers only) axis by axis, as np.pad
        values = np.broadcast_to(constant_values_dot, (np.ndim(array_dot), 2))
        for k, (before, after) in enumerate(_pad_widths(pad_width, np.ndim(array_dot))):
            shape = list(array_dot.shape)
            parts = []
            for width, value in ((before, values[k, 0]), (after, values[k, 1])):
                shape[k] = width
                parts.append(np.zeros(tuple(shape), like=array_dot) + value)
            array_dot = np.concatenate([parts[0], array_dot, parts[1]], axis=k)
        return array_dot
    if mode == "constant":
        return np.pad(array_dot, pad_width, mode, constant_values=constant_values_dot)
    _pad_sources(np.shape(array_dot), pad_width, mode)   # (refuses other modes)
    if is_duck(array_dot):
        _refuse_wide_duck_pad(tuple(array_dot.shape), pad_width, mode)
    return np.pad(array_dot, pad_width, mode)


def _memory_order(a, order):
    """How ``a.flatten(order)`` reads ``a``: 'C' or 'F', or, for order 'K' of an array
    that is neither C- nor Fortran-contiguous, the positions in ``a.flatten('C')`` of
    the items it reads, in turn (:func:`_k_positions`).  A duck array has no memory
    layout to read: 'C' or 'F' only."""
    if order in ("C", "F", None):
        return order or "C"
    if is_duck(a):
        raise NoDerivativeRuleError(
            f"x.flatten({order!r}) of a {type(a).__name__} (a Dask array...) reads its memory "
            f"layout, which it does not have", hint="flatten in order 'C' or 'F'")
    a = as_array(a)
    flags = a.flags
    if order == "A" or flags.c_contiguous or flags.f_contiguous:
        return "F" if flags.f_contiguous and not flags.c_contiguous else "C"
    return _k_positions(a)


#: an integer dtype of each item size, to lay out positions as an array's items are
_POSITION_TYPES = {8: np.int64, 4: np.int32, 2: np.int16, 1: np.int8}


def _k_positions(a):
    """The positions in ``a.flatten('C')`` of the items ``a.flatten('K')`` reads, in
    turn, for an array ``a`` that is neither C- nor Fortran-contiguous (a strided or
    reversed view).  numpy reads them in an order its strides decide: this asks numpy,
    flattening in order 'K' an array of the positions laid out in memory with ``a``'s
    very strides."""
    size, itemsize = a.size, a.itemsize
    kind = _POSITION_TYPES.get(itemsize)
    if kind is None or size >= np.iinfo(kind).max or any(
            stride % itemsize for stride in a.strides):
        raise NoDerivativeRuleError(
            f"x.flatten('K') of an array of {a.dtype} items laid out with strides "
            f"{a.strides} is not differentiated", hint="flatten in order 'C' or 'F'")
    steps = [stride // itemsize for stride in a.strides]
    low = sum(step * (n - 1) for step, n in zip(steps, a.shape) if step < 0)
    high = sum(step * (n - 1) for step, n in zip(steps, a.shape) if step > 0)
    memory = np.zeros(high - low + 1, dtype=kind)
    laid = np.lib.stride_tricks.as_strided(memory[-low:], a.shape, a.strides)
    laid[...] = np.arange(size, dtype=kind).reshape(a.shape)
    return np.ravel(laid, order="K").astype(np.intp)


@fact(view=True, linear=("a",))
def reshape_laid_out(a, shape, like, order="A"):
    """``np.reshape(a, shape, order='A')`` of ``like`` (``x.reshape(3, 4, order='A')`` is
    ``reshape_laid_out(x, (3, 4), x)``): in Fortran order where ``like`` is Fortran- and
    not C-contiguous (``np.isfortran``), else in C order; ``like``'s layout, not ``a``'s,
    so that the adjoint and tangent of a reshape of ``x`` read ``x``'s.  A duck array has
    no layout to read: C order (Dask's reshape takes no ``order``).  ``order`` is the
    order a name holds (``x.reshape(s, order=o)``), known when the code runs: 'A' as
    above, any other as numpy reads it ('C', 'F'; numpy's error for another)."""
    duck = duck_among(a, like) is not None
    if order == "A":
        order = "F" if not duck and np.isfortran(as_array(like)) else "C"
    if duck and order == "C":   # (Dask's reshape takes no int for a shape, and no order)
        return np.reshape(a, tuple(shape) if hasattr(shape, "__len__") else (shape,))
    return np.reshape(a, shape, order=order)


@fact(allocates=True)
def flatten_of(a, order="C"):
    """``a.flatten(order)``, what generated code computes ``x.flatten()`` with: a new
    array; a duck array's own (lazy for Dask, whose ravel takes no ``order``)."""
    if not is_duck(a):
        return np.ndarray.flatten(a, order)
    return _raveled(a, _memory_order(a, order))


def _raveled(a, order):
    """``np.ravel(a, order)`` of a duck array ('C' or 'F', by transposing)."""
    return np.ravel(np.transpose(a) if order == "F" else a)


@fact(allocates=True, linear=("g",))
def flatten_bar(g, a, order="C"):
    """Adjoint of ``a.flatten(order)``: ``g`` reshaped to ``a``'s shape in that order."""
    order = _memory_order(a, order)
    if not isinstance(order, str):   # ('K' of a strided view: positions, in turn)
        out = np.zeros(np.size(a), dtype=np.result_type(g))
        out[order] = np.ravel(g)
        return np.reshape(out, np.shape(a))
    if duck_among(g, a) is not None and order == "F":   # (Dask's reshape takes no order)
        return np.transpose(np.reshape(g, shape_meta(a)[::-1]))
    if duck_among(g, a) is not None:
        return np.reshape(g, shape_meta(a))
    return np.reshape(g, np.shape(a), order=order)


def flatten_dot(a, a_dot, order="C"):
    """The tangent of ``a.flatten(order)``: ``a_dot`` read in the order ``a`` is read."""
    order = _memory_order(a, order)
    if not isinstance(order, str):   # ('K' of a strided view: positions, in turn)
        return np.ravel(a_dot, order="C")[order]
    if is_duck(a_dot):
        return _raveled(a_dot, order)
    return np.array(np.ravel(a_dot, order=order))
