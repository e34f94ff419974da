"""Tangents of operations: a rule's tangent template, and calls of user functions.

``y = f(a, b)`` with a registered rule becomes the rule's tangent template
spliced with the arguments and their tangents, symbolic zeros folded away
(:func:`operation`); ``y = helper(a, b)`` of the user's own function becomes
``y, y_dot = helper_jvp(a, b, a_dot=...)`` (:func:`user_call`).  Both read the
sweep's environment (``sweep.env``) and facts (``sweep.facts``), append the
statements they make to ``out`` and record ``y``'s tangent in the environment.
"""

import copy
import dataclasses
import inspect

import gast

from ..analysis.attribute_reads import callee_kinds
from ..analysis.forward_facts import elementwise
from ..errors import RuleDefinitionError, UnsupportedSyntaxError
from ..rules import registry
from ..rules.template import _UNWRITTEN, bind_arguments, splice
from ..rules.template import _builder_of as template_builder
from ..syntax import anno, nodes
from .calls import bind_call
from ..analysis.lookup import refuse_undefined, rule_for
from .common import collect_bindings
from ..optimize import fold, reads_into
from .forward_values import fold_zeros, is_zero, replace_names, zero


def operation(sweep, name, value, out):
    """``name = value`` (a BinOp, UnaryOp or Call with a rule): the rule's tangent."""
    env = sweep.env
    rule = tangent_view(rule_for(value, sweep.parsed, "tangent"))
    bound = bind_arguments(rule, value, sweep.parsed.location)
    if rule.no_derivative:   # (else refuse_undefined looks at nothing)
        refuse_undefined(rule, bound,
                         lambda atom: not is_zero(env.tangent_of(atom, shared=True)),
                         value, sweep.parsed)
    template = rule.tangent
    if sweep.collected.get(id(template)) is not template:   # (once a sweep: see there)
        collect_bindings(template, env.bindings, rule, value, sweep.parsed)
        sweep.collected[id(template)] = template
    zero_in_template, call_in_result, params = _template_facts(template)
    # (splice copies what it binds: the atoms and tangents themselves are bound)
    role = {template.params[0]: nodes.name(name)}
    zeros = zero_in_template or name == anno.ZERO_ID
    for param, base in params:
        if param in bound:
            atom = role[param] = bound[param]
        elif base is not None and base in bound:
            atom = role[param] = env.tangent_of(bound[base], shared=True)
        else:
            raise RuleDefinitionError(
                f"the tangent rule of {rule.label} takes {param!r}, which is neither a "
                f"parameter of {rule.label} nor the tangent ('<parameter>_dot') of one")
        if not zeros and _has_zero(atom):
            zeros = True
    # no zero marker bound and none in the template: none in what splice makes, so
    # there is no zero to drop (``env.simplify`` is ``fold``) and none to replace
    build = None if zero_in_template or name == anno.ZERO_ID \
        else _folded_builder(template, role, call_in_result)
    if build is ZERO_TANGENT:
        env.define(name, zero(), out)
        return
    if build is not None:   # (a one-expression template on atoms: folded once per pattern)
        _tangent_of_operation(sweep, name, build(role, _NO_RENAMES, []), rule, bound, out)
        return
    statements, results = splice(template, role, env.namer)
    if len(results) != 1:   # an op with several outputs (np.linalg.slogdet): a tuple
        results = [gast.Tuple(elts=list(results), ctx=gast.Load())]
    local_zeros = {}
    for stmt in statements:
        stmt.value = env.simplify(replace_names(stmt.value, local_zeros)) if zeros \
            else fold(stmt.value)
        target = stmt.targets[0].id
        if is_zero(stmt.value):
            local_zeros[target] = stmt.value
            continue
        if env.carries_tangent(stmt.value):
            env.tangent_names.add(target)
        out.append(stmt)
    expr = env.simplify(replace_names(results[0], local_zeros)) if zeros else fold(results[0])
    if is_zero(expr):
        env.define(name, expr, out)
        return
    if zeros or call_in_result or not all(_holds_no_node(v) for v in role.values()):
        expr = drop_defaults(expr, template.free)
    # (else expr holds no call: the template's result has none, the atoms and tangents
    # bound are names and constants, no zero was made real, and fold makes no call)
    _tangent_of_operation(sweep, name, expr, rule, bound, out)


