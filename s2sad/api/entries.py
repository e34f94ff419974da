"""The cache entries of each family of generated code: reverse (value_and_grad,
vjp), forward (jvp) and forward over reverse (hvp, hessian, grad of grad).

Each ``*_entry`` function returns the :class:`core.Entry` for its key from the one
cache, generating (and storing) it when none fits the function as it is now.
``generate_hvp`` builds the Hessian-vector-product module the CLI writes.
"""

import copy
import inspect
import linecache
import re

import gast
import numpy as np

from .. import pipeline
from ..analysis.dtypes import FLOAT64
from ..emit_readable import readable_function
from ..errors import S2sadError, located_from_generated
from ..rules.loading import load_builtin_rules
from ..syntax.normalize.effects import without_effects
from ..transform.gradient_normal import normalize_gradient
from ..transform.second_order import LEAVES_TREE, prepare_gradient_code
from .core import CACHE, Entry, Held, cache_key
from .ranked import wanted, without_float64


def _source_path(func):
    return pipeline.display_path(inspect.getsourcefile(func) or "?")


def reverse_entry(func, wrt, flavor, inline_helpers=False, kinds=None, ranks=None):
    """The generated reverse-mode module for ``func`` (cached); ``inline_helpers`` for
    the reverse code second derivatives are computed from (see ``pipeline.generate``);
    ``kinds``, the structure of the arguments it is specialized on (see
    ``arguments.argument_kinds``); ``ranks``, the ranks of the arguments it is
    specialized on (``((parameter, ndim), ...)``, see ``ranked``).  The general
    code (no kinds, no ranks) says which ranks would change it (``Entry.wanted``).

    The key is the code object; an entry is reused only while everything else it
    was made from still holds (see ``core.Dependencies``): another function with
    the same code (a fresh closure over new data) reuses it.
    """
    if inline_helpers:   # (forward mode reads this code: it adds nothing in place)
        ranks = without_float64(ranks)

    @pipeline._collector_paused   # (the ranks it wants read the trees the passes made)
    def build():
        header = pipeline.header(
            func.__name__, _source_path(func), "reverse", flavor, wrt,
            f"s2sad.source({func.__name__}, wrt={wrt!r})" if flavor == "value_and_grad"
            else f"s2sad.vjp({func.__name__}, wrt={wrt!r})")
        result = pipeline.generate(func, wrt, "reverse", flavor, header,
                                   inline_helpers=inline_helpers,
                                   kinds=dict(kinds) if kinds else None,
                                   ranks=dict(ranks) if ranks else None)
        entry = Entry(func, result)
        if ranks and any(k == FLOAT64 for k, _ in ranks):
            guard_arrays(entry, result.free)
        if not kinds and not ranks:
            entry.wanted = wanted(result.normal)
            if result.adds_in_place and not inline_helpers:
                entry.wanted = {**entry.wanted, FLOAT64: result.adds_in_place}
        return entry

    return CACHE.get(cache_key(func, flavor, wrt, kinds, inline_helpers, ranks), func, build)


def guard_arrays(entry, free):
    """Make the global arrays and numpy numbers ``entry``'s code reads guards: their
    dtypes decided where it adds in place (``analysis.dtypes``), so another object
    bound to one of them means making the code again (a type is checked anyway)."""
    arrays = {k: Held(v) for k, v in free.items()
              if type(v) is np.ndarray or isinstance(v, np.generic)}
    if arrays:
        entry.guards = {**entry.guards, **arrays}
        entry.free = {k: entry.guards.get(k) for k in entry.free}


def forward_entry(func, wrt, kinds=None, quiet=False):
    """The generated forward-mode (jvp) module for ``func`` (cached as
    :func:`reverse_entry`); ``kinds``: the structure of the arguments, or None.
    ``quiet``: without the statements run for their effect (``print``...), for a
    forward Jacobian's columns after its first."""
    if quiet:
        loud = forward_entry(func, wrt, kinds)
        if not loud.effects:
            return loud

    @pipeline._collector_paused
    def build():
        header = pipeline.header(func.__name__, _source_path(func), "forward", "jvp", wrt,
                                 f"s2sad.jvp({func.__name__}, wrt={wrt!r}).source")
        result = pipeline.generate_forward(func, wrt, header,
                                           kinds=dict(kinds) if kinds else None,
                                           prepare=quiet_user_code if quiet else None,
                                           quiet=quiet)
        return Entry(func, result)

    return CACHE.get(cache_key(func, "jvp quiet" if quiet else "jvp", wrt, kinds), func,
                     build)


