"""Helpers of the adjoint rules of the linear-algebra runtime helpers (issue 15): the
pieces the derivatives of :mod:`.norms`' helpers need (a norm's Hessian and third
derivative applied to directions, the sums over the axes a norm reduces and their
transpose), each differentiable in both modes by rules in
:mod:`s2sad.rules.runtime_adjoints_linalg`.

The transposes of the linear helpers of the convolution and polynomial rules are here
too (:func:`full_length_part`...).

Input: the norm's argument ``x`` (and ``ord``, ``axis``, ``keepdims``, ``how`` as the
norm helpers read them), directions of ``x``'s shape, adjoints of the norm's shape.
Output: new arrays.  Derivatives of the norm beyond the third are refused with
:class:`~.scans.OrderLimitError`; so is the third of norms other than the
2-norm (Frobenius) and the piecewise linear ones.
"""

from .numpy_view import np
from .duck import as_array, filled, is_duck, size_of, zeros_written_by

from ..rules.records import fact
from .norms import _matrix_hvp, _reading, _safe_div, _vector_hvp
from .reductions import _keepdims_shape
from .scans import OrderLimitError
from .linalg import chain_product
from .shapes import unbroadcast_to
from .signal import (full_window, poly_derivative, poly_derivative_increasing,
                     signal_window)

_LINEAR_ORDS = (1, -1, np.inf, -np.inf)   # piecewise linear: second derivative 0


def _read(x, ord, axis, how):
    x = as_array(x, dtype=float)
    return (x,) + _reading(x, ord, axis, how)


@fact(allocates=True, linear=("t",))
def norm_reduce(t, x, ord=None, axis=None, keepdims=False, how="norm"):
    """``t`` (of ``x``'s shape) summed over the axes the norm of ``x`` reduces."""
    _, kind, axes, order = _read(x, ord, axis, how)
    return np.sum(t, axis=axes, keepdims=keepdims)


@fact(allocates=True, linear=("g",))
def norm_spread(g, x, ord=None, axis=None, keepdims=False, how="norm"):
    """``g`` (of the norm's shape) copied over the axes the norm of ``x`` reduces: an
    array of ``x``'s shape (the transpose of :func:`norm_reduce`)."""
    x, kind, axes, order = _read(x, ord, axis, how)
    g = np.reshape(g, _keepdims_shape(x.shape, axes))
    if is_duck(g) or is_duck(x):   # lazily, in x's blocks (np.array would compute it)
        out = filled(tuple(x.shape), g, x)
        return out.astype(np.result_type(out.dtype, float))
    return np.array(np.broadcast_to(g, x.shape), dtype=np.result_type(g, float))


@fact(allocates=True)
def norm_hvp(x, v, ord=None, axis=None, keepdims=False, how="norm"):
    """The norm's Hessian at ``x`` applied to ``v`` (blockwise: one Hessian per norm)."""
    x, kind, axes, order = _read(x, ord, axis, how)
    v = np.broadcast_to(as_array(v, dtype=float), x.shape)
    if kind == "vector":
        return _vector_hvp(x, v, axes, order)
    return _matrix_hvp(x, v, axes, order)


def _piecewise_linear(kind, order):
    return order in _LINEAR_ORDS


_MATRIX_NORMS = {2: "the matrix norm ord=2 (the spectral norm: the largest singular value)",
                 -2: "the matrix norm ord=-2 (the smallest singular value)",
                 "nuc": "the matrix norm ord='nuc' (the sum of the singular values)"}


def _refuse_third(kind, order):
    """The refusal of a third derivative of the norm ``order`` (of a ``kind`` of
    "vector" or "matrix"), which :func:`norm_third` does not compute."""
    if kind == "matrix":
        what = _MATRIX_NORMS.get(order, f"the matrix norm ord={order!r}")
        instead = "the Frobenius norm (np.linalg.norm(a), or ord='fro') has one"
    else:
        what = f"the vector norm ord={order!r}"
        instead = "the vector 2-norm (np.linalg.norm(x), or ord=2) has one"
    raise OrderLimitError(
        f"np.linalg.norm: the third derivative of {what} is not computed (only of the "
        f"vector 2-norm, the matrix Frobenius norm, and the norms ord=1, -1, inf, -inf, "
        f"whose second derivative is 0)",
        hint=f"differentiate it to second order at most; {instead}")


