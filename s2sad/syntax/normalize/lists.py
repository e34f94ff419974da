"""Lists the user's code changes: which names a list method or item write changes.

Input: gast trees (a statement, a loop, the function).  Output: sets of user
names.  The list changes themselves become new versions of the list in the
normalizer (``xs_1 = list_append(xs, v)``, see ``ListChanges``).
"""

import gast

from .. import nodes


def list_mutation(node):
    """``xs.append(v)``, ``xs.extend(ys)``, ``xs.insert(i, v)``, ``xs.pop()`` or
    ``xs.pop(i)`` on a plain name, with positional arguments."""
    return (isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute)
            and isinstance(node.func.value, gast.Name) and not node.keywords
            and (node.func.attr, len(node.args)) in LIST_METHOD_ARITY)


LIST_METHOD_ARITY = {("append", 1), ("extend", 1), ("insert", 2), ("pop", 0), ("pop", 1)}


def list_extensions(tree):
    """User names ``tree`` updates by ``name += ...``."""
    return {n.target.id for n in nodes.walk(tree) if isinstance(n, gast.AugAssign)
            and isinstance(n.op, gast.Add) and isinstance(n.target, gast.Name)}


def mutated_lists(tree, extra=()):
    """User names a list method changes in ``tree`` (and ``extra``), and the names
    copied to or from them (``b = a``), which hold the same list."""
    found = {n.func.value.id for n in nodes.walk(tree) if list_mutation(n)} | set(extra)
    copies = [(t.id, n.value.id) for n in nodes.walk(tree) if isinstance(n, gast.Assign)
              and isinstance(n.value, gast.Name) for t in n.targets if isinstance(t, gast.Name)]
    return closed_under_copies(found, copies)


def closed_under_copies(names, copies):
    """``names`` with every name a copy ``a = b`` (a pair of ``copies``) joins to one of
    them, in either direction, until nothing more joins."""
    found = set(names)
    changed = bool(found)
    while changed:
        changed = False
        for a, b in copies:
            if (a in found) != (b in found):
                found |= {a, b}
                changed = True
    return found
