"""Forward mode and higher order: jvp, jacobian, hessian, hvp.

* :func:`jvp` runs generated forward-mode code: one sweep gives the
  derivative of every output along one input direction.
* :func:`jacobian` builds a full Jacobian from one-hot directions: forward
  mode needs one sweep per input element, reverse mode one per output
  element; ``mode="auto"`` takes the cheaper, and says so.
* :func:`hessian` and :func:`hvp` are forward over reverse: the forward
  transform runs on the gradient code reverse mode generated (see
  ``transform.second_order``), giving ``H @ v`` in one sweep.

Generated modules are cached per (code object, wrt) like the reverse ones,
each call reads the user's current globals and closure cells, and a module is
generated again under the same conditions (see ``api``).
"""

import functools
import inspect
import weakref
import threading
from dataclasses import dataclass

import numpy as np

from . import api, pipeline, trees
from .emit import compile_module
from .errors import NonScalarOutputError, S2sadError, SharedWriteError, TangentError
from .runtime import float_like
from .syntax import wrappers
from .values import (PowerDivergesError, complex_leak, is_complex, located_power_error,
                     refuse_complex_arguments, refuse_value)

JACOBIAN_MODES = ("auto", "forward", "reverse")

_CACHE = {}
_CACHE_LOCK = threading.Lock()
_CACHE_LIMIT = 512


# ------------------------------------------------------------------ caching

class _Entry:
    """One generated forward (or forward-over-reverse) module."""

    def __init__(self, result, user_free, depends_on=None, free_source=None, deps=None):
        self.emitted = api._without_user_values(result.emitted, user_free)
        self.text = result.emitted.text
        #: free name -> the function whose globals/closure bind it (default: the user's)
        self.free_source = free_source if isinstance(free_source, api._WeakSources) \
            else api._WeakSources(free_source)
        self.guards = api.guards_of(user_free)
        # the user's free names, refreshed at each call (values kept for guards only)
        self.free = {k: self.guards.get(k) for k in user_free}
        self.depends_on = depends_on      # the reverse entry it was built from
        self.deps = deps                  # what else the module was made from (api)
        # weakly, as the guards: the cache keeps no user function alive
        self.callees = tuple((name, weakref.ref(f)) for name, f in result.callees.items())

    def current(self, func, name):
        return api._current(self.free_source.get(name, func), name)

    def valid_for(self, func):
        if api._defaults_kinds(func) != self.deps.kinds or not self.deps.valid(func):
            return False
        types = self.deps.types
        for name in self.free:
            value = self.current(func, name)
            if type(value) is not types[name] or \
                    name in self.guards and value is not self.guards[name].get():
                return False
        return True


def _cached(key, func, build, depends_on=None):
    with _CACHE_LOCK:
        entry = _CACHE.get(key)
    if entry is not None and entry.depends_on is depends_on and entry.valid_for(func):
        return entry
    entry = build()
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = entry
    return entry


def _source_path(func):
    return pipeline.display_path(inspect.getsourcefile(func) or "?")


def _forward_entry(func, wrt, kinds=None):
    """``kinds``: the structure of the arguments (see ``api.argument_kinds``), or None."""
    def build():
        header = pipeline.header(func.__name__, _source_path(func), "forward", "jvp", wrt,
                                 f"s2sad.jvp({func.__name__}, wrt={wrt!r}).source")
        result = pipeline.generate_forward(func, wrt, header,
                                           kinds=dict(kinds) if kinds else None)
        sources = api._WeakSources(result.free_source)
        return _Entry(result, result.free, free_source=sources,
                      deps=api._Dependencies(func, result, sources))

    return _cached((getattr(func, "__code__", func), wrt, "jvp", kinds), func, build)


def second_order_error(func, exc):
    """The error for gradient code forward mode cannot differentiate.  The common
    cause is a helper whose body could not go in place of its call, so the gradient
    calls its generated pullback: say which helper, not where in generated code."""
    import re
    found = re.search(r"calling the local value '(\w+?)(?:_\d+)?_pullback'", exc.message)
    if found:
        return type(exc)(
            f"second derivatives of {func.__name__} are not available: they go through a "
            f"helper only when its body can be put in place of its call, and "
            f"{found.group(1)!r} cannot (a closure, such as a decorator's wrapped function "
            f"or a nested function, or a helper taking *args or **kwargs); first "
            f"derivatives work", None,
            hint=f"make {found.group(1)!r} a module-level function with named parameters, "
                 f"or use finite differences of s2sad.grad")
    return type(exc)(
        f"second derivatives of {func.__name__} are not available: forward mode cannot "
        f"differentiate its generated gradient code: {exc.message}",
        exc.location, hint=exc.hint or "use finite differences of s2sad.grad")


