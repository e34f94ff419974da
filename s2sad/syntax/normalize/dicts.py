"""Dicts in the user's code: which names hold one, and item writes as new dicts.

The module functions take gast trees and normalized keys and return plain values
(sets of names, a key's constant value).

:class:`DictWrites` is the normalizer's collaborator for item writes into dicts:
``d[k] = v`` becomes a new dict (``d_1 = dict_set(d, k, v)``) that the names
certain to hold the same dict follow (and the dicts holding it under a constant
key, up the chain); the names that only may hold it are recorded with the write
checks, refused at the end if read later.  ``d[k] op= v`` reads the item, makes
a new value and stores it, with the run-time checks of an update in place.  Its
own state: the dict parameters never rebound, the dicts comprehensions fill (and
those being filled now), the cache of the names each tree shows to be dicts.  Of
the walk (``walk``, the normalizer) it reads ``env``, ``params``, ``callee``,
``inlined_args``, ``defined``, ``loop_stack``, ``dicts``, ``iterators``,
``parsed``, the recorder ``aliases`` and the write checks ``writes``; it calls
``flat`` (``atom``, ``index``, ``helper_call``), ``scope.read_name``,
``assigns.store``, ``emit``, ``error`` and ``namer.fresh``.
"""

import ast
from typing import Dict, Set

import gast

from ...analysis.type_tests import TYPE_TEST_NAMES
from ...rules import registry
from .. import anno, nodes
from .callees import returns_dict
from .dictpaths import (DICT_METHODS, dict_owner, item_dicts, key_path,
                        refuse_unknown_holder)
from .mayalias import CONTENTS
from .temps import subscript_base
from .writes import op_symbol


def key_of(key):
    """A normalized key's constant value, or None when it is known only at run time."""
    return key.value if isinstance(key, gast.Constant) else None


def constant_key(key):
    """A dict display's key written as a string or integer constant."""
    return isinstance(key, gast.Constant) and (
        isinstance(key.value, str)
        or isinstance(key.value, int) and not isinstance(key.value, bool))


def kind_name(kind):
    """``"list"``, ``"tuple"`` or ``"dict"`` for a container kind (``analysis.kinds``),
    else None."""
    return kind[0] if isinstance(kind, tuple) and kind else None


def dict_names(fn, walked=None):
    """Names ``fn``'s code shows to hold a dict: bound to a dict literal, a dict
    comprehension or ``dict(...)``, indexed by a string, or with a dict method called,
    but for a name whose type the code tests (``isinstance(t, dict)``, ``hasattr``: a
    recursive helper's argument may be a dict, a list or a number, its dict methods
    called where it is a dict).  ``walked``: ``nodes.walk(fn)`` when the caller has it."""
    walked = nodes.walk(fn) if walked is None else walked
    found = set()
    tested = {node.args[0].id for node in nodes.of_class(walked, gast.Call)
              if isinstance(node.func, gast.Name) and node.func.id in TYPE_TEST_NAMES
              and node.args and isinstance(node.args[0], gast.Name)}
    # the targets of loops over a literal list or tuple of strings: string keys too
    string_keys = {node.target.id for node in nodes.of_class(walked, gast.For)
                   if isinstance(node.target, gast.Name)
                   and isinstance(node.iter, (gast.List, gast.Tuple)) and node.iter.elts
                   and all(isinstance(e, gast.Constant) and isinstance(e.value, str)
                           for e in node.iter.elts)}
    # (the nodes of each class looked at: gast's classes have no subclasses)
    for node in nodes.of_class(walked, gast.Subscript):
        if isinstance(node.value, gast.Name) and (
                isinstance(node.slice, gast.Name) and node.slice.id in string_keys
                or isinstance(node.slice, gast.Constant)
                and isinstance(node.slice.value, str)):
            found.add(node.value.id)
    found -= tested
    for node in nodes.of_class(walked, gast.Assign):
        if len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) and (
                isinstance(node.value, (gast.Dict, gast.DictComp))
                or isinstance(node.value, gast.Call)
                and isinstance(node.value.func, gast.Name)
                and node.value.func.id == "dict"):
            found.add(node.targets[0].id)
    for node in nodes.of_class(walked, gast.Call):
        if isinstance(node.func, gast.Attribute) and node.func.attr in DICT_METHODS \
                and isinstance(node.func.value, gast.Name) \
                and node.func.value.id not in tested:
            found.add(node.func.value.id)
    return found


