"""The numpy helpers' own refusals, raised from numba code.

numba raises an exception from compiled code by calling its class with constant
arguments when the call returns to Python: a refusal that the argument types decide
(an integer target array, a complex output) is made by the numpy helper when numba
types the call, on a sample value, and raised with the message, location and hint it
has.  The classes here rebuild an s2sad error's location from constants (numba freezes
strings and numbers, not a :class:`~s2sad.errors.SourceLocation`).
"""

from ...errors import S2sadError, UnboundVariableError, UnsupportedSyntaxError, ValueTypeError
from ...runtime.checks import source_location


class LocatedValueTypeError(ValueTypeError):
    """:class:`s2sad.errors.ValueTypeError` at ``filename:line:column``."""

    def __init__(self, message, filename, line, column, hint=""):
        super().__init__(message, source_location(filename, line, column), hint=hint)


class LocatedUnsupportedSyntaxError(UnsupportedSyntaxError):
    """:class:`s2sad.errors.UnsupportedSyntaxError` at ``filename:line:column``."""

    def __init__(self, message, filename, line, column, hint=""):
        super().__init__(message, source_location(filename, line, column), hint=hint)


class LocatedUnboundVariableError(UnboundVariableError):
    """:class:`s2sad.errors.UnboundVariableError` at ``filename:line:column``."""

    def __init__(self, message, filename, line, column, hint=""):
        super().__init__(message, source_location(filename, line, column), hint=hint)


_LOCATED = {ValueTypeError: LocatedValueTypeError,
            UnsupportedSyntaxError: LocatedUnsupportedSyntaxError,
            UnboundVariableError: LocatedUnboundVariableError}


def refusal(helper, *args):
    """``(kind, constants)``: the exception class and arguments that raise, from numba
    code, what ``helper(*args)`` raises; ``(None, None)`` when it raises nothing or
    an error that cannot be rebuilt from constants."""
    try:
        helper(*args)
    except S2sadError as error:
        location = error.location
        if location is None:
            return type(error), (error.message, None, error.hint)
        kind = _LOCATED.get(type(error))
        if kind is None:
            return None, None
        return kind, (error.message, location.filename, location.line, location.column,
                      error.hint)
    except ValueError as error:
        return ValueError, (str(error),)
    return None, None


def literal(t):
    """The value of a literal numba type (a string or int constant in generated code),
    or the value of an argument left out; else ``refusal_unknown``."""
    value = getattr(t, "literal_value", _UNKNOWN)
    if value is _UNKNOWN and not hasattr(t, "key"):
        value = getattr(t, "value", t)   # Omitted(default), or the default itself
    return value


_UNKNOWN = object()
refusal_unknown = _UNKNOWN


def raiser(kind, constants, parameters):
    """A numba implementation with the ``parameters`` of the overloaded helper (its
    ``def`` line's text, defaults included) that raises ``kind(*constants)``."""
    names = ", ".join(f"c{i}" for i in range(len(constants)))
    scope = {"kind": kind, **{f"c{i}": c for i, c in enumerate(constants)}}
    exec(f"def impl({parameters}):\n    raise kind({names})\n", scope)
    return scope["impl"]
