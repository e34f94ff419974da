"""Building the :class:`~s2sad.analysis.facts.ReverseFacts` of one function.

:func:`primal_facts`: the body of a normalized function (without its return)
in, the facts of its own statements out (activity, kinds, numbers, shapes,
definitions, writes and the names that may share memory with them).
:func:`with_linked`: the same body once active calls of user functions call
their vjp (``transform.reverse.linking``) in, the complete record out (with
containers, lists changed in place, fused products, and the temporaries whose
adjoint is spread or left unreduced by their one reader).  Neither changes
its input.
"""

import linecache

import gast

from . import kinds as kinds_
from . import ops
from .activity import analyze, call_loads, operand_loads
from .aliases import ANYWHERE, origins, statements_in
from .facts import USER_CALL, blocks, fused_products, record
from .lists import in_place_appends
from .lookup import call_predicates, rule_for
from .ops import flatten
from .ranks import known_ranks
from .shapes import definitions, known_scalars, shape_classes
from ..errors import NoDerivativeRuleError, S2sadError, SourceLocation, UnsupportedSyntaxError
from ..rules import registry
from ..rules.template import bind_arguments
from ..syntax import anno, nodes


def primal_facts(fn, primal, params, wrt, outputs, flavor, param_kinds, parsed, ranks=None,
                 accumulators=frozenset(), float64=frozenset()):
    """The facts of ``primal``, the body of the function ``fn`` without its return (see
    the module docstring); ``outputs``: the names returned; ``param_kinds``:
    ``{parameter: kind}`` when known; ``ranks``: ``{parameter: ndim}`` when known (see
    ``analysis.ranks``); ``accumulators`` and ``float64``: see ``analysis.dtypes`` (an
    array written into is none of the accumulators).  Raises the refusal
    of a vjp whose writes a pullback cannot undo (see :func:`_aliases_at_stores`)."""
    # a parameter of known rank is an array or a number
    kinds = kinds_.infer(primal, {**{p: kinds_.LEAF for p, r in (ranks or {}).items()
                                     if r is not None}, **param_kinds})
    with_loops = list(ops.with_loops(primal))
    simple = list(flatten(primal))   # (read by three facts below: listed once)
    ranked = known_ranks(with_loops, ranks)
    # (the assignments both shape facts read, found once: the simple statements of
    # ``with_loops`` are ``simple`` unless a loop has an ``else``, never in normal form)
    found = definitions(simple)
    same = len(simple) + sum(s.__class__ in _LOOPS for s in with_loops) == len(with_loops)
    scalars = known_scalars(with_loops, seeds={n for n, r in ranked.items() if r == 0},
                            found=found if same else None)
    single_defs, loop_temps = _definitions(primal)
    written = {s.targets[0].value.id for s in simple if ops.is_store(s)}
    at_stores, shares_written = _aliases_at_stores(primal, params, scalars, written,
                                                   flavor, parsed)
    flow_reads = {}   # (the reads the activity analysis finds: with_linked asks them again)
    return record(
        activity=analyze(primal, wrt, outputs, flow_reads), kinds=kinds, scalars=scalars,
        # names of unknown kind that are copies of a number or an array on some path
        # (a loop-carried value): ``n * v`` of those keeps its arithmetic adjoint
        leaf_on_a_path={s.targets[0].id for s in simple
                        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)
                        and isinstance(s.value, gast.Name)
                        and kinds.get(s.value.id) == kinds_.LEAF},
        single_defs=single_defs, loop_temps=loop_temps, written=written,
        store_aliases=at_stores if flavor == "vjp" else {}, shares_written=shares_written,
        same_shape=shape_classes(simple, scalars, found), ranks=ranked,
        read_counts=_read_counts(fn), positions=_positions(primal),
        accumulators=frozenset(accumulators) - written - shares_written, float64=float64,
        flow_reads=flow_reads)


#: the loop headers ``ops.with_loops`` lists with the simple statements
_LOOPS = frozenset((gast.For, gast.While))