def _second_order_entry(func, rev_wrt, fwd_wrt, regenerate=None, kinds=None):
    """Forward mode (along ``fwd_wrt``) over the reverse-mode gradient (wrt ``rev_wrt``)."""
    from .transform.second_order import prepare_gradient_code
    rev = api._entry(func, rev_wrt, "value_and_grad", inline_helpers=True, kinds=kinds)

    def build():
        values = {name: api._current(rev.free_source.get(name, func), name)
                  for name in rev.free}
        gradient = compile_module(rev.emitted, values)
        header = pipeline.header(
            func.__name__, _source_path(func), "forward over reverse", "hvp", fwd_wrt,
            regenerate or f"s2sad.hvp({func.__name__}, wrt={rev_wrt!r}).source")
        header[2] = (f"mode: forward over reverse (hvp), gradient wrt: {', '.join(rev_wrt)}, "
                     f"tangents wrt: {', '.join(fwd_wrt)}")
        try:
            result = pipeline.generate_forward(
                gradient, fwd_wrt, header, name=f"{func.__name__}_hvp", tangent_outputs=1,
                prepare=prepare_gradient_code, kinds=dict(kinds) if kinds else None)
        except S2sadError as exc:
            raise second_order_error(func, exc) from None
        return _Entry(result, rev.free, depends_on=rev, free_source=rev.free_source,
                      deps=rev.deps)

    key = (getattr(func, "__code__", func), rev_wrt, fwd_wrt, "hvp", regenerate, kinds)
    return _cached(key, func, build, depends_on=rev)


@pipeline._collector_paused
def generate_hvp(func, wrt, header_lines, dump=False):
    """The Hessian-vector-product module of ``func`` as a :class:`pipeline.Result`.

    For ``s2sad grad --mode forward --flavor hvp``: the function is
    ``<f>_hvp(*params, *<wrt>_dot) -> ((value, gradient), H @ <wrt>_dot)``.
    Global data the function reads is imported from the function's own
    module (not from the in-memory gradient module).
    """
    from .emit import emit_module
    from .frontend import front_end
    from .rules import load_builtin_rules, runtime_rules  # noqa: F401
    from .transform.forward import forward
    from .transform.second_order import prepare_gradient_code
    load_builtin_rules()
    rev = api._entry(func, tuple(wrt), "value_and_grad", inline_helpers=True)
    values = {name: api._current(rev.free_source.get(name, func), name) for name in rev.free}
    gradient = compile_module(rev.emitted, values)
    stages = {}
    refused = []   # a refusal of prepare_gradient_code goes out as it is

    def prepare(parsed):
        try:
            prepare_gradient_code(parsed, name=f"{func.__name__}_hvp")
        except S2sadError as exc:
            refused.append(exc)
            raise

    try:
        parsed, normal = front_end(gradient, stages if dump else None, prepare)
    except S2sadError as exc:
        if refused:
            raise
        raise second_order_error(func, exc) from None
    generated = forward(normal, tuple(wrt), tangent_outputs=1, name=f"{func.__name__}_hvp")
    free = {name: parsed.resolve(name) for name in sorted(normal.free_names)}
    emitted = emit_module(generated, free, header_lines, getattr(func, "__module__", None),
                          func.__globals__, sources=rev.free_source)
    if dump:
        stages["forward"] = stages["optimize"] = emitted.text
    return pipeline.Result(emitted=emitted, parsed=parsed, normal=normal, free=free,
                           stages=stages)


def _second_order_call(bound, func, *args):
    """``bound(*args)`` for second-order code, whose refusals of an infinite second
    derivative of a power get the location of the power in ``func``."""
    try:
        return bound(*args)
    except PowerDivergesError as exc:
        raise located_power_error(exc, func) from None


