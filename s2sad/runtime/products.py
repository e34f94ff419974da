"""Adjoints of ``np.dot``, ``@`` (``np.matmul``) and ``np.outer``, one helper per
factor.  Input: the adjoint ``g`` of the product and both factors; output: an
array of that factor's shape.
"""

import sys

from .numpy_view import np
from .duck import as_array

from ..rules.records import fact, tangent_beside

from .shapes import _ndarray, unbroadcast, unbroadcast_to


@fact(allocates=True, by_ranks=(((1, 1), "g * b"),))
def dot_lhs_bar(g, a, b):
    """Adjoint of ``np.dot(a, b)`` with respect to ``a``."""
    if a.__class__ is _ndarray and b.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 1 and b_nd == 1:
            return g * b   # an inner product: g is a number
        if a_nd == 2 and b_nd == 2:
            return g @ b.T
        if a_nd == 2 and b_nd == 1:
            return np.outer(g, b)
    a, b = as_array(a), as_array(b)  # list literals too: np.dot([x, y], w)
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 0 or b_nd == 0:
        return unbroadcast(g * b, a)
    if b_nd == 1:
        return np.multiply.outer(g, b) if a_nd > 1 else g * b
    if a_nd == 2 and b_nd == 2:
        return np.dot(g, np.transpose(b))
    # dot(a, b)[i.., j.., k] = sum_m a[i.., m] b[j.., m, k]
    b_axes = list(range(b_nd - 2)) + [b_nd - 1]
    g_axes = list(range(a_nd - 1, a_nd - 1 + b_nd - 1))
    return np.tensordot(g, b, axes=(g_axes, b_axes))



@fact(allocates=True, by_ranks=(((1, 1), "g * a"),))
def dot_rhs_bar(g, a, b):
    """Adjoint of ``np.dot(a, b)`` with respect to ``b``."""
    if a.__class__ is _ndarray and b.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 1 and b_nd == 1:
            return g * a   # an inner product: g is a number
        if a_nd == 2 and (b_nd == 2 or b_nd == 1):
            return a.T @ g
    a, b = as_array(a), as_array(b)  # list literals too: np.dot([x, y], w)
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 0 or b_nd == 0:
        return unbroadcast(g * a, b)
    if a_nd == 1 and b_nd == 1:
        return g * a
    if a_nd == 2 and b_nd == 2:
        return np.dot(np.transpose(a), g)
    if b_nd == 1:
        # g has a's leading axes; contract them away.
        return np.tensordot(a, g, axes=(list(range(a_nd - 1)), list(range(a_nd - 1))))
    # g[i.., j.., k]; b[j.., m, k] = sum_i a[i.., m] g[i.., j.., k]
    lead = list(range(a_nd - 1))
    out = np.tensordot(a, g, axes=(lead, lead))  # shape (m, j.., k)
    return np.moveaxis(out, 0, b_nd - 2)



@fact(allocates=True)
def matmul_shape(a, b):
    """The shape of ``a @ b``, from the operands' shapes alone."""
    a_shape, b_shape = np.shape(a), np.shape(b)
    if len(a_shape) == 1 and len(b_shape) == 1:
        return ()
    if len(b_shape) == 1:
        return a_shape[:-1]
    if len(a_shape) == 1:
        return b_shape[:-2] + b_shape[-1:]
    return np.broadcast_shapes(a_shape[:-2], b_shape[:-2]) + (a_shape[-2], b_shape[-1])



@fact(allocates=True)
def matmul_lhs_bar(g, a, b):
    """Adjoint of ``a @ b`` with respect to ``a`` (numpy matmul semantics).

    ``g`` may be larger than ``a @ b`` (the product was broadcast in a sum): it is
    reduced to the product's shape first.
    """
    if a.__class__ is _ndarray and b.__class__ is _ndarray and g.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 2 and b_nd == 2 and g.shape == (a.shape[0], b.shape[1]):
            return g @ b.T
        if a_nd == 2 and b_nd == 1 and g.shape == a.shape[:1]:
            return np.outer(g, b)
        if a_nd == 1 and b_nd == 2 and g.shape == b.shape[1:]:
            return b @ g
    if is_sparse(b):   # x @ L, L a constant scipy.sparse matrix: g @ L.T, dense
        return _dense(sparse_times(b, np.swapaxes(unbroadcast_to(
            g, np.shape(a)[:-1] + np.shape(b)[1:]), -1, -2) if np.ndim(g) > 1 else g, True), a)
    a, b = as_array(a), as_array(b)  # list literals too: np.dot([x, y], w)
    g = unbroadcast_to(g, matmul_shape(a, b))
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 1 and b_nd == 1:
        return g * b
    if b_nd == 1:
        return np.multiply.outer(g, b) if a_nd > 1 else g * b
    if a_nd == 1:
        return unbroadcast(np.matmul(b, np.expand_dims(g, -1))[..., 0], a)
    return unbroadcast(np.matmul(g, np.swapaxes(b, -1, -2)), a)



