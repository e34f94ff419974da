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
  ``i not in {0, 2}``) choosing a factor in a loop;
- ``fresh_dict_loop``: a dict made anew at the top of each trip of a loop (``{}``,
  ``dict(d)``, ``d.copy()``, ``{**d}``), written by item and kept past the trip (a
  momentum step's new state, a list of dicts, a copy stored back by index);
- ``copied_item``: an item of a container that is itself a dict or list, copied whole
  (``cl[1].copy()``, ``dict(cl[1])``, ``list(cl[1])``, ``cl[1][1].copy()``, a dict of a
  tuple), its copy's keys or slots rebound or appended to, and both read (Python's copy
  holds the same items: fuzz of the crash of such a copy in reverse mode);
- ``object_methods``: a class ``CoN`` whose methods read attributes of ``self`` (a
  number, an int in ``range``, a list of numbers indexed, an attribute of an object it
  holds: ``self.inner.c``, the attributes of the objects of a list attribute looped
  over: ``layer.w``, a class attribute through ``self.__class__``) and call another
  method through ``self`` (``self.act(h)``; ``self.integrate(cofN, h)`` given a
  module-level function; ``self(a)``, its ``__call__``), a subclass ``CsN`` overriding
  ``act``, and a module-level instance of either, called through the class
  (``CoN.step(CON, x)``), through the instance (``CON.step(x)``) or itself
  (``CON(x)``): ``self``'s attributes are constants, ``self.act`` the one of the
  instance's class (fixobj24: each of these was refused beside the others).

