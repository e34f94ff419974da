"""Exceptions raised by s2sad.

Every error about the user's code carries a :class:`SourceLocation` so the
message names the file, line and column, quotes the offending line with a
caret under it, and says what to do instead.
"""

import copy
import inspect
import linecache
import os
import re
import sys
import warnings
from dataclasses import dataclass
from typing import Optional

#: the global a module of generated code holds its user function in (see
#: ``emit.compile_module``): an error raised while it runs is located from it
ORIGIN = "__s2sad_origin__"
_BLOCK = re.compile(r"#\s*(?:grad of |tangent of )?line (\d+): ?(.*)$")
_DEF = re.compile(r"def (\w+)\(")
#: a second-order block's comment: the line of the gradient code it differentiates
_THROUGH = re.compile(r"#\s*line (\d+) of the generated (\w+): ?(.*)$")
#: the file name of the function s2sad writes to call a derivative given to a transform
#: (``api.composable.differentiable``)
_CALLER_FILE = re.compile(r"<s2sad \w+ caller [0-9a-f]+>$")


@dataclass(frozen=True)
class SourceLocation:
    """Where a construct stands in the user's source (1-based line and column, as in
    compilers and linters; ``code`` is the whole source line)."""

    filename: str
    line: int
    column: int
    code: str = ""

    def render(self) -> str:
        """``file:line:col`` followed by the source line and a caret."""
        head = f"{self.filename}:{self.line}:{self.column}"
        if not self.code:
            return head
        text = self.code.rstrip("\n")
        stripped = text.lstrip()
        indent = len(text) - len(stripped)
        caret = " " * max(self.column - 1 - indent, 0) + "^"
        return f"{head}\n    {stripped}\n    {caret}"


class S2sadError(Exception):
    """Base class of every error s2sad raises on purpose."""

    def __init__(self, message: str, location: Optional[SourceLocation] = None,
                 hint: str = ""):
        self.message = message
        self._location, self._placed = location, False
        self.hint = hint
        super().__init__(self._format())

    @property
    def location(self) -> Optional[SourceLocation]:
        """Where in the user's source.  An error a runtime helper raises while generated
        code runs knows no place when made: it is the line of the user's source that the
        generated block differentiates, found (once) when first asked after the raise."""
        if self._location is None and not self._placed and self.__traceback__ is not None:
            self._placed = True
            self._location = located_in_generated_code(self.__traceback__)
        return self._location

    @location.setter
    def location(self, value: Optional[SourceLocation]) -> None:
        self._location = value
        self._placed = self._placed or value is not None

    def __str__(self) -> str:
        return self._format()

    def _format(self) -> str:
        parts = []
        if self.location is not None and _CALLER_FILE.match(self.location.filename):
            # s2sad's own two-line caller of a derivative: no place
            self._location, self._placed = None, True
        if self.location is not None:
            loc = self.location
            parts.append(f"{loc.filename}:{loc.line}:{loc.column}: {self.message}")
            if loc.code:
                parts.append(self.location.render().split("\n", 1)[1])
        else:
            parts.append(self.message)
        if self.hint:
            parts.append(f"hint: {self.hint}")
        return "\n".join(parts)


class NumbaFallbackWarning(UserWarning):
    """``backend="numba"`` ran the numpy backend instead: numba cannot compile the
    generated code (the message names the construct and the user's line).  Turn it
    into an error with ``warnings.simplefilter("error", s2sad.NumbaFallbackWarning)``."""


class NumbaTargetError(S2sadError):
    """The numba target cannot take this generated code (the CLI's refusal; the API
    falls back to the numpy backend with a :class:`NumbaFallbackWarning`)."""


def seen_from_call(exc, location, what):
    """``exc``, raised while differentiating the code s2sad generated for ``what`` (a
    derivative the user's function calls, see ``api.composable``), placed at the user's
    call ``location``, with the generated line it met in its message."""
    found = exc.location
    if found is None or not found.filename.startswith("<s2sad "):
        return exc
    moved = copy.copy(exc)
    moved.message = (f"{exc.message} (in the code s2sad generated for {what}, at "
                     f"'{found.code.strip()}')")
    moved.location = location
    moved.args = (moved._format(),)
    return moved


class UnsupportedSyntaxError(S2sadError):
    """The function uses a Python construct s2sad cannot differentiate."""


