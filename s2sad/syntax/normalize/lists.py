"""Lists the user's code changes: which names change, and each change as a new list.

The module functions take gast trees (a statement, a loop, the function) and
return sets of user names: the names a list method or an item write changes.

:class:`ListChanges` is the normalizer's collaborator for the changes themselves:
``xs.append(v)`` becomes a new version of the list (``xs_1 = list_append(xs,
v)``) that every name holding the same list follows, ``xs[i:j] = ys`` a new list
built from slices; each change is recorded with the write checks (a name that
only may hold the list is refused where it is read later).  Its own state is the
set of tuple parameters (a change of a tuple is refused).  Of the walk
(``walk``, the normalizer) it reads ``env``, ``locals``, ``parsed``, ``dicts``,
``same_object``, the recorder ``aliases`` and the write checks ``writes``; it
calls ``scope.read_name``, ``flat`` (``atom``, ``operation``, ``helper_call``),
``error`` and ``namer.fresh``.
"""

import gast

from ...rules import registry
from .. import nodes
from ..printer import expr
from .dictpop import dict_pop


def list_mutation(node):
    """``xs.append(v)``, ``xs.extend(ys)``, ``xs.insert(i, v)``, ``xs.pop()`` or
    ``xs.pop(i)`` on a plain name, with positional arguments."""
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
            and isinstance(node.func.value, gast.Name) and not node.keywords
            and (node.func.attr, len(node.args)) in LIST_METHOD_ARITY)


LIST_METHOD_ARITY = {("append", 1), ("extend", 1), ("insert", 2), ("pop", 0), ("pop", 1),
                     ("pop", 2)}   # (d.pop(key, default): a dict's)


def list_extensions(tree, walked=None):
    """User names ``tree`` updates by ``name += ...`` or ``name *= ...`` (a list's in
    place); ``walked``: ``nodes.walk(tree)`` when the caller has it."""
    return {n.target.id for n in walked or nodes.walk(tree) if n.__class__ is gast.AugAssign
            and isinstance(n.op, (gast.Add, gast.Mult)) and isinstance(n.target, gast.Name)}


def mutated_lists(tree, extra=(), walked=None):
    """User names a list method changes in ``tree`` (and ``extra``), and the names
    copied to or from them (``b = a``), which hold the same list; ``walked``:
    ``nodes.walk(tree)`` when the caller has it."""
    walked = walked or nodes.walk(tree)
    found = {n.func.value.id for n in nodes.of_class(walked, gast.Call)
             if list_mutation(n)} | set(extra)
    copies = [(t.id, n.value.id) for n in nodes.of_class(walked, gast.Assign)
              if n.value.__class__ is gast.Name
              for t in n.targets if t.__class__ is gast.Name]
    return closed_under_copies(found, copies)


def closed_under_copies(names, copies):
    """``names`` with every name a copy ``a = b`` (a pair of ``copies``) joins to one of
    them, in either direction, until nothing more joins."""
    found = set(names)
    changed = bool(found)
    while changed:
        changed = False
        for a, b in copies:
            if (a in found) != (b in found):
                found |= {a, b}
                changed = True
    return found


