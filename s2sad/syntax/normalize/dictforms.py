"""The dict forms that become item writes: ``dict(...)``, ``{**a, k: v}``, comprehensions.

:class:`DictForms` is the normalizer's collaborator that rewrites each form into
what the walk already knows: ``dict(a=x)`` and ``dict([("a", x)])`` into a
display, ``dict(zip(ks, vs))``, ``dict(d)`` and ``d.copy()`` into a
comprehension, ``d.values()``/``d.keys()``/``d.items()`` into a list
comprehension (these return the new tree, to be normalized by the caller);
``{**a, k: v}``, a display with computed keys, ``{k: v for ...}`` and
``d.update(...)`` into a new dict and one item write per entry (these emit and
return the name of the result).  It has no state of its own; of the walk
(``walk``, the normalizer) it reads ``env``, ``locals``, ``params``, ``parsed``,
``dicts``, the recorder ``aliases`` and the item writes ``dict_writes``; it calls
``flat`` (``atom``, ``operation``, ``operation_value``, ``helper_call``),
``module_names.global_path``, ``loops`` (``for_statement``,
``comprehension_loop``), ``error`` and ``namer.fresh``, and
:func:`.sequences.zip_arguments`.
"""

import builtins

import gast

from ...rules import registry
from .. import nodes
from .dictpaths import item_dicts, key_path, waits_for_arguments
from .mayalias import CONTENTS
from .sequences import zip_arguments
from .trees import comprehension_for, placed_at


