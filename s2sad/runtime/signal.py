"""Pieces of the rules of ``np.convolve``/``np.correlate``, ``np.interp``, ``np.polyval``
and ``np.vander`` (plain numpy).

Input: the adjoint ``g`` of the op's result (or tangents) and the primal values; output:
arrays of the shape of the argument whose adjoint or tangent they compute.
"""

from .numpy_view import np
from .duck import as_array, as_like, duck_among, is_duck, size_of, zeros_written_by

from ..errors import NoDerivativeRuleError
from ..rules.records import fact, tangent_beside

_MODES = {"full": 2, "same": 1, "valid": 0, "f": 2, "s": 1, "v": 0}


def _mode(mode):
    if isinstance(mode, str):
        try:
            return _MODES[mode.lower()]
        except KeyError:
            raise ValueError(f"mode must be 'full', 'same' or 'valid', not {mode!r}") from None
    return int(mode)


# ------------------------------------------------------- convolve, correlate

def full_window(n, m, mode, kind):
    """``(start, length)``: where the result of ``np.convolve``/``np.correlate`` of
    lengths ``n`` and ``m`` in ``mode`` lies in their 'full' result."""
    code = _mode(mode)
    low = min(n, m) - 1
    if code == 2:
        return 0, n + m - 1
    if code == 0:
        return low, max(n, m) - low
    if kind == "correlate" and n < m:   # numpy swaps the arguments, then reverses
        return low - low // 2, m
    return low // 2, max(n, m)


@fact(allocates=True, linear=("g",))
def full_length_bar(g, a, v, mode="full", kind="convolve"):
    """The adjoint of ``np.convolve(a, v, mode)`` (``kind="convolve"``) or of
    ``np.correlate(a, v, mode)`` (``kind="correlate"``) given ``g``, the adjoint of its
    result, as the adjoint of the 'full' result: ``g`` in the window of the full
    output the mode keeps, zeros elsewhere."""
    n, m = size_of(a), size_of(v)
    start, length = full_window(n, m, mode, kind)
    out = zeros_written_by(n + m - 1, np.result_type(g, float), g)   # (Dask g: lazily)
    out[start:start + length] = np.broadcast_to(np.reshape(g, (-1,)), (length,))
    return out


# ------------------------------------------------------------------- interp

def _segments(x, xp, period):
    """``(j, t, h, below, above)`` for ``np.interp(x, xp, fp, ..., period)``: the index
    into ``fp`` of each point's segment start and end (``j``, an index pair), where it
    is in the segment (``t`` in [0, 1]), the segment's length ``h``, and the masks of
    the points left of and right of the knots.  At a knot the segment that starts there
    is taken (the right derivative); at the last knot, the last segment."""
    x = as_array(x, dtype=float)
    xp = as_array(xp, dtype=float)
    index = np.arange(xp.shape[0])
    if period is not None:
        period = abs(float(period))
        x = x % period
        xp = xp % period
        order = np.argsort(xp, kind="stable")
        xp = np.concatenate([xp[order[-1:]] - period, xp[order], xp[order[:1]] + period])
        index = np.concatenate([order[-1:], order, order[:1]])
    if is_duck(x):   # the knots (small) as x's library's: searched and read lazily
        xp, index = as_like(xp, x), as_like(index, x)
    n = xp.shape[0]
    if n == 1:
        zero = np.zeros(x.shape, dtype=int)
        return (zero, zero), np.zeros(x.shape), np.full(x.shape, np.inf), \
            x < xp[0], x > xp[0]
    k = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
    h = xp[k + 1] - xp[k]
    t = (x - xp[k]) / h
    below = x < xp[0]
    above = x > xp[-1]
    return (index[k], index[k + 1]), t, h, below, above


def _outside(below, above, left, right, period):
    """Where the result is ``left`` or ``right`` (not an interpolation of ``fp``)."""
    if period is not None:
        return np.zeros(below.shape, dtype=bool)
    return (below & (left is not None)) | (above & (right is not None))


@fact(allocates=True, linear=("fp",))
def interp_slope(x, xp, fp, left=None, right=None, period=None):
    """The derivative of ``np.interp(x, xp, fp, left, right, period)`` in ``x``: the
    slope of the segment holding each point, 0 outside the knots (where the result
    is ``fp[0]``, ``fp[-1]``, ``left`` or ``right``, constant in ``x``)."""
    (j0, j1), _, h, below, above = _segments(x, xp, period)
    fp = as_like(as_array(fp), h)
    slope = (fp[j1] - fp[j0]) / h
    if period is None:
        slope = np.where(below | above, 0.0, slope)
    slope = np.where(np.isfinite(h), slope, 0.0)
    return slope[()] if np.ndim(slope) == 0 else slope


