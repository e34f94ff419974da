"""The probes of ``generator/gap_forms.py``'s constructs (forms the README claims that
only regression tests wrote: itertools' index tuples, accumulators, sum of lists, map, a
module-level lambda, numpy's constants and casts, lstsq and pinv, the code refusals' hints
give; two refusals that must stay refusals; and what the checker does around ``f``: its
inputs' memory layouts, an empty
argument, an entry point that is a lambda or a ``functools.partial``): (source, args) of a
tiny function using each, made :class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

GAP_PROBES = {
    # the forms of gap_forms.py: index tuples of itertools, accumulators, sum of lists,
    # map, a module-level lambda, numpy's constants and casts, lstsq and pinv
    "index_tuples": ("import itertools\n\n\ndef f(x):\n    s = 0.0\n"
                     "    for i, j in itertools.combinations(range(3), 2):\n"
                     "        s = s + x[i] * np.sin(x[j])\n"
                     "    for i, j in itertools.product(range(3), repeat=2):\n"
                     "        s = s + 0.1 * x[i] * x[j] / (i + j + 1)\n"
                     "    for i, j in itertools.permutations(range(3), 2):\n"
                     "        s = s + 0.2 * x[i] * x[j] * x[j]\n    return s\n",
                     (np.array([0.5, 0.1, -0.3]),)),
    "dict_accumulator": ("from collections import Counter, defaultdict\n\n\n"
                         "def f(x):\n    d = defaultdict(float)\n    c = Counter()\n"
                         "    for i in range(3):\n        d[i % 2] += x[i] * x[i]\n"
                         "        c['a'] += np.sin(x[i])\n"
                         "    return d[0] * d[1] + c['a'] + d[5] + c['zz']\n",
                         (np.array([0.5, 0.1, -0.3]),)),
    "nested_dict_state": ("def f(x):\n    ns = {'m': {'a': x * 0.5, 'b': np.sin(x)}}\n"
                          "    for k in ns['m']:\n"
                          "        ns['m'][k] = 0.9 * ns['m'][k] + np.sin(x) * x\n"
                          "    cp = ns['m'].copy()\n    for k in cp:\n"
                          "        cp[k] = cp[k] * np.cos(x)\n    ns['m'] = cp\n"
                          "    return np.sum(ns['m']['a']) + np.sum(ns['m']['b'] ** 2)\n",
                          (np.array([0.5, 0.1, -0.3]),)),
    "sum_lists": ("def f(x):\n    ls = sum([[x[0], x[1] * 2.0], [np.sin(x[2])]], [])\n"
                  "    tp = sum(((x[0],), (x[2] * x[1],)), ())\n"
                  "    return ls[0] * ls[2] + ls[1] * len(ls) + tp[1]\n",
                  (np.array([0.5, 0.1, -0.3]),)),
    "map_call": ("def hm(v):\n    return np.sin(v) * v\n\n\ndef f(x):\n"
                 "    a = list(map(hm, x))\n    b = list(map(lambda v: v * v, x))\n"
                 "    return sum(a) + b[0] * b[2] + sum(map(hm, x))\n",
                 (np.array([0.5, 0.1, -0.3]),)),
    "module_lambda": ("lam = lambda u, c=0.5: np.sin(u) * c\n\n\ndef f(x):\n"
                      "    return np.sum(lam(x)) + np.sum(lam(x, c=1.5) * x)\n",
                      (np.array([0.5, 0.1, -0.3]),)),
    "numpy_constants": ("def f(x):\n"
                        "    k = np.searchsorted(np.array([-0.5, 0.0, 0.5]), x[0]) % 3\n"
                        "    j = np.digitize(x[1], np.array([-0.5, 0.0, 0.5])) % 3\n"
                        "    n = np.count_nonzero(x > 0.0)\n"
                        "    return (np.float64(x[0]) * x[k] + x[j] * n\n"
                        "            + np.finfo(float).eps * x[1])\n",
                        (np.array([0.5, 0.1, -0.3]),)),
    "lstsq_pinv": ("def f(m):\n"
                   "    s = np.linalg.lstsq(m.T + C23.T, C3, rcond=None)[0]\n"
                   "    return np.sum(np.tanh(s)) + np.sum(np.linalg.pinv(m + C23) @ C2)\n",
                   (np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]),)),
    "hint_forms": ("def f(m):\n    h = m * 1.0\n    ff = h.flatten()\n"
                   "    ff[[0, 5]] = np.sin(m.ravel()[:2])\n    h = ff.reshape(h.shape)\n"
                   "    p = m * 1.0\n    mk = p > 0.0\n    vs = [m[0, 0] * 2.0, 0.5]\n"
                   "    p[mk] = np.asarray(vs)[np.arange(np.count_nonzero(mk)) % len(vs)]\n"
                   "    p[np.array([[1, 0, 1]]), np.arange(p.shape[1])] = np.tanh(m[:1, :])\n"
                   "    g = np.concatenate([h.ravel(), np.zeros(max(8 - h.size, 0))])[:8]\n"
                   "    s = np.select([m < 0.0, m >= 0.0], [m ** 2, np.sin(m)])\n"
                   "    p[[1, 0][0]] = m.ravel()[np.argmax([abs(v) for v in m.ravel()])]\n"
                   "    return np.sum(h * m) + np.sum(p * m) + np.sum(g ** 2) + np.sum(s)\n",
                   (np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]),)),
    # refusals that must stay refusals (located s2sad errors: a deque with maxlen, a class
    # of the user's with .append)
    "deque_maxlen": ("from collections import deque\n\n\ndef f(x):\n"
                     "    dq1 = deque(maxlen=2)\n    for i in range(3):\n"
                     "        dq1.append(x * i)\n    return sum(dq1)\n", (0.7,)),
    "class_append": ("class Ua1:\n\n    def __init__(self):\n"
                     "        self.items = []\n\n    def append(self, v):\n"
                     "        self.items.append(v)\n\n\ndef f(x):\n"
                     "    ua1 = Ua1()\n    ua1.append(np.sin(x))\n"
                     "    return np.sum(ua1.items[0])\n", (0.7,)),
    # what the checker does around f: layouts of its array arguments, an empty argument,
    # an entry point that is a lambda or a functools.partial (gap_forms.py)
    "input_layout": ("def f(m):\n    return np.sum(np.sin(m) * m[0])\n",
                     (np.asfortranarray([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]),)),
    "empty_arg": ("def f(x, ze):\n    return np.sum(x * x) + np.sum(np.sin(ze))\n",
                  (np.array([0.5, 0.1, -0.3]), np.zeros(0))),
    "entry_lambda": ("def q(x):\n    return np.sum(np.sin(x) * x)\n\n\n"
                     "f = lambda x: q(x)\n", (np.array([0.5, 0.1, -0.3]),)),
    "entry_partial": ("import functools\n\n\ndef q(x, *, kq=0.5):\n"
                      "    return np.sum(np.sin(x)) * kq\n\n\n"
                      "f = functools.partial(q, kq=1.25)\n",
                      (np.array([0.5, 0.1, -0.3]),)),
}