class _Bound:
    """A generated function bound to one user function's current free values.

    ``make_entry(kinds)`` makes the entry for the structure ``kinds`` of the arguments
    (None: numbers and arrays); a call with a list, tuple or dict among the arguments
    uses the one made for their structure (see ``api.argument_kinds``)."""

    def __init__(self, func, make_entry, kinds=None):
        self.func = func
        self.make_entry = make_entry
        self.kinds = kinds
        self.structures = {}
        self.refusal = None
        try:
            self._rebuild()
        except SharedWriteError as exc:
            if kinds is not None:
                raise
            # refused for numbers and arrays: raised when called with those (see api._Bound)
            self.refusal, self.entry = exc, None

    def _rebuild(self):
        self.entry = self.make_entry(self.kinds)
        values = {name: self.entry.current(self.func, name) for name in self.entry.free}
        self.impl = compile_module(self.entry.emitted, values)
        self.namespace = self.impl.__globals__
        for name, helper in self.entry.callees:   # helpers' current defaults
            if helper() is not None:
                api._set_defaults(self.namespace[name], helper())
        self.deps = self.entry.deps
        api._prepare_checks(self, self.deps)
        self.defaults = (self.func.__defaults__, self.func.__kwdefaults__)

    def __call__(self, *args):
        if self.kinds is None and api.has_containers(args, None):
            kinds = api.argument_kinds(self.func, args, None)
            found = self.structures.get(kinds)
            if found is None:
                if len(self.structures) >= 64:
                    self.structures.clear()
                found = self.structures[kinds] = _Bound(self.func, self.make_entry, kinds)
            return found(*args)
        if self.refusal is not None:
            raise self.refusal.with_traceback(None)
        func, namespace = self.func, self.namespace
        for name in self.entry.free:
            value = self.entry.current(func, name)
            if namespace.get(name) is not value:
                if name in self.entry.guards or type(value) is not self.entry.deps.types[name]:
                    self._rebuild()
                    return self.impl(*args)
                namespace[name] = value
        # the code, a helper, a rule or a default's type changed: generate again
        # (the defaults themselves are applied to the arguments, see _arguments)
        if not api._fits(self, func, namespace):
            self._rebuild()
        elif func.__defaults__ is not self.defaults[0] or \
                func.__kwdefaults__ is not self.defaults[1]:
            if api._defaults_kinds(func) != self.deps.kinds:
                self._rebuild()
            self.defaults = (func.__defaults__, func.__kwdefaults__)
        return self.impl(*args)


# -------------------------------------------------------------- arguments

_SIGNATURES = {}


def _signature(func):
    """(signature, parameter names (positional, then keyword-only: the generated
    forward code takes them all by position), whether every parameter is positional).

    Cached per (code, defaults), never per function: the cache keeps no function
    (nor its closure data) alive, and a changed ``__defaults__`` is seen.
    """
    kw = func.__kwdefaults__
    key = (func.__code__, func.__defaults__, tuple(kw.items()) if kw else None)
    if wrappers.is_forwarding(func):   # its signature is the wrapped function's, not its code's
        key = None
    try:
        found = _SIGNATURES.get(key) if "__signature__" not in func.__dict__ else None
    except TypeError:   # an unhashable default: no caching
        found, key = None, None
    if found is not None:
        return found
    sig = pipeline.signature(func)
    names = [p.name for p in sig.parameters.values()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    plain = all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                for p in sig.parameters.values())
    found = sig, names, plain
    if key is not None and "__signature__" not in func.__dict__:
        if len(_SIGNATURES) >= 1024:
            _SIGNATURES.clear()
        _SIGNATURES[key] = found
    return found


def _parameters(func):
    return list(_signature(func)[1])


def _arguments(func, args, kwargs):
    """Every parameter's value, in order (keyword-only ones last), defaults applied."""
    sig, names, plain = _signature(func)
    if plain and not kwargs and len(args) == len(names):
        return list(args)          # the common call: every argument by position
    ba = sig.bind(*args, **kwargs)
    ba.apply_defaults()
    return [ba.arguments[name] for name in names]


def _arguments_then(func, args, kwargs, count, what, kind):
    """``_arguments`` of ``args[:-count]``: the call passes ``func``'s arguments followed by
    ``count`` directions (``what``).  A call that leaves the directions out gets a message
    that says so, not "missing a required argument" about one of ``func``'s own."""
    head = args[:len(args) - count] if count else args
    try:
        return _arguments(func, head, kwargs)
    except TypeError as exc:
        try:
            _arguments(func, args, kwargs)
        except TypeError:
            names = ", ".join(_signature(func)[1])
            raise TypeError(f"the {kind} of {func.__name__} takes its arguments ({names}) "
                            f"followed by {what}; it was given {len(args)} positional "
                            f"value(s) ({exc} once the last {count} are taken as {what})") \
                from None
        raise TypeError(f"the {kind} of {func.__name__} takes its arguments followed by "
                        f"{what}; the call passes {func.__name__}'s arguments only, so {what} "
                        f"is missing") from None


def _tangent_leaf(t, like):
    dtype = float_like(like)
    if isinstance(like, np.ndarray) or np.ndim(like) > 0:
        return np.asarray(t, dtype=np.result_type(dtype, float_like(t)))
    if isinstance(t, complex) or dtype.kind == "c":
        return complex(t)
    return float(t)


