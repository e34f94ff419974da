"""The fast path of a gradient whose code numba compiled (``backend="numba"``).

Through the general path, a call of ``grad(f, backend="numba")`` checks that the
generated code still fits ``f`` (``bound.Bound.current``), finds the compiled
function of the code (``NumbaBound.current``), binds the arguments, refuses
complex ones and gives each gradient its argument's type (``matching``): some
microseconds, against a compiled gradient of tens.  As for the numpy backend
(``api.fastpath``, whose checks this one shares), the common case of those steps
is one function compiled for ``f``'s parameters, its free names and its wrt
positions, calling numba's dispatcher itself:

    def fast(args):
        try:
            a0, a1 = args if len(args) == 2 else args + tail[len(args) - 1:]
            fits = ((type(a0) is nd and a0.dtype is f64 or type(a0) in numbers) and ...
                    and func.__code__ is code and registry.version == version
                    and func.__defaults__ is defaults and user_0['SCALE'] is ns['SCALE'])
        except (KeyError, ValueError, AttributeError):
            fits = False
        if not fits:
            return general(args, {}, True)
        try:
            value, grads = dispatcher(a0, a1, ns['SCALE'])
        except Exception:
            grads = MISS
        if grads is MISS or len(overloads) != state['scanned']:
            return general(args, {}, True)
        if type(grads) is float and type(a0) is float:
            return (value, grads)
        return finish(value, grads, args)

Whenever a check fails it gives way to the general path (which refreshes,
regenerates, falls back or raises as before).  After the call it gives way too
where the general path has more to do: when the compiled code raised (numba's
error or the code's: the general path decides which, runs the numpy code where it
must and raises the code's error), and when numba compiled a new signature
for these arguments (the general path checks its integer arithmetic,
``numba_integers``, before its result is used).  The generated code writes into
none of its arguments (s2sad makes such writes into copies), so running it again
there costs only time.  A call leaving out parameters gets their defaults as the
general path binds them (``tail``: the defaults the generated code has, which the
check ``func.__defaults__ is defaults`` keeps the function's).

A fast path is made only for code numba compiled and ran (the first call goes the
general way: it compiles and times the compile), and it lives in the numpy
``Bound``'s fast-path slots (``Bound.fast``, ``Bound.fasts``): the ``Bound`` drops
it whenever it rebuilds or takes new defaults, and ``NumbaBound`` drops it when it
falls back to numpy.
"""

import builtins

import numpy as np

from ..analysis.dtypes import FLOAT64
from ..rules import registry as _registry
from .fastpath import (_other_than, _reader_check, _returned, _target, builtin_reader_checks,
                       module_path_checks)

MISS = object()   # the compiled code raised: the general path runs

_NUMBERS = frozenset({float, int, np.float64})


def numba_fast_path(bound, func, positions, shape, finish, general, args):
    """The fast path of ``bound`` (a ``NumbaBound``) for a gradient of ``func`` (the
    arguments as ``api.fastpath.fast_path``'s: where the general path is to run, it
    calls ``general(args, {}, True)``), False where there is none (keyword-only
    parameters, ``*args``, a refused or container entry, helpers whose checks only the
    general path makes), None where it is to be made at a later call (the code for
    these arguments is not compiled yet, or these arguments would not take it)."""
    inner = bound.bound
    code = func.__code__
    n = code.co_argcount
    if inner.impl is None or inner.kinds is not None or code.co_kwonlyargcount \
            or code.co_flags & 0x0C:
        return False   # (0x0C: *args, **kwargs)
    target = _target(inner, args, n)
    if target is None:
        return None
    key, made, ranks, others = target
    if inner.ranked is not None:
        found = inner.fasts.get(key)   # (made before for these ranks)
        if found is not None:
            return found or None
    fast = _made(bound, made, func, positions, shape, (finish, general), n, ranks, others)
    if fast is not None and inner.ranked is not None:
        inner.fasts[key] = fast
    return fast if inner.ranked is None else fast or None


