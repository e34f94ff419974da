"""The probes of ``generator/helper_returns.py``'s constructs (a helper returning another
helper's result after an early return; a derivative of a helper bound to a local name and
called by it) and of ``param_fields`` (``generator/signature.py``: a namedtuple parameter
read by its fields, in ``f`` and in a helper given it) and of ``param_ntuple`` (a
namedtuple parameter read as a tuple): (source, args) of a tiny function
using each, made :class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

from s2sad.fuzz.program import Layer

HELPER_PROBES = {
    # second order once dropped the result returned after the early return
    "early_return_helper": (
        "def eh1(x):\n    return np.sum(np.sin(x) * x) + 0.5 * np.sum(x)\n\n\n"
        "def er1(x, k):\n    if k == 0:\n        return np.sum(x * x)\n"
        "    return eh1(x)\n\n\n"
        "def f(x):\n    return er1(x, 1) + er1(x, 0) * 0.5\n",
        (np.array([0.5, 0.1, -0.3]),)),
    # once refused: "calling the local value 'ld1' is not supported"
    "local_derivative": (
        "import s2sad\n\n\n"
        "def eh1(x):\n    return np.sum(np.sin(x) * x) + 0.5 * np.sum(x)\n\n\n"
        "def f(x):\n    ld1 = s2sad.grad(eh1)\n    lx = x\n    for i in range(2):\n"
        "        lx = lx - 0.1 * ld1(lx)\n    return np.sum(lx * lx) + np.sum(ld1(x) * x)\n",
        (np.array([0.5, 0.1, -0.3]),)),
    # ntuple23: lay.W was refused ("the attribute '.W' is not supported")
    "param_fields": (
        "def g(c):\n    return np.tanh(c.W @ C3 + c.b)\n\n\n"
        "def f(lay):\n    return np.sum(g(lay) * lay.b) + len(lay)\n",
        (Layer(np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]), np.array([0.4, -0.2])),)),
    # fixopen24: a namedtuple read as a tuple (the command line's derivative was a list)
    "param_ntuple": (
        "def f(ntup):\n    a, b = ntup\n    s = 0.0\n    for v in ntup:\n"
        "        s = s + np.sum(v)\n    return np.sum(a * ntup[1]) + s * b[0]\n",
        (Layer(np.array([0.5, 0.1, -0.3]), np.array([0.2, 0.6, -0.8])),)),
}
