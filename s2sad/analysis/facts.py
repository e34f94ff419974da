"""The facts reverse mode reads, as one frozen record per function.

Input: the body of a normalized function (without its return), its
parameters, the ``wrt`` names, the returned names and the flavor.  Output: a
:class:`ReverseFacts` that the transform reads and never changes: which names
are active, their kinds, which hold Python numbers, which share a shape,
which are temporaries of a loop, how often each is read, where each simple
statement stands, which names may share memory with an array written into,
and (once active calls of user functions are linked, see
:func:`with_linked`) which names hold containers, which statements change a
list in place, which products fuse with the sum reading them, and which
temporaries take an adjoint smaller (``spread``) or larger (``unreduced``)
than themselves from their one reader.  Everything is computed before the
sweep: the sweep keeps no growing set of facts.
"""

import dataclasses
import operator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, FrozenSet, Mapping

import gast

from . import kinds as kinds_
from ..rules import registry
from ..syntax import anno

#: on a call of a user function rewritten to call its vjp: (Callee, pullback name,
#: argument names)
USER_CALL = anno.USER_CALL

@dataclass(frozen=True)
class ReverseFacts:
    """What reverse mode knows about one function before its sweep (see the module
    docstring); the queries below read nothing else."""

    activity: Any                     # analysis.activity.Activity
    kinds: Mapping[str, str]          # name -> kind (analysis.kinds)
    scalars: FrozenSet[str]           # names certain to hold one number
    same_shape: Callable              # same_shape(a, b): certainly equal shapes
    single_defs: Mapping[str, Any]    # name -> its one defining statement
    loop_temps: FrozenSet[str]        # names assigned in a loop body, not carried
    read_counts: Mapping[str, int]    # name -> how many times it is read
    positions: Mapping[int, tuple]    # id(stmt) -> (its statement list, index)
    written: FrozenSet[str]           # arrays written into (b[i] = v)
    store_aliases: Mapping[int, tuple]   # id(store) -> names saved around it (vjp)
    shares_written: FrozenSet[str]    # names that may share memory with a written array
    leaf_on_a_path: FrozenSet[str]    # unknown kind, a number or array on some path
    sequences: FrozenSet[str] = frozenset()       # names certain to be containers
    container_items: FrozenSet[str] = frozenset()  # unknown kind, read out of one
    in_place: Mapping[int, frozenset] = field(default_factory=dict)   # lists changed in place
    fused: Mapping[int, Any] = field(default_factory=dict)   # see fused_products
    spread: FrozenSet[str] = frozenset()     # adjoint may be smaller than the name
    unreduced: FrozenSet[str] = frozenset()  # adjoint may be larger than the name
    witnesses: Mapping[str, tuple] = field(default_factory=dict)   # see shape_witness
    ranks: Mapping[str, int] = field(default_factory=dict)   # name -> ndim (analysis.ranks)
    # parameters whose adjoints may be added into in place as float64 arrays, and those
    # the code is made for as float64 arrays (analysis.dtypes)
    accumulators: FrozenSet[str] = frozenset()
    float64: FrozenSet[str] = frozenset()
    # id(stmt) -> the differentiable reads of a simple statement of the body that
    # carries a derivative, None for one that carries none (analysis.activity's
    # ``reads``); a statement left out (several flows, or made by the linking) is asked
    flow_reads: Mapping[int, Any] = field(default_factory=dict)

    def is_active(self, atom):
        """Whether ``atom`` is a name with an adjoint (see ``analysis.activity``)."""
        return isinstance(atom, gast.Name) and self.activity.is_active(atom.id)

    def kind(self, atom):
        """The kind (see ``analysis.kinds``) of an atom: a literal is a leaf."""
        if isinstance(atom, gast.Name):
            return self.kinds.get(atom.id, kinds_.UNKNOWN)
        return kinds_.LEAF if isinstance(atom, gast.Constant) else kinds_.UNKNOWN

    def shape_witness(self, name):
        """Names whose broadcast has ``name``'s shape (``(name,)`` when none is known)."""
        return self.witnesses.get(name, (name,))

    def is_count(self, atom):
        """An int literal, or a number that carries no derivative: maybe a repetition
        count."""
        if isinstance(atom, gast.Constant):
            return type(atom.value) is int
        return isinstance(atom, gast.Name) and atom.id in self.scalars \
            and not self.is_active(atom)

    def may_concatenate(self, name, value):
        """``a = b + c`` of unknown kind where ``b`` or ``c`` is a list or tuple, or
        both may be and are known to have one shape (``xs + xs``: an array's adjoint
        would be ``g`` itself, unchecked, where a list's is split): a concatenation of
        lists or numpy's sum, as the values decide when the code runs.  (Of two names
        of unknown shapes, ``unbroadcast`` refuses a list's adjoint as it runs.)"""
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)
                and self.kinds.get(name, kinds_.UNKNOWN) == kinds_.UNKNOWN):
            return False
        left, right = value.left, value.right
        if any(kinds_.is_sequence(self.kind(o)) for o in (left, right)):
            return True
        return all(isinstance(o, gast.Name) and self.kind(o) == kinds_.UNKNOWN
                   and o.id not in self.leaf_on_a_path for o in (left, right)) \
            and self.same_shape(left.id, right.id)

    def may_repeat(self, name, value):
        """``a = n * b`` where ``b`` is not known to be an array or a container and ``n``
        may be an int: a list's repetition or an array's product, as the values decide
        when the code runs (``times_bar``)."""
        if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)) \
                or self.kinds.get(name, kinds_.UNKNOWN) != kinds_.UNKNOWN:
            return False
        for count, items in ((value.left, value.right), (value.right, value.left)):
            if self.is_count(count) and self.is_active(items) \
                    and self.kind(items) == kinds_.UNKNOWN \
                    and items.id not in self.leaf_on_a_path:
                return True
        return False

    def only_array_operand(self, value, atom):
        """``atom`` is the one operand of ``value`` that may be an array (the others are
        literals or numbers): the result has its shape, whatever that shape is."""
        if isinstance(value, gast.UnaryOp):
            operands = [value.operand]
        elif isinstance(value, gast.BinOp):
            operands = [value.left, value.right]
        elif isinstance(value, gast.Call) and not value.keywords:
            operands = list(value.args)
        else:
            return False
        arrays = [v for v in operands if not (isinstance(v, gast.Constant) or (
            isinstance(v, gast.Name) and v.id in self.scalars))]
        return len(arrays) == 1 and isinstance(arrays[0], gast.Name) \
            and arrays[0].id == atom.id

    def spreads_exactly(self, value):
        """Whether the adjoint rule of the elementwise operation ``value`` gives every
        operand its exact adjoint from a ``y_bar`` smaller than ``y`` (the summed axes of
        length 1), once each contribution is unbroadcast to its operand's shape.

        That holds when spreading a contribution to its operand's shape restores
        ``y``'s whole shape: for a function of one array (``y`` has its shape), for
        ``*``, ``/`` and ``**`` (each contribution reads the other operand or ``y``),
        and for ``+`` and ``-`` when every active operand has ``y``'s shape (their
        contribution is ``y_bar`` alone: a number added to an array gets the sum
        over the array, which spreading to the number's shape would lose).
        """
        if isinstance(value, gast.BinOp):
            operands = (value.left, value.right)
            if not all(isinstance(v, (gast.Name, gast.Constant)) for v in operands):
                return False
            if isinstance(value.op, (gast.Mult, gast.Div, gast.Pow)):
                return True
            if isinstance(value.op, (gast.Add, gast.Sub)):
                for mine, other in (operands, operands[::-1]):
                    if not self.is_active(mine) or isinstance(other, gast.Constant):
                        continue
                    if not (other.id in self.scalars or self.same_shape(mine.id, other.id)):
                        return False   # the other operand may be larger than this one
                return True
            return False
        if isinstance(value, gast.UnaryOp):
            return isinstance(value.op, (gast.USub, gast.UAdd)) \
                and isinstance(value.operand, gast.Name)
        if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
                and isinstance(value.args[0], gast.Name):
            callee = anno.get(value, anno.CALLEE)
            rule = registry.lookup(callee)
            return getattr(callee, "nin", None) == 1 and rule is not None \
                and rule.adjoint is not None
        return False

    def simple_between(self, first, last):
        """``first`` and ``last`` are in one block, with only assignments between."""
        where, here = self.positions.get(id(first)), self.positions.get(id(last))
        if where is None or here is None or where[0] is not here[0] or where[1] >= here[1]:
            return False
        return all(isinstance(s, gast.Assign) for s in where[0][where[1]:here[1]])

    def defers_spread(self, name, consumer):
        """Whether the temporary ``name`` may take an adjoint smaller than itself
        (missing axes or length 1 where ``name`` is longer) from ``consumer``, because
        its own elementwise definition spreads such an adjoint exactly
        (:meth:`spreads_exactly`): ``name`` is read once, by ``consumer``, in the same
        block with only assignments between.  ``np.sum(np.exp(h) * 0.5)`` then
        differentiates to ``h_bar = 0.5 * exp`` without an array of 0.5s."""
        if consumer is None or self.read_counts.get(name) != 1:
            return False
        definition = self.single_defs.get(name)
        return definition is not None and self.simple_between(definition, consumer) \
            and anno.get(definition, USER_CALL) is None \
            and self.spreads_exactly(definition.value)

    def defers_reduction(self, name, consumer):
        """Whether the adjoint of the loop temporary ``name`` may stay larger than
        ``name`` (unreduced) until its own definition is differentiated.

        Reducing it needs ``name``'s shape, and when nothing else in the backward
        sweep tells that shape, ``name`` itself would go on the tape only for it
        (``xs[t] @ Wx + h @ Wh`` in an RNN).  The reduction can wait when ``name``
        is read once, by ``consumer``, in the same block with only simple
        statements between, and is defined by ``+ - * /`` (whose contributions are
        then unbroadcast to their own operands) or by ``@`` (whose adjoint helpers
        reduce a larger adjoint themselves).
        """
        if consumer is None or name not in self.loop_temps or self.read_counts.get(name) != 1:
            return False
        definition = self.single_defs.get(name)
        if definition is None or not self.simple_between(definition, consumer):
            return False
        if not any(w in self.loop_temps for w in self.shape_witness(name)):
            return False   # names the sweep has anyway tell the shape: reduce now
        value = definition.value
        if isinstance(value, gast.BinOp) and isinstance(
                value.op, (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.MatMult)):
            return all(isinstance(v, (gast.Name, gast.Constant))
                       for v in (value.left, value.right)) \
                and anno.get(definition, USER_CALL) is None
        if not (isinstance(value, gast.Call) and not value.keywords and len(value.args) == 2
                and all(isinstance(v, gast.Name) for v in value.args)
                and anno.get(definition, USER_CALL) is None):
            return False
        rule, matmul = registry.lookup(registry.operation_target(value)), \
            registry.lookup(operator.matmul)
        return rule is not None and matmul is not None and rule.adjoint is matmul.adjoint