class DictForms:
    """The dict forms of one function's walk (see the module docstring)."""

    def __init__(self, walk):
        self.walk = walk

    def dict_update(self, stmt):
        """``d.update({k: v, ...})``, ``d.update(k=v, ...)``: the values first, then one
        item write each; ``d.update(other)``: a loop writing ``d[k] = other[k]``."""
        call = stmt.value
        owner = call.func.value

        def item(key):
            return gast.copy_location(gast.Subscript(
                value=gast.copy_location(nodes.name(owner.id), owner), slice=key,
                ctx=gast.Store()), stmt)

        pairs = [(nodes.const(kw.arg), kw.value) for kw in call.keywords if kw.arg]
        if len(call.args) > 1 or any(kw.arg is None for kw in call.keywords):
            raise self.walk.error("this form of .update() is not supported", stmt,
                             hint="pass one dict, or the new items as keywords")
        listed = call.args and isinstance(call.args[0], (gast.List, gast.Tuple)) \
            and all(isinstance(e, gast.Tuple) and len(e.elts) == 2 for e in call.args[0].elts)
        if call.args and isinstance(call.args[0], gast.Dict) \
                and all(isinstance(k, gast.Constant) for k in call.args[0].keys):
            # (a display with computed keys, {f"k{i}": v}, is built as a dict first:
            # the branch below merges it as any other dict)
            pairs = list(zip(call.args[0].keys, call.args[0].values)) + pairs
        elif listed and all(isinstance(e.elts[0], gast.Constant) for e in call.args[0].elts):
            # d.update([(k, v), ...]): the pairs' items written in order, as a dict's
            pairs = [tuple(e.elts) for e in call.args[0].elts] + pairs
        elif call.args:
            other = call.args[0]
            known = self.walk.env.get(other.id) if isinstance(other, gast.Name) else None
            if (listed or isinstance(known, gast.Name) and known.id in self.walk.aliases.list_values) \
                    and "dict" not in self.walk.env and "dict" not in self.walk.locals \
                    and self.walk.parsed.resolve("dict", None) is builtins.dict:
                # d.update(pairs) of a list of (key, value) pairs: d.update(dict(pairs))
                other = gast.copy_location(gast.Call(func=gast.copy_location(gast.Name(
                    id="dict", ctx=gast.Load(), annotation=None, type_comment=None), other),
                    args=[other], keywords=[]), other)
            if pairs:
                raise self.walk.error("this form of .update() is not supported", stmt,
                                 hint="update with the dict, then with the keywords: "
                                      "d.update(other); d.update(k=v)")
            if not isinstance(other, gast.Name) or other.id not in self.walk.env:
                # d.update(p["inner"]): the other dict read once, under a name of its own
                source = self.walk.namer.fresh("source")
                self.walk.env[source] = self.walk.flat.atom(other)
                other = gast.copy_location(nodes.name(source), other)
            writes = self.walk.dict_writes
            if owner.id not in writes.building and writes.holds_dict(owner.id):
                # a dict of the user's: a new dict with the items of both, {**d, **other}
                # (d's keys in their places, then other's), given to d and to every
                # name certain to hold the same dict, as an item write is
                current = self.walk.scope.read_name(owner.id, owner)
                writes.refuse_outside(owner, current, stmt)
                both = gast.copy_location(gast.Dict(keys=[None, None], values=[
                    gast.copy_location(nodes.name(owner.id), owner), other]), stmt)

                def merged():
                    new = self.dict_unpacking(both)
                    if isinstance(current, gast.Name):
                        self.walk.aliases.hold(new, current.id)
                        self.walk.aliases.container_edges.add((new, current.id))
                        self.walk.aliases.key_under(new, current.id, CONTENTS)
                    return new
                writes.rebind(owner, current, stmt, merged)
                return
            key = self.walk.namer.fresh("key")
            loop = gast.For(
                target=nodes.name(key, store=True),
                iter=gast.Call(func=gast.Attribute(value=nodes.clone(other), attr="keys",
                                                   ctx=gast.Load()), args=[], keywords=[]),
                body=[gast.Assign(targets=[item(nodes.name(key))], value=gast.Subscript(
                    value=nodes.clone(other), slice=nodes.name(key), ctx=gast.Load()),
                    type_comment=None)], orelse=[], type_comment=None)
            for sub in gast.walk(loop):
                gast.copy_location(sub, stmt)
                sub.end_lineno, sub.end_col_offset = stmt.end_lineno, stmt.end_col_offset
            self.walk.loops.for_statement(loop)
            return
        values = [(key, self.walk.flat.atom(value)) for key, value in pairs]
        for key, value in values:   # (constants all: the displays' and keywords')
            self.walk.dict_writes.dict_store(item(nodes.const(key.value)), value)

    def dict_call(self, node):
        """``dict(a=x, b=y)`` as the literal ``{'a': x, 'b': y}``; ``dict(zip(ks, vs))`` as
        ``{k: v for k, v in zip(ks, vs)}``; ``dict(d)`` as ``{k: d[k] for k in d}`` (a
        new dict); ``d.copy()`` as ``dict(d)``; ``d.values()``... as a list; any other
        call as it is."""
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr in ("keys", "values", "items") \
                and not node.args and not node.keywords and self.walk.module_names.global_path(func) is None:
            return self.view_list(node)
        copied = self.copied_dict(node)
        if copied is not None:
            node = gast.copy_location(gast.Call(   # d.copy() is dict(d)
                func=gast.copy_location(gast.Name(id="dict", ctx=gast.Load(), annotation=None,
                                                  type_comment=None), func),
                args=[copied], keywords=[]), node)
            node.end_lineno, node.end_col_offset = func.end_lineno, func.end_col_offset
            if "dict" in self.walk.env or "dict" in self.walk.locals \
                    or self.walk.parsed.resolve("dict", None) is not builtins.dict:
                raise self.walk.error("d.copy() where the name 'dict' is not the builtin", node)
            func = node.func
        if not (isinstance(func, gast.Name) and func.id not in self.walk.env
                and func.id not in self.walk.locals
                and self.walk.parsed.resolve(func.id, None) is builtins.dict):
            return node
        return self.dict_constructor(node, placed_at(node))

    def copied_dict(self, node):
        """The dict ``node``, a ``d.copy()``, copies: ``d`` where the code shows it to be
        a dict (a literal, a string key, a dict method), or an item read from a dict that
        certainly holds a dict there (``state["m"].copy()``, read once, under a name of
        its own: a dict's copy must write its items as a dict's, never as an array's);
        else None (an array's copy)."""
        func = node.func
        if not (isinstance(func, gast.Attribute) and func.attr == "copy" and not node.args
                and not node.keywords):
            return None
        writes = self.walk.dict_writes
        if isinstance(func.value, gast.Name):
            return func.value if func.value.id in writes.dict_names() \
                or writes.holds_dict(func.value.id) else None
        if key_path(func.value) is None:   # (x[i].copy(): no string key, no dict here)
            return None
        shown = key_path(func.value) in item_dicts(writes)
        item = self.walk.flat.atom(func.value)
        if not isinstance(item, gast.Name):
            return None
        source = self.walk.namer.fresh("source")   # (read once, whatever it is)
        self.walk.env[source] = item
        func.value = gast.copy_location(nodes.name(source), func.value)
        return func.value if shown or writes.is_dict_value(item.id) else None

    def refusal_kind(self, base):
        """The error class of a refused write into ``base``'s item (``d["m"][k] = v``; see
        :func:`.dictpaths.waits_for_arguments`)."""
        return waits_for_arguments(self.walk, base)

    def view_list(self, node):
        """``d.values()`` / ``d.keys()`` / ``d.items()`` as a value (``sum(d.values())``,
        ``list(d.keys())``, ``enumerate(d.items())``, ``zip(p.items(), q.items())``): the
        list ``[d[k] for k in d]`` / ``[k for k in d]`` / ``[(k, d[k]) for k in d]``, in
        insertion order; a dict that is not a name (``p["enc"].items()``) is read
        once, under a name of its own."""
        func = node.func
        base = func.value
        if not isinstance(base, gast.Name) or base.id not in self.walk.env:
            source = self.walk.namer.fresh("source")
            self.walk.env[source] = self.walk.flat.atom(base)
            base = gast.copy_location(nodes.name(source), base)
        key = self.walk.namer.fresh("key")
        item = gast.Subscript(value=nodes.clone(base), slice=nodes.name(key),
                              ctx=gast.Load())
        elt = nodes.name(key) if func.attr == "keys" else item \
            if func.attr == "values" else gast.Tuple(elts=[nodes.name(key), item],
                                                     ctx=gast.Load())
        func = gast.Attribute(value=base, attr=func.attr, ctx=gast.Load())
        new = gast.ListComp(elt=elt, generators=[gast.comprehension(
            target=nodes.name(key, store=True), iter=nodes.clone(func.value), ifs=[],
            is_async=0)])
        return placed_at(node)(new)

    def dict_constructor(self, node, located):
        """The call ``dict(...)`` of the builtin as a display or a comprehension (the
        new tree, every node at ``node``'s place through ``located``)."""
        if len(node.args) == 1 and node.keywords and all(kw.arg is not None
                                                          for kw in node.keywords):
            # dict(d, c=v): the items of d, then c (a new dict, as {**d, 'c': v})
            return located(gast.Dict(keys=[None] + [nodes.const(kw.arg) for kw in node.keywords],
                                     values=[node.args[0]] + [kw.value for kw in node.keywords]))
        if len(node.args) == 1 and not node.keywords \
                and isinstance(node.args[0], (gast.List, gast.Tuple)) \
                and all(isinstance(e, gast.Tuple) and len(e.elts) == 2
                        for e in node.args[0].elts):
            # dict([("a", x), ("b", y)]): the literal {"a": x, "b": y}
            return located(gast.Dict(keys=[e.elts[0] for e in node.args[0].elts],
                                     values=[e.elts[1] for e in node.args[0].elts]))
        if any(kw.arg is None for kw in node.keywords) or len(node.args) > 1 \
                or node.args and node.keywords:
            raise self.walk.error("this form of dict(...) is not supported", node,
                                  hint="write a dict literal, dict(zip(keys, values)), dict(d), "
                                       "dict(d, key=value) or a dict comprehension")
        if not node.args:
            return located(gast.Dict(keys=[nodes.const(kw.arg) for kw in node.keywords],
                                     values=[kw.value for kw in node.keywords]))
        arg = node.args[0]
        if isinstance(arg, gast.Dict):
            return arg
        return self.entries_comprehension(arg, located)

    def entries_comprehension(self, arg, located):
        """``dict(arg)`` as a comprehension over ``arg``'s entries: ``zip(ks, vs)``'s
        pairs, a dict's keys (a name the code shows to be a dict), else the entries
        ``dict_entries`` finds when the code runs (a dict or (key, value) pairs)."""
        key, value = self.walk.namer.fresh("key"), self.walk.namer.fresh("value")
        if zip_arguments(arg, self.walk.env, self.walk.parsed) is not None and len(arg.args) == 2:
            target = gast.Tuple(elts=[nodes.name(key, store=True),
                                      nodes.name(value, store=True)], ctx=gast.Store())
            entry = nodes.name(value)
        elif not (isinstance(arg, gast.Name) and arg.id in self.walk.dict_writes.dict_names()):
            # dict(pairs), dict(xs[i]), dict(f(x)): a dict or (key, value) pairs, which
            # only the value tells: dict_entries decides when the code runs
            helper = registry.DICT_HELPERS["dict_entries"]
            self.walk.helpers["dict_entries"] = helper
            held = self.walk.flat.atom(arg)
            entries = self.walk.flat.operation_value(nodes.call("dict_entries", [held]), "entries",
                                                helper)
            if isinstance(held, gast.Name):   # (the very values of the dict or pairs)
                self.walk.aliases.link(entries.id, held.id)
            source = self.walk.namer.fresh("source")
            self.walk.env[source] = entries
            target = gast.Tuple(elts=[nodes.name(key, store=True),
                                      nodes.name(value, store=True)], ctx=gast.Store())
            entry = nodes.name(value)
            arg = located(nodes.name(source))
        else:
            target = nodes.name(key, store=True)
            entry = gast.Subscript(value=arg, slice=nodes.name(key), ctx=gast.Load())
            arg = nodes.clone(arg)
        return located(gast.DictComp(key=nodes.name(key), value=entry, generators=[
            gast.comprehension(target=target, iter=arg, ifs=[], is_async=0)]))

    def dict_unpacking(self, node, target=None):
        """``{**a, k: v, **b}``: a new dict, then each entry in order: the items of
        ``a``, ``v`` under ``k``, the items of ``b`` (a key seen again keeps its place
        and takes the new value, as in Python)."""
        reads = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        result = target if target is not None and target not in reads \
            and target not in self.walk.params else self.walk.namer.fresh("entries")
        self.walk.dict_writes.built_dicts.add(result)
        self.walk.dict_writes.building.add(result)
        empty = gast.copy_location(gast.Dict(keys=[], values=[]), node)
        self.walk.env[result] = nodes.name(self.walk.flat.operation(empty, target=result))
        for key, value in zip(node.keys, node.values):
            if key is None:
                if not isinstance(value, gast.Name):
                    other = self.walk.namer.fresh("source")
                    self.walk.env[other] = self.walk.flat.atom(value)
                    value = gast.copy_location(nodes.name(other), value)
                update = gast.Expr(value=gast.Call(func=gast.Attribute(
                    value=gast.copy_location(nodes.name(result), node), attr="update",
                    ctx=gast.Load()), args=[value], keywords=[]))
                for sub in gast.walk(update):
                    gast.copy_location(sub, node)
                    sub.end_lineno, sub.end_col_offset = node.end_lineno, node.end_col_offset
                self.dict_update(update)
            else:
                item = gast.Subscript(value=gast.copy_location(nodes.name(result), node),
                                      slice=key, ctx=gast.Store())
                self.walk.dict_writes.dict_store(gast.copy_location(item, node),
                                                 self.walk.flat.atom(value))
        self.walk.dict_writes.building.discard(result)
        return self.walk.env.pop(result).id

    def dict_display(self, node, target=None):
        """``{k: v, ...}`` with keys computed when the code runs: an empty dict, then one
        item write per entry (a key that comes twice keeps its last value)."""
        reads = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        result = target if target is not None and target not in reads \
            and target not in self.walk.params else self.walk.namer.fresh("entries")
        pairs = [(self.walk.flat.atom(k), self.walk.flat.atom(v)) for k, v in zip(node.keys, node.values)]
        empty = gast.copy_location(gast.Dict(keys=[], values=[]), node)
        current = nodes.name(self.walk.flat.operation(empty, target=result))
        dict_set = registry.DICT_HELPERS["dict_set"]
        for key, value in pairs:
            new = self.walk.flat.helper_call(dict_set, "dict_set", [current, key, value], result)
            self.walk.aliases.dict_link(new, current, value, key)
            self.walk.dicts.add(new)
            current = nodes.name(new)
        return current.id

    def dict_comprehension(self, node, target=None):
        """``{k: v for x in xs if c}`` as a loop that writes items into a fresh dict
        (named after ``target``, the user's name it is bound to, when the comprehension
        does not read that name); several ``for`` clauses are nested loops."""
        gen = node.generators[0]
        reads = {n.id for n in gast.walk(node) if isinstance(n, gast.Name)}
        result = target if target is not None and target not in reads \
            and target not in self.walk.params else self.walk.namer.fresh("entries")
        self.walk.dict_writes.built_dicts.add(result)

        located = placed_at(node)
        start = self.walk.flat.operation(located(gast.Dict(keys=[], values=[])), target=result)
        self.walk.env[result] = nodes.name(start)
        body = [gast.Assign(targets=[gast.Subscript(value=located(nodes.name(result)),
                                                    slice=node.key, ctx=gast.Store())],
                            value=node.value, type_comment=None)]
        gast.copy_location(body[0], node)
        for inner in reversed(node.generators[1:]):   # (several for clauses: nested loops)
            body = [comprehension_for(inner, body, located)]
        loop = comprehension_for(gen, body, located)
        self.walk.dict_writes.building.add(result)
        self.walk.loops.comprehension_loop(loop, result, node.generators[1:])
        self.walk.dict_writes.building.discard(result)
        final = self.walk.env.pop(result)
        return final.id
