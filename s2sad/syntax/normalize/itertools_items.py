"""``itertools``' tuples of items, read as tuples of indices: items that carry derivatives.

Input: a copy of the user's function (changed in place), before the walk.
Output: each ``itertools.combinations(s, r)`` (``combinations_with_replacement``,
``permutations``, ``pairwise``, ``product(s, t, ..., repeat=n)``) given a sequence
that is not a ``range`` is the list of the tuples of items it gives, made from the
tuples of indices the same function gives over ``range(len(s))``::

    for a, b in itertools.combinations(xs, 2):
    ->  for a, b in [(xs[i], xs[j]) for i, j in itertools.combinations(range(len(xs)), 2)]:
        (in effect; see below for the exact form)

so a loop over it (in ``enumerate`` too) reads its items as a loop over a list does,
and their derivatives go back into the items of ``xs`` (a list, a tuple, an array's
rows) they were taken from.  Python's iterator takes the same items in the same order:
``itertools`` orders its tuples by the positions of the items, never by their values.
Each sequence is read once, as Python reads it, into a list (``list(xs)``: a dict's
keys, an array's rows): ``[(xs_items[indices[0]], xs_items[indices[1]]) for xs_items in
[list(xs)] for indices in itertools.combinations(range(len(xs_items)), 2)]``.  A tuple
whose length is not a constant (``permutations(xs)``, ``combinations(xs, r)``) is
``tuple([xs_items[i] for i in indices])``.  Only a call whose iterator is read once,
whole, where it is made is rewritten (:mod:`.read_once`): any other read (twice, in a
later trip of a loop, by a function it is given to) would get the items again from the
list where Python's iterator gives none, and is refused.
"""

import builtins
import itertools

import gast

from .. import nodes
from .read_once import ReadOnce

#: the itertools functions of one sequence: (how many items a tuple holds, from the
#: call: an int, or None where that is not a constant)
_ONE_SEQUENCE = {itertools.combinations, itertools.combinations_with_replacement,
                 itertools.permutations}
_PAIRWISE = getattr(itertools, "pairwise", None)


def lower_item_tuples(tree, parsed, error):
    """Rewrite the calls of ``tree`` the module docstring describes; whether any.
    A call whose iterator is not read once, whole, where it is made (see .read_once)
    is refused (``error(message, node, hint)`` makes the exception): Python's iterator
    gives its items once, the list of them to every read."""
    used = {n.id for n in nodes.walk(tree) if isinstance(n, gast.Name)}
    rewriter = _Rewriter(parsed, used, ReadOnce(tree, parsed), error)
    rewriter.visit(tree)
    return rewriter.changed


def names_item_tuples(func, parsed):
    """Whether the callee ``func`` (a gast node) may be one of the functions rewritten."""
    spelled = func.id if func.__class__ is gast.Name else getattr(func, "attr", None)
    if spelled in ("combinations", "combinations_with_replacement", "permutations",
                   "pairwise", "product"):
        return True
    if func.__class__ is not gast.Name:
        return False
    return _kind(parsed.resolve(spelled, None, compose=False)) is not None


def _kind(fn):
    if fn is None:
        return None
    if any(fn is f for f in _ONE_SEQUENCE):
        return "one"
    if _PAIRWISE is not None and fn is _PAIRWISE:
        return "pairwise"
    if fn is itertools.product:
        return "product"
    return None


