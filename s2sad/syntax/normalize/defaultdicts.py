"""Local ``defaultdict`` and ``Counter`` accumulators, lowered to plain dicts.

``d = defaultdict(float)`` then ``d[k] += v``: Python's ``d[k]`` adds the key with
the default first.  s2sad's dict helpers copy a dict as a plain one (a tangent is a
plain dict too), so the default is written out where it applies, before the walk:

* ``d = defaultdict(float)`` (``int``, ``complex``, ``bool`` or ``lambda: c`` of a
  constant ``c``) and ``d = Counter()`` become ``d = {}``;
* a statement reading ``d[key]`` (``d[k] += v``, ``y = d[k] * 2``) is preceded by
  ``if key not in d: d[key] = default`` (a defaultdict's read adds the key, as in
  Python; a Counter's write ``c[k] += v`` adds it too);
* a read of a Counter's ``c[key]`` that is not a write is ``(c[key] if key in c else
  0)``: Counter adds no key on a read.

What would differ from Python is refused, located: a default made by another factory
(``defaultdict(list)``), a construction from data (``Counter(words)``), the name bound
to another value too, a method whose class's own differs from dict's
(``Counter.update``, ``most_common``), a key computed by a call, a read Python may
skip (inside ``and``/``or``, ``a if c else b``, a comprehension, a lambda or a
``while`` test).
"""

import builtins
import collections

import gast

from .. import nodes

_CONSTANT_FACTORIES = {builtins.float: 0.0, builtins.int: 0, builtins.complex: 0j,
                       builtins.bool: False}
#: positions where Python may not evaluate a read: its guard cannot go before the statement
_SKIPPED = (gast.BoolOp, gast.IfExp, gast.ListComp, gast.SetComp, gast.DictComp,
            gast.GeneratorExp, gast.Lambda)
_SIMPLE = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return,
           gast.If, gast.Assert)


def makes_default_dict(func, parsed):
    """Whether the callee ``func`` (a gast node) may name ``defaultdict`` or ``Counter``:
    spelled so (``collections.Counter``, ``co.defaultdict``), or a name the function's
    scope binds to one of them (``from collections import defaultdict as dd``)."""
    spelled = func.id if func.__class__ is gast.Name else getattr(func, "attr", None)
    if spelled in ("defaultdict", "Counter"):
        return True
    if func.__class__ is not gast.Name:
        return False
    found = parsed.resolve(spelled, None, compose=False)
    return found is collections.defaultdict or found is collections.Counter


def _split_bindings(node, parsed):
    """``d, c = defaultdict(float), Counter()`` (names bound to a display of as many
    values, one made by either, none reading a name bound there) as one assignment per
    name, in place, so each is lowered as ``d = defaultdict(float)`` is."""
    for field in ("body", "orelse", "finalbody", "handlers"):
        block = getattr(node, field, None)
        if not isinstance(block, list):
            continue
        out = []
        for stmt in block:
            _split_bindings(stmt, parsed)
            target, value = (stmt.targets[0], stmt.value) if stmt.__class__ is gast.Assign \
                and len(stmt.targets) == 1 else (None, None)
            names = [t.id for t in getattr(target, "elts", ()) if t.__class__ is gast.Name]
            if target.__class__ in (gast.Tuple, gast.List) \
                    and value.__class__ in (gast.Tuple, gast.List) \
                    and len(names) == len(target.elts) == len(value.elts) \
                    and len(set(names)) == len(names) \
                    and any(v.__class__ is gast.Call and _made_by_either(v.func, parsed)
                            for v in value.elts) \
                    and not any(n.__class__ is gast.Name and n.id in names
                                for n in nodes.walk(value)):
                out.extend(gast.copy_location(nodes.assign(name, v), stmt)
                           for name, v in zip(names, value.elts))
            else:
                out.append(stmt)
        block[:] = out


def _made_by_either(func, parsed):
    made = parsed.resolve_callee(func)
    return made is collections.defaultdict or made is collections.Counter


