"""``functools.partial`` made and called inside the function: its calls, with the values
it holds, put in place.

Input: a copy of the user's function (changed in place), before the walk.
Output: each call of a partial the function makes is the call of the partial's function
with the partial's arguments first and its keywords merged under the call's own, as
``partial.__call__`` does::

    p = partial(q, w, a=2.0 * s)      ->  p_b = w
                                           p_a = 2.0 * s
    v = p(x, c=3.0)                   ->  v = q(p_b, x, a=p_a, c=3.0)
    partial(q, a=2.0)(x)              ->  q(x, a=2.0)

The values a partial holds are read where it is made, into names of their own (a
constant stays in place), so a later change of ``w`` or ``s`` does not reach them, as
in Python; what they are computed from gets their derivatives.  A partial of a partial
holds the inner one's values first (``partial(p, b=4.0)``), a partial of a lambda calls
the lambda bound to a name.  A name is rewritten so only where it is bound once, to a
partial of a function named where it is made, and only called (or made into another such
partial): a partial stored, passed on or returned is left to the refusals of the walk.  A
call giving by position a parameter the partial holds by keyword is refused, as Python
raises ``TypeError`` there.  (A partial a module global holds is read as a function of
its own, see ``syntax.callers``.)
"""

import builtins
import functools
import inspect

import gast

from ...errors import UnsupportedSyntaxError
from .. import nodes, printer
from .maps import READ_WHOLE as _READ_WHOLE


def makes_partial(func, parsed):
    """Whether the callee ``func`` (a gast node) is ``functools.partial``, by its value:
    ``partial``, ``functools.partial``, ``ft.partial``, or any name bound to it (``from
    functools import partial as P``; an attribute spelled otherwise is not resolved)."""
    if func.__class__ is gast.Name:
        return parsed.resolve(func.id, None, compose=False) is functools.partial
    return getattr(func, "attr", None) == "partial" \
        and parsed.resolve_callee(func) is functools.partial


def lower_partial_calls(tree, parsed):
    """Rewrite the partials of ``tree`` the module docstring describes; whether any."""
    walked = nodes.walk(tree)
    taken = {n.id for n in walked if n.__class__ is gast.Name}
    if _maps_of_partials(walked, parsed, taken):
        walked = nodes.walk(tree)
    bindings = _bindings(tree, walked, parsed)
    lowering = _Lowering(parsed, taken, bindings, _local_signatures(walked))
    tree.body = lowering.block(tree.body)
    for node in nodes.walk(tree):
        if node.__class__ is gast.Call:
            lowering.call(node)
    return lowering.changed


def _maps_of_partials(walked, parsed, taken):
    """Rewrite each ``map(p, xs, ...)`` a builtin reads whole (``sum(map(p, xs))``, see
    ``.maps``) of a partial ``p`` bound in the function, or made in place of values read
    alike each time (``map(partial(q, s=2.0 * w), xs)``), as ``map(lambda v: p(v), xs)``: ``.maps``
    makes it the comprehension ``[p(v) for v in xs]``, whose call of ``p`` is lowered
    here.  Whether any."""
    stores = {n.id for n in walked if n.__class__ is gast.Name and n.ctx.__class__ is not
              gast.Load}
    bound = {n.targets[0].id for n in walked if n.__class__ is gast.Assign
             and len(n.targets) == 1 and n.targets[0].__class__ is gast.Name
             and n.value.__class__ is gast.Call and n.value.args
             and makes_partial(n.value.func, parsed)}
    changed = False
    for outer in walked:
        if not (outer.__class__ is gast.Call and outer.args
                and outer.args[0].__class__ is gast.Call
                and _builtin_of(outer.func, parsed, stores, _READ_WHOLE)):
            continue
        inner = outer.args[0]
        if not (len(inner.args) >= 2 and not inner.keywords and _plain(inner)
                and _builtin_of(inner.func, parsed, stores, (builtins.map,))):
            continue
        fn = inner.args[0]
        if not (fn.__class__ is gast.Name and fn.id in bound
                or fn.__class__ is gast.Call and fn.args and _plain(fn)
                and makes_partial(fn.func, parsed)
                and fn.args[0].__class__ in (gast.Name, gast.Attribute)
                and all(_unchanging(a) for a in fn.args[1:] + [k.value for k in fn.keywords])):
            continue
        inner.args[0] = _lambda_calling(fn, len(inner.args) - 1, inner, taken)
        changed = True
    return changed


