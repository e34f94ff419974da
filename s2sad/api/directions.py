"""One-hot directions over (possibly container) arguments, and the blocks of a
Jacobian or Hessian assembled from the sweeps along them.

Every function returns fresh arrays and leaves its arguments as they are.
"""

import numpy as np

from .. import trees
from ..runtime import float_like
from ..runtime.duck import as_array, size_of


def one_hot(like, index):
    """A float array (or float) shaped like ``like`` with a 1 at flat ``index``."""
    if np.ndim(like) == 0 and not isinstance(like, np.ndarray):
        return 1.0
    e = np.zeros(np.shape(like), dtype=float_like(like))
    e.reshape(-1)[index] = 1.0
    return e


def zero(like):
    """Zeros shaped like ``like`` (0.0 for a number, or a leaf that is no number)."""
    if not trees.is_numeric(like) or np.ndim(like) == 0 and not isinstance(like, np.ndarray):
        return 0.0
    return np.zeros(np.shape(like), dtype=float_like(like))


def size(tree):
    """The number of elements of the leaves of ``tree``."""
    return int(sum(size_of(leaf) for leaf in trees.leaves(tree) if trees.is_numeric(leaf)))


def block(parts, rows_like, cols_like, rows_first):
    """The block of a Jacobian or Hessian for the leaves ``rows_like`` (rows) and
    ``cols_like`` (columns) from ``parts``, its raveled columns (``rows_first``
    False) or rows: shape ``rows_like.shape + cols_like.shape``.  A leaf that is no
    number (a setting such as a string) carries no derivative: its blocks are zeros
    (of the other leaf's shape)."""
    if not (trees.is_numeric(rows_like) and trees.is_numeric(cols_like)):
        numeric = [x for x in (rows_like, cols_like) if trees.is_numeric(x)]
        shape = sum((np.shape(x) for x in numeric), ())
        return np.zeros(shape, dtype=float_like(numeric[0])) if shape else 0.0
    dtype = np.result_type(float_like(rows_like), float_like(cols_like))
    n, m = int(size_of(rows_like)), int(size_of(cols_like))
    if parts:
        block = np.stack(parts, axis=0 if rows_first else -1)
    else:
        block = np.zeros((n, m), dtype=dtype)
    block = as_array(block, dtype=dtype).reshape(   # (a Dask block stays lazy)
        np.shape(rows_like) + np.shape(cols_like))
    return block if block.ndim else block[()]


def directions(xs):
    """Each one-hot direction over the (possibly container) arguments ``xs``:
    ``(j, l, tangents)`` for every element of leaf ``l`` of ``xs[j]``, ``tangents``
    one per argument with ``xs``' structure (fresh zeros but for the one)."""
    flat = [trees.leaves(x) for x in xs]
    for j, (xj, leaves_j) in enumerate(zip(xs, flat)):
        for l, leaf in enumerate(leaves_j):
            if not trees.is_numeric(leaf):
                continue   # a setting (a string...): no direction along it
            for index in range(int(size_of(leaf))):
                tangents = [trees.unflatten(x, [zero(v) for v in ls])
                            for x, ls in zip(xs, flat)]
                moved = [zero(v) for v in leaves_j]
                moved[l] = one_hot(leaf, index)
                tangents[j] = trees.unflatten(xj, moved)
                yield j, l, tangents


def runs_effects(bound):
    """Whether the code ``bound`` runs (for numbers and arrays; any, where that was
    refused) runs statements for their effect (``print``...): the directions after the
    first then run code without them (Python's function runs them once)."""
    return bound.entry is None or bound.entry.effects
