"""What a ``for`` loop runs over: its kind and its sequences, normalized once
before the loop.

Input: a user ``for`` statement (and the normalizer's current environment).
Output: a :class:`LoopHeader` record: the loop's kind (``range``, ``items``,
``zip``, ``enumerate``, ``enumerate_zip``, ``dict_keys``, ``dict_items``,
``dict_values``), the atoms of its sequences (a dict's keys, the list of an
iterator's items), their trip count as the range bound, and which are read from
their end; the statements computing them are emitted before the loop.  The
plain functions here read the iterable's syntax only.
"""

import builtins
from dataclasses import dataclass, field
from typing import Any, List

import gast

from ...rules import registry
from .. import anno, nodes


@dataclass
class LoopHeader:
    """What a ``for`` loop runs over, normalized before the loop: its ``kind``, the
    atoms of its sequences, the sequences as the code names them, which are read
    from their end, the range bounds, the enumerate start, and for a loop over a dict
    the dict's name, its atom before the loop and whether the body binds the name to
    another value."""
    kind: str
    sequences: List[Any] = field(default_factory=list)
    written: List[Any] = field(default_factory=list)
    backwards: List[bool] = field(default_factory=list)
    bounds: List[Any] = field(default_factory=list)
    start: Any = None
    owner: Any = None
    looped: Any = None
    rebound: bool = False
    #: ``list(zip(...))``, ``reversed(list(enumerate(...)))``...: the items taken before
    #: the loop (its body's writes never reach them); ``reverse_trips``: the trips run
    #: from the last pair to the first, ``trip_last`` the last trip's number
    snapshot: bool = False
    reverse_trips: bool = False
    trip_last: Any = None


#: the builtins a module's spelling names as the builtin (``builtins.zip(...)``)
_BUILTIN_CALLS = (builtins.zip, builtins.enumerate, builtins.reversed, builtins.range,
                  builtins.map, builtins.filter, builtins.list, builtins.tuple)


