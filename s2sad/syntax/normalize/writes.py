"""Which recorded writes are refused, decided once every path is known.

While it walks the function, the normalizer records each write (an item write
into an array or a list, an update ``v op= ...``, a list method, an item write
into a dict) with the names read after it.  At the end, with every may-alias
fact known (:class:`~.mayalias.AliasFacts`), the functions here decide:

* :func:`decide_writes`: for each array or list write, a :class:`WriteDecision`,
  the refusal ``(message, hint)`` or None, and for each of its run-time checks
  (a maybe-view of another name) the reason it needs or None (not needed);
* :func:`dict_write_refusal`: the first dict item write another name read later
  may see, as ``(message, location, hint)``, or None.

They return data and change nothing: the caller raises the refusals and fills
in or drops the run-time checks it emitted (see ``WriteChecks.finish``).
"""

from dataclasses import dataclass
from typing import Any, FrozenSet, List, NamedTuple, Optional, Tuple

import gast

from .mayalias import (ANY_WAY, CONTENTS, decidable_links, how_held, list_from_outside,
                       list_item_edges, origins, run_decides)


class RecordedWrite(NamedTuple):
    """A write through ``user`` (the SSA value ``written``), as the walk saw it.

    ``others``: ``(user name, SSA name)`` of the names read later; ``outside``: the
    caller's values; ``where``: its location; ``update``: the operator of ``v op=
    ...`` (None for an item write); ``kind``: "array" or "list"; ``pending`` and
    ``shared``: the run-time checks emitted for it (see ``WriteChecks.record``),
    which the decision does not read but ``shared``'s atoms; ``spelled``: for the
    inlined helpers' arguments among ``outside``, how the call wrote each, in words."""
    written: str
    user: str
    update: Any
    others: List[Tuple[str, str]]
    outside: FrozenSet[str]
    where: Any
    pending: Any
    shared: List[Any]
    kind: str
    spelled: Any = None


@dataclass(frozen=True)
class Ownership:
    """What the function owns: ``callee`` (its arguments are the caller's values),
    its own parameters, and the inlined helpers' arguments."""
    callee: bool
    root_params: FrozenSet[str]
    inlined_args: FrozenSet[str]


@dataclass(frozen=True)
class WriteDecision:
    """``reason``: why the write is refused (message, hint), or None.  ``loose``: one
    entry per run-time sharing check of the write, the (message, hint) it raises
    when the two values share memory, or None where the check is not needed."""
    reason: Optional[Tuple[str, str]]
    loose: Tuple[Optional[Tuple[str, str]], ...]


def decide_writes(writes, facts, own) -> List[WriteDecision]:
    """One :class:`WriteDecision` per recorded write, in order.  An array the function
    does not own: refused; another name read later that may share memory with the
    written value: refused, or decided when the code runs where the generated
    code's values share memory as Python's do (not through a helper's result:
    reverse mode passes a copy).  The items a list holds are not the list."""
    if not writes:
        return []
    # exact: the items read (y[i]) taken for values of their own; loose: for views
    conflict, expand = origins(facts)
    decidable = decidable_links(facts)
    exact, _ = origins(facts, decidable) if decidable else (conflict, expand)
    decisions = []
    for write in writes:
        written, user, others = write.written, write.user, write.others
        conflict_here, expand_here, exact_here = conflict, expand, exact
        if write.kind == "list":
            reason = list_from_outside(facts, written, user, write.outside)
            items = list_item_edges(facts, written)
            if items:   # a change of the list leaves the items it holds as they are
                exact_here, _ = origins(facts, decidable | items)
        else:
            apart = {(w, s) for w, s in facts.list_copies if w == written}
            if apart:   # a new container of another's items (xs.copy()) is not it
                conflict_here, expand_here = origins(facts, apart)
                exact_here, _ = origins(facts, decidable | apart)
            reason = write_conflict(write, [], write.outside, exact_here, expand_here, own,
                                    facts)
        undecidable = [o for o in others if exact_here(written, o[1])
                       and not (run_decides(facts, written) and run_decides(facts, o[1]))]
        if reason is None and undecidable:
            reason = write_conflict(write, undecidable, set(), exact_here, expand_here, own,
                                    facts)
        # a maybe-view of the written array: refused when the code runs if the two
        # share memory then
        loose = tuple(None if reason is not None else write_conflict(
            write, [o for o in others if o[1] == shared[0]], set(), conflict_here,
            expand_here, own, facts) for shared in write.shared)
        decisions.append(WriteDecision(reason, loose))
    return decisions


