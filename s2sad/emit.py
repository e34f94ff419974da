"""Emit: generated gast function -> module source text -> compiled function.

``emit_module`` renders a :class:`~s2sad.transform.common.Generated` as ``astor``
writes it (``syntax/printer.py`` writes that text straight from the gast tree, astor
itself what the printer leaves to it): a header saying what produced it, the imports
it needs (numpy, the s2sad runtime, and whatever else the function reads), then the
function, with comment markers turned into ``#`` comments.  The text depends only on
its inputs: names are sorted, nothing random or machine-specific enters
unless the caller puts it in the header.

``compile_module`` turns the text into a live function through ``linecache``
so tracebacks and ``inspect.getsource`` show the generated code.
"""

import ast
import builtins
import importlib
import linecache
import re
import sys
import types
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Dict, List

import astor
import gast

from .errors import ORIGIN
from .syntax import anno, nodes, printer
from .syntax.anno import COMMENT_ID
from .emit_names import generated_filename
from .emit_callees import written_callees
from .emit_shadowed import clash, helper_alias, own_builtins, rename_hint
from .syntax.own_builtins import NAMES as OWN_BUILTINS
from .emit_values import is_copied, unnamed_value, value_literal

_NUMBER_TYPES = (bool, int, float, complex)
_MARKER_LINE = re.compile(r"^(\s*)" + COMMENT_ID + r"\((\d+)\)\s*$")


@dataclass
class Emitted:
    text: str
    function_name: str
    bindings: Dict[str, Any]
    #: names bound by lines that import or copy the user's own module state;
    #: in-process compilation supplies these directly instead of importing.
    user_names: List[str] = field(default_factory=list)
    #: ``(module, name there, name here)`` of each value a written module takes from a
    #: user's module when imported (``from model import W0``, ``SCALE = 3.0``): what
    #: :func:`with_globals_check` makes it check at each call
    origins: List[tuple] = field(default_factory=list)
    #: what :func:`with_globals_check` assembles the module again from
    parts: Dict[str, Any] = field(default_factory=dict, repr=False)


_RUNTIME_MODULES = ("s2sad.runtime", "s2sad.runtime_forward")


def _runtime_module(name, obj):
    """The s2sad runtime module that exports ``obj`` as ``name``, or None."""
    for module in _RUNTIME_MODULES:
        if getattr(importlib.import_module(module), name, None) is obj:
            return module
    return None


def _is_runtime(name, obj):
    return _runtime_module(name, obj) is not None


#: the modules a ufunc (which names none: scipy.special.expit) may be exported by, when
#: the running program has imported them (s2sad never imports scipy itself)
_UFUNC_MODULES = ("numpy", "scipy.special")


def _importable(obj, name):
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if module is None and type(obj).__name__ == "ufunc" and qualname:
        for candidate in _UFUNC_MODULES:
            if getattr(sys.modules.get(candidate), qualname, None) is obj:
                return candidate, qualname
        return None
    if not module or not qualname or "." in qualname or module == "__main__":
        return None
    # the public module that exports it, where there is one (scipy.special, not
    # scipy.special._logsumexp, whose name may change between versions)
    public = ".".join(part for part in module.split(".") if not part.startswith("_"))
    for candidate in ((public, module) if public and public != module else (module,)):
        try:
            if getattr(importlib.import_module(candidate), qualname) is obj:
                return candidate, qualname
        except Exception:  # noqa: BLE001 - any failure means "not importable"
            continue
    return None


