"""Assignments: the statements that bind names and write items.

Input: a user assignment (``t = e``, ``a, b = e``, ``x[i] = v``, ``v op= e``,
chained ``a = b = e``) the normalizer's walk meets.
Output, emitted through the normalizer: a name bound to the flattened value (a
plain copy ``y = x`` only rebinds the name: nothing is emitted), ``a, b = t``
unpacking a tuple-valued name, ``x[i] = atom`` into an array the function owns
(a list's item write becomes ``list_set``, a dict's ``dict_set``), and ``v op=
e`` as a new version ``v_1 = v op e`` annotated ``anno.IN_PLACE``.  A write that
would change a value another name (or the caller) holds and reads later is
refused, or checked when the code runs where only the values tell.

:class:`Assignments` is the normalizer's collaborator for this job; it keeps no
state of its own.
"""

import gast

from ...rules import registry
from .. import anno, nodes
from .assign_messages import (attribute_store_error as _attribute_store_error,
                              callers_array_hint as _callers_array_hint,
                              copy_spelling as _copy_spelling,
                              nested_store_error as _nested_store_error,
                              shared_write_error as _shared_write_error)
from .lists import list_mutation
from .maps import iterator_read_whole
from .trees import is_atomic
from .writes import op_symbol

#: values whose ``op=`` makes a new value: a global holding one is never written in place
IMMUTABLE_TYPES = (int, float, complex, str, bytes, tuple, frozenset, type(None))


