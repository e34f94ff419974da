"""The one cache of generated modules, and when an entry of it still fits.

Every transform (grad, value_and_grad, vjp, jvp, jacobian, hessian, hvp) keeps its
generated modules here, one :class:`Entry` per :func:`cache_key`: the code object,
the transform, the wrt names, the argument kinds and the transform's own details.
Another function with the same code (a fresh closure over new data) reuses the
entry while everything else it was made from still holds ("never silently wrong"):
the code object, the types of its defaults and free values, the code and defaults
of every helper it read, the object each name or dotted name that chose a rule
resolves to (``np.tanh``, ``module.helper``), and the rule registry's version
(see :class:`Dependencies`).  The cache keeps no function or closure data alive:
it holds the user's objects weakly and drops the user's values from the module.
"""

import builtins
import dataclasses
import inspect
import threading
import types
import weakref

from ..errors import S2sadError, UndefinedNameError
from ..rules import registry as _registry
from ..syntax import anno
from ..syntax.function_args import kind_of_argument
from ..syntax.normalize.effects import has_effects
from ..transform.calls import reading_as

_ModuleType = types.ModuleType


def defaults_kinds(func):
    """The types of ``func``'s default values: generated code may depend on them
    (an int counter, a float), while the values themselves are read at each call."""
    kw = func.__kwdefaults__
    return (tuple(kind_of_argument(d) or type(d) for d in func.__defaults__ or ()),
            tuple(sorted((k, kind_of_argument(v) or type(v)) for k, v in kw.items()))
            if kw else ())


def _kw_items(func):
    kw = func.__kwdefaults__
    return tuple(kw.items()) if kw else ()


def _same_items(a, b):
    return len(a) == len(b) and all(x[0] == y[0] and x[1] is y[1] for x, y in zip(a, b))


def same(current, recorded):
    """Whether ``current`` is still the object generation saw (a method bound to an
    object is made anew at each attribute read: same function, same object is same)."""
    if current is recorded:
        return True
    self_ = getattr(recorded, "__self__", None)
    if self_ is None or inspect.ismodule(self_) or type(current) is not type(recorded) \
            or getattr(current, "__self__", None) is not self_:
        return False
    if hasattr(recorded, "__func__"):
        return current.__func__ is recorded.__func__
    return getattr(current, "__name__", None) == getattr(recorded, "__name__", None)


class Held:
    """A guard's object, held weakly where Python allows it (functions, modules): the
    cache compares identities and must not keep a closure and its data alive."""

    __slots__ = ("get",)

    def __init__(self, obj):
        try:
            self.get = weakref.ref(obj)
        except TypeError:   # builtins, ufuncs: long-lived, held as they are
            self.get = lambda: obj


class WeakSources:
    """{free name: the function whose globals or closure bind it}, held weakly (the
    cache must not keep a helper closure and its data alive); ``get`` as a dict's."""

    __slots__ = ("refs",)

    def __init__(self, sources):
        self.refs = {name: _weak_function(f) for name, f in dict(sources or {}).items()}

    def get(self, name, default=None):
        ref = self.refs.get(name)
        found = ref() if ref is not None else None
        return default if found is None else found

    def __contains__(self, name):
        return name in self.refs

    def alive(self):
        return all(ref() is not None for ref in self.refs.values())


def _weak_function(func):
    """A callable giving ``func`` back while the user holds it (None after).  A function
    s2sad made to read a renamed closure variable (see transform.calls.reading_as)
    is made again from the user's function, which is the one held weakly."""
    made = getattr(func, anno.READING_AS, None)
    if made is None:
        return weakref.ref(func)
    original, name, new = made
    ref = weakref.ref(original)

    def again():
        found = ref()
        return None if found is None else reading_as(found, name, new)
    return again


def guards_of(free):
    """{name: Held(object)} for the free values whose identity chose a rule (callables
    and modules): a rebinding of one means regenerating."""
    return {k: v if isinstance(v, Held) else Held(v) for k, v in free.items()
            if isinstance(v, Held) or callable(v) or inspect.ismodule(v)}


def global_name(func, name):
    """The name ``func``'s globals hold ``name`` under: its own, or the user's name of
    a global the generated module renamed (see transform.calls.reading_as)."""
    made = getattr(func, anno.READING_AS, None)
    if made is not None and made[2] == name and name not in func.__code__.co_freevars:
        return made[1]
    return name


