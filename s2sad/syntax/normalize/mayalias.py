"""May two SSA values share memory, on some path?  The may-alias facts, as data.

Input: an :class:`AliasFacts`, the "holds" the normalizer records while it walks
the function (``name -> [(source, loop or None), ...]``: ``name`` may hold what
``source`` holds, a copy, a merge of branches, a loop-carried value, a view, an
item of a container, a helper's result), with the loops' carried names and the
SSA names each loop defines, and the facts about lists and calls.

Output: :func:`origins` returns two functions, ``conflict(a, b)`` and
``expand(a)``; the others return sets of holds or a refusal's ``(message,
hint)``.  Nothing here changes the facts it is given.
"""

from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, List, Set

#: the key under which ``dict_set(old, ...)`` holds ``old``: all of old's items
CONTENTS = object()


@dataclass(frozen=True)
class AliasFacts:
    """What the walk found about which value may hold which (see the module
    docstring); the containers are read, never changed."""
    holds: Dict[str, List[Any]]            # SSA name -> [(source, back loop or None)]
    loop_carried: Dict[int, List[str]]     # loop key -> its carried SSA names
    loop_inside: Dict[int, Set[str]]       # loop key -> SSA names defined in it
    maybe_links: Set[Any]                  # (name, source): a view or a copy, decided at run time
    call_holds: Dict[str, Set[str]]        # a user function's result -> arguments it may hold
    list_items: Dict[str, Set[str]]        # SSA name of a list -> SSA names of its items
    list_copies: Set[Any]                  # (new list, list): holds the other's items, not it
    defined: Set[str]                      # SSA names the function defines
    # values defined outside the function a helper's result may be -> their description
    outside_values: Dict[str, str] = field(default_factory=dict)
    # a name defined outside the function -> its value now, or None (for messages)
    resolve: Any = None
    # the results of user helpers whose generated call returns what Python's returns
    # (the argument itself): sharing through them is decided when the code runs
    same_calls: FrozenSet[str] = frozenset()
    # the result of a call that may return its argument (np.asarray) -> the callee spelled
    returning_calls: Dict[str, str] = field(default_factory=dict)


def origins(facts, skip=frozenset()):
    """``conflict(a, b)``: may the SSA values ``a`` and ``b`` share memory, on some
    path?  And ``expand(a)``: the values ``a`` may hold, each named by the SSA name
    that made it (an operation, a parameter, a global) and the loops whose earlier
    trips made it.  ``skip``: holds ``(name, source)`` left out.

    Every path counts: both branches of an ``if`` (conditional expressions and
    ``and``/``or`` included), every trip of a loop, views, containers and helper
    results.  A loop-carried name stands for "what it holds as this trip starts"
    (a *slot*).  A value made in a loop and carried to its next trip is not the
    one the next trip makes (``c = b * 2; c[0] = v; b = c`` writes into a new
    array each trip), so it is marked with that loop.  When a loop's carried
    names start with values that share no memory, and each trip ends with each
    holding either a value the trip made or what one of them held as it started,
    no two of them holding the same, they never share memory with each other
    (``a, b = b, a`` in a loop, ping-pong buffers).
    """
    slot_loop = {name: key for key, names in facts.loop_carried.items() for name in names}
    holds = {name: [(s, b) for s, b in sources if (name, s) not in skip]
             for name, sources in facts.holds.items()}
    holds = {name: sources for name, sources in holds.items() if sources}
    entries, ends = {}, {}
    for name, sources in holds.items():
        if name in slot_loop:
            entries[name] = [s for s, back in sources if back is None]
            ends[name] = [s for s, back in sources if back is not None]
    tokens = _token_table(holds, slot_loop)
    expanded = _expand_slots(slot_loop, entries, ends, tokens, facts.loop_inside)

    def of_token(token):
        return _of_token(token, expanded)

    distinct = _distinct_loops(facts, slot_loop, entries, ends, tokens, of_token)

    def expand(name):
        return set().union(set(), *(of_token(t) for t in tokens(name)))

    def conflict(a, b):
        mine, theirs = tokens(a), tokens(b)
        if mine & theirs:
            return True
        for one in mine:
            for other in theirs:
                if one[0] == other[0] == "slot" and slot_loop[one[1]] in distinct \
                        and slot_loop[one[1]] == slot_loop[other[1]]:
                    continue   # two carried names of a loop that keeps them apart
                if of_token(one) & of_token(other):
                    return True
        return False

    return conflict, expand