def import_lines(bindings, source_module=None, module_globals=None, sources=None, aliases=None,
                 origins=None):
    """``(standard lines, user lines, user names)`` that bind every free name.

    Objects that no module exports by name (a global array, say) are imported
    from the module of the function that reads them (``sources``: name -> that
    function, for names a helper of another module reads), else from
    ``source_module`` when it holds that very object under the name
    (``module_globals``).  ``origins`` (a list), when given, gets ``(module, name there,
    name here)`` of each value taken from a user's module (see ``Emitted.origins``).
    """
    sources, module_globals = sources or {}, module_globals or {}
    origins = [] if origins is None else origins
    modules, user, constants, user_names = [], [], [], []
    runtime = {module: [] for module in _RUNTIME_MODULES}
    for name in sorted(bindings):
        obj = bindings[name]
        if getattr(builtins, name, _NOTHING) is obj or _builtin_alias(name, obj, aliases, modules):
            continue   # (a global None is not a builtin; s2sad_len: see emit_shadowed)
        if isinstance(obj, types.ModuleType) and sys.modules.get(obj.__name__) is obj:
            # (a module imported by its name; one made by types.ModuleType and never
            # registered, or a second copy, is a value of the user's, as an array is)
            if obj.__name__ == name:
                modules.append(f"import {name}")
            else:
                modules.append(f"import {obj.__name__} as {name}")
            _module_origin(origins, name, obj, sources.get(name), source_module,
                           module_globals)
            continue
        helper = (aliases or {}).get(name, name)   # (a helper imported under another name)
        # (no runtime helper is None, though a missing one reads as None: a global is)
        module = _runtime_module(helper, obj) if obj is not None else None
        if module is not None:
            runtime[module].append(name if helper == name else f"{helper} as {name}")
            continue
        user_names.append(name)
        reader = sources.get(name)
        renamed = getattr(reader, anno.READING_AS, None)   # (func, its name, the module's)
        if renamed is not None and renamed[2] == name:
            reader, original = renamed[0], renamed[1]
        else:
            original = name
        reader_module = getattr(reader, "__module__", None) if reader is not None else None
        if reader_module == "__main__":
            reader_module = None
        if source_module == "__main__":
            source_module = None
        literal = value_literal(obj, bindings)
        if literal is not None and is_copied(obj):   # (a numpy scalar or a tuple: its
            # module's object imported, below, where a module holds it; else copied)
            constants.append(f"{name} = {literal}")
            if reader_module and _same_value(reader.__globals__.get(original, _NOTHING), obj):
                origins.append((reader_module, original, name))
            elif source_module and reader is None \
                    and _same_value(module_globals.get(name, _NOTHING), obj):
                origins.append((source_module, name, name))
            continue
        where = _importable(obj, name)
        if where is not None:
            module, qualname = where
            alias = "" if qualname == name else f" as {name}"
            user.append(f"from {module} import {qualname}{alias}")
            if module in (reader_module, source_module):   # (a user's, not a library's)
                origins.append((module, qualname, name))
        elif reader_module and reader.__globals__.get(original, _NOTHING) is obj:
            alias = "" if original == name else f" as {name}"
            user.append(f"from {reader_module} import {original}{alias}")
            origins.append((reader_module, original, name))
        elif source_module and module_globals.get(name, _NOTHING) is obj:
            user.append(f"from {source_module} import {name}")
            origins.append((source_module, name, name))
        else:   # (a literal, a value held under another name, or the caller's)
            unnamed_value(name, obj, literal, (source_module, module_globals), origins,
                          (user, constants))
    lines = sorted(modules)
    for module, names in runtime.items():
        if names:
            lines.append(_wrap_from_import(module, sorted(names)))   # (aliased: by helper)
    return lines, user + constants, user_names


#: the roots of libraries whose modules a program does not rebind (no check of them)
_LIBRARY_ROOTS = frozenset(("numpy", "scipy", "math", "cmath", "s2sad", "numba", "dask",
                            "builtins")) | frozenset(getattr(sys, "stdlib_module_names", ()))


def _module_origin(origins, name, module, reader, source_module, module_globals):
    """Note in ``origins`` a user's module the written module imports as ``name``, where
    the reading function's module (or the source) binds it by that name: a program that
    rebinds that name (``m.c = other``) then gets ``ReboundNameError``, not the old
    module's values.  Libraries' modules are not noted."""
    if module.__name__.split(".")[0] in _LIBRARY_ROOTS:
        return
    reader_module = getattr(reader, "__module__", None) if reader is not None else None
    if reader_module not in (None, "__main__") \
            and reader.__globals__.get(name, _NOTHING) is module:
        origins.append((reader_module, name, name))
    elif source_module not in (None, "__main__") and reader is None \
            and module_globals.get(name, _NOTHING) is module:
        origins.append((source_module, name, name))