class Assignments:
    """Binds names and writes items (see the module docstring)."""

    def __init__(self, normalizer):
        self.norm = normalizer

    def assign(self, stmt):
        """``t = e`` (one target), or ``a = b = e`` (every target bound to one atom)."""
        norm = self.norm
        if norm.effects.unused_result(stmt) or _assigned_none_method(self, stmt):
            return   # (_ = print(...), _ = xs.append(v): as the statements)
        if len(stmt.targets) == 1:
            if not isinstance(stmt.targets[0], (gast.Name, gast.Tuple, gast.List,
                                                gast.Subscript)):
                raise _attribute_store_error(norm, stmt.targets[0], stmt.value)
            self.bind_target(stmt.targets[0], stmt.value)
            return
        atom = norm.flat.atom(stmt.value)
        for target in stmt.targets:
            self.bind_atom(target, atom)

    def bind_target(self, target, value):
        """Bind one assignment target (a name, a tuple or list, an item) to the user
        expression ``value``."""
        norm = self.norm
        if isinstance(target, gast.Name):
            self.bind_name(target.id, value)
        elif isinstance(target, (gast.Tuple, gast.List)):
            # a, b = zip(...), reversed(xs), map(f, xs): the iterator's items, read whole
            self.bind_tuple(target, iterator_read_whole(norm, value) or value)
        elif isinstance(target, gast.Subscript):
            self.store(target, norm.flat.atom(value))
        else:
            raise _attribute_store_error(norm, target)

    # ------------------------------------------------------ array writes
    def store(self, target, value_atom, update=None):
        """``x[index] = value`` on an array this function owns (``update``: the operator
        of the ``x op= e`` it stands for, ``x`` a slice)."""
        norm = self.norm
        if norm.dict_writes.dict_store(target, value_atom):
            return
        base = target.value
        if not isinstance(base, gast.Name):
            raise _nested_store_error(self.norm, target, base)   # (x[i][j] = v)
        current = norm.scope.read_name(base.id, base)
        if isinstance(current, gast.Name) and current.id in norm.aliases.list_values \
                and isinstance(target.slice, gast.Slice) and target.slice.step is None:
            norm.lists.list_slice_store(target, current, value_atom)
            return
        norm.lists.refuse_tuple_change(base.id, current, target, "does not support item "
                                 "assignment", "TypeError")
        if isinstance(current, gast.Name) and current.id in norm.aliases.list_values \
                and not isinstance(target.slice, (gast.Slice, gast.Tuple)):
            self.list_item_store(target, current, value_atom)
            return
        if isinstance(current, gast.Name) and (
                (norm.callee and current.id in norm.params) or current.id in norm.inlined_args):
            fn = norm.parsed.node.name
            raise norm.error(
                f"{fn} writes into its argument {base.id!r} ({base.id}[...] = ...): that "
                f"changes the caller's array too, which s2sad does not follow into the caller",
                target, hint=f"write into a copy made first "
                             f"({_copy_spelling(norm, current, base.id, unknown=True)}) "
                             f"and return it if the caller needs the new values")
        if not isinstance(current, gast.Name) or current.id not in norm.defined \
                or current.id in norm.params:
            if isinstance(current, gast.Name) and current.id not in norm.defined:
                value = norm.parsed.resolve(current.id, None)   # (base.id may hold it)
                copy_of = ("dict" if isinstance(value, dict) else "list"
                           if isinstance(value, list) else "np.copy")
                held = "it is" if current.id == base.id else f"it holds {current.id!r},"
                raise norm.error(
                    f"cannot write into {base.id!r}: {held} defined outside the function, and "
                    f"the write would change it there, which the derivative cannot follow",
                    target, hint=f"write into a local copy under another name "
                                 f"(local = {copy_of}({base.id}))")
            copied = _copy_spelling(norm, current, base.id)
            what = "an array" if "np.copy" in copied else f"a {copied.split(' = ')[1][:4]}"
            raise norm.error(f"cannot write into {base.id!r}: it is not {what} this "
                             f"function created", target, hint=f"make a copy first: {copied}")
        line = getattr(target, "lineno", 0)
        for user, atom in sorted(norm.env.items()):
            if user == base.id or not isinstance(atom, gast.Name) \
                    or atom.id == current.id and norm.inliner.passed_in(base.id, user):
                continue
            # (a container holding the array is the precise analysis's: check_writes)
            if norm.writes.may_hold(atom.id, current.id) \
                    and norm.writes.through_values(atom.id, current.id) \
                    and not norm.aliases.disjoint_slices(atom.id, current.id) \
                    and norm.writes.read_after(user, line, target):
                raise _shared_write_error(norm, user, base.id, target, update)
        for user, atom in sorted(norm.env.items()):
            if isinstance(atom, gast.Name) and current.id in norm.aliases.call_holds.get(atom.id, ()) \
                    and norm.writes.read_after(user, line, target):
                raise norm.error(
                    f"writing into {base.id!r} may also change {user!r}, which a function "
                    f"call made from it (and may share its memory), and {user!r} is read "
                    f"later", target,
                    hint=f"make {user!r} a copy (np.copy(...)), or write into a copy of "
                         f"{base.id!r}")
        norm.writes.record_write(current.id, target, base.id)
        index = norm.flat.index(target.slice)
        norm.emit(nodes.assign(nodes.subscript(nodes.clone(current), index, store=True),
                               value_atom))

    def list_item_store(self, target, current, value_atom):
        """``xs[i] = v`` on a list (now ``current``): a new version of the list, as for
        ``xs.append(v)``."""
        norm = self.norm
        base = target.value
        args = [current, norm.flat.atom(target.slice), value_atom]
        new = norm.flat.helper_call(registry.LIST_HELPERS["list_set"], "list_set", args, base.id)
        norm.aliases.list_values.add(new)
        norm.aliases.list_items[new] = set(norm.aliases.list_items.get(current.id, ()))
        if isinstance(value_atom, gast.Name):
            norm.aliases.list_items[new].add(value_atom.id)
            norm.aliases.link(new, value_atom.id)
        norm.aliases.link(new, current.id)
        norm.lists.follow_list(base.id, current, new, target)

    def bind_name(self, user_name, value):
        """Bind ``user_name`` to ``value``: an atom is an alias (nothing emitted), a
        lambda a local function, anything else one named operation."""
        norm = self.norm
        if isinstance(value, gast.Lambda):   # a local function: inlined where called
            norm.inliner.define(user_name, value)
            return
        if is_atomic(value) or (isinstance(value, gast.Attribute)
                                 and norm.module_names.global_path(value) is not None):
            norm.env[user_name] = _bound_at(norm.flat.atom(value), norm.source)
            return
        result = norm.flat.operation(value, target=user_name)
        norm.env[user_name] = nodes.name(result)

    def bind_atom(self, target, atom):
        """Bind a target of a chained assignment to an atom, left to right as Python
        does: a name, an item (``y[0] = y[1] = v``), or the unpacking of the value
        (``a, b = c, d = t``: ``bind_target`` of a name of s2sad's holding it)."""
        if isinstance(target, gast.Name):
            self.norm.env[target.id] = nodes.clone(atom)
            return
        held = self.norm.namer.fresh("chained")
        self.norm.env[held] = nodes.clone(atom)
        self.bind_target(target, nodes.name(held))

    def bind_tuple(self, target, value):
        """``a, b = value``: a parallel assignment from a display, else the unpacking
        of a tuple-valued name (nested targets and items written handed on)."""
        norm = self.norm
        for elt in target.elts:
            if isinstance(elt, gast.Starred):
                raise norm.error("starred unpacking is not supported", elt,
                                 hint="unpack every item by name")
        self.bind_tuple_check(target)
        if any(isinstance(e, (gast.Tuple, gast.List)) for e in target.elts):
            self.bind_nested(target, value)
            return
        if any(isinstance(e, gast.Subscript) for e in target.elts):
            self.bind_tuple_items(target, value)
            return
        names = [e.id for e in target.elts]
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(names):
            # parallel assignment (a, b = b, a): evaluate every element, then bind
            results = [self.item_atom(elt, user_name)
                       for user_name, elt in zip(names, value.elts)]
            for user_name, atom in zip(names, results):
                norm.env[user_name] = atom
            return
        source = norm.flat.atom(value)
        new = self.unpack(source, target.elts)
        for user_name, atom in zip(names, new):
            norm.env[user_name] = atom

    def item_atom(self, value, user_name=None):
        """The atom of one item of a display, named after ``user_name`` if given."""
        norm = self.norm
        if is_atomic(value) or user_name is None:
            return norm.flat.atom(value)
        return nodes.name(norm.flat.operation(value, target=user_name))

    def unpack(self, source, targets):
        """``t1, t2 = source`` into new names (a version of a target's name, else a fresh
        one): their atoms, bound to nothing yet."""
        norm = self.norm
        new = [norm.scope.new_version(e.id) if isinstance(e, gast.Name)
               else norm.namer.fresh("item") for e in targets]
        norm.emit(nodes.assign(nodes.tuple_([nodes.name(n, store=True) for n in new],
                                            store=True), source))
        for ssa in new:
            norm.defined.add(ssa)
            if isinstance(source, gast.Name):
                self.hold_item(ssa, source.id)
        return [nodes.name(n) for n in new]

    def hold_item(self, item, container):
        """``item`` is unpacked from ``container`` (``a, b = container``): it may hold
        what the tuple, list or array holds (an item, a row: whether it shares memory
        with another item, or with an array it was made from, only the values tell,
        so a write they decide is checked when the code runs), and it is an item of
        ``container``, not ``container`` itself: changing the list (``xs[1] = v``,
        ``xs.append(v)``) leaves it as it is, as for ``e = xs[0]``."""
        aliases = self.norm.aliases
        aliases.hold(item, container)
        aliases.maybe_links.add((item, container))
        aliases.list_items.setdefault(container, set()).add(item)

    def bind_nested(self, target, value):
        """``(a, (b[i], c)), i = value`` (names and items, at any depth): the right side
        is evaluated and unpacked level by level into new names first, then the targets
        are assigned from left to right, depth first, as Python does (``((a, b), a)``
        keeps the last ``a``; an item's index reads the names assigned before it)."""
        leaves, atoms = [], []
        self.unpack_nested(target, value, leaves, atoms)
        flat = gast.copy_location(gast.Tuple(elts=leaves, ctx=gast.Store()), target)
        self.bind_tuple_items(flat, None, atoms)

    def unpack_nested(self, target, value, leaves, atoms, evaluated=False):
        """Append the leaves of ``target`` and the atoms of their values, in order
        (``evaluated``: ``value`` is an atom of the generated code already)."""
        if not evaluated and isinstance(value, (gast.Tuple, gast.List)) \
                and len(value.elts) == len(target.elts):
            parts = value.elts   # a display: its items, evaluated from left to right
        else:
            source = value if evaluated else self.norm.flat.atom(value)
            parts, evaluated = self.unpack(source, target.elts), True
        for elt, part in zip(target.elts, parts):
            if isinstance(elt, (gast.Tuple, gast.List)):
                self.bind_tuple_check(elt)
                self.unpack_nested(elt, part, leaves, atoms, evaluated)
            else:
                leaves.append(elt)
                atoms.append(part if evaluated else self.item_atom(
                    part, elt.id if isinstance(elt, gast.Name) else None))

    def bind_tuple_check(self, target):
        """Refuse a target inside a nested tuple that is neither a name, an item nor a
        tuple."""
        for elt in target.elts:
            if not isinstance(elt, (gast.Name, gast.Subscript, gast.Tuple, gast.List)):
                what = "an attribute" if isinstance(elt, gast.Attribute) \
                    else f"a {type(elt).__name__}"
                raise self.norm.error(f"cannot assign to {what} in a tuple assignment: "
                                      f"s2sad follows the values of names and items only",
                                      elt, hint="assign to a name, and set the attribute "
                                                "outside the differentiated function")

    def bind_tuple_items(self, target, value, atoms=None):
        """``a, y[i], y[j] = e1, e2, e3`` (or ``= t``): Python evaluates the right side
        first, then assigns the targets from left to right (``atoms``: the right side's
        items, already evaluated)."""
        norm = self.norm
        if atoms is not None:
            pass
        elif isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            atoms = [norm.flat.atom(e) for e in value.elts]
        else:
            source = norm.flat.atom(value)
            fresh = [norm.namer.fresh("item") for _ in target.elts]
            norm.emit(nodes.assign(nodes.tuple_([nodes.name(n, store=True) for n in fresh],
                                                store=True), source))
            norm.defined.update(fresh)
            atoms = [nodes.name(n) for n in fresh]
            for name in fresh:
                if isinstance(source, gast.Name):
                    self.hold_item(name, source.id)
        for position, (elt, atom) in enumerate(zip(target.elts, atoms)):
            if isinstance(elt, gast.Name):
                norm.env[elt.id] = atom
                continue
            base = norm.scope.read_name(elt.value.id, elt.value) \
                if isinstance(elt.value, gast.Name) else None
            later = [a for a in atoms[position + 1:] if isinstance(a, gast.Name)]
            if isinstance(base, gast.Name) and later:
                # a later item read from the right side may be a view of the array this
                # item writes into (rows of a matrix): Python's later assignment would
                # then store the changed row.  Refused when it runs, where it does
                norm.helpers["check_not_shared"] = registry.runtime_helper("check_not_shared")
                where = norm.parsed.location(elt)
                for other in later:
                    call = nodes.call("check_not_shared", [
                        nodes.clone(base), nodes.clone(other), nodes.const(
                            f"writing into {elt.value.id!r} here changes a value the "
                            f"assignment stores next (a view of {elt.value.id!r}, such as "
                            f"a row of a matrix): Python stores the changed values"),
                        nodes.const("copy the right side's items first, e.g. "
                                    "a[0], a[1] = a[1].copy(), a[0].copy()"),
                        nodes.const(where.filename), nodes.const(where.line),
                        nodes.const(where.column)])
                    ok = norm.namer.fresh("not_shared")
                    norm.emit(nodes.assign(ok, anno.set(call, anno.CALLEE, registry.runtime_helper("check_not_shared"))))
                    norm.defined.add(ok)
                    norm.emit(gast.Assert(test=nodes.name(ok), msg=None))
            self.store(elt, atom)

    def aug_assign(self, stmt):
        """``v op= e``: a dict's or a list's update, an item's (``x[i] = x[i] op e``),
        or a new version ``v_1 = v op e`` annotated ``anno.IN_PLACE``."""
        norm = self.norm
        target = stmt.target
        if isinstance(target, gast.Subscript) and norm.dict_writes.is_dict_target(target):
            norm.dict_writes.dict_item_update(stmt)
            return
        if isinstance(target, gast.Subscript):   # x[i] += v  ->  x[i] = x[i] + v
            norm.writes.check_item_update(stmt)
            read = gast.Subscript(value=nodes.clone(target.value), slice=target.slice,
                                  ctx=gast.Load())
            gast.copy_location(read, target)
            total = gast.BinOp(left=read, op=stmt.op, right=stmt.value)
            self.store(target, nodes.name(norm.flat.operation(total)))
            return
        if not isinstance(target, gast.Name):
            raise _attribute_store_error(norm, target, update=op_symbol(stmt.op))
        if isinstance(stmt.op, gast.BitOr) and (
                norm.dict_writes.holds_dict(target.id)
                or isinstance(stmt.value, (gast.Dict, gast.DictComp))):
            # d |= other on a dict is d.update(other): every name holding d sees it
            call = gast.Call(func=gast.Attribute(value=nodes.name(target.id), attr="update",
                                                 ctx=gast.Load()),
                             args=[stmt.value], keywords=[])
            for sub in (call, call.func, call.func.value):
                gast.copy_location(sub, stmt)
            norm.dict_forms.dict_update(gast.copy_location(gast.Expr(value=call), stmt))
            return
        current = norm.scope.read_name(target.id, target)
        if norm.writes.held_before(target.id, stmt.lineno):
            norm.writes.check_not_held(stmt, target, current)
        if isinstance(current, gast.Name) and current.id in norm.aliases.list_values \
                and isinstance(stmt.op, gast.Add):
            # xs += ys on a list is xs.extend(ys): every name holding the list sees it
            call = gast.Call(func=gast.Attribute(value=nodes.name(target.id), attr="extend",
                                                 ctx=gast.Load()),
                             args=[stmt.value], keywords=[])
            gast.copy_location(call, stmt)
            gast.copy_location(call.func, stmt)
            gast.copy_location(call.func.value, stmt)
            norm.lists.list_method(call)
            return
        if isinstance(current, gast.Name) and current.id in norm.aliases.list_values \
                and isinstance(stmt.op, gast.Mult):
            # xs *= n on a list repeats it in place: every name holding the list sees it
            times = gast.copy_location(gast.BinOp(left=nodes.clone(target), op=gast.Mult(),
                                                  right=stmt.value), stmt)
            new = norm.flat.operation(times, base=f"{target.id}_new")
            norm.lists.follow_list(target.id, current, new, stmt)
            return
        if _update_through_view(self, stmt, target, current):
            return
        if isinstance(current, gast.Name):
            self.check_in_place(stmt, target, current)
        right = norm.flat.atom(stmt.value)
        result = norm.scope.new_version(target.id)
        norm.emit(nodes.assign(result, anno.set(gast.copy_location(gast.BinOp(
            left=nodes.clone(current), op=stmt.op, right=right), stmt), anno.IN_PLACE, True)))
        norm.defined.add(result)
        norm.env[target.id] = nodes.name(result)

    def check_in_place(self, stmt, target, current):
        """The checks of ``v op= e`` where ``v`` (now the SSA name ``current``) may hold
        an array another name holds: Python's update is in place then."""
        norm = self.norm
        # Python's 'v op= e' updates in place exactly when v holds an array (or a
        # list): a number gets a new value.  Where v may share an array with another
        # name, whether it does is decided when the code runs (check_not_inplace)
        op = op_symbol(stmt.op)
        hint = f"write '{target.id} = {target.id} {op} ...' to make a new array"
        checked = False
        owner = norm.writes.outside_owner(current.id, target.id)
        if owner is not None:
            message = (f"'{target.id} {op}= ...' may write into an array another name "
                       f"holds: {owner} (for arrays, {op}= writes in place)")
            if owner.startswith("the caller's array"):   # (a helper's parameter)
                hint += (f", or '{target.id}[...] {op}= ...' to change the caller's "
                         f"array, as Python's {op}= does")
            if current.id not in norm.defined:   # a global: its value is known now
                value = norm.parsed.resolve(current.id, None)
                if isinstance(value, (list, dict)):   # (a list's += extends it in place)
                    noun = type(value).__name__
                    message = (f"'{target.id} {op}= ...' changes the {noun} another name "
                               f"holds in place: {owner}")
                    hint = f"write '{target.id} = {target.id} {op} ...' to make a new {noun}"
                if not isinstance(value, IMMUTABLE_TYPES):
                    raise norm.error(message, stmt, hint=hint)
            else:
                norm.writes.check_not_inplace(current, message, hint, stmt)
            checked = True
        sharing = sorted(u for u, a in norm.env.items()
                         if u != target.id and isinstance(a, gast.Name)
                         and (a.id == current.id or a.id in norm.aliases.shares.get(current.id, ())))
        if any(norm.inliner.passed_in(target.id, user) for user in sharing):
            hint = _callers_array_hint(target.id, op)
        if sharing and not checked:
            norm.writes.check_not_inplace(current, f"'{target.id} {op}= ...' may change "
                                   f"{sharing[0]!r} too, since the two may share memory",
                                   hint, stmt)
            checked = True
        # the may-alias analysis over every path (check_writes) fills in this
        # check's message, or drops it where no other array can be reached
        pending = None if checked else norm.writes.check_not_inplace(current, "", hint, stmt)
        norm.writes.record_write(current.id, stmt, target.id, stmt.op, pending)


