"""What else a module ``s2sad grad`` writes takes from the user's modules when imported,
besides the globals and closure values its code reads (``emit.import_lines``,
``cli.closures``), each a row of its ``check_globals`` table, checked at each call:

- the code of every user function it inlined or differentiated (a helper called by name,
  ``helpmod.act``, a class's ``Model.pure``, a method of an object ``M.method``, a function
  passed by name, ``euler(rhs, y)``, a partial's ``.func``): the row
  ``('hm', ('helper',), taken_code('helper', 4))`` checks at each call that the name holds
  the function the code was made from (its name and first line), ``hm.helper = np.sin``
  (before the import or after) is an error, not the old derivative;
- the defaults of its functions, read where Python's function reads them, its
  ``__defaults__`` and ``__kwdefaults__`` (``def f(x, w=G)``: ``f.__defaults__[0]``, not
  the global ``G`` now) or a module-level partial's ``.keywords`` (``P = partial(q,
  a=W)``), each a row: a number copied in as its literal, another value the object read
  when imported.
"""

import ast
import dataclasses
import functools
import inspect
import re
import sys
import types

from ..emit import _LIBRARY_ROOTS
from ..emit_values import is_copied, value_literal
from ..syntax.callers import CALLER
from .closures import _binds, _cells, _place, _reader

#: the runtime helpers the written module binds these values with
_READERS = ("closure_value", "taken_code")


def with_taken_values(emitted, result, func, module):
    """``emitted`` (after ``cli.closures``) taking and checking the values the module
    docstring lists; ``result`` is the pipeline's, ``func`` the function differentiated,
    ``module`` the user's module named on the command line."""
    taken = _Taken(emitted, result, func, module)
    taken.functions()
    taken.defaults()
    return taken.finished()


