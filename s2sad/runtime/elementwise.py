"""Elementwise pieces of rules: the slopes of ``a ** b`` (0 where the formula gives
0 * inf), ``x log y`` and ``x / y`` that are 0 where ``x`` is, of ``a / b`` in ``b`` (0 where an
infinite ``a`` makes the quotient constant), masks of ties and of
``np.clip``.  Inputs broadcast together; outputs are new arrays or numbers.
"""

from .numpy_view import np
from .duck import as_array, has_blocks, refuse_where

from ..rules.records import fact, tangent_beside
from ..values import PowerDivergesError


@fact(allocates=True)
def xlogy(x, y):
    """``x * log(y)``, and 0 where ``x`` is 0 (even where ``y`` is 0 too).

    The adjoint of ``a ** b`` with respect to ``b`` is ``a ** b * log(a)``:
    at ``a == 0`` (``b > 0``) the power is 0 whatever ``b``, so its
    derivative is 0, not ``0 * -inf``.
    """
    x, y = as_array(x), as_array(y)
    zero = x == 0
    out = np.where(zero, 0.0, x * np.log(np.where(zero, 1.0, y)))
    return out[()] if out.ndim == 0 else out



@fact(allocates=True)
def power_slope(a, b, c=1.0):
    """``c * b * a ** (b - 1)``: the derivative of ``a ** b`` in ``a`` (times ``c``).

    0 wherever ``c * b`` is 0: ``a ** 0`` is the constant 1, so its slope is 0
    even at ``a == 0``, where the formula would give ``0 * inf`` (nan) or, for
    Python floats, a ZeroDivisionError.  Elsewhere a pole stays a pole (the
    slope of ``a ** 0.5`` at 0 is inf).
    """
    scale = c * b
    if a.__class__ is float and scale.__class__ in (float, int):
        if scale == 0:
            return 0.0
        if a > 0.0:
            return scale * a ** (b - 1)
    base = as_array(a)
    if base.dtype.kind not in "fc":
        base = base.astype(np.float64)
    scale = as_array(scale)
    zero = scale == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(zero, 0.0, scale * np.power(np.where(zero, 1.0, base), as_array(b) - 1))
    return out[()] if out.ndim == 0 else out



@fact(allocates=True)
def power_log(y, a, b=None):
    """``y * log(a)`` for ``y = a ** b``: the derivative of ``a ** b`` in ``b``.

    Taken as 0 wherever ``a == 0`` (the convention of numpy-based AD systems):
    ``0 ** b`` is 0 for every ``b > 0``, so the derivative there is exactly 0;
    at ``b == 0`` (where ``0 ** b`` jumps from 1 to 0) and ``b < 0`` (a pole)
    the value 0 is a convention, not a limit.  ``b`` does not change the
    value; it tells the tangent rule (second order) which mixed partial
    derivative ``y`` stands for at ``a == 0`` (see :func:`power_cross`).
    """
    y, a = as_array(y), as_array(a)
    zero = a == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(zero, 0.0, y * np.log(np.where(zero, 1.0, a)))
    return out[()] if out.ndim == 0 else out



def _power_diverges_lazily(where):
    """:func:`_power_diverges` for a block of a lazy array (no index in the whole)."""
    raise PowerDivergesError(
        "the second derivative of 'a ** b' in a and b is infinite where a == 0 and b <= 1: "
        "the mixed partial derivative a ** (b - 1) * (1 + b * log(a)) has no finite value "
        "there", hint="differentiate the exponent only at bases a > 0 (or a == 0 with "
                      "b > 1), or keep the exponent constant (leave it out of wrt)")


def _power_diverges(a, b, where):
    """Raise: the mixed partial derivative of ``a ** b`` diverges at ``a == 0``."""
    index = tuple(int(i) for i in np.argwhere(where)[0]) if np.ndim(where) else ()
    at = f" (at index {index})" if index else ""
    b_value = np.broadcast_to(b, np.shape(where))[index] if np.ndim(where) else b
    raise PowerDivergesError(
        f"the second derivative of 'a ** b' in a and b is infinite where a == 0 and "
        f"b <= 1{at}: a == 0, b == {float(b_value)!r}; the mixed partial derivative "
        f"a ** (b - 1) * (1 + b * log(a)) has no finite value there",
        hint="differentiate the exponent only at bases a > 0 (or a == 0 with b > 1), "
             "or keep the exponent constant (leave it out of wrt)")



