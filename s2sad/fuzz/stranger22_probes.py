"""The probes of ``generator/stranger22_forms.py``'s constructs (forms a README-only user
found refused or mis-hinted): (source, args) of a tiny function using each, made
:class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

STRANGER22_PROBES = {
    # a helper returning its argument on a path not taken, a write through the name after
    "helper_alias_path": ("def ia1(q):\n    return q\n\n\ndef f(x):\n    ay = x * 1.0\n"
                          "    av = ia1(ay) if x[0] > 50.0 else ay * 2.0\n"
                          "    av[1] = av[1] * 3.0\n"
                          "    return np.sum(ay ** 2) + np.sum(av * x)\n",
                          (np.array([0.5, 0.1, -0.3]),)),
    # del of a list's item and of a dict's, d.pop(k) and d.pop(k, default)
    "item_delete": ("def f(x):\n    dl = [x[0], x[1] * 2.0, np.sin(x[2])]\n    del dl[1]\n"
                    "    dd = {'a': x[0], 'b': x[1] * x[2], 'c': x[2]}\n    del dd['a']\n"
                    "    pv = dd.pop('b') + dd.pop('z', x[0] * 0.5)\n"
                    "    return dl[0] * dl[1] + sum(dd.values()) * pv\n",
                    (np.array([0.5, 0.1, -0.3]),)),
    # sorted with reverse=True and a key
    "sorted_order": ("def f(x):\n    so = sorted([x[0], x[1] + 10.0, x[2] - 30.0], key=abs,"
                     " reverse=True)\n    sr = sorted(x, reverse=True)\n"
                     "    return so[0] * 0.1 + so[1] * so[2] + sr[0] * 3.0 + sr[1]\n",
                     (np.array([0.5, 0.1, -0.3]),)),
    # a loop's else without break, a bare subscript statement (a bounds check)
    "loop_else": ("def f(x):\n    s = x[0]\n    x[2]\n    for v in x:\n        s = s + v * x[1]\n"
                  "    else:\n        s = s * 2.0\n    return s\n",
                  (np.array([0.5, 0.1, -0.3]),)),
    # items of a 1-d array (numbers) in a list, a dict, then the array written in place
    "written_items": ("def f(x):\n    wc = [x[0], x[1] * 2.0]\n    x *= -0.75\n"
                      "    wy = x * 1.0\n    wd = {'a': wy[0], 'b': (wy[1], np.sin(wy[2]))}\n"
                      "    wy[1:] = wy[1:] * 0.5\n"
                      "    return wc[0] * wc[1] + wd['a'] * wd['b'][1] + np.sum(wy * x)\n",
                      (np.array([0.5, 0.1, -0.3]),)),
}
