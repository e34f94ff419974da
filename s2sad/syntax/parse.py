"""Parse: a Python function object -> its gast tree, with names resolved.

Input: a plain Python function (not a builtin, not a lambda).
Output: a :class:`ParsedFunction` holding the ``gast.FunctionDef`` (decorators
removed, line numbers relative to the dedented source), the file it came from
and the line/column offsets that map tree positions back to the file, and a
resolver from free names to the objects they denote (closure cells, then the
function's globals, then builtins).  A forwarding wrapper
(``def wrapper(*args, **kwargs)``) has the parameters of the function it wraps.

The front door of the syntax layer: reading lives in :mod:`.source`, the
rewrite of forwarding wrappers in :mod:`.wrappers`; this module composes them
and re-exports what callers use.
"""

from .composed_kinds import specialize_derivative_calls
from .source import (ParsedFunction, SourceRef, is_user_function, not_a_function_error,
                     record_path, recording, same_code)
from .wrappers import parse_rewritten

__all__ = ["ParsedFunction", "SourceRef", "is_user_function", "not_a_function_error",
           "parse_function", "record_path", "recording", "same_code"]


def parse_function(func, passed=None, kinds=None) -> ParsedFunction:
    """Read ``func``'s source and return it as a :class:`ParsedFunction`.

    ``func`` itself, never what it wraps: a ``functools.wraps`` wrapper is the
    code that runs, and its own arithmetic is part of the derivative; its
    ``*args, **kwargs`` become the wrapped function's parameters by name.
    (``passed``: ``{parameter: function}`` the code is made for, see
    :func:`.function_args.bind_passed`; ``kinds``: ``{parameter: kind}`` of the
    arguments the code is made for, which a derivative the function calls with them is
    made for too, see :func:`.composed_kinds.specialize_derivative_calls`.)
    """
    parsed = parse_rewritten(func, passed)
    specialize_derivative_calls(parsed, kinds)
    return parsed
