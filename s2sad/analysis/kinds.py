"""Which values are containers: a kind for every name of a normalized function.

Plain data in, plain data out (no numpy).  A *kind* is one of

* ``LEAF``: a number or an array (anything arithmetic treats elementwise);
* ``UNKNOWN``: nothing certain (a helper's result, a parameter of unknown kind);
* ``("list", elem)``: a list whose items all have kinds joined into ``elem``;
* ``("tuple", items, elem)``: a tuple; ``items`` is the tuple of the kinds per
  position when its length is known (else ``None``), ``elem`` their join;
* ``("dict", items, elem)``: a dict; ``items`` is a tuple of ``(key, kind)`` pairs
  when its (constant) keys are known (else ``None``), ``elem`` the join of its values.

``infer(body, params=None)`` gives ``{name: kind}`` for every name ``body`` (a
normalized function body: simple statements and ``If``/``For``/``While`` blocks)
assigns, and for the parameters in ``params`` (``{name: kind}``; a parameter not
given is ``UNKNOWN``).  Kinds come from literals, ``list()``/``tuple()``/``dict()``,
appends, string-key subscripts, slices and items of containers of known kind,
unpacking, concatenation and repetition of containers, and arithmetic or numpy
calls (``LEAF``); a name assigned several times (a loop-carried name) gets the join
of its definitions.  A name known nothing about by its definitions but used as an
operand of ``-``, ``/``, ``**``, ``@`` or a unary minus (which lists, tuples and
dicts do not support) is a ``LEAF``, and so is what it was sliced from.

``kind_of_value(value)`` describes an actual Python value (the API specializes
generated code on the structure of the arguments); the result is hashable.
"""

import builtins
import inspect

import gast

from ..rules import registry
from ..syntax import anno, nodes
from . import returns
from .ops import flatten
from .type_tests import copies_closure, type_tested

from .kind_lattice import (  # noqa: F401 - the lattice, given here too
    _BOTTOM, LEAF, UNKNOWN, FieldName, _join_all, dict_of, element, is_container,
    is_sequence, item, join, kind_of_value, list_of, named_fields, tuple_of)

# ----------------------------------------------------------------- inference

_LEAF_OPS = (gast.Sub, gast.Div, gast.FloorDiv, gast.Pow, gast.MatMult, gast.Mod,
             gast.BitAnd, gast.BitOr, gast.BitXor, gast.LShift, gast.RShift)
_LEAF_OP_CLASSES = frozenset(_LEAF_OPS)   # (gast's classes have no subclasses)
_BLOCKS = frozenset((gast.If, gast.For, gast.While))


def _loop_targets(body):
    for stmt in body:
        if isinstance(stmt, gast.For):
            yield stmt
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            yield from _loop_targets(stmt.body)
            yield from _loop_targets(stmt.orelse)


def _constant_index(node):
    if isinstance(node, gast.Constant) and isinstance(node.value, (int, str)) \
            and not isinstance(node.value, bool):
        return True, node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) \
            and isinstance(node.operand, gast.Constant) \
            and isinstance(node.operand.value, int):
        return True, -node.operand.value
    return False, None


#: numpy functions returning a list or tuple of arrays (ufuncs with several outputs,
#: np.modf..., are told by their ``nout``)
_NUMPY_SEQUENCES = frozenset((
    "split", "array_split", "hsplit", "vsplit", "dsplit", "unstack", "meshgrid",
    "broadcast_arrays", "nonzero", "unravel_index", "histogram", "histogram2d",
    "histogramdd", "gradient", "eig", "eigh", "svd", "qr", "slogdet", "lstsq",
    "tril_indices", "triu_indices", "diag_indices", "mask_indices"))


#: the modules of s2sad's runtime helpers for containers: what they return may be a list,
#: tuple or dict (an adjoint of one) or a number or array (the others are ``LEAF``)
_CONTAINER_HELPERS = frozenset(("s2sad.runtime.trees", "s2sad.runtime.lists",
                                "s2sad.runtime.dicts", "s2sad.runtime.adjoints_structure"))
#: the other runtime helpers that return a list or tuple of adjoints (of np.hstack's
#: arrays, np.block's nested lists...)
_CONTAINER_RESULTS = frozenset(("hstack_bar", "vstack_bar", "dstack_bar", "column_stack_bar",
                                "r_joined_bar", "c_joined_bar",
                                "block_bar", "choose_bar", "select_bar", "svd_tangent", "svd_tangent_dot", "svd_factors_dot"))


