"""The Python API: grad, value_and_grad, vjp, source.

s2sad differentiates the function object it is given, as it runs now: a
``functools.wraps`` wrapper itself (never what it wraps), read from its source
file, which must still compile to the function's ``__code__``.

Generation is cached per (code object, wrt, flavor): another function with the
same code (a fresh closure over new data) reuses the generated module.  Each
returned function reads the user's globals and closure cells, and the
function's current defaults, when it is called; the module is generated again
when what it was made from changed: the code object, the type of a free value
or default, the code or defaults of a helper it read, the object a name or a
dotted name (``np.tanh``, ``module.helper``) that chose a rule resolves to, or
the rule registry.  The caches keep no function or closure data alive.
"""

import functools
import inspect
import threading
import weakref
import types

import numpy as np

from . import pipeline, trees
from .errors import CotangentError, NonScalarOutputError, S2sadError, ValueTypeError
from .rules import registry as _registry
from .runtime import float_like
from .values import (_COMPLEX_HINT, NoneOutputError, complex_leak, is_complex,
                     none_output, problem, refuse_complex_arguments, refuse_value)

_ndarray = np.ndarray
_FLOAT64 = np.dtype(np.float64)
_ModuleType = types.ModuleType
_CACHE = {}
_CACHE_LOCK = threading.Lock()
_CACHE_LIMIT = 512


def _defaults_kinds(func):
    """The types of ``func``'s default values: generated code may depend on them
    (an int counter, a float), while the values themselves are read at each call."""
    kw = func.__kwdefaults__
    return (tuple(type(d) for d in func.__defaults__ or ()),
            tuple(sorted((k, type(v)) for k, v in kw.items())) if kw else ())


def _kw_items(func):
    kw = func.__kwdefaults__
    return tuple(kw.items()) if kw else ()


def _same_items(a, b):
    return len(a) == len(b) and all(x[0] == y[0] and x[1] is y[1] for x, y in zip(a, b))


def _same(current, recorded):
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


class _Held:
    """A guard's object, held weakly where Python allows it (functions, modules): the
    cache compares identities and must not keep a closure and its data alive."""

    __slots__ = ("get",)

    def __init__(self, obj):
        try:
            self.get = weakref.ref(obj)
        except TypeError:   # builtins, ufuncs: long-lived, held as they are
            self.get = lambda: obj


class _WeakSources:
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
    made = getattr(func, "_s2sad_reading_as", None)
    if made is None:
        return weakref.ref(func)
    original, name, new = made
    ref = weakref.ref(original)

    def again():
        from .transform.calls import reading_as
        found = ref()
        return None if found is None else reading_as(found, name, new)
    return again


def guards_of(free):
    """{name: _Held(object)} for the free values whose identity chose a rule (callables
    and modules): a rebinding of one means regenerating."""
    return {k: v if isinstance(v, _Held) else _Held(v) for k, v in free.items()
            if isinstance(v, _Held) or callable(v) or inspect.ismodule(v)}


class _Dependencies:
    """What a generated module was made from, besides the function's free values:
    its code object, the types of its defaults, the rule registry's version, the code
    of every other user function it read, and the object each dotted name
    (``np.tanh``, ``module.helper``) resolved to.  ``valid(func)`` says whether the
    module still fits ``func`` as it is now."""

    __slots__ = ("code", "kinds", "version", "functions", "paths", "free_source", "types")

    def __init__(self, func, result, free_source):
        self.code = func.__code__
        self.kinds = _defaults_kinds(func)
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
                held = None if scope is None else weakref.ref(scope) \
                    if not isinstance(scope, _ModuleType) else (lambda scope=scope: scope)
                paths.setdefault((root, id(scope), attrs), (root, held, attrs, obj))
        self.functions = tuple(functions.values())
        self.paths = tuple(paths.values())

    def valid(self, func, namespace=None):
        """Whether the module still fits ``func``; ``namespace``, when given, holds the
        current values of the function's own free names (a bound module's globals)."""
        if func.__code__ is not self.code or _registry.version != self.version:
            return False
        for ref, code, defaults, kw in self.functions:
            # another function's code or defaults (inlined helpers hold their values)
            f = ref()
            if f is None or f.__code__ is not code or f.__defaults__ is not defaults or \
                    (kw or f.__kwdefaults__) and not _same_items(_kw_items(f), kw):
                return False
        if not self.free_source.alive():
            return False
        try:
            for root, held, attrs, obj in self.paths:
                scope = None if held is None else held()
                if held is not None and scope is None:
                    return False   # the function that bound the name is gone
                if scope is None and namespace is not None:
                    current = namespace[root]
                elif scope.__class__ is _ModuleType:   # s2sad's own binding of a module
                    current = scope
                else:
                    current = _current(scope or self.free_source.get(root, func), root)
                for attr in attrs:
                    current = getattr(current, attr)
                if current is not obj and not _same(current, obj):
                    return False
        except (AttributeError, KeyError, S2sadError):
            return False
        return True


