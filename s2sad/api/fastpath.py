"""A gradient's fast path, written for the function at hand and its current cache entry.

``grad(f)(x, w, y)`` checks at each call that the generated code still fits ``f``
(``bound.Bound.current``), refuses complex arguments and gives each gradient its
argument's type (``matching``).  Done generically, that costs about as much as a
small gradient itself.  The fast path does the common case of those checks as one
function compiled for ``f``'s parameters, its free names and its wrt positions:

    def fast(args):
        try:
            a0, a1, a2 = args
            fits = ((type(a0) is nd and a0.dtype is f64 or type(a0) in numbers) and ...
                    and func.__code__ is code and registry.version == version
                    and func.__defaults__ is defaults
                    and (root_0 := user_0['np']) is ns['np'] and root_0.dot is path_0)
        except (KeyError, ValueError, AttributeError):
            return MISS
        if not fits:
            return MISS
        value, grads = impl(a0, a1, a2)
        if type(grads) is nd and type(a1) is nd and grads.dtype is f64 \
                and grads.shape == a1.shape:
            return grads
        return finish(value, grads, args)

It answers ``MISS`` (before running anything) whenever a check fails: then the
general path runs, which refreshes, regenerates or refuses as before.  Its checks
are those of ``Bound.current`` for positional calls with float64 arrays and real
numbers (``numbers``: int, float and numpy's float64; no containers, nothing complex;
no keyword-only parameters, whose ``__kwdefaults__`` it would read): the code object, the rules' version, the
defaults, each free name read as the user's function reads it now (globals,
closure cells, builtins) against the value the generated module holds, and each
dotted name (``np.dot``) against what generation saw, and each name a rule's template
reads through a module (``np.sin`` in the adjoint of ``np.cos``: ``module_0.sin is
read_0``) against the object the rule was written with.  A fast path is made per
entry: ``Bound`` drops it whenever it rebuilds or takes new defaults.

Where the code is made for the ranks of some arguments (``ranked``: items of a
1-D array, the product of two vectors), the fast path is made at a call, for
the ranks of that call's arguments: it checks them too (``a0.ndim == 1``, ``a2``
a number; where no code is made for the call's ranks, that the arguments still
have none of the ranks code is made for) and runs the code made for them (the
``Bound`` of ``Bound.for_ranks``, which drops it with its own).  A call with other
ranks misses it; the gradient then makes (or finds, ``Bound.fasts``) the fast
path of the next call's ranks.
"""

import builtins

import numpy as np

from ..rules import registry as _registry
from .bound import _GlobalsThenBuiltins

MISS = object()   # the fast path did not apply: run the general one

_NUMBERS = frozenset({float, int, np.float64})


def _reader_check(i, name, key, scope, cell, env, root=None):
    """The check that the free name ``name`` still holds what the module holds (read
    into the variable ``root`` when a dotted name's check reads it next)."""
    def read(expression):
        return f"({root} := {expression})" if root else expression
    if cell is not None:
        env[f"cell_{i}"] = cell
        return f"{read(f'cell_{i}.cell_contents')} is ns[{name!r}]"
    if isinstance(scope, _GlobalsThenBuiltins):
        env[f"user_{i}"] = scope.globals
        return f"{key!r} not in user_{i} and {read(f'builtins_[{key!r}]')} is ns[{name!r}]"
    env[f"user_{i}"] = scope
    return f"{read(f'user_{i}[{key!r}]')} is ns[{name!r}]"


def _argument_check(name, rank=None, other_than=()):
    """The check of one argument: a float64 array or a real number; of the rank ``rank``
    when the code is made for it (see ``ranked``); of none of the ranks ``other_than``
    when those would choose other code."""
    array = f"type({name}) is nd and {name}.dtype is f64"
    number = f"type({name}) in numbers"
    if rank is not None:
        return number if rank == 0 else f"({array} and {name}.ndim == {rank})"
    if other_than:
        ranks = tuple(sorted(r for r in other_than if r))
        array = f"{array} and {name}.ndim not in {ranks}" if ranks else array
        return f"({array})" if 0 in other_than else f"({array} or {number})"
    return f"({array} or {number})"


def _gradient_check(name, like, array):
    """The check that a gradient needs no fixing (``array``: its argument is an array)."""
    return (f"type({name}) is nd and " + ("" if array else f"type({like}) is nd and ")
            + f"{name}.dtype is f64 and {name}.shape == {like}.shape")


def _fits(args, n):
    """Whether ``args`` are ``n`` float64 arrays and real numbers (what a fast path takes)."""
    return len(args) == n and all(
        a.__class__ is np.ndarray and a.dtype == np.float64 or a.__class__ in _NUMBERS
        for a in args)


def _target(bound, args, n):
    """``(the rank key of args, the Bound a fast path made at a call with args runs,
    {parameter: rank} it is made for, {parameter: ranks that would choose other
    code})``, or None when the fast path is to be made at a later call (these
    arguments would not take it)."""
    if bound.ranked is None:
        return None, bound, {}, {}
    if not _fits(args, n):
        return None
    key = bound.ranked.key(args, None)
    others = {name: wants for _, name, wants, _ in bound.ranked.checks}
    if key is None:
        return None, bound, {}, others
    found = bound.by_rank.get(key)
    return key, found if found is not None else bound.for_ranks(key), dict(key), {}


