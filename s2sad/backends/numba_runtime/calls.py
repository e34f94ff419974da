"""The call of the compiled function by the wrapper of a module ``s2sad grad --target
numba`` wrote: numba's own typing error at the first call with some argument types
(``W @ x`` of a float array and an integer one, which numba's matmul does not take)
becomes an s2sad error naming the user's line and what to do.  The API's
``backend="numba"`` runs the numpy code there instead (with a NumbaFallbackWarning); a
written module holds no numpy code to run, so it says so, and it never widens an integer
argument itself: an integer array may be an index, and integers are not floats (a product
past 2**63, a negative power)."""

import inspect
import os
import re

from numba.core.errors import TypingError

_LINE = re.compile(r'File "([^"]+)", line (\d+)')
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")   # (numba colours its messages)


def run_compiled(dispatcher, arguments, module_file):
    """``dispatcher(*arguments)``; numba's TypingError raised as an S2sadError (see the
    module)."""
    try:
        return dispatcher(*arguments)
    except TypingError as exc:
        raise _typing_error(exc, dispatcher, arguments, module_file) from None


def _typing_error(exc, dispatcher, arguments, module_file):
    from ...errors import S2sadError, located_in_written_module
    first = _ESCAPE.sub("", str(exc)).splitlines()
    reason = next((text.strip().rstrip(".:") for text in first if text.strip()
                   and "Failed in " not in text), "a typing error")
    line = _module_line(str(exc), module_file)
    where = located_in_written_module(module_file, line) if line is not None else None
    place = "" if where is not None else (
        f"{module_file}, line {line}: " if line is not None else f"{module_file}: ")
    integers = _integer_arguments(dispatcher, arguments)
    given = ("" if not integers else f"; the argument {integers[0]} is an integer or bool array"
             if len(integers) == 1 else
             f"; the arguments {', '.join(integers)} are integer or bool arrays")
    todo = ("pass float arrays (x.astype(float)) where the values are numbers, not indexes"
            if integers else "rewrite that line with numbers and arrays of one type")
    return S2sadError(
        place + f"numba cannot compile the module written for these arguments ({reason}"
        + (f", at line {line} of that module" if line is not None else "") + f"){given}",
        where, hint=f"{todo}, or write the module with --target numpy (the API's "
                    f"backend='numba' runs the numpy code there)")


def _module_line(message, module_file):
    """The last line of ``module_file`` numba's message names, or None."""
    name = os.path.basename(module_file)
    found = [int(m.group(2)) for m in _LINE.finditer(message)
             if os.path.basename(m.group(1)) == name]
    return found[-1] if found else None


def _integer_arguments(dispatcher, arguments):
    """The names of the parameters given integer or bool arrays (in tuples too)."""
    try:
        names = list(inspect.signature(dispatcher.py_func).parameters)
    except (AttributeError, TypeError, ValueError):
        names = [f"#{index}" for index in range(len(arguments))]
    return [name for name, value in zip(names, arguments) if _has_integers(value)]


def _has_integers(value):
    if value.__class__ is tuple:
        return any(_has_integers(item) for item in value)
    dtype = getattr(value, "dtype", None)
    return dtype is not None and getattr(value, "ndim", 0) > 0 and dtype.kind in "iub"