def _token_table(holds, slot_loop):
    """``tokens(name)``: what ``name`` holds directly, as tokens ``("slot", carried
    name)`` or ``("made", SSA name)``, found by following ``holds`` (memoized; the
    names of ``holds`` and the slots are looked up first, in order)."""
    direct = {}

    def tokens(name, seen=()):
        if name in direct:
            return direct[name]
        if name in slot_loop:
            found = {("slot", name)}
        elif name not in holds:
            found = {("made", name)}
        elif name in seen:
            return set()
        else:
            found = set()
            for source, _ in holds[name]:
                found |= tokens(source, seen + (name,))
        direct[name] = found
        return found

    for name in list(holds) + list(slot_loop):
        tokens(name)
    return tokens


def _of_token(token, expanded):
    """The values ``(origin, loops)`` a token stands for."""
    kind, name = token
    if kind == "made":
        return {(name, frozenset())}
    return expanded.get(name, set())


def _expand_slots(slot_loop, entries, ends, tokens, loop_inside):
    """``carried name -> {(origin, loops)}``: a slot holds what its entry value holds,
    or, from an earlier trip, what the end of a trip gave it (the loop's own values
    marked with the loop); grown until nothing changes."""
    expanded = {}
    changed = True
    while changed:
        changed = False
        for name, key in slot_loop.items():
            value = set(expanded.get(name, ()))
            for source in entries.get(name, ()):
                for token in tokens(source):
                    value |= _of_token(token, expanded)
            for source in ends.get(name, ()):
                for token in tokens(source):
                    for origin, loops in _of_token(token, expanded):
                        if origin in loop_inside.get(key, ()):
                            loops = loops | {key}
                        value.add((origin, loops))
            if value != expanded.get(name, set()):
                expanded[name] = value
                changed = True
    return expanded


def _distinct_loops(facts, slot_loop, entries, ends, tokens, of_token):
    """The loops whose carried names never share memory with each other: they start
    apart, and each trip ends with each holding a value of its own trip or a slot."""
    distinct = set()
    for key, names in facts.loop_carried.items():
        starts = [set().union(*(of_token(t) for s in entries.get(n, ()) for t in tokens(s)))
                  for n in names]
        finals = [set().union(*(tokens(s) for s in ends[n])) if ends.get(n)
                  else {("slot", n)} for n in names]
        inside = facts.loop_inside.get(key, set())
        if all(kind == "slot" and slot_loop.get(n) == key or kind == "made" and n in inside
               for final in finals for kind, n in final) \
                and pairwise_disjoint(starts) and pairwise_disjoint(finals):
            distinct.add(key)
    return distinct


def pairwise_disjoint(sets):
    """Whether no two of ``sets`` meet."""
    seen = set()
    for one in sets:
        if seen & one:
            return False
        seen |= one
    return True


def list_item_edges(facts, written) -> FrozenSet[Any]:
    """The holds between the list ``written`` (and the versions of it it was made
    from: appends, item writes, copies) and its items, both ways: ``(list, item)``
    from a list to an item put into it, ``(item, list)`` from an item read out of it
    (``e = xs[i]``, ``a, b = xs``, ``for e in xs``) to the list.  Changing the list
    changes neither: an item is another object than the list holding it."""
    found, seen, todo, read_out = set(), set(), [written], set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        items = facts.list_items.get(current, ())
        for source, _ in facts.holds.get(current, ()):
            if source in items:
                found.add((current, source))
            else:
                todo.append(source)
        for item in items:
            if any(source == current for source, _ in facts.holds.get(item, ())):
                read_out.add((item, current))
    # (not the written list itself, nor a list it may be: the list it was read out of
    # holds it, and is changed with it)
    return frozenset(found | {(item, lst) for item, lst in read_out if item not in seen})


