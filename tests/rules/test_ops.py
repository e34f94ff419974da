"""The op table: every derivative rule checked against central finite differences.

Each case runs in both modes: reverse (``value_and_grad`` and ``vjp``) and
forward (``jvp``), see ``s2sad.testing.check_grads``.

Each row names one operation, the function that exercises it (in
``op_functions.py``, since s2sad reads source) and the argument shapes and
domains it is checked on.  A domain keeps the function smooth where it is
sampled: positive for log and sqrt, inside (-1, 1) for arcsin, no ties for
max and maximum, away from the kinks of abs, clip and %.  The test id is
``<op>-<case>``, so a failure names both.

The vocabulary of rows (domains, ``Arg``, ``unary``, ``binary``) is in ``optable.py``.
The rows here are the first rules'; later areas keep theirs in ``rows_<area>.py``
(functions in ``tests/fixtures/ops_<area>.py``), collected by ``optable.area_rows``.
Adding an op is one function in a fixture module and one row.
"""

import zlib
import numpy as np
import pytest

import s2sad
import s2sad.runtime
from s2sad.testing import check_grads

import op_functions as F
from optable import (MATRIX, SCALAR, VECTOR, Arg, Const, area_rows, binary, fixture_modules,
                     row, unary)


def _apart(a, b, gap=0.05):
    return bool(np.all(np.abs(np.asarray(a) - np.asarray(b)) > gap))


def _mod_smooth(a, b):
    """a % b away from its jumps: a / b not close to an integer."""
    frac = np.mod(np.asarray(a) / np.asarray(b), 1.0)
    return bool(np.all((frac > 0.05) & (frac < 0.95)))


def _clip_smooth(x, lo=F.LOWER, hi=F.UPPER):
    return _apart(x, lo) and _apart(x, hi) and bool(np.all(np.asarray(lo) < np.asarray(hi)))


# --------------------------------------------------------------- the table

MASK = np.array([True, False, True, True, False])
IDX = np.array([[0, 1], [4, 0]])