def record(**fields):
    """A :class:`ReverseFacts` of ``fields`` (sets frozen, dicts read-only), with the
    shape witnesses of its loop temporaries worked out."""
    frozen = {k: frozenset(v) if isinstance(v, (set, frozenset)) else
              MappingProxyType(dict(v)) if isinstance(v, dict) else v
              for k, v in fields.items()}
    facts = ReverseFacts(**frozen)
    memo = {}   # (name, depth) -> its witnesses: each worked out once, not once a path
    witnesses = {n: _witness(facts, n, 0, memo) for n in sorted(facts.loop_temps)}
    return dataclasses.replace(facts, witnesses=MappingProxyType(witnesses))


def _witness(facts, name, depth, memo):
    """Names whose broadcast has ``name``'s shape: its elementwise operands, recursively,
    stopping at names that are not temporaries of a loop.  ``memo``: (name, depth) ->
    the answer, for the names met before (operands met twice are read once)."""
    found = memo.get((name, depth))
    if found is None:
        found = memo[name, depth] = _witness_of(facts, name, depth, memo)
    return found


def _witness_of(facts, name, depth, memo):
    stmt = facts.single_defs.get(name)
    if stmt is None or name not in facts.loop_temps or depth > 20:
        return (name,)
    value = stmt.value
    operands = None
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        operands = [value.operand]
    elif isinstance(value, gast.BinOp) and isinstance(
            value.op, (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)):
        operands = [value.left, value.right]
    elif isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
            and getattr(anno.get(value, anno.CALLEE), "nin", None) == 1:
        operands = [value.args[0]]
    if operands is None:
        return (name,)
    direct = {a.id for a in operands if isinstance(a, gast.Name)
              and a.id not in facts.scalars}
    full = _full_witness(facts, name, operands, depth, memo)
    if any(w in facts.loop_temps for w in full) and len(direct) == 1:
        return (direct.pop(),)   # one operand carries the shape: cheaper than temporaries
    return full


