"""The numpy operations the generator emits (one row each) and the program constants."""

import importlib.util
import math
import re

import numpy as np

from s2sad.fuzz.op_record import LIM, SHAPES, M, Op, S, V, W  # noqa: F401 (read from here)
from s2sad.fuzz.ops_scipy import SCIPY_UNARY
from s2sad.fuzz.spelling import _fill, _p  # noqa: F401 (the generator's, from here)


#: the module-level constant of each array shape (programs mix them in)
CONST = {V: "C3", W: "C2", M: "C23"}
CONST_SOURCE = ("C3 = np.array([0.3, -0.7, 1.1])\n"
                "C2 = np.array([0.5, -1.2])\n"
                "C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])\n"
                "I3 = np.array([1, -2, 3])\n"
                "C3D = np.array([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0]])\n")
#: scipy is optional: its rows (``sps.``) are drawn only when it is installed (found,
#: not imported: the fuzzer's own process imports it only by running such a program)
HAS_SCIPY = importlib.util.find_spec("scipy") is not None


#: how fuzz programs spell the optional scipy modules they call
SCIPY_SPELLINGS = (("sps", "scipy.special"), ("sla", "scipy.linalg"), ("sst", "scipy.stats"),
                   ("ssig", "scipy.signal"))


def imports_for(body):
    """The import lines of a program whose code is ``body``: numpy, and each scipy
    module the code calls, by its short name (``import scipy.special as sps``)."""
    lines = ["import numpy as np\n"]
    if re.search(r"\bmath\.", body):   # a function of Python's math module (math_terms)
        lines.insert(0, "import math\n")
    if re.search(r"\blogging\.", body):   # the module logger (effect_forms)
        lines.insert(0, "import logging\n")
    if re.search(r"\bwarnings\.", body):   # warnings.warn (effect_forms)
        lines.insert(0, "import warnings\n")
    if re.search(r"\bs2sad\.", body):   # a derivative called inside (derivative_call)
        lines.append("import s2sad\n")
    if re.search(r"\bbuiltins\.", body):   # a module's own len, range... (shadow_forms)
        lines.insert(0, "import builtins\n")
    if re.search(r"\bitertools\.", body):   # index tuples (gap_forms)
        lines.insert(0, "import itertools\n")
    if re.search(r"\bfunctools\.", body):   # partials called in f (claim_forms)
        lines.insert(0, "import functools\n")
    made = [c for c in ("Counter", "defaultdict", "deque") if re.search(rf"\b{c}\(", body)]
    if made:   # accumulators and a deque (gap_forms)
        lines.insert(0, f"from collections import {', '.join(made)}\n")
    if re.search(r"\btypes\.ModuleType\(", body):   # a module the program makes (module_attr)
        lines += ["import sys\n", "import types\n"]
    for short, module in SCIPY_SPELLINGS:
        if re.search(rf"\b{short}\.", body):
            lines.append(f"import {module} as {short}\n")
    return "".join(lines)


