"""The forward sweep: primal statements, each followed by its tangent statements.

Input: the primal statements of a normalized function (its body without the
return), its :class:`~s2sad.analysis.forward_facts.ForwardFacts` and a
:class:`~s2sad.transform.forward_env.TangentEnv` holding the parameters'
tangents.  Output (:meth:`ForwardSweep.block`): the new statement list, with
the tangents of every name left in the environment for the return.

This module walks statements and control flow (``if``, loops, tape operations
of second-order code); the tangent of one assignment's value is made by
:mod:`.forward_rules` (operations, calls of user functions) and
:mod:`.forward_data` (containers, indexing, writes).
"""

import copy
import dataclasses
import linecache

import gast

from ..analysis import kinds as kinds_
from ..analysis import ops
from ..analysis.forward_facts import tape_op
from ..errors import SourceLocation, UnsupportedSyntaxError
from ..rules import registry
from ..syntax import anno, nodes
from ..syntax.source import is_user_function
from . import forward_data as data
from . import forward_rules as rules
from .calls import CallGraph, writing_primal
from ..analysis.lists import in_place_appends
from ..optimize import reads_into
from .common import comment, describe, source_of
from .forward_values import Tangent, is_zero, replace_names, same_tangent, zero


class ForwardSweep:
    """One function's forward sweep (see module doc).

    ``parsed``: the user's parsed function (locations, names); ``env``: the
    tangent environment; ``facts``: the function's ForwardFacts; ``calls``: the
    module's CallGraph (a new one when None); ``jvp``: the service giving a user
    function's jvp (``jvp(calls, func, wrt, site, arity, kinds)``); ``comments``:
    the list the source comments are collected in; ``item_checks``: the ids of the item
    reads checked when the code runs (``analysis.object_items``).
    """

    def __init__(self, parsed, primal, env, facts, calls, jvp, comments, item_checks=()):
        self.parsed = parsed
        self.env = env
        self.facts = facts
        self.calls = calls if calls is not None else CallGraph()
        self.jvp = jvp
        self.comments = comments
        self.item_checks = item_checks
        # (a list changed in place is changed in a loop: none in straight-line code)
        self.in_place = {} if facts.straight else in_place_appends(primal, sets=True)
        # {id(template): template} of the tangent rules whose free names are bound and
        # whose dotted reads are checked and recorded (collect_bindings: once a sweep, as
        # neither the bindings it adds nor the objects it checks change during one)
        self.collected = {}

    # ------------------------------------------------------------ questions
    def location(self, stmt):
        """Where ``stmt`` stands in the user's file (the whole line quoted)."""
        site = source_of(stmt)
        if site is not None:
            code = linecache.getline(site.filename, site.line) or site.text
            return SourceLocation(site.filename, site.line, site.column + 1, code)
        return self.parsed.location(self.parsed.node)

    def kind(self, atom):
        """The kind (``analysis.kinds``) of an atom."""
        if isinstance(atom, gast.Name):
            return self.facts.kinds.get(atom.id, kinds_.UNKNOWN)
        return kinds_.LEAF if isinstance(atom, gast.Constant) else kinds_.UNKNOWN

    def is_varied(self, stmt, name):
        """Does ``name``, assigned by ``stmt``, have a tangent (forward activity)?"""
        if name in self.facts.varied:
            return True
        if ops.carries_derivative(stmt) and any(
                name in targets and reads & self.facts.varied
                for targets, reads, _ in ops.flows(stmt)):
            # pragma: no cover - the facts' varied set is closed under the statements' flows
            raise AssertionError(f"{name} reads a varied name but is not varied")
        return False

    # ------------------------------------------------------------ statements
    def block(self, stmts, last=None):
        """Primal and tangent statements of a statement list, grouped by source line.

        ``last`` is the source the enclosing statement's comment already quotes.
        """
        out = []
        for stmt in stmts:
            source = source_of(stmt)
            if source is not None and source != last:
                out.append(comment(self.comments, describe(source)))
                last = source
            out.extend(self.statement(stmt, last))
        return out

    def statement(self, stmt, last=None):
        """The primal statement ``stmt`` and its tangent statements."""
        if isinstance(stmt, gast.If):
            return self.if_statement(stmt, last)
        if isinstance(stmt, (gast.For, gast.While)):
            return self.loop(stmt, last)
        if isinstance(stmt, gast.Pass):
            return []
        op = tape_op(stmt)
        if op == "push":
            return self.tape_push(stmt)
        if op == "pop":
            return self.tape_pop(stmt)
        if id(stmt) in self.in_place and isinstance(stmt.value, gast.Call) \
                and self.pushes_in_place(stmt):
            stmt = self.in_place_version(stmt)
        # the primal statement itself, not a copy: no pass after the sweep changes a
        # simple statement of its output in place (optimize drops and replaces them,
        # emit renames helpers in a copy), and the sweep never changes its input
        out = [stmt]
        if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, anno.WRITES) is not None:
            out = [writing_primal(stmt, self.env.bindings)]   # (user_call's, if varied)
        self.env.track_constant(stmt)
        if isinstance(stmt, gast.Assign):
            self.assignment(stmt, out)
        elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript) \
                and isinstance(stmt.op, gast.Add):
            data.store(self, stmt, stmt.target, stmt.value, out, add=True)
        elif isinstance(stmt, gast.Expr):
            self.expression_statement(stmt, out)
        elif not isinstance(stmt, (gast.Assert, gast.Raise)):   # (no tangent)
            raise UnsupportedSyntaxError(
                f"forward mode does not support '{type(stmt).__name__}' statements yet",
                self.location(stmt), hint="use mode='reverse'")
        if anno.get(stmt, anno.RUN_UNUSED):   # (y, y_dot = g_jvp(...) runs g as y = g(...))
            _run_unused(out, stmt)
        return out

    def assignment(self, stmt, out):
        """``stmt`` (an Assign, copied into ``out``) to a name, a tuple or an item."""
        target = stmt.targets[0]
        if isinstance(target, gast.Name):
            self.assign(stmt, target.id, stmt.value, out)
            value = stmt.value
            if id(stmt) in self.item_checks:   # y = obj[key]: see runtime.object_items
                out.insert(0, data.dtype_check(self, stmt, "ensure_plain_item", [
                    value.value, nodes.index_expr(value.slice)]))
            if anno.get(value, anno.IN_PLACE) and isinstance(value.left, gast.Name) \
                    and value.left.id not in self.facts.scalars:
                # x += v on an integer array: numpy refuses a float result in place
                out.insert(0, data.dtype_check(self, stmt, "ensure_same_kind",
                                               [value.left, value.right]))
        elif isinstance(target, gast.Tuple):
            data.unpack(self, stmt, out)
        elif isinstance(target, gast.Subscript):
            data.store(self, stmt, target, stmt.value, out, add=False)
        else:
            raise UnsupportedSyntaxError(
                f"forward mode cannot assign to a {type(target).__name__}",
                self.location(stmt))

    def pushes_in_place(self, stmt):
        """Whether the list the append ``stmt`` changes has no tangent or one held in a
        variable (its list, which the tangent rule appends to in place)."""
        items = stmt.value.args[0]
        t = self.env.tangents.get(items.id)
        return not self.is_varied(stmt, stmt.targets[0].id) or (
            t is not None and isinstance(t.expr, gast.Name))

    def in_place_version(self, stmt):
        """``y = list_append(items, v)`` -> ``y = list_push(items, v)``: appended in place
        (O(1), not a copy of the list), and so is the list's tangent; and
        ``y = list_delete(items, i, v)`` -> ``y = list_remove(items, i, v)``; and
        ``y = index_set(items, i, v)`` (or ``list_set``) -> ``y = list_put(items, i, v)``;
        ``y = list_insert(items, i, v)`` -> ``y = list_push_at(items, i, v)``."""
        stmt = copy.deepcopy(stmt)
        if len(stmt.value.args) == 2:
            helper = "list_push"
        elif anno.get(stmt.value, anno.CALLEE) is registry.LIST_HELPERS["list_delete"]:
            helper = "list_remove"
        elif anno.get(stmt.value, anno.CALLEE) is registry.LIST_HELPERS["list_insert"]:
            helper = "list_push_at"
        else:
            helper = "list_put"
        fn = registry.LIST_HELPERS[helper]
        stmt.value.func = nodes.name(helper)
        anno.set(stmt.value, anno.CALLEE, fn)
        self.env.bindings[helper] = fn
        return stmt

    def assign(self, stmt, name, value, out):
        """``name = value``: the tangent of ``name`` (by the kind of ``value``)."""
        env = self.env
        if not self.is_varied(stmt, name):
            if name in env.tangents:   # a name assigned again (in a loop) drops its tangent
                env.set_zero(name)
            return
        if _constant_here(stmt, value, env.tangents, self.facts.reads):
            # np.zeros(...), comparisons, .shape; or a name varied elsewhere (a merge)
            # but constant here: C.sum(axis=0)
            env.define(name, zero(), out)
            return
        if name in reads_into(value, set()):   # (nodes.loads, faster)
            value = self.save_old(name, value, out)
        if isinstance(value, gast.Subscript):
            data.subscript(self, name, value, out)
        elif isinstance(value, (gast.Tuple, gast.List)):
            data.sequence(self, name, value, out)
        elif isinstance(value, gast.Dict):
            data.mapping(self, name, value, out)
        elif isinstance(value, gast.Name):
            t = env.tangents.get(value.id)   # a copy: the same tangent, not owned
            env.tangents[name] = dataclasses.replace(copy.deepcopy(t), owned=False) \
                if t is not None else Tangent(zero(value))
        elif isinstance(value, gast.Call) and _user_callee(value) is not None:
            rules.user_call(self, name, value, _user_callee(value), out)
        elif isinstance(value, gast.BinOp) and kinds_.is_sequence(self.facts.kinds.get(name)):
            data.container_operation(self, name, value, out)
        elif data.may_concatenate(self, name, value):
            data.unknown_sum(self, name, value, out)
        elif isinstance(value, (gast.Call, gast.BinOp, gast.UnaryOp)) \
                and name in self.facts.compared_only \
                and id(stmt) not in self.in_place and anno.get(value, anno.WRITES) is None:
            env.define(name, zero(), out)   # (only compared: max(x) > 0; no rule needed)
        elif isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)):
            rules.operation(self, name, value, out)
        else:   # a literal, or a global such as np.pi
            env.define(name, zero(), out)

    def save_old(self, name, value, out):
        """``y = y * x``: the tangent reads the old y, saved before the primal runs
        (dead, and removed, when the tangent needs only y's tangent: s = s + x).
        Returns ``value`` reading the saved name."""
        saved = self.env.namer.fresh(f"{name}_old")
        out.insert(0, nodes.assign(saved, nodes.name(name)))
        old = self.env.tangents.get(name)
        if old is not None:
            self.env.alias(saved, old)
        return replace_names(copy.deepcopy(value), {name: nodes.name(saved)})

    def expression_statement(self, stmt, out):
        """``np.add.at(x, i, v)``, or a call whose effect has no tangent."""
        call = stmt.value
        if anno.get(stmt, anno.EFFECT) is not None:
            return   # print(...): run as it is, on the primal values (normalize.effects)
        if isinstance(call, gast.Call) and _is_add_at(call, self.parsed) and len(call.args) == 3:
            data.add_at(self, stmt, out)
            return
        if isinstance(call, gast.Call):
            rule = registry.lookup(registry.operation_target(call))
            if rule is not None and rule.nondifferentiable:
                return
            if not (nodes.loads(call) & self.facts.varied):
                return
        raise UnsupportedSyntaxError(
            "forward mode cannot differentiate the effect of this expression statement",
            self.location(stmt), hint="assign its result to a name")

    # ---------------------------------------------------------- control flow
    def if_statement(self, stmt, last):
        """Both branches from the same entry state; differing tangents made canonical."""
        env = self.env
        entry, entry_constants = env.state()
        then_body = self.block(stmt.body, last)
        then_state = dict(env.tangents)
        env.restore(entry, entry_constants)
        else_body = self.block(stmt.orelse, last)
        else_state = dict(env.tangents)
        in_then, in_else = ops.assigned_in(stmt.body), ops.assigned_in(stmt.orelse)
        local = in_then ^ in_else      # defined on one path only: not read after the if
        merged = sorted(n for n in set(then_state) | set(else_state) if n not in local
                        and not same_tangent(then_state.get(n), else_state.get(n)))
        env.restore(then_state)
        then_body += env.canonicalize(merged)
        env.restore(else_state)
        else_body += env.canonicalize(merged)
        env.restore({n: t for n, t in env.tangents.items() if n not in local},
                    {n: v for n, v in entry_constants.items() if n not in in_then | in_else})
        return [gast.If(test=copy.deepcopy(stmt.test), body=then_body or [gast.Pass()],
                        orelse=else_body)]

    def loop(self, stmt, last):
        """A loop whose carried tangents are canonical at the start of every iteration."""
        env = self.env
        facts = self.facts.loops[id(stmt)]
        before = []
        for name in facts.head:   # nothing defined before the loop may alias a carried tangent
            env.release(env.tangent_var(name), name, before)
        before += env.canonicalize(facts.head, facts.owned)
        entry = dict(env.tangents)
        env.forget_constants(facts.assigned)
        body = self.block(stmt.body, last)
        body += env.canonicalize(facts.head, facts.owned)
        env.restore({n: t for n, t in entry.items()
                     if n not in facts.assigned or n in facts.head})
        env.forget_constants(facts.assigned)
        new = copy.copy(stmt)
        new.body = body or [gast.Pass()]
        if isinstance(stmt, gast.For):
            new.target, new.iter = copy.deepcopy(stmt.target), copy.deepcopy(stmt.iter)
        else:
            new.test = copy.deepcopy(stmt.test)
        return before + [new]

    def tape_push(self, stmt):
        """``tape_push(tape, v, key)`` -> ``tape.push(v)``, then ``tape.push(v_dot)`` when
        the key carries tangents (see the forward module's doc)."""
        call = stmt.value
        tape, key, value = call.args[0], call.args[-1].value, call.args[1]
        out = [nodes.expr_stmt(_tape_method(tape, "push", [copy.deepcopy(value)]))]
        if key in self.facts.carrying:
            t = self.env.tangents.get(value.id) if isinstance(value, gast.Name) else None
            expr = self.env.materialize(self.env.tangent_of(value))
            if t is not None and not is_zero(t.expr) and not t.exact:
                expr = self.env.full_shape(expr, value)
            out.append(anno.set(nodes.expr_stmt(_tape_method(tape, "push", [expr])),
                                anno.TAPE_TANGENT, key))
        return out

    def tape_pop(self, stmt):
        """``v = tape_pop(tape, key)`` -> ``v_dot = tape.pop()`` first when the key
        carries tangents, then ``v = tape.pop()``."""
        env = self.env
        call = stmt.value
        tape, key = call.args[0], call.args[-1].value
        target = stmt.targets[0].id
        env.forget_constants([target])
        out = []
        if key in self.facts.carrying:
            var = env.tangent_var(target)
            env.bind(var, target, _tape_method(tape, "pop"), out)
            anno.set(out[-1], anno.TAPE_TANGENT, key)
            env.tangents[target] = Tangent(nodes.name(var))
        elif target in env.tangents:
            env.set_zero(target)
        out.append(nodes.assign(target, _tape_method(tape, "pop")))
        return out


