"""Splicing: bind a call's arguments to a rule's parameters and instantiate its template.

``bind_arguments`` maps one normalized operation (BinOp, UnaryOp or Call) to
``{parameter: atom}``; ``splice`` copies a template's statements and result
with parameters replaced by those atoms and the template's own locals renamed
fresh.  Neither mutates its inputs.
"""


import inspect

import gast

from ..errors import NoDerivativeRuleError
from ..syntax import anno, nodes
from . import registry

_NO_DEFAULT = object()
#: marks the default a call left out of a parameter its rule names in ``float_dtype`` or
#: ``choices``: a splice leaves a keyword argument holding it out of a call whose callee
#: has that default (``np.reshape(y_bar, np.shape(x))``, not ``..., order='C')``)
_UNWRITTEN = anno.PREFIX + "unwritten_default"
#: classes of the leaf values of syntax trees (identifiers, numbers, None)
_LEAF_CLASSES = frozenset((str, int, float, bool, type(None)))


def bind_arguments(rule, value, locate):
    """``{parameter name: atom node}`` for the operation ``value`` under ``rule``.

    ``locate(node)`` gives the SourceLocation used in errors.
    """
    params = rule.params
    if isinstance(value, gast.BinOp):
        return {params[0]: value.left, params[1]: value.right}
    if isinstance(value, gast.UnaryOp):
        return {params[0]: value.operand}
    site = getattr(value, anno.CALL_SITE, value)
    args, keywords = list(value.args), {kw.arg: kw.value for kw in value.keywords}
    sig = registry.signature_of(rule.target)
    bound = {}
    plan = None if sig is None or getattr(rule.target, "nin", None) is not None \
        else _binding_plan(sig, len(args), tuple(keywords))
    if plan is not None:
        for name, slot in plan:   # (the parameters bound, in the signature's order)
            node = args[slot] if slot.__class__ is int else keywords[slot]
            bound[_rule_name(rule, sig, name)] = node
    elif sig is not None and getattr(rule.target, "nin", None) is None \
            and not _variadic(sig):
        try:
            ba = sig.bind(*args, **keywords)
        except TypeError as exc:
            extra = [k for k in keywords if k not in sig.parameters]
            raise NoDerivativeRuleError(
                f"cannot match the call to {_user_label(site, rule.label)}: {exc}",
                locate(site),
                hint=_unsupported_hint(rule, sig, extra[0], False, site) if extra else None) \
                from None
        for name, node in ba.arguments.items():
            bound[_rule_name(rule, sig, name)] = node
    else:
        if len(args) > len(params):
            raise NoDerivativeRuleError(
                f"{rule.label} is called with {len(args)} positional arguments; its derivative "
                f"rule knows {len(params)}", locate(site))
        bound.update(zip(params, args))
        bound.update((rule.spellings.get(k, k), v) for k, v in keywords.items())
    _check_literals(rule, bound, site, locate)
    unknown = sorted(k for k in bound if k not in params)
    for name in [k for k in unknown if _none_as_default(sig, rule, k, bound[k])]:
        del bound[name]   # dtype=None spelled out: the default, nothing to support
        unknown.remove(name)
    if unknown:
        named = sig is not None and unknown[0] in sig.parameters
        raise NoDerivativeRuleError(
            f"the derivative rule of {_user_label(site, rule.label)} does not support its "
            f"argument "
            f"{unknown[0]!r}", locate(site),
            hint=_unsupported_hint(rule, sig, unknown[0], named, site))
    for name in params:
        if name not in bound:
            default = rule.defaults.get(name, _NO_DEFAULT)
            if default is _NO_DEFAULT:
                raise NoDerivativeRuleError(
                    f"the call to {rule.label} leaves its argument {name!r} out, which its "
                    f"derivative rule needs", locate(site), hint=f"pass {name!r} explicitly")
            else:
                bound[name] = nodes.const(default)
                if name == rule.float_dtype or name in rule.choices:
                    # (a keyword these rules took later: not written where the call does
                    # not write it, see _trim_calls)
                    anno.set(bound[name], _UNWRITTEN, True)
    return bound


#: the names of numpy's float types a call may pass as a dtype (np.float64, numpy.single)
_FLOAT_TYPES = frozenset(("float64", "float32", "float16", "double", "single", "half",
                          "longdouble", "float_"))


