"""The constructs the generator can emit, each with its probe, and the feature tables.

Some probes are rows of their own modules (:mod:`~s2sad.fuzz.probe_tables` lists them);
what s2sad may or must refuse is :mod:`~s2sad.fuzz.refusal_tables`."""

from dataclasses import dataclass

import numpy as np

from s2sad.fuzz.probe_tables import CLAIMED_TABLES, PROBE_TABLES
from s2sad.fuzz.ops import BINARY, CONVERT, M, S, UNARY, V, W


# ------------------------------------------------------------------ constructs
#
# Each construct the generator can emit has a probe: a tiny function using it,
# with arguments.  The probe decides whether the construct is enabled.

@dataclass(frozen=True)
class Construct:
    source: str          # defines f (and maybe helpers); numpy is imported as np
    args: tuple
    output: str = "scalar"


CONSTRUCTS = {
    "straight": Construct("def f(x):\n    y = np.sin(x) * x\n    return y * y\n", (0.7,)),
    "reassign": Construct("def f(x):\n    y = x * 2.0\n    y = y * x\n    return y\n", (0.7,)),
    "aug_assign": Construct("def f(x):\n    y = x * 2.0\n    y += x\n    y *= 0.5\n"
                            "    return y\n", (0.7,)),
    "tuple_assign": Construct("def f(x):\n    a, b = x * 2.0, np.sin(x)\n    a, b = b, a\n"
                              "    return a * b\n", (0.7,)),
    "if": Construct("def f(x):\n    if x > 0.0:\n        y = x * x\n    elif x > -1.0:\n"
                    "        y = np.sin(x)\n    else:\n        y = -x\n    return y\n", (0.7,)),
    "ifexp": Construct("def f(x):\n    y = x * x if x > 0.0 else -x\n    return y\n", (0.7,)),
    "boolop": Construct("def f(x):\n    y = x\n    if x > 0.0 and not x > 2.0 or x < -3.0:\n"
                        "        y = x * x\n    return y\n", (0.7,)),
    "chained_compare": Construct("def f(x):\n    y = x\n    if -1.0 < x * x <= 2.0 < 3.0 * x:\n"
                                 "        y = x * x\n    return y + (0.0 <= x < 5.0) * x\n",
                                 (0.9,)),
    "for_range": Construct("def f(x, n):\n    s = 0.0\n    for i in range(n):\n"
                           "        s = 0.5 * s + np.sin(x * i)\n    return s\n", (0.7, 3)),
    "for_range_args": Construct("def f(x):\n    s = 0.0\n    for i in range(1, len(x), 1):\n"
                                "        s = s + x[i] * i\n    return s\n",
                                (np.array([0.5, 0.1, -0.3]),)),
    "for_array": Construct("def f(x):\n    s = 0.0\n    for r in x:\n        s = s + np.sum(r * r)\n"
                           "    return s\n", (np.array([[0.5, 0.1], [-0.3, 0.2]]),)),
    "for_enumerate": Construct("def f(x):\n    s = 0.0\n    for k, e in enumerate(x):\n"
                               "        s = s + k * e * e\n    return s\n",
                               (np.array([0.5, 0.1, -0.3]),)),
    "for_zip": Construct("def f(x):\n    s = 0.0\n    for p, q in zip(x, C3):\n"
                         "        s = s + p * q\n    return s\n", (np.array([0.5, 0.1, -0.3]),)),
    "for_index": Construct("def f(x):\n    s = 0.0\n    for i in range(3):\n"
                           "        s = s + x[i] * x[i]\n    return s\n",
                           (np.array([0.5, 0.1, -0.3]),)),
    "index_shift": Construct("def f(x):\n    s = 0.0\n    for i in range(2):\n"
                             "        s = s + x[i + 1] * x[i - 1]\n    return s\n",
                             (np.array([0.5, 0.1, -0.3]),)),
    "matrix_item": Construct("def f(x):\n    s = 0.0\n    for i in range(2):\n"
                             "        for j in range(3):\n"
                             "            s = s + x[i, j] * x[i, 2 - j] * x[i, 1]\n    return s\n",
                             (np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]),)),
    "while_counter": Construct("def f(x):\n    k = 0\n    s = x\n    while k < 3:\n"
                               "        k = k + 1\n        s = np.sin(s) * x\n    return s\n",
                               (0.7,)),
    "while_data": Construct("def f(x):\n    t = 0.1 * x\n    while t < 1.0:\n"
                            "        t = t + 0.5 + 0.25 * np.tanh(x)\n    return t * x\n", (0.7,)),
    "nested_loop": Construct("def f(x):\n    s = 0.0\n    for i in range(2):\n"
                             "        for j in range(2):\n            s = s + x * i + j * x * x\n"
                             "    return s\n", (0.7,)),
    "if_in_loop": Construct("def f(x):\n    s = x\n    for i in range(3):\n"
                            "        if s > 0.5:\n            s = s * 0.5\n        else:\n"
                            "            s = s + x\n    return s\n", (0.7,)),
    "break": Construct("def f(x):\n    s = x\n    for i in range(4):\n        s = s * x\n"
                       "        if s < 0.2:\n            break\n    return s\n", (0.7,)),
    "continue": Construct("def f(x):\n    s = x\n    for i in range(4):\n        if i == 1:\n"
                          "            continue\n        s = s * x\n    return s\n", (0.7,)),
    "return_in_if": Construct("def f(x):\n    if x > 0.0:\n        return x * x\n"
                              "    y = np.sin(x)\n    return y\n", (0.7,)),
    "return_in_loop": Construct("def f(x):\n    s = x\n    for i in range(3):\n        s = s * x\n"
                                "        if s < 0.5:\n            return s\n    return s * 2.0\n",
                                (0.7,)),
    "helper_call": Construct("def h(a, b):\n    c = a * b\n    return np.sin(c) + a\n\n\n"
                             "def f(x):\n    y = h(x, 2.0)\n    return y * h(y, x)\n", (0.7,)),
    "derivative_call": Construct("def h(a, b):\n    return np.sum(np.sin(a * b))\n\n\n"
                                 "def f(x):\n    g = s2sad.grad(h)(x, 2.0)\n"
                                 "    v, t = s2sad.jvp(h)(x, x, g)\n"
                                 "    return np.sum(g * x) + t * v\n",
                                 (np.array([0.5, 0.1, -0.3]),)),
    "derivative_default": Construct("def h(a, b, c=0.5):\n    return np.sum(np.sin(a * b)) * c"
                                    "\n\n\ndef f(x):\n    g = s2sad.hvp(h)(x, 2.0, x)\n"
                                    "    t = s2sad.jvp(h)(x, x, g, c=0.3)[1]\n"
                                    "    return np.sum(g * x) + t * s2sad.grad(h)(x, 1.5)[0]\n",
                                    (np.array([0.5, 0.1, -0.3]),)),
    # the helper's default keyword-only (a numpy number: read where the call runs)
    "derivative_kwonly": Construct("def h(a, b, *, c=np.float64(0.5)):\n    return np.sum(np.sin("
                                   "a * b)) * c\n\n\ndef f(x):\n    g = s2sad.hvp(h)(x, 2.0, x)\n"
                                   "    t = s2sad.jvp(h, wrt=1)(x, x, g, c=0.3)[1]\n"
                                   "    return np.sum(g * x) + t * s2sad.grad(h)(x, 1.5)[0]\n",
                                   (np.array([0.5, 0.1, -0.3]),)),
    "helper_kwargs": Construct("def h(a, b=0.5):\n    return a * b\n\n\n"
                               "def f(x):\n    return h(x) + h(x, b=x)\n", (0.7,)),
    "helper_control": Construct("def h(a):\n    s = a\n    for i in range(2):\n"
                                "        if s > 0.0:\n            s = s * a\n    return s\n\n\n"
                                "def f(x):\n    return h(x) * x\n", (0.7,)),
    "inplace": Construct("def f(x):\n    b = np.zeros(3)\n    b[0] = x[1] * x[2]\n"
                         "    b[1:3] += np.sin(x[0:2])\n    return np.sum(b * x)\n",
                         (np.array([0.5, 0.1, -0.3]),)),
    # writes by integer lists of distinct positions out of order
    "inplace_index_list": Construct("def f(x):\n    b = np.zeros(3)\n"
                                    "    b[[2, 0]] = np.sin(x[0:2])\n"
                                    "    b[[1, 2, 0]] += x * x[0]\n    return np.sum(b * x)\n",
                                    (np.array([0.5, 0.1, -0.3]),)),
    "inplace_loop": Construct("def f(x):\n    b = np.zeros(3)\n    for i in range(3):\n"
                              "        b[i] = np.sin(x[i]) * np.sum(b)\n    return np.sum(b * x)\n",
                              (np.array([0.5, 0.1, -0.3]),)),
    "list_append": Construct("def f(x):\n    acc = []\n    for i in range(3):\n"
                             "        acc.append(x * i)\n    return np.sum(np.array(acc)) + sum(acc)\n",
                             (0.7,)),
    # a 0-d array written whole (its adjoint may be a number, which takes no index)
    "zero_d_write": Construct("def f(x):\n    zd = np.zeros(())\n    zd[...] = x ** 2\n"
                              "    zd[()] += np.sin(x)\n    for i in range(2):\n"
                              "        zd[...] *= np.tanh(x)\n"
                              "    return zd * 1.5 + zd[()] * 1.5\n", (0.7,)),
    "array_output": Construct("def f(x):\n    return np.sin(x) * x\n",
                              (np.array([0.5, 0.1, -0.3]),), "array"),
    "tuple_output": Construct("def f(x):\n    return np.sin(x), x * 2.0\n", (0.7,), "tuple"),
    # a list or dict output (nested): its cotangent is a container of its structure
    "container_output": Construct("def f(x):\n    return [np.sin(x), {'a': x * 2.0}]\n", (0.7,),
                                  "container"),
    # constructs of issue 11: Python's own semantics (see CLAIMED)
    "after_loop": Construct("def f(x):\n    i = 0\n    for i in range(3):\n        pass\n"
                            "    s = 0.0\n    for row in x:\n        s = s + np.sum(row)\n"
                            "    return x[0, 0] * i + np.sum(row * row) + s\n",
                            (np.array([[0.5, 0.1], [-0.3, 0.2]]),)),
    "after_break": Construct("def f(x):\n    for i in range(4):\n        if i * x > 1.0:\n"
                             "            break\n    return x * i\n", (0.7,)),
    "after_nested_reuse": Construct("def f(x):\n    s = x\n    for i in range(2):\n"
                                    "        for i in range(3):\n            s = s + x * i\n"
                                    "    return s * i\n", (0.7,)),
    "after_zero_trip": Construct("def f(x):\n    i = 1\n    for i in range(0):\n        pass\n"
                                 "    e = x[0] * 2.0\n    for e in x[3:]:\n        pass\n"
                                 "    return e * i\n", (np.array([0.5, 0.1, -0.3]),)),
    # a number carried through a loop that becomes an array on the first trip
    "loop_grows": Construct("def f(x):\n    g = np.sum(x) * 0.5\n    for i in range(2):\n"
                            "        g = g + x * 0.3\n    return np.sum(g * g)\n",
                            (np.array([0.5, 0.1, -0.3]),)),
    "reversed_range": Construct("def f(x):\n    s = 0.0\n    for i in reversed(range(3)):\n"
                                "        s = 0.5 * s + x[i]\n    return s * s\n",
                                (np.array([0.5, 0.1, -0.3]),)),
    "alias_branch": Construct("def f(x):\n    a = x * 1.0\n    if x[0] > 0.0:\n        b = a\n"
                              "    else:\n        b = x * 3.0\n    b[1] = x[2] * x[0]\n"
                              "    b += x\n    return np.sum(a * x) + np.sum(b)\n",
                              (np.array([0.5, 0.1, -0.3]),)),
    "alias_ifexp": Construct("def f(x):\n    a = x * 1.0\n    b = a if x[0] > 0.0 else x * 3.0\n"
                             "    b += x\n    return np.sum(a * x)\n",
                             (np.array([0.5, 0.1, -0.3]),)),
    "alias_helper": Construct("def same(a):\n    return a\n\n\ndef f(x):\n    a = x * 1.0\n"
                              "    b = same(a)\n    b[0] = x[1] * x[1]\n    b *= 0.5\n"
                              "    return np.sum(a * x)\n", (np.array([0.5, 0.1, -0.3]),)),
    "alias_container": Construct("def f(x):\n    a = x * 1.0\n    box = {'p': a, 'q': x * 2.0}\n"
                                 "    b = box['p']\n    b[0] = x[1] * x[2]\n    b -= x\n"
                                 "    return np.sum(a * x)\n", (np.array([0.5, 0.1, -0.3]),)),
    "alias_loop": Construct("def f(x):\n    a = x * 1.0\n    b = x * 2.0\n    for i in range(2):\n"
                            "        b += x\n        b = a\n    return np.sum(a * x)\n",
                            (np.array([0.5, 0.1, -0.3]),)),
    "decorator": Construct("import functools\n\n\ndef deco(fn):\n\n    @functools.wraps(fn)\n"
                           "    def wrapper(*args, **kwargs):\n"
                           "        return 2.0 * fn(*args, **kwargs) + 0.5\n    return wrapper\n"
                           "\n\n@deco\ndef f(x):\n    return x * x\n", (0.7,)),
    "local_function": Construct("def f(x):\n    g = lambda u: np.tanh(u) * 0.5 + u\n\n"
                                "    def h(u):\n        return np.sin(u) - 0.5 * u\n"
                                "    return np.sum(g(x) * h(x))\n",
                                (np.array([0.5, 0.1, -0.3]),)),
    # a local function's free name shadowed where it is called (a caller's local, parameter
    # or comprehension target of the same name): Python reads the defining scope's
    "closure_shadow": Construct("def f(x):\n    k = np.tanh(np.sum(x))\n"
                                "    g = lambda u: u * k\n\n    def h(u, k):\n"
                                "        return g(u) * k\n    return np.sum(h(x, 0.5) * x)\n",
                                (np.array([0.5, 0.1, -0.3]),)),
    # a local function reading a copy of an array written into between its definition
    # and its call (a view there instead is refused: it would read the old values)
    "closure_view": Construct("def f(x):\n    b = x * 1.0\n    w = np.copy(b[0:2])\n\n"
                              "    def g(u):\n        return u * 0.5 + np.sum(w) * 0.25\n"
                              "    b[0] = x[2] * 0.5\n    return np.sum(g(x) * b)\n",
                              (np.array([0.5, 0.1, -0.3]),)),
    # the builtin max / min of an array only compared (no tangent rule is needed)
    "max_test": Construct("def f(x):\n    if max(x) > 0.0 and min(x) < 0.5:\n"
                          "        return np.sum(x * x)\n    return np.sum(np.sin(x))\n",
                          (np.array([0.5, 0.1, -0.3]),)),
    "local_function_branch": Construct("def f(x):\n    if x[0] > 0.0:\n"
                                       "        g1 = lambda u: np.tanh(u)\n    else:\n"
                                       "        g1 = lambda u: np.sin(u)\n"
                                       "    return np.sum(g1(x))\n",
                                       (np.array([0.5, 0.1, -0.3]),)),
    "defaults": Construct("K1 = 0.6\n\n\ndef f(x, k1=0.5, k2=K1, k3=C3):\n"
                          "    return np.sum(x * k1 * k2 * k3)\n", (np.array([0.5, 0.1, -0.3]),)),
    "kwonly": Construct("def f(x, *, s1=2.0):\n    return x * s1 * x\n", (0.7,)),
    "int_counter": Construct("def f(x, start):\n    idx = start\n    s = 0.0\n"
                             "    for i in range(2):\n        s = s + x[idx]\n        idx += 1\n"
                             "    return s * idx\n", (np.array([0.5, 0.1, -0.3]), 0)),
    "int_array_write": Construct("def f(x):\n    ia = np.zeros(3, dtype=int)\n"
                                 "    ia[1] = 2.0 * np.tanh(x)\n    return np.sum(x * ia) + x\n",
                                 (0.7,)),
    "writing_helper": Construct("def wh(a, s):\n    a[1] += s * a[0]\n    if s > 0.0:\n"
                                "        a[0:2] = a[1:3] * 0.5\n\n\ndef f(x):\n"
                                "    wa = x * 1.0\n    wh(wa, x[2])\n    return np.sum(wa * x)\n",
                                (np.array([0.5, 0.1, -0.3]),)),
    # writes into f's own array parameters (the caller's arrays must not change), after a
    # read of their old values, in a loop and through a name for a view of one; a number
    # parameter rebound
    "param_array_write": Construct("def f(x, y):\n    s = np.sum(np.sin(x) * y)\n"
                                   "    x[0] = x[1] * y\n    x[1:3] += 0.5 * x[0:2]\n"
                                   "    for i in range(1, 3):\n"
                                   "        x[i] = 0.5 * x[i - 1] + np.tanh(x[i])\n"
                                   "    x *= 0.75\n    pw = x[1:]\n    pw[0] = s * y\n"
                                   "    y = y * 2.0\n    return np.sum(pw * pw) + y * s\n",
                                   (np.array([0.5, 0.1, -0.3]), 0.7)),
    "bool_array_write": Construct("def f(x):\n    ba = np.zeros(3, dtype=bool)\n"
                                  "    ba[1] = x - 0.25\n"
                                  "    return np.sum(np.where(ba, x, 2.0 * x))\n",
                                  (0.7,)),
    # containers (issue 12): lists, tuples and dicts as values, parameters, loop state
    "list_literal": Construct("def f(x):\n    ls = [x * 2.0, np.sin(x)]\n"
                              "    return ls[0] * ls[1] + ls[-1]\n", (0.7,)),
    "tuple_literal": Construct("def f(x):\n    tp = (x * 2.0, np.sin(x))\n"
                               "    return tp[0] * tp[1]\n", (0.7,)),
    "dict_literal": Construct("def f(x):\n    dc = {'a': x * 2.0, 'b': np.sin(x)}\n"
                              "    return dc['a'] * dc['b']\n", (0.7,)),
    "nested_literal": Construct("def f(x):\n    ls = [(x * 2.0, np.sin(x)), (x * x, x)]\n"
                                "    return ls[0][1] * ls[1][0]\n", (0.7,)),
    "param_list": Construct("def f(xs):\n    return np.sum(xs[0] * xs[1]) + xs[-1][0]\n",
                            ([np.array([0.5, 0.1, -0.3]), np.array([0.2, 0.4, 0.6])],)),
    "param_tuple": Construct("def f(tup):\n    return np.sum(tup[0]) * tup[1]\n",
                             ((np.array([0.5, 0.1, -0.3]), 0.7),)),
    "param_dict": Construct("def f(prm):\n    return np.sum(np.tanh(prm['W'] @ C3 + prm['b']))\n",
                            ({"W": np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]),
                              "b": np.array([0.4, -0.2])},)),
    "param_nested": Construct("def f(layers):\n    s = 0.0\n    for W, b in layers:\n"
                              "        s = s + np.sum(np.tanh(W @ C3 + b))\n    return s\n",
                              ([(np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]]),
                                 np.array([0.4, -0.2]))] * 2,)),
    "list_concat": Construct("def f(x):\n    a = [x] + [x * x]\n    b = (x,) + (2.0 * x,)\n"
                             "    return a[1] * b[1] + a[0]\n", (0.7,)),
    "list_repeat": Construct("def f(x):\n    a = [x, 2.0 * x] * 3\n    return a[3] * a[4]\n",
                             (0.7,)),
    "list_slice": Construct("def f(xs):\n    rest = xs[1:]\n"
                            "    return rest[0] * 3.0 + rest[1] * 2.0 + xs[0]\n",
                            ([0.5, 0.1, -0.3],)),
    "list_len": Construct("def f(xs):\n    return sum(xs) / len(xs)\n", ([0.5, 0.1, -0.3],)),
    "unpack": Construct("def f(tup):\n    a, b = tup\n    first, *rest = [a, b, a * b]\n"
                        "    return first * rest[1]\n", ((0.5, 0.7),)),
    # (names as the generator writes them: a refusal on such a line is a false one)
    "list_mutate": Construct("def f(x):\n    ls1 = [x]\n    ls1.append(x * x)\n"
                             "    ls1.extend([2.0 * x])\n    ls1.insert(0, np.sin(x))\n"
                             "    v = ls1.pop()\n    ls1[1] = ls1[1] * v\n"
                             "    return ls1[0] + ls1[1]\n", (0.7,)),
    "dict_write": Construct("def f(x):\n    dc1 = {'v': x}\n    dc1['v'] = dc1['v'] * 2.0\n"
                            "    dc1['w'] = np.sin(x)\n    return dc1['v'] * dc1['w']\n",
                            (0.7,)),
    "dict_get": Construct("def f(prm):\n    return prm.get('a') * prm.get('zz', 2.0)\n",
                          ({"a": 0.7},)),
    "param_write": Construct("def f(prm, xs):\n    prm['b'] = prm['b'] * 2.0\n"
                             "    xs.append(prm['b'])\n    return prm['b'] * xs[0] + xs[-1]\n",
                             ({"b": 0.7}, [0.3])),
    "iter_list": Construct("def f(xs):\n    s = 0.0\n    for e in xs:\n        s = s + e * e\n"
                           "    return s\n", ([0.5, 0.1, -0.3],)),
    "iter_zip": Construct("def f(xs):\n    s = 0.0\n    for a, b in zip(xs, xs[1:]):\n"
                          "        s = s + a * b\n    return s\n", ([0.5, 0.1, -0.3],)),
    "iter_enumerate": Construct("def f(xs):\n    s = 0.0\n    for k, e in enumerate(xs):\n"
                                "        s = s + k * e\n    return s\n", ([0.5, 0.1, -0.3],)),
    "iter_reversed": Construct("def f(xs):\n    s = 0.0\n    for e in reversed(xs):\n"
                               "        s = 0.5 * s + e\n    return s\n", ([0.5, 0.1, -0.3],)),
    "iter_dict": Construct("def f(prm):\n    s = 0.0\n    for k in prm:\n        s = s + prm[k]\n"
                           "    for k, v in prm.items():\n        s = s * v\n"
                           "    for v in prm.values():\n        s = s + v\n    return s\n",
                           ({"a": 0.7, "b": -0.4},)),
    "loop_index": Construct("def f(xs):\n    s = 0.0\n    for i in range(len(xs)):\n"
                            "        s = s + xs[i] * i\n    return s\n", ([0.5, 0.1, -0.3],)),
    "comprehension": Construct("def f(xs):\n    ys = [e * e for e in xs]\n"
                               "    d = {k: v * 2.0 for k, v in {'a': xs[0]}.items()}\n"
                               "    return sum(ys) + d['a']\n", ([0.5, 0.1, -0.3],)),
    "container_alias": Construct("def f(x):\n    co = [x]\n    ca = co\n    ca.append(x * x)\n"
                                 "    return co[-1] * len(co)\n", (0.7,)),
    "container_maybe_alias": Construct("def f(x):\n    mo = {'a': x, 'b': x * 2.0}\n"
                                       "    ma = mo\n    ma |= {'a': x * x}\n"
                                       "    ma.update({'w': x})\n"
                                       "    return mo['a'] * mo['b'] + len(mo)\n", (0.7,)),
    "container_carry": Construct("def f(x):\n    st1 = {'pos': x, 'vel': 0.5 * x}\n"
                                 "    for i in range(3):\n"
                                 "        st1['pos'] = st1['pos'] + 0.1 * st1['vel']\n"
                                 "        st1 = {'pos': st1['pos'], 'vel': 0.5 * st1['vel'] - "
                                 "0.1 * np.sin(st1['pos'])}\n    return st1['pos']\n", (0.7,)),
    "container_helper": Construct("def hc(c):\n    return {'u': c[0] * c[1], 'v': np.sin(c[1])}\n"
                                  "\n\ndef f(x):\n    d = hc([x, x * 2.0])\n"
                                  "    return d['u'] + d['v']\n", (0.7,)),
    # the forms GradBench's objectives are written with (issue 15)
    "tuple_item_targets": Construct("def f(x):\n    b = np.zeros(3)\n"
                                    "    b[0], c = x * 2.0, np.sin(x)\n"
                                    "    (a, (b[1], b[2])) = (x, (c * x, x))\n"
                                    "    return a * np.sum(b) + c\n", (0.7,)),
    "pair_write": Construct("def f(x):\n    b = np.zeros((2, 3))\n"
                            "    b[np.array([1, 1, 0]), np.array([2, 2, 0])] = x[:3] * x[0]\n"
                            "    return np.sum(b * b)\n", (np.array([0.5, 0.1, -0.3]),)),
    "starred_display": Construct("def f(x):\n    y = np.reshape(x, (1, *x.shape))[0]\n"
                                 "    return sum([*y, x[0]]) * np.array((x[1], *x))[2]\n",
                                 (np.array([0.5, 0.1, -0.3]),)),
    # a local named as a runtime helper the generated code calls (renamed by s2sad)
    "helper_names": Construct("def f(x):\n    unbroadcast = x * np.array([0.5, 2.0])\n"
                              "    zeros_like = unbroadcast + x\n"
                              "    return np.sum(zeros_like * unbroadcast)\n", (0.7,)),
    # values a call makes, then written or read as given (once falsely refused)
    "made_box_write": Construct("def mk1(a):\n    return {'a': a * 2.0, 'b': np.sin(a)}\n\n\n"
                                "def f(x):\n    dc1 = mk1(x)\n    for k1 in dc1:\n"
                                "        dc1[k1] = np.tanh(dc1[k1]) * x\n    v1 = 0.0\n"
                                "    for k1 in dc1:\n        v1 = v1 + np.sum(dc1[k1])\n"
                                "    return v1\n", (0.7,)),
    "writing_helper_rebound": Construct("def wr1(a, i, s):\n    a[i] = np.sin(a[i]) - s\n"
                                        "    return a\n\n\ndef f(x):\n    wa1 = x * 1.0\n"
                                        "    wa1 = wr1(wa1, 0, x[1])\n"
                                        "    wa1 = wr1(wa1, 2, x[0])\n    return wa1\n",
                                        (np.array([0.5, 0.1, -0.3]),), output="array"),
    "out_none": Construct("def f(x):\n    v1 = np.clip(x, -1.0, 1.0, out=None)\n"
                          "    v2 = np.add(x, v1, None) * np.tanh(x, None)\n"
                          "    return np.sum(v2 * x, axis=0, out=None)\n",
                          (np.array([0.5, 0.1, -0.3]),)),
    # a None default written into after 'if ob is None: ob = ...' (the caller passes None)
    "none_buffer": Construct("def f(x, ob=None):\n    if ob is None:\n"
                             "        ob = np.zeros(3)\n        ks = 2.0\n    else:\n"
                             "        ks = 1.0\n    ob[1] = np.sin(x[0]) * ks\n"
                             "    return np.sum(ob * x)\n",
                             (np.array([0.5, 0.1, -0.3]), None)),
    # a module global the function reads, also passed as its argument (the checker
    # passes the global's own object: module_reads.py)
    "global_arg": Construct("GL = np.array([0.5, 0.1, -0.3])\n\n\ndef f(x):\n"
                            "    gl1 = np.sum(np.sin(GL)) * 0.5\n"
                            "    return np.sum(np.sin(x) * x) + gl1\n",
                            (np.array([0.5, 0.1, -0.3]),)),
    # attributes of a module the program makes, read dotted (the checker rebinds them)
    "module_attr": Construct("import sys\nimport types\n"
                             "cfg = types.ModuleType(__name__ + '_cfg')\n"
                             "sys.modules[cfg.__name__] = cfg\ncfg.SCALE = 0.75\n"
                             "cfg.VEC = np.array([0.3, -0.2, 0.5])\n\n\ndef f(x):\n"
                             "    cm1 = np.sum(cfg.VEC * x) * cfg.SCALE\n"
                             "    return np.sum(np.sin(x)) + cm1\n",
                             (np.array([0.5, 0.1, -0.3]),)),
    # a closure of the module over an array and a number, called by f (module_reads.py)
    "module_closure": Construct("def make_cl(B, k):\n    def cl(v):\n"
                                "        return np.tanh(np.sum(v * B)) * k\n    return cl\n"
                                "clf = make_cl(np.array([0.4, -0.3, 0.2]), 1.5)\n\n\n"
                                "def f(x):\n    cc1 = clf(x)\n"
                                "    return np.sum(np.sin(x)) + cc1\n",
                                (np.array([0.5, 0.1, -0.3]),)),
    # a pole's formula (the generated programs are at the pole, x = 0.0; the probe is not)
    "float_pole": Construct("def f(x):\n    pl1 = np.log(x)\n    pl2 = x ** 0.5\n"
                            "    return np.sin(x) + 0.5 * pl1 + pl2 + 1.0 / x\n", (0.7,)),
    # an array a numpy op made, unpacked into names (numbers, rows)
    "array_unpack": Construct("def f(x, m):\n    u1, u2, u3 = np.tanh(x)\n"
                              "    r1, r2 = np.sin(m)\n"
                              "    return u1 * u2 - u3 + np.sum(r1 * r2)\n",
                              (np.array([0.5, 0.1, -0.3]),
                               np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]))),
    # a dict keyed by format strings, read back by them
    "format_key": Construct("def f(x):\n    fk = {f\"k{i}\": x * (i + 1.0) for i in range(2)}\n"
                            "    return np.sum(np.sin(fk[\"k{}\".format(1)]) * fk[f\"k{0}\"])\n",
                            (np.array([0.5, 0.1, -0.3]),)),
    # a function of Python's math module on a number (math_terms.py)
    "math_scalar": Construct("import math\n\n\ndef f(x, a):\n"
                             "    ms1 = math.log(a * a + 1.5, 3.0) + math.hypot(x[1], a)\n"
                             "    return np.sum(np.sin(x)) + 0.25 * math.sin(ms1)\n",
                             (np.array([0.5, 0.1, -0.3]), 0.7)),
    # Python's builtin abs of a number and of an array (common_forms.py)
    "builtin_abs": Construct("def f(x, y):\n    ab1 = 0.5 * abs(y - 0.3)\n"
                             "    ab2 = 0.25 * np.sum(abs(x * 0.5 + 0.1))\n"
                             "    return np.sum(np.sin(x)) * y + ab1 + ab2\n",
                             (np.array([0.5, 0.1, -0.3]), 0.7)),
    # an array's shape as numbers: loop bounds, divisors, unpacked
    "shape_number": Construct("def f(x, m):\n    sz1 = 0.0\n"
                              "    for i1 in range(x.shape[0]):\n"
                              "        sz1 = sz1 + np.sin(x[i1]) / x.shape[0]\n"
                              "    n2, n3 = m.shape\n"
                              "    sz2 = np.sum(m[n2 - 1]) * n3 / (n2 * n3) + np.sum(x) / x.size\n"
                              "    return sz1 + sz2 + 0.1 * m.ndim\n",
                              (np.array([0.5, 0.1, -0.3]),
                               np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]))),
    # ndarray methods: a copy written into, max, min, prod, clip, astype, transpose, T
    "method_spelling": Construct("def f(x, m):\n    mc1 = x.copy()\n"
                                 "    mc1[0] = mc1[0] * 2.0 + 0.1\n"
                                 "    mc2 = 0.25 * (x.max() - x.min()) + 0.1 * x.prod()\n"
                                 "    mc3 = np.sum(x.clip(-0.45, 0.45) * x.astype(float))\n"
                                 "    mc4 = np.sum(m.transpose() @ m) + np.sum(m.T[0])\n"
                                 "    return np.sum(mc1 * x) + mc2 + mc3 + mc4\n",
                                 (np.array([0.5, 0.1, -0.3]),
                                  np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]))),
    # a comprehension with several for clauses, the inner reading the outer's target
    "comprehension_clauses": Construct("def f(x):\n"
                                       "    cc1 = sum([x[i] * np.sin(x[j]) for i in range(3) "
                                       "for j in range(i + 1, 3)])\n"
                                       "    cd2 = {(i, j): x[i] * x[j] for i in range(3) "
                                       "for j in range(3) if i != j}\n"
                                       "    return np.sum(np.sin(x)) + cc1 + cd2[(0, 2)]\n",
                                       (np.array([0.5, 0.1, -0.3]),)),
    # one loop name for a whole item, read by index (item_forms.py)
    "whole_item_loop": Construct("def f(x):\n    wi1 = 0.0\n    for t1 in zip(x, C3):\n"
                                 "        wi1 = wi1 + t1[0] * t1[1]\n"
                                 "    for pe2 in enumerate(x):\n"
                                 "        wi1 = wi1 + pe2[0] * np.sin(pe2[1])\n"
                                 "    dw3 = {'a': x * 0.5, 'bb': np.tanh(x)}\n"
                                 "    for kv3 in dw3.items():\n"
                                 "        wi1 = wi1 + np.sum(kv3[1]) * len(kv3[0])\n"
                                 "    return wi1\n", (np.array([0.5, 0.1, -0.3]),)),
    # methods given fewer positional arguments than their functions; method spellings
    "method_positional": Construct("def f(x, m):\n"
                                   "    mp1 = np.sum(x.clip(-0.3) * x.clip(None, 0.4))\n"
                                   "    mp2 = x.sum(0) * x.var() + np.sum(m.mean(1) * C2)\n"
                                   "    return mp1 + mp2 + m.trace() + np.sum(x.cumsum(0))\n",
                                   (np.array([0.5, 0.1, -0.2]),
                                    np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6]]))),
    # a helper's two dict parameters merged: dp | dq
    "dict_union": Construct("def hu1(dp, dq):\n    r = dp | dq\n"
                            "    return np.sum(r['a'] * r['b']) + np.sum((dq | dp)['b'])\n\n\n"
                            "def f(x):\n"
                            "    return hu1({'a': x * 0.5, 'b': np.sin(x)}, {'b': np.tanh(x)})\n",
                            (np.array([0.5, 0.1, -0.3]),)),
    # generator expressions given to sum, tuple, any, all, max
    "generator_expr": Construct("def f(x):\n    ge1 = sum(np.sin(v) * v for v in x)\n"
                                "    tg2 = tuple(v * 0.5 for v in x)\n"
                                "    if any(v > 5.0 for v in x) or not all(v < 5.0 for v in x):\n"
                                "        return ge1\n"
                                "    return ge1 + tg2[0] * tg2[-1] * max(i * 0.5 for i in range(3))\n",
                                (np.array([0.5, 0.1, -0.3]),)),
    # dicts built by {**d, k: v}, dict(d, k=v), dict(zip(...)), 'W' + str(i), sorted, copy
    "dict_build": Construct("def f(x):\n    db1 = {'a': x * 0.5, 'b': np.tanh(x)}\n"
                            "    de2 = {**db1, 'c': x * x}\n    de3 = dict(db1, c=x * 2.0)\n"
                            "    de4 = dict(zip(['p', 'q'], [x * 0.5, np.sin(x)]))\n"
                            "    de5 = {'W' + str(i): x * (i + 1.0) for i in range(2)}\n"
                            "    dv6 = 0.0\n    for k6 in sorted(db1):\n"
                            "        dv6 = dv6 * 0.5 + np.sum(db1[k6])\n"
                            "    de7 = db1.copy()\n    de7['a'] = x * 3.0\n"
                            "    return (np.sum(de2['a'] * de2['c']) + np.sum(de3['c'] * de4['q'])"
                            " + np.sum(de5['W1']) + dv6 + np.sum(de7['a'] * db1['a'])"
                            " * ('b' in de7))\n", (np.array([0.5, 0.1, -0.3]),)),
    # a module's attribute read dotted and imported by name (module_reads.py)
    "module_from_import": Construct("import sys\nimport types\n"
                                    "cfg = types.ModuleType('s2sad_fuzz_cfg0')\n"
                                    "sys.modules[cfg.__name__] = cfg\ncfg.SCALE = 0.75\n"
                                    "from s2sad_fuzz_cfg0 import SCALE\n\n\ndef f(x):\n"
                                    "    return np.sum(np.sin(x)) * SCALE + cfg.SCALE * x[0]\n",
                                    (np.array([0.5, 0.1, -0.3]),)),
    "docstring": Construct("def h(a):\n    \"\"\"A helper.\"\"\"\n    if a > 0.0:\n"
                           "        return a * a\n    return a\n\n\n"
                           "def f(x):\n    \"\"\"f.\"\"\"\n    if x > 1.0:\n"
                           "        return x\n    return h(x) * x\n", (0.7,)),
}
# the probes of the generator's other modules (see probe_tables)
for _table in PROBE_TABLES:
    CONSTRUCTS.update({name: Construct(*probe) for name, probe in _table.items()})