def _full_witness(facts, name, operands, depth, memo):
    """The witnesses of every operand of ``name``'s definition, in order."""
    names = []
    for atom in operands:
        if isinstance(atom, gast.Constant) or (
                isinstance(atom, gast.Name) and atom.id in facts.scalars):
            continue
        if not isinstance(atom, gast.Name):
            return (name,)
        for w in _witness(facts, atom.id, depth + 1, memo):
            if w not in names:
                names.append(w)
    return tuple(names) if names else (name,)


def summed_axes(call):
    """For ``np.sum(x)``, ``np.sum(x, axis)`` or ``np.sum(x, axis=..., keepdims=...)``
    with literal arguments, and ``np.mean`` the same way: ``(axis, keepdims, mean)``,
    axis a node or None for every axis.  None for anything else (other functions,
    dtype or out arguments, computed axes)."""
    callee = anno.get(call, anno.CALLEE)
    kind = registry.reduction(callee)   # declared with the op's rule
    if not (kind in ("sum", "mean") and 1 <= len(call.args) <= 2):
        return None
    given = dict(zip(("x", "axis"), call.args))
    for keyword in call.keywords:
        if keyword.arg not in ("axis", "keepdims") or keyword.arg in given:
            return None
        given[keyword.arg] = keyword.value
    axis, keepdims = given.get("axis"), given.get("keepdims")
    if keepdims is not None and not (isinstance(keepdims, gast.Constant)
                                     and isinstance(keepdims.value, bool)):
        return None
    if axis is not None:
        literal = axis.elts if isinstance(axis, gast.Tuple) else [axis]
        if not all(isinstance(a, gast.Constant) and type(a.value) is int for a in literal):
            return None   # axis=None spelled out, or an axis computed at run time
    return axis, bool(keepdims is not None and keepdims.value), kind == "mean"


