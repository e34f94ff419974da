"""SSA: the versions of the user's names, their reads, and the merges where paths
join.

Input: the user names the normalizer's walk binds and reads, and the branches it
normalizes (``if`` statements, ``a if c else b``, ``and``/``or``).
Output, emitted through the normalizer: every name assigned once (a user name
assigned again gets a new version, ``x``, ``x_1``, ...); after an ``if`` both
branches end by assigning every name they disagree on (the merge copies, or
"phi"), renamed into the definition where that copy is the only use; a read of a
name that may be unbound on some path is checked when the code runs, as Python
raises ``UnboundLocalError`` there.

:class:`Scope` is the normalizer's collaborator for this job.  Its own state,
set in its ``__init__``: the user names whose first version is taken, the SSA
names that may hold the unbound marker, and those a read on the current path has
checked already.
"""

from typing import Set

import gast

from ...rules import registry
from .. import anno, nodes
from .clashes import marked
from .trees import atom_key, same_atom


class Scope:
    """Versions, reads and merges of the user's names (see the module docstring)."""

    def __init__(self, normalizer):
        self.norm = normalizer
        self.claimed: Set[str] = set()         # user names whose first version is taken
        # SSA names that hold UNBOUND on some path (where Python leaves the user's name
        # unbound), and those of them a read on the current path has checked already
        self.maybe_unbound: Set[str] = set()
        self.checked: Set[str] = set()

    # ------------------------------------------------------------ versions and reads
    def new_version(self, user_name):
        """A new SSA name for ``user_name``: the name itself the first time (a
        parameter's and an inlined helper's module global's names excepted)."""
        norm = self.norm
        if norm.inline_helpers and (user_name in norm.parsed.globals
                                    or user_name in norm.foreign_globals):
            # an inlined helper may read the module's value of this name in the same
            # generated function: a local keeps a version of the name instead
            return norm.namer.version(user_name)
        if user_name not in self.claimed and user_name not in norm.params:
            self.claimed.add(user_name)
            return user_name
        return norm.namer.version(user_name)

    def read_name(self, name, node):
        """The atom of the user name ``name`` read at ``node``: its current SSA value
        (checked when it may be unbound), or the module's name."""
        norm = self.norm
        if name in norm.env:
            atom = norm.env[name]
            if self.may_be_unbound(atom) and atom.id not in self.checked:
                self.check_bound(name, atom, node)
            return nodes.clone(atom)
        if name in norm.local_functions:
            raise norm.error(f"the local function {name!r} can only be called here", node,
                             hint="define it at module level to pass it around as a value")
        if name in norm.locals:
            # assigned later, or only on other paths: Python raises UnboundLocalError
            # if this read runs, so the generated code does the same
            atom = self.unbound()
            self.check_bound(name, atom, node)
            return atom
        try:
            norm.parsed.resolve(name)
        except KeyError:
            raise norm.undefined(name, node) from None
        norm.module_names.use_global(name, node)
        return marked(anno.copy(node, nodes.name(name), anno.USER_NAME, anno.HELPER_NAME),
                      norm.marks)   # (clashes.py)

    def check_bound(self, user, atom, node):
        """Emit the run-time check that ``user`` (now ``atom``) holds a value, where
        Python raises UnboundLocalError on a path that left it unbound."""
        norm = self.norm
        self.checked.add(atom.id)
        norm.helpers["check_bound"] = registry.runtime_helper("check_bound")
        where = norm.parsed.location(node)
        ok = norm.namer.fresh(f"{user}_bound")
        spelled = norm.inliner.original.get(user, user)   # (renamed apart: see .hygiene)
        call = nodes.call("check_bound", [nodes.clone(atom), nodes.const(spelled),
                                          nodes.const(where.filename), nodes.const(where.line),
                                          nodes.const(where.column)])
        norm.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, registry.runtime_helper("check_bound"))))
        norm.defined.add(ok)
        norm.emit(gast.Assert(test=nodes.name(ok), msg=None))

    def unbound(self):
        """The atom of a user name's value on a path where Python leaves it unbound."""
        norm = self.norm
        norm.helpers["UNBOUND"] = registry.runtime_helper("UNBOUND")
        return anno.set(nodes.name("UNBOUND"), anno.UNBOUND, True)

    def may_be_unbound(self, atom):
        """Whether ``atom`` may be the marker of an unbound name (made here: generated
        code read back for second order names UNBOUND without being unbound itself)."""
        return isinstance(atom, gast.Name) and (anno.get(atom, anno.UNBOUND, False)
                                                or atom.id in self.maybe_unbound)

    # ------------------------------------------------------------ merges
    def merge_copies(self, body, pairs, loop=False, back=None, coalesce=True):
        """Append ``target = atom`` for each pair, renaming atom's definition instead
        where that is the only use of a name defined in ``body``.

        In a loop body (``loop=True``) a carried name read earlier in the body
        keeps its copy: the backward sweep needs its old and new values apart.
        """
        norm = self.norm
        targets = {t for t, _ in pairs}
        held = []
        for index, (target, atom) in enumerate(pairs):
            if isinstance(atom, gast.Name) and atom.id in targets and atom.id != target:
                # the copies act at once (a swap of carried names): read the old value
                # into a temporary before any of them overwrites it
                hold = norm.namer.fresh(f"{atom.id}_old")
                norm.aliases.hold(hold, atom.id)
                norm.defined.add(hold)
                held.append(anno.set(nodes.assign(hold, nodes.clone(atom)), anno.SOURCE,
                                     norm.source))
                pairs[index] = (target, nodes.name(hold))
        body.extend(held)
        sources = [a.id for _, a in pairs if isinstance(a, gast.Name)]
        for target, atom in pairs:
            body.append(anno.set(nodes.assign(target, nodes.clone(atom)), anno.SOURCE,
                                 norm.source))
            if isinstance(atom, gast.Name):
                norm.aliases.hold(target, atom.id, back)
        for target, atom in reversed(pairs):
            if coalesce and isinstance(atom, gast.Name) and sources.count(atom.id) == 1:
                coalesce_copy(body, target, loop, norm.aliases.list_values)

    def merge_copy(self, body, target, atom, coalesce=True):
        """:meth:`merge_copies` of one pair."""
        self.merge_copies(body, [(target, atom)], coalesce=coalesce)

    def if_statement(self, stmt):
        """``if test: ... else: ...`` with its names merged after it."""
        norm = self.norm
        test = norm.flat.atom(stmt.test)
        self.branch(test, lambda: norm.block(stmt.body), lambda: norm.block(stmt.orelse))

    def branch(self, test, then_fn, else_fn, extra=None):
        """Emit ``if test`` with both branches normalized and their names merged."""
        norm = self.norm
        before = dict(norm.env)
        then_body = then_fn()
        then_env, norm.env = norm.env, dict(before)
        else_body = else_fn()
        else_env, norm.env = norm.env, dict(before)
        merged = sorted(u for u in set(then_env) | set(else_env)
                        if not same_atom(then_env.get(u), else_env.get(u)))
        then_pairs, else_pairs = [], []
        shared = {}   # names holding one list on both paths (b = a; b.append(v)) share a phi
        for user in merged:
            key = (atom_key(then_env.get(user)), atom_key(else_env.get(user)))
            if None not in key and key in shared:
                norm.env[user] = nodes.name(shared[key])
                continue
            phi = self.new_version(user)
            if any(isinstance(env.get(user), gast.Name) and env[user].id in norm.aliases.list_values
                   for env in (then_env, else_env)):
                shared[key] = phi
                if all(isinstance(env.get(user), gast.Name)
                       and env[user].id in norm.aliases.list_values for env in (then_env, else_env)):
                    norm.aliases.list_values.add(phi)
            norm.defined.add(phi)
            if all(isinstance(env.get(user), gast.Name)
                   and norm.dict_writes.is_dict_value(env[user].id)
                   for env in (then_env, else_env)):
                norm.dicts.add(phi)   # a dict on both paths
            then_pairs.append((phi, then_env.get(user) or self.unbound()))
            else_pairs.append((phi, else_env.get(user) or self.unbound()))
            if self.may_be_unbound(then_pairs[-1][1]) or self.may_be_unbound(else_pairs[-1][1]):
                self.maybe_unbound.add(phi)
            norm.env[user] = nodes.name(phi)
        for user in sorted(set(then_env) & set(else_env)):
            if user not in merged:   # both paths leave the same value (y = x on each side)
                norm.env[user] = nodes.clone(then_env[user])
        self.merge_copies(then_body, then_pairs)
        self.merge_copies(else_body, else_pairs)
        norm.emit(gast.If(test=test, body=then_body or [gast.Pass()], orelse=else_body))

    def choice(self, test, then_fn, else_fn, target, base):
        """``result = then_fn() if test else else_fn()`` as an if statement."""
        norm = self.norm
        result = self.new_version(target) if target else norm.namer.fresh(base)
        norm.defined.add(result)
        atoms = []

        def arm(fn):
            def run():
                saved, norm.out = norm.out, []
                atom = fn()
                atoms.append(atom)
                out, norm.out = norm.out, saved
                self.merge_copy(out, result, atom)
                return out
            return run

        then_body = arm(then_fn)()
        else_body = arm(else_fn)()
        if all(isinstance(a, gast.Name) and a.id in norm.aliases.list_values for a in atoms):
            # a list on both paths (a = b if c else [..]): an item write is a list's
            norm.aliases.list_values.add(result)
            # (the items of either list, not either list itself: the result may be it)
            norm.aliases.list_items[result] = set().union(*(
                norm.aliases.list_items.get(a.id, set()) for a in atoms)) - {a.id for a in atoms}
        if all(isinstance(a, gast.Name) and norm.dict_writes.is_dict_value(a.id) for a in atoms):
            norm.dicts.add(result)   # a dict on both paths (e = d if c else dict(d))
        norm.emit(gast.If(test=test, body=then_body, orelse=else_body))
        return result

    def if_expression(self, node, target):
        """``a if c else b`` as an if statement assigning one name."""
        atom = self.norm.flat.atom
        test = atom(node.test)
        return self.choice(test, lambda: atom(node.body), lambda: atom(node.orelse),
                           target, "choice")

    def bool_operation(self, node, target):
        """``a and b`` / ``a or b`` with Python's short-circuit semantics."""
        norm = self.norm
        first = norm.flat.atom(node.values[0])
        if len(node.values) > 2:
            rest = gast.BoolOp(op=node.op, values=node.values[1:])
        else:
            rest = node.values[1]
        if isinstance(first, gast.Constant):   # True and x -> x; False or x -> x; ...
            decided = bool(first.value) != isinstance(node.op, gast.And)
            if decided:
                return norm.flat.bind_value(first, target, "both")
            return norm.flat.bind_value(rest, target, "both")
        atom = norm.flat.atom
        then_fn = (lambda: atom(rest)) if isinstance(node.op, gast.And) else (lambda: first)
        else_fn = (lambda: first) if isinstance(node.op, gast.And) else (lambda: atom(rest))
        return self.choice(first, then_fn, else_fn, target,
                           "both" if isinstance(node.op, gast.And) else "either")


