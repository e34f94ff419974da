"""Differential fuzzer: random numeric programs, s2sad's derivatives against finite differences.

Run a campaign::

    python -m s2sad.fuzz --count 500 --seed 0
    python -m s2sad.fuzz --count 100000 --seed 1 --max-statements 16 --modes reverse,forward

Each program is generated deterministically from its integer seed (one
``random.Random(seed)``, never the global generator) over the subset of
Python that s2sad supports: straight-line arithmetic and numpy calls on
scalars and small arrays of shapes ``(3,)``, ``(2,)`` and ``(2, 3)`` with
broadcasting, branches on data, ``for`` loops (range, arrays, enumerate,
zip) and ``while`` loops with carried state, and, when this version of
s2sad supports them, ``break``/``continue``, early returns, calls to helper
functions, in-place array updates and ``list.append``.

The constructs of :data:`CLAIMED` are Python's own semantics, which the
README claims s2sad follows: loop targets read after their loop (after
``break``, nested loops reusing the name, loops that may run no trip),
``reversed(range(n))``, writes through a name that may alias another array
(branches, conditional expressions, a helper returning its argument,
containers, a loop-carried name), a ``functools.wraps`` decorator,
parameter defaults and keyword-only parameters, integer counters started from an int parameter,
differentiated values written into integer and bool arrays, zero exponents.
They are checked even where their probe is refused (a false refusal is a
failure); a located refusal of one of the :data:`REFUSABLE` constructs is a
deliberate skip, ``refused:<feature>``, never a pass.

Containers (issue 12): about two programs in five (``CONTAINER_SHARE``) are
container programs, decided at their start; the others are generated as
before.  A container program may take parameters that are containers
(``xs`` a list, ``tup`` a tuple, ``prm`` a dict, ``layers`` a list of
``(W, b)`` tuples or another nesting) and builds lists ``lsN``, tuples
``tpN`` and dicts ``dcN`` of differentiated values (nested too), then uses
them the ways :data:`CONTAINER_FEATURES` name: concatenation, repetition,
slicing, constant, negative and loop indices, ``len``, unpacking (also
``first, *rest = ...``), ``append``/``extend``/``pop``/``insert``, item
assignment and new keys (into parameters too: ``param_write``), ``dict.get``,
loops over lists, tuples, ``zip``, ``enumerate``, ``reversed``, dict keys,
items and values and ``range(len(xs))``, list, tuple and dict comprehensions,
a container mutated through a second name (``caN = coN``; refusable), a
container carried through a loop (``stN``) and helpers ``hcN`` taking and
returning containers.  The generator knows each container's structure, so
every read is valid.  The checker works on the leaves itself: central
differences perturb each element of each leaf of a container parameter, a
gradient must be a container of the parameter's structure (the same types,
lengths, and keys in order; a leaf of its shape), forward mode is given a
tangent of that structure and second mode a direction of it.  ``--probe``
also checks the probe of every claimed construct against finite differences
in each mode and prints one line per construct.

What is supported is not assumed: at start-up every construct and every
numpy operation the generator can emit is *probed* in each mode, by
differentiating a tiny function that uses it.  A feature that raises
``UnsupportedSyntaxError`` or ``NoDerivativeRuleError`` (or any other
deliberate s2sad error) is switched off in that mode.  A program is
generated from the features supported in at least one requested mode and is
checked in each mode that supports all the features it uses ("n/a"
otherwise).

The reference is independent of s2sad: central finite differences in
float64 on the program itself, computed with two step sizes (1e-6 and
1e-4).  When the two disagree, or the one-sided differences of the larger
step do (a kink right at the point, such as a tie of ``max``, leaves central
differences of every step alike), the program is not smooth at the sample
point and it is skipped as "non-smooth"; programs whose values overflow are
skipped as "overflow".

``--modes reverse,second`` also checks second derivatives (scalar programs):
``s2sad.hvp`` along a random direction against central differences of the
gradient reverse mode gives (checked itself against the program's
differences), skipped as "non-smooth" where the one-sided differences of the
gradient disagree.
Domains keep programs smooth and finite by construction: ``log`` and
``sqrt`` see ``x * x + c``, ``exp`` sees bounded arguments, and a running
bound estimate squashes any value that could grow (``np.tanh``) and caps
loop-carried state so it cannot grow from one iteration to the next.

A program is a function of its seed, ``--max-statements`` and the set of
enabled features; when s2sad learns a construct, the same seed may give a
different program (``--features`` pins the set, ``--probe`` prints it).

A failing program is shrunk (statements deleted, compound statements
replaced by their bodies, expressions replaced by their operands, loop
counts reduced, unused parameters dropped) while it still fails in the same
mode in the same way, and printed with its seed, its arguments and a line
that reproduces it with ``s2sad.testing.check_grads``.
"""

import argparse
import ast
import copy
import importlib.util
import itertools
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

import numpy as np

__all__ = ["generate", "Program", "Fuzzer", "probe_features", "shrink", "check_program",
           "run_campaign", "main", "CONSTRUCTS", "UNARY", "BINARY", "CONVERT"]

S, V, W, M = (), (3,), (2,), (2, 3)
SHAPES = (S, V, W, M)
#: the module-level constant of each array shape (programs mix them in)
CONST = {V: "C3", W: "C2", M: "C23"}
CONST_SOURCE = ("C3 = np.array([0.3, -0.7, 1.1])\n"
                "C2 = np.array([0.5, -1.2])\n"
                "C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])\n")
LIM = 4.0          # values whose estimated bound exceeds this are squashed
EPS_REF = 1e-6     # finite-difference step of the reference
EPS_CHECK = 1e-4   # second step: the reference must agree with it (smoothness)
RTOL, ATOL = 1e-5, 1e-6          # s2sad vs finite differences (atol scaled by 1 + max|fd|)
FD_RTOL, FD_ATOL = 1e-4, 1e-5    # finite differences vs themselves
#: one-sided differences at EPS_CHECK vs each other: they differ by about f'' * step
#: where the program is smooth, by the jump in slope at a kink
ONE_SIDED_RTOL, ONE_SIDED_ATOL = 1e-2, 1e-2
BIG = 1e6          # a program whose value or derivative exceeds this is "overflow"
EPS_SECOND = 1e-5  # step of the differences of the gradient (second mode)
MODES = ("reverse", "forward", "second")


# ------------------------------------------------------------------ operations
#
# Every numpy operation the generator emits is one row: its feature name, the
# shapes it reads, the shape it returns ("T" = any shape, elementwise), its
# format, and how it transforms bounds.  Probes are built from the same rows.

@dataclass(frozen=True)
class Op:
    feature: str
    ins: tuple          # input shapes, or "T"
    out: object         # output shape, or "T"
    fmt: str            # format with {0}, {1}
    bound: object       # bounds of inputs -> bound of output
    limit: float = LIM  # inputs with a larger bound are squashed first
    weight: float = 1.0


UNARY = [
    Op("np.sin", ("T",), "T", "np.sin({0})", lambda b: min(b, 1.0), 1e9, 2),
    Op("np.cos", ("T",), "T", "np.cos({0})", lambda b: 1.0, 1e9, 2),
    Op("np.tanh", ("T",), "T", "np.tanh({0})", lambda b: min(b, 1.0), 1e9, 2),
    Op("np.arctan", ("T",), "T", "np.arctan({0})", lambda b: min(b, 1.6), 1e9),
    Op("np.exp", ("T",), "T", "np.exp({0})", lambda b: math.exp(b), 2.0, 1.5),
    Op("np.log", ("T",), "T", "np.log({0} * {0} + 1.0)", lambda b: math.log(b * b + 1), 1e3),
    Op("np.log1p", ("T",), "T", "np.log1p({0} * {0})", lambda b: math.log1p(b * b), 1e3),
    Op("np.sqrt", ("T",), "T", "np.sqrt({0} * {0} + 0.5)", lambda b: math.sqrt(b * b + .5), 1e3),
    Op("np.square", ("T",), "T", "np.square({0})", lambda b: b * b),
    Op("pow2", ("T",), "T", "({0}) ** 2", lambda b: b * b),
    Op("pow3", ("T",), "T", "({0}) ** 3", lambda b: b ** 3, 2.0, 0.5),
    Op("neg", ("T",), "T", "(-{0})", lambda b: b),
    Op("np.abs", ("T",), "T", "np.abs({0})", lambda b: b, LIM, 0.5),
    Op("recip", ("T",), "T", "(1.0 / (1.0 + {0} * {0}))", lambda b: 1.0),
    Op("np.reciprocal", ("T",), "T", "np.reciprocal({0} * {0} + 1.0)", lambda b: 1.0, LIM, 0.5),
    Op("np.sinh", ("T",), "T", "np.sinh(np.tanh({0}))", lambda b: 1.2, 1e9, 0.5),
    Op("np.cosh", ("T",), "T", "np.cosh(np.tanh({0}))", lambda b: 1.6, 1e9, 0.5),
    Op("np.expm1", ("T",), "T", "np.expm1(np.tanh({0}))", lambda b: 1.8, 1e9, 0.5),
    Op("np.arcsin", ("T",), "T", "np.arcsin(0.9 * np.tanh({0}))", lambda b: 1.2, 1e9, 0.5),
    Op("np.arccos", ("T",), "T", "np.arccos(0.9 * np.tanh({0}))", lambda b: 2.7, 1e9, 0.5),
    Op("np.tan", ("T",), "T", "np.tan(np.tanh({0}))", lambda b: 1.6, 1e9, 0.5),
    Op("pow_half", ("T",), "T", "({0} * {0} + 1.0) ** 0.5", lambda b: math.sqrt(b * b + 1), 1e3,
       0.5),
    Op("np.power", ("T",), "T", "np.power({0} * {0} + 1.0, 1.5)",
       lambda b: (b * b + 1) ** 1.5, 2.0, 0.5),
    Op("const_pow", ("T",), "T", "2.0 ** np.tanh({0})", lambda b: 2.0, 1e9, 0.5),
    Op("scale", ("T",), "T", "0.5 * {0}", lambda b: 0.5 * b, 1e9),
    Op("shift", ("T",), "T", "({0} - 0.25)", lambda b: b + 0.25, 1e9),
    Op("np.clip", ("T",), "T", "np.clip({0}, -1.0, 1.0)", lambda b: min(b, 1.0), 1e9, 0.3),
    Op("mod", ("T",), "T", "({0} % 2.0)", lambda b: 2.0, 1e9, 0.2),
    # zero exponents: the value is 1, the derivative 0, also where the base is 0
    Op("zero_pow", ("T",), "T", "({0}) ** 0", lambda b: 1.0, 1e9, 0.25),
    Op("zero_pow", ("T",), "T", "np.power({0}, 0.0)", lambda b: 1.0, 1e9, 0.25),
    Op("zero_pow", ("T",), "T", "({0} * 0.0) ** 0", lambda b: 1.0, 1e9, 0.25),
    Op("zero_pow", ("T",), "T", "np.power(0.0 * {0}, 0.0)", lambda b: 1.0, 1e9, 0.25),
]

BINARY = [
    Op("add", ("T", "T"), "T", "({0} + {1})", lambda a, b: a + b, LIM, 3),
    Op("sub", ("T", "T"), "T", "({0} - {1})", lambda a, b: a + b, LIM, 2),
    Op("mul", ("T", "T"), "T", "({0} * {1})", lambda a, b: a * b, LIM, 3),
    Op("div", ("T", "T"), "T", "({0} / ({1} * {1} + 1.0))", lambda a, b: a, LIM, 1),
    Op("div_sin", ("T", "T"), "T", "({0} / (2.0 + np.sin({1})))", lambda a, b: a, LIM, 0.5),
    Op("pow_active", ("T", "T"), "T", "({0} * {0} + 1.0) ** (0.5 * np.tanh({1}))",
       lambda a, b: math.sqrt(a * a + 1.0), LIM, 0.7),
    Op("np.maximum", ("T", "T"), "T", "np.maximum({0}, {1})", lambda a, b: max(a, b), LIM, 0.4),
    Op("np.minimum", ("T", "T"), "T", "np.minimum({0}, {1})", lambda a, b: max(a, b), LIM, 0.4),
    Op("np.where", ("T", "T"), "T", "np.where({0} > {1}, {0}, 0.5 * {1})",
       lambda a, b: max(a, b), LIM, 0.3),
]

#: shape-changing operations: (from shape, to shape) rows
CONVERT = [
    # scalar -> arrays
    Op("bcast_mul", (S,), V, "({0} * C3)", lambda b: 1.1 * b),
    Op("bcast_add", (S,), W, "({0} + C2)", lambda b: b + 1.2),
    Op("bcast_sin", (S,), M, "np.sin({0} + C23)", lambda b: 1.0),
    Op("bcast_mul", (S,), W, "(C2 * {0})", lambda b: 1.2 * b),
    Op("bcast_mul", (S,), M, "({0} * C23)", lambda b: 1.1 * b),
    Op("bcast_add", (S,), V, "(C3 + {0})", lambda b: b + 1.1),
    # vectors -> scalar
    Op("np.sum", (V,), S, "np.sum({0})", lambda b: 3 * b, LIM, 2),
    Op("np.mean", (V,), S, "np.mean({0})", lambda b: b),
    Op("index", (V,), S, "{0}[1]", lambda b: b),
    Op("index", (V,), S, "{0}[-1]", lambda b: b),
    Op("np.dot", (V,), S, "np.dot({0}, C3)", lambda b: 3.3 * b),
    Op("matmul", (V, V), S, "({0} @ {1})", lambda a, b: 3 * a * b),
    Op("np.max", (V,), S, "np.max({0})", lambda b: b, LIM, 0.5),
    Op("method.sum", (V,), S, "{0}.sum()", lambda b: 3 * b),
    Op("np.prod", (W,), S, "np.prod({0})", lambda b: b * b, LIM, 0.5),
    Op("np.sum", (W,), S, "np.sum({0})", lambda b: 2 * b, LIM, 2),
    Op("index", (W,), S, "{0}[0]", lambda b: b),
    Op("np.min", (W,), S, "np.min({0})", lambda b: b, LIM, 0.5),
    Op("np.dot", (W, W), S, "np.dot({0}, {1})", lambda a, b: 2 * a * b),
    Op("method.mean", (W,), S, "{0}.mean()", lambda b: b),
    Op("np.sum", (M,), S, "np.sum({0})", lambda b: 6 * b, LIM, 2),
    Op("np.mean", (M,), S, "np.mean({0})", lambda b: b),
    Op("index", (M,), S, "{0}[1, 2]", lambda b: b),
    Op("np.sum", (M, M), S, "np.sum({0} * {1})", lambda a, b: 6 * a * b),
    # vector <-> vector
    Op("slice", (V,), W, "{0}[0:2]", lambda b: b),
    Op("slice", (V,), W, "{0}[1:]", lambda b: b),
    Op("matmul", (V,), W, "(C23 @ {0})", lambda b: 3.6 * b),
    Op("np.dot", (V,), W, "np.dot(C23, {0})", lambda b: 3.6 * b),
    Op("matmul", (W,), V, "({0} @ C23)", lambda b: 2.2 * b),
    Op("np.concatenate", (W,), V, "np.concatenate([{0}, {0}[0:1]])", lambda b: b),
    Op("np.concatenate", (W, S), V, "np.concatenate([{0}, np.array([{1}])])",
       lambda a, b: max(a, b), LIM, 0.5),
    Op("slice_step", (V,), V, "{0}[::-1]", lambda b: b, LIM, 0.5),
    # vectors -> matrix
    Op("np.outer", (W, V), M, "np.outer({0}, {1})", lambda a, b: a * b),
    Op("np.outer", (W,), M, "np.outer({0}, C3)", lambda b: 1.1 * b),
    Op("bcast_mul", (V,), M, "({0} * C23)", lambda b: 1.1 * b),
    Op("bcast_add", (V, M), M, "({0} + {1})", lambda a, b: a + b),
    Op("np.stack", (V, V), M, "np.stack([{0}, {1}])", lambda a, b: max(a, b)),
    Op("np.expand_dims", (W,), M, "(np.expand_dims({0}, 1) * C3)", lambda b: 1.1 * b),
    Op("method.reshape", (W,), M, "({0}.reshape((2, 1)) + C23)", lambda b: b + 1.1),
    Op("np.reshape", (V,), M, "np.reshape(np.concatenate([{0}, {0}]), (2, 3))", lambda b: b, LIM,
       0.5),
    # matrix -> vectors
    Op("np.sum_axis", (M,), V, "np.sum({0}, axis=0)", lambda b: 2 * b, LIM, 2),
    Op("index", (M,), V, "{0}[0]", lambda b: b),
    Op("slice", (M,), V, "{0}[1, :]", lambda b: b),
    Op("np.mean_axis", (M,), V, "np.mean({0}, axis=0)", lambda b: b),
    Op("matmul", (M,), V, "(C2 @ {0})", lambda b: 2.4 * b),
    Op("transpose", (M, W), V, "({0}.T @ {1})", lambda a, b: 2 * a * b),
    Op("np.max_axis", (M,), V, "np.max({0}, axis=0)", lambda b: b, LIM, 0.5),
    Op("method.sum_axis", (M,), V, "{0}.sum(axis=0)", lambda b: 2 * b),
    Op("np.sum_axis", (M,), W, "np.sum({0}, axis=1)", lambda b: 3 * b, LIM, 2),
    Op("slice", (M,), W, "{0}[:, 0]", lambda b: b),
    Op("slice", (M,), W, "{0}[:, -1]", lambda b: b),
    Op("matmul", (M, V), W, "({0} @ {1})", lambda a, b: 3 * a * b),
    Op("method.dot", (M,), W, "{0}.dot(C3)", lambda b: 3.3 * b),
    Op("np.mean_axis", (M,), W, "np.mean({0}, axis=1)", lambda b: b),
    Op("np.transpose", (M,), W, "np.transpose({0})[1]", lambda b: b),
    # matrix -> matrix
    Op("keepdims", (M,), M, "({0} - np.mean({0}, axis=1, keepdims=True))", lambda b: 2 * b),
    Op("np.ravel", (M,), M, "np.reshape(np.ravel({0}), (2, 3))", lambda b: b, LIM, 0.5),
    Op("transpose2", (M,), M, "{0}.T.T", lambda b: b, LIM, 0.3),
]


_ATOM = re.compile(r"^[A-Za-z_][A-Za-z_0-9.]*$|^-?[0-9.]+$")


def _p(code):
    """``code`` in parentheses unless it is a name or a number."""
    return code if _ATOM.match(code) else f"({code})"


def _fill(op, *operands):
    return op.fmt.format(*[_p(c) for c in operands])


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
    "helper_kwargs": Construct("def h(a, b=0.5):\n    return a * b\n\n\n"
                               "def f(x):\n    return h(x) + h(x, b=x)\n", (0.7,)),
    "helper_control": Construct("def h(a):\n    s = a\n    for i in range(2):\n"
                                "        if s > 0.0:\n            s = s * a\n    return s\n\n\n"
                                "def f(x):\n    return h(x) * x\n", (0.7,)),
    "inplace": Construct("def f(x):\n    b = np.zeros(3)\n    b[0] = x[1] * x[2]\n"
                         "    b[1:3] += np.sin(x[0:2])\n    return np.sum(b * x)\n",
                         (np.array([0.5, 0.1, -0.3]),)),
    "inplace_loop": Construct("def f(x):\n    b = np.zeros(3)\n    for i in range(3):\n"
                              "        b[i] = np.sin(x[i]) * np.sum(b)\n    return np.sum(b * x)\n",
                              (np.array([0.5, 0.1, -0.3]),)),
    "list_append": Construct("def f(x):\n    acc = []\n    for i in range(3):\n"
                             "        acc.append(x * i)\n    return np.sum(np.array(acc)) + sum(acc)\n",
                             (0.7,)),
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
    "container_carry": Construct("def f(x):\n    st1 = {'pos': x, 'vel': 0.5 * x}\n"
                                 "    for i in range(3):\n"
                                 "        st1['pos'] = st1['pos'] + 0.1 * st1['vel']\n"
                                 "        st1 = {'pos': st1['pos'], 'vel': 0.5 * st1['vel'] - "
                                 "0.1 * np.sin(st1['pos'])}\n    return st1['pos']\n", (0.7,)),
    "container_helper": Construct("def hc(c):\n    return {'u': c[0] * c[1], 'v': np.sin(c[1])}\n"
                                  "\n\ndef f(x):\n    d = hc([x, x * 2.0])\n"
                                  "    return d['u'] + d['v']\n", (0.7,)),
}