def quiet_user_code(parsed):
    """The user's function ``parsed`` without its calls run for their effect (a new
    tree in ``parsed.node``; the tree read is not changed)."""
    fn = parsed.node = copy.copy(parsed.node)
    local = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name)
             and not isinstance(n.ctx, gast.Load)}
    fn.body = without_effects(fn.body,
                              lambda n: None if n in local else parsed.resolve(n, None))
    return parsed


setattr(quiet_user_code, LEAVES_TREE, True)


def second_order_error(func, exc):
    """The error for gradient code forward mode cannot differentiate.  The common
    cause is a helper whose body could not go in place of its call, so the gradient
    calls its generated pullback: say which helper, not where in generated code."""
    found = re.search(r"calling the local value '((\w+?)(?:_\d+)?_pullback)'", exc.message)
    if found:
        # the helper as the call spells it: its name (its vjp's), else the name its
        # result has (a closure's: 'fn' of a decorator's wrapper, whose name is g's)
        helper = _pulled_helper(exc.location, found.group(1))
        spelled, where = found.group(2), None
        for name in (helper, found.group(2)):
            where = located_from_generated(exc.location, func, name) if name else None
            if where is not None and re.search(rf"\b{name}\s*\(", where.code):
                spelled = name
                break
        spelled, obj = _called_helper(func, where, spelled)
        why, hint = _not_inlined(spelled.rpartition(".")[2], obj)
        named = f"{spelled!r}" + (f" ({helper})" if helper and helper != spelled
                                  and not spelled.endswith("." + helper) else "")
        return type(exc)(
            f"second derivatives of {func.__name__} are not available: they go through a "
            f"helper only when its body can be put in place of its call, and {named}"
            f"{_defined_at(obj)} cannot: it {why}; first derivatives work",
            where or exc.location, hint=hint)
    written = re.search(r"writes into '(\w+)'", exc.message)
    return type(exc)(
        f"second derivatives of {func.__name__} are not available: forward mode cannot "
        f"differentiate its generated gradient code: {exc.message}",
        located_from_generated(exc.location, func, written and written.group(1))
        or exc.location, hint=exc.hint or "use finite differences of s2sad.grad")


def _called_helper(func, where, name):
    """``(spelling, object)`` of the helper ``name`` the line ``where`` calls, read from
    ``func``'s globals as the call spells it: ``K.e(x)`` names the class attribute
    ``K.e`` (through modules and classes), not a module-level ``e``."""
    found = re.search(rf"((?:\w+\.)*){re.escape(name)}\s*\(", where.code) \
        if where is not None else None
    path = found.group(1).split(".")[:-1] if found else []
    obj = func.__globals__.get(path[0] if path else name)
    for part in path[1:] + [name] if path else []:
        obj = inspect.getattr_static(obj, part, None)
        obj = obj.__func__ if isinstance(obj, staticmethod) else obj
    return ".".join(path + [name]), obj


def _pulled_helper(location, pullback):
    """The name of the user's helper whose pullback ``pullback`` the generated gradient
    code (at ``location``) calls: ``out, out_pullback = hsq_vjp(t)`` names ``hsq``."""
    if location is None:
        return None
    text = "".join(linecache.getlines(location.filename))
    found = re.search(rf",\s*{re.escape(pullback)}\s*=\s*(\w+?)_vjp(?:_\d+)?\(", text)
    return found.group(1) if found else None


def _not_inlined(name, obj):
    """(why the helper ``obj`` named ``name`` cannot go in place of its call, a hint
    that works)."""
    fallback = "or use finite differences of s2sad.grad"
    if getattr(obj, "__wrapped__", None) is not None:
        return ("is a decorator's wrapper (a closure around the function it wraps)",
                f"call a plain module-level function with the body of {name} here (def "
                f"{name}_plain(...) at module level, and {name} = decorator({name}_plain) "
                f"where the decorated one is needed), {fallback}")
    code = getattr(obj, "__code__", None)
    if code is not None and code.co_flags & inspect.CO_VARKEYWORDS:
        return ("takes **kwargs", f"list {name}'s keyword parameters explicitly, {fallback}")
    if getattr(obj, "__closure__", None):
        return ("is a closure (it reads names of the function that made it)",
                f"define {name} at module level, passing what it reads as parameters, "
                f"{fallback}")
    return ("is a closure, such as a decorator's wrapped function or a nested function",
            f"make {name!r} a module-level function with named parameters, {fallback}")


