"""The probes of ``generator/function_forms.py``'s constructs (forms a README-only user
found refused): (source, args) of a tiny function using each, made
:class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

STRANGER23_PROBES = {
    # a function passed to a helper: by name, numpy's, two levels down, as a default
    "function_argument": ("def fr(y, c):\n    return np.sin(y) * c\n\n\n"
                          "def fs(g, y, c):\n    return y + 0.5 * g(y, c)\n\n\n"
                          "def fw(g, y):\n    return fs(g, fs(g, y, 0.2), 0.7)\n\n\n"
                          "def fd(y, c, g=fr):\n    return g(y, c) * y\n\n\n"
                          "def fa(g, y):\n    return g(y) * y\n\n\n"
                          "def f(x):\n    return np.sum(fs(fr, x, 0.3) ** 2) + np.sum(fw(fr, x))"
                          " + np.sum(fd(x, 0.4)) + np.sum(fa(np.tanh, x))\n",
                          (np.array([0.5, 0.1, -0.3]),)),
    # imports at the top of f's body and of a helper's
    "local_import": ("def lh(y):\n    import numpy as npl\n    return npl.cos(y) * y\n\n\n"
                     "def f(x):\n    import math as mi\n    from numpy import tanh as ti\n"
                     "    return np.sum(ti(x)) * mi.pi + np.sum(lh(x))\n",
                     (np.array([0.5, 0.1, -0.3]),)),
}
