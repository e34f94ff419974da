"""The rule registry: which callable has which adjoint and tangent template.

A rule is a plain Python function whose body is spliced into generated code.

Adjoint templates take ``(y, y_bar, <the call's parameters>)`` and return the contribution
to the adjoint of each differentiable parameter, in order (one expression for one)::

    @adjoint(np.tanh)
    def tanh_adjoint(y, y_bar, x):
        return y_bar * (1.0 - y * y)

Tangent templates take ``(y, <parameters>, <parameter>_dot...)`` for the
differentiable parameters and return the output tangent.

An op's facts (``linear``, ``view``, ``allocates``, ``reduction``, its ndarray
method and attribute spellings) are declared in the same decorator as its
adjoint, so one block says everything about the op (see :mod:`.records`)::

    @adjoint(np.reshape, nondiff=("shape",), linear=True, view=True, methods=("reshape",))
    def reshape_adjoint(y, y_bar, a, shape):
        return np.reshape(y_bar, np.shape(a))

``linear=True`` derives the tangent template (the op applied to the tangents of
its differentiable parameters, ``np.reshape(a_dot, shape)``); there is no
``@tangent`` to write.

The registry stores rules keyed by the identity of the callable they serve;
it imports neither numpy nor any pass.
"""

import copy
import inspect
import operator
from dataclasses import dataclass, field
from typing import Any, Dict, Hashable, Optional, Tuple

import gast

from ..errors import RuleDefinitionError
from ..syntax import anno, own_builtins
from . import identity, optional, reserved
from .parsing import DerivedTemplate, LazyTemplate, Template, parse_template  # noqa: F401
from .records import (Facts, allocates, any_view_names, declare,  # noqa: F401
                      declare_allocating_type, facts, fresh, linear, reduction, view_names,
                      view_of)
from .signatures import (_SIGNATURE_CACHE, _SIGNATURES, _code_parameters,  # noqa: F401
                         signature_of)


@dataclass
class Rule:
    target: Any
    label: str
    params: Tuple[str, ...] = ()         # the call's parameters, in order
    defaults: Dict[str, Any] = field(default_factory=dict)
    diff_params: Tuple[str, ...] = ()    # parameters that carry derivatives
    broadcast: Tuple[str, ...] = ()      # parameters broadcast elementwise
    shape_only: Tuple[str, ...] = ()     # parameters the adjoint reads only for their shape
    adjoint: Optional[Template] = None
    tangent: Optional[Template] = None
    nondifferentiable: bool = False
    #: another spelling of a parameter's name in some version of the target -> the
    #: rule's name for it (numpy < 2.1 calls ``np.reshape``'s ``shape`` ``newshape``)
    spellings: Dict[str, str] = field(default_factory=dict)
    #: parameters whose derivative s2sad does not have -> why: a call whose argument
    #: there carries a derivative is refused where it is written (``scipy.special.
    #: gammainc`` in its shape ``a``); a constant argument costs nothing
    no_derivative: Dict[str, str] = field(default_factory=dict)
    #: the op returns a tuple of outputs (declared, or told by a tangent rule that
    #: returns a tuple display)
    tuple_output: bool = False
    #: the parameter naming the dtype the op computes in (``np.sum(x, dtype=...)``): a
    #: call passing an integer, bool or complex dtype there is refused where it is written,
    #: as is one whose dtype is not written as a literal (see ``template.float_dtype``)
    float_dtype: Optional[str] = None
    #: parameter -> the literal values a call may pass there (``np.reshape``'s order 'C'
    #: or 'F'): any other, or one held by a name, is refused where it is written
    choices: Dict[str, Tuple[Any, ...]] = field(default_factory=dict)
    #: the tangent is the one ``@adjoint(..., linear=True)`` derived (a later adjoint
    #: registered without ``linear`` takes it away)
    derived_tangent: bool = False
    #: the tangent last registered by ``@tangent`` (what the tangent is again when a
    #: derived one is taken away)
    written_tangent: Optional[Template] = None


