"""The rewrites of a function's own source made before it is desugared, in one place.

``defaultdict``/``Counter`` accumulators (:mod:`.defaultdicts`), the tuples of items of
``itertools.combinations`` and its kin (:mod:`.itertools_items`), ``sum(groups, [])``
concatenations (:mod:`.concat`) and the calls of partials the function makes
(:mod:`.partials`) are rewritten in the user's tree before the walk.  The
function being differentiated goes through them in ``core._desugared``; a helper whose
body is put in place of a call (second derivatives, :mod:`.inline`) goes through the
same ones, on its own copy, so an inlined body means what the helper itself does.
"""

import gast

from ...errors import UnsupportedSyntaxError
from .. import nodes
from .concat import concatenates_maybe, lower_concatenating_sums
from .defaultdicts import lower_default_dicts, makes_default_dict
from .itertools_items import lower_item_tuples, names_item_tuples
from .partials import lower_partial_calls, makes_partial


def has_source_forms(parsed, walked):
    """Whether :func:`lower_source_forms` may rewrite ``parsed``'s tree (``walked``:
    ``nodes.walk`` of it)."""
    return any(makes_default_dict(n.func, parsed) or names_item_tuples(n.func, parsed)
               or concatenates_maybe(n, parsed) or makes_partial(n.func, parsed)
               for n in nodes.of_class(walked, gast.Call))


def lower_source_forms(tree, parsed, walked=None):
    """Rewrite, in place, the forms the module docstring names in ``tree`` (a copy of
    ``parsed``'s function; ``parsed`` resolves its names and locates a refusal);
    ``walked``: ``nodes.walk(tree)`` when the caller has it.  Returns
    ``nodes.indexed_walk`` of the tree when anything changed, else None."""
    if walked is None:
        walked = nodes.walk(tree)
    changed = False
    if any(makes_default_dict(n.func, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_default_dicts(
               tree, parsed, lambda message, node, hint="": UnsupportedSyntaxError(
                   message, parsed.location(node), hint=hint),
               lambda node: parsed.location(node).line):
        walked, changed = nodes.indexed_walk(tree), True   # (d = defaultdict(float): d = {})
    if any(names_item_tuples(n.func, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_item_tuples(tree, parsed):
        walked, changed = nodes.indexed_walk(tree), True   # (combinations(xs, 2): tuples)
    if any(concatenates_maybe(n, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_concatenating_sums(tree, parsed):
        walked, changed = nodes.indexed_walk(tree), True   # (sum(groups, []): a comprehension)
    if any(makes_partial(n.func, parsed) for n in nodes.of_class(walked, gast.Call)) \
            and lower_partial_calls(tree, parsed):
        walked, changed = nodes.indexed_walk(tree), True   # (p = partial(q, a=w); p(x): q(x, a=..))
    return walked if changed else None