def merges(dict_writes, node, target=None):
    """Whether ``node``, a ``left | right``, merges two dicts (it is ``{**left,
    **right}``): a side is a dict display or comprehension, or a name certain to hold a
    dict (``DictWrites.holds_dict``: a dict argument among them), or ``target``, the user
    name it is assigned to, is one the code shows to be a dict (``r = p | q`` and then
    ``r.values()``: only dicts make a dict with ``|``), or the code reads it as a dict
    (``(p | q).values()``, ``(p | q)["key"]``)."""
    if not (isinstance(node, gast.BinOp) and isinstance(node.op, gast.BitOr)):
        return False
    if any(isinstance(side, (gast.Dict, gast.DictComp))
           or isinstance(side, gast.Name) and dict_writes.holds_dict(side.id)
           for side in (node.left, node.right)):
        return True
    if target is not None and target in dict_writes.dict_names():
        return True
    fn = dict_writes.walk.parsed.node
    shown = dict_writes.dict_names_cache.get(("merges", id(fn)))
    if shown is None:
        shown = dict_writes.dict_names_cache[("merges", id(fn))] = {
            id(owner) for owner in (dict_owner(n) for n in nodes.walk(fn))
            if isinstance(owner, gast.BinOp) and isinstance(owner.op, gast.BitOr)}
    return id(node) in shown


#: set on a normalized ``p | q`` a side of which is an argument the code does not show
#: to be a dict: whether it merges dicts is the arguments' kinds' to decide (see
#: :func:`merges_arguments`)
ARGUMENT_MERGE = "s2sad_argument_merge"


def merges_arguments(norm, node):
    """Whether ``node``, a ``left | right`` that :func:`merges` did not find to merge
    dicts, has a side that is a parameter still holding its argument: the code made for
    arguments of unknown kinds cannot tell a merge of dict arguments from a bitwise
    operation, so its refusal waits for the arguments (a dict argument's kind decides,
    whatever the code does with the result later)."""
    if not (isinstance(node, gast.BinOp) and isinstance(node.op, gast.BitOr)):
        return False
    params = norm.root_params
    return any(isinstance(side, gast.Name) and side.id in params
               and isinstance(norm.env.get(side.id), gast.Name)
               and norm.env[side.id].id == side.id
               for side in (node.left, node.right))


