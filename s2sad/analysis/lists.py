"""Lists a function changes in place, which both sweeps may change in place too.

:func:`in_place_appends`: the body of a normalized function in, ``{id(stmt):
chain}`` out for the statements that may change a list in place (see its
docstring); the body is not changed.
"""

import builtins

import gast

from ..rules import registry
from ..syntax import anno, nodes


def in_place_appends(primal, sets=False):
    """``{id(stmt): chain}`` for the statements that may change a list in place: in a
    loop, ``y = list_append(items, item)`` (``items.append(item); y = items``, its
    adjoint popping the item's adjoint off the list's), and ``y = list_delete(items,
    i, v)`` with the read ``v = items[i]`` just before it (``v = items.pop(i); y =
    items``, its adjoint putting ``v``'s adjoint back), the read included: O(1) per
    trip in both sweeps, not a copy of the list.  ``sets`` (forward mode, which has no
    backward sweep to give the items overwritten): ``y = index_set(items, i, v)`` and
    ``y = list_set(items, i, v)`` too (``items[i] = v; y = items``), the writes into
    a list adjoint of gradient code that forward over reverse differentiates, and
    ``y = list_insert(items, i, v)`` (the adjoint of a pop there).
    ``chain``: the SSA names of that list.

    Allowed when the list is one the function made before those loops (a literal,
    ``list(...)``, a copy of an argument, or a version of those; with ``sets``, a
    list adjoint made by ``list_bar``/``zeros_tree``), nothing but these changes,
    copies between its names, ``len`` reads, checks that another value does not share
    memory with it (``check_not_shared``) and, inside those loops, reads of one item
    of its newest version (``v = items[t]``: the same item in place as in a copy; its
    adjoint added into the list's, which has the same length there backward) use any
    of its names until the outermost loop around the changes ends (so neither sweep
    needs one of its earlier versions), and no item put in is the list itself.
    """
    if not _holds_loop(primal):
        return {}   # (only a change inside a loop is made in place: none without one)
    order, last = _in_order(primal)
    paired = _paired_reads(order)
    reads = {id(r) for r in paired.values()}
    changes = {id(s) for s, _ in order
               if _is_append(s) or id(s) in paired or sets and _is_set(s)}
    fresh = _fresh_list if not sets else _fresh_list_or_adjoint
    found = {}
    for stmt, loops in order:
        if id(stmt) not in changes or not loops or id(stmt) in found:
            continue
        chain = _chain(stmt, order, changes)
        mine = [(a, ls) for a, ls in order
                if id(a) in changes and a.value.args[0].id in chain]
        if any(not ls for _, ls in mine):
            continue
        end = max(last[id(ls[0])] for _, ls in mine)
        start = min(index for index, (a, _) in enumerate(order)
                    if any(a is ls[0] for _, ls in mine))
        ok = all(a.value.args[-1].id not in chain for a, _ in mine
                 if (_is_append(a) or _is_set(a)) and isinstance(a.value.args[-1], gast.Name))
        if ok and _owned_until(chain, order, changes, reads, (start, end), fresh):
            for a, _ in mine:
                found[id(a)] = chain
                if id(a) in paired:
                    found[id(paired[id(a)])] = chain
    return found


def _holds_loop(stmts):
    """Whether ``stmts`` hold a ``for`` or ``while`` loop (at any depth of their ``if``s)."""
    return any(s.__class__ is gast.For or s.__class__ is gast.While or s.__class__ is gast.If
               and (_holds_loop(s.body) or _holds_loop(s.orelse)) for s in stmts)


def changes_end_before(primal, in_place, chain, loop_ids):
    """Whether every loop of ``loop_ids`` (ids of loops of ``primal``) starts after the
    last statement of the outermost loops around the in-place changes of the list
    ``chain`` (``in_place``: :func:`in_place_appends`' answer): the list is no longer
    changed in place when they run, so a version of it they save is its last."""
    order, last = _in_order(primal)
    mine = {key for key, names in in_place.items() if frozenset(names) == chain}
    end = max((last[id(loops[0])] for stmt, loops in order if id(stmt) in mine and loops),
              default=-1)
    starts = {id(stmt): index for index, (stmt, _) in enumerate(order)
              if id(stmt) in loop_ids}
    return len(starts) == len(loop_ids) and all(index > end for index in starts.values())


def _in_order(primal):
    """``(order, last)``: every statement with the loops around it, in source order;
    and, by ``id`` of each loop, the index in ``order`` of its last statement."""
    order = []

    def visit(stmts, loops):
        for stmt in stmts:
            order.append((stmt, loops))
            if isinstance(stmt, gast.If):
                visit(stmt.body, loops)
                visit(stmt.orelse, loops)
            elif isinstance(stmt, (gast.For, gast.While)):
                visit(stmt.body, loops + (stmt,))
    visit(primal, ())
    del visit   # (a recursive closure is a cycle: broken, the tree it reads is freed at once)
    last = {}
    for index, (stmt, loops) in enumerate(order):
        for loop in loops:
            last[id(loop)] = index
    return order, last


def _paired_reads(order):
    """``{id(list_delete statement): its read v = items[i]}`` (the read just before)."""
    paired = {}
    for index, (stmt, _) in enumerate(order):
        if _assigns_call(stmt) and len(stmt.value.args) == 3 and index \
                and anno.get(stmt.value, anno.CALLEE) is registry.LIST_HELPERS.get(
                    "list_delete"):
            items, position, item = stmt.value.args
            read = order[index - 1][0]
            if isinstance(items, gast.Name) and isinstance(item, gast.Name) \
                    and isinstance(read, gast.Assign) \
                    and isinstance(read.targets[0], gast.Name) \
                    and read.targets[0].id == item.id \
                    and isinstance(read.value, gast.Subscript) \
                    and isinstance(read.value.value, gast.Name) \
                    and read.value.value.id == items.id \
                    and isinstance(position, gast.Constant) \
                    and isinstance(position.value, int) \
                    and gast.dump(read.value.slice) == gast.dump(position):
                paired[id(stmt)] = read
    return paired