class _Entry:
    """One generated module, compiled, with what it needs refreshed per call."""

    def __init__(self, func, wrt, flavor, inline_helpers=False, kinds=None):
        header = pipeline.header(
            func.__name__, pipeline.display_path(inspect.getsourcefile(func) or "?"),
            "reverse", flavor, wrt,
            f"s2sad.source({func.__name__}, wrt={wrt!r})" if flavor == "value_and_grad"
            else f"s2sad.vjp({func.__name__}, wrt={wrt!r})")
        result = pipeline.generate(func, wrt, "reverse", flavor, header,
                                   inline_helpers=inline_helpers,
                                   kinds=dict(kinds) if kinds else None)
        self.emitted = _without_user_values(result.emitted, result.free)
        self.text = result.emitted.text
        # names whose identity chose a rule: a rebinding means regenerate
        self.guards = guards_of(result.free)
        # the free names (values only for guards: the cache keeps no user data alive)
        self.free = {k: self.guards.get(k) for k in result.free}
        self.free_source = _WeakSources(result.free_source)
        self.deps = _Dependencies(func, result, self.free_source)
        #: (generated function name, user function): given its current defaults
        # weakly, as the guards: the cache keeps no user function alive
        self.callees = tuple((name, weakref.ref(f)) for name, f in result.callees.items())
        #: the function returns a tuple display (``return a, b``): its pullback takes
        #: one cotangent per item; any other value (``return tuple(...)``) one cotangent
        returns = result.normal.node.body[-1] if result.normal is not None else None
        self.returns_items = type(getattr(returns, "value", None)).__name__ == "Tuple"

    def valid_for(self, func):
        if _defaults_kinds(func) != self.deps.kinds or not self.deps.valid(func):
            return False
        types = self.deps.types
        for name in self.free:
            value = _current(self.free_source.get(name, func), name)
            if type(value) is not types[name] or \
                    name in self.guards and value is not self.guards[name].get():
                return False
        return True


def _without_user_values(emitted, free):
    """``emitted`` holding none of the user's values (each compile is given the
    current ones): a cached module must not keep the user's data alive."""
    emitted.bindings = {k: v for k, v in emitted.bindings.items() if k not in free}
    return emitted


def _global_name(func, name):
    """The name ``func``'s globals hold ``name`` under: its own, or the user's name of
    a global the generated module renamed (see transform.calls.reading_as)."""
    made = getattr(func, "_s2sad_reading_as", None)
    if made is not None and made[2] == name and name not in func.__code__.co_freevars:
        return made[1]
    return name


def _current(func, name):
    code = func.__code__
    if func.__closure__ and name in code.co_freevars:
        cell = func.__closure__[code.co_freevars.index(name)]
        try:
            return cell.cell_contents
        except ValueError:
            raise S2sadError(f"the closure variable {name!r} of {func.__name__} is not bound "
                             f"yet") from None
    g = func.__globals__
    name = _global_name(func, name)
    if name in g:
        return g[name]
    import builtins
    return getattr(builtins, name)


def _entry(func, wrt, flavor, inline_helpers=False, kinds=None):
    """The generated module for ``func`` (cached); ``inline_helpers`` for the reverse
    code second derivatives are computed from (see ``pipeline.generate``); ``kinds``,
    the structure of the arguments it is specialized on (see :func:`argument_kinds`).

    The key is the code object; an entry is reused only while everything else it
    was made from still holds (see :class:`_Dependencies`): another function with
    the same code (a fresh closure over new data) reuses it.
    """
    key = (getattr(func, "__code__", func), wrt, flavor, inline_helpers, kinds)
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
    if entry is not None and entry.valid_for(func):
        return entry
    entry = _Entry(func, wrt, flavor, inline_helpers, kinds)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = entry
    return entry