def _tables(kind_of=None):
    """(The runtime helpers whose result has their first argument's structure: guards,
    zeros; ``{id(f): (f, name)}`` of the container helpers; ``{id(callee): callee}`` of
    the callees found to return a ``LEAF`` whatever their arguments): kept on ``kind_of``
    (infer's: made once an inference, while neither the registry nor the runtime change)."""
    found = getattr(kind_of, "tables", None)
    if found is None:
        found = (tuple(registry.runtime_helper(n) for n in (
            "unshared", "scalar_checked", "zeros_like", "index_set", "add_at", "zero_at")),
                 {}, {})
        for table in (registry.LIST_HELPERS, registry.DICT_HELPERS):   # (the first name)
            for name, f in table.items():
                found[1].setdefault(id(f), (f, name))
        if hasattr(kind_of, "tables"):
            kind_of.tables = found
    return found


def _callee_kind(callee, args, kind_of):
    """The kind of a call's result, from what is called."""
    passing, helpers, leaves = _tables(kind_of)
    if leaves.get(id(callee)) is callee:
        return LEAF
    if callee is registry.METHODS["copy"][0] and args:
        # x.copy(): a list, dict or tuple for one (an item of a list copied whole,
        # lst[1].copy()), else an array (never in ``leaves``: it depends on ``x``)
        source = kind_of(args[0])
        return source if is_container(source) else LEAF
    if callee is builtins.list or callee is builtins.sorted:
        return ("list", element(kind_of(args[0])) if args else LEAF)
    if callee is builtins.tuple:
        if not args:
            return tuple_of(())
        source = kind_of(args[0])
        if source[0:1] == ("tuple",):
            return source
        return ("tuple", None, element(source))
    if callee is builtins.dict:
        if args:
            source = kind_of(args[0])
            return source if source[0:1] == ("dict",) else ("dict", None, UNKNOWN)
        return ("dict", None, UNKNOWN)
    if args and callee in passing:   # unshared(x, ...): x's structure
        return kind_of(args[0])
    if callee in (builtins.min, builtins.max):
        if len(args) == 1:
            return element(kind_of(args[0])) if is_container(kind_of(args[0])) else UNKNOWN
        return _join_all(kind_of(a) for a in args)   # one of the arguments
    if callee in (builtins.len, builtins.float, builtins.int, builtins.abs,
                  builtins.range, builtins.round, builtins.bool):
        return LEAF
    if callee is builtins.sum:
        return kind_of(args[1]) if len(args) > 1 else LEAF   # sum(lists, []) is a list
    if callee in registry.LIST_APPEND:
        items, new = (kind_of(a) for a in args[:2])
        return ("list", join(element(items) if is_container(items) else _BOTTOM, new)) \
            if is_container(items) or items is _BOTTOM else UNKNOWN
    helper = _container_helper_kind(callee, args, kind_of, helpers)
    if helper is not None:
        return helper
    module = getattr(callee, "__module__", None) or ""
    if module in _CONTAINER_HELPERS or (module.startswith("s2sad.runtime") and getattr(
            callee, "__name__", None) in _CONTAINER_RESULTS):   # (gradient code, differentiated)
        return ("tuple", None, UNKNOWN) if registry.several_outputs(callee) else UNKNOWN
    if registry.several_outputs(callee):
        return ("tuple", None, LEAF)   # a rule's op with several outputs (cho_factor...)
    if getattr(callee, "__name__", None) in _NUMPY_SEQUENCES or getattr(callee, "nout", 1) > 1:
        return UNKNOWN   # np.split, np.linalg.svd, np.modf...: a list or tuple of arrays
    if module.split(".")[0] == "numpy" or type(callee).__name__ == "ufunc" \
            or module.startswith("s2sad.runtime") or module == "math":
        if callee not in passing:   # (else its kind depends on its arguments)
            leaves[id(callee)] = callee
        return LEAF
    code = getattr(callee, "__code__", None)
    position = returns.returned_parameter(code)
    if position is not None and position < len(args):
        return kind_of(args[position])   # def ident(p): return p
    # def h(c): ... return (a, b); not a tree rewritten before it is read (a derivative's
    # composable form returns what the API returns, not what its source does)
    displays = None if anno.PREPARE in getattr(callee, "__dict__", {}) else \
        returns.returned_displays(code)
    return _join_all(_display_of(d) for d in displays) if displays else UNKNOWN