#: the container constructs (issue 12); a program uses them only when the generator
#: decides, at its start, to write a container program (CONTAINER_SHARE of them)
CONTAINER_FEATURES = frozenset({
    "list_literal", "tuple_literal", "dict_literal", "nested_literal",
    "param_list", "param_tuple", "param_dict", "param_nested",
    "list_concat", "list_repeat", "list_slice", "list_len", "unpack",
    "list_mutate", "dict_write", "dict_get", "param_write",
    "iter_list", "iter_zip", "iter_enumerate", "iter_reversed", "iter_dict", "loop_index",
    "comprehension", "container_alias", "container_carry", "container_helper"})
CONTAINER_SHARE = 0.4
#: what makes a container program (for the campaign's records): the constructs above, or an
#: output that is a list or dict (a feature switched off in a mode whose probe refuses it)
CONTAINER_PROGRAM_FEATURES = CONTAINER_FEATURES | {"container_output"}

#: constructs the README claims s2sad handles: kept on even when their probe is refused, so
#: that a false refusal shows up as a failure ("rejected") instead of switching them off
CLAIMED = frozenset({
    "after_loop", "after_break", "after_nested_reuse", "after_zero_trip", "reversed_range",
    "alias_branch", "alias_ifexp", "alias_helper", "alias_container", "alias_loop",
    "decorator", "defaults", "local_function", "local_function_branch",
    "kwonly", "int_counter", "int_array_write", "bool_array_write", "zero_pow"}
    | CONTAINER_FEATURES)

#: constructs s2sad may refuse instead of differentiating (issue 11: "differentiated exactly
#: or refused with a location"): a located s2sad error on a line of such a construct (a line
#: naming one of its names) is a deliberate skip, "refused:<feature>", never a pass.  The
#: names are the generator's: arrays ``arN``/``alN`` and containers ``boxN`` of the may-alias
#: constructs, ``iaN``/``baN`` integer and bool arrays.  The error's column must fall on such
#: a name.  (The decorator is not refusable: its wrapper, with named parameters or
#: ``*args, **kwargs`` passed on whole, is differentiated in every mode.)
REFUSABLE = {
    "alias_branch": r"\b(ar|al)\d+\b",
    "alias_ifexp": r"\b(ar|al)\d+\b",
    "alias_helper": r"\b(ar|al)\d+\b|\bsame\b",
    "alias_container": r"\b(ar|al|box)\d+\b",
    "alias_loop": r"\b(ar|al)\d+\b",
    "int_array_write": r"\bia\d+\b",
    "bool_array_write": r"\bba\d+\b",
    # a local function chosen by the path: which body a call means depends on it
    "local_function_branch": r"\bg\d+\b",
    # a container mutated through a second name (issue 12: followed exactly or refused)
    "container_alias": r"\b(co|ca|hold)\d+\b",
}

#: constructs and the ones they need besides themselves
REQUIRES = {
    "helper_kwargs": ("helper_call",), "helper_control": ("helper_call",),
    "inplace_loop": ("inplace", "for_range"), "list_append": ("for_range",),
    "break": ("for_range",), "continue": ("for_range",), "return_in_loop": ("for_range",),
    "nested_loop": ("for_range",), "if_in_loop": ("if", "for_range"),
    "for_index": ("for_range",),
    "after_break": ("for_range",), "after_nested_reuse": ("for_range",),
    "after_loop": ("for_range",), "after_zero_trip": ("for_range",),
    "int_counter": ("for_range",), "reversed_range": ("for_range",),
    "alias_loop": ("for_range",),
    "container_carry": ("for_range",), "loop_index": ("for_range",),
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


# ------------------------------------------------------------------ programs

@dataclass
class Param:
    name: str
    kind: str            # "float", "int", or "tree" (a list, tuple or dict of floats and arrays)
    shape: tuple = ()    # a tree's structure: see :func:`_spec_paths`
    value: object = None

    def fresh(self):
        if self.kind == "tree":
            return _tree_copy(self.value)
        return np.array(self.value, dtype=np.float64) if self.shape else self.value


# ------------------------------------------------------------------ containers (pytrees)
#
# A parameter may be a container: a list, tuple or dict (nested to any depth) whose leaves
# are floats and float arrays.  The checker works on its leaves itself (flattened in
# order: list and tuple items, dict values in insertion order), independently of how
# s2sad's API flattens them; a derivative of a container must be a container of the same
# structure (the same types, lengths and keys in the same order) whose leaves have the
# shapes of the primal's.

def _tree_map(fn, value):
    if isinstance(value, dict):
        return {k: _tree_map(fn, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_tree_map(fn, v) for v in value)
    return fn(value)


def _tree_leaves(value):
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _tree_leaves(v)]
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _tree_leaves(v)]
    return [value]


def _tree_copy(value):
    return _tree_map(lambda x: np.array(x, dtype=np.float64) if isinstance(x, np.ndarray)
                     else x, value)


def _tree_source(value):
    """Python source that builds ``value`` (numpy imported as np)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_tree_source(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_tree_source(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_tree_source(v) for v in value) + ("," if len(value) == 1
                                                                    else "") + ")"
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r})"
    if isinstance(value, (bool, int, np.integer)):
        return repr(value)
    return repr(float(value))


def _flat_arg(value):
    """The leaves of an argument (a float, an array or a container) as one float64 vector."""
    parts = [np.array(leaf, dtype=np.float64).reshape(-1) for leaf in _tree_leaves(value)]
    return np.concatenate(parts) if parts else np.zeros(0)


def _unflat_arg(vector, like):
    """An argument shaped like ``like`` whose leaves are read in order from ``vector``."""
    position = [0]

    def take(leaf):
        size = int(np.size(leaf))
        piece = vector[position[0]:position[0] + size]
        position[0] += size
        if isinstance(leaf, np.ndarray):
            return np.array(piece, dtype=np.float64).reshape(leaf.shape)
        return float(piece[0])
    return _tree_map(take, like)


def _random_like(value, rng):
    """A random direction (tangent, cotangent) of the structure and shapes of ``value``."""
    return _tree_map(lambda x: rng.standard_normal(x.shape) if isinstance(x, np.ndarray)
                     else float(rng.standard_normal()), value)


def _ones_like(value):
    return _tree_map(lambda x: np.ones_like(x, dtype=np.float64) if isinstance(x, np.ndarray)
                     else 1.0, value)


def _tree_axpy(x, t, d):
    """``x + t * d`` leaf by leaf (same structures)."""
    if isinstance(x, dict):
        return {k: _tree_axpy(x[k], t, d[k]) for k in x}
    if isinstance(x, (list, tuple)):
        return type(x)(_tree_axpy(a, t, b) for a, b in zip(x, d))
    return x + t * d


def _tree_equal(a, b):
    """Same structure, same types of leaves, equal values."""
    if isinstance(b, dict):
        return isinstance(a, dict) and list(a) == list(b) and all(
            _tree_equal(a[k], b[k]) for k in b)
    if isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(
            _tree_equal(x, y) for x, y in zip(a, b))
    if isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    return not isinstance(a, (list, tuple, dict, np.ndarray)) and a == b


@dataclass
class Program:
    """A generated module: source text, the function ``f``'s arguments, wrt, output kind."""

    seed: int
    source: str
    params: List[Param]
    wrt: Tuple[int, ...]
    output: str = "scalar"            # "scalar", "array" or "tuple"
    features: frozenset = frozenset()

    def args(self):
        return tuple(p.fresh() for p in self.params)

    def statement_count(self):
        return _count_statements(ast.parse(self.source))

    def args_source(self):
        parts = []
        for p in self.params:
            if p.kind == "tree":
                parts.append(_tree_source(p.value))
            elif p.kind == "int":
                parts.append(repr(p.value))
            elif p.shape:
                parts.append(f"np.array({np.asarray(p.value).tolist()!r})")
            else:
                parts.append(repr(float(p.value)))
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def reproduction(self, modes=("reverse", "forward")):
        """The program as a self-contained script that checks it with ``check_grads``."""
        return (f"{self.source.rstrip()}\n\n\n"
                f"args = {self.args_source()}\n"
                f"# import s2sad.testing; s2sad.testing.check_grads(f, args, wrt={self.wrt!r}, "
                f"modes={tuple(modes)!r})\n")


def _count_statements(tree):
    """Statements inside function bodies (compound ones count once, plus their bodies)."""
    return sum(1 for fn in tree.body if isinstance(fn, ast.FunctionDef)
               for node in ast.walk(fn) if isinstance(node, ast.stmt) and node is not fn)


# ------------------------------------------------------------------ container specs
#
# The generator knows the structure of every container it writes (a "spec"):
# ("leaf", shape), ("list", items), ("tuple", items), ("dict", ((key, spec), ...)).

#: keys of generated dicts (a new key is one of these not yet in the dict)
KEYS = ("a", "b", "w", "u", "pos", "vel", "W", "bias")


def _leaf_spec(shape):
    return ("leaf", shape)


def _spec_items(spec):
    """(accessor source, item spec) of a container spec: ``[0]``, ``['W']``."""
    if spec[0] == "dict":
        return [(f"[{k!r}]", s) for k, s in spec[1]]
    if spec[0] in ("list", "tuple"):
        return [(f"[{i}]", s) for i, s in enumerate(spec[1])]
    return []


def _spec_paths(spec, prefix=""):
    """(accessor path, shape) of every leaf of ``spec``."""
    if spec[0] == "leaf":
        return [(prefix, spec[1])]
    return [p for acc, s in _spec_items(spec) for p in _spec_paths(s, prefix + acc)]


def _item_spec(spec):
    """The spec all the items of ``spec`` share (None if they differ or there are none)."""
    items = [s for _, s in _spec_items(spec)]
    if items and all(s == items[0] for s in items):
        return items[0]
    return None


def _spec_value(spec, r):
    """A random value of ``spec`` (leaves in -1.5 .. 1.5)."""
    if spec[0] == "leaf":
        shape = spec[1]
        values = [round(r.uniform(-1.5, 1.5), 3) for _ in range(int(np.prod(shape, dtype=int)))]
        return float(values[0]) if shape == S else np.array(values).reshape(shape)
    if spec[0] == "dict":
        return {k: _spec_value(s, r) for k, s in spec[1]}
    items = [_spec_value(s, r) for s in spec[1]]
    return items if spec[0] == "list" else tuple(items)


def _flat_leaves(spec):
    """Whether ``spec`` is a container of leaves only."""
    return spec[0] != "leaf" and all(s[0] == "leaf" for _, s in _spec_items(spec))


def _unpackable(spec):
    """A leaf, or a list or tuple of leaves (a target ``a`` or ``(a, b)`` takes it)."""
    return spec is not None and (spec[0] == "leaf" or spec[0] in ("list", "tuple")
                                 and _flat_leaves(spec))


class _Box:
    """A container in scope: its name and structure (values bounded by ``bound``)."""

    __slots__ = ("name", "spec", "bound", "param", "frozen")

    def __init__(self, name, spec, bound, param=False):
        self.name, self.spec, self.bound, self.param = name, spec, bound, param
        self.frozen = False      # another name holds it: never mutated again




class _Var:
    __slots__ = ("name", "shape", "bound", "kind", "locked", "buffer", "owned", "aliased")

    def __init__(self, name, shape, bound, kind="float"):
        self.name, self.shape, self.bound, self.kind = name, shape, bound, kind
        self.locked = False      # a while-loop's counter: the body must not reassign it
        self.buffer = False      # written in place: never aliased by a plain assignment
        self.owned = False       # bound to a fresh array (not a view of another name)
        self.aliased = False     # another name may be a view of it


_VIEW_CALLS = {"reshape", "ravel", "transpose", "squeeze", "expand_dims", "asarray", "array"}


def _alias_refs(code):
    """Names whose arrays ``code`` may return a view of (None: a fresh value)."""
    node = ast.parse(code, mode="eval").body
    refs = set()

    def visit(n):
        if isinstance(n, ast.Name):
            refs.add(n.id)
        elif isinstance(n, ast.Subscript):
            visit(n.value)
        elif isinstance(n, ast.Attribute):
            visit(n.value)
        elif isinstance(n, ast.IfExp):
            visit(n.body)
            visit(n.orelse)
        elif isinstance(n, ast.Call):
            fn = n.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            if name in ("get", "pop") and isinstance(fn, ast.Attribute):
                visit(fn.value)     # an item of a container (or get's default)
                for a in n.args[1:]:
                    visit(a)
            elif name in _VIEW_CALLS:
                if isinstance(fn, ast.Attribute) and not (isinstance(fn.value, ast.Name)
                                                          and fn.value.id == "np"):
                    visit(fn.value)
                for a in n.args[:1]:
                    visit(a)
            elif isinstance(fn, ast.Name) and fn.id.startswith("h"):
                for a in n.args:   # a helper may return (a view of) an argument
                    visit(a)

    visit(node)
    return refs or None


class _Context:
    """Where a statement is generated: loop depth, caps on loop-carried values."""

    def __init__(self, loops=0, caps=None, nested=False, in_for=False, in_helper=False):
        self.loops = loops
        self.caps = caps or {}
        self.nested = nested
        self.in_for = in_for
        self.in_helper = in_helper

    def child(self, loop=False, caps=None, in_for=None):
        return _Context(self.loops + (1 if loop else 0), caps if caps is not None else self.caps,
                        True, self.in_for if in_for is None else in_for, self.in_helper)