# ------------------------------------------------------------------ operations
#
# Every numpy operation the generator emits is one row: its feature name, the
# shapes it reads, the shape it returns ("T" = any shape, elementwise), its
# format, and how it transforms bounds (:class:`~s2sad.fuzz.op_record.Op`).  Probes
# are built from the same rows.

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
    # issue 14's elementwise functions, each kept in its domain (away from 0 for cbrt)
    Op("np.log2", ("T",), "T", "np.log2({0} * {0} + 1.0)", lambda b: math.log2(b * b + 1), 1e3,
       0.5),
    Op("np.cbrt", ("T",), "T", "np.cbrt({0} * {0} + 0.5)", lambda b: (b * b + 0.5) ** (1 / 3),
       1e3, 0.5),
    Op("np.arcsinh", ("T",), "T", "np.arcsinh({0})", lambda b: math.asinh(b), 1e9, 0.5),
    Op("np.arctanh", ("T",), "T", "np.arctanh(0.9 * np.tanh({0}))", lambda b: 1.5, 1e9, 0.4),
    Op("np.exp2", ("T",), "T", "np.exp2({0})", lambda b: 2.0 ** b, 2.0, 0.4),
    # issue 14, lead: the numpy spellings of rules other rows reach by another name
    Op("np.arccosh", ("T",), "T", "np.arccosh({0} * {0} + 1.5)",
       lambda b: math.acosh(b * b + 1.5), 1e3, 0.3),
    Op("np.log10", ("T",), "T", "np.log10({0} * {0} + 1.0)", lambda b: math.log10(b * b + 1),
       1e3, 0.3),
    Op("np.fabs", ("T",), "T", "np.fabs({0})", lambda b: b, LIM, 0.2),
    Op("np.deg2rad", ("T",), "T", "np.deg2rad({0})", lambda b: 0.018 * b, 1e9, 0.15),
    Op("np.radians", ("T",), "T", "np.radians({0})", lambda b: 0.018 * b, 1e9, 0.15),
    Op("np.rad2deg", ("T",), "T", "np.rad2deg(0.01 * {0})", lambda b: 0.58 * b, 1e9, 0.15),
    Op("np.degrees", ("T",), "T", "np.degrees(0.01 * {0})", lambda b: 0.58 * b, 1e9, 0.15),
    Op("np.negative", ("T",), "T", "np.negative({0})", lambda b: b, 1e9, 0.15),
    Op("np.positive", ("T",), "T", "np.positive({0})", lambda b: b, 1e9, 0.15),
    Op("np.remainder", ("T",), "T", "np.remainder({0}, 2.0)", lambda b: 2.0, 1e9, 0.15),
    Op("np.asarray", ("T",), "T", "np.asarray({0})", lambda b: b, 1e9, 0.15),
    Op("np.copy", ("T",), "T", "np.copy({0})", lambda b: b, 1e9, 0.15),
    Op("np.real", ("T",), "T", "np.real({0})", lambda b: b, 1e9, 0.15),
    Op("np.squeeze", ("T",), "T", "np.squeeze(np.expand_dims({0}, 0), 0)", lambda b: b, 1e9,
       0.15),
    # issue 14, elementwise leftovers and scipy.special
    Op("np.sinc", ("T",), "T", "np.sinc({0})", lambda b: 1.0, 1e9, 0.4),
    Op("np.i0", ("T",), "T", "np.i0(np.tanh({0}))", lambda b: 1.3, 1e9, 0.15),
    Op("np.nan_to_num", ("T",), "T", "np.nan_to_num({0})", lambda b: b, 1e9, 0.15),
    Op("np.float_power", ("T",), "T", "np.float_power({0} * {0} + 0.5, 1.5)",
       lambda b: (b * b + 0.5) ** 1.5, 2.0, 0.15),
    # issue 14, stats: interpolation inside the knots (none at 0), polynomials
    Op("np.interp", ("T",), "T",
       "np.interp(np.tanh({0}), [-1.0, -0.3, 0.4, 1.0], [0.5, -0.2, 0.9, 0.1])",
       lambda b: 0.9, 1e9, 0.2),
    Op("np.polyval", ("T",), "T", "np.polyval(C3, {0})", lambda b: 1.1 * (b * b + b + 1), LIM,
       0.2),
] + (SCIPY_UNARY if HAS_SCIPY else [])

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
    # Python's builtins on numbers: the first of equal values is kept
    Op("max", (S, S), S, "max({0}, {1})", lambda a, b: max(a, b), LIM, 0.3),
    Op("min", (S, S), S, "min({0}, {1})", lambda a, b: max(a, b), LIM, 0.3),
    Op("max3", (S, S), S, "max({0}, -0.25, {1})", lambda a, b: max(a, b), LIM, 0.2),
    Op("pow", (S, S), S, "pow({0} * {0} + 1.0, 0.5 * np.tanh({1}))",
       lambda a, b: math.sqrt(a * a + 1.0), LIM, 0.3),
    Op("np.where", ("T", "T"), "T", "np.where({0} > {1}, {0}, 0.5 * {1})",
       lambda a, b: max(a, b), LIM, 0.3),
    # (kept away from the kink at the origin)
    Op("np.hypot", ("T", "T"), "T", "np.hypot({0}, {1} * {1} + 0.5)",
       lambda a, b: math.hypot(a, b * b + 0.5), LIM, 0.4),
    # (the second argument positive: away from the origin and the cut at x1 = 0, x2 < 0)
    Op("np.arctan2", ("T", "T"), "T", "np.arctan2({0}, {1} * {1} + 0.5)",
       lambda a, b: min(a, 1.6), LIM, 0.4),
    Op("np.logaddexp", ("T", "T"), "T", "np.logaddexp({0}, {1})",
       lambda a, b: max(a, b) + 0.7, LIM, 0.4),
    # issue 14, lead
    Op("np.add", ("T", "T"), "T", "np.add({0}, {1})", lambda a, b: a + b, LIM, 0.2),
    Op("np.subtract", ("T", "T"), "T", "np.subtract({0}, {1})", lambda a, b: a + b, LIM, 0.2),
    Op("np.multiply", ("T", "T"), "T", "np.multiply({0}, {1})", lambda a, b: a * b, LIM, 0.2),
    Op("np.divide", ("T", "T"), "T", "np.divide({0}, {1} * {1} + 1.0)", lambda a, b: a, LIM,
       0.2),
    Op("np.fmax", ("T", "T"), "T", "np.fmax({0}, {1})", lambda a, b: max(a, b), LIM, 0.2),
    Op("np.fmin", ("T", "T"), "T", "np.fmin({0}, {1})", lambda a, b: max(a, b), LIM, 0.2),
    Op("np.copysign", ("T", "T"), "T", "np.copysign({0}, {1})", lambda a, b: a, LIM, 0.2),
    Op("np.logaddexp2", ("T", "T"), "T", "np.logaddexp2({0}, {1})",
       lambda a, b: max(a, b) + 1.0, LIM, 0.2),
] + ([
    # issue 14, scipy.special (the second argument positive)
    Op("sps.xlogy", ("T", "T"), "T", "sps.xlogy({0}, {1} * {1} + 0.5)",
       lambda a, b: a * max(abs(math.log(b * b + 0.5)), 0.7), LIM, 0.4),
    # issue 14, lead
    Op("sps.kl_div", ("T", "T"), "T", "sps.kl_div({0} * {0} + 0.5, {1} * {1} + 0.5)",
       lambda a, b: (a * a + 0.5) * abs(math.log(2 * a * a + 1.0)) + b * b + 1.0, LIM, 0.15),
    Op("sps.rel_entr", ("T", "T"), "T", "sps.rel_entr({0} * {0} + 0.5, {1} * {1} + 0.5)",
       lambda a, b: (a * a + 0.5) * (abs(math.log(a * a + 0.5)) + math.log(b * b + 0.5) + 1.4),
       LIM, 0.15),
    Op("sps.xlog1py", ("T", "T"), "T", "sps.xlog1py({0}, {1} * {1})",
       lambda a, b: a * math.log1p(b * b), LIM, 0.15),
    # issue 14, stats: the normal log density in x, loc and scale
    Op("sst.norm.logpdf", ("T", "T"), "T", "sst.norm.logpdf({0}, {1}, 1.2)",
       lambda a, b: ((a + b) / 1.2) ** 2 / 2 + 1.0, LIM, 0.2),
    Op("sst.norm.logpdf", ("T", "T"), "T", "sst.norm.logpdf({0}, 0.2, {1} * {1} + 0.5)",
       lambda a, b: ((a + 0.2) / 0.5) ** 2 / 2 + 1.0 + abs(math.log(b * b + 0.5)), LIM, 0.2),
] if HAS_SCIPY else [])

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
    # issue 14, lead: arrays made from numbers that carry derivatives
    Op("np.full", (S,), V, "np.full(3, {0})", lambda b: b, LIM, 0.3),
    Op("np.full_like", (S,), M, "(np.full_like(C23, {0}) * C23)", lambda b: 1.1 * b, LIM, 0.3),
    Op("np.linspace", (S, S), V, "np.linspace({0}, {1}, 3)", lambda a, b: max(a, b), LIM, 0.3),
    Op("np.linspace", (S,), W, "np.linspace({0}, 1.0, 2, endpoint=False)",
       lambda b: max(b, 1.0), LIM, 0.3),
    Op("np.arange", (S,), V, "np.arange({0}, {0} + 2.5)", lambda b: b + 2.0, LIM, 0.3),
    Op("np.matmul", (M, V), W, "np.matmul({0}, {1})", lambda a, b: 3 * a * b, LIM, 0.3),
    Op("np.amax", (V,), S, "np.amax({0})", lambda b: b, LIM, 0.2),
    Op("np.amin", (W,), S, "np.amin({0})", lambda b: b, LIM, 0.2),
    # issue 14, products and structure
    Op("np.einsum", (M, V), W, "np.einsum('ij,j->i', {0}, {1})", lambda a, b: 3 * a * b, LIM,
       0.5),
    Op("np.einsum", (M,), S, "np.einsum('ij,ij', {0}, C23)", lambda b: 6.6 * b, LIM, 0.5),
    Op("np.einsum", (M, M), M, "np.einsum('ij,ij->ij', {0}, {1})", lambda a, b: a * b, LIM,
       0.5),
    Op("np.einsum", (W, V), M, "np.einsum('i,j', {0}, {1})", lambda a, b: a * b, LIM, 0.5),
    Op("np.einsum", (M,), V, "np.einsum('ij->j', {0})", lambda b: 2 * b, LIM, 0.5),
    Op("np.einsum", (V,), S, "np.einsum('i,i,i->', {0}, {0}, C3)", lambda b: 3.3 * b * b, LIM,
       0.5),
    Op("np.tensordot", (M, V), W, "np.tensordot({0}, {1}, axes=1)", lambda a, b: 3 * a * b,
       LIM, 0.5),
    Op("np.tensordot", (M, M), S, "np.tensordot({0}, {1})", lambda a, b: 6 * a * b, LIM, 0.5),
    Op("np.inner", (V, V), S, "np.inner({0}, {1})", lambda a, b: 3 * a * b, LIM, 0.4),
    Op("np.kron", (W,), M, "np.reshape(np.kron({0}, C3), (2, 3))", lambda b: 1.1 * b, LIM, 0.5),
    Op("np.cross", (V, V), V, "np.cross({0}, {1})", lambda a, b: 2 * a * b, LIM, 0.4),
    Op("np.diag", (M,), W, "np.diag({0})", lambda b: b, LIM, 0.5),
    Op("np.diag", (V,), M, "np.diag({0})[0:2]", lambda b: b, LIM, 0.5),
    Op("np.diagonal", (M,), W, "{0}.diagonal(1)", lambda b: b, LIM, 0.4),
    Op("np.tril", (M,), M, "np.tril({0})", lambda b: b, LIM, 0.5),
    Op("np.triu", (M,), M, "np.triu({0}, 1)", lambda b: b, LIM, 0.4),
    Op("np.flip", (V,), V, "np.flip({0})", lambda b: b, LIM, 0.5),
    Op("np.flip", (M,), M, "np.flip({0}, 1)", lambda b: b, LIM, 0.5),
    Op("np.roll", (V,), V, "np.roll({0}, 1)", lambda b: b, LIM, 0.5),
    Op("np.roll", (M,), M, "np.roll({0}, -1, axis=1)", lambda b: b, LIM, 0.5),
    Op("np.tile", (V,), M, "np.tile({0}, (2, 1))", lambda b: b, LIM, 0.5),
    Op("np.repeat", (W,), M, "np.repeat({0}, 3).reshape((2, 3))", lambda b: b, LIM, 0.5),
    Op("np.repeat", (W,), V, "np.repeat({0}, [2, 1])", lambda b: b, LIM, 0.4),
    Op("np.pad", (W,), V, "np.pad({0}, (1, 0))", lambda b: b, LIM, 0.4),
    Op("np.pad", (W,), V, "np.pad({0}, (0, 1), mode='edge')", lambda b: b, LIM, 0.4),
    Op("np.pad", (W,), V, "np.pad({0}, (1, 0), 'reflect')", lambda b: b, LIM, 0.4),
    Op("np.swapaxes", (M,), W, "np.swapaxes({0}, 0, 1)[1]", lambda b: b, LIM, 0.5),
    Op("np.moveaxis", (M,), W, "np.moveaxis({0}, 0, 1)[2]", lambda b: b, LIM, 0.4),
    Op("np.broadcast_to", (V,), M, "np.broadcast_to({0}, (2, 3))", lambda b: b, LIM, 0.5),
    Op("np.broadcast_to", (S,), V, "np.broadcast_to({0}, (3,))", lambda b: b, LIM, 0.4),
    Op("np.rot90", (M,), M, "np.rot90({0}, 2)", lambda b: b, LIM, 0.4),
    Op("method.flatten", (M,), V, "{0}.flatten()[1:4]", lambda b: b, LIM, 0.4),
    # one axis of inferred length (-1), flattening in C order (of a transposed view too)
    Op("method.reshape", (M,), V, "{0}.reshape(-1)[1:4]", lambda b: b, LIM, 0.3),
    Op("method.reshape", (M,), M, "{0}.reshape(-1, 3)", lambda b: b, LIM, 0.2),
    Op("method.reshape", (V,), V, "{0}.reshape(-1)", lambda b: b, LIM, 0.2),
    Op("np.reshape", (M,), V, "np.reshape({0}, -1)[::2]", lambda b: b, LIM, 0.3),
    Op("np.reshape", (M,), W, "np.reshape({0}.T, (-1,))[4:]", lambda b: b, LIM, 0.2),
    Op("method.ravel", (M,), W, "{0}.ravel()[[5, 0]]", lambda b: b, LIM, 0.3),
    Op("method.ravel", (M,), V, "{0}.T.ravel()[2:5]", lambda b: b, LIM, 0.2),
    Op("method.flatten", (V,), V, "{0}.flatten()", lambda b: b, LIM, 0.2),
    Op("method.flatten", (M,), W, "{0}.T.flatten()[[1, 4]]", lambda b: b, LIM, 0.2),
    # issue 14, lead: the rest of the structure rules
    Op("np.atleast_1d", (S,), V, "(np.atleast_1d({0}) * C3)", lambda b: 1.1 * b, LIM, 0.15),
    Op("np.atleast_2d", (V,), V, "np.atleast_2d({0})[0]", lambda b: b, LIM, 0.15),
    Op("np.atleast_3d", (M,), M, "np.atleast_3d({0})[:, :, 0]", lambda b: b, LIM, 0.15),
    Op("np.diagflat", (W,), W, "(np.diagflat({0}) @ C2)", lambda b: 1.2 * b, LIM, 0.15),
    Op("np.fliplr", (M,), M, "np.fliplr({0})", lambda b: b, LIM, 0.15),
    Op("np.flipud", (M,), M, "np.flipud({0})", lambda b: b, LIM, 0.15),
    Op("np.rollaxis", (M,), M, "np.rollaxis({0}, 1).T", lambda b: b, LIM, 0.15),
    Op("np.vdot", (V, V), S, "np.vdot({0}, {1})", lambda a, b: 3 * a * b, LIM, 0.15),
    # issue 14, linear algebra: well-conditioned matrices (M M^T + I, M^T M + I)
    Op("np.linalg.inv", (M,), M, "(np.linalg.inv({0} @ {0}.T + np.eye(2)) @ C23)",
       lambda b: 1.2, LIM, 0.15),
    Op("np.linalg.inv", (M,), V, "(np.linalg.inv({0}.T @ {0} + np.eye(3)) @ C3)",
       lambda b: 1.4, LIM, 0.15),
    Op("np.linalg.solve", (M, W), W, "np.linalg.solve({0} @ {0}.T + np.eye(2), {1})",
       lambda a, b: b, LIM, 0.15),
    Op("np.linalg.solve", (M, V), V, "np.linalg.solve({0}.T @ {0} + np.eye(3), {1})",
       lambda a, b: b, LIM, 0.15),
    Op("np.linalg.det", (M,), S, "np.linalg.det({0} @ {0}.T + np.eye(2))",
       lambda b: (3 * b * b + 1) ** 2, 2.0, 0.15),
    Op("np.linalg.slogdet", (M,), S, "np.linalg.slogdet({0} @ {0}.T + np.eye(2))[1]",
       lambda b: 2 * math.log(3 * b * b + 1), LIM, 0.15),
    Op("np.linalg.slogdet", (M,), S, "np.linalg.slogdet({0}.T @ {0} + np.eye(3))[1]",
       lambda b: 3 * math.log(2 * b * b + 1), LIM, 0.15),
    Op("np.linalg.cholesky", (M,), W, "(np.linalg.cholesky({0} @ {0}.T + np.eye(2)) @ C2)",
       lambda b: 1.7 * math.sqrt(3 * b * b + 1), LIM, 0.15),
    Op("np.linalg.eigvalsh", (M,), W, "np.linalg.eigvalsh({0} @ {0}.T + np.eye(2))",
       lambda b: 3 * b * b + 1, LIM, 0.15),
    # issue 14, lead: the rest of numpy.linalg (well-conditioned: M M^T + I)
    Op("np.linalg.eigh", (M,), W, "np.linalg.eigh({0} @ {0}.T + np.diag([1.0, 2.5]))[0]",
       lambda b: 3 * b * b + 2.5, LIM, 0.1),
    Op("np.linalg.svd", (M,), W, "np.linalg.svd({0} + np.array([[2.0, 0, 0], [0, 1.0, 0]]), "
       "compute_uv=False)", lambda b: 3 * b + 2.0, LIM, 0.1),
    # full_matrices=True (the default) of a wide matrix: its determined parts only (U S
    # Vh[:2], the matrix itself); the row of Vh beyond min(m, n) has no derivative, and
    # forward mode refuses where its tangent reaches the output, as reverse mode does
    Op("np.linalg.svd", (M,), M, "(np.linalg.svd({0} + C3D)[0] * np.linalg.svd({0} + C3D)[1]) "
       "@ np.linalg.svd({0} + C3D)[2][:2]", lambda b: b + 3.0, 0.3, 0.1),
    Op("np.linalg.qr", (M,), M, "np.linalg.qr({0}.T + np.array([[2.0, 0], [0, 1.0], [0, 0]]))"
       "[1] @ C23", lambda b: 4 * b + 4.0, LIM, 0.1),
    Op("np.linalg.pinv", (M,), M, "np.linalg.pinv({0} + np.array([[2.0, 0, 0], [0, 1.5, 0]]))"
       ".T * C23", lambda b: 2.0, LIM, 0.1),
    Op("np.linalg.lstsq", (M, W), V, "np.linalg.lstsq({0}.T + np.array([[2.0, 0], [0, 1.5], "
       "[0, 0]]), C3 * {1}[0], rcond=None)[0] @ C23", lambda a, b: 2.0 * b, LIM, 0.1),
    Op("np.linalg.matrix_power", (M,), M, "np.linalg.matrix_power(0.3 * {0} @ {0}.T, 2) @ C23",
       lambda b: (0.6 * b * b) ** 2 * 1.5, 2.0, 0.1),
    Op("np.linalg.multi_dot", (M, V), W, "np.linalg.multi_dot([{0}, C23.T, {0}, {1}])",
       lambda a, b: 4 * a * a * b, 2.0, 0.1),
    # issue 14, joining, splitting, selecting, sorting
    Op("np.hstack", (W, S), V, "np.hstack([{0}, {1}])", lambda a, b: max(a, b), LIM, 0.3),
    Op("np.vstack", (V, V), M, "np.vstack(({0}, {1}))", lambda a, b: max(a, b), LIM, 0.3),
    Op("np.append", (W, S), V, "np.append({0}, {1})", lambda a, b: max(a, b), LIM, 0.3),
    Op("np.split", (V,), W, "np.split({0}, [1])[1]", lambda b: b, LIM, 0.3),
    Op("np.split", (M,), V, "np.split({0}, 2)[1][0]", lambda b: b, LIM, 0.3),
    Op("np.take", (V,), W, "np.take({0}, [2, 2])", lambda b: b, LIM, 0.3),
    Op("np.take", (M,), W, "np.take({0}, 2, axis=1)", lambda b: b, LIM, 0.3),
    Op("np.take_along_axis", (M,), M,
       "np.take_along_axis({0}, np.array([[2, 0, 2], [1, 1, 0]]), axis=1)", lambda b: b, LIM,
       0.3),
    # issue 17: subscripts whose adjoints need a scatter-add (lazily on Dask arrays)
    Op("newaxis", (V,), M, "({0}[None, :] * C23)", lambda b: 1.1 * b, LIM, 0.3),
    Op("newaxis", (W,), M, "({0}[:, np.newaxis] + C23)", lambda b: b + 1.1, LIM, 0.3),
    Op("newaxis", (M,), W, "{0}[..., None][:, 1, 0]", lambda b: b, LIM, 0.3),
    Op("index_list", (V,), V, "{0}[[2, 0, 2]]", lambda b: b, LIM, 0.3),
    Op("index_list", (M,), W, "{0}[[1, 1], 2]", lambda b: b, LIM, 0.3),
    Op("index_list", (M,), M, "{0}[:, [2, 0, 2]]", lambda b: b, LIM, 0.3),
    # distinct positions out of order (a scatter that keeps their order, not a sorted one)
    Op("index_list", (V,), V, "{0}[[2, 0, 1]]", lambda b: b, LIM, 0.3),
    Op("index_list", (M,), M, "{0}[:, [1, 2, 0]]", lambda b: b, LIM, 0.3),
    Op("index_list", (M,), M, "{0}[[1, 0], :]", lambda b: b, LIM, 0.3),
    Op("index_list", (V,), W, "{0}[[-1, 0]]", lambda b: b, LIM, 0.3),
    Op("index_list", (W,), W, "{0}[[1, 0]]", lambda b: b, LIM, 0.2),
    Op("index_list", (M,), V, "{0}[1, [2, 0, 1]]", lambda b: b, LIM, 0.2),
    Op("index_list", (M,), W, "{0}[[1, 0], [0, 2]]", lambda b: b, LIM, 0.2),
    Op("index_mask", (V,), W, "{0}[np.array([True, False, True])]", lambda b: b, LIM, 0.3),
    # a mask made from the data: on Dask a lazy mask, an unknown length (reduced at once;
    # each element's part is 0 and flat where the mask changes: smooth)
    Op("index_data_mask", (V,), S, "np.sum({0}[{0} > 0.0] ** 2)", lambda b: 3 * b * b, LIM,
       0.3),
    Op("index_data_mask", (M,), S, "np.sum(np.sin({0}[{0} > 0.0]) ** 2)", lambda b: 6.0, 1e9,
       0.2),
    Op("np.sort", (V,), V, "np.sort({0})", lambda b: b, LIM, 0.3),
    Op("np.sort", (M,), M, "np.sort({0}, axis=0)", lambda b: b, LIM, 0.3),
    Op("np.select", (V, V), V, "np.select([{0} > 0.3, {0} < -0.3], [{0} * {1}, np.sin({1})], 0.5)",
       lambda a, b: max(a * b, 1.0), LIM, 0.3),
    # issue 14, lead: the rest of the joining, splitting and selecting rules
    Op("np.array_split", (V,), W, "np.array_split({0}, 2)[0]", lambda b: b, LIM, 0.1),
    Op("np.bincount", (V,), W, "np.bincount(np.array([0, 1, 0]), weights={0}, minlength=2)",
       lambda b: 2 * b, LIM, 0.1),
    Op("np.block", (W, W), V, "np.block([{0}, {1}[0:1]])", lambda a, b: max(a, b), LIM, 0.1),
    Op("np.choose", (V, V), V, "np.choose(np.array([0, 1, 0]), [{0}, {1}])",
       lambda a, b: max(a, b), LIM, 0.1),
    Op("np.column_stack", (W, W), W, "(np.column_stack([{0}, {1}]) @ C2)",
       lambda a, b: 1.7 * max(a, b), LIM, 0.1),
    Op("np.compress", (V,), W, "np.compress(np.array([True, False, True]), {0})", lambda b: b,
       LIM, 0.1),
    Op("np.extract", (V,), W, "np.extract(np.array([True, False, True]), {0})", lambda b: b,
       LIM, 0.1),
    Op("np.dstack", (W, W), W, "(np.dstack([{0}, {1}])[0] @ C2)",
       lambda a, b: 1.7 * max(a, b), LIM, 0.1),
    Op("np.dsplit", (M,), M, "np.dsplit(np.atleast_3d({0}), 1)[0][:, :, 0]", lambda b: b, LIM,
       0.1),
    Op("np.hsplit", (M,), W, "np.hsplit({0}, 3)[1][:, 0]", lambda b: b, LIM, 0.1),
    Op("np.vsplit", (M,), V, "np.vsplit({0}, 2)[0][0]", lambda b: b, LIM, 0.1),
    Op("np.partition", (V,), V, "np.partition({0}, 1)", lambda b: b, LIM, 0.1),
    # issue 14, stats: convolution (modes), correlation, polynomials in their coefficients
    Op("np.convolve", (V, W), W, "np.convolve({0}, {1}, 'valid')", lambda a, b: 2 * a * b, LIM,
       0.2),
    Op("np.convolve", (V, W), V, "np.convolve({0}, {1}, mode='same')", lambda a, b: 2 * a * b,
       LIM, 0.2),
    Op("np.convolve", (W, W), V, "np.convolve({0}, {1})", lambda a, b: 2 * a * b, LIM, 0.2),
    Op("np.convolve", (V,), V, "np.convolve({0}, C3, 'same')", lambda b: 2.4 * b, LIM, 0.2),
    Op("np.correlate", (V, W), W, "np.correlate({0}, {1})", lambda a, b: 2 * a * b, LIM, 0.2),
    Op("np.correlate", (W, V), V, "np.correlate({0}, {1}, 'same')", lambda a, b: 2 * a * b,
       LIM, 0.2),
    Op("np.polyval", (V, S), S, "np.polyval({0}, {1})", lambda a, b: a * (b * b + b + 1), LIM,
       0.2),
    Op("np.polyval", (V, W), W, "np.polyval({0}, {1})", lambda a, b: a * (b * b + b + 1), LIM,
       0.2),
    Op("np.vander", (W,), M, "np.vander({0}, 3)", lambda b: max(b * b, 1.0), LIM, 0.1),
    # issue 14, reductions and scans (std kept away from equal values: no derivative there;
    # light weights: the fixed campaign of tests/fuzz/test_fuzz.py keeps drawing every construct)
    Op("np.std", (V,), S, "np.std({0} + C3)", lambda b: b + 1.1, LIM, 0.1),
    Op("method.std", (M,), W, "({0} + C23).std(axis=1)", lambda b: b + 1.1, LIM, 0.08),
    Op("np.var", (M,), V, "np.var({0}, axis=0, ddof=1)", lambda b: 2 * b * b, LIM, 0.1),
    Op("method.var", (V,), S, "{0}.var()", lambda b: b * b, LIM, 0.08),
    Op("np.cumsum", (V,), V, "np.cumsum({0})", lambda b: 3 * b, LIM, 0.1),
    Op("method.cumsum", (M,), M, "{0}.cumsum(axis=1)", lambda b: 3 * b, LIM, 0.08),
    Op("np.cumprod", (V,), V, "np.cumprod(np.tanh({0}) + 0.5)", lambda b: 3.4, 1e9, 0.1),
    Op("np.cumprod", (M,), M, "np.cumprod({0} * 0.5, axis=1)", lambda b: (b / 2) ** 3, 2.0, 0.06),
    Op("np.diff", (V,), W, "np.diff({0})", lambda b: 2 * b, LIM, 0.1),
    Op("np.diff", (M,), M, "np.diff({0}, axis=0, prepend=0.0)", lambda b: 2 * b, LIM, 0.08),
    Op("np.trace", (M,), S, "np.trace({0})", lambda b: 2 * b, LIM, 0.1),
    Op("np.nanmean", (M,), W, "np.nanmean({0}, axis=1)", lambda b: b, LIM, 0.08),
    Op("np.linalg.norm", (V,), S, "np.linalg.norm({0} + C3)", lambda b: 1.8 * (b + 1.1), LIM,
       0.1),
    Op("np.linalg.norm_axis", (M,), W, "np.linalg.norm({0} + C23, axis=1)",
       lambda b: 1.8 * (b + 1.1), LIM, 0.08),
    Op("np.linalg.norm_matrix", (M,), S, "np.linalg.norm({0} + C23, 2)",
       lambda b: 2.5 * (b + 1.1), LIM, 0.08),
    # issue 14, lead: the rest of the reductions and scans
    Op("np.average", (V, V), S, "np.average({0}, weights={1} * {1} + 0.5)", lambda a, b: a,
       LIM, 0.1),
    Op("np.ediff1d", (V,), W, "np.ediff1d({0})", lambda b: 2 * b, LIM, 0.1),
    Op("np.median", (V,), S, "np.median({0})", lambda b: b, LIM, 0.1),
    Op("np.percentile", (V,), S, "np.percentile({0}, 70.0)", lambda b: b, LIM, 0.1),
    Op("np.quantile", (M,), W, "np.quantile({0}, 0.4, axis=1)", lambda b: b, LIM, 0.1),
    Op("np.ptp", (V,), S, "np.ptp({0})", lambda b: 2 * b, LIM, 0.1),
    Op("np.nansum", (M,), S, "np.nansum({0})", lambda b: 6 * b, LIM, 0.1),
    Op("np.nanprod", (W,), S, "np.nanprod({0})", lambda b: b * b, LIM, 0.1),
    Op("np.nanmax", (V,), S, "np.nanmax({0})", lambda b: b, LIM, 0.1),
    Op("np.nanmin", (W,), S, "np.nanmin({0})", lambda b: b, LIM, 0.1),
    Op("np.nanstd", (V,), S, "np.nanstd({0})", lambda b: 2 * b, LIM, 0.1),
    Op("np.nanvar", (M,), V, "np.nanvar({0}, axis=0)", lambda b: 4 * b * b, LIM, 0.1),
    Op("np.nanmedian", (V,), S, "np.nanmedian({0})", lambda b: b, LIM, 0.1),
    Op("np.nanquantile", (V,), S, "np.nanquantile({0}, 0.3)", lambda b: b, LIM, 0.1),
    Op("np.nanpercentile", (V,), S, "np.nanpercentile({0}, 30.0)", lambda b: b, LIM, 0.1),
    Op("np.nancumsum", (V,), V, "np.nancumsum({0})", lambda b: 3 * b, LIM, 0.1),
    Op("np.nancumprod", (W,), W, "np.nancumprod({0})", lambda b: max(b, b * b), LIM, 0.1),
    # (numpy < 2.0 calls it trapz)
    *([Op("np.trapz", (V,), S, "np.trapz({0})", lambda b: 2 * b, LIM, 0.1)]
      if hasattr(np, "trapz") and not hasattr(np, "trapezoid") else []),
    # (numpy 2.0 and newer)
    *([Op("np.trapezoid", (V,), S, "np.trapezoid({0})", lambda b: 2 * b, LIM, 0.1),
       Op("np.linalg.vector_norm", (V,), S, "np.linalg.vector_norm({0} + 3.0)",
          lambda b: 1.8 * (b + 3.0), LIM, 0.1),
       Op("np.linalg.matrix_norm", (M,), S, "np.linalg.matrix_norm({0} + 3.0 * C23)",
          lambda b: 2.5 * (b + 3.3), LIM, 0.1)] if hasattr(np, "trapezoid") else []),
    # (numpy 2.1 and newer)
    *([Op("np.cumulative_sum", (V,), V, "np.cumulative_sum({0})", lambda b: 3 * b, LIM, 0.1),
       Op("np.cumulative_prod", (W,), W, "np.cumulative_prod({0})", lambda b: max(b, b * b),
          LIM, 0.1)] if hasattr(np, "cumulative_sum") else []),
    Op("int_weights", (V,), S, "np.sum({0} * I3)", lambda b: 6 * b, LIM, 0.5),
    Op("bool_mask", (M,), S, "np.sum({0} * ({0} > 0.2))", lambda b: 6 * b, LIM, 0.5),  # float adjoints
] + ([
    # issue 14, scipy.special
    Op("sps.logsumexp", (V,), S, "sps.logsumexp({0})", lambda b: b + 1.1, LIM, 0.5),
    Op("sps.logsumexp", (M,), V, "sps.logsumexp({0}, axis=0)", lambda b: b + 0.7, LIM, 0.5),
    Op("sps.softmax", (V,), V, "sps.softmax({0})", lambda b: 1.0, LIM, 0.5),
    Op("sps.softmax", (M,), M, "sps.softmax({0}, axis=1)", lambda b: 1.0, LIM, 0.5),
    # issue 14, lead
    Op("sps.log_softmax", (V,), V, "sps.log_softmax({0})", lambda b: 2 * b + 1.2, LIM, 0.15),
    # issue 14, lead: scipy.linalg (well-conditioned: M M^T + I)
    Op("sla.solve_triangular", (M, W), W, "sla.solve_triangular(np.tril({0} @ {0}.T) + "
       "2.0 * np.eye(2), {1}, lower=True)", lambda a, b: b, LIM, 0.1),
    Op("sla.cho_solve", (M, W), W, "sla.cho_solve(sla.cho_factor({0} @ {0}.T + np.eye(2)), {1})",
       lambda a, b: b, LIM, 0.1),
    Op("sla.cholesky", (M,), W, "(sla.cholesky({0} @ {0}.T + np.eye(2)) @ C2)",
       lambda b: 1.7 * math.sqrt(3 * b * b + 1), LIM, 0.1),
    Op("sla.det", (M,), S, "sla.det({0} @ {0}.T + np.eye(2))", lambda b: (3 * b * b + 1) ** 2,
       2.0, 0.1),
    Op("sla.inv", (M,), M, "(sla.inv({0} @ {0}.T + np.eye(2)) @ C23)", lambda b: 1.2, LIM, 0.1),
    Op("sla.solve", (M, W), W, "sla.solve({0} @ {0}.T + np.eye(2), {1})", lambda a, b: b, LIM,
       0.1),
    Op("sla.lu_solve", (M, W), W, "sla.lu_solve(sla.lu_factor({0} @ {0}.T + np.eye(2)), {1})",
       lambda a, b: b, LIM, 0.1),
    Op("sla.expm", (M,), M, "(sla.expm(0.3 * {0} @ {0}.T) @ C23)",
       lambda b: 1.2 * math.exp(0.6 * b * b * 3), 1.5, 0.1),
    Op("sla.sqrtm", (M,), M, "(sla.sqrtm({0} @ {0}.T + np.eye(2)) @ C23)",
       lambda b: 1.2 * math.sqrt(3 * b * b + 1), LIM, 0.1),
    # issue 14, lead: the rest of scipy.stats and scipy.signal
    Op("sst.multivariate_normal.logpdf", (W, M), S,
       "sst.multivariate_normal.logpdf({0}, C2, {1} @ {1}.T + np.eye(2))",
       lambda a, b: a * a + 3.0, LIM, 0.1),
    Op("sst.dirichlet.logpdf", (V,), S,
       "sst.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), {0} * {0} + 1.0)",
       lambda b: 3 * abs(math.lgamma(b * b + 1.0)) + 3 * (b * b + 1.0) * 1.7 + 3.0, 2.0, 0.1),
    Op("ssig.convolve", (V, W), V, "ssig.convolve({0}, {1}, 'same')", lambda a, b: 2 * a * b,
       LIM, 0.1),
    Op("ssig.correlate", (V, W), W, "ssig.correlate({0}, {1}, 'valid')",
       lambda a, b: 2 * a * b, LIM, 0.1),
    Op("ssig.fftconvolve", (W, W), V, "ssig.fftconvolve({0}, {1})", lambda a, b: 2 * a * b,
       LIM, 0.1),
    Op("ssig.convolve2d", (M,), M, "ssig.convolve2d({0}, np.array([[0.5, -0.2]]), 'same')",
       lambda b: 0.7 * b, LIM, 0.1),
    Op("ssig.correlate2d", (M,), M, "ssig.correlate2d({0}, np.array([[0.5], [-0.2]]), 'same')",
       lambda b: 0.7 * b, LIM, 0.1),
] if HAS_SCIPY else [])