class _Taken:
    def __init__(self, emitted, result, func, module):
        self.emitted, self.result, self.func, self.module = emitted, result, func, module
        self.free_source = getattr(result, "free_source", None) or {}
        self.used = set(emitted.bindings) | set(re.findall(r"\w+", emitted.parts["code"]))
        self.helpers = {name: self._fresh(name) for name in _READERS}
        self.rows, self.lines, self.code = {}, [], emitted.parts["code"]
        self.dropped, self.bound = set(), set()

    def _fresh(self, base):
        name, k = base, 0
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name

    # ------------------------------------------------------------- functions

    def functions(self):
        """A row for each user function (or partial) the code was made from."""
        for name, value in sorted(getattr(self.result, "free", {}).items()):
            reader, original = _reader(name, self.func, self.free_source)
            place = self._name_place(reader, original, value)
            if place is not None:
                self._took(place, value)
            elif "__name__" not in getattr(reader, "__globals__", {"__name__": 0}):
                self._held_by_partial(name, reader, original, value)
        deps = getattr(self.result, "dependencies", None)
        for root, scope, attrs, obj in (deps.paths if deps is not None else ()):
            if scope is self.func or scope is None:
                scope = self.free_source.get(root, self.func)
            if isinstance(scope, types.ModuleType):
                continue   # (a module s2sad binds: a library's)
            place = self._name_place(scope, root, None)
            if place is not None and not _library_module(_value_at(place)):
                self._took((place[0], place[1] + tuple("." + a for a in attrs)), obj)

    def _name_place(self, reader, name, value):
        """``(module name, path)`` where ``reader`` reads ``name`` from, None if nowhere
        a written module can read (a module run as ``__main__``, a value of s2sad's)."""
        if name in _cells(reader):
            place = _place(reader, self.module)
            return None if place is None else (place[0], place[1] + (name,))
        home = getattr(reader, "__module__", None)
        globals_ = getattr(reader, "__globals__", {})
        if home in (None, "__main__") or sys.modules.get(home) is None or name not in globals_ \
                or value is not None and globals_[name] is not value:
            return None
        return home, (name,)

    def _took(self, place, value):
        module_name, path = place
        if isinstance(value, functools.partial):
            # (the values it holds: rows where its caller's code reads them, see
            # _default_places and _held_by_partial; a partial named on the command line
            # reads them at each call, cli.partials); a bound method (MODEL.rhs, read as
            # the partial of its function and object) has no .func: its __func__
            held = _value_at(place)
            step = ".__func__" if inspect.ismethod(held) else ".func"
            self._took((module_name, path + (step,)), value.func)
            return
        function = getattr(value, "__func__", value)
        if not inspect.isfunction(function) or _library(function) \
                or function.__globals__.get("__name__") is None:   # (s2sad's caller)
            return
        self.rows[(module_name, path)] = (f"{self.helpers['taken_code']}("
                                          f"{function.__qualname__!r}, "
                                          f"{function.__code__.co_firstlineno})")

    def _held_by_partial(self, name, caller, original, value):
        """A value a module-level partial holds by position (``PB = partial(q, W)``), which
        its caller reads as the global ``original`` (the parameter it fills): read from
        the partial's ``.args``, bound to ``name``."""
        partial = self._partial_of(caller)
        if partial is None:
            return
        try:
            filled = list(inspect.signature(partial[2].func).bind_partial(
                *partial[2].args).arguments)
        except (TypeError, ValueError):
            return
        if original in filled and partial[2].args[filled.index(original)] is value:
            path = partial[1] + (".args", f"[{filled.index(original)}]")
            self.bound.add(name)
            self._row(partial[0], path, value, name)

    def _row(self, module_name, path, value, name=None):
        """The row of a value (a number, a string, None: its literal), the name binding
        it (read when imported) for another; that name (``name`` binds it, when given)."""
        key = (module_name, path)
        if key in self.rows:
            if name is not None and name != self.rows[key]:
                self.lines.append(f"{name} = {self.rows[key]}")
            return self.rows[key]
        literal = value_literal(value) if is_copied(value) else None
        if name is not None and literal is not None:
            self.lines.append(f"{name} = {literal}")
        elif literal is None:
            base = re.sub(r"_+", "_", re.sub(r"\W", "_", "_".join(path))).strip("_")
            literal = name or self._fresh(base)
            self.lines.append(f"{literal} = {self.helpers['closure_value']}"
                              f"({module_name!r}, {path!r})")
        self.rows[key] = literal
        return literal

    # -------------------------------------------------------------- defaults

    def defaults(self):
        """Each function of the code differentiating a user function with defaults gets
        them from where Python's function reads them (module doc)."""
        made = {self.emitted.function_name: self.func,
                **(getattr(self.result, "callees", None) or {})}
        tree = ast.parse(self.code)
        edits = []
        for node in tree.body:
            user = made.get(getattr(node, "name", None))
            if not isinstance(node, ast.FunctionDef) or user is None \
                    or not (user.__defaults__ or user.__kwdefaults__):
                continue
            places = self._default_places(user)
            if places is None:
                continue
            if self._set_defaults(node.args, places, user):
                edits.append(node)
        for node in sorted(edits, key=lambda n: -n.lineno):
            self.code = _with_signature(self.code, node)

    def _default_places(self, user):
        """{parameter: (module name, path of its default)} of the user function ``user``
        (a partial's caller: the partial's keywords, its function's defaults)."""
        place = _place(user, self.module) or _class_place(user, self.module)
        partial = None
        if place is None:
            partial = self._partial_of(user)
            if partial is None:
                return None
            place, user = (partial[0], partial[1] + (".func",)), partial[2].func
        module_name, path = place
        if path[-1:] != (".func",):
            self._took(place, user)   # (the function read: the one it was made from)
        code = user.__code__
        positional = code.co_varnames[:code.co_argcount]
        first = len(positional) - len(user.__defaults__ or ())
        found = {p: (module_name, path + (".__defaults__", f"[{i - first}]"))
                 for i, p in enumerate(positional) if i >= first}
        found.update((p, (module_name, path + (".__kwdefaults__", f"[{p}]")))
                     for p in (user.__kwdefaults__ or {}))
        if partial is not None:
            found.update((k, (partial[0], partial[1] + (".keywords", f"[{k}]")))
                         for k in partial[2].keywords)
        return found

    def _partial_of(self, caller):
        """``(module name, path, partial)`` of the partial whose caller is ``caller``: one
        the code calls (a global), or one it gives to a helper (``euler(PS, y)``)."""
        for name, value in sorted(getattr(self.result, "free", {}).items()):
            if isinstance(value, functools.partial) and value.__dict__.get(CALLER) is caller:
                reader, original = _reader(name, self.func, self.free_source)
                place = self._name_place(reader, original, value)
                if place is not None:
                    return place + (value,)
        deps = getattr(self.result, "dependencies", None)
        for root, scope, attrs, obj in (deps.paths if deps is not None else ()):
            if not isinstance(obj, functools.partial) or obj.__dict__.get(CALLER) is not caller:
                continue
            if scope is self.func or scope is None:
                scope = self.free_source.get(root, self.func)
            place = None if isinstance(scope, types.ModuleType) else \
                self._name_place(scope, root, None)
            if place is not None:
                path = place[1] + tuple("." + a for a in attrs)
                if _value_at((place[0], path)) is obj:   # (not a bound method's partial)
                    return place[0], path, obj
        return None

    def _set_defaults(self, args, places, user):
        """Give the parameters ``args`` of a written function their defaults' rows;
        whether any changed."""
        params = args.posonlyargs + args.args
        positional = [None] * (len(params) - len(args.defaults)) + list(args.defaults)
        changed = False
        for kinds, defaults in ((params, positional), (args.kwonlyargs, args.kw_defaults)):
            for i, arg in enumerate(kinds):
                where = places.get(arg.arg)
                if where is None or (defaults[i] is None and kinds is params):
                    continue   # (a parameter the written function takes without default)
                value = _value_at(where)
                if value is _ABSENT:
                    continue
                if defaults[i] is not None:
                    self.dropped.update(n.id for n in ast.walk(defaults[i])
                                        if isinstance(n, ast.Name))
                defaults[i] = ast.parse(self._row(*where, value), mode="eval").body
                changed = True
        args.defaults = [d for d in positional if d is not None]
        return changed

    # -------------------------------------------------------------- assembly

    def finished(self):
        if not self.rows:
            return self.emitted
        emitted, parts = self.emitted, dict(self.emitted.parts)
        read = {n.id for n in ast.walk(ast.parse(self.code)) if isinstance(n, ast.Name)}
        gone = {name for name in self.dropped if name not in read and name not in
                " ".join(self.lines)}
        parts["code"] = self.code
        parts["user"] = [line for line in parts["user"]
                         if not any(_binds(line, name) for name in gone | self.bound)] \
            + self.lines
        aliases = dict(parts["aliases"])
        runtime = sys.modules.get("s2sad.runtime") or __import__("s2sad.runtime").runtime
        bindings = {k: v for k, v in emitted.bindings.items() if k not in gone}
        for helper, name in self.helpers.items():
            if not any(f"{name}(" in text for text in self.lines + list(self.rows.values())):
                continue
            bindings[name] = getattr(runtime, helper)
            if name != helper:
                aliases[name] = helper
        parts["aliases"] = aliases
        origins = [o for o in emitted.origins if o[2] not in gone]
        origins += [(m, path, value) for (m, path), value in sorted(self.rows.items())]
        return dataclasses.replace(emitted, origins=origins, parts=parts, bindings=bindings,
                                   user_names=[n for n in emitted.user_names if n not in gone])