#: gast operator node type -> the function it calls (rules are keyed by these)
BINARY = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
    gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
}
UNARY = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
         gast.Invert: operator.invert}
COMPARE = {gast.Lt: operator.lt, gast.LtE: operator.le, gast.Gt: operator.gt,
           gast.GtE: operator.ge, gast.Eq: operator.eq, gast.NotEq: operator.ne,
           gast.Is: operator.is_, gast.IsNot: operator.is_not}

#: identity.key(target) -> its rule
_RULES: Dict[Hashable, Rule] = {}
#: counts changes to the rules: generated code made before a change may use a rule that
#: changed since (or miss one registered since), so the API regenerates when it moved
version = 0


def _changed():
    global version
    version += 1
#: the names every generation reserves (the namer never hands them out): the helpers the
#: transforms call, and the free names of s2sad's always-loaded rules (see :mod:`.reserved`:
#: those of a user's rule or an optional library's only where used; builtins: own_builtins).
HELPER_NAMES = {"np", "unbroadcast", "zeros_like", "add_at", "add_at_key", "ensure_scalar_output",
                "scalar_checked", "Stack", "astype_of", "slice", "item_bar", "add_item", "add_items", "overwritten", "zero_at",
                "stored_part", "list_append", "list_push", "list_push_at", "list_put",
                "list_remove", "list_bar", "list_extend", "list_insert", "list_delete", "list_set",
                "copy_container", "extend_bar", "insert_bar", "delete_bar", "set_bar",
                "repeat_bar", "dict_bar", "shape_of", "size_of", "mean_count", "unbroadcast_to",
                "UNBOUND", "check_bound", "check_not_inplace", "check_in_place",
                "check_not_shared", "check_real_result",
                "check_unpacked", "check_item_alone", "check_item_update",
                "zeros_tree", "add_tree", "tree_like", "repetition_bar", "adjoint_copy",
                "iterable_bar", "times_bar", "len",
                "dict_set", "dict_delete", "dict_get", "dict_keys", "dict_size_kept",
                "loop_items", "loop_items_bar", "loop_items_dot", "sorted_bar", "sorted_dot",
                "dict_entries", "dict_entries_bar", "dict_entries_dot", "item_of",
                "flatten_of", "copy_of", "kept_argument", "first_extreme",
                "random_draw"} | own_builtins.NAMES
#: the function that ``xs.append(v)`` becomes (set by the container rules)
LIST_APPEND = []
#: helper name -> the function a list method becomes (list_delete for xs.pop(i)...)
LIST_HELPERS: Dict[str, Any] = {}
#: the helpers in LIST_HELPERS whose result is always a list
LIST_RESULTS = []
#: the runtime functions dict item writes, .get() and loops over dicts become (set by
#: the container rules): name -> function
DICT_HELPERS: Dict[str, Any] = {}
#: identity.key(np.<ufunc>.at) -> (np.<ufunc>.at, the helper making the values it adds as a new
#: array, "add" or "subtract"): such writes are normalized as a write of the whole array
UFUNC_WRITES: Dict[Hashable, Tuple[Any, Any, str]] = {}
#: ndarray method name -> (numpy function, the dotted name generated code calls)
METHODS: Dict[str, Tuple[Any, str]] = {}
#: method -> the keyword each positional argument is passed by to its function (None: by
#: position), where the parameters differ (``x.clip(0.0)`` is ``np.clip(x, min=0.0)``)
METHOD_KEYWORDS: Dict[str, Tuple[Optional[str], ...]] = {}
#: ndarray method name -> its parameters passed by position, None where not given
#: (``x.clip(max=1.0)`` is ``np.clip(x, None, 1.0)``: Dask's np.clip takes no keywords)
METHOD_POSITIONS: Dict[str, Tuple[str, ...]] = {}
#: method -> ``((keyword, value), ...)`` where its default is not its function's (x.copy(): 'C')
METHOD_DEFAULTS: Dict[str, Tuple[Tuple[str, Any], ...]] = {}
#: (method, keyword, literal) -> (function, dotted name) of the call without that keyword
#: ((method, keyword, ...): of the call with it kept, whatever its value)
METHOD_VARIANTS: Dict[Tuple[str, str, Any], Tuple[Any, str]] = {}


