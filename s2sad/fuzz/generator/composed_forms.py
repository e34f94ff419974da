"""A term of ``f``'s value whose code a README-only user found wrong (fixcomp24):

- ``derivative_function_argument``: a derivative of a helper taking a function (with a
  default, ``def fl3(y, c, g=np.tanh)``, or without), made in ``f`` and given another one
  (``s2sad.grad(fl3)(x, 0.7, np.sin)``, a module-level ``def``, by name ``g=fq3``): the
  derivative's code must be made for the function given (it was the default's), and
  ``f``'s transforms compose with it, to second order.

As ``function_forms``' terms, it is bound at the top of ``f``'s body and added to what it
returns; the draws come from a stream of their own (seeded from the program's seed) and
the names bound are not put in scope, so a program without it is the program of the same
seed without the feature.
"""

import random

from s2sad.fuzz.ops import V
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("derivative_function_argument",)


def choose(draft):
    """At the top of ``f``'s body: maybe the term (to ``draft.return_terms``)."""
    r = random.Random(draft.seed ^ 0x5C24)
    roll = r.random()
    if draft.output == "container" or not draft.has(FEATURES[0]) or roll >= 0.12:
        return
    params = float_params(draft, (V,))
    if params:
        _derived(draft, r, r.choice(params).name, next(draft.counter))
        draft.use(FEATURES[0])


def _derived(draft, r, x, n):
    loss, unary, t = f"fl{n}", f"fq{n}", f"dk{n}"
    default = r.random() < 0.5
    draft.box_helpers.append(f"def {loss}(y, c, g{'=np.tanh' if default else ''}):\n"
                             f"    return np.sum(g(y * c) ** 2)")
    draft.box_helpers.append(f"def {unary}(z):\n    return np.sin(z) + 0.1 * z")
    way = r.randrange(4)
    if way == 0:   # numpy's function, in place of the default
        term = f"np.sum(s2sad.grad({loss})({x}, 0.7, {r.choice(('np.sin', 'np.cos'))}) * {x})"
    elif way == 1:   # a module-level def, forward mode
        term = f"s2sad.jvp({loss})({x}, 0.7, {unary}, {x})[1]"
    elif way == 2:   # second order
        given = r.choice(("np.cos", unary))
        term = f"np.sum(s2sad.hvp({loss})({x}, -0.4, {given}, {x}) * {x})"
    else:   # the gradient along the number c, the function given by name
        term = f"s2sad.value_and_grad({loss}, wrt=1)({x}, 0.6, g={unary})[1]"
    draft.emit(f"{t} = {term}")
    draft.return_terms.append(t)
