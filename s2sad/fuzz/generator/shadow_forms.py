"""``shadowed_builtins``: the module defines its own function under the name of a builtin
the code s2sad writes calls on its own (``for index in range(n)``, ``n = len(items)``,
``reversed(...)``, ``list(...)`` of a starred item...), unlike the builtin (``len`` one
more, ``range`` from 1, ``zip`` swapping its pairs), and ``f`` calls it in a term; or,
now and then, a module function of such a name that raises, which ``f`` never calls.
s2sad once imported the module's function for its own loops (a wrong value even where
``f`` did not call it).

As ``recursive_forms``' term, it is bound at the top of ``f``'s body and added to what it
returns; its draws come from a stream of its own (seeded from the program's seed), the
names bound are not put in scope, so a program without the feature is the program of
the same seed without it; the module's function is written (by :func:`finish`) only
where no other line of the program reads that name (else the term calls the builtin).
"""

import random
import re

from s2sad.fuzz.ops import S, V, W
from s2sad.fuzz.generator.python_forms import float_params

FEATURES = ("shadowed_builtins",)

#: (name, the module's function of that name, the term's lines: ``{v}`` a float value,
#: ``{s}`` the name the term binds, ``{n}`` a fresh number)
SHADOWS = (
    ("len", "def len(v):\n    return builtins.len(v) + 1\n",
     ["{s} = {v} * len([{v}, {v} * 0.5])"]),
    ("range", "def range(n):\n    return builtins.range(1, n + 1)\n",
     ["{s} = 0.0", "for i{n} in range(2):", "    {s} = {s} * 0.5 + {v} * i{n}"]),
    ("reversed", "def reversed(items):\n    return builtins.list(items)\n",
     ["{s} = 0.0", "for e{n} in reversed([{v}, {v} * 2.0]):", "    {s} = {s} * 0.5 + e{n} * e{n}"]),
    ("zip", "def zip(a, b):\n    return [(b[i], a[i]) for i in builtins.range(builtins.len(a))]\n",
     ["{s} = 0.0", "for p{n}, q{n} in zip([{v}, {v} * 0.5], [1.0, 2.0]):",
      "    {s} = {s} + p{n} * q{n} * q{n}"]),
    ("sum", "def sum(items):\n    return 2.0 * builtins.sum(items)\n",
     ["{s} = sum([{v}, {v} * {v}])"]),
    ("abs", "def abs(v):\n    return np.sqrt(v * v + 0.25)\n", ["{s} = abs({v})"]),
    ("list", "def list(items):\n    return [e * 1.5 for e in items]\n",
     ["{s} = 0.0", "for e{n} in list([{v}, {v} * 0.5]):", "    {s} = {s} + e{n} * e{n}"]),
)
#: the names a raising module function may take (``f`` never calls it)
UNCALLED = ("len", "range", "reversed", "zip", "list", "tuple", "enumerate", "sorted",
            "isinstance", "min", "max", "slice", "iter", "next")


def stream(seed):
    return random.Random(seed ^ 0x5B1D)


def choose(draft):
    """At the top of ``f``'s body: maybe a term calling the module's function (to
    ``draft.return_terms``); the function itself is written by :func:`finish`."""
    r = stream(draft.seed)
    draft.shadow = None
    if r.random() >= 0.15 or draft.output == "container" \
            or not draft.has("shadowed_builtins"):
        return
    if r.random() < 0.35:
        name = r.choice(UNCALLED)
        draft.shadow = (name, f"def {name}(*args):\n    raise RuntimeError('the module\\'s "
                              f"{name} is not the builtin')\n", 0)
        return
    params = float_params(draft, (S, V, W))
    if not params:
        return
    name, source, lines = SHADOWS[r.randrange(len(SHADOWS))]
    n = next(draft.counter)
    param = r.choice(params)
    value = f"sv{n}"
    draft.emit(f"{value} = np.sum(np.sin({param.name}))" if param.shape != S
               else f"{value} = np.sin({param.name})")
    for line in lines:
        draft.emit(line.format(v=value, s=f"sh{n}", n=n))
    draft.return_terms.append(f"0.25 * sh{n}")
    draft.shadow = (name, source, 1)
    draft.use("shadowed_builtins")   # (the term's call is the builtin's where the
    # program calls the name elsewhere too: see finish)


def finish(draft, program_text):
    """The module's function of :func:`choose` (its text, to go before ``f``), or "" where
    the program's other lines read that name too (``program_text``: every line but
    it); a raising one, which ``f`` does not call, records the feature's use here."""
    if getattr(draft, "shadow", None) is None:
        return ""
    name, source, calls = draft.shadow
    if len(re.findall(rf"(?<![\w.]){name}\b", program_text)) != calls:   # (read, called)
        return ""
    draft.use("shadowed_builtins")
    return source
