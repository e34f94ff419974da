"""Runtime helpers that forward-mode (and forward-over-reverse) code imports.

Plain numpy, like :mod:`s2sad.runtime`; a generated module never needs the
code generator.
"""

import numpy as np

from .runtime import _is_complex, _keepdims_shape, _normalize_axes, float_like

__all__ = ["broadcast_like", "writable_copy", "index_set", "container_add_at",
           "prod_bar_x_dot", "xdivy", "tape_push", "tape_pop",
           "reversed_range"]


def broadcast_like(t, like):
    """The tangent ``t`` spread to the shape of ``like`` (``t`` itself when it matches).

    A tangent of ``a + b`` with ``b`` constant is ``a_dot``, which is smaller
    than the sum when ``b`` broadcasts ``a``; this gives it the sum's shape,
    as a fresh writable array.
    """
    shape = np.shape(like)
    if np.shape(t) == shape:
        return t
    return np.array(np.broadcast_to(t, shape), dtype=float_like(t))


def writable_copy(t):
    """A fresh float array holding ``t`` (before the tangent is written in place); for
    the tangent of a list, tuple or dict (a value of unknown kind where the code was
    made: a helper's result), a new list or dict of its items."""
    if isinstance(t, (list, tuple)):
        return list(t)
    if isinstance(t, dict):
        return dict(t)
    return np.array(t, dtype=float_like(t), copy=True)


def index_set(x, index, value):
    """``x`` with ``x[index] = value``, as a new array (``x`` is left untouched).  An
    integer or bool array keeps its dtype, so the value is truncated as numpy's own
    write truncates it (a differentiated value is refused before it gets here).  A list
    or dict (a container adjoint of gradient code) is copied shallowly and its item set."""
    if isinstance(x, (list, dict)):
        out = list(x) if isinstance(x, list) else dict(x)
        out[index] = value
        return out
    keep = isinstance(x, np.ndarray) and x.dtype.kind in "biu"
    out = np.array(x, dtype=x.dtype if keep else float_like(x), copy=True)
    if out.dtype.kind != "c" and _is_complex(value):
        _refuse_complex_write()
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
    from .errors import ValueTypeError
    raise ValueTypeError("a complex value reached the derivative (written into a real "
                         "array); s2sad does not differentiate complex values",
                         hint="compute with real arrays only")


def xdivy(x, y):
    """``x / y``, and 0 where ``x`` is 0 (even where ``y`` is 0 too)."""
    x, y = np.asarray(x), np.asarray(y)
    zero = x == 0
    out = np.where(zero, 0.0, x / np.where(zero, 1.0, y))
    return out[()] if out.ndim == 0 else out


def _exclusive_products_dot(x, x_dot):
    """Tangent of the exclusive products of ``x`` along axis 0."""
    n = x.shape[0]
    if n == 0:
        return np.zeros_like(x)
    left = [np.ones_like(x[0])] * n
    left_dot = [np.zeros_like(x[0])] * n
    acc, acc_dot = np.ones_like(x[0]), np.zeros_like(x[0])
    for i in range(n):
        left[i], left_dot[i] = acc, acc_dot
        acc, acc_dot = acc * x[i], acc_dot * x[i] + acc * x_dot[i]
    out = np.zeros_like(x)
    acc, acc_dot = np.ones_like(x[0]), np.zeros_like(x[0])
    for i in range(n - 1, -1, -1):
        out[i] = left_dot[i] * acc + left[i] * acc_dot
        acc, acc_dot = acc * x[i], acc_dot * x[i] + acc * x_dot[i]
    return out


def prod_bar_x_dot(g, x, x_dot, axis=None, keepdims=False):
    """Tangent of ``prod_bar(g, x, axis, keepdims)`` along ``x_dot`` (``g`` held fixed)."""
    x = np.asarray(x, dtype=float_like(x))
    x_dot = np.broadcast_to(np.asarray(x_dot, dtype=x.dtype), x.shape)
    shape = x.shape
    if axis is None:
        others_dot = _exclusive_products_dot(x.reshape(-1), x_dot.reshape(-1)).reshape(shape)
        return np.reshape(g, ()) * others_dot
    axes = _normalize_axes(axis, x.ndim)
    if not keepdims:
        g = np.reshape(g, _keepdims_shape(shape, axes))
    front = tuple(range(len(axes)))
    moved, moved_dot = np.moveaxis(x, axes, front), np.moveaxis(x_dot, axes, front)
    lead = moved.shape[:len(axes)]
    rest = moved.shape[len(axes):]
    dot = _exclusive_products_dot(moved.reshape((-1,) + rest),
                                  moved_dot.reshape((-1,) + rest)).reshape(lead + rest)
    return g * np.moveaxis(dot, front, axes)


def tape_push(tape, value, key):
    """``tape.push(value)``: how second-order code spells a push for the normalizer.

    The forward transform turns it back into ``tape.push(value)`` (and
    ``tape.push(value_dot)``); ``key`` pairs it with its pops.
    """
    tape.push(value)
    return value


def tape_pop(tape, key):
    """``tape.pop()``, spelled as a plain call (see :func:`tape_push`)."""
    return tape.pop()


tape_push.s2sad_tape_op = "push"
tape_pop.s2sad_tape_op = "pop"


def reversed_range(*bounds):
    """``reversed(range(*bounds))`` as a sequence (it has a length and items)."""
    return range(*bounds)[::-1]
