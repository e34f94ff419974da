"""numba versions of the adjoints of ``np.dot`` and ``@`` (:mod:`s2sad.runtime.products`)
for factors of one and two dimensions and, for ``np.dot``, numbers.

The case is chosen when numba types the call (the factors' dimensions), so each
compiles to the one product the hand-written gradient would compute (``g @ b.T``,
``np.outer(g, b)``...).  ``g`` larger than ``a @ b`` (the product broadcast in a sum)
is reduced first, as numpy does.  Stacks of matrices (three dimensions and more) are
not ported: the numba backend keeps numpy for a function that needs them.
"""

import numpy as np
from numba.extending import overload

from ...runtime import products as _numpy
from .kinds import is_array, is_scalar_like
from .shapes import unbroadcast, unbroadcast_to


def matmul_lhs_bar(g, a, b):
    """:func:`s2sad.runtime.matmul_lhs_bar` (numba: see the module)."""
    return _numpy.matmul_lhs_bar(g, a, b)


def matmul_rhs_bar(g, a, b):
    """:func:`s2sad.runtime.matmul_rhs_bar` (numba: see the module)."""
    return _numpy.matmul_rhs_bar(g, a, b)


def dot_lhs_bar(g, a, b):
    """:func:`s2sad.runtime.dot_lhs_bar` (numba: see the module)."""
    return _numpy.dot_lhs_bar(g, a, b)


def dot_rhs_bar(g, a, b):
    """:func:`s2sad.runtime.dot_rhs_bar` (numba: see the module)."""
    return _numpy.dot_rhs_bar(g, a, b)


def _dims(a, b):
    """The dimensions of two factors that are arrays of one or two dimensions, or None."""
    if is_array(a) and is_array(b) and a.ndim in (1, 2) and b.ndim in (1, 2):
        return a.ndim, b.ndim
    return None


@overload(matmul_lhs_bar, inline="always")
def _matmul_lhs_bar(g, a, b):
    dims = _dims(a, b)
    if dims == (2, 2):
        return lambda g, a, b: unbroadcast_to(g, (a.shape[0], b.shape[1])) @ b.T
    if dims == (2, 1):
        return lambda g, a, b: np.outer(unbroadcast_to(g, (a.shape[0],)), b)
    if dims == (1, 2):
        return lambda g, a, b: b @ unbroadcast_to(g, (b.shape[1],))
    if dims == (1, 1):
        return lambda g, a, b: unbroadcast_to(g, ()) * b
    return None


@overload(matmul_rhs_bar, inline="always")
def _matmul_rhs_bar(g, a, b):
    dims = _dims(a, b)
    if dims == (2, 2):
        return lambda g, a, b: a.T @ unbroadcast_to(g, (a.shape[0], b.shape[1]))
    if dims == (2, 1):
        return lambda g, a, b: a.T @ unbroadcast_to(g, (a.shape[0],))
    if dims == (1, 2):
        return lambda g, a, b: np.outer(a, unbroadcast_to(g, (b.shape[1],)))
    if dims == (1, 1):
        return lambda g, a, b: unbroadcast_to(g, ()) * a
    return None


@overload(dot_lhs_bar, inline="always")
def _dot_lhs_bar(g, a, b):
    if is_scalar_like(a) or is_scalar_like(b):
        return lambda g, a, b: unbroadcast(g * b, a)
    dims = _dims(a, b)
    if dims == (2, 2):
        return lambda g, a, b: g @ b.T
    if dims == (2, 1):
        return lambda g, a, b: np.outer(g, b)
    if dims == (1, 2):
        return lambda g, a, b: b @ g
    if dims == (1, 1):
        return lambda g, a, b: g * b
    return None


@overload(dot_rhs_bar, inline="always")
def _dot_rhs_bar(g, a, b):
    if is_scalar_like(a) or is_scalar_like(b):
        return lambda g, a, b: unbroadcast(g * a, b)
    dims = _dims(a, b)
    if dims in ((2, 2), (2, 1)):
        return lambda g, a, b: a.T @ g
    if dims == (1, 2):
        return lambda g, a, b: np.outer(a, g)
    if dims == (1, 1):
        return lambda g, a, b: g * a
    return None