def method_variant(method, call, entry):
    """``(entry, call)`` for ``x.<method>(...)`` by :data:`METHOD_VARIANTS` (the call without
    the keyword that chose it, or with it, by name or position); else METHODS' ``entry``."""
    for kw in call.keywords:
        value = kw.value.value if isinstance(kw.value, gast.Constant) else _NO_VALUE
        if type(value) is bool and (method, kw.arg, value) in METHOD_VARIANTS:
            shorter = copy.copy(call)   # (its place in the source kept)
            shorter.keywords = [k for k in call.keywords if k is not kw]
            return METHOD_VARIANTS[(method, kw.arg, value)], shorter
    given = [kw.arg for kw in call.keywords] + [*METHOD_KEYWORDS.get(method, ())][:len(call.args)]
    kept = [METHOD_VARIANTS[(method, n, ...)] for n in given if (method, n, ...) in METHOD_VARIANTS]
    return (kept[0], call) if kept else (entry, call)


_NO_VALUE = object()
#: ndarray attribute name -> (numpy function, dotted name) for attributes that compute
VIEW_ATTRIBUTES: Dict[str, Tuple[Any, str]] = {}
#: ndarray attributes whose value carries no derivative
CONSTANT_ATTRIBUTES = frozenset({"shape", "ndim", "size", "dtype", "itemsize", "nbytes"})


def several_outputs(target):
    """Whether ``target``'s rule is for an op with several outputs, a tuple: declared
    (``@adjoint(scipy.linalg.cho_factor, tuple_output=True)``), or its tangent rule
    returns a tuple display (``np.linalg.slogdet``)."""
    rule = lookup(target)
    return rule is not None and (rule.tuple_output or (
        rule.tangent is not None and isinstance(rule.tangent.result, gast.Tuple)))


def operation_target(value):
    """The callable a normalized operation applies (operator function or callee)."""
    if isinstance(value, gast.BinOp):
        return BINARY.get(type(value.op))
    if isinstance(value, gast.UnaryOp):
        return UNARY.get(type(value.op))
    if isinstance(value, gast.Compare):
        return COMPARE.get(type(value.ops[0]))
    if isinstance(value, gast.Call):
        return getattr(value, anno.CALLEE, None)
    return None


def lookup(target) -> Optional[Rule]:
    """``target``'s rule, or None.  A miss first loads the rules of optional libraries
    the process has loaded since (see :mod:`.optional`)."""
    rule = _RULES.get(id(target))
    if rule is not None and rule.target is target:
        return rule   # (the common case: a rule stored under the very object's id)
    rule = _RULES.get(identity.key(target))
    if rule is None and optional.load_pending():
        rule = _RULES.get(identity.key(target))
    if rule is not None and identity.same(rule.target, target):
        return rule
    return None


def _label(target):
    return getattr(target, "__qualname__", None) or getattr(target, "__name__", None) or repr(target)


def _rule_for(target, label=None) -> Rule:
    rule = lookup(target)
    if rule is None:
        rule = Rule(target=target, label=label or _label(target))
        _RULES[identity.key(target)] = rule
    return rule


def _defaults(fn):
    """``{parameter: default}`` of the rule function ``fn`` (what ``inspect.signature``
    gives, read from the function itself: hundreds of rules are registered at loading)."""
    if hasattr(fn, "__wrapped__"):   # (a wrapper: inspect reads what it wraps)
        return {p.name: p.default for p in inspect.signature(fn).parameters.values()
                if p.default is not inspect.Parameter.empty}
    code, given = fn.__code__, fn.__defaults__ or ()
    names = code.co_varnames[:code.co_argcount]
    found = dict(zip(names[len(names) - len(given):], given))
    found.update(fn.__kwdefaults__ or {})
    return found


