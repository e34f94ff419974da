"""Source: a Python function object -> its gast tree as written, with names resolved.

The lowest layer of the front end: :func:`read_function` reads and parses the
source; :mod:`s2sad.syntax.wrappers` rewrites forwarding wrappers on top of it, and
:func:`s2sad.syntax.parse.parse_function` composes the two.

Input: a plain Python function (not a builtin, not a lambda).
Output: a :class:`ParsedFunction` holding the ``gast.FunctionDef`` (decorators
removed, line numbers relative to the dedented source), the file it came from
and the line/column offsets that map tree positions back to the file, and a
resolver from free names to the objects they denote (closure cells, then the
function's globals, then builtins).
"""

import ast
import builtins
import functools
import inspect
import os
import sys
import sysconfig
import textwrap
import tokenize
import types
import threading
from dataclasses import dataclass, field
from typing import Any, Dict, List

import gast

from . import anno, class_attributes, gastify, nodes
from .as_compiled import as_compiled
from .cached import uncached
from .own_builtins import NAMES as OWN_BUILTINS
from .blocks import definition, plain_margin
from ..errors import SourceLocation, SourceUnavailableError, UnsupportedSyntaxError

_MISSING = object()
_Module = type(sys)


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
    rewritten: bool = False   # the tree was changed after reading (no longer the source)
    as_read: Any = None       # a rewritten copy's original, when that one is as read
    made_names: frozenset = frozenset()   # closure names s2sad binds (.local_imports...)

    @property
    def name(self):
        return self.node.name

    @property
    def globals(self):
        return getattr(self.func, "__globals__", {})

    def walked(self):
        """``nodes.indexed_walk(self.node)``, made once per tree for the passes reading the
        whole function as it is (the fence, the scan of the arguments it writes into): a
        pass rewriting the tree does so before they run, or puts a new tree in ``node``."""
        found = self.__dict__.get("_walk_of_node")   # (no field: a copy checks its node)
        if found is None or found[0] is not self.node:
            found = self.__dict__["_walk_of_node"] = (self.node, nodes.indexed_walk(self.node))
        return found[1]

    def location(self, node) -> SourceLocation:
        line = getattr(node, "lineno", None) or self.node.lineno
        col = getattr(node, "col_offset", 0) or 0
        code = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if not code.isascii():   # Python counts UTF-8 bytes: a column counts characters
            col = len(code.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        indent = " " * self.column_offset
        return SourceLocation(self.filename, line + self.line_offset,
                              col + self.column_offset + 1, indent + code)

    def source_ref(self, stmt) -> SourceRef:
        first = stmt.lineno
        last = getattr(stmt, "end_lineno", None) or first
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            last = first  # a compound statement is quoted by its header line
        quoted = self.lines[first - 1:last]
        # (one line: dedent takes off its leading spaces and tabs, which strip takes too)
        text = quoted[0].strip() if len(quoted) == 1 else \
            textwrap.dedent("\n".join(quoted)).strip()
        return SourceRef(self.filename, first + self.line_offset,
                         stmt.col_offset + self.column_offset, text)

    def resolve_callee(self, func):
        """The object the callee ``func`` (``f``, ``module.f``, ``Cls.f``) names, or None
        (a builtin s2sad calls on its own names the builtin: see .own_builtins)."""
        if func.__class__ is gast.Name and func.id in OWN_BUILTINS \
                and getattr(func, anno.HELPER_NAME, False):
            return getattr(builtins, func.id)
        spelled = nodes.dotted_parts(func)
        if spelled is None:
            return None
        obj, attrs = self.resolve(spelled[0], None), spelled[1]
        for k, part in enumerate(attrs):
            if not inspect.ismodule(obj):   # (of a class: a def or staticmethod of it)
                return class_attributes.class_function(obj, part) \
                    if inspect.isclass(obj) and k == len(attrs) - 1 else None
            obj = getattr(obj, part, None)
        return obj

    def resolve(self, name, default=_MISSING, compose=True):
        """The object a free name denotes: closure cell, global, or builtin (a derivative
        s2sad made: its composable form, see :func:`composable`; ``compose=False``: the
        derivative itself, the value the name holds, which generated code reads)."""
        found = self.closure.get(name, _MISSING)
        if found is _MISSING:
            found = self.globals.get(name, _MISSING)
        if found is not _MISSING:
            # (the runtime's copy of numpy, runtime.numpy_view, is numpy to the passes)
            # (read from the module's namespace: getattr would call numpy's module
            # __getattr__, slow, for every name a function reads from numpy)
            found = found.__dict__.get(anno.VIEW_OF, found) if found.__class__ is _Module \
                else found
            return composable(found) if compose else found
        if hasattr(builtins, name):
            return getattr(builtins, name)
        if default is not _MISSING:
            return default
        raise KeyError(name)

    def is_resolvable(self, name):
        return self.resolve(name, _MISSING_SENTINEL) is not _MISSING_SENTINEL


_MISSING_SENTINEL = object()


def composable(obj):
    """``obj`` (a cached one: the function it caches, see ``.cached``), or, for a derivative
    the API made (``s2sad.grad(f)``...), the generated function computing the same: what a
    function being differentiated calls in its place (``anno.COMPOSE``)."""
    obj = uncached(obj)
    if obj.__class__ is _FunctionType:
        make = obj.__dict__.get(anno.COMPOSE)
        if make is not None:
            active = recorders()
            if not active:
                return make()
            # one form per derivative while one generation runs (every pass reads the same)
            memo = active[-1].composed
            found = memo.get(id(obj))
            if found is None or found[0] is not obj:
                found = memo[id(obj)] = (obj, make())
            return found[1]
    return obj


_FunctionType = type(composable)


def free_source(func, name):
    """The function whose scope binds the free ``name`` that ``func`` reads: ``func``
    itself, except in a composable form (see :func:`composable`), where a name of the
    user's is read from the user's function and any other is s2sad's own (None)."""
    sources = func.__dict__.get(anno.FREE_SOURCES) if func.__class__ is _FunctionType \
        else None
    return func if sources is None else sources.get(name)


def not_a_function_error(func):
    """The error for a callable that is not a plain ``def`` function: what to pass instead."""
    if inspect.ismethod(func) and inspect.isfunction(getattr(func, "__func__", None)):
        owner = type(func.__self__).__name__ if not inspect.isclass(func.__self__) \
            else func.__self__.__name__
        name = func.__func__.__name__
        spelled = (f"{owner}.{name}.__func__" if inspect.isclass(func.__self__)
                   else f"{owner}.{name}")
        return SourceUnavailableError(
            f"s2sad differentiates Python functions written with 'def'; got the bound method "
            f"{owner}.{name} (a function with its first argument already given)",
            hint=class_attributes.method_hint(func.__func__, spelled))
    call = getattr(type(func), "__call__", None)
    if not inspect.isclass(func) and not inspect.isbuiltin(func) \
            and inspect.isfunction(call):
        owner = type(func).__name__
        return SourceUnavailableError(
            f"s2sad differentiates Python functions written with 'def'; got an instance of "
            f"{owner}, a callable object", hint=class_attributes.method_hint(call, f"{owner}.__call__"))
    if isinstance(func, functools.partial):
        inner = getattr(func.func, "__qualname__", None) or type(func.func).__name__
        return SourceUnavailableError(
            f"s2sad differentiates a functools.partial by writing a def that calls its "
            f"function with the values it holds; got a partial of {inner}, "
            f"{_partial_obstacle(func)}",
            hint="write a def calling the function with the fixed values as globals or "
                 "defaults (def obj(x): return f(x, A, b)), or a lambda on a line of its "
                 "own (obj = lambda x: f(x, A, b))")
    return SourceUnavailableError(
        f"s2sad differentiates Python functions written with 'def'; got "
        f"{_short_repr(func)}",
        hint="wrap the computation in a def, or register a rule with @s2sad.adjoint")


def _partial_obstacle(made):
    """Why no def calls the function of the partial ``made`` (see
    ``syntax.callers.partial_caller``), in words."""
    name = getattr(made.func, "__name__", None)
    if name == "<lambda>":
        return "a lambda: such a def needs a name to call it by"
    if not isinstance(name, str) or not name.isidentifier():
        return "which has no name such a def could call it by"
    try:
        params = inspect.signature(made).parameters.values()
    except (TypeError, ValueError):
        return "whose parameters Python's inspect cannot tell"
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return "which takes *args or **kwargs: such a def names each parameter it passes"
    return (f"whose parameter names clash with {name!r} or {name + '_'!r}, the names "
            f"such a def uses, or which takes keywords it has no parameter for")


def _short_repr(obj, limit=80):
    """``repr(obj)`` on one line, cut at ``limit`` characters (never a whole array)."""
    try:
        text = " ".join(repr(obj).split())
    except Exception:   # pragma: no cover - a broken __repr__
        text = f"an instance of {type(obj).__name__}"
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ------------------------------------------------------------ what generation read
#
# Generated code depends on more than the differentiated function's code object:
# the code of every user function it reads (helpers, their helpers, a wrapper's
# wrapped function) and the object each dotted name (``np.tanh``, ``mod.helper``)
# resolved to, since rules are chosen by identity.  While :func:`recording` is
# active, :func:`parse_function` and the normalizer note these here, so the API
# can tell when a cached module no longer fits the code that runs now.

_RECORDING = threading.local()


class recording:
    """``with recording() as deps:`` collects what the generation inside read.

    ``deps.functions``: every user function parsed; ``deps.paths``: (root name,
    function whose scope binds it, attribute names, object) for each dotted name
    that resolved to a callable or a module.
    """

    def __init__(self):
        self.functions = []
        self.paths = []
        self.composed = {}   # id(derivative) -> (derivative, its form), see composable

    def __enter__(self):
        stack = getattr(_RECORDING, "stack", None)
        if stack is None:
            stack = _RECORDING.stack = []
        stack.append(self)
        return self

    def __exit__(self, *exc):
        _RECORDING.stack.pop()
        return False


def recorders():
    return getattr(_RECORDING, "stack", None) or ()


def record_path(root, scope_func, attrs, obj):
    """Note that ``root.attrs`` (``root`` read in ``scope_func``'s scope) was ``obj``."""
    if not (callable(obj) or inspect.ismodule(obj)):
        return
    for rec in recorders():
        rec.paths.append((root, scope_func, tuple(attrs), obj))


#: filename -> (the lines compiled, the module code object): one compile per file version
#: (the lines are linecache's list, which stays the same object until the file changes)
_COMPILED = {}


def _code_objects(code):
    yield code
    for const in code.co_consts:
        if inspect.iscode(const):
            yield from _code_objects(const)


def same_code(a, b):
    """Whether code objects ``a`` and ``b`` do the same (line numbers aside)."""
    if a is b:
        return True
    if (a.co_code != b.co_code or a.co_names != b.co_names or a.co_varnames != b.co_varnames
            or a.co_freevars != b.co_freevars or a.co_cellvars != b.co_cellvars
            or a.co_argcount != b.co_argcount or a.co_kwonlyargcount != b.co_kwonlyargcount
            or a.co_posonlyargcount != b.co_posonlyargcount or a.co_flags != b.co_flags
            or len(a.co_consts) != len(b.co_consts)):
        return False
    for x, y in zip(a.co_consts, b.co_consts):
        if inspect.iscode(x) or inspect.iscode(y):
            if not (inspect.iscode(x) and inspect.iscode(y) and same_code(x, y)):
                return False
        elif type(x) is not type(y) or repr(x) != repr(y):
            return False
    return True


def _source_is_running_code(func, filename, lines):
    """Whether the file text s2sad read (``lines``) defines ``func``'s code as it runs.

    The whole text is compiled as an import would compile it, and the function
    defined at the code's first line, with its name, must compile to the same
    code as ``func.__code__``: a file edited on disk after the import fails this.
    """
    if filename.startswith("<s2sad "):   # s2sad's own generated code (second order)
        return True
    cached = _COMPILED.get(filename)
    if cached is not None and cached[0] is lines:
        module_code = cached[1]
    else:
        try:
            module_code = compile("".join(lines), filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
        if len(_COMPILED) >= 64:   # a few files at a time (a fuzz campaign writes many)
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[filename] = (lines, module_code)
    code = func.__code__
    for candidate in _code_objects(module_code):
        if candidate.co_firstlineno == code.co_firstlineno and \
                candidate.co_name == code.co_name and same_code(candidate, code):
            return True
    return False


def _old_binding_holders(func):
    """The modules holding ``func`` where its own module, reloaded since, holds a new
    object under its name (``from helpmod import act`` run before ``helpmod`` was
    reloaded): the modules to reload.  Empty when its module was not reloaded."""
    own = sys.modules.get(getattr(func, "__module__", None) or "")
    current = getattr(own, func.__name__, func) if own is not None else func
    if current is func or getattr(current, "__code__", None) is None:
        return []
    return sorted(name for name, module in list(sys.modules.items())
                  if module is not own and isinstance(module, types.ModuleType)
                  and any(value is func for value in list(vars(module).values())))


def _last_definition_lines(filename, lines, start):
    """``definition_lines(filename, lines, start)`` without parsing the text, for the
    function s2sad's emitter wrote last in a module of its own (``<s2sad ...>``, see
    ``emit.compile_module``: a second-order gradient read back), else None.  Its ``def``
    line is a whole header (it ends with ``:``, no body on it) and every line after it
    is indented or blank, the last one code: nothing stands at the module's level after
    the function, whose last statement ends on the last line; so its block (what
    ``inspect.getblock`` and ``definition_lines`` give) runs to the end of the text."""
    if not filename.startswith("<s2sad ") or start >= len(lines) \
            or not lines[start].startswith("def ") or not lines[start].rstrip().endswith(":"):
        return None
    last = lines[-1].strip()
    if len(lines) == start + 1 or not last or last.startswith("#"):
        return None
    for line in lines[start + 1:]:
        if line[:1] not in (" ", "\t", "\n", "\r", ""):
            return None   # (something at the module's level, or a string across lines)
    return lines[start:]


def read_function(func) -> ParsedFunction:
    """Read ``func``'s source and return it, as written, as a :class:`ParsedFunction`.

    ``func`` itself, never what it wraps: a ``functools.wraps`` wrapper is the
    code that runs, and its own arithmetic is part of the derivative.  A
    forwarding wrapper's ``*args, **kwargs`` are left as they are (see
    :func:`s2sad.syntax.wrappers.rewrite`).
    """
    if not inspect.isfunction(func):
        raise not_a_function_error(func)
    if func.__name__ == "<lambda>":
        return _read_lambda(func)
    try:
        filename = inspect.getsourcefile(func) or inspect.getfile(func)
        all_lines, start = inspect.findsource(func)
        raw_lines, defined = _last_definition_lines(filename, all_lines, start), None
        if raw_lines is None:
            raw_lines, defined = definition(filename, all_lines, start)
        first_line = start + 1
    except (OSError, TypeError, IndexError) as exc:
        message, hint = _why_no_source(func, exc)
        raise SourceUnavailableError(message, hint=hint) from None
    if not _source_is_running_code(func, filename, all_lines):
        holders = _old_binding_holders(func)
        if holders:   # its module was reloaded: another module holds the old function
            names = ", ".join(holders)
            raise SourceUnavailableError(
                f"{func.__qualname__} is the function {func.__module__} defined before it was "
                f"reloaded: {names} still {'holds' if len(holders) == 1 else 'hold'} it (from "
                f"an import by name, `from {func.__module__} import {func.__name__}`), and "
                f"{filename} line {func.__code__.co_firstlineno} no longer defines the code "
                f"that runs",
                hint=(f"reload {names} too (importlib.reload({holders[0]}), or restart "
                      f"Python), then differentiate again" if "__main__" not in holders else
                      f"import it again (`from {func.__module__} import {func.__name__}`) "
                      f"after the reload, or restart Python, then differentiate again"))
        raise SourceUnavailableError(
            f"the source of {func.__qualname__} changed on disk since it was imported: "
            f"{filename} line {func.__code__.co_firstlineno} no longer defines the code that "
            f"runs",
            hint="reload the module (importlib.reload, or restart Python), then "
                 "differentiate again")
    _record(func)
    text = "".join(raw_lines)
    dedented = textwrap.dedent(text)
    first_code = next((ln for ln in raw_lines if ln.strip()), "")
    column_offset = len(first_code) - len(first_code.lstrip())
    if defined is not None and isinstance(defined, ast.FunctionDef) \
            and plain_margin(raw_lines, text, first_code[:column_offset]):
        # the file's tree holds the definition as its dedented text parses: not parsed
        # again, its locations moved to that text's (see blocks.plain_margin)
        node = gastify.to_gast(defined, lines=start, columns=column_offset)
    else:
        try:
            module = gastify.parse(dedented)   # (gast.parse, faster)
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
    as_compiled(node, text=text)   # (python -O: no asserts; a loop's else: after it...)
    parsed = ParsedFunction(func=func, node=node, filename=filename,
                            line_offset=first_line - 1, column_offset=column_offset,
                            lines=dedented.splitlines(), closure=_closure_of(func))
    if isinstance(node, gast.AsyncFunctionDef):  # pragma: no cover - defs filter
        raise UnsupportedSyntaxError("async functions cannot be differentiated",
                                     parsed.location(node))
    return parsed


def _record(func):
    for rec in recorders():
        rec.functions.append(func)
        rec.functions.extend(func.__dict__.get(anno.COMPOSED_FROM, ()))


def _closure_of(func):
    closure = {}
    if func.__closure__:
        for name, cell in zip(func.__code__.co_freevars, func.__closure__):
            try:
                closure[name] = cell.cell_contents
            except ValueError:  # empty cell: not yet bound
                pass
    return closure


def _read_lambda(func) -> ParsedFunction:
    """A lambda's source as the ``def`` it is (``obj = lambda x: quad(x, A, b)`` is
    ``def obj(x): return quad(x, A, b)``), named after the name a plain assignment binds
    it to (``lambda_`` otherwise): the one lambda of its file starting on its code's
    first line, its file compiled to the code that runs (an edit since is refused)."""
    code = func.__code__
    try:
        filename = inspect.getsourcefile(func) or inspect.getfile(func)
        all_lines, _ = inspect.findsource(func)
    except (OSError, TypeError, IndexError) as exc:
        message, hint = _why_no_source(func, exc)
        raise SourceUnavailableError(message, hint=hint) from None
    line = code.co_firstlineno
    if not _source_is_running_code(func, filename, all_lines):
        raise SourceUnavailableError(
            f"the source of the lambda at {filename} line {line} changed on disk since it "
            f"was compiled", hint="reload the module (importlib.reload, or restart "
                                  "Python), then differentiate again")
    try:
        module = gastify.parse("".join(all_lines))
    except SyntaxError as exc:   # pragma: no cover - the file compiled just above
        raise SourceUnavailableError(f"cannot parse {filename}: {exc.msg}") from None
    parent = {}
    found = []
    for node in gast.walk(module):
        for child in gast.iter_child_nodes(node):
            parent[id(child)] = node
        if isinstance(node, gast.Lambda) and node.lineno == line \
                and [a.id for a in node.args.args] == list(
                    code.co_varnames[:code.co_argcount]):
            found.append(node)
    if len(found) != 1:
        raise SourceUnavailableError(
            f"s2sad cannot tell which lambda of {filename} line {line} is the function "
            f"given: {len(found)} lambdas there take its arguments",
            hint="write the lambda on a line of its own (obj = lambda x: ...), or define "
                 "the function with 'def'")
    lam = found[0]
    owner = parent.get(id(lam))
    name = owner.targets[0].id if isinstance(owner, gast.Assign) and owner.value is lam \
        and len(owner.targets) == 1 and isinstance(owner.targets[0], gast.Name) \
        else "lambda_"
    body = gast.Return(value=lam.body)
    gast.copy_location(body, lam.body)
    body.end_lineno, body.end_col_offset = lam.body.end_lineno, lam.body.end_col_offset
    fields = dict(name=name, args=lam.args, body=[body], decorator_list=[], returns=None,
                  type_comment=None, type_params=[])
    node = gast.FunctionDef(**{k: v for k, v in fields.items()
                               if k in gast.FunctionDef._fields})
    gast.copy_location(node, lam)
    node.end_lineno, node.end_col_offset = lam.end_lineno, lam.end_col_offset
    _record(func)
    return ParsedFunction(func=func, node=node, filename=filename, line_offset=0,
                          column_offset=0, lines="".join(all_lines).splitlines(),
                          closure=_closure_of(func))


def _why_no_source(func, exc):
    """(message, hint) for a function whose source inspect cannot read: a file that is
    not text in its declared encoding (UTF-8 unless declared) says so; a function with
    no file at all is one typed into an interactive prompt (or made by exec)."""
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



#: numeric libraries whose functions s2sad never reads: their Python layers wrap
#: compiled code, so a function of theirs is differentiated by a rule or not at all
LIBRARIES = frozenset({"numpy", "scipy", "sklearn", "pandas", "jax", "jaxlib", "torch",
                       "tensorflow", "numba", "dask", "cupy", "autograd", "statsmodels",
                       "sympy", "numexpr", "xarray", "s2sad"})
_STDLIB = getattr(sys, "stdlib_module_names", None)   # Python 3.10 and newer
STDLIB_DIR = os.path.normcase(os.path.realpath(sysconfig.get_paths()["stdlib"]))


def is_library_function(obj):
    """Whether ``obj`` belongs to a library s2sad does not read: a numeric library
    of :data:`LIBRARIES` (s2sad's own helpers included) or Python's standard library."""
    module = getattr(obj, "__module__", None) or ""
    top = module.split(".")[0]
    if top in LIBRARIES:
        return True
    if _STDLIB is not None:
        return top in _STDLIB
    code = getattr(obj, "__code__", None)   # Python 3.9: by the file's directory
    path = os.path.normcase(os.path.realpath(code.co_filename)) if code else ""
    return path.startswith(STDLIB_DIR + os.sep) and "site-packages" not in path


def is_user_function(obj):
    """A plain Python function s2sad can read and differentiate itself: not a
    library's (:func:`is_library_function`).  Before numpy 1.25 numpy's array
    functions (``np.sort``...) are Python functions, and scipy's are
    (``scipy.special.logsumexp``): a call to one without a rule must say so, not
    differentiate the library's internals."""
    return inspect.isfunction(obj) and not is_library_function(obj)