def _scatter(weights0, weights1, j0, j1, size):
    if duck_among(weights0, j0) is not None:   # (no ufunc.at on Dask) sums by bins, lazily
        parts = [np.bincount(np.ravel(j), weights=np.ravel(np.broadcast_to(w, np.shape(j))),
                             minlength=size[0]) for j, w in ((j0, weights0), (j1, weights1))]
        return parts[0] + parts[1]
    out = np.zeros(size, dtype=np.result_type(weights0, float))
    np.add.at(out, np.ravel(j0), np.ravel(weights0))
    np.add.at(out, np.ravel(j1), np.ravel(weights1))
    return out


@fact(allocates=True)
def interp_fp_bar(g, x, xp, fp, left=None, right=None, period=None):
    """The adjoint of ``np.interp(x, xp, fp, left, right, period)`` in ``fp``: each
    point's ``g`` shared between the ends of its segment (``1 - t`` and ``t``); left of
    the knots to ``fp[0]`` unless ``left`` is given, right of them to ``fp[-1]`` unless
    ``right`` is."""
    (j0, j1), t, _, below, above = _segments(x, xp, period)
    g = np.broadcast_to(g, t.shape)
    t = np.where(below, 0.0, np.where(above, 1.0, t)) if period is None else t
    g = np.where(_outside(below, above, left, right, period), 0.0, g)
    return _scatter(g * (1.0 - t), g * t, j0, j1, np.shape(fp))


@fact(allocates=True)
def interp_fp_bar_x(g, x, xp, fp, x_dot, left=None, right=None, period=None):
    """The tangent of :func:`interp_fp_bar` along ``x_dot`` (``g`` held fixed)."""
    (j0, j1), _, h, below, above = _segments(x, xp, period)
    inside = ~(below | above) if period is None else np.ones(h.shape, dtype=bool)
    rate = np.where(inside & np.isfinite(h), np.broadcast_to(g * x_dot, h.shape) / h, 0.0)
    return _scatter(-rate, rate, j0, j1, np.shape(fp))


@tangent_beside(interp_fp_bar)
def interp_fp_bar_tangent(out, g, x, xp, fp, left, right, period, g_dot, x_dot):
    return (interp_fp_bar(g_dot, x, xp, fp, left, right, period)
            + interp_fp_bar_x(g, x, xp, fp, x_dot, left, right, period))


def interp_bound_dot(bound):
    """``None`` for a bound ``np.interp`` reads from ``fp`` (``left=None``), else 0.0:
    the bound that the tangent along ``fp`` takes (``left`` is constant there)."""
    return None if bound is None else 0.0


def interp_side(x, xp, left, right, period, side):
    """Where ``np.interp`` returns ``left`` (``side="left"``) or ``right``: 1.0 there,
    0.0 elsewhere (an array like ``x``)."""
    if period is not None:
        return np.zeros(np.shape(x))
    xp = as_array(xp)
    mask = as_array(x) < xp[0] if side == "left" else as_array(x) > xp[-1]
    return mask.astype(float)


@fact(linear=("g",))
def interp_bound_bar(g, x, xp, left, right, period, side):
    """The adjoint of ``np.interp(...)`` in ``left`` or ``right`` (``side``): the sum of
    ``g`` where the result is that bound."""
    return np.sum(g * interp_side(x, xp, left, right, period, side))


def interp_knots_refused(xp_part):
    """The knots ``xp`` of ``np.interp`` carry no derivative here: refuse."""
    raise NoDerivativeRuleError(
        "np.interp is differentiated in x, fp, left and right, not in the knots xp",
        hint="pass xp as a constant (compute it outside the differentiated function), or "
             "write the interpolation with np.searchsorted and arithmetic")


# ------------------------------------------------------- polynomials

@fact(allocates=True, linear=("p",))
def poly_derivative(p):
    """The coefficients of the derivative of the polynomial ``p`` (highest power first,
    as ``np.polyval`` reads them); ``np.polyder(p)`` for a 1-d ``p``, ``[0.0]`` for a
    constant."""
    p = as_array(p)
    n = p.shape[0]
    if n <= 1:
        return np.zeros((1,) + p.shape[1:], dtype=np.result_type(p, float))
    powers = np.arange(n - 1, 0, -1).reshape((-1,) + (1,) * (p.ndim - 1))
    return p[:-1] * powers


@fact(allocates=True, linear=("c",))
def poly_derivative_increasing(c):
    """The coefficients of the derivative of the polynomial ``c`` (lowest power first,
    as ``np.polynomial.polynomial.polyval`` reads them); ``[0.0]`` for a constant."""
    c = as_array(c)
    n = c.shape[0]
    if n <= 1:
        return np.zeros((1,) + c.shape[1:], dtype=np.result_type(c, float))
    return c[1:] * np.arange(1, n).reshape((-1,) + (1,) * (c.ndim - 1))


def poly_order(p):
    """The number of coefficients of ``p``, a 1-d array of them (the rules of
    ``np.polyval`` and ``np.polynomial.polynomial.polyval`` cover one polynomial, not
    arrays of coefficients)."""
    if np.ndim(p) != 1:
        raise NoDerivativeRuleError(
            f"np.polyval and np.polynomial.polynomial.polyval are differentiated for a 1-d "
            f"array of coefficients; these have shape {np.shape(p)}",
            hint="evaluate one polynomial at a time, or write Horner's loop "
                 "(y = y * x + c) in the function")
    return np.shape(p)[0]


