"""A gradient's fast path, written for the function at hand and its current cache entry.

``grad(f)(x, w, y)`` checks at each call that the generated code still fits ``f``
(``bound.Bound.current``), refuses complex arguments and gives each gradient its
argument's type (``matching``).  Done generically, that costs about as much as a
small gradient itself.  The fast path does the common case of those checks as one
function compiled for ``f``'s parameters, its free names and its wrt positions:

    def fast(args):
        try:
            a0, a1, a2 = args
            fits = ((a0.__class__ is nd and a0.dtype is f64 or a0.__class__ in numbers) and ...
                    and func.__code__ is code and registry.version == version
                    and func.__defaults__ is defaults
                    and user_0['np'] is ns['np'] and (root_0 := ns['np']).dot is path_0)
        except (KeyError, ValueError, AttributeError):
            return MISS
        if not fits:
            return MISS
        value, grads = impl(a0, a1, a2)
        if grads.__class__ is nd and a1.__class__ is nd and grads.dtype is f64 \
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
dotted name (``np.dot``) against what generation saw.  A fast path is made per
entry: ``Bound`` drops it whenever it rebuilds or takes new defaults.
"""

import builtins

import numpy as np

from ..rules import registry as _registry
from .bound import _GlobalsThenBuiltins

MISS = object()   # the fast path did not apply: run the general one

_NUMBERS = frozenset({float, int, np.float64})


def _reader_check(i, name, key, scope, cell, env):
    """The check that the free name ``name`` still holds what the module holds."""
    if cell is not None:
        env[f"cell_{i}"] = cell
        return f"cell_{i}.cell_contents is ns[{name!r}]"
    if isinstance(scope, _GlobalsThenBuiltins):
        env[f"user_{i}"] = scope.globals
        return f"{key!r} not in user_{i} and builtins_[{key!r}] is ns[{name!r}]"
    env[f"user_{i}"] = scope
    return f"user_{i}[{key!r}] is ns[{name!r}]"


def _argument_check(name):
    return f"({name}.__class__ is nd and {name}.dtype is f64 or {name}.__class__ in numbers)"


def _gradient_check(name, like):
    return (f"{name}.__class__ is nd and {like}.__class__ is nd and {name}.dtype is f64 "
            f"and {name}.shape == {like}.shape")


def fast_path(bound, func, positions, shape, finish):
    """The fast path of a gradient of ``func`` (see the module's text), or None where
    there is none (keyword-only parameters, ``*args``, a refused or container entry,
    checks only the general path makes).

    ``positions``: the positions of the wrt arguments; ``shape``: how the gradient
    returns (``lone``, ``many`` and ``with_value`` of ``reverse._build_gradient``);
    ``finish(value, grads, args)``: the general end of a call (``match_gradient``).
    """
    impl, checks = bound.impl, bound.checks
    if impl is None or bound.kinds is not None or checks.slow or bound.ranked is not None:
        return None   # (ranked: code made for the arguments' ranks is chosen per call)
    code, mine = func.__code__, impl.__code__
    n = code.co_argcount
    if code.co_kwonlyargcount or code.co_flags & 0x0C or mine.co_argcount != n \
            or mine.co_kwonlyargcount or mine.co_flags & 0x0C:
        return None   # (0x0C: *args, **kwargs)
    env = {"nd": np.ndarray, "f64": np.dtype(np.float64), "numbers": _NUMBERS, "MISS": MISS,
           "func": func, "code": checks.code, "registry": _registry,
           "version": checks.version, "defaults": func.__defaults__, "ns": bound.namespace, "impl": impl,
           "finish": finish, "builtins_": vars(builtins)}
    params = [f"a{i}" for i in range(n)]
    conditions = [_argument_check(p) for p in params]
    # (no keyword-only parameters: __kwdefaults__ cannot change a call)
    conditions += ["func.__code__ is code", "registry.version == version",
                   "func.__defaults__ is defaults"]
    conditions += [_reader_check(i, *reader, env) for i, reader in enumerate(bound.readers)]
    roots = {}   # a root read once: (root_0 := ns['np']).dot is path_0 and root_0.sum ...
    for i, (root, attr, obj) in enumerate(checks.local_paths):
        env[f"path_{i}"] = obj
        if root in roots:
            conditions.append(f"{roots[root]}.{attr} is path_{i}")
        else:
            roots[root] = f"root_{len(roots)}"
            conditions.append(f"({roots[root]} := ns[{root!r}]).{attr} is path_{i}")
    text = _text(params, conditions, positions, shape)
    exec(compile(text, f"<s2sad fast path of {func.__qualname__}>", "exec"), env)  # noqa: S102
    return env["fast"]


def _text(params, conditions, positions, shape):
    lone, many, with_value = shape
    call = ", ".join(params)
    unpack = f"{params[0]}," if len(params) == 1 else call
    bars = ["grads"] if lone else [f"g{i}" for i in range(len(positions))]
    fits = " and ".join(_gradient_check(g, params[p]) for g, p in zip(bars, positions))
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
