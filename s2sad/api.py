"""The Python API: grad, value_and_grad, vjp, source.

Generation is cached per (code object, wrt, flavor): a second ``grad(f)``
for the same function reuses the generated module.  Each returned function
reads the user's globals and closure cells when it is called, so it always
differentiates the function as it is now; if a name that selected a
derivative rule (a module or a function) has been rebound, the module is
generated again.
"""

import functools
import inspect
import threading
import weakref

import numpy as np

from . import pipeline
from .errors import NonScalarOutputError, S2sadError
from .runtime import float_like
from .values import is_complex, refuse_complex_arguments, refuse_value

_ndarray = np.ndarray
_CACHE = {}
_CACHE_LOCK = threading.Lock()
_CACHE_LIMIT = 512


class _Entry:
    """One generated module, compiled, with what it needs refreshed per call."""

    def __init__(self, func, wrt, flavor, inline_helpers=False):
        header = pipeline.header(
            func.__name__, pipeline.display_path(inspect.getsourcefile(func) or "?"),
            "reverse", flavor, wrt,
            f"s2sad.source({func.__name__}, wrt={wrt!r})" if flavor == "value_and_grad"
            else f"s2sad.vjp({func.__name__}, wrt={wrt!r})")
        result = pipeline.generate(func, wrt, "reverse", flavor, header,
                                   inline_helpers=inline_helpers)
        self.emitted = result.emitted
        self.text = result.emitted.text
        self.free = result.free
        self.free_source = result.free_source
        # names whose identity chose a rule: a rebinding means regenerate
        self.guards = {k: v for k, v in result.free.items()
                       if callable(v) or inspect.ismodule(v)}

    def valid_for(self, func):
        for name, obj in self.guards.items():
            if _current(self.free_source.get(name, func), name) is not obj:
                return False
        return True


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
    if name in g:
        return g[name]
    import builtins
    return getattr(builtins, name)


def _entry(func, wrt, flavor, inline_helpers=False):
    """The generated module for ``func`` (cached); ``inline_helpers`` for the reverse
    code second derivatives are computed from (see ``pipeline.generate``)."""
    func = inspect.unwrap(func)
    key = (getattr(func, "__code__", func), wrt, flavor, inline_helpers)
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
    if entry is not None and entry.valid_for(func):
        return entry
    entry = _Entry(func, wrt, flavor, inline_helpers)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = entry
    return entry


class _Bound:
    """A generated function bound to one user function's current free values."""

    def __init__(self, func, wrt, flavor):
        self.func = inspect.unwrap(func)
        self.wrt = wrt
        self.flavor = flavor
        self._rebuild()

    def _rebuild(self):
        from .emit import compile_module
        self.entry = _entry(self.func, self.wrt, self.flavor)
        sources = self.entry.free_source
        values = {name: _current(sources.get(name, self.func), name)
                  for name in self.entry.free}
        self.impl = compile_module(self.entry.emitted, values)
        self.namespace = self.impl.__globals__
        self.readers = tuple(_reader(sources.get(name, self.func), name)
                             for name in self.entry.free)
        self.guards = self.entry.guards

    def current(self):
        """The generated function, its globals refreshed from the user's current values
        (regenerated when a name that chose a rule has been rebound)."""
        namespace = self.namespace
        for name, scope, cell in self.readers:
            value = cell.cell_contents if cell is not None else scope[name]
            if namespace.get(name) is not value:
                if name in self.guards:
                    self._rebuild()
                    return self.impl
                namespace[name] = value
        return self.impl

    def __call__(self, *args, **kwargs):
        return self.current()(*args, **kwargs)


def _reader(func, name):
    """How to read ``name`` as ``func`` sees it now: (name, globals or builtins, cell)."""
    code = func.__code__
    if func.__closure__ and name in code.co_freevars:
        return name, None, func.__closure__[code.co_freevars.index(name)]
    if name in func.__globals__:
        return name, func.__globals__, None
    import builtins
    return name, vars(builtins), None


class _Arguments:
    """Picks the differentiated arguments out of a call, without inspect in the
    common case of positional arguments."""

    def __init__(self, func, wrt):
        self.sig = inspect.signature(func)
        names = [p.name for p in self.sig.parameters.values()]
        self.wrt = wrt
        self.positions = [names.index(n) for n in wrt]
        self.needed = max(self.positions) + 1

    def __call__(self, args, kwargs):
        if not kwargs and len(args) >= self.needed:
            return [args[i] for i in self.positions]
        ba = self.sig.bind(*args, **kwargs)
        ba.apply_defaults()
        return [ba.arguments[name] for name in self.wrt]