@fact(allocates=True)
def norm_third(x, v, u, ord=None, axis=None, keepdims=False, how="norm"):
    """The norm's third derivative at ``x`` applied to ``v`` and ``u`` (an array of
    ``x``'s shape): for the 2-norm ``f``, with ``a = x.v``, ``b = x.u``, ``c = u.v``,
    ``-(v b + u a + x c) / f^3 + 3 x a b / f^5``."""
    x, kind, axes, order = _read(x, ord, axis, how)
    v = np.broadcast_to(as_array(v, dtype=float), x.shape)
    u = np.broadcast_to(as_array(u, dtype=float), x.shape)
    if _piecewise_linear(kind, order):
        norm_hvp(x, v, ord, axis, keepdims, how)   # (the refusals of the norm's own rule)
        return np.zeros_like(x)
    if order not in (2, "fro") or (kind == "matrix" and order == 2):
        _refuse_third(kind, order)
    f = np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
    a = np.sum(x * v, axis=axes, keepdims=True)
    b = np.sum(x * u, axis=axes, keepdims=True)
    c = np.sum(u * v, axis=axes, keepdims=True)
    return _safe_div(3.0 * x * a * b, f ** 5) - _safe_div(v * b + u * a + x * c, f ** 3)


@fact(allocates=True)
def norm_fourth(t, x, ord=None, axis=None, keepdims=False, how="norm"):
    """The derivative in ``x`` of :func:`norm_third` (a fourth derivative of the norm):
    zeros when the direction or adjoint ``t`` is zero or the norm is piecewise linear,
    refused otherwise."""
    x, kind, axes, order = _read(x, ord, axis, how)
    if np.any(t) and not _piecewise_linear(kind, order):
        raise OrderLimitError(
            "np.linalg.norm: derivatives of the norm beyond the third are not computed",
            hint="differentiate it to third order at most")
    return np.zeros_like(x)


@fact(linear=("t",))
def reshape_back(t, like):
    """``t`` reshaped to ``like``'s shape: a number (numpy's float) when ``like`` is a
    number, an array otherwise (the adjoint of a helper that reshaped ``like``)."""
    out = np.reshape(t, np.shape(like))
    return out if isinstance(like, np.ndarray) else out[()]


# ------------------------------------------------------------------ signal
# the transposes of the linear helpers of the convolution and polynomial rules


@fact(allocates=True, linear=("t",))
def full_length_part(t, g, a, v, mode="full", kind="convolve"):
    """The part of ``t`` (of the 'full' length) where :func:`.signal.full_length_bar`
    put ``g``, brought to ``g``'s shape (summed where ``g`` was spread)."""
    start, length = full_window(size_of(a), size_of(v), mode, kind)
    part = as_array(t)[start:start + length]
    if size_of(g) != length:
        part = np.sum(part)
    return reshape_back(part, g)


@fact(allocates=True, linear=("t",))
def signal_full_part(t, g, in1, in2, mode="full", axes=None, kind="convolve"):
    """The part of ``t`` (of the 'full' shape) where :func:`.signal.signal_full_bar` put
    ``g``, brought to ``g``'s shape."""
    part = as_array(t)[signal_window(np.shape(in1), np.shape(in2), mode, kind)]
    return unbroadcast_to(part.copy(), np.shape(g))


@fact(allocates=True, linear=("t",))
def poly_derivative_bar(t, p, increasing=False):
    """The transpose of :func:`.signal.poly_derivative` (``increasing``:
    ``poly_derivative_increasing``): ``t`` times the powers, in an array like ``p``."""
    t = as_array(t)
    out = zeros_written_by(np.shape(p), np.result_type(t, float), t)   # (Dask t: lazily)
    n = out.shape[0]
    if n <= 1:
        return out
    if increasing:
        out[1:] = t * np.arange(1, n).reshape((-1,) + (1,) * (out.ndim - 1))
    else:
        out[:-1] = t * np.arange(n - 1, 0, -1).reshape((-1,) + (1,) * (out.ndim - 1))
    return out


@fact(allocates=True, linear=("p",))
def poly_derivative_of(p, increasing=False):
    """:func:`.signal.poly_derivative_increasing` of ``p`` when ``increasing``, else
    :func:`.signal.poly_derivative` (the transpose of :func:`poly_derivative_bar`)."""
    return poly_derivative_increasing(p) if increasing else poly_derivative(p)