class Generator:
    """Generate one program from a seed and the set of enabled features."""

    def __init__(self, seed, features, max_statements=12):
        self.seed = seed
        self.r = random.Random(seed)
        self.features = frozenset(features)
        self.max_statements = max(1, max_statements)
        self.used = set()
        self.counter = itertools.count(1)
        self.ops_unary = [op for op in UNARY if op.feature in self.features]
        self.ops_binary = [op for op in BINARY if op.feature in self.features]
        self.ops_convert = [op for op in CONVERT if op.feature in self.features]
        self.helpers = []        # (name, [param shapes], out shape, has default)
        self.env, self.lines, self.indent, self.count, self.params = [], [], 1, 0, []
        self.depth = 0           # nesting of compound statements
        self.counter_start = None  # the int parameter integer counters start from
        self.exponent = None       # the int parameter that is 0 at the sample point
        self.need_same = False     # the helper that returns its argument is used
        self.constant_params = set()  # parameters defaulting to a module array
        self.boxes = []            # containers in scope (see _Box)
        self.box_helpers = []      # module-level helpers taking containers
        self.container_mode = False  # a container program (CONTAINER_SHARE of them)

    # ---------------------------------------------------------------- helpers
    def has(self, *features):
        return all(f in self.features for f in features)

    def use(self, feature):
        self.used.add(feature)

    def choice_weighted(self, items):
        total = sum(w for w, _ in items)
        x = self.r.random() * total
        for w, item in items:
            x -= w
            if x <= 0:
                return item
        return items[-1][1]

    def const(self):
        return self.r.choice([0.25, 0.5, -0.5, 0.75, 1.5, -1.25, 0.3, 2.0])

    def new_name(self, prefix="v"):
        return f"{prefix}{next(self.counter)}"

    def squash(self, code, bound, cap=LIM):
        """``code`` unchanged if its bound is within ``cap``, else squashed into it."""
        if bound <= cap:
            return code, bound
        squashers = [(f, fmt) for f, fmt in (("np.tanh", "np.tanh({0})"),
                                             ("np.sin", "np.sin({0})"),
                                             ("recip", "(1.0 / (1.0 + {0} * {0}))"))
                     if f in self.features] or [("np.tanh", "np.tanh({0})")]
        feature, fmt = squashers[0] if self.r.random() < 0.6 else self.r.choice(squashers)
        self.use(feature)
        squashed = fmt.format(_p(code))
        if cap >= 1.0:
            return squashed, 1.0
        c = math.floor(cap * 100) / 100
        return f"({c} * {squashed})", c

    # ------------------------------------------------------------ expressions
    def float_vars(self, shape=None):
        return [v for v in self.env if v.kind == "float" and (shape is None or v.shape == shape)]

    def int_vars(self):
        return [v for v in self.env if v.kind == "int"]

    def leaf(self, shape):
        cands = self.float_vars(shape)
        r = self.r
        if self.boxes and r.random() < (0.3 if cands else 0.7):
            got = self.box_read(shape)
            if got is not None:
                return got
        if shape == S:
            ints = self.int_vars()
            vecs = [(v, i) for v in self.float_vars() if v.shape in (V, W)
                    for i in ints if i.bound < v.shape[0]]
            if vecs and r.random() < 0.3:
                v, i = r.choice(vecs)
                self.use("for_index")
                return f"{v.name}[{i.name}]", v.bound
            if ints and r.random() < 0.1:
                i = r.choice(ints)
                return f"({i.name} * 0.5)", i.bound * 0.5
            if r.random() < 0.05:
                return repr(self.const()), 2.0
        elif shape == V and r.random() < 0.1:
            mats = [v for v in self.float_vars(M)]
            ints = [i for i in self.int_vars() if i.bound < 2]
            if mats and ints:
                self.use("for_index")
                m = r.choice(mats)
                return f"{m.name}[{r.choice(ints).name}]", m.bound
        if cands and r.random() < 0.9:
            # prefer recently defined names
            v = cands[-1] if r.random() < 0.4 else r.choice(cands)
            return v.name, v.bound
        if shape != S and r.random() < 0.15:
            return CONST[shape], 1.2
        # derive from another variable
        others = [v for v in self.float_vars() if v.shape != shape]
        if not others:
            return (repr(self.const()), 2.0) if shape == S else (CONST[shape], 1.2)
        src = r.choice(others)
        return self.convert(src.name, src.bound, src.shape, shape, depth=0)

    def convert(self, code, bound, src, dst, depth):
        """An expression of shape ``dst`` computed from ``code`` (of shape ``src``)."""
        rows = [op for op in self.ops_convert if op.ins[0] == src and op.out == dst]
        if not rows:
            # go through a scalar (always possible: every shape reduces to one, a
            # scalar broadcasts to every shape)
            if src != S and dst != S:
                mid, b = self.convert(code, bound, src, S, depth)
                return self.convert(mid, b, S, dst, depth)
            if dst == S:
                return f"np.sum({code})", bound * 6 if src == M else bound * 3
            return f"({_p(code)} * {CONST[dst]})", bound * 1.2
        op = self.choice_weighted([(o.weight, o) for o in rows])
        self.use(op.feature)
        code, bound = self.squash(code, bound, op.limit)
        operands, bounds = [code], [bound]
        for extra in op.ins[1:]:
            c, b = self.expr(extra, depth - 1)
            c, b = self.squash(c, b, op.limit)
            operands.append(c)
            bounds.append(b)
        return _fill(op, *operands), op.bound(*bounds)

    def expr(self, shape, depth):
        """A random expression of ``shape``: (code, bound estimate)."""
        r = self.r
        if depth <= 0 or r.random() < 0.2:
            return self.leaf(shape)
        options = [(3.0, "unary"), (4.0, "binary"), (1.5, "convert")]
        if self.has("ifexp"):
            options.append((0.4, "ifexp"))
        if self.helpers:
            options.append((1.0, "call"))
        kind = self.choice_weighted(options)
        if kind == "unary" and self.ops_unary:
            op = self.choice_weighted([(o.weight, o) for o in self.ops_unary])
            self.use(op.feature)
            c, b = self.expr(shape, depth - 1)
            c, b = self.squash(c, b, op.limit)
            if op.feature == "zero_pow" and self.exponent and r.random() < 0.4:
                fmt = r.choice(["({0}) ** {1}", "np.power({0} * 0.0, {1})"])
                return fmt.format(_p(c), self.exponent), 1.0
            return _fill(op, c), op.bound(b)
        if kind == "binary" and self.ops_binary:
            op = self.choice_weighted([(o.weight, o) for o in self.ops_binary])
            self.use(op.feature)
            shapes = [shape, shape]
            if r.random() < 0.35 and self.has("broadcast"):   # broadcast one side
                small = S if shape != M or r.random() < 0.5 else V
                if shape != S:
                    shapes[r.randrange(2)] = small
            a, ba = self.expr(shapes[0], depth - 1)
            b, bb = self.expr(shapes[1], depth - 1)
            a, ba = self.squash(a, ba, op.limit)
            b, bb = self.squash(b, bb, op.limit)
            if shapes != [shape, shape]:
                self.use("broadcast")
            return _fill(op, a, b), op.bound(ba, bb)
        if kind == "convert" and self.ops_convert:
            src = r.choice([s for s in SHAPES if s != shape or any(
                o.ins[0] == s and o.out == s for o in self.ops_convert)])
            c, b = self.expr(src, depth - 1)
            return self.convert(c, b, src, shape, depth)
        if kind == "ifexp":
            self.use("ifexp")
            a, ba = self.expr(shape, depth - 1)
            b, bb = self.expr(shape, depth - 1)
            return f"({a} if {self.condition(1)} else {b})", max(ba, bb)
        if kind == "call" and self.helpers:
            return self.call(shape, depth)
        return self.leaf(shape)

    def call(self, shape, depth):
        r = self.r
        name, pshapes, out, default = r.choice(self.helpers)
        self.use("helper_call")
        args = []
        for s in pshapes:
            c, b = self.expr(s, depth - 1)
            c, _ = self.squash(c, b, LIM)
            args.append(c)
        if default and r.random() < 0.5:
            self.use("helper_kwargs")
            c, b = self.expr(S, depth - 1)
            c, _ = self.squash(c, b, 1.0)
            args.append(f"c={c}")
        code, bound = f"{name}({', '.join(args)})", self.helper_bounds[name]
        if out != shape:
            return self.convert(code, bound, out, shape, depth)
        return code, bound

    def condition(self, depth=1):
        """A scalar condition (a comparison, maybe combined with and/or/not)."""
        r = self.r
        ints = self.int_vars()
        if ints and r.random() < 0.15:
            i = r.choice(ints)
            return f"{i.name} % 2 == {r.randrange(2)}"
        c, _ = self.expr(S, depth)
        op = r.choice([">", "<", ">=", "<="])
        cond = f"{_p(c)} {op} {round(r.uniform(-0.6, 0.6), 2)}"
        if self.has("boolop") and r.random() < 0.2:
            self.use("boolop")
            other = self.condition(0)
            form = r.randrange(3)
            if form == 0:
                return f"{cond} and {other}"
            if form == 1:
                return f"{cond} or {other}"
            return f"not ({cond})"
        return cond

    # -------------------------------------------------------------- statements
    def emit(self, line):
        self.lines.append("    " * self.indent + line)

    def budget_left(self):
        return self.max_statements - self.count

    def statement(self, ctx):
        self.count += 1
        options = [(5.0, "new"), (3.0, "reassign")]
        if self.has("aug_assign"):
            options.append((1.0, "aug"))
        if self.has("tuple_assign"):
            options.append((0.6, "tuple"))
        room = self.budget_left() >= 2 and self.depth < 3
        compound = room and (not ctx.in_helper or (self.has("helper_control")
                                                   and ctx.loops == 0))
        if compound and self.has("if") and (ctx.loops == 0 or self.has("if_in_loop")):
            options.append((2.0, "if"))
        if compound and ctx.loops < 2 and (ctx.loops == 0 or self.has("nested_loop")):
            if any(self.has(f) for f in ("for_range", "for_array", "for_enumerate",
                                         "for_zip")):
                options.append((2.0, "for"))
            if self.has("while_counter") or self.has("while_data"):
                options.append((0.8, "while"))
        if ctx.loops and ctx.in_for and not ctx.in_helper:
            if self.has("break"):
                options.append((0.5, "break"))
            if self.has("continue"):
                options.append((0.4, "continue"))
        if not ctx.in_helper and (self.has("return_in_if") and ctx.loops == 0
                                  or self.has("return_in_loop") and ctx.loops > 0):
            options.append((0.4, "return"))
        if room and self.has("inplace") and not ctx.in_helper:
            options.append((0.8, "inplace"))
        if room and self.has("list_append") and ctx.loops == 0 and not ctx.in_helper:
            options.append((0.6, "list"))
        top = not ctx.in_helper
        loop_room = compound and ctx.loops < 2 and (ctx.loops == 0 or self.has("nested_loop"))
        if loop_room and top and any(self.has(f) for f in AFTER_FEATURES):
            options.append((1.6, "loop_after"))
        if room and top and any(self.has(f) for f in ALIAS_FEATURES):
            options.append((1.6, "alias"))
        if loop_room and top and self.has("int_counter") and self.counter_start:
            options.append((1.2, "counter"))
        if top and (self.has("int_array_write") or self.has("bool_array_write")):
            options.append((0.6, "int_array"))
        if top and ctx.loops == 0 and self.depth == 0 and self.float_vars() and (
                self.has("local_function") or self.has("local_function_branch")):
            options.append((0.7, "local_fn"))
        if self.container_mode and top and ctx.loops == 0 and self.depth == 0 \
                and self.budget_left() >= 1:
            # about half the top-level statements of a container program
            options += [(3.0, "box_new"), (3.0, "box_op"), (0.8, "box_len"),
                        (1.5, "box_unpack"), (2.5, "box_mutate"), (2.0, "dict_write"),
                        (5.0, "box_loop"), (2.5, "box_comp"), (1.2, "box_helper")]
            if self.has("container_alias"):
                options.append((1.3, "box_alias"))
            if room and self.has("container_carry") and self.has("for_range"):
                options.append((1.8, "box_carry"))
        damp = 0.35 ** self.depth   # nested compound statements get rarer
        options = [(w * damp if k in ("if", "for", "while", "list", "inplace", "loop_after",
                                      "alias", "counter") else w, k)
                   for w, k in options]
        kind = self.choice_weighted(options)
        if ctx.in_helper and kind in ("if", "for", "while"):
            self.use("helper_control")
        nests = kind in ("if", "for", "while", "list", "loop_after", "alias", "counter") \
            or kind.startswith("box_") or kind == "dict_write"
        self.depth += nests
        getattr(self, "stmt_" + kind)(ctx)
        self.depth -= nests

    def block(self, n, ctx):
        for _ in range(n):
            if self.budget_left() <= 0:
                break
            self.statement(ctx)

    def bind(self, code):
        """Aliasing bookkeeping for ``name = code``: returns (code, owned).

        numpy basic indexing, ``.T``, reshapes and plain names give views of
        arrays that already exist.  A name bound to such a view is not
        "owned": augmented assignment (which writes in place) is never used
        on it, and the names it aliases are marked so they are never
        written in place either.  A buffer written by ``b[i] = ...`` must
        never be aliased, so a view of one is copied (``* 1.0``).
        """
        refs = _alias_refs(code)
        if refs is None:
            return code, True
        byname = {v.name: v for v in self.env}
        if any(byname[n].buffer for n in refs if n in byname):
            return f"{_p(code)} * 1.0", True
        if refs & (set(CONST.values()) | self.constant_params):
            # a module array (or a parameter defaulting to one) must never be written
            # into: a loop-carried name written by ``op=`` may be bound to it on a later
            # trip, and the program would change its own constants
            return f"{_p(code)} * 1.0", True
        for n in refs:
            if n in byname:
                byname[n].aliased = True
        return code, False

    def stmt_new(self, ctx):
        shape = self.r.choice(SHAPES)
        code, bound = self.expr(shape, self.r.randint(1, 3))
        code, bound = self.squash(code, bound, LIM)
        code, owned = self.bind(code)
        name = self.new_name()
        self.emit(f"{name} = {code}")
        var = _Var(name, shape, bound)
        var.owned = owned
        self.env.append(var)

    def reassignable(self):
        return [v for v in self.float_vars() if not v.locked and not v.buffer]

    def stmt_reassign(self, ctx):
        cands = self.reassignable()
        if not cands:
            return self.stmt_new(ctx)
        self.use("reassign")
        var = self.r.choice(cands)
        code, bound = self.expr(var.shape, self.r.randint(1, 3))
        if var.name in ctx.caps and self.has("add", "scale") and self.r.random() < 0.5:
            # the typical loop update: contract the old value, add something new
            self.use("add")
            self.use("scale")
            code, bound = f"0.5 * {var.name} + 0.5 * ({code})", 0.5 * var.bound + 0.5 * bound
        cap = ctx.caps.get(var.name, LIM)
        code, bound = self.squash(code, bound, cap)
        code, owned = self.bind(code)
        self.emit(f"{var.name} = {code}")
        var.bound = max(var.bound, bound) if ctx.nested else bound
        var.owned = owned if not ctx.nested else (var.owned and owned)

    def stmt_aug(self, ctx):
        # arrays are updated in place by augmented assignment: only owned, unaliased ones
        cands = [v for v in self.reassignable()
                 if v.owned and not v.aliased]
        if not cands:
            return self.stmt_new(ctx)
        var = self.r.choice(cands)
        self.use("aug_assign")
        cap = ctx.caps.get(var.name)
        if cap is not None or self.r.random() < 0.3:
            c = self.r.choice([0.5, 0.9, -0.75])
            self.emit(f"{var.name} *= {c}")
            var.bound = var.bound * abs(c) if not ctx.nested else var.bound
            return
        shape = var.shape if self.r.random() < 0.7 else S
        code, bound = self.expr(shape, self.r.randint(1, 2))
        code, bound = self.squash(code, bound, LIM)
        op = self.r.choice(["+=", "-="])
        self.emit(f"{var.name} {op} {code}")
        var.bound = var.bound + bound

    def stmt_tuple(self, ctx):
        r = self.r
        self.use("tuple_assign")
        same = {}
        for v in self.reassignable():
            same.setdefault(v.shape, []).append(v)
        pairs = [vs for vs in same.values() if len(vs) >= 2]
        if pairs and r.random() < 0.4:
            a, b = r.sample(r.choice(pairs), 2)
            cap = min(ctx.caps.get(a.name, 1e9), ctx.caps.get(b.name, 1e9))
            if max(a.bound, b.bound) <= cap:
                self.emit(f"{a.name}, {b.name} = {b.name}, {a.name}")
                a.bound = b.bound = max(a.bound, b.bound)
                a.owned, b.owned = a.owned and b.owned, a.owned and b.owned
                return
        items = []
        for _ in range(2):
            shape = r.choice(SHAPES)
            code, bound = self.expr(shape, r.randint(1, 2))
            code, bound = self.squash(code, bound, LIM)
            code, owned = self.bind(code)
            items.append((self.new_name(), shape, code, bound, owned))
        self.emit(f"{items[0][0]}, {items[1][0]} = {items[0][2]}, {items[1][2]}")
        for name, shape, _, bound, owned in items:
            var = _Var(name, shape, bound)
            var.owned = owned
            self.env.append(var)

    def scoped(self, body):
        """Run ``body()``; names it defines go out of scope after it."""
        size = len(self.env)
        body()
        del self.env[size:]

    def stmt_if(self, ctx):
        r = self.r
        self.use("if")
        if ctx.loops:
            self.use("if_in_loop")
        inner = ctx.child()
        self.emit(f"if {self.condition()}:")
        self.indent += 1
        self.scoped(lambda: self.block(r.randint(1, 2), inner))
        self.indent -= 1
        if r.random() < 0.3 and self.budget_left() > 1:
            self.emit(f"elif {self.condition()}:")
            self.indent += 1
            self.scoped(lambda: self.block(r.randint(1, 2), inner))
            self.indent -= 1
        if r.random() < 0.6 and self.budget_left() > 0:
            self.emit("else:")
            self.indent += 1
            self.scoped(lambda: self.block(r.randint(1, 2), inner))
            self.indent -= 1

    def loop_caps(self, ctx):
        """Loop-carried values may not grow: every existing name gets a cap."""
        caps = dict(ctx.caps)
        for v in self.float_vars():
            if v.name not in caps:
                v.bound = max(v.bound, 1.0)
                caps[v.name] = v.bound
        return caps

    def stmt_for(self, ctx):
        r = self.r
        kinds = [k for k in ("for_range", "for_array", "for_enumerate", "for_zip")
                 if self.has(k)]
        kind = r.choice(kinds)
        arrays = [v for v in self.float_vars() if v.shape != S and not v.buffer]
        if kind in ("for_array", "for_enumerate", "for_zip") and not arrays:
            kind = "for_range" if self.has("for_range") else None
            if kind is None:
                return self.stmt_new(ctx)
        if ctx.loops:
            self.use("nested_loop")
        caps = self.loop_caps(ctx)
        size = len(self.env)
        if kind == "for_range":
            self.use("for_range")
            i = self.new_name("i")
            ints = [p for p in self.params if p.kind == "int" and p.name == "n"]
            form = r.randrange(5)
            if form == 0 and ints:
                p = r.choice(ints)
                header, top = f"range({p.name})", 3
            elif form == 1 and self.has("for_range_args"):
                self.use("for_range_args")
                header, top = "range(1, 4, 2)", 3
            elif form == 2 and arrays and self.has("for_range_args"):
                self.use("for_range_args")
                a = r.choice(arrays)
                header, top = f"range(len({a.name}))", a.shape[0] - 1
            else:
                k = r.randint(1, 4)
                header, top = f"range({k})", k - 1
            if self.has("reversed_range") and r.random() < 0.3:
                self.use("reversed_range")
                header = f"reversed({header})"
            self.emit(f"for {i} in {header}:")
            self.env.append(_Var(i, S, top, "int"))
        elif kind == "for_array":
            self.use("for_array")
            a = r.choice(arrays)
            e = self.new_name("row" if a.shape == M else "e")
            self.emit(f"for {e} in {a.name}:")
            self.env.append(_Var(e, a.shape[1:], a.bound))
        elif kind == "for_enumerate":
            self.use("for_enumerate")
            a = r.choice(arrays)
            k, e = self.new_name("k"), self.new_name("e")
            self.emit(f"for {k}, {e} in enumerate({a.name}):")
            self.env.append(_Var(k, S, a.shape[0] - 1, "int"))
            self.env.append(_Var(e, a.shape[1:], a.bound))
        else:
            self.use("for_zip")
            a = r.choice(arrays)
            partners = [v for v in arrays if v.shape[0] == a.shape[0]]
            b_name, b_shape, b_bound = (CONST[a.shape], a.shape, 1.2)
            if partners and r.random() < 0.6:
                b = r.choice(partners)
                b_name, b_shape, b_bound = b.name, b.shape, b.bound
            p, q = self.new_name("p"), self.new_name("q")
            if r.random() < 0.3:   # enumerate(zip(...)): the index and each sequence's item
                k = self.new_name("k")
                self.emit(f"for {k}, ({p}, {q}) in enumerate(zip({a.name}, {b_name})):")
                self.env.append(_Var(k, S, a.shape[0] - 1, "int"))
            else:
                self.emit(f"for {p}, {q} in zip({a.name}, {b_name}):")
            self.env.append(_Var(p, a.shape[1:], a.bound))
            self.env.append(_Var(q, b_shape[1:], b_bound))
        for v in self.env[size:]:
            v.locked = True
        if kind != "for_range":
            # the loop's items may be views of the arrays iterated over
            for v in self.float_vars():
                if v.name in self.lines[-1].split(" in ", 1)[1]:
                    v.aliased = True
        self.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        before = len(self.lines)
        self.block(r.randint(1, 3), inner)
        if len(self.lines) == before:
            self.emit("pass")
        self.indent -= 1
        del self.env[size:]

    def stmt_while(self, ctx):
        r = self.r
        kinds = [k for k in ("while_counter", "while_data") if self.has(k)]
        kind = r.choice(kinds)
        if ctx.loops:
            self.use("nested_loop")
        self.use(kind)
        size = len(self.env)
        if kind == "while_counter":
            k = self.new_name("k")
            top = r.randint(1, 4)
            self.emit(f"{k} = 0")
            caps = self.loop_caps(ctx)
            self.emit(f"while {k} < {top}:")
            self.indent += 1
            self.emit(f"{k} = {k} + 1")
            counter = _Var(k, S, top, "int")
            counter.locked = True
            self.env.append(counter)
        else:
            t = self.new_name("t")
            c, b = self.expr(S, 1)
            c, b = self.squash(c, b, 1.0)
            self.use("scale")
            self.emit(f"{t} = 0.5 * {_p(c)}")
            limit = round(r.uniform(0.5, 2.0), 2)
            caps = self.loop_caps(ctx)
            self.emit(f"while {t} < {limit}:")
            self.indent += 1
            inc, ib = self.expr(S, 1)
            self.use("np.tanh")
            self.emit(f"{t} = {t} + 0.5 + 0.25 * np.tanh({inc})")
            counter = _Var(t, S, limit + 0.75)
            counter.locked = True
            self.env.append(counter)
            caps[t] = limit + 0.75
        inner = ctx.child(loop=True, caps=caps, in_for=False)
        self.block(r.randint(1, 3), inner)
        self.indent -= 1
        del self.env[size + 1:]
        self.env[size].locked = False
        if kind == "while_counter":
            del self.env[size:]

    def stmt_break(self, ctx):
        self.use("break")
        self.emit(f"if {self.condition()}:")
        self.emit("    break")

    def stmt_continue(self, ctx):
        self.use("continue")
        self.emit(f"if {self.condition()}:")
        self.emit("    continue")

    def stmt_return(self, ctx):
        self.use("return_in_loop" if ctx.loops else "return_in_if")
        self.emit(f"if {self.condition()}:")
        self.indent += 1
        self.emit(f"return {self.output_expr()}")
        self.indent -= 1

    def stmt_inplace(self, ctx):
        r = self.r
        self.use("inplace")
        bufs = [v for v in self.float_vars() if v.buffer and v.shape != S]
        if bufs and r.random() < 0.5:
            buf = r.choice(bufs)
        else:
            shape = r.choice([V, W, M])
            buf = _Var(self.new_name("buf"), shape, 1.0)
            buf.buffer = buf.owned = True
            dims = shape[0] if len(shape) == 1 else str(shape)
            self.emit(f"{buf.name} = np.zeros({dims})")
            self.env.append(buf)
            self.count += 1
        cap = ctx.caps.get(buf.name, LIM)
        ints = [i for i in self.int_vars() if i.bound < buf.shape[0]]
        r0 = r.random()
        if ints and r0 < 0.4:
            i = r.choice(ints)
            target, tshape = f"{buf.name}[{i.name}]", buf.shape[1:]
        elif buf.shape == M and r0 < 0.7:
            target, tshape = f"{buf.name}[:, {r.randrange(3)}]", W
        elif r0 < 0.8:
            target, tshape = f"{buf.name}[{r.randrange(buf.shape[0])}]", buf.shape[1:]
        else:
            target, tshape = f"{buf.name}[0:2]", (2,) + buf.shape[1:]
            if tshape not in SHAPES:
                target, tshape = f"{buf.name}[1]", buf.shape[1:]
        code, bound = self.expr(tshape, r.randint(1, 2))
        if r.random() < 0.3 and buf.name not in ctx.caps:
            code, bound = self.squash(code, bound, LIM)
            self.emit(f"{target} += {code}")
            buf.bound = buf.bound + bound
        else:
            code, bound = self.squash(code, bound, min(cap, LIM))
            self.emit(f"{target} = {code}")
            buf.bound = max(buf.bound, bound)
        if ctx.loops:
            self.use("inplace_loop")

    def stmt_list(self, ctx):
        r = self.r
        self.use("list_append")
        self.use("for_range")
        acc = self.new_name("acc")
        item = r.choice([S, V])
        self.emit(f"{acc} = []")
        caps = self.loop_caps(ctx)
        i = self.new_name("i")
        n = r.randint(1, 4)
        self.emit(f"for {i} in range({n}):")
        self.indent += 1
        size = len(self.env)
        iv = _Var(i, S, n - 1, "int")
        iv.locked = True
        self.env.append(iv)
        # no break/continue directly in this loop: the list must not stay empty
        inner = ctx.child(loop=True, caps=caps, in_for=False)
        if self.budget_left() > 2 and r.random() < 0.5:
            self.block(1, inner)
        code, bound = self.expr(item, r.randint(1, 2))
        code, bound = self.squash(code, bound, LIM)
        code, _ = self.bind(code)
        self.emit(f"{acc}.append({code})")
        self.count += 1
        del self.env[size:]
        self.indent -= 1
        name = self.new_name()
        if item == S:
            form = r.choice([f"sum({acc})", f"np.sum(np.array({acc}))", f"{acc}[-1] * 2.0"])
            self.emit(f"{name} = {form}")
            self.env.append(_Var(name, S, n * bound))
        else:
            form = r.choice([f"np.sum(np.stack({acc}), axis=0)", f"np.array({acc})[0]"])
            self.emit(f"{name} = {form}")
            self.env.append(_Var(name, V, n * bound))

    # ------------------------------------------------- Python's own semantics
    def read_after(self, var):
        """``vN = ...`` reading ``var`` right away (a loop target after its loop, ...)."""
        r = self.r
        name = self.new_name()
        if var.kind == "int":
            vecs = [v for v in self.float_vars() if v.shape in (V, W) and var.bound < v.shape[0]]
            if vecs and r.random() < 0.5:
                v = r.choice(vecs)
                code, bound = f"{v.name}[{var.name}]", v.bound
                shape = S
            else:
                shape = r.choice(SHAPES)
                c, b = self.expr(shape, 1)
                c, b = self.squash(c, b, LIM)
                code, bound = f"{_p(c)} * ({var.name} * 0.5 + 0.25)", b * (var.bound * 0.5 + 0.25)
        else:
            shape = var.shape
            c, b = self.expr(shape, 1)
            c, b = self.squash(c, b, LIM)
            code, bound = f"{var.name} * {_p(c)}", var.bound * b
        code, bound = self.squash(code, bound, LIM)
        code, owned = self.bind(code)
        self.emit(f"{name} = {code}")
        new = _Var(name, shape, bound)
        new.owned = owned
        self.env.append(new)
        self.count += 1

    def loop_body(self, ctx, caps, targets, brk=False):
        """The indented body of a for loop whose targets are ``targets`` (locked in it)."""
        r = self.r
        size = len(self.env)
        for t in targets:
            t.locked = True
            self.env.append(t)
        self.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        before = len(self.lines)
        n = r.randint(1, 2)
        at = r.randint(0, n) if brk else -1
        for k in range(n + 1):
            if k == at:
                self.emit(f"if {self.condition()}:")
                self.emit("    break")
            if k < n and self.budget_left() > 0:
                self.statement(inner)
        if len(self.lines) == before:
            self.emit("pass")
        self.indent -= 1
        del self.env[size:]

    def stmt_loop_after(self, ctx):
        """A for loop whose target is read after it (Python keeps the last trip's value)."""
        r = self.r
        kind = r.choice([k for k in AFTER_FEATURES if self.has(k)])
        self.use(kind)
        self.use("for_range")
        if ctx.loops:
            self.use("nested_loop")
        caps = self.loop_caps(ctx)
        size = len(self.env)
        arrays = [v for v in self.float_vars() if v.shape != S and not v.buffer
                  and not v.locked]
        if kind == "after_zero_trip":
            if arrays and r.random() < 0.5:
                # a float pre-bound, then a loop over a slice that may be empty
                a = r.choice(arrays)
                t = self.new_name("e")
                code, bound = self.expr(a.shape[1:], 1)
                code, bound = self.squash(code, bound, LIM)
                code, _ = self.bind(code)
                if a.shape[1:]:
                    code = f"{_p(code)} * 1.0"
                self.emit(f"{t} = {code}")
                start = r.choice([a.shape[0], a.shape[0], a.shape[0] - 1])
                self.emit(f"for {t} in {a.name}[{start}:]:")
                for v in self.float_vars():
                    if v.name == a.name:
                        v.aliased = True
                target = _Var(t, a.shape[1:], max(bound, a.bound))
            else:
                t = self.new_name("i")
                first = r.randint(0, 2)
                self.emit(f"{t} = {first}")
                ns = [p for p in self.params if p.kind == "int" and p.name == "n"]
                header = r.choice(["range(0)", "range(2, 2)", "range(2)"]
                                  + ([f"range({ns[0].name} - 1)"] if ns else []))
                self.emit(f"for {t} in {header}:")
                target = _Var(t, S, max(first, 2), "int")
            self.count += 1
            self.loop_body(ctx, caps, [target])
        elif kind == "after_nested_reuse":
            t = self.new_name("i")
            k1, k2 = r.randint(1, 3), r.randint(1, 3)
            target = _Var(t, S, max(k1, k2) - 1, "int")
            self.emit(f"for {t} in range({k1}):")
            target.locked = True
            self.env.append(target)
            self.indent += 1
            inner = ctx.child(loop=True, caps=caps, in_for=True)
            if self.budget_left() > 2 and r.random() < 0.5:
                self.statement(inner)
            self.emit(f"for {t} in range({k2}):")
            self.use("nested_loop")
            self.loop_body(inner, caps, [])
            if self.budget_left() > 0 and r.random() < 0.5:
                self.statement(inner)
            self.indent -= 1
            del self.env[size:]
        else:
            if arrays and r.random() < 0.4:
                a = r.choice(arrays)
                t = self.new_name("row" if a.shape == M else "e")
                self.emit(f"for {t} in {a.name}:")
                for v in self.float_vars():
                    if v.name == a.name:
                        v.aliased = True
                target = _Var(t, a.shape[1:], a.bound)
            else:
                t = self.new_name("i")
                k = r.randint(1, 4)
                header = f"range({k})"
                ns = [p for p in self.params if p.kind == "int" and p.name == "n"]
                if ns and r.random() < 0.3:
                    header, k = f"range({ns[0].name})", 4
                if self.has("reversed_range") and r.random() < 0.3:
                    self.use("reversed_range")
                    header = f"reversed({header})"
                if r.random() < 0.35:
                    # bound before the loop too: the loop must rebind it
                    self.emit(f"{t} = {r.randint(0, 2)}")
                self.emit(f"for {t} in {header}:")
                target = _Var(t, S, max(k - 1, 2), "int")
            self.loop_body(ctx, caps, [target], brk=kind == "after_break")
        # after the loop: the target is bound (every loop here runs a trip, or the name
        # was bound before it), may be read and rebound
        target.locked = False
        self.env.append(target)
        self.read_after(target)

    def stmt_alias(self, ctx):
        """``b`` may alias a fresh array ``a`` (branch, conditional expression, helper,
        container), then ``b`` is written into (``b[k] = ...``, ``b op= ...``) and ``a`` read."""
        r = self.r
        kind = r.choice([k for k in ALIAS_FEATURES if self.has(k)])
        self.use(kind)
        shape = r.choice([V, W, M])
        a, b = self.new_name("ar"), self.new_name("al")
        code, ba = self.expr(shape, r.randint(1, 2))
        code, ba = self.squash(code, ba, LIM)
        self.emit(f"{a} = {_p(code)} * 1.0")
        other, bo = self.expr(shape, r.randint(1, 2))
        other, bo = self.squash(other, bo, LIM)
        other = f"{_p(other)} * {r.choice([1.0, 0.5, -1.5, 2.0])}"
        bo *= 2.0
        first, second = (a, other) if r.random() < 0.6 else (other, a)
        if kind == "alias_branch":
            self.use("if")
            self.emit(f"if {self.condition()}:")
            self.emit(f"    {b} = {first}")
            self.emit("else:")
            self.emit(f"    {b} = {second}")
        elif kind == "alias_ifexp":
            self.use("ifexp")
            self.emit(f"{b} = {first} if {self.condition()} else {second}")
        elif kind == "alias_helper":
            self.need_same = True
            form = r.randrange(3)
            if form == 0:
                self.emit(f"{b} = same({a})")
            elif form == 1:
                self.emit(f"{b} = same({first} if {self.condition()} else {second})")
            else:
                self.use("if")
                self.emit(f"if {self.condition()}:")
                self.emit(f"    {b} = same({first})")
                self.emit("else:")
                self.emit(f"    {b} = {second}")
        elif kind == "alias_loop":
            # a loop-carried name that holds the array from the second trip on
            self.use("for_range")
            self.emit(f"{b} = {other}")
        else:
            box = self.new_name("box")
            form = r.randrange(3)
            if form == 0:
                self.emit(f"{box} = [{first}, {second}]")
                self.emit(f"{b} = {box}[{0 if first == a else 1}]")
            elif form == 1:
                self.emit(f"{box} = {{'p': {first}, 'q': {second}}}")
                self.emit(f"{b} = {box}['p' if {self.condition()} else 'q']")
            else:
                self.emit(f"{box} = {{'p': {a}}}")
                self.emit(f"{b} = {box}['p']")
        self.count += 2
        bound = max(ba, bo)
        trips = 1
        if kind == "alias_loop":
            trips = r.randint(2, 3)
            self.emit(f"for {self.new_name('i')} in range({trips}):")
            self.indent += 1
        for _ in range(r.randint(1, 2)):
            w = r.randrange(4)
            if w == 0:
                k = r.randrange(shape[0])
                c, cb = self.expr(shape[1:], 1)
                c, cb = self.squash(c, cb, LIM)
                self.emit(f"{b}[{k}] = {c}")
                bound = max(bound, cb)
            elif w == 1:
                c, cb = self.expr(r.choice([shape, S]), 1)
                c, cb = self.squash(c, cb, LIM)
                self.emit(f"{b} {r.choice(['+=', '-='])} {c}")
                bound += trips * cb
            elif w == 2:
                self.emit(f"{b} *= {r.choice([0.5, -0.75, 0.9])}")
            else:
                k = r.randrange(shape[0])
                c, cb = self.expr(shape[1:], 1)
                c, cb = self.squash(c, cb, LIM)
                self.emit(f"{b}[{k}] += {c}")
                bound += trips * cb
            self.count += 1
        if kind == "alias_loop":
            self.emit(f"{b} = {a}")
            self.indent -= 1
        # half the time a is read afterwards (what the write through b did to it: s2sad
        # must refuse, or follow the write); else a is never read again, and the write is
        # differentiated as written (a refusal would be a false one)
        read_a = r.random() < 0.5
        for name in ((a, b) if read_a else (b,)):
            v = _Var(name, shape, bound)
            v.locked = v.aliased = True     # never rebound or written again
            self.env.append(v)
        self.read_after(self.env[-2] if read_a else self.env[-1])

    def stmt_local_fn(self, ctx):
        """A local function (a lambda bound to a name, or a nested def) called on a value;
        or one chosen by a branch (``g = lambda ...`` in each), which s2sad must refuse:
        it puts a local function's body in place of its calls."""
        r = self.r
        kinds = [k for k in ("local_function", "local_function_branch") if self.has(k)]
        # the branch-chosen kind is refused by design: rarer, so campaigns check more
        kind = kinds[0] if len(kinds) == 1 or r.random() < 0.75 else kinds[1]
        self.use(kind)
        v = r.choice(self.float_vars())
        g = self.new_name("g")
        first, second = r.sample(["np.tanh(u) * 0.5 + u", "np.sin(u) - 0.5 * u",
                                  "u * 0.75 + np.cos(u) * 0.25"], 2)
        if kind == "local_function" and r.random() < 0.5:
            self.emit(f"{g} = lambda u: {first}")
        elif kind == "local_function":
            self.emit(f"def {g}(u):")
            self.emit(f"    return {first}")
        else:
            self.use("if")
            self.emit(f"if {self.condition()}:")
            self.emit(f"    {g} = lambda u: {first}")
            self.emit("else:")
            self.emit(f"    {g} = lambda u: {second}")
        out = self.new_name()
        self.emit(f"{out} = {g}({v.name})")
        self.count += 2
        self.env.append(_Var(out, v.shape, v.bound + 1.0))

    def stmt_counter(self, ctx):
        """An integer counter from an int parameter: ``c = start``, ``c += 1`` in a loop."""
        r = self.r
        self.use("int_counter")
        self.use("for_range")
        if ctx.loops:
            self.use("nested_loop")
        c = self.new_name("c")
        k = r.randint(1, 2)
        plus = r.choice([0, 0, 1])
        self.emit(f"{c} = {self.counter_start}" + (f" + {plus}" if plus else ""))
        caps = self.loop_caps(ctx)
        t = self.new_name("i")
        self.emit(f"for {t} in range({k}):")
        counter = _Var(c, S, 1 + plus + k - 1, "int")
        counter.locked = True
        self.env.append(counter)
        size = len(self.env)
        self.env.append(_Var(t, S, k - 1, "int"))
        self.env[-1].locked = True
        self.indent += 1
        self.block(r.randint(1, 2), ctx.child(loop=True, caps=caps, in_for=False))
        self.emit(f"{c} += 1")
        self.indent -= 1
        del self.env[size:]
        counter.bound = 1 + plus + k
        counter.locked = False
        self.count += 1
        self.read_after(counter)

    def stmt_int_array(self, ctx):
        """A differentiated value written into an integer or bool array, which is then read."""
        r = self.r
        kinds = [k for k in ("int_array_write", "bool_array_write") if self.has(k)]
        kind = r.choice(kinds)
        self.use(kind)
        shape = r.choice([V, W])
        n = shape[0]
        if kind == "int_array_write":
            name = self.new_name("ia")
            init = r.choice([f"np.zeros({n}, dtype=int)", f"np.arange({n})",
                             f"np.array({[r.randint(-1, 2) for _ in range(n)]!r})"])
        else:
            name = self.new_name("ba")
            init = r.choice([f"np.zeros({n}, dtype=bool)", f"np.ones({n}, dtype=bool)",
                             f"np.array({[r.random() < 0.5 for _ in range(n)]!r})"])
        self.emit(f"{name} = {init}")
        c, cb = self.expr(S, r.randint(1, 2))
        c, cb = self.squash(c, cb, 1.0)
        k = r.randrange(n)
        if r.random() < 0.4:
            # a constant: numpy truncates it (or keeps whether it is nonzero), no refusal
            self.emit(f"{name}[{k}] = {r.choice([0.5, 1.7, -2.5, 3])}")
        elif kind == "int_array_write":
            op = r.choice(["=", "=", "+="])
            self.emit(f"{name}[{k}] {op} 2.5 * {_p(c)}")
        else:
            self.emit(f"{name}[{k}] = {_p(c)}")
        e, eb = self.expr(shape, 1)
        e, eb = self.squash(e, eb, LIM)
        out = self.new_name()
        if kind == "int_array_write":
            self.emit(f"{out} = {_p(e)} * {name}")
            bound = eb * 5.0
        elif r.random() < 0.5:
            self.emit(f"{out} = {_p(e)} * {name}")
            bound = eb
        else:
            e2, eb2 = self.expr(shape, 1)
            e2, eb2 = self.squash(e2, eb2, LIM)
            self.emit(f"{out} = np.where({name}, {e}, {e2})")
            bound = max(eb, eb2)
        self.count += 2
        self.env.append(_Var(out, shape, bound))

    # ------------------------------------------------------------ containers
    def box_read(self, shape):
        """A leaf of ``shape`` read out of a container in scope: ``ls3[1]``, ``prm['W']``,
        ``layers[0][1]``, ``dc4.get('a')``; None if no container has one."""
        r = self.r
        cands = [(b, path) for b in self.boxes for path, s in _spec_paths(b.spec) if s == shape]
        if not cands:
            return None
        box, path = r.choice(cands)
        if box.spec[0] == "dict" and self.has("dict_get") and path.count("[") == 1 \
                and r.random() < 0.25:
            self.use("dict_get")
            key = path[1:-1]
            default = "0.0" if shape == S else CONST[shape]
            form = r.randrange(3)
            if form == 0:
                return f"{box.name}.get({key})", box.bound
            if form == 1:
                return f"{box.name}.get({key}, {default})", box.bound
            missing = next(k for k in KEYS + ("zz",) if k not in dict(box.spec[1]))
            return f"{box.name}.get({missing!r}, {default})", 1.2
        if box.spec[0] in ("list", "tuple") and r.random() < 0.25:
            first = path[1:path.index("]")]
            if first == str(len(box.spec[1]) - 1):   # the last item, counted from the end
                path = "[-1]" + path[path.index("]") + 1:]
        return f"{box.name}{path}", box.bound

    def box_item(self, shape):
        """A fresh item of ``shape`` to put into a container."""
        code, bound = self.expr(shape, self.r.randint(1, 2))
        code, bound = self.squash(code, bound, LIM)
        code, _ = self.bind(code)    # the container holds the array: never written in place
        return code, bound

    def literal(self, spec):
        """Source of a container literal of ``spec`` with fresh items: (code, bound)."""
        if spec[0] == "leaf":
            return self.box_item(spec[1])
        parts, bound = [], 0.0
        for acc, s in _spec_items(spec):
            c, b = self.literal(s)
            bound = max(bound, b)
            parts.append(f"{acc[1:-1]}: {c}" if spec[0] == "dict" else c)
        if spec[0] == "list":
            return "[" + ", ".join(parts) + "]", bound
        if spec[0] == "tuple":
            return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")", bound
        return "{" + ", ".join(parts) + "}", bound

    def random_spec(self, kind, n=None, same=None):
        """A container of ``kind`` holding 2-3 leaves (of one shape, mostly)."""
        r = self.r
        n = n or r.randint(2, 3)
        shape = r.choice(SHAPES)
        same = r.random() < 0.7 if same is None else same
        leaves = tuple(_leaf_spec(shape if same else r.choice(SHAPES)) for _ in range(n))
        if kind == "dict":
            return ("dict", tuple(zip(r.sample(KEYS, n), leaves)))
        return (kind, leaves)

    def add_box(self, spec, bound, prefix=None):
        name = self.new_name(prefix or {"list": "ls", "tuple": "tp", "dict": "dc"}[spec[0]])
        box = _Box(name, spec, bound)
        self.boxes.append(box)
        return box

    def add_leaf_vars(self, names_specs, bound):
        """Names bound to items of a container (views of its arrays: never written)."""
        for name, spec in names_specs:
            v = _Var(name, spec[1], bound)
            v.aliased = True
            self.env.append(v)

    def target(self, spec, bound):
        """A loop or unpacking target for an item of ``spec``: (source, [(name, leaf spec)])."""
        if spec[0] == "leaf":
            name = self.new_name("e")
            return name, [(name, spec)]
        names = [(self.new_name("t"), s) for _, s in _spec_items(spec)]
        return "(" + ", ".join(n for n, _ in names) + ")", names

    def fresh_list(self):
        """A new list of 2-3 leaves of one shape (for a construct that needs one)."""
        if not self.has("list_literal"):
            return None
        self.use("list_literal")
        spec = self.random_spec("list", same=True)
        code, bound = self.literal(spec)
        box = self.add_box(spec, bound)
        self.emit(f"{box.name} = {code}")
        self.count += 1
        return box

    def seq_boxes(self, homogeneous=False, flat=False):
        return [b for b in self.boxes if b.spec[0] in ("list", "tuple") and b.spec[1]
                and (not homogeneous or _item_spec(b.spec) is not None)
                and (not flat or _unpackable(_item_spec(b.spec)))]

    def box_summary(self, box):
        """``vN = ...`` reading a container right away (so that it matters)."""
        r = self.r
        name = self.new_name()
        item = _item_spec(box.spec)
        n = len(box.spec[1])
        if item is not None and item[0] == "leaf" and r.random() < 0.35 and (
                box.spec[0] != "dict" or self.has("iter_dict")):
            if box.spec[0] == "dict":
                self.use("iter_dict")
            src = f"{box.name}.values()" if box.spec[0] == "dict" else box.name
            code, shape, bound = f"sum({src})", item[1], n * box.bound
            if self.has("list_len") and r.random() < 0.4:
                self.use("list_len")
                code, bound = f"{code} / len({box.name})", box.bound
        else:
            path, shape = r.choice(_spec_paths(box.spec))
            c, b = self.expr(shape, 1)
            c, b = self.squash(c, b, LIM)
            code, bound = f"{box.name}{path} * {_p(c)}", box.bound * b
        code, bound = self.squash(code, bound, LIM)
        code, owned = self.bind(code)
        self.emit(f"{name} = {code}")
        v = _Var(name, shape, bound)
        v.owned = owned
        self.env.append(v)

    def stmt_box_new(self, ctx):
        """A list, tuple or dict literal holding differentiated values (maybe nested)."""
        r = self.r
        kinds = [k for k in ("list_literal", "tuple_literal", "dict_literal", "nested_literal")
                 if self.has(k)]
        if not kinds:
            return self.stmt_new(ctx)
        kind = r.choice(kinds)
        self.use(kind)
        if kind == "nested_literal":
            inner = self.random_spec(r.choice(["tuple", "tuple", "list", "dict"]), n=2)
            n = r.randint(2, 3)
            outer = r.choice(["list", "list", "tuple", "dict"])
            spec = (("dict", tuple((k, inner) for k in r.sample(KEYS, n))) if outer == "dict"
                    else (outer, (inner,) * n))
        else:
            spec = self.random_spec(kind.split("_")[0])
        code, bound = self.literal(spec)
        box = self.add_box(spec, bound)
        self.emit(f"{box.name} = {code}")
        if r.random() < 0.5:
            self.box_summary(box)

    def stmt_box_op(self, ctx):
        """A new list or tuple by concatenation, repetition or slicing."""
        r = self.r
        kinds = [k for k in ("list_concat", "list_repeat", "list_slice") if self.has(k)]
        seqs = self.seq_boxes()
        if not kinds or not seqs:
            return self.stmt_box_new(ctx)
        kind = r.choice(kinds)
        self.use(kind)
        a = r.choice(seqs)
        items, bound = list(a.spec[1]), a.bound
        if kind == "list_concat":
            others = [b for b in seqs if b.spec[0] == a.spec[0] and b is not a
                      and len(b.spec[1]) + len(items) <= 6]
            if others and r.random() < 0.5:
                b = r.choice(others)
                code, new, bound = f"{a.name} + {b.name}", items + list(b.spec[1]), max(
                    bound, b.bound)
            else:
                item = _item_spec(a.spec) or _leaf_spec(r.choice(SHAPES))
                lit = (a.spec[0], (item,) * r.randint(1, 2))
                lcode, lb = self.literal(lit)
                bound = max(bound, lb)
                if r.random() < 0.6:
                    code, new = f"{a.name} + {lcode}", items + list(lit[1])
                else:
                    code, new = f"{lcode} + {a.name}", list(lit[1]) + items
        elif kind == "list_repeat":
            k = 2 if len(items) > 2 else r.randint(2, 3)
            if r.random() < 0.3:
                item = _item_spec(a.spec) or _leaf_spec(r.choice(SHAPES))
                icode, ib = self.literal(item)
                bracket = f"[{icode}]" if a.spec[0] == "list" else f"({icode},)"
                code, new, bound = f"{bracket} * {k}", [item] * k, ib
            else:
                code = f"{a.name} * {k}" if r.random() < 0.6 else f"{k} * {a.name}"
                new = items * k
        else:
            forms = ["[1:]", "[:2]", "[::-1]", "[-2:]", "[1:3]", "[::2]", "[:-1]"]
            r.shuffle(forms)
            for form in forms:
                new = eval(f"items{form}")
                if new:
                    break
            code = f"{a.name}{form}"
        box = self.add_box((a.spec[0], tuple(new)), bound)
        self.emit(f"{box.name} = {code}")
        if r.random() < 0.6:
            self.box_summary(box)

    def stmt_box_len(self, ctx):
        """``len`` of a container scales a value."""
        r = self.r
        if not self.boxes or not self.has("list_len"):
            return self.stmt_box_new(ctx)
        self.use("list_len")
        box = r.choice(self.boxes)
        shape = r.choice(SHAPES)
        c, b = self.expr(shape, r.randint(1, 2))
        c, b = self.squash(c, b, LIM)
        name = self.new_name()
        n = len(box.spec[1])
        if r.random() < 0.5:
            self.emit(f"{name} = {_p(c)} * len({box.name})")
            bound = b * n
        else:
            self.emit(f"{name} = {_p(c)} / len({box.name})")
            bound = b
        self.env.append(_Var(name, shape, bound))

    def stmt_box_unpack(self, ctx):
        """``a, b = tp3``, ``w, b = layers[0]``, ``first, *rest = ls3``."""
        r = self.r
        cands = []
        for b in self.seq_boxes():
            if 2 <= len(b.spec[1]) <= 3 and all(_unpackable(s) for s in b.spec[1]):
                cands.append((b.name, b.spec, b))
            for acc, s in _spec_items(b.spec):
                if s[0] in ("list", "tuple") and _flat_leaves(s) and 2 <= len(s[1]) <= 3:
                    cands.append((b.name + acc, s, b))
        if not cands or not self.has("unpack"):
            return self.stmt_box_new(ctx)
        self.use("unpack")
        source, spec, box = r.choice(cands)
        if spec[1][0][0] == "leaf" and self.has("list_literal") and r.random() < 0.25:
            first = self.new_name("e")
            rest = self.new_name("ls")
            self.emit(f"{first}, *{rest} = {source}")
            self.add_leaf_vars([(first, spec[1][0])], box.bound)
            self.boxes.append(_Box(rest, ("list", tuple(spec[1][1:])), box.bound))
            return
        parts, leaves = [], []
        for s in spec[1]:
            text, names = self.target(s, box.bound)
            parts.append(text)
            leaves += names
        self.emit(f"{', '.join(parts)} = {source}")
        self.add_leaf_vars(leaves, box.bound)

    def mutable(self, kind):
        return [b for b in self.boxes if b.spec[0] == kind and not b.frozen
                and (not b.param or self.has("param_write"))]

    def stmt_box_mutate(self, ctx):
        """append / extend / pop / insert / item assignment on a list (maybe a parameter)."""
        r = self.r
        lists = self.mutable("list")
        if not lists and self.has("list_mutate") and self.fresh_list() is not None:
            lists = self.mutable("list")
        if not lists or not self.has("list_mutate"):
            return self.stmt_dict_write(ctx) if self.mutable("dict") else self.stmt_box_new(ctx)
        self.use("list_mutate")
        box = r.choice(lists)
        if box.param:
            self.use("param_write")
        items = list(box.spec[1])
        item = _item_spec(box.spec) if r.random() < 0.85 else None
        item = item or _leaf_spec(r.choice(SHAPES))
        form = r.choice(["append", "extend", "pop", "insert", "setitem", "setitem", "loop"])
        if form == "pop" and len(items) < 2:
            form = "append"
        if form == "loop" and not self.has("for_range"):
            form = "append"
        if form == "append":
            code, b = self.literal(item)
            self.emit(f"{box.name}.append({code})")
            items.append(item)
        elif form == "extend":
            others = [o for o in self.seq_boxes() if len(o.spec[1]) + len(items) <= 6]
            if others and r.random() < 0.4:
                o = r.choice(others)
                self.emit(f"{box.name}.extend({o.name})")
                items += list(o.spec[1])
                b = o.bound
            else:
                lit = ("list", (item,) * r.randint(1, 2))
                code, b = self.literal(lit)
                self.emit(f"{box.name}.extend({code})")
                items += list(lit[1])
        elif form == "pop":
            k = r.choice([None, 0, len(items) - 1, 1])
            popped = items.pop(-1 if k is None else k)
            call = f"{box.name}.pop({'' if k is None else k})"
            if popped[0] == "leaf":
                name = self.new_name()
                self.emit(f"{name} = {call}")
                self.add_leaf_vars([(name, popped)], box.bound)
            else:
                self.emit(call)
            b = box.bound
        elif form == "insert":
            k = r.randint(0, len(items))
            code, b = self.literal(item)
            self.emit(f"{box.name}.insert({k}, {code})")
            items.insert(k, item)
        elif form == "setitem":
            k = r.randrange(len(items))
            if items[k][0] == "leaf" and r.random() < 0.5:
                c, b = self.expr(items[k][1], 1)
                c, b = self.squash(c, b, LIM)
                self.emit(f"{box.name}[{k}] = 0.5 * {box.name}[{k}] + 0.5 * {_p(c)}")
                b = max(b, box.bound)
            else:
                code, b = self.literal(item)
                self.emit(f"{box.name}[{k}] = {code}")
                items[k] = item
        else:
            # append in a loop (the tape pattern), or an update of every item by index
            i = self.new_name("i")
            if _item_spec(box.spec) is not None and _item_spec(box.spec)[0] == "leaf" \
                    and self.has("loop_index") and r.random() < 0.5:
                self.use("loop_index")
                self.use("for_range")
                if self.has("list_len"):
                    self.use("list_len")
                    header = f"range(len({box.name}))"
                else:
                    header = f"range({len(items)})"
                shape = items[0][1]
                self.emit(f"for {i} in {header}:")
                self.env.append(_Var(i, S, len(items) - 1, "int"))
                self.env[-1].locked = True
                c, b = self.expr(shape, 1)
                c, b = self.squash(c, b, LIM)
                self.emit(f"    {box.name}[{i}] = 0.5 * {box.name}[{i}] + 0.5 * {_p(c)}")
                self.env.pop()
                b = max(b, box.bound)
            else:
                self.use("for_range")
                k = r.randint(1, 3)
                self.emit(f"for {i} in range({k}):")
                self.env.append(_Var(i, S, k - 1, "int"))
                self.env[-1].locked = True
                self.indent += 1
                code, b = self.literal(item)
                self.emit(f"{box.name}.append({code})")
                self.indent -= 1
                self.env.pop()
                items += [item] * k
        box.spec = ("list", tuple(items))
        box.bound = max(box.bound, b)
        if r.random() < 0.5 and items:
            self.box_summary(box)

    def stmt_dict_write(self, ctx):
        """``d[k] = ...`` on a dict (a key it has, or a new one; maybe a parameter)."""
        r = self.r
        dicts = self.mutable("dict")
        if not dicts or not self.has("dict_write"):
            return self.stmt_box_new(ctx)
        self.use("dict_write")
        box = r.choice(dicts)
        if box.param:
            self.use("param_write")
        entries = list(box.spec[1])
        keys = [k for k, _ in entries]
        item = _item_spec(box.spec) or _leaf_spec(r.choice(SHAPES))
        form = r.choice(["new", "overwrite", "update", "update", "loop"])
        if form == "loop" and not (self.has("iter_dict") and _item_spec(box.spec) is not None
                                   and _item_spec(box.spec)[0] == "leaf"):
            form = "update"
        fresh = [k for k in KEYS if k not in keys]
        if form == "new" and fresh:
            key = r.choice(fresh)
            code, b = self.literal(item)
            self.emit(f"{box.name}[{key!r}] = {code}")
            entries.append((key, item))
        elif form == "loop":
            self.use("iter_dict")
            k = self.new_name("k")
            self.emit(f"for {k} in {box.name}:")
            c, b = self.expr(item[1], 1)
            c, b = self.squash(c, b, LIM)
            self.emit(f"    {box.name}[{k}] = 0.5 * {box.name}[{k}] + 0.5 * {_p(c)}")
            b = max(b, box.bound)
        else:
            j = r.randrange(len(entries))
            key, spec = entries[j]
            if form == "update" and spec[0] == "leaf":
                c, b = self.expr(spec[1], 1)
                c, b = self.squash(c, b, LIM)
                self.emit(f"{box.name}[{key!r}] = {box.name}[{key!r}] * 0.5 + {_p(c)} * 0.5")
                b = max(b, box.bound)
            else:
                new = item if r.random() < 0.7 else _leaf_spec(r.choice(SHAPES))
                code, b = self.literal(new)
                self.emit(f"{box.name}[{key!r}] = {code}")
                entries[j] = (key, new)
        box.spec = ("dict", tuple(entries))
        box.bound = max(box.bound, b)
        if r.random() < 0.5:
            self.box_summary(box)

    def stmt_box_loop(self, ctx):
        """A for loop over a container: its items, ``zip``, ``enumerate``, ``reversed``,
        a dict's keys, items or values, or indices ``range(len(xs))``; it accumulates."""
        r = self.r
        seqs = self.seq_boxes(flat=True)
        dicts = [b for b in self.boxes if b.spec[0] == "dict" and b.spec[1]
                 and _item_spec(b.spec) is not None and _item_spec(b.spec)[0] == "leaf"]
        if not seqs and (not dicts or self.r.random() < 0.5) and self.fresh_list() is not None:
            seqs = self.seq_boxes(flat=True)
        kinds = [k for k in ("iter_list", "iter_zip", "iter_enumerate", "iter_reversed",
                             "loop_index") if self.has(k) and seqs]
        if self.has("iter_dict") and dicts:
            kinds.append("iter_dict")
        if not kinds:
            return self.stmt_box_new(ctx)
        kind = r.choice(kinds)
        self.use(kind)
        if ctx.loops:
            self.use("nested_loop")
        acc = self.new_name("s")
        self.emit(f"{acc} = 0.0")
        caps = self.loop_caps(ctx)
        caps[acc] = LIM
        acc_var = _Var(acc, S, LIM)
        acc_var.owned = True
        self.env.append(acc_var)
        size = len(self.env)
        leaves, ints = [], []
        if kind == "iter_dict":
            box = r.choice(dicts)
            item = _item_spec(box.spec)
            form = r.randrange(4)
            if form in (0, 1):
                k = self.new_name("k")
                self.emit(f"for {k} in {box.name}{'.keys()' if form else ''}:")
                leaves.append((f"{box.name}[{k}]", item))
            elif form == 2:
                k, v = self.new_name("k"), self.new_name("v")
                self.emit(f"for {k}, {v} in {box.name}.items():")
                leaves.append((v, item))
            else:
                v = self.new_name("v")
                self.emit(f"for {v} in {box.name}.values():")
                leaves.append((v, item))
            bound = box.bound
        elif kind == "loop_index":
            box = r.choice(seqs)
            item = _item_spec(box.spec)
            i = self.new_name("i")
            if self.has("list_len") and r.random() < 0.7:
                self.use("list_len")
                header = f"range(len({box.name}))"
            else:
                header = f"range({len(box.spec[1])})"
            self.use("for_range")
            self.emit(f"for {i} in {header}:")
            ints.append(_Var(i, S, len(box.spec[1]) - 1, "int"))
            if item[0] == "leaf":
                leaves.append((f"{box.name}[{i}]", item))
            else:
                leaves += [(f"{box.name}[{i}]{acc_}", s) for acc_, s in _spec_items(item)]
            bound = box.bound
        elif kind == "iter_zip":
            a = r.choice(seqs)
            others = [b for b in seqs if b is not a]
            if others and r.random() < 0.6:
                b = r.choice(others)
                second = b.name
            else:
                b, second = a, f"{a.name}[1:]"
            ta, la = self.target(_item_spec(a.spec), a.bound)
            tb, lb = self.target(_item_spec(b.spec), b.bound)
            leaves += la + lb
            if self.has("iter_enumerate") and r.random() < 0.3:
                self.use("iter_enumerate")
                k = self.new_name("k")
                self.emit(f"for {k}, ({ta}, {tb}) in enumerate(zip({a.name}, {second})):")
                ints.append(_Var(k, S, len(a.spec[1]) - 1, "int"))
            else:
                self.emit(f"for {ta}, {tb} in zip({a.name}, {second}):")
            bound = max(a.bound, b.bound)
        else:
            box = r.choice(seqs)
            t, names = self.target(_item_spec(box.spec), box.bound)
            leaves += names
            if kind == "iter_enumerate":
                k = self.new_name("k")
                self.emit(f"for {k}, {t} in enumerate({box.name}):")
                ints.append(_Var(k, S, len(box.spec[1]) - 1, "int"))
            elif kind == "iter_reversed":
                self.emit(f"for {t} in reversed({box.name}):")
            else:
                self.emit(f"for {t} in {box.name}:")
            bound = box.bound
        for v in ints:
            v.locked = True
            self.env.append(v)
        targets = []
        for name, spec in leaves:
            v = _Var(name, spec[1], bound)
            v.locked = v.aliased = True
            self.env.append(v)
            targets.append(v)
        self.indent += 1
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        if self.budget_left() > 1 and r.random() < 0.5:
            self.block(1, inner)
        t = r.choice(targets)
        term, tb = self.convert(t.name, t.bound, t.shape, S, 1) if t.shape != S \
            else (t.name, t.bound)
        c, b = self.expr(S, 1)
        term, tb = self.squash(f"{_p(term)} * {_p(c)}", tb * b, LIM)
        self.emit(f"{acc} = 0.5 * {acc} + 0.5 * {_p(term)}")
        self.indent -= 1
        del self.env[size:]

    def stmt_box_comp(self, ctx):
        """A list, tuple or dict comprehension over a container (or ``sum`` of one)."""
        r = self.r
        seqs = self.seq_boxes(homogeneous=True)
        seqs = [b for b in seqs if _item_spec(b.spec)[0] == "leaf"]
        dicts = [b for b in self.boxes if b.spec[0] == "dict" and b.spec[1]
                 and _item_spec(b.spec) is not None and _item_spec(b.spec)[0] == "leaf"]
        if not self.has("comprehension") or not (seqs or dicts):
            return self.stmt_box_new(ctx)
        self.use("comprehension")
        out = r.choice(SHAPES)
        size = len(self.env)

        def element(names):
            t = r.choice(names)
            term, tb = (self.convert(t.name, t.bound, t.shape, out, 1) if t.shape != out
                        else (t.name, t.bound))
            c, b = self.expr(out, 1)
            op = r.choice(["*", "+"])
            code, bound = self.squash(f"{_p(term)} {op} {_p(c)}",
                                      tb * b if op == "*" else tb + b, LIM)
            return code, bound

        def bind(name, spec, bound):
            v = _Var(name, spec[1], bound)
            v.locked = v.aliased = True
            self.env.append(v)
            return v

        use_dict = dicts and (not seqs or r.random() < 0.35)
        if use_dict:
            box = r.choice(dicts)
            k, v = self.new_name("k"), self.new_name("v")
            code, bound = element([bind(v, _item_spec(box.spec), box.bound)])
            del self.env[size:]
            if self.has("iter_dict"):
                self.use("iter_dict")
            new = self.add_box(("dict", tuple((key, _leaf_spec(out)) for key, _ in box.spec[1])),
                               bound)
            self.emit(f"{new.name} = {{{k}: {code} for {k}, {v} in {box.name}.items()}}")
            if r.random() < 0.5:
                self.box_summary(new)
            return
        box = r.choice(seqs)
        n = len(box.spec[1])
        form = r.randrange(4)
        e = self.new_name("e")
        names = [bind(e, _item_spec(box.spec), box.bound)]
        if form == 1 and self.has("iter_zip"):
            others = [b for b in seqs if b is not box]
            other = r.choice(others) if others else box
            f2 = self.new_name("e")
            names.append(bind(f2, _item_spec(other.spec), other.bound))
            self.use("iter_zip")
            clause = f"for {e}, {f2} in zip({box.name}, {other.name})"
            n = min(n, len(other.spec[1]))
        elif form == 2 and self.has("iter_enumerate"):
            self.use("iter_enumerate")
            k = self.new_name("k")
            iv = _Var(k, S, n - 1, "int")
            iv.locked = True
            self.env.append(iv)
            clause = f"for {k}, {e} in enumerate({box.name})"
        else:
            clause = f"for {e} in {box.name}"
        code, bound = element(names)
        del self.env[size:]
        how = r.random()
        if how < 0.25:
            name = self.new_name()
            cond = ""
            if r.random() < 0.5:
                cond = f" if np.sum({e}) > {round(r.uniform(-0.5, 0.5), 2)}"
            self.emit(f"{name} = sum([{code} {clause}{cond}])")
            v = _Var(name, out, n * bound)
            self.env.append(v)
        elif how < 0.4 and self.has("tuple_literal"):
            new = self.add_box(("tuple", (_leaf_spec(out),) * n), bound)
            self.emit(f"{new.name} = tuple(({code} {clause}))")
        else:
            new = self.add_box(("list", (_leaf_spec(out),) * n), bound)
            self.emit(f"{new.name} = [{code} {clause}]")
        if how >= 0.25 and r.random() < 0.6:
            self.box_summary(new)

    def stmt_box_alias(self, ctx):
        """A container mutated through a second name (``ca = co; ca.append(...)``, or one
        held by another container), then read through the first: s2sad must follow the
        mutation exactly or refuse it with a location."""
        r = self.r
        self.use("container_alias")
        kind = r.choice(["list", "list", "dict"])
        spec = self.random_spec(kind)
        code, bound = self.literal(spec)
        co, ca = self.new_name("co"), self.new_name("ca")
        self.emit(f"{co} = {code}")
        form = r.randrange(3)
        if form == 0:
            self.emit(f"{ca} = {co}")
        elif form == 1:
            hold = self.new_name("hold")
            if r.random() < 0.5:
                self.emit(f"{hold} = [{co}]")
                self.emit(f"{ca} = {hold}[0]")
            else:
                self.emit(f"{hold} = {{'c': {co}}}")
                self.emit(f"{ca} = {hold}['c']")
        else:
            other, ob = self.literal(spec)
            self.emit(f"{ca} = {co} if {self.condition()} else {other}")
            bound = max(bound, ob)
        self.count += 2
        items = list(spec[1])
        for _ in range(r.randint(1, 2)):
            if kind == "list":
                w = r.randrange(4) if form != 2 else 0
                item = _item_spec(("list", tuple(items))) or items[0]
                if r.random() < 0.3:
                    item = _leaf_spec(r.choice(SHAPES))
                if w == 0:
                    k = r.randrange(len(items))
                    c, b = self.literal(items[k])
                    self.emit(f"{ca}[{k}] = {c}")
                elif w == 1:
                    c, b = self.literal(item)
                    self.emit(f"{ca}.append({c})")
                    items.append(item)
                elif w == 2:
                    c, b = self.literal(("list", (item,)))
                    self.emit(f"{ca}.extend({c})")
                    items.append(item)
                else:
                    if len(items) < 2:
                        continue
                    self.emit(f"{ca}.pop()")
                    items.pop()
                    b = 0.0
            else:
                keys = [k for k, _ in items]
                fresh = [k for k in KEYS if k not in keys]
                if form != 2 and fresh and r.random() < 0.5:
                    key = r.choice(fresh)
                    leaf = _leaf_spec(r.choice(SHAPES))
                    items.append((key, leaf))
                else:
                    j = r.randrange(len(items))
                    key, leaf = items[j]
                c, b = self.literal(leaf)
                self.emit(f"{ca}[{key!r}] = {c}")
            bound = max(bound, b)
            self.count += 1
        box = _Box(co, (kind, tuple(items)), bound)
        box.frozen = True
        self.boxes.append(box)
        self.box_summary(box)

    def stmt_box_carry(self, ctx):
        """A container carried through a loop: ``state = {'pos': x, 'vel': v}`` updated each
        trip (item by item, or rebound whole)."""
        r = self.r
        if not (self.has("container_carry") and self.has("for_range")):
            return self.stmt_box_new(ctx)
        self.use("container_carry")
        self.use("for_range")
        kind = r.choice(["dict", "dict", "tuple", "list"])
        spec = self.random_spec(kind, n=2)
        code, bound = self.literal(spec)
        st = self.new_name("st")
        self.emit(f"{st} = {code}")
        box = _Box(st, spec, max(bound, 1.0))
        caps = self.loop_caps(ctx)
        i = self.new_name("i")
        self.emit(f"for {i} in range({r.randint(2, 4)}):")
        self.indent += 1
        iv = _Var(i, S, 3, "int")
        iv.locked = True
        size = len(self.env)
        self.env.append(iv)
        self.boxes.append(box)
        inner = ctx.child(loop=True, caps=caps, in_for=True)
        if self.budget_left() > 1 and r.random() < 0.4:
            self.block(1, inner)
        parts = []
        for acc, s in _spec_items(spec):
            c, b = self.expr(s[1], 1)
            c, b = self.squash(c, b, LIM)
            parts.append((acc, f"0.5 * {st}{acc} + 0.5 * {_p(c)}"))
            box.bound = max(box.bound, b)
        homog = _item_spec(spec) is not None
        form = r.randrange(3) if kind != "tuple" else 0
        if form == 2 and homog and kind == "dict" and self.has("iter_dict"):
            self.use("iter_dict")
            k = self.new_name("k")
            c, b = self.expr(_item_spec(spec)[1], 1)
            c, b = self.squash(c, b, LIM)
            box.bound = max(box.bound, b)
            self.emit(f"for {k} in {st}:")
            self.emit(f"    {st}[{k}] = 0.5 * {st}[{k}] + 0.5 * {_p(c)}")
        elif form >= 1:
            for acc, update in parts:           # in place, item by item
                self.emit(f"{st}{acc} = {update}")
        else:                                   # rebound whole
            if kind == "dict":
                self.emit(f"{st} = {{" + ", ".join(f"{acc[1:-1]}: {u}" for acc, u in parts)
                          + "}")
            elif kind == "tuple":
                self.emit(f"{st} = (" + ", ".join(u for _, u in parts) + ")")
            else:
                self.emit(f"{st} = [" + ", ".join(u for _, u in parts) + "]")
        self.indent -= 1
        del self.env[size:]      # names bound in the loop's body are not read after it
        self.count += 2
        self.box_summary(box)

    def stmt_box_helper(self, ctx):
        """A module-level helper taking a container and returning one (or a float)."""
        r = self.r
        if not self.boxes or not self.has("container_helper"):
            return self.stmt_box_new(ctx)
        self.use("container_helper")
        src = r.choice(self.boxes)
        name = f"hc{len(self.box_helpers) + 1}"
        saved = (self.env, self.lines, self.indent, self.boxes)
        self.env, self.lines, self.indent = [], [], 1
        self.boxes = [_Box("c", src.spec, src.bound)]
        for _ in range(r.randint(1, 2)):
            shape = r.choice(SHAPES)
            code, bound = self.expr(shape, r.randint(1, 2))
            code, bound = self.squash(code, bound, LIM)
            t = self.new_name("t")
            self.emit(f"{t} = {code}")
            self.env.append(_Var(t, shape, bound))
        kind = r.choice(["list", "tuple", "dict", "float"])
        if kind == "float":
            code = self.combine(S)
            code, _ = self.squash(code, 1e9, LIM)
            self.emit(f"return {code}")
            spec = None
        else:
            spec = self.random_spec(kind, n=2)
            code, _ = self.literal(spec)
            self.emit(f"return {code}")
        text = f"def {name}(c):\n" + "\n".join(self.lines) + "\n"
        self.env, self.lines, self.indent, self.boxes = saved
        self.box_helpers.append(text)
        call = f"{name}({src.name})"
        if spec is None:
            out = self.new_name()
            self.emit(f"{out} = {call}")
            self.env.append(_Var(out, S, 1.0))
            return
        box = self.add_box(spec, 1.0)
        self.emit(f"{box.name} = {call}")
        if r.random() < 0.6:
            self.box_summary(box)

    def container_params(self):
        """Parameters that are containers: ``xs`` (a list), ``tup`` (a tuple), ``prm`` (a
        dict), ``layers`` (a list of ``(W, b)`` tuples, or another nesting)."""
        r = self.r
        kinds = [k for k in ("param_list", "param_tuple", "param_dict", "param_nested")
                 if self.has(k)]
        params = []
        for kind in r.sample(kinds, min(len(kinds), r.choice([0, 1, 1, 2]))):
            self.use(kind)
            if kind == "param_list":
                name, spec = "xs", self.random_spec("list", same=r.random() < 0.8)
            elif kind == "param_tuple":
                name, spec = "tup", self.random_spec("tuple", n=2, same=False)
            elif kind == "param_dict":
                name = "prm"
                spec = ("dict", (("W", _leaf_spec(M)), ("b", _leaf_spec(W)))) \
                    if r.random() < 0.4 else self.random_spec("dict")
            else:
                name = "layers"
                if r.random() < 0.5:
                    layer = ("tuple", (_leaf_spec(M), _leaf_spec(W)))
                    spec = ("list", (layer,) * r.randint(2, 3))
                else:
                    inner = self.random_spec(r.choice(["tuple", "list", "dict"]), n=2)
                    spec = (r.choice(["list", "tuple"]), (inner,) * 2) if r.random() < 0.6 \
                        else ("dict", (("enc", inner), ("dec", inner)))
            params.append(Param(name, "tree", spec, _spec_value(spec, r)))
            self.boxes.append(_Box(name, spec, 1.5, param=True))
        return params

    # ------------------------------------------------------------------ output
    def output_expr(self):
        """The returned expression: a combination of a few live values."""
        shape = {"scalar": S, "array": self.array_out, "tuple": S, "container": S}[self.output]
        if self.output == "container":
            # a list or dict of values (maybe nested): the same structure on every path
            if not hasattr(self, "out_spec"):
                inner = self.random_spec(self.r.choice(["list", "dict"]), n=2)
                self.out_spec = (self.r.choice(["list", "dict"]), None, inner)
            kind, _, inner = self.out_spec
            first = self.combine(self.array_out)
            rest = "[" if inner[0] == "list" else "{"
            rest += ", ".join((f"{k!r}: " if inner[0] == "dict" else "")
                              + self.combine(s[1]) for k, s in (
                                  inner[1] if inner[0] == "dict"
                                  else [(None, x) for x in inner[1]]))
            rest += "]" if inner[0] == "list" else "}"
            if kind == "list":
                return f"[{first}, {rest}]"
            return f"{{'out': {first}, 'more': {rest}}}"
        if self.output == "tuple":
            a = self.combine(S)
            b = self.combine(self.array_out)
            return f"{a}, {b}"
        return self.combine(shape)

    def combine(self, shape):
        r = self.r
        vars_ = [v for v in self.float_vars()]
        if not vars_:
            # only containers in scope (a container program without float parameters)
            reads = [(f"{b.name}{path}", s, b.bound) for b in self.boxes
                     for path, s in _spec_paths(b.spec)]
            if reads:
                code, s, bound = r.choice(reads)
                return code if s == shape else self.convert(code, bound, s, shape, 1)[0]
            return repr(self.const()) if shape == S else CONST[shape]
        k = min(len(vars_), r.randint(1, 3))
        # the most recent values first: they depend on the most
        picked = vars_[-k:] if r.random() < 0.6 else r.sample(vars_, k)
        terms = []
        for v in picked:
            if v.shape == shape:
                terms.append(v.name)
            else:
                c, _ = self.convert(v.name, v.bound, v.shape, shape, 1)
                terms.append(c)
        if len(terms) == 1:
            return terms[0]
        out = terms[0]
        for t in terms[1:]:
            out = f"{_p(out)} {r.choice(['+', '+', '*', '-'])} {_p(t)}"
        return out

    # ----------------------------------------------------------------- helpers
    def helper(self, index):
        """A module-level helper function, generated like ``f`` but smaller."""
        r = self.r
        self.params = []
        name = f"h{index}"
        nparams = r.randint(1, 2)
        pshapes = [r.choice(SHAPES) for _ in range(nparams)]
        names = ["a", "b"][:nparams]
        default = self.has("helper_kwargs") and r.random() < 0.4
        out = r.choice(SHAPES)
        saved = (self.env, self.lines, self.indent, self.count, self.max_statements,
                 self.boxes)
        self.boxes = []
        self.env = [_Var(n, s, LIM) for n, s in zip(names, pshapes)]
        if default:
            self.env.append(_Var("c", S, 1.0))
        self.lines, self.indent, self.count = [], 1, 0
        self.max_statements = r.randint(1, 3)
        sig = ", ".join(names + (["c=0.5"] if default else []))
        self.block(self.max_statements, _Context(in_helper=True))
        code, bound = self.combine(out), None
        code, bound = self.squash(code, 1e9, LIM)  # helpers return squashed values
        self.lines.append(f"    return {code}")
        text = f"def {name}({sig}):\n" + "\n".join(self.lines) + "\n"
        (self.env, self.lines, self.indent, self.count, self.max_statements,
         self.boxes) = saved
        self.helper_bounds[name] = bound
        self.helpers.append((name, pshapes, out, default))
        return text

    def decorator(self):
        """``deco``: a ``functools.wraps`` wrapper doing arithmetic around the call of f."""
        r = self.r
        c1, c2 = r.choice([2.0, -0.5, 1.5, 0.75]), r.choice([0.5, -0.25, 1.0])
        names = [p.name for p in self.params]
        floats = [p.name for p in self.params if p.kind == "float"]
        if r.random() < 0.5 or not floats:
            # the wrapper passes *args, **kwargs on whole; reading args[0] is refused
            # (what args holds depends on how the caller spelled the call)
            sig = call = "*args, **kwargs"
            first = "value"
        else:
            sig = call = ", ".join(names)
            first = floats[0]
        form = r.randrange(3)
        if form == 0:
            body = f"        return {c1} * fn({call}) + {c2}\n"
        elif form == 1:
            body = (f"        value = fn({call})\n"
                    f"        return value * {c1} + np.sin(np.sum({first}))\n")
        else:
            body = f"        return np.tanh(fn({call})) * {c1}\n"
        return ("def deco(fn):\n\n    @functools.wraps(fn)\n"
                f"    def wrapper({sig}):\n{body}    return wrapper\n")

    # ----------------------------------------------------------------- program
    def program(self):
        r = self.r
        self.helper_bounds = {}
        helper_texts = []
        if self.has("helper_call") and r.random() < 0.5:
            for index in range(r.randint(1, 2)):
                helper_texts.append(self.helper(index + 1))
        # parameters
        self.container_mode = any(self.has(f) for f in CONTAINER_FEATURES) \
            and r.random() < CONTAINER_SHARE
        nfloat = r.randint(1, 3) if not self.container_mode else r.randint(0, 2)
        names = iter(["x", "y", "z"])
        self.params = []
        trees = self.container_params() if self.container_mode else []
        if not trees:
            nfloat = max(nfloat, 1)
        for _ in range(nfloat):
            shape = r.choice(SHAPES)
            size = int(np.prod(shape, dtype=int))
            values = [round(r.uniform(-1.5, 1.5), 3) for _ in range(size)]
            value = float(values[0]) if shape == S else np.array(values).reshape(shape)
            self.params.append(Param(next(names), "float", shape, value))
        self.params += trees
        if r.random() < 0.3 and self.has("for_range"):
            self.params.append(Param("n", "int", (), r.randint(1, 4)))
        if self.has("int_counter", "for_range") and r.random() < 0.6:
            self.params.append(Param("start", "int", (), r.randint(0, 1)))
            self.counter_start = "start"
        if self.has("zero_pow") and r.random() < 0.25:
            self.params.append(Param("p", "int", (), 0))
            self.exponent = "p"
        self.env = [_Var(p.name, p.shape, 1.5) for p in self.params if p.kind == "float"]
        # parameters with defaults (constants, module globals), keyword-only ones: the
        # caller never passes them
        module_globals, extra, kwonly = [], [], []
        if self.has("defaults") and r.random() < 0.35:
            self.use("defaults")
            for k in range(r.randint(1, 2)):
                name = f"d{k + 1}"
                form = r.randrange(3)
                if form == 0:
                    value = self.const()
                    extra.append(f"{name}={value!r}")
                    self.env.append(_Var(name, S, abs(value)))
                elif form == 1:
                    value = self.const()
                    module_globals.append(f"K{k + 1} = {value!r}")
                    extra.append(f"{name}=K{k + 1}")
                    self.env.append(_Var(name, S, abs(value)))
                else:
                    shape = r.choice([V, W, M])
                    extra.append(f"{name}={CONST[shape]}")
                    self.constant_params.add(name)
                    self.env.append(_Var(name, shape, 1.2))   # never written: not owned
        if self.has("kwonly") and r.random() < 0.3:
            self.use("kwonly")
            for k in range(r.randint(1, 2)):
                value = self.const()
                kwonly.append(f"kw{k + 1}={value!r}")
                self.env.append(_Var(f"kw{k + 1}", S, abs(value)))
        # outputs
        self.output = "scalar"
        roll = r.random()
        if roll < 0.12 and self.has("array_output"):
            self.output = "array"
        elif roll < 0.18 and self.has("tuple_output"):
            self.output = "tuple"
        elif roll < 0.3 and self.container_mode and self.has("container_output"):
            self.output = "container"
        self.array_out = r.choice([V, W, M])
        if self.output != "scalar":
            self.use(self.output + "_output")
        self.lines, self.indent, self.count = [], 1, 0
        self.use("straight")
        self.block(self.max_statements, _Context())
        if self.exponent and not any(re.search(r"\bp\b", line) for line in self.lines):
            # the exponent parameter is unused: one factor that reads it
            first = self.params[0].name
            if self.params[0].kind == "tree":
                first += _spec_paths(self.params[0].shape)[0][0]
            self.emit(f"p_one = np.power(0.0 * np.sum({first}), p)")
            self.env.append(_Var("p_one", S, 1.0))
        self.emit(f"return {self.output_expr()}")
        if self.exponent:
            self.use("zero_pow")
        names = [p.name for p in self.params] + extra + (["*"] + kwonly if kwonly else [])
        sig = ", ".join(names)
        imports, defs = "import numpy as np\n", ""
        if module_globals:
            defs += "\n".join(module_globals) + "\n"
        if self.need_same:
            defs += "\n\ndef same(a):\n    return a\n"
        decorated = ""
        # (a decorated f is called by its wrapper: a helper writing into its argument's
        # container would change the wrapper's, which s2sad refuses, as for arrays)
        if self.has("decorator") and self.output in ("scalar", "array") \
                and "param_write" not in self.used and r.random() < 0.25:
            self.use("decorator")
            imports += "import functools\n"
            defs += "\n\n" + self.decorator()
            decorated = "@deco\n"
        source = (imports + "\n" + CONST_SOURCE + defs + "\n\n"
                  + "".join(t + "\n\n" for t in helper_texts + self.box_helpers)
                  + f"{decorated}def f({sig}):\n" + "\n".join(self.lines) + "\n")
        source = _format(source)
        floats = [i for i, p in enumerate(self.params) if p.kind in ("float", "tree")]
        wrt = tuple(floats)
        if len(floats) > 1 and r.random() < 0.3:
            wrt = tuple(sorted(r.sample(floats, r.randint(1, len(floats) - 1))))
        return Program(self.seed, source, self.params, wrt, self.output,
                       frozenset(self.used))