class DictWrites:
    """The dict item writes of one function's walk (see the module docstring)."""

    def __init__(self, walk, param_dicts, kinds=None):
        self.walk = walk
        self.param_dicts = frozenset(param_dicts)
        self.kinds = kinds or {}   # the arguments' kinds (see analysis.kinds)
        self.dict_names_cache: Dict[int, Set[str]] = {}
        self.built_dicts: Set[str] = set()   # the dicts comprehensions fill
        self.building: Set[str] = set()   # those being filled now: no other name holds them

    def may_be_dict(self, ssa):
        """Whether the SSA value ``ssa``, looped over, may be a dict the code does not
        show to be one: a parameter, an item read from a container (``p["enc"]``,
        ``ps[0]``, ``d.get(k)``), or the result of a call of the user's function.  A
        value the code made (an operation, a list, a slice) is not."""
        walk, aliases = self.walk, self.walk.aliases
        seen, todo = set(), [ssa]
        while todo:   # through copies, branches and loop-carried values
            current = todo.pop()
            if current in seen or current in aliases.list_values or current in walk.iterators \
                    or current in walk.dicts or current in aliases.slices:
                continue
            seen.add(current)
            if current in walk.params or current in aliases.item_edges \
                    or current in aliases.call_holds or current in walk.inlined_args:
                return True
            todo.extend(s for s, _ in aliases.holds.get(current, ()))
        return False

    def dict_names(self):
        """The user's names certain to hold a dict in the function being normalized."""
        node = self.walk.parsed.node
        found = self.dict_names_cache.get(id(node))
        if found is None:
            # (the normalizer's walk of this tree, while it has it: the tree unchanged)
            walked = self.walk.walked
            if not walked or walked[0] is not node:
                walked = nodes.walk(node)
            found = self.dict_names_cache[id(node)] = dict_names(node, walked) \
                | self.helper_dicts(node, walked)
        return found

    def helper_dicts(self, fn, walked=None):
        """The names ``fn`` binds to the result of a call of a user's function that
        returns a dict display on every path (``d = make(x)``, see
        :func:`.callees.returns_dict`): a new dict, as a literal is.  ``walked``:
        ``nodes.walk(fn)`` when the caller has it."""
        walk, found = self.walk, set()
        answers = {}   # the callee's spelling (a name, its attributes) -> returns a dict?
        for node in nodes.of_class(nodes.walk(fn) if walked is None else walked, gast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                    and isinstance(node.value, gast.Call):
                func = node.value.func
                spelled = nodes.dotted_parts(func)
                if spelled is None or spelled[0] in walk.locals \
                        or spelled[0] in walk.params:
                    continue
                # (the object a spelling resolves to is the same at every call)
                key = (spelled[0], tuple(spelled[1]))
                if key not in answers:
                    answers[key] = returns_dict(walk.parsed.resolve_callee(func))
                if answers[key]:
                    found.add(node.targets[0].id)
        return found

    def holds_dict(self, user):
        """Is the user name ``user`` certain to hold a dict now: the code shows it (a
        literal, a string key, a dict method), or its value is a dict the code made, a
        dict parameter, or one of those on every path (``g = d``, ``g = d if c else
        dict(d)``)?"""
        held = self.walk.env.get(user)
        return user in self.dict_names() or user in self.param_dicts \
            or isinstance(held, gast.Name) and self.is_dict_value(held.id)

    def is_dict_value(self, ssa):
        """Is the SSA value ``ssa`` certain to be a dict (see ``holds_dict``)?"""
        walk, seen = self.walk, set()
        while ssa not in seen:
            seen.add(ssa)
            # (built_dicts: SSA values, never a user's name, which another scope's
            # variable of that spelling may share: an inlined helper's dict 'r')
            if ssa in walk.dicts or ssa in self.built_dicts or ssa in walk.params and (
                    ssa in self.param_dicts or ssa in self.dict_names()
                    and ssa not in walk.locals):
                return True
            if ssa not in walk.aliases.item_edges:
                return False
            # an item read from a dict (inner = outer["in"]): what it holds there
            ssa = self.value_under(*walk.aliases.item_edges[ssa])
        return False

    def is_dict_target(self, target):
        """Is the subscript ``target`` an item of a dict: a string key, or a name the
        function's code shows to be a dict (a literal, a string key, a dict method)?"""
        key = target.slice
        if isinstance(key, gast.Constant) and isinstance(key.value, str):
            return True
        held = self.walk.env.get(target.value.id) if isinstance(target.value, gast.Name) \
            else None
        if isinstance(target.value, gast.Subscript):   # state["m"][k]: a dict's item?
            inner = target.value
            return key_path(inner) in item_dicts(self) or isinstance(inner.value, gast.Name) \
                and (inner.value.id, None) in item_dicts(self)
        return isinstance(target.value, gast.Name) and (
            target.value.id in self.dict_names() or target.value.id in self.param_dicts
            or isinstance(held, gast.Name) and self.is_dict_value(held.id))

    def dict_roots(self, stmts):
        """The names whose dicts the statements write items into (rebinding the name)."""
        found = set()
        for node in nodes.statements(stmts):
            targets = node.targets if isinstance(node, gast.Assign) else [
                node.target] if isinstance(node, (gast.AugAssign, gast.AnnAssign)) else []
            if isinstance(node, gast.Expr) and isinstance(node.value, gast.Call) \
                    and isinstance(node.value.func, gast.Attribute) \
                    and node.value.func.attr == "update" \
                    and isinstance(node.value.func.value, gast.Name):
                found.add(node.value.func.value.id)
            for target in targets:
                if target.__class__ is gast.Name:
                    continue   # (holds no item)
                for sub in gast.walk(target):
                    if isinstance(sub, gast.Subscript) and self.is_dict_target(sub):
                        root = sub.value
                        while isinstance(root, gast.Subscript):
                            root = root.value
                        if isinstance(root, gast.Name):
                            found.add(root.id)
        return found

    def dict_store(self, target, value_atom):
        """``d[key] = value`` on a dict: ``d_1 = dict_set(d, key, value)``, a new dict
        (a dict item write rebinds the item: no array is written into).  ``d[a][b] =
        value``: the inner dict's new version is stored into ``d`` the same way.  The
        names that may hold the same dict are checked in check_dict_writes.  Returns
        False where ``target`` is not known to be an item of a dict."""
        if not self.is_dict_target(target):
            return False
        base = target.value
        root = base
        while isinstance(root, gast.Subscript):
            root = root.value
        if not isinstance(root, gast.Name):
            raise self.walk.error("write into a dict held by a name (d[k] = v)", target)
        if isinstance(base, gast.Subscript):
            return self.inner_store(target, root, value_atom)
        current = self.walk.scope.read_name(base.id, base)
        self.refuse_outside(base, current, target)
        key = self.walk.flat.index(target.slice)
        dict_set = registry.DICT_HELPERS["dict_set"]

        def written():
            new = self.walk.flat.helper_call(dict_set, "dict_set", [current, key, value_atom],
                                             base.id)
            self.walk.aliases.dict_link(new, current, value_atom, key)
            return new
        return self.rebind(base, current, target, written)

    def rebind(self, base, current, where, written):
        """A write into the dict ``current`` that the name ``base`` holds: ``written()``
        emits the new dict and returns its name, which ``base``, the names certain to
        hold the same dict and the dicts certainly holding it (under a constant key)
        are given; the other names read later that may hold it are checked in
        check_dict_writes.  ``where``: the node of the write."""
        followed, parents, chain = self.followers(base, current)
        if isinstance(current, gast.Name) and base.id not in self.building:
            self.walk.writes.record_dict_write(current.id, base.id, where,
                                               skip=followed + chain)
        new = written()
        self.walk.env[base.id] = nodes.name(new)
        for user in followed:
            self.walk.env[user] = nodes.name(new)
        self.walk.dicts.add(new)
        for parent, parent_key in parents:
            holders = sorted(u for u, a in self.walk.env.items()
                             if isinstance(a, gast.Name) and a.id == parent)
            if not holders:
                continue   # no name holds that dict any longer
            outer = gast.Subscript(value=gast.copy_location(nodes.name(holders[0]), where),
                                   slice=nodes.const(parent_key), ctx=gast.Store())
            self.dict_store(gast.copy_location(outer, where), nodes.name(new))
        return True

    def inner_store(self, target, root, value_atom):
        """``d[a][b] = value`` (``root``: ``d``): the inner dict ``d[a]`` gets a new
        version, which is stored into ``d[a]`` in turn."""
        base = target.value
        if not self.is_dict_target(base):
            refuse_unknown_holder(self.walk, self.kinds, target, root)
        inner = self.walk.flat.atom(base)   # the inner dict, read from the outer one
        key = self.walk.flat.index(target.slice)
        dict_set = registry.DICT_HELPERS["dict_set"]
        self.walk.helpers["dict_set"] = dict_set
        name = self.walk.namer.fresh(inner.id if isinstance(inner, gast.Name) else "item")
        self.walk.emit(nodes.assign(name, anno.set(
            nodes.call("dict_set", [inner, key, value_atom]), anno.CALLEE, dict_set)))
        self.walk.defined.add(name)
        self.walk.aliases.dict_link(name, inner, value_atom, key)
        twins = self.same_item_users(inner) if not self.walk.loop_stack else []
        if isinstance(inner, gast.Name):
            self.refuse_reaching_outside(root.id, inner.id, target)
            self.walk.writes.record_dict_write(inner.id, root.id, target, skip=twins)
        for user in twins:   # layer = d["layer"] before: the same dict, written
            self.walk.env[user] = nodes.name(name)
        return self.dict_store(base, nodes.name(name))

    def refuse_outside(self, base, current, target):
        """Refuse an item write into a dict the caller holds (an argument of a callee
        or of an inlined helper) or one defined outside the function."""
        walk = self.walk
        if isinstance(current, gast.Name) and (
                (walk.callee and current.id in walk.params) or current.id in walk.inlined_args):
            fn = walk.parsed.node.name
            raise walk.error(
                f"{fn} writes an item into its argument {base.id!r} ({base.id}[...] = ...): "
                f"that changes the caller's dict too, which s2sad does not follow into the "
                f"caller", target, hint=f"write into a copy ({base.id} = dict({base.id}) "
                                        f"first) and return it if the caller needs it")
        if isinstance(current, gast.Name) and current.id not in walk.defined:
            raise walk.error(
                f"cannot write into {base.id!r}: it is defined outside the function, and "
                f"the write would change it there, which the derivative cannot follow",
                target, hint=f"write into a local copy under another name "
                             f"(local = dict({base.id}))")
        if isinstance(current, gast.Name):
            self.refuse_reaching_outside(base.id, current.id, target)

    def refuse_reaching_outside(self, user, written, target):
        """Refuse an item write into the dict ``written`` (an SSA name, written through
        the user's name ``user``) when, on some path, it may be a value defined outside
        the function (a global, a closure value, what a helper returns of them) or a
        dict held in one (an item read from it, under the same key): Python's write
        would change that value, and the generated code writes into a new dict."""
        outside = self.outside_origin(written)
        if outside is not None:
            described = self.walk.aliases.outside_values.get(outside) \
                or f"{outside!r}, defined outside the function"
            raise self.walk.error(
                f"writing an item into {user!r} may change {described}: {user!r} may "
                f"hold that dict, or one inside it (through a helper's result, a branch, "
                f"a copy, a container or an earlier loop trip), and the derivative cannot "
                f"follow a change that stays outside the function", target,
                hint=f"write into a local copy under another name (local = dict({user}))")

    def outside_origin(self, written):
        """The source (a name not defined in the function) that the dict ``written``
        may be, or be held in (followed through item reads by key), else None."""
        walk, aliases = self.walk, self.walk.aliases
        seen, todo = set(), [(written, ())]
        while todo:
            current, keys = todo.pop()
            if (current, keys) in seen:
                continue
            seen.add((current, keys))
            sources = aliases.holds.get(current, ())
            if not sources:
                if current not in walk.defined and current != "UNBOUND" \
                        and current not in walk.inlined_args:
                    return current
                continue
            item = aliases.item_edges.get(current)
            for source, _ in sources:
                if item is not None and item[0] == source:
                    # current = source[key]: the dict held in source under that key
                    todo.append((source, (item[1],) + keys))
                elif (current, source) in aliases.container_edges:
                    under = aliases.container_keys.get((current, source))
                    if under is CONTENTS:
                        todo.append((source, keys))   # dict_set's old dict: its items
                    elif keys and (under is None or keys[0] is None or under == keys[0]):
                        todo.append((source, keys[1:]))
                else:   # a copy, a merge, a carried value, a helper's result
                    todo.append((source, keys))
        return None

    def followers(self, base, current):
        """``(followed, parents, chain)`` for a write into the dict ``current`` through
        the name ``base``: the user names certain to hold that very dict (they follow
        the write), the ``(dict, key)`` holding it, and the names holding those."""
        walk = self.walk
        followed = []
        if isinstance(current, gast.Name) and not walk.loop_stack:
            # names certain to hold this very dict (e = d, on every path: the same SSA
            # value) see the write: they are rebound to the new dict too
            followed = sorted(u for u, a in walk.env.items() if u != base.id
                              and isinstance(a, gast.Name) and a.id == current.id)
            followed += [u for u in self.same_item_users(current)
                         if u != base.id and u not in followed]
        # inner = n["k"], or n = {"k": inner} (n unchanged since): the write shows in
        # n["k"] too, so n is given the new inner dict under "k" (and so on up)
        parents = self.holders_of(current) if not walk.loop_stack and not walk.callee else []
        chain, seen, todo = [], set(), [p for p, _ in parents]
        while todo:
            up = todo.pop()
            if up in seen:
                continue
            seen.add(up)
            chain += [u for u, a in walk.env.items() if isinstance(a, gast.Name) and a.id == up]
            todo += [p for p, _ in self.holders_of(nodes.name(up))]
        return followed, parents, chain

    def holders_of(self, atom):
        """``(dict, key)``: the dicts some user's name holds now that certainly hold the
        dict ``atom`` under the constant ``key``: the one it was read from (``a =
        n["k"]``) and those made holding it (``n = {"k": a}``, ``n["k"] = a``)."""
        if not isinstance(atom, gast.Name):
            return []
        aliases = self.walk.aliases
        found = []
        if atom.id in aliases.item_edges:
            found.append(aliases.item_edges[atom.id])
        found += [(c, k) for (c, h), k in sorted(aliases.container_keys.items(), key=repr)
                  if h == atom.id and k is not CONTENTS]
        held = {a.id for a in self.walk.env.values() if isinstance(a, gast.Name)}
        return [(p, k) for p, k in found if isinstance(k, (str, int)) and p in held]

    def same_item_users(self, atom):
        """The user names holding the same item of the same dict value as ``atom``
        (``a = n["k"]``, ``b = n["k"]`` with ``n`` unchanged between): one object."""
        edges = self.walk.aliases.item_edges
        if not isinstance(atom, gast.Name) or atom.id not in edges:
            return []
        parent, key = edges[atom.id]
        if not isinstance(key, (str, int)):
            return []
        given = self.value_under(parent, key)
        return sorted(u for u, a in self.walk.env.items() if isinstance(a, gast.Name)
                      and a.id != atom.id and (edges.get(a.id) == (parent, key)
                                               or a.id == given))

    def value_under(self, parent, key):
        """The value the dict ``parent`` certainly holds under the constant ``key`` (put
        there by its display or an item write), else None."""
        seen, keys = set(), self.walk.aliases.container_keys
        while parent not in seen:
            seen.add(parent)
            mine = [(h, k) for (c, h), k in keys.items() if c == parent]
            direct = [h for h, k in mine if k == key and k is not CONTENTS]
            if direct:
                return direct[0] if len(direct) == 1 else None
            if any(k is None for _, k in mine):
                return None   # something held under a key not known here
            olds = [h for h, k in mine if k is CONTENTS]
            if len(olds) != 1:
                return None
            parent = olds[0]
        return None

    def dict_item_update(self, stmt):
        """``d[k] op= v`` on a dict item.  Python reads the item, updates it and stores
        it back: a number gets a new value, but an array is updated in place, so every
        other name or container holding that array sees the change.  The generated
        code makes a new value (``item_1 = item op v``; ``d_1 = dict_set(d, k,
        item_1)``), which is Python's result exactly when no other name or container
        read later holds the item's array: where one may, the code refuses, when it
        runs, an item that is an array updated in place (check_not_shared,
        check_not_inplace), as for ``v op= ...`` on a name."""
        target = stmt.target
        label = ast.unparse(gast.gast_to_ast(gast.Subscript(
            value=nodes.clone(target.value), slice=nodes.clone(target.slice),
            ctx=gast.Load())))
        container = self.walk.flat.atom(target.value)
        key = self.walk.flat.index(target.slice)
        read = gast.Subscript(value=nodes.clone(container), slice=key, ctx=gast.Load())
        item = self.walk.namer.fresh(subscript_base(read))
        self.walk.emit(nodes.assign(item, read))
        self.walk.defined.add(item)
        self.walk.aliases.track_views(item, read)
        root = target.value
        while isinstance(root, gast.Subscript):
            root = root.value
        # the dict (and every name holding the very same dict) is given the new item
        # by the store below: only other holders of the item's array are conflicts
        same = set()
        if isinstance(root, gast.Name) and isinstance(self.walk.env.get(root.id), gast.Name):
            same.add(self.walk.env[root.id].id)
        op = op_symbol(stmt.op)
        hint = f"write '{label} = {label} {op} ...' to make a new array"
        # the dict's other items may hold the same array ({"a": y, "b": y})
        self.walk.helpers["check_item_alone"] = registry.runtime_helper("check_item_alone")
        where = self.walk.parsed.location(stmt)
        ok = self.walk.namer.fresh("item_alone")
        self.walk.emit(nodes.assign(ok, anno.set(nodes.call("check_item_alone", [
            nodes.clone(container), nodes.clone(key), nodes.const(
                f"'{label} {op}= ...' (for arrays, {op}= writes in place) would also change "
                f"another item of the dict that holds the same array"),
            nodes.const(hint), nodes.const(where.filename), nodes.const(where.line),
            nodes.const(where.column)]), anno.CALLEE, registry.runtime_helper("check_item_alone"))))
        self.walk.defined.add(ok)
        self.walk.emit(gast.Assert(test=nodes.name(ok), msg=None))
        pending = self.walk.writes.check_not_inplace(nodes.name(item), "", hint, stmt)
        self.walk.writes.record_write(item, stmt, label, stmt.op, pending, same=same)
        right = self.walk.flat.atom(stmt.value)
        result = self.walk.namer.fresh(item)
        self.walk.emit(nodes.assign(result, anno.set(gast.BinOp(
            left=nodes.name(item), op=stmt.op, right=right), anno.IN_PLACE, True)))
        self.walk.defined.add(result)
        self.walk.assigns.store(target, nodes.name(result))