def _as_tangent(t, like, label, what="the tangent"):
    """The tangent ``t`` given for the parameter ``label`` (whose value is ``like``),
    checked and given ``like``'s structure: a container's tangent is a container of
    the same structure (a list and a tuple stand for each other, a dict has the same
    keys), nested, each leaf shaped like its parameter leaf; otherwise a
    :class:`TangentError` naming the path (``params[1]["W"]: expected shape (3, 2),
    got (2,)``)."""
    if t.__class__ is like.__class__ is np.ndarray and t.shape == like.shape \
            and t.dtype is like.dtype and t.dtype.kind == "f":
        return t   # the common case, kept cheap
    if t.__class__ is like.__class__ is float:
        return t
    return api.checked_tree(
        t, like, label, f"{what} for {label!r}", f"the parameter {label!r}", TangentError,
        f"pass a tangent shaped like {label!r} (for a container, a container of the same "
        f"structure: a tuple for a tuple, a dict with the same keys, nested as it is)",
        _tangent_leaf)


def _match(t, like, func=None):
    """Give the derivative ``t`` the type and shape of ``like`` (a value or an argument):
    a container's derivative has its containers exactly (see ``api._match_tree``)."""
    if t is None or isinstance(like, (list, tuple, dict)):
        return api._match_tree(t, like, func, _match)
    if is_complex(t):   # real arguments (checked): a complex intermediate leaked
        raise complex_leak(func, "derivative")
    shape = np.shape(like)
    if np.shape(t) != shape:
        raise S2sadError(f"internal error: a derivative of shape {np.shape(t)} was computed for "
                         f"a value of shape {shape}; please report this")
    if isinstance(like, np.ndarray):
        return np.asarray(t, dtype=np.result_type(float_like(like), float_like(t)))
    if isinstance(like, np.generic):
        return np.result_type(float_like(like), float_like(t)).type(t)
    if isinstance(like, (bool, int, float)) and not isinstance(t, complex) \
            and np.result_type(t).kind != "c":
        return float(t)
    return t


def _one_hot(like, index):
    """A float array (or float) shaped like ``like`` with a 1 at flat ``index``."""
    if np.ndim(like) == 0 and not isinstance(like, np.ndarray):
        return 1.0
    e = np.zeros(np.shape(like), dtype=float_like(like))
    e.reshape(-1)[index] = 1.0
    return e


def _zero(like):
    if not trees.is_numeric(like) or np.ndim(like) == 0 and not isinstance(like, np.ndarray):
        return 0.0
    return np.zeros(np.shape(like), dtype=float_like(like))


def _check_scalar(value, func, what):
    refuse_value(value, "the output", func.__name__, func)
    if isinstance(value, tuple) or np.ndim(value) != 0:
        shape = "a tuple" if isinstance(value, tuple) else f"an array of shape {np.shape(value)}"
        raise NonScalarOutputError(
            f"{what} of {func.__name__} needs a scalar output, but it returned {shape}",
            hint="use s2sad.jacobian for non-scalar outputs")


# ---------------------------------------------------------------------- jvp

def jvp(func=None, wrt=0):
    """Jacobian-vector products by forward mode.

    Returns ``g(*args, *tangents) -> (value, output_tangent)``: ``f``'s
    arguments, then one tangent per ``wrt`` parameter (shaped like it: for a
    list, tuple or dict parameter, a container of its structure, nested).
    The output tangent has the output's structure (a tuple for a tuple output,
    a dict with the same keys for a dict output, nested).
    The generated code is ``g.source``.
    """
    if func is None:
        return lambda f: jvp(f, wrt)
    wrt_names, _ = pipeline.resolve_wrt(func, wrt)
    bound = _Bound(func, lambda kinds: _forward_entry(func, wrt_names, kinds))
    params = _parameters(bound.func)
    positions = [params.index(w) for w in wrt_names]
    k = len(wrt_names)

    what = f"the tangent given to the jvp of {func.__name__}"

    def pushforward(*args, **kwargs):
        if len(args) < k:
            raise TypeError(f"the jvp of {func.__name__} takes its arguments followed by "
                            f"{k} tangent(s) (for {', '.join(wrt_names)})")
        refuse_complex_arguments(args, kwargs, func.__name__)
        values = _arguments_then(bound.func, args, kwargs, k,
                                 f"{k} tangent(s) (for {', '.join(wrt_names)})", "jvp")
        tangents = [_as_tangent(t, values[p], w, what)
                    for t, p, w in zip(args[len(args) - k:], positions, wrt_names)]
        value, tangent = bound(*values, *tangents)
        refuse_value(value, "the output", func.__name__, func)
        return value, _match(tangent, value, func)

    pushforward = api._with_source(pushforward, func, api._text(bound))
    pushforward.__name__ = pushforward.__qualname__ = f"{func.__name__}_jvp"
    pushforward._s2sad_derivative = "jvp"
    return pushforward


