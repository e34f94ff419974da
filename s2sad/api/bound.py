"""The one bound-function type: generated code bound to a user function as it is now.

A :class:`Bound` holds the compiled module of a cache entry (see ``core``) and,
at each call, refreshes the module's globals from the user's current globals and
closure cells and the generated function's defaults from the user's; it generates
again when the entry no longer fits (the code, a helper, a rule, a name that chose
a rule or the type of a free value or default changed).  A call with a list, tuple
or dict among the arguments goes to the Bound made for the structure of the
arguments (``arguments.argument_kinds``); a call whose arguments have ranks the
code would be simpler for (``ranked``: a 1-D array indexed item by item) to the
Bound made for those ranks.
"""

import builtins
import types
import weakref

from ..emit import compile_module
from ..errors import FieldReadError, ObjectClassError, SharedWriteError, UndefinedNameError
from ..syntax.function_args import CalledParameterError
from ..rules import registry as _registry
from ..runtime.duck import called_with, duck_among
from ..syntax import wrappers
from .arguments import argument_kinds, has_containers, is_container_argument
from .core import defaults_kinds, global_name, same
from .foreign import refuse_foreign_arguments
from .ranked import Ranked

_BUILTINS = vars(builtins)
_ModuleType = types.ModuleType


class _GlobalsThenBuiltins:
    """A builtin name as Python reads it: the function's globals first (a global
    defined later shadows the builtin), then the builtins."""

    __slots__ = ("globals",)

    def __init__(self, globals_):
        self.globals = globals_

    def __getitem__(self, key):
        found = self.globals.get(key, _BUILTINS)
        return _BUILTINS[key] if found is _BUILTINS else found


def _reader(func, name):
    """How to read ``name`` as ``func`` sees it now: (name, key, globals or builtins,
    cell); ``key`` is the name in those globals."""
    code = func.__code__
    if func.__closure__ and name in code.co_freevars:
        return name, name, None, func.__closure__[code.co_freevars.index(name)]
    key = global_name(func, name)
    if key in func.__globals__:
        return name, key, func.__globals__, None
    return name, key, _GlobalsThenBuiltins(func.__globals__), None


def set_defaults(impl, func):
    """Give the generated ``impl`` the defaults ``func`` has now (Python reads
    ``__defaults__`` at each call; the generated text holds those of the source)
    when both take the same parameters."""
    if wrappers.is_forwarding(func):   # def wrapper(*args, **kwargs): the wrapped defaults
        _set_forwarded_defaults(impl, wrappers.signature(func))
        return
    mine, theirs = impl.__code__, func.__code__
    n, k = theirs.co_argcount, theirs.co_kwonlyargcount
    if mine.co_argcount == n and mine.co_varnames[:n] == theirs.co_varnames[:n]:
        impl.__defaults__ = func.__defaults__
    kw = func.__kwdefaults__
    mine_kwonly = mine.co_varnames[mine.co_argcount:mine.co_argcount + mine.co_kwonlyargcount]
    if k and set(theirs.co_varnames[n:n + k]) <= set(mine_kwonly):
        # the same keyword-only parameters (a jvp's keyword-only tangents besides)
        impl.__kwdefaults__ = dict(kw) if kw else None


