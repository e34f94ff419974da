"""The numpy operations the generator emits (one row each) and the program constants."""

import math
import re
from dataclasses import dataclass


S, V, W, M = (), (3,), (2,), (2, 3)
SHAPES = (S, V, W, M)
#: the module-level constant of each array shape (programs mix them in)
CONST = {V: "C3", W: "C2", M: "C23"}
CONST_SOURCE = ("C3 = np.array([0.3, -0.7, 1.1])\n"
                "C2 = np.array([0.5, -1.2])\n"
                "C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])\n")
LIM = 4.0          # values whose estimated bound exceeds this are squashed


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
    # issue 14's elementwise functions, each kept in its domain (away from 0 for cbrt)
    Op("np.log2", ("T",), "T", "np.log2({0} * {0} + 1.0)", lambda b: math.log2(b * b + 1), 1e3,
       0.5),
    Op("np.cbrt", ("T",), "T", "np.cbrt({0} * {0} + 0.5)", lambda b: (b * b + 0.5) ** (1 / 3),
       1e3, 0.5),
    Op("np.arcsinh", ("T",), "T", "np.arcsinh({0})", lambda b: math.asinh(b), 1e9, 0.5),
    Op("np.arctanh", ("T",), "T", "np.arctanh(0.9 * np.tanh({0}))", lambda b: 1.5, 1e9, 0.4),
    Op("np.exp2", ("T",), "T", "np.exp2({0})", lambda b: 2.0 ** b, 2.0, 0.4),
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
    # (kept away from the kink at the origin)
    Op("np.hypot", ("T", "T"), "T", "np.hypot({0}, {1} * {1} + 0.5)",
       lambda a, b: math.hypot(a, b * b + 0.5), LIM, 0.4),
    # (the second argument positive: away from the origin and the cut at x1 = 0, x2 < 0)
    Op("np.arctan2", ("T", "T"), "T", "np.arctan2({0}, {1} * {1} + 0.5)",
       lambda a, b: min(a, 1.6), LIM, 0.4),
    Op("np.logaddexp", ("T", "T"), "T", "np.logaddexp({0}, {1})",
       lambda a, b: max(a, b) + 0.7, LIM, 0.4),
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
]


_ATOM = re.compile(r"^[A-Za-z_][A-Za-z_0-9.]*$|^-?[0-9.]+$")


def _p(code):
    """``code`` in parentheses unless it is a name or a number."""
    return code if _ATOM.match(code) else f"({code})"


def _fill(op, *operands):
    return op.fmt.format(*[_p(c) for c in operands])
