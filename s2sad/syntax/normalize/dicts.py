"""Dicts in the user's code: which names hold one, and the keys of their items.

Input: gast trees and normalized keys.  Output: plain values (sets of names, a
key's constant value).  An item write into a dict becomes a new dict in the
normalizer (``d_1 = dict_set(d, k, v)``).
"""

import gast


CONTENTS = object()   # dict_set(old, ...): the new dict holds old's items


def key_of(key):
    """A normalized key's constant value, or None when it is known only at run time."""
    return key.value if isinstance(key, gast.Constant) else None


def constant_key(key):
    """A dict display's key written as a string or integer constant."""
    return isinstance(key, gast.Constant) and (
        isinstance(key.value, str) or isinstance(key.value, int) and not isinstance(key.value, bool))


def kind_name(kind):
    """``"list"``, ``"tuple"`` or ``"dict"`` for a container kind (``analysis.kinds``),
    else None."""
    return kind[0] if isinstance(kind, tuple) and kind else None


def dict_names(fn):
    """Names ``fn``'s code shows to hold a dict: bound to a dict literal, a dict
    comprehension or ``dict(...)``, indexed by a string, or with a dict method called."""
    found = set()
    # the targets of loops over a literal list or tuple of strings: string keys too
    string_keys = {node.target.id for node in gast.walk(fn)
                   if isinstance(node, gast.For) and isinstance(node.target, gast.Name)
                   and isinstance(node.iter, (gast.List, gast.Tuple)) and node.iter.elts
                   and all(isinstance(e, gast.Constant) and isinstance(e.value, str)
                           for e in node.iter.elts)}
    for node in gast.walk(fn):
        if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
                and isinstance(node.slice, gast.Name) and node.slice.id in string_keys:
            found.add(node.value.id)
        if isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) and (
                    isinstance(node.value, (gast.Dict, gast.DictComp))
                    or isinstance(node.value, gast.Call) and isinstance(node.value.func, gast.Name)
                    and node.value.func.id == "dict"):
            found.add(node.targets[0].id)
        elif isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
                and isinstance(node.slice, gast.Constant) and isinstance(node.slice.value, str):
            found.add(node.value.id)
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr in DICT_METHODS and isinstance(node.func.value, gast.Name):
            found.add(node.func.value.id)
    return found


DICT_METHODS = frozenset({"items", "keys", "values", "get", "update", "setdefault",
                           "popitem"})
