"""Desugar: early exits -> flags, so every later pass sees structured code.

Input: a fenced ``gast.FunctionDef``.
Output: the same function where ``break``, ``continue`` and every ``return``
but a single final one are gone:

* ``return v`` anywhere sets ``result = v; returned = True``; the function
  ends with ``return result``;
* ``break`` sets a per-loop flag; a ``while`` loop also tests it in its
  condition, a ``for`` loop runs its remaining iterations as no-ops;
* ``continue`` sets a per-iteration flag;
* statements that follow a possible exit run under ``if not <flags>:``.

New statements carry the position of the statement they replace, so errors
and comments still point at the user's line.  Flag names are fresh.

Before that, three container constructs are lowered to ones s2sad
differentiates (see :func:`lower`): starred targets (``a, *rest = xs``, also
as a ``for`` target), starred items of list and tuple displays
(``[*xs, v]``) and generator expressions given to a builtin that consumes its
iterable whole (``sum(v * v for v in xs)``).  ``fence`` lets through only
those it can lower.
"""


import builtins

import gast

from . import anno, nodes, raises
from .formatting import is_format_call, lowered, user_spelling, with_literal_formats
from .names import Namer

#: the builtins that consume an iterable whole: a generator expression given to one
#: (as its first argument) behaves as the list comprehension (fence.py checks that
#: the name is the builtin's)
CONSUMERS = ("tuple", "list", "sum", "min", "max", "sorted", "any", "all", "dict")


def consumer_named(obj):
    """The name in :data:`CONSUMERS` of the builtin ``obj`` is, or None (``builtins.min``
    and ``from builtins import min as MX`` call the builtin by value)."""
    return next((name for name in CONSUMERS if obj is getattr(builtins, name)), None)


def needs_lowering(fn, walked=None):
    """Whether ``fn`` holds a starred item, a generator expression or a format string;
    ``walked``: ``nodes.walk(fn)`` when the caller has it."""
    classes = getattr(walked, "classes", None)   # (a nodes.Walk: read off its index)
    if classes is not None:
        return not classes.keys().isdisjoint(_LOWERED) or any(
            is_format_call(n) for n in classes.get(gast.Call, ()))
    return any(n.__class__ in _LOWERED or n.__class__ is gast.Call and is_format_call(n)
               for n in (walked if walked is not None else nodes.walk(fn)))


_LOWERED = (gast.Starred, gast.GeneratorExp, gast.JoinedStr)


def needs_desugaring(fn):
    body = fn.body
    for node in statements_same_function(fn):
        if isinstance(node, (gast.Break, gast.Continue)):
            return True
        if isinstance(node, gast.Return) and node is not body[-1]:
            return True
    return False


def desugar(fn, user_names, walked=None):
    """Return ``fn`` itself when nothing needs desugaring, else a rewritten copy.
    ``walked``: ``nodes.walk(fn)`` when the caller has it."""
    literal = with_literal_formats(fn)   # (key.format(i) of key = "W{}": a copy)
    lowering = needs_lowering(literal, walked if literal is fn else None)
    hoisting = any(isinstance(n, gast.Raise) for n in statements_same_function(literal))
    if not lowering and not hoisting and not needs_desugaring(literal):
        return literal
    fn = literal if literal is not fn else nodes.clone(fn)
    if hoisting:   # (a branch that raises: the code after its if is the other branch's)
        raises.hoist(fn.body, function=True)
        raises.return_after_raising(fn)
    namer = Namer(user_names)
    if lowering:
        lower(fn, namer)
    if not needs_desugaring(fn):
        return fn
    return _Desugar(namer).function(fn)