def _set_defaults(impl, func):
    """Give the generated ``impl`` the defaults ``func`` has now (Python reads
    ``__defaults__`` at each call; the generated text holds those of the source)
    when both take the same parameters."""
    from .syntax import wrappers
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
    defaults = tuple(p.default for p in positional if p.default is not p.empty)
    impl.__defaults__ = defaults or None
    names = code.co_varnames[n:n + code.co_kwonlyargcount]
    if k and names[:k] == tuple(p.name for p in keyword):
        kw = dict(impl.__kwdefaults__ or {})
        kw.update({p.name: p.default for p in keyword if p.default is not p.empty})
        impl.__kwdefaults__ = kw


_CONTAINER_CLASSES = (list, tuple, dict)


def has_containers(args, kwargs):
    """Whether an argument is a list, tuple or dict (the common case, only numbers and
    arrays, is one class test per argument)."""
    for value in args:
        if value.__class__ in _CONTAINER_CLASSES:
            return True
    if kwargs:
        for value in kwargs.values():
            if value.__class__ in _CONTAINER_CLASSES:
                return True
    return False


def argument_kinds(func, args, kwargs):
    """``((parameter, kind), ...)`` for the arguments of a call of ``func`` (hashable:
    part of the cache key); see ``analysis.kinds.kind_of_value``.  A list's kind is the
    join of its items' (code made for a list of 3 arrays serves a list of 5)."""
    from .analysis.kinds import kind_of_value
    names = [p.name for p in pipeline.signature(func).parameters.values()]
    found = dict(zip(names, (kind_of_value(v) for v in args)))
    for name, value in (kwargs or {}).items():
        if name in names:
            found[name] = kind_of_value(value)
    return tuple(sorted(found.items()))


class _Bound:
    """A generated function bound to one user function's current free values.

    Called with a list, tuple or dict among the arguments, it uses the code generated
    for the structure of the arguments (``analysis.kinds``), one bound module per
    structure; with numbers and arrays only, its own."""

    def __init__(self, func, wrt, flavor, kinds=None):
        self.func = func
        self.wrt = wrt
        self.flavor = flavor
        self.kinds = kinds
        self.structures = {}   # argument kinds -> _Bound specialized on them
        self._rebuild()

    def specialized(self, args, kwargs):
        """The bound module generated for the structure of ``args`` and ``kwargs``."""
        kinds = argument_kinds(self.func, args, kwargs)
        found = self.structures.get(kinds)
        if found is None:
            if len(self.structures) >= 64:
                self.structures.clear()
            found = self.structures[kinds] = _Bound(self.func, self.wrt, self.flavor, kinds)
        return found

    def _rebuild(self):
        from .emit import compile_module
        self.entry = _entry(self.func, self.wrt, self.flavor, kinds=self.kinds)
        sources = self.entry.free_source
        values = {name: _current(sources.get(name, self.func), name)
                  for name in self.entry.free}
        self.impl = compile_module(self.entry.emitted, values)
        _set_defaults(self.impl, self.func)
        for name, helper in self.entry.callees:
            if helper() is not None:
                _set_defaults(self.impl.__globals__[name], helper())
        self.defaults = (self.func.__defaults__, self.func.__kwdefaults__)
        self.namespace = self.impl.__globals__
        self.readers = tuple(_reader(sources.get(name, self.func), name)
                             for name in self.entry.free)
        self.guards = self.entry.guards
        self.deps = self.entry.deps
        _prepare_checks(self, self.deps)

    def current(self, args=(), kwargs=None):
        """The generated function, its globals refreshed from the user's current values
        (regenerated when the code, a helper, a rule or a name that chose a rule changed);
        the one made for the structure of ``args`` and ``kwargs`` when one is a container."""
        for value in args:
            if value.__class__ in _CONTAINER_CLASSES:
                return self.specialized(args, kwargs).current()
        if kwargs and has_containers((), kwargs):
            return self.specialized(args, kwargs).current()
        func = self.func
        namespace = self.namespace
        for name, key, scope, cell in self.readers:
            value = cell.cell_contents if cell is not None else scope[key]
            if namespace.get(name) is not value:
                if name in self.guards or type(value) is not self.deps.types[name]:
                    self._rebuild()
                    return self.impl
                namespace[name] = value
        if func.__code__ is not self.code or _registry.version != self.version \
                or self.slow:   # (the common case inline: _fits's fast path)
            if not _fits(self, func, namespace):
                self._rebuild()
                return self.impl
        else:
            for root, attr, obj in self.local_paths:   # np.dot is still np.dot
                found = getattr(namespace.get(root), attr, None)
                if found is not obj and not _same(found, obj):
                    self._rebuild()
                    return self.impl
        defaults = self.defaults
        if func.__defaults__ is not defaults[0] or func.__kwdefaults__ is not defaults[1]:
            if _defaults_kinds(func) != self.deps.kinds:
                self._rebuild()
                return self.impl
            _set_defaults(self.impl, func)
            self.defaults = (func.__defaults__, func.__kwdefaults__)
        return self.impl

    def __call__(self, *args, **kwargs):
        return self.current(args, kwargs)(*args, **kwargs)


