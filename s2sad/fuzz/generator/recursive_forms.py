"""``recursive_containers``: a term of ``f``'s value made by a recursive helper of the
program's own over a nested container built in ``f`` (lists, tuples and dicts mixed with
numbers and arrays, to depth three), in one of the shapes such helpers take: the base
case last or first, the items summed in a loop (``s = s + h(c)``), by position with
weights, or by ``sum(h(c) for c in t)``, and a helper that maps the tree to a new tree
(list and dict comprehensions, ``tuple(...)``) totalled by another.  Reverse mode once
dropped the gradient of one kind of item of such a mix (a list beside numbers), and
crashed on nested tuples and dicts.

As ``python_forms``' terms, it is bound at the top of ``f``'s body and added to what it
returns; its draws come from a stream of its own (seeded from the program's seed) and the
names bound are not put in scope, so a program without it is the program of the same
seed without the feature.
"""

import random

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("recursive_containers",)

#: the helpers, ``{0}`` their name: (source, whether it takes a weight, lists only)
HELPERS = (
    ("def {0}(t, w):\n    if isinstance(t, dict):\n        s = 0.0\n        for k in t:\n"
     "            s = s + {0}(t[k], w * 0.5)\n        return s\n"
     "    if isinstance(t, (list, tuple)):\n        s = 0.0\n        for c in t:\n"
     "            s = s + {0}(c, w * 0.5)\n        return s\n"
     "    return w * np.sum(np.sin(t) * t)\n", True, False),
    ("def {0}(t):\n    if not isinstance(t, (list, tuple, dict)):\n"
     "        return np.sum(t * t)\n    if isinstance(t, dict):\n"
     "        return sum({0}(v) for v in t.values())\n    return sum({0}(c) for c in t)\n",
     False, False),
    ("def {0}(t):\n    if isinstance(t, (list, tuple)):\n        total = 0.0\n"
     "        for i in range(len(t)):\n            total = total + (i + 1.0) * {0}(t[i])\n"
     "        return total\n    if isinstance(t, dict):\n        total = 0.0\n"
     "        for k, v in t.items():\n            total = total + {0}(v)\n"
     "        return total\n    return np.sum(np.tanh(t)) * 0.5\n", False, False),
    ("def {0}(t):\n    if isinstance(t, list):\n        s = 0.0\n        for c in t:\n"
     "            s = s + {0}(c)\n        return s\n    return np.sum(t ** 2)\n",
     False, True),
)

#: a helper mapping a tree to a new one, and the helper totalling it (``{0}``, ``{0}s``)
MAP_HELPERS = (
    "def {0}(t):\n    if isinstance(t, list):\n        return [{0}(c) for c in t]\n"
    "    if isinstance(t, tuple):\n        return tuple({0}(c) for c in t)\n"
    "    if isinstance(t, dict):\n        return {{k: {0}(v) for k, v in t.items()}}\n"
    "    return np.cos(t) * t\n\n\n"
    "def {0}s(t):\n    if isinstance(t, (list, tuple)):\n"
    "        return sum({0}s(c) for c in t)\n    if isinstance(t, dict):\n"
    "        return sum({0}s(t[k]) for k in t)\n    return np.sum(t)\n")


def stream(seed):
    return random.Random(seed ^ 0x2EC5)


def choose(draft):
    """At the top of ``f``'s body: maybe one recursive term (to ``draft.return_terms``),
    its helpers to ``draft.box_helpers``."""
    r = stream(draft.seed)
    if r.random() >= 0.15 or draft.output == "container" \
            or not draft.has("recursive_containers"):
        return
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    n = next(draft.counter)
    form = r.randrange(len(HELPERS) + 1)
    if form == len(HELPERS):
        helper = f"rm{n}"
        draft.box_helpers.append(MAP_HELPERS.format(helper).rstrip("\n"))
        call = f"{helper}s({helper}({{}}))"
        lists_only = False
    else:
        source, weighted, lists_only = HELPERS[form]
        helper = f"rc{n}"
        draft.box_helpers.append(source.format(helper).rstrip("\n"))
        call = f"{helper}({{}}, 1.0)" if weighted else f"{helper}({{}})"
    tree = _tree(r, [_leaves(p) for p in params], 3, lists_only)
    if r.random() < 0.5:   # (bound to a name first, or written in the call)
        draft.emit(f"rn{n} = {tree}")
        tree = f"rn{n}"
    draft.emit(f"rv{n} = {call.format(tree)}")
    draft.return_terms.append(f"0.25 * rv{n}")
    draft.use("recursive_containers")


def _leaves(param):
    """Leaves a tree may hold made from ``param``: the parameter, items, slices, ops."""
    x = param.name
    if param.shape == S:
        return [x, f"{x} * {x}", f"np.sin({x})"]
    if param.shape == M:
        return [x, f"{x}[0]", f"{x}[1, 2] * 2.0", f"np.sin({x}[0, 1])"]
    return [x, f"{x}[0]", f"{x}[1:]", f"np.sin({x})", f"{x}[1] * 2.0"]


def _tree(r, leaves, depth, lists_only):
    """A display of a nested container of two or three items (a constant leaf now and
    then); an item is a container with probability falling with ``depth``."""
    items = []
    for _ in range(r.randint(2, 3)):
        if depth > 1 and r.random() < 0.45:
            items.append(_tree(r, leaves, depth - 1, lists_only))
        elif r.random() < 0.1:
            items.append("0.5")
        else:
            items.append(r.choice(r.choice(leaves)))
    form = "list" if lists_only else r.choice(("list", "tuple", "dict"))
    if form == "list":
        return "[" + ", ".join(items) + "]"
    if form == "tuple":
        return "(" + ", ".join(items) + ")"
    return "{" + ", ".join(f"'{k}': {v}" for k, v in zip("abc", items)) + "}"