def lower(fn, namer):
    """Lower, in place, what Python spells with ``*`` or a generator expression:

    * ``a, *mid, b = xs`` -> ``items = list(xs)``, a check that ``items`` holds at
      least 2 values (Python's ``ValueError`` otherwise), then ``a = items[0]``,
      ``mid = items[1:-1]``, ``b = items[-1]``: ``mid`` is a list whatever ``xs``
      is (a tuple, an array's rows, a dict's keys), as in Python; nested targets
      are unpacked one level at a time; ``for a, *rest in rows:`` binds a fresh
      loop name and unpacks it first in the body;
    * ``[*xs, v]`` -> ``list(xs) + [v]``, ``(a, *xs)`` -> ``(a,) + tuple(xs)``;
      ``f(*[a, b])`` -> ``f(a, b)``;
    * ``sum(e for x in xs)`` (any builtin of :data:`CONSUMERS`) -> ``sum([e for x
      in xs])``; ``list(...)`` of one is the list comprehension, ``dict((k, v) for
      ...)`` the dict comprehension ``{k: v for ...}``; a generator unpacked by a
      starred target or item (``a, *rest = (e for x in xs)``, ``[*(e for x in
      xs)]``) is read whole too, into the list comprehension;
    * ``f"W{i}"`` and ``"W{}".format(i)`` -> ``"W" + format(i, "")`` (see
      :mod:`.formatting`).
    """
    fn.body = _lower_block(fn.body, namer)   # (list(value) of a generator, lowered next)
    _LowerExpressions().visit(fn)
    return fn


def _has_star(target):
    return isinstance(target, (gast.Tuple, gast.List)) and any(
        isinstance(e, gast.Starred) or _has_star(e) for e in target.elts)


def _lower_block(stmts, namer):
    out = []
    for stmt in stmts:
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                setattr(stmt, field, _lower_block(inner, namer))
        if isinstance(stmt, gast.For) and _has_star(stmt.target):
            unpack = []
            stmt.target = _loop_target(stmt.target, namer, unpack)
            stmt.body = unpack + stmt.body
            out.append(stmt)
        elif isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and _has_star(stmt.targets[0]):
            out.extend(_lower_assign(stmt.targets[0], stmt.value, stmt, namer))
        else:
            out.append(stmt)
    return out


def _loop_target(target, namer, unpack):
    """The ``for`` target ``target`` with each part that holds a starred target at its
    own level (``a, *rest``) replaced by a fresh loop name, which the statements
    appended to ``unpack`` unpack (the tuples around it stay: ``for i, (a, *rest) in
    enumerate(rows)`` is still a loop over ``enumerate``)."""
    if not any(isinstance(e, gast.Starred) for e in target.elts):
        target.elts = [_loop_target(e, namer, unpack) if _has_star(e) else e
                       for e in target.elts]
        return target
    item = namer.fresh("item")
    unpack += _lower_assign(target, _located(nodes.name(item), target), target, namer)
    return _located(nodes.name(item, store=True), target)


def _lower_assign(target, value, origin, namer):
    """Statements that assign ``value`` to ``target`` as Python does, with no starred
    target left."""
    if not _has_star(target):
        target.ctx = gast.Store()
        return [_located(gast.Assign(targets=[target], value=value, type_comment=None),
                         origin)]
    elts = target.elts
    starred = [i for i, e in enumerate(elts) if isinstance(e, gast.Starred)]
    if not starred:   # (a, *b), c = xs: this level unpacks as it is, then each item
        names = [namer.fresh("item") for _ in elts]
        out = [_located(gast.Assign(targets=[nodes.tuple_(
            [nodes.name(n, store=True) for n in names], store=True)], value=value,
            type_comment=None), origin)]
        for elt, name in zip(elts, names):
            out += _lower_assign(elt, _located(nodes.name(name), origin), origin, namer)
        return out
    star = starred[0]
    before, after = star, len(elts) - star - 1
    items = namer.fresh("items")
    out = [_located(nodes.assign(items, nodes.call("list", [value])), origin)]
    if before + after:
        check = gast.Expr(value=nodes.name(items))
        anno.set(check, anno.UNPACK_CHECK, before + after)
        out.append(_located(check, origin))
    for i, elt in enumerate(elts):
        if i < star:
            part = nodes.subscript(nodes.name(items), nodes.const(i))
        elif i > star:
            part = nodes.subscript(nodes.name(items), _negative(len(elts) - i))
        elif before + after == 0:
            part = nodes.name(items)
        else:
            part = gast.Subscript(value=nodes.name(items), slice=gast.Slice(
                lower=nodes.const(before) if before else None,
                upper=_negative(after) if after else None, step=None), ctx=gast.Load())
            elt = elt.value
        if isinstance(elt, gast.Starred):
            elt = elt.value
        out += _lower_assign(elt, _located(part, origin), origin, namer)
    return out


def _is_docstring(stmt):
    return isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant) \
        and isinstance(stmt.value.value, str)