class _Rewriter(gast.NodeTransformer):
    def __init__(self, parsed, used, read_once, error):
        self.parsed, self.used, self.changed = parsed, used, False
        self.read_once, self.error = read_once, error

    def visit_Call(self, node):
        self.generic_visit(node)
        kind = _kind(self.parsed.resolve_callee(node.func))
        if kind is None or any(isinstance(a, gast.Starred) for a in node.args) \
                or any(k.arg is None for k in node.keywords):
            return node
        made = self.items(node, kind)
        if made is None:
            return node
        if not self.read_once.reads_whole_once(node):
            name = getattr(node.func, "attr", getattr(node.func, "id", "itertools"))
            raise self.error(
                f"the iterator {name}(...) makes here is not read once, whole, where it is "
                f"made (a loop over it, list(...), sum(...), a, b = ...): s2sad takes its items "
                f"as a list, which gives them to every read, where Python's iterator gives them "
                f"once (a second read, or a read at a later trip of a loop, gets none), and a "
                f"function of yours given it may read it more than once", node,
                hint=f"loop over it where you make it (for a, b in {name}(...):), or make "
                     f"the list of its items once, pairs = list({name}(...)), and read or "
                     f"pass that list")
        self.changed = True
        for new in nodes.walk(made):
            if not hasattr(new, "lineno") or new.lineno is None or new not in self.kept:
                gast.copy_location(new, node)
                new.end_lineno, new.end_col_offset = node.end_lineno, node.end_col_offset
        return made

    def items(self, call, kind):
        """The list comprehension of the items' tuples of ``call``, or None."""
        keywords = {k.arg: k.value for k in call.keywords}
        if kind == "product":
            if set(keywords) - {"repeat"} or not call.args:
                return None
            repeat = keywords.get("repeat", gast.Constant(value=1, kind=None))
            if not (isinstance(repeat, gast.Constant) and type(repeat.value) is int
                    and repeat.value >= 0):
                return None
            sequences = list(call.args)
            positions = sequences * repeat.value
        else:
            if len(call.args) < 1 or (kind == "pairwise" and (len(call.args) != 1
                                                              or keywords)):
                return None
            sequences = call.args[:1]
            width = call.args[1] if len(call.args) > 1 else keywords.get("r")
            if kind == "pairwise":
                width = gast.Constant(value=2, kind=None)
            if width is None or isinstance(width, gast.Constant) and width.value is None:
                positions = None   # (permutations(xs): every item)
            elif isinstance(width, gast.Constant) and type(width.value) is int \
                    and width.value >= 0:
                positions = sequences * width.value
            else:
                positions = None
        if all(_is_range(s, self.parsed) for s in sequences):
            return None   # (indices already: taken as a list before the loop)
        self.kept = set(nodes.walk(call))
        # each sequence read once, as Python reads it: list(xs), named (a dict's keys)
        lists = [self.fresh(f"{s.id}_items" if isinstance(s, gast.Name) else "items")
                 for s in sequences]
        named = dict(zip(map(id, sequences), lists))
        index = self.fresh("indices")
        ranges = [_call("range", [_call("len", [_load(n)])]) for n in lists]
        indices = gast.Call(func=call.func, args=ranges + call.args[len(sequences):],
                            keywords=list(call.keywords))
        if positions is not None:
            element = gast.Tuple(elts=[_item(named[id(s)], index, k)
                                       for k, s in enumerate(positions)], ctx=gast.Load())
        else:   # tuple([xs_items[i] for i in indices])
            each = self.fresh("position")
            element = _call("tuple", [gast.ListComp(
                elt=gast.Subscript(value=_load(lists[0]), slice=_load(each),
                                   ctx=gast.Load()),
                generators=[gast.comprehension(target=_store(each), iter=_load(index),
                                               ifs=[], is_async=0)])])
        generators = [gast.comprehension(
            target=_store(n), iter=gast.List(elts=[_call("list", [s])], ctx=gast.Load()),
            ifs=[], is_async=0) for n, s in zip(lists, sequences)]
        generators.append(gast.comprehension(target=_store(index), iter=indices, ifs=[],
                                             is_async=0))
        return gast.ListComp(elt=element, generators=generators)

    def fresh(self, base):
        name, k = base, 0
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name


def _is_range(node, parsed):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
        and node.func.id == "range" and parsed.resolve("range", None) is builtins.range


def _item(sequence, index, k):
    return gast.Subscript(value=_load(sequence), slice=gast.Subscript(
        value=_load(index), slice=gast.Constant(value=k, kind=None), ctx=gast.Load()),
        ctx=gast.Load())


def _call(name, args):   # (s2sad's own call of a builtin: see syntax.own_builtins)
    return gast.Call(func=nodes.builtin(name), args=args, keywords=[])


def _load(name):
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def _store(name):
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)