def list_from_outside(facts, written, user, outside):
    """(message, hint) when the list ``written`` may be one the function did not
    make (an argument not copied, a global, an inlined helper's argument, or a list
    inside one of those), else None.  The items a list holds are other objects:
    the search does not go into them."""
    seen, todo = set(), [written]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        sources = [s for s, _ in facts.holds.get(current, ())
                   if s not in facts.list_items.get(current, ())
                   and (current, s) not in facts.list_copies]
        if sources:
            todo.extend(sources)
        elif current != "UNBOUND" and (current in outside or current not in facts.defined):
            owner = (f"the caller's value {current!r}" if current in outside
                     else facts.outside_values.get(current)
                     or f"{current!r}, defined outside the function")
            return (f"changing the list {user!r} (by a list method or item assignment) "
                    f"may change {owner}: {user!r} may hold that list or one inside it, "
                    f"and s2sad changes only lists the function made",
                    f"make {user!r} a list of its own right before the change: "
                    f"{user} = list({user})")
    return None


def run_decides(facts, name):
    """Whether the values ``name`` may hold share memory in the generated code as
    in Python's call: none of them comes through a call of the user's function."""
    seen, todo = set(), [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if current in facts.call_holds and current not in facts.same_calls:
            return False
        todo.extend(s for s, _ in facts.holds.get(current, ()))
    return True


def decidable_links(facts) -> FrozenSet[Any]:
    """The maybe-links (see ``maybe_links``) whose sharing the generated code shows
    as Python's call would: not through the result of a call of the user's function
    (reverse mode passes a copy of an argument the function writes into)."""
    found = set()
    for name, source in facts.maybe_links:
        seen, todo, through_call = set(), [source], False
        while todo and not through_call:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            through_call = current in facts.call_holds and current not in facts.same_calls
            todo.extend(s for s, _ in facts.holds.get(current, ()))
        if not through_call:
            found.add((name, source))
    return frozenset(found)


#: what may make a name hold another's array, as a refusal says it when no path is found
ANY_WAY = ("a branch, a conditional expression, an earlier loop trip, a view, a container "
           "or a helper's result")


def how_held(facts, written, other):
    """In words, how the SSA value ``written`` may hold what ``other`` holds: the kinds
    of the holds on a shortest path between them (``"a branch or a conditional
    expression"``, ``"np.asarray, which may return its argument"``...), else
    :data:`ANY_WAY`."""
    goal, todo = {other}, [other]
    while todo:   # (what other holds: a value written may reach that way too)
        for source, _ in facts.holds.get(todo.pop(), ()):
            if source not in goal:
                goal.add(source)
                todo.append(source)
    parent, layer = {written: None}, [written]
    while layer and not goal.intersection(layer):
        following = []
        for name in layer:
            for source, back in facts.holds.get(name, ()):
                if source not in parent:
                    parent[source] = (name, back)
                    following.append(source)
        layer = following
    end = next((n for n in layer if n in goal), None)
    words = []
    while end is not None and parent[end] is not None:
        name, back = parent[end]
        said = _hold_words(facts, name, end, back)
        if said and said not in words:
            words.insert(0, said)
        end = name
    return " and ".join(words) if words else ANY_WAY


def _hold_words(facts, name, source, back):
    if back is not None:
        return "an earlier loop trip"
    if name in facts.call_holds and name not in facts.returning_calls:
        return "a helper's result"
    if name in facts.returning_calls:
        return f"{facts.returning_calls[name]}, which may return its argument"
    if (name, source) in facts.maybe_links:
        return "an item read (a view of an array, or an item of a container)"
    if source in facts.list_items.get(name, ()):
        return "a container"
    if len(facts.holds.get(name, ())) > 1:
        return "a branch or a conditional expression"
    return None