# ------------------------------------------------------------------ Python's math module
#
# Functions of one number, drawn as a term of ``f``'s value (generator/math_terms.py) on a
# scalar parameter or an array's item, each kept in its domain by its format.

MATH = [
    Op("math.exp", (S,), S, "math.exp(0.5 * math.tanh({0}))", lambda b: 1.7),
    Op("math.expm1", (S,), S, "math.expm1(math.tanh({0}))", lambda b: 1.8),
    Op("math.log", (S,), S, "math.log({0} * {0} + 1.0)", lambda b: math.log(b * b + 1)),
    Op("math.log", (S,), S, "math.log({0} * {0} + 1.5, 3.0)", lambda b: math.log(b * b + 2)),
    Op("math.log", (S, S), S, "math.log({0} * {0} + 1.5, {1} * {1} + 1.5)",
       lambda a, b: math.log(a * a + 2) / 0.4),
    Op("math.log1p", (S,), S, "math.log1p({0} * {0})", lambda b: math.log1p(b * b)),
    Op("math.log2", (S,), S, "math.log2({0} * {0} + 0.5)", lambda b: math.log2(b * b + 1)),
    Op("math.log10", (S,), S, "math.log10({0} * {0} + 0.5)", lambda b: math.log10(b * b + 1)),
    Op("math.sqrt", (S,), S, "math.sqrt({0} * {0} + 0.5)", lambda b: math.sqrt(b * b + .5)),
    Op("math.sin", (S,), S, "math.sin({0})", lambda b: 1.0),
    Op("math.cos", (S,), S, "math.cos({0})", lambda b: 1.0),
    Op("math.tan", (S,), S, "math.tan(0.7 * math.tanh({0}))", lambda b: 0.9),
    Op("math.asin", (S,), S, "math.asin(0.8 * math.tanh({0}))", lambda b: 1.0),
    Op("math.acos", (S,), S, "math.acos(0.8 * math.tanh({0}))", lambda b: 2.5),
    Op("math.atan", (S,), S, "math.atan({0})", lambda b: 1.6),
    Op("math.sinh", (S,), S, "math.sinh(math.tanh({0}))", lambda b: 1.2),
    Op("math.cosh", (S,), S, "math.cosh(math.tanh({0}))", lambda b: 1.6),
    Op("math.tanh", (S,), S, "math.tanh({0})", lambda b: 1.0),
    Op("math.asinh", (S,), S, "math.asinh({0})", lambda b: math.asinh(b)),
    Op("math.acosh", (S,), S, "math.acosh({0} * {0} + 1.5)", lambda b: math.acosh(b * b + 2)),
    Op("math.atanh", (S,), S, "math.atanh(0.8 * math.tanh({0}))", lambda b: 1.1),
    Op("math.fabs", (S,), S, "math.fabs({0} * {0} + 0.5)", lambda b: b * b + 0.5),
    Op("math.degrees", (S,), S, "0.01 * math.degrees({0})", lambda b: 0.6 * b),
    Op("math.radians", (S,), S, "math.radians({0})", lambda b: 0.02 * b),
    Op("math.atan2", (S, S), S, "math.atan2({0}, {1} * {1} + 0.5)", lambda a, b: 1.6),
    Op("math.pow", (S, S), S, "math.pow({0} * {0} + 1.0, 0.5 * math.tanh({1}))",
       lambda a, b: math.sqrt(a * a + 1.0)),
    Op("math.copysign", (S, S), S, "math.copysign({0}, {1} * {1} + 0.5)", lambda a, b: a),
    Op("math.hypot", (S, S), S, "math.hypot({0}, {1} * {1} + 0.5)",
       lambda a, b: math.hypot(a, b * b + 0.5)),
    Op("math.erf", (S,), S, "math.erf({0})", lambda b: 1.0),
    Op("math.erfc", (S,), S, "math.erfc({0})", lambda b: 2.0),
    Op("math.floor", (S,), S, "{0} * math.floor(2.0 * math.tanh({0}))", lambda b: 2 * b),
    Op("math.isfinite", (S,), S, "{0} * math.isfinite({0})", lambda b: b),
] + ([Op("math.exp2", (S,), S, "math.exp2(math.tanh({0}))", lambda b: 2.0),
      Op("math.cbrt", (S,), S, "math.cbrt({0} * {0} + 0.5)", lambda b: 1.0 + b)]
     if hasattr(math, "cbrt") else [])