def _unchanging(expr):
    """Whether ``expr`` computes the same value each time it is read in a comprehension
    (names, constants, arithmetic and items of them: nothing called)."""
    return all(n.__class__ in (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp,
                               gast.Subscript, gast.Attribute, gast.Slice, gast.Tuple,
                               gast.Load) or isinstance(n, (gast.operator, gast.unaryop))
               for n in nodes.walk(expr))


def _builtin_of(func, parsed, stores, expected):
    """Whether the callee ``func`` is one of the builtins ``expected`` by its value, its
    first name not one the function binds."""
    head = func
    while head.__class__ is gast.Attribute:
        head = head.value
    return head.__class__ is gast.Name and head.id not in stores \
        and any(parsed.resolve_callee(func) is obj for obj in expected)


def _lambda_calling(fn, count, place, taken):
    """``lambda v, ...: fn(v, ...)`` of ``count`` fresh parameters, at ``place``."""
    names = []
    for _ in range(count):
        name, k = "item", 0
        while name in taken:
            k += 1
            name = f"item_{k}"
        taken.add(name)
        names.append(name)
    params = [gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None)
              for n in names]
    body = gast.Call(func=fn, args=[nodes.name(n) for n in names], keywords=[])
    made = gast.Lambda(args=gast.arguments(
        args=params, posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None,
        defaults=[]), body=body)
    for new in [made, body] + params + body.args:
        gast.copy_location(new, place)
        new.end_lineno, new.end_col_offset = place.end_lineno, place.end_col_offset
    return made


def _plain(call):
    """Whether the call ``call`` spells every argument (no ``*xs``, no ``**kw``)."""
    return not any(isinstance(a, gast.Starred) for a in call.args) \
        and all(k.arg is not None for k in call.keywords)


def _bindings(tree, walked, parsed):
    """``{name: the gast.Assign}`` of the names bound once, to a partial made with a
    function first, whose every read is a call of it or the function of another such."""
    stores, calls, firsts, found = {}, set(), set(), {}
    params = {a.id for a in tree.args.args + tree.args.kwonlyargs + tree.args.posonlyargs}
    for node in walked:
        if node.__class__ is gast.Name and node.ctx.__class__ is gast.Store:
            stores[node.id] = stores.get(node.id, 0) + 1
        elif node.__class__ is gast.Call:
            calls.add(id(node.func))
            if node.args and makes_partial(node.func, parsed):
                firsts.add(id(node.args[0]))
        elif node.__class__ is gast.Assign and len(node.targets) == 1 \
                and node.targets[0].__class__ is gast.Name \
                and node.value.__class__ is gast.Call and node.value.args \
                and _plain(node.value) and makes_partial(node.value.func, parsed):
            found[node.targets[0].id] = node
    found = {k: v for k, v in found.items() if stores[k] == 1 and k not in params}
    while True:   # (a partial left alone leaves alone those made of it)
        kept = {k: v for k, v in found.items() if all(
            id(n) in calls or id(n) in firsts and _made_of(n, found)
            for n in walked if n.__class__ is gast.Name and n.id == k
            and n.ctx.__class__ is gast.Load)}
        if len(kept) == len(found):
            return kept
        found = kept


def _made_of(name, found):
    """Whether the read ``name`` is the function of a partial in ``found``."""
    return any(v.value.args[0] is name for v in found.values())


def _local_signatures(walked):
    """``{name: its positional parameters}`` of the local functions (``def``, or a
    lambda bound to a name), for the check of a call's positions."""
    found = {}
    for node in walked:
        if node.__class__ is gast.FunctionDef:
            found[node.name] = node.args
        elif node.__class__ is gast.Assign and len(node.targets) == 1 \
                and node.targets[0].__class__ is gast.Name \
                and node.value.__class__ is gast.Lambda:
            found[node.targets[0].id] = node.value.args
    return {k: ([a.id for a in args.posonlyargs + args.args], args.vararg is not None)
            for k, args in found.items()}