def _wrap_from_import(module, names):
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= 88:
        return line
    body = ",\n".join(f"    {n}" for n in names)
    return f"from {module} import (\n{body},\n)"


def _fill_empty_blocks(stmts):
    """A block left with only comment markers gets a ``pass`` (comments are no statements).

    Walks statements only, never into expressions.
    """
    for stmt in stmts:
        if stmt.__class__ in _NO_BLOCK:
            continue
        for name in ("body", "orelse"):
            block = getattr(stmt, name, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                _fill_empty_blocks(block)
                if all(_is_marker(s) for s in block):
                    block.append(gast.Pass())


#: the commonest statements of generated code, which hold no block
_NO_BLOCK = frozenset((gast.Assign, gast.AugAssign, gast.Expr, gast.Return))


def _is_marker(stmt):
    return (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call)
            and isinstance(stmt.value.func, gast.Name)
            and stmt.value.func.id == COMMENT_ID)


def _negative_base(node):
    """``(-2.0) ** k``: a negative literal as a power's base becomes a unary minus, which
    astor parenthesizes (``-2.0 ** k`` would mean ``-(2.0 ** k)``).  Returns ``node``
    (an ``ast.BinOp``), changed in place."""
    left = node.left
    if isinstance(node.op, ast.Pow) and isinstance(left, ast.Constant) \
            and isinstance(left.value, (int, float, complex)) \
            and not isinstance(left.value, bool) and str(left.value).startswith("-"):
        node.left = ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-left.value))
    return node


_AST_CLASSES = {}   # gast class -> (ast class or None, fields to copy, shared instance)
#: Leaf markers: ``ast.parse`` too gives one shared instance of each (``Load``, ``Add``...).
_MARKER_CLASSES = (gast.expr_context, gast.operator, gast.unaryop, gast.cmpop, gast.boolop)


def _ast_class(cls):
    """``(the ast class named like gast class cls, the fields both define, the one
    shared instance for a marker class or None)``; ``(None, (), None)`` when this
    Python's ``ast`` has no such class."""
    found = _AST_CLASSES.get(cls)
    if found is None:
        target = getattr(ast, cls.__name__, None)
        if isinstance(target, type) and issubclass(target, ast.AST):
            shared = target() if issubclass(cls, _MARKER_CLASSES) else None
            found = (target, tuple(f for f in cls._fields if f in target._fields), shared)
        else:
            found = (None, (), None)
        _AST_CLASSES[cls] = found
    return found


_MISSING = object()


def _to_ast(node):
    """The standard ``ast`` tree for gast ``node`` (a node, a list of them, or a leaf value).

    What ``gast.gast_to_ast`` gives on Python 3.9 and later, less the source
    locations (astor reads none), and with :func:`_negative_base` applied to
    powers: names, parameters and exception handler names become their
    ``ast`` forms, every other node the ``ast`` node of the same name with the
    fields both define.
    """
    if isinstance(node, list):
        return [_to_ast(item) for item in node]
    if not isinstance(node, gast.AST):
        return node
    cls = node.__class__
    if cls is gast.Name:
        return ast.Name(id=node.id, ctx=_to_ast(node.ctx))
    if cls is gast.arguments:
        return ast.arguments(
            posonlyargs=[_to_arg(a) for a in getattr(node, "posonlyargs", [])],
            args=[_to_arg(a) for a in node.args], vararg=_to_arg(node.vararg),
            kwonlyargs=[_to_arg(a) for a in node.kwonlyargs],
            kw_defaults=_to_ast(node.kw_defaults), kwarg=_to_arg(node.kwarg),
            defaults=_to_ast(node.defaults))
    if cls is gast.ExceptHandler and node.name:
        return ast.ExceptHandler(type=_to_ast(node.type), name=node.name.id,
                                 body=_to_ast(node.body))
    target, fields, shared = _AST_CLASSES.get(cls) or _ast_class(cls)
    if shared is not None:
        return shared
    if target is None:
        return None
    new = target.__new__(target)   # fields set directly, as nodes.clone does: faster
    values = new.__dict__
    for name in fields:
        value = getattr(node, name, _MISSING)
        if value is not _MISSING:
            if value.__class__ is list or isinstance(value, gast.AST):
                value = _to_ast(value)
            values[name] = value   # leaves (identifiers, numbers, None) as they are
    return _negative_base(new) if cls is gast.BinOp else new


