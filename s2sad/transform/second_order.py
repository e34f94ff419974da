"""Make generated gradient code acceptable input for another transform.

Second derivatives are computed forward over reverse: the forward transform
runs on the code reverse mode generated.  That code is ordinary Python but
uses three forms the normalizer does not accept, all of them writes into a
freshly allocated adjoint array; :func:`prepare_gradient_code` rewrites them
into pure assignments of the same value (through a copy):

* ``x_bar[i] = g``          -> ``x_bar = index_set(x_bar, i, g)``
* ``x_bar[i] += g``         -> ``x_bar = add_at(x_bar, i, g)``
* ``np.add.at(x_bar, i, g)`` -> ``x_bar = add_at(x_bar, i, g)``
  (``x_bar = add_into(x_bar, i, g)`` too: in place for a numpy ``x_bar``)

and drops ``ensure_scalar_output(...)`` checks (the caller checks the value).
Slices in indices become ``slice(...)`` calls.

Gradient code with loops uses a tape (``tape = Stack()``).  Its operations
become calls the normalizer accepts, and the forward transform turns back
into tape operations that also carry tangents (see ``transform.forward``):

* ``tape.push(v)``        -> ``pushed = tape_push(tape, v, "v")``
* ``v = tape.pop()``      -> ``v = tape_pop(tape, "v")``
* ``x[i] = tape.pop()``   -> ``x = index_set(x, i, tape_pop(tape, "x[]"))``
  (paired with ``tape.push(overwritten(x, i))``, key ``"x[]"``);
* ``for i in reversed(range(a, b, s))`` -> ``for i in range(b - 1, a - 1, -1)``
  (or ``reversed_range(a, b, s)`` with a step): the order of iteration is
  not differentiable.

The last argument of the tape markers is the *key* that pairs pushes with
pops: the name pushed and popped (reverse mode pops a saved value back into
the name it pushed).

``composed=True`` prepares a derivative called inside a function being
differentiated, in either mode (see ``api.composable``): the tape becomes a
plain list (``tape = []``, ``tape.append(v)``, ``v = tape.pop()``), which both
modes differentiate, and the output check is kept where the value flows
through it (``s = scalar_checked(s, "f")``).  Every statement is rewritten in nested blocks too, and
keeps the line of the statement it replaces, so comments quote the gradient
code.
"""

import ast
import builtins
import copy

import gast

from ..errors import UnsupportedSyntaxError, quoted_source_line
from ..rules import registry
from ..syntax import nodes


def prepare_gradient_code(parsed, name=None, composed=False):
    """Rewrite ``parsed.node`` (a generated gradient function); see module doc.

    The rewritten function is a new node put in ``parsed.node``: no node of the tree
    as read changes (a statement the rewrite would change in place is copied first;
    the others are shared), so that tree serves as the code as read (see
    :data:`LEAVES_TREE`)."""
    # the runtime's objects the rewritten gradient code calls (from the registry: the
    # runtime imports numpy, which the core never loads itself)
    helpers = {name: registry.runtime_helper(name)
               for name in ("index_set", "add_at", "reversed_range")
               + ("scalar_checked",) + (tuple(_COPYING.values()) if composed
                                        else ("tape_push", "tape_pop"))}
    Stack = registry.runtime_helper("Stack")
    ensure_scalar_output = registry.runtime_helper("ensure_scalar_output")
    fn = parsed.node = copy.copy(parsed.node)   # (its body and name set below)
    everything = nodes.walk(fn)
    scan = _Scan(everything, parsed, Stack)   # (before the rewrite changes the tree)
    taken = scan.taken
    pushed = next(f"pushed_{i}" if i else "pushed" for i in range(len(taken) + 1)
                  if (f"pushed_{i}" if i else "pushed") not in taken)
    _refuse_writes_through_views(scan, parsed)
    read = fn.body
    fn.body = _rewrite_block(read, _Context(parsed, ensure_scalar_output, scan.tapes,
                                            pushed, composed, scan.stored))
    _keep_walk(parsed, fn, read, everything)
    for key, obj in helpers.items():
        if parsed.resolve(key, None) is not obj:
            parsed.closure[key] = obj
    if name is not None:
        fn.name = name
    return parsed