def float_dtype_kind(node):
    """The kind of the dtype the literal ``node`` names: ``'f'`` for ``float``,
    ``np.float64``, ``'float32'``...; ``'i'``, ``'u'``, ``'b'`` or ``'c'`` for an integer,
    bool or complex one; None where ``node`` is no literal dtype (a name holding one)."""
    if isinstance(node, gast.Constant) and isinstance(node.value, str):
        try:
            return registry.array_module().dtype(node.value).kind
        except TypeError:
            return None
    if isinstance(node, gast.Name):
        return {"float": "f", "int": "i", "bool": "b", "complex": "c"}.get(node.id)
    if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name):
        if node.attr in _FLOAT_TYPES:
            return "f"
        found = getattr(registry.array_module(), node.attr, None)
        try:
            return registry.array_module().dtype(found).kind if isinstance(found, type) \
                else None
        except TypeError:
            return None
    return None


def _check_literals(rule, bound, site, locate):
    """Refuse what the rule's ``float_dtype`` and ``choices`` do not take (``bound``: the
    call's arguments by parameter), and take a ufunc's float ``dtype=`` out of ``bound``
    (``np.add(x, y, dtype=np.float64)``: the values in that dtype, the derivative the
    same)."""
    if "dtype" in bound and "dtype" not in rule.params \
            and getattr(rule.target, "nin", None) is not None:
        _check_float_dtype(rule, bound.pop("dtype"), site, locate, "dtype")
    if rule.float_dtype is not None and rule.float_dtype in bound:
        _check_float_dtype(rule, bound[rule.float_dtype], site, locate, rule.float_dtype)
    for name, allowed in rule.choices.items():
        if name in bound:
            _check_choice(rule, name, allowed, bound[name], site, locate)


def _check_float_dtype(rule, node, site, locate, param):
    """Refuse ``op(..., dtype=<node>)`` unless ``node`` is the literal ``None`` or names a
    float dtype: an integer or bool dtype truncates the values (a result piecewise constant,
    whose derivative s2sad does not give as 0 in silence), a complex one makes complex values,
    and a dtype held by a name cannot be checked where the call is written."""
    if isinstance(node, gast.Constant) and node.value is None:
        return
    kind = float_dtype_kind(node)
    if kind == "f":
        return
    label = ast_text(site.func) if isinstance(site, gast.Call) else rule.label
    written = ast_text(node)
    if kind in ("i", "u", "b"):
        raise NoDerivativeRuleError(
            f"{label}(..., {param}={written}) converts the values to "
            f"{'bool' if kind == 'b' else 'integers'} before it computes: its result is "
            f"piecewise constant and has no derivative s2sad gives", locate(site),
            hint=(f"pass a float dtype ({param}=np.float64), or convert first, "
                  f"x.astype({written}), whose derivative s2sad takes as 0 (a cast to an "
                  f"integer is constant), then call {label} without {param}="))
    if kind == "c":
        raise NoDerivativeRuleError(
            f"{label}(..., {param}={written}) computes complex values, which "
            f"s2sad does not differentiate", locate(site),
            hint=f"pass a float dtype ({param}=np.float64) or leave it out")
    raise NoDerivativeRuleError(
        f"{label}(..., {param}={written}): s2sad checks that the dtype is a float "
        f"one only where it is written as one", locate(site),
        hint=(f"write the dtype where {label} is called ({param}=np.float64, "
              f"{param}=np.float32, {param}=float or "
              f"{param}='float32')"))


def _check_choice(rule, name, allowed, node, site, locate):
    """Refuse ``op(..., name=<node>)`` unless ``node`` is one of the literals ``allowed``."""
    if isinstance(node, gast.Constant) and node.value in allowed:
        return
    label = ast_text(site.func) if isinstance(site, gast.Call) else rule.label
    # (and the values the normalizer reads as another op where the call is that method:
    # x.reshape(..., order='A'); np.array(x, copy=False) is no x.astype(copy=False))
    called = site.func.attr if isinstance(site, gast.Call) \
        and isinstance(site.func, gast.Attribute) else None
    allowed = tuple(allowed) + tuple(
        value for method, param, value in registry.METHOD_VARIANTS
        if param == name and value is not ... and value not in allowed
        and registry.METHODS.get(method, (None,))[0] is rule.target
        and (method == called or method == rule.target.__name__))
    spelled = ", ".join(f"{name}={value!r}" for value in allowed[:-1]) \
        + f" or {name}={allowed[-1]!r}" if len(allowed) > 1 else f"{name}={allowed[0]!r}"
    literal = isinstance(node, gast.Constant)
    raise NoDerivativeRuleError(
        f"{label}(..., {name}={ast_text(node)}): s2sad differentiates {label} with "
        f"{spelled}" + ("" if literal else ", written where it is called (a literal: the "
                        "value a name holds is not read where the code is made)"),
        locate(site), hint=f"pass {spelled} where {label} is called")


