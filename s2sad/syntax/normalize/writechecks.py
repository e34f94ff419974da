"""The write checks made as the walk goes: record each write, emit its run-time checks.

A :class:`WriteChecks` is the normalizer's collaborator for writes into arrays,
lists and dicts.  As the walk meets a write it records a
:class:`~.writes.RecordedWrite` (the names read after it, the caller's values)
and emits the checks only the running code can decide (``check_not_shared``,
``check_not_inplace``, ``check_item_update``, ``check_unpacked``); at the end,
:meth:`WriteChecks.check_writes` and :meth:`WriteChecks.check_dict_writes` apply
the decisions of ``writes.py`` (raise a refusal, fill in or drop those checks).

Its own state is the list of recorded writes.  It reads of the walk (``walk``,
the normalizer): ``env``, ``defined``, ``params``, ``root_params``, ``callee``,
``inlined_args``, ``return_names``, ``carried_from``, the loops' tables, the may-alias
recorder ``aliases`` and the source facts (``parsed``, ``tree_cache``,
``loop_spans``, ``held_in_containers``); it calls ``emit``, ``flat.atom`` and
``namer.fresh``, and adds the runtime helpers it uses to ``helpers``.
"""

import dataclasses
from typing import Any, List

import gast

from ...errors import SharedWriteError, UnsupportedSyntaxError
from ...rules import registry
from .. import anno, nodes
from .liveness import closure_reads, live_after
from .views import may_alias
from .writes import (DictFacts, Ownership, RecordedWrite, decide_writes, dict_write_refusal,
                     drop_statements, op_symbol)