def _keep_walk(parsed, fn, read, everything):
    """Where the rewrite of the body ``read`` of ``fn`` only left statements out (every
    other one kept as it was, the commonest case: no tape, no write by item), the walk of
    the rewritten function is ``everything`` (``nodes.walk(fn)`` before the rewrite)
    without the nodes of those statements, in the same (breadth-first) order: kept as
    ``parsed.walked()``, which the passes reading the whole tree (the fence, the scan of
    the arguments written) would otherwise make again."""
    kept = {id(stmt) for stmt in fn.body}
    if len(kept) != len(fn.body) or not kept <= {id(stmt) for stmt in read}:
        return
    left = {id(node) for stmt in read if id(stmt) not in kept for node in nodes.walk(stmt)}
    walk = [node for node in everything if id(node) not in left] if left else everything
    parsed.__dict__["_walk_of_node"] = (fn, walk)   # (see ParsedFunction.walked)


#: an attribute a front end's ``prepare`` function may carry: true when it puts the
#: rewritten tree in ``parsed.node`` and changes no node of the tree it read
#: (``frontend.front_end`` then keeps that tree as the code as read, not a copy)
LEAVES_TREE = "leaves_tree_as_read"
setattr(prepare_gradient_code, LEAVES_TREE, True)


class _Scan:
    """What the rewrite reads of the gradient function's nodes ``everything``
    (``nodes.walk``), in one pass over them, in their order: its tapes (names assigned
    ``Stack()``, resolved as the pass meets them), every name (``taken``) and every name
    stored into (``stored``), the ``for`` loops' counters, and, for
    :func:`_refuse_writes_through_views`, the names assigned an item of an array indexed by
    a name (``(name, array, index, assignment)``) and the targets written by item
    (``(node, target)``)."""

    def __init__(self, everything, parsed, Stack):
        self.tapes, self.taken, self.stored, self.counters = set(), set(), set(), set()
        self.items, self.item_writes = [], []
        for node in everything:
            cls = node.__class__
            if cls is gast.Name:
                self.taken.add(node.id)
                if isinstance(node.ctx, gast.Store):
                    self.stored.add(node.id)
            elif cls is gast.Assign:
                self._assign(node, parsed, Stack)
            elif cls is gast.AugAssign:
                self._written(node, node.target)
            elif cls is gast.For and isinstance(node.target, gast.Name):
                self.counters.add(node.target.id)

    def _assign(self, node, parsed, Stack):
        target, value = node.targets[0] if node.targets else None, node.value
        if len(node.targets) == 1 and isinstance(target, gast.Name):
            if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
                    and parsed.resolve(value.func.id, None) is Stack:
                self.tapes.add(target.id)
            if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
                    and isinstance(value.slice, gast.Name) \
                    and not target.id.endswith("_bar"):   # (adjoints are fresh)
                self.items.append((target.id, value.value.id, value.slice.id, node))
        for written in node.targets:
            self._written(node, written)

    def _written(self, node, target):
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            self.item_writes.append((node, target))


def _refuse_writes_through_views(scan, parsed):
    """A write into a name the gradient code bound to a part of another array (``row =
    mul[index]``: a loop over an array's rows writing into the row) changes that array
    too, which the functional rewrite below (``row = index_set(row, ...)``) would not:
    refused, rather than differentiated as a write into a copy.  ``scan``: the
    :class:`_Scan` of the function's nodes."""
    parts = {}
    for name, array, index, assignment in scan.items:   # (indexed by a loop's counter)
        if index in scan.counters:
            quoted = quoted_source_line(parsed.lines, assignment.lineno)
            parts[name] = quoted and _users_sequence(name, quoted) or array
    for node, target in scan.item_writes:
        if target.value.id in parts:
            name = target.value.id
            raise UnsupportedSyntaxError(
                f"the gradient code writes into '{name}', a part of '{parts[name]}' "
                f"(a row of the array a loop runs over, written in place): forward mode "
                f"over it would write into a copy", parsed.location(target),
                hint=f"write into the array by index in the loop "
                     f"({parts[name]}[i, ...] = ...), not through its row")