#: the container constructs (issue 12); a program uses them only when the generator
#: decides, at its start, to write a container program (CONTAINER_SHARE of them)
CONTAINER_FEATURES = frozenset({
    "list_literal", "tuple_literal", "dict_literal", "nested_literal",
    "param_list", "param_tuple", "param_dict", "param_nested", "param_fields", "param_ntuple",
    "list_concat", "list_repeat", "list_slice", "list_len", "unpack",
    "list_mutate", "dict_write", "dict_get", "param_write",
    "iter_list", "iter_zip", "iter_enumerate", "iter_reversed", "iter_dict", "loop_index",
    "comprehension", "container_alias", "container_maybe_alias", "container_carry",
    "container_helper", "made_box_write"})
CONTAINER_SHARE = 0.4
#: what makes a container program (for the campaign's records): the constructs above, or an
#: output that is a list or dict (a feature switched off in a mode whose probe refuses it)
CONTAINER_PROGRAM_FEATURES = CONTAINER_FEATURES | {"container_output"}

#: constructs the README claims s2sad handles: kept on even when their probe is refused, so
#: that a false refusal shows up as a failure ("rejected") instead of switching them off
CLAIMED = frozenset({
    "after_loop", "after_break", "after_nested_reuse", "after_zero_trip", "reversed_range",
    "alias_branch", "alias_ifexp", "alias_helper", "alias_container", "alias_loop",
    "decorator", "defaults", "local_function", "local_function_branch", "closure_shadow",
    "closure_view", "max_test",
    "kwonly", "int_counter", "int_array_write", "bool_array_write", "zero_pow",
    "tuple_item_targets", "pair_write", "starred_display", "docstring", "list_readback",
    "list_rewrite", "zero_d_write", "list_queue", "iter_whole", "list_running",
    "list_alias_nested", "dict_merge_computed",
    "derivative_call", "derivative_default", "derivative_kwonly", "writing_helper", "helper_names", "inplace_index_list",
    "param_array_write", "writing_helper_rebound", "out_none", "none_buffer",
    "global_arg", "module_attr", "float_pole", "array_unpack", "format_key",
    "math_scalar", "builtin_abs", "shape_number", "method_spelling", "comprehension_clauses",
    "whole_item_loop", "method_positional", "dict_union", "generator_expr", "dict_build",
    "module_from_import", "index_tuples", "dict_accumulator", "sum_lists", "map_call",
    "module_lambda", "numpy_constants", "lstsq_pinv", "deque_maxlen", "class_append",
    "nested_dict_state", "hint_forms", "module_closure", "recursive_containers",
    "early_return_helper", "local_derivative", "shadowed_builtins"}
    | frozenset().union(*CLAIMED_TABLES)
    | CONTAINER_FEATURES)

