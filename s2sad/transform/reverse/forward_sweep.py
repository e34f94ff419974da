"""The forward sweep: the primal statements, and what the backward sweep needs saved.

:class:`ForwardSweep` copies the primal body with comments quoting each
source line, pushes on the tape at the end of each loop trip the values the
backward sweep pops (``saves``, from :class:`~.backward.BackwardSweep`),
saves what each write into an array overwrites (and, in a vjp, the names
sharing its memory), checks writes and ``+=`` of active values when the code
runs, and spells list appends and pops in place.  Input: a block of the
primal body (with user calls linked).  Output: the forward block.
"""

import copy

import gast

from ...analysis import ops
from ...analysis.ops import assigned_in
from ...syntax import anno, nodes
from ..common import comment, describe, source_of
from .loops import carried_copies_start, top_level_targets


class ForwardSweep:
    """The forward sweep of a function (see the module docstring)."""

    def __init__(self, env, facts, parsed, tape, saves, item_checks=()):
        self.env = env
        self.facts = facts
        self.parsed = parsed
        self.tape = tape
        self.saves = saves   # id(loop) -> the names it saves (the backward sweep's choice)
        # the ids of the item reads checked when the code runs (analysis.object_items)
        self.item_checks = item_checks

    def forward_block(self, stmts, last=None, then=()):
        """The primal statements with comments, and pushes at the end of loop bodies;
        then the statements ``then`` (the transform's own, as the output's check) under
        the comment of their source where it is not the one quoted last.

        ``last`` is the source already quoted by the enclosing statement.
        """
        out = []
        for stmt in [*stmts, *then]:
            source = source_of(stmt)
            if source is not None and source != last:
                out.append(comment(self.env.comments, describe(source)))
                last = source
            if isinstance(stmt, gast.If):
                out.append(gast.If(test=nodes.clone(stmt.test),
                                   body=self.forward_block(stmt.body, last) or [gast.Pass()],
                                   orelse=self.forward_block(stmt.orelse, last)))
            elif isinstance(stmt, (gast.For, gast.While)):
                body = self.forward_block(stmt.body, last)
                saved = self.saves.get(id(stmt), ())
                if saved:
                    split = carried_copies_start(body, anno.get(stmt, anno.CARRIED, ()))
                    pushes = [nodes.expr_stmt(nodes.call(
                        nodes.attr(nodes.name(self.tape), "push"), [nodes.name(n)]))
                        for n in saved]
                    body[split:split] = pushes
                    nested = sorted(set(saved) & (assigned_in(stmt.body) - top_level_targets(
                        stmt.body)) - set(anno.get(stmt, anno.CARRIED, ())))
                    out.extend(nodes.assign(n, nodes.const(None)) for n in nested)
                loop = copy.copy(stmt)
                loop.body = body
                if isinstance(stmt, gast.For):
                    loop.target = nodes.clone(stmt.target)
                    loop.iter = nodes.clone(stmt.iter)
                else:
                    loop.test = nodes.clone(stmt.test)
                out.append(loop)
            else:
                if ops.is_store(stmt):   # save what the write overwrites; undone backward
                    target = stmt.targets[0]
                    if self.facts.is_active(stmt.value):
                        out.append(self.real_target_check(stmt))
                    for alias in self.facts.store_aliases.get(id(stmt), ()):
                        out.append(nodes.expr_stmt(nodes.call(
                            nodes.attr(nodes.name(self.tape), "push"),
                            [nodes.call(self.env.helper("snapshot"), [nodes.name(alias)])])))
                    out.append(nodes.expr_stmt(nodes.call(
                        nodes.attr(nodes.name(self.tape), "push"),
                        [nodes.call(self.env.helper("overwritten"),
                                    [nodes.clone(target.value), nodes.index_expr(target.slice)])])))
                elif id(stmt) in self.item_checks:
                    out.append(self.real_target_check(stmt, "ensure_plain_item"))
                elif isinstance(stmt, gast.Assign) and anno.get(stmt.value, anno.IN_PLACE) \
                        and isinstance(stmt.value.left, gast.Name) \
                        and stmt.value.left.id not in self.facts.scalars:
                    out.append(self.real_target_check(stmt, "ensure_same_kind"))
                if id(stmt) in self.facts.in_place and isinstance(stmt.value, gast.Subscript):
                    # v = items.pop(i) (the list_delete after it: y = items)
                    out.append(nodes.assign(stmt.targets[0].id, nodes.call(
                        nodes.attr(nodes.clone(stmt.value.value), "pop"),
                        [nodes.clone(stmt.value.slice)])))
                    continue
                if id(stmt) in self.facts.in_place and len(stmt.value.args) == 3:
                    out.append(nodes.assign(stmt.targets[0].id,
                                            nodes.clone(stmt.value.args[0])))
                    continue
                if id(stmt) in self.facts.in_place:   # items.append(item); y = items
                    items, item = stmt.value.args
                    out.append(nodes.expr_stmt(nodes.call(
                        nodes.attr(nodes.clone(items), "append"), [nodes.clone(item)])))
                    out.append(nodes.assign(stmt.targets[0].id, nodes.clone(items)))
                    continue
                # (the primal statement itself, not a copy: the primal body is this
                # transform's, every later pass makes new nodes where it changes one, and
                # the backward sweep copies whatever it takes from the primal)
                out.append(stmt)
        return out

    def real_target_check(self, stmt, helper="ensure_real_target"):
        """``ensure_real_target(x, file, line, column)`` before ``x[i] = v`` with an active
        ``v``: a write into an integer or bool array is refused when the code runs; and
        ``ensure_same_kind(x, v, ...)`` before ``x_1 = x + v`` from ``x += v``;
        ``ensure_plain_item(obj, key, ...)`` before ``y = obj[key]`` (see runtime.object_items)."""
        site = source_of(stmt)
        where = (site.filename, site.line, site.column + 1) if site is not None else (
            self.parsed.filename, self.parsed.node.lineno, 1)
        if helper == "ensure_real_target":
            args = [nodes.clone(stmt.targets[0].value)]
        elif helper == "ensure_plain_item":
            args = [nodes.clone(stmt.value.value), nodes.index_expr(stmt.value.slice)]
        else:
            args = [nodes.clone(stmt.value.left), nodes.clone(stmt.value.right)]
        return nodes.expr_stmt(nodes.call(
            self.env.helper(helper), args + [nodes.const(v) for v in where]))