def forward_source(func, wrt=0):
    """The generated forward-mode module text for ``func``."""
    wrt_names, _ = pipeline.resolve_wrt(func, wrt)
    return _forward_entry(func, wrt_names).text


# ----------------------------------------------------------------- jacobian

@dataclass(frozen=True)
class JacobianPlan:
    """How a Jacobian was computed, and why."""

    mode: str            # "forward" or "reverse"
    sweeps: int          # jvp sweeps (forward) or pullback sweeps (reverse)
    inputs: int          # elements of the wrt arguments
    outputs: int         # elements of the output
    reason: str

    def __str__(self):
        return (f"{self.mode} mode, {self.sweeps} sweep(s): {self.inputs} input element(s), "
                f"{self.outputs} output element(s); {self.reason}")


def choose_mode(inputs, outputs, mode="auto"):
    """The :class:`JacobianPlan` for a Jacobian of ``outputs`` x ``inputs`` elements."""
    if mode == "forward":
        return JacobianPlan("forward", inputs, inputs, outputs, "forward mode was requested")
    if mode == "reverse":
        return JacobianPlan("reverse", outputs, inputs, outputs, "reverse mode was requested")
    if inputs < outputs:
        return JacobianPlan("forward", inputs, inputs, outputs,
                            "fewer inputs than outputs: one forward sweep per input element")
    return JacobianPlan("reverse", outputs, inputs, outputs,
                        "no more outputs than inputs: one reverse sweep per output element")