def _set_forwarded_defaults(impl, sig):
    """Give ``impl`` the current defaults of the parameters ``sig`` (a forwarding
    wrapper's, see ``syntax.wrappers``) when it takes them first, in that order."""
    params = list(sig.parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword = [p for p in params if p.kind == p.KEYWORD_ONLY]
    code = impl.__code__
    n, k = len(positional), len(keyword)
    if code.co_argcount != n or code.co_varnames[:n] != tuple(p.name for p in positional):
        return
    trailing = n   # (the last run with defaults: the text's, see syntax.wrappers)
    while trailing and positional[trailing - 1].default is not positional[0].empty:
        trailing -= 1
    defaults = tuple(p.default for p in positional[trailing:])
    impl.__defaults__ = defaults or None
    names = code.co_varnames[n:n + code.co_kwonlyargcount]
    if k and names[:k] == tuple(p.name for p in keyword):
        kw = dict(impl.__kwdefaults__ or {})
        kw.update({p.name: p.default for p in keyword if p.default is not p.empty})
        impl.__kwdefaults__ = kw


def _defaults_of(func):
    """``func``'s defaults as :meth:`Bound.current` compares them each call: the tuple and
    dict objects, and the objects the dict holds (a partial's keywords are its caller's
    ``__kwdefaults__`` dict itself, set anew item by item: ``api.composable``)."""
    kw = func.__kwdefaults__
    return (func.__defaults__, kw, tuple(kw.items()) if kw else ())


def _same_objects(kw, items):
    """Whether the dict ``kw`` holds ``items`` (the objects themselves, kept alive here)."""
    return len(kw) == len(items) and all(kw.get(k, items) is v for k, v in items)


class _Checks:
    """What :meth:`Bound.current` checks per call, from an entry's dependencies:
    the code object, the registry version, the dotted names read in the function's
    own scope (``np.dot``: checked inline), and whether anything else (other
    functions, names of other scopes) needs the full ``deps.valid``."""

    __slots__ = ("deps", "code", "version", "local_paths", "module_paths", "slow")

    def __init__(self, deps):
        self.deps = deps
        self.code, self.version = deps.code, deps.version
        self.local_paths = tuple((root, attrs[0], obj) for root, scope, attrs, obj
                                 in deps.paths if scope is None and len(attrs) == 1)
        self.module_paths = deps.module_paths   # a rule's np.sin: still numpy's sin
        self.slow = bool(deps.functions) or \
            len(self.local_paths) + len(self.module_paths) != len(deps.paths)

    def paths_hold(self, namespace):
        """Whether each local dotted name still resolves to what generation saw."""
        for root, attr, obj in self.local_paths:   # np.dot is still np.dot
            found = getattr(namespace.get(root), attr, None)
            if found is not obj and not same(found, obj):
                return False
        for found, attrs, obj in self.module_paths:
            for attr in attrs:
                found = getattr(found, attr, None)
            if found is not obj:
                return False
        return True

    def fit(self, func, namespace):
        """Whether the module still fits ``func`` (its free values just refreshed into
        ``namespace``): the per-call form of ``core.Dependencies.valid``."""
        if func.__code__ is not self.code or _registry.version != self.version or \
                self.slow and not self.deps.valid(func, namespace):
            return False
        return self.paths_hold(namespace)


class Bound:
    """A generated function bound to one user function's current free values.

    ``make_entry(kinds)`` gives the cache entry for the structure ``kinds`` of the
    arguments (None: numbers and arrays), ``make_entry(None, ranks)`` the entry for
    numbers and arrays of the ranks ``ranks`` (asked for only where the general
    entry says which ranks would change it, ``Entry.wanted``).  Called with a list, tuple or dict among
    the arguments, it uses the code generated for the structure of the arguments,
    one Bound per structure; with numbers and arrays only, its own.  ``entry`` is
    None when the code for numbers and arrays was refused (the refusal is raised
    when it is called with those: a container argument may make the program one
    s2sad differentiates)."""

    def __init__(self, func, make_entry, kinds=None, ranks=None):
        self.func = func
        self.make_entry = make_entry
        self.kinds = kinds
        self.ranks = ranks
        self.structures = {}   # argument kinds -> Bound specialized on them
        self.ranked, self.by_rank = None, {}   # Ranked; its keys -> Bound made for them
        self.refusal = None
        # what _rebuild sets from the entry, each time the entry is fetched again
        self.entry = self.impl = self.namespace = self.deps = self.checks = None
        self.readers, self.guards, self.defaults = (), {}, (None, None)
        self.builtin_readers = ()
        self.fast = None   # a wrapper's fast path for this entry (see fastpath), made lazily
        self.fasts = {}   # rank key -> the fast path made for it (see fastpath; ranked only)
        self.parent = None   # the Bound whose ranked calls this one runs (its fast path may)
        self.shown_by = []   # weak references to the functions whose .source is this text
        try:
            self._rebuild()
        except (SharedWriteError, UndefinedNameError, CalledParameterError,
                FieldReadError, ObjectClassError) as exc:
            if kinds is not None or ranks is not None:
                raise
            self.refusal, self.entry = exc, None

    def specialized(self, args, kwargs):
        """The Bound made for the structure of ``args`` and ``kwargs``."""
        kinds = argument_kinds(self.func, args, kwargs)
        found = self.structures.get(kinds)
        if found is None:
            if len(self.structures) >= 64:
                self.structures.clear()
            found = self.structures[kinds] = Bound(self.func, self.make_entry, kinds)
        return found

    def for_ranks(self, key):
        """The Bound made for the argument ranks ``key`` (see ``ranked.Ranked``)."""
        found = self.by_rank.get(key)
        if found is None:
            if len(self.by_rank) >= 64:
                self.by_rank.clear()
                self.drop_fast()
            found = self.by_rank[key] = Bound(self.func, self.make_entry, None, key)
            found.parent = self
        return found

    def drop_fast(self):
        """Forget the fast paths made for this entry (its own, and its parent's, which may
        run it: see ``fastpath``)."""
        self.fast = None
        self.fasts.clear()
        if self.parent is not None:
            self.parent.drop_fast()

    def _rebuild(self):
        """Fetch the entry (generated again when it no longer fits) and compile it with
        the user's current values, defaults and helpers' defaults."""
        self.drop_fast()
        entry = self.entry = self.make_entry(self.kinds) if self.ranks is None \
            else self.make_entry(self.kinds, self.ranks)
        if self.kinds is None and self.ranks is None:
            self.by_rank.clear()
            self.ranked = Ranked(self.func, entry.wanted) if entry.wanted else None
        sources = entry.free_source
        values = {name: entry.current(self.func, name) for name in entry.free}
        self.impl = compile_module(entry.emitted, values, origin=self.func)
        set_defaults(self.impl, self.func)
        for name, helper in entry.callees:   # helpers' current defaults
            if helper() is not None:
                set_defaults(self.impl.__globals__[name], helper())
        self.defaults = _defaults_of(self.func)
        self.namespace = self.impl.__globals__
        self.readers = tuple(_reader(sources.get(name, self.func), name)
                             for name in entry.free if name in self.namespace)
        # a builtin's name the module reads as the builtin (emit.compile_module) is not in
        # its namespace: the function's own reading of it, should the module bind it since
        # (abs = squared), makes the code again
        self.builtin_readers = tuple(
            (*_reader(sources.get(name, self.func), name), getattr(builtins, name))
            for name in entry.free
            if name not in self.namespace and hasattr(builtins, name))
        self.guards = entry.guards
        self.deps = entry.deps
        self.checks = _Checks(entry.deps)
        for shown in self.shown_by:   # (regenerated: .source shows the code that runs)
            if shown() is not None:
                shown().source = entry.text

    def _refused_before(self):
        """Raise the refusal of the code for numbers and arrays, made when the derivative
        was; a name not defined then is looked up again now, as Python would (the module
        may have defined it since: UndefinedNameError), and the code made if it is."""
        if not isinstance(self.refusal, UndefinedNameError):
            raise self.refusal.with_traceback(None)
        try:
            self._rebuild()
        except (SharedWriteError, UndefinedNameError, CalledParameterError) as exc:
            self.refusal, self.entry = exc, None
            raise exc.with_traceback(None)
        self.refusal = None

    def show_source(self, wrapper):
        """Give ``wrapper`` this code as ``.source``, kept up to date when it is made again."""
        wrapper.source = self.text()
        self.shown_by.append(weakref.ref(wrapper))
        return wrapper

    def current(self, args=(), kwargs=None):
        """The generated function, its globals refreshed from the user's current values
        (regenerated when the code, a helper, a rule or a name that chose a rule changed);
        the one made for the structure of ``args`` and ``kwargs`` when one is a container."""
        refuse_foreign_arguments(self.func, args, kwargs)   # (a deque, a set: see foreign)
        for value in args:
            if is_container_argument(value):   # (a list, a namedtuple, a function...)
                return self.specialized(args, kwargs).current()
        if kwargs and has_containers((), kwargs):
            return self.specialized(args, kwargs).current()
        if self.ranked is not None and duck_among(*args, *(kwargs or {}).values()) is None:
            # (code made for ranks adds items into a parameter's numpy adjoint in place,
            # x_bar[i] += g, which computes a Dask g: the general code's add_into, lazily)
            key = self.ranked.key(args, kwargs)
            if key is not None:
                found = self.by_rank.get(key)
                return (found if found is not None else self.for_ranks(key)).current()
        if self.refusal is not None:
            if self.refusal.__class__ is ObjectClassError:   # (made for self's class)
                return self.specialized(args, kwargs).current()
            self._refused_before()
        func, namespace, checks = self.func, self.namespace, self.checks
        try:
            for name, key, scope, cell, builtin in self.builtin_readers:
                if (cell.cell_contents if cell is not None else scope[key]) is not builtin:
                    self._rebuild()
                    return self.impl
            for name, key, scope, cell in self.readers:
                value = cell.cell_contents if cell is not None else scope[key]
                if namespace.get(name) is not value:
                    if name in self.guards or type(value) is not self.deps.types[name]:
                        self._rebuild()
                        return self.impl
                    namespace[name] = value
                    if value.__class__ is _ModuleType:   # (see fastpath._modules)
                        self.drop_fast()
        except KeyError:   # a global deleted since (the name may be a builtin's again)
            self._rebuild()
            return self.impl
        if func.__code__ is not checks.code or _registry.version != checks.version \
                or checks.slow:   # (the common case inline: _Checks.fit's fast path)
            fits = checks.fit(func, namespace)
        else:
            fits = checks.paths_hold(namespace)
        if not fits:
            self._rebuild()
            return self.impl
        defaults = self.defaults
        if func.__defaults__ is not defaults[0] or func.__kwdefaults__ is not defaults[1] \
                or defaults[2] and not _same_objects(defaults[1], defaults[2]):
            if defaults_kinds(func) != self.deps.kinds:
                self._rebuild()
                return self.impl
            set_defaults(self.impl, func)
            self.defaults = _defaults_of(func)
            self.drop_fast()
        return self.impl

    def __call__(self, *args, **kwargs):
        if kwargs:
            sig = wrappers.binds_calls(self.func)
            if sig is not None:   # (x, w=w) of a wrapper(x, c=0.5, *args, **kwargs)
                bound = sig.bind(*args, **kwargs)
                bound.apply_defaults()
                args, kwargs = bound.args, bound.kwargs
        impl = self.current(args, kwargs)
        if kwargs:   # (Dask data among them: a numpy argument's adjoint is lazy too)
            return called_with(lambda: impl(*args, **kwargs), (*args, *kwargs.values()))
        return called_with(impl, args, *args)

    def text(self):
        """The generated module text for numbers and arrays (None where that is refused:
        the refusal is raised when the function is called with them)."""
        return None if self.entry is None else self.entry.text

    def returns_items(self, args, kwargs):
        """Whether the generated function returns a tuple output's items one by one."""
        entry = self.entry if self.entry is not None else self.specialized(args, kwargs).entry
        return entry.returns_items