@fact(allocates=True)
def power_cross(a, b, w):
    """``w * a ** (b - 1) * (1 + b log a)``: the mixed second derivative of ``a ** b``
    (in ``a`` and ``b``, times the weight ``w``, a tangent times a factor).

    0 wherever ``w`` is 0 (no step in that direction: the partial derivative is
    not needed).  At ``a == 0`` it is the limit, 0, for ``b > 1``; for ``b <= 1``
    it diverges (``1 + log a`` at ``b == 1``, ``1 / a`` at ``b == 0``), and a
    step in that direction is refused with an s2sad error rather than given an
    arbitrary number.  This one function gives both orders of the mixed partial
    (``power_slope`` differentiated in ``b``, ``power_log`` in ``a``), so the
    Hessian is symmetric.  Only second-order code calls it (never differentiated
    again), so it has no tangent rule and stays out of ``__all__``.
    """
    base = as_array(a)
    if base.dtype.kind not in "fc":
        base = base.astype(np.float64)
    b, w = as_array(b), as_array(w)
    quiet = w == 0
    at_zero = (base == 0) & ~quiet
    if has_blocks(base, b, w):   # (checked block by block when computed: see below)
        pass
    elif np.any(at_zero & (b <= 1)):
        _power_diverges(base, b, np.broadcast_to(at_zero & (b <= 1),
                                                 np.broadcast_shapes(base.shape, b.shape,
                                                                     w.shape)))
    skip = quiet | (base == 0)
    safe = np.where(skip, 1.0, base)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(skip, 0.0, w * np.power(safe, b - 1) * (1 + b * np.log(safe)))
    if has_blocks(base, b, w):
        out = refuse_where(out, at_zero & (b <= 1), _power_diverges_lazily)
    return out[()] if out.ndim == 0 else out



