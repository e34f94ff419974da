"""The probe of ``generator/recursive_forms.py``'s construct (a recursive helper over
nested containers mixing lists, tuples, dicts, numbers and arrays): (source, args) of a
tiny function using it, made a :class:`~s2sad.fuzz.constructs.Construct` row there."""

import numpy as np

RECURSIVE_PROBES = {
    # a helper summing over a nested mix of containers and leaves, its base case last
    # (reverse mode once dropped the gradient of one kind of item, or crashed on tuples
    # and dicts); a helper mapping such a mix to a new one, totalled by a third
    "recursive_containers": (
        "def rc1(t, w):\n    if isinstance(t, dict):\n        s = 0.0\n"
        "        for k in t:\n            s = s + rc1(t[k], w * 0.5)\n        return s\n"
        "    if isinstance(t, (list, tuple)):\n        s = 0.0\n        for c in t:\n"
        "            s = s + rc1(c, w * 0.5)\n        return s\n"
        "    return w * np.sum(np.sin(t) * t)\n\n\n"
        "def rm2(t):\n    if isinstance(t, list):\n        return [rm2(c) for c in t]\n"
        "    if isinstance(t, tuple):\n        return tuple(rm2(c) for c in t)\n"
        "    if isinstance(t, dict):\n        return {k: rm2(v) for k, v in t.items()}\n"
        "    return np.cos(t) * t\n\n\n"
        "def rs2(t):\n    if not isinstance(t, (list, tuple, dict)):\n"
        "        return np.sum(t)\n    if isinstance(t, dict):\n"
        "        return sum(rs2(v) for v in t.values())\n    return sum(rs2(c) for c in t)\n\n\n"
        "def f(x):\n    rn = [x[0], (x[1:], {'a': np.sin(x), 'b': [0.5, x[2] * x[0]]})]\n"
        "    return rc1(rn, 1.0) + rc1([[x[1]], x[2]], 2.0) + rs2(rm2(rn))\n",
        (np.array([0.5, 0.1, -0.3]),)),
}