def _negative(n):
    return gast.UnaryOp(op=gast.USub(), operand=nodes.const(n))


class _LowerExpressions(gast.NodeTransformer):
    """Starred items of displays and calls, generator expressions and format strings
    (see :func:`lower`)."""

    def visit_JoinedStr(self, node):
        spelling = user_spelling(node)
        for value in node.values:
            if value.__class__ is gast.FormattedValue:
                value.value = self.visit(value.value)
        return anno.set(_located(lowered(node), node), anno.SPELLED, spelling)

    def visit_List(self, node):
        return self.display(self.generic_visit(node), "list")

    def visit_Tuple(self, node):
        return self.display(self.generic_visit(node), "tuple")

    def display(self, node, kind):
        if not isinstance(node.ctx, gast.Load) \
                or not any(isinstance(e, gast.Starred) for e in node.elts):
            return node
        make = gast.List if kind == "list" else gast.Tuple
        parts, run = [], []
        for elt in node.elts:
            if isinstance(elt, gast.Starred):
                if run:
                    parts.append(make(elts=run, ctx=gast.Load()))
                    run = []
                value = elt.value
                if isinstance(value, gast.GeneratorExp):   # [*(e for x in xs)]
                    value = _located(gast.ListComp(elt=value.elt,
                                                   generators=value.generators), value)
                    parts.append(value if kind == "list" else nodes.call(kind, [value]))
                else:
                    parts.append(nodes.call(kind, [value]))
            else:
                run.append(elt)
        if run:
            parts.append(make(elts=run, ctx=gast.Load()))
        result = parts[0]
        for part in parts[1:]:
            result = gast.BinOp(left=result, op=gast.Add(), right=part)
        return _located(result, node)

    def visit_Call(self, node):
        spelling = user_spelling(node) if is_format_call(node) else None
        node = self.generic_visit(node)
        if spelling is not None:
            made = lowered(node)
            if made is not None:
                return anno.set(_located(made, node), anno.SPELLED, spelling)
        args = []
        for arg in node.args:
            if isinstance(arg, gast.Starred) and isinstance(arg.value, (gast.List, gast.Tuple)) \
                    and not any(isinstance(e, gast.Starred) for e in arg.value.elts):
                args.extend(arg.value.elts)   # f(*[a, b]) is f(a, b)
            else:
                args.append(arg)
        node.args = args
        func = node.func
        if not (isinstance(func, gast.Name) and func.id in CONSUMERS and args
                and isinstance(args[0], gast.GeneratorExp)):
            return node
        gen = args[0]
        if func.id == "list" and len(args) == 1 and not node.keywords:
            return _located(gast.ListComp(elt=gen.elt, generators=gen.generators), node)
        if func.id == "dict":
            key, value = gen.elt.elts   # a (key, value) display: fence.py checks it
            return _located(gast.DictComp(key=key, value=value, generators=gen.generators),
                            node)
        args[0] = _located(gast.ListComp(elt=gen.elt, generators=gen.generators), gen)
        return node


def _located(node, origin):
    for sub in gast.walk(node):
        if hasattr(origin, "lineno") and getattr(sub, "lineno", None) is None:
            gast.copy_location(sub, origin)
            if hasattr(origin, "end_lineno"):
                sub.end_lineno = origin.end_lineno
                sub.end_col_offset = origin.end_col_offset
    return node


def _not(expr):
    return gast.UnaryOp(op=gast.Not(), operand=expr)


def _any(names):
    if len(names) == 1:
        return nodes.name(names[0])
    return gast.BoolOp(op=gast.Or(), values=[nodes.name(n) for n in names])


