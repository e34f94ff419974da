"""Probes of the constructs over lists the generator emits beside ``list_append`` (see
:mod:`~s2sad.fuzz.constructs`): each a tiny ``f`` using the construct, with its arguments."""

LIST_PROBES = {
    # a list of states: an item read back in the loop that appends to the list
    "list_readback": ("def f(x):\n    acc = [x]\n    for i in range(3):\n"
                      "        prev = acc[i]\n        acc.append(np.sin(prev) * x)\n"
                      "    return acc[-1] + sum(acc)\n", (0.7,)),
    # a list changed in place inside the call that changes it again (a queue, a rotation)
    "list_queue": ("def f(x):\n    acc = [x, 2.0 * x]\n    for i in range(3):\n"
                   "        acc.append(acc.pop(0) * 0.5 + np.sin(x))\n"
                   "    acc.insert(0, acc.pop() * 1.5)\n    return acc[0] + 3.0 * acc[1]\n",
                   (0.7,)),
    # a list read whole through an iterator made where it is read (reversed, zip, enumerate)
    "iter_whole": ("def f(x):\n    acc = [x, 2.0 * x, np.sin(x)]\n"
                   "    a, b, c = reversed(acc)\n    ps = list(zip(acc, reversed(acc)))\n"
                   "    return sum(reversed(acc)) + a * c + ps[0][1] * b + "
                   "sum([k * v for k, v in list(enumerate(acc))])\n", (0.7,)),
    # a number summed in a loop, appended after each sum; a list grown through a second name
    # in nested loops; displays with computed keys merged into a dict in a loop
    "list_running": ("def f(x):\n    acc = []\n    rt1 = 0.0\n    for i in range(3):\n"
                     "        rt1 += np.sin(x) * (i + 1.0)\n        acc.append(rt1)\n"
                     "    return sum(acc) * acc[-1]\n", (0.7,)),
    "list_alias_nested": ("def f(x):\n    acc = [x]\n    lg1 = acc\n    for i in range(2):\n"
                          "        for j in range(2):\n            lg1.append(x * (i + j))\n"
                          "    return sum(acc) * acc[-1]\n", (0.7,)),
    "dict_merge_computed": ("def f(x):\n    d = {'a': x}\n    for i in range(2):\n"
                            "        d.update({f'k{i}': x * x})\n        d |= {'m' + str(i):"
                            " d['a']}\n    return sum(d.values()) * d['k1']\n", (0.7,)),
    # a list built by appending in one loop, its items written in a later loop
    "list_rewrite": ("def f(x):\n    acc = []\n    for i in range(3):\n"
                     "        acc.append(x * i)\n    for j in range(2):\n"
                     "        acc[j % 3] = 0.5 * acc[j % 3] + 0.5 * np.sin(x)\n"
                     "    return acc[0] * acc[1] + sum(acc)\n", (0.7,)),
}