AFTER_FEATURES = ("after_loop", "after_break", "after_nested_reuse", "after_zero_trip")
ALIAS_FEATURES = ("alias_branch", "alias_ifexp", "alias_helper", "alias_container",
                  "alias_loop")


def _format(source):
    """Canonical source: ``ast.unparse`` with blank lines around top-level definitions."""
    lines = [line for line in ast.unparse(ast.parse(source)).splitlines() if line.strip()]
    out = []
    for i, line in enumerate(lines):
        if (line.startswith("def ") or line.startswith("@")) and out \
                and not out[-1].startswith("@"):
            out += ["", ""]
        elif out and out[-1].startswith(" ") and not line.startswith(" "):
            out += ["", ""]
        out.append(line)
    return "\n".join(out) + "\n"


def generate(seed, features=None, max_statements=12):
    """The program of ``seed`` (deterministic given the features and the size)."""
    if features is None:
        features = ALL_FEATURES
    return Generator(seed, features, max_statements).program()


ALL_FEATURES = frozenset(
    list(CONSTRUCTS) + [op.feature for op in UNARY + BINARY + CONVERT]
    + ["broadcast"])


# ------------------------------------------------------------------ loading

class _Loader:
    """Writes programs to files in one temporary directory and imports them."""

    def __init__(self, directory=None):
        self.own = directory is None
        self.dir = directory or tempfile.mkdtemp(prefix="s2sad_fuzz_")
        self.counter = itertools.count()
        self.modules = []

    def load(self, source, stem="prog"):
        index = next(self.counter)
        name = f"s2sad_fuzz_{stem}_{index}"
        path = os.path.join(self.dir, name + ".py")
        with open(path, "w") as fh:
            fh.write(source)
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        self.modules.append(name)
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return module

    def forget(self):
        """Drop the imported modules (they stay in s2sad's caches until evicted)."""
        for name in self.modules:
            sys.modules.pop(name, None)
        self.modules = []

    def close(self):
        self.forget()
        if self.own:
            shutil.rmtree(self.dir, ignore_errors=True)