# ------------------------------------------------------------ matrix powers
# f([[A, V], [0, A]]) = [[f(A), f'(A)[V]], [0, f(A)]] for f(A) = A^n: the derivatives of
# matrix_power_dot are matrix powers' derivatives of twice larger matrices


@fact(allocates=True, linear=("a", "v"))
def block_pair(a, v):
    """``[[a, v], [0, a]]`` for the matrices of a batch (``a`` and ``v`` broadcast)."""
    if np.ndim(a) == 0 and np.ndim(v) == 0:
        return 0.0   # (two zero tangents)
    shape = np.broadcast_shapes(np.shape(a), np.shape(v))
    n = shape[-1]
    out = zeros_written_by(shape[:-2] + (2 * n, 2 * n), np.result_type(a, v, float), a, v)
    out[..., :n, :n] = a
    out[..., n:, n:] = a
    out[..., :n, n:] = v
    return out


@fact(allocates=True, linear=("m",))
def block_corner(m):
    """The top right quarter of the matrices ``m`` (of even size)."""
    n = np.shape(m)[-1] // 2
    corner = as_array(m)[..., :n, n:]
    return corner.copy() if is_duck(corner) else np.array(corner)   # (np.array computes Dask)


@fact(allocates=True, linear=("m",))
def block_diagonal_sum(m):
    """The sum of the top left and bottom right quarters of the matrices ``m``."""
    m = as_array(m)
    n = m.shape[-1] // 2
    return m[..., :n, :n] + m[..., n:, n:]


@fact(allocates=True, linear=("x",))
def block_in_corner(x):
    """``[[0, x], [0, 0]]`` (the transpose of :func:`block_corner`)."""
    x = as_array(x)
    n = x.shape[-1]
    out = zeros_written_by(x.shape[:-2] + (2 * n, 2 * n), np.result_type(x, float), x)
    out[..., :n, n:] = x
    return out


# --------------------------------------------------------------- multi_dot


def _filled(ds, arrays):
    return [None if d is None else np.broadcast_to(d, np.shape(x)) for d, x in zip(ds, arrays)]


@fact(allocates=True)
def multi_dot_dot2(arrays, vs, ws):
    """The second derivative of ``np.linalg.multi_dot(arrays)`` along ``vs`` and ``ws``:
    the sum over ``i != j`` of the product with ``arrays[i]`` replaced by ``vs[i]`` and
    ``arrays[j]`` by ``ws[j]`` (``None``: a zero direction)."""
    vs, ws = _filled(vs, arrays), _filled(ws, arrays)
    total = 0.0
    for i in range(len(arrays)):
        for j in range(len(arrays)):
            if i == j or vs[i] is None or ws[j] is None:
                continue
            parts = list(arrays)
            parts[i], parts[j] = vs[i], ws[j]
            total = total + chain_product(parts)   # (lazily on Dask)
    return total


def _nonzero(t):
    if t is None:
        return False
    if isinstance(t, (list, tuple)):
        return any(_nonzero(e) for e in t)
    return bool(np.any(t))


@fact(allocates=True)
def multi_dot_third(t, like):
    """The third derivative of ``np.linalg.multi_dot``, not computed: zeros (a list like
    the list ``like``, or 0.0 when ``like`` is not a list) when the direction or adjoint
    ``t`` is zero, refused otherwise."""
    if _nonzero(t):
        raise OrderLimitError(
            "np.linalg.multi_dot: derivatives beyond the second are not computed",
            hint="write the product with @ (a @ b @ c), whose derivatives have every order")
    if isinstance(like, (list, tuple)):
        return [np.zeros(np.shape(x)) for x in like]
    return 0.0


@fact(allocates=True, linear=("a", "b"))
def list_sum(a, b):
    """The sum of two lists of arrays item by item (a tangent or adjoint of a list-valued
    helper), either of which may be the number 0 (a zero tangent)."""
    if not isinstance(a, (list, tuple)):
        return list(b) if isinstance(b, (list, tuple)) else a + b
    if not isinstance(b, (list, tuple)):
        return list(a)
    return [x + y for x, y in zip(a, b)]


# --------------------------------------------------------------------- svd
# the reduced factors (U[:, :k], S, Vh[:k]) of np.linalg.svd's result, and back


def _svd_dims(a):
    m, n = np.shape(a)[-2:]
    return m, n, min(m, n), np.shape(a)[:-2]


