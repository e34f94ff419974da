"""The backward sweep: adjoint statements of a block, in reverse order.

:class:`BackwardSweep` walks a block of the primal body backward and gives,
for each statement, its adjoint block under a comment quoting its source
line: simple statements through :class:`~.statements.StatementAdjoints`, a
product fused with the sum reading it in one block, ``if`` by both branches
from one entry state merged into canonical ``<name>_bar`` variables, loops by
a reversed loop whose adjoints are canonical at every trip and which pops
what the forward sweep saved at the end of each trip.  Input: the block, the
sweep's :class:`Adjoints` (read and updated) and the facts (read).  Output:
the backward block; :attr:`BackwardSweep.pushes` tells the forward sweep
what each loop saves (``{id(loop): names}``).
"""

import gast

from ...analysis import ops
from ...analysis.facts import summed_axes
from ...analysis.ops import assigned_in, flatten
from ...optimize import fold, propagate_copies
from ...syntax import anno, nodes
from ..common import comment, describe, source_of
from .loops import (carried_copies, loads, loop_invariants, recomputable, same, upward_exposed,
                    written_or_indexed)


class BackwardSweep:
    """Adjoints of blocks, branches and loops (see the module docstring)."""

    def __init__(self, env, facts, statements, tape_read):
        self.env = env
        self.facts = facts
        self.statements = statements
        self.tape_read = tape_read
        self.pushes = {}   # id(loop) -> names its forward body pushes on the tape
        self.loops = []    # the loops around the statement being reversed, outermost first

    def backward_block(self, stmts, enclosing=None):
        """Adjoint statements of ``stmts`` in reverse order, grouped under comments.

        ``enclosing`` is the source the enclosing statement's comment quotes.
        """
        groups = []
        for stmt in reversed(stmts):
            if id(stmt) in self.facts.fused:
                block = self.adjoint_of_sum_of_products(stmt, self.facts.fused[id(stmt)])
                if block is None:
                    continue   # the product, done with the sum that reads it
            elif isinstance(stmt, gast.If):
                block = self.adjoint_of_if(stmt)
            elif isinstance(stmt, (gast.For, gast.While)):
                block = self.adjoint_of_loop(stmt)
            else:
                block = self.statements.adjoint_of(stmt)
            if not block:
                continue
            source = source_of(stmt)
            compound = isinstance(stmt, (gast.If, gast.For, gast.While))
            if compound or not groups or groups[-1][0] != source or groups[-1][2]:
                groups.append((source, [], compound))
            groups[-1][1].extend(block)
        body = []
        for index, (source, block, _) in enumerate(groups):
            if source is not None and not (index == 0 and source == enclosing):
                body.append(comment(self.env.comments, "grad of " + describe(source)))
            body.extend(block)
        return body

    def adjoint_of_sum_of_products(self, stmt, product):
        """The fused adjoint of ``x = a * b; s = np.sum(x)`` (see
        ``analysis.facts.fused_products``):
        None for the product, the block for the sum."""
        if product is None:
            return None
        name = stmt.targets[0].id
        if not self.facts.activity.is_active(name) or name not in self.env.adj:
            return []
        g = self.env.adj.pop(name)
        axis, keepdims, mean = summed_axes(stmt.value)
        if axis is not None and not keepdims:   # the summed axes back, of length 1 (a
            # 0-d s_bar, of a 0-d x summed over axis 0 or -1, as it is)
            g = nodes.call(self.env.helper("expand_summed"), [nodes.clone(g), nodes.clone(axis)])
        out = []
        x = product.targets[0].id
        if mean:   # each element's share: s_bar over the count averaged, named x_bar
            # size_of: np.size, which Dask lacks (numpy's fallback computes the array)
            # (mean_count: numpy's 0.0 for an empty x, whose share is then numpy's inf
            # or nan spread over no element, where Python's division by 0 would raise)
            count = nodes.call(self.env.helper("mean_count"), [nodes.name(x)])
            if axis is not None:
                count = gast.BinOp(left=count, op=gast.FloorDiv(),
                                   right=nodes.call(self.env.helper("size_of"),
                                                    [nodes.name(name)]))
            share = self.env.adjoint_name(x)
            out.append(nodes.assign(share, fold(gast.BinOp(left=g, op=gast.Div(),
                                                           right=count))))
            g = nodes.name(share)
        value = product.value
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)):
            self.statements.adjoint_of_operation(x, value, g, out, spread="smaller",
                                                 consumer=product)
            return out
        a, b = value.left, value.right
        if isinstance(a, gast.Name) and isinstance(b, gast.Name) and a.id == b.id:
            if self.facts.is_active(a):   # s = sum(a * a): a gets 2 s_bar a, a's shape already
                # (s_bar has a's shape but for the summed axes, which have length 1)
                self.env.accumulate(a.id, gast.BinOp(
                    left=gast.BinOp(left=nodes.const(2.0), op=gast.Mult(),
                                    right=nodes.clone(g)),
                    op=gast.Mult(), right=nodes.name(a.id)), out)
            return out
        same = isinstance(a, gast.Name) and isinstance(b, gast.Name) \
            and self.facts.same_shape(a.id, b.id)
        for mine, other in ((a, b), (b, a)):
            if not self.facts.is_active(mine):
                continue
            part = fold(gast.BinOp(left=nodes.clone(g), op=gast.Mult(),
                                   right=nodes.clone(other)))
            if mine.id in self.facts.spread:   # s_bar * other, spread by mine's definition
                self.env.accumulate(mine.id, part, out)
                continue
            if isinstance(part, gast.Name):   # 1.0 * b: an adjoint never aliases a value
                part = self.env.alias_copy(part)
            if not same:   # s_bar * other has other's shape: reduce or spread it to mine
                part = nodes.call(self.env.helper("unbroadcast"), [part, nodes.name(mine.id)])
            self.env.accumulate(mine.id, part, out)
        return out

    def adjoint_of_if(self, stmt):
        """Both branches backward from one entry state; the names whose adjoints differ
        at their ends are made canonical at the end of both."""
        local = assigned_in([stmt])
        entry = self.env.snapshot()
        then_body = self.backward_block(stmt.body, source_of(stmt))
        then_state = self.env.snapshot()
        self.env.restore(entry)
        else_body = self.backward_block(stmt.orelse, source_of(stmt))
        else_adj = dict(self.env.adj)
        merged = {n for n in set(then_state[0]) | set(else_adj) if n not in local
                  and not same(then_state[0].get(n), else_adj.get(n))}
        else_state = self.env.snapshot()
        self.env.restore(then_state)
        self.env.materialize(merged, then_body)
        then_owned = set(self.env.owned)
        self.env.restore(else_state)
        self.env.materialize(merged, else_body)
        self.env.forget(local)
        self.env.owned.intersection_update(then_owned)
        if not then_body and not else_body:
            return []
        return [gast.If(test=nodes.clone(stmt.test), body=then_body or [gast.Pass()],
                        orelse=else_body)]

    def adjoint_of_loop(self, stmt):
        """The loop backward: a reversed loop (a ``while`` runs its count of trips) whose
        adjoints are canonical at the start of every trip, popping what the forward
        sweep saved at the end of each trip."""
        carried = set(anno.get(stmt, anno.CARRIED, ()))
        local = assigned_in(stmt.body) - carried
        if isinstance(stmt, gast.For):
            local |= assigned_in([stmt.target])
        reads = set()
        for simple in flatten(stmt.body):
            if ops.targets(simple) & self.facts.activity.active \
                    and ops.carries_derivative(simple):
                reads |= ops.differentiable_reads(simple)
        keep = {n for n in (carried | (reads - local)) if self.facts.activity.is_active(n)}
        writes = any(ops.is_store(s) for s in flatten(stmt.body))
        if not keep and not writes:
            return []   # (a loop that writes into arrays is always undone: its saved values)
        out = self.loop_entry(stmt, keep, carried)
        entry_owned = set(self.env.owned)
        self.loops.append(stmt)
        self.env.loop_depth += 1
        body = self.backward_block(stmt.body, source_of(stmt))
        self.env.loop_depth -= 1
        self.env.materialize(keep, body)
        for name in sorted(entry_owned - self.env.owned):   # the invariant for the next trip
            primal = next((n for n in keep if self.env.adjoint_name(n) == name), None)
            if primal is not None:
                body.append(nodes.assign(name, self.env.copy_of(primal, name)))
                self.env.owned.add(name)
        self.env.forget(local)
        self.env.owned.intersection_update(entry_owned)
        # copies between this trip's own adjoints go; anything another trip or the
        # code after the loop may read stays (before what the loop saves is decided)
        lasting = {a for n, a in self.env.adj_names.items() if n not in local}
        body = propagate_copies(body, protected=lasting | upward_exposed(body))
        out.append(self.reversed_loop(stmt, self.with_pops(stmt, body, local, carried)))
        self.loops.pop()
        return out

    def loop_entry(self, stmt, keep, carried):
        """Statements before the reversed loop: the adjoints of ``keep`` canonical, the
        ones the body updates in place copied once (not once per trip)."""
        out = []
        self.env.materialize(keep, out)
        self.env.owned.difference_update({self.env.adjoint_name(n) for n in carried})
        for primal in sorted(keep - carried):
            name = self.env.adjoint_name(primal)
            if primal in written_or_indexed(stmt.body) and name not in self.env.owned:
                out.append(nodes.assign(name, self.env.copy_of(primal, name)))
                self.env.owned.add(name)
        # a list the body pops adjoints off (appends in place) is one of this sweep's
        # own, copied once here
        popped = set().union(*(self.facts.in_place[id(s)] for s in flatten(stmt.body)
                               if id(s) in self.facts.in_place))
        for primal in sorted(keep & carried & popped):
            name = self.env.adjoint_name(primal)
            out.append(nodes.assign(name, nodes.call(self.env.helper("list_bar"),
                                                     [nodes.name(name)])))
            self.env.owned.add(name)   # items read in the loop add into it in place
        return out

    def with_pops(self, stmt, body, local, carried):
        """The backward ``body`` of the loop ``stmt`` with the values it reads of a trip
        taken back first: popped from the tape (saved by the forward sweep, see
        :attr:`pushes`), made again, or read from a carried name."""
        invariant = loop_invariants(stmt, carried)
        saved = sorted(n for n in loads(body) if n in (local | carried)
                       and n not in invariant
                       and not (isinstance(stmt, gast.For) and n == stmt.target.id))
        # values the backward sweep can get back without the tape: reads of arrays the
        # loop never changes, at the loop's counter (xs[t]), are made again; the value a
        # carried name gets at the end of a trip is that name as the next trip starts
        # (not from a list changed in place in the loops around: the sweep has only its
        # last version)
        around = {id(s) for s in flatten(self.loops[0].body)}
        changing = self.facts.written.union(*(chain for s, chain in self.facts.in_place.items()
                                              if s in around))
        recomputed = [self.facts.single_defs[n] for n in saved if recomputable(
            self.facts.single_defs.get(n), stmt, changing)]
        recovered = [(v, c) for c, v in carried_copies(stmt) if v in saved and c in saved]
        drop = {s.targets[0].id for s in recomputed} | {v for v, _ in recovered}
        saved = [n for n in saved if n not in drop]
        before_pops = [nodes.assign(v, nodes.name(c)) for v, c in recovered]
        after_pops = [nodes.clone(s) for s in recomputed]
        if saved or before_pops or after_pops:
            self.pushes[id(stmt)] = saved
            pops = [nodes.assign(n, nodes.call(nodes.attr(nodes.name(self.tape_read), "pop")))
                    for n in reversed(saved)]
            body = before_pops + pops + after_pops + body
        return body

    def reversed_loop(self, stmt, body):
        """The header running ``body`` over the trips of ``stmt`` in reverse order."""
        if isinstance(stmt, gast.For):
            return gast.For(target=nodes.clone(stmt.target),
                            iter=nodes.call(nodes.builtin("reversed"), [nodes.clone(stmt.iter)]),
                            body=body, orelse=[], type_comment=None)
        counter = self.env.namer.fresh("iteration")
        return gast.For(target=nodes.name(counter, store=True),
                        iter=nodes.call(nodes.builtin("range"),
                                        [nodes.name(anno.get(stmt, anno.TRIPS))]),
                        body=body, orelse=[], type_comment=None)