# ------------------------------------------------------------------ probing

def _s2sad_error_types():
    from s2sad import errors
    return (errors.S2sadError, NotImplementedError)


def _run_mode(s2sad, f, args, wrt, mode, output):
    """Call s2sad in ``mode`` once (used by probes); returns nothing, raises what it raises."""
    wrt = tuple(wrt)
    if mode == "reverse":
        if output == "scalar":
            s2sad.value_and_grad(f, wrt=wrt)(*args)
        else:
            value, pullback = s2sad.vjp(f, wrt=wrt)(*args)
            ct = value if isinstance(value, tuple) else value
            pullback(ct)
    elif mode == "second":
        if output != "scalar":
            raise NotImplementedError("second derivatives of a non-scalar output")
        v = tuple(_ones_like(a) for i, a in enumerate(args) if i in wrt)
        s2sad.hvp(f, wrt=wrt)(*args, v)
    else:
        tangents = [_ones_like(a) for i, a in enumerate(args) if i in wrt]
        s2sad.jvp(f, wrt=wrt)(*args, *tangents)


def probe_features(modes=("reverse", "forward"), loader=None):
    """{mode: frozenset of supported features}, by differentiating a tiny function each.

    A feature is off in a mode when differentiating its probe raises one of
    s2sad's own errors (``UnsupportedSyntaxError``, ``NoDerivativeRuleError``
    ...) or ``NotImplementedError``; any other outcome (even a crash or a
    wrong number) leaves it on, so the fuzzer will report it.
    """
    import s2sad
    refusals = _s2sad_error_types()
    own = loader is None
    loader = loader or _Loader()
    result = {}
    try:
        for mode in modes:
            on = set()

            def try_probe(source, args, output, stem):
                module = loader.load("import numpy as np\n\n" + CONST_SOURCE + "\n\n" + source,
                                     stem)
                try:
                    _run_mode(s2sad, module.f, args, [0], mode, output)
                except refusals:
                    return False
                except Exception:
                    return True
                return True

            for name, c in CONSTRUCTS.items():
                if try_probe(c.source, c.args, c.output, "probe_" + name):
                    on.add(name)
            # operations: all at once first; one by one only if that fails
            terms = _op_probe_terms(UNARY + BINARY + CONVERT)
            args = tuple(eval(PROBE_SHAPES[s], {"np": np}) for s in SHAPES)

            def op_source(items):
                body = " + ".join(expr for _, expr in items)
                return f"def f(xs, xv, xw, xm):\n    return {body}\n"

            if try_probe(op_source(terms), args, "scalar", "probe_ops"):
                on.update(feature for feature, _ in terms)
            else:
                by_feature = {}
                for feature, expr in terms:
                    by_feature.setdefault(feature, []).append((feature, expr))
                for feature, items in by_feature.items():
                    if try_probe(op_source(items), args, "scalar", "probe_op"):
                        on.add(feature)
            if {"np.sum", "np.sin", "mul"} <= on:
                on.add("broadcast")
            for name, needs in REQUIRES.items():
                if name in on and not all(n in on for n in needs):
                    on.discard(name)
            if "straight" not in on:
                on = set()
            result[mode] = frozenset(on)
    finally:
        if own:
            loader.close()
    return result