def _users_sequence(name, header):
    """The name of the array the user's loop header ``header`` (the source line the
    gradient code quotes where it binds ``name`` to a part of an array: ``for i, row in
    enumerate(X):``) runs over, as the user spells it, or None: the gradient code's name
    for it may be s2sad's copy or version of it (``X_1``)."""
    try:
        loop = ast.parse(header.strip() + "\n    pass").body[0]
    except SyntaxError:
        return None
    if not isinstance(loop, ast.For) or name not in {
            n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}:
        return None
    sequence = loop.iter
    if isinstance(sequence, ast.Call) and isinstance(sequence.func, ast.Name) \
            and sequence.func.id == "enumerate" and len(sequence.args) == 1:
        sequence = sequence.args[0]
    return sequence.id if isinstance(sequence, ast.Name) else None


class _Context:
    def __init__(self, parsed, ensure_scalar_output, tapes, pushed, composed, stored):
        self.parsed = parsed
        self.composed = composed   # the tape as a list, the output check kept
        self.ensure_scalar_output = ensure_scalar_output
        # the checks of writes into integer arrays: kept as ``x = check(x, ...)``
        self.dtype_checks = (registry.runtime_helper("ensure_real_target"),
                             registry.runtime_helper("ensure_same_kind"))
        # the arguments' check (moved first)
        self.ensure_unshared = registry.runtime_helper("ensure_unshared")
        self.tapes = tapes
        self.pushed = pushed     # a name no statement reads: what a push "returns"
        fn = parsed.node
        self.local_names = {a.id for a in fn.args.args + fn.args.kwonlyargs} | stored


def _rewrite_block(stmts, ctx):
    body = []
    for stmt in stmts:
        if isinstance(stmt, gast.If):
            stmt = copy.copy(stmt)   # (the tree as read stays as it is: see LEAVES_TREE)
            stmt.body = _rewrite_block(stmt.body, ctx) or [gast.Pass()]
            stmt.orelse = _rewrite_block(stmt.orelse, ctx)
            new = stmt
        elif isinstance(stmt, (gast.For, gast.While)):
            stmt = copy.copy(stmt)
            stmt.body = _rewrite_block(stmt.body, ctx) or [gast.Pass()]
            if isinstance(stmt, gast.For):
                stmt.iter = _forward_iteration(stmt.iter, ctx.parsed)
            new = stmt
        else:
            if ctx.composed or ctx.tapes or _calls_of_three(stmt):
                # (a statement _rewrite may change in place: _Pops, add_into, composed)
                stmt = nodes.clone(stmt)
            new = _rewrite(stmt, ctx)
        if new is None:
            continue
        if new is not stmt:
            for node in gast.walk(new):
                if getattr(node, "lineno", None) is None and hasattr(stmt, "lineno"):
                    gast.copy_location(node, stmt)
                    node.end_lineno = getattr(stmt, "end_lineno", None)
                    node.end_col_offset = getattr(stmt, "end_col_offset", None)
        body.append(new)
    return body


def _is_tape_method(node, ctx, method):
    """``<tape>.<method>(...)`` on one of the function's tapes."""
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
            and node.func.attr == method and isinstance(node.func.value, gast.Name)
            and node.func.value.id in ctx.tapes)


def _pop(call, key):
    return nodes.call(nodes.name("tape_pop"), [copy.deepcopy(call.func.value), nodes.const(key)])


def _push_key(value):
    """The key of ``tape.push(value)``: the name pushed, ``"x[]"`` for what a write into
    ``x`` overwrites (``overwritten(x, i)``), ``""`` for anything else."""
    if isinstance(value, gast.Name):
        return value.id
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
            and value.func.id == "overwritten" and value.args \
            and isinstance(value.args[0], gast.Name):
        return f"{value.args[0].id}[]"
    return ""


class _Pops(gast.NodeTransformer):
    """Any other ``tape.pop()``: a pop under the shared key ``""``."""

    def __init__(self, ctx):
        self.ctx = ctx

    def visit_Call(self, node):
        self.generic_visit(node)
        if _is_tape_method(node, self.ctx, "pop") and not node.args:
            return _pop(node, "")
        return node


