"""Adjoints and tangents of ``np.linalg.norm``, ``np.linalg.vector_norm`` and
``np.linalg.matrix_norm`` (issue 14): vector norms of every order ``p >= 1`` and
``±inf`` over any axes, and the matrix norms ``'fro'``, ``1``, ``-1``, ``inf``,
``-inf``, ``2``, ``-2`` and ``'nuc'`` (the last three from the singular value
decomposition).

Conventions, where the derivative does not exist:

* a 2-norm (or ``p``-norm, or Frobenius norm) of a zero vector has the derivative 0
  there (a subgradient, as the derivative of ``np.abs`` at 0 is 0), and so has the
  spectral norm (``ord=2``) of a zero matrix;
* ties of the largest (smallest) absolute value or column / row sum share the adjoint
  equally, as ``np.max``'s rule does;
* refused with ``NotDifferentiableError``: vector ``ord`` 0 (a count, not a norm) and
  ``ord < 1``; ``ord=2``/``-2`` where the extreme singular value is repeated; ``-2`` and
  ``'nuc'`` where a singular value is 0; the second order of ``p``-norms with
  ``1 < p < 2`` at a zero element.

Input: the adjoint ``g`` of the norm (or a tangent) and the primal ``x``; output: an
array of ``x``'s shape.  ``how`` says which function's reading of ``ord`` and ``axis``
applies: ``"norm"``, ``"vector"`` or ``"matrix"``.
"""

from .numpy_view import np
from .duck import as_array, is_duck

from ..rules.records import fact, tangent_beside
from .reductions import _keepdims_shape
from .scans import NotDifferentiableError

_MATRIX_ORDS = ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)


def _refuse(what, hint="leave this argument out of wrt, or use another ord"):
    raise NotDifferentiableError(f"np.linalg.norm: {what}", hint=hint)


def _reading(x, ord, axis, how):
    """``("vector", axes, p)`` or ``("matrix", (row axis, column axis), ord)``: what the
    norm computes, as numpy reads ``ord`` and ``axis``."""
    nd = np.ndim(x)
    if how == "matrix":
        return "matrix", (nd - 2, nd - 1), ord
    if axis is not None and not isinstance(axis, tuple):
        axis = (axis,)
    if how == "vector":
        axes = tuple(range(nd)) if axis is None else tuple(sorted(a % nd for a in axis))
        return "vector", axes, ord
    if axis is None:
        if ord is None:
            return "vector", tuple(range(nd)), 2
        axis = tuple(range(nd))
    if len(axis) == 1:
        return "vector", (axis[0] % nd,), 2 if ord is None else ord
    return "matrix", (axis[0] % nd, axis[1] % nd), "fro" if ord is None else ord


def _check_vector_ord(p):
    if isinstance(p, str):
        _refuse(f"ord={p!r} is a matrix norm; this is a norm of vectors")
    if p == 0:
        _refuse("ord=0 counts the nonzero elements: a step function, whose derivative is 0 "
                "where it exists and undefined where an element is 0; s2sad refuses it",
                hint="leave it out of the differentiated computation")
    if p < 1 and p != -np.inf:
        _refuse(f"ord={p!r} < 1 is not a norm; s2sad has no rule for it")


def _share(a, extreme, axes):
    """1 / (number of ties) where ``a`` equals its ``extreme`` along ``axes``, else 0."""
    mask = a == extreme
    return mask / np.sum(mask, axis=axes, keepdims=True)


def _safe_div(a, b):
    """``a / b``, 0 where ``b`` is 0."""
    b = as_array(b)
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


def _vector_grad(x, axes, p):
    """The derivative of the vector ``p``-norm along ``axes`` (``keepdims`` layout)."""
    _check_vector_ord(p)
    if p == 2:
        return _safe_div(x, np.sqrt(np.sum(x * x, axis=axes, keepdims=True)))
    a = np.abs(x)
    if p == 1:
        return np.sign(x)
    if p in (np.inf, -np.inf):
        pick = np.max if p > 0 else np.min
        return np.sign(x) * _share(a, pick(a, axis=axes, keepdims=True), axes)
    y = np.sum(a ** p, axis=axes, keepdims=True) ** (1.0 / p)
    return np.sign(x) * _safe_div(a ** (p - 1), y ** (p - 1))