#: constructs and the ones they need besides themselves
REQUIRES = {
    "param_ntuple": ("param_tuple",),
    "helper_kwargs": ("helper_call",), "helper_control": ("helper_call",),
    "derivative_call": ("helper_call",),
    "derivative_default": ("derivative_call", "helper_kwargs", "helper_call"),
    "derivative_kwonly": ("derivative_default", "derivative_call", "helper_kwargs", "helper_call"),
    "inplace_loop": ("inplace", "for_range"), "inplace_index_list": ("inplace",),
    "list_append": ("for_range",),
    "list_readback": ("list_append", "for_range"),
    "list_rewrite": ("list_append", "for_range"),
    "list_queue": ("list_append", "for_range"),
    "iter_whole": ("list_append", "for_range"),
    "list_running": ("list_append", "for_range"), "list_alias_nested": ("list_append", "for_range"),
    "dict_merge_computed": ("dict_write", "for_range"),
    "break": ("for_range",), "continue": ("for_range",), "return_in_loop": ("for_range",),
    "nested_loop": ("for_range",), "if_in_loop": ("if", "for_range"),
    "for_index": ("for_range",), "matrix_item": ("for_range",),
    "index_shift": ("for_index", "for_range"),
    "after_break": ("for_range",), "after_nested_reuse": ("for_range",),
    "after_loop": ("for_range",), "after_zero_trip": ("for_range",),
    "int_counter": ("for_range",), "reversed_range": ("for_range",),
    "loop_grows": ("for_range",),
    "alias_loop": ("for_range",),
    "container_carry": ("for_range",), "loop_index": ("for_range",),
    "made_box_write": ("for_range",),
    "module_from_import": ("module_attr",),
    "param_ufunc_at": ("param_array_write",),
}

