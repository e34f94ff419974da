"""A gradient's fast path, written for the function at hand and its current cache entry.

``grad(f)(x, w, y)`` checks at each call that the generated code still fits ``f``
(``bound.Bound.current``), refuses complex arguments and gives each gradient its
argument's type (``matching``).  Done generically, that costs about as much as a
small gradient itself.  The fast path does the common case of those checks as one
function compiled for ``f``'s parameters, its free names and its wrt positions:

    def make(nd, f64, numbers, func, code, ..., impl, finish, general):   # closure cells
        def fast(args):
            try:
                a0, a1, a2 = args
                fits = ((type(a0) is nd and a0.dtype is f64 or type(a0) in numbers) and ...
                        and func.__code__ is code and registry.version == version
                        and user_0['np'] is mod_0 and dict_0['dot'] is path_0)
            except (KeyError, ValueError, AttributeError):
                fits = False
            if not fits:
                return general(args, {}, True)
            value, grads = impl(a0, a1, a2)
            if type(grads) is nd and type(a1) is nd and grads.dtype is f64 \
                    and grads.shape == a1.shape:
                return grads
            return finish(value, grads, args)
        return fast

Where the generated function returns once, at its end, the same checks run in a
copy of it instead (``folded``): one call rather than two (on the seed example,
about 0.1 µs of a 1.6 µs gradient).  The fast path's ``impl`` is the generated
function it runs.

It gives way to the general path (before running anything) whenever a check fails:
that path refreshes, regenerates or refuses as before.  Its checks are those of
``Bound.current`` for positional calls with float64 arrays and real numbers
(``numbers``: int, float and numpy's float64; no containers, nothing complex; no
keyword-only parameters): the code object, the rules' version, each free name read
as the user's function reads it now (globals, closure cells, builtins) against the
value the generated module holds, and each dotted name (``np.dot``) against what
generation saw; where the name's root is a plain module, in the module's dictionary
(``dict_0['dot']``: an attribute read of a module costs several times a dictionary's)
with the root checked to be that module; and each name a rule's template reads
through a module (``np.sin`` in the adjoint of ``np.cos``: ``module_0.sin is read_0``)
against the object the rule was written with.  Not the defaults: a call that gives every
parameter by position reads none.  A fast path is made per entry: ``Bound`` drops it
whenever it rebuilds, takes new defaults or rebinds a module its checks read.

A gradient whose argument's rank the code is made for is checked by its length
(``grads.ndim == 1 and len(grads) == len(a1)``: comparing two shapes builds two
tuples); a number's gradient needs no fixing when it is a float for a float.

Where the code is made for the ranks of some arguments (``ranked``: items of a
1-D array, the product of two vectors), the fast path is made at a call, for
the ranks of that call's arguments: it checks them too (``a0.ndim == 1``, ``a2``
a number; where no code is made for the call's ranks, that the arguments still
have none of the ranks code is made for) and runs the code made for them (the
``Bound`` of ``Bound.for_ranks``, which drops it with its own).  A call with other
ranks misses it; the gradient then makes (or finds, ``Bound.fasts``) the fast
path of the next call's ranks.
"""

import ast
import builtins
import types

import numpy as np

from ..rules import registry as _registry
from .bound import _GlobalsThenBuiltins
from .folded import fold, generated_function
from .proven import SCALAR, Facts

_NUMBERS = frozenset({float, int, np.float64})
_ModuleType = types.ModuleType
_ABSENT = object()


def _reader_check(i, name, key, scope, cell, env, against=None):
    """The check that the free name ``name`` still holds what the module holds
    (``against``: an expression for the object it must be instead, a module whose
    dictionary the checks of dotted names read, see ``_module_root``)."""
    held = against or f"ns[{name!r}]"
    if cell is not None:
        env[f"cell_{i}"] = cell
        return f"cell_{i}.cell_contents is {held}"
    if isinstance(scope, _GlobalsThenBuiltins):
        env[f"user_{i}"] = scope.globals
        return f"{key!r} not in user_{i} and builtins_[{key!r}] is {held}"
    env[f"user_{i}"] = scope
    return f"user_{i}[{key!r}] is {held}"