def _prepare_checks(bound, deps):
    """Set up what :func:`_fits` reads on ``bound`` (a bound generated function)."""
    bound.code, bound.version = deps.code, deps.version
    # the dotted names read in the function's own scope, checked inline per call;
    # anything else (other functions, names of other scopes) by deps.valid
    bound.local_paths = tuple((root, attrs[0], obj) for root, scope, attrs, obj in deps.paths
                              if scope is None and len(attrs) == 1)
    bound.slow = bool(deps.functions) or len(bound.local_paths) != len(deps.paths)


def _fits(bound, func, namespace):
    """Whether ``bound``'s module still fits ``func`` (its free values just refreshed
    into ``namespace``): the per-call form of :meth:`_Dependencies.valid`."""
    if func.__code__ is not bound.code or _registry.version != bound.version or \
            bound.slow and not bound.deps.valid(func, namespace):
        return False
    for root, attr, obj in bound.local_paths:   # np.dot is still np.dot
        current = getattr(namespace.get(root), attr, None)
        if current is not obj and not _same(current, obj):
            return False
    return True


def _reader(func, name):
    """How to read ``name`` as ``func`` sees it now: (name, key, globals or builtins,
    cell); ``key`` is the name in those globals."""
    code = func.__code__
    if func.__closure__ and name in code.co_freevars:
        return name, name, None, func.__closure__[code.co_freevars.index(name)]
    key = _global_name(func, name)
    if key in func.__globals__:
        return name, key, func.__globals__, None
    import builtins
    return name, key, vars(builtins), None


class _Arguments:
    """Picks the differentiated arguments out of a call, without inspect in the
    common case of positional arguments."""

    def __init__(self, func, wrt):
        self.func = func
        self.sig = pipeline.signature(func)
        self.defaults = (func.__defaults__, func.__kwdefaults__)
        names = [p.name for p in self.sig.parameters.values()]
        self.wrt = wrt
        self.positions = [names.index(n) for n in wrt]
        self.needed = max(self.positions) + 1

    def __call__(self, args, kwargs):
        if not kwargs and len(args) >= self.needed:
            return [args[i] for i in self.positions]
        func = self.func
        if func.__defaults__ is not self.defaults[0] or \
                func.__kwdefaults__ is not self.defaults[1]:   # defaults set since
            self.sig = pipeline.signature(func)
            self.defaults = (func.__defaults__, func.__kwdefaults__)
        ba = self.sig.bind(*args, **kwargs)
        ba.apply_defaults()
        return [ba.arguments[name] for name in self.wrt]


