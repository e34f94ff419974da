"""One frozen record per op: the facts passes may read about a callable besides its derivative.

An op's facts are declared where its rule is (``@adjoint(np.reshape, view=True,
linear=True, methods=("reshape",))``), or, for an op without a derivative, by
:func:`declare` (``declare(np.zeros, allocates=True)``).  The passes read them
through the query functions here (re-exported by :mod:`s2sad.rules.registry`);
none of them imports numpy: the record is keyed by the identity of the callable.

Input: declarations, made while the rule tables are imported.  Output: for any
object, a :class:`Facts` (all fields false/empty for an object nobody declared).
"""

from dataclasses import dataclass, fields, replace
from typing import Any, Dict, Hashable, Optional, Tuple

from ..errors import RuleDefinitionError
from . import identity, optional

#: the reductions a ``reduction`` fact may name (how the reduced values combine)
REDUCTIONS = ("sum", "mean", "prod", "max", "min")


@dataclass(frozen=True)
class Facts:
    """What a call of one op does, besides computing a derivative."""

    #: the tangent is the op applied to the tangents of its differentiable
    #: parameters (its other parameters as they are): the registry derives it.
    #: ``True`` for an op with an adjoint rule (linear in the parameters that are not
    #: ``nondiff``); a runtime helper names the parameters it is linear in, the others
    #: being constant (``linear=("g",)`` on ``def sum_bar(g, x, axis, keepdims)``)
    linear: Any = False
    #: the result may share memory with (be a view of) its first argument (``True``),
    #: or, called with one operand after its first argument, with that operand
    #: (``"any"``: ``np.einsum('ii->i', a)`` is a view of ``a``, which comes after the
    #: subscripts; with several operands the result is new)
    view: Any = False
    #: ``(parameter, value)`` pairs: a call that passes such a parameter as anything
    #: but that value (or as a name) may return its first argument itself, as
    #: ``view="maybe"`` says (``np.array(x, copy=False)``, ``copy=None``); left out,
    #: the op's other facts hold
    view_unless: Tuple[Tuple[str, Any], ...] = ()
    #: the result is always a new object holding none of the arguments (without ``out=``)
    allocates: bool = False
    #: a reduction (whole, or along ``axis`` with ``keepdims``): how it combines the
    #: values, one of :data:`REDUCTIONS`; called with one argument it gives one number
    reduction: Optional[str] = None
    #: ``x.<name>(...)`` on an array calls the op with ``x`` first
    methods: Tuple[str, ...] = ()
    #: ``x.<name>`` on an array is the op applied to ``x``
    attributes: Tuple[str, ...] = ()
    #: the dotted name generated code calls the op by, when it is not the name it is
    #: defined under (s2sad's container helpers are called ``rt.<name>``, ``rt`` being
    #: ``s2sad.runtime``): a derived tangent spells the call the same way
    spelling: Optional[str] = None
    #: the op returns a named tuple with these fields (``np.linalg.slogdet``: ("sign",
    #: "logabsdet")): ``t.logabsdet`` on a name that holds its result reads ``t[1]``
    fields: Tuple[str, ...] = ()
    #: ``(parameter, value)`` pairs: the result is that named tuple only when each such
    #: parameter is left out or passed as that constant (``np.linalg.svd``'s
    #: ``compute_uv=True``); elsewhere its fields are not read by name
    fields_when: Tuple[Tuple[str, Any], ...] = ()
    #: the op's result is a constant whose attributes of these names are read as they
    #: are (``np.finfo(float).eps``): ``t.eps`` on a name that holds its result
    constant_fields: Tuple[str, ...] = ()
    #: the result's rank is that of ``np.dot``'s of its two arguments: ``p + q - 2`` of
    #: arrays of ranks ``p, q >= 1`` (two vectors give one number), the other
    #: argument's rank when one is a number (``analysis.ranks``)
    dot_rank: bool = False
    #: ``((ranks, expression), ...)``: what a runtime helper computes when the
    #: arguments after its first are arrays of exactly these ranks (the branch of its
    #: own fast path), an expression in its parameters (``dot_rhs_bar``: ``((1, 1),
    #: "g * a")``); the reverse transform writes it instead of the call where the
    #: arguments' ranks are known (``transform.reverse.resolved``)
    by_ranks: Tuple[Tuple[Tuple[int, ...], str], ...] = ()
    #: two calls with the same arguments may return different values (a draw, a tape's
    #: pop, ``next``): where a loop makes the value, each trip's is its own (see
    #: :func:`fresh`, which also takes any op outside the libraries s2sad knows as such)
    fresh: bool = False


#: identity.key(target) -> (target, its facts)
_FACTS: Dict[Hashable, Tuple[Any, Facts]] = {}
#: what ``view_names``/``any_view_names`` read from ``_FACTS``, until ``declare`` changes it
_VIEW_NAMES: Dict[Any, frozenset] = {}
#: types every instance of which allocates its result (numpy's ufuncs)
_ALLOCATING_TYPES: list = []


