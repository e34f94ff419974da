"""A library call allowed to overwrite an argument in place (scipy.linalg's
``overwrite_a``/``overwrite_b``, ``np.median``'s ``overwrite_input``), by keyword or by
position (``scipy.linalg.solve(A, b, False, True)`` is ``overwrite_a=True``).

The library writes into that array, or not, as it sees fit (a Fortran-ordered float64
array is overwritten, a C-ordered one is copied first): a later read of the array sees
values s2sad cannot follow, and a copy would not give the user's function's values.
Refused wherever the call stands (a discarded or unused result too: the call still
runs), unless the flag is the literal False; a helper of the user's is inlined and its
own calls checked.  Used by :mod:`s2sad.syntax.fence`.
"""

import functools
import inspect
import types

import gast

from ..errors import NoDerivativeRuleError
from . import nodes

_PREFIX = "overwrite_"
#: the position of a flag a partial holds (by keyword or by position)
_HELD = "held"


def check(parsed, calls, users_helper, libraries):
    """Raise at the first call of ``calls`` (``Call`` nodes of ``parsed``) giving an
    ``overwrite_*`` flag that is not the literal False, by keyword or by position (or
    through a module-level ``functools.partial`` holding one).  ``users_helper(parsed,
    func)``: whether the callee ``func`` is a function of the user's (not refused);
    ``libraries``: the root packages whose functions are not the user's."""
    known = {}
    for node in calls:
        flag = _keyword_flag(node)
        if flag is None:   # (a partial may hold one: P(A) of P = partial(sla.inv, ...))
            flag = _positional_flag(parsed, node, libraries, known)
        if flag is None:
            continue
        if users_helper(parsed, node.func):
            continue
        name, value, position = flag
        parts = nodes.dotted_parts(node.func)
        spelled = ".".join([parts[0]] + parts[1]) if parts else "the call"
        written = "a name's value" if not isinstance(value, gast.Constant) \
            else repr(value.value)
        where, hint = "", f"pass {name}=False where {spelled} is called"
        if position == _HELD:
            where = f" (the functools.partial {spelled} holds it)"
            hint = f"leave {name} out of the partial {spelled} (its default is False)"
        elif position is not None:
            where = f" (its argument {position + 1} is {name}, given by position)"
        raise NoDerivativeRuleError(
            f"{spelled}(..., {name}={written}) may write into its argument in place "
            f"(the library decides when): s2sad differentiates values, not such writes, "
            f"and differentiates {spelled} with {name}=False{where}",
            parsed.location(node), hint=hint)


def _false(value):
    return isinstance(value, gast.Constant) and value.value is False


def _keyword_flag(node):
    """``(name, value, None)`` of the first ``overwrite_*`` keyword of the call ``node``
    that is not the literal False, else None."""
    for kw in node.keywords:
        if kw.arg is not None and kw.arg.startswith(_PREFIX) and not _false(kw.value):
            return kw.arg, kw.value, None
    return None


def _positional_flag(parsed, node, libraries, known):
    """``(name, value, position)`` of the first ``overwrite_*`` parameter the library
    callee of ``node`` takes by position and the call gives (not the literal False),
    else None; a partial's held positions and keywords are its callee's.  ``known``:
    per dotted callee spelling, what :func:`_callee_flags` found (the same at every call
    of one function)."""
    spelled = nodes.dotted_parts(node.func)
    key = spelled and (spelled[0], tuple(spelled[1]))
    found = known.get(key) if key else None
    if found is None:
        found = _callee_flags(parsed.resolve_callee(node.func), libraries)
        if key:
            known[key] = found
    held, flag, positions = found
    if flag is not None:
        return flag
    for position, name in positions:
        at = position - held
        if at >= len(node.args) or any(isinstance(a, gast.Starred)
                                       for a in node.args[:at + 1]):
            break
        if not _false(node.args[at]):
            return name, node.args[at], at
    return None


def _callee_flags(target, libraries):
    """``(how many positions a partial holds, a flag it holds that is not False or None,
    the (position, name) of the callee's overwrite_* parameters)`` of the callee
    ``target`` (none for a function of the user's, or an unknown callee)."""
    if target is None:
        return 0, None, ()
    held, keywords = (), {}
    if isinstance(target, functools.partial):
        held, keywords, target = target.args, target.keywords, target.func
    if _users_function(target, libraries):
        return 0, None, ()   # (a helper of the user's: inlined, its parameters its own)
    for name, value in keywords.items():
        if name.startswith(_PREFIX) and value is not False:
            return 0, (name, gast.Constant(value=value, kind=None), _HELD), ()
    positions = flag_positions(target)
    for position, name in positions:
        if position < len(held) and held[position] is not False:
            return 0, (name, gast.Constant(value=held[position], kind=None), _HELD), ()
    return len(held), None, tuple(p for p in positions if p[0] >= len(held))


def _users_function(target, libraries):
    module = (getattr(target, "__module__", None) or "").split(".")[0]
    return isinstance(target, types.FunctionType) and module not in libraries


def flag_positions(target):
    """The ``(position, name)`` of the ``overwrite_*`` parameters ``target`` takes by
    position (none where its signature cannot be read)."""
    try:
        return _positions(target)
    except TypeError:   # (an object that cannot be a key: read each time)
        return _positions.__wrapped__(target)


@functools.lru_cache(maxsize=512)
def _positions(target):
    try:
        params = list(inspect.signature(target).parameters.values())
    except (TypeError, ValueError):
        return ()
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return tuple((i, p.name) for i, p in enumerate(params)
                 if p.kind in positional and p.name.startswith(_PREFIX))