def write_conflict(write, others, outside, conflict, expand, own, facts):
    """(message, hint) of why ``write`` may change an array of ``outside`` (or one
    the function does not define) or one of ``others`` (those ``conflict`` finds
    sharing memory with it), or None."""
    written, user, update, kind = write.written, write.user, write.update, write.kind
    how = f"(through {ANY_WAY})"
    if kind == "list":
        what = f"changing the list {user!r} (by a list method or item assignment)"
        fix = (f"make {user!r} a list of its own right before the change: "
               f"{user} = list({user})")
    elif update is None:
        what = f"writing into {user!r}"
        fix = (f"make {user!r} an array of its own right before the write: "
               f"{user} = np.copy({user})")
    else:
        op = op_symbol(update)
        what = f"'{user} {op}= ...' (for arrays, {op}= writes in place)"
        fix = f"write '{user} = {user} {op} ...' to make a new array"
    for origin, _ in sorted(expand(written), key=repr):
        if update is not None and not own.callee and origin in own.root_params \
                and origin not in own.inlined_args:
            # 'x op= ...' on the function's own argument: the update makes a new
            # value (the caller's array stays as it is, as it does for the copies
            # of arguments written by subscript), and the other arguments and
            # globals sharing its memory are refused when the code runs
            # (ensure_unshared); other names holding it are checked below
            continue
        if origin == "UNBOUND":
            continue   # a path where the name holds nothing: reading it raises there
        if origin in outside or origin not in facts.defined:
            owner = ((write.spelled or {}).get(origin, f"the caller's array {origin!r}")
                     if origin in outside
                     else facts.outside_values.get(origin)
                     or f"{origin!r}, defined outside the function")
            value = facts.resolve(origin) if facts.resolve is not None \
                and origin not in outside else None
            how = f"(through {how_held(facts, written, origin)})"
            if kind != "list" and isinstance(value, (list, dict)):   # a global list or dict
                noun = type(value).__name__
                return (f"{what} may change {owner}: {user!r} may hold that {noun} {how}, "
                        f"and s2sad writes only into {noun}s the function made",
                        f"make {user!r} a {noun} of its own right before the write: "
                        f"{user} = {noun}({user})")
            return (f"{what} may change {owner}: {user!r} may hold that array {how}, "
                    f"and s2sad writes only into arrays the function made", fix)
    # the arrays the write may reach themselves first, then names holding them
    reached = {origin for origin, _ in expand(written)}
    thing = "list" if kind == "list" else "array"
    for other, atom in sorted(others, key=lambda o: o[1] not in reached):
        if conflict(written, atom):
            how = f"(through {how_held(facts, written, atom)})"
            return (f"{what} may also change {other!r}, which is read later: {user!r} "
                    f"may hold the same {thing} as {other!r} {how}",
                    f"to leave {other!r} as it is, {fix}")
    return None


def op_symbol(op):
    """How the operator node ``op`` is spelled (``+``, ``**``...), "?" if unknown."""
    return {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.Pow: "**",
            gast.MatMult: "@", gast.FloorDiv: "//", gast.Mod: "%", gast.BitOr: "|",
            gast.BitAnd: "&", gast.BitXor: "^", gast.LShift: "<<",
            gast.RShift: ">>"}.get(type(op), "?")