def with_linked(facts, linked, parsed, bound_of=None, flowing=None, operations=None):
    """The complete record: ``facts`` of the body, and the facts of ``linked`` (the
    body with user calls linked).  ``bound_of``, a dict: gets ``{id(operation):
    (operation, rule, bound arguments)}`` of each operation of ``linked`` whose
    rule was found and bound here, for the sweep, which would find the same;
    ``flowing``, a set: gets the ids of the statements of ``linked`` found to carry a
    derivative from an active name (``ops.carries_derivative`` and
    :func:`reads_active`), which the sweep asks again; ``operations``, a set: gets the
    ids of those of them :func:`_reaches_operation` finds differentiated with their
    operation's adjoint rule (the sweep's other cases, which it asks again, ruled
    out)."""
    simple = list(flatten(linked))   # (read twice below: listed once)
    # (an array may be unpacked or summed too: a name known to be one is not a sequence)
    sequences = {n for n in _sequence_names(simple) if facts.kinds.get(n) != kinds_.LEAF} | {
        n for n, k in facts.kinds.items() if kinds_.is_container(k)}
    # names of unknown kind read out of a list, tuple or dict (v = xs[i])
    container_items = {
        s.targets[0].id for s in simple if isinstance(s, gast.Assign)
        and isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Subscript)
        and isinstance(s.value.value, gast.Name)
        and facts.kinds.get(s.targets[0].id, kinds_.UNKNOWN) == kinds_.UNKNOWN
        and kinds_.is_container(facts.kinds.get(s.value.value.id))}
    fused = {}
    for block in blocks(linked):
        fused.update(fused_products(facts, block))
    facts = record(**{**_fields(facts), "sequences": sequences,
                      "in_place": in_place_appends(linked),
                      "container_items": container_items, "fused": fused})
    spread, unreduced = _reshaped_adjoints(facts, linked, parsed,
                                           {} if bound_of is None else bound_of,
                                           set() if flowing is None else flowing,
                                           set() if operations is None else operations)
    return record(**{**_fields(facts), "spread": spread, "unreduced": unreduced})


def _fields(facts):
    """The fields of ``facts`` (its shape witnesses are worked out again)."""
    return {f: getattr(facts, f) for f in facts.__dataclass_fields__ if f != "witnesses"}


# ---------------------------------------------------------- spread / unreduced
def _reshaped_adjoints(facts, linked, parsed, bound_of, flowing, operations):
    """``(spread, unreduced)``: the temporaries whose one reader gives them an adjoint
    smaller than themselves (their definition spreads it, see
    ``ReverseFacts.defers_spread``) or larger (their definition reduces it, see
    ``ReverseFacts.defers_reduction``), worked out in the backward sweep's order:
    a reader's own adjoint may be spread or unreduced, which decides its operands'.
    The id of each statement :func:`_reaches_operation` says yes to goes into
    ``operations``."""
    spread, unreduced, first = set(), set(), []
    for block in blocks(linked):
        for stmt in reversed(block):
            product = facts.fused.get(id(stmt))
            if product is not None:
                _sum_of_products(facts, stmt, product, spread, unreduced, parsed, bound_of)
            elif id(stmt) not in facts.fused and _reaches_operation(facts, stmt, flowing):
                operations.add(id(stmt))
                name = stmt.targets[0].id
                mode = "larger" if name in unreduced else \
                    "smaller" if name in spread else None
                _operation(facts, name, stmt.value, mode, stmt, spread, unreduced, parsed,
                           bound_of, first)
    if first:   # (the sweep, backward, would meet the last call without a rule first)
        raise min(first, key=_located_at).with_traceback(None)
    return spread, unreduced


def _located_at(error):
    where = error.location
    return (where.line, where.column) if where is not None else (0, 0)


def _sum_of_products(facts, total, product, spread, unreduced, parsed, bound_of):
    """The fused ``x = a * b; s = np.sum(x)``: the operands whose adjoint stays spread."""
    if not facts.activity.is_active(total.targets[0].id):
        return
    value, x = product.value, product.targets[0].id
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)):
        _operation(facts, x, value, "smaller", product, spread, unreduced, parsed, bound_of)
        return
    a, b = value.left, value.right
    if isinstance(a, gast.Name) and isinstance(b, gast.Name) and a.id == b.id:
        return
    same = isinstance(a, gast.Name) and isinstance(b, gast.Name) \
        and facts.same_shape(a.id, b.id)
    for mine in (a, b):
        if facts.is_active(mine) and (same or facts.only_array_operand(value, mine)) \
                and facts.defers_spread(mine.id, product):
            spread.add(mine.id)