class _Desugar:
    def __init__(self, namer):
        self.namer = namer
        self.returned = None
        self.result = None

    def function(self, fn):
        self.fn = fn
        body = fn.body
        final = body[-1] if body and isinstance(body[-1], gast.Return) else None
        early = any(isinstance(n, gast.Return) and n is not final
                    for n in walk_same_function(fn))
        if early:
            self.returned = self.namer.fresh("returned")
            self.result = self.namer.fresh("result")
        new = self.block(body, loop=None)
        if early:
            origin = next((s for s in body if not _is_docstring(s)), body[0])
            prologue = [_located(nodes.assign(self.returned, nodes.const(False)), origin),
                        _located(nodes.assign(self.result, nodes.const(None)), origin)]
            last = body[-1]
            final = nodes.name(self.result)
            sizes = {len(n.value.elts) if isinstance(n.value, gast.Tuple) else None
                     for n in walk_same_function(fn) if isinstance(n, gast.Return)}
            if len(sizes) == 1 and None not in sizes:
                # every return gives a tuple of the same size: so does the final one
                final = nodes.tuple_([nodes.subscript(nodes.name(self.result), nodes.const(i))
                                      for i in range(sizes.pop())])
            new = prologue + new + [_located(nodes.ret(final), last)]
            # no statement runs after the result is set but the final return: the
            # normalizer's may-alias check knows the name then holds nothing written
            anno.set(fn, anno.RESULT, self.result)
        fn.body = new
        return fn

    def exits(self, stmts, loop):
        """Flags that running ``stmts`` may set, as seen by the enclosing block."""
        flags = set()
        for stmt in stmts:
            for node in walk_same_function(stmt):
                if isinstance(node, gast.Return) and self.returned:
                    flags.add(self.returned)
                elif loop is not None and isinstance(node, gast.Break) \
                        and _innermost_loop(stmt, node) is None:
                    flags.add(loop["broke"])
                elif loop is not None and isinstance(node, gast.Continue) \
                        and _innermost_loop(stmt, node) is None:
                    flags.add(loop["skipped"])
        return flags

    def block(self, stmts, loop):
        out = []
        for index, stmt in enumerate(stmts):
            if isinstance(stmt, gast.Return):
                if self.returned is None:      # the single final return
                    out.append(stmt)
                    return out
                value = stmt.value if stmt.value is not None else nodes.const(None)
                out.append(_located(nodes.assign(self.result, value), stmt))
                out.append(_located(nodes.assign(self.returned, nodes.const(True)), stmt))
                return out
            if isinstance(stmt, gast.Break):
                out.append(_located(nodes.assign(loop["broke"], nodes.const(True)), stmt))
                return out
            if isinstance(stmt, gast.Continue):
                out.append(_located(nodes.assign(loop["skipped"], nodes.const(True)), stmt))
                return out
            if isinstance(stmt, gast.If):
                flags = sorted(self.exits([stmt], loop))
                stmt.body = self.block(stmt.body, loop) or [gast.Pass()]
                stmt.orelse = self.block(stmt.orelse, loop)
                out.append(stmt)
            elif isinstance(stmt, (gast.For, gast.While)):
                flags = sorted(f for f in self.exits([stmt], None) if f == self.returned)
                out.extend(self.loop(stmt, loop))
            else:
                flags = []
                out.append(stmt)
            rest = stmts[index + 1:]
            if flags and rest:
                guarded = self.block(rest, loop)
                if guarded:
                    out.append(_located(gast.If(test=_not(_any(flags)), body=guarded,
                                                orelse=[]), rest[0]))
                return out
        return out

    def loop(self, stmt, outer):
        inner = list(walk_same_function(stmt))
        has_break = any(isinstance(n, gast.Break) and _innermost_loop(stmt, n) is stmt
                        for n in inner)
        has_continue = any(isinstance(n, gast.Continue) and _innermost_loop(stmt, n) is stmt
                           for n in inner)
        has_return = self.returned is not None and any(isinstance(n, gast.Return)
                                                       for n in inner)
        if not (has_break or has_continue or has_return):
            stmt.body = self.block(stmt.body, None)
            return [stmt]
        flags = {"broke": self.namer.fresh("broke") if has_break else None,
                 "skipped": self.namer.fresh("skipped") if has_continue else None}
        body = self.block(stmt.body, flags)
        if has_break and isinstance(stmt, gast.For):
            body = self.bind_target_in_body(stmt) + body
        before = []
        if has_continue:
            body = [_located(nodes.assign(flags["skipped"], nodes.const(False)), stmt)] + body
        stop = [f for f in (flags["broke"], self.returned if has_return else None) if f]
        if has_break:
            before.append(_located(nodes.assign(flags["broke"], nodes.const(False)), stmt))
        if stop:
            if isinstance(stmt, gast.While):
                stmt.test = _located(gast.BoolOp(op=gast.And(), values=[
                    stmt.test, _not(_any(stop))]), stmt.test)
            else:
                body = [_located(gast.If(test=_not(_any(stop)), body=body, orelse=[]),
                                 stmt.body[0])]
                anno.set(body[0], anno.TRIP_GUARD, True)
        stmt.body = body or [gast.Pass()]
        if stop:   # (a loop over a dict checks its size after a trip only without these)
            anno.set(stmt, anno.MAY_EXIT, True)
        return before + [stmt]


    def bind_target_in_body(self, stmt):
        """After a ``break`` the remaining trips of a ``for`` loop run as no-ops, but
        Python's loop target keeps the value of the trip that broke: a target read
        after the loop is bound from a fresh loop name inside the guarded body."""
        read = [n for n in nodes.names(stmt.target)
                if read_after_loop(self.fn, stmt, n.id)]
        assigns = []
        for old in read:
            new = self.namer.fresh(old.id)
            assigns.append(_located(nodes.assign(old.id, nodes.name(new)), stmt.target))
            old.id = new
        return assigns


