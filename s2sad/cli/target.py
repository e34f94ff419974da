"""The user's function named on the command line: ``PATH.py:FUNCTION`` parsed, the
module imported (and its traces in ``sys.modules`` and ``sys.path`` removed after),
the function found in it, ``--wrt`` resolved to parameter names.  Every failure
is a located :class:`CliError`.
"""

import contextlib
import functools
import importlib.util
import inspect
import linecache
import os
import sys
import traceback

from ..errors import S2sadError, WrtError
from ..pipeline import resolve_wrt
from ..syntax.cached import uncached
from .messages import CliError, shown_path, source_detail
from .partials import FROZEN, partial_function


def parse_target(spec):
    """``PATH.py:FUNC`` -> (path, function name)."""
    path, sep, func = spec.rpartition(":")
    if not sep or not path or not func:
        raise CliError(f"expected PATH.py:FUNCTION, got {spec!r}",
                       hint="for example: s2sad grad model.py:loss --wrt w")
    if not all(part.isidentifier() for part in func.split(".")):
        raise CliError(f"{func!r} is not a function name", where=path)
    return path, func


def _frame_in(tb, path):
    """The last traceback entry that lies in ``path`` (the user's file), if any."""
    found = None
    for entry in traceback.extract_tb(tb):
        if os.path.abspath(entry.filename) == path:
            found = entry
    return found


@contextlib.contextmanager
def user_module(path):
    """Import the module at ``path`` (its directory on ``sys.path`` meanwhile).

    The module is registered under its file stem for the duration, so helpers
    it defines are importable by that name (generated code imports them so); a
    file inside a package (a directory holding ``__init__.py``) is imported as the
    user's program imports it, under its dotted name (``pkg.src``, its packages
    first, the directory above the top package on ``sys.path``), so the written
    module imports ``from pkg.src import W`` and checks the globals of the module
    the program uses, not of a second copy loaded as ``src``.  Afterwards
    ``sys.path`` and every module this import added from the user's directory are
    restored, so several files can be loaded in turn.
    """
    shown = shown_path(path)
    path = os.path.abspath(path)
    if not os.path.exists(path):
        raise CliError("no such file", where=shown)
    if not os.path.isfile(path):
        raise CliError("not a file", where=shown)
    if not path.endswith(".py"):
        raise CliError("not a Python source file (expected a .py file)", where=shown)
    directory = os.path.dirname(path)
    stem = os.path.splitext(os.path.basename(path))[0]
    root, name = _package_name(directory, stem)
    if root is None:
        root = directory
        name = stem if stem.isidentifier() else "s2sad_user_" + "".join(
            c if c.isalnum() else "_" for c in stem)
    saved_path = list(sys.path)
    saved_modules = dict(sys.modules)
    saved_bytecode = sys.dont_write_bytecode
    sys.path.insert(0, directory)
    if root != directory:   # (the packages' parent first: ``pkg`` is found there)
        sys.path.insert(0, root)
    sys.dont_write_bytecode = True   # leave no __pycache__ in the user's tree
    try:
        try:
            module = _imported(name, path, root != directory)
        except SyntaxError as exc:
            line = exc.lineno or 0
            column = max((exc.offset or 1) - 1, 0)
            where = shown if not exc.filename or os.path.abspath(exc.filename) == path \
                else shown_path(exc.filename)
            raise CliError(f"invalid Python syntax: {exc.msg}",
                           where=f"{where}:{line}:{column + 1}",
                           detail=source_detail(exc.text or "", column)) from None
        except SystemExit as exc:
            raise CliError(f"the module called sys.exit({exc.code!r}) while being imported",
                           where=shown, hint="guard that code with "
                                             "'if __name__ == \"__main__\":'") from None
        except Exception as exc:  # noqa: BLE001 - the user's module failed to import
            entry = _frame_in(exc.__traceback__, path) or _frame_under(exc.__traceback__, root)
            where, detail = shown, ""
            if entry:   # 1-based columns, as everywhere else
                file = os.path.abspath(entry.filename)
                shown_file = shown if file == path else shown_path(file)
                code = linecache.getline(file, entry.lineno) or entry.line or ""
                column = getattr(entry, "colno", None)
                if column is None:   # no column (Python < 3.11): the statement's start
                    column = len(code) - len(code.lstrip())
                where = f"{shown_file}:{entry.lineno}:{column + 1}"
                detail = source_detail(code, column) if code.strip() else ""
            raise CliError(f"importing the module raised {type(exc).__name__}: {exc}",
                           where=where, detail=detail,
                           hint="s2sad imports the module to read its functions; "
                                "fix the error or guard the code with "
                                "'if __name__ == \"__main__\":'") from None
        yield module
    finally:
        sys.dont_write_bytecode = saved_bytecode
        sys.path[:] = saved_path
        for key in list(sys.modules):
            if key in saved_modules:
                continue
            file = getattr(sys.modules[key], "__file__", None) or ""
            if key == name or (file and os.path.abspath(file).startswith(root + os.sep)):
                del sys.modules[key]
        for key, saved in saved_modules.items():
            if sys.modules.get(key) is not saved:
                sys.modules[key] = saved


def _package_name(directory, stem):
    """``(the directory above the top package, the dotted name)`` of the module ``stem``
    in ``directory`` when that directory is a package's (it holds ``__init__.py``), its
    parents' packages too (``pkg/sub/src.py``: ``pkg.sub.src``; ``pkg/__init__.py``:
    ``pkg``); ``(None, None)`` for a file outside a package or a name that is no
    identifier."""
    if not stem.isidentifier():
        return None, None
    parts = [] if stem == "__init__" else [stem]
    root = directory
    while os.path.isfile(os.path.join(root, "__init__.py")):
        parent, package = os.path.split(root)
        if not package.isidentifier() or parent == root:
            break
        parts.insert(0, package)
        root = parent
    if root == directory or not parts:
        return None, None
    return root, ".".join(parts)


