"""The probes of ``generator/class_forms.py``'s constructs (methods of the program's own
classes, chained assignments, sets of constants tested for membership, dicts made anew
each trip of a loop, items of containers copied whole, methods reading attributes of
self and calling self's methods): (source, args) of a tiny
function using each, made :class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

from s2sad.fuzz.generator.class_forms import CLASS_TEXT, OBJECT_TEXT

X3 = np.array([0.5, 0.1, -0.3])

CLASS_PROBES = {
    "class_methods": (CLASS_TEXT.format(n=1) + "\n\n\ndef f(x):\n"
                      "    b = x * 1.0\n    Cm1.put(b, x * x)\n    CM1.put(b, x)\n"
                      "    return (Cm1.dot(x, np.sin(x)) + np.sum(CM1.clip(x, 0.5))\n"
                      "            + np.sum(Cm1.h(CM1, x) + CM1.h(x)) + np.sum(b * x)"
                      " + CM1.dot(x, x))\n", (X3,)),
    "chained_targets": ("def f(x):\n    a, b = c, d = x[0] * 2.0, np.sin(x[1])\n"
                        "    y = x * 1.0\n    y[0] = y[-1] = np.sin(x[1])\n"
                        "    z = y[1] = np.tanh(x[2])\n"
                        "    return a * d + b * c * c + np.sum(y * y) * z\n", (X3,)),
    "set_membership": ("def f(x):\n    s = 0.0\n    for i, k in enumerate(('a', 'b', 'c')):\n"
                       "        s = s + x[i] ** 2 * (1.0 if k in {'a', 'c'} else 2.0)\n"
                       "        s = s + x[i] * (0.5 if i not in {0, 2} else 1.5)\n"
                       "    return s\n", (X3,)),
    "fresh_dict_loop": ("def f(x):\n    d = {'a': x, 'b': np.sin(x)}\n"
                        "    m = {k: x * 0.0 for k in d}\n    for t in range(2):\n"
                        "        q = {}\n        for k in d:\n"
                        "            q[k] = 0.9 * m[k] + d[k] * x\n        m = q\n"
                        "    return np.sum(m['a'] * m['b'])\n", (X3,)),
    "copied_item": ("def f(x):\n    cl = [{'a': 0.5 * x, 'b': np.sin(x)}, {'a': np.cos(x)}]\n"
                    "    q = cl[0].copy()\n    q['a'] = q['a'] * q['b']\n"
                    "    ll = [[x], [np.sin(x), x * x]]\n    r = ll[1].copy()\n"
                    "    r.append(r[0] * r[1])\n"
                    "    t = ({'a': x * 2.0}, {'a': np.tanh(x)})\n    u = t[1].copy()\n"
                    "    return np.sum(q['a'] * cl[0]['a'] + r[2] * ll[1][0] + u['a'] * x)\n",
                    (X3,)),
    "object_methods": (OBJECT_TEXT.format(n=1, cls="Cs1") + "\n\n\ndef f(x):\n"
                       "    return np.sum(Co1.step(CO1, x) * x + CO1.step(x * 0.5) + CO1(x))\n",
                       (X3,)),
}
