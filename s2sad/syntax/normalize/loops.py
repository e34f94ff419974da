"""Loop lowering: ``for`` and ``while`` loops (and list comprehensions) in the
normalized form.

Input: one user ``for``/``while`` statement (or a ``[e for x in xs if c]``
display), met by the normalizer's walk where it stands.
Output, emitted through the normalizer: the statements that compute the loop's
sequences and bounds once, a copy ``v_1 = v`` of every carried name before the
loop, and one ``for <index> in range(<atoms>)`` (or ``while <cond>``) whose body
binds the loop target from the sequences, runs the user's body, and assigns
every carried name again at its end.  The loop statement carries
``anno.CARRIED`` (and a ``while`` ``anno.TRIPS``, its trip counter).

:class:`Loops` is the normalizer's collaborator for this job: it keeps no state
of its own and works through the normalizer it is given (its environment, its
output list, its SSA versions), since a loop must be lowered where the walk
meets it.  Which names a loop carries is read off the tree and the names'
current values (:meth:`Loops.carried_names`).
"""

import builtins
import gast

from ...rules import registry
from .. import anno, nodes
from ..desugar import read_after_loop
from .lists import mutated_lists
from .liveness import exposed_reads
from .sequences import LoopHeaders
from .trees import comprehension_for, placed_at, same_atom


