"""Which values s2sad differentiates: real numbers and real arrays.

Checked where values cross the API (arguments, outputs, tangents, cotangents)
and by generated code where it knows more (an output that is not a number, a
differentiated value written into an integer array).  Complex values are
refused everywhere: s2sad has no complex convention (conjugation), so a
complex value would give a gradient whose sign depends on how the function
is spelled.
"""

import numpy as np

from .errors import ValueTypeError, located_first_made

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


def refuse_complex_arguments(args, kwargs, function_name, tail=()):
    """Raise when an argument of ``function_name`` is complex (cheap for floats and real
    arrays: the common case).  ``tail``: what the last ``len(tail)`` positional
    arguments are, when they are not the function's own (a jvp's tangents, an hvp's
    direction: "the tangent given to the jvp of f for 'x'"), which the message names."""
    first_of_tail = len(args) - len(tail)
    for position, value in enumerate(args):
        cls = value.__class__
        if cls is float or (cls is np.ndarray and value.dtype.kind != "c"):
            continue
        if is_complex(value):
            what = tail[position - first_of_tail] if position >= first_of_tail \
                else f"argument {position} of {function_name}"
            raise ValueTypeError(
                f"{what} is complex ({type(value).__name__}); s2sad does not "
                f"differentiate complex values", hint=_COMPLEX_HINT)
    for name, value in kwargs.items():
        if is_complex(value):
            raise ValueTypeError(
                f"argument {name!r} of {function_name} is complex; s2sad does not "
                f"differentiate complex values", hint=_COMPLEX_HINT)


class PowerDivergesError(ValueTypeError):
    """A second derivative of ``a ** b`` in both ``a`` and ``b`` is infinite (``a == 0``,
    ``b <= 1``); raised by second-order code, located by :func:`located_power_error`."""


class NoneOutputError(ValueTypeError):
    """The function returned None (a ``return`` without a value, or the end of its body),
    where a number or an array is needed."""


def refuse_value(value, what, function_name, func=None, rerun=None):
    """Raise when ``value`` (``what``: "the output", "the cotangent", ...) is not real
    and numeric.  For an output of None, ``func`` (when given) lets the error name the
    return statements that give None; for a complex one, ``rerun`` (when given: a call
    running the generated code that gave it again) lets it name the user's line whose
    code first made a complex value."""
    found = problem(value)
    if found is None:
        return
    if value is None and what == "the output":
        raise none_output(func, function_name)
    if "complex" in found:
        raise complex_error(what, function_name, found, rerun)
    raise ValueTypeError(f"{what} of {function_name} is {found}, not a number or an array "
                         f"of numbers, so it has no derivative",
                         hint="return (and pass) floats or float arrays")


def complex_error(what, function_name, found, rerun=None):
    """The error of a complex ``what`` of ``function_name`` (``found``: "a complex
    number", ...), at the user's line whose code first made a complex value where
    ``rerun`` (a call running the generated code that gave it again) finds one."""
    location = located_first_made(rerun, is_complex) if rerun is not None else None
    made, hint = "", _COMPLEX_HINT
    if location is not None:
        made = ": the first complex value is made on this line"
        if "**" in location.code or "pow(" in location.code:
            hint = ("a Python float that is negative, to a fractional power, is "
                    "complex (np.power gives nan instead); for a cube root write "
                    "np.cbrt(x); else keep the base positive")
    return ValueTypeError(f"{what} of {function_name} is {found}; s2sad does not "
                          f"differentiate complex values{made}", location, hint=hint)


def complex_leak(func, what):
    """The error for a complex ``what`` ("gradient", "derivative") computed from real
    arguments, located at the first complex constant or complex global / closure value
    that ``func``'s source reads (the likely cause), when there is one."""
    found = _complex_source(func)
    if found is None:
        return ValueTypeError(
            f"a complex value reached the {what} of {getattr(func, '__name__', func)}; "
            f"s2sad does not differentiate complex values", hint=_COMPLEX_HINT)
    location, described = found
    return ValueTypeError(
        f"a complex value reached the {what}: {described} is complex, and s2sad does "
        f"not differentiate complex values", location,
        hint="compute with real arrays only (keep complex constants out of the "
             "differentiated code, or pass real and imaginary parts as real values)")


