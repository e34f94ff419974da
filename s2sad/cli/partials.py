"""A module-level ``functools.partial`` named on the command line (``part.py:obj``) as
the function a written module can be generated from: ``def obj(x): return
quad(x, A=obj.keywords['A'], b=obj.keywords['b'])``, on the line of the partial's
assignment.  The values the partial holds are read from the partial, a global of the
user's module, when the written module runs (as any global is: the module imports it
and checks it was not rebound), so the module stays right when they change.
"""

import ast
import hashlib
import inspect
import linecache
import math
import os

from .messages import CliError, shown_path, source_detail

#: attribute of the function standing for a partial: (the partial's name, its keywords)
FROZEN = "_s2sad_partial_frozen"
#: the default values spelled as themselves in a written module
_LITERALS = (bool, int, float, complex, str, type(None))


def partial_function(made, name, module, path):
    """The function standing for the partial ``made``, the global ``name`` (maybe dotted:
    ``cfg.obj``) of ``module`` read from ``path``; a located CliError for a partial that
    a written module cannot call so (what to write instead)."""
    line = _assignment_line(path, name.split(".")[0])
    where = f"{shown_path(path)}:{line}:1" if line else shown_path(path)
    code = linecache.getline(os.path.abspath(path), line).rstrip("\n") if line else ""
    located = {"where": where, "detail": source_detail(code, 0) if code.strip() else ""}
    try:
        params = list(inspect.signature(made).parameters.values())
    except (TypeError, ValueError):
        params = None
    callee = _callee(made.func, module, name)
    if params is None or callee is None:
        raise CliError(f"{name} is a functools.partial of {_shown(made.func)}, which s2sad "
                       f"cannot read as a Python function", **located,
                       hint=f"write a def calling it with the fixed values "
                            f"(def {_last(name)}(x): return f(x, ...)) and name that def")
    variadic = [("*" if p.kind == p.VAR_POSITIONAL else "**") + p.name for p in params
                if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if variadic:
        raise CliError(f"{name} is a functools.partial of {_shown(made.func)}, which takes "
                       f"{variadic[0]}: a written module names each parameter it passes",
                       **located, hint=f"write a def taking the parameters to give "
                                         f"(def {_last(name)}(x): return ...) and name that def")
    # (a parameter with a default that is not a Python function's, a numpy function's
    # keepdims=, out=..., keeps that default: it is not passed, as the API does)
    given = [p for p in params if p.name not in made.keywords
             and (p.default is p.empty or inspect.isfunction(made.func))]
    names = {p.name for p in params} | set(made.keywords)
    function_name = _last(name)
    if function_name in names:
        raise CliError(f"{name} is a functools.partial whose function has a parameter of "
                       f"its own name, {function_name!r}: the written function cannot take it",
                       **located, hint="bind the partial to another name")
    text, read = _parameters_text(given, made, module, name)
    passed = [f"{name}.args[{i}]" for i in range(len(made.args))]
    passed += [p.name if p.kind != p.KEYWORD_ONLY else f"{p.name}={p.name}"
               for p in given]
    passed += [f"{k}={name}.keywords[{k!r}]" for k in made.keywords]
    body = f"def {function_name}{text}: return {callee}({', '.join(passed)})\n"
    function = _compiled(body, function_name, line, module, [name, callee] + read, path)
    function.__dict__[FROZEN] = (name, tuple(made.keywords))
    return function


def _parameters_text(given, made, module, name):
    """``(x, s=1.0, *, k=W)``: the parameters ``given`` with their defaults spelled (a
    number, a string, a bool or None as itself, another value by the module's name for it),
    and the module's names they read."""
    parts, starred, read = [], False, []
    for p in given:
        if p.kind == p.KEYWORD_ONLY and not starred:
            parts.append("*")
            starred = True
        default = "" if p.default is p.empty else \
            _spelled_default(p, made, module, name)
        if default[:1].isidentifier():   # (a name of the module: W, obj.func...)
            read.append(default.split(".")[0])
        parts.append(f"{p.name}={default}" if default else p.name)
    return f"({', '.join(parts)})", read


def _spelled_default(param, made, module, name):
    """The text of ``param``'s default in the written function: a number, a string, a
    bool or None as itself, a value a name of the module holds by that name, another one
    read from the function the partial calls (``obj.func.__defaults__[0]``)."""
    value = param.default
    if type(value) in _LITERALS and not (isinstance(value, float) and not math.isfinite(value)):
        return repr(value)
    held = sorted(k for k, v in vars(module).items() if v is value and k.isidentifier())
    if held:
        return held[0]
    code = made.func.__code__
    positional = code.co_varnames[:code.co_argcount]
    if param.name in positional:
        first = len(positional) - len(made.func.__defaults__ or ())
        return f"{name}.func.__defaults__[{positional.index(param.name) - first}]"
    return f"{name}.func.__kwdefaults__[{param.name!r}]"


def _compiled(text, function_name, line, module, read, path):
    """The function ``text`` defines, read by s2sad as its source, at ``line``; its
    globals are the names of ``module`` it reads (``read``, maybe dotted)."""
    padded = "\n" * (max(line, 1) - 1) + text
    digest = hashlib.sha1(padded.encode()).hexdigest()[:12]
    filename = f"<s2sad partial {function_name} of {shown_path(path)} {digest}>"
    linecache.cache[filename] = (len(padded), None, padded.splitlines(keepends=True), filename)
    heads = {n.split(".")[0] for n in read}
    namespace = {"__name__": module.__name__, **{h: getattr(module, h) for h in heads}}
    exec(compile(padded, filename, "exec"), namespace)  # noqa: S102 - our own line
    function = namespace[function_name]
    # (again after the def, which bound the partial's own name)
    namespace.update((head, getattr(module, head)) for head in heads)
    return function


def _callee(func, module, name):
    """How the written function calls ``func``: by the module's name for it, else as the
    partial's ``.func``; None for what is no Python function (nor a numpy one...)."""
    if not callable(func) or inspect.isclass(func):
        return None
    own = getattr(func, "__name__", None)
    if isinstance(own, str) and own.isidentifier() and getattr(module, own, None) is func:
        return own
    return f"{name}.func"


def _assignment_line(path, name):
    """The line of the last module-level statement of ``path`` binding ``name`` (0 if none)."""
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return 0
    found = 0
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] \
            if isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) else []
        if any(isinstance(n, ast.Name) and n.id == name
               for t in targets for n in ast.walk(t)):
            found = stmt.lineno
    return found


def _shown(func):
    return getattr(func, "__qualname__", None) or type(func).__name__


def _last(name):
    return name.rsplit(".", 1)[-1]