class ListChanges:
    """The list changes of one function's walk (see the module docstring)."""

    def __init__(self, walk, tuple_params):
        self.walk = walk
        self.tuple_params = frozenset(tuple_params)
        #: a list's version a change in place replaced -> (the statement, the change):
        #: read later in that statement, it would be the list as it was (refused)
        self.superseded = {}

    def list_stores(self, tree):
        """User names written by subscript in ``tree`` (xs[i] = v), or extended by
        ``xs += ys``, that hold a list now."""
        names = {n.value.id for n in nodes.walk(tree)
                 if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store)
                 and isinstance(n.value, gast.Name)}
        names |= list_extensions(tree)
        return {u for u in names if isinstance(self.walk.env.get(u), gast.Name)
                and self.walk.env[u].id in self.walk.aliases.list_values}

    def changed_lists(self):
        """User names a list method or an item assignment may change, and the names
        copied to or from them."""
        tree = self.walk.parsed.node
        return mutated_lists(tree, self.list_stores(tree) | self.lists_changed_through(tree))

    def lists_changed_through(self, tree):
        """User names holding a list now that ``tree`` may change through a name it
        binds to the list later (``u = t`` then ``u[i] = v`` or ``u += [v]``, in a loop
        body where ``u`` holds nothing yet as the loop starts)."""
        stored = {n.value.id for n in nodes.walk(tree) if isinstance(n, gast.Subscript)
                  and isinstance(n.ctx, gast.Store) and isinstance(n.value, gast.Name)}
        through = mutated_lists(tree, stored | list_extensions(tree))
        return {u for u in through if isinstance(self.walk.env.get(u), gast.Name)
                and self.walk.env[u].id in self.walk.aliases.list_values}

    def changed_while_looped(self, loop, written, sequences, carried):
        """The positions of the sequences a ``for`` loop runs over that are lists its
        body writes items into (through any name holding them): Python's loop reads
        such a list's item as each trip starts, so those trips read the list's current
        value.  A body that changes such a list's length (append, pop, insert, extend,
        +=), or binds its name to another value while writing into it, is refused."""
        live = set()
        body = loop.body + loop.orelse
        inside = [n for stmt in body for n in nodes.walk(stmt)]
        copies = [(t.id, n.value.id) for n in inside if isinstance(n, gast.Assign)
                  and isinstance(n.value, gast.Name) for t in n.targets
                  if isinstance(t, gast.Name)]
        for k, (node, sequence) in enumerate(zip(written, sequences)):
            if not (isinstance(node, gast.Name) and node.id in carried
                    and isinstance(sequence, gast.Name)
                    and sequence.id in self.walk.aliases.list_values):
                continue
            group = closed_under_copies({u for u, a in self.walk.env.items()
                                          if isinstance(a, gast.Name) and a.id == sequence.id}
                                         | {node.id}, copies)
            sized = [n for n in inside if list_mutation(n)
                     and n.func.value.id in group] + [
                     n for n in inside if isinstance(n, gast.AugAssign)
                     and isinstance(n.target, gast.Name) and n.target.id in group]
            if sized:
                raise self.walk.error(
                    f"this loop runs over the list {node.id!r} and its body changes the "
                    f"list's length: s2sad does not follow a list that grows or shrinks "
                    f"while a loop runs over it", sized[0],
                    hint=f"loop over a copy (for ... in list({node.id})) if the loop should "
                         f"see the items as they were, or loop over the positions with a "
                         f"while loop (i = 0; while i < len({node.id}): ...)")
            items_written = [n for n in inside if isinstance(n, gast.Subscript)
                             and isinstance(n.ctx, gast.Store)
                             and isinstance(n.value, gast.Name) and n.value.id in group]
            if not items_written:
                continue   # the name is only bound to another value: the loop ignores that
            rebound = [n for n in nodes.names(body) if isinstance(n.ctx, gast.Store)
                       and n.id == node.id]
            if rebound:
                raise self.walk.error(
                    f"this loop runs over the list {node.id!r}, and its body both writes "
                    f"items into that list and binds {rebound[0].id!r} to a value: which "
                    f"list each step reads is not followed", rebound[0],
                    hint=f"loop over a copy (for ... in list({node.id})) or use another "
                         f"name for the other value")
            live.add(k)
        return live

    def list_method(self, call, target=None):
        """``xs.append(v)``, ``xs.extend(ys)``, ``xs.insert(i, v)``, ``xs.pop(i)``: a new
        version of the list (``xs_1 = list_append(xs, v)``...) that every name holding
        the list follows; ``xs.pop(i)`` reads ``xs[i]`` first and returns its name."""
        owner, method = call.func.value.id, call.func.attr
        if method == "pop" and call.args and self.walk.dict_writes.holds_dict(owner):
            return dict_pop(self.walk.dict_writes, call, target)   # d.pop(k), d.pop(k, v)
        if owner not in self.walk.env and owner not in self.walk.locals:
            what = "appending to" if method == "append" else f"calling .{method}() on"
            raise self.walk.error(
                f"{what} {owner!r}, which is not a local name, would change a list outside "
                f"the function (Python keeps the change there; the derivative cannot "
                f"follow it)", call,
                hint=f"build a local list (items = list({owner}); items.{method}(...)), "
                     f"or move the call outside the function you differentiate")
        # the arguments first: a change of the list in them (xs.append(xs.pop(0))) is
        # one the method sees, as in Python (its object is read first, but it is the same)
        args = [self.walk.flat.atom(a) for a in call.args]
        items = self.walk.scope.read_name(owner, call.func.value)
        self.refuse_tuple_change(owner, items, call, f"has no .{method}() method",
                                 "AttributeError")
        popped = None
        if method == "append":
            helper, args = "list_append", [items] + args
        elif method == "extend":
            helper, args = "list_extend", [items] + args
        elif method == "insert":
            helper, args = "list_insert", [items] + args
        else:
            index = args[0] if args else nodes.const(-1)
            if isinstance(index, gast.Constant) and not isinstance(index.value, int) \
                    or isinstance(items, gast.Name) and items.id in self.walk.dicts \
                    or len(args) > 1:
                key = getattr(index, "value", getattr(index, "id", "..."))
                raise self.walk.error(f"{owner}.pop({key!r}{', ...' if len(args) > 1 else ''})"
                                      f": s2sad differentiates .pop() of a list (by position) "
                                      f"and of a dict the code shows to be one", call,
                                      hint=f"make {owner} a dict where it is bound "
                                           f"({owner} = dict(...)) if it is one")
            popped = self.read_item(items, index, target, owner)
            helper, args = "list_delete", [items, nodes.clone(index), popped]
        fn = registry.LIST_HELPERS[helper]
        new = self.walk.flat.helper_call(fn, helper, args, owner)
        self.walk.aliases.list_values.add(new)
        if isinstance(items, gast.Name):
            list_items = self.walk.aliases.list_items
            list_items[new] = set(list_items.get(items.id, ()))
            list_items[new].update(a.id for a in args[1:] if isinstance(a, gast.Name))
        self.follow_list(owner, items, new, call)
        for held in args[:1] + args[-1:]:   # the list holds its items (and the old list's)
            if isinstance(held, gast.Name) and method != "pop":
                self.walk.aliases.link(new, held.id)
        return None if popped is None else popped.id

    def read_item(self, items, index, target, owner):
        """Emit ``<target's new version, or a fresh name> = items[index]`` (atoms already
        normalized: read once) and return its Name."""
        walk = self.walk
        read = gast.Subscript(value=nodes.clone(items), slice=nodes.clone(index),
                              ctx=gast.Load())
        name = walk.scope.new_version(target) if target else walk.namer.fresh(f"{owner}_item")
        walk.emit(nodes.assign(name, read))
        walk.defined.add(name)
        walk.aliases.track_views(name, read)
        return nodes.name(name)

    def refuse_stale_read(self, stmt):
        """Refuse ``stmt`` (about to be emitted) where it reads a version of a list that a
        change in place made earlier in the same statement replaced: an expression holding
        the list while a later part of it changes the list (``h(xs, xs.pop())``,
        ``[xs, xs.pop()]``): Python's holds the changed list."""
        statement = self.walk.writing.statement
        stale = {k: v for k, v in self.superseded.items() if v[0] is statement}
        self.superseded = stale
        value = getattr(stmt, "value", None)
        if not stale or value is None:
            return
        for node in nodes.names(value):
            if node.id in stale and isinstance(node.ctx, gast.Load):
                change = stale[node.id][1]
                owner, method = (change.func.value.id, change.func.attr) if isinstance(
                    change, gast.Call) and isinstance(change.func, gast.Attribute) \
                    and isinstance(change.func.value, gast.Name) else ("xs", "pop")
                raise self.walk.error(
                    f"this statement holds the list {owner!r} while a later part of it "
                    f"changes the list in place: Python's value is the changed list, which "
                    f"s2sad does not follow within one expression", change,
                    hint=f"make the change a statement of its own before the expression "
                         f"(v = {owner}.{method}(...), then the expression reading {owner} "
                         f"and v): Python reads that the same way")

    def list_slice_store(self, target, current, value_atom):
        """``xs[i:j] = ys`` on a list: the list becomes ``xs[:i] + list(ys) + xs[j:]``
        (its length may change), a new version every name holding it follows."""
        base = target.value.id
        lower, upper = target.slice.lower, target.slice.upper
        bounds = [-b.operand.value if isinstance(b, gast.UnaryOp)
                  and isinstance(b.op, gast.USub) and isinstance(b.operand, gast.Constant)
                  else b.value if isinstance(b, gast.Constant) else b
                  for b in (lower, upper) if b is not None]
        if not all(type(b) is int for b in bounds) or len(bounds) == 2 and (
                (bounds[0] < 0) != (bounds[1] < 0) or bounds[1] < bounds[0]):
            raise self.walk.error(
                f"s2sad follows a slice assignment into the list {base!r} with constant "
                f"bounds of one sign, in order ({base}[1:3] = ..., {base}[:-1] = ...)",
                target, hint=f"build the new list: {base} = {base}[:i] + list(...) + "
                             f"{base}[j:]")
        temp = self.walk.namer.fresh("items")   # the right side, read back by name below
        self.walk.env[temp] = value_atom

        def name(id_):
            return gast.copy_location(gast.Name(id=id_, ctx=gast.Load(), annotation=None,
                                                type_comment=None), target)

        def part(lower, upper):
            read = gast.Subscript(value=name(base), slice=gast.Slice(
                lower=lower, upper=upper, step=None), ctx=gast.Load())
            return gast.copy_location(read, target)

        middle = gast.copy_location(gast.Call(func=nodes.builtin("list"), args=[name(temp)],
                                              keywords=[]), target)
        whole = middle
        if lower is not None:
            whole = gast.copy_location(gast.BinOp(left=part(None, lower), op=gast.Add(),
                                                  right=whole), target)
        if upper is not None:
            whole = gast.copy_location(gast.BinOp(left=whole, op=gast.Add(),
                                                  right=part(upper, None)), target)
        new = self.walk.flat.operation(whole, base=f"{base}_new")
        self.walk.env.pop(temp, None)
        self.walk.aliases.list_values.add(new)
        self.walk.aliases.list_items[new] = set(self.walk.aliases.list_items.get(current.id, ()))
        self.walk.aliases.hold(new, current.id)
        self.walk.aliases.list_copies.add((new, current.id))
        self.follow_list(base, current, new, target)

    def reorder_error(self, stmt):
        """The refusal of ``xs.reverse()`` or ``xs.sort(...)`` on a list ``xs`` (a
        statement), with a spelling s2sad differentiates, or None for any other."""
        call = stmt.value
        func = call.func
        if not (isinstance(func, gast.Attribute) and func.attr in ("reverse", "sort")
                and isinstance(func.value, gast.Name) and not call.args):
            return None
        name = func.value.id
        current = self.walk.env.get(name)
        if not (isinstance(current, gast.Name) and current.id in self.walk.aliases.list_values
                or func.attr == "reverse" and not call.keywords):   # (no array has .reverse)
            return None   # (an array's a.sort(): see views.writes_in_place)
        words = {kw.arg: kw.value for kw in call.keywords}
        if func.attr == "reverse" and not words:
            hint = f"write {name} = {name}[::-1]: a new list, reversed"
        elif func.attr == "sort" and not words:
            hint = f"write {name} = sorted({name}): a new list, sorted"
        elif func.attr == "sort" and set(words) <= {"key", "reverse"}:
            spelled = "".join(f", {k}={expr(v, 0)}" for k, v in words.items())
            hint = f"write {name} = sorted({name}{spelled}): a new list, sorted the same way"
        else:
            hint = (f"sort the list outside the differentiated function, or write {name} = "
                    f"sorted({name}, ...) with the same key= and reverse=")
        return self.walk.error(f"'{name}.{func.attr}()' changes the list {name!r} in place, "
                               f"which s2sad does not follow", stmt, hint=hint)

    def refuse_tuple_change(self, user, current, node, what, python_error):
        """Refuse a change of a tuple argument (known from the arguments' structure):
        Python raises ``python_error`` there, so there is nothing to differentiate."""
        if isinstance(current, gast.Name) and current.id in self.tuple_params:
            raise self.walk.error(
                f"{user!r} holds the tuple passed as {current.id!r}, and a tuple {what} "
                f"(Python raises {python_error} here)", node,
                hint=f"build a list of its items first ({user} = list({user})), or a new "
                     f"tuple ({user} = {user}[:i] + (value,) + {user}[i + 1:])")

    def follow_list(self, owner, old, new, node):
        """After a change of the list ``old`` through the name ``owner`` (now ``new``):
        every name that holds the same list holds the new one, as in Python.  A name
        that only may hold it (through a branch, a container, a loop) is refused where
        it is read later (see record_write)."""
        self.walk.env[owner] = nodes.name(new)
        if isinstance(old, gast.Name):
            same, todo = set(), [old.id]
            while todo:
                current = todo.pop()
                if current not in same:
                    same.add(current)
                    todo.extend(self.walk.same_object.get(current, ()))
            # (checked before the names holding the same list follow it: those are fine)
            self.walk.writes.record_write(old.id, node, owner, kind="list", same=same)
            statement = self.walk.writing.statement
            self.superseded.update((version.id, (statement, node)) for version in
                                   [old] + [a for a in self.walk.env.values()
                                            if isinstance(a, gast.Name) and a.id in same])
            for user, atom in list(self.walk.env.items()):
                if user != owner and isinstance(atom, gast.Name) and atom.id in same:
                    self.walk.env[user] = nodes.name(new)
