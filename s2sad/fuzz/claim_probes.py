"""The probes of ``generator/claim_forms.py``'s and ``claim_effects.py``'s constructs
(forms the README claims that no generator wrote): (source, args) of a tiny function
using each, made :class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

X3 = np.array([0.5, 0.1, -0.3])
M23 = np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]])

CLAIM_PROBES = {
    "ufunc_method": ("def f(m):\n    s = np.sum(np.add.reduce(m, axis=1)) * np.sum(np.maximum.reduce(m))\n"
                     "    s = s + np.sum(np.multiply.accumulate(np.tanh(m), axis=1))\n"
                     "    return s + np.sum(np.multiply.outer(m[0], C2)) "
                     "+ np.sum(np.minimum.reduce(m, 1))\n", (M23,)),
    "reduce_keywords": ("def f(x):\n    mk = np.array([True, False, True])\n"
                        "    s = np.sum(x, where=mk, initial=0.5) + np.mean(x, where=mk)\n"
                        "    s = s + x.prod(initial=0.5) + np.max(x, where=mk, initial=-5.0)\n"
                        "    return s + np.sum(np.array(x, ndmin=2) * C3)\n", (X3,)),
    "zero_d_reduce": ("def f(x):\n    z = np.array(x[1] * 0.5)\n"
                      "    return np.sum(z, axis=0) + np.max(x[2], axis=0) + z.mean(axis=())\n",
                      (X3,)),
    "item_iterators": ("import builtins\nimport itertools\nfrom builtins import max as MX, "
                       "pow as PW\n\n\ndef f(x):\n    s = 0.0\n"
                       "    for a, b in itertools.combinations(x, 2):\n"
                       "        s = s + a * np.sin(b)\n"
                       "    for a, b in itertools.product(x, C2):\n        s = s + a * b\n"
                       "    return s + max(x) + min(v * v for v in x) + builtins.max(x[0], x[1])"
                       " + MX(x) + PW(x[2] * x[2] + 1.0, 0.5)\n", (X3,)),
    "triu_pairs": ("def f(x):\n    r2 = (x[:, None] - x[None, :]) ** 2 + 0.5\n"
                   "    s = np.sum(np.sqrt(r2[np.triu_indices(3, 1)]))\n"
                   "    for i in range(3):\n        for j in range(i + 1, 3):\n"
                   "            s = s + 1.0 / r2[i, j]\n    return s\n", (X3,)),
    "maybe_view_write": ("def f(x):\n    a = np.sin(x) * 1.0\n    v = np.asfortranarray(a)\n"
                         "    v[0] = v[0] * 0.5 + x[1]\n    return np.sum(v * x)\n", (X3,)),
    "print_in_branch": ("def f(x):\n    s = 0.0\n    for i in range(3):\n"
                        "        s = s + np.sin(x[i])\n        if x[i] > 0.0:\n"
                        "            print('step', i)\n    return s\n", (X3,)),
    # a refusal that must stay one: a deque (a module global) given as an argument
    # a refusal that must stay one: a list in arithmetic with a differentiated array
    "nested_writer": ("def f(x):\n    def nw0(r, v):\n"
                      "        np.add.at(r, np.array([0, 0, 2]), v)\n"
                      "    bw0 = np.zeros(3)\n    nw0(bw0, x)\n    return np.sum(bw0 ** 2)\n",
                      (X3,)),
    "fresh_direction": ("def fk0(q):\n    return np.array([np.sin(q[0]), q[1] * q[0], q[2]])"
                        "\n\n\ndef f(x):\n    cl0 = []\n    for i0 in range(3):\n"
                        "        e0 = np.zeros(3)\n        e0[i0] = 1.0\n"
                        "        cl0.append(s2sad.jvp(fk0)(x, e0)[1])\n"
                        "    return np.sum(np.stack(cl0) ** 2)\n", (X3,)),
    "list_arith": ("def f(x):\n    sl0 = [0.5, -1.0, 2.0]\n    return np.sum(sl0 * x)\n", (X3,)),
    "module_partial": ("import functools\n\nGP0 = np.array([0.5, -1.0, 2.0])\n\n\n"
                       "def hp0(u, c):\n    return c * np.sin(u) + u * u\n\n\n"
                       "PM0 = functools.partial(hp0, c=GP0)\nPM1 = functools.partial(hp0, "
                       "0.75)\n\n\ndef f(x):\n    return np.sum(PM0(x)) + np.sum(PM1(c=x))\n",
                       (X3,)),
    "called_partial": ("import functools\n\nPQ0 = functools.partial(np.sum, axis=0)\n\n\n"
                       "def f(x):\n    p = functools.partial(lambda u, c: c * np.sin(u) + u * u, "
                       "c=0.5 * np.sum(x))\n    pp = functools.partial(p, c=1.5)\n"
                       "    s = np.sum(p(x)) + np.sum(pp(x)) + PQ0(x * x)\n"
                       "    for k in range(2):\n"
                       "        q = functools.partial(lambda u, c: c * np.tanh(u), c=k + 0.5)\n"
                       "        s = s + np.sum(q(x))\n"
                       "    return s + np.sum(functools.partial(np.multiply, 0.5)(x)) + sum(map(p, x))"
                       " + sum(map(functools.partial(np.multiply, 0.5), x))\n", (X3,)),
    # a refusal that must stay one: a write through np.asanyarray(a), a itself
    "unseen_view_write": ("def f(x):\n    ub1 = np.cos(x) * 1.0\n    uw1 = np.asanyarray(ub1)\n"
                          "    uw1 *= 0.5\n    return np.sum(ub1)\n", (X3,)),
    "slice_update": ("def f(x):\n    s = np.sin(x) * 1.0\n    a = s[:1]\n    b = s[1:]\n"
                     "    b -= 0.5 * a\n    return np.sum(np.tanh(b)) + np.sum(a)\n", (X3,)),
    # np.add.at / np.subtract.at on a parameter of f (copied at the start, as for
    # x[i] += v), a position named twice
    "param_ufunc_at": ("def f(x):\n    s = np.sum(np.sin(x) * x)\n"
                       "    np.add.at(x, [0, 0, 2], np.cos(x[1]))\n"
                       "    np.subtract.at(x, 1, x[2] * 0.5)\n    return s + np.sum(x * x)\n",
                       (np.array([0.5, 0.1, -0.3]),)),
    # a refusal that must stay one: an overwrite flag True by position, the result unused
    "overwrite_position": ("def f(x):\n    ow1 = np.asfortranarray(np.outer(x, x) + np.eye(3))\n"
                           "    _ = sla.lu_factor(ow1, True)\n    return np.sum(np.tanh(ow1))\n",
                           (X3,)),
    "foreign_arg": ("from collections import deque\n\nFQ = deque([0.5, -0.25])\n\n\n"
                    "def f(x, fq=FQ):\n    return np.sum(x) * fq[0]\n", (X3,)),
}