def jacobian(func=None, wrt=0, mode="auto", explain=False):
    """The Jacobian of ``func``: an array of shape ``output.shape + input.shape``.

    ``wrt`` is a parameter index or name, or a tuple of them (then a tuple of
    Jacobians).  Containers are laid out as ``jax.jacobian`` lays them out: with
    respect to a list, tuple or dict argument, the Jacobian is that container
    holding a block ``output.shape + leaf.shape`` per leaf; of a list, tuple or
    dict output, it is that container holding, per output leaf, what the
    Jacobian of that leaf alone would be.

    ``mode`` is ``"forward"`` (one jvp sweep per input element), ``"reverse"``
    (one pullback per output element) or ``"auto"`` (forward when the inputs
    have fewer elements than the output).  The returned function records its
    last choice as ``.last_plan`` (a :class:`JacobianPlan`); with
    ``explain=True`` it returns ``(jacobian, plan)``.
    """
    if func is None:
        return lambda f: jacobian(f, wrt, mode, explain)
    if mode not in JACOBIAN_MODES:
        raise S2sadError(f"unknown Jacobian mode {mode!r}", hint=f"choose one of {JACOBIAN_MODES}")
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    params = _parameters(func)
    positions = [params.index(w) for w in wrt_names]
    transforms = {}

    def transform(kind):
        if kind not in transforms:
            if kind == "forward":   # the generated jvp itself: no per-sweep argument binding
                transforms[kind] = _Bound(func,
                                          lambda kinds: _forward_entry(func, wrt_names, kinds))
            else:
                # a 1-tuple wrt would make api.vjp expect a tuple of gradients: pass the name
                spec = wrt_names if len(wrt_names) > 1 else wrt_names[0]
                transforms[kind] = api.vjp(func, spec)
        return transforms[kind]

    def jac(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        values = _arguments(func, args, kwargs)
        xs = [values[p] for p in positions]
        inputs = sum(_size(x) for x in xs)
        if mode == "auto":
            out = func(*args, **kwargs)
            _check_output(out, func)
            plan = choose_mode(inputs, _size(out), mode)
        else:
            plan = None
        kind = plan.mode if plan is not None else mode
        if kind == "forward":
            blocks, out = _forward_jacobian(transform("forward"), values, xs)
        else:
            blocks, out = _reverse_jacobian(transform("reverse"), values, xs, func)
        if plan is None:
            plan = choose_mode(inputs, _size(out), mode)
        jac.last_plan = plan
        # per output leaf: a tuple over the wrt arguments (several) or the one Jacobian
        result = trees.unflatten(out, [tuple(per_wrt) if many else per_wrt[0]
                                       for per_wrt in blocks])
        return (result, plan) if explain else result

    jac.last_plan = None
    functools.update_wrapper(jac, func)
    del jac.__wrapped__
    jac.__dict__.pop(api._TRANSFORMS, None)
    jac.__name__ = jac.__qualname__ = f"{func.__name__}_jacobian"
    jac._s2sad_derivative = "jacobian"
    return jac


def _check_output(out, func):
    """Refuse an output with no Jacobian: None, a string, a complex value (a list,
    tuple or dict of numbers and arrays has one per leaf)."""
    refuse_value(out, "the output", func.__name__, func)


def _size(tree):
    """The number of elements of the leaves of ``tree``."""
    return int(sum(np.size(leaf) for leaf in trees.leaves(tree) if trees.is_numeric(leaf)))


def _block(parts, rows_like, cols_like, rows_first):
    """The block of a Jacobian or Hessian for the leaves ``rows_like`` (rows) and
    ``cols_like`` (columns) from ``parts``, its raveled columns (``rows_first``
    False) or rows: shape ``rows_like.shape + cols_like.shape``.  A leaf that is no
    number (a setting such as a string) carries no derivative: its blocks are zeros
    (of the other leaf's shape)."""
    if not (trees.is_numeric(rows_like) and trees.is_numeric(cols_like)):
        numeric = [x for x in (rows_like, cols_like) if trees.is_numeric(x)]
        shape = sum((np.shape(x) for x in numeric), ())
        return np.zeros(shape, dtype=float_like(numeric[0])) if shape else 0.0
    dtype = np.result_type(float_like(rows_like), float_like(cols_like))
    n, m = int(np.size(rows_like)), int(np.size(cols_like))
    if parts:
        block = np.stack(parts, axis=0 if rows_first else -1)
    else:
        block = np.zeros((n, m), dtype=dtype)
    block = np.asarray(block, dtype=dtype).reshape(np.shape(rows_like) + np.shape(cols_like))
    return block if block.ndim else block[()]


def _directions(xs):
    """Each one-hot direction over the (possibly container) arguments ``xs``:
    ``(j, l, tangents)`` for every element of leaf ``l`` of ``xs[j]``, ``tangents``
    one per argument with ``xs``' structure (fresh zeros but for the one)."""
    flat = [trees.leaves(x) for x in xs]
    for j, (xj, leaves_j) in enumerate(zip(xs, flat)):
        for l, leaf in enumerate(leaves_j):
            if not trees.is_numeric(leaf):
                continue   # a setting (a string...): no direction along it
            for index in range(int(np.size(leaf))):
                tangents = [trees.unflatten(x, [_zero(v) for v in ls])
                            for x, ls in zip(xs, flat)]
                moved = [_zero(v) for v in leaves_j]
                moved[l] = _one_hot(leaf, index)
                tangents[j] = trees.unflatten(xj, moved)
                yield j, l, tangents


def _forward_jacobian(bound, values, xs):
    """One jvp sweep per input element: ``(blocks, out)``, ``blocks[o][j]`` the
    Jacobian of leaf ``o`` of the output with respect to ``xs[j]``, with that
    argument's structure: for a container argument, a container of the same
    structure whose leaf ``l`` is the block ``o.shape + l.shape``."""
    flat = [trees.leaves(x) for x in xs]
    columns = None   # columns[o][j][l]: raveled columns, one per element of leaf l
    out = None
    for j, l, tangents in _directions(xs):
        out, t = bound(*values, *tangents)
        if columns is None:
            _check_output(out, bound.func)
            columns = [[[[] for _ in ls] for ls in flat] for _ in trees.leaves(out)]
        for o, to in enumerate(trees.leaves(_match(t, out, bound.func))):
            columns[o][j][l].append(np.ravel(to))
    if out is None:  # no input elements at all: one primal evaluation for the shape
        out, _ = bound(*values, *[trees.zeros_like(x) for x in xs])
        _check_output(out, bound.func)
        columns = [[[[] for _ in ls] for ls in flat] for _ in trees.leaves(out)]
    blocks = [[trees.unflatten(x, [_block(cols, lo, leaf, False)
                                   for leaf, cols in zip(ls, columns[o][j])])
               for j, (x, ls) in enumerate(zip(xs, flat))]
              for o, lo in enumerate(trees.leaves(out))]
    return blocks, out


def _reverse_jacobian(vjp_fn, values, xs, func):
    """One pullback per output element: the Jacobian laid out as in
    :func:`_forward_jacobian`."""
    sig, names, _ = _signature(func if wrappers.is_forwarding(func) else inspect.unwrap(func))
    count = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                for p in sig.parameters.values())
    # the vjp takes the user's arguments as the user does: keyword-only ones by name
    out, pullback = vjp_fn(*values[:count], **dict(zip(names[count:], values[count:])))
    _check_output(out, func)
    flat = [trees.leaves(x) for x in xs]
    outs = trees.leaves(out)
    rows = [[[[] for _ in ls] for ls in flat] for _ in outs]   # rows[o][j][l]
    for o, lo in enumerate(outs):
        if not trees.is_numeric(lo):
            continue   # an output that is a setting: no row
        for index in range(int(np.size(lo))):
            moved = [_zero(v) for v in outs]
            moved[o] = _one_hot(lo, index)
            grads = pullback(trees.unflatten(out, moved))
            if len(xs) == 1:
                grads = (grads,)
            for j, g in enumerate(grads):
                for l, gl in enumerate(trees.leaves(g)):
                    rows[o][j][l].append(np.ravel(gl))
    blocks = [[trees.unflatten(x, [_block(r, lo, leaf, True)
                                   for leaf, r in zip(ls, rows[o][j])])
               for j, (x, ls) in enumerate(zip(xs, flat))]
              for o, lo in enumerate(outs)]
    return blocks, out