def ast_text(node):
    import ast
    return ast.unparse(gast.gast_to_ast(node))


def _user_label(site, label):
    from .spelled_hints import user_label
    return user_label(site, label)


def _unsupported_hint(rule, sig, name, named, site=None):
    """What to write instead of passing ``name`` to ``rule``'s op: for one of s2sad's own
    rules, the spelling that computes the same without it (spelled with the arguments of
    the user's call ``site`` where :mod:`.spelled_hints` knows the op); for a user's
    rule, how to make the rule take it."""
    label, params = rule.label, rule.params
    template = rule.adjoint or rule.tangent
    own = (getattr(getattr(template, "fn", None), "__module__", None) or "").startswith("s2sad.")
    if not own and named and name not in params:
        return (f"the rule's parameters are ({', '.join(params)}) and {label}'s are "
                f"({', '.join(sig.parameters)}): name the rule's parameter {name!r}")
    if not own:
        return f"call {label} without {name!r}, or register your own rule with @s2sad.adjoint"
    short = label.rsplit(".", 1)[-1]
    from .spelled_hints import spelled_hint, user_label
    label = user_label(site, label)
    spelled = spelled_hint(site, short, rule.target, name)
    if spelled is not None:
        return f"call {label} without {name!r}: {spelled}"
    instead = _INSTEAD.get((short, name)) or _INSTEAD.get(name)
    return (f"call {label} without {name!r}" + (f": {instead}" if instead else "")
            + " (or register your own rule with @s2sad.adjoint)")


#: (op, argument) or argument -> what computes the same without passing it (a refusal's hint)
_INSTEAD = {
    "dtype": ("a float64 array's sums and means are float64 already; to compute in "
              "float64, convert first: x.astype(np.float64), then the op without dtype="),
    "out": "assign its result (y = op(...)) instead of writing it into out=",
    "where": ("multiply by the mask first (np.sum(x * mask)), or select with "
              "np.where(mask, x, fill), then the op without where="),
    "initial": "combine the result with it after the op: np.sum(x) + initial",
    ("prod", "initial"): "multiply the result by it after the op: np.prod(x) * initial",
    "order": "'C' is the default; for Fortran order write x.ravel('F') or transpose first",
    "casting": "convert the input first with x.astype(dtype), then call the op without it",
    "copy": "drop copy=: the result is a new array either way",
    "subok": "drop subok=: s2sad differentiates ndarrays",
    "mode": "index within bounds (np.clip the indices first) and drop mode=",
}


def _rule_name(rule, sig, name):
    """The rule's name for the target's parameter ``name``: its spelling, or for a
    positional-only parameter the rule's parameter at its position (only the position
    matters: ``@adjoint(np.float64)`` may call ``float64``'s ``value`` ``x``)."""
    spelled = rule.spellings.get(name, name)
    if spelled in rule.params:
        return spelled
    parameter = sig.parameters.get(name)
    if parameter is not None and parameter.kind is parameter.POSITIONAL_ONLY:
        index = list(sig.parameters).index(name)
        if index < len(rule.params):
            return rule.params[index]
    return spelled


def _none_as_default(sig, rule, spelled, node):
    """Whether ``node``, bound to the parameter the rule spells ``spelled``, is a literal
    the target's signature gives that parameter as its default (``dtype=None``,
    ``returned=False`` of ``np.average``: of the same type, equal): the call is the same
    without it."""
    if sig is None or not isinstance(node, gast.Constant):
        return False
    names = [n for n, s in rule.spellings.items() if s == spelled] or [spelled]
    return any(n in sig.parameters and _same_literal(sig.parameters[n].default, node.value)
               for n in names)


def _same_literal(default, value):
    """Whether the literal ``value`` is the default ``default`` (None, a bool, a number,
    a string: the same type and equal; True is not 1)."""
    if default is None or value is None:
        return default is value
    return type(default) is type(value) and isinstance(value, (bool, int, float, str)) \
        and default == value


def _variadic(sig):
    return any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in sig.parameters.values())


#: (id of a signature, positional count, keyword names) -> (the signature, its plan)
_PLANS = {}