class SharedWriteError(UnsupportedSyntaxError):
    """A write through a name that may share memory with a value read later.  Whether
    it does may depend on what the arguments are (a slice of a list is a new list, of
    an array a view), so the Python API raises it for the arguments it was made for."""


class FieldReadError(UnsupportedSyntaxError):
    """An attribute of a local value (``p.W``) the code was made without knowing to be a
    namedtuple's field.  The Python API makes code for the class of a namedtuple argument
    (and of one an argument holds), so it raises this when the derivative is called with
    arguments that do not show one there, not when it is made."""


class ObjectClassError(UnsupportedSyntaxError):
    """A method called through an object the function is given (``self.act(x)``): which
    function runs is the one of the object's class at each call, so the Python API makes
    the code when the derivative is called, for the class of the object given (once per
    class), and raises this only where it cannot (no call: ``s2sad.source``, the CLI)."""


class UndefinedNameError(UnsupportedSyntaxError, NameError):
    """A name the function reads is not defined.  Python looks names up when the code
    runs, so the Python API, which makes a derivative when it is asked for
    (``@s2sad.grad`` above helpers and globals the module defines lower down), makes it
    again when the derivative is called, and raises this only if the name is still
    not defined then (a NameError, as Python's)."""


class NoDerivativeRuleError(S2sadError):
    """A call has no derivative rule and no Python source to differentiate."""


class NonScalarOutputError(S2sadError):
    """``grad`` was asked for the gradient of a function with a non-scalar output."""


class ReboundNameError(S2sadError):
    """A module attribute a derivative rule reads (``np.sin`` in the adjoint of
    ``np.cos``) is bound to another object than the rule was written with."""


class SourceUnavailableError(S2sadError):
    """The source of the function to differentiate cannot be read."""


class WrtError(S2sadError):
    """The ``wrt`` argument names no parameter of the function."""


class RuleDefinitionError(S2sadError):
    """A derivative rule does not fit the function it is registered for."""


class ValueTypeError(S2sadError):
    """A value has a type s2sad does not differentiate: not a number (None, a string),
    a complex number, or a differentiated value written into an integer or bool array."""


class LazyShapeError(ValueTypeError):
    """A derivative needs a length that a lazy array (Dask) does not know before it is
    computed: the part of ``x[mask]`` for a lazy boolean ``mask`` (issue 17)."""


class CotangentError(S2sadError, ValueError):
    """A cotangent given to a pullback does not have the structure (tuple, list, dict,
    shape) of the output it stands for."""


class SharedArgumentsError(S2sadError, ValueError):
    """Two arguments share memory, and the function writes into one of them.

    The generated code writes into a copy of such an argument (the caller's
    arrays are never changed), so the other argument would not see the write
    that Python's own call makes it see.
    """


class SingularPointError(S2sadError, ZeroDivisionError):
    """A derivative's formula divided a Python float by zero: at a pole of the derivative
    (the slope of ``np.log(x)`` at ``x = 0.0``), where numpy's numbers give inf."""


class ChangedSinceError(S2sadError, ValueError):
    """An argument of ``vjp`` was changed in place before its pullback was called, where
    s2sad could not keep a copy of it (see ``runtime.arguments_kept``)."""


class DifferentRunsError(S2sadError):
    """A transform that runs the function's code once per column (``hessian``, forward
    ``jacobian``) found two runs giving different values of the function at the same
    arguments: each column would come from another function (see ``api.draws``)."""


class UnboundVariableError(S2sadError, UnboundLocalError):
    """Generated code read a local name that holds no value on the path taken (bound
    only in a branch not taken, or by a loop that ran no trip), where Python raises
    ``UnboundLocalError``."""


class TangentError(S2sadError, ValueError):
    """A tangent given to a jvp (or a direction given to an hvp) does not have the
    structure (tuple, list, dict, shape) of the parameter it stands for."""


def located_in_generated_code(tb) -> Optional[SourceLocation]:
    """The user's source line whose generated block the innermost frame of generated
    code in the traceback ``tb`` was running (its ``# line N:`` comment), or None."""
    site = None
    while tb is not None:
        if ORIGIN in tb.tb_frame.f_globals:
            site = tb.tb_frame, tb.tb_lineno
        tb = tb.tb_next
    return None if site is None else _located_at(*site)