class Loops:
    """Lowers the loops the normalizer's walk meets (see the module docstring)."""

    def __init__(self, normalizer):
        self.norm = normalizer
        self.headers = LoopHeaders(normalizer)

    # ------------------------------------------------------------ carried names
    def carried_names(self, loop):
        """User names a loop assigns that hold a value before it or are read after it."""
        norm = self.norm
        loop_names = nodes.names(loop)
        assigned = {n.id for n in loop_names if isinstance(n.ctx, gast.Store)}
        mutated = set().union(*(mutated_lists(s) for s in loop.body + loop.orelse))
        mutated |= norm.lists.list_stores(loop)   # xs[i] = v on a list: a new version too
        # a list changed through a name the body binds to it (u = t; u.append(v) in
        # the loop): the copies are followed over the whole body, not one statement
        mutated |= norm.lists.lists_changed_through(loop)
        if mutated:   # and the names holding the same list (they follow its changes)
            mutated = norm.lists.changed_lists() & (mutated | {
                u for u, a in norm.env.items() if isinstance(a, gast.Name)
                and any(isinstance(norm.env.get(m), gast.Name) and norm.env[m].id == a.id
                        for m in mutated)})
        assigned |= mutated
        assigned |= norm.dict_writes.dict_roots(loop.body + loop.orelse)   # d[k] = v: d gets a new dict
        assigned |= norm.writing.followed_in(loop)   # relink(r): r gets a new value
        assigned |= norm.inliner.changed_in(loop)   # g() changing a closure's list or dict
        targets = set()
        if isinstance(loop, gast.For):
            targets = {n.id for n in nodes.names(loop.target)}
        inside = {id(n) for n in loop_names}
        read_outside = {n.id for n in nodes.names(norm.parsed.node)
                        if isinstance(n.ctx, gast.Load) and id(n) not in inside}
        # a local function the body defines, called after the loop: inlined there, its
        # body reads the names it reads free after the loop (Python's closure reads them
        # late); its name holds no value (the inliner holds the function)
        walked = nodes.walk(loop)
        defined = {s.name: s for s in walked if isinstance(s, gast.FunctionDef)}
        defined.update({s.targets[0].id: s.value for s in walked if isinstance(s, gast.Assign)
                        and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name)
                        and isinstance(s.value, gast.Lambda)})
        free = set()
        for name in sorted(set(defined) & read_outside):
            free |= {n.id for n in nodes.names(defined[name]) if isinstance(n.ctx, gast.Load)}
        assigned -= set(defined)
        read_outside |= free
        # a loop target keeps its last trip's value after the loop (its old value, or
        # none, after a loop that ran no trip): carried when that value may be read
        kept = {u for u in targets if u in read_outside
                and (u in free or read_after_loop(norm.parsed.node, loop, u, norm.tree_cache))}
        # a name the body may read before a trip assigns it reads, from the second
        # trip on, what the trip before assigned
        early = exposed_reads(loop, assigned)
        return sorted({u for u in assigned - targets
                       if u in norm.env or u in read_outside or u in early} | kept)

    def enter_loop(self, carried, loop):
        """Emit ``v_1 = v`` for each carried user name (one name for two names holding
        one changed list); returns ``{user name: carried SSA name}``."""
        norm = self.norm
        names = {}
        lists = {}   # a list two names hold as the loop starts -> their one carried name
        changed = norm.lists.changed_lists() if carried else set()
        # (a name the loop assigns may hold something else than a list after a trip)
        extended = {id(n.target) for n in nodes.walk(loop) if isinstance(n, gast.AugAssign)
                    and isinstance(n.op, (gast.Add, gast.Mult))}   # (xs += ys, xs *= n: a list)
        # (a name the loop only binds to list displays, st = [a, b], stays a list)
        to_lists = {id(n.targets[0]) for n in nodes.walk(loop) if isinstance(n, gast.Assign)
                    and len(n.targets) == 1 and isinstance(n.targets[0], gast.Name)
                    and isinstance(n.value, (gast.List, gast.ListComp))}
        stored = {n.id for n in nodes.names(loop) if isinstance(n.ctx, gast.Store)
                  and id(n) not in extended and id(n) not in to_lists}
        stored -= copied_lists(loop, norm.env, norm.aliases.list_values)
        # (a dict the loop only merges into, d |= e, or writes items into stays a dict)
        merges = {id(n.target) for n in nodes.walk(loop) if isinstance(n, gast.AugAssign)
                  and isinstance(n.op, gast.BitOr)}
        rebound = {n.id for n in nodes.names(loop) if isinstance(n.ctx, gast.Store)
                   and id(n) not in merges}
        # (the copies of folded constants first, each under its own line's comment,
        # before the loop's own statements: the order of independent copies)
        not_folded = lambda u: anno.get(norm.env.get(u), anno.BOUND_AT) is None   # noqa: E731
        for user in sorted(carried, key=not_folded):
            entry = norm.env.get(user)
            if user in changed and isinstance(entry, gast.Name) and entry.id in lists:
                names[user] = lists[entry.id]   # it changes through either name
                norm.env[user] = nodes.name(names[user])
                continue
            name = norm.scope.new_version(user)
            if user in changed and isinstance(entry, gast.Name) \
                    and entry.id in norm.aliases.list_values:
                lists[entry.id] = name
            entry = entry or norm.scope.unbound()
            copied = norm.emit(nodes.assign(name, nodes.clone(entry)))
            if anno.get(entry, anno.BOUND_AT) is not None:   # (a folded constant's line)
                anno.set(copied, anno.SOURCE, anno.get(entry, anno.BOUND_AT))
            norm.defined.add(name)
            if isinstance(entry, gast.Name) and entry.id in norm.aliases.list_values \
                    and user not in stored:
                norm.aliases.list_values.add(name)
                norm.aliases.list_items[name] = set(norm.aliases.list_items.get(entry.id, ()))
            if isinstance(entry, gast.Name) and user not in rebound \
                    and norm.dict_writes.is_dict_value(entry.id):
                norm.dicts.add(name)
            if norm.scope.may_be_unbound(entry):
                norm.scope.maybe_unbound.add(name)
            names[user] = name
            norm.env[user] = nodes.name(name)
            norm.carried_from[name] = (user, entry, loop)
            if isinstance(entry, gast.Name):
                norm.aliases.hold(name, entry.id)
        norm.loop_stack.append((id(loop), set(norm.defined)))
        norm.loop_carried[id(loop)] = sorted(set(names.values()))
        return names

    def leave_loop(self, body, names, before, loop=None):
        """Append to ``body`` the copies that assign every carried name its value at
        the end of a trip; the environment after the loop reads the carried names."""
        norm = self.norm
        key, defined_before = norm.loop_stack.pop()
        norm.loop_inside[key] = norm.defined - defined_before
        pairs, ends = [], {}
        for user, name in names.items():
            atom = norm.env.get(user)
            if name in ends:   # two names of one list: they must hold one value again
                other, end = ends[name]
                if not same_atom(atom, end):
                    raise norm.error(
                        f"{other!r} and {user!r} hold the same list as the loop starts, and "
                        f"a trip leaves them holding different values: s2sad follows a list "
                        f"changed in a loop through names that keep holding it", loop,
                        hint=f"make one of them a list of its own before the loop "
                             f"({user} = list({other}))")
                continue
            ends[name] = (user, atom)
            if not (isinstance(atom, gast.Name) and atom.id == name):
                pairs.append((name, atom))
        norm.scope.merge_copies(body, pairs, loop=True, back=key)
        norm.env = dict(before)
        for user, name in names.items():
            norm.env[user] = nodes.name(name)

    # ------------------------------------------------------------ for loops
    def for_statement(self, stmt, extra_carried=()):
        """Lower ``for <target> in <iterable>: <body>`` (``extra_carried``: names the
        loop carries besides those it assigns, a comprehension's result list)."""
        norm = self.norm
        if self.headers.reads_an_item_dict(stmt.iter):
            return self.for_statement(self.headers.named_source(stmt), extra_carried)
        stmt = self.headers.tupled(stmt)
        looped, counters = self.headers.counted(stmt)
        header = self.headers.of(looped)
        self.headers.dict_keys_of(header)
        lasts = self.headers.lengths(header) if header.kind != "range" else None
        carried = sorted(set(self.carried_names(stmt)) | set(extra_carried))
        live = set() if header.snapshot else norm.lists.changed_while_looped(
            stmt, header.written, header.sequences, carried)
        before = dict(norm.env)
        names = self.enter_loop(carried, stmt)
        if header.kind == "range":
            if not isinstance(stmt.target, gast.Name):
                raise norm.error("a range loop's target must be a single name", stmt.target)
            index = norm.scope.new_version(stmt.target.id)
        else:
            index = norm.namer.fresh("index")
        norm.defined.add(index)
        norm.env[index] = nodes.name(index)   # lets the desugared body read the index
        header_source = norm.source

        def prologue():
            norm.source = header_source
            if header.kind == "range":
                norm.env[stmt.target.id] = nodes.name(index)
                return
            trip = index
            if header.reverse_trips:   # (reversed(list(zip(...))): from the last pair)
                trip = norm.flat.operation_value(gast.BinOp(
                    left=nodes.clone(header.trip_last), op=gast.Sub(),
                    right=nodes.name(index)), "trip").id
                norm.env[trip] = nodes.name(trip)   # (read as the index is)
            for name, start in counters:   # (enumerate around a sequence: the trip's number)
                norm.env[name.id] = nodes.name(index) if start is None else nodes.name(
                    norm.flat.operation(gast.BinOp(left=nodes.name(index), op=gast.Add(),
                                                   right=nodes.clone(start))))
            self.bind_targets(looped.target, header, trip,
                              self.items(header, trip, lasts, live))

        body = norm.block(stmt.body, prologue)
        if header.owner is not None and header.owner.id in norm.dict_writes.dict_roots(stmt.body) \
                and not anno.get(stmt, anno.MAY_EXIT, False):
            self.check_dict_size(body, header.owner, header.bounds[0], header_source)
        self.leave_loop(body, names, before, stmt)
        loop = gast.For(target=nodes.name(index, store=True),
                        iter=anno.set(nodes.call("range", header.bounds), anno.CALLEE,
                                      builtins.range),
                        body=body or [gast.Pass()], orelse=[], type_comment=None)
        anno.set(loop, anno.CARRIED, tuple(dict.fromkeys(names.values())))
        norm.emit(loop)

    def items(self, header, index, lasts, live):
        """The items a trip reads, ``sequence[index]`` (``sequence[last - index]``
        reversed): from the sequences as they were before the loop (SSA atoms), even
        when the body rebinds a sequence's name, except a list the body writes items
        into (``live``), read as it is now."""
        norm = self.norm
        items = []
        for k, (sequence, last) in enumerate(zip(header.sequences, lasts)):
            if k in live:
                sequence = norm.scope.read_name(header.written[k].id, header.written[k])
            position = nodes.name(index)
            if last is not None:
                position = norm.flat.operation_value(gast.BinOp(
                    left=nodes.clone(last), op=gast.Sub(), right=position), "position")
            items.append(nodes.subscript(nodes.clone(sequence), position))
        return items

    def bind_targets(self, target, header, index, items):
        """Bind the loop's target (unpacked as its kind says) to a trip's items."""
        norm, kind = self.norm, header.kind
        if kind in ("enumerate", "enumerate_zip"):
            if not (isinstance(target, gast.Tuple) and len(target.elts) == 2
                    and isinstance(target.elts[0], gast.Name)):
                raise norm.error("unpack enumerate() into two names", target)
            counter = nodes.name(index)
            if header.start is not None:
                counter = nodes.name(norm.flat.operation(
                    gast.BinOp(left=nodes.name(index), op=gast.Add(), right=header.start)))
            norm.env[target.elts[0].id] = counter
            if kind == "enumerate":
                self.bind_item(target.elts[1], items[0])
            else:
                self.bind_zipped(target.elts[1], items)
        elif kind == "dict_values":
            key = norm.namer.fresh("key")
            norm.emit(nodes.assign(key, items[0]))
            norm.defined.add(key)
            self.bind_item(target, nodes.subscript(self.looped_now(header), nodes.name(key)))
        elif kind == "dict_items":
            if not (isinstance(target, gast.Tuple) and len(target.elts) == 2
                    and isinstance(target.elts[0], gast.Name)):
                raise norm.error("unpack .items() into two names: for k, v in "
                                 "d.items()", target)
            self.bind_item(target.elts[0], items[0])
            key = norm.env[target.elts[0].id]
            self.bind_item(target.elts[1],
                           nodes.subscript(self.looped_now(header), nodes.clone(key)))
        elif kind == "zip":
            self.bind_zipped(target, items)
        else:
            self.bind_item(target, items[0])

    def bind_zipped(self, target, items):
        """Bind a tuple target to the items of zipped sequences, one name each."""
        if not (isinstance(target, gast.Tuple) and len(target.elts) == len(items)):
            raise self.norm.error("unpack zip() into one name per sequence", target)
        for elt, item in zip(target.elts, items):
            self.bind_item(elt, item)

    def looped_now(self, header):
        """The dict a loop over a dict runs over as this step starts: the name's current
        value when the body writes items into it, else the dict from before the loop
        (the body may bind the name to another dict, as Python's loop ignores)."""
        if header.rebound:
            return nodes.clone(header.looped)
        return self.norm.scope.read_name(header.owner.id, header.owner)

    def check_dict_size(self, body, owner, length, header_source):
        """Append to ``body`` the check that the dict a loop runs over keeps its size:
        the body writes items into it, and a new key makes Python's loop raise
        RuntimeError at its next step (not checked in a loop that may break or return,
        where no next step may come)."""
        norm = self.norm
        helper = registry.DICT_HELPERS["dict_size_kept"]
        norm.helpers["dict_size_kept"] = helper
        ok = norm.namer.fresh("same_size")
        norm.defined.add(ok)
        check = nodes.assign(ok, anno.set(nodes.call("dict_size_kept", [
            norm.scope.read_name(owner.id, owner), nodes.clone(length)]), anno.CALLEE, helper))
        for new in (check, gast.Assert(test=nodes.name(ok), msg=None)):
            anno.set(new, anno.SOURCE, header_source)
            body.append(new)

    def bind_item(self, target, item):
        """Bind a loop target to an already-normalized ``sequence[index]``."""
        norm = self.norm
        if isinstance(target, gast.Name):
            name = norm.scope.new_version(target.id)
        else:
            name = norm.namer.fresh("item")
        norm.emit(nodes.assign(name, item))
        norm.defined.add(name)
        norm.aliases.track_views(name, item)
        if isinstance(target, gast.Name):
            norm.env[target.id] = nodes.name(name)
        else:
            norm.env[name] = nodes.name(name)   # read back by the unpacking below
            norm.assigns.bind_target(target, nodes.name(name))

    # ------------------------------------------------------------ while loops
    def while_statement(self, stmt):
        """Lower ``while <test>: <body>``: the test's atom in a carried ``cond``, computed
        again at the end of each trip, and a trip counter (``anno.TRIPS``)."""
        norm = self.norm
        carried = self.carried_names(stmt)
        before = dict(norm.env)
        names = self.enter_loop(carried, stmt)
        trips = norm.namer.fresh("n_iter")
        norm.emit(nodes.assign(trips, nodes.const(0)))
        norm.defined.add(trips)
        cond = norm.namer.fresh("cond")
        norm.defined.add(cond)
        # (a test that is a name, 'while xs:', keeps the name's own value: the loop
        # carries it besides the condition)
        named = isinstance(stmt.test, gast.Name)
        norm.scope.merge_copy(norm.out, cond, norm.flat.atom(stmt.test), coalesce=not named)
        header_source = norm.source

        def epilogue_source():
            norm.source = header_source

        body = norm.block(stmt.body)
        saved_out, norm.out = norm.out, body
        epilogue_source()
        again = norm.flat.atom(stmt.test)
        norm.out = saved_out
        norm.scope.merge_copies(body, [(cond, again)], loop=True, coalesce=not named)
        counted = norm.namer.version(trips)
        body.append(anno.set(nodes.assign(counted, gast.BinOp(
            left=nodes.name(trips), op=gast.Add(), right=nodes.const(1))), anno.SOURCE,
            header_source))
        norm.scope.merge_copies(body, [(trips, nodes.name(counted))], loop=True)
        self.leave_loop(body, names, before, stmt)
        loop = gast.While(test=nodes.name(cond), body=body, orelse=[])
        anno.set(loop, anno.CARRIED, tuple(dict.fromkeys(names.values())) + (cond, trips))
        anno.set(loop, anno.TRIPS, trips)
        norm.emit(loop)

    # ------------------------------------------------------------ comprehensions
    def comprehension_loop(self, loop, result, inner=()):
        """Run a comprehension's loop: its target names, and those of the ``inner``
        generators its body loops over, are its own (Python 3 gives a comprehension a
        scope), so the names keep the values they had before it."""
        norm = self.norm
        targets = {n.id for t in [loop.target] + [g.target for g in inner]
                   for n in nodes.names(t)}
        saved = {t: norm.env[t] for t in targets if t in norm.env}
        self.for_statement(loop, extra_carried=(result,))
        for t in targets:
            if t in saved:
                norm.env[t] = saved[t]
            else:
                norm.env.pop(t, None)

    def list_comprehension(self, node):
        """``[e for x in xs if c]`` as a loop that appends to a fresh list; with several
        ``for`` clauses, ``[e for x in xs for y in ys]``, the first clause's loop extends the
        list by the comprehension of the others, ``[e for y in ys]`` (evaluated at each
        trip, so ``ys`` may read ``x``, as Python's inner clauses do)."""
        norm = self.norm
        gen = node.generators[0]
        result = norm.namer.fresh("items")

        located = placed_at(node)
        start = norm.flat.operation(located(gast.List(elts=[], ctx=gast.Load())), target=result)
        norm.env[result] = nodes.name(start)
        method, item = "append", node.elt
        if len(node.generators) > 1:
            method = "extend"
            item = located(gast.ListComp(elt=node.elt, generators=node.generators[1:]))
        append = gast.Expr(value=gast.Call(
            func=gast.Attribute(value=nodes.name(result), attr=method, ctx=gast.Load()),
            args=[item], keywords=[]))
        body = [append]
        loop = comprehension_for(gen, body, located)
        self.comprehension_loop(loop, result)
        final = norm.env.pop(result)
        return final.id


def copied_lists(loop, env, list_values):
    """The names a loop binds only to names that hold a list all along (``b = b_1``
    after ``b_1 = b``, ``b_1.append(v)``): they hold a list after every trip too.
    Each such name holds a list as the loop starts (``env``'s value is among
    ``list_values``) or nothing yet, and every binding of it in the loop reads
    another such name or a list-holding name the loop never binds (the greatest
    such set)."""
    binds = {}
    for node in nodes.walk(loop):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name):
            source = node.value.id if isinstance(node.value, gast.Name) else None
            binds.setdefault(node.targets[0].id, []).append(source)

    def holds_list(name):
        value = env.get(name)
        return isinstance(value, gast.Name) and value.id in list_values

    others = {n.id for n in nodes.names(loop) if isinstance(n.ctx, gast.Store)}
    kept = {u for u, sources in binds.items() if None not in sources
            and (u not in env or holds_list(u))}
    others -= kept
    changed = True
    while changed:
        changed = False
        for user in sorted(kept):
            if not all(w in kept if w in binds or w in others else holds_list(w)
                       for w in binds[user]):
                kept.discard(user)
                others.add(user)
                changed = True
    return {u for u in kept if holds_list(u)}
