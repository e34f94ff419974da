"""Tangents forward mode cannot determine: the columns of a full ``U`` (rows of a full
``Vh``) of ``np.linalg.svd(a, full_matrices=True)`` beyond ``min(m, n)``, which ``a``
does not determine (any orthonormal completion will do).

Reverse mode refuses a nonzero cotangent reaching them.  Forward mode cannot see,
where it makes their tangent, whether the output reads them, so it gives them NaN
and notes the located refusal (:func:`undetermined_columns`); the forward-mode entry
points run the generated code :func:`watching` and refuse with that note where the
output's tangent holds a NaN (:func:`refuse_undetermined`), as reverse mode refuses:
it never returns a number there.  Where no entry point watches (a module the command
line wrote, run by hand), the NaN is what the tangent holds.
"""

import contextlib
import threading

from .numpy_view import np
from ..errors import S2sadError

_STATE = threading.local()


class LinalgDerivativeError(S2sadError, ValueError):
    """A linear-algebra derivative that does not exist (or is not unique) at the
    value reached: eigenvectors at a repeated eigenvalue, singular vectors at a
    repeated or zero singular value, the columns of a full ``U`` beyond ``min(m, n)``
    (``s2sad.runtime.linalg`` exports it)."""

#: the refusal of the columns beyond min(m, n) (reverse mode's words, forward's too)
SVD_BEYOND = ("np.linalg.svd(a, full_matrices=True) of a non-square matrix: the columns "
              "of U (rows of Vh) beyond min(m, n) are not unique and have no derivative")
SVD_BEYOND_HINT = "pass full_matrices=False"


def undetermined_columns(d, total):
    """The tangent ``d`` of the first ``k`` columns, with NaN for the columns beyond
    them up to ``total``; the located refusal noted for the forward-mode call that
    watches (the first made is kept)."""
    watch = getattr(_STATE, "watch", None)
    if watch is not None and not watch:
        from ..errors import located_in_calling_code
        watch.append(located_in_calling_code())
    return np.concatenate([d, np.full(d.shape[:-1] + (total - d.shape[-1],), np.nan)], -1)


@contextlib.contextmanager
def watching():
    """Within: undetermined tangents made are noted in the list given (nested calls
    each keep their own)."""
    previous = getattr(_STATE, "watch", None)
    _STATE.watch = watch = []
    try:
        yield watch
    finally:
        _STATE.watch = previous


def _has_nan(x):
    if isinstance(x, dict):
        return any(_has_nan(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return any(_has_nan(v) for v in x)
    try:
        arr = np.asarray(x)
    except Exception:   # (an object numpy does not read: no number of ours)
        return False
    return arr.dtype.kind in "fc" and bool(np.any(np.isnan(arr)))


def refuse_undetermined(watch, tangent):
    """Raise reverse mode's located refusal where the generated code run within
    :func:`watching` (``watch``) made an undetermined tangent and the output's
    ``tangent`` holds a NaN (the undetermined part reached it)."""
    if watch and _has_nan(tangent):
        raise LinalgDerivativeError(SVD_BEYOND, watch[0], hint=SVD_BEYOND_HINT)