def construct_program(feature):
    """The probe of a construct as a :class:`Program` (differentiated in its first argument),
    so that it can be checked against finite differences like a generated program."""
    c = CONSTRUCTS[feature]
    source = "import numpy as np\n\n" + CONST_SOURCE + "\n\n" + c.source
    tree = ast.parse(source)
    f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "f")
    params = []
    for arg, value in zip(f.args.args, c.args):
        if isinstance(value, (list, tuple, dict)):
            params.append(Param(arg.arg, "tree", None, value))
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            params.append(Param(arg.arg, "int", (), int(value)))
        else:
            params.append(Param(arg.arg, "float", np.shape(value), value))
    return Program(0, _format(source), params, (0,), c.output,
                   frozenset({feature, "straight"}))


def check_constructs(features, modes, out=sys.stdout):
    """Check the probe of each construct in each mode against finite differences; print one
    line per construct ("pass", or how it fails).  Returns {feature: {mode: outcome}}."""
    loader = _Loader()
    results = {}
    try:
        for feature in sorted(features):
            prog = construct_program(feature)
            row = {}
            for mode in modes:
                row[mode] = check_program(prog, (mode,), {mode: prog.features}, loader)
            results[feature] = row
            cells = []
            for mode, o in row.items():
                text = o.status if o.status != "fail" else f"FAIL {o.reason}"
                if o.status == "skip":
                    text = f"skip {o.reason}"
                elif o.reason.startswith("rejected:"):
                    # (a probe's names are not the generator's: a refusal of a construct
                    # that may be refused is not told apart here)
                    text = f"refused ({o.reason.split(':', 1)[1]})"
                cells.append(f"{mode} {text}")
            print(f"  {feature}: {', '.join(cells)}", file=out)
            loader.forget()
    finally:
        loader.close()
    return results


