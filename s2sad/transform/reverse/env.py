"""The adjoints the backward sweep holds, and the code that updates them.

An :class:`Adjoints` is the one piece of state of a reverse sweep: the
expression holding each active name's adjoint so far (``adj``), the
``<name>_bar`` identifier chosen for each (``adj_names``), the adjoint names
holding a fresh array the sweep may update in place (``owned``), and what the
generated code reads (``bindings``) and says (``comments``).  Its methods
write statements into a list ``out`` they are given and update that state;
the facts they read (a :class:`~s2sad.analysis.facts.ReverseFacts`) never
change.
"""

import gast

from ...analysis import kinds as kinds_
from ...optimize import fold, fold_binary, without_float_unit
from ...syntax import anno, nodes
from ..common import numpy_module, runtime_helper

class Adjoints:
    """The adjoint of each primal name during a sweep (see the module docstring)."""

    def __init__(self, facts, namer, bindings):
        self.facts = facts
        self.namer = namer
        self.adj = {}          # primal name -> expression holding its adjoint
        self.adj_names = {}    # primal name -> the <name>_bar identifier chosen for it
        self.owned = set()     # adjoint names holding a fresh array we may update in place
        self.bindings = bindings   # free name of the generated code -> object
        self.comments = []
        # parameters added into in place, or that would be as float64 arrays
        self.adds_in_place = set()
        self.loop_depth = 0    # how many reversed loops the sweep is inside
        self._helpers = {}     # runtime helper name -> the helper (see helper)
        self.alias_copies = 0  # how many copies alias_copy made (none: none to drop)

    def helper(self, name):
        """A runtime helper's name, bound for the generated code."""
        found = self._helpers.get(name)
        if found is None:   # (looked up once a sweep: the runtime modules stay as they are)
            found = self._helpers[name] = runtime_helper(name)
        self.bindings[name] = found
        return anno.set(nodes.name(name), anno.HELPER_NAME, True)

    def numpy(self):
        """Bind ``np`` for the generated code."""
        self.bindings["np"] = numpy_module()

    def alias_copy(self, value):
        """``copy_of(value)`` (``np.copy``, lazy for Dask), marked (``anno.ALIAS_COPY``)
        as a copy that only keeps an adjoint apart from ``value``: the sweep drops it
        when nothing is written in place (see ``assembly.without_alias_copies``); counted
        in ``alias_copies`` (a marked node is one of these or a clone of one)."""
        self.alias_copies += 1
        return anno.set(self.copied(value), anno.ALIAS_COPY, True)

    def copied(self, value):
        """``copy_of(value)``: ``np.copy(value)``, a Dask array's own copy (lazy: Dask
        does not implement ``np.copy``, and numpy would compute the array)."""
        return nodes.call(self.helper("copy_of"), [value])

    def adjoint_name(self, primal):
        """The ``<name>_bar`` identifier of ``primal``'s adjoint (chosen once)."""
        if primal not in self.adj_names:
            self.adj_names[primal] = self.namer.adjoint(primal)
        return self.adj_names[primal]

    def snapshot(self):
        """The adjoints and the owned names now (copies), for :meth:`restore`."""
        return dict(self.adj), set(self.owned)

    def restore(self, state):
        """Make ``state`` (from :meth:`snapshot`) the adjoints and owned names."""
        adj, owned = state
        self.adj.clear()
        self.adj.update(adj)
        self.owned.clear()
        self.owned.update(owned)

    def forget(self, names):
        """Drop the adjoints of ``names`` (the names a block assigns, once it is done)."""
        for name in [n for n in self.adj if n in names]:
            del self.adj[name]

    def accumulate(self, primal, contribution, out, tree=False, folded=False):
        """Add ``contribution`` to the adjoint of ``primal``; ``tree``: it comes from a
        helper's pullback, a list, tuple or dict adjoint where ``primal`` may be one;
        ``folded``: ``contribution`` is folded already (``fold`` would leave it)."""
        if not folded:
            contribution = fold(contribution)
        if primal not in self.adj and isinstance(contribution, gast.Constant):
            self.adj[primal] = contribution   # a constant adjoint stays symbolic and folds
            return
        if primal not in self.adj and self.same_list_adjoint(primal, contribution):
            # one list adjoint for every name of a list changed in place: items read
            # of this name add into it in place too (no copy of it per read)
            self.adj[primal] = nodes.clone(contribution)
            return
        if primal not in self.adj:
            name = self.adjoint_name(primal)
            out.append(nodes.assign(name, self.unshared(contribution)))
            self.adj[primal] = nodes.name(name)
            return
        current = self.adj[primal]
        name = current.id if isinstance(current, gast.Name) else self.adjoint_name(primal)
        if primal in self.facts.sequences:   # adjoints of tuples add elementwise
            total = nodes.call(self.helper("add_items"), [nodes.clone(current), contribution])
        # (the kinds read are facts.kind of the name ``primal``, without making the name)
        elif is_call_of(contribution, "times_bar") or kinds_.is_container(
                self.facts.kinds.get(primal, kinds_.UNKNOWN)) or (
                self.facts.kinds.get(primal, kinds_.UNKNOWN) != kinds_.LEAF
                and (tree or _container_adjoint(contribution))):
            # a tuple, list or dict, or maybe one (``tree``: a helper's pullback gives a
            # container argument's adjoint as a container; or a container helper's
            # adjoint, in gradient code differentiated again): never concatenated, added
            # leaf by leaf
            total = nodes.call(self.helper("add_tree"), [nodes.clone(current), contribution])
        else:
            if isinstance(current, gast.Name) or (isinstance(current, gast.Constant)
                                                  and type(current.value) is float):
                # (an adjoint is a float: the sum promotes, no 1.0 factor needed)
                contribution = without_float_unit(contribution)
            # (the contribution is folded: only the sum and the current adjoint are)
            total = fold_binary(_sum(fold(nodes.clone(current)), contribution))
            if self.in_place(primal, current, total):
                self.adds_in_place.add(primal)
                if primal in self.facts.float64:
                    out.append(anno.set(nodes.assign(name, total), anno.ADD_IN_PLACE, True))
                    self.adj[primal] = nodes.name(name)
                    return
        out.append(nodes.assign(name, total))
        self.adj[primal] = nodes.name(name)
        self.owned.add(name)

    def in_place(self, primal, current, total):
        """Whether ``total`` (``current + g``) may be added into ``current`` in place
        when ``primal`` is a float64 array (``analysis.dtypes``: the values are real):
        ``current`` is ``primal``'s own adjoint variable holding an array this sweep
        made (``owned``: nothing else holds it, the parameter's adjoint is read by no
        other), and ``g`` has ``primal``'s shape or a smaller one; in a backward loop
        (where an allocation per trip adds up)."""
        if not self.loop_depth or primal not in self.facts.accumulators \
                or not isinstance(current, gast.Name) \
                or current.id != self.adjoint_name(primal) or current.id not in self.owned:
            return False
        if not (isinstance(total, gast.BinOp) and isinstance(total.op, gast.Add)
                and isinstance(total.left, gast.Name) and total.left.id == current.id):
            return False
        return _keeps_shape(total.right, primal)

    def same_list_adjoint(self, primal, contribution):
        """Whether ``contribution`` is the adjoint, of the sweep's own, of another name
        of the list changed in place that ``primal`` names: all of them are one list."""
        if not (isinstance(contribution, gast.Name) and contribution.id in self.owned):
            return False
        return any(primal in chain and any(self.adj_names.get(n) == contribution.id
                                           for n in chain)
                   for chain in self.facts.in_place.values())

    def unshared(self, contribution):
        """``contribution``, copied when it may be an array the function writes into (or
        a view of one): the backward sweep restores such an array in place (``x[i] =
        tape.pop()``), which would change an adjoint that is the array itself (the
        adjoint of ``z`` in ``x * z`` is ``x``)."""
        if not (self.facts.written or self.facts.shares_written):
            return contribution
        written = self.facts.written | self.facts.shares_written
        view = contribution
        while isinstance(view, gast.Call) and view.args and (
                is_call_of(view, "unbroadcast") or is_call_of(view, "unbroadcast_to")):
            view = view.args[0]
        while isinstance(view, (gast.Subscript, gast.Attribute)):
            view = view.value
        if isinstance(view, gast.Name) and view.id in written:
            return nodes.call(self.helper("snapshot"), [contribution])
        return contribution

    def materialize(self, names, out):
        """Put the adjoint of each name in its canonical ``<name>_bar`` variable."""
        for primal in sorted(names):
            name = self.adjoint_name(primal)
            current = self.adj.get(primal)
            if current is None:
                # (a list or tuple's adjoint is a list the sweep writes items into)
                zeros = "zeros_tree" if kinds_.is_sequence(self.facts.kinds.get(primal)) \
                    else "zeros_like"
                out.append(nodes.assign(name, nodes.call(self.helper(zeros),
                                                         [nodes.name(primal)])))
                self.owned.add(name)
            elif not (isinstance(current, gast.Name) and current.id == name):
                out.append(nodes.assign(name, nodes.clone(current)))
                self.owned.discard(name)
            self.adj[primal] = nodes.name(name)

    def copy_of(self, primal, name):
        """A copy of the adjoint ``name`` of ``primal`` the sweep may write items into."""
        if kinds_.is_container(self.facts.kind(nodes.name(primal))) \
                or primal in self.facts.sequences:
            return nodes.call(self.helper("adjoint_copy"), [nodes.name(name)])
        return self.copied(nodes.name(name))

    def unbroadcast(self, contribution, name):
        """``unbroadcast(contribution, name)``, reading the shape from names the backward
        sweep has anyway when ``name`` is a temporary of a loop (so it need not be taped).
        A negation moves outside (``-unbroadcast(g, x)``): it then acts on the reduced
        array, never on a larger one."""
        if isinstance(contribution, gast.UnaryOp) and isinstance(contribution.op, gast.USub):
            return gast.UnaryOp(op=gast.USub(),
                                operand=self.unbroadcast(contribution.operand, name))
        if name in self.facts.loop_temps:
            witness = self.facts.shape_witness(name)
            if witness != (name,):
                if len(witness) == 1:
                    return nodes.call(self.helper("unbroadcast"),
                                      [contribution, data_name(witness[0])])
                shape = nodes.call(self.helper("shape_of"), [data_name(w) for w in witness])
                return nodes.call(self.helper("unbroadcast_to"), [contribution, shape])
        return nodes.call(self.helper("unbroadcast"), [contribution, nodes.name(name)])