Each is bound at the top of ``f``'s body and added to what it returns; every draw comes
from a stream of its own (seeded from the program's seed), and the names bound are not put
in scope, so a program without them is the program of the same seed without the features.
"""

import random

from s2sad.fuzz.ops import M, S, V, W
from s2sad.fuzz.generator.python_forms import float_params

TERM_FEATURES = ("class_methods", "chained_targets", "set_membership", "fresh_dict_loop",
                 "copied_item", "object_methods")
SALTS = (0x2B17, 0x6D29, 0x3E4B, 0x51C7, 0x1C95, 0x7A31)
RATE = 0.12

#: the class each ``class_methods`` term defines (``{n}``: its number)
CLASS_TEXT = (
    "class Cm{n}:\n\n"
    "    @staticmethod\n    def dot(a, b):\n        return np.sum(a * b + a)\n\n"
    "    @staticmethod\n    def clip(a, lo):\n        return a * lo + np.tanh(a)\n\n"
    "    @staticmethod\n    def put(b, v):\n        b[...] = b * 0.5 + v\n\n"
    "    def h(self, a):\n        return np.sin(a) * a\n\n\n"
    "CM{n} = Cm{n}()")

#: the classes each ``object_methods`` term defines (``{n}``: its number; ``{cls}``: the
#: class of the module-level instance, ``Co{n}`` or its subclass ``Cs{n}``)
OBJECT_TEXT = (
    "class Ci{n}:\n    c = 1.5\n\n\n"
    "class Cl{n}:\n    def __init__(self, w, b):\n        self.w = w\n        self.b = b\n\n\n"
    "def cof{n}(y, c):\n    return np.sin(y) * c\n\n\n"
    "class Co{n}:\n    k = 1.25\n\n"
    "    def __init__(self):\n        self.s = 0.75\n        self.n = 2\n"
    "        self.ws = [0.5, -0.25]\n        self.inner = Ci{n}()\n"
    "        self.layers = [Cl{n}(0.5, 0.1), Cl{n}(-0.25, 0.2)]\n\n"
    "    def act(self, z):\n        return np.tanh(z) * self.s\n\n"
    "    def integrate(self, f, y):\n        for i in range(self.n):\n"
    "            y = y + 0.1 * f(y, self.s)\n        return y\n\n"
    "    def __call__(self, a):\n        return self.act(a) * self.__class__.k\n\n"
    "    def step(self, a):\n        h = a\n        for i in range(self.n):\n"
    "            h = self.act(h) + self.ws[i] * a\n"
    "        for layer in self.layers:\n            h = h * layer.w + layer.b * a\n"
    "        return self.integrate(cof{n}, h) * self.inner.c + self(a)\n\n\n"
    "class Cs{n}(Co{n}):\n    def act(self, z):\n        return np.sin(z) + self.s * z\n\n\n"
    "CO{n} = {cls}()")


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


def _fresh_dict_loop(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    x, n = r.choice(params).name, next(draft.counter)
    d, m, q, out = f"frd{n}", f"frm{n}", f"frq{n}", f"fro{n}"
    t, k, i = f"frt{n}", f"frk{n}", f"fri{n}"
    # (no dict holds the parameter itself: a write into it later would change the dict)
    draft.emit(f"{d} = {{'a': 0.5 * {x}, 'b': np.sin({x})}}")
    new = r.choice(("{}", f"dict({d})", f"{d}.copy()", f"{{**{d}}}"))
    form = r.randrange(3)
    if form == 0:   # a momentum step: the new state made each step, then carried
        draft.emit(f"{m} = {{{k}: {x} * 0.0 for {k} in {d}}}")
        draft.emit(f"for {t} in range(2):")
        draft.emit(f"    {q} = {new}")
        draft.emit(f"    for {k} in {d}:")
        draft.emit(f"        {q}[{k}] = 0.9 * {m}[{k}] + {d}[{k}] * {x}")
        draft.emit(f"    {m} = {q}")
        term = f"np.sum({m}['a'] * {m}['b'])"
    elif form == 1:   # a list of the dicts made in the loop
        draft.emit(f"{out} = []")
        draft.emit(f"for {k} in ('a', 'b'):")
        draft.emit(f"    {q} = {new}")
        draft.emit(f"    {q}['w'] = {d}[{k}] * {x}")
        draft.emit(f"    {out}.append({q})")
        term = f"np.sum({out}[0]['w'] * {out}[1]['w'])"
    else:   # a copy of an item written, then stored back by index
        draft.emit(f"{out} = [{d}, {{'a': np.cos({x}), 'b': 0.5 * {x}}}]")
        draft.emit(f"for {i} in range(len({out})):")
        draft.emit(f"    {q} = " + r.choice((f"dict({out}[{i}])", f"{{**{out}[{i}]}}",
                                               f"{out}[{i}].copy()")))
        draft.emit(f"    {q}['a'] = {q}['a'] * {q}['b']")
        draft.emit(f"    {out}[{i}] = {q}")
        term = f"np.sum({out}[0]['a'] * {out}[1]['a'] + {d}['a'])"
    draft.return_terms.append(f"0.25 * {term}")
    draft.use("fresh_dict_loop")


def _copied_item(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    x, n = r.choice(params).name, next(draft.counter)
    cl, q = f"cl{n}", f"clq{n}"
    # (no container holds the parameter itself: a write into it later would change it)
    form = r.randrange(4)
    if form == 0:   # dicts in a list
        draft.emit(f"{cl} = [{{'a': 0.5 * {x}, 'b': np.sin({x})}}, "
                   f"{{'a': np.cos({x}), 'b': {x} * {x}}}]")
        draft.emit(f"{q} = " + r.choice((f"{cl}[1].copy()", f"dict({cl}[1])")))
        if r.random() < 0.5:   # (a new array under the copy's key: cl[1] keeps its own)
            draft.emit(f"{q}['a'] = {q}['a'] * {q}['b']")
        term = f"np.sum({q}['a'] * {cl}[1]['a'] + {q}['b'])"
    elif form == 1:   # lists in a list
        draft.emit(f"{cl} = [[0.5 * {x}, np.sin({x})], [np.cos({x}), {x} * {x}]]")
        draft.emit(f"{q} = " + r.choice((f"{cl}[1].copy()", f"list({cl}[1])")))
        if r.random() < 0.5:   # (the copy grows: cl[1] keeps two items)
            draft.emit(f"{q}.append({q}[0] * {q}[1])")
        term = f"np.sum({q}[-1] * {cl}[1][0]) * len({cl}[1])"
    elif form == 2:   # three levels
        draft.emit(f"{cl} = [[{{'a': 0.5 * {x}}}], [{{'a': np.tanh({x})}}, {{'a': {x} * {x}}}]]")
        draft.emit(f"{q} = {cl}[1][1].copy()")
        draft.emit(f"{q}['b'] = {q}['a'] * 2.0")
        term = f"np.sum({q}['a'] * {q}['b'] + {cl}[1][1]['a'])"
    else:   # dicts in a tuple
        draft.emit(f"{cl} = ({{'a': 0.5 * {x}}}, {{'a': np.sin({x}), 'b': np.cos({x})}})")
        draft.emit(f"{q} = {cl}[1].copy()")
        term = f"np.sum({q}['a'] * {q}['b'] * {cl}[0]['a'])"
    draft.return_terms.append(f"0.25 * {term}")
    draft.use("copied_item")


def _object_methods(draft, r):
    params = float_params(draft, (S, V, W, M))
    if not params:
        return
    x, n = r.choice(params).name, next(draft.counter)
    cls = r.choice((f"Co{n}", f"Cs{n}"))
    draft.box_helpers.append(OBJECT_TEXT.format(n=n, cls=cls))
    name, obj = f"con{n}", f"CO{n}"
    call = r.choice((f"Co{n}.step({obj}, {x})", f"{obj}.step({x})"))
    draft.emit(f"{name} = np.sum({call} * {x})")
    if r.random() < 0.5:   # (the object called: its class's __call__)
        draft.emit(f"{name} = {name} + np.sum({obj}({x}))")
    draft.return_terms.append(f"0.25 * {name}")
    draft.use("object_methods")


MAKERS = {"class_methods": _class_methods, "chained_targets": _chained_targets,
          "set_membership": _set_membership, "fresh_dict_loop": _fresh_dict_loop,
          "copied_item": _copied_item, "object_methods": _object_methods}