@fact(allocates=True, linear=("t",))
def svd_reduce(t, a, full_matrices, compute_uv):
    """The cotangents ``t`` of ``np.linalg.svd(a, full_matrices, compute_uv)``'s result
    as those of the reduced factors (zeros for ``U`` and ``Vh`` when ``compute_uv`` is
    False): :func:`.linalg.svd_cotangents` without its refusal."""
    m, n, k, lead = _svd_dims(a)
    if not compute_uv:
        return (np.zeros(lead + (m, k)), np.broadcast_to(t, lead + (k,)) + 0.0,
                np.zeros(lead + (k, n)))
    u, s, vh = t
    cols, rows = (m, n) if full_matrices else (k, k)
    u = np.broadcast_to(u, lead + (m, cols))[..., :k] + 0.0
    vh = np.broadcast_to(vh, lead + (rows, n))[..., :k, :] + 0.0
    return u, np.broadcast_to(s, lead + (k,)) + 0.0, vh


@fact(allocates=True, linear=("t",))
def svd_expand(t, a, full_matrices, compute_uv):
    """The transpose of :func:`svd_reduce`: cotangents of the reduced factors as those
    of ``np.linalg.svd``'s result (``S``'s alone when ``compute_uv`` is False; zeros for
    the columns of a full ``U`` and rows of a full ``Vh`` beyond ``min(m, n)``)."""
    m, n, k, lead = _svd_dims(a)
    u, s, vh = (np.broadcast_to(x, shape) for x, shape in zip(
        t, (lead + (m, k), lead + (k,), lead + (k, n))))
    if not compute_uv:
        return s + 0.0
    if full_matrices:
        u = np.concatenate([u, np.zeros(lead + (m, m - k))], axis=-1)
        vh = np.concatenate([vh, np.zeros(lead + (n - k, n))], axis=-2)
    return u + 0.0, s + 0.0, vh + 0.0


@fact(allocates=True, linear=("t",))
def svd_factors_y_bar(t, a, full_matrices, compute_uv):
    """The adjoint of :func:`.linalg.svd_factors` in ``y`` (svd's result) from ``t``,
    that of the reduced factors: :func:`svd_expand` of it, or zeros like ``S`` when
    ``compute_uv`` is False (the factors were recomputed from ``a``)."""
    if compute_uv:
        return svd_expand(t, a, full_matrices, True)
    m, n, k, lead = _svd_dims(a)
    return np.zeros(lead + (k,))


@fact(allocates=True, linear=("z",))
def svd_factors_y_part(z, a, full_matrices, compute_uv):
    """The transpose of :func:`svd_factors_y_bar`."""
    return svd_reduce(z if compute_uv else 0.0, a, full_matrices, compute_uv)


@fact(allocates=True)
def svd_tangent_refused(t, like, forward=False):
    """The derivative of the SVD's tangent (:func:`.linalg.svd_tangent`), not computed:
    zeros shaped like ``like`` where ``t`` (the cotangent, or in ``forward`` mode the
    tangent, reaching it) is zero, as where ``np.linalg.lstsq``'s singular values are not
    read; refused otherwise."""
    if not _nonzero(t):
        return np.zeros(np.shape(like))
    raise OrderLimitError(
        "the tangent of np.linalg.svd (made by s2sad.jvp or s2sad.hvp of code calling "
        "np.linalg.svd, or np.linalg.lstsq, whose derivatives read the singular values of "
        "its matrix) is not differentiated again" + (" in forward mode" if forward else
                                                      " in reverse mode"),
        hint=("take a second derivative of np.linalg.svd forward over reverse "
              "(s2sad.hvp, s2sad.hessian); of np.linalg.lstsq read only the solution and the "
              "residuals (r[0], r[1]): its third derivative in the matrix (s2sad.grad of "
              "s2sad.hvp) is computed then"))


@fact(allocates=True)
def svd_recomputed_bar(t, a, compute_uv):
    """The adjoint in ``a`` of the factors :func:`.linalg.svd_factors` recomputes when
    ``compute_uv`` is False (svd's second derivative): not computed, refused unless the
    cotangent ``t`` is zero; zeros when ``compute_uv`` (the factors come from ``y``)."""
    if compute_uv or not _nonzero(t):
        return np.zeros(np.shape(a))
    raise OrderLimitError(
        "np.linalg.svd(..., compute_uv=False): its second derivative in reverse mode is not "
        "computed", hint="use forward mode for the second derivative (s2sad.hvp), or "
                         "differentiate np.linalg.svd(a) (compute_uv=True)[1]")
