"""Terms of ``f``'s value calling methods of the program's own classes, and chained
assignments (README: "Methods and classes"; stranger 21 found each refused or misread):

- ``class_methods``: a class ``CmN`` of the program's with staticmethods named like
  ndarray methods (``CmN.dot(a, b)``, ``CmN.clip(a, lo)``; ``CmN.put(b, v)`` writing
  into the array it is given), a plain method called through the class with a
  module-level instance (``CmN.h(CMN, x)``), and the same methods called through that
  instance (``CMN.h(x)``, ``CMN.dot(a, b)``): each is the user's function, never the
  ndarray method of that name, and second derivatives go through it as through a
  module-level helper;
- ``chained_targets``: chained assignments to items (``cyN[0] = cyN[-1] = v``), to
  tuples (``ca, cb = cc, cd = v, w``) and to a name and an item at once;
- ``set_membership``: a set of constants tested for membership (``k in {"a", "c"}``,
  ``i not in {0, 2}``) choosing a factor in a loop.

Each is bound at the top of ``f``'s body and added to what it returns; every draw comes
from a stream of its own (seeded from the program's seed), and the names bound are not put
in scope, so a program without them is the program of the same seed without the features.
"""

import random

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params

TERM_FEATURES = ("class_methods", "chained_targets", "set_membership")
SALTS = (0x2B17, 0x6D29, 0x3E4B)
RATE = 0.12

#: the class each ``class_methods`` term defines (``{n}``: its number)
CLASS_TEXT = (
    "class Cm{n}:\n\n"
    "    @staticmethod\n    def dot(a, b):\n        return np.sum(a * b + a)\n\n"
    "    @staticmethod\n    def clip(a, lo):\n        return a * lo + np.tanh(a)\n\n"
    "    @staticmethod\n    def put(b, v):\n        b[...] = b * 0.5 + v\n\n"
    "    def h(self, a):\n        return np.sin(a) * a\n\n\n"
    "CM{n} = Cm{n}()")


def streams(seed):
    """Each feature's own random stream, by feature."""
    return {feature: random.Random(seed ^ salt) for feature, salt in zip(TERM_FEATURES, SALTS)}


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    rs = streams(draft.seed)
    rolls = {feature: r.random() for feature, r in rs.items()}
    if draft.output == "container":
        return
    for feature in TERM_FEATURES:
        if draft.has(feature) and rolls[feature] < RATE:
            MAKERS[feature](draft, rs[feature])


def _class_methods(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    draft.box_helpers.append(CLASS_TEXT.format(n=n))
    cls, obj, name = f"Cm{n}", f"CM{n}", f"cm{n}"
    owner = r.choice((cls, obj))   # (through the class or through the instance)
    form = r.randrange(4 if param.shape != S else 3)
    if form == 0:
        draft.emit(f"{name} = {owner}.dot({x}, np.sin({x}))")
    elif form == 1:
        draft.emit(f"{name} = np.sum({owner}.clip({x}, 0.5))")
    elif form == 2:
        call = f"{cls}.h({obj}, {x})" if owner == cls else f"{obj}.h({x})"
        draft.emit(f"{name} = np.sum({call} * {x})")
    else:   # (an array written by the staticmethod put)
        draft.emit(f"{name}b = {x} * 1.0")
        draft.emit(f"{owner}.put({name}b, {x} * {x})")
        draft.emit(f"{name} = np.sum({name}b * {x})")
    draft.return_terms.append(f"0.25 * {name}")
    draft.use("class_methods")


def _chained_targets(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    name = f"cy{n}"
    form = 0 if param.shape == S else r.randrange(3)
    if form == 0:
        a, b, c, d = (f"c{k}{n}" for k in "abcd")
        draft.emit(f"{a}, {b} = {c}, {d} = np.sum({x}) * 2.0, np.sin(np.sum({x}))")
        draft.emit(f"{name} = {a} * {d} + {b} * {c} * {c}")
    elif form == 1:
        item = f"{x}[1]" if param.shape != M else f"{x}[1] * 0.5"
        draft.emit(f"{name}y = {x} * 1.0")
        draft.emit(f"{name}y[0] = {name}y[-1] = np.sin({item})")
        draft.emit(f"{name} = np.sum({name}y * {name}y)")
    else:
        draft.emit(f"{name}y = {x} * 1.0")
        draft.emit(f"{name}z = {name}y[0] = np.tanh({x}[-1]) * 2.0")
        draft.emit(f"{name} = np.sum({name}y * {name}z)")
    draft.return_terms.append(f"0.25 * {name}")
    draft.use("chained_targets")


def _set_membership(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    param = r.choice(params)
    x, n = param.name, next(draft.counter)
    name, i, k = f"sm{n}", f"i{n}", f"k{n}"
    test = r.choice((f"{k} in {{'a', 'c'}}", f"{k} not in {{'b'}}", f"{i} in {{0, 2}}",
                     f"{i} not in {{1, 5}}"))
    item = {S: f"{x} * ({i} + 1.0)", V: f"{x}[{i}]", W: f"{x}[{i} % 2]",
            M: f"np.sum({x}[{i} % 2])"}[param.shape]
    draft.emit(f"{name} = 0.0")
    draft.emit(f"for {i}, {k} in enumerate(('a', 'b', 'c')):")
    draft.emit(f"    {name} = {name} + {item} ** 2 * (1.0 if {test} else 2.0)")
    draft.return_terms.append(f"0.25 * {name}")
    draft.use("set_membership")


MAKERS = {"class_methods": _class_methods, "chained_targets": _chained_targets,
          "set_membership": _set_membership}