def _display_of(display):
    """The kind of a display a helper returns (``returns.returned_displays``): its
    items' kinds are not known where it is called."""
    form, size = display
    if form == "list":
        return ("list", UNKNOWN)
    if form == "tuple":
        return tuple_of((UNKNOWN,) * size)
    return dict_of((key, UNKNOWN) for key in size)


def _list_result(kinds):
    """A list holding the items of the sequences and the single items in ``kinds``
    (``(kind, is_a_sequence)`` pairs)."""
    elem = _BOTTOM
    for kind, sequence in kinds:
        if not sequence:
            elem = join(elem, kind)
        elif is_container(kind):
            elem = join(elem, element(kind))
        elif kind is not _BOTTOM:
            elem = join(elem, UNKNOWN)
    return ("list", elem)


def _container_helper_kind(callee, args, kind_of, helpers):
    """The kind of what an s2sad helper standing for a container operation returns
    (``xs.extend(ys)`` is ``list_extend(xs, ys)``...), or None for other callees
    (``helpers``: ``{id(f): (f, name)}`` of those helpers)."""
    found = helpers.get(id(callee))
    if found is None or found[0] is not callee:
        return None
    name = found[1]
    kinds = [kind_of(a) for a in args]
    if name == "copy_container":
        return kinds[0] if kinds else UNKNOWN
    if name in ("list_append", "list_push"):
        return _list_result([(kinds[0], True), (kinds[1], False)])
    if name == "list_extend":
        return _list_result([(kinds[0], True), (kinds[1], True)])
    if name in ("list_insert", "list_set"):
        return _list_result([(kinds[0], True), (kinds[2], False)])
    if name in ("list_delete", "list_remove"):
        return _list_result([(kinds[0], True)])
    if name == "dict_set":
        base, value = kinds[0], kinds[2]
        known, key = _constant_index(args[1])
        if is_container(base) and base[0] == "dict" and base[1] is not None and known:
            pairs = [(k, value if k == key else v) for k, v in base[1]]
            if all(k != key for k, _ in base[1]):
                pairs.append((key, value))
            return dict_of(pairs)
        elem = join(element(base) if is_container(base) else UNKNOWN, value)
        return ("dict", None, elem)
    if name == "dict_delete":   # (d.pop(k), del d[k]: d's items but the key's)
        base = kinds[0]
        known, key = _constant_index(args[1])
        if is_container(base) and base[0] == "dict" and base[1] is not None and known:
            return dict_of([(k, v) for k, v in base[1] if k != key])
        return ("dict", None, element(base) if is_container(base) else UNKNOWN)
    if name == "dict_get":
        known, key = _constant_index(args[1])
        found = item(kinds[0], key) if known else element(kinds[0])
        return join(found, kinds[2]) if len(kinds) > 2 else found
    if name == "dict_keys":
        return ("list", LEAF)
    if name == "dict_entries":   # (key, value) pairs
        if kinds[0][0:1] == ("dict",):
            return ("list", ("tuple", (LEAF, element(kinds[0])), join(LEAF, element(kinds[0]))))
        return ("list", element(kinds[0])) if is_sequence(kinds[0]) else UNKNOWN
    if name == "loop_items":   # a dict's keys, or the sequence itself
        if kinds[0][0:1] == ("dict",):
            return ("list", LEAF)
        return kinds[0] if kinds[0] == LEAF or is_sequence(kinds[0]) else UNKNOWN
    return LEAF   # dict_size_kept: a bool


def infer(body, params=None):
    """``{name: kind}`` for the names ``body`` assigns and the parameters ``params``."""
    params = dict(params or {})
    simple, loops = list(body), []   # (straight-line code: its statements, no loop)
    for stmt in body:
        if stmt.__class__ in _BLOCKS:
            simple, loops = list(flatten(body)), list(_loop_targets(body))
            break
    kinds = dict(params)
    assigned = _assigned_names(simple, loops) - set(params)

    read = set()   # the names the current pass of _settle read

    def kind_of(atom):
        if isinstance(atom, gast.Name):
            read.add(atom.id)
            if atom.id in kinds:
                return kinds[atom.id]
            return _BOTTOM if atom.id in assigned else UNKNOWN
        return value_kind(atom, kind_of)

    kind_of.tables = None   # (see _tables)
    _settle(simple, loops, kinds, params, kind_of, read)
    for name in assigned:
        kind = kinds.get(name, _BOTTOM)
        if kind.__class__ is not str:   # (LEAF and UNKNOWN are finished)
            kinds[name] = _finished(kind)
    _leaves_by_use(simple, kinds, params)
    del kind_of   # (a recursive closure is a cycle: broken, the tree it reads is freed at once)
    return kinds