ROWS = [
    # Python operators
    binary("add", F.add),
    binary("sub", F.sub),
    binary("mul", F.mul),
    binary("div", F.div, "real", "nonzero"),
    binary("pow", F.power, "pos", "real"),
    unary("pow-int", F.pow_int),
    unary("pow-float", F.pow_float, "pos"),
    unary("pow-negative", F.pow_negative, "nonzero"),
    unary("pow-base", F.pow_base),
    row("pow-zero-base", F.pow_zero_base, ("scalar", Arg((), "pos")), ("vector", Arg((4,), "pos")),
        ("bcast", Arg((3, 1), "pos"))),
    row("matmul", F.matmul,
        ("vec-vec", Arg((4,)), Arg((4,))),
        ("mat-vec", Arg((3, 4)), Arg((4,))),
        ("vec-mat", Arg((4,)), Arg((4, 3))),
        ("mat-mat", Arg((3, 4)), Arg((4, 2))),
        ("batch-mat", Arg((2, 3, 4)), Arg((4, 2))),
        ("batch-batch", Arg((2, 3, 4)), Arg((2, 4, 5))),
        ("mat-batch", Arg((3, 4)), Arg((2, 4, 5))),
        ("vec-batch", Arg((4,)), Arg((2, 4, 3))),
        ("batch-vec", Arg((2, 3, 4)), Arg((4,))),
        ("bcast-batch", Arg((2, 1, 3, 4)), Arg((3, 4, 2)))),
    unary("neg", F.neg),
    unary("pos", F.pos),
    unary("abs", F.builtin_abs, "nonzero"),
    binary("mod", F.mod, "real", "pos", valid=_mod_smooth),
    row("mod-const", F.mod_const, ("scalar", Arg(SCALAR)), ("matrix", Arg(MATRIX)),
        valid=lambda x: _mod_smooth(x, 1.5)),
    row("const-mod", F.const_mod, ("scalar", Arg(SCALAR, "pos")), ("vector", Arg(VECTOR, "pos")),
        valid=lambda x: _mod_smooth(7.3, x)),
    unary("scaled", F.scaled),
    unary("reciprocal-const", F.reciprocal_const, "nonzero"),
    unary("self-mul", F.self_mul),
    unary("self-add", F.self_add),
    binary("chain", F.chain),

    # numpy elementwise
    unary("sin", F.sin),
    unary("cos", F.cos),
    unary("tan", F.tan, "unit"),
    unary("arcsin", F.arcsin, "unit"),
    unary("arccos", F.arccos, "unit"),
    unary("arctan", F.arctan),
    binary("hypot", F.hypot, "nonzero", "nonzero"),
    binary("arctan2", F.arctan2, "nonzero", "nonzero"),   # x1 away from the cut at x1 = 0
    binary("logaddexp", F.logaddexp),
    binary("logaddexp2", F.logaddexp2),
    unary("log2", F.log2, "pos"),
    unary("log10", F.log10, "pos"),
    unary("exp2", F.exp2),
    unary("cbrt", F.cbrt, "nonzero"),
    unary("arcsinh", F.arcsinh),
    unary("arccosh", F.arccosh, "gt1"),
    unary("arctanh", F.arctanh, "unit"),
    unary("deg2rad", F.deg2rad),
    unary("rad2deg", F.rad2deg),
    unary("degrees", F.degrees),
    unary("radians", F.radians),
    unary("fabs", F.fabs, "nonzero"),
    binary("fmax", F.fmax, valid=_apart),
    binary("fmin", F.fmin, valid=_apart),
    binary("copysign", F.copysign, "nonzero", "nonzero"),
    unary("sinh", F.sinh),
    unary("cosh", F.cosh),
    unary("tanh", F.tanh),
    unary("exp", F.exp),
    unary("expm1", F.expm1),
    unary("log", F.log, "pos"),
    unary("log1p", F.log1p, "gt-0.5"),
    unary("sqrt", F.sqrt, "pos"),
    unary("square", F.square),
    unary("reciprocal", F.reciprocal, "nonzero"),
    unary("np.abs", F.np_abs, "nonzero"),
    binary("np.power", F.np_power, "pos", "real"),
    unary("np.power-const", F.np_power_const),
    binary("maximum", F.maximum, valid=_apart),
    binary("minimum", F.minimum, valid=_apart),
    unary("maximum-const", F.maximum_const, "nonzero"),
    row("where", F.where,
        ("vector", Const(np.array([True, False, True, False])), Arg((4,)), Arg((4,))),
        ("bcast", Const(np.array([[True, False, False, True]] * 3)), Arg((4,)), Arg(())),
        ("bcast-cond", Const(np.array([True, False, True])[:, None]), Arg((3, 4)),
         Arg((3, 1)))),
    row("where-computed", F.where_computed,
        ("vector", Arg((5,), "nonzero"), Arg((5,))),
        ("bcast", Arg((3, 4), "nonzero"), Arg((4,))),
        ("scalar", Arg((), "nonzero"), Arg(()))),
    row("clip", F.clip, ("scalar", Arg(())), ("vector", Arg((6,))), ("matrix", Arg((3, 4))),
        valid=_clip_smooth),
    row("clip-arrays", F.clip_arrays,
        ("vector", Arg((6,)), Arg((6,)), Arg((6,))),
        ("bcast", Arg((3, 4)), Arg(()), Arg((4,))),
        valid=lambda x, lo, hi: _clip_smooth(x, lo, hi)),
    row("clip-crossed-bounds", F.clip_arrays,   # a_min > a_max: numpy returns a_max
        ("vector", Arg((6,)), Arg((6,), "pos"), Arg((6,), "unit")),
        ("bcast", Arg((3, 4)), Arg((), "pos"), Arg((4,), "unit")),
        valid=lambda x, lo, hi: _apart(x, lo) and _apart(x, hi)),
    row("clip-no-lower", F.clip_no_lower, ("vector", Arg((6,))), ("matrix", Arg((3, 4))),
        valid=_clip_smooth),
    row("clip-no-upper", F.clip_no_upper, ("vector", Arg((6,)), Arg((6,))),
        ("bcast", Arg((3, 4)), Arg((4,))), ("scalar", Arg(()), Arg(())), valid=_apart),

    # numpy products
    row("dot", F.dot,
        ("vec-vec", Arg((4,)), Arg((4,))),
        ("mat-vec", Arg((3, 4)), Arg((4,))),
        ("vec-mat", Arg((4,)), Arg((4, 3))),
        ("mat-mat", Arg((3, 4)), Arg((4, 2))),
        ("scalar-mat", Arg(()), Arg((3, 2))),
        ("mat-scalar", Arg((3, 2)), Arg(())),
        ("3d-vec", Arg((2, 3, 4)), Arg((4,))),
        ("3d-mat", Arg((2, 3, 4)), Arg((4, 2))),
        ("vec-3d", Arg((4,)), Arg((2, 4, 3))),
        ("mat-3d", Arg((3, 4)), Arg((2, 4, 2))),
        ("3d-3d", Arg((2, 3, 4)), Arg((2, 4, 2)))),
    row("a.dot(b)", F.dot_method,
        ("mat-vec", Arg((3, 4)), Arg((4,))),
        ("mat-mat", Arg((3, 4)), Arg((4, 2)))),
    row("dot-of-lists", F.dot_of_lists, ("scalar", Arg(()), Arg(()))),
    row("outer", F.outer,
        ("vec-vec", Arg((4,)), Arg((3,))),
        ("mat-vec", Arg((2, 2)), Arg((3,))),
        ("scalar-vec", Arg(()), Arg((3,)))),
    row("np.matmul", F.np_matmul,
        ("mat-vec", Arg((3, 4)), Arg((4,))),
        ("batch-batch", Arg((2, 3, 4)), Arg((2, 4, 2)))),

    # reductions
    row("sum", F.sum_all, ("scalar", Arg(())), ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("sum-axis0", F.sum_axis0, ("vector", Arg((4,))), ("matrix", Arg((3, 4))),
        ("tensor3", Arg((2, 3, 4)))),
    row("sum-axis-1", F.sum_axis_last, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("sum-keepdims", F.sum_keepdims, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("sum-axis(0,2)", F.sum_tuple_axis, ("tensor3", Arg((2, 3, 4)))),
    row("x.sum()", F.sum_method, ("matrix", Arg((3, 4)))),
    row("x.sum(axis=1)", F.sum_method_axis, ("matrix", Arg((3, 4)))),
    row("sum-of-list", F.sum_of_list, ("scalar", Arg(()), Arg(())),
        ("vector", Arg((3,)), Arg((3,)))),
    row("mean", F.mean_all, ("scalar", Arg(())), ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("mean-axis0", F.mean_axis0, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("mean-axis-1-keepdims", F.mean_axis_last_keepdims, ("matrix", Arg((3, 4)))),
    row("mean-axis(0,2)", F.mean_tuple_axis, ("tensor3", Arg((2, 3, 4)))),
    row("x.mean()", F.mean_method, ("matrix", Arg((3, 4)))),
    row("x.mean(axis=0)", F.mean_method_axis, ("matrix", Arg((3, 4)))),
    row("prod", F.prod_all, ("scalar", Arg(())), ("vector", Arg((4,), "nonzero")),
        ("matrix", Arg((2, 3), "nonzero"))),
    row("prod-zeros", F.prod_all,
        ("one-zero", Arg((4,), "nonzero")), ("two-zeros", Arg((5,), "nonzero")),
        valid=None),
    row("prod-axis1", F.prod_axis, ("matrix", Arg((3, 4), "nonzero")),
        ("tensor3", Arg((2, 3, 4), "nonzero"))),
    row("prod-axis-1-keepdims", F.prod_axis_last_keepdims, ("matrix", Arg((3, 4), "nonzero"))),
    row("prod-axis(0,2)", F.prod_tuple_axis, ("tensor3", Arg((2, 3, 2), "nonzero"))),
    row("x.prod(axis=0)", F.prod_method, ("matrix", Arg((3, 4), "nonzero"))),
    row("max", F.max_all, ("scalar", Arg(())), ("vector", Arg((5,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("max-axis0", F.max_axis0, ("matrix", Arg((3, 4), "distinct")),
        ("tensor3", Arg((2, 3, 4), "distinct"))),
    row("max-axis-1-keepdims", F.max_axis_last_keepdims, ("matrix", Arg((3, 4), "distinct"))),
    row("max-axis(0,2)", F.max_tuple_axis, ("tensor3", Arg((2, 3, 4), "distinct"))),
    row("x.max(axis=1)", F.max_method, ("matrix", Arg((3, 4), "distinct"))),
    row("max-of-list", F.max_of_list, ("scalar", Arg(()), Arg(())),
        ("vector", Arg((4,)), Arg((4,))), valid=_apart),
    row("min", F.min_all, ("scalar", Arg(())), ("vector", Arg((5,), "distinct")),
        ("matrix", Arg((3, 4), "distinct"))),
    row("min-axis1", F.min_axis1, ("matrix", Arg((3, 4), "distinct"))),
    row("min-keepdims", F.min_keepdims, ("matrix", Arg((3, 4), "distinct"))),
    row("min-axis(-1,0)", F.min_tuple_axis, ("tensor3", Arg((2, 3, 4), "distinct"))),
    row("x.min()", F.min_method, ("matrix", Arg((3, 4), "distinct"))),

    # shape changes
    row("reshape", F.reshape, ("matrix", Arg((3, 4))), ("vector", Arg((12,)))),
    row("x.reshape(2, 6)", F.reshape_method, ("matrix", Arg((3, 4)))),
    row("x.reshape((-1,))", F.reshape_method_tuple, ("tensor3", Arg((2, 3, 2)))),
    row("reshape-then-scale", F.reshape_then_scale, ("vector", Arg((12,)))),
    row("transpose", F.transpose, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4))),
        ("vector", Arg((4,)))),
    row("transpose-axes", F.transpose_axes, ("tensor3", Arg((2, 3, 4)))),
    row("transpose-axes-keyword", F.transpose_axes_keyword, ("tensor3", Arg((2, 3, 4)))),
    row("transpose-negative-axes", F.transpose_negative_axes, ("tensor3", Arg((2, 3, 4)))),
    row("x.transpose(1, 0, 2)", F.transpose_method_axes, ("tensor3", Arg((2, 3, 4)))),
    row("x.transpose()", F.transpose_method, ("matrix", Arg((3, 4)))),
    row("x.T", F.transpose_attribute, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("a.T @ b", F.transpose_then_matmul, ("mat-mat", Arg((4, 3)), Arg((4, 2)))),
    row("expand_dims0", F.expand_dims0, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("expand_dims-1", F.expand_dims_last, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("squeeze", F.squeeze, ("middle", Arg((3, 1, 4))), ("all", Arg((1, 1)))),
    row("squeeze-axis1", F.squeeze_axis, ("middle", Arg((3, 1, 4)))),
    row("ravel", F.ravel, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 2)))),
    row("x.ravel()", F.ravel_method, ("matrix", Arg((3, 4)))),
    row("concatenate", F.concatenate, ("vector", Arg((3,)), Arg((4,))),
        ("matrix", Arg((2, 3)), Arg((1, 3)))),
    row("concatenate-axis1", F.concatenate_axis1, ("matrix", Arg((2, 3)), Arg((2, 1)))),
    row("concatenate-axis-1", F.concatenate_axis_last, ("matrix", Arg((2, 3)), Arg((2, 2))),
        ("vector", Arg((2,)), Arg((3,)))),
    row("concatenate-axis-None", F.concatenate_none, ("matrices", Arg((2, 3)), Arg((3, 1)))),
    row("stack", F.stack, ("vector", Arg((3,)), Arg((3,))), ("scalar", Arg(()), Arg(())),
        ("matrix", Arg((2, 3)), Arg((2, 3)))),
    row("stack-axis1", F.stack_axis1, ("matrix", Arg((2, 3)), Arg((2, 3)))),
    row("stack-axis-1", F.stack_axis_last, ("vector", Arg((3,)), Arg((3,))),
        ("matrix", Arg((2, 3)), Arg((2, 3)))),
    row("array-scalars", F.array_of_scalars, ("scalar", Arg(()), Arg(()))),
    row("array-vectors", F.array_of_vectors, ("vector", Arg((3,)), Arg((3,)))),
    unary("zeros_like", F.zeros_like),
    unary("ones_like", F.ones_like_scaled),
    unary("asarray", F.asarray),
    unary("copy", F.copy),
    row("x.copy()", F.copy_method, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    unary("real", F.real),
    row("float", F.to_float, ("scalar", Arg(()))),

    # subscripts
    row("x[0]", F.index_first, ("vector", Arg((5,))), ("matrix", Arg((3, 4)))),
    row("x[-1]", F.index_last, ("vector", Arg((5,))), ("matrix", Arg((3, 4)))),
    row("x[1:4]", F.index_slice, ("vector", Arg((5,))), ("matrix", Arg((5, 2)))),
    row("x[:, 0]", F.index_column, ("matrix", Arg((3, 4))), ("tensor3", Arg((2, 3, 4)))),
    row("x[::2]", F.index_step, ("vector", Arg((5,)))),
    row("x[1:, :-1]", F.index_2d_slices, ("matrix", Arg((3, 4)))),
    row("x[INDEX]", F.index_int_array, ("vector", Arg((5,))), ("matrix", Arg((4, 2)))),
    row("x[[1, 1, 0]]", F.index_int_list, ("vector", Arg((3,)))),
    row("x[idx]", F.index_int_array_param, ("vector", Arg((5,)), Const(IDX))),
    row("x[x > 0]", F.index_bool_mask, ("vector", Arg((6,), "nonzero")),
        ("matrix", Arg((3, 4), "nonzero"))),
    row("x[mask]", F.index_bool_mask_param, ("vector", Arg((5,)), Const(MASK))),
    row("x[0]*x[1]+x[-1]", F.index_twice, ("vector", Arg((4,))), ("matrix", Arg((3, 2)))),
    row("x[1, 2]*x[0, 0]", F.index_element, ("matrix", Arg((3, 4)))),

    # tuples, shapes, lengths
    row("tuple-pack-unpack", F.tuple_pack_unpack, ("scalar", Arg(()), Arg(())),
        ("vector", Arg((3,)), Arg((3,)))),
    row("swap", F.swap, ("scalar", Arg(()), Arg(())), ("bcast", Arg((3,)), Arg((2, 3)))),
    row("parallel-assign", F.parallel_assign, ("scalar", Arg(()), Arg(())),
        ("vector", Arg((3,), "pos"), Arg((3,), "pos"))),
    row("x.shape", F.shape_attribute, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
    row("x.shape[-1]", F.shape_divides, ("matrix", Arg((3, 4)))),
    row("len(x)", F.length, ("vector", Arg((4,))), ("matrix", Arg((3, 4)))),
] + area_rows()   # the rows_<area>.py modules


def _zeros_in(args, label):
    """The prod-zeros cases: put one or two exact zeros into the vector."""
    (x,) = args
    x = x.copy()
    x[1] = 0.0
    if label == "two-zeros":
        x[3] = 0.0
    return (x,)


CASES = [pytest.param(r, c, id=f"{r.op}-{c.label}") for r in ROWS for c in r.cases]


def sample(row_, case):
    rng = np.random.default_rng(zlib.crc32(f"{row_.op}-{case.label}".encode()))
    for _ in range(200):
        args = tuple(a.sample(rng) for a in case.args)
        if case.valid is None or case.valid(*args):
            break
    else:  # pragma: no cover - a domain that cannot be met is a bug in the table
        raise AssertionError(f"could not sample valid arguments for {row_.op}-{case.label}")
    if row_.op == "prod-zeros":
        args = _zeros_in(args, case.label)
    return args


@pytest.mark.parametrize("row_, case", CASES)
def test_op_matches_finite_differences(row_, case):
    check_grads(row_.fn, sample(row_, case), modes=("reverse", "forward"))


def test_table_covers_every_function_in_op_functions():
    """Each function of op_functions.py and of the ops_<area>.py modules has a row, so
    none is silently left unchecked."""
    import inspect
    used = {(r.fn.__module__, r.fn.__name__) for r in ROWS}
    for module in fixture_modules():
        defined = {(module.__name__, name) for name, obj in vars(module).items()
                   if inspect.isfunction(obj) and obj.__module__ == module.__name__}
        harness = {(module.__name__, name) for name in getattr(module, "HARNESS", ())}
        assert defined - used - harness == set()


# ------------------------------------------------- check_grads checks itself

def test_check_grads_rejects_a_wrong_rule_and_says_where():
    x = np.array([[0.5, -1.0, 2.0], [1.0, 0.0, 3.0]])
    with pytest.raises(AssertionError) as info:
        check_grads(F.uses_wrong_double, (x,))
    message = str(info.value)
    assert "s2sad.vjp(uses_wrong_double)" in message
    assert "argument 'x' (index 0)" in message
    assert "first bad index [0, 0]" in message
    assert "max abs error" in message and "max rel error" in message


def test_check_grads_rejects_a_wrong_rule_for_a_scalar_and_names_the_argument():
    with pytest.raises(AssertionError, match=r"value_and_grad\(uses_wrong_double\).*'x'"):
        check_grads(F.uses_wrong_double, (0.25,))
    x, y = np.ones(3), np.array([0.5, 1.0, 1.5])
    check_grads(F.uses_wrong_double_twice, (x, y), wrt="x")   # x's adjoint is right
    with pytest.raises(AssertionError, match=r"argument 'y' \(index 1\)"):
        check_grads(F.uses_wrong_double_twice, (x, y))


def test_finite_difference_gradient_against_known_derivatives():
    from s2sad.testing import finite_difference_gradient
    x = np.array([0.1, 0.7, -1.2])
    np.testing.assert_allclose(finite_difference_gradient(F.sum_all, (np.sin(x),), 0),
                               np.ones(3), rtol=1e-8)
    jac = finite_difference_gradient(F.sin, (x,), 0)
    np.testing.assert_allclose(jac, np.diag(np.cos(x)), atol=1e-8)
    scalar = finite_difference_gradient(F.mul, (0.5, 3.0), 1)
    assert isinstance(scalar, float) and abs(scalar - 0.5) < 1e-8
    pair = finite_difference_gradient(lambda a, b: (a * b, a + b), (0.5, np.arange(3.0)), 1)
    assert isinstance(pair, tuple) and len(pair) == 2
    np.testing.assert_allclose(pair[0], 0.5 * np.eye(3), atol=1e-8)
    np.testing.assert_allclose(pair[1], np.eye(3), atol=1e-8)
    listed = finite_difference_gradient(lambda xs: np.sum(xs[0] * xs[1]),
                                        ([np.ones(2), np.arange(2.0)],), 0)
    assert isinstance(listed, list)
    np.testing.assert_allclose(listed[0], [0.0, 1.0], atol=1e-8)
    np.testing.assert_allclose(listed[1], [1.0, 1.0], atol=1e-8)


def test_check_grads_forward_mode_without_jvp_is_not_faked(monkeypatch):
    monkeypatch.setattr(s2sad, "jvp", None, raising=False)
    with pytest.raises(NotImplementedError, match="jvp"):
        check_grads(F.mul, (0.5, 2.0), modes=("forward",))


def _hand_jvp_of_mul(f, wrt=0, wrong=False):
    """A forward mode written by hand for F.mul, to test the forward checker."""
    assert f is F.mul and wrt == (0, 1)

    def jvp(a, b, a_dot, b_dot):
        return a * b, a_dot * b + (0.0 if wrong else a * b_dot)
    return jvp


def test_check_grads_forward_mode_compares_jvp_with_directional_derivatives(monkeypatch):
    a, b = np.array([0.5, -1.0, 2.0]), np.array([[1.5], [0.5]])
    monkeypatch.setattr(s2sad, "jvp", _hand_jvp_of_mul, raising=False)
    check_grads(F.mul, (a, b), modes=("reverse", "forward"))
    monkeypatch.setattr(s2sad, "jvp", lambda f, wrt: _hand_jvp_of_mul(f, wrt, wrong=True))
    with pytest.raises(AssertionError, match=r"s2sad.jvp\(mul\).*output tangent"):
        check_grads(F.mul, (a, b), modes=("forward",))


def test_check_grads_refuses_unknown_modes_and_empty_wrt():
    with pytest.raises(ValueError, match="mode"):
        check_grads(F.sin, (0.5,), modes=("sideways",))
    with pytest.raises(ValueError, match="nothing to differentiate"):
        check_grads(F.index_int_array_param, (np.arange(5), IDX))


# ------------------------------------------- every rule a row, every row a rule

#: rows that check the transforms' own handling of Python (subscripts, tuples,
#: attributes, lengths, reused names), not one rule of operators.py or numpy_rules.py
STRUCTURAL = {"x[0]", "x[-1]", "x[1:4]", "x[:, 0]", "x[::2]", "x[1:, :-1]", "x[INDEX]",
              "x[[1, 1, 0]]", "x[idx]", "x[x > 0]", "x[mask]", "tuple-pack-unpack", "swap",
              "parallel-assign", "x.shape", "len(x)", "x[0]*x[1]+x[-1]", "x[1, 2]*x[0, 0]",
              "x.shape[-1]"}


class _Recording(dict):
    """The registry's rule table, noting every rule looked up (``registry.lookup``)."""

    def __init__(self, rules):
        super().__init__(rules)
        self.seen = set()

    def get(self, key, default=None):
        self.seen.add(key)
        return super().get(key, default)


def _op_rules():
    """{template: the targets it serves} for every derivative rule of an op (every rule
    module but the container and runtime-helper rules; an op and its aliases share one
    template)."""
    from s2sad.rules import registry
    from s2sad.rules.loading import load_builtin_rules
    from s2sad.rules.optional import load_pending
    load_builtin_rules()
    load_pending()   # (the rules of the optional libraries the fixtures imported)
    served = {}
    for rule in list(registry._RULES.values()):
        template = rule.adjoint or rule.tangent
        module = template.fn.__module__ if template is not None else ""
        if module.startswith("s2sad.rules.") and module not in (
                "s2sad.rules.containers", "s2sad.rules.runtime_rules"):
            served.setdefault(id(template), (template, []))[1].append(rule.target)
    return served


_SEEN = {}


def rules_of_row(row_):
    """The registry keys of the targets whose rules generating ``row_.fn``'s derivatives
    looks up (reverse and forward), computed once per row."""
    if row_.op in _SEEN:
        return _SEEN[row_.op]
    from s2sad import pipeline
    from s2sad.rules import registry
    recording = _Recording(registry._RULES)
    saved, registry._RULES = registry._RULES, recording
    try:
        case = row_.cases[0]
        params = list(__import__("inspect").signature(row_.fn).parameters)
        wrt = [p for p, a in zip(params, case.args) if isinstance(a, Arg)]
        for mode in ("reverse", "forward"):
            pipeline.generate(row_.fn, wrt, mode)
    finally:
        registry._RULES = saved
        saved.update(recording)   # (rules of optional libraries loaded meanwhile)
    _SEEN[row_.op] = frozenset(recording.seen)
    return _SEEN[row_.op]


def covered_rules(rows, served):
    """``(the templates of served the rows exercise, the rows that exercise none)``."""
    from s2sad.rules import identity
    used, ruleless = set(), []
    for row_ in rows:
        seen = rules_of_row(row_)
        covered = {key for key, (_, targets) in served.items()
                   if any(identity.key(t) in seen for t in targets)}
        used |= covered
        if not covered:
            ruleless.append(row_.op)
    return used, ruleless


def test_every_rule_has_a_row_and_every_row_a_rule():
    served = _op_rules()
    used, ruleless = covered_rules(ROWS, served)
    missing = sorted(served[key][0].fn.__name__ for key in set(served) - used)
    ruleless = [op for op in ruleless if op not in STRUCTURAL]
    assert missing == [], f"rules without a row in the op table: {missing}"
    assert ruleless == [], f"rows that check no rule (add them to STRUCTURAL?): {ruleless}"
    assert STRUCTURAL <= {r.op for r in ROWS}


def twice(x):
    """An op s2sad knows only by the rule the test below registers for it."""
    return 2.0 * np.asarray(x)


def uses_twice(x):
    return np.sum(twice(x) * x)


def test_user_rules_declare_the_same_facts_and_derive_a_linear_tangent():
    from s2sad.rules import registry

    @s2sad.adjoint(twice, linear=True, allocates=True)
    def twice_adjoint(y, y_bar, x):
        return 2.0 * y_bar

    record = registry.facts(twice)
    assert record.linear and record.allocates and not record.view
    assert registry.allocates(twice) and not registry.view_of(twice)
    assert registry.reduction(twice) is None
    check_grads(uses_twice, (np.array([0.5, -1.0, 2.0]),), modes=("reverse", "forward"))
    assert "twice(x_dot)" in s2sad.jvp(uses_twice).source
    with pytest.raises(s2sad.RuleDefinitionError, match="linear"):
        @s2sad.tangent(twice)
        def twice_tangent(y, x, x_dot):
            return 2.0 * x_dot


def test_the_facts_the_passes_read():
    """What normalize, aliases, shapes and reverse read about ops, as declared with them."""
    import operator

    from s2sad.rules import registry
    from s2sad.rules.loading import load_builtin_rules
    load_builtin_rules()
    # (at least these: a newly added view op joins them)
    assert registry.view_names() >= {
        "transpose", "reshape", "ravel", "expand_dims", "squeeze", "swapaxes", "moveaxis",
        "asarray", "broadcast_to", "atleast_1d", "atleast_2d", "diagonal", "real", "imag"}
    assert registry.view_names(runtime=True) == {
        "unbroadcast", "unbroadcast_to", "broadcast_like", "transpose_bar", "concatenate_bar",
        "stack_bar", "sequence_bar", "repeat_bar",
        # issue 14, joining, splitting, selecting, sorting
        "hstack_bar", "vstack_bar", "dstack_bar", "column_stack_bar", "append_bar", "block_bar",
        "scatter_add_bar",
        # np.r_[...] and np.c_[...] (fixidx24): the pieces' slices of the adjoint
        "r_joined_bar", "c_joined_bar",
        # issue 15, the transposes of the core helpers (reverse over gradient code)
        "sum_bar_bar", "read_at",
        # issue 17, np.split's pieces by slicing (views of the array, lazy on Dask)
        "split_of",
        # a summed adjoint's axis put back (np.expand_dims, a 0-d value left alone)
        "expand_summed",
        # the argument itself without where= (the NaN-ignoring reductions' where=), and
        # reshape order 'A' (a view where the layout allows, as np.reshape)
        "selected_or_nan", "reshape_laid_out"}
    assert {name: registry.reduction(getattr(np, name))
            for name in ("sum", "mean", "prod", "max", "min", "amax", "amin")} == {
        "sum": "sum", "mean": "mean", "prod": "prod", "max": "max", "min": "min",
        "amax": "max", "amin": "min"}
    assert registry.reduction(np.cumsum) is None and registry.reduction(np.dot) is None
    for op in (np.zeros, np.sum, np.dot, np.sin, np.add, len, float, s2sad.runtime.sum_bar):
        assert registry.allocates(op), op
    # (np.amax is np.max before numpy 2: then it is declared with np.max)
    undeclared = (np.amax,) if np.amax is not np.max else ()
    for op in (np.reshape, np.asarray, operator.matmul, s2sad.runtime.unbroadcast) + undeclared:
        assert not registry.allocates(op), op
    assert registry.view_of(np.transpose) and not registry.view_of(np.copy)
    assert registry.facts(np.reshape).linear and registry.facts(np.reshape).methods == (
        "reshape",)
    assert registry.METHODS["astype"] == (np.array, "np.array")
    assert registry.VIEW_ATTRIBUTES == {"T": (np.transpose, "np.transpose"),
                                        "real": (np.real, "np.real"),
                                        "imag": (np.imag, "np.imag")}


def test_no_two_rules_read_one_name_as_different_objects():
    """Generated code binds each free name of a template once, at module level: two rules
    whose templates read the same name must mean the same object by it (LN2 of two rule
    modules once made generated code bind LN2 twice)."""
    from s2sad.rules import registry
    _op_rules()   # (loads every rule module, the optional ones the fixtures imported)
    seen = {}
    for rule in list(registry._RULES.values()):
        for template in (rule.adjoint, rule.tangent):
            for name, obj in (template.free.items() if template is not None else ()):
                first = seen.setdefault(name, (obj, template.fn))
                assert first[0] is obj or (type(obj) in (int, float) and first[0] == obj), (
                    f"{name!r} is {first[0]!r} in {first[1].__module__}.{first[1].__name__} "
                    f"and {obj!r} in {template.fn.__module__}.{template.fn.__name__}")