@fact(allocates=True)
def vander_derivative(x, N=None, increasing=False, order=1):
    """The ``order``-th derivative of ``np.vander(x, N, increasing)`` in ``x``, row by
    row: column ``j`` holds ``x ** k_j``, so its derivative ``k_j * x ** (k_j - 1)``."""
    x = as_array(x, dtype=np.result_type(x, float))
    columns = x.shape[0] if N is None else N
    powers = np.arange(columns) if increasing else np.arange(columns - 1, -1, -1)
    factor = np.ones(columns)
    for i in range(order):
        factor = factor * (powers - i)
    return factor * x[:, None] ** np.maximum(powers - order, 0)


@tangent_beside(vander_derivative)
def vander_derivative_tangent(out, x, N, increasing, order, x_dot):
    return np.reshape(x_dot, (-1, 1)) * vander_derivative(x, N, increasing, order + 1)


def polyfit_refused(part):
    """``np.polyfit`` has no derivative rule here: refuse, saying what to use."""
    raise NoDerivativeRuleError(
        "np.polyfit is not differentiated: it solves a least-squares problem whose "
        "derivative s2sad does not take through numpy's fitting routine (weights, rcond, "
        "the rank cut-off)",
        hint="build the Vandermonde matrix and solve the least-squares problem: "
             "np.linalg.lstsq(np.vander(x, deg + 1), y, rcond=None)[0], or "
             "np.linalg.solve(V.T @ V, V.T @ y) with V = np.vander(x, deg + 1)")


def polyfit_refusal(out, out_bar, x, y, deg, rcond=None, full=False, w=None, cov=False):
    """The adjoint "rule" of ``np.polyfit``: every differentiated argument refused (a
    template, registered by :mod:`s2sad.rules.signal_rules`)."""
    return polyfit_refused(out_bar), polyfit_refused(out_bar), polyfit_refused(out_bar)


def polyfit_refusal_tangent(out, x, y, deg, rcond, full, w, cov, x_dot, y_dot, w_dot):
    return polyfit_refused(x_dot) + polyfit_refused(y_dot) + polyfit_refused(w_dot)


# ----------------------------------------------------- scipy.signal (n-d), numpy only

def signal_fill_checked(boundary="fill", fillvalue=0):
    """1.0 for ``scipy.signal.convolve2d``/``correlate2d`` padded with zeros (their
    default), else refuse: other boundaries are not differentiated here."""
    if boundary not in ("fill", "pad") or fillvalue != 0:
        raise NoDerivativeRuleError(
            f"scipy.signal.convolve2d and correlate2d are differentiated with "
            f"boundary='fill' and fillvalue=0 only, not boundary={boundary!r}, "
            f"fillvalue={fillvalue!r}",
            hint="pad the input yourself (np.pad) and convolve with the default boundary")
    return 1.0


@fact(allocates=True, linear=("g",))
def signal_full_bar(g, in1, in2, mode="full", axes=None, kind="convolve"):
    """The adjoint of ``scipy.signal.convolve(in1, in2, mode)`` (or ``correlate``,
    ``fftconvolve``, ``convolve2d``...) given ``g``, that of its result, as the adjoint of
    its 'full' result: ``g`` in the window the mode keeps (per axis: ``same`` keeps
    ``in1``'s length from ``(len(in2) - 1) // 2``, or from ``len(in2) // 2`` for
    ``kind="correlate2d"``; ``valid`` the overlap), zeros around."""
    if axes is not None:
        raise NoDerivativeRuleError(
            "scipy.signal.fftconvolve is differentiated in reverse mode over all axes "
            f"(axes=None), not axes={axes!r}",
            hint="use forward mode (s2sad.jvp), or convolve each slice")
    s1, s2 = np.shape(in1), np.shape(in2)
    full = tuple(a + b - 1 for a, b in zip(s1, s2))
    out = zeros_written_by(full, np.result_type(g, float), g)   # (Dask g: lazily)
    out[signal_window(s1, s2, mode, kind)] = g
    return out


def signal_window(s1, s2, mode, kind):
    """The slices of the 'full' result of a ``scipy.signal`` convolution of arrays of
    shapes ``s1`` and ``s2`` that ``mode`` keeps."""
    if mode == "full":
        return tuple(slice(0, a + b - 1) for a, b in zip(s1, s2))
    if mode == "same":
        starts = [b // 2 if kind == "correlate2d" else (b - 1) // 2 for b in s2]
        return tuple(slice(c, c + a) for a, c in zip(s1, starts))
    if mode == "valid":
        return tuple(slice(min(a, b) - 1, max(a, b)) for a, b in zip(s1, s2))
    raise ValueError(f"mode must be 'full', 'same' or 'valid', not {mode!r}")