def located_in_calling_code() -> Optional[SourceLocation]:
    """The user's source line whose generated block the innermost frame of generated
    code among the callers of the running code is running (as
    :func:`located_in_generated_code`), or None: for a check that runs later (on a
    Dask array, when it is computed) and must name the place it was made at."""
    frame = sys._getframe(1)
    while frame is not None:
        if ORIGIN in frame.f_globals:
            return _located_at(frame, frame.f_lineno)
        frame = frame.f_back
    return None


def located_first_made(run, made, limit=1_000_000) -> Optional[SourceLocation]:
    """The user's source line whose generated block first made a value for which
    ``made(value)`` holds, found by calling ``run()`` (which runs generated code again,
    on the arguments it ran with: for an error found in its result, such as a complex
    output) with a trace of the frames of generated code: the locals of each such frame
    are looked at as each line starts, and a value new there was made by the line run
    just before.  None where no block made one (or after ``limit`` lines)."""
    site, budget = [], [limit]

    def start(frame, event, arg):
        if site or budget[0] <= 0 or ORIGIN not in frame.f_globals:
            return None
        seen, last = {}, [frame.f_lineno]

        def step(frame, event, arg):
            if site or budget[0] <= 0:
                return None
            budget[0] -= 1
            if event in ("line", "return"):
                for name, value in list(frame.f_locals.items()):
                    if seen.get(name, _UNSEEN) is not value:
                        seen[name] = value
                        if made(value):
                            site.append((frame, last[0]))
                            return None
                last[0] = frame.f_lineno
            return step
        return step

    previous = sys.gettrace()
    sys.settrace(start)
    try:
        run()
    except Exception:   # (the error the first run raised, or another: the site is kept)
        pass
    finally:
        sys.settrace(previous)
    return _located_at(*site[0]) if site else None


_UNSEEN = object()


def located_line_of(function_name, line, name) -> Optional[SourceLocation]:
    """Line ``line`` of the user's function ``function_name``, whose generated code is
    running among the callers, at the first ``name`` on it (a check made on entry,
    before any block of the function's own lines), or None where it cannot be told."""
    frame = sys._getframe(1)
    while frame is not None and ORIGIN not in frame.f_globals:
        frame = frame.f_back
    if frame is None:
        return None
    origin = frame.f_globals[ORIGIN]
    source = origin if getattr(origin, "__name__", None) == function_name else \
        getattr(origin, "__globals__", {}).get(function_name)
    try:
        filename = inspect.getsourcefile(source) if inspect.isfunction(source) else None
    except TypeError:
        return None
    code = linecache.getline(filename, line) if filename else ""
    # at the first ``name`` on it, or where its statement starts (a change made through
    # another name holding the value: ``e["k"] = x`` after ``e = d``)
    found = re.search(rf"\b{re.escape(name)}\b", code) or re.search(r"\S", code)
    if found is None:
        return None
    return SourceLocation(filename, line, found.start() + 1, code.rstrip("\n"))


def located_from_generated(location, func, name=None) -> Optional[SourceLocation]:
    """The line of ``func``'s source whose generated block holds ``location`` (a place in
    the generated code of ``func``, quoted there as ``# line N:``), at the first ``name``
    on it (else where its statement starts), or None where it cannot be told."""
    if location is None:
        return None
    line, quoted, _ = _block_of(linecache.getlines(location.filename), location.line)
    try:
        filename = inspect.getsourcefile(func) if line is not None else None
    except TypeError:
        filename = None
    code = linecache.getline(filename, line) if filename else ""
    if filename and quoted and not _quotes(quoted, code):   # (a helper of another module)
        filename, code = _helper_quoting(func, line, quoted)
        code = code or ""
    found = (re.search(rf"\b{re.escape(name)}\b", code) if name else None) \
        or re.search(r"\S", code)
    if found is None:
        return None
    return SourceLocation(filename, line, found.start() + 1, code.rstrip("\n"))


def located_in_written_module(module_file, lineno) -> Optional[SourceLocation]:
    """The user's source line whose block in the module ``s2sad grad`` wrote at
    ``module_file`` holds line ``lineno`` (its ``# line N:`` comment; the source file
    from its ``# source: path:function`` header, relative to the module's directory),
    or None where it cannot be told (the source changed since, or is gone)."""
    lines = linecache.getlines(module_file)
    line, quoted, _ = _block_of(lines, lineno)
    header = next((re.match(r"# source: (.+):\w+\s*$", text) for text in lines[:4]
                   if text.startswith("# source: ")), None)
    if line is None or header is None:
        return None
    filename = os.path.join(os.path.dirname(os.path.abspath(module_file)), header.group(1))
    code = linecache.getline(filename, line)
    if not code or not _quotes(quoted, code):
        return None
    return SourceLocation(filename, line, len(code) - len(code.lstrip()) + 1, code.rstrip("\n"))