def _rewrite(stmt, ctx):
    if ctx.composed:
        rewritten = _rewrite_composed(stmt, ctx)
        if rewritten is not _NOT_TAPE:
            return rewritten
    parsed = ctx.parsed
    if isinstance(stmt, gast.Expr) and _is_tape_method(stmt.value, ctx, "push") \
            and len(stmt.value.args) == 1:
        call = stmt.value
        value = call.args[0]
        return nodes.assign(ctx.pushed, nodes.call(nodes.name("tape_push"), [
            copy.deepcopy(call.func.value), copy.deepcopy(value),
            nodes.const(_push_key(value))]))
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and _is_tape_method(stmt.value, ctx, "pop") and not stmt.value.args:
        target = stmt.targets[0]
        if isinstance(target, gast.Name):
            return nodes.assign(target.id, _pop(stmt.value, target.id))
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            return _functional("index_set", target, _pop(stmt.value, f"{target.value.id}[]"),
                               parsed, stmt)
    if not ctx.composed and ctx.tapes:   # (without a tape there is no pop to find)
        stmt = _Pops(ctx).visit(stmt)
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Subscript):
        target = stmt.targets[0]
        return _functional("index_set", target, stmt.value, parsed, stmt)
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript) \
            and isinstance(stmt.op, gast.Add):
        return _functional("add_at", stmt.target, stmt.value, parsed, stmt)
    if _is_add_into(stmt, parsed):   # (in place for numpy: through a copy)
        stmt.value.func = nodes.name("add_at")
        return stmt
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
        call = stmt.value
        if isinstance(call.func, gast.Name) and \
                parsed.resolve(call.func.id, None) is ctx.ensure_scalar_output \
                and call.args and isinstance(call.args[0], gast.Name):
            # (kept, as a value flowing through it: a non-scalar output is refused before
            # the backward sweep seeds it, where a product of it would fail in numpy)
            return nodes.assign(call.args[0].id, nodes.call(
                nodes.name("scalar_checked"), [copy.deepcopy(a) for a in call.args]))
        if isinstance(call.func, gast.Name) and call.func.id == "ensure_unshared" \
                and parsed.resolve(call.func.id, None) is ctx.ensure_unshared:
            # the arguments' check: the forward transform puts it first again
            parsed.entry_checks = getattr(parsed, "entry_checks", []) + [stmt]
            return None
        if isinstance(call.func, gast.Name) and call.args \
                and isinstance(call.args[0], gast.Name) \
                and parsed.resolve(call.func.id, None) in ctx.dtype_checks:
            if call.args[0].id not in ctx.local_names:
                # a module global: an update of one is refused unless it holds a number,
                # whose kind needs no check (and rebinding it would make it a local)
                return None
            return nodes.assign(call.args[0].id, copy.deepcopy(call))
        if _is_np_add_at(call.func, parsed) and len(call.args) == 3 and not call.keywords:
            base, index, value = call.args
            if isinstance(base, gast.Name):
                return nodes.assign(base.id, nodes.call(nodes.name("add_at"), [
                    nodes.name(base.id), copy.deepcopy(index), copy.deepcopy(value)]))
    return stmt


