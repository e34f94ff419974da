"""Parse: a Python function object -> its gast tree, with names resolved.

Input: a plain Python function (not a builtin, not a lambda).
Output: a :class:`ParsedFunction` holding the ``gast.FunctionDef`` (decorators
removed, line numbers relative to the dedented source), the file it came from
and the line/column offsets that map tree positions back to the file, and a
resolver from free names to the objects they denote (closure cells, then the
function's globals, then builtins).
"""

import builtins
import inspect
import textwrap
from dataclasses import dataclass, field
from typing import Any, Dict, List

import gast

from ..errors import SourceLocation, SourceUnavailableError, UnsupportedSyntaxError

_MISSING = object()


@dataclass(frozen=True)
class SourceRef:
    """A user statement as it stands in the file: position and text."""

    filename: str
    line: int
    column: int
    text: str


@dataclass
class ParsedFunction:
    func: Any
    node: gast.FunctionDef
    filename: str
    line_offset: int          # file line = tree line + line_offset
    column_offset: int        # file column = tree column + column_offset
    lines: List[str]          # the dedented source lines of the function
    closure: Dict[str, Any] = field(default_factory=dict)

    @property
    def name(self):
        return self.node.name

    @property
    def globals(self):
        return getattr(self.func, "__globals__", {})

    def location(self, node) -> SourceLocation:
        line = getattr(node, "lineno", None) or self.node.lineno
        col = getattr(node, "col_offset", 0) or 0
        code = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        indent = " " * self.column_offset
        return SourceLocation(self.filename, line + self.line_offset,
                              col + self.column_offset + 1, indent + code)

    def source_ref(self, stmt) -> SourceRef:
        first = stmt.lineno
        last = getattr(stmt, "end_lineno", None) or first
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            last = first  # a compound statement is quoted by its header line
        text = textwrap.dedent("\n".join(self.lines[first - 1:last])).strip()
        return SourceRef(self.filename, first + self.line_offset,
                         stmt.col_offset + self.column_offset, text)

    def resolve(self, name, default=_MISSING):
        """The object a free name denotes: closure cell, global, or builtin."""
        if name in self.closure:
            return self.closure[name]
        if name in self.globals:
            return self.globals[name]
        if hasattr(builtins, name):
            return getattr(builtins, name)
        if default is not _MISSING:
            return default
        raise KeyError(name)

    def is_resolvable(self, name):
        return self.resolve(name, _MISSING_SENTINEL) is not _MISSING_SENTINEL


_MISSING_SENTINEL = object()


def parse_function(func) -> ParsedFunction:
    """Read ``func``'s source and return it as a :class:`ParsedFunction`."""
    func = inspect.unwrap(func)
    if not inspect.isfunction(func):
        raise SourceUnavailableError(
            f"s2sad differentiates Python functions written with 'def'; got {func!r}",
            hint="wrap the computation in a def, or register a rule with @s2sad.adjoint")
    if func.__name__ == "<lambda>":
        raise SourceUnavailableError(
            "s2sad cannot read the source of a lambda passed directly",
            hint="define the function with 'def' and pass that")
    try:
        filename = inspect.getsourcefile(func) or inspect.getfile(func)
        raw_lines, first_line = inspect.getsourcelines(func)
    except (OSError, TypeError) as exc:
        message, hint = _why_no_source(func, exc)
        raise SourceUnavailableError(message, hint=hint) from None
    text = "".join(raw_lines)
    dedented = textwrap.dedent(text)
    first_code = next((ln for ln in raw_lines if ln.strip()), "")
    column_offset = len(first_code) - len(first_code.lstrip())
    try:
        module = gast.parse(dedented)
    except SyntaxError as exc:
        raise SourceUnavailableError(
            f"cannot parse the source of {func.__qualname__}: {exc.msg}") from None
    defs = [n for n in module.body if isinstance(n, gast.FunctionDef)]
    if not defs:
        raise SourceUnavailableError(
            f"the source of {func.__qualname__} holds no 'def' statement",
            hint="define the function with 'def'")
    node = defs[0]
    node.decorator_list = []
    closure = {}
    if func.__closure__:
        for name, cell in zip(func.__code__.co_freevars, func.__closure__):
            try:
                closure[name] = cell.cell_contents
            except ValueError:  # empty cell: not yet bound
                pass
    parsed = ParsedFunction(func=func, node=node, filename=filename,
                            line_offset=first_line - 1, column_offset=column_offset,
                            lines=dedented.splitlines(), closure=closure)
    if isinstance(node, gast.AsyncFunctionDef):  # pragma: no cover - defs filter
        raise UnsupportedSyntaxError("async functions cannot be differentiated",
                                     parsed.location(node))
    return parsed


def _why_no_source(func, exc):
    """(message, hint) for a function whose source inspect cannot read: a file that is
    not text in its declared encoding (UTF-8 unless declared) says so; a function with
    no file at all is one typed into an interactive prompt (or made by exec)."""
    import os
    import tokenize
    filename = func.__code__.co_filename
    what = f"cannot read the source of {func.__qualname__}"
    if os.path.isfile(filename):
        try:
            with open(filename, "rb") as handle:
                data = handle.read()
            encoding, _ = tokenize.detect_encoding(iter(data.splitlines(True)).__next__)
            data.decode(encoding)
        except (OSError, SyntaxError) as problem:
            return f"{what}: {filename}: {problem}", "check that the file can be read"
        except UnicodeDecodeError as problem:
            line = data[:problem.start].count(b"\n") + 1
            return (f"{what}: {filename} is not valid {encoding} text (byte "
                    f"0x{data[problem.start]:02x} on line {line})",
                    "save the file as UTF-8, or declare its encoding on its first line "
                    "(# -*- coding: latin-1 -*-)")
        return (f"{what}: {exc}", "the file may have changed since it was imported: "
                                  "re-import it (or restart) and try again")
    return (f"{what}: {exc}",
            "s2sad needs the function's source file; functions typed into an "
            "interactive prompt have none: put them in a module")


def is_user_function(obj):
    """A plain Python function s2sad can read and differentiate itself.

    Not numpy's own: before numpy 1.25 its array functions (``np.sort``,
    ``np.linalg.slogdet`` ...) are Python functions too, but a call to one
    without a rule must say so, not differentiate numpy's internals.
    """
    module = getattr(obj, "__module__", None) or ""
    return (inspect.isfunction(obj) and obj.__name__ != "<lambda>"
            and module != "numpy" and not module.startswith("numpy."))