def coalesce_copy(body, target, loop=False, lists=()):
    """Turn ``t = <op>; ...; target = t`` (the copy somewhere after) into
    ``target = <op>; ...`` when nothing but the copy reads t, and nothing
    between the definition and the copy reads or writes ``target``.  (In a loop,
    ``target = target + a`` stays a copy when ``t`` is a list in ``lists``: the
    adjoint of a concatenation splits at the old list's length, which the backward
    sweep reads from the tape.)"""
    copy_index = next((i for i in range(len(body) - 1, -1, -1)
                       if isinstance(body[i], gast.Assign)
                       and isinstance(body[i].targets[0], gast.Name)
                       and body[i].targets[0].id == target
                       and isinstance(body[i].value, gast.Name)), None)
    if copy_index is None:
        return
    source = body[copy_index].value.id
    for index in range(copy_index - 1, -1, -1):
        stmt = body[index]
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == source:
            between = body[index + 1:copy_index] + body[copy_index + 1:]
            names = {n.id for n in nodes.names(between)}
            if source in names or target in names:
                return
            if loop:
                earlier = {n.id for n in nodes.names(body[:index])
                           if isinstance(n.ctx, gast.Load)}
                reads_self = any(n.id == target for n in nodes.names(stmt.value))
                if target in earlier or (reads_self and not (
                        accumulates(stmt, target) and source not in lists)):
                    return
            stmt.targets[0].id = target
            del body[copy_index]
            return
        if any(n.id == source for n in nodes.names(stmt)):
            return


def accumulates(stmt, name):
    """``t = name + a`` or ``t = name - a``: an update whose adjoint needs no value."""
    value = stmt.value
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub))):
        return False
    operands = [value.left, value.right]
    return any(isinstance(o, gast.Name) and o.id == name for o in operands)