def _operation(facts, name, value, mode, consumer, spread, unreduced, parsed, bound_of,
               unruled=None):
    """The operands of ``name = value`` (an operation with a rule, differentiated with
    its adjoint ``mode``) whose adjoint is left spread or unreduced; its rule and bound
    arguments kept in ``bound_of`` (see :func:`with_linked`), with the answers of
    :func:`may_broadcast` found for its parameters (see :func:`broadcasts`).  A call
    without a rule: its refusal into ``unruled`` (the first in the source is raised)."""
    try:
        rule = rule_for(value, parsed, "adjoint")
        bound = bind_arguments(rule, value, parsed.location)
    except NoDerivativeRuleError as error:
        if unruled is not None and error.location is not None \
                and error.location.filename == getattr(parsed, "filename", None):
            unruled.append(error)
        return
    except S2sadError:
        return   # refused when the sweep reaches it
    held = {}
    bound_of[id(value)] = (value, rule, bound, held)
    for param in rule.diff_params:
        atom = bound[param]
        if not facts.is_active(atom):
            continue
        if mode == "smaller":
            whole = facts.same_shape(name, atom.id) or facts.only_array_operand(value, atom)
            if whole and facts.defers_spread(atom.id, consumer):
                spread.add(atom.id)
        elif param in rule.broadcast and (mode == "larger" or broadcasts(
                param, bound, facts, held)):
            if facts.defers_reduction(atom.id, consumer):
                unreduced.add(atom.id)


def _reaches_operation(facts, stmt, flowing):
    """Whether the sweep differentiates ``stmt`` with its operation's adjoint rule
    (when it has an adjoint: without one, its operands get nothing from it); the id of
    a statement found to carry a derivative from an active name goes into
    ``flowing``."""
    if not (stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name):
        return False
    name, value = stmt.targets[0].id, stmt.value
    if value.__class__ in _NO_OPERATIONS or not facts.activity.is_active(name) \
            or id(stmt) in facts.in_place or getattr(stmt, USER_CALL, None) is not None:
        return False
    reads = facts.flow_reads.get(id(stmt), _ASK)
    if reads is _ASK:   # (a statement the activity analysis did not note)
        if not ops.carries_derivative(stmt) or not reads_active(facts, stmt):
            return False
    elif reads is None or not any(map(facts.activity.is_active, reads)):
        return False   # (ops.carries_derivative and reads_active, as they answer)
    flowing.add(id(stmt))
    if isinstance(value, gast.BinOp) and isinstance(value.op, (gast.Add, gast.Sub)) \
            and isinstance(value.left, gast.Name) and value.left.id == name \
            and not (isinstance(value.right, gast.Name) and value.right.id == name):
        bound = {"a": value.left, "b": value.right}
        if not any(may_broadcast(p, bound, facts.scalars, facts.same_shape) for p in bound):
            return False   # an accumulator s = s + e: its adjoint passes through
    if isinstance(value, gast.BinOp) and kinds_.is_sequence(facts.kinds.get(name)):
        return False
    return not facts.may_concatenate(name, value) and not facts.may_repeat(name, value)


#: what ``flow_reads`` gives for a statement it does not know
_ASK = object()

#: values the sweep differentiates otherwise than by their operation's rule
_NO_OPERATIONS = frozenset((gast.Subscript, gast.Tuple, gast.List, gast.Dict, gast.Name,
                            gast.Constant, gast.Attribute))


def reads_active(facts, stmt):
    """Whether a derivative may flow into ``stmt``, an assignment, from an active name:
    ``any(facts.activity.is_active(n) for n in ops.differentiable_reads(stmt))``, read
    straight off an arithmetic operation of names and literals, whose differentiable
    reads are the names it loads (:func:`operand_loads`)."""
    is_active = facts.activity.is_active
    loads = None if isinstance(stmt.targets[0], gast.Subscript) else operand_loads(stmt.value)
    if loads is None:
        return any(is_active(n) for n in ops.differentiable_reads(stmt))
    return any(is_active(n) for n in loads)


def broadcasts(param, bound, facts, held):
    """``may_broadcast(param, bound, facts.scalars, facts.same_shape)``, kept in ``held``
    (``{param: answer}`` of one operation's ``bound`` arguments: the answer reads only
    them and facts that never change, so it is found once for the facts and the sweep)."""
    found = held.get(param)
    if found is None:
        found = held[param] = may_broadcast(param, bound, facts.scalars, facts.same_shape)
    return found


def may_broadcast(param, bound, scalars, same_shape):
    """Can the other arguments broadcast ``param`` to a larger shape?

    Not when every other argument is a literal, a name known to hold a Python
    scalar, or a name known to have the same shape as ``param``.
    """
    mine = bound[param]
    for other, atom in bound.items():
        if other == param or isinstance(atom, gast.Constant):
            continue
        if isinstance(atom, gast.Name) and (atom.id in scalars or (
                isinstance(mine, gast.Name) and same_shape(atom.id, mine.id))):
            continue
        return True
    return False