def current(func, name):
    """The value ``name`` has now as ``func`` reads it: its closure cell, its
    globals, then the builtins (an S2sadError for a closure cell not bound yet)."""
    code = func.__code__
    if func.__closure__ and name in code.co_freevars:
        cell = func.__closure__[code.co_freevars.index(name)]
        try:
            return cell.cell_contents
        except ValueError:
            raise S2sadError(f"the closure variable {name!r} of {func.__name__} is not bound "
                             f"yet") from None
    g = func.__globals__
    name = global_name(func, name)
    if name in g:
        return g[name]
    try:
        return getattr(builtins, name)
    except AttributeError:   # (deleted since the code was made: Python's NameError)
        raise UndefinedNameError(f"name {name!r} is not defined (read by {func.__name__})",
                                 hint="define it at module level or pass it in as an "
                                      "argument") from None


def _held_scope(scope):
    """``scope`` (a function, a module or None) held as the cache holds it: weakly,
    but for a module s2sad bound itself (long-lived)."""
    if scope is None:
        return None
    if isinstance(scope, _ModuleType):
        return lambda scope=scope: scope
    return weakref.ref(scope)


class Dependencies:
    """What a generated module was made from, besides the function's free values:
    its code object, the types of its defaults, the rule registry's version, the code
    of every other user function it read, and the object each dotted name
    (``np.tanh``, ``module.helper``) resolved to.  ``valid(func)`` says whether the
    module still fits ``func`` as it is now."""

    __slots__ = ("code", "kinds", "version", "functions", "paths", "free_source", "types",
                 "composed", "module_paths")

    def __init__(self, func, result, free_source):
        self.code = func.__code__
        self.kinds = defaults_kinds(func)
        #: free name -> the type of its value: code made for one type of value is
        #: reused for another value of that type only (a fresh closure over new data)
        self.types = {name: type(value) for name, value in result.free.items()}
        self.version = _registry.version
        self.free_source = free_source
        deps = result.dependencies
        functions, paths = {}, {}
        if deps is not None:
            for f in deps.functions:
                if f is not func and id(f) not in functions:
                    # weakly: a helper closure (a decorator's wrapped function) and its
                    # data must not outlive the user's own references
                    functions[id(f)] = (weakref.ref(f), f.__code__, f.__defaults__,
                                        _kw_items(f))
            for root, scope, attrs, obj in deps.paths:
                if scope is func or scope is None:
                    # None: read from the function's own scope (or the helper that binds
                    # the name, when the name comes from a helper of another module)
                    scope = free_source.get(root)
                paths.setdefault((root, id(scope), attrs),
                                 (root, _held_scope(scope), attrs, obj))
        self.functions = tuple(functions.values())
        self.paths = tuple(paths.values())
        #: (module, attrs, object) of each name read through a module s2sad binds (a
        #: rule's ``np.sin``): checked on the fast path as it is
        self.module_paths = tuple((held(), attrs, obj) for _, held, attrs, obj in self.paths
                                  if held is not None and not isinstance(held, weakref.ref))
        # the composable forms of derivatives the code was made through (api.composable)
        self.composed = tuple(weakref.ref(f) for f in (deps.functions if deps else ())
                              if anno.COMPOSED_CURRENT in f.__dict__)

    def valid(self, func, namespace=None):
        """Whether the module still fits ``func``; ``namespace``, when given, holds the
        current values of the function's own free names (a bound module's globals)."""
        if func.__code__ is not self.code or _registry.version != self.version:
            return False
        if not self.helpers_unchanged() or not self.free_source.alive():
            return False
        try:
            for root, held, attrs, obj in self.paths:
                scope = None if held is None else held()
                if held is not None and scope is None:
                    return False   # the function that bound the name is gone
                if scope is None and namespace is not None:
                    found = namespace[root]
                elif scope.__class__ is _ModuleType:   # s2sad's own binding of a module
                    found = scope
                else:
                    found = current(scope or self.free_source.get(root, func), root)
                for attr in attrs:
                    found = getattr(found, attr)
                if found is not obj and not same(found, obj):
                    return False
        except (AttributeError, KeyError, S2sadError):
            return False
        return True

    def helpers_unchanged(self):
        """Whether every other function the module was made from still has the code
        and defaults it had (inlined helpers hold their values)."""
        for ref, code, defaults, kw in self.functions:
            f = ref()
            if f is None or f.__code__ is not code or f.__defaults__ is not defaults or \
                    (kw or f.__kwdefaults__) and not _same_items(_kw_items(f), kw):
                return False
        for ref in self.composed:   # a derivative called inside, as it is now
            form = ref()
            if form is None or not form.__dict__[anno.COMPOSED_CURRENT]():
                return False
        return True