def _matrix_grad(x, rc, ord):
    """The derivative of the matrix norm ``ord`` over the axes ``rc``."""
    if ord not in _MATRIX_ORDS:
        _refuse(f"ord={ord!r} is not a matrix norm numpy computes")
    r, c = rc
    if ord == "fro":
        return _vector_grad(x, rc, 2)
    if ord in (1, -1, np.inf, -np.inf):
        summed, across = (r, c) if ord in (1, -1) else (c, r)
        sums = np.sum(np.abs(x), axis=summed, keepdims=True)
        pick = np.max if ord in (1, np.inf) else np.min
        return np.sign(x) * _share(sums, pick(sums, axis=across, keepdims=True), across)
    a = np.moveaxis(x, (r, c), (-2, -1))
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    if ord == "nuc":
        if np.any(s <= _rank_tolerance(a, s)):
            _refuse("the nuclear norm (ord='nuc') has no derivative at a matrix with a "
                    "singular value 0 (of less than full rank)")
        grad = u @ vt
    else:
        k = 0 if ord == 2 else s.shape[-1] - 1
        _check_simple(s, k, ord, _rank_tolerance(a, s))
        grad = u[..., :, k:k + 1] @ vt[..., k:k + 1, :]
        if ord == 2:
            grad = grad * (s[..., :1, None] > 0)
    return np.moveaxis(grad, (-2, -1), (r, c))


def _rank_tolerance(a, s):
    """How far from 0 (or from each other) singular values ``s`` of the matrices ``a``
    must be to be told apart from rounding: ``numpy.linalg.matrix_rank``'s tolerance, the
    largest singular value times ``max(m, n)`` times float64's epsilon (an SVD of a matrix
    of rank 1 gives its other singular values as 1e-17, not 0).  Shaped to compare with
    ``s`` (one tolerance per matrix)."""
    eps = np.finfo(np.result_type(a.dtype, np.float64)).eps
    return s[..., :1] * (max(a.shape[-2:]) * eps)


def _check_simple(s, k, ord, tolerance):
    n = s.shape[-1]
    other = s[..., 1] if k == 0 and n > 1 else (s[..., n - 2] if n > 1 else None)
    if ord == -2 and np.any(s[..., k] <= tolerance[..., 0]):
        _refuse("ord=-2 (the smallest singular value) has no derivative where it is 0")
    if other is not None and np.any((np.abs(s[..., k] - other) <= tolerance[..., 0])
                                    & (s[..., 0] > 0)):
        which = "largest" if ord == 2 else "smallest"
        _refuse(f"ord={ord} has no derivative where the {which} singular value is repeated "
                f"(its singular vectors are not unique)")


def _grad(x, ord, axis, how):
    x = as_array(x, dtype=float)
    kind, axes, order = _reading(x, ord, axis, how)
    if kind == "vector":
        return _vector_grad(x, axes, order), axes
    return _matrix_grad(x, axes, order), axes


@fact(allocates=True)
def norm_bar(g, x, ord=None, axis=None, keepdims=False, how="norm"):
    """Adjoint of ``np.linalg.norm(x, ord, axis, keepdims)`` (or of ``vector_norm`` /
    ``matrix_norm``, by ``how``) in ``x``."""
    grad, axes = _grad(x, ord, axis, how)
    return np.reshape(g, _keepdims_shape(np.shape(x), axes)) * grad


@fact(allocates=True)
def norm_dot(x, v, ord=None, axis=None, keepdims=False, how="norm"):
    """Tangent of ``np.linalg.norm(x, ord, axis, keepdims)`` along ``v``."""
    grad, axes = _grad(x, ord, axis, how)
    return np.sum(grad * v, axis=axes, keepdims=keepdims)


# ------------------------------------------------------------- second order


@tangent_beside(norm_bar)
def norm_bar_tangent(out, g, x, ord, axis, keepdims, how, g_dot, x_dot):
    return (norm_bar(g_dot, x, ord, axis, keepdims, how)
            + norm_bar_dot(g, x, x_dot, ord, axis, keepdims, how))


@fact(allocates=True)
def norm_bar_dot(g, x, v, ord=None, axis=None, keepdims=False, how="norm"):
    """The tangent of :func:`norm_bar` along ``v`` (``g`` held fixed): the norm's
    second derivative applied to ``v``, times ``g``."""
    x = as_array(x, dtype=float)
    v = np.broadcast_to(as_array(v, dtype=float), x.shape)
    kind, axes, order = _reading(x, ord, axis, how)
    if kind == "vector":
        out = _vector_hvp(x, v, axes, order)
    else:
        out = _matrix_hvp(x, v, axes, order)
    return np.reshape(g, _keepdims_shape(x.shape, axes)) * out


