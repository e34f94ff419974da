"""Adjoints of reads and writes of items: ``v = x[i]`` and ``x[i] = v``.

:class:`SubscriptAdjoints` gives the adjoint of an item read to the container
or array it was read from (into an adjoint array the sweep owns with ``add_into``:
in place for numpy, ``np.add.at`` where an index may repeat, a new lazy array when
a Dask adjoint reaches a numpy one; leaf by leaf for lists, tuples and dicts),
and undoes a write ``x[i] = v`` backward: ``v`` gets ``x_bar[i]``, which then
becomes zero, and the overwritten values come back from the tape.
Input: the statement's parts, the sweep's :class:`Adjoints` (read and
updated), the facts (read) and the name the tape is popped from.  Output:
statements appended to the list ``out`` given (or returned).
"""

import gast

from ...analysis import kinds as kinds_
from ...optimize import fold
from ...syntax import nodes


class SubscriptAdjoints:
    """Adjoints of item reads and writes (see the module docstring)."""

    def __init__(self, env, facts, tape_read, ranked=frozenset()):
        self.env = env
        self.facts = facts
        self.tape_read = tape_read
        # parameters of known rank (code the API makes for numpy array arguments, whose
        # adjoints start as arrays of Dask's library when Dask data is among them:
        # duck.called_with): their items are added in place, ``x_bar[i] += g`` (a loop
        # reading them item by item runs without add_into's call)
        self.ranked = ranked

    def adjoint_of_subscript(self, value, g, out):
        """``name = value`` (an item read ``x[i]``) backward: ``x``'s adjoint gets ``g``
        at ``i``."""
        base = value.value
        if not self.facts.is_active(base):
            return
        index = nodes.clone(value.slice)
        if self.whole(base.id, index):
            # x[...], x[()] of an array (a 0-d one, a numpy number too): every element,
            # x's shape: its adjoint is x's, as a copy's is (a number's adjoint has no items)
            self.env.accumulate(base.id, nodes.clone(g), out)
            return
        # (np.newaxis in an index: no item assignment of Dask's takes it, add_into does)
        basic = is_basic_index(index, self.facts.scalars) and not _has_newaxis(index)
        primal = base.id
        if kinds_.is_sequence(self.facts.kinds.get(primal)) and not isinstance(index, gast.Slice) \
                and basic:
            self.adjoint_of_item(primal, index, g, out)
            return
        if primal in self.facts.sequences:
            current = self.env.adj.get(primal)
            if isinstance(current, gast.Name) and current.id in self.env.owned \
                    and not isinstance(index, (gast.Slice, gast.Tuple)):
                # an adjoint of the sweep's own gets g at index in place (O(1), not a
                # new list per read: a loop reading every item stays linear)
                out.append(nodes.assign(current.id, nodes.call(self.env.helper("add_item"), [
                    nodes.name(current.id), nodes.index_expr(index), nodes.clone(g)])))
                return
            self.env.accumulate(primal, nodes.call(self.env.helper("item_bar"), [
                nodes.name(primal), nodes.index_expr(index), nodes.clone(g)]), out)
            return
        g = nodes.clone(g)
        if primal not in self.env.adj and basic and primal in self.facts.container_items:
            # an item of a container, of unknown kind (an array, or a tuple in a list
            # of arrays and tuples): item_bar decides when the code runs
            name = self.env.adjoint_name(primal)
            out.append(nodes.assign(name, nodes.call(self.env.helper("item_bar"), [
                nodes.name(primal), nodes.index_expr(index), g])))
            self.env.adj[primal] = nodes.name(name)
            self.env.owned.add(name)
            return
        # a single name as the index of a value not known to be an array may be a key
        # of a dict (a loop over the keys of a parameter of unknown kind): add_at_key
        # decides when the code runs (np.add.at in place for an array)
        keyed = isinstance(index, gast.Name) and not basic \
            and self.facts.kinds.get(primal, kinds_.UNKNOWN) != kinds_.LEAF
        if primal not in self.env.adj:
            self.first_item_adjoint(primal, index, g, basic, keyed, out)
            return
        current = self.env.adj[primal]
        if isinstance(current, gast.Name) and current.id in self.env.owned:
            self.add_into_owned(primal, current.id, index, g, basic, keyed, out)
            return
        name = self.env.adjoint_name(primal)
        out.append(nodes.assign(name, nodes.call(self.env.helper("add_at"),
                                                 [nodes.clone(current), nodes.index_expr(index), g])))
        self.env.adj[primal] = nodes.name(name)
        self.env.owned.add(name)

    def first_item_adjoint(self, primal, index, g, basic, keyed, out):
        """``primal``'s first adjoint, from ``g`` read at ``index``: zeros with ``g`` put
        in (``keyed``: maybe a dict's key; ``basic``: ints and slices only)."""
        name = self.env.adjoint_name(primal)
        out.append(nodes.assign(name, nodes.call(self.env.helper("zeros_like"),
                                                 [nodes.name(primal)])))
        self.env.adj[primal] = nodes.name(name)
        self.env.owned.add(name)
        if basic and self.facts.kinds.get(primal, kinds_.UNKNOWN) != kinds_.LEAF:
            # not known to be an array: a tuple's adjoint becomes a list to take
            # the item (add_item), an array's takes it in place
            out.append(nodes.assign(name, nodes.call(self.env.helper("add_item"), [
                nodes.name(name), nodes.index_expr(index), g])))
        elif basic and primal in self.ranked:
            out.append(nodes.assign(nodes.subscript(nodes.name(name), index, store=True), g))
        elif basic:   # (add_into: in place for numpy; a Dask g makes a new Dask array,
            #            where numpy's own write ``x_bar[i] = g`` would compute g)
            out.append(self.add_at(name, index, g))
        elif keyed:
            out.append(nodes.assign(name, nodes.call(self.env.helper("add_at_key"), [
                nodes.name(name), index, g])))
        else:
            out.append(self.add_at(name, index, g))

    def add_into_owned(self, primal, name, index, g, basic, keyed, out):
        """``g`` added at ``index`` into ``name``, an adjoint of ``primal`` the sweep owns
        (``keyed`` and ``basic``: see :meth:`first_item_adjoint`)."""
        if keyed:
            out.append(nodes.assign(name, nodes.call(self.env.helper("add_at_key"), [
                nodes.name(name), index, g])))
        elif basic and self.facts.kinds.get(primal, kinds_.UNKNOWN) != kinds_.LEAF:
            # not known to be an array: for a list, ``xs_bar[1:] += g`` would
            # concatenate and ``xs_bar[0] += g`` add in place into the array stored
            # there (another adjoint); add_item adds item by item into a new value
            # (``+`` for an array), a tuple's adjoint becoming a list to take it
            out.append(nodes.assign(name, nodes.call(self.env.helper("add_item"), [
                nodes.name(name), nodes.index_expr(index), g])))
        elif basic and primal in self.ranked:
            out.append(gast.AugAssign(
                target=nodes.subscript(nodes.name(name), index, store=True),
                op=gast.Add(), value=g))
        else:   # add_into: x_bar[i] += g in place for numpy, lazily for Dask (a numpy
            #     x_bar cannot take a Dask g in place)
            out.append(self.add_at(name, index, g))

    def adjoint_of_item(self, primal, index, g, out):
        """``v = xs[i]`` of a list or tuple ``xs`` (an int index): ``xs_bar[i]`` gets
        ``g``, in a list adjoint the sweep owns (made by ``zeros_tree``, or copied once:
        O(1) per item in a loop).  Items are replaced, never changed in place, so an
        adjoint stored into the list is never written through."""
        name = self.env.adjoint_name(primal)
        current = self.env.adj.get(primal)
        if current is None:
            out.append(nodes.assign(name, nodes.call(self.env.helper("zeros_tree"),
                                                     [nodes.name(primal)])))
            self.env.owned.add(name)
        elif not (isinstance(current, gast.Name) and current.id in self.env.owned):
            out.append(nodes.assign(name, nodes.call(self.env.helper("adjoint_copy"),
                                                     [nodes.clone(current)])))
            self.env.owned.add(name)
        elif current.id != name:
            name = current.id
        self.env.adj[primal] = nodes.name(name)
        item = nodes.subscript(nodes.name(name), nodes.clone(index))
        if kinds_.element(self.facts.kinds.get(primal)) == kinds_.LEAF:
            total = fold(gast.BinOp(left=item, op=gast.Add(), right=nodes.clone(g)))
        else:
            total = nodes.call(self.env.helper("add_tree"), [item, nodes.clone(g)])
        out.append(nodes.assign(nodes.subscript(nodes.name(name), nodes.clone(index),
                                                store=True), total))

    def adjoint_of_store(self, stmt):
        """``x[index] = v`` backward: v gets x_bar[index], which then becomes zero, and
        the overwritten values come back from the tape."""
        target, value = stmt.targets[0], stmt.value
        base, index = target.value.id, target.slice
        out = []
        if self.facts.activity.is_active(base) and base in self.env.adj:
            g = self.env.adj[base]
            whole = self.whole(base, index)
            if not isinstance(g, gast.Name) and not whole:
                # a folded adjoint (a number, the same for every element) has no items:
                # made an array of x's shape the sweep owns first
                g = self.materialized(base, g, out)
            name = self.env.adjoint_name(base)
            # (np.newaxis in the index: maybe x of 0-d, whose adjoint x_bar + g may be a
            # numpy number, which takes no write: zero_at makes an array of it)
            in_place = isinstance(g, gast.Name) and g.id == name and name in self.env.owned \
                and not _has_newaxis(index)
            later = []
            if self.facts.is_active(value):
                basic = is_basic_index(index, self.facts.scalars)
                if basic and whole:   # (x[...] = v, x[()] = v of a 0-d x: its adjoint
                    part = nodes.clone(g)   # may be a number, which takes no index)
                elif basic:
                    part = nodes.subscript(nodes.clone(g), nodes.clone(index))
                else:   # an integer array may name a position twice: the last write wins
                    part = nodes.call(self.env.helper("stored_part"),
                                      [nodes.clone(g), nodes.index_expr(index)])
                if not (value.id in self.facts.scalars and self.one_item(base, index)):
                    # (a number stored at a slice, a row, an array of positions was
                    # broadcast there: its adjoint is the sum)
                    part = self.env.unbroadcast(part, value.id)
                if in_place and basic and not whole:   # (a view of x_bar, zeroed next)
                    part = self.env.copied(part)
                if value.id == base:   # b[idx] = b: the part reaches b after the zeroing
                    held = self.env.namer.fresh(f"{base}_part")
                    out.append(nodes.assign(held, part))
                    later.append(nodes.name(held))
                else:
                    self.env.accumulate(value.id, part, out)
            if whole:   # (new zeros: a 0-d x_bar may have become a number, x_bar + g)
                out.append(nodes.assign(name, nodes.call(self.env.helper("zeros_like"),
                                                         [nodes.name(base)])))
                self.env.owned.add(name)
            elif in_place:
                out.append(nodes.assign(nodes.subscript(nodes.name(name), nodes.clone(index),
                                                        store=True), nodes.const(0.0)))
            else:
                out.append(nodes.assign(name, nodes.call(self.env.helper("zero_at"), [
                    nodes.clone(g), nodes.index_expr(index)])))
                self.env.owned.add(name)
            self.env.adj[base] = nodes.name(name)
            for held in later:
                self.env.accumulate(base, held, out)
        out.append(nodes.assign(nodes.subscript(nodes.name(base), nodes.clone(index),
                                                store=True),
                                nodes.call(nodes.attr(nodes.name(self.tape_read), "pop"))))
        for alias in reversed(self.facts.store_aliases.get(id(stmt), ())):
            out.append(nodes.assign(alias, nodes.call(nodes.attr(nodes.name(self.tape_read),
                                                                 "pop"))))
        return out

    def whole(self, primal, index):
        """Whether ``primal[index]`` is every element of an array: ``...`` of a value not
        known to be a container, ``()`` of one known to be an array or a number (a dict
        may have the key ``()``)."""
        kind = self.facts.kinds.get(primal, kinds_.UNKNOWN)
        if isinstance(index, gast.Constant):
            return index.value is Ellipsis and not kinds_.is_container(kind)
        return is_whole_index(index) and kind == kinds_.LEAF

    def materialized(self, primal, g, out):
        """``primal``'s adjoint ``g``, a folded expression (a number standing for every
        element), put into zeros of ``primal``'s shape the sweep owns: its name."""
        name = self.env.adjoint_name(primal)
        out.append(nodes.assign(name, nodes.call(self.env.helper("zeros_like"),
                                                 [nodes.name(primal)])))
        out.append(self.add_at(name, nodes.const(Ellipsis), nodes.clone(g)))
        self.env.adj[primal] = nodes.name(name)
        self.env.owned.add(name)
        return self.env.adj[primal]

    def one_item(self, base, index):
        """Whether ``base[index]`` is certainly one item: one integer per axis of an
        array of known rank (``analysis.ranks``)."""
        items = index.elts if isinstance(index, gast.Tuple) else [index]
        return self.facts.ranks.get(base) == len(items) and all(
            isinstance(i, gast.Name) and i.id in self.facts.scalars
            or isinstance(i, gast.Constant) and type(i.value) is int for i in items)

    def add_at(self, name, index, g):
        """``name = add_into(name, index, g)``: ``g`` added where an index may repeat
        (``np.add.at`` in place for a numpy array, a new array for a Dask one)."""
        return nodes.assign(name, nodes.call(self.env.helper("add_into"), [
            nodes.name(name), nodes.index_expr(index), g]))


def is_whole_index(index):
    """Whether ``index`` is ``...`` or ``()``: every element of an array, of a 0-d one
    too (whose adjoint may be a number, which takes no index)."""
    return isinstance(index, gast.Constant) and index.value is Ellipsis \
        or isinstance(index, gast.Tuple) and not index.elts


def _has_newaxis(index):
    """Whether ``index`` holds ``None`` (``np.newaxis``) as one of its parts."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(p, gast.Constant) and p.value is None for p in parts)


def is_basic_index(index, scalars=()):
    """True when the index holds only ints and slices (no repeated positions).

    Names count when they are known to hold Python scalars (loop counters...).
    """
    for node in gast.walk(index):
        if isinstance(node, gast.Name):
            if node.id in scalars:
                continue
            return False
        if isinstance(node, gast.Constant) and node.value is not None \
                and not isinstance(node.value, int) and node.value is not Ellipsis:
            return False
    return True