def lower_default_dicts(tree, parsed, error, line_of=None):
    """Rewrite ``tree`` (a copy of the user's function) in place as the module docstring
    says; returns whether it changed anything.  ``parsed`` resolves names, ``error(
    message, node, hint)`` makes a located refusal, ``line_of(node)`` the line of the
    source file a message names (the tree's own line numbers by default)."""
    _split_bindings(tree, parsed)
    walked = nodes.walk(tree)
    found = {}   # name -> (kind, default, the assignment)
    for node in walked:
        if node.__class__ is gast.Assign and node.value.__class__ is gast.Call:
            cls = parsed.resolve_callee(node.value.func)
            if cls is collections.defaultdict or cls is collections.Counter:
                names = [t.id for t in node.targets if isinstance(t, gast.Name)]
                if len(names) != 1 or len(node.targets) != 1:
                    raise error(f"a {cls.__name__} bound to several names or items at "
                                f"once is not followed", node,
                                hint=f"bind it to one name: d = {cls.__name__}(...)")
                kind = cls.__name__
                default = _default(node.value, cls, parsed, error)
                if names[0] in found and found[names[0]][:2] != (kind, default):
                    raise error(f"{names[0]!r} is bound to two different {kind}s",
                                node, hint="use a name for each")
                found[names[0]] = (kind, default, node)
    if not found:
        return False
    _refuse_other_bindings(walked, found, error,
                           line_of or (lambda node: node.lineno))
    _refuse_other_methods(walked, found, error)
    for name, (kind, default, assign) in found.items():
        assign.value = gast.copy_location(gast.Dict(keys=[], values=[]), assign.value)
    _guard_blocks(tree, found, error)
    return True


def _default(call, cls, parsed, error):
    """The constant a ``defaultdict(factory)`` or ``Counter()`` gives a missing key."""
    if cls is collections.Counter:
        if call.args or call.keywords:
            raise error("a Counter made from data (Counter(items)) is not differentiated: "
                        "its counts are whole numbers, and s2sad lowers only an empty "
                        "Counter() accumulator to a dict", call,
                        hint="count outside the function and pass the counts, or start "
                             "from Counter() and add to it in a loop")
        return 0
    if len(call.args) != 1 or call.keywords:
        raise error("s2sad follows defaultdict(factory) with one argument and no initial "
                    "items", call,
                    hint="start from defaultdict(float) and add the items in a loop")
    factory = call.args[0]
    if isinstance(factory, gast.Lambda) and not factory.args.args \
            and isinstance(factory.body, gast.Constant) \
            and isinstance(factory.body.value, (int, float, complex)):
        return factory.body.value
    made = parsed.resolve_callee(factory) if isinstance(factory, (gast.Name,
                                                                 gast.Attribute)) else None
    for known, value in _CONSTANT_FACTORIES.items():
        if made is known:
            return value
    raise error("s2sad follows a defaultdict whose default is a number (defaultdict(float), "
                "defaultdict(int), defaultdict(lambda: 1.0)), not one whose factory makes "
                "other values", factory,
                hint="use a dict and write the default where it applies: 'if k not in d: "
                     "d[k] = []' (a list, then d[k] = d[k] + [v])")


def _refuse_other_bindings(walked, found, error, line_of):
    for node in walked:
        targets = []
        if node.__class__ in (gast.Assign, gast.AnnAssign, gast.AugAssign, gast.For,
                              gast.NamedExpr):
            targets = getattr(node, "targets", None) or [node.target]
        for target in targets:
            for name in nodes.walk(target):
                if name.__class__ is gast.Name and name.id in found \
                        and node is not found[name.id][2] \
                        and isinstance(name.ctx, gast.Store):
                    kind = found[name.id][0]
                    raise error(f"{name.id!r} holds a {kind} (line "
                                f"{line_of(found[name.id][2])}) and is bound to another "
                                f"value here: s2sad lowers a {kind} to a dict with its "
                                f"default written out only where the name holds nothing "
                                f"else", node, hint="use another name for the other value")


def _refuse_other_methods(walked, found, error):
    for node in walked:
        if node.__class__ is gast.Call and isinstance(node.func, gast.Attribute) \
                and isinstance(node.func.value, gast.Name) and node.func.value.id in found:
            kind, method = found[node.func.value.id][0], node.func.attr
            cls = getattr(collections, kind)
            mine, plain = getattr(cls, method, None), getattr(dict, method, None)
            if plain is None or mine is not plain:
                raise error(f"collections.{kind}.{method}() is not differentiated: s2sad "
                            f"lowers a local "
                            f"{kind} to a dict with its default written out, and this "
                            f"method is the {kind}'s own", node,
                            hint=f"write it with items: {node.func.value.id}[k] += value "
                                 f"to add, {node.func.value.id}[k] to read one")


_LOOPS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def _skipping(skipped, n):
    """What may skip a read inside ``n`` (in a part ``skipped`` already): False, a
    comprehension (it runs a loop the statement cannot be put in: the strongest), a
    lambda, or True (a branch of 'and'/'or', 'a if c else b', a while test)."""
    if isinstance(n, _LOOPS) or isinstance(skipped, _LOOPS):
        return n if isinstance(n, _LOOPS) and not isinstance(skipped, _LOOPS) else skipped
    if isinstance(n, gast.Lambda):
        return n
    return skipped or isinstance(n, _SKIPPED)