def _binding_plan(sig, count, keywords):
    """How ``sig.bind`` binds ``count`` positional arguments and the keyword arguments
    ``keywords`` (names) of a signature without ``*args`` or ``**kwargs``: ``((parameter,
    position or keyword name), ...)`` in the signature's order, as ``BoundArguments``
    lists them; None when it takes ``*args`` or ``**kwargs`` or the call does not bind
    (the caller binds it again, for its error).  Made once per signature and shape of
    call: binding depends on nothing else."""
    key = (id(sig), count, keywords)
    found = _PLANS.get(key)
    if found is not None and found[0] is sig:
        return found[1]
    plan = None
    if not _variadic(sig):
        try:   # (the positions and the names themselves bound: ints and strings)
            plan = tuple(sig.bind(*range(count), **{k: k for k in keywords}).arguments.items())
        except TypeError:
            plan = None
    if len(_PLANS) >= 4096:
        _PLANS.clear()
    _PLANS[key] = (sig, plan)
    return plan


def splice(template, bindings, namer):
    """Instantiate ``template``.

    Returns ``(statements, results)`` where ``results`` has one expression per
    returned value (a tuple return is split).  Locals of the template get
    fresh names from ``namer``; free names (``np``, runtime helpers) are kept.
    """
    renames = {name: namer.fresh(name) for name in template.assigned}
    calls = []   # every call in the copies, for trim_default_arguments
    statements = _builder_of(template.body)(bindings, renames, calls)
    result = _builder_of(template.result)(bindings, renames, calls)
    _trim_calls(calls, template.free)
    if isinstance(result, gast.Tuple):
        results = list(result.elts)
    else:
        results = [result]
    return statements, results


def trim_default_arguments(tree, free):
    """Drop trailing literal arguments equal to the callee's defaults.

    ``sum_bar(g, x, None, False)`` reads as ``sum_bar(g, x)``.  Only calls of
    names that ``free`` binds to Python functions are touched.  Returns ``tree``,
    changed in place.
    """
    _trim_calls([node for node in nodes.walk(tree) if isinstance(node, gast.Call)], free)
    return tree


def _trim_calls(calls, free):
    """:func:`trim_default_arguments` on each ``gast.Call`` node of ``calls``."""
    for node in calls:
        if node.keywords and any(anno.get(k.value, _UNWRITTEN) for k in node.keywords):
            _drop_unwritten(node, free)
        # (a call without arguments has none to drop: its callee is not looked up)
        if not (isinstance(node.func, gast.Name) and not node.keywords and node.args):
            continue
        fn = free.get(node.func.id)
        sig = registry.signature_of(fn) if inspect.isfunction(fn) else None
        if sig is None:
            continue
        params = _positional(sig)
        while node.args and len(node.args) <= len(params):
            last, param = node.args[-1], params[len(node.args) - 1]
            if not (isinstance(last, gast.Constant) and param.default is not param.empty
                    and type(last.value) is type(param.default)
                    and last.value == param.default):
                break
            node.args.pop()


def _drop_unwritten(node, free):
    """Leave out of the call ``node`` its keyword arguments holding a default marked
    :data:`_UNWRITTEN` that is the callee's own default for that keyword."""
    func, path = node.func, []
    while isinstance(func, gast.Attribute):
        path.append(func.attr)
        func = func.value
    target = free.get(func.id) if isinstance(func, gast.Name) else None
    for attr in reversed(path):
        target = getattr(target, attr, None)
    try:
        sig = registry.signature_of(target) if target is not None else None
    except (TypeError, ValueError):
        sig = None
    if sig is None:
        return
    kept = []
    for kw in node.keywords:
        param = sig.parameters.get(kw.arg)
        if anno.get(kw.value, _UNWRITTEN) and param is not None \
                and type(param.default) is type(kw.value.value) \
                and param.default == kw.value.value:
            continue
        kept.append(kw)
    node.keywords = kept


#: id(a signature) -> (it, its positional parameters): a signature never changes
_POSITIONAL = {}