def _tangent_of_operation(sweep, name, expr, rule, bound, out):
    """Record ``expr``, the folded tangent of ``name`` (not a zero), in the sweep's
    environment, emitting its statement where one is needed."""
    env = sweep.env
    if isinstance(expr, gast.Name) and sweep.facts.writes_in_place:
        # ``y = x * 1.0``: the primal makes a new array, but the folded tangent only
        # names another tangent array, which a later write may change in place
        expr = nodes.call(env.helper("writable_copy"), [expr])
    exact, reads = True, None
    if elementwise(rule):
        reads = reads_into(expr, set())   # (nodes.loads, faster; the clean-up reads it too)
        exact = covers(sweep, name, expr, bound, reads)
    env.define(name, expr, out, exact=exact, reads=reads)


#: id(template) -> (the template, the registry's version then, {pattern: what
#: _folded_builder gives for it}, or None where the template has none)
_FOLDED = {}
_NO_RENAMES = {}
#: a pattern whose tangent is a zero, and one whose tangent depends on more than the
#: pattern (see _folded_builder)
ZERO_TANGENT, _UNFOLDED = object(), object()


def _folded_builder(template, role, call_in_result):
    """``build(role, renames, calls)``: the tangent of the template ``template`` spliced
    with ``role``, zeros dropped and folded (``drop_defaults`` too where the operation
    does that), made by a function written once per pattern of ``role``;
    :data:`ZERO_TANGENT` where that tangent is a zero; None where neither applies.

    It applies to a template of one expression (no statement, no name of its own) whose
    parameters are bound to names, numbers and zero markers, none of them the callee of a
    call: what ``fold_zeros``, :func:`optimize.fold` and :func:`drop_defaults` make of
    such a splice depends on the template, the numbers bound (their types and values,
    and whether each is a default the call does not write, which splice reads) and which
    parameters are zeros, never on which names are bound (each is a leaf they only carry
    along), as long as no zero is left to be made real and no call's arguments are asked
    whether they carry a tangent (both read the sweep's state: such a pattern is left to
    :func:`operation`).  So the template is spliced once per pattern with each name bound
    to a stand-in (the parameter's own name) and folded, and that tree is the plan of the
    copies: each stand-in becomes a copy of the node bound to it, as a splice copies it;
    a number is the first splice's copy (its value; no pass reads where it stood)."""
    known = _FOLDED.get(id(template))
    if known is None or known[0] is not template or known[1] != registry.version:
        usable = not template.assigned and template.result.__class__ is not gast.Tuple \
            and not _calls_a_parameter(template)
        if len(_FOLDED) >= 4096:
            _FOLDED.clear()
        known = _FOLDED[id(template)] = (template, registry.version,
                                         {} if usable else None)
    patterns = known[2]
    if patterns is None:
        return None
    pattern, zeros = [], False
    for node in role.values():
        cls = node.__class__
        if cls is gast.Name:
            if getattr(node, "annotation", None) is not None or _UNWRITTEN in node.__dict__:
                return None
            if node.id == anno.ZERO_ID:
                zeros = True
                pattern.append(True)
            else:
                pattern.append(None)
        elif cls is gast.Constant:
            # (the number's annotations are copied with it: only a default's mark, which
            # splice reads, is known to be harmless to share)
            notes = [key for key in node.__dict__ if key.startswith(anno.PREFIX)]
            if notes and notes != [_UNWRITTEN]:
                return None
            value = node.value
            # (0.0 and -0.0 are equal: a float by its text)
            pattern.append((value.__class__, repr(value) if value.__class__ is float
                            else value, getattr(node, "kind", None), bool(notes)))
        else:
            return None
    pattern = tuple(pattern)
    found = patterns.get(pattern)
    if found is None:
        found = patterns[pattern] = _folded(template, role, call_in_result, zeros)
    if found.__class__ is tuple:
        for target in found[1]:   # (the rules drop_defaults looked up, looked up again:
            registry.lookup(target)   # what generating a function reads is the same)
        return found[0]
    return None if found is _UNFOLDED else found