def _template(fn):
    """The template of the rule ``fn``: s2sad's own rules (checked by its tests) are
    parsed on first use, so that loading them costs no parsing; a user's rule now, so
    that a mistake in it is reported where it is written."""
    if fn.__module__.startswith("s2sad."):
        return LazyTemplate(fn)
    return parse_template(fn)


def _check_signature(target, label, params, spellings=None):
    """The rule's parameters must be parameters of the target, by name or position.

    ``spellings`` maps a target's other name for a parameter to the rule's name:
    the rule's parameter matches when the installed target has either.
    """
    nin = getattr(target, "nin", None)
    if nin is not None:  # a numpy ufunc: positional inputs only
        if len(params) != nin:
            raise RuleDefinitionError(
                f"rule for {label} takes {len(params)} inputs, but {label} takes {nin}")
        return
    read = _code_parameters(target)
    if read is not None:
        names, positional_only, variadic = read
        if variadic:
            return
    else:
        sig = signature_of(target)
        if sig is None:
            return  # a C function without a signature: nothing to check against
        kinds = [p for p in sig.parameters.values()]
        if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in kinds):
            return
        names = [p.name for p in kinds]
        positional_only = [p.name for p in kinds if p.kind == p.POSITIONAL_ONLY]
    also = {}
    for spelling, param in (spellings or {}).items():
        also.setdefault(param, []).append(spelling)
    for index, param in enumerate(params):
        if param in names or any(spelling in names for spelling in also.get(param, ())):
            continue
        if index < len(positional_only):
            continue  # positional-only: only the position matters
        raise RuleDefinitionError(
            f"rule for {label} names the parameter {param!r}, which {label} does not have "
            f"(its parameters are {names})")


def signature_for(target):
    """Declare the decorated (empty) function's signature as ``target``'s.

    For C functions that carry no signature in some supported version
    (numpy < 2.1 compiles ``np.concatenate`` without one): rules are checked,
    calls bound and default arguments left out by the signature, so declaring
    the one later versions report keeps generated code the same on every
    version.  A target that has a signature of its own keeps it.
    """
    def register(fn):
        _SIGNATURES[id(target)] = (target, inspect.signature(fn))
        _changed()
        return fn
    return register


#: what the loaded rules give the transforms by name: the modules of runtime helpers and
#: the array module generated code calls as ``np`` (filled by ``load_builtin_rules``: the
#: transform core reads them here and never imports numpy or the runtime itself)
_RUNTIME_MODULES = []
_ARRAY_MODULE = []


def provide(runtime_modules, array_module):
    """Record the runtime helper modules (searched in order) and the array module."""
    _RUNTIME_MODULES[:] = runtime_modules
    _ARRAY_MODULE[:] = [array_module]


def runtime_method(target):
    """Whether the function an array method becomes (:data:`METHODS`) is one of s2sad's
    runtime helpers (``x.flatten()``: ``flatten_of(x)``, for arrays numpy dispatches
    for too), not numpy's own."""
    return (getattr(target, "__module__", None) or "").startswith("s2sad.runtime")


def runtime_helper(name):
    """The runtime function ``name`` generated code calls (rules loaded)."""
    for module in _RUNTIME_MODULES:
        found = getattr(module, name, None)
        if found is not None:
            return found
    raise AssertionError(f"no runtime helper {name!r} (are the rules loaded?)")


def array_module():
    """The module generated code calls as ``np`` (rules loaded)."""
    if not _ARRAY_MODULE:
        raise AssertionError("the rules are not loaded: call rules.loading.load_builtin_rules()")
    return _ARRAY_MODULE[0]


def helper_names():
    """The names the generation's code may read besides the user's (see :mod:`.reserved`)."""
    return reserved.helper_names(HELPER_NAMES)