def _match(g, like, func=None):
    """Give the gradient ``g`` the type and shape of the argument ``like`` (of ``func``)."""
    if g.__class__ is _ndarray and like.__class__ is _ndarray and g.shape == like.shape \
            and (g.dtype is like.dtype or g.dtype == like.dtype):
        return g   # already right: the common case, kept cheap
    if g.__class__ is float and like.__class__ is float:
        return g
    if g is None or isinstance(like, (list, tuple, dict)):
        return _match_tree(g, like, func)
    if is_complex(g):   # real arguments (checked): a complex intermediate leaked
        raise complex_leak(func, "gradient")
    if isinstance(like, np.ndarray):
        g = np.asarray(g, dtype=float_like(like))
        if g.shape != like.shape:
            raise S2sadError(f"internal error: a gradient of shape {g.shape} was computed for "
                             f"an argument of shape {like.shape}; please report this")
        return g
    if isinstance(like, np.generic):
        dtype = float_like(like)
        return dtype.type(g)
    if isinstance(like, complex):
        return complex(g)
    if isinstance(like, (int, float)):
        if np.ndim(g) != 0:
            raise S2sadError(f"internal error: a gradient of shape {np.shape(g)} was computed "
                             f"for a scalar argument; please report this")
        return float(g)
    return g


def _match_tree(g, like, func, match=None):
    """The derivative ``g`` of a container ``like`` given ``like``'s containers exactly
    (a tuple stays a tuple, a dict keeps its keys and their order, nested), each
    leaf matched by ``match`` (default :func:`_match`); where generated code left
    ``None``, a key out or a zero number, the zeros of that part."""
    leaf = match or _match
    try:
        return trees.complete(g, like, lambda gi, li: leaf(gi, li, func))
    except trees.Mismatch as exc:
        raise S2sadError(f"internal error: a derivative computed by generated code does "
                         f"not fit the value it belongs to: {exc.text('value')}; please "
                         f"report this") from None


def _with_source(wrapper, func, text):
    functools.update_wrapper(wrapper, func)
    wrapper.__wrapped__ = None
    del wrapper.__wrapped__
    wrapper.__dict__.pop(_TRANSFORMS, None)   # func's cache, copied with its __dict__
    wrapper.source = text
    return wrapper


#: the attribute of a function holding its :class:`_Transforms`.  Kept on the function
#: itself, not in a global table: a transformed function refers to its function, so a
#: global table would keep every function given to grad alive, with its closure data;
#: on the function, both go when neither is used any more.
_TRANSFORMS = "_s2sad_transforms"


class _Transforms:
    """A function's transformed functions: ``{(kind, wrt): transformed}``.

    ``owner`` tells the function's own table from a copy of another's
    (``functools.wraps`` copies ``__dict__``); pickling or copying the function
    carries an empty table, never the generated code.
    """

    __slots__ = ("owner", "table", "__weakref__")

    def __init__(self, owner=None):
        self.owner = owner
        self.table = {}

    def __reduce__(self):
        return _Transforms, ()

    def __copy__(self):
        return _Transforms()

    def __deepcopy__(self, memo):
        return _Transforms()


def _cached_transform(func, kind, wrt, make):
    """The function ``make()`` builds for ``func`` (a plain dict lookup once built).

    A transformed function reads the user's globals and closure cells when it is
    called, and checks that its code still fits the function, so reusing it for
    the same function object is always right.
    """
    try:
        key = (kind, wrt if not isinstance(wrt, list) else tuple(wrt))
        hash(key)
        store = func.__dict__.get(_TRANSFORMS)
    except (TypeError, AttributeError):   # an unhashable wrt, no __dict__: no caching
        return make()
    if store is not None and store.owner is func:
        made = store.table.get(key)
        if made is not None:
            return made
    made = make()
    try:
        if store is None or store.owner is not func:
            store = _Transforms(func)
            func.__dict__[_TRANSFORMS] = store
        store.table[key] = made
    except (TypeError, AttributeError):
        pass
    return made


def _gradient_transform(func, wrt, with_value):
    if func is None:
        return lambda f: _gradient_transform(f, wrt, with_value)
    return _cached_transform(func, "value_and_grad" if with_value else "grad", wrt,
                             lambda: _build_gradient(func, wrt, with_value))