def _folded(template, role, call_in_result, zeros):
    """``(the builder, the targets whose rules drop_defaults looked up)`` for the pattern
    of ``role`` (``zeros``: a parameter is bound to a zero marker), or what
    :func:`_folded_builder` gives for it: :data:`ZERO_TANGENT`, :data:`_UNFOLDED`."""
    stand_ins = {param: nodes.name(param) if node.__class__ is gast.Name
                 and node.id != anno.ZERO_ID else node for param, node in role.items()}
    _, results = splice(template, stand_ins, None)   # (no name of its own to rename)
    expr = results[0]
    if zeros:
        asked = []
        expr = fold_zeros(expr, lambda node: asked.append(node))
        if is_zero(expr):
            return _UNFOLDED if asked else ZERO_TANGENT
        if asked or any(n.id == anno.ZERO_ID for n in nodes.names(expr)):
            return _UNFOLDED
    expr = fold(expr)
    looked_up = ()
    if zeros or call_in_result:
        looked_up = tuple(target for target in (
            _resolve(node.func, template.free) for node in nodes.walk(expr)
            if isinstance(node, gast.Call)) if target is not None)
        expr = drop_defaults(expr, template.free)
    return template_builder(expr), looked_up


def _calls_a_parameter(template):
    """Does a call in the template's result call one of its parameters (or an attribute
    of one)?"""
    params = set(template.params)
    for node in nodes.walk(template.result):
        if isinstance(node, gast.Call):
            func = node.func
            while isinstance(func, gast.Attribute):
                func = func.value
            if isinstance(func, gast.Name) and func.id in params:
                return True
    return False


def _has_zero(node):
    """Does ``node`` (a bound atom or tangent) hold a symbolic zero marker?"""
    cls = node.__class__
    if cls is gast.Name:
        return node.id == anno.ZERO_ID
    if cls is gast.Constant:
        return False   # (a number or a string: no field of it holds a node)
    return any(n.id == anno.ZERO_ID for n in nodes.names(node))


def _holds_no_node(node):
    """A constant, or a name without an annotation: a leaf of a syntax tree."""
    cls = node.__class__
    return cls is gast.Constant or (cls is gast.Name and getattr(node, "annotation", None) is None)


#: id(template) -> (template, its facts: see _template_facts)
_TEMPLATE_FACTS = {}


def _template_facts(template):
    """(Does the tangent template name the zero marker ``anno.ZERO_ID``, does its result
    hold a call, its parameters after the output as ``(parameter, the parameter it is
    the tangent of when it is spelled '<parameter>_dot', else None)``), asked once per
    template so that :func:`operation` may rely on them.  (No rule names the marker.)"""
    known = _TEMPLATE_FACTS.get(id(template))
    if known is None or known[0] is not template:
        zero = any(n.id == anno.ZERO_ID for n in nodes.names(
            list(template.body) + [template.result]))
        call = template.result is not None and any(
            isinstance(n, gast.Call) for n in nodes.walk(template.result))
        params = tuple((p, p[:-4] if p.endswith("_dot") else None)
                       for p in template.params[1:])
        known = _TEMPLATE_FACTS[id(template)] = (template, (zero, call, params))
    return known[1]


def covers(sweep, name, expr, bound, reads=None):
    """Has an elementwise tangent ``expr`` of ``name`` (the operation's arguments
    ``bound``; ``reads``, the names it reads where known) the full broadcast shape of its
    output?"""
    if reads is None:
        reads = reads_into(expr, set())   # (nodes.loads, faster)
    if name in reads:
        return True
    for atom in bound.values():
        if isinstance(atom, gast.Constant):
            continue
        if isinstance(atom, gast.Attribute) and is_library_number(sweep.parsed, atom):
            continue  # np.pi cannot broadcast anything
        if not isinstance(atom, gast.Name):
            return False
        if atom.id in sweep.facts.scalars or atom.id in reads:
            continue
        t = sweep.env.tangents.get(atom.id)
        if t is not None and t.exact and isinstance(t.expr, gast.Name) \
                and not is_zero(t.expr) and t.expr.id in reads:
            continue
        return False
    return True


def is_library_number(parsed, atom):
    """``np.pi``, ``math.e``: a number that is an attribute of numpy or math."""
    spelled = nodes.dotted_parts(atom)
    if spelled is None:
        return False
    obj = parsed.resolve(spelled[0], None)
    if getattr(obj, "__name__", "").split(".")[0] not in ("numpy", "math"):
        return False
    for part in spelled[1]:
        obj = getattr(obj, part, None)
    return isinstance(obj, (int, float)) and not isinstance(obj, bool)


