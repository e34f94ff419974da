"""The probes of ``generator/loop_draw_forms.py``'s constructs (review24): a value
without derivative made anew on each trip of a loop, by a draw or by a helper declared
``s2sad.nondifferentiable``: (source, args) of a tiny function using each, made
:class:`~s2sad.fuzz.constructs.Construct` rows there."""


import numpy as np

LOOP_DRAW_PROBES = {
    # a generator made with a fixed seed in f, drawn from on each trip of a loop
    "draw_in_loop": ("def f(x):\n    lg = np.random.default_rng(3)\n    la = 0.0\n"
                     "    for li in range(3):\n        lae = lg.standard_normal(3)\n"
                     "        la = la + np.sum(np.sin(x * lae) * x)\n    return la\n",
                     (np.array([0.5, 0.1, -0.3]),)),
    # a helper declared without derivative drawing from the generator it is given, called
    # on each trip of a loop: its result changes from trip to trip
    "nondiff_call_in_loop": ("import s2sad\n\n\ndef nh(g):\n    return 0.5 + g.standard_normal(3)"
                             "\n\n\ns2sad.nondifferentiable(nh)\n\n\n"
                             "def f(x):\n    ng = np.random.default_rng(5)\n    na = 0.0\n"
                             "    for ni in range(3):\n"
                             "        na = na + np.sum(np.tanh(x * x * nh(ng)))\n    return na\n",
                             (np.array([0.5, 0.1, -0.3]),)),
    # a helper declared without derivative counting into a module dict (cyclically: each
    # call of f sees the same counts) and returning the count, f using it next to a read of
    # another module dict on each trip of a loop
    "nondiff_counter_in_loop": ("import s2sad\n\nCOUNTS = {'n': 0}\nSCALES = {'s': 1.5}\n\n\n"
                                "def nc():\n    COUNTS['n'] = COUNTS['n'] % 3 + 1\n"
                                "    return COUNTS['n'] * 0.25\n\n\n"
                                "s2sad.nondifferentiable(nc)\n\n\n"
                                "def f(x):\n    ca = 0.0\n    for ci in range(3):\n"
                                "        cae = nc() * SCALES['s']\n"
                                "        ca = ca + np.sum(np.tanh(x * x * cae))\n    return ca\n",
                                (np.array([0.5, 0.1, -0.3]),)),
}