def _assigned_names(simple, loops):
    """The names the simple statements ``simple`` and the loops ``loops`` bind."""
    assigned = set()
    for stmt in simple:
        if stmt.__class__ is gast.Assign:
            targets = stmt.targets   # (the commonest, one name: its only Name node)
            for node in targets if len(targets) == 1 and targets[0].__class__ is gast.Name \
                    and getattr(targets[0], "annotation", None) is None else nodes.names(targets):
                if isinstance(node.ctx, gast.Store):
                    assigned.add(node.id)
    for loop in loops:
        assigned.update(node.id for node in nodes.names(loop.target))
    return assigned


def _settle(simple, loops, kinds, params, kind_of, read):
    """The fixed point: join into ``kinds`` (the working table ``kind_of`` reads) the
    kind of every definition in ``simple`` and of every loop target, until no kind
    climbs; the parameters ``params`` keep the kinds they were given.  ``read``: the
    names ``kind_of`` was asked for, which it records.

    A pass in which no kind climbed after the pass had read it read the final kinds
    only: the next pass would compute what this one did and join nothing new (a join
    is a lattice's: a kind joined in stays joined in), and is not made (straight-line
    code, each name defined before it is read, settles in one pass)."""
    for _ in range(50):   # joins only climb: a few passes reach the fixed point
        read.clear()
        changed = False   # (a kind climbed after this pass had read it)
        for loop in loops:
            if isinstance(loop.target, gast.Name):
                k = _callee_kind(anno.get(loop.iter, anno.CALLEE), [], kind_of) \
                    if isinstance(loop.iter, gast.Call) else UNKNOWN
                iterated = kind_of(loop.iter) if not isinstance(loop.iter, gast.Call) else None
                k = element(iterated) if is_container(iterated) else \
                    (LEAF if k == LEAF else UNKNOWN)
                changed |= _join_into(kinds, params, loop.target.id, k) \
                    and loop.target.id in read
        leaves = _tables(kind_of)[2]
        for stmt in simple:
            if stmt.__class__ is not gast.Assign:   # (gast's classes have no subclasses)
                continue
            target, value = stmt.targets[0], stmt.value
            if target.__class__ is gast.Name:
                if value.__class__ is gast.Name and value.id == "UNBOUND":
                    continue
                name = target.id
                if _leaf_value(value, kinds, read, leaves):
                    if kinds.get(name, _BOTTOM) is _BOTTOM and name not in params:
                        kinds[name] = LEAF   # (_join_into's first join, in fewer steps)
                        changed |= name in read
                        continue
                    kind = LEAF
                else:
                    kind = value_kind(value, kind_of)
                changed |= _join_into(kinds, params, name, kind) and name in read
            elif isinstance(target, gast.Tuple):
                source = value_kind(value, kind_of)
                if source is _BOTTOM:
                    continue
                for i, elt in enumerate(target.elts):
                    if isinstance(elt, gast.Name):
                        k = item(source, i) if is_sequence(source) else UNKNOWN
                        changed |= _join_into(kinds, params, elt.id, k) and elt.id in read
        if not changed:
            break


def _leaf_value(value, kinds, read, leaves):
    """Whether :func:`value_kind` gives ``LEAF`` for ``value``, answered without it where
    that is quick (else False: ``value_kind`` decides), reading into ``read`` what its
    ``kind_of`` would read (``kinds``: the working table; ``leaves``: ``_tables``'s third
    table): a number, a unary operation or a comparison; arithmetic ``_binop_kind`` calls
    a ``LEAF`` by its operator, or ``+`` or ``*`` of two atoms both of kind ``LEAF``; a
    call of a callee in ``leaves`` writing into no argument."""
    cls = value.__class__
    if cls is gast.BinOp:
        op = value.op.__class__
        if op in _LEAF_OP_CLASSES:
            return True
        if op is not gast.Add and op is not gast.Mult:
            return False
        names = []
        for atom in (value.left, value.right):
            kind = atom.__class__
            if kind is gast.Name:
                if kinds.get(atom.id) != LEAF:
                    return False
                names.append(atom.id)
            elif kind is not gast.Constant:
                return False
        read.update(names)
        return True
    if cls is gast.Call:
        callee = getattr(value, anno.CALLEE, None)
        return callee is not None and leaves.get(id(callee)) is callee \
            and getattr(value, anno.WRITES, None) is None
    return cls is gast.Constant or cls is gast.UnaryOp or cls is gast.Compare