# ------------------------------------------------------------- the body's facts
def _aliases_at_stores(primal, params, scalars, written, flavor, parsed):
    """``({id(store): [names]}, names)``: for each write ``b[i] = v``, the other
    names that may share memory with ``b`` (a view ``u = b[0:2]``, a branch's
    ``u = b``) and are bound by then; and every name that may share memory with an
    array the function writes into.

    A pullback restores what the writes overwrote in its own copies of the
    written arrays (it may run many times; the arrays the function returns stay
    as they are).  A name of the first kind would keep seeing the values written
    later, so in a vjp the forward sweep saves it before the write and the
    backward sweep takes it back from the tape at the write's adjoint.  A name of
    the second kind goes to a helper's vjp as a copy (see ``linking``).
    """
    everything = statements_in(primal)
    stores = [stmt for stmt in everything if ops.is_store(stmt)]
    if not stores:
        return {}, set()
    of_name, _ = origins(primal, params, *call_predicates({}))
    order = {}   # name -> the flattened position of its first assignment
    for position, stmt in enumerate(everything):
        for node in nodes.names(stmt.targets if isinstance(stmt, gast.Assign) else
                                stmt.target if isinstance(stmt, gast.For) else []):
            if isinstance(node.ctx, gast.Store):
                order.setdefault(node.id, position)
    everywhere = {n.id for n in nodes.names(primal)}
    read = {n.id for n in nodes.names(primal) if isinstance(n.ctx, gast.Load)}
    positions = {id(stmt): k for k, stmt in enumerate(everything)}
    found, sharing = {}, set()
    for stmt in stores:
        base = stmt.targets[0].value.id
        mine = of_name(base)
        names = []
        for name in sorted(everywhere - {base}):
            theirs = of_name(name)
            if not (ANYWHERE in mine or ANYWHERE in theirs or mine & theirs):
                continue
            sharing.add(name)
            if name not in read or name in scalars \
                    or order.get(name, positions[id(stmt)]) >= positions[id(stmt)]:
                continue
            if name in written and flavor == "vjp":
                raise _shared_writes(stmt, base, name, primal, parsed)
            names.append(name)
        if names:
            found[id(stmt)] = tuple(names)
    return found, sharing


def _shared_writes(stmt, base, name, primal, parsed):
    """The refusal of the write ``stmt`` into ``base`` that may change ``name``, also
    written into, spelled with the user's names at the user's line."""
    users = {n.id for n in nodes.names(parsed.node)}
    mine, other = _user_name(base, users), _user_name(name, users)
    theirs = repr(other)
    if other == mine:   # two values of one user name: say which
        bound = next((s for s in nodes.statements(primal) if isinstance(s, gast.Assign)
                      and name in {n.id for n in nodes.names(s.targets)
                                   if isinstance(n.ctx, gast.Store)}), None)
        site = anno.get(bound, anno.SOURCE) if bound is not None else None
        if site is not None:
            theirs = f"{theirs} (its value from line {site.line})"
    return UnsupportedSyntaxError(
        f"writing into {mine!r} may change {theirs}, which may share its memory and is "
        f"written into too: a pullback cannot restore both", _location(stmt, parsed),
        hint=f"make one of them a copy ({other} = np.copy(...)), or use s2sad.grad / "
             f"value_and_grad for a scalar output")


def _user_name(name, users):
    """The user's name the SSA name ``name`` is a version of (``x_2`` of ``x``), or
    ``name`` itself."""
    if name in users:
        return name
    head, _, number = name.rpartition("_")
    while head and number.isdigit():
        if head in users:
            return head
        head, _, number = head.rpartition("_")
    return name


def _location(stmt, parsed):
    """Where the user's statement ``stmt`` came from stands in the file."""
    site = anno.get(stmt, anno.SOURCE)
    if site is None:
        return parsed.location(stmt)
    code = linecache.getline(site.filename, site.line).rstrip("\n") or site.text
    return SourceLocation(site.filename, site.line, site.column + 1, code)