def _to_arg(node):
    """A parameter (a gast ``Name``) as an ``ast.arg``; None stays None."""
    if node is None:
        return None
    return ast.arg(arg=node.id, annotation=_to_ast(node.annotation),
                   type_comment=_to_ast(node.type_comment))


def render_function(node, comments, free=None):
    """The source of one gast function, as astor writes it, with comment markers turned
    into comments.  ``free``, when a set, receives :func:`free_names_of` the function
    (seen by the printer as it writes each name, else walked)."""
    _fill_empty_blocks([node])   # adds only a ``pass`` where nothing else stands
    try:
        if free is None:
            lines = printer.function_lines(node)   # astor's text, written faster
        else:
            lines, names = printer.function_lines_and_names(node)
            free.update(free_names_of(node) if names is None else names)
    except printer.Unprintable:   # (a docstring, an f-string...)
        lines = _astor_text(node).splitlines()
        if free is not None:
            free.update(free_names_of(node))
    out = []
    for line in lines:
        match = _MARKER_LINE.match(line)
        if match:
            indent, index = match.group(1), int(match.group(2))
            for part in comments[index].split("\n"):
                out.append(f"{indent}# {part}" if not part.startswith("#") else f"{indent}{part}")
        else:
            out.append(line)
    return "\n".join(_space_nested_defs(out)) + "\n"


def _astor_text(node):
    """astor's source of gast function ``node`` (what :mod:`.syntax.printer` leaves to it)."""
    tree = _to_ast(gast.Module(body=[node], type_ignores=[]))
    return astor.to_source(tree, pretty_source=''.join)  # no line wrapping


def _space_nested_defs(lines):
    """A blank line before and after each nested ``def`` block (PEP 8)."""
    if _INDENTED_DEF.search("\n" + "\n".join(lines)) is None:
        # (no line is indented and starts with ``def ``: none opens a nested def, so
        # the loop below would give the lines as they are)
        return lines
    out, open_defs = [], []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        stripped = line.strip()
        while open_defs and stripped and indent <= open_defs[-1]:
            open_defs.pop()
            out.append("")
        if stripped.startswith("def ") and indent > 0:
            if out and out[-1].strip():
                out.append("")
            open_defs.append(indent)
        out.append(line)
    return out


#: a line starting with whitespace, then ``def `` (or a false alarm spanning lines)
_INDENTED_DEF = re.compile(r"\n\s+def ")

_NOTHING = object()   # a missing global (no object is this one)


def free_names_of(fn):
    """Names a generated function reads but neither assigns nor takes as a parameter."""
    # one walk for both: a nested function's name is local, as a stored name is
    loads, local = set(), set()
    stack = [value for value in (getattr(fn, f, None) for f in nodes.child_fields(fn.__class__))
             if value is not None]   # (fn's own name is not one of its locals)
    name_class, def_class, local_contexts = gast.Name, gast.FunctionDef, (gast.Store, gast.Param)
    while stack:
        node = stack.pop()
        cls = node.__class__
        if cls is list:
            stack.extend(node)
            continue
        if cls is name_class:
            (local if isinstance(node.ctx, local_contexts) else loads).add(node.id)
        elif cls is def_class:
            local.add(node.name)
        for field in nodes.child_fields(cls):
            value = getattr(node, field, None)
            if value is not None:
                stack.append(value)
    return loads - local


def _same_value(a, b):
    """A number or string copied in: ``b`` of ``a``'s type and equal to it (a float's
    sign of zero counts, NaN is NaN's: as their ``repr`` tells)."""
    if type(a) is not type(b):
        return False
    return repr(a) == repr(b) if type(a) in (float, complex) else a == b


def _same_number(a, b):
    """Two rules' constants of one name and value (``LN2`` of two rule modules)."""
    return type(a) is type(b) and type(a) in (int, float) and a == b


def _module_of(obj):
    """The module the runtime's copy ``obj`` of it stands for (``runtime.numpy_view``),
    else ``obj``."""
    return getattr(obj, anno.VIEW_OF, obj) if isinstance(obj, types.ModuleType) else obj