class _Lowering:
    def __init__(self, parsed, taken, bindings, local_signatures):
        self.parsed, self.taken, self.bindings = parsed, taken, bindings
        self.local_signatures = local_signatures
        self.held = {}   # name -> (the function called, its arguments, its keywords)
        self.changed = False

    def fresh(self, base):
        name, k = base, 0
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        return name

    def block(self, stmts):
        out = []
        for stmt in stmts:
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                    setattr(stmt, field, self.block(inner))
            target = stmt.targets[0].id if stmt.__class__ is gast.Assign \
                and stmt.targets[0].__class__ is gast.Name else None
            if target is not None and self.bindings.get(target) is stmt:
                out.extend(self.binding(target, stmt))
            else:
                out.append(stmt)
        return out or [gast.copy_location(gast.Pass(), stmts[0])]

    def binding(self, name, stmt):
        """The statements in place of ``name = partial(...)``: its values read."""
        self.changed = True
        made, made_stmts = stmt.value, []

        def held(value, base):
            if value.__class__ is gast.Constant:
                return value
            temp = self.fresh(base)
            made_stmts.append(gast.copy_location(nodes.assign(temp, value), stmt))
            return nodes.name(temp)

        func, *args = made.args
        if func.__class__ is gast.Name and func.id in self.held:   # a partial of a partial
            func, first, keywords = self.held[func.id]
        else:
            if func.__class__ is gast.Lambda:
                func = held(func, f"{name}_func")
            first, keywords = [], {}
        names = self.positional_names(func)
        start = len(first)
        first = first + [held(a, f"{name}_{names[start + i]}" if start + i < len(names)
                              else f"{name}_arg{start + i}") for i, a in enumerate(args)]
        keywords = {**keywords, **{k.arg: held(k.value, f"{name}_{k.arg}")
                                   for k in made.keywords}}
        self.held[name] = (func, first, keywords)
        return made_stmts

    def positional_names(self, func):
        """The names of the positional parameters of the function ``func`` (a gast
        expression), or () where they are not known (or it takes ``*args`` after them)."""
        if func.__class__ is gast.Name and func.id in self.local_signatures:
            names, star = self.local_signatures[func.id]
            return () if star else names
        obj = self.parsed.resolve_callee(func)
        try:
            params = inspect.signature(obj).parameters.values()
        except (TypeError, ValueError):
            return ()
        if any(p.kind == p.VAR_POSITIONAL for p in params):
            return ()
        return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY,
                                                     p.POSITIONAL_OR_KEYWORD)]

    def call(self, node):
        """``p(...)`` of a partial bound to ``p``, ``partial(f, ...)(...)``: in place."""
        func = node.func
        if func.__class__ is gast.Name and func.id in self.held:
            called, first, keywords = self.held[func.id]
            spelled = func.id
        elif func.__class__ is gast.Call and func.args and _plain(func) \
                and func.args[0].__class__ is not gast.Lambda \
                and makes_partial(func.func, self.parsed):
            called, first = func.args[0], func.args[1:]
            keywords = {k.arg: k.value for k in func.keywords}
            spelled = printer.expr(func, 0)
        else:
            return
        if not _plain(node):
            raise self.error(
                f"calling the partial {spelled} with *args or **kwargs is not supported", node,
                "pass its arguments one by one, by position or by name")
        given = {k.arg for k in node.keywords}
        self.check_positions(node, spelled, called, len(first) + len(node.args), keywords)
        self.changed = True
        node.func = nodes.clone(called)
        node.args = [nodes.clone(a) for a in first] + node.args
        node.keywords = [gast.keyword(arg=k, value=nodes.clone(v))
                         for k, v in keywords.items() if k not in given] + node.keywords
        self.call(node)   # (partial(p, b=1.0)(x) of a partial p: p's call, in place too)

    def check_positions(self, node, spelled, called, count, keywords):
        """Python's ``TypeError`` where a call gives by position a parameter the
        partial holds by keyword (``partial(q, a=2.0)(x, 3.0)`` of ``q(x, a, b)``)."""
        twice = [n for n in self.positional_names(called)[:count] if n in keywords]
        if twice:
            raise self.error(
                f"{spelled}(...) gives {twice[0]!r} by position and the partial holds it "
                f"by keyword: Python raises TypeError (got multiple values for argument "
                f"{twice[0]!r})", node,
                f"pass {twice[0]!r} by name ({twice[0]}=...) to replace the partial's value")

    def error(self, message, node, hint):
        return UnsupportedSyntaxError(message, self.parsed.location(node), hint=hint)