def _sequence_names(simple):
    """Names certain to hold a tuple, list or dict: literals, unpacked values, tuple
    results, lists built by append, and copies of those; ``simple``: the simple
    statements of the body (``list(flatten(body))``)."""
    names = set()
    for stmt in simple:
        if not isinstance(stmt, gast.Assign):
            continue
        target, value = stmt.targets[0], stmt.value
        info = getattr(stmt, USER_CALL, None)
        if info is None and value.__class__ in _OPERATIONS:
            continue   # (the commonest value, an operation: none of the cases below)
        if info is not None and info[0].returns_tuple:
            names.add(target.elts[0].id)
        elif isinstance(target, gast.Name) and isinstance(value, (gast.Tuple, gast.List,
                                                                  gast.Dict)):
            names.add(target.id)
        elif isinstance(target, gast.Name) and isinstance(value, gast.Call) \
                and (anno.get(value, anno.CALLEE) in registry.LIST_RESULTS
                     or anno.get(value, anno.CALLEE) is registry.LIST_HELPERS.get(
                         "copy_container")):   # (made for a list or dict changed later)
            names.add(target.id)
        elif isinstance(target, gast.Name) and isinstance(value, gast.Call) \
                and anno.get(value, anno.CALLEE) in (registry.DICT_HELPERS.get("dict_set"),
                                                     registry.DICT_HELPERS.get("dict_delete")):
            names.add(target.id)
        elif isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                and isinstance(value.slice, gast.Constant) and isinstance(value.slice.value, str):
            names.add(value.value.id)   # d["key"]: d is a dict
        elif isinstance(target, gast.Tuple) and isinstance(value, gast.Name):
            names.add(value.id)
        if isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name) \
                and anno.get(value, anno.CALLEE) in (registry.DICT_HELPERS.get("dict_keys"),
                                                     registry.DICT_HELPERS.get("dict_set"),
                                                     registry.DICT_HELPERS.get("dict_delete"),
                                                     registry.DICT_HELPERS.get("dict_get")):
            names.add(value.args[0].id)   # dict_keys(d), d.get(k): d is a dict
        if isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name):
            rule = registry.lookup(anno.get(value, anno.CALLEE))
            if rule is not None and rule.params[:1] in (("arrays",), ("iterable",)):
                names.add(value.args[0].id)   # np.stack(xs), sum(xs): xs is a sequence
    # (UNBOUND, the value of a name on a path that leaves it unbound, is copied into
    # names of every kind)
    copies = [(stmt.targets[0].id, stmt.value.id) for stmt in simple
              if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
              and isinstance(stmt.value, gast.Name) and stmt.value.id != "UNBOUND"]
    for _ in range(2):   # copies of those (a second pass reaches loop-carried copies)
        for target, source in copies:   # (in the statements' order, as they stand)
            if target in names or source in names:
                names.add(target)
                names.add(source)
    return names



#: values of none of the forms :func:`_sequence_names` looks for
_OPERATIONS = frozenset((gast.BinOp, gast.UnaryOp, gast.Compare, gast.BoolOp))


def _positions(body):
    """``{id(stmt): (the statement list holding it, its index there)}``, in every block."""
    out = {}

    def visit(stmts):
        for index, stmt in enumerate(stmts):
            out[id(stmt)] = (stmts, index)
            for field in ("body", "orelse"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    visit(inner)
    visit(body)
    del visit   # (a recursive closure is a cycle: broken, the tree it reads is freed at once)
    return out


def _read_counts(fn):
    """How many times each name is read anywhere in the function ``fn`` (read with
    ``.get``: its order is no fact).  ``name = <operation of names and literals>``, the
    commonest statement, is read off its operands (``operand_loads``: the names its
    value loads, each read once; its target is a store), and so is a call of names and
    literals (``call_loads``); the rest is walked."""
    counts = {}
    walked = [getattr(fn, f, None) for f in nodes.child_fields(fn.__class__) if f != "body"]
    for stmt in fn.body:
        if stmt.__class__ is gast.Assign and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if target.__class__ is gast.Name and target.annotation is None \
                    and target.ctx.__class__ is gast.Store:
                loads = operand_loads(stmt.value)
                if loads is None:   # (a call of a name and atoms: read off it too)
                    loads = call_loads(stmt.value)
                if loads is not None:
                    for name in loads:
                        counts[name] = counts.get(name, 0) + 1
                    continue
        walked.append(stmt)
    for node in nodes.names([w for w in walked if w is not None]):
        if isinstance(node.ctx, gast.Load):
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts


def _definitions(primal):
    """(name -> its one defining statement, names assigned inside some loop body)."""
    counts, defs, loop_temps = {}, {}, set()

    def visit(stmts, in_loop):
        for stmt in stmts:
            if isinstance(stmt, gast.If):
                visit(stmt.body, in_loop)
                visit(stmt.orelse, in_loop)
            elif isinstance(stmt, (gast.For, gast.While)):
                carried = set(anno.get(stmt, anno.CARRIED, ()))
                visit(stmt.body, True)
                loop_temps.difference_update(carried)
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                name = stmt.targets[0].id
                counts[name] = counts.get(name, 0) + 1
                defs[name] = stmt
                if in_loop:
                    loop_temps.add(name)
    visit(primal, False)
    del visit   # (a recursive closure is a cycle: broken, the tree it reads is freed at once)
    single = {n: s for n, s in defs.items() if counts[n] == 1}
    return single, loop_temps