def _defined_at(obj):
    """`` (file:line)`` of the function ``obj``'s definition, or ``""``."""
    target = inspect.unwrap(obj) if callable(obj) else None
    try:
        return f" ({inspect.getsourcefile(target)}:{inspect.getsourcelines(target)[1]})"
    except (OSError, TypeError):
        return ""


def compiled_gradient(func, rev):
    """The reverse entry ``rev`` of ``func`` with the user's current values, as a
    function to read (never run): the gradient code forward mode differentiates for
    second derivatives (see ``emit_readable``)."""
    values = {name: rev.current(func, name) for name in rev.free}
    return readable_function(rev.emitted, values)


def second_order_entry(func, rev_wrt, fwd_wrt, regenerate=None, kinds=None, ranks=None,
                       quiet=False):
    """Forward mode (along ``fwd_wrt``) over the reverse-mode gradient (wrt ``rev_wrt``),
    made for the argument ranks ``ranks`` when given (see :func:`reverse_entry`).
    ``quiet``: without the statements run for their effect (``print``...), for a
    Hessian's columns after its first, which run them once per call as Python does."""
    rev = reverse_entry(func, rev_wrt, "value_and_grad", inline_helpers=True, kinds=kinds,
                        ranks=ranks)
    if quiet and not rev.effects:
        quiet = False   # (the same code)
    prepare = quiet_gradient_code if quiet else prepare_gradient_code

    @pipeline._collector_paused   # (the gradient compiled, then read by the passes)
    def build():
        gradient = compiled_gradient(func, rev)
        header = pipeline.header(
            func.__name__, _source_path(func), "forward over reverse", "hvp", fwd_wrt,
            regenerate or f"s2sad.hvp({func.__name__}, wrt={rev_wrt!r}).source")
        header[2] = (f"mode: forward over reverse (hvp), gradient wrt: {', '.join(rev_wrt)}, "
                     f"tangents wrt: {', '.join(fwd_wrt)}")
        try:
            result = pipeline.generate_forward(
                gradient, fwd_wrt, header, name=f"{func.__name__}_hvp", tangent_outputs=1,
                prepare=prepare, kinds=dict(kinds) if kinds else None, quiet=quiet,
                narrow=normalize_gradient)
        except S2sadError as exc:
            raise second_order_error(func, exc) from None
        entry = Entry(func, result, rev.free, free_source=rev.free_source, deps=rev.deps,
                      depends_on=rev)
        entry.wanted = rev.wanted
        return entry

    key = cache_key(func, "hvp quiet" if quiet else "hvp", (rev_wrt, fwd_wrt), kinds,
                    regenerate, ranks)
    return CACHE.get(key, func, build, depends_on=rev)


def quiet_gradient_code(parsed, name=None, composed=False):
    """``prepare_gradient_code``, then the calls run for their effect taken out."""
    parsed = prepare_gradient_code(parsed, name=name, composed=composed)
    parsed.node.body = without_effects(parsed.node.body,
                                       lambda n: parsed.resolve(n, None))
    return parsed


setattr(quiet_gradient_code, LEAVES_TREE, True)   # (as prepare_gradient_code)


@pipeline._collector_paused
def generate_hvp(func, wrt, header_lines, dump=False, signature=True):
    """The Hessian-vector-product module of ``func`` as a :class:`pipeline.Result`.

    For ``s2sad grad --mode forward --flavor hvp``: the function is
    ``<f>_hvp(*params, *<wrt>_dot) -> ((value, gradient), H @ <wrt>_dot)``.
    Global data the function reads is imported from the function's own
    module (not from the in-memory gradient module).
    """
    load_builtin_rules()
    rev = reverse_entry(func, tuple(wrt), "value_and_grad", inline_helpers=True)
    gradient = compiled_gradient(func, rev)
    return pipeline.generate_hvp(func, gradient, tuple(wrt), header_lines, rev.free_source,
                                 dump, explain=lambda exc: second_order_error(func, exc),
                                 signature=signature)
