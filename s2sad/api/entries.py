"""The cache entries of each family of generated code: reverse (value_and_grad,
vjp), forward (jvp) and forward over reverse (hvp, hessian, grad of grad).

Each ``*_entry`` function returns the :class:`core.Entry` for its key from the one
cache, generating (and storing) it when none fits the function as it is now.
``generate_hvp`` builds the Hessian-vector-product module the CLI writes.
"""

import inspect
import re

import numpy as np

from .. import pipeline
from ..analysis.dtypes import FLOAT64
from ..emit import compile_module
from ..errors import S2sadError, located_from_generated
from ..rules.loading import load_builtin_rules
from ..transform.second_order import prepare_gradient_code
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


def forward_entry(func, wrt, kinds=None):
    """The generated forward-mode (jvp) module for ``func`` (cached as
    :func:`reverse_entry`); ``kinds``: the structure of the arguments, or None."""
    @pipeline._collector_paused
    def build():
        header = pipeline.header(func.__name__, _source_path(func), "forward", "jvp", wrt,
                                 f"s2sad.jvp({func.__name__}, wrt={wrt!r}).source")
        result = pipeline.generate_forward(func, wrt, header,
                                           kinds=dict(kinds) if kinds else None)
        return Entry(func, result)

    return CACHE.get(cache_key(func, "jvp", wrt, kinds), func, build)


def second_order_error(func, exc):
    """The error for gradient code forward mode cannot differentiate.  The common
    cause is a helper whose body could not go in place of its call, so the gradient
    calls its generated pullback: say which helper, not where in generated code."""
    found = re.search(r"calling the local value '(\w+?)(?:_\d+)?_pullback'", exc.message)
    if found:
        return type(exc)(
            f"second derivatives of {func.__name__} are not available: they go through a "
            f"helper only when its body can be put in place of its call, and "
            f"{found.group(1)!r} cannot (a closure, such as a decorator's wrapped function "
            f"or a nested function, or a helper taking *args or **kwargs); first "
            f"derivatives work", located_from_generated(exc.location, func, found.group(1)),
            hint=f"make {found.group(1)!r} a module-level function with named parameters, "
                 f"or use finite differences of s2sad.grad")
    written = re.search(r"writes into '(\w+)'", exc.message)
    return type(exc)(
        f"second derivatives of {func.__name__} are not available: forward mode cannot "
        f"differentiate its generated gradient code: {exc.message}",
        located_from_generated(exc.location, func, written and written.group(1))
        or exc.location, hint=exc.hint or "use finite differences of s2sad.grad")


def compiled_gradient(func, rev):
    """The reverse entry ``rev`` of ``func`` compiled with the user's current values:
    the gradient code forward mode differentiates for second derivatives."""
    values = {name: rev.current(func, name) for name in rev.free}
    return compile_module(rev.emitted, values)


def second_order_entry(func, rev_wrt, fwd_wrt, regenerate=None, kinds=None, ranks=None):
    """Forward mode (along ``fwd_wrt``) over the reverse-mode gradient (wrt ``rev_wrt``),
    made for the argument ranks ``ranks`` when given (see :func:`reverse_entry`)."""
    rev = reverse_entry(func, rev_wrt, "value_and_grad", inline_helpers=True, kinds=kinds,
                        ranks=ranks)

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
                prepare=prepare_gradient_code, kinds=dict(kinds) if kinds else None)
        except S2sadError as exc:
            raise second_order_error(func, exc) from None
        entry = Entry(func, result, rev.free, free_source=rev.free_source, deps=rev.deps,
                      depends_on=rev)
        entry.wanted = rev.wanted
        return entry

    key = cache_key(func, "hvp", (rev_wrt, fwd_wrt), kinds, regenerate, ranks)
    return CACHE.get(key, func, build, depends_on=rev)


@pipeline._collector_paused
def generate_hvp(func, wrt, header_lines, dump=False):
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
                                 dump, explain=lambda exc: second_order_error(func, exc))
