"""The errors of a gradient's generated code, as the user reads them (:func:`failure_of`).

Generated gradient code checks its output where it seeds the backward sweep
(``runtime.guards.ensure_scalar_output``); that check holds no arguments, so an
output found complex is refused at the line returning it.  :func:`located_output_error`
runs the call again, traced, on failure only, to name the line whose code first made
a complex value (``z = x ** 0.5`` of a negative Python float), as ``vjp`` does.
"""

from ..errors import NonScalarOutputError, ValueTypeError
from ..values import NoneOutputError, complex_error, none_output
from .singular import note_user_line, raise_singular

#: the start of the message of a complex output (``values.refuse_value``)
_COMPLEX_OUTPUT = "the output of "


def located_output_error(exc, function_name, rerun):
    """The error to raise in place of ``exc``, raised by a gradient's generated code,
    or None to raise ``exc`` as it is.  ``rerun``: runs the call again (its error is
    caught)."""
    if rerun is None or type(exc) is not ValueTypeError:
        return None
    message = exc.message
    prefix = f"{_COMPLEX_OUTPUT}{function_name} is "
    if not message.startswith(prefix) or "; s2sad does not differentiate complex values" \
            not in message or message.endswith("made on this line"):
        return None
    found = message[len(prefix):].split("; s2sad does not", 1)[0]
    error = complex_error("the output", function_name, found, rerun)
    return error if error.location is not None else None


def failure_of(func):
    """``failed(exc, rerun=None)`` of a gradient of ``func``: raises the error of its
    generated code ``exc`` as the user reads it (else returns); ``rerun``: runs the
    call again (see :func:`located_output_error`)."""

    def failed(exc, rerun=None):
        located = located_output_error(exc, func.__name__, rerun)
        if located is not None:
            raise located from None
        if isinstance(exc, NoneOutputError):   # (generated code knows no source lines)
            raise none_output(func) from None
        if isinstance(exc, ValueError) and "use s2sad.vjp" in str(exc):
            raise NonScalarOutputError(str(exc)) from None
        if exc.__class__ is ValueError:   # numpy's (a shape mismatch): the user's line noted
            note_user_line(exc, func.__name__)
        if isinstance(exc, ZeroDivisionError):
            raise_singular(exc, func.__name__)

    return failed