def _complex_source(func):
    """(location, description) of the first complex constant or free name in ``func``."""
    import ast
    import inspect
    import textwrap

    from .errors import SourceLocation
    try:
        lines, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or func.__code__.co_filename
        tree = ast.parse(textwrap.dedent("".join(lines)))
        code = func.__code__
        cells = dict(zip(code.co_freevars, [c.cell_contents for c in func.__closure__ or ()]))
    except (OSError, TypeError, SyntaxError, AttributeError, ValueError):
        return None
    indent = len(lines[0]) - len(lines[0].lstrip())
    local = set(code.co_varnames) | set(code.co_cellvars)

    def free_value(node):
        if isinstance(node, ast.Name):
            if node.id in cells:
                return True, cells[node.id]
            if node.id not in local and node.id in func.__globals__:
                return True, func.__globals__[node.id]
            return False, None
        if isinstance(node, ast.Attribute):
            ok, base = free_value(node.value)
            if ok and inspect.ismodule(base) and hasattr(base, node.attr):
                return True, getattr(base, node.attr)
        return False, None

    nodes = sorted((n for n in ast.walk(tree) if hasattr(n, "lineno")),
                   key=lambda n: (n.lineno, n.col_offset))
    for node in nodes:
        described = None
        if isinstance(node, ast.Constant) and isinstance(node.value, complex):
            described = f"the constant {node.value!r}"
        elif isinstance(node, (ast.Name, ast.Attribute)) and isinstance(node.ctx, ast.Load):
            ok, value = free_value(node)
            if ok and not inspect.ismodule(value) and is_complex(value):
                described = f"{ast.unparse(node)!r} (a global or closure value)"
        if described is not None:
            line = first + node.lineno - 1
            import linecache
            return SourceLocation(filename, line, node.col_offset + indent + 1,
                                  linecache.getline(filename, line)), described
    return None


def none_output(func, function_name=None):
    """The error for an output of None, located at the return statement (or the end of
    the body) of ``func`` that gives None, when its source can be read."""
    name = function_name or getattr(func, "__name__", "the function")
    places = _none_returns(func) if func is not None else []
    hint = "return a number or an array on every path (Python returns None from a bare " \
           "'return' and from the end of the body)"
    if not places:
        return NoneOutputError(f"the output of {name} is None, not a number or an array of "
                               f"numbers, so it has no derivative", hint=hint)
    listed = ", ".join(f"line {loc.line} ({what})" for loc, what in places)
    return NoneOutputError(
        f"the output of {name} is None, not a number or an array of numbers, so it has no "
        f"derivative; {name} gives None at {listed}", places[0][0], hint=hint)


def _none_returns(func):
    """[(location, description)] of the places where ``func`` may return None."""
    import ast
    import inspect
    import linecache
    import textwrap

    from .errors import SourceLocation
    try:
        lines, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or func.__code__.co_filename
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError, AttributeError):
        return []
    defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    if not defs:
        return []
    indent = len(lines[0]) - len(lines[0].lstrip())
    places = []

    def at(node, what):
        line = first + node.lineno - 1
        places.append((SourceLocation(filename, line, node.col_offset + indent + 1,
                                      linecache.getline(filename, line)), what))

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
                continue
            if isinstance(child, ast.Return) and (
                    child.value is None or (isinstance(child.value, ast.Constant)
                                            and child.value.value is None)):
                at(child, "a 'return' without a value" if child.value is None
                   else "'return None'")
            visit(child)

    visit(defs[0])
    if _falls_through(defs[0].body):
        at(defs[0].body[-1], "the end of the body: this last statement can finish without "
                             "a 'return'")
    places.sort(key=lambda p: p[0].line)
    return places


def _falls_through(body):
    """Whether running ``body`` may reach its end (a conservative answer: True when
    unsure)."""
    import ast
    if not body:
        return True
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return False
    if isinstance(last, ast.If):
        return _falls_through(last.body) or _falls_through(last.orelse)
    if isinstance(last, ast.With):
        return _falls_through(last.body)
    if isinstance(last, ast.While) and isinstance(last.test, ast.Constant) \
            and last.test.value is True:
        return any(isinstance(n, ast.Break) for n in ast.walk(last))
    return True


def located_power_error(exc, func):
    """``exc`` (a :class:`PowerDivergesError` from generated code, which knows no source
    lines) located at the powers ``func``'s source computes (``**``, ``np.power``)."""
    import ast
    import inspect
    import linecache
    import textwrap

    from .errors import SourceLocation
    try:
        lines, first = inspect.getsourcelines(func)
        filename = inspect.getsourcefile(func) or func.__code__.co_filename
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (OSError, TypeError, SyntaxError, AttributeError):
        return exc
    indent = len(lines[0]) - len(lines[0].lstrip())
    sites = sorted(((n.lineno, n.col_offset) for n in ast.walk(tree)
                    if (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow))
                    or (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                        and n.func.attr in ("power", "float_power"))))
    if not sites:
        return exc
    line, column = first + sites[0][0] - 1, sites[0][1] + indent + 1
    others = sorted({first + s[0] - 1 for s in sites[1:]} - {line})
    also = f" (or the power at line {', '.join(map(str, others))})" if others else ""
    return PowerDivergesError(
        exc.message + also, SourceLocation(filename, line, column,
                                           linecache.getline(filename, line)), exc.hint)