def _build_gradient(func, wrt, with_value):
    inner = getattr(func, "_s2sad_gradient_of", None)
    if inner is not None:   # grad(grad(f)): forward mode over the reverse gradient code
        from .api_forward import gradient_of_gradient
        return gradient_of_gradient(inner[0], inner[1], wrt, with_value)
    if getattr(func, "_s2sad_derivative", None) is not None:
        raise S2sadError(f"{func.__name__} is a derivative s2sad computed "
                         f"({func._s2sad_derivative}); s2sad differentiates derivatives only "
                         f"as grad(grad(f))",
                         hint="use s2sad.hessian or s2sad.hvp for second derivatives")
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    bound = _Bound(func, wrt_names, "value_and_grad")
    arguments = _Arguments(bound.func, wrt_names)
    lone = len(wrt_names) == 1   # generated code returns a lone gradient bare
    position, needed = arguments.positions[0], arguments.needed

    def gradient(*args, **kwargs):
        for value in args:   # complex arguments are refused (inline: the hot path)
            if value.__class__ is _ndarray:
                if value.dtype is not _FLOAT64 and value.dtype.kind == "c":
                    refuse_complex_arguments(args, kwargs, func.__name__)
            elif value.__class__ is not float:
                refuse_complex_arguments(args, kwargs, func.__name__)
                break
        if kwargs:
            refuse_complex_arguments((), kwargs, func.__name__)
        try:
            value, grads = bound.current(args, kwargs)(*args, **kwargs)
        except NoneOutputError:   # raised by generated code, which knows no source lines
            raise none_output(func) from None
        except ValueError as exc:
            if "use s2sad.vjp" in str(exc):
                raise NonScalarOutputError(str(exc)) from None
            raise
        if lone:   # the common case, without building lists
            like = args[position] if not kwargs and len(args) >= needed \
                else arguments(args, kwargs)[0]
            if not (grads.__class__ is _ndarray and like.__class__ is _ndarray
                    and grads.shape == like.shape and grads.dtype is like.dtype):
                grads = _match(grads, like, func)   # (inline above: _match's own fast path)
            if many:
                grads = (grads,)
        else:
            grads = tuple([_match(g, a, func) for g, a in zip(grads, arguments(args, kwargs))])
        return (value, grads) if with_value else grads

    gradient = _with_source(gradient, func, bound.entry.text)
    if not with_value:
        gradient._s2sad_gradient_of = (func, wrt)
    gradient.__name__ = f"{func.__name__}_{'value_and_grad' if with_value else 'grad'}"
    gradient.__qualname__ = gradient.__name__
    return gradient


def grad(func=None, wrt=0):
    """The gradient of a scalar-valued ``func`` with respect to ``wrt``.

    ``wrt`` is a parameter index or name, or a tuple of them (then the
    gradient is a tuple).  The gradient of a list, tuple or dict argument is a
    container of the same type and structure (a dict's keys in its order,
    nested); a leaf with no derivative gets a zero of its type and shape.
    Works as a decorator: ``@grad`` or ``@grad(wrt="w")``.  The returned
    function has the generated code as ``.source``.
    """
    return _gradient_transform(func, wrt, with_value=False)


def value_and_grad(func=None, wrt=0):
    """Like :func:`grad`, but returns ``(value, gradient)``."""
    return _gradient_transform(func, wrt, with_value=True)


def vjp(func=None, wrt=0):
    """Vector-Jacobian products: returns ``g(*args) -> (value, pullback)``.

    ``pullback(cotangent)`` maps a cotangent shaped like the output (a tuple
    of them when ``func`` returns a tuple; a list, tuple or dict output takes a
    container of its structure, nested) to the gradients, each with its
    argument's structure; it may be called any number of times.
    """
    if func is None:
        return lambda f: vjp(f, wrt)
    return _cached_transform(func, "vjp", wrt, lambda: _build_vjp(func, wrt))


