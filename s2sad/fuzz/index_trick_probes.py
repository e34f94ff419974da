"""The probes of ``generator/index_trick_forms.py``'s constructs (items computed from
their key): (source, args) of a tiny function using each, made
:class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

from s2sad.fuzz.generator.index_trick_forms import OBJECT_ITEM_TEXT

INDEX_TRICK_PROBES = {
    # np.r_ / np.c_ of a differentiated vector, numbers and functions of it
    "index_tricks": ("def f(x):\n    v = np.r_[0.0, x, 0.0]\n"
                     "    m = np.c_[x, x ** 2, np.cos(x)]\n"
                     "    w = np.r_[x[0] * x[1], np.sin(x), 2.0, np.r_[x, 1.0]]\n"
                     "    return np.sum(np.diff(v) ** 2) + np.sum(m[:, 0] * m[:, 1] + m[:, 2])"
                     " + np.sum(w * np.arange(1.0, w.size + 1.0))\n",
                     (np.array([0.5, 0.1, -0.3]),)),
    # an item of a module's object computed from a differentiated key: must be refused
    "object_item": (OBJECT_ITEM_TEXT.format(n=1) + "\n\n\ndef f(x):\n"
                    "    oi1 = np.sum(IT1[x])\n    return 0.25 * oi1\n",
                    (np.array([0.5, 0.1, -0.3]),)),
}