def _rewrite_composed(stmt, ctx):
    """The tape as a list and the output check kept (``composed=True``); ``_NOT_TAPE``
    when neither applies."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in ctx.tapes \
            and isinstance(stmt.value, gast.Call):
        return nodes.assign(stmt.targets[0].id, gast.List(elts=[], ctx=gast.Load()))
    if isinstance(stmt, gast.Expr) and _is_tape_method(stmt.value, ctx, "push"):
        stmt.value.func.attr = "append"
        return stmt
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and _is_tape_method(stmt.value, ctx, "pop") and not stmt.value.args \
            and isinstance(stmt.targets[0], gast.Subscript):
        return _functional("index_set", stmt.targets[0], stmt.value, ctx.parsed, stmt)
    if isinstance(stmt, gast.Assign) and _is_tape_method(stmt.value, ctx, "pop"):
        return stmt   # v = tape.pop(): a list's pop
    value = stmt.value if isinstance(stmt, gast.Assign) else None
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
            and value.func.id in _COPYING \
            and ctx.parsed.resolve(value.func.id, None) is registry.LIST_HELPERS[value.func.id]:
        # forward mode's list helpers change the list in place (list_push): a reverse
        # sweep of this code would keep that one list, changed by the later trips, as
        # each trip's value; their copying forms make a new list each time
        value.func = nodes.name(_COPYING[value.func.id])
        return stmt
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and isinstance(stmt.value.func, gast.Name) and stmt.value.args \
            and isinstance(stmt.value.args[0], gast.Name) \
            and ctx.parsed.resolve(stmt.value.func.id, None) is ctx.ensure_scalar_output:
        call = stmt.value
        return nodes.assign(call.args[0].id, nodes.call(
            nodes.name("scalar_checked"), [copy.deepcopy(a) for a in call.args]))
    return _NOT_TAPE


_NOT_TAPE = object()
#: forward mode's in-place list helpers -> the copying ones they stand for
_COPYING = {"list_push": "list_append", "list_push_at": "list_insert",
            "list_remove": "list_delete"}


def _functional(helper, target, value, parsed, stmt):
    base = target.value
    if not isinstance(base, gast.Name):
        raise UnsupportedSyntaxError("cannot differentiate a write into this expression",
                                     parsed.location(stmt))
    return nodes.assign(base.id, nodes.call(nodes.name(helper), [
        nodes.name(base.id), index_expression(target.slice), copy.deepcopy(value)]))


def index_expression(index):
    """An index as an expression usable as a call argument (slices become ``slice()``)."""
    if isinstance(index, gast.Slice):
        parts = [index.lower, index.upper, index.step]
        return nodes.call(nodes.builtin("slice"), [copy.deepcopy(p) if p is not None
                                                else nodes.const(None) for p in parts])
    if isinstance(index, gast.Tuple):
        return nodes.tuple_([index_expression(e) for e in index.elts])
    return copy.deepcopy(index)


def _calls_of_three(stmt):
    """``name = f(a, b, c)``: the form of :func:`_is_add_into`'s statement, whatever
    ``f`` resolves to."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call) \
        and isinstance(stmt.value.func, gast.Name) and len(stmt.value.args) == 3


def _is_add_into(stmt, parsed):
    """Is ``stmt`` ``x_bar = add_into(x_bar, i, g)`` (``runtime.add_into``, which adds in
    place into a numpy ``x_bar``)?"""
    if not _calls_of_three(stmt):
        return False
    return parsed.resolve(stmt.value.func.id, None) is registry.runtime_helper("add_into")


def _is_np_add_at(func, parsed):
    if not (isinstance(func, gast.Attribute) and func.attr == "at"
            and isinstance(func.value, gast.Attribute) and func.value.attr == "add"
            and isinstance(func.value.value, gast.Name)):
        return False
    module = parsed.resolve(func.value.value.id, None)
    return getattr(module, "__name__", None) == "numpy"


def _forward_iteration(iterable, parsed):
    """``reversed(range(...))`` -> the same indices as a ``range`` (or ``reversed_range``)."""
    if not (isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name)
            and parsed.resolve(iterable.func.id, None) is builtins.reversed
            and len(iterable.args) == 1 and not iterable.keywords):
        return iterable
    inner = iterable.args[0]
    if not (isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name)
            and parsed.resolve(inner.func.id, None) is builtins.range and not inner.keywords
            and 1 <= len(inner.args) <= 3):
        return iterable
    args = inner.args
    if len(args) == 3:
        return nodes.call(nodes.name("reversed_range"), [copy.deepcopy(a) for a in args])
    start, stop = (nodes.const(0), args[0]) if len(args) == 1 else args
    return nodes.call(nodes.builtin("range"), [_minus_one(stop), _minus_one(start),
                                            nodes.const(-1)])


def _minus_one(expr):
    if isinstance(expr, gast.Constant) and type(expr.value) is int:
        return nodes.const(expr.value - 1)
    return gast.BinOp(left=copy.deepcopy(expr), op=gast.Sub(), right=nodes.const(1))