def _join_into(kinds, params, name, kind):
    """Join ``kind`` into ``kinds[name]`` (not for a parameter); whether it changed."""
    if kind is _BOTTOM or name in params:
        return False
    old = kinds.get(name, _BOTTOM)
    joined = join(old, kind)
    if joined != old:
        kinds[name] = joined
        return True
    return False


def value_kind(value, kind_of):
    """The kind of the expression ``value`` of a normalized statement, given the kinds of
    its atoms (``kind_of``: an atom -> its kind, ``_BOTTOM`` while still unknown)."""
    if isinstance(value, gast.Name):
        return kind_of(value)
    if isinstance(value, gast.Constant):
        return LEAF
    if isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
        return _display_kind(value, kind_of)
    if isinstance(value, gast.Subscript):
        return _subscript_kind(value, kind_of)
    if isinstance(value, gast.BinOp):
        return _binop_kind(value, kind_of)
    if isinstance(value, gast.BoolOp):   # one of its operands
        return _join_all(kind_of(v) for v in value.values)
    if isinstance(value, (gast.UnaryOp, gast.Compare)):
        return LEAF
    if isinstance(value, gast.Attribute):
        if value.attr in ("T", "real", "imag", "ndim", "size", "dtype", "mT"):
            return LEAF
        if value.attr == "shape":
            return ("tuple", None, LEAF)
        return UNKNOWN
    if isinstance(value, gast.Call):
        callee = anno.get(value, anno.CALLEE)
        if callee is None and isinstance(value.func, gast.Attribute):
            return UNKNOWN
        if anno.get(value, anno.WRITES) is not None:
            return _writing_call_kind(callee, value, kind_of)
        return _callee_kind(callee, value.args, kind_of)
    return UNKNOWN


def _writing_call_kind(callee, call, kind_of):
    """``(result, the written arguments' new values)`` of a call writing into its
    arguments (``anno.WRITES``): a dict stays a dict, a list a list, an array a LEAF."""
    try:
        bound = inspect.signature(callee).bind(
            *call.args, **{k.arg: k.value for k in call.keywords}).arguments
    except (TypeError, ValueError):
        return UNKNOWN
    given = [kind_of(bound[p]) if p in bound else UNKNOWN for p in anno.get(call, anno.WRITES)]
    new = {"dict": ("dict", None, UNKNOWN), "list": ("list", UNKNOWN)}
    return tuple_of([UNKNOWN] + [new.get(k[0], UNKNOWN) if is_container(k) else
                                 LEAF if k == LEAF else UNKNOWN for k in given])


def _display_kind(value, kind_of):
    """The kind of a list, tuple or dict display (an item not known yet is UNKNOWN;
    an empty list's items take their kind from its appends)."""
    if isinstance(value, gast.List):
        elem = _BOTTOM
        for k in map(kind_of, value.elts):
            elem = join(elem, UNKNOWN if k is _BOTTOM else k)
        return ("list", elem)
    if isinstance(value, gast.Tuple):
        return tuple_of(UNKNOWN if k is _BOTTOM else k for k in map(kind_of, value.elts))
    pairs = []
    for k, v in zip(value.keys, value.values):
        known, key = _constant_index(k) if k is not None else (False, None)
        if not known:
            return ("dict", None, _join_all(kind_of(x) for x in value.values))
        pairs.append((key, UNKNOWN if kind_of(v) is _BOTTOM else kind_of(v)))
    return dict_of(pairs)


def _subscript_kind(value, kind_of):
    """The kind of ``base[index]``: a slice of a sequence is a sequence, a constant
    index gives that item's kind, any other index the join of the items."""
    base = kind_of(value.value)
    if base is _BOTTOM:
        return _BOTTOM
    index = value.slice
    if isinstance(index, gast.Slice):
        if base == LEAF:
            return LEAF
        if base[0:1] == ("list",):
            return base
        if base[0:1] == ("tuple",):
            return ("tuple", None, base[2])
        return UNKNOWN
    known, key = _constant_index(index)
    if known:
        return item(base, key)
    if index.__class__ is gast.Constant and index.value.__class__ is FieldName:
        return item(base, index.value)   # (p.W, until its position is known)
    if base == LEAF:
        return LEAF
    return element(base)