def drop_statements(body, doomed):
    """Remove the statements whose id is in ``doomed`` from ``body`` and the bodies
    nested in it (in place: the normalizer's own output, not its input)."""
    body[:] = [stmt for stmt in body if id(stmt) not in doomed]
    for stmt in body:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                drop_statements(inner, doomed)


@dataclass(frozen=True)
class DictFacts:
    """What the walk found about dicts: the holds (see ``AliasFacts``), the item reads
    (``name -> (dict, key)``), the holds that put a value into a container
    (``(container, value)``), and the key of each ``(dict, value)`` (None: unknown;
    ``CONTENTS``: the old dict whose items a ``dict_set`` keeps), and the SSA names
    each loop defines (``loop key -> names``)."""
    holds: Any
    item_edges: Any
    container_edges: Any
    container_keys: Any
    loop_inside: Any = None


def dict_write_refusal(dict_writes, facts):
    """``(message, location, hint)`` for the first recorded dict item write
    ``(written, user, others, location)`` that another name read later may see, else
    None.  An item write into a dict is made a new dict in generated code: Python's
    write would change what that name reads, the new dict would not.  Names that
    hold the dict (a copy ``e = d``, a branch, a loop-carried value, a container
    holding it) count, and for a dict that is an item of another one (``d["a"]``,
    ``inner = outer["a"]``), the names that hold that other one or read the same
    item from it."""
    if not dict_writes:
        return None
    closure = _Closures(facts)
    for written, user, others, where in dict_writes:
        found = _dict_write_reader(facts, closure, written, others)
        if found is not None:
            other, reason, alias = found
            # the copy leaves the other name as it was: say so, and how to change both
            both = (f"bind it again after the write ({other} = {user})" if alias else
                    f"store the new dict back into it after the write (e.g. "
                    f"{other}[i] = {user} or {other}[i] = {{**{user}, key: value}}, in a "
                    f"loop over the indices i)")
            return (f"writing an item into {user!r} would also change {other!r}, which "
                    f"is read later: {reason} (through a copy, a branch, an earlier loop "
                    f"trip or a container), and s2sad writes dict items into a new dict",
                    where, f"make {user!r} a dict of its own before the write "
                           f"({user} = dict({user})), which leaves {other!r} as it was, or "
                           f"read {other!r} before it; to change {other!r} too, {both}")
    return None


class _Closures:
    """``closure(start, edges)``: the names reached from ``start`` over ``edges``
    (memoized), with the two edge sets of the dict checks: ``same`` (the very same
    object: copies, merges, carried values) and ``reach`` (those and the containers
    holding a value); an item read (``name = source[key]``) is neither."""

    def __init__(self, facts):
        self.same, self.reach = {}, {}
        for name, sources in facts.holds.items():
            for source, _ in sources:
                if facts.item_edges.get(name, (None,))[0] == source:
                    continue   # name = source[key]: an item, not the container
                self.reach.setdefault(name, set()).add(source)
                if (name, source) not in facts.container_edges:
                    self.same.setdefault(name, set()).add(source)
        self.cache = {}
        self.back = {(name, source): back for name, sources in facts.holds.items()
                     for source, back in sources if back is not None}
        # a dict made anew each time its statement runs, holding only the values it
        # was built from (a display, dict_set); names holding nothing are made by an
        # operation ({}), but an item read (e = xs[i], a for target) is not made
        self.fresh = {name for name, sources in facts.holds.items()
                      if all((name, s) in facts.container_edges for s, _ in sources)}
        self.held = frozenset(facts.holds)
        self.inside = {}
        for key, names in (facts.loop_inside or {}).items():
            for name in names:
                self.inside.setdefault(name, set()).add(key)

    def instances(self, start, edges):
        """The values ``start`` may hold over ``edges``, as ``(name, loops)``: the SSA
        name and, for a value made anew each time (see ``fresh``), the loops defining
        it whose earlier trips made it (reached back over a loop-carried value).  A
        fresh dict of an earlier trip is not this trip's (``q = {}`` at the top of
        each trip); any other value may be the same on every trip."""
        found, seen, todo = set(), set(), [(start, frozenset())]
        while todo:
            name, crossed = todo.pop()
            if (name, crossed) in seen:
                continue
            seen.add((name, crossed))
            made = name in self.fresh or name not in self.held
            found.add((name, crossed & frozenset(self.inside.get(name, ())) if made
                       else frozenset()))
            for source in edges.get(name, ()):
                back = self.back.get((name, source))
                todo.append((source, crossed | {back} if back is not None else crossed))
        return found

    def __call__(self, start, edges):
        found = self.cache.get((start, id(edges)))
        if found is not None:
            return found
        seen, todo = set(), [start]
        while todo:
            n = todo.pop()
            if n not in seen:
                seen.add(n)
                todo.extend(edges.get(n, ()))
        self.cache[(start, id(edges))] = frozenset(seen)
        return self.cache[(start, id(edges))]