# ------------------------------------------------------------------ checking

@dataclass
class Outcome:
    status: str                     # "pass", "fail", "skip"
    reason: str = ""                # skip reason, or failure kind
    mode: str = ""                  # the failing mode
    message: str = ""
    modes_checked: Tuple[str, ...] = ()
    modes_na: Tuple[str, ...] = ()

    @property
    def signature(self):
        """What a shrunk program must reproduce: mode, kind, and the error's gist."""
        return (self.mode, self.reason, _fingerprint(self.reason, self.message))


def _fingerprint(reason, message):
    """An error message with its locations, names and numbers blanked out."""
    if not (reason.startswith("crash") or reason.startswith("rejected")):
        return ""
    first = message.split("\n", 1)[0]
    first = re.sub(r"\S+\.py:\d+:\d+: ", "", first)
    first = re.sub(r"<s2sad [^>]*>", "<s2sad>", first)
    first = re.sub(r"'[^']*'", "'_'", first)
    return re.sub(r"\d+", "#", first)


def _flatten(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)):
        parts = [_flatten(v) for v in value]
        return np.concatenate(parts) if parts else np.zeros(0)
    return np.array(value, dtype=np.float64).reshape(-1)


def _fd_jacobian(f, params, wrt, eps, center=None):
    """Central differences: (n_outputs, n_inputs) over the wrt arguments, in float64.

    Given ``center`` (the flattened output at the sample point), also the
    one-sided differences ``(forward, backward)``: at a kink they differ by the
    jump in slope even where central differences of every step agree (a tie
    of ``max`` between two linear pieces).
    """
    base = [p.fresh() for p in params]
    columns, forward, backward = [], [], []
    for index in wrt:
        like = base[index]
        flat = _flat_arg(like)
        for k in range(flat.size):
            outs = []
            for sign in (1.0, -1.0):
                x = flat.copy()
                x[k] += sign * eps
                args = [p.fresh() for p in params]
                args[index] = _unflat_arg(x, like)
                outs.append(_flatten(f(*args)))
            columns.append((outs[0] - outs[1]) / (2 * eps))
            if center is not None:
                forward.append((outs[0] - center) / eps)
                backward.append((center - outs[1]) / eps)
    central = np.stack(columns, axis=1)
    if center is None:
        return central
    return central, np.stack(forward, axis=1), np.stack(backward, axis=1)


def _close(actual, expected, rtol, atol):
    scale = 1.0 + (np.max(np.abs(expected)) if expected.size else 0.0)
    err = np.abs(actual - expected)
    ok = err <= rtol * np.abs(expected) + atol * scale
    return bool(np.all(ok)), err


def _describe_mismatch(what, actual, expected):
    err = np.abs(actual - expected)
    i = int(np.nanargmax(np.where(np.isnan(err), np.inf, err))) if err.size else 0
    worst = np.max(np.where(np.isnan(err), np.inf, err)) if err.size else 0
    return (f"{what}: max abs error {worst:.3g}; element {i}: "
            f"s2sad {actual[i]!r}, finite differences {expected[i]!r}\n"
            f"  s2sad: {np.array2string(actual, precision=6)}\n"
            f"  fd:    {np.array2string(expected, precision=6)}")


def _check_layout(grads, args, wrt, what="gradient"):
    """None when each derivative has its argument's structure (containers of the same
    types, lengths and keys in order; leaves: an ndarray of the shape, or a float)."""
    if len(grads) != len(wrt):
        return f"{len(grads)} derivatives for {len(wrt)} arguments"
    for g, i in zip(grads, wrt):
        problem = _layout_problem(g, args[i], f"{what} of argument {i}")
        if problem:
            return problem
    return None


def _layout_problem(g, a, where):
    if isinstance(a, dict):
        if not isinstance(g, dict):
            return f"{where} is {type(g).__name__}, expected a dict"
        if list(g) != list(a):
            return f"{where} has keys {list(g)!r}, expected {list(a)!r} (in that order)"
        for k in a:
            problem = _layout_problem(g[k], a[k], f"{where}[{k!r}]")
            if problem:
                return problem
        return None
    if isinstance(a, (list, tuple)):
        if type(g) is not type(a) or len(g) != len(a):
            return f"{where} is {type(g).__name__} of {len(g) if hasattr(g, '__len__') else '?'}" \
                   f" items, expected {type(a).__name__} of {len(a)}"
        for k, (gk, ak) in enumerate(zip(g, a)):
            problem = _layout_problem(gk, ak, f"{where}[{k}]")
            if problem:
                return problem
        return None
    if isinstance(a, np.ndarray):
        if not isinstance(g, np.ndarray) or g.shape != a.shape:
            return f"{where} is {type(g).__name__} {np.shape(g)}, expected ndarray {a.shape}"
    elif not isinstance(g, float):
        return f"{where} (of a float) is {type(g).__name__}"
    return None


def _arrays(values):
    found = []
    for v in values:
        if isinstance(v, np.ndarray):
            found.append(v)
        elif isinstance(v, dict):
            found.extend(_arrays(list(v.values())))
        elif isinstance(v, (list, tuple)):
            found.extend(_arrays(v))
    return found


def _check_unshared(results, inputs, among=True):
    """A derivative handed back must be an array of its own: never (a view of) an
    argument, a cotangent or tangent given, the returned value, or (``among``) another
    result."""
    results, held = _arrays(results), _arrays(inputs)
    for i, r in enumerate(results):
        for other in held + (results[:i] if among else []):
            if np.shares_memory(r, other):
                return "a returned derivative shares memory with an input, the value or " \
                       "another derivative"
    return None


def _shared_leaves(tangent, value):
    """Two leaves of an output tangent may share memory only where those of the output
    do (one array twice, ``[v, [w, v]]``, or two views of one, ``[v[0], v[:, -1]]``):
    elsewhere they must not."""
    t, v = _tree_leaves(tangent), _tree_leaves(value)
    for i in range(len(t)):
        for j in range(i):
            if isinstance(t[i], np.ndarray) and isinstance(t[j], np.ndarray) \
                    and np.shares_memory(t[i], t[j]) and v[i] is not v[j] \
                    and not (isinstance(v[i], np.ndarray) and isinstance(v[j], np.ndarray)
                             and np.shares_memory(v[i], v[j])):
                return f"leaves {j} and {i} of the output tangent share memory"
    return None


def _check_second(s2sad, prog, f, wrt, rng):
    """``hvp`` along a random direction against central differences of the gradient."""
    if prog.output != "scalar":
        return None   # (probes switch the mode off for these)
    args = prog.args()
    v = [_random_like(args[i], rng) for i in wrt]   # a container's direction is a container
    hv = s2sad.hvp(f, wrt=wrt)(*args, tuple(v))
    problem = _check_layout(hv, prog.args(), wrt, "Hessian-vector product")
    if problem:
        return "wrong-type", problem
    gradient = s2sad.value_and_grad(f, wrt=wrt)

    def grad_at(t):
        moved = list(prog.args())
        for i, d in zip(wrt, v):
            moved[i] = _tree_axpy(moved[i], t, d)
        with np.errstate(all="ignore"):
            return _flatten(list(gradient(*moved)[1]))

    ahead, center, behind = grad_at(EPS_SECOND), grad_at(0.0), grad_at(-EPS_SECOND)
    expected = (ahead - behind) / (2 * EPS_SECOND)
    smooth, _ = _close((ahead - center) / EPS_SECOND, (center - behind) / EPS_SECOND,
                       ONE_SIDED_RTOL, ONE_SIDED_ATOL)
    if not (smooth and np.all(np.isfinite(expected))):
        return "non-smooth", "the gradient has a kink at the sample point"
    actual = _flatten(list(hv))
    ok, _ = _close(actual, expected, SECOND_RTOL, SECOND_ATOL)
    if not ok:
        return "wrong-gradient", _describe_mismatch(
            "second: the Hessian-vector product", actual, expected)
    return None


#: hvp vs central differences of the gradient (truncation and rounding of a 1e-5 step)
SECOND_RTOL, SECOND_ATOL = 1e-4, 1e-5


def _refused_line(prog, exc):
    """The source line a located s2sad error points at ("" without a location)."""
    location = getattr(exc, "location", None)
    if location is None or not getattr(location, "line", 0):
        return ""
    lines = prog.source.splitlines()
    code = location.code or ""
    if not code and os.path.basename(str(location.filename)).startswith("s2sad_fuzz_") \
            and 0 < location.line <= len(lines):
        code = lines[location.line - 1]
    return code


def _refused_construct(prog, exc, table=None):
    """The refusable construct (see REFUSABLE) a located s2sad error points at, else None.

    The error must carry a location in the program's source, and its column
    must fall on a name of a construct that may be refused (``al3`` of
    ``al3 += ...``, not ``kw1`` of ``ia4[0] = 2.5 * kw1``): a refusal of
    anything else (or one without a location) stays a failure.  With
    ``table`` (:data:`MUST_WORK`), any refusal on a line of the construct.
    """
    code = _refused_line(prog, exc)
    if not code:
        return None
    column = getattr(exc.location, "column", 0) - 1
    for feature in sorted(prog.features & set(table or REFUSABLE)):
        for match in re.finditer((table or REFUSABLE)[feature], code):
            if table is not None or match.start() <= column < max(match.end(),
                                                                  match.start() + 1):
                return feature
    return None


#: lines of claimed constructs that must never be refused, whatever the message says
#: (an int counter's ``c += 1`` is not an in-place write into an array)
MUST_WORK = {"int_counter": r"\bc\d+ (\+= 1\b|= start\b)",
             # a write into a container only one name holds (issue 12): no aliasing to
             # refuse, whatever the message says
             "dict_write": r"\b(dc\d+|prm)\[('\w+'|k\d+)\] = ",
             "list_mutate": r"\b(ls\d+|xs)(\.(append|extend|insert|pop)\(|\[\w+\] = )",
             "container_carry": r"\bst\d+\b"}


def _check_mode(s2sad, prog, f, mode, value, jac):
    """None when s2sad agrees with the reference in ``mode``, else (kind, message)."""
    refusals = _s2sad_error_types()
    args = prog.args()
    wrt = tuple(prog.wrt)
    rng = np.random.default_rng(prog.seed)
    n_out = jac.shape[0]
    try:
        if mode == "reverse":
            if prog.output == "scalar":
                got_value, grads = s2sad.value_and_grad(f, wrt=wrt)(*args)
                expected = jac[0]
            else:
                got_value, pullback = s2sad.vjp(f, wrt=wrt)(*args)
                ct_flat = rng.standard_normal(n_out)
                if prog.output == "container":
                    # a cotangent of the output's structure (its leaves in order)
                    cts = [_unflat_arg(ct_flat, value)]
                    grads = pullback(cts[0])
                else:
                    outs = value if isinstance(value, tuple) else (value,)
                    cts, start = [], 0
                    for o in outs:
                        size = int(np.size(o))
                        piece = ct_flat[start:start + size].reshape(np.shape(o))
                        cts.append(piece if np.ndim(o) else float(piece))
                        start += size
                    grads = pullback(tuple(cts) if isinstance(value, tuple) else cts[0])
                expected = ct_flat @ jac
            # against the arguments as given (s2sad must not have changed them: below)
            problem = _check_layout(grads, prog.args(), wrt)
            if problem:
                return "wrong-type", problem
            given = list(args) + ([] if prog.output == "scalar" else cts) + [got_value]
            problem = _check_unshared(list(grads), given)
            if problem:
                return "shared-result", problem
            actual = _flatten(list(grads))
        elif mode == "second":
            return _check_second(s2sad, prog, f, wrt, rng)
        else:
            # tangents of the arguments' structure (a container's tangent is a container)
            tangents = [_random_like(args[i], rng) for i in wrt]
            got_value, out_tangent = s2sad.jvp(f, wrt=wrt)(*args, *tangents)
            container = prog.output == "container"
            if container:
                problem = _layout_problem(out_tangent, value, "the output tangent")
                if problem:
                    return "wrong-type", problem
            problem = _check_unshared([out_tangent], list(args) + tangents + [got_value],
                                      among=not container)
            if problem is None and container:
                problem = _shared_leaves(out_tangent, got_value)
            if problem:
                return "shared-result", problem
            actual = _flatten(out_tangent if isinstance(out_tangent, tuple)
                              else [out_tangent])
            expected = jac @ _flatten(tangents)
            if actual.shape != expected.shape:
                return "wrong-type", (f"output tangent has {actual.size} elements, expected "
                                      f"{expected.size}")
    except refusals as exc:
        construct = _refused_construct(prog, exc)
        if construct is not None:
            return f"refused:{construct}", f"{type(exc).__name__}: {exc}"
        construct = _refused_construct(prog, exc, MUST_WORK)
        if construct is not None:
            return f"false-refusal:{construct}", f"{type(exc).__name__}: {exc}"
        return f"rejected:{type(exc).__name__}", f"{type(exc).__name__}: {exc}"
    except Exception as exc:
        tb = traceback.format_exc(limit=-3)
        return f"crash:{type(exc).__name__}", f"{type(exc).__name__}: {exc}\n{tb}"
    for i, a in enumerate(args):
        if isinstance(a, (np.ndarray, list, tuple, dict)) \
                and not _tree_equal(a, prog.params[i].fresh()):
            return "mutated-input", f"s2sad modified argument {i} in place"
    if prog.output == "container":
        problem = _layout_problem(got_value, value, "the value")
        if problem:
            return "wrong-type", problem
    want = _flatten(list(value) if isinstance(value, tuple) else [value])
    have = _flatten(list(got_value) if isinstance(got_value, tuple) else [got_value])
    if have.shape != want.shape or not np.allclose(have, want, rtol=1e-9, atol=1e-12):
        return "wrong-value", _describe_mismatch(f"{mode}: the value", have, want)
    ok, _ = _close(actual, expected, RTOL, ATOL)
    if not ok:
        what = {"reverse": "gradient" if prog.output == "scalar" else "vector-Jacobian product",
                "forward": "Jacobian-vector product"}[mode]
        return "wrong-gradient", _describe_mismatch(f"{mode}: the {what}", actual, expected)
    return None


class _Timeout(BaseException):
    """A program (or s2sad on it) ran longer than its time limit."""