def _binop_kind(value, kind_of):
    """The kind of ``left <op> right``: arithmetic is a LEAF, ``+`` of two sequences a
    concatenation, ``*`` of a sequence and a count a repetition."""
    if isinstance(value.op, _LEAF_OPS):   # (whatever the operands' kinds)
        return LEAF
    left, right = kind_of(value.left), kind_of(value.right)
    if isinstance(value.op, gast.Add):
        if is_sequence(left) and is_sequence(right) and left[0] == right[0]:
            if left[0] == "list":
                return ("list", join(left[1], right[1]))
            if left[1] is not None and right[1] is not None:
                return tuple_of(left[1] + right[1])
            return ("tuple", None, join(left[2], right[2]))
        if LEAF in (left, right) and not (is_container(left) or is_container(right)):
            return LEAF
        if is_sequence(left) and right is _BOTTOM:
            return left if left[0] == "list" else ("tuple", None, left[2])
        if is_sequence(right) and left is _BOTTOM:
            return right if right[0] == "list" else ("tuple", None, right[2])
        return _BOTTOM if _BOTTOM in (left, right) else UNKNOWN
    if isinstance(value.op, gast.Mult):
        for seq in (left, right):
            if is_sequence(seq):
                return seq if seq[0] == "list" else ("tuple", None, seq[2])
        if left == LEAF and right == LEAF:
            return LEAF
        if _is_float(value.left) or _is_float(value.right):
            return LEAF   # a float repeats nothing
        return _BOTTOM if _BOTTOM in (left, right) else UNKNOWN
    return UNKNOWN


def _finished(kind):
    """``kind`` with the items of lists never filled (and names never assigned) unknown."""
    if kind is _BOTTOM:
        return UNKNOWN
    if kind[0:1] == ("list",):
        return ("list", _finished(kind[1]))
    if is_container(kind):
        items = kind[1]
        if items is not None:
            items = tuple((k, _finished(v)) for k, v in items) if kind[0] == "dict" \
                else tuple(_finished(v) for v in items)
        return (kind[0], items, _finished(kind[2])) + kind[3:]   # (a namedtuple's class)
    return kind


def _is_float(atom):
    return isinstance(atom, gast.Constant) and isinstance(atom.value, float)


def _leaves_by_use(simple, kinds, params):
    """Names still ``UNKNOWN`` that an operation containers do not support reads are
    ``LEAF``, and so is what such a name is a slice or a copy of (slicing a list gives
    a list); not a name whose type is tested, nor a copy of one (``type_tests``)."""
    slices, copies, used, tested = {}, {}, set(), set()
    name_class = gast.Name   # (gast's classes have no subclasses: compared)
    for stmt in simple:
        if stmt.__class__ is not gast.Assign or stmt.targets[0].__class__ is not name_class:
            continue
        value = stmt.value
        tested |= type_tested(value)
        cls = value.__class__
        if cls is gast.BinOp:
            if value.op.__class__ in _LEAF_OP_CLASSES:
                used |= {a.id for a in (value.left, value.right) if a.__class__ is name_class}
        elif cls is gast.UnaryOp:
            if value.op.__class__ is gast.USub and value.operand.__class__ is name_class:
                used.add(value.operand.id)
        elif cls is gast.Subscript:
            if value.slice.__class__ is gast.Slice and value.value.__class__ is name_class:
                slices.setdefault(stmt.targets[0].id, set()).add(value.value.id)
        elif cls is name_class:
            copies.setdefault(stmt.targets[0].id, set()).add(value.id)
    tested = copies_closure(tested, copies)
    work = [n for n in used if kinds.get(n, UNKNOWN) == UNKNOWN and n not in tested]
    while work:
        name = work.pop()
        if kinds.get(name, UNKNOWN) != UNKNOWN:
            continue
        kinds[name] = LEAF
        for source in slices.get(name, set()) | copies.get(name, set()):
            if kinds.get(source, UNKNOWN) == UNKNOWN and source not in tested:
                work.append(source)
