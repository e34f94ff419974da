"""The adjoint of one simple statement of the primal body.

:class:`StatementAdjoints` turns ``name = value`` (an operation with a rule, a
copy, a tuple or list or dict literal, a container's concatenation or
repetition, a list changed in place, a call of a user function's vjp, an
unpacking) into the statements that pass ``name``'s adjoint on to the names
``value`` reads.  Input: the statement, the sweep's :class:`Adjoints` (read
and updated) and the function's facts (read).  Output: the list of adjoint
statements (empty when no derivative flows).  Reads and writes of items go
to :class:`~.subscripts.SubscriptAdjoints`.
"""

import gast

from ...analysis import kinds as kinds_
from ...analysis import ops
from ...analysis.facts import USER_CALL
from ...analysis.activity import call_loads
from ...analysis.reverse_facts import broadcasts, may_broadcast, operand_loads, reads_active
from ...errors import RuleDefinitionError, UnsupportedSyntaxError
from ...optimize import fold, is_zero
from ...rules.template import bind_arguments, splice
from ...syntax import anno, nodes
from ...analysis.lookup import refuse_undefined, rule_for
from ..common import collect_bindings
from .env import data_name, is_call_of
from .resolved import resolved


class StatementAdjoints:
    """Adjoints of simple statements (see the module docstring)."""

    def __init__(self, env, facts, parsed, subscripts, bound_of=None, flowing=frozenset(),
                 operations=frozenset()):
        self.env = env
        self.facts = facts
        self.parsed = parsed
        self.subscripts = subscripts
        # {id(operation): (operation, rule, bound arguments)}: what rule_for and
        # bind_arguments gave for it already (reverse_facts.with_linked), read only
        self.bound_of = {} if bound_of is None else bound_of
        # ids of the statements with_linked found to carry a derivative from an active
        # name (ops.carries_derivative and reads_active of the same facts), read only
        self.flowing = flowing
        # ids of those of them with_linked found differentiated by their operation's
        # adjoint rule (reverse_facts._reaches_operation: the value is no item,
        # container, copy, literal, concatenation or repetition), read only
        self.operations = operations
        # {id(template): template} of the rules whose free names are bound and whose
        # dotted reads are checked and recorded (collect_bindings: once a sweep, as
        # neither the bindings it adds nor the objects it checks change during one)
        self.collected = {}

    def adjoint_of(self, stmt):
        """The adjoint block of the simple statement ``stmt`` (see the module docstring)."""
        if stmt.__class__ is not gast.Assign:   # (gast's classes have no subclasses)
            return []
        target = stmt.targets[0]
        if getattr(stmt, USER_CALL, None) is not None:
            return self.adjoint_of_user_call(stmt)
        if target.__class__ is gast.Subscript:   # (ops.is_store)
            return self.subscripts.adjoint_of_store(stmt)
        if target.__class__ is gast.Tuple:
            return self.adjoint_of_unpack(stmt)
        in_place = id(stmt) in self.facts.in_place
        if in_place and isinstance(stmt.value, gast.Subscript):
            return []   # v = items.pop(i): its adjoint goes back with the pop's
        if in_place and len(stmt.value.args) == 3:
            return self.adjoint_of_pop(stmt)
        name = target.id
        if not self.facts.activity.is_active(name) or name not in self.env.adj:
            return []
        value = stmt.value
        g = self.env.adj.pop(name)  # the name's earlier value (in a loop) starts from zero
        if id(stmt) not in self.flowing:
            if not ops.carries_derivative(stmt):
                return []   # np.zeros(...) and friends: a constant start, nothing flows back
            if not reads_active(self.facts, stmt):
                return []   # e.g. C.sum() of a constant, merged into an active name
        out = []
        if in_place and isinstance(g, gast.Name):
            self.adjoint_of_append(value, g, out)
            return out
        if self.accumulator(name, value, g, out):
            return out
        if _reads_name(value, name):
            held = self.env.namer.fresh(f"{name}_bar_out")
            out.append(nodes.assign(held, nodes.clone(g)))
            g = nodes.name(held)
        if id(stmt) in self.operations:   # (the cases below but the last ruled out)
            spread = "larger" if name in self.facts.unreduced else \
                "smaller" if name in self.facts.spread else None
            self.adjoint_of_operation(name, value, g, out, consumer=stmt, spread=spread)
        elif isinstance(value, gast.Subscript):
            self.subscripts.adjoint_of_subscript(value, g, out)
        elif isinstance(value, (gast.Tuple, gast.List)):
            for i, elt in enumerate(value.elts):
                if self.facts.is_active(elt):
                    self.env.accumulate(elt.id, _element(g, i), out)
        elif isinstance(value, gast.Dict):
            for key, elt in zip(value.keys, value.values):
                if self.facts.is_active(elt):
                    self.env.accumulate(elt.id, nodes.subscript(nodes.clone(g),
                                                            nodes.clone(key)), out)
        elif isinstance(value, gast.Name):
            if self.facts.is_active(value):
                self.env.accumulate(value.id, nodes.clone(g), out)
        elif isinstance(value, (gast.Constant, gast.Attribute)):
            pass  # a literal or a global such as np.pi: nothing to propagate to
        elif isinstance(value, gast.BinOp) and kinds_.is_sequence(self.facts.kinds.get(name)):
            self.adjoint_of_container_op(name, value, g, out)
        elif self.facts.may_concatenate(name, value):
            # a list plus a value of unknown kind: a concatenation (another list) or
            # numpy's sum (an array): plus_bar decides when the code runs
            parts = self.env.namer.fresh("parts")
            out.append(nodes.assign(parts, nodes.call(self.env.helper("plus_bar"), [
                nodes.clone(g), nodes.clone(value.left), nodes.clone(value.right)])))
            for position, operand in enumerate((value.left, value.right)):
                if self.facts.is_active(operand):
                    # (a list's part is a list: added to its adjoint item by item,
                    # never concatenated, where the operand may be a list)
                    self.env.accumulate(operand.id, nodes.subscript(
                        nodes.name(parts), nodes.const(position)), out, tree=True)
        elif self.facts.may_repeat(name, value):
            count, items = (value.left, value.right) if self.facts.is_count(value.left) \
                else (value.right, value.left)
            self.env.accumulate(items.id, nodes.call(self.env.helper("times_bar"), [
                nodes.clone(g), nodes.name(items.id), nodes.clone(count)]), out)
        else:
            spread = "larger" if name in self.facts.unreduced else \
                "smaller" if name in self.facts.spread else None
            self.adjoint_of_operation(name, value, g, out, consumer=stmt, spread=spread)
        return out

    def adjoint_of_append(self, value, g, out):
        """``items.append(item); y = items`` in place, backward: the item's adjoint is
        popped off ``g``, the list's (a list of the backward sweep's own: see
        ``BackwardSweep.loop_entry``), which then is the shorter list's."""
        items, item = value.args
        popped = nodes.call(nodes.attr(nodes.clone(g), "pop"))
        if self.facts.is_active(item):
            self.env.accumulate(item.id, popped, out)
        else:
            out.append(nodes.expr_stmt(popped))
        if self.facts.is_active(items):
            self.env.accumulate(items.id, nodes.clone(g), out)

    def adjoint_of_user_call(self, stmt):
        """``y, y_pullback = f_vjp(...)`` backward: the pullback called on ``y``'s adjoint."""
        info, pullback, args = anno.get(stmt, USER_CALL)
        target = stmt.targets[0].elts[0].id
        if target not in self.env.adj:
            return []
        g = self.env.adj.pop(target)
        if info.returns_tuple:
            call = gast.Call(func=nodes.name(pullback),
                             args=[gast.Starred(value=g, ctx=gast.Load())], keywords=[])
        else:
            call = nodes.call(nodes.name(pullback), [g])
        out = []
        if len(args) == 1:
            self.env.accumulate(args[0], call, out, tree=True)
            return out
        parts, direct = [], []
        for arg, param in zip(args, info.wrt):
            if arg not in self.env.adj and args.count(arg) == 1:
                parts.append(self.env.adjoint_name(arg))   # the first contribution: name it x_bar
                direct.append(arg)
            else:
                parts.append(self.env.namer.fresh(f"{arg}_bar_{param}"))
        out.append(nodes.assign(nodes.tuple_([nodes.name(p, store=True) for p in parts],
                                             store=True), call))
        for arg, part in zip(args, parts):
            if arg in direct:
                self.env.adj[arg] = nodes.name(part)
            else:
                self.env.accumulate(arg, nodes.name(part), out, tree=True)
        return out

    def adjoint_of_container_op(self, name, value, g, out):
        """``a = b + c`` (a concatenation) and ``a = b * n`` / ``a = n * b`` (a repetition)
        of lists or tuples: the adjoint of each operand is its part of ``a``'s adjoint,
        never an arithmetic one."""
        left, right = value.left, value.right
        if isinstance(value.op, gast.Add):
            if self.facts.is_active(left):
                part = nodes.subscript(nodes.clone(g), gast.Slice(
                    lower=None, upper=nodes.call("len", [nodes.clone(left)]), step=None))
                self.env.accumulate(left.id, part, out)
            if self.facts.is_active(right):
                lower = nodes.call("len", [nodes.clone(left)]) if isinstance(left, gast.Name) \
                    else nodes.const(len(left.elts))
                part = nodes.subscript(nodes.clone(g), gast.Slice(lower=lower, upper=None,
                                                                  step=None))
                self.env.accumulate(right.id, part, out)
            return
        if not isinstance(value.op, gast.Mult):
            raise UnsupportedSyntaxError(
                f"{type(value.op).__name__} of lists or tuples has no derivative",
                self.parsed.location(value))
        items = left if kinds_.is_sequence(self.facts.kind(left)) else right \
            if kinds_.is_sequence(self.facts.kind(right)) else \
            right if isinstance(left, gast.Constant) else left
        if self.facts.is_active(items):
            self.env.accumulate(items.id, nodes.call(self.env.helper("repetition_bar"), [
                nodes.clone(g), nodes.name(items.id)]), out)

    def adjoint_of_pop(self, stmt):
        """``v = items.pop(i); y = items`` in place, backward: the adjoint of ``v``
        (zeros without one) put back into ``y``'s adjoint at ``i``, which then is the
        adjoint of ``items`` (a list of the backward sweep's own: see
        adjoint_of_loop)."""
        name = stmt.targets[0].id
        items, index, item = stmt.value.args
        g = self.env.adj.pop(name, None) if self.facts.activity.is_active(name) else None
        item_g = self.env.adj.pop(item.id, None) if self.facts.is_active(item) else None
        if not isinstance(g, gast.Name):
            if item_g is None:
                return []
            raise RuleDefinitionError(   # never expected: a wrong gradient otherwise
                f"internal: the list {name!r} a pop in place leaves has no adjoint")
        if item_g is None:
            item_g = nodes.call(self.env.helper("zeros_like"), [nodes.name(item.id)])
        position = index.value
        if position == -1:
            put = nodes.call(nodes.attr(nodes.clone(g), "append"), [item_g])
        else:
            where = nodes.const(position) if position >= 0 else gast.BinOp(
                left=nodes.call(nodes.builtin("len"), [nodes.clone(g)]), op=gast.Add(),
                right=nodes.const(position + 1))
            put = nodes.call(nodes.attr(nodes.clone(g), "insert"), [where, item_g])
        out = [nodes.expr_stmt(put)]
        if self.facts.is_active(items):
            self.env.accumulate(items.id, nodes.clone(g), out)
        return out

    def accumulator(self, name, value, g, out):
        """``s = s + e`` / ``s = s - e``: the adjoint of s passes through unchanged and
        e gets it (negated for -), with no temporary.  False when shapes may differ."""
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))
                and isinstance(value.left, gast.Name) and value.left.id == name):
            return False
        other = value.right
        if isinstance(other, gast.Name) and other.id == name:
            return False
        bound = {"a": value.left, "b": other}
        if isinstance(g, gast.Constant) or not (
                may_broadcast("a", bound, self.facts.scalars, self.facts.same_shape)
                or may_broadcast("b", bound, self.facts.scalars, self.facts.same_shape)):
            self.env.adj[name] = g
            if self.facts.is_active(other):
                part = nodes.clone(g)
                if isinstance(value.op, gast.Sub):
                    part = gast.UnaryOp(op=gast.USub(), operand=part)
                self.env.accumulate(other.id, part, out)
            return True
        return False

    def adjoint_of_operation(self, name, value, g, out, spread=None, consumer=None):
        """The adjoint of ``name = value`` (the statement ``consumer``) for an operation
        with a rule.

        ``spread="smaller"``: ``g`` lacks some of ``name``'s axes (length 1 there, see
        :meth:`adjoint_of_sum_of_products`), so every contribution is unbroadcast to
        its operand's shape, and copied when it is ``g`` itself or a value.
        ``spread="larger"``: ``g`` may be larger than ``name`` (its reduction was
        deferred, see :meth:`defers_reduction`), so every contribution of a
        broadcasting rule is unbroadcast.
        """
        found = self.bound_of.get(id(value))
        if found is not None and found[0] is value:
            _, rule, bound, held = found
        else:
            rule = rule_for(value, self.parsed, "adjoint")
            bound = bind_arguments(rule, value, self.parsed.location)
            held = {}
        if rule.no_derivative:
            refuse_undefined(rule, bound, self.facts.is_active, value, self.parsed)
        template = rule.adjoint
        if self.collected.get(id(template)) is not template:
            collect_bindings(template, self.env.bindings, rule, value, self.parsed)
            self.collected[id(template)] = template
        # (splice copies what it binds: g itself is bound)
        role = {template.params[0]: nodes.name(name), template.params[1]: g}
        role.update(bound)
        for param in rule.shape_only:   # read the shape from a name the sweep has anyway
            atom = bound.get(param)
            if isinstance(atom, gast.Name) and atom.id in self.facts.loop_temps:
                witness = self.facts.shape_witness(atom.id)
                if len(witness) == 1:
                    role[param] = data_name(witness[0])
        statements, results = splice(template, role, self.env.namer)
        if len(results) != len(rule.diff_params):
            raise RuleDefinitionError(
                f"the adjoint rule of {rule.label} returns {len(results)} values for "
                f"{len(rule.diff_params)} differentiable parameters")
        out.extend(statements)
        for param, contribution in zip(rule.diff_params, results):
            atom = bound[param]
            if isinstance(atom, (gast.List, gast.Tuple)):
                active = [(i, e) for i, e in enumerate(atom.elts) if self.facts.is_active(e)]
                if not active:
                    continue
                holder = self.env.namer.fresh(f"{param}_bar")
                out.append(nodes.assign(holder, fold(contribution)))
                for i, elt in active:
                    self.env.accumulate(elt.id, nodes.subscript(nodes.name(holder), nodes.const(i)),
                                    out)
                continue
            if not self.facts.is_active(atom):
                continue
            contribution = fold(contribution)
            written = resolved(contribution, template.free, self.facts.ranks) \
                if self.facts.ranks else contribution
            if written is not contribution:   # (a helper's call written as what it is)
                contribution = fold(written)
            if is_zero(contribution):
                continue
            if spread == "smaller":
                if atom.id not in self.facts.spread:   # (else its own definition spreads it)
                    contribution = self.reduced(name, value, atom, contribution)
            elif param in rule.broadcast and (spread == "larger" or (
                    not isinstance(g, gast.Constant)
                    and broadcasts(param, bound, self.facts, held))):
                if atom.id not in self.facts.unreduced:   # else its definition reduces it
                    contribution = self.env.unbroadcast(contribution, atom.id)
            # (folded: unbroadcast and the copy of ``reduced`` call, or negate, a
            # folded tree, which fold leaves as it is)
            self.env.accumulate(atom.id, contribution, out, folded=True)

    def reduced(self, name, value, atom, contribution):
        """A ``contribution`` to ``atom`` of ``name = value`` made from an adjoint lacking
        some of ``name``'s axes, brought to ``atom``'s shape (a copy when it is the
        adjoint itself or a value)."""
        whole = self.facts.same_shape(name, atom.id) or self.facts.only_array_operand(
            value, atom)
        if isinstance(contribution, gast.Name) or is_call_of(contribution, "expand_summed"):
            # never alias g or a value
            return self.env.unbroadcast(self.env.alias_copy(contribution), atom.id)
        if not (whole and any(self.facts.same_shape(n, atom.id) or n == name
                              for n in ops.names_in(contribution))):
            # (when it reads an array of the operand's shape, the result's too, it has
            # that shape already)
            return self.env.unbroadcast(contribution, atom.id)
        return contribution

    def adjoint_of_unpack(self, stmt):
        """``a, b = t`` backward: ``t`` gets the tuple of ``a``'s and ``b``'s adjoints, or,
        unless ``t`` is known to be a container, ``unpacked_bar`` of them (an array of the
        rows for an array)."""
        source = stmt.value
        names = [e.id for e in stmt.targets[0].elts]
        if not self.facts.is_active(source) or not any(n in self.env.adj for n in names):
            return []
        parts = [self.env.adj.pop(n) if n in self.env.adj
                 else nodes.call(self.env.helper("zeros_like"), [nodes.name(n)]) for n in names]
        out = []
        value = nodes.tuple_(parts)
        if not kinds_.is_container(self.facts.kind(source)):
            # an array's (or maybe one's): its rules take an array, not a tuple
            value = nodes.call(self.env.helper("unpacked_bar"), [value, nodes.name(source.id)])
        self.env.accumulate(source.id, value, out)
        return out


def _reads_name(value, name):
    """Whether the expression ``value`` loads ``name`` (``name in ops.names_in(value)``;
    an operation or a call of names and literals read without a walk)."""
    loads = operand_loads(value)
    if loads is None:
        loads = call_loads(value)
    return name in (loads if loads is not None else ops.names_in(value))


def _element(g, i):
    """The ``i``-th item of the adjoint ``g`` of a tuple or list."""
    if isinstance(g, (gast.Tuple, gast.List)):
        return nodes.clone(g.elts[i])
    return nodes.subscript(nodes.clone(g), nodes.const(i))