def _located_at(frame, lineno):
    """The user's source line of the generated block of ``frame`` at ``lineno``."""
    line, quoted, function = _block_of(linecache.getlines(frame.f_code.co_filename), lineno)
    source = _source_function(frame.f_globals[ORIGIN], function)
    if line is None or source is None:
        return None
    try:
        filename = inspect.getsourcefile(source)
    except TypeError:
        return None
    code = linecache.getline(filename, line) if filename else ""
    if not filename or not code or not _quotes(quoted, code):
        # (a helper of another module put in place of its call, as second-order code
        # does, is quoted by its own file's line)
        filename, code = _helper_quoting(source, line, quoted)
        if filename is None:
            return None
    return SourceLocation(filename, line, _statement_column(code), code.rstrip("\n"))


def _statement_column(code):
    """The 1-based column where the user's line ``code`` starts its computation: its
    first character, or, for a lambda bound on it (``inv = lambda t: 1.0 / t``), the
    lambda's body, which the derivative's block quoting the line computes."""
    indent = len(code) - len(code.lstrip())
    if "lambda" in code:
        import ast   # (only for a line naming a lambda)
        try:
            tree = ast.parse(code.strip())
        except SyntaxError:   # (a lambda spread over lines: its line's start)
            return indent + 1
        value = getattr(tree.body[0], "value", None) if len(tree.body) == 1 else None
        if isinstance(value, ast.Lambda) and isinstance(tree.body[0], ast.Assign):
            return indent + value.body.col_offset + 1
    return indent + 1


def _helper_quoting(function, line, quoted, limit=64):
    """``(file, code)`` of line ``line`` of the one function among those ``function``
    calls (by a global name or a module's attribute, and those they call, up to
    ``limit`` functions) whose source spans that line and whose line is ``quoted``;
    ``(None, None)`` where there is none or more than one file."""
    if not quoted:
        return None, None
    seen, queue, found = set(), [function], set()
    while queue and len(seen) < limit:
        fn = queue.pop(0)
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        try:
            filename = inspect.getsourcefile(fn)
            lines, first = inspect.getsourcelines(fn)
        except (OSError, TypeError):
            filename = None
        if fn is not function and filename and first <= line < first + len(lines) \
                and _quotes(quoted, linecache.getline(filename, line)):
            found.add((filename, linecache.getline(filename, line)))
        queue.extend(_called_functions(fn))
    return next(iter(found)) if len(found) == 1 else (None, None)


def _called_functions(fn):
    """The functions ``fn``'s code names: its globals and their attributes (``mod.f``)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    names, codes = set(), [code]
    while codes:   # (its nested functions' code too)
        current = codes.pop()
        names.update(current.co_names)
        codes.extend(c for c in current.co_consts if inspect.iscode(c))
    space = getattr(fn, "__globals__", {})
    out = []
    for name in sorted(names):
        value = space.get(name)
        if inspect.ismodule(value):
            with warnings.catch_warnings():   # (np.str and the like warn when read)
                warnings.simplefilter("ignore")
                found = [getattr(value, other, None) for other in sorted(names)]
            out.extend(f for f in found if inspect.isfunction(f))
        elif inspect.isfunction(value):
            out.append(value)
    return out


def _block_of(lines, lineno, depth=0):
    """``(N, quoted code, generated function)`` of the ``# line N: code`` comment of the
    block of generated code holding line ``lineno`` of ``lines``.  Second-order code
    quotes a line of the gradient code it was made from (``# line 22 of the generated
    f_value_and_grad: ...``): that line's own block, found in the gradient code's text
    (``linecache``, where ``emit.compile_module`` put it), names the user's line."""
    line = function = quoted = None
    for text in reversed(lines[:lineno]):
        if line is None and _BLOCK.search(text):
            line, quoted = int(_BLOCK.search(text).group(1)), _BLOCK.search(text).group(2)
        elif line is None and depth == 0 and _THROUGH.search(text):
            found = _THROUGH.search(text)
            inner = _generated_lines(found.group(2), int(found.group(1)), found.group(3),
                                     lines)
            return (None, None, None) if inner is None else \
                _block_of(inner, int(found.group(1)), depth + 1)
        if not text.startswith((" ", "\t")) and _DEF.match(text):
            function = _DEF.match(text).group(1)
            break
    return line, quoted, function


