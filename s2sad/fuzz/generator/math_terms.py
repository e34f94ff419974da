"""``math_scalar``: a term of ``f``'s value made by a function of Python's ``math``
module (a row of ``ops.MATH``) on a number: a scalar parameter, or an item of an array
parameter (``math.sin(x[1])``, a numpy float).

As ``python_forms``' terms, it is bound at the top of ``f``'s body and added to what it
returns; its draws come from a stream of its own (seeded from the program's seed) and the
name bound is not put in scope, so a program without it is the program of the same seed
without the feature.
"""

import random

from s2sad.fuzz.ops import MATH, M, S, V, W


def stream(seed):
    return random.Random(seed ^ 0x4D47)


def choose(draft):
    """At the top of ``f``'s body: maybe one ``math`` term (to ``draft.return_terms``)."""
    r = stream(draft.seed)
    if r.random() >= 0.25 or draft.output == "container" or not draft.has("math_scalar"):
        return
    numbers = _numbers(draft)
    if not numbers:
        return
    op = r.choice(MATH)
    args = [r.choice(numbers) for _ in op.ins]
    term = f"ms{next(draft.counter)}"
    draft.emit(f"{term} = {op.fmt.format(*args)}")
    draft.return_terms.append(f"0.25 * {term}")
    draft.use("math_scalar")


def _numbers(draft):
    """Numbers the term may read: scalar parameters, and an item of each array one."""
    names = {v.name for v in draft.env}
    found = []
    for p in draft.params:
        if p.kind != "float" or p.name not in names or getattr(p, "pole", False):
            continue
        if p.shape == S:
            found.append(p.name)
        elif p.shape in (V, W):
            found.append(f"{p.name}[1]")
        elif p.shape == M:
            found.append(f"{p.name}[1, 0]")
    return found