def builtin_reader_checks(bound, env):
    """The checks that each builtin's name the module reads as the builtin (not in its
    namespace: see ``Bound``) still names the builtin where the function reads it."""
    out = []
    for i, (name, key, scope, cell, builtin) in enumerate(bound.builtin_readers):
        env[f"builtin_{i}"] = builtin
        out.append(_reader_check(f"b{i}", name, key, scope, cell, env, f"builtin_{i}"))
    return out


def _module_root(module, attrs):
    """Whether each ``module.attr`` of ``attrs`` (``(attr, object)``) reads the
    module's dictionary, so that ``vars(module)[attr] is object`` checks it exactly:
    a plain module whose type defines none of the names and whose dictionary holds
    each (a name missing later raises KeyError: the general path runs)."""
    if type(module) is not _ModuleType:
        return False
    found = vars(module)
    return all(found.get(attr, _ABSENT) is obj and not hasattr(_ModuleType, attr)
               for attr, obj in attrs)


def _argument_check(name, rank=None, other_than=()):
    """The check of one argument: a float64 array or a real number; of the rank ``rank``
    when the code is made for it (see ``ranked``); of none of the ranks ``other_than``
    when those would choose other code."""
    array = f"type({name}) is nd and {name}.dtype is f64"
    number = f"(type({name}) is float or type({name}) in numbers)"   # (a float first: cheaper)
    if rank is not None:
        return number if rank == 0 else f"({array} and {name}.ndim is rank_{rank})"
    return _other_than(name, array, number, other_than)


def _other_than(name, array, number, other_than):
    """The check of an argument that is ``array`` or ``number`` (expressions) and of none
    of the ranks ``other_than`` (0: a number) that would choose other code."""
    if other_than:
        ranks = tuple(sorted(r for r in other_than if r))
        array = f"{array} and {name}.ndim not in {ranks}" if ranks else array
        return f"({array})" if 0 in other_than else f"({array} or {number})"
    return f"({array} or {number})"


def _gradient_check(name, like, rank):
    """The check that a gradient needs no fixing: ``rank``, that of its argument
    ``like`` when the code is made for it (checked before the call), else None."""
    if rank == 0:   # a number's gradient: a float for a float
        return f"type({name}) is float and type({like}) is float"
    typed = f"type({name}) is nd and " + ("" if rank else f"type({like}) is nd and ") \
        + f"{name}.dtype is f64 and "
    if rank == 1:   # (cheaper than comparing shapes)
        return typed + f"{name}.ndim == 1 and len({name}) == len({like})"
    return typed + f"{name}.shape == {like}.shape"


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


