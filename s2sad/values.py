"""Which values s2sad differentiates: real numbers and real arrays.

Checked where values cross the API (arguments, outputs, tangents, cotangents)
and by generated code where it knows more (an output that is not a number, a
differentiated value written into an integer array).  Complex values are
refused everywhere: s2sad has no complex convention (conjugation), so a
complex value would give a gradient whose sign depends on how the function
is spelled.
"""

import numpy as np

from .errors import ValueTypeError

_REAL = frozenset({float, int, bool, np.float64, np.float32, np.int64, np.bool_})
_COMPLEX_HINT = ("s2sad differentiates real-valued code only: pass the real and imaginary "
                 "parts as two real arrays and compute with them")


def problem(value, depth=0):
    """None for a real number or real array (or a container of them), else a phrase
    naming what the value is (``"None"``, ``"a string"``, ``"a complex number"``...)."""
    cls = value.__class__
    if cls in _REAL:
        return None
    if cls is np.ndarray or isinstance(value, np.ndarray):
        kind = value.dtype.kind
        if kind == "c":
            return "a complex array"
        if kind in "OSUV" and depth == 0:
            return f"an array of dtype {value.dtype}"
        return None
    if value is None:
        return "None"
    if isinstance(value, (str, bytes)):
        return "a string"
    if isinstance(value, (complex, np.complexfloating)):
        return "a complex number"
    if isinstance(value, (list, tuple)) and depth < 3:
        for item in value:
            found = problem(item, depth + 1)
            if found is not None:
                return f"a {cls.__name__} holding {found}"
    if isinstance(value, dict) and depth < 3:
        for item in value.values():
            found = problem(item, depth + 1)
            if found is not None:
                return f"a dict holding {found}"
    return None


def is_complex(value, depth=0):
    """Whether ``value`` is complex or holds a complex number or array."""
    cls = value.__class__
    if cls in _REAL:
        return False
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "c"
    if isinstance(value, (complex, np.complexfloating)):
        return True
    if isinstance(value, (list, tuple)) and depth < 3:
        return any(is_complex(item, depth + 1) for item in value)
    if isinstance(value, dict) and depth < 3:
        return any(is_complex(item, depth + 1) for item in value.values())
    return False


def refuse_complex_arguments(args, kwargs, function_name):
    """Raise when an argument of ``function_name`` is complex (cheap for floats and real
    arrays: the common case)."""
    for position, value in enumerate(args):
        cls = value.__class__
        if cls is float or (cls is np.ndarray and value.dtype.kind != "c"):
            continue
        if is_complex(value):
            raise ValueTypeError(
                f"argument {position} of {function_name} is complex "
                f"({type(value).__name__}); s2sad does not differentiate complex values",
                hint=_COMPLEX_HINT)
    for name, value in kwargs.items():
        if is_complex(value):
            raise ValueTypeError(
                f"argument {name!r} of {function_name} is complex; s2sad does not "
                f"differentiate complex values", hint=_COMPLEX_HINT)


def refuse_value(value, what, function_name):
    """Raise when ``value`` (``what``: "the output", "the cotangent", ...) is not real
    and numeric."""
    found = problem(value)
    if found is None:
        return
    if "complex" in found:
        raise ValueTypeError(f"{what} of {function_name} is {found}; s2sad does not "
                             f"differentiate complex values", hint=_COMPLEX_HINT)
    raise ValueTypeError(f"{what} of {function_name} is {found}, not a number or an array "
                         f"of numbers, so it has no derivative",
                         hint="return (and pass) floats or float arrays")
