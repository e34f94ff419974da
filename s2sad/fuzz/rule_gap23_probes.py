"""The probes of ``generator/rule_gap23_forms.py``'s constructs (forms the rule tables
refused or got wrong): (source, args) of a tiny function using each, made
:class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

RULE_GAP23_PROBES = {
    # integer- and bool-valued functions of a differentiated vector, as indices and masks
    "index_results": ("def f(x):\n    k = x + np.array([0.0, 40.0, -40.0])\n"
                      "    s = np.outer(x, x)\n    s[np.diag_indices_from(s)] += 1.0\n"
                      "    t = np.sum(x[np.argpartition(k, 1)[:2]] ** 2) + np.sum(s * s)\n"
                      "    t = t + np.sum(x[np.lexsort((x, k))] * np.arange(3.0))\n"
                      "    t = t + x[np.nanargmax(k)] * np.sum(s[np.tril_indices_from(s)])\n"
                      "    return t + np.sum(np.where(np.isin(x, x[:1]), x ** 2, x))\n",
                      (np.array([0.5, 0.1, -0.3]),)),
    # an infinite entry of the data divided by a differentiated value, under exp
    "infinite_entry": ("def f(x):\n    e = np.array([1.0, np.inf, 2.0])\n"
                       "    g = 1.5 + x[0] * x[0]\n"
                       "    t = -g * np.log(np.sum(np.exp(-e / g)))\n"
                       "    return t + np.sum(np.exp(-e / (1.5 + x * x)) * x)\n",
                       (np.array([0.5, 0.1, -0.3]),)),
}