@fact(allocates=True)
def power_log_cross(y, a, v, b=None):
    """``y * v / a`` for ``y = a ** b`` and a step ``v`` of ``a``: the ``a``-part of the
    tangent of :func:`power_log`.  Where ``a == 0`` it is the mixed partial of
    :func:`power_cross` times ``v`` (0 for ``b > 1``, refused for ``b <= 1`` when ``v``
    is not 0).  Without ``b`` (``None``) 0 where ``y * v`` is 0."""
    if b is None:
        return xdivy(y * v, a)
    base, b = as_array(a), as_array(b)
    v, y = as_array(v), as_array(y)
    at_zero = (base == 0) & (v != 0)
    if has_blocks(base, b, v, y):
        skip = (base == 0) | (v == 0)
        out = np.where(skip, 0.0, y * v / np.where(skip, 1.0, base))
        return refuse_where(out, at_zero & (b <= 1), _power_diverges_lazily)
    if np.any(at_zero & (b <= 1)):
        _power_diverges(base, b, np.broadcast_to(at_zero & (b <= 1), np.broadcast_shapes(
            base.shape, b.shape, v.shape, y.shape)))
    skip = (base == 0) | (v == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(skip, 0.0, y * v / np.where(skip, 1.0, base))
    return out[()] if out.ndim == 0 else out



@fact(allocates=True)
def tie_mask(a, b):
    """1 where ``a > b``, 1/2 where they tie, 0 elsewhere (adjoint of maximum/minimum)."""
    return (np.greater(a, b) + 0.5 * np.equal(a, b))



@fact(allocates=True)
def clip_mask(a, a_min, a_max):
    """1.0 where ``np.clip`` passed ``a`` through unchanged, 0.0 where it clipped.

    The clip masks are numbers, not booleans: an adjoint may negate them
    (``-clip_mask(...)`` when the clipped value is subtracted).
    """
    inside = np.ones(np.shape(a), dtype=bool)
    # not in place: the bounds may broadcast ``a`` to a larger shape
    if a_min is not None:
        inside = inside & np.greater_equal(a, a_min)
    if a_max is not None:
        inside = inside & np.less_equal(a, a_max)
    return inside * 1.0



@fact(allocates=True)
def clip_lower_mask(a, a_min, a_max):
    """1 where ``np.clip`` returned ``a_min``: ``a`` below it, and ``a_min`` not above ``a_max``."""
    below = np.less(a, a_min)
    if a_max is not None:
        below = below & np.less_equal(a_min, a_max)
    return below * 1.0



@fact(allocates=True)
def clip_upper_mask(a, a_min, a_max):
    """1 where ``np.clip`` returned ``a_max``: ``max(a, a_min)`` above it (numpy's order)."""
    if a_min is not None:
        a = np.maximum(a, a_min)
    return np.greater(a, a_max) * 1.0



@fact(allocates=True)
def quotient_slope(v, y, b):
    """``v / b``, and 0 where the quotient ``y`` (``a / b``) is infinite but ``b`` is not 0.

    The slope of ``a / b`` in ``b`` is ``-y / b`` (``quotient_slope(y, y, b)``): where an
    infinite ``a`` (an infinite entry of the data, ``-r / g`` with ``r = inf``) makes
    ``y`` infinite, ``y`` is infinite for every ``b`` near this one, a constant, and its
    slope is 0, where the formula gives ``inf`` (and ``nan`` once a zero weight meets it:
    ``exp(-r / g)``, ``logsumexp(-r / g)``).  A pole stays a pole (``1 / b`` at ``b == 0``:
    ``inf``).  The test costs one pass over ``y`` where it is finite (on Dask, the mask is
    applied lazily, block by block).
    """
    if y.__class__ is float and y - y == 0.0:   # (a finite Python number: the commonest)
        return v / b
    out = v / b
    infinite = np.isinf(y)
    if has_blocks(out, infinite):   # (Dask: the mask is built lazily, never tested now)
        return np.where(infinite & (b != 0), 0.0, out)
    if not infinite.any():
        return out
    out = np.where(infinite & (as_array(b) != 0), 0.0, out)
    return out[()] if out.ndim == 0 else out


@fact(allocates=True)
def xdivy(x, y):
    """``x / y``, and 0 where ``x`` is 0 (even where ``y`` is 0 too)."""
    x, y = as_array(x), as_array(y)
    zero = x == 0
    out = np.where(zero, 0.0, x / np.where(zero, 1.0, y))
    return out[()] if out.ndim == 0 else out


# ------------------------------------------- tangent rules (second order)


@tangent_beside(xlogy)
def xlogy_tangent(out, x, y, x_dot, y_dot):
    return xlogy(x_dot, y) + xdivy(x * y_dot, y)


@tangent_beside(power_slope)
def power_slope_tangent(out, a, b, c, a_dot, b_dot, c_dot):
    # the mixed term takes its step b_dot as an argument: where the step is 0 the
    # (maybe infinite, at a == 0) mixed partial is not needed, so it gives 0, not nan
    return power_slope(a, b - 1, c * b) * a_dot + power_cross(a, b, c * b_dot) \
        + power_slope(a, b) * c_dot


@tangent_beside(power_log)
def power_log_tangent(out, y, a, b, y_dot, a_dot):
    # the same mixed partial as in power_slope_tangent (a symmetric Hessian)
    return power_log(y_dot, a, b) + power_log_cross(y, a, a_dot, b)


@tangent_beside(quotient_slope)
def quotient_slope_tangent(out, v, y, b, v_dot, y_dot, b_dot):
    # (where the mask holds, out is 0 and so is its tangent: the mask is piecewise constant)
    return quotient_slope(v_dot, y, b) - quotient_slope(out * b_dot, y, b)


@tangent_beside(xdivy)
def xdivy_tangent(out, x, y, x_dot, y_dot):
    return xdivy(x_dot, y) - xdivy(out * y_dot, y)