# ---------------------------------------------------------- second order

def _second_order(func, wrt):
    wrt_names, many = pipeline.resolve_wrt(func, wrt)
    bound = _Bound(func, lambda kinds: _second_order_entry(func, wrt_names, wrt_names,
                                                           kinds=kinds))
    params = _parameters(bound.func)
    positions = [params.index(w) for w in wrt_names]
    return wrt_names, many, bound, positions


def hvp(func=None, wrt=0):
    """Hessian-vector products of a scalar ``func``, forward over reverse.

    Returns ``h(*args, v) -> H @ v`` where ``v`` is shaped like the ``wrt``
    argument (a tuple of them when ``wrt`` is a tuple; then the result is a
    tuple too); for a list, tuple or dict argument, ``v`` and the result are
    containers of its structure.  One forward sweep over the gradient code:
    about the cost of two or three gradients, whatever the size of ``v``.
    """
    if func is None:
        return lambda f: hvp(f, wrt)
    wrt_names, many, bound, positions = _second_order(func, wrt)

    what = f"the direction v given to the hvp of {func.__name__}"

    def product(*args, **kwargs):
        if not args:
            raise TypeError(f"the hvp of {func.__name__} takes its arguments followed by v")
        refuse_complex_arguments(args, kwargs, func.__name__)
        values = _arguments_then(bound.func, args, kwargs, 1,
                                 f"the direction v (shaped like {', '.join(wrt_names)})", "hvp")
        vs = args[-1]
        if many:
            if not isinstance(vs, (tuple, list)) or len(vs) != len(wrt_names):
                raise TangentError(f"v must be a tuple of {len(wrt_names)} directions "
                                   f"(for {', '.join(wrt_names)}), but it is {trees.describe(vs)}",
                                   hint="pass one direction per wrt parameter, shaped like it")
        else:
            vs = (vs,)
        xs = [values[p] for p in positions]
        tangents = [_as_tangent(v, x, w, what)
                    for v, x, w in zip(vs, xs, wrt_names)]
        (value, _), products = _second_order_call(bound, func, *values, *tangents)
        _check_scalar(value, func, "the Hessian")
        if len(xs) == 1:   # the gradient code returns a tuple for several wrt only
            products = (products,)
        result = tuple(_match(p, x, func) for p, x in zip(products, xs))
        return result if many else result[0]

    product = api._with_source(product, func, api._text(bound))
    product.__name__ = product.__qualname__ = f"{func.__name__}_hvp"
    product._s2sad_derivative = "hvp"
    return product