def _chain(stmt, order, changes):
    """The names of the list ``stmt`` changes: closed under copies and changes."""
    chain = {stmt.targets[0].id, stmt.value.args[0].id}
    grown = True
    while grown:
        grown = False
        for other, _ in order:
            if _is_copy(other) or id(other) in changes:
                pair = {other.targets[0].id, (other.value if _is_copy(other)
                                              else other.value.args[0]).id}
                if pair & chain and not pair <= chain and "UNBOUND" not in pair:
                    chain |= pair
                    grown = True
    return chain


def _owned_until(chain, order, changes, reads, span, fresh):
    """Whether the list ``chain`` is one the function made (before the loops changing
    it, which span ``order[start:end + 1]``; ``fresh``: the callees making a new list)
    and nothing else reads it until ``end``."""
    start, end = span
    for index, (other, _) in enumerate(order):
        if isinstance(other, gast.Assign) and isinstance(other.targets[0], gast.Name) \
                and other.targets[0].id in chain and not (
                    _is_copy(other) or id(other) in changes
                    or isinstance(other.value, gast.List)
                    or (isinstance(other.value, gast.Call) and fresh(anno.get(
                        other.value, anno.CALLEE)))):
            return False   # a list the function may not own (or not a list)
        if isinstance(other, gast.Assign) and isinstance(other.targets[0], gast.Name) \
                and other.targets[0].id in chain and not (
                    _is_copy(other) or id(other) in changes) and start <= index <= end:
            # a list made again inside the loops that change it: the backward sweep
            # needs the zeros of the list it replaces, an earlier version
            return False
        if _is_copy(other) and other.value.id in chain or id(other) in changes \
                and other.value.args[0].id in chain or _is_len(other) or id(other) in reads:
            continue
        if start <= index <= end and _reads_newest_item(other, index, order, changes, chain) \
                or _checks_sharing(other, chain):
            continue
        if isinstance(other, (gast.If, gast.While)):
            read = other.test
        elif isinstance(other, gast.For):
            read = other.iter
        else:
            read = other
        loads = {n.id for n in nodes.names(read) if isinstance(n.ctx, gast.Load)}
        if loads & chain and index <= end:
            return False
    return True


def _reads_newest_item(stmt, index, order, changes, chain):
    """``v = items[i]`` (``i`` an int or a name) at ``order[index]``, ``items`` a name of
    ``chain`` that no change before it took (and no assignment made again since)."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Subscript)
            and isinstance(stmt.value.value, gast.Name)
            and stmt.value.value.id in chain):
        return False
    position = stmt.value.slice
    if not (isinstance(position, gast.Name) or isinstance(position, gast.Constant)
            and type(position.value) is int):
        return False
    items = stmt.value.value.id
    for other, _ in reversed(order[:index]):
        if isinstance(other, gast.Assign) and isinstance(other.targets[0], gast.Name) \
                and other.targets[0].id == items:
            return True   # made again since (a carried copy)
        if id(other) in changes and other.value.args[0].id == items:
            return False   # an older version than the list's: its items may differ
    return True


def _checks_sharing(stmt, chain):
    """``ok = check_not_shared(items, other, ...)`` with ``other`` not a name of the list:
    whether ``other`` shares memory with the list is the same in place."""
    return _assigns_call(stmt) and len(stmt.value.args) > 1 \
        and anno.get(stmt.value, anno.CALLEE) is registry.runtime_helper("check_not_shared") \
        and isinstance(stmt.value.args[1], gast.Name) and stmt.value.args[1].id not in chain


def _assigns_call(stmt):
    """``name = call(...)``."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Call)


def _is_append(stmt):
    """``y = list_append(items, item)`` of two names."""
    return _assigns_call(stmt) and len(stmt.value.args) == 2 \
        and anno.get(stmt.value, anno.CALLEE) in registry.LIST_APPEND \
        and all(isinstance(a, gast.Name) for a in stmt.value.args)


def _is_set(stmt):
    """``y = index_set(items, i, v)``, ``y = list_set(items, i, v)`` or ``y =
    list_insert(items, i, v)`` (``items`` a name, ``v`` a name or a constant)."""
    return _assigns_call(stmt) and len(stmt.value.args) == 3 \
        and isinstance(stmt.value.args[0], gast.Name) \
        and isinstance(stmt.value.args[2], (gast.Name, gast.Constant)) \
        and anno.get(stmt.value, anno.CALLEE) in (registry.runtime_helper("index_set"),
                                                  registry.LIST_HELPERS.get("list_set"),
                                                  registry.LIST_HELPERS.get("list_insert"))


def _is_copy(stmt):
    """``a = b``."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Name)


def _is_len(stmt):
    """``n = len(...)``."""
    return _assigns_call(stmt) and len(stmt.value.args) == 1 \
        and anno.get(stmt.value, anno.CALLEE) is builtins.len


def _fresh_list(fn):
    """list(xs), a copy of an argument, a new version of a list."""
    return fn is builtins.list or fn is registry.LIST_HELPERS.get("copy_container") \
        or fn in registry.LIST_RESULTS


def _fresh_list_or_adjoint(fn):
    """:func:`_fresh_list`, or the new list adjoint gradient code makes (``list_bar``,
    ``zeros_tree``: forward mode's ``list_push``/``list_put`` copy what is no list)."""
    return _fresh_list(fn) or fn in (registry.runtime_helper("list_bar"),
                                     registry.runtime_helper("zeros_tree"))