def _imported(name, path, dotted):
    """The module ``name`` executed from ``path``: a dotted name imported as Python
    imports it (its packages first, each ``__init__.py`` run), with any module of
    those names s2sad's process held set aside meanwhile."""
    if dotted:
        for key in list(sys.modules):
            if key == name.split(".")[0] or name.startswith(key + ".") or key == name:
                del sys.modules[key]   # (restored by the caller afterwards)
        module = importlib.import_module(name)
        if os.path.abspath(getattr(module, "__file__", "") or "") != path:
            raise CliError(f"importing {name} found {getattr(module, '__file__', None)!r}, "
                           f"not this file", where=shown_path(path),
                           hint="rename the package or the module: another one of that "
                                "name comes first on sys.path")
        return module
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _frame_under(tb, root):
    """The last traceback entry in a file under ``root`` (a package's ``__init__.py``)."""
    found = None
    for entry in traceback.extract_tb(tb):
        if os.path.abspath(entry.filename).startswith(root + os.sep):
            found = entry
    return found


def get_function(module, func_name, path):
    obj = module
    for part in func_name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            break
    if inspect.isclass(obj):
        methods = sorted(n for n, v in vars(obj).items()
                         if inspect.isfunction(v) and not n.startswith("__"))
        raise CliError(f"{func_name!r} is a class, not a function", where=shown_path(path),
                       hint="name a function defined with 'def'" + (
                           f", or a method: {path}:{func_name}.{methods[0]} (its 'self' is "
                           f"a parameter)" if methods else ""))
    if obj is None or not callable(obj):
        functions = sorted(n for n, v in vars(module).items()
                           if inspect.isfunction(v) and v.__module__ == module.__name__)
        hint = (f"functions defined there: {', '.join(functions)}" if functions
                else "the module defines no functions")
        what = "no function" if obj is None else "no callable"
        raise CliError(f"{what} named {func_name!r} in the module", where=shown_path(path), hint=hint)
    if isinstance(obj, functools.partial):   # (read from the module when the code runs)
        return partial_function(obj, func_name, module, path)
    return uncached(obj)   # (functools.lru_cache: the function it caches)


def parse_wrt(text, func, path):
    """``--wrt x,w`` (names or indices) -> tuple of parameter names."""
    if text is None:
        items = [0]
    else:
        items = [item.strip() for item in text.split(",")]
        if not all(items):
            raise CliError(f"--wrt {text!r} has an empty name",
                           hint="separate names with commas and no spaces: --wrt x,w")
        items = [int(i) if i.lstrip("-").isdigit() else i for i in items]
    try:
        names, _ = resolve_wrt(func, tuple(items))
    except Exception as exc:
        if not isinstance(exc, S2sadError):
            raise
        if not isinstance(exc, WrtError):   # about the function, not about --wrt
            raise CliError(exc.message, hint=exc.hint, **_def_line(func, path)) from None
        raise CliError(f"bad --wrt: {exc.message}", hint=_frozen_hint(func, items) or exc.hint,
                       **_def_line(func, path)) from None
    return names


def _frozen_hint(func, items):
    """For the function standing for a partial, a --wrt naming a value the partial holds:
    what to do instead (None otherwise)."""
    partial_name, frozen = getattr(func, "__dict__", {}).get(FROZEN, (None, ()))
    held = [item for item in items if item in frozen]
    if not held:
        return None
    return (f"{held[0]} is a value the partial {partial_name} holds, not a parameter it "
            f"leaves to give: differentiate the function it calls (--wrt {held[0]} of "
            f"that function), or leave {held[0]} out of the partial")


def _def_line(func, path):
    """``where``/``detail`` pointing at ``def func``."""
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return {"where": shown_path(path)}
    index = next((i for i, line in enumerate(lines) if line.lstrip().startswith("def ")), 0)
    text = lines[index].rstrip("\n")
    if FROZEN in getattr(func, "__dict__", {}):   # (a partial: its assignment's line)
        text = linecache.getline(os.path.abspath(path), first + index).rstrip("\n") or text
    column = len(text) - len(text.lstrip())
    return {"where": f"{shown_path(path)}:{first + index}:{column + 1}",
            "detail": source_detail(text, column)}


def refuse_numba_partial(func, module, path):
    """``--target numba`` of a module-level ``functools.partial`` (``func`` stands for it):
    refused at the partial's line, since numba-compiled code cannot read the values the
    partial holds at each call, as the written module does (``cli.partials``)."""
    name, _ = func.__dict__[FROZEN]
    made = functools.reduce(getattr, name.split("."), module)
    callee = getattr(made.func, "__name__", "")
    if callee.isidentifier() and getattr(module, callee, None) is made.func:
        todo = (f"name the function it calls ({shown_path(path)}:{callee} --target numba) "
                f"and pass that module's function the values the partial holds "
                f"({name}.args, {name}.keywords) as arguments")
    else:
        todo = ("write the function it calls as a module-level def, name that one "
                "(--target numba) and pass it the values the partial holds as arguments")
    raise CliError(f"--target numba cannot take the functools.partial {name}: the values "
                   f"it holds, which the written module reads from it at each call, are no "
                   f"values numba-compiled code can read", **_def_line(func, path),
                   hint=f"{todo}, or use --target numpy for {name}")