def declare(target, **given):
    """Record the facts ``given`` (fields of :class:`Facts`) about ``target``; facts
    declared before for it are kept unless named again.  Returns ``target``."""
    names = {f.name for f in fields(Facts)}
    unknown = sorted(set(given) - names)
    if unknown:
        raise RuleDefinitionError(f"unknown fact {unknown[0]!r} (facts are {sorted(names)})")
    if given.get("reduction") not in (None,) + REDUCTIONS:
        raise RuleDefinitionError(
            f"reduction must be one of {REDUCTIONS}, not {given['reduction']!r}")
    for key in ("methods", "attributes", "fields", "fields_when", "view_unless",
                "constant_fields", "by_ranks") + (("linear",) if isinstance(
            given.get("linear"), (list, tuple)) else ()):
        if key in given:
            given[key] = tuple(given[key])
    # (the facts declared so far, without loading optional rule modules: a module being
    # imported may declare facts while an optional rule module that imports it waits)
    entry = _FACTS.get(identity.key(target))
    known = entry[1] if entry is not None and identity.same(entry[0], target) else Facts()
    _FACTS[identity.key(target)] = (target, replace(known, **given))
    _VIEW_NAMES.clear()
    return target


def declare_allocating_type(kind):
    """Every instance of the type ``kind`` allocates its result (numpy's ``ufunc``)."""
    if kind not in _ALLOCATING_TYPES:
        _ALLOCATING_TYPES.append(kind)


def facts(obj) -> Facts:
    """The facts declared about ``obj`` (a :class:`Facts` of defaults when none were)."""
    entry = _FACTS.get(identity.key(obj))
    if entry is None and optional.load_pending():   # (an optional library's facts)
        entry = _FACTS.get(identity.key(obj))
    if entry is not None and identity.same(entry[0], obj):
        return entry[1]
    return Facts()


def declared():
    """Every ``(target, facts)`` declared, in the order of declaration."""
    return [entry for entry in _FACTS.values()]


#: the libraries whose functions are functions of their arguments (``numpy.random``
#: and ``random`` are not among them): a call of another's, or of a function of the
#: user's (declared without derivative, or given a rule), may draw, count or read a clock
_PURE_LIBRARIES = ("numpy", "builtins", "math", "operator", "_operator", "scipy", "s2sad")


def fresh(obj):
    """Whether two calls of ``obj`` with the same arguments may return different values:
    declared so (:class:`Facts`), or an op of another library than those s2sad knows
    (of ``numpy.random``, of a generator's method), or a function of the user's (which
    ``s2sad.nondifferentiable`` or a rule of theirs names without saying what it reads)."""
    if facts(obj).fresh:
        return True
    module = _home(obj)
    return module is None or module.split(".")[0] not in _PURE_LIBRARIES \
        or module == "numpy.random" or module.startswith("numpy.random.")


def _home(obj):
    """The name of the module ``obj`` comes from (a method's: its class's), or None."""
    owner = getattr(obj, "__self__", None)
    if owner is not None and not isinstance(owner, type) and type(owner).__name__ != "module":
        return type(owner).__module__   # (a bound method: its object's class's)
    module = getattr(obj, "__module__", None)
    if isinstance(module, str):
        return module
    owner = getattr(obj, "__objclass__", None) or owner
    if owner is not None:
        return getattr(owner, "__module__", None) if isinstance(owner, type) \
            else getattr(owner, "__name__", None)
    return type(obj).__module__


def allocates(obj):
    """Whether calling ``obj`` (without ``out=``) always returns a new object that holds
    none of its arguments.  A callable nobody declared is assumed to possibly return
    an argument: the price is a run-time check, never a wrong answer."""
    return facts(obj).allocates or isinstance(obj, tuple(_ALLOCATING_TYPES))


def view_of(obj):
    """Whether the result of calling ``obj`` may share memory with its first argument."""
    return facts(obj).view


def reduction(obj):
    """How ``obj`` combines the values it reduces (``"sum"``, ``"mean"``...), or None
    when it is not a reduction."""
    return facts(obj).reduction


def linear(obj):
    """Whether ``obj``'s tangent is ``obj`` applied to the tangents."""
    return facts(obj).linear


def any_view_names():
    """The names of the ops declared ``view="any"`` (the result may be a view of the one
    operand after the first argument, see :class:`Facts`)."""
    found = _VIEW_NAMES.get("any")
    if found is None:
        found = _VIEW_NAMES["any"] = frozenset(
            target.__name__ for target, record in _FACTS.values() if record.view == "any")
    return found


def view_names(runtime=False):
    """The names a view may be called by: the ``__name__`` and method spellings of the
    ops declared ``view``; with ``runtime=True`` instead the names of s2sad's own runtime
    helpers declared ``view`` (which return their first argument or a view of it)."""
    found = _VIEW_NAMES.get(runtime)
    if found is None:
        found = _VIEW_NAMES[runtime] = _view_names(runtime)
    return found


def _view_names(runtime):
    names = set()
    for target, record in _FACTS.values():
        if not record.view:
            continue
        helper = (getattr(target, "__module__", None) or "").startswith("s2sad.runtime")
        if helper == runtime:
            names.add(target.__name__)
            names.update(() if runtime else record.methods)
    return frozenset(names)


def fact(**given):
    """Decorator form of :func:`declare`, for a function defined with its facts
    (s2sad's runtime helpers: ``@fact(allocates=True)`` above ``def sum_bar``)."""
    def mark(fn):
        return declare(fn, **given)
    return mark


#: (helper, tangent rule function) declared beside the helper, in declaration order
_HELPER_TANGENTS: list = []


def tangent_beside(helper):
    """Declare the decorated function as the tangent rule of ``helper``, written next
    to the helper's definition (the runtime imports no code generator: the rule is
    parsed and registered by :mod:`s2sad.rules.runtime_rules` when tangent rules load)."""
    def mark(fn):
        _HELPER_TANGENTS.append((helper, fn))
        return fn
    return mark


def helper_tangents():
    """Every ``(helper, tangent rule function)`` declared with :func:`tangent_beside`."""
    return list(_HELPER_TANGENTS)