class _time_limit:
    """Raise :class:`_Timeout` in the main thread after ``seconds`` (no-op elsewhere)."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.active = False

    def __enter__(self):
        import signal
        import threading
        if threading.current_thread() is threading.main_thread() and hasattr(signal,
                                                                             "setitimer"):
            self.active = True
            self.previous = signal.signal(signal.SIGALRM, self._raise)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise _Timeout()

    def __exit__(self, *exc):
        if self.active:
            import signal
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False


#: seconds for the program itself (one call, then all finite differences), and for s2sad
PRIMAL_TIMEOUT, FD_TIMEOUT, S2SAD_TIMEOUT = 1.0, 10.0, 60.0


def check_program(prog, modes, supported, loader, only=None):
    """Check one program in every mode that supports it; returns an :class:`Outcome`.

    ``only`` = (mode, kind): stop after that mode and report whether it fails
    in that way (the shrinker's question).
    """
    import s2sad
    applicable = [m for m in modes if prog.features <= supported.get(m, frozenset())]
    na = tuple(m for m in modes if m not in applicable)
    if only is not None:
        applicable = [only[0]] if only[0] in applicable else []
    if not applicable:
        return Outcome("skip", "unsupported", modes_na=na)
    try:
        module = loader.load(prog.source, f"s{prog.seed}")
        f = module.f
    except Exception as exc:
        return Outcome("skip", "invalid", message=f"{type(exc).__name__}: {exc}")
    with np.errstate(all="ignore"):
        try:
            with _time_limit(PRIMAL_TIMEOUT):
                value = f(*prog.args())
            with _time_limit(FD_TIMEOUT):
                ref = _fd_jacobian(f, prog.params, prog.wrt, EPS_REF)
                center = _flatten(f(*prog.args()))
                chk, ahead, behind = _fd_jacobian(f, prog.params, prog.wrt, EPS_CHECK,
                                                  center)
        except _Timeout:
            return Outcome("skip", "timeout")
        except RecursionError:
            return Outcome("skip", "invalid", message="recursion")
        except Exception as exc:
            return Outcome("skip", "invalid", message=f"{type(exc).__name__}: {exc}")
    shape_ok = {"scalar": lambda v: isinstance(v, (float, int, np.number, np.ndarray))
                and np.ndim(v) == 0,
                "array": lambda v: isinstance(v, np.ndarray) and v.ndim > 0,
                "tuple": lambda v: isinstance(v, tuple),
                "container": lambda v: isinstance(v, (list, dict))}[prog.output]
    if not shape_ok(value):
        return Outcome("skip", "invalid", message=f"the output is not a {prog.output}")
    flat = _flatten(list(value) if isinstance(value, tuple) else [value])
    if flat.shape != center.shape or not np.array_equal(flat, center, equal_nan=True):
        # it changes its own module's arrays (a shrunk program may write into one)
        return Outcome("skip", "invalid", message="the program is not deterministic")
    if not (np.all(np.isfinite(flat)) and np.all(np.isfinite(ref)) and np.all(np.isfinite(chk))):
        return Outcome("skip", "overflow")
    if np.max(np.abs(flat), initial=0) > BIG or np.max(np.abs(ref), initial=0) > BIG:
        return Outcome("skip", "overflow")
    smooth, _ = _close(ref, chk, FD_RTOL, FD_ATOL)
    if smooth and np.all(np.isfinite(ahead)) and np.all(np.isfinite(behind)):
        smooth, _ = _close(ahead, behind, ONE_SIDED_RTOL, ONE_SIDED_ATOL)
    if not smooth:
        return Outcome("skip", "non-smooth")
    for mode in applicable:
        try:
            with _time_limit(S2SAD_TIMEOUT), np.errstate(all="ignore"):
                problem = _check_mode(s2sad, prog, f, mode, value, ref)
        except _Timeout:
            problem = ("hang", f"s2sad did not finish within {S2SAD_TIMEOUT:.0f} s "
                               f"(the program itself runs in under {PRIMAL_TIMEOUT:.0f} s)")
        if problem is not None:
            kind, message = problem
            if kind == "non-smooth":
                return Outcome("skip", "non-smooth", message=message)
            if kind.startswith("refused:"):
                # a located refusal of a construct s2sad may refuse: deliberate, not a pass
                return Outcome("skip", kind, message=message)
            if kind.startswith("rejected:") and any(m in message for m in ALIASING_REFUSALS):
                # s2sad refuses, on purpose and with a location, an in-place update whose
                # effect on another name it cannot follow: never a wrong number
                return Outcome("skip", "refused-aliasing", message=message)
            return Outcome("fail", kind, mode, message, tuple(applicable), na)
    return Outcome("pass", modes_checked=tuple(applicable), modes_na=na)


#: the located refusals of in-place updates that may change another name (by design)
ALIASING_REFUSALS = ("would also change the list or tuple that holds",
                     "since the two may share memory", "which shares its memory",
                     "may write into an array another name holds",
                     "writes into its argument", "which a function call made from it",
                     "and is written into too",
                     # the may-alias check over every path (branches, loops, helpers...)
                     "may hold the same array as", "may hold that array")


# ------------------------------------------------------------------ shrinking

class _Candidates:
    """Smaller variants of a module's source, biggest reductions first."""

    def __init__(self, source):
        self.source = source

    def __iter__(self):
        tree = ast.parse(self.source)
        # 1. drop whole module-level statements (constants, helpers)
        for i, node in enumerate(tree.body):
            if isinstance(node, ast.Import) or (isinstance(node, ast.FunctionDef)
                                                 and node.name == "f"):
                continue
            t = copy.deepcopy(tree)
            del t.body[i]
            yield t
        # 2. statements inside functions: delete, or replace by their bodies
        for path in self._statement_paths(tree):
            yield from self._statement_variants(tree, path)
        # 3. copies: drop "a = b" and read b wherever a was read
        yield from self._copy_variants(tree)
        # 4. expressions: replace by a sub-expression, or numbers by simpler ones
        nexpr = sum(1 for _ in self._expr_nodes(tree))
        for k in range(nexpr):
            yield from self._expr_variants(tree, k)

    @staticmethod
    def _statement_paths(tree):
        """(list-owner path) for each statement in a function body, outermost first."""
        paths = []

        def visit(owner_path, body):
            for i, stmt in enumerate(body):
                paths.append((owner_path, i))
                for attr in ("body", "orelse"):
                    sub = getattr(stmt, attr, None)
                    if isinstance(sub, list) and sub and isinstance(sub[0], ast.stmt):
                        visit(owner_path + ((i, attr),), sub)

        for fi, node in enumerate(tree.body):
            if isinstance(node, ast.FunctionDef):
                visit(((fi, "body"),), node.body)
        return paths

    @staticmethod
    def _resolve(tree, owner_path):
        node = tree
        body = None
        for index, attr in owner_path:
            container = node.body if body is None else body
            node = container[index]
            body = getattr(node, attr)
        return body

    def _statement_variants(self, tree, path):
        owner_path, i = path
        body = self._resolve(tree, owner_path)
        stmt = body[i]
        is_final_return = len(owner_path) == 1 and i == len(body) - 1 and isinstance(
            stmt, ast.Return)
        if not is_final_return:
            t = copy.deepcopy(tree)
            b = self._resolve(t, owner_path)
            del b[i]
            if not b:
                b.append(ast.Pass())
            yield t
        replacements = []
        if isinstance(stmt, ast.If):
            replacements.append(stmt.body)
            if stmt.orelse:
                replacements.append(stmt.orelse)
        elif isinstance(stmt, ast.While):
            replacements.append(stmt.body)
        elif isinstance(stmt, ast.For):
            first = self._first_item(stmt)
            if first is not None:
                replacements.append([first] + stmt.body)
        for rep in replacements:
            t = copy.deepcopy(tree)
            b = self._resolve(t, owner_path)
            b[i:i + 1] = copy.deepcopy(rep)
            yield t

    @staticmethod
    def _copy_variants(tree):
        for fi, fn in enumerate(tree.body):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for k, stmt in enumerate(list(ast.walk(fn))):
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                        and isinstance(stmt.targets[0], ast.Name)
                        and isinstance(stmt.value, ast.Name)):
                    continue
                old, new = stmt.targets[0].id, stmt.value.id
                t = copy.deepcopy(tree)
                tfn = t.body[fi]
                target = list(ast.walk(tfn))[k]
                for node in ast.walk(tfn):
                    for attr in ("body", "orelse"):
                        block = getattr(node, attr, None)
                        if isinstance(block, list) and target in block:
                            block.remove(target)
                            if not block:
                                block.append(ast.Pass())
                for node in ast.walk(tfn):
                    if isinstance(node, ast.Name) and node.id == old and isinstance(
                            node.ctx, ast.Load):
                        node.id = new
                yield t

    @staticmethod
    def _first_item(loop):
        """``target = <first item>`` for a for-loop, when it is easy to say."""
        it = loop.iter
        if isinstance(it, ast.Call) and isinstance(it.func, ast.Name):
            if it.func.id == "range":
                start = it.args[0] if len(it.args) > 1 else ast.Constant(0)
                return ast.Assign([copy.deepcopy(loop.target)], copy.deepcopy(start))
            if it.func.id == "enumerate" and len(it.args) == 1:
                value = ast.Tuple([ast.Constant(0), ast.Subscript(copy.deepcopy(it.args[0]),
                                                                  ast.Constant(0), ast.Load())],
                                  ast.Load())
                return ast.Assign([copy.deepcopy(loop.target)], value)
            if it.func.id == "zip":
                value = ast.Tuple([ast.Subscript(copy.deepcopy(a), ast.Constant(0), ast.Load())
                                   for a in it.args], ast.Load())
                return ast.Assign([copy.deepcopy(loop.target)], value)
            return None
        return ast.Assign([copy.deepcopy(loop.target)],
                          ast.Subscript(copy.deepcopy(it), ast.Constant(0), ast.Load()))

    @staticmethod
    def _expr_nodes(tree):
        """Expressions that may be replaced (inside functions, not assignment targets)."""
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for sub in ast.walk(node):
                for name, value in ast.iter_fields(sub):
                    if isinstance(value, ast.expr):
                        values = [(name, None, value)]
                    elif isinstance(value, list):
                        values = [(name, j, v) for j, v in enumerate(value)
                                  if isinstance(v, ast.expr)]
                    else:
                        continue
                    for fname, j, v in values:
                        if isinstance(getattr(v, "ctx", None), (ast.Store, ast.Del)):
                            continue
                        if isinstance(sub, ast.Call) and fname == "func":
                            continue
                        if isinstance(sub, ast.Attribute):
                            continue
                        yield sub, fname, j, v

    def _expr_variants(self, tree, k):
        parent, fname, j, node = list(self._expr_nodes(tree))[k]
        options = []
        if isinstance(node, ast.BinOp):
            options += [node.left, node.right]
        elif isinstance(node, ast.UnaryOp):
            options.append(node.operand)
        elif isinstance(node, ast.Call):
            options += [a for a in node.args if not isinstance(a, ast.Starred)]
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.expr) \
                    and not (isinstance(node.func.value, ast.Name) and node.func.value.id == "np"):
                options.append(node.func.value)
        elif isinstance(node, ast.IfExp):
            options += [node.body, node.orelse]
        elif isinstance(node, ast.BoolOp):
            options += node.values
        elif isinstance(node, ast.Subscript):
            if not _container_base(node.value):
                # (an item of a generated container is never replaced by the container:
                # ``dc2['u'] = dc2`` is another program, not a smaller one)
                options.append(node.value)
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            options.append(node.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            v = node.value
            simpler = [0, 1] if isinstance(v, int) else [1.0, 0.5, 0.0]
            options += [ast.Constant(s) for s in simpler if s != v and abs(s) <= abs(v)]
        for option in options:
            if isinstance(option, (ast.List, ast.Tuple, ast.Slice, ast.Starred)):
                continue
            t = copy.deepcopy(tree)
            p, fn, jj, _ = list(self._expr_nodes(t))[k]
            new = copy.deepcopy(option)
            if jj is None:
                setattr(p, fn, new)
            else:
                getattr(p, fn)[jj] = new
            yield t


_CONTAINER_NAME = re.compile(r"((ls|tp|dc|st|co|ca|hold|box)\d+|xs|tup|prm|layers|c)$")


def _container_base(node):
    """Whether ``node`` is a generated container, or an item of one (``layers[0]``)."""
    while isinstance(node, ast.Subscript):
        node = node.value
    return isinstance(node, ast.Name) and bool(_CONTAINER_NAME.match(node.id))


def _well_formed(source):
    """No name read that nothing defines, no statement after a return/break/continue."""
    import builtins
    tree = ast.parse(source)
    module_names = {"np"}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            module_names.add(node.name)
        elif isinstance(node, ast.Assign):
            module_names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            module_names.update((a.asname or a.name).split(".")[0] for a in node.names)
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        defined = set(module_names) | {a.arg for a in ast.walk(fn) if isinstance(a, ast.arg)}
        defined |= {d.name for d in ast.walk(fn) if isinstance(d, ast.FunctionDef)}
        defined |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Store)}
        for n in ast.walk(fn):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) \
                    and n.id not in defined and not hasattr(builtins, n.id):
                return False
            for attr in ("body", "orelse"):
                block = getattr(n, attr, None)
                if isinstance(block, list):
                    for i, stmt in enumerate(block[:-1]):
                        if isinstance(stmt, (ast.Return, ast.Break, ast.Continue)):
                            return False
    return True


def _drop_unused_params(prog):
    """Variants of ``prog`` without one parameter that ``f`` never reads."""
    tree = ast.parse(prog.source)
    f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "f")
    read = {n.id for n in ast.walk(f) if isinstance(n, ast.Name)}
    for i, arg in enumerate(f.args.args):
        if arg.arg in read:
            continue
        if i in prog.wrt and len(prog.wrt) == 1:
            continue
        t = copy.deepcopy(tree)
        tf = next(n for n in t.body if isinstance(n, ast.FunctionDef) and n.name == "f")
        first_default = len(tf.args.args) - len(tf.args.defaults)
        if i >= first_default:      # its default goes with it (not to the one before it)
            del tf.args.defaults[i - first_default]
        del tf.args.args[i]
        wrt = tuple(w - (w > i) for w in prog.wrt if w != i)
        params = prog.params[:i] + prog.params[i + 1:]
        yield Program(prog.seed, _format(ast.unparse(t)), params, wrt, prog.output, prog.features)
    if len(prog.wrt) > 1:
        for w in prog.wrt:
            yield Program(prog.seed, prog.source, prog.params,
                          tuple(x for x in prog.wrt if x != w), prog.output, prog.features)
    for i, p in enumerate(prog.params):
        if p.kind == "int" and p.value > 1:
            params = list(prog.params)
            params[i] = Param(p.name, "int", (), 1)
            yield Program(prog.seed, prog.source, params, prog.wrt, prog.output, prog.features)


def shrink(prog, outcome, modes, supported, loader, max_attempts=3000, time_limit=120.0):
    """The smallest variant of ``prog`` found that fails in the same mode the same way.

    Greedy: try candidate edits in order (drop a module-level statement or a
    parameter, delete a statement, replace a compound statement by its body,
    replace an expression by one of its operands, simplify a number); keep
    the first that still fails, start again; stop when no edit keeps the
    failure.  Returns ``(program, attempts)``.
    """
    target = outcome.signature
    attempts = 0
    start = time.perf_counter()
    current = prog
    seen = {prog.source}

    def still_fails(candidate):
        nonlocal attempts
        attempts += 1
        if not _well_formed(candidate.source):
            return False
        result = check_program(candidate, modes, supported, loader, only=target[:2])
        return result.status == "fail" and result.signature == target

    progress = True
    while progress and attempts < max_attempts and time.perf_counter() - start < time_limit:
        progress = False
        for variant in _drop_unused_params(current):
            if still_fails(variant):
                current, progress = variant, True
                break
        if progress:
            continue
        for tree in _Candidates(current.source):
            if attempts >= max_attempts or time.perf_counter() - start > time_limit:
                break
            try:
                text = _format(ast.unparse(ast.fix_missing_locations(tree)))
            except Exception:
                continue
            if text in seen:
                continue
            seen.add(text)
            candidate = Program(current.seed, text, current.params, current.wrt,
                                current.output, current.features)
            if still_fails(candidate):
                current, progress = candidate, True
                break
        loader.forget()
    return current, attempts


# ------------------------------------------------------------------ campaigns

@dataclass
class Report:
    programs: int = 0
    passed: int = 0
    failed: int = 0
    skipped: Dict[str, int] = field(default_factory=dict)
    checked: Dict[str, int] = field(default_factory=dict)
    not_applicable: Dict[str, int] = field(default_factory=dict)
    failures: list = field(default_factory=list)       # (seed, outcome, shrunk program)
    seconds: float = 0.0
    statements: int = 0
    features: Dict[str, int] = field(default_factory=dict)   # programs using each feature
    #: one (seed, status, reason, mode, uses a container feature) per program, in order
    records: list = field(default_factory=list)

    @property
    def skipped_total(self):
        return sum(self.skipped.values())

    def summary(self):
        reasons = ", ".join(f"{k}: {v}" for k, v in sorted(self.skipped.items())) or "none"
        return (f"programs: {self.programs}, passed: {self.passed}, failed: {self.failed}, "
                f"skipped: {self.skipped_total} ({reasons})")


class Fuzzer:
    """Probe once, then generate and check programs."""

    def __init__(self, modes=("reverse", "forward"), max_statements=12, features=None,
                 shrink=True, out=None, verbose=False):
        self.modes = tuple(modes)
        self.max_statements = max_statements
        self.loader = _Loader()
        self.probed = probe_features(self.modes, self.loader)
        # what the README claims is checked even where its probe is refused (a false
        # refusal must show up as a failure, not switch the construct off)
        self.supported = {m: s | _claimed_on(s) for m, s in self.probed.items()}
        if features is not None:
            self.supported = {m: s & frozenset(features) for m, s in self.supported.items()}
        self.features = frozenset().union(*self.supported.values())
        self.shrink = shrink
        self.out = out
        self.verbose = verbose
        self.progress = 0      # print a summary every this many programs (0: never)
        self.max_shrinks = None  # shrink at most this many failures (None: all)
        self.extra_flags = ""  # command-line flags that reproduce the feature set

    def close(self):
        self.loader.close()

    def program(self, seed):
        return generate(seed, self.features, self.max_statements)

    def say(self, text):
        if self.out is not None:
            print(text, file=self.out, flush=True)

    def run(self, seeds, time_limit=None):
        report = Report()
        start = time.perf_counter()
        for n, seed in enumerate(seeds):
            if time_limit is not None and time.perf_counter() - start > time_limit:
                break
            prog = self.program(seed)
            report.programs += 1
            report.statements += prog.statement_count()
            for feature in prog.features:
                report.features[feature] = report.features.get(feature, 0) + 1
            outcome = check_program(prog, self.modes, self.supported, self.loader)
            report.records.append((seed, outcome.status, outcome.reason, outcome.mode,
                                   bool(prog.features & CONTAINER_PROGRAM_FEATURES)))
            for m in outcome.modes_checked:
                report.checked[m] = report.checked.get(m, 0) + 1
            for m in outcome.modes_na:
                report.not_applicable[m] = report.not_applicable.get(m, 0) + 1
            if outcome.status == "pass":
                report.passed += 1
            elif outcome.status == "skip":
                report.skipped[outcome.reason] = report.skipped.get(outcome.reason, 0) + 1
                if self.verbose and outcome.reason == "invalid":
                    self.say(f"seed {seed}: invalid program ({outcome.message})\n{prog.source}")
            else:
                report.failed += 1
                small, attempts = prog, 0
                if self.shrink and (self.max_shrinks is None
                                    or len(report.failures) < self.max_shrinks):
                    small, attempts = shrink(prog, outcome, self.modes, self.supported,
                                             self.loader)
                final = check_program(small, self.modes, self.supported, self.loader,
                                      only=outcome.signature)
                report.failures.append((seed, outcome, small))
                self.say(self.failure_text(seed, prog, outcome, small, final, attempts))
            if n % 50 == 49:
                self.loader.forget()
            if self.progress and (n + 1) % self.progress == 0:
                self.say(f"... {report.summary()} [{time.perf_counter() - start:.0f} s]")
        self.loader.forget()
        report.seconds = time.perf_counter() - start
        return report

    def failure_text(self, seed, prog, outcome, small, final, attempts):
        lines = [f"FAIL seed {seed}: {outcome.mode} mode, {outcome.reason}",
                 f"  reproduce the campaign program: python -m s2sad.fuzz --seed {seed} "
                 f"--count 1 --max-statements {self.max_statements} "
                 f"--modes {','.join(self.modes)}{self.extra_flags}",
                 "  " + outcome.message.replace("\n", "\n  ")]
        if small is not prog:
            lines.append(f"--- shrunk from {prog.statement_count()} to "
                         f"{small.statement_count()} statements in {attempts} attempts; "
                         f"it fails with:")
            lines.append("  " + final.message.replace("\n", "\n  "))
        lines.append("--- minimal program ---")
        lines.append(small.reproduction((outcome.mode,)).rstrip())
        lines.append("---")
        return "\n".join(lines)


def _claimed_on(probed):
    """The claimed features whose prerequisites the probes enabled."""
    if "straight" not in probed:
        return frozenset()
    return frozenset(c for c in CLAIMED
                     if all(n in probed or n in CLAIMED for n in REQUIRES.get(c, ())))


def run_campaign(count, seed=0, modes=("reverse", "forward"), max_statements=12,
                 features=None, shrink=True, out=None, verbose=False, max_shrinks=None):
    """Generate and check ``count`` programs with seeds ``seed .. seed + count - 1``
    (failures after the first ``max_shrinks`` are reported unshrunk)."""
    fuzzer = Fuzzer(modes, max_statements, features, shrink, out, verbose)
    fuzzer.max_shrinks = max_shrinks
    try:
        report = fuzzer.run(range(seed, seed + count))
        report.supported = fuzzer.supported
        return report
    finally:
        fuzzer.close()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m s2sad.fuzz",
        description="Differential fuzzer: random programs, s2sad vs finite differences.")
    parser.add_argument("--count", type=int, default=200, help="number of programs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first program")
    parser.add_argument("--max-statements", type=int, default=12,
                        help="statements per program at most (default 12)")
    parser.add_argument("--modes", default="reverse,forward",
                        help="comma-separated modes to check (reverse, forward, second)")
    parser.add_argument("--features", default=None,
                        help="comma-separated features to allow (default: all that probe ok)")
    parser.add_argument("--without", default=None,
                        help="comma-separated features to switch off (e.g. one whose bug is "
                             "known, to look for others)")
    parser.add_argument("--no-shrink", action="store_true", help="report failures unshrunk")
    parser.add_argument("--max-shrinks", type=int, default=None, metavar="N",
                        help="shrink the first N failures only (the others are reported "
                             "unshrunk)")
    parser.add_argument("--show", action="store_true",
                        help="print each program's source (with --count 1: reproduce a seed)")
    parser.add_argument("--probe", action="store_true",
                        help="print which features each mode supports and exit")
    parser.add_argument("--progress", type=int, default=0, metavar="N",
                        help="print a summary line every N programs")
    parser.add_argument("--verbose", action="store_true")
    opts = parser.parse_args(argv)
    modes = tuple(m.strip() for m in opts.modes.split(",") if m.strip())
    for m in modes:
        if m not in MODES:
            parser.error(f"unknown mode {m!r} (choose from {', '.join(MODES)})")
    features = None
    if opts.features:
        features = frozenset(x.strip() for x in opts.features.split(","))
    if opts.without:
        features = (features or ALL_FEATURES) - {x.strip() for x in opts.without.split(",")}
    out = sys.stdout
    t0 = time.perf_counter()
    fuzzer = Fuzzer(modes, opts.max_statements, features, not opts.no_shrink, out, opts.verbose)
    fuzzer.progress = opts.progress
    fuzzer.max_shrinks = opts.max_shrinks
    for flag in ("features", "without"):
        if getattr(opts, flag):
            fuzzer.extra_flags += f" --{flag} {getattr(opts, flag)}"
    try:
        probe_time = time.perf_counter() - t0
        for m in modes:
            off = sorted(ALL_FEATURES - fuzzer.supported[m])
            print(f"{m}: {len(fuzzer.supported[m])} features on; off: "
                  f"{', '.join(off) if off else 'none'}")
            kept = sorted((CLAIMED & fuzzer.supported[m]) - fuzzer.probed[m])
            if kept:
                print(f"{m}: claimed, checked although the probe was refused: "
                      f"{', '.join(kept)}")
        if opts.probe:
            claimed = sorted(CLAIMED & fuzzer.features & set(CONSTRUCTS))
            print(f"the probes of the {len(claimed)} claimed constructs, checked against "
                  f"finite differences:")
            check_constructs(claimed, modes)
            return 0
        if opts.show:
            for s in range(opts.seed, opts.seed + opts.count):
                prog = fuzzer.program(s)
                print(f"# seed {s}, wrt {prog.wrt}, output {prog.output}, "
                      f"args {prog.args_source()}")
                print(prog.source)
        report = fuzzer.run(range(opts.seed, opts.seed + opts.count))
    finally:
        fuzzer.close()
    checked = ", ".join(f"{m} {report.checked.get(m, 0)} (n/a {report.not_applicable.get(m, 0)})"
                        for m in modes)
    print(f"checked: {checked}; {report.statements} statements; probes {probe_time:.1f} s, "
          f"programs {report.seconds:.1f} s")
    print(report.summary())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