def _bound_at(atom, source):
    """``atom``, or for a constant (folded: nothing emitted) a copy marked with the
    statement ``source`` binding it, where a loop's copy of it is placed."""
    if isinstance(atom, gast.Constant):
        return anno.set(nodes.clone(atom), anno.BOUND_AT, source)
    return atom


def _update_through_view(assigns, stmt, target, current):
    """``p op= e`` where ``p`` holds a slice of an array the function made (``p =
    s[2:]``): Python writes into that array's memory, as ``p[...] = p op e`` does,
    which is followed as that write is (a name sharing the memory and read later
    refused there, one that shares none, ``q = s[:2]``, not).  True when done."""
    norm = assigns.norm
    if not isinstance(current, gast.Name) or current.id not in norm.aliases.slices \
            or current.id in norm.aliases.list_values \
            or norm.writes.outside_owner(current.id, target.id) is not None:
        return False
    total = gast.copy_location(gast.BinOp(left=nodes.name(target.id), op=stmt.op,
                                          right=stmt.value), stmt)
    whole = gast.copy_location(gast.Subscript(
        value=gast.copy_location(nodes.name(target.id), target),
        slice=gast.copy_location(gast.Constant(value=Ellipsis, kind=None), target),
        ctx=gast.Store()), target)
    assigns.store(whole, nodes.name(norm.flat.operation(total)), op_symbol(stmt.op))
    return True


def _assigned_none_method(assigns, stmt):
    """``t = xs.append(v)`` (``.extend``, ``.insert``) on a list, ``t = d.update(...)``
    on a dict: the call as a statement, then ``t`` bound to its result, None, as
    Python does; whether ``stmt`` was one."""
    norm, call = assigns.norm, stmt.value
    if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], gast.Name) \
            or not isinstance(call, gast.Call) or not isinstance(call.func, gast.Attribute) \
            or not isinstance(call.func.value, gast.Name):
        return False
    if not (list_mutation(call) and call.func.attr != "pop" or call.func.attr == "update"
            and call.func.value.id in norm.dict_writes.dict_names()):
        return False
    norm.one_statement(gast.copy_location(gast.Expr(value=call), stmt))
    assigns.bind_name(stmt.targets[0].id, gast.copy_location(nodes.const(None), stmt))
    return True
