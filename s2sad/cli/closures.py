"""The values a function reads from its closure (``model = make(A, k)``, a decorator's
argument, ``act = make_act(B)`` called by the function) in a module ``s2sad grad`` writes.

The emitter finds no module holding such a value (it is no module's global), so it leaves
a comment where the import would be.  Here each one is found in the closure of a function
the user's module binds by name, and the written module reads it from there when
imported, ``A = closure_value('fac', ('model', 'A'))``: the same object the function holds,
so an array changed in place is read, as ``s2sad.grad`` reads it; a number, a string, a
bool or None stays copied in (the code may be made for that value).  Each is a row of the
module's ``check_globals`` table, checked at each call: a cell the program rebinds since
(``nonlocal``) is an error, not an old gradient.  A value no module-level name reaches is
refused when the module is generated, located at its first read.
"""

import dataclasses
import inspect
import re
import sys

import gast

from ..emit_values import is_copied
from ..errors import UnsupportedSyntaxError
from ..syntax import anno
from ..syntax.parse import parse_function

#: the runtime helper the written module binds a closure's value with
READER = "closure_value"
#: how deep, through functions held in closures, a value's function is looked for
_DEPTH = 4


def with_closure_values(emitted, func, free_source, module):
    """``emitted`` (before ``emit.with_globals_check``) reading its closure values from the
    functions of the user's modules that hold them (module doc); ``func`` is the function
    differentiated, ``free_source`` maps a name to the function reading it (another than
    ``func``), ``module`` is the user's module named on the command line."""
    found = {}
    for name in emitted.user_names:
        reader, original = _reader(name, func, free_source)
        cells = _cells(reader)
        if original not in cells or not _same(cells[original], emitted.bindings[name]):
            continue
        place = _place(reader, module)
        if place is None:
            raise _unreachable(reader, original)
        found[name] = (place[0], place[1] + (original,))
    if not found:
        return emitted
    parts = dict(emitted.parts)
    used = set(emitted.bindings) | set(re.findall(r"\w+", parts["code"]))
    helper = next(n for n in (READER + (f"_{i}" if i else "") for i in range(len(used) + 1))
                  if n not in used)
    user, origins = list(parts["user"]), [o for o in emitted.origins if o[2] not in found]
    for name, (module_name, path) in sorted(found.items()):
        origins.append((module_name, path, name))
        if is_copied(emitted.bindings[name]):   # (a literal of the value: kept)
            continue
        line = f"{name} = {helper}({module_name!r}, {path!r})"
        user = [line if _binds(text, name) else text for text in user]
        if line not in user:
            user.append(line)
    parts["user"] = user
    aliases = dict(parts["aliases"])
    if helper != READER:
        aliases[helper] = READER
    parts["aliases"] = aliases
    runtime = sys.modules.get("s2sad.runtime") or __import__("s2sad.runtime").runtime
    bindings = {**emitted.bindings, helper: getattr(runtime, READER)}
    return dataclasses.replace(emitted, origins=origins, parts=parts, bindings=bindings)


def _reader(name, func, free_source):
    """(the function whose code reads ``name``, the name it reads it by)."""
    reader = free_source.get(name, func)
    renamed = getattr(reader, anno.READING_AS, None)   # (func, its name, the module's)
    if renamed is not None and renamed[2] == name:
        return renamed[0], renamed[1]
    return reader, name


def _cells(func):
    """{free variable: the value its cell holds} of ``func`` (empty cells left out)."""
    code, closure = getattr(func, "__code__", None), getattr(func, "__closure__", None)
    found = {}
    for name, cell in zip(code.co_freevars if code else (), closure or ()):
        try:
            found[name] = cell.cell_contents
        except ValueError:
            continue
    return found


def _same(held, value):
    return held is value or (is_copied(value) and type(held) is type(value)
                             and repr(held) == repr(value))


def _place(func, module):
    """``(module name, path)`` of ``func`` (``runtime.closures``): a global of ``module``
    or of ``func``'s own module, or a function held in the closure of one; None if none."""
    homes = [module, sys.modules.get(getattr(func, "__module__", None) or "")]
    for home in homes:
        if home is None or home.__name__ == "__main__":
            continue
        level = [((name,), value) for name, value in sorted(vars(home).items())
                 if name.isidentifier() and inspect.isfunction(value)]
        for _ in range(_DEPTH):
            for path, value in level:
                if value is func:
                    return home.__name__, path
            level = [(path + (name,), held) for path, value in level
                     for name, held in sorted(_cells(value).items())
                     if inspect.isfunction(held)]
    return None


def _unreachable(reader, name):
    """The refusal of a closure's value the written module cannot read."""
    parsed = parse_function(reader)
    reads = [n for n in gast.walk(parsed.node) if isinstance(n, gast.Name) and n.id == name]
    node = min(reads, key=lambda n: (n.lineno, n.col_offset), default=parsed.node)
    return UnsupportedSyntaxError(
        f"{reader.__name__} reads {name!r} from its closure, and no module-level name holds "
        f"{reader.__name__} (nor a function whose closure holds it): a written module cannot "
        f"read {name}", parsed.location(node),
        hint=f"bind the function that {reader.__name__} is to a module-level name "
             f"(`{reader.__name__} = make(...)` in the module), or make {name} a module-level "
             f"name or a parameter; s2sad.grad differentiates it in-process as it is")


def _binds(line, name):
    """Whether the module-level ``line`` (of the emitter's user lines) binds ``name``."""
    return bool(re.match(rf"# {name}: \w+ object supplied by the caller$", line)
                or re.match(rf"{name} = ", line)
                or re.match(rf"from \S+ import (\w+ as )?{name}$", line))