def _build_vjp(func, wrt):
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    bound = _Bound(func, wrt_names, "vjp")
    arguments = _Arguments(bound.func, wrt_names)

    def forward(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        value, pullback_impl = bound(*args, **kwargs)
        refuse_value(value, "the output", func.__name__, func)
        likes = arguments(args, kwargs)
        outputs = value if isinstance(value, tuple) else (value,)

        def pullback(cotangent):
            checked = _check_cotangent(cotangent, value, "", func.__name__)
            checked = checked if isinstance(value, tuple) and bound.entry.returns_items \
                else (checked,)
            grads = pullback_impl(*checked)
            if many and len(wrt_names) == 1:
                grads = (grads,)
            if many:
                return tuple(_match(g, a, func) for g, a in zip(grads, likes))
            return _match(grads, likes[0], func)

        return value, pullback

    return _with_source(forward, func, bound.entry.text)


class _NotNumeric(trees.Mismatch):
    """A leaf that is no real number or array (None, a string, a complex number)."""


def describe_setting(value):
    """A non-numeric leaf in words: ``a str ('relu')``."""
    text = repr(value)
    return f"a {type(value).__name__}" + (f" ({text})" if len(text) <= 30 else "")


def checked_tree(value, like, root, what, subject, error, hint, convert):
    """``value`` (``what``: "the cotangent given to the pullback of f") checked against
    ``like`` (``subject``: "the output", "the parameter 'p'"; named ``root`` in paths)
    and given its containers: the same structure (a list and a tuple stand for each
    other), the same shapes, real numbers; each leaf converted by
    ``convert(leaf, like_leaf)``.
    A structure or shape that differs raises ``error`` naming the path, as
    ``params[1]["W"]: expected shape (3, 2), got (2,)``; a leaf that is no real
    number a ValueTypeError naming it too."""
    def leaf(v, like_leaf):
        if not trees.is_numeric(like_leaf):
            # a setting (a string, None...) carries no derivative: it takes none
            if v is None or trees._is_zero_number(v):
                return 0.0
            raise trees.Mismatch((), f"this holds {describe_setting(like_leaf)}, which "
                                     f"carries no derivative: expected 0.0 or None, got "
                                     f"{trees.describe(v)}")
        found = problem(v)
        if found is not None:
            raise _NotNumeric((), found)
        if np.shape(v) != np.shape(like_leaf):
            raise trees.Mismatch((), f"expected shape {np.shape(like_leaf)}, "
                                     f"got {np.shape(v)}")
        return convert(v, like_leaf)

    try:
        return trees.match(value, like, leaf)
    except _NotNumeric as exc:
        at = f" at {trees.path_text(root, exc.keys)}" if exc.keys else ""
        if "complex" in exc.detail:
            raise ValueTypeError(f"{what} is {exc.detail}{at}; s2sad does not differentiate "
                                 f"complex values", hint=_COMPLEX_HINT) from None
        raise ValueTypeError(f"{what} is {exc.detail}{at}, not a number or an array of "
                             f"numbers, so it has no derivative",
                             hint="pass floats or float arrays") from None
    except trees.Mismatch as exc:
        raise error(f"{what} does not fit {subject}: {exc.text(root)}",
                    hint=hint) from None


def _as_cotangent(ct, out):
    return np.asarray(ct, dtype=float_like(ct)) if np.ndim(ct) else float_like(ct).type(ct)


def _check_cotangent(ct, out, where, name):
    """The cotangent ``ct`` checked against the output ``out`` it stands for, with
    the same structure (tuple, list, dict, nested), shapes and real float leaves;
    a :class:`CotangentError` naming the path where it differs otherwise
    (``output[1]["W"]: expected shape (3, 2), got (2,)``).  A list output takes a
    tuple of the same length too (and a tuple output a list)."""
    if ct.__class__ is out.__class__ is _ndarray and ct.shape == out.shape \
            and ct.dtype is _FLOAT64:
        return ct   # the common case, kept cheap
    return checked_tree(
        ct, out, where or "output", f"the cotangent given to the pullback of {name}",
        "the output", CotangentError,
        "pass one cotangent per output, shaped like it (a tuple for a tuple output, a "
        "dict with the same keys for a dict output, nested as the output is)",
        _as_cotangent)


def source(func, wrt=0, mode="reverse", flavor="value_and_grad"):
    """The generated module text for ``func`` (what ``grad(func).source`` holds)."""
    wrt_names, _ = pipeline.resolve_wrt(func, wrt)
    if mode == "forward":
        from .api_forward import forward_source
        return forward_source(func, wrt_names)
    if mode != "reverse":
        pipeline.generate(func, wrt_names, mode)  # raises the unknown-mode error
    return _entry(func, wrt_names, flavor).text
