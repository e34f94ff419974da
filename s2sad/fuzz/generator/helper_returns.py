"""Two forms of calls of the program's own helpers that only regression tests wrote:

- ``early_return_helper``: a helper returning another helper's result after an early
  return (``if k == 0: return ...`` then ``return ehN(x)``), called with a constant
  ``k``.  Second order once dropped that result (the output None: "the output of f is
  None");
- ``local_derivative``: a derivative of a helper bound to a local name at the top of
  ``f``'s body (``ldN = s2sad.grad(ehN)``), then called by that name, once or in a loop
  of gradient steps.  It was refused ("calling the local value 'ldN'").

As ``recursive_forms``' terms, each is bound at the top of ``f``'s body and added to what
it returns; the draws come from a stream of their own (seeded from the program's seed)
and the names bound are not put in scope, so a program without them is the program of the
same seed without the features.
"""

import random

from s2sad.fuzz.ops import S, V, W
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("early_return_helper", "local_derivative")

#: the helper whose result is returned (``{0}``): one number of an array or a number
INNER = "def {0}(x):\n    return np.sum(np.sin(x) * x) + 0.5 * np.sum(x)\n"
#: the helper with the early return (``{0}``) calling ``{1}``
EARLY = ("def {0}(x, k):\n    if k == 0:\n        return np.sum(x * x)\n"
         "    return {1}(x)\n")


def stream(seed):
    return random.Random(seed ^ 0x5A17E)


def choose(draft):
    """At the top of ``f``'s body: maybe a term of each feature (to ``draft.return_terms``),
    their helpers to ``draft.box_helpers``."""
    r = stream(draft.seed)
    early = r.random() < 0.12 and draft.has("early_return_helper")
    local = r.random() < 0.12 and draft.has("local_derivative")
    if draft.output == "container" or not (early or local):
        return
    params = float_params(draft, (S, V, W))
    if not params:
        return
    n = next(draft.counter)
    inner = f"eh{n}"
    draft.box_helpers.append(INNER.format(inner).rstrip("\n"))
    x = r.choice(params).name
    if early:
        helper = f"er{n}"
        draft.box_helpers.append(EARLY.format(helper, inner).rstrip("\n"))
        draft.emit(f"ev{n} = {helper}({x}, {r.choice((0, 1, 2))}) + {helper}({x}, 1)")
        draft.return_terms.append(f"0.25 * ev{n}")
        draft.use("early_return_helper")
    if local:
        draft.emit(f"ld{n} = s2sad.grad({inner})")
        if r.random() < 0.5:
            draft.emit(f"lx{n} = {x}")
            draft.emit(f"for lk{n} in range(2):")
            draft.emit(f"    lx{n} = lx{n} - 0.1 * ld{n}(lx{n})")
            draft.emit(f"lv{n} = np.sum(lx{n} * lx{n})")
        else:
            draft.emit(f"lv{n} = np.sum(ld{n}({x}) * {x})")
        draft.return_terms.append(f"0.25 * lv{n}")
        draft.use("local_derivative")
