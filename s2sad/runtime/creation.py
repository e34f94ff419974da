"""Adjoints of the numpy functions that make arrays from numbers: ``np.linspace``,
``np.arange`` (their values depend on the start, stop and step given as floats)."""

from .numpy_view import np
from .duck import as_array, as_like, duck_among, is_duck

from ..rules.records import fact


@fact(allocates=True, linear=("g",))
def linspace_bar(g, start, stop, num=50, endpoint=True, axis=0):
    """Adjoints ``(start_bar, stop_bar)`` of ``np.linspace(start, stop, num, endpoint,
    axis=axis)``: its samples are ``start + (stop - start) * t`` with ``t`` the same
    samples of [0, 1], so each endpoint's adjoint is ``g`` weighted by ``1 - t`` or
    ``t`` and summed along the samples' axis (in the broadcast shape of start and
    stop; the caller reduces it to each one's shape)."""
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint)
    g = np.moveaxis(as_array(g, dtype=float), axis, 0)
    to_stop = np.tensordot(t, g, axes=(0, 0))
    to_start = np.tensordot(1.0 - t, g, axes=(0, 0))
    return to_start, to_stop


@fact(allocates=True, linear=("start", "stop"))
def linspace_of(start, stop, num=50, endpoint=True, axis=0):
    """``np.linspace(start, stop, num, endpoint, axis=axis)``; with a duck array among
    ``start`` and ``stop`` (Dask's np.linspace takes numbers only, and no ``axis``) as
    ``start + (stop - start) * t`` with ``t`` the samples of [0, 1] along ``axis``."""
    duck = duck_among(start, stop)
    if duck is None:
        return np.linspace(start, stop, num, endpoint, axis=axis)
    start, stop = as_like(start, duck), as_like(stop, duck)
    width = stop - start
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint).reshape((num,) + (1,) * width.ndim)
    return np.moveaxis(start + width * as_like(t, duck), 0, axis)


@fact(allocates=True, linear=("g",))
def arange_bar(g, start_or_stop, stop=None, step=1):
    """Adjoints ``(start_bar, step_bar)`` of ``np.arange(start, stop, step)``: the values
    are ``start + i * step``, so start's adjoint is the sum of ``g`` and step's the
    sum of ``i * g``.  With one argument (the stop) the values are ``0, 1, ...``: no
    derivative."""
    g = as_array(g, dtype=float)
    if stop is None:
        return 0.0, 0.0
    start_bar, step_bar = np.sum(g), np.sum(g * np.arange(g.shape[0]))
    if is_duck(g):   # (lazy 0-d arrays)
        return start_bar, step_bar
    return float(start_bar), float(step_bar)


@fact(linear=("g",))
def float_only(g, y):
    """``g`` where ``y`` holds floats; zeros for an integer or bool ``y`` (a constant:
    ``np.full(3, x, dtype=int)`` truncates)."""
    if np.result_type(y).kind in "fc":
        return g
    return np.zeros(np.shape(g))


def arange_dot(y, stop, start_dot, step_dot):
    """The tangent of ``y = np.arange(start, stop, step)``: ``start_dot + i * step_dot``
    (zero with one argument, the stop)."""
    if stop is None or np.result_type(y).kind not in "fc":
        return np.zeros(np.shape(y))
    return start_dot + np.arange(np.shape(y)[0]) * step_dot