class WriteChecks:
    """Records the writes of one function's walk and checks them (see the module
    docstring)."""

    def __init__(self, walk):
        self.walk = walk
        self.recorded: List[RecordedWrite] = []   # array and list writes, in order
        # dict item writes (written, user, names read later, location), in order
        self.recorded_dicts: List[Any] = []

    def record_write(self, written, node, user, update=None, pending=None, kind="array",
                     same=()):
        """Check, once every path is known, that a write through ``written`` (the SSA
        value the user's name ``user`` holds) changes no other array that is read
        later, and no array the function does not own.  ``update``: the operator of
        ``user op= ...`` (which makes a new value where Python writes in place), and
        ``pending`` its run-time check (see aug_assign): for a number, op= makes a new
        value, so a conflict is refused when the code runs, where the value is known."""
        line = getattr(node, "lineno", 0)
        # (a change of a list leaves the items it holds as they are)
        items = self.walk.aliases.list_items.get(written, ()) if kind == "list" else ()
        others = sorted((u, a.id) for u, a in self.walk.env.items()
                        if u != user and isinstance(a, gast.Name) and a.id != written
                        and a.id not in items and a.id not in same
                        and u not in self.walk.return_names and self.read_after(u, line, node))
        # the caller's arrays: a parameter's own value (one the function writes into
        # by its name was copied at the start), and an inlined helper's arguments
        outside = set(self.walk.params) | set(self.walk.inlined_args)
        where = self.walk.parsed.location(node)
        shared = []   # the run-time checks of the others a maybe-view may reach
        if others:
            self.walk.helpers["check_not_shared"] = registry.runtime_helper("check_not_shared")
            for other, atom in others:
                text = nodes.const("")
                call = nodes.call("check_not_shared", [
                    nodes.name(written), nodes.name(atom), text, nodes.const(""),
                    nodes.const(where.filename), nodes.const(where.line),
                    nodes.const(where.column)])
                ok = nodes.name("")
                shared.append((atom, text, call.args[3], ok, (
                    self.walk.emit(gast.Assign(targets=[ok], value=anno.set(
                        call, anno.CALLEE, registry.runtime_helper("check_not_shared")), type_comment=None)),
                    self.walk.emit(gast.Assert(test=nodes.name(""), msg=None)))))
        self.recorded.append(RecordedWrite(written, user, update, others, frozenset(outside),
                                           where, pending, shared, kind,
                                           self.walk.inlined_spelled))

    def check_writes(self):
        """Refuse each recorded write that may change an array another name reads later
        or one the function does not own (see ``writes.decide_writes``).  An update
        ``v op= ...`` is decided when the code runs (a number gets a new value): its
        pending check gets the reason, or is dropped where no other array can be
        reached; a run-time sharing check gets its reason, or is dropped."""
        own = Ownership(self.walk.callee, self.walk.root_params, frozenset(self.walk.inlined_args))
        facts = self.walk.aliases.facts(
            self.walk.defined, self.walk.loop_carried, self.walk.loop_inside)
        facts = dataclasses.replace(facts, resolve=lambda n: self.walk.parsed.resolve(n, None))
        decisions = decide_writes(self.recorded, facts, own)
        unneeded = set()
        for write, decision in zip(self.recorded, decisions):
            for (atom, text, hint, ok, emitted), loose in zip(write.shared, decision.loose):
                if loose is None:
                    unneeded.update(id(stmt) for stmt in emitted)
                    continue
                text.value, hint.value = loose
                ok.id = emitted[1].test.id = self.walk.namer.fresh("not_shared")
                self.walk.defined.add(ok.id)
            reason, pending = decision.reason, write.pending
            if reason is None:
                if pending is not None:
                    unneeded.update(id(stmt) for stmt in pending[1])
            elif write.update is None:
                raise SharedWriteError(reason[0], write.where, hint=reason[1])
            elif pending is not None:
                pending[0].value = reason[0]
        if unneeded:
            drop_statements(self.walk.out, unneeded)

    def check_dict_writes(self):
        """Refuse an item write into a dict another name read later may see (see
        ``writes.dict_write_refusal``)."""
        aliases = self.walk.aliases
        facts = DictFacts(aliases.holds, aliases.item_edges, aliases.container_edges,
                          aliases.container_keys, self.walk.loop_inside)
        refusal = dict_write_refusal(self.recorded_dicts, facts)
        if refusal is not None:
            message, where, hint = refusal
            raise UnsupportedSyntaxError(message, where, hint=hint)

    def record_dict_write(self, written, user, node, skip=()):
        """Remember an item write into the dict ``written`` (the SSA value ``user``'s
        write reaches) with the other names read after it (but ``skip``, the names the
        write rebinds too), for check_dict_writes."""
        line = getattr(node, "lineno", 0)
        others = sorted((u, a.id) for u, a in self.walk.env.items()
                        if u != user and u not in skip and isinstance(a, gast.Name)
                        and a.id != "UNBOUND"
                        and u not in self.walk.return_names and self.read_after(u, line, node))
        self.recorded_dicts.append((written, user, others, self.walk.parsed.location(node)))

    def read_after(self, user, line, node=None, _seen=()):
        """May ``user`` be read after the statement holding ``node`` (at source line
        ``line``) before it is bound again, on some path (the next trips of the loops
        around it included)?  Where the statement is not found in the function's
        tree: is ``user`` read after ``line``, or anywhere in an enclosing loop?  A
        name a local function or lambda reads is read where it is called (see
        ``closure_reads``)."""
        for called in closure_reads(self.walk.parsed.node, self.walk.tree_cache).get(user, ()):
            if called is None or called not in _seen and called != user and self.read_after(
                    called, line, node, (*_seen, user)):
                return True
        if node is not None:
            found = live_after(self.walk.parsed.node, node, user, self.walk.tree_cache)
            if found is not None:
                return found
        start = min((s for s, e in self.walk.loop_spans if s <= line <= e), default=line)
        return any(n.id == user and isinstance(n.ctx, gast.Load)
                   and (getattr(n, "lineno", 0) > line or getattr(n, "lineno", 0) >= start
                        and start != line)
                   for n in nodes.names(self.walk.parsed.node))

    def held_before(self, user, line):
        """Was ``user`` put into a list or tuple before ``line`` (or in a loop around it)?"""
        for held in self.walk.held_in_containers.get(user, ()):
            if held < line or any(s <= line <= e and s <= held <= e
                                  for s, e in self.walk.loop_spans):
                return True
        return False

    def check_not_held(self, stmt, target, current):
        """``v op= e`` where ``v`` was put into a list or tuple: Python updates an array
        (or a list) in place, changing the container's item too, which s2sad does not
        follow; a number gets a new value and the container keeps the old one.  Known
        lists are refused now, anything else when the code runs (check_not_inplace)."""
        norm = self.walk
        op = op_symbol(stmt.op)
        message = (f"'{target.id} {op}= ...' would also change the list or tuple that "
                   f"holds {target.id!r} (for arrays, {op}= writes in place)")
        hint = f"write '{target.id} = {target.id} {op} ...' to make a new value"
        if not isinstance(current, gast.Name):
            return   # (a constant: a number)
        if current.id in norm.aliases.list_values:
            raise norm.error(message, stmt, hint=hint)
        self.check_not_inplace(current, message, hint, stmt)

    def may_hold(self, ssa, array):
        """Whether the SSA name ``ssa`` may hold the array ``array`` or a view of it:
        the same value, a value linked to it, or (a loop-carried name, after a loop
        that may run no trip) the value it entered the loop with."""
        seen = set()
        while ssa not in seen:
            seen.add(ssa)
            if ssa == array or ssa in self.walk.aliases.shares.get(array, ()):
                return True
            carried = self.walk.carried_from.get(ssa)
            if carried is None or not isinstance(carried[1], gast.Name):
                return False
            ssa = carried[1].id
        return False

    def through_values(self, a, b):
        """Whether the SSA values ``a`` and ``b`` may share memory through copies,
        merges, views and helpers' results, not only by one holding the other as an
        item (``xs = [a, x]`` makes ``a`` and ``x`` items of one list, not one array):
        the values each may hold, over those holds, meet."""
        aliases = self.walk.aliases

        def reached(start):
            seen, todo = set(), [start]
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                items = aliases.list_items.get(current, ())
                todo.extend(s for s, _ in aliases.holds.get(current, ())
                            if (current, s) not in aliases.container_edges and s not in items
                            and (current, s) not in aliases.list_copies)
            return seen
        return bool(reached(a) & reached(b))

    def outside_owner(self, ssa, user):
        """What an in-place update of ``user`` (now the SSA value ``ssa``) could write
        into besides a value of its own, in words, or None.

        The environment shows the names bound to the same value where the update
        is written; this covers what it cannot: a module-level (global) array, and
        a loop-carried name, which on some trip may hold what a plain copy gave it
        (``v = x`` later in the body) or the value it entered the loop with.
        """
        if ssa not in self.walk.defined:
            return f"{ssa!r}, defined outside the function"
        if ssa in self.walk.inlined_args and ssa in self.walk.inlined_spelled:
            return self.walk.inlined_spelled[ssa]
        if self.walk.callee and ssa in self.walk.params and _has_default(self.walk.parsed.node, ssa):
            return f"the caller's array passed as {ssa!r}, or its default value where none is passed"
        if (self.walk.callee and ssa in self.walk.params) or ssa in self.walk.inlined_args:
            return f"the caller's array passed as {ssa!r}"
        carried = self.walk.carried_from.get(ssa)
        if carried is None:
            return None
        name, entry, loop = carried
        if isinstance(entry, gast.Name) and not anno.get(entry, anno.UNBOUND, False):
            others = sorted(u for u, a in self.walk.env.items() if u != user
                            and isinstance(a, gast.Name) and a.id == entry.id)
            if others:
                return f"{others[0]!r}, which {user!r} holds when the loop starts"
            outer = self.outside_owner(entry.id, user)
            if outer is not None:
                return outer
        for stmt in nodes.statements(loop.body):
            if isinstance(stmt, gast.Assign) and may_alias(stmt.value) and any(
                    n.id == name for t in stmt.targets for n in nodes.names(t)):
                return (f"line {self.walk.parsed.location(stmt).line} binds {name!r} to an "
                        f"existing array for the next trip")
        return None

    def check_item_update(self, stmt):
        """``xs[i] op= v`` on a list: Python updates the item in place when it is an
        array, which changes every other slot and name holding that array; s2sad stores
        a new value into the one slot.  The two agree unless the array is held
        elsewhere, which only the values tell: refused when the code runs if it is
        (check_item_update; other slots of the list and the names read later)."""
        target = stmt.target
        base = target.value
        if not isinstance(base, gast.Name) or isinstance(target.slice, (gast.Slice, gast.Tuple)):
            return
        current = self.walk.env.get(base.id)
        if not (isinstance(current, gast.Name) and (
                current.id in self.walk.aliases.list_values
                or current.id in self.walk.aliases.argument_copies)):
            return   # (an argument may be a list: decided when the code runs)
        line = getattr(stmt, "lineno", 0)
        others = sorted((u, a) for u, a in self.walk.env.items()
                        if u != base.id and isinstance(a, gast.Name) and a.id != current.id
                        and u not in self.walk.return_names and self.read_after(u, line, stmt))
        op = op_symbol(stmt.op)
        message = (f"'{base.id}[...] {op}= ...' updates the array that item holds in place "
                   f"(for arrays, {op}= writes in place), and {{}} holds that array too: "
                   f"Python changes it there as well, which s2sad does not follow")
        hint = (f"write '{base.id}[i] = {base.id}[i] {op} ...' to store a new array into "
                f"the one slot (or give each slot an array of its own: np.copy(...))")
        where = self.walk.parsed.location(stmt)
        self.walk.helpers["check_item_update"] = registry.runtime_helper("check_item_update")
        call = nodes.call("check_item_update", [
            nodes.clone(current), self.walk.flat.atom(target.slice), nodes.const(message),
            nodes.const(hint), nodes.const(where.filename), nodes.const(where.line),
            nodes.const(where.column), nodes.const(",".join(u for u, _ in others))]
            + [nodes.clone(a) for _, a in others])
        ok = self.walk.namer.fresh("alone")
        self.walk.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, registry.runtime_helper("check_item_update"))))
        self.walk.defined.add(ok)
        self.walk.emit(gast.Assert(test=nodes.name(ok), msg=None))

    def check_not_inplace(self, atom, message, hint, node):
        """Emit the run-time refusal of an update in place of what ``atom`` holds;
        return (the message's constant node, the statements emitted)."""
        self.walk.helpers["check_not_inplace"] = registry.runtime_helper("check_not_inplace")
        where = self.walk.parsed.location(node)
        ok = self.walk.namer.fresh("new_value")
        text = nodes.const(message)
        call = nodes.call("check_not_inplace", [
            nodes.clone(atom), text, nodes.const(hint),
            nodes.const(where.filename), nodes.const(where.line), nodes.const(where.column)])
        emitted = (
            self.walk.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, registry.runtime_helper("check_not_inplace")))),
            self.walk.emit(gast.Assert(test=nodes.name(ok), msg=None)))
        self.walk.defined.add(ok)
        return text, emitted

    def check_in_place(self, atom, message, hint, node):
        """Emit the run-time refusal of ``atom`` unless an augmented assignment updates
        what it holds in place (an array)."""
        helper = registry.runtime_helper("check_in_place")
        self.walk.helpers["check_in_place"] = helper
        where = self.walk.parsed.location(node)
        ok = self.walk.namer.fresh("in_place")
        call = nodes.call("check_in_place", [
            nodes.clone(atom), nodes.const(message), nodes.const(hint),
            nodes.const(where.filename), nodes.const(where.line), nodes.const(where.column)])
        self.walk.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, helper)))
        self.walk.defined.add(ok)
        self.walk.emit(gast.Assert(test=nodes.name(ok), msg=None))

    def check_unpacked(self, stmt):
        """Emit the run-time check of a starred assignment (see ``desugar``): Python's
        ``ValueError`` when the unpacked list holds fewer values than the targets."""
        self.walk.helpers["check_unpacked"] = registry.runtime_helper("check_unpacked")
        ok = self.walk.namer.fresh("unpacked")
        call = nodes.call("check_unpacked", [self.walk.flat.atom(stmt.value),
                                             nodes.const(anno.get(stmt, anno.UNPACK_CHECK))])
        self.walk.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, registry.runtime_helper("check_unpacked"))))
        self.walk.defined.add(ok)
        self.walk.emit(gast.Assert(test=nodes.name(ok), msg=None))


def _has_default(fn, param):
    """Whether the parameter ``param`` of the gast ``def`` ``fn`` has a default value."""
    args = fn.args
    with_defaults = [a.id for a in args.args[len(args.args) - len(args.defaults):]] if args.defaults else []
    with_defaults += [a.id for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
    return param in with_defaults