def data_name(name):
    """A read of the value ``name`` (a shape witness: the user's, never a helper, even
    spelled like one, ``np = 3.0``: see ``emit_shadowed.helper_alias``)."""
    return anno.set(nodes.name(name), anno.USER_NAME, True)


#: the modules of the runtime helpers whose results may be lists, tuples or dicts
_CONTAINER_MODULES = ("s2sad.runtime.trees", "s2sad.runtime.lists", "s2sad.runtime.dicts",
                      "s2sad.runtime.adjoints_structure")


#: adjoint helpers giving the shape of one of their arguments: {name: its position}
_SHAPE_OF = {"unbroadcast": 1, "matmul_lhs_bar": 1, "matmul_rhs_bar": 2}


def _keeps_shape(node, primal):
    """``node`` certainly has ``primal``'s shape or one that broadcasts to it: a helper
    of :data:`_SHAPE_OF` whose argument is ``primal``, or its negation."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return _keeps_shape(node.operand, primal)
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)
            and node.func.id in _SHAPE_OF and not node.keywords):
        return False
    position = _SHAPE_OF[node.func.id]
    return len(node.args) > position and isinstance(node.args[position], gast.Name) \
        and node.args[position].id == primal


def _container_adjoint(node):
    """Whether ``node`` calls one of s2sad's container helpers (``iterable_bar``,
    ``dict_set_part``...): its result is a container where the value is one."""
    if not (isinstance(node, gast.Call) and isinstance(node.func, gast.Name)):
        return False
    try:
        helper = runtime_helper(node.func.id)
    except AssertionError:
        return False
    return (getattr(helper, "__module__", None) or "") in _CONTAINER_MODULES


def _sum(left, right):
    """``left + right`` (the node ``gast.BinOp(left=..., op=gast.Add(), right=...)`` makes,
    without gast's constructor: the sweep makes one per contribution added)."""
    node = _BINOP.__new__(_BINOP)
    node.__dict__.update(left=left, op=_ADD.__new__(_ADD), right=right)
    return node


_BINOP, _ADD = gast.BinOp, gast.Add


def is_call_of(node, dotted):
    """``node`` is a call of the function spelled ``dotted`` (``"np.copy"``)."""
    if not isinstance(node, gast.Call):
        return False
    func, parts = node.func, dotted.split(".")
    for part in reversed(parts[1:]):
        if not (isinstance(func, gast.Attribute) and func.attr == part):
            return False
        func = func.value
    return isinstance(func, gast.Name) and func.id == parts[0]
