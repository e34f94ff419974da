"""A ZeroDivisionError raised by a derivative's own statement in generated code, told
apart from one the function itself raises (Python's, passed on as it is).

A Python float divided by zero raises where a numpy number gives inf: the derivative of
``np.log(x)`` at ``x = 0.0`` is ``g / x``.  Where the statement that raised is a
derivative's (see :func:`_in_derivative`), :func:`raise_singular` raises
:class:`~s2sad.errors.SingularPointError` located at the user's line.
"""

import linecache
import re

from ..errors import ORIGIN, SingularPointError, gradient_line_of, located_in_generated_code

_DERIVATIVE_TARGET = re.compile(r"^\s*\w+_(bar|dot)\w*\s*(\[.*\])?\s*[-+*/]?=")
_TANGENT_TARGET = re.compile(r"^\s*\w+_dot\w*\s*(\[.*\])?\s*[-+*/]?=")
_BLOCK_COMMENT = re.compile(r"^\s*# (grad of )?line \d+")
#: the kind of derivative a generated function's name ends with (f_jvp, helper_jvp_x)
_KIND = re.compile(r"_(vjp|jvp|hvp|value_and_grad)(?=_|$)")


def raise_singular(exc, func_name):
    """Raise :class:`SingularPointError` from ``exc`` (a ZeroDivisionError) where a
    derivative's statement in generated code raised it; else return (``exc`` stands: the
    function's own, Python's error, with a note naming the user's line that raised it,
    as :func:`note_user_line` adds)."""
    if isinstance(exc, SingularPointError):
        return
    if not _in_derivative(exc.__traceback__):
        note_user_line(exc, func_name)
        return
    where = located_in_generated_code(exc.__traceback__)
    raise SingularPointError(
        f"the derivative of {func_name} divides a Python float by zero here: the "
        f"derivative is infinite or undefined at this point (numpy's numbers give inf or "
        f"nan, a Python float raises)", where,
        hint=_python_float_hint(where.code if where is not None else "")) from None


#: a call of one of math's functions (``math.sqrt(x)``), and a float literal
_MATH_CALL = re.compile(r"\bmath\.([a-z_0-9]+)\s*\(")
_FLOAT_LITERAL = re.compile(r"(?<![\w.])(\d+\.\d*|\.\d+|\d+(?:\.\d*)?[eE][-+]?\d+)(?![\w.])")


def _python_float_hint(code):
    """What makes the zero of the user's line ``code`` a numpy number: math's functions
    return Python floats whatever they are given (numpy's own function does not); a
    float literal is a Python float (np.float64(...) of it is not); else the argument
    the call passed."""
    import numpy as np
    tail = ", or differentiate at another point"
    called = [m for m in _MATH_CALL.findall(code) if hasattr(np, m)]
    if called:
        name = called[0]
        return (f"math.{name} returns a Python float whatever it is given: write "
                f"np.{name}(...) in its place to get numpy's inf or nan" + tail)
    literal = _FLOAT_LITERAL.search(code)
    if literal is not None:
        number = literal.group(1)
        return (f"a number literal ({number}) is a Python float: write it as "
                f"np.float64({number}) to get numpy's inf or nan, or pass the arguments "
                f"as np.float64(...)" + tail)
    return "pass the number as np.float64(...) to get numpy's inf or nan" + tail


def note_user_line(exc, func_name):
    """Add to ``exc`` (an error numpy raised in generated code: a shape mismatch) a note
    naming the user's line whose code raised it, for a derivative's statement the line
    it differentiates; the error stays the one Python raised.  Once per error."""
    if getattr(exc, "__notes__", None) and any("s2sad:" in n for n in exc.__notes__):
        return
    where = located_in_generated_code(exc.__traceback__)
    if where is None:
        return
    what = "the derivative of " if _in_derivative(exc.__traceback__) else ""
    note = (f"s2sad: raised by {what}{func_name}'s line {where.filename}:{where.line}: "
            f"{where.code.strip()}")
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:   # (Python before 3.11: kept where 3.11's tracebacks would print it)
        exc.__notes__ = list(getattr(exc, "__notes__", ())) + [note]


def _in_derivative(tb):
    """Whether the innermost frame of generated code in ``tb`` ran a derivative's own
    statement: in reverse-mode code one in a ``# grad of line N`` block (the primal
    statements sit in ``# line N`` blocks); in forward-mode code, where both share a
    block, one binding a tangent (``*_dot``); in second-order code, one binding an
    adjoint or a tangent of it (``*_bar``, ``*_dot``), or made from a statement of a
    ``# grad of line N`` block of the gradient code."""
    site = None
    while tb is not None:
        if ORIGIN in tb.tb_frame.f_globals:
            site = tb.tb_frame.f_code, tb.tb_lineno
        tb = tb.tb_next
    if site is None:
        return False
    code, lineno = site
    lines = linecache.getlines(code.co_filename)
    if not lines or lineno > len(lines):
        return False
    kinds = _KIND.findall(code.co_name)   # (a callee's: helper_jvp_x)
    if kinds and kinds[-1] == "jvp":
        return bool(_TANGENT_TARGET.match(lines[lineno - 1]))
    if kinds and kinds[-1] == "hvp":
        if _DERIVATIVE_TARGET.match(lines[lineno - 1]):
            return True
        # (a temporary of a gradient statement, div = 1.0 / x of x_bar = 1.0 + 1.0 / x:
        # the statement of the gradient code it was made from tells)
        inner = gradient_line_of(lines, lineno)
        return inner is not None and _in_grad_block(*inner)
    return _in_grad_block(lines, lineno)


def _in_grad_block(lines, lineno):
    """Whether line ``lineno`` of reverse-mode code ``lines`` is in a ``# grad of line
    N`` block."""
    for text in reversed(lines[:lineno - 1]):
        found = _BLOCK_COMMENT.match(text)
        if found:
            return bool(found.group(1))
    return False