def _vector_hvp(x, v, axes, p):
    _check_vector_ord(p)
    if p in (1, np.inf, -np.inf):
        return np.zeros_like(x)   # piecewise linear
    a = np.abs(x)
    y = np.sum(a ** p, axis=axes, keepdims=True) ** (1.0 / p)
    if p == 2:
        return _safe_div(v, y) - _safe_div(x * np.sum(x * v, axis=axes, keepdims=True), y ** 3)
    if p < 2 and np.any(a == 0):
        _refuse(f"the second derivative of the {p}-norm is infinite at an element 0")
    slope = np.sign(x) * a ** (p - 1)              # the gradient is slope / y^(p-1)
    y_dot = _safe_div(np.sum(slope * v, axis=axes, keepdims=True), y ** (p - 1))
    return ((p - 1) * _safe_div(a ** (p - 2) * v, y ** (p - 1))
            - (p - 1) * _safe_div(slope * y_dot, y ** p))


def _matrix_hvp(x, v, rc, ord):
    r, c = rc
    if ord == "fro":
        return _vector_hvp(x, v, rc, 2)
    if ord in (1, -1, np.inf, -np.inf):
        return np.zeros_like(x)
    _matrix_grad(x, rc, ord)   # (the refusals)
    a = np.moveaxis(x, (r, c), (-2, -1))
    da = np.moveaxis(v, (r, c), (-2, -1))
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    if ord == "nuc":
        out = _polar_dot(u, s, vt, da)
    else:
        k = 0 if ord == 2 else s.shape[-1] - 1
        out = np.empty_like(a)
        for index in np.ndindex(a.shape[:-2]):
            out[index] = _pair_dot(a[index], u[index][:, k], s[index][k], vt[index][k],
                                   da[index])
    return np.moveaxis(out, (-2, -1), (r, c))


def _pair_dot(a, u, s, v, da):
    """The tangent of ``u v^T`` for the singular triple ``(u, s, v)`` of ``a`` (simple,
    ``s > 0``): from ``a v = s u``, ``a^T u = s v`` differentiated, solved in the least
    squares sense (the null space is ``(u, v)``, to which the tangent is orthogonal)."""
    if s == 0:
        return np.zeros_like(a)   # the zero matrix: derivative 0 (see ord=2 above)
    m, n = a.shape
    s_dot = u @ da @ v
    system = np.block([[-s * np.eye(m), a], [a.T, -s * np.eye(n)]])
    rhs = np.concatenate([s_dot * u - da @ v, s_dot * v - da.T @ u])
    step = _least_squares(system, rhs)
    u_dot, v_dot = step[:m], step[m:]
    return np.outer(u_dot, v) + np.outer(u, v_dot)


def _least_squares(a, b):
    """The least-squares solution of least norm of ``a x = b`` (``np.linalg.lstsq`` with
    ``rcond=None``).  A duck array's ``lstsq`` (Dask's: QR, without ``rcond``) does not
    take the singular systems of ``_pair_dot``: there it is the pseudo-inverse made from
    the SVD of ``a`` (a small square matrix, one block), with numpy's cut-off."""
    if not is_duck(a):
        return np.linalg.lstsq(a, b, rcond=None)[0]
    if hasattr(a, "rechunk"):   # (Dask's SVD wants the columns in one block)
        a = a.rechunk(-1)
    u, s, vt = np.linalg.svd(a)
    cut = s[:1] * (max(a.shape) * np.finfo(np.float64).eps)
    inverse = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0)
    return vt.T @ (inverse * (u.T @ b))


def _polar_dot(u, s, vt, da):
    """The tangent of the polar factor ``u @ vt`` (the nuclear norm's derivative) of a
    matrix of full rank with the thin SVD ``u, s, vt``, along ``da``."""
    v = np.swapaxes(vt, -1, -2)
    ut = np.swapaxes(u, -1, -2)
    inner = ut @ da @ v
    out = u @ ((inner - np.swapaxes(inner, -1, -2))
               / (s[..., :, None] + s[..., None, :])) @ vt
    m, n = da.shape[-2:]
    if m > n:
        out = out + (da - u @ (ut @ da)) @ (v / s[..., None, :]) @ vt
    elif n > m:
        out = out + (u / s[..., None, :]) @ ut @ (da - (da @ v) @ vt)
    return out