def _skipped_hint(skipped, name):
    """How to read the defaultdict ``name`` where the read ``skipped`` may not run."""
    if isinstance(skipped, _LOOPS):
        return (f"write the loop as statements, reading it under a name of its own in "
                f"the loop's body: for k in keys: v = {name}[k], then use v (a "
                f"comprehension has no place for that statement)")
    if isinstance(skipped, gast.Lambda):
        return f"write a def in place of the lambda, reading it as v = {name}[key] in its body"
    return f"read it first under a name of its own: v = {name}[key], then use v"


def _reads(node, found):
    """The ``d[key]`` reads of the lowered names in ``node`` (a statement's own
    expressions: not the bodies of a compound statement), each with whether Python may
    skip it, and for an augmented assignment its target."""
    out = []

    def visit(n, skipped):
        if n.__class__ is gast.Subscript and isinstance(n.value, gast.Name) \
                and n.value.id in found:
            out.append((n, skipped))
        inner = _skipping(skipped, n)
        for child in gast.iter_child_nodes(n):
            if isinstance(child, gast.AST):
                visit(child, inner)
    return out, visit


def _own_expressions(stmt):
    """The expressions a statement evaluates itself (an ``if``'s test, not its body)."""
    if isinstance(stmt, gast.If) or isinstance(stmt, gast.While):
        return [stmt.test]
    if isinstance(stmt, gast.For):
        return [stmt.iter]
    if isinstance(stmt, (gast.FunctionDef, gast.With, gast.Try)):
        return []
    return [stmt]


def _guard_blocks(tree, found, error):
    for node in nodes.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                setattr(node, field, _guarded(block, found, error))


def _guarded(block, found, error):
    out = []
    for stmt in block:
        reads, visit = _reads(stmt, found)
        for expr in _own_expressions(stmt):
            visit(expr, isinstance(stmt, gast.While))
        for read, skipped in reads:
            name = read.value.id
            kind, default, _ = found[name]
            if isinstance(read.ctx, gast.Store) and not (
                    isinstance(stmt, gast.AugAssign) and stmt.target is read):
                continue   # d[k] = v: a write, no default read
            key = read.slice
            if any(isinstance(n, (gast.Call, gast.NamedExpr, gast.Yield, gast.Await))
                   for n in nodes.walk(key)):
                raise error(f"the key of this read of the {kind} {name!r} is computed by a "
                            f"call: s2sad writes the default out before the statement and "
                            f"would compute it twice", read,
                            hint=f"bind the key to a name first (k = ...; {name}[k])")
            if kind == "Counter" and isinstance(read.ctx, gast.Load):
                _replace_read(stmt, read, default)   # (a Counter's read adds no key)
                continue
            if skipped:
                raise error(f"this read of the {kind} {name!r} may not run (it stands in "
                            f"'and'/'or', 'a if c else b', a comprehension, a lambda or a "
                            f"while test), and it adds the key where it runs", read,
                            hint=_skipped_hint(skipped, name))
            guard = gast.If(
                test=gast.Compare(left=nodes.clone(key), ops=[gast.NotIn()],
                                  comparators=[nodes.name(name)]),
                body=[nodes.assign(gast.Subscript(value=nodes.name(name),
                                                  slice=nodes.clone(key), ctx=gast.Store()),
                                   nodes.const(default))],
                orelse=[])
            for n in nodes.walk(guard):
                if hasattr(n, "lineno") or isinstance(n, (gast.stmt, gast.expr)):
                    gast.copy_location(n, read)
            out.append(guard)
        out.append(stmt)
    return out


def _replace_read(stmt, read, default):
    """Put ``(c[key] if key in c else default)`` in place of the read ``c[key]``."""
    name = read.value.id
    new = gast.IfExp(test=gast.Compare(left=nodes.clone(read.slice), ops=[gast.In()],
                                       comparators=[nodes.name(name)]),
                     body=read, orelse=nodes.const(default))
    for n in nodes.walk(new):
        if n is not read and isinstance(n, (gast.expr,)):
            gast.copy_location(n, read)
    for parent in nodes.walk(stmt):
        for field, value in gast.iter_fields(parent):
            if value is read:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for k, item in enumerate(value):
                    if item is read:
                        value[k] = new
                        return