def emit_module(generated, free_bindings, header_lines, source_module=None,
                module_globals=None, extras=(), sources=None, locate=None):
    """Module text for ``generated``; ``free_bindings`` maps the user's free names to objects
    (``sources``: see :func:`import_lines`).  A user's free name or parameter that is also
    the name of a helper the code calls is refused, at ``locate(name)`` (a
    ``SourceLocation`` or None): the user's locals of such names were renamed before
    (``syntax.normalize.clashes``), but these names are the user's module's or caller's."""
    functions = list(extras) + [generated]
    bindings, aliases = dict(free_bindings), {}
    for name, obj in generated.bindings.items():
        if name in bindings and bindings[name] is not obj and not _same_number(bindings[name], obj) \
                and _module_of(bindings[name]) is not _module_of(obj):
            if not aliases:   # (renamed in copies: the generated trees stay as they are)
                functions = [dataclasses.replace(g, node=nodes.clone(g.node))
                             for g in functions]
            alias = helper_alias(name, functions, set(bindings) | set(generated.bindings))
            if alias is None:
                raise clash(name, "reads", locate, rename_hint(name, bindings[name]))
            aliases[alias] = name
            bindings[alias] = obj
            continue
        bindings[name] = obj
    functions = own_builtins(written_callees(functions), bindings, aliases)   # (range...)
    for g in functions:
        params = {a.id for a in g.node.args.args + g.node.args.kwonlyargs}
        clashing = sorted(params & set(generated.bindings))
        if clashing:
            raise clash(clashing[0], "takes the parameter", locate, "rename the parameter")
    # (the text first: the printer sees the names each function reads as it writes
    # them; only a ``pass`` may be added to the trees, which reads no name)
    used = set()
    code = "\n\n".join(render_function(g.node, g.comments, used) for g in functions)
    bindings = {k: v for k, v in bindings.items() if k in used}
    origins = []
    standard, user, user_names = import_lines(bindings, source_module, module_globals,
                                              sources, aliases, origins)
    text = _assemble(header_lines, standard, user, code)
    parts = {"header_lines": header_lines, "user": user, "code": code, "aliases": aliases}
    return Emitted(text=text, function_name=generated.node.name, bindings=bindings,
                   user_names=user_names, origins=origins, parts=parts)


def _builtin_alias(name, obj, aliases, lines):
    """Whether ``name`` is the builtin ``obj`` under another name (see ``emit_shadowed``);
    then its import is added to ``lines``."""
    builtin = (aliases or {}).get(name, name)
    if builtin == name or getattr(builtins, builtin, _NOTHING) is not obj:
        return False
    lines.append(f"from builtins import {builtin} as {name}")
    return True


def _assemble(header_lines, standard, user, code):
    parts = ["\n".join(f"# {h}" if h else "#" for h in header_lines), "\n".join(standard)]
    if user:
        parts.append("\n".join(user))
    return "\n\n".join(p for p in parts if p) + "\n\n\n" + code


#: the runtime helper a written module calls to check the globals it took (``check_globals``)
GLOBALS_CHECK = "check_globals"
#: the tuple of those globals, a global of the written module
GLOBALS_TAKEN = "S2SAD_GLOBALS"


def with_globals_check(emitted):
    """The text of ``emitted`` (a module to write to a file) checking, at each call of its
    function, that every value it took from a user's module when imported is still that
    module's (``runtime.check_globals``): the same object, or for a number or string
    copied in, an equal one of its type.  The API reads globals at each call instead."""
    if not emitted.origins:
        return emitted.text
    parts, bindings, aliases = emitted.parts, emitted.bindings, emitted.parts["aliases"]
    used = set(bindings) | set(re.findall(r"\w+", parts["code"]))
    helper = next(n for n in (GLOBALS_CHECK + (f"_{i}" if i else "") for i in range(len(used) + 1))
                  if n not in used)
    taken = next(n for n in (GLOBALS_TAKEN + (f"_{i}" if i else "") for i in range(len(used) + 1))
                 if n not in used)
    check = getattr(importlib.import_module(_RUNTIME_MODULES[0]), GLOBALS_CHECK)
    standard, _, _ = import_lines({**bindings, helper: check},   # (the user's lines: as made)
                                  aliases={**aliases, helper: GLOBALS_CHECK})
    rows = "".join(f"    ({module!r}, {original!r}, {name}),\n"
                   for module, original, name in emitted.origins)
    user = parts["user"] + ["" if parts["user"] else None, "#: (module, name there, value) of each value this module "
                                "took from the user's modules", f"{taken} = (\n{rows})"]
    user = [line for line in user if line is not None]
    code = _with_first_line(parts["code"], emitted.function_name,
                            f"{helper}({taken})  # an error if the program rebound one since")
    return _assemble(parts["header_lines"], standard, user, code)


