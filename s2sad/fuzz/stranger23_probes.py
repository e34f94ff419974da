"""The probes of ``generator/stranger23_forms.py``'s constructs (forms a README-only user
found refused): (source, args) of a tiny function using each, made
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
}
