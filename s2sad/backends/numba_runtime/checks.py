"""numba versions of two checks generated code makes as it runs: ``check_bound`` (a name
read after a loop that may have run no trip) and ``ensure_same_kind`` (``x *= v`` where
``x`` may be an integer array).

``check_bound`` takes, in numba code, the *flag* the numba target keeps beside a name
that may hold no value (``i_set``; see ``backends.numba_target``), where the numpy code
passes the name's value and compares it with ``UNBOUND``.  When either check fails,
the compiled code raises a plain error; the numba backend then runs the numpy code,
which raises s2sad's located error (see ``api.numba_backend``).  Called from Python,
each name runs the numpy helper.
"""

from numba import types
from numba.extending import overload

from ...runtime import checks as _numpy_checks
from ...runtime import guards as _numpy_guards
from .kinds import is_array


def check_bound(value, name, filename, line, column):
    """:func:`s2sad.runtime.check_bound` (numba: the name's flag; see the module)."""
    return _numpy_checks.check_bound(value, name, filename, line, column)


def ensure_same_kind(array, value, filename, line, column):
    """:func:`s2sad.runtime.ensure_same_kind` (numba: see the module)."""
    return _numpy_guards.ensure_same_kind(array, value, filename, line, column)


@overload(check_bound, inline="always")
def _check_bound(value, name, filename, line, column):
    if not isinstance(value, types.Boolean):
        return None   # only the flag the numba target writes

    def check(value, name, filename, line, column):
        if not value:
            raise UnboundLocalError("a local variable is read where it holds no value")
        return True
    return check


@overload(ensure_same_kind, inline="always")
def _ensure_same_kind(array, value, filename, line, column):
    if not is_array(array):
        return lambda array, value, filename, line, column: array   # a number: a new value
    if not array.mutable:
        def read_only(array, value, filename, line, column):
            raise ValueError("output array is read-only")
        return read_only
    if isinstance(array.dtype, (types.Float, types.Complex)):
        return lambda array, value, filename, line, column: array
    item = value.dtype if is_array(value) else value
    if isinstance(array.dtype, types.Integer) and isinstance(item, types.Integer) \
            and not isinstance(item, types.Boolean):
        return lambda array, value, filename, line, column: array

    def refuse(array, value, filename, line, column):
        raise TypeError("an augmented assignment would store a result numpy refuses to cast")
    return refuse