def fast_path(bound, func, positions, shape, finish, args):
    """The fast path of a gradient of ``func`` (see the module's text), False where
    there is none (keyword-only parameters, ``*args``, a refused or container entry,
    checks only the general path makes), None where it is to be made at a later call.

    ``positions``: the positions of the wrt arguments; ``shape``: how the gradient
    returns (``lone``, ``many`` and ``with_value`` of ``reverse._build_gradient``);
    ``finish(value, grads, args)``: the general end of a call (``match_gradient``);
    ``args``: the positional arguments of the call it is made at (a function whose
    code is made for the arguments' ranks gets the fast path of those ranks).
    """
    code = func.__code__
    n = code.co_argcount
    if bound.impl is None or bound.kinds is not None or code.co_kwonlyargcount \
            or code.co_flags & 0x0C:
        return False   # (0x0C: *args, **kwargs)
    target = _target(bound, args, n)
    if target is None:
        return None
    key, made, ranks, others = target
    if bound.ranked is None:
        return _made(made, func, positions, shape, finish, n, ranks, others)
    fast = bound.fasts.get(key)   # (made before for these ranks: see reverse's gradient)
    if fast is None:
        fast = bound.fasts[key] = _made(made, func, positions, shape, finish, n, ranks, others)
    return fast or None   # (none for these ranks: other ranks may have one)


def _made(bound, func, positions, shape, finish, n, ranks, others):
    """The fast path running ``bound`` (False where it has none), made for the ranks
    ``ranks`` of arguments and the other ranks ``others`` of arguments (see ``_target``)."""
    code = func.__code__
    impl, checks = bound.impl, bound.checks
    if impl is None or checks.slow:
        return False
    mine = impl.__code__
    if mine.co_argcount != n or mine.co_kwonlyargcount or mine.co_flags & 0x0C:
        return False
    env = {"nd": np.ndarray, "f64": np.dtype(np.float64), "numbers": _NUMBERS, "MISS": MISS,
           "func": func, "code": checks.code, "registry": _registry,
           "version": checks.version, "defaults": func.__defaults__, "ns": bound.namespace, "impl": impl,
           "finish": finish, "builtins_": vars(builtins)}
    names = code.co_varnames[:n]
    params = [f"a{i}" for i in range(n)]
    conditions = [_argument_check(p, ranks.get(name), others.get(name, ()))
                  for p, name in zip(params, names)]
    # (no keyword-only parameters: __kwdefaults__ cannot change a call)
    conditions += ["func.__code__ is code", "registry.version == version",
                   "func.__defaults__ is defaults"]
    roots = {}   # a root read once: (root_0 := user_0['np']) is ns['np'], root_0.dot ...
    path_roots = {root for root, _, _ in checks.local_paths}
    for i, reader in enumerate(bound.readers):
        if reader[0] in path_roots and reader[0] not in roots:
            roots[reader[0]] = f"root_{len(roots)}"
        conditions.append(_reader_check(i, *reader, env, roots.get(reader[0])))
    for i, (root, attr, obj) in enumerate(checks.local_paths):
        env[f"path_{i}"] = obj
        if root in roots:
            conditions.append(f"{roots[root]}.{attr} is path_{i}")
        else:
            roots[root] = f"root_{len(roots)}"
            conditions.append(f"({roots[root]} := ns[{root!r}]).{attr} is path_{i}")
    conditions += module_path_checks(checks, env)
    arrays = [bool(ranks.get(names[p])) for p in positions]
    text = _text(params, conditions, positions, shape, arrays)
    exec(compile(text, f"<s2sad fast path of {func.__qualname__}>", "exec"), env)  # noqa: S102
    return env["fast"]


def module_path_checks(checks, env):
    """The checks that each name a rule reads through a module (``np.sin`` in the
    adjoint of ``np.cos``) is still the object the rule was written with."""
    conditions = []
    for i, (module, attrs, obj) in enumerate(checks.module_paths):
        env[f"module_{i}"], env[f"read_{i}"] = module, obj
        conditions.append(f"module_{i}.{'.'.join(attrs)} is read_{i}")
    return conditions


def _text(params, conditions, positions, shape, arrays):
    lone, many, with_value = shape
    call = ", ".join(params)
    unpack = f"{params[0]}," if len(params) == 1 else call
    bars = ["grads"] if lone else [f"g{i}" for i in range(len(positions))]
    fits = " and ".join(_gradient_check(g, params[p], array)
                        for g, p, array in zip(bars, positions, arrays))
    got = "grads" if lone else "(" + " ".join(f"{g}," for g in bars) + ")"
    out = got if lone and not many else "(" + got + ",)" if lone else got
    result = f"(value, {out})" if with_value else out
    lines = ["def fast(args):",
             "    try:",
             f"        {unpack} = args",
             "        fits = (" + "\n                and ".join(conditions) + ")",
             "    except (KeyError, ValueError, AttributeError):",
             "        return MISS",
             "    if not fits:",
             "        return MISS",
             f"    value, grads = impl({call})"]
    if not lone:
        lines.append(f"    {', '.join(bars)} = grads")
    lines += [f"    if {fits}:",
              f"        return {result}",
              "    return finish(value, grads, args)", ""]
    return "\n".join(lines)
