"""Terms of ``f``'s value in forms a README-only user found refused (stranger23):

- ``function_argument``: a function passed to a helper and called there: a module-level
  ``def`` (``fs3(fr3, x, 0.3)`` of ``def fs3(g, y, c): return y + 0.5 * np.tanh(g(y, c))``), numpy's
  function (``fa3(np.tanh, x)``), passed two levels down (``fw3(g, y)`` calling ``fs3(g,
  ...)``) or left to the helper's default (``def fd3(y, c, g=fr3)``);
- ``method_argument`` (fixopen24): a method bound to a module-level object given to a
  helper that calls it (``fin3(FM3.rhs, x, 0.3)``, ``rhs`` reading ``self.k`` and calling
  ``self.scale()``), the new array the helper returns written into in place (``fy3[0]
  *= 1.5``): both were refused (not a function; a write that may change an argument);
- ``item_sharing`` (fixopen24): an item of an array a local function reads before a
  write into the array's other items (``ia3 = ic3[0]``, ``ig3 = lambda v: ia3 * v``,
  ``ic3[1:] = ...``), or what an integer-list index gives written into (``iz3 =
  ic3[[2, 0]]``, ``iz3[0] = ...``): both share no memory, and were refused as sharing it;
- ``local_import``: an import at the top of ``f``'s body (``import math as mi3``, ``from
  numpy import tanh as ti3``) or of a helper's (``import numpy as npl``), its name read
  after it.

As ``stranger22_forms``' terms, each is bound at the top of ``f``'s body and added to
what it returns; the draws come from a stream of their own (seeded from the program's
seed) and the names bound are not put in scope, so a program without them is the program
of the same seed without the features.
"""

import random

from s2sad.fuzz.ops import V
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("function_argument", "local_import")


def choose(draft):
    """At the top of ``f``'s body: maybe each term (to ``draft.return_terms``)."""
    r = random.Random(draft.seed ^ 0x2F23)
    rolls = [r.random() for _ in FEATURES]
    if draft.output == "container":
        return
    params = float_params(draft, (V,))
    if not params:
        return
    for feature, roll, form in zip(FEATURES, rolls, (_passed, _imported)):
        if draft.has(feature) and roll < 0.12:
            form(draft, r, r.choice(params).name, next(draft.counter))
            draft.use(feature)
    r = random.Random(draft.seed ^ 0x5B24)   # (a stream of its own: the others stay)
    if draft.has("method_argument") and r.random() < 0.12:
        _method(draft, r, r.choice(params).name, next(draft.counter))
        draft.use("method_argument")
    r = random.Random(draft.seed ^ 0x1D24)
    if draft.has("item_sharing") and r.random() < 0.12:
        _item_sharing(draft, r, r.choice(params).name, next(draft.counter))
        draft.use("item_sharing")


def _passed(draft, r, x, n):
    rhs, stepper, t = f"fr{n}", f"fs{n}", f"ft{n}"
    # (the stepper reads np, which the function it is given does not: stranger23d)
    draft.box_helpers.append(f"def {rhs}(y, c):\n    return y * c - 0.1 * y ** 3")
    draft.box_helpers.append(f"def {stepper}(g, y, c):\n    return y + 0.5 * np.tanh(g(y, c))")
    way = r.randrange(4)
    if way == 0:
        call = f"{stepper}({rhs}, {x}, {r.choice(('0.3', '-1.2'))})"
    elif way == 1:
        applier = f"fa{n}"
        draft.box_helpers.append(f"def {applier}(g, y):\n    return g(y) * y")
        call = f"{applier}({r.choice(('np.tanh', 'np.sin', 'np.exp'))}, {x} * 0.5)"
    elif way == 2:
        twice = f"fw{n}"
        draft.box_helpers.append(f"def {twice}(g, y):\n"
                                 f"    return {stepper}(g, {stepper}(g, y, 0.2), 0.7)")
        call = f"{twice}({rhs}, {x})"
    else:
        defaulted = f"fd{n}"
        draft.box_helpers.append(f"def {defaulted}(y, c, g={rhs}):\n    return g(y, c) * y")
        call = f"{defaulted}({x}, 0.4)"
    draft.emit(f"{t} = np.sum({call} ** 2)")
    draft.return_terms.append(t)


#: the class, its module-level object and the helper of a ``method_argument`` term
METHOD_TEXT = (
    "class FC{n}:\n    def __init__(self, k):\n        self.k = k\n\n"
    "    def scale(self):\n        return 0.5\n\n"
    "    def rhs(self, y):\n        return -self.k * y + np.sin(y) * self.scale()\n\n\n"
    "FM{n} = FC{n}({k})\n\n\n"
    "def fin{n}(g, y, c):\n    z = y + 0.5 * np.tanh(g(y) * c)\n    return z * 1.0")


def _method(draft, r, x, n):
    draft.box_helpers.append(METHOD_TEXT.format(n=n, k=r.choice(("0.4", "-0.7"))))
    y, t = f"fy{n}", f"fm{n}"
    draft.emit(f"{y} = fin{n}(FM{n}.rhs, {x}, {r.choice(('0.3', '1.2'))})")
    if r.random() < 0.6:
        draft.emit(f"{y}[0] *= 1.5")
    draft.emit(f"{t} = np.sum({y} ** 2)")
    draft.return_terms.append(t)


def _item_sharing(draft, r, x, n):
    c, t = f"ic{n}", f"it{n}"
    draft.emit(f"{c} = {x} * 1.0")
    if r.random() < 0.5:
        draft.emit(f"ia{n} = {c}[0]")
        draft.emit(f"ig{n} = lambda v: ia{n} * v")
        draft.emit(f"{c}[1:] = np.cos({c}[1:])")
        draft.emit(f"{t} = np.sum(ig{n}({c}))")
    else:
        draft.emit(f"iz{n} = {c}[[2, 0]]")
        draft.emit(f"iz{n}[0] = np.sin({c}[1])")
        draft.emit(f"{t} = np.sum(iz{n} * {c}[:2])")
    draft.return_terms.append(t)


def _imported(draft, r, x, n):
    t = f"lt{n}"
    if r.random() < 0.5:
        module, name = f"mi{n}", f"ti{n}"
        draft.emit(f"import math as {module}")
        draft.emit(f"from numpy import {r.choice(('tanh', 'sin', 'cos'))} as {name}")
        draft.emit(f"{t} = np.sum({name}({x})) * {module}.pi")
    else:
        helper = f"lh{n}"
        draft.box_helpers.append(f"def {helper}(y):\n    import numpy as npl\n"
                                 f"    return npl.cos(y) * y")
        draft.emit(f"{t} = np.sum({helper}({x}))")
    draft.return_terms.append(t)
