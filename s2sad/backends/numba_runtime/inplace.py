"""numba versions of ``check_not_inplace`` and ``check_in_place`` (:mod:`s2sad.runtime.checks`):
whether an augmented assignment (``j += 1``) makes a new value (a number, a tuple) or
updates its value in place (an array, a list), which the types decide.  Where the numpy
helper would refuse, the compiled code raises its error, with its location and hint
(``refusals``); called from Python, each name runs the numpy helper."""

import numpy as np
from numba import types
from numba.extending import overload

from ...runtime import checks as _numpy_checks
from .refusals import literal, raiser, refusal

_PARAMETERS = "value, message, hint, filename, line, column"


def check_not_inplace(value, message, hint, filename, line, column):
    """:func:`s2sad.runtime.checks.check_not_inplace` (numba: see the module)."""
    return _numpy_checks.check_not_inplace(value, message, hint, filename, line, column)


def check_in_place(value, message, hint, filename, line, column):
    """:func:`s2sad.runtime.checks.check_in_place` (numba: see the module)."""
    return _numpy_checks.check_in_place(value, message, hint, filename, line, column)


def _sample(t):
    """A Python value updated as a value of the numba type ``t`` is (in place or not),
    or None for a type not ported."""
    if isinstance(t, (types.Integer, types.Float, types.Boolean, types.Complex)):
        return 1.0
    if isinstance(t, types.BaseTuple):
        return ()
    if isinstance(t, types.Array):
        return np.zeros(1)
    if isinstance(t, (types.List, types.ListType)):
        return []
    return None


def _port(helper, value, message, hint, filename, line, column):
    sample = _sample(value)
    if sample is None:
        return None
    constants = [literal(t) for t in (message, hint, filename, line, column)]
    kind, raised = refusal(helper, sample, *constants)
    if kind is None:
        return lambda value, message, hint, filename, line, column: True
    return raiser(kind, raised, _PARAMETERS)


@overload(check_not_inplace, prefer_literal=True)
def _check_not_inplace(value, message, hint, filename, line, column):
    return _port(_numpy_checks.check_not_inplace, value, message, hint, filename, line, column)


@overload(check_in_place, prefer_literal=True)
def _check_in_place(value, message, hint, filename, line, column):
    return _port(_numpy_checks.check_in_place, value, message, hint, filename, line, column)
