"""Python's TypeError where compiled code takes a float for an integer (``numba_positions``
writes the calls): numba would compute ``range(5.5)`` as ``range(5)`` and ``x[:2.0]`` as
``x[:2]``.  Called from Python, each name checks the value as Python does."""

import operator

from numba import types
from numba.extending import overload, register_jitable

_NOT_INTEGER = "'float' object cannot be interpreted as an integer"
_NOT_SLICE = "slice indices must be integers or None or have an __index__ method"


def integer_position(value):
    """``value``, an integer where Python takes one (a bound of ``range``, the digits of
    ``round``); for a float, Python's TypeError."""
    return operator.index(value)


def slice_position(value):
    """``value``, a bound of a slice; for a float, Python's TypeError."""
    if value is not None and not hasattr(value, "__index__"):
        raise TypeError(_NOT_SLICE)
    return value


@register_jitable
def _not_integer():
    raise TypeError(_NOT_INTEGER)


@register_jitable
def _not_slice():
    raise TypeError(_NOT_SLICE)


def _is_number(value):
    return isinstance(value, (types.Float, types.Complex))


@overload(integer_position)
def _integer_position(value):
    if _is_number(value):
        def refuse(value):
            _not_integer()
            return 0
        return refuse
    return lambda value: value


@overload(slice_position)
def _slice_position(value):
    if _is_number(value):
        def refuse(value):
            _not_slice()
            return 0
        return refuse
    return lambda value: value