def builtin_called(node, env, parsed):
    """The object a plain call ``node`` (``zip(...)``, ``range(...)``) calls, which its
    name denotes in ``parsed``'s scope; None for anything else, and for the call of a
    name the function binds (a key of ``env``); s2sad's own call of a builtin (see
    syntax.own_builtins) calls the builtin, whatever the user's code binds to its name."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
        if getattr(node.func, anno.HELPER_NAME, False):
            return parsed.resolve_callee(node.func)
        if node.func.id not in env:
            return parsed.resolve(node.func.id, None)
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
            and isinstance(node.func.value, gast.Name) and node.func.value.id not in env:
        found = parsed.resolve_callee(node.func)   # (builtins.zip: a module's function)
        return found if any(found is b for b in _BUILTIN_CALLS) else None
    return None


def zip_arguments(node, env, parsed):
    """The sequences of ``zip(a, b, ...)`` (a plain call of the builtin), or None."""
    if isinstance(node, gast.Call) and not node.keywords \
            and builtin_called(node, env, parsed) is builtins.zip:
        return list(node.args)
    return None


def _loaded(target):
    """The expression reading the names of the target ``target`` (a name or a tuple)."""
    if isinstance(target, gast.Tuple):
        return gast.Tuple(elts=[_loaded(e) for e in target.elts], ctx=gast.Load())
    return nodes.name(target.id)


def reversed_argument(node, env, parsed):
    """``seq`` when ``node`` is ``reversed(seq)`` (the builtin), else None."""
    if isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords \
            and builtin_called(node, env, parsed) is builtins.reversed:
        return node.args[0]
    return None


def listed_argument(node, env, parsed):
    """``zip(...)`` or ``enumerate(...)`` when ``node`` is ``list(...)`` or ``tuple(...)``
    of one (the builtins), else None."""
    if isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords \
            and builtin_called(node, env, parsed) in (builtins.list, builtins.tuple) \
            and builtin_called(node.args[0], env, parsed) in (builtins.zip,
                                                               builtins.enumerate):
        return node.args[0]
    return None


def _enumerate_call(node, callee):
    """Whether ``node`` is ``enumerate(seq)``, ``enumerate(seq, start)`` or
    ``enumerate(seq, start=...)`` (``callee``: what it calls)."""
    return callee is builtins.enumerate and 1 <= len(node.args) <= 2 \
        and all(kw.arg == "start" for kw in node.keywords) \
        and len(node.args) + len(node.keywords) <= 2


def _counts_around(seq, env, parsed):
    """Whether ``enumerate(seq)`` is one the loop header cannot take as it is: around
    ``list(...)``, ``tuple(...)``, ``enumerate(...)`` or ``reversed(...)`` of a call (a
    name, ``zip(...)`` and ``reversed(x)`` it takes)."""
    inner = reversed_argument(seq, env, parsed)
    if inner is not None:
        return isinstance(inner, gast.Call)
    return builtin_called(seq, env, parsed) in (builtins.list, builtins.tuple,
                                                 builtins.enumerate)


def dict_iteration(node, dict_names, loop_target=None, body=()):
    """``(d, kind)`` when ``node`` is ``d`` (a name of ``dict_names``, those the code
    shows to be dicts), ``d.keys()``, ``d.items()`` or ``d.values()`` on a name, else
    None."""
    if isinstance(node, gast.Name) and node.id in dict_names:
        return node, "dict_keys"
    if isinstance(node, gast.Name) and isinstance(loop_target, gast.Name) and any(
            isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
            and n.value.id == node.id and isinstance(n.slice, gast.Name)
            and n.slice.id == loop_target.id for stmt in body for n in gast.walk(stmt)):
        # for k in p: ... p[k] ...: the items of p are its keys (refused when the
        # code runs if p is not a dict)
        return node, "dict_keys"
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
            and node.func.attr in ("keys", "items", "values") and not node.args \
            and not node.keywords and isinstance(node.func.value, gast.Name):
        return node.func.value, f"dict_{node.func.attr}"
    return None


class LoopHeaders:
    """Makes the :class:`LoopHeader` of the ``for`` loops the normalizer's walk meets;
    keeps no state of its own (it emits through the normalizer it is given)."""

    def __init__(self, normalizer):
        self.norm = normalizer

    def tupled(self, stmt):
        """``stmt`` with each name of its target that takes a pair of ``enumerate`` or a
        tuple of ``zip`` (``for t in zip(enumerate(a), b)``) unpacked into names of its
        own, and the name bound to the tuple of those first in the body (``(t_item0_count,
        t_item0_item), t_item1 = ...``, then ``t = ((..., ...), t_item1)``): Python's
        value, which the loop header, unpacking its items, then takes.  ``stmt`` itself
        where no name does."""
        shape = self.item_shape(stmt.iter)
        if shape is None:
            return stmt
        binds = []
        target = self.unpacked(stmt.target, shape, binds)
        if not binds:
            return stmt
        body = [gast.copy_location(nodes.assign(name, value), stmt) for name, value in binds]
        loop = gast.copy_location(gast.For(target=target, iter=stmt.iter, body=body + stmt.body,
                                           orelse=stmt.orelse, type_comment=None), stmt)
        anno.copy(stmt, loop, anno.MAY_EXIT)
        return loop

    def item_shape(self, node):
        """How the items of ``node`` unpack: a tuple of the shapes of their parts for
        ``enumerate(...)`` (its counter and the item), ``d.items()`` and ``zip(...)``, through
        ``list``, ``tuple`` and ``reversed`` around them; None for an item of unknown
        shape."""
        norm = self.norm
        if node.__class__ is gast.Call and node.func.__class__ is gast.Attribute \
                and node.func.attr == "items" and not node.args and not node.keywords:
            return (None, None)   # (a dict's (key, value): any other is refused later)
        callee = builtin_called(node, norm.env, norm.parsed)
        if callee is None:
            return None
        if _enumerate_call(node, callee):
            return (None, self.item_shape(node.args[0]))
        if callee is builtins.zip and not node.keywords and node.args \
                and not any(isinstance(a, gast.Starred) for a in node.args):
            return tuple(self.item_shape(a) for a in node.args)
        if callee in (builtins.list, builtins.tuple, builtins.reversed) \
                and len(node.args) == 1 and not node.keywords:
            return self.item_shape(node.args[0])
        return None

    def unpacked(self, target, shape, binds):
        """``target`` with each name ``shape`` says takes a tuple made a tuple of new
        names; ``binds`` gets ``(name, tuple of the new names)``, outer names after
        inner ones (the order the body binds them in)."""
        if shape is None:
            return target
        if isinstance(target, gast.Tuple) and len(target.elts) == len(shape):
            elts = [self.unpacked(t, s, binds) for t, s in zip(target.elts, shape)]
            return gast.copy_location(gast.Tuple(elts=elts, ctx=gast.Store()), target)
        if not isinstance(target, gast.Name):
            return target   # (refused as the header reads it)
        parts, values = [], []
        for k, inner in enumerate(shape):
            name = self.norm.namer.fresh(f"{target.id}_item{k}")
            parts.append(self.unpacked(gast.copy_location(nodes.name(name, store=True),
                                                          target), inner, binds))
            values.append(_loaded(parts[-1]))
        binds.append((target.id, gast.Tuple(elts=values, ctx=gast.Load())))
        return gast.copy_location(gast.Tuple(elts=parts, ctx=gast.Store()), target)

    def reads_an_item_dict(self, iterable):
        """``p["enc"].items()`` (keys, values): a method of a dict that is not a name."""
        return isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Attribute) \
            and iterable.func.attr in ("keys", "items", "values") and not iterable.args \
            and not iterable.keywords and not isinstance(iterable.func.value, gast.Name) \
            and self.norm.module_names.global_path(iterable.func) is None

    def named_source(self, stmt):
        """``for ... in p["enc"].items()`` as a loop over ``source.items()``: the dict
        read once, under a name of its own, then looped over as ``d.items()`` is."""
        norm, iterable = self.norm, stmt.iter
        source = norm.namer.fresh("source")
        norm.env[source] = norm.flat.atom(iterable.func.value)
        named = gast.copy_location(nodes.name(source), iterable.func.value)
        loop = gast.copy_location(gast.For(
            target=stmt.target, iter=gast.copy_location(gast.Call(
                func=gast.copy_location(gast.Attribute(value=named, attr=iterable.func.attr,
                                                       ctx=gast.Load()), iterable.func),
                args=[], keywords=[]), iterable),
            body=stmt.body, orelse=stmt.orelse, type_comment=None), stmt)
        anno.copy(stmt, loop, anno.MAY_EXIT)
        return loop

    def counted(self, stmt):
        """``(loop, counters)``: ``stmt`` with each ``enumerate`` the loop header cannot
        take as it is taken off (``enumerate(reversed(list(zip(a, b))))``, ``zip(
        enumerate(a), b)``), and ``[(name, start atom or None)]`` of the names its counter
        binds: the trip's number (plus start), as Python's enumerate counts the items
        it hands out.  The starts are evaluated now, once, before the loop."""
        norm, counters = self.norm, []
        target, iterable = stmt.target, stmt.iter
        while True:
            callee = builtin_called(iterable, norm.env, norm.parsed)
            if _enumerate_call(iterable, callee) and _counts_around(
                    iterable.args[0], norm.env, norm.parsed):
                counter, target = self.counter_target(target, iterable)
                counters.append(counter)
                iterable = iterable.args[0]
                continue
            if callee is builtins.zip and not iterable.keywords and any(
                    _enumerate_call(a, builtin_called(a, norm.env, norm.parsed))
                    for a in iterable.args):
                if not (isinstance(target, gast.Tuple)
                        and len(target.elts) == len(iterable.args)):
                    raise norm.error("unpack zip() into one name per sequence", target)
                elts, args = list(target.elts), list(iterable.args)
                for k, arg in enumerate(args):
                    if _enumerate_call(arg, builtin_called(arg, norm.env, norm.parsed)):
                        counter, elts[k] = self.counter_target(elts[k], arg)
                        counters.append(counter)
                        args[k] = arg.args[0]
                target = gast.copy_location(gast.Tuple(elts=elts, ctx=gast.Store()), target)
                iterable = gast.copy_location(gast.Call(func=iterable.func, args=args,
                                                        keywords=[]), iterable)
                continue
            break
        if not counters:
            return stmt, []
        loop = gast.copy_location(gast.For(target=target, iter=iterable, body=stmt.body,
                                           orelse=stmt.orelse, type_comment=None), stmt)
        anno.copy(stmt, loop, anno.MAY_EXIT)
        return loop, counters

    def counter_target(self, target, call):
        """``((counter name, start atom or None), the target of the items)`` of a target
        unpacking ``enumerate(...)`` (``i, (p, q)``)."""
        if not (isinstance(target, gast.Tuple) and len(target.elts) == 2
                and isinstance(target.elts[0], gast.Name)):
            raise self.norm.error("unpack enumerate() into two names", target)
        start = (call.args[1:] or [kw.value for kw in call.keywords] or [None])[0]
        start = None if start is None else self.norm.flat.atom(start)
        return (target.elts[0], start), target.elts[1]

    def of(self, stmt):
        """The :class:`LoopHeader` of a ``for`` loop, its sequences normalized (the
        statements that compute them emitted before the loop).  ``reversed(...)``, also
        inside ``enumerate`` and ``zip``, reads a sequence from its end."""
        norm, iterable = self.norm, stmt.iter
        # list(zip(...)), list(enumerate(...)) and reversed(...) of them: the pairs as
        # the loop over zip(...) makes them, read from the last one for reversed
        backwards = reversed_argument(iterable, norm.env, norm.parsed)
        listed = listed_argument(iterable if backwards is None else backwards, norm.env,
                                 norm.parsed)
        if listed is not None:
            header = self.of(gast.copy_location(gast.For(
                target=stmt.target, iter=listed, body=stmt.body, orelse=stmt.orelse,
                type_comment=None), stmt))
            header.snapshot, header.reverse_trips = True, backwards is not None
            return header
        callee = builtin_called(iterable, norm.env, norm.parsed)
        if callee is builtins.range and not iterable.keywords:
            return LoopHeader("range", bounds=[norm.flat.atom(a) for a in iterable.args])
        if callee is builtins.zip and not iterable.keywords:
            return self.sequences_header("zip", iterable.args)
        if callee is builtins.enumerate and 1 <= len(iterable.args) <= 2 and all(
                kw.arg == "start" for kw in iterable.keywords) \
                and len(iterable.args) + len(iterable.keywords) <= 2:
            # enumerate(x, start): the index counts from start (read in the body);
            # enumerate(zip(a, b)): the index and the items of each sequence
            zipped = zip_arguments(iterable.args[0], norm.env, norm.parsed)
            header = self.sequences_header(
                "enumerate" if zipped is None else "enumerate_zip",
                [iterable.args[0]] if zipped is None else zipped)
            start = (iterable.args[1:] or [kw.value for kw in iterable.keywords] or [None])[0]
            if start is not None:
                header.start = norm.flat.atom(start)   # evaluated once, before the loop
            return header
        over = dict_iteration(iterable, norm.dict_writes.dict_names(), stmt.target, stmt.body)
        if over is not None:
            return self.dict_header(stmt, *over)
        return self.sequences_header("items", [iterable])

    def sequences_header(self, kind, parts):
        """The header of a loop over the sequences ``parts`` (each maybe reversed)."""
        inner = [reversed_argument(a, self.norm.env, self.norm.parsed) for a in parts]
        written = [a if r is None else r for a, r in zip(parts, inner)]
        atoms = [self.norm.flat.atom(a) for a in written]
        return LoopHeader(kind, sequences=atoms, written=written,
                          backwards=[r is not None for r in inner])

    def dict_header(self, stmt, owner, kind):
        """for k in d / d.keys() / d.items() / d.values(): a loop over the keys (in
        insertion order), each value read from the dict as the trip starts."""
        norm = self.norm
        looped = norm.scope.read_name(owner.id, owner)
        rebound = owner.id in {n.id for n in nodes.names(stmt.body)
                               if isinstance(n.ctx, gast.Store)}
        if rebound and owner.id in norm.dict_writes.dict_roots(stmt.body):
            raise norm.error(
                f"this loop over the dict {owner.id!r} both binds {owner.id!r} to another "
                f"value and writes items into it: which dict each step reads is not "
                f"followed", stmt.iter,
                hint=f"loop over a copy (for k in list({owner.id})) or use another "
                     f"name for the new dict")
        keys = norm.flat.operation_value(anno.set(nodes.call("dict_keys", [
            nodes.clone(looped)]), anno.CALL_SITE, stmt.iter), "keys",
            registry.DICT_HELPERS["dict_keys"])
        norm.helpers["dict_keys"] = registry.DICT_HELPERS["dict_keys"]
        return LoopHeader(kind, sequences=[keys], backwards=[False], owner=owner,
                       looped=looped, rebound=rebound)

    def dict_keys_of(self, header):
        """Loop over a dict's keys where a sequence is (or may be) a dict, and over the
        list of an iterator's items (``pairs = zip(xs, ys)``): replaces the atoms in
        ``header.sequences``."""
        norm, sequences = self.norm, header.sequences
        for position, sequence in enumerate(sequences):
            if isinstance(sequence, gast.Name) and (sequence.id in norm.dicts or any(
                    u in norm.dict_writes.dict_names() and isinstance(a, gast.Name) and a.id == sequence.id
                    for u, a in norm.env.items())):
                # zip(d, ...), enumerate(d), reversed(d): a dict's items are its keys
                helper = registry.DICT_HELPERS["dict_keys"]
                norm.helpers["dict_keys"] = helper
                sequences[position] = norm.flat.operation_value(
                    nodes.call("dict_keys", [sequence]), "keys", helper)
            elif isinstance(sequence, gast.Name) and norm.dict_writes.may_be_dict(sequence.id):
                # a value whose kind the code does not show (a parameter, an item of a
                # container, a helper's result): its keys if it is a dict, decided when
                # the code runs, else its items
                helper = registry.DICT_HELPERS["loop_items"]
                norm.helpers["loop_items"] = helper
                items = norm.flat.operation_value(nodes.call("loop_items", [sequence]), "items",
                                             helper)
                norm.aliases.link(items.id, sequence.id)   # (the very list, for a list)
                sequences[position] = items
        # a loop over an iterator bound to a name: over the list of its items, which
        # consumes it as the loop would
        sequences[:] = [norm.flat.operation_value(nodes.call("list", [s]), "items", builtins.list)
                        if isinstance(s, gast.Name) and s.id in norm.iterators else s
                        for s in sequences]

    def lengths(self, header):
        """Emit the lengths of the sequences, the trip count (their minimum, the range
        bound put into ``header.bounds``) and each reversed sequence's last position;
        returns those last positions (None for a sequence read from its start)."""
        norm = self.norm
        lengths = [norm.flat.operation_value(nodes.call("len", [nodes.clone(s)]), "n",
                                        builtins.len) for s in header.sequences]
        length = lengths[0]
        for other in lengths[1:]:
            length = norm.flat.operation_value(nodes.call("min", [length, other]), "n",
                                               builtins.min)
        header.bounds = [length]
        if header.reverse_trips:
            header.trip_last = norm.flat.operation_value(gast.BinOp(
                left=nodes.clone(length), op=gast.Sub(), right=nodes.const(1)), "last")
        norm.module_names.free_names.add("len")
        lasts = [norm.flat.operation_value(gast.BinOp(left=nodes.clone(n), op=gast.Sub(),
                                                 right=nodes.const(1)), "last")
                 if back else None for n, back in zip(lengths, header.backwards)]
        return lasts