@fact(allocates=True)
def matmul_rhs_bar(g, a, b):
    """Adjoint of ``a @ b`` with respect to ``b`` (numpy matmul semantics).

    ``g`` may be larger than ``a @ b``, as for :func:`matmul_lhs_bar`.
    """
    if a.__class__ is _ndarray and b.__class__ is _ndarray and g.__class__ is _ndarray:
        a_nd, b_nd = a.ndim, b.ndim   # the common cases, without the dispatch below
        if a_nd == 2 and b_nd == 2 and g.shape == (a.shape[0], b.shape[1]):
            return a.T @ g
        if a_nd == 2 and b_nd == 1 and g.shape == a.shape[:1]:
            return a.T @ g
        if a_nd == 1 and b_nd == 2 and g.shape == b.shape[1:]:
            return np.outer(a, g)
    if is_sparse(a):   # L @ x, L a constant scipy.sparse matrix: L.T @ g, dense
        return _dense(sparse_times(a.T, unbroadcast_to(g, np.shape(a)[:1] + np.shape(b)[1:])),
                      b)
    a, b = as_array(a), as_array(b)  # list literals too: np.dot([x, y], w)
    g = unbroadcast_to(g, matmul_shape(a, b))
    a_nd, b_nd = a.ndim, b.ndim
    if a_nd == 1 and b_nd == 1:
        return g * a
    if a_nd == 2 and b_nd == 1:   # (no reshape: a Dask array's unknown length stays so)
        return a.T @ g
    if b_nd == 1:
        return unbroadcast(np.matmul(np.expand_dims(g, -2), a)[..., 0, :], b)
    if a_nd == 1:
        return unbroadcast(np.expand_dims(a, -1) * np.expand_dims(g, -2), b)
    return unbroadcast(np.matmul(np.swapaxes(a, -1, -2), g), b)



def is_sparse(x):
    """Whether ``x`` is a scipy.sparse matrix or array (scipy is not imported here: such
    an object exists only once the user's code loaded scipy.sparse)."""
    if x.__class__ is _ndarray:
        return False
    sparse = sys.modules.get("scipy.sparse")
    return sparse is not None and sparse.issparse(x)


def sparse_times(s, g, transposed=False):
    """``s @ g`` of a sparse ``s`` and a dense ``g`` (``(s @ g.T).T`` for ``transposed``
    and a 2-d ``g``)."""
    out = s @ g
    return np.swapaxes(np.asarray(out), -1, -2) if transposed and np.ndim(g) > 1 else out


def _dense(value, like):
    """``value`` (a product with a sparse factor) as a numpy array of ``like``'s shape (an
    ``np.matrix``, a sparse matrix type's, or a sparse result made dense)."""
    if not isinstance(value, _ndarray) or isinstance(value, np.matrix):
        value = value.toarray() if hasattr(value, "toarray") else np.asarray(value)
    return np.reshape(value, np.shape(like))


@fact(allocates=True)
def outer_lhs_bar(g, a, b):
    """Adjoint of ``np.outer(a, b)`` with respect to ``a``."""
    a_bar = np.dot(g, np.ravel(b))
    # (a 1-d ``a``: no reshape, a Dask array's unknown length stays so)
    return a_bar if np.ndim(a) == 1 else np.reshape(a_bar, np.shape(a))



@fact(allocates=True)
def outer_rhs_bar(g, a, b):
    """Adjoint of ``np.outer(a, b)`` with respect to ``b``."""
    b_bar = np.dot(np.ravel(a), g)
    return b_bar if np.ndim(b) == 1 else np.reshape(b_bar, np.shape(b))


# ------------------------------------------- tangent rules (second order)


# the *_bar helpers of products read only the shape of the factor whose adjoint they give
@tangent_beside(dot_lhs_bar)
def dot_lhs_bar_tangent(out, g, a, b, g_dot, b_dot):
    return dot_lhs_bar(g_dot, a, b) + dot_lhs_bar(g, a, b_dot)


@tangent_beside(dot_rhs_bar)
def dot_rhs_bar_tangent(out, g, a, b, g_dot, a_dot):
    return dot_rhs_bar(g_dot, a, b) + dot_rhs_bar(g, a_dot, b)


@tangent_beside(matmul_lhs_bar)
def matmul_lhs_bar_tangent(out, g, a, b, g_dot, b_dot):
    return matmul_lhs_bar(g_dot, a, b) + matmul_lhs_bar(g, a, b_dot)


@tangent_beside(matmul_rhs_bar)
def matmul_rhs_bar_tangent(out, g, a, b, g_dot, a_dot):
    return matmul_rhs_bar(g_dot, a, b) + matmul_rhs_bar(g, a_dot, b)


@tangent_beside(outer_lhs_bar)
def outer_lhs_bar_tangent(out, g, a, b, g_dot, b_dot):
    return outer_lhs_bar(g_dot, a, b) + outer_lhs_bar(g, a, b_dot)


@tangent_beside(outer_rhs_bar)
def outer_rhs_bar_tangent(out, g, a, b, g_dot, a_dot):
    return outer_rhs_bar(g_dot, a, b) + outer_rhs_bar(g, a_dot, b)