def _match(g, like):
    """Give the gradient ``g`` the type and shape of the argument ``like``."""
    if g.__class__ is _ndarray and like.__class__ is _ndarray and g.shape == like.shape \
            and (g.dtype is like.dtype or g.dtype == like.dtype):
        return g   # already right: the common case, kept cheap
    if g.__class__ is float and like.__class__ is float:
        return g
    if is_complex(g):   # real arguments (checked): a complex intermediate leaked
        raise S2sadError("a complex value reached the gradient; s2sad does not "
                         "differentiate complex values", hint="compute with real arrays only")
    if isinstance(like, np.ndarray):
        g = np.asarray(g, dtype=float_like(like))
        if g.shape != like.shape:
            raise S2sadError(f"internal error: a gradient of shape {g.shape} was computed for "
                             f"an argument of shape {like.shape}; please report this")
        return g
    if isinstance(like, (list, tuple)):
        return type(like)(_match(gi, li) for gi, li in zip(g, like))
    if isinstance(like, dict):
        return {k: _match(g[k], v) for k, v in like.items()}
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


def _with_source(wrapper, func, text):
    functools.update_wrapper(wrapper, func)
    wrapper.__wrapped__ = None
    del wrapper.__wrapped__
    wrapper.source = text
    return wrapper


_TRANSFORMS = weakref.WeakKeyDictionary()   # function -> {(kind, wrt): transformed}


def _cached_transform(func, kind, wrt, make):
    """The function ``make()`` builds for ``func`` (a plain dict lookup once built).

    A transformed function reads the user's globals and closure cells when it is
    called, so reusing it for the same function object is always right.
    """
    try:
        key = (kind, wrt if not isinstance(wrt, list) else tuple(wrt))
        hash(key)
        per_function = _TRANSFORMS.get(func)
    except TypeError:   # an unhashable wrt or func: no caching, same result
        return make()
    if per_function is not None and key in per_function:
        return per_function[key]
    made = make()
    try:
        _TRANSFORMS.setdefault(func, {})[key] = made
    except TypeError:
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
            if value.__class__ is not float and (
                    value.__class__ is not _ndarray or value.dtype.kind == "c"):
                refuse_complex_arguments(args, kwargs, func.__name__)
                break
        if kwargs:
            refuse_complex_arguments((), kwargs, func.__name__)
        try:
            value, grads = bound.current()(*args, **kwargs)
        except ValueError as exc:
            if "use s2sad.vjp" in str(exc):
                raise NonScalarOutputError(str(exc)) from None
            raise
        if lone:   # the common case, without building lists
            like = args[position] if not kwargs and len(args) >= needed \
                else arguments(args, kwargs)[0]
            if not (grads.__class__ is _ndarray and like.__class__ is _ndarray
                    and grads.shape == like.shape and grads.dtype is like.dtype):
                grads = _match(grads, like)   # (inline above: _match's own fast path)
            if many:
                grads = (grads,)
        else:
            grads = tuple([_match(g, a) for g, a in zip(grads, arguments(args, kwargs))])
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
    gradient is a tuple).  Works as a decorator: ``@grad`` or
    ``@grad(wrt="w")``.  The returned function has the generated code as
    ``.source``.
    """
    return _gradient_transform(func, wrt, with_value=False)


def value_and_grad(func=None, wrt=0):
    """Like :func:`grad`, but returns ``(value, gradient)``."""
    return _gradient_transform(func, wrt, with_value=True)


def vjp(func=None, wrt=0):
    """Vector-Jacobian products: returns ``g(*args) -> (value, pullback)``.

    ``pullback(cotangent)`` maps a cotangent shaped like the output (a tuple
    of them when ``func`` returns a tuple) to the gradients; it may be called
    any number of times.
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
        refuse_value(value, "the output", func.__name__)
        likes = arguments(args, kwargs)
        outputs = value if isinstance(value, tuple) else (value,)

        def pullback(cotangent):
            cts = cotangent if isinstance(value, tuple) else (cotangent,)
            if len(cts) != len(outputs):
                raise ValueError(f"pullback expects {len(outputs)} cotangents, got {len(cts)}")
            checked = []
            for ct, out in zip(cts, outputs):
                refuse_value(ct, "the cotangent given to the pullback", func.__name__)
                if np.shape(ct) != np.shape(out):
                    raise ValueError(f"the cotangent has shape {np.shape(ct)} but the output "
                                     f"has shape {np.shape(out)}")
                if isinstance(ct, (list, dict)):   # the cotangent of a list (dict) output
                    checked.append(ct)
                    continue
                checked.append(np.asarray(ct, dtype=float_like(ct)) if np.ndim(ct) else
                               float_like(ct).type(ct))
            grads = pullback_impl(*checked)
            if many and len(wrt_names) == 1:
                grads = (grads,)
            if many:
                return tuple(_match(g, a) for g, a in zip(grads, likes))
            return _match(grads, likes[0])

        return value, pullback

    return _with_source(forward, func, bound.entry.text)


def source(func, wrt=0, mode="reverse", flavor="value_and_grad"):
    """The generated module text for ``func`` (what ``grad(func).source`` holds)."""
    wrt_names, _ = pipeline.resolve_wrt(func, wrt)
    if mode == "forward":
        from .api_forward import forward_source
        return forward_source(func, wrt_names)
    if mode != "reverse":
        pipeline.generate(func, wrt_names, mode)  # raises the unknown-mode error
    return _entry(func, wrt_names, flavor).text