def _install(target, label, template, kind):
    """Set ``template`` as the ``kind`` ("adjoint" or "tangent") of ``target``'s rule;
    an always-loaded rule's names reserved for good (see :mod:`.reserved`).  Returns it."""
    rule = _rule_for(target, label)
    setattr(rule, kind, template)
    HELPER_NAMES.update(reserved.always_loaded(template) and template.free or ())
    return rule


def install_tangent(target, template):
    """Set the derived ``template`` as the tangent of ``target`` (a runtime helper
    declared linear, see :mod:`.runtime_rules`).  Returns the rule."""
    rule = _install(target, _label(target), template, "tangent")
    _changed()
    return rule


def _declare_facts(targets, namespace, given):
    """Record the facts ``given`` about each of ``targets`` (the first is the op, the
    others its aliases); method and attribute spellings name the first, spelled as
    ``namespace`` (the rule's module globals) names it."""
    given = {key: value for key, value in given.items() if value}
    spellings = {key: given.pop(key, ()) for key in ("methods", "attributes")}
    for tgt in targets:
        declare(tgt, **given)
    if any(spellings.values()):
        declare(targets[0], **spellings)
        dotted = spelling(targets[0], namespace)
        for name in spellings["methods"]:
            METHODS[name] = (targets[0], dotted)
        for name in spellings["attributes"]:
            VIEW_ATTRIBUTES[name] = (targets[0], dotted)


def spelling(target, namespace):
    """The dotted name that denotes ``target`` in ``namespace`` (a module's globals):
    a name bound to it (``sum_bar``), else an attribute of a module bound to a name
    (``np.reshape``, ``rt.add_item``).  Raises when there is none."""
    for name, obj in namespace.items():
        if obj is target and not name.startswith("_"):
            return name
    attr = getattr(target, "__name__", None)
    for name, obj in namespace.items():
        if type(obj).__name__ == "module" and attr and getattr(obj, attr, None) is target:
            return f"{name}.{attr}"
    raise RuleDefinitionError(
        f"cannot spell {_label(target)} in the rule's module: import it (or its module) there")


#: operator function -> how a linear tangent of it is written (see :func:`linear_template`)
_OPERATOR_SIGNS = {operator.add: "{0} + {1}", operator.sub: "{0} - {1}",
                   operator.neg: "-{0}"}


def linear_template(target, params, diff_params, namespace, fn, spelled=None):
    """The tangent :class:`Template` of an op linear in ``diff_params``: the op applied to
    their tangents (``<p>_dot``) and its other parameters, by position (keyword-only ones by
    keyword), spelled ``spelled`` (a dotted name ``namespace`` binds) or as ``namespace``
    names the op (an operator as its operator)."""
    out, operator_sign = "y" if "y" not in params else "out", _OPERATOR_SIGNS.get(target)
    named = () if operator_sign else [p.name for p in getattr(
        signature_of(target), "parameters", {}).values() if p.kind is p.KEYWORD_ONLY]
    args = [f"{p}=" * (p in named) + (f"{p}_dot" if p in diff_params else p) for p in params]
    text = operator_sign.format(*args) if operator_sign else \
        f"{spelled or spelling(target, namespace)}({', '.join(args)})"
    root = None if operator_sign else text.split(".")[0].split("(")[0]
    free = {root: namespace[root]} if root else {}
    return DerivedTemplate(fn, (out,) + tuple(params) + tuple(f"{p}_dot" for p in diff_params),
                           free, text)