def _tape_method(tape, name, args=()):
    return nodes.call(nodes.attr(copy.deepcopy(tape), name), list(args))


def _is_add_at(call, parsed):
    """Is ``call`` ``np.add.at(...)`` (``np`` resolving to numpy)?"""
    func = call.func
    if not (isinstance(func, gast.Attribute) and func.attr == "at"
            and isinstance(func.value, gast.Attribute) and func.value.attr == "add"):
        return False
    root = func.value.value
    if not isinstance(root, gast.Name):
        return False
    module = parsed.resolve(root.id, None)
    return getattr(module, "__name__", None) == "numpy"


def _constant_here(stmt, value, tangents, reads):
    """``not ops.carries_derivative(stmt) or isinstance(value, (BinOp, UnaryOp, Call)) and
    all(_no_tangent(tangents.get(n)) for n in ops.differentiable_reads(stmt))`` of the
    assignment ``stmt`` to a name, ``value`` its value: the operation's rule looked up
    once for both questions, and an operation on atoms read off its operands (the names
    ``ops.names_in`` finds there: a name that is a load, never a constant); anything else
    read off ``reads`` (``ForwardFacts.reads``) where it holds the statement."""
    cls = value.__class__
    if cls is gast.BinOp or cls is gast.UnaryOp:
        rule = registry.lookup(registry.operation_target(value))
        if rule is not None and rule.nondifferentiable:
            return True
        for part in ((value.left, value.right) if cls is gast.BinOp else (value.operand,)):
            kind = part.__class__
            if kind is gast.Name and getattr(part, "annotation", None) is None:
                if isinstance(part.ctx, gast.Load) and not _no_tangent(tangents.get(part.id)):
                    return False
            elif kind is not gast.Constant:   # (anything else: as ops reads it)
                return all(_no_tangent(tangents.get(n)) for n in ops.differentiable_reads(stmt))
        return True
    found = reads.get(id(stmt), _UNKNOWN)
    if found is None or found is _UNKNOWN and not ops.carries_derivative(stmt):
        return True
    if cls is not gast.Call:   # (nor a BinOp nor a UnaryOp: see above)
        return False
    return all(_no_tangent(tangents.get(n)) for n in (
        ops.differentiable_reads(stmt) if found is _UNKNOWN else found))


_UNKNOWN = object()   # (a statement ``ForwardFacts.reads`` does not hold)


def _no_tangent(t):
    """Is the tangent record ``t`` (or None) a zero: ``is_zero(env.tangent_of(name))``
    without making the zero marker ``tangent_of`` returns."""
    return t is None or is_zero(t.expr)


def _user_callee(call):
    """The user's Python function a call applies, when no rule covers it."""
    target = anno.get(call, anno.CALLEE)
    if registry.lookup(target) is None and is_user_function(target):
        return target
    return None


def _run_unused(out, stmt):
    """Mark (``anno.RUN_UNUSED``) the statements of ``out`` binding a name the user's
    statement ``stmt``, whose result nothing reads, binds: the call of a helper's
    ``_jvp`` that stands for it runs the helper, which Python runs (and may raise)."""
    names = {n.id for t in stmt.targets for n in nodes.walk(t) if isinstance(n, gast.Name)}
    for new in out:
        if new.__class__ is gast.Assign and any(
                isinstance(n, gast.Name) and n.id in names
                for t in new.targets for n in nodes.walk(t)):
            anno.set(new, anno.RUN_UNUSED, True)