def without_user_values(emitted, free):
    """A copy of ``emitted`` holding none of the user's values (each compile is given
    the current ones): a cached module must not keep the user's data alive."""
    return dataclasses.replace(
        emitted, bindings={k: v for k, v in emitted.bindings.items() if k not in free})


class Entry:
    """One generated module, compiled from a :class:`pipeline.Result`, with what it
    needs refreshed per call: the user's free names (values kept for guards only),
    the functions that bind them, what else it was made from, its helpers.

    ``user_free`` (default: the result's free names), ``free_source`` and ``deps``
    are given for code generated from other generated code (second order reads the
    user's values through the reverse entry ``depends_on`` it was built from)."""

    #: {parameter: ranks that would change the code} (general reverse code only)
    wanted = None

    def __init__(self, func, result, user_free=None, free_source=None, deps=None,
                 depends_on=None):
        user_free = result.free if user_free is None else user_free
        self.emitted = without_user_values(result.emitted, user_free)
        self.text = result.emitted.text
        #: free name -> the function whose globals/closure bind it (default: the user's)
        self.free_source = free_source if free_source is not None \
            else WeakSources(result.free_source)
        # names whose identity chose a rule: a rebinding means regenerate
        self.guards = guards_of(user_free)
        # the free names (values only for guards: the cache keeps no user data alive)
        self.free = {k: self.guards.get(k) for k in user_free}
        self.deps = deps if deps is not None else Dependencies(func, result, self.free_source)
        self.depends_on = depends_on
        #: (generated function name, user function): given its current defaults
        # weakly, as the guards: the cache keeps no user function alive
        self.callees = tuple((name, weakref.ref(f)) for name, f in result.callees.items())
        #: the function returns a tuple display (``return a, b``): its pullback takes
        #: one cotangent per item; any other value (``return tuple(...)``) one cotangent
        normal = getattr(result, "normal", None)
        returns = normal.node.body[-1] if normal is not None else None
        self.returns_items = type(getattr(returns, "value", None)).__name__ == "Tuple"
        #: the code runs statements for their effect (print...): a Hessian's later columns
        #: run code without them (``entries.second_order_entry``)
        self.effects = normal is not None and has_effects(normal.node) \
            or getattr(result, "callee_effects", False)   # (a callee's print...)

    def current(self, func, name):
        """The value of the free ``name`` now (``func``: the user's function)."""
        return current(self.free_source.get(name, func), name)

    def valid_for(self, func):
        """Whether this module still fits ``func`` as it is now."""
        if defaults_kinds(func) != self.deps.kinds or not self.deps.valid(func):
            return False
        types_ = self.deps.types
        for name in self.free:
            value = self.current(func, name)
            if type(value) is not types_[name] or \
                    name in self.guards and value is not self.guards[name].get():
                return False
        return True


def cache_key(func, transform, wrt, kinds=None, *details):
    """The key of ``func``'s entry: (code object, transform, wrt names, argument kinds
    (see ``arguments.argument_kinds``; None: numbers and arrays), details)."""
    return (getattr(func, "__code__", func), transform, wrt, kinds) + details


class EntryCache:
    """{cache key: :class:`Entry`}, at most ``limit`` entries (the oldest goes first),
    safe to share between threads."""

    def __init__(self, limit=1024):
        self.limit = limit
        self.entries = {}
        self.lock = threading.Lock()

    def get(self, key, func, build, depends_on=None):
        """The entry under ``key`` when it still fits ``func`` (and was built from
        ``depends_on``), else ``build()``'s, stored under ``key``."""
        with self.lock:
            entry = self.entries.get(key)
        if entry is not None and entry.depends_on is depends_on and entry.valid_for(func):
            return entry
        entry = build()
        with self.lock:
            if len(self.entries) >= self.limit:
                self.entries.pop(next(iter(self.entries)))
            self.entries[key] = entry
        return entry

    def keys_for(self, code):
        """The keys of the entries made from the code object ``code``."""
        with self.lock:
            return [key for key in self.entries if key[0] is code]

    def clear(self):
        with self.lock:
            self.entries.clear()


#: the cache every transform shares
CACHE = EntryCache()