def read_after_loop(fn, loop, name, cache=None):
    """Whether the value the ``for`` loop ``loop`` leaves in its target ``name`` may
    be read: a read of ``name`` outside the loop, unless another ``for`` loop that
    binds ``name`` (and is not around ``loop``) binds it first.

    ``cache``: a dict kept by a caller that asks about one unchanging tree often."""
    cache = {} if cache is None else cache
    everything = cache.get(id(fn))
    if everything is None:
        everything = cache[id(fn)] = nodes.walk(fn)

    def ids(key, roots):
        found = cache.get(key)
        if found is None:
            found = cache[key] = {id(n) for r in roots for n in nodes.walk(r)}
        return found

    inside = ids(("in", id(loop)), [loop])
    # (a local function defined in the loop reads its free names when it is called,
    # which may be after the loop)
    deferred = ids(("deferred", id(loop)), [
        n for n in nodes.walk(loop) if isinstance(n, (gast.FunctionDef, gast.Lambda))])
    reads = [n for n in everything if n.__class__ is gast.Name and n.id == name
             and isinstance(n.ctx, gast.Load) and (id(n) not in inside or id(n) in deferred)]
    if not reads:
        return False
    shielded = set()
    for other in everything:
        if other.__class__ is gast.For and id(other) not in inside \
                and any(n.id == name for n in nodes.names(other.target)):
            body = ids(("body", id(other)), other.body)
            if id(loop) not in body:   # not a loop around this one
                shielded |= body
    return any(id(n) not in shielded for n in reads)


def walk_same_function(node):
    """The nodes of ``node`` (depth first) without entering nested function definitions;
    expression contexts and operators left out (see ``nodes.walk``)."""
    todo = [node]
    child_fields = nodes.child_fields
    while todo:
        current = todo.pop()
        yield current
        if current is not node and isinstance(current, (gast.FunctionDef, gast.Lambda)):
            continue
        for field in child_fields(current.__class__):
            value = getattr(current, field, None)
            if isinstance(value, gast.AST):
                todo.append(value)
            elif value.__class__ is list:
                todo.extend([item for item in value if isinstance(item, gast.AST)])


#: the fields through which a node holds statements (directly, or through except
#: handlers and match cases)
_BLOCK_FIELDS = frozenset(("body", "orelse", "finalbody", "handlers", "cases"))


def statements_same_function(node):
    """The statements of :func:`walk_same_function` (and the except handlers and match
    cases that hold some), in its order, without looking into expressions, which hold
    no statement: ``[n for n in walk_same_function(node) if <n a statement>]``."""
    todo = [node]
    child_fields = nodes.child_fields
    while todo:
        current = todo.pop()
        yield current
        if current is not node and current.__class__ is gast.FunctionDef:
            continue
        for field in child_fields(current.__class__):
            if field in _BLOCK_FIELDS:
                value = getattr(current, field, None)
                if value.__class__ is list:
                    todo.extend(value)


def _innermost_loop(root, target):
    """The innermost loop (strictly inside ``root``, or ``root``) around ``target``."""
    path = _path_to(root, target)
    if path is None:
        return None
    loops = [n for n in path[:-1] if isinstance(n, (gast.For, gast.While))]
    return loops[-1] if loops else None


def _path_to(node, target):
    if node is target:
        return [node]
    for child in gast.iter_child_nodes(node):
        found = _path_to(child, target)
        if found is not None:
            return [node] + found
    return None