def fused_products(facts, stmts):
    """Pairs ``x = a * b; s = np.sum(x)`` of the block ``stmts`` (adjacent, one source
    line, ``x`` read nowhere else), by ``id`` of both statements: ``{id(sum):
    product, id(product): None}``.  Any elementwise operation that
    :meth:`ReverseFacts.spreads_exactly` fuses the same way.

    Their adjoints fuse: ``a`` gets ``unbroadcast(s_bar * b, a)`` straight from
    ``s_bar``, without spreading it over ``x``'s shape first (the ``np.sum(r * r)``
    of every least-squares loss).  A sum over some axes (literal ``axis`` and
    ``keepdims``) fuses too, with ``s_bar``'s summed axes put back as axes of
    length 1.
    """
    fused = {}
    for product, total in zip(stmts, stmts[1:]):
        if not (isinstance(product, gast.Assign) and isinstance(total, gast.Assign)
                and isinstance(product.targets[0], gast.Name)
                and isinstance(total.targets[0], gast.Name)):
            continue
        x, value, reduction = product.targets[0].id, product.value, total.value
        # (a sum of the product's name, first: most pairs of statements are none)
        if not (reduction.__class__ is gast.Call and reduction.args
                and reduction.args[0].__class__ is gast.Name and reduction.args[0].id == x):
            continue
        axes = summed_axes(reduction)
        if not (axes is not None
                and facts.spreads_exactly(value)
                and not (axes[2] and x in facts.loop_temps)   # a mean reads x's size
                and facts.read_counts.get(x) == 1 and x in facts.single_defs
                and anno.get(product, anno.SOURCE) == anno.get(total, anno.SOURCE)
                and anno.get(product, USER_CALL) is None
                and anno.get(total, USER_CALL) is None):
            continue
        fused[id(total)] = product
        fused[id(product)] = None
    return fused


def blocks(stmts):
    """Every statement list of ``stmts``: itself and the bodies nested in it."""
    yield stmts
    for stmt in stmts:
        if isinstance(stmt, gast.If):
            yield from blocks(stmt.body)
            yield from blocks(stmt.orelse)
        elif isinstance(stmt, (gast.For, gast.While)):
            yield from blocks(stmt.body)