PROBE_SHAPES = {S: "0.7", V: "np.array([0.5, 0.1, -0.3])", W: "np.array([0.4, -0.2])",
                M: "np.array([[0.5, 0.1, -0.3], [0.2, 0.6, -0.8]])"}


def _op_probe_terms(ops):
    """(feature, scalar expression in xs, xv, xw, xm) for every op row."""
    names = {S: "xs", V: "xv", W: "xw", M: "xm"}
    terms = []
    for op in ops:
        if op.ins[0] == "T":
            shape = V
            operands = [names[V]] * len(op.ins)
        else:
            shape = op.out
            operands = [names[s] for s in op.ins]
        expr = op.fmt.format(*operands)
        terms.append((op.feature, expr if shape == S else f"np.sum({expr})"))
    return terms


AFTER_FEATURES = ("after_loop", "after_break", "after_nested_reuse", "after_zero_trip")
ALIAS_FEATURES = ("alias_branch", "alias_ifexp", "alias_helper", "alias_container",
                  "alias_loop")


#: constructs generated only where asked for (``NUMBA_FEATURES``): programs that read out
#: of range on purpose, whose gradients must raise IndexError (the numba mode's question)
OPT_IN = frozenset({"index_shift"})

ALL_FEATURES = frozenset(
    list(CONSTRUCTS) + [op.feature for op in UNARY + BINARY + CONVERT]
    + ["broadcast"]) - OPT_IN