def _positional(sig):
    """The parameters of the signature ``sig`` that a call may pass by position."""
    found = _POSITIONAL.get(id(sig))
    if found is not None and found[0] is sig:
        return found[1]
    params = [p for p in sig.parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(_POSITIONAL) >= 4096:
        _POSITIONAL.clear()
    _POSITIONAL[id(sig)] = (sig, params)
    return params


# A template's trees never change once parsed (nothing but splice reads them), so how
# a splice copies each of their nodes is worked out once per tree (its plan, written
# as a function by :func:`_compiled`): a splice then makes its copy without looking at
# a field's class again.
_LEAF, _LIST, _NAME, _NODE = range(4)

def _plan(tree):
    """How a splice copies ``tree``, its tests made now: ``(_LEAF, value)``,
    ``(_LIST, [plans])``, ``(_NAME, node, whether it is a load)``, or ``(_NODE, class,
    ((key, value, plan of the value or None when it is kept as it is), ...) in the
    node's own order, whether it is a call)``."""
    if isinstance(tree, list):
        return (_LIST, [_plan(item) for item in tree])
    if not isinstance(tree, gast.AST):
        return (_LEAF, tree)
    if tree.__class__ is gast.Name:
        return (_NAME, tree, isinstance(tree.ctx, gast.Load))
    items = []
    for key, value in tree.__dict__.items():
        kind = value.__class__
        copied = kind not in _LEAF_CLASSES and (kind is list or isinstance(value, gast.AST)) \
            and not key.startswith(anno.PREFIX)
        items.append((key, value, _plan(value) if copied else None))
    return (_NODE, tree.__class__, tuple(items), isinstance(tree, gast.Call))


#: id(a template's body or result) -> (that tree, the function building its copy)
_BUILDERS = {}


def _builder_of(tree):
    """``build(bindings, renames, calls)``: a copy of the template tree ``tree`` (a node,
    a list of nodes or a leaf value), by a function written for its plan once (the
    plan's tests made when it is written, its nodes made by straight-line code).

    A load of a parameter (a name in ``bindings``) becomes a copy of the node
    bound to it; every other name found in ``renames`` is renamed.  Copies
    like :func:`nodes.clone` (annotations shared, everything else new) in the
    same single pass, and appends every ``gast.Call`` of the copy to ``calls``.
    """
    found = _BUILDERS.get(id(tree))
    if found is not None and found[0] is tree:
        return found[1]
    build = _compiled(_plan(tree))
    if len(_BUILDERS) >= 4096:
        _BUILDERS.clear()
    _BUILDERS[id(tree)] = (tree, build)
    return build


def _compiled(plan):
    """The function building the copy of the plan ``plan`` (see :func:`_builder_of`):
    each node made, its fields set in the plan's order (the parts of a field first),
    and a call appended to ``calls`` once its fields are set; names through
    :func:`_name_copy`."""
    lines, values = [], {}

    def held(value):   # a value the code reads as it is (a class, a leaf, a tree)
        key = f"k{len(values)}"
        values[key] = value
        return key

    def expression(plan):
        kind = plan[0]
        if kind == _LEAF:
            return held(plan[1])
        if kind == _LIST:
            return "[" + ", ".join(expression(inner) for inner in plan[1]) + "]"
        if kind == _NAME:
            return f"_name_copy({held(plan[1])}, {plan[2]!r}, bindings, renames, calls)"
        node, cls = f"n{len(lines)}", held(plan[1])
        lines.append(f"{node} = {cls}.__new__({cls})")
        fields = f"f{len(lines)}"
        lines.append(f"{fields} = {node}.__dict__")
        for key, value, inner in plan[2]:
            part = held(value) if inner is None else expression(inner)
            lines.append(f"{fields}[{key!r}] = {part}")
        if plan[3]:
            lines.append(f"calls.append({node})")
        return node

    result = expression(plan)
    code = "def build(bindings, renames, calls):\n" + "".join(
        f"    {line}\n" for line in lines) + f"    return {result}\n"
    namespace = dict(values, _name_copy=_name_copy)
    exec(compile(code, "<s2sad splice>", "exec"), namespace)   # noqa: S102 - our own text
    return namespace["build"]


def _name_copy(tree, load, bindings, renames, calls):
    """The copy of the template's name ``tree`` (``load``: it is read): the copy of
    the node bound to it, renamed, or marked a helper's name."""
    if load and tree.id in bindings:
        new = nodes.clone(bindings[tree.id])
        # (a name, the commonest binding, holds no call)
        if new.__class__ is not gast.Name and isinstance(new, gast.AST):
            calls.extend(n for n in nodes.walk(new) if isinstance(n, gast.Call))
        return new
    new = nodes.clone(tree)
    if new.id in renames:
        new.id = renames[new.id]
    else:   # a free name of the rule's (np too): a helper (see anno.HELPER_NAME)
        anno.set(new, anno.HELPER_NAME, True)
    return new