_ABSENT = object()


def _value_at(place):
    from ..runtime.closures import held_value
    module = sys.modules.get(place[0])
    return _ABSENT if module is None else held_value(module, place[1], _ABSENT)


def _library(function):
    return (getattr(function, "__module__", None) or "").split(".")[0] in _LIBRARY_ROOTS


def _library_module(value):
    return isinstance(value, types.ModuleType) and value.__name__.split(".")[0] in _LIBRARY_ROOTS


def _class_place(function, module):
    """``(module name, (class, ".name"))`` of a function a class of ``module`` (or of the
    function's own module) holds, None if none."""
    for home in (module, sys.modules.get(getattr(function, "__module__", None) or "")):
        if home is None or home.__name__ == "__main__":
            continue
        for name, cls in sorted(vars(home).items()):
            if not inspect.isclass(cls) or cls.__module__ != home.__name__:
                continue
            for attr, held in sorted(vars(cls).items()):
                if getattr(held, "__func__", held) is function:
                    return home.__name__, (name, "." + attr)
    return None


def _with_signature(code, node):
    """``code`` with the header of its function ``node`` written anew from ``node.args``."""
    lines = code.splitlines(keepends=True)
    start = node.lineno - 1
    end = start
    while True:   # (the header: the lines up to the first that closes it)
        text = "".join(lines[start:end + 1]).strip()
        try:
            ast.parse(text + "\n    pass\n")
            break
        except SyntaxError:
            end += 1
    indent = lines[start][:len(lines[start]) - len(lines[start].lstrip())]
    lines[start:end + 1] = [f"{indent}def {node.name}({ast.unparse(node.args)}):\n"]
    return "".join(lines)