def adjoint(target, *, nondiff=(), broadcast=False, label=None, aliases=(), shape_only=(),
            spellings=None, linear=False, view=False, allocates=False, reduction=None,
            methods=(), attributes=(), no_derivative=None, tuple_output=False,
            float_dtype=None, choices=None):
    """Register the decorated function as the adjoint (reverse) rule of ``target``,
    with the facts about ``target`` (see :class:`.records.Facts`).

    ``nondiff`` names parameters that carry no derivative (axis, shape...).
    ``broadcast=True`` says the differentiable parameters combine elementwise
    with numpy broadcasting, so their adjoints are reduced back to each
    argument's shape in one place (the transformer), never in the rule.
    ``spellings`` maps other names a parameter has (or had) in some version of
    the target to the rule's name for it, e.g. ``{"newshape": "shape"}`` for
    ``np.reshape``: the rule then loads whichever name the installed version
    uses, and a call that passes either name by keyword binds to it.
    ``linear=True`` derives the tangent rule: ``target`` applied to the tangents
    of the differentiable parameters.  ``no_derivative={"a": "why"}`` names
    parameters without a derivative (they are ``nondiff`` too) whose argument must
    not carry one: such a call is refused where it is written, in both modes.
    ``float_dtype="dtype"`` names the parameter that is the dtype the op computes in:
    only a float dtype written as a literal is taken there (see ``template``).
    ``choices={"order": ("C", "F")}``: the literal values a call may pass there.
    ``tuple_output=True``: the op returns a tuple (its adjoints add item by item).  ``view``, ``allocates``, ``reduction``,
    ``methods`` and ``attributes`` are facts the passes read.
    """
    def register(fn):
        template = _template(fn)
        if len(template.params) < 2 or template.params[1] != template.params[0] + "_bar":
            # the output and its cotangent are bound by position: a rule written
            # (y_bar, y, x) or (g, ans, x) would receive one for the other
            raise RuleDefinitionError(
                f"adjoint rule {fn.__name__} must take (y, y_bar, *parameters): the output, "
                f"then its cotangent named after it with '_bar', then the target's "
                f"parameters; it takes ({', '.join(template.params)})")
        params = template.params[2:]
        defaults = _defaults(fn)
        undefined = _user_nondiff(fn, nondiff, no_derivative)
        diff_params = tuple(p for p in params if p not in nondiff and p not in undefined)
        derived = linear_template(target, params, diff_params, fn.__globals__, fn) \
            if linear else None
        for tgt in (target,) + tuple(aliases):
            lbl = label or _label(tgt)
            _check_signature(tgt, lbl, params, spellings)
            rule = _rule_for(tgt, lbl)
            _before_adjoint(rule, tgt)
            if not linear and rule.tangent is not None and rule.params and \
                    rule.params != params:
                raise RuleDefinitionError(
                    f"adjoint and tangent rules of {lbl} disagree on the parameters")
            rule.params = params
            rule.defaults = defaults
            rule.diff_params = diff_params
            rule.broadcast = rule.diff_params if broadcast else ()
            rule.shape_only = tuple(shape_only)
            rule.spellings = dict(spellings or {})
            rule.no_derivative = undefined
            rule.tuple_output = tuple_output
            rule.float_dtype = float_dtype
            rule.choices = dict(choices or {})
            _install(tgt, lbl, template, "adjoint")
            if derived is not None:
                _install(tgt, lbl, derived, "tangent").derived_tangent = True
        _declare_facts((target,) + tuple(aliases), fn.__globals__, dict(
            linear=linear, view=view, allocates=allocates, reduction=reduction,
            methods=methods, attributes=attributes))
        _changed()
        return fn
    return register


def _user_nondiff(fn, nondiff, no_derivative):
    """The ``no_derivative`` of the adjoint rule ``fn``: a user's ``nondiff`` parameters
    are among them (an argument there carrying a derivative is refused, as s2sad's own
    rules refuse one, rather than its derivative dropped)."""
    undefined = dict(no_derivative or {})
    if not fn.__module__.startswith("s2sad."):
        for param in nondiff:
            undefined.setdefault(param, f"its rule ({fn.__name__}) declares it nondiff, so "
                                        f"the derivative through it would be dropped: leave it out of "
                                        f"nondiff and return its adjoint to differentiate in it")
    return undefined


