"""The rewrites of a function's own source made before it is desugared, in one place.

``defaultdict``/``Counter`` accumulators (:mod:`.defaultdicts`), the tuples of items of
``itertools.combinations`` and its kin (:mod:`.itertools_items`), ``sum(groups, [])``
concatenations (:mod:`.concat`), methods of module-level objects (:mod:`.bound_methods`),
sets of constants tested for membership (read as tuples)
and the calls of partials the function makes
(:mod:`.partials`) are rewritten in the user's tree before the walk.  The
function being differentiated goes through them in ``core._desugared``; a helper whose
body is put in place of a call (second derivatives, :mod:`.inline`) goes through the
same ones, on its own copy, so an inlined body means what the helper itself does.
"""

import gast

from ...errors import UnsupportedSyntaxError
from .. import nodes
from ..desugar import CONSUMERS, consumer_named
from ..fence import membership_sets
from .bound_methods import calls_bound_methods, lower_bound_method_calls
from .concat import concatenates_maybe, lower_concatenating_sums
from .defaultdicts import lower_default_dicts, makes_default_dict
from .itertools_items import lower_item_tuples, names_item_tuples
from .partials import lower_partial_calls, makes_partial


def has_source_forms(parsed, walked):
    """Whether :func:`lower_source_forms` may rewrite ``parsed``'s tree (``walked``:
    ``nodes.walk`` of it)."""
    return any(makes_default_dict(n.func, parsed) or names_item_tuples(n.func, parsed)
               or concatenates_maybe(n, parsed) or makes_partial(n.func, parsed)
               for n in nodes.of_class(walked, gast.Call)) \
        or calls_bound_methods(parsed, walked) \
        or bool(membership_sets(nodes.of_class(walked, gast.Compare)))


def lower_source_forms(tree, parsed, walked=None):
    """Rewrite, in place, the forms the module docstring names in ``tree`` (a copy of
    ``parsed``'s function; ``parsed`` resolves its names and locates a refusal);
    ``walked``: ``nodes.walk(tree)`` when the caller has it.  Returns
    ``nodes.indexed_walk`` of the tree when anything changed, else None."""
    if walked is None:
        walked = nodes.walk(tree)
    changed = False
    if calls_bound_methods(parsed, walked) and lower_bound_method_calls(tree, parsed, walked):
        walked, changed = nodes.indexed_walk(tree), True   # (MODEL.f(x): Model.f(MODEL, x))
    for shown in membership_sets(nodes.of_class(walked, gast.Compare)):
        shown.__class__, shown.ctx = gast.Tuple, gast.Load()   # (k in {"a"}: k in ("a",))
        changed = True
    if any(makes_default_dict(n.func, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_default_dicts(
               tree, parsed, lambda message, node, hint="": UnsupportedSyntaxError(
                   message, parsed.location(node), hint=hint),
               lambda node: parsed.location(node).line):
        walked, changed = nodes.indexed_walk(tree), True   # (d = defaultdict(float): d = {})
    if any(names_item_tuples(n.func, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_item_tuples(tree, parsed, lambda message, node, hint="":
                                  UnsupportedSyntaxError(message, parsed.location(node),
                                                         hint=hint)):
        walked, changed = nodes.indexed_walk(tree), True   # (combinations(xs, 2): tuples)
    if any(concatenates_maybe(n, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_concatenating_sums(tree, parsed):
        walked, changed = nodes.indexed_walk(tree), True   # (sum(groups, []): a comprehension)
    if any(makes_partial(n.func, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_partial_calls(tree, parsed):
        walked, changed = nodes.indexed_walk(tree), True   # (p = partial(q, a=w); p(x): q(x, a=..))
    if nodes.of_class(walked, gast.GeneratorExp) and _consumers_by_value(tree, parsed, walked):
        walked, changed = nodes.indexed_walk(tree), True   # (builtins.min(e for ...))
    return walked if changed else None


def _consumers_by_value(tree, parsed, walked):
    """Give a generator expression that a builtin consuming it whole takes, called by value
    (``builtins.min(e for v in xs)``, ``MX(...)`` of ``from builtins import min as MX``:
    the fence checked it), the list comprehension (``dict``'s: the dict comprehension),
    as desugar does for the builtins' own names; whether any."""
    bound = {n.id for n in nodes.of_class(walked, gast.Name)
             if n.ctx.__class__ is not gast.Load}
    changed = False
    for call in nodes.of_class(walked, gast.Call):
        gen = call.args[0] if call.args else None
        if gen.__class__ is not gast.GeneratorExp or (
                call.func.__class__ is gast.Name and (call.func.id in CONSUMERS
                                                      or call.func.id in bound)):
            continue
        kind = consumer_named(parsed.resolve_callee(call.func))
        if kind is None:
            continue
        if kind == "dict":   # (a (key, value) display: the fence checked it)
            made = gast.DictComp(key=gen.elt.elts[0], value=gen.elt.elts[1],
                                 generators=gen.generators)
        else:
            made = gast.ListComp(elt=gen.elt, generators=gen.generators)
        gast.copy_location(made, gen)
        made.end_lineno, made.end_col_offset = gen.end_lineno, gen.end_col_offset
        call.args[0] = made   # (MX([...]); L([...]) and D({...}) copy: the same value)
        changed = True
    return changed