def hessian(func=None, wrt=0):
    """The Hessian of a scalar ``func``: shape ``x.shape + x.shape``.

    Forward over reverse: one Hessian-vector product per element of the
    ``wrt`` arguments.  With a tuple ``wrt`` the result is a tuple of tuples:
    ``H[i][j]`` has shape ``x_i.shape + x_j.shape``.  With respect to a list,
    tuple or dict argument, as ``jax.hessian``: that container, each leaf ``a``
    holding that container again, each leaf ``b`` of which is the block
    ``a.shape + b.shape`` (a dict of dicts, a tuple of tuples).
    """
    if func is None:
        return lambda f: hessian(f, wrt)
    wrt_names, many, bound, positions = _second_order(func, wrt)

    def hess(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        values = _arguments(bound.func, args, kwargs)
        xs = [values[p] for p in positions]
        flat = [trees.leaves(x) for x in xs]
        # columns[i][m][j][l]: the raveled columns of the block for leaf m of xs[i]
        # (rows) and leaf l of xs[j] (columns), one per element of leaf l
        columns = [[[[[] for _ in lj] for lj in flat] for _ in li] for li in flat]
        for j, l, tangents in _directions(xs):
            (value, _), products = _second_order_call(bound, func, *values, *tangents)
            _check_scalar(value, func, "the Hessian")
            if len(xs) == 1:   # the gradient code returns a tuple for several wrt only
                products = (products,)
            for i, p in enumerate(products):
                for m, pm in enumerate(trees.leaves(_match(p, xs[i], func))):
                    columns[i][m][j][l].append(np.ravel(pm))
        # H[i][j]: xs[i]'s structure, each leaf m holding xs[j]'s structure, each
        # leaf l of that the block of shape m.shape + l.shape (as jax.hessian)
        blocks = [[trees.unflatten(xi, [
            trees.unflatten(xj, [_block(columns[i][m][j][l], lm, ll, False)
                                 for l, ll in enumerate(flat[j])])
            for m, lm in enumerate(flat[i])]) for j, xj in enumerate(xs)]
            for i, xi in enumerate(xs)]
        if not many:
            return blocks[0][0]
        return tuple(tuple(row) for row in blocks)

    hess = api._with_source(hess, func, api._text(bound))
    hess.__name__ = hess.__qualname__ = f"{func.__name__}_hessian"
    hess._s2sad_derivative = "hessian"
    return hess


def gradient_of_gradient(func, inner_wrt=0, outer_wrt=0, with_value=False):
    """``grad(grad(func, inner_wrt), outer_wrt)``, forward over reverse.

    ``grad(func, wrt=i)`` is a scalar only when ``x_i`` is a scalar; its
    gradient with respect to ``x_j`` is the mixed second derivative, which
    (for twice continuously differentiable functions) equals the derivative of
    ``grad(func, wrt=j)`` along ``x_i``: one forward sweep over the reverse
    gradient code, with tangent 1 for ``x_i``.
    """
    inner, inner_many = pipeline.resolve_wrt(func, inner_wrt)
    if inner_many:
        raise NonScalarOutputError(
            f"grad({func.__name__}, wrt={inner_wrt!r}) returns a tuple, so it has no gradient",
            hint="use s2sad.hessian for all second derivatives at once")
    outer, outer_many = pipeline.resolve_wrt(func, outer_wrt)
    rev = tuple(outer) + (() if not with_value or inner[0] in outer else inner)
    regenerate = (f"s2sad.grad(s2sad.grad({func.__name__}, wrt={inner[0]!r}), "
                  f"wrt={outer_wrt!r}).source")
    bound = _Bound(func, lambda kinds: _second_order_entry(func, rev, inner, regenerate,
                                                           kinds=kinds))
    params = _parameters(bound.func)

    def gradient(*args, **kwargs):
        refuse_complex_arguments(args, kwargs, func.__name__)
        values = _arguments(bound.func, args, kwargs)
        x_inner = values[params.index(inner[0])]
        if trees.is_container(x_inner) or np.ndim(x_inner) != 0:
            shape = trees.describe(x_inner) if trees.is_container(x_inner) \
                else f"an array of shape {np.shape(x_inner)}"
            raise NonScalarOutputError(
                f"the gradient of {func.__name__} with respect to {inner[0]!r} is "
                f"{shape}, not a number, so it has no gradient",
                hint="use s2sad.hessian, s2sad.hvp or s2sad.jacobian for the derivatives of a "
                     "gradient")
        (value, grads), dots = _second_order_call(bound, func, *values,
                                                  _as_tangent(1.0, x_inner, inner[0]))
        _check_scalar(value, func, "the gradient")
        if len(rev) == 1:
            grads, dots = (grads,), (dots,)
        likes = [values[params.index(w)] for w in outer]
        result = tuple(_match(d, x, func) for d, x in zip(dots[:len(outer)], likes))
        result = result if outer_many else result[0]
        if not with_value:
            return result
        inner_value = grads[rev.index(inner[0])]
        return _match(inner_value, x_inner, func), result

    gradient = api._with_source(gradient, func, api._text(bound))
    gradient.__name__ = gradient.__qualname__ = f"{func.__name__}_grad_grad"
    gradient._s2sad_derivative = "grad of grad"
    return gradient