def _with_first_line(code, function_name, line):
    """``code`` with ``line`` the first statement of its function ``function_name``."""
    tree = ast.parse(code)
    func = next(s for s in tree.body if isinstance(s, ast.FunctionDef)
                and s.name == function_name)
    lines = code.splitlines(keepends=True)
    first = func.body[0].lineno - 1
    while first - 1 >= func.lineno and lines[first - 1].strip().startswith("#"):
        first -= 1   # (the comments of the first statement stay with it)
    indent = lines[func.body[0].lineno - 1]
    indent = indent[:len(indent) - len(indent.lstrip())]
    lines.insert(first, f"{indent}{line}\n")
    return "".join(lines)


def compile_module(emitted, values=None, origin=None):
    """Compile the module text in-process; returns the generated function.

    ``values`` overrides the user's free names (current globals and closure
    cells); the module's lines that would bind them are skipped, so compiling
    never imports or re-reads the user's module.  ``origin``: the user function
    the module differentiates, kept in the module's globals so an error raised
    while it runs names the user's line (``errors.located_in_generated_code``).
    """
    compiled = emitted.__dict__.get("_compiled")
    if compiled is None or compiled[0] != emitted.text:   # compiled once per module text
        filename = generated_filename(emitted.function_name, emitted.text)
        lines = emitted.text.splitlines(keepends=True)
        linecache.cache[filename] = (len(emitted.text), None, lines, filename)
        text = _without_bindings(emitted.text, lines, set(emitted.user_names), filename)
        compiled = (emitted.text, compile(text, filename, "exec"))
        emitted.__dict__["_compiled"] = compiled
    namespace = {"__name__": f"s2sad_generated_{emitted.function_name}"}
    namespace.update({k: v for k, v in emitted.bindings.items()})
    if values:
        namespace.update(values)
        for name in OWN_BUILTINS.intersection(values).difference(emitted.user_names):
            del namespace[name]   # (the builtin the module reads: a user's value of the
            # name is another generation's, the gradient's an hvp module is made from)
    if origin is not None:
        namespace[ORIGIN] = origin
    exec(compiled[1], namespace)  # noqa: S102 - our own generated code
    return namespace[emitted.function_name]


#: the first line of a module's functions: its imports and bindings stand before it
_FIRST_DEFINITION = re.compile(r"^(?:@|def |async def |class )", re.MULTILINE)


def _without_bindings(text, lines, names, filename):
    """``text`` with its top-level statements that only bind ``names`` blanked out, its
    line numbers kept.  Only the module's head (before its first function) is parsed:
    a syntax tree of a long generated function costs more than compiling its text."""
    if not names:
        return text
    first = _FIRST_DEFINITION.search(text)
    try:
        tree = ast.parse(text if first is None else text[:first.start()], filename=filename)
    except SyntaxError:   # the head cut inside a statement: read the whole module
        tree = ast.parse(text, filename=filename)
    kept = list(lines)
    for stmt in tree.body:
        if _binds_only(stmt, names):
            kept[stmt.lineno - 1:stmt.end_lineno] = ["\n"] * (stmt.end_lineno - stmt.lineno + 1)
    return "".join(kept)


def _binds_only(stmt, names):
    if isinstance(stmt, ast.Assign):
        return all(isinstance(t, ast.Name) and t.id in names for t in stmt.targets)
    if isinstance(stmt, ast.ImportFrom):
        return all((a.asname or a.name) in names for a in stmt.names)
    return False