def _dict_write_reader(facts, closure, written, others):
    """``(other, reason, alias)``: a name of ``others`` read after the write into the
    dict ``written`` that may hold that dict, or (for a dict that is an item of
    another) the same inner dict, and whether it may be that very dict (not a
    container holding it); else None.  The written dict's own check counts a dict
    made anew on each trip of a loop apart from the one an earlier trip made."""
    same, reach = closure.same, closure.reach
    # the written dict itself: the values it may be, each of this trip or an earlier one
    mine = {(n, loops) for n, loops in closure.instances(written, same) if n not in same}
    todo, done = [(frozenset(closure(written, same)), None)], []
    while todo:
        objects, key = todo.pop()
        if (objects, key) in done:
            continue
        done.append((objects, key))
        for other, atom in others:
            if atom == written or (closure.instances(atom, reach) & mine if not done[1:]
                                   else closure(atom, reach) & objects):
                # (a dict read out of a container ``other`` holds: stored back into it)
                held = closure(atom, reach)
                alias = not any(m in facts.item_edges
                                and held & closure(facts.item_edges[m][0], same)
                                for m in objects)
                return other, f"{other!r} may hold that dict", alias
            if key is not None and any(
                    _sibling(facts, m, key, closure, same) for m in closure(atom, reach)):
                return other, f"{other!r} may hold the same inner dict", False
        for m in objects:
            if m in facts.item_edges:   # an item of another dict: protect that one
                parent, item_key = facts.item_edges[m]
                parents = frozenset(closure(parent, same))
                todo.append((parents, None))
                todo.append((objects, (parents, item_key)))
                # and the value the parent was given under that key is this dict
                held = _children(facts, parents, item_key, closure, same)
                if held - objects:
                    todo.append((frozenset(objects | held), key))
    return None


def _sibling(facts, name, key, closure, same):
    """Is ``name`` read as an item of one of the dicts ``key[0]``, under the key
    ``key[1]`` (either key unknown counts)?"""
    if name not in facts.item_edges:
        return False
    parent, item_key = facts.item_edges[name]
    return bool(closure(parent, same) & key[0]) and (
        None in (item_key, key[1]) or item_key == key[1])


def _children(facts, parents, key, closure, same):
    """The values the dicts ``parents`` may hold under ``key`` (None: any key), each
    with the values that are the same object: what ``parent[key]`` may be."""
    found, todo, seen = set(), list(parents), set()
    while todo:
        parent = todo.pop()
        if parent in seen:
            continue
        seen.add(parent)
        for (container, held), under in facts.container_keys.items():
            if container != parent:
                continue
            if under is CONTENTS:   # dict_set's old dict: its items, bar the new key
                todo.extend(closure(held, same))
            elif under is None or key is None or under == key:
                found |= closure(held, same)
        for container, held in facts.container_edges:
            if container == parent and (container, held) not in facts.container_keys:
                found |= closure(held, same)   # a list or tuple: any item
    return found