def _before_adjoint(rule, target):
    """Make ``rule`` ready for an adjoint registered now: the latest registrations hold,
    whatever came before (an earlier ``nondifferentiable`` is undone, and so is the
    tangent an earlier ``linear=True`` derived: the one written by ``@tangent`` is back,
    and ``target`` is linear again only if this registration says so)."""
    rule.nondifferentiable = False
    if rule.derived_tangent:
        rule.tangent, rule.derived_tangent = rule.written_tangent, False
        declare(target, linear=False)


def _forget_rules(rule, target):
    """Take ``target``'s adjoint and tangent rules away, with what their registration
    said (``s2sad.nondifferentiable`` after them: the latest registration holds)."""
    for name, spec in Rule.__dataclass_fields__.items():
        if name not in ("target", "label"):
            setattr(rule, name, spec.default_factory() if callable(spec.default_factory)
                    else spec.default)
    declare(target, linear=False)


def tangent(target, *, label=None, aliases=(), view=False, allocates=False, reduction=None,
            methods=(), attributes=()):
    """Register the decorated function as the tangent (forward) rule of ``target``.

    The template takes ``(y, <parameters>, <p>_dot for each differentiable p)``.
    The facts are those :func:`adjoint` takes (an op without an adjoint rule, such
    as a runtime helper, declares them here); a ``linear`` op has its tangent
    derived already.
    """
    def register(fn):
        template = _template(fn)
        for tgt in (target,) + tuple(aliases):
            if facts(tgt).linear:
                raise RuleDefinitionError(
                    f"{_label(tgt)} is declared linear: its tangent rule is derived, "
                    f"remove linear=True to write it by hand")
            rule = _install(tgt, label or _label(tgt), template, "tangent")
            rule.nondifferentiable, rule.written_tangent = False, template
        _declare_facts((target,) + tuple(aliases), fn.__globals__, dict(
            view=view, allocates=allocates, reduction=reduction, methods=methods,
            attributes=attributes))
        _changed()
        return fn
    return register


def same_rule(target, like, label=None):
    """Give ``target`` the rule of ``like``, another callable that computes the same
    (scipy's ufunc ``scipy.special.expm1`` and ``np.expm1``): the same templates,
    parameters and facts, as ``aliases=`` gives them within one rule module."""
    source = lookup(like)
    if source is None or (source.adjoint is None and source.tangent is None):
        raise RuleDefinitionError(f"{_label(like)} has no rule to give {_label(target)}")
    lbl = label or _label(target)
    _check_signature(target, lbl, source.params, source.spellings)
    rule = _rule_for(target, lbl)
    for name in ("params", "diff_params", "broadcast", "shape_only", "tuple_output",
                 "float_dtype"):
        setattr(rule, name, getattr(source, name))
    for name in ("defaults", "spellings", "no_derivative", "choices"):
        setattr(rule, name, dict(getattr(source, name)))
    for kind in ("adjoint", "tangent"):
        if getattr(source, kind) is not None:
            _install(target, lbl, getattr(source, kind), kind)
    known = facts(like)
    declare(target, linear=known.linear, view=known.view, allocates=known.allocates,
            reduction=known.reduction)
    _changed()
    return rule


def nondifferentiable(*targets, **given):
    """Declare that the outputs of ``targets`` carry no derivative (constants), with
    the facts ``given`` about each (``allocates=True``...; method and attribute
    spellings with the ``spelling`` generated code calls the op by)."""
    for tgt in targets:
        rule = _rule_for(tgt)
        if rule.adjoint is not None or rule.tangent is not None:
            _forget_rules(rule, tgt)
        rule.nondifferentiable = True
        if given:
            declare(tgt, **given)
            for name in given.get("methods", ()):
                METHODS[name] = (tgt, given["spelling"])
            for name in given.get("attributes", ()):
                VIEW_ATTRIBUTES[name] = (tgt, given["spelling"])
    _changed()
    return targets[0] if len(targets) == 1 else targets