def fast_path(bound, func, positions, shape, finish, general, args):
    """The fast path of a gradient of ``func`` (see the module's text), False where
    there is none (keyword-only parameters, ``*args``, a refused or container entry,
    checks only the general path makes), None where it is to be made at a later call.

    ``positions``: the positions of the wrt arguments; ``shape``: how the gradient
    returns (``lone``, ``many`` and ``with_value`` of ``reverse._build_gradient``);
    ``finish(value, grads, args)``: the general end of a call (``match_gradient``);
    ``general(args, {}, True)``: the general path, for a call the fast path gives way to;
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
    ends = (finish, general)
    if bound.ranked is None:
        return _made(made, func, positions, shape, ends, n, ranks, others)
    fast = bound.fasts.get(key)   # (made before for these ranks: see reverse's gradient)
    if fast is None:
        fast = bound.fasts[key] = _made(made, func, positions, shape, ends, n, ranks, others)
    return fast or None   # (none for these ranks: other ranks may have one)


def _made(bound, func, positions, shape, ends, n, ranks, others):
    """The fast path running ``bound`` (False where it has none), made for the ranks
    ``ranks`` of arguments and the other ranks ``others`` of arguments (see ``_target``)."""
    code = func.__code__
    impl, checks = bound.impl, bound.checks
    if impl is None or checks.slow:
        return False
    mine = impl.__code__
    if mine.co_argcount != n or mine.co_kwonlyargcount or mine.co_flags & 0x0C:
        return False
    env = {"nd": np.ndarray, "f64": np.dtype(np.float64), "numbers": _NUMBERS,
           "func": func, "code": checks.code, "registry": _registry,
           "version": checks.version, "ns": bound.namespace, "impl": impl,
           "finish": ends[0], "general": ends[1], "builtins_": vars(builtins)}
    names = code.co_varnames[:n]
    params = [f"a{i}" for i in range(n)]
    conditions = [_argument_check(p, ranks.get(name), others.get(name, ()))
                  for p, name in zip(params, names)]
    # (neither defaults nor keyword-only parameters: a call giving every parameter by
    # position reads none, so neither can change what it computes)
    # (``ndim is rank_1``, ``registry.version is version``: ints compared by identity, at
    # least as strict as ``==`` and cheaper; CPython keeps one object per small int, and
    # the registry's version only grows, so the equal values are the same object)
    env.update((f"rank_{r}", r) for r in set(ranks.values()) if type(r) is int and r)
    conditions += ["func.__code__ is code", "registry.version is version"]
    modules = _modules(bound, checks, env)
    for i, reader in enumerate(bound.readers):
        module = modules.get(reader[0])
        against = None if module is None else f"mod_{module}"
        conditions.append(_reader_check(i, *reader, env, against))
    conditions += builtin_reader_checks(bound, env)
    for i, (root, attr, obj) in enumerate(checks.local_paths):
        env[f"path_{i}"] = obj
        held = f"dict_{modules[root]}[{attr!r}]" if root in modules else f"ns[{root!r}].{attr}"
        conditions.append(f"{held} is path_{i}")
    conditions += module_path_checks(checks, env)
    generated = generated_function(bound.entry.emitted)
    proven, drop = _proven(generated, ranks, bound.namespace, checks, shape,
                           [names[p] for p in positions])
    head, tail = _text(params, conditions, positions, shape,
                       [ranks.get(names[p]) for p in positions], proven)
    fast = None if generated is None else fold(generated, head, tail, env, drop)
    if fast is None:   # (returns in several places: the checks call it)
        values = dict(env)   # (closure cells: read faster than globals)
        text = "\n".join(head + [f"    value, grads = impl({', '.join(params)})"] + tail)
        text = f"def make({', '.join(sorted(values))}):\n    " + text.replace("\n", "\n    ") \
            + "\n    return fast\n"
        exec(compile(text, f"<s2sad fast path of {func.__qualname__}>", "exec"), env)  # noqa: S102
        fast = env.pop("make")(**values)
    fast.impl = impl   # (what it runs: for benchmarks and tests)
    return fast


def _modules(bound, checks, env):
    """{root: j} for the roots of dotted names that are plain modules (see
    ``_module_root``), each with its dictionary as ``dict_j`` in ``env``: their names
    are checked in the dictionary (``dict_0['dot'] is path_0``) and the root against
    the module itself, which ``Bound.current`` drops the fast path to rebind."""
    modules, attrs = {}, {}
    for root, attr, obj in checks.local_paths:
        attrs.setdefault(root, []).append((attr, obj))
    for root, pairs in attrs.items():
        module = bound.namespace.get(root)
        if _module_root(module, pairs):
            j = len(modules)
            env[f"mod_{j}"], env[f"dict_{j}"] = module, vars(module)
            modules[root] = j
    return modules


def module_path_checks(checks, env):
    """The checks that each name a rule reads through a module (``np.sin`` in the
    adjoint of ``np.cos``) is still the object the rule was written with."""
    conditions = []
    for i, (module, attrs, obj) in enumerate(checks.module_paths):
        env[f"module_{i}"], env[f"read_{i}"] = module, obj
        conditions.append(f"module_{i}.{'.'.join(attrs)} is read_{i}")
    return conditions


def _returned(shape, count):
    """``(the names of the gradients of count wrt arguments in a fast path, the
    expression it returns)``, for ``shape`` (``lone``, ``many``, ``with_value``: see
    ``fast_path``)."""
    lone, many, with_value = shape
    bars = ["grads"] if lone else [f"g{i}" for i in range(count)]
    got = "grads" if lone else "(" + " ".join(f"{g}," for g in bars) + ")"
    out = got if lone and not many else "(" + got + ",)" if lone else got
    return bars, f"(value, {out})" if with_value else out


def _text(params, conditions, positions, shape, ranks, proven=()):
    """The fast path's lines before its call of the generated function, and after
    (``proven``: the indices of the gradients proven to need no fixing, see ``_proven``)."""
    unpack = f"{params[0]}," if len(params) == 1 else ", ".join(params)
    bars, result = _returned(shape, len(positions))
    fits = " and ".join(_gradient_check(g, params[p], rank)
                        for i, (g, p, rank) in enumerate(zip(bars, positions, ranks))
                        if i not in proven)
    head = ["def fast(args):",
            "    try:",
            f"        {unpack} = args",
            "        fits = (" + "\n                and ".join(conditions) + ")",
            "    except (KeyError, ValueError, AttributeError):",
            "        fits = False",
            "    if not fits:",
            "        return general(args, {}, True)"]
    tail = [f"    {', '.join(bars)} = grads"] if bars != ["grads"] else []
    if not fits:   # (each gradient proven: nothing to fix)
        return head, tail + [f"    return {result}"]
    tail += [f"    if {fits}:",
             f"        return {result}",
             "    return finish(value, grads, args)"]
    return head, tail


def _proven(generated, ranks, namespace, checks, shape, wrt):
    """``(the indices of the gradients that need no fixing, the statements computing only
    the value a gradient without it leaves out)``, proven (``proven.Facts``) from the
    generated function ``generated`` (None: nothing is) and the ranks ``ranks`` the fast
    path's checks admit (``{parameter: rank}``, 0: a number).

    A gradient is returned unchanged by ``finish`` (``matching.match_gradient``) when it
    is a float64 array, exactly ``np.ndarray``, of its argument's shape: where that is
    proven, the check after the call is left out.  Where the user asked for the gradient
    alone (``grad``, not ``value_and_grad``), the value is computed only for ``finish``,
    which drops it: the statement computing it is left out when it is an ``np.float64``
    from ``np.float64`` names and literals (which raises nothing, numpy's error state
    aside; its overflow would be a warning) that nothing else reads."""
    if generated is None or not ranks:
        return (), ()
    facts = Facts(generated, ranks, namespace,
                  {(root, attr) for root, attr, _ in checks.local_paths})
    if not facts.straight:
        return (), ()
    returned = generated.body[-1].value
    if not (isinstance(returned, ast.Tuple) and len(returned.elts) == 2):
        return (), ()
    value, grads = returned.elts
    lone = shape[0]
    names = [grads] if lone else list(grads.elts) if isinstance(grads, ast.Tuple) else []
    proven = tuple(i for i, (g, p) in enumerate(zip(names, wrt))
                   if isinstance(g, ast.Name) and facts.fresh_like(g.id, p))
    if len(names) != len(wrt):
        proven = ()
    return proven, _dead_value(generated, facts, value, shape[2])


def _dead_value(generated, facts, value, with_value):
    """The statement computing only the value (see ``_proven``), as a tuple."""
    if with_value or not isinstance(value, ast.Name):
        return ()
    body = generated.body[:-1]
    found = [s for s in body if s.targets[0].id == value.id]
    if len(found) != 1 or facts.kinds.get(value.id) != SCALAR:
        return ()
    stmt = found[0]
    reads = [n for s in generated.body for n in ast.walk(s)
             if isinstance(n, ast.Name) and n.id == value.id and isinstance(n.ctx, ast.Load)]
    operands = [stmt.value.left, stmt.value.right] if isinstance(stmt.value, ast.BinOp) else []
    if len(reads) != 1 or not operands or not all(
            isinstance(o, ast.Constant) and type(o.value) in (int, float) and abs(o.value) < 2 ** 31
            or isinstance(o, ast.Name) and facts.kinds.get(o.id) == SCALAR for o in operands):
        return ()
    return (stmt,)