def _made(owner, bound, func, positions, shape, ends, n, ranks, others):
    """The fast path running ``bound``'s compiled code (see ``numba_fast_path``;
    ``ends``: ``(finish, general)``)."""
    finish, general = ends
    impl, checks = bound.impl, bound.checks
    if impl is None or checks.slow:
        return False
    call = owner.compiled.get(impl)
    if call is None:
        return None   # not compiled yet: the general path compiles it
    state = getattr(call, "state", None)
    if state is None:
        return False   # the numpy code runs (a fallback)
    mine = impl.__code__
    if mine.co_argcount != n or mine.co_kwonlyargcount or mine.co_flags & 0x0C \
            or state["first"] or len(call.dispatcher.overloads) != state["scanned"]:
        return None
    env = {"nd": np.ndarray, "f64": np.dtype(np.float64), "numbers": _NUMBERS, "general": general,
           "MISS": MISS,
           "func": func, "code": checks.code, "registry": _registry,
           "version": checks.version, "defaults": func.__defaults__, "ns": bound.namespace,
           "dispatcher": call.dispatcher, "overloads": call.dispatcher.overloads,
           "state": state, "finish": finish, "builtins_": vars(builtins)}
    names = func.__code__.co_varnames[:n]
    params = [f"a{i}" for i in range(n)]
    float64 = set(ranks.get(FLOAT64, ()))
    kinds = [_kind(ranks.get(name), name in float64) for name in names]
    conditions = [_argument_check(p, kind, others.get(name, ()))
                  for p, name, kind in zip(params, names, kinds)]
    conditions += ["func.__code__ is code", "registry.version == version",
                   "func.__defaults__ is defaults"]
    conditions += _free_checks(bound, checks, env)
    values = [f"ns[{name!r}]" for name in call.user_names] + \
        [f"ns[{root!r}].{path}" for root, path in getattr(call, "dotted", ())]
    defaults = func.__defaults__ if impl.__defaults__ is func.__defaults__ else None
    env["tail"] = defaults   # (what a call leaving parameters out takes: see _unpack)
    text = _text(_unpack(params, defaults), params, values, conditions, positions, shape,
                 [kinds[p] for p in positions])
    exec(compile(text, f"<s2sad numba fast path of {func.__qualname__}>", "exec"),  # noqa: S102
         env)
    return env["fast"]


def _kind(rank, float64):
    """What the code is made for of one argument: ``"number"``, ``"array"`` (of the
    rank ``rank``, or any when None) or None (either)."""
    if rank == 0:
        return "number"
    if rank:
        return ("array", rank)
    return "array" if float64 else None


def _argument_check(name, kind, other_than):
    """The check of one argument: a float64 array or a real number, as the code is made
    for it (``kind``, see ``_kind``: the rank ``kind[1]`` where it is known); of none of
    the ranks ``other_than`` when those would choose other code."""
    array = f"type({name}) is nd and {name}.dtype is f64"
    number = f"type({name}) in numbers"
    if kind == "number":
        return number
    if isinstance(kind, tuple):
        return f"({array} and {name}.ndim == {kind[1]})"
    if kind == "array":
        return f"({array})"
    return _other_than(name, array, number, other_than)


def _free_checks(bound, checks, env):
    """The checks that each free name, and each dotted name read in the function's own
    scope (``np.sin``) or by a rule (``module_path_checks``), still holds what the code
    was made or refreshed with."""
    conditions = [_reader_check(i, *reader, env) for i, reader in enumerate(bound.readers)]
    conditions += builtin_reader_checks(bound, env)
    for i, (root, attr, obj) in enumerate(checks.local_paths):
        env[f"path_{i}"] = obj
        conditions.append(f"ns[{root!r}].{attr} is path_{i}")
    return conditions + module_path_checks(checks, env)


def _gradient_check(name, like, kind):
    """The check that a gradient needs no fixing: a float64 array of its argument's
    shape, or a float for a float (``kind``: what the argument is known to be)."""
    # (== : an array numba made has a float64 dtype of its own, not numpy's f64)
    array = f"type({name}) is nd and {name}.dtype == f64 and {name}.shape == {like}.shape"
    if kind is not None and kind != "number":
        return array
    number = f"type({name}) is float and type({like}) is float"
    if kind == "number":
        return number
    return f"(type({like}) is nd and {array} or {number})"


def _unpack(params, defaults):
    """The statement giving each parameter its argument, or the default the generated
    code has (``tail``, checked to be the function's): the general path binds them so
    (``NumbaBound``); a call of too few or too many arguments fails to unpack."""
    names = f"{params[0]}," if len(params) == 1 else ", ".join(params)
    if not defaults:
        return f"{names} = args"
    first = len(params) - len(defaults)   # the first parameter with a default
    return (f"{names} = args if len(args) == {len(params)} else "
            f"args + tail[len(args) - {first}:]")


def _text(unpack, params, values, conditions, positions, shape, kinds):
    lone = shape[0]
    call = ", ".join(params + values)
    bars, result = _returned(shape, len(positions))
    fits = " and ".join(_gradient_check(g, params[p], kind)
                        for g, p, kind in zip(bars, positions, kinds))
    lines = ["def fast(args):",
             "    try:",
             f"        {unpack}",
             "        fits = (" + "\n                and ".join(conditions) + ")",
             "    except (KeyError, ValueError, AttributeError):",
             "        fits = False",
             "    if not fits:",
             "        return general(args, {}, True)",
             "    try:",
             f"        value, grads = dispatcher({call})",
             "    except Exception:   # numba's error or the code's: the general path decides",
             "        grads = MISS",
             "    if grads is MISS or len(overloads) != state['scanned']:   # (anew: see above)",
             "        return general(args, {}, True)"]
    if not lone:
        lines.append(f"    {', '.join(bars)} = grads")
    lines += [f"    if {fits}:",
              f"        return {result}",
              "    return finish(value, grads, args)", ""]
    return "\n".join(lines)
