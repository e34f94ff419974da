"""The probe of ``generator/shadow_forms.py``'s construct (a module function named like a
builtin the code s2sad writes calls on its own, unlike the builtin, called by ``f``; and
one that raises, never called): (source, args) of a tiny function using it, made a
:class:`~s2sad.fuzz.constructs.Construct` row there."""

import numpy as np

SHADOW_PROBES = {
    # the module's len one more and range from 1, beside s2sad's own loops over a list
    # (the module's len was imported for them: a wrong value in every mode); a raising
    # reversed f never calls
    "shadowed_builtins": (
        "import builtins\n\n\ndef len(v):\n    return builtins.len(v) + 1\n\n\n"
        "def range(n):\n    return builtins.range(1, n + 1)\n\n\n"
        "def reversed(*args):\n    raise RuntimeError('not the builtin')\n\n\n"
        "def f(x):\n    s = x[0] * len([x[1], x[2]])\n"
        "    for v in [x[0], x[1], x[2]]:\n        s = s * 0.5 + v * v\n"
        "    for i in range(2):\n        s = s + x[i] * np.sin(x[2])\n    return s\n",
        (np.array([0.5, 0.1, -0.3]),)),
}