def user_call(sweep, name, value, callee, out):
    """``y = helper(a, b)`` -> ``y, y_dot = helper_jvp(a, b, a_dot=...)`` (in place of
    the primal call, which ``out[-1]`` holds); the jvp comes from ``sweep.jvp``."""
    env = sweep.env
    site = sweep.parsed.location(anno.get(value, anno.CALL_SITE, value))
    primal = (list(value.args), list(value.keywords))   # (as the code runs it: see below)
    arguments, arity = bind_call(callee, value, site)
    wrt, tangents = [], {}
    for param, atom in arguments.items():
        if isinstance(atom, (gast.List, gast.Tuple)):
            if any(not is_zero(env.tangent_of(e)) for e in atom.elts):
                raise UnsupportedSyntaxError(
                    f"passing a list or tuple literal to {callee.__name__} is not "
                    f"differentiated yet", site, hint="pass the arrays one by one")
            continue
        t = env.tangent_of(atom)
        if is_zero(t):
            continue
        record = env.tangents.get(atom.id) if isinstance(atom, gast.Name) else None
        if record is not None and not record.exact:
            t = env.full_shape(t, atom)
        wrt.append(param)
        tangents[param] = t
    if not wrt:   # the call runs as written (a derivative called inside: as the API takes it)
        value.args, value.keywords = primal
        env.define(name, zero(), out)
        return
    # the callee is made for the containers its arguments hold here
    kinds = callee_kinds(arguments, sweep.facts.kinds, sweep.parsed)   # (and self's class)
    info = sweep.jvp(sweep.calls, callee, tuple(wrt), site, arity, kinds)
    call = copy.deepcopy(value)
    call.func = nodes.name(info.name)
    call.keywords = list(call.keywords) + [
        gast.keyword(arg=info.tangents[p], value=tangents[p]) for p in wrt]
    var = env.tangent_var(name)
    env.release(var, name, out)
    out[-1:] = [nodes.assign(nodes.tuple_([nodes.name(name, store=True),
                                            nodes.name(var, store=True)], store=True), call)]
    env.assigned(var, name)


def tangent_view(rule):
    """The rule, with its parameters inferred from the tangent template if it has none.

    A rule registered with only ``@tangent`` knows its parameters from the
    template signature ``(y, *params, *<param>_dot)``.
    """
    if rule.params:
        return rule
    template = rule.tangent
    names = template.params[1:]
    params = tuple(p for p in names if not (p.endswith("_dot") and p[:-4] in names))
    diff = tuple(p for p in params if f"{p}_dot" in names)
    sig = inspect.signature(template.fn)
    defaults = {p.name: p.default for p in sig.parameters.values()
                if p.default is not inspect.Parameter.empty and p.name in params}
    return dataclasses.replace(rule, params=params, diff_params=diff, defaults=defaults)


def _resolve(expr, free):
    """The object a template's callee expression denotes, or None."""
    parts = []
    while isinstance(expr, gast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, gast.Name) or expr.id not in free:
        return None
    obj = free[expr.id]
    for part in reversed(parts):
        obj = getattr(obj, part, None)
    return obj


def _same_constant(a, b):
    return type(a) is type(b) and a == b


def drop_defaults(expr, free):
    """``np.sum(x_dot, axis=None, keepdims=False)`` -> ``np.sum(x_dot)``.

    In calls to functions that have a rule, arguments equal to the default
    that rule declares for the parameter are left out (trailing positional
    ones and keywords), so a template's spelled-out parameters do not clutter
    the generated code.  ``free``: the template's free names -> objects.
    """
    for node in nodes.walk(expr):
        if not isinstance(node, gast.Call):
            continue
        target = _resolve(node.func, free)
        rule = registry.lookup(target) if target is not None else None
        if rule is None or not rule.defaults:
            continue
        sig = registry.signature_of(target)
        positional = [] if sig is None else [
            p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

        def is_default(param, value):
            param = rule.spellings.get(param, param)   # the rule's name for it
            return (param in rule.defaults and isinstance(value, gast.Constant)
                    and _same_constant(value.value, rule.defaults[param]))

        node.keywords = [kw for kw in node.keywords if not is_default(kw.arg, kw.value)]
        if node.keywords:
            continue
        while node.args and len(node.args) <= len(positional) \
                and is_default(positional[len(node.args) - 1], node.args[-1]):
            node.args.pop()
    return expr
