"""The probes of the constructs a README-only user found refused (stranger23):
``generator/stranger23_forms.py``'s (random draws, call statements) and
``generator/function_forms.py``'s (functions passed as arguments, imports inside the
function), and ``generator/composed_forms.py``'s (a derivative given a function, fixcomp24):
(source, args) of a tiny function using each, made
:class:`~s2sad.fuzz.constructs.Construct` rows there."""


import numpy as np

STRANGER23_PROBES = {
    # a generator made with a fixed seed in the function, drawn from by a method
    "draw_local_generator": ("def f(x):\n    rg = np.random.default_rng(3)\n"
                             "    re = rg.standard_normal(3)\n"
                             "    return np.sum(x ** 2 * re) + np.sum(np.sin(x) * re)\n",
                             (np.array([0.5, 0.1, -0.3]),)),
    # call statements whose callee writes into nothing, run for what they raise
    "discarded_pure_call": ("def f(x):\n    np.exp(x)\n    len(x)\n    x.sum()\n"
                            "    np.linalg.norm(x)\n    return np.sum(np.sin(x) * x)\n",
                            (np.array([0.5, 0.1, -0.3]),)),
    # a Generator of the module drawn from in f (the checker puts it back before each call)
    "draw_module_generator": ("DRAWN1 = np.random.default_rng(41)\n\n\ndef f(x):\n"
                              "    dm = DRAWN1.standard_normal(3)\n"
                              "    return np.sum(x ** 2 * dm) + np.sum(np.sin(x) * dm)\n",
                              (np.array([0.5, 0.1, -0.3]),)),
    # a function passed to a helper: by name, numpy's, two levels down, as a default
    "function_argument": ("def fr(y, c):\n    return np.sin(y) * c\n\n\n"
                          "def fs(g, y, c):\n    return y + 0.5 * g(y, c)\n\n\n"
                          "def fw(g, y):\n    return fs(g, fs(g, y, 0.2), 0.7)\n\n\n"
                          "def fd(y, c, g=fr):\n    return g(y, c) * y\n\n\n"
                          "def fa(g, y):\n    return g(y) * y\n\n\n"
                          "def f(x):\n    return np.sum(fs(fr, x, 0.3) ** 2) + np.sum(fw(fr, x))"
                          " + np.sum(fd(x, 0.4)) + np.sum(fa(np.tanh, x))\n",
                          (np.array([0.5, 0.1, -0.3]),)),
    # a derivative of a helper taking a function, given another one, made in f
    "derivative_function_argument": (
        "def fl(y, c, g=np.tanh):\n    return np.sum(g(y * c) ** 2)\n\n\n"
        "def fq(z):\n    return np.sin(z) + 0.1 * z\n\n\n"
        "def f(x):\n    return np.sum(s2sad.grad(fl)(x, 0.7, np.sin) * x)"
        " + s2sad.jvp(fl)(x, 0.7, fq, x)[1]"
        " + s2sad.value_and_grad(fl, wrt=1)(x, 0.6, g=fq)[1]\n",
        (np.array([0.5, 0.1, -0.3]),)),
    # a method bound to a module-level object given to a helper, its result written into
    "method_argument": ("class FC:\n    def __init__(self, k):\n        self.k = k\n\n"
                        "    def scale(self):\n        return 0.5\n\n"
                        "    def rhs(self, y):\n        return -self.k * y + np.sin(y) * "
                        "self.scale()\n\n\nFM = FC(0.4)\n\n\n"
                        "def fin(g, y, c):\n    z = y + 0.5 * np.tanh(g(y) * c)\n"
                        "    return z * 1.0\n\n\n"
                        "def f(x):\n    fy = fin(FM.rhs, x, 0.3)\n    fy[0] *= 1.5\n"
                        "    return np.sum(fy ** 2)\n",
                        (np.array([0.5, 0.1, -0.3]),)),
    # an item read by a local function before a write, an integer-list index written into
    "item_sharing": ("def f(x):\n    ic = x * 1.0\n    ia = ic[0]\n"
                     "    ig = lambda v: ia * v\n    ic[1:] = np.cos(ic[1:])\n"
                     "    jc = x * 1.0\n    iz = jc[[2, 0]]\n    iz[0] = np.sin(jc[1])\n"
                     "    return np.sum(ig(ic)) + np.sum(iz * jc[:2])\n",
                     (np.array([0.5, 0.1, -0.3]),)),
    # imports at the top of f's body and of a helper's
    "local_import": ("def lh(y):\n    import numpy as npl\n    return npl.cos(y) * y\n\n\n"
                     "def f(x):\n    import math as mi\n    from numpy import tanh as ti\n"
                     "    return np.sum(ti(x)) * mi.pi + np.sum(lh(x))\n",
                     (np.array([0.5, 0.1, -0.3]),)),
}