def quoted_source_line(lines, lineno):
    """The user's source line quoted by the ``# line N: code`` comment of the block of
    generated code ``lines`` holding line ``lineno``, or None where it cannot be told."""
    return _block_of(lines, lineno)[1]


def gradient_line_of(lines, lineno):
    """``(lines of the gradient code, line number there)`` of the statement at ``lineno``
    of second-order code ``lines`` (its ``# line N of the generated f_...: ...`` block
    comment), or None where it cannot be told."""
    for text in reversed(lines[:lineno]):
        if _BLOCK.search(text) and not _THROUGH.search(text):
            return None
        found = _THROUGH.search(text)
        if found:
            inner = _generated_lines(found.group(2), int(found.group(1)), found.group(3),
                                     lines)
            return None if inner is None else (inner, int(found.group(1)))
        if not text.startswith((" ", "\t")) and _DEF.match(text):
            return None
    return None


def _generated_lines(function, lineno, quoted, lines=()):
    """The lines of the one compiled module of generated code defining ``function``
    whose line ``lineno`` is ``quoted`` (and which every other ``# line K of the
    generated <function>: ...`` comment of ``lines``, the second-order code, quotes
    too: many modules may define ``f_value_and_grad``), or None (none, or more than one
    that differ)."""
    prefix = f"<s2sad {function} "
    quotes = [(int(m.group(1)), m.group(3)) for m in map(_THROUGH.search, lines)
              if m and m.group(2) == function]
    found = [entry[2] for name, entry in list(linecache.cache.items())
             if name.startswith(prefix) and len(entry) > 2 and len(entry[2]) >= lineno
             and _quotes(quoted, entry[2][lineno - 1])
             and all(k <= len(entry[2]) and _quotes(q, entry[2][k - 1]) for k, q in quotes)]
    # (modules that differ elsewhere, a header, but hold every line quoted agree here)
    return found[0] if found and (len(quotes) > 1 or all(
        other == found[0] for other in found)) else None


def _quotes(quoted, code):
    """Whether a block comment's quote (shortened with '...' when long) is the line."""
    quoted, code = quoted.strip(), code.strip()
    if quoted.endswith("..."):
        return code.startswith(quoted[:-3].rstrip())
    return quoted == code


def _source_function(origin, generated_name):
    """The user function whose derivative the generated function ``generated_name`` is
    (``helper_vjp`` -> ``helper``), looked for among ``origin``'s globals."""
    if generated_name is None:
        return None
    if generated_name.startswith(getattr(origin, "__name__", "") + "_"):
        return origin
    stems = [generated_name.rsplit("_", 1)[0]]
    named = _GENERATED_NAME.match(generated_name)
    if named is not None:   # (a callee's derivative: helper_vjp_x, helper_jvp_x)
        stems.insert(0, named.group(1))
    for stem in stems:
        found = getattr(origin, "__globals__", {}).get(stem)
        if inspect.isfunction(found):
            return found
    # ``origin`` may be a function s2sad wrote calling the user's (a lambda's or a
    # partial's, whose globals hold only it): the callee is among the functions it calls
    return _called_by_name(origin, stems[0])


#: a generated function's name: the user function's, then the derivative's kind and wrt
_GENERATED_NAME = re.compile(r"^(\w+?)_(?:vjp|jvp|hvp|value_and_grad|grad)(?:_\w+)?$")


def _called_by_name(function, name, limit=64):
    """The one function the global ``name`` holds (a def, or a module's lambda) in the
    module of a function ``function`` calls (as :func:`_called_functions` finds them, and
    those they call, up to ``limit``)."""
    seen, queue, found = set(), [function], set()
    while queue and len(seen) < limit:
        fn = queue.pop(0)
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        held = getattr(fn, "__globals__", {}).get(name) if fn is not function else None
        if inspect.isfunction(held):
            found.add(held)
        queue.extend(_called_functions(fn))
    return next(iter(found)) if len(found) == 1 else None