#: what the numba backend is for (``--modes numba --features ...``): loops over numbers
#: and small arrays, branches, writes into arrays and the elementwise ops of loop code
NUMBA_FEATURES = frozenset({
    "straight", "reassign", "aug_assign", "tuple_assign", "if", "ifexp", "boolop", "chained_compare",
    "max", "min", "max3", "pow",
    "for_range", "for_range_args", "for_index", "index_shift", "matrix_item", "while_counter",
    "while_data",
    "nested_loop", "if_in_loop", "break", "continue", "return_in_if", "return_in_loop",
    "after_loop", "reversed_range", "inplace_loop", "add", "sub", "mul", "div", "neg",
    "scale", "shift", "pow2", "pow3", "np.sin", "np.cos", "np.tanh", "np.exp", "np.log",
    "np.sqrt", "np.sum", "bcast_add", "bcast_mul", "index", "matmul", "np.dot", "np.maximum",
    "np.where",
    # a global passed as an argument, a module's attributes read dotted (numba takes
    # them as arguments), a pole at a Python float
    "global_arg", "module_attr", "float_pole"})
#: the numba mode's programs with dict parameters too (``--modes numba``): numba compiles
#: no dict, so such a program falls back to numpy (checked all the same) or is refused
NUMBA_DICT_FEATURES = NUMBA_FEATURES | {"param_dict", "dict_get", "iter_dict"}
#: the numba mode's programs building lists in loops too (``acc.append(v)``, then
#: ``sum(acc)``, ``acc[-1]``, ``np.array(acc)``, ``np.stack(acc)``; ``acc[i]`` read back):
#: the list adjoints of the numba runtime (a fallback blaming s2sad's code: a failure)
NUMBA_LIST_FEATURES = NUMBA_FEATURES | {"list_append", "list_readback"}
