"""The probes of ``generator/effect_forms.py``'s constructs (statements run for their
effect, guards, keyword arguments, list parameters added to lists): (source, args) of a
tiny function using each, made :class:`~s2sad.fuzz.constructs.Construct` rows there."""

import numpy as np

EFFECT_PROBES = {
    "effect_print": ("def f(x):\n    print('f: x', x.shape)\n    for i in range(2):\n"
                     "        print('step', i, np.sum(x) * i)\n"
                     "    return np.sum(np.sin(x))\n", (np.array([0.5, 0.1, -0.3]),)),
    "effect_log": ("import logging\nlog = logging.getLogger('s2sad_fuzz_effects')\n\n\n"
                   "def f(x):\n    log.info('f: %s', x.shape)\n"
                   "    log.debug('sum %.6f', np.sum(x))\n"
                   "    return np.sum(np.sin(x))\n", (np.array([0.5, 0.1, -0.3]),)),
    "effect_warn": ("import warnings\n\n\ndef f(x):\n"
                    "    warnings.warn('f: x has shape ' + str(np.shape(x)))\n"
                    "    warnings.warn('f: x read', RuntimeWarning)\n"
                    "    return np.sum(np.sin(x))\n", (np.array([0.5, 0.1, -0.3]),)),
    "effect_helper": ("def rp1(a, label):\n    if np.max(a) > 10.0:\n"
                      "        print(label, 'is large')\n    else:\n"
                      "        print(label, 'ok', np.shape(a))\n\n\n"
                      "def f(x):\n    rp1(x, 'x')\n    return np.sum(np.sin(x))\n",
                      (np.array([0.5, 0.1, -0.3]),)),
    "guard_raise": ("def f(x):\n    if np.max(x) > 40.0:\n"
                    "        raise ValueError('x is out of range') from KeyError('limit')\n"
                    "    for i in range(3):\n        if x[i] > 40.0:\n"
                    "            raise ArithmeticError('item too large', i)\n"
                    "    if np.max(x) > 40.0:\n        raise OverflowError('x')\n"
                    "    else:\n        gr = np.sum(np.sin(x))\n    return gr\n",
                    (np.array([0.5, 0.1, -0.3]),)),
    "assert_msg": ("def f(x):\n    assert np.max(x) < 40.0, 'x must stay below 40.0'\n"
                   "    return np.sum(np.sin(x))\n", (np.array([0.5, 0.1, -0.3]),)),
    "helper_accumulate": ("def ac1(p, v):\n    p *= v\n\n\n"
                          "def f(x):\n    bf = x * 0.5 + 0.25\n    ac1(bf, np.tanh(x))\n"
                          "    return np.sum(bf * x)\n", (np.array([0.5, 0.1, -0.3]),)),
    "kw_dtype": ("def f(x):\n    return np.sum(x, dtype=np.float64) * np.mean(np.sin(x), "
                 "dtype=float) + np.sum(np.add(x, x * x, dtype=np.float64))\n",
                 (np.array([0.5, 0.1, -0.3]),)),
    "kw_initial_where": ("def f(x):\n    return np.max(x, initial=-5.0) + "
                         "np.amin(x * x, where=np.array([True, False, True]), "
                         "initial=5.0) + np.sum(x, initial=1.0)\n",
                         (np.array([0.5, 0.1, -0.3]),)),
    "memory_order": ("def f(m):\n    return np.sum(m.reshape((3, 2), order='F') @ C2) + "
                     "np.sum(m.copy('F') * np.asfortranarray(m)) + "
                     "np.sum(m.astype(float, copy=False) * np.ascontiguousarray(m))\n",
                     (np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]),)),
    "list_param_add": ("def f(x, xs):\n    la = [x] + xs\n    lb = xs + xs\n"
                       "    return np.sum(la[0] * la[1]) + np.sum(lb[-1] * lb[0])\n",
                       (np.array([0.5, 0.1, -0.3]),
                        [np.array([0.2, -0.4, 0.3]), np.array([0.1, 0.7, -0.2])])),
    "unused_check": ("def ck1(a):\n    if np.max(a) > 40.0:\n"
                     "        raise ValueError('a is too large')\n    return a * 1.0\n\n\n"
                     "def f(x):\n    uc1 = ck1(x)\n"
                     "    uc2 = np.linalg.cholesky(np.eye(2) * (40.0 - np.max(x)))\n"
                     "    return np.sum(np.sin(x))\n", (np.array([0.5, 0.1, -0.3]),)),
}
