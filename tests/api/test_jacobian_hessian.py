"""Jacobians in both modes, Hessians and Hessian-vector products (forward over reverse).

References: central finite differences of the function (Jacobians), central
finite differences of the reverse-mode gradient (Hessians; the gradient is
itself checked against finite differences of the function in test_forward),
and closed forms (Rosenbrock, quadratics).
"""

import re
import zlib

import numpy as np
import pytest

import s2sad
from s2sad.api.second_order import gradient_of_gradient
from s2sad.errors import NonScalarOutputError, S2sadError

import forward_functions as F


def fd_jacobian(f, args, i, eps=1e-6):
    """d f / d args[i] by central differences: shape out.shape + args[i].shape."""
    x = np.asarray(args[i], dtype=np.float64)
    out = np.asarray(f(*args))
    jac = np.zeros(out.shape + x.shape)
    for index in np.ndindex(x.shape):
        moved = []
        for sign in (1.0, -1.0):
            xs = x.copy()
            xs[index] += sign * eps
            a = list(args)
            a[i] = xs if x.ndim else float(xs)
            moved.append(np.asarray(f(*a)))
        jac[(Ellipsis,) + index] = (moved[0] - moved[1]) / (2 * eps)
    return jac


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


# ---------------------------------------------------------------- Jacobians

JACOBIAN_CASES = [
    ("tall", F.tall, lambda r: (r.standard_normal(3), r.standard_normal((6, 3)))),
    ("wide", F.wide, lambda r: (r.standard_normal(5), r.standard_normal((2, 5)))),
    ("matrix", F.matrix_valued, lambda r: (r.standard_normal((3, 2)), r.standard_normal(2))),
    ("scalar-in", F.scalar_in, lambda r: (0.7, r.standard_normal(4))),
    ("scalar-out", F.rosenbrock, lambda r: (r.standard_normal(4),)),
]


@pytest.mark.parametrize("name, fn, make", JACOBIAN_CASES, ids=[c[0] for c in JACOBIAN_CASES])
def test_jacobian_modes_agree_with_each_other_and_finite_differences(name, fn, make):
    args = make(rng_for(name))
    expected = fd_jacobian(fn, args, 0)
    results = {}
    for mode in ("forward", "reverse", "auto"):
        jac = s2sad.jacobian(fn, mode=mode)
        results[mode] = jac(*args)
        assert np.shape(results[mode]) == expected.shape
        np.testing.assert_allclose(results[mode], expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(results["forward"], results["reverse"], rtol=1e-12, atol=1e-14)


def test_jacobian_with_several_wrt_is_a_tuple():
    x, y = np.array([0.3, -1.0]), np.array([0.5, 2.0, -0.4])
    for mode in ("forward", "reverse"):
        jx, jy = s2sad.jacobian(F.two_inputs, wrt=(0, 1), mode=mode)(x, y)
        np.testing.assert_allclose(jx, fd_jacobian(F.two_inputs, (x, y), 0), rtol=1e-6)
        np.testing.assert_allclose(jy, fd_jacobian(F.two_inputs, (x, y), 1), rtol=1e-6)
        assert jx.shape == (5, 2) and jy.shape == (5, 3)


def test_auto_mode_picks_the_cheaper_sweep_and_says_why():
    r = rng_for("auto")
    x, A, B = r.standard_normal(3), r.standard_normal((6, 3)), r.standard_normal((2, 3))
    jac = s2sad.jacobian(F.tall)
    jac(x, A)
    plan = jac.last_plan
    assert (plan.mode, plan.sweeps, plan.inputs, plan.outputs) == ("forward", 3, 3, 6)
    assert "fewer inputs than outputs" in str(plan)
    J, plan = s2sad.jacobian(F.wide, explain=True)(r.standard_normal(5), r.standard_normal((2, 5)))
    assert (plan.mode, plan.sweeps, plan.inputs, plan.outputs) == ("reverse", 2, 5, 2)
    J, plan = s2sad.jacobian(F.tall, mode="reverse", explain=True)(x, A)
    assert (plan.mode, plan.sweeps) == ("reverse", 6)
    J, plan = s2sad.jacobian(F.wide, mode="forward", explain=True)(x, B)
    assert (plan.mode, plan.sweeps) == ("forward", 3)


def test_jacobian_refuses_unknown_modes_and_tuple_outputs():
    with pytest.raises(S2sadError, match="mode"):
        s2sad.jacobian(F.tall, mode="sideways")
    # a tuple output has a Jacobian per item (as jax.jacobian lays it out)
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    for mode in ("forward", "reverse"):
        J = s2sad.jacobian(F.f_tuple_out, mode=mode)(a, b)
        assert isinstance(J, tuple) and len(J) == 3
        np.testing.assert_allclose(J[0], np.diag(b))      # by hand: d(a * b)/da
        np.testing.assert_allclose(J[1], np.ones(2))      # d sum(a)/da
        np.testing.assert_allclose(J[2], np.zeros((2, 2)))


# ----------------------------------------------------------------- Hessians

def rosenbrock_hessian(x):
    n = len(x)
    H = np.zeros((n, n))
    for i in range(n - 1):
        H[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        H[i + 1, i + 1] += 200
        H[i, i + 1] = H[i + 1, i] = -400 * x[i]
    return H


def test_rosenbrock_hessian_matches_the_closed_form():
    for x in (np.array([1.0, 2.0, 0.5]), rng_for("rosen").standard_normal(6)):
        np.testing.assert_allclose(s2sad.hessian(F.rosenbrock)(x), rosenbrock_hessian(x),
                                   rtol=1e-12, atol=1e-10)


def test_quadratic_hessian_is_the_symmetric_part():
    r = rng_for("quad")
    A = r.standard_normal((4, 4))
    H = s2sad.hessian(F.quadratic)(r.standard_normal(4), A)
    np.testing.assert_allclose(H, 0.5 * (A + A.T), rtol=1e-12, atol=1e-14)


SECOND_ORDER = [
    (F.s_unary, [((3,), "pos")]),
    (F.s_trig, [((2, 2), "real")]),
    (F.s_arc, [((3,), "unit")]),
    (F.s_recip, [((3,), "pos")]),
    (F.s_binary, [((3,), "real"), ((3,), "pos")]),
    (F.s_binary, [((2, 3), "real"), ((3,), "pos")]),
    (F.s_pow, [((3,), "pos"), ((3,), "real")]),
    (F.s_pow, [((), "pos"), ((2,), "real")]),
    (F.s_maximum, [((4,), "real"), ((4,), "real")]),
    (F.s_where_clip, [((4,), "away"), ((4,), "real")]),
    (F.s_dot, [((3, 3), "real"), ((3,), "real")]),
    (F.s_matmul, [((2, 3), "real"), ((3, 2), "real")]),
    (F.s_reduce, [((3, 4), "real")]),
    (F.s_prod, [((2, 3), "real")]),
    (F.s_max, [((3, 4), "real")]),
    (F.s_shape, [((2, 3), "real")]),
    (F.s_concat, [((3,), "real"), ((3,), "real")]),
    (F.s_index, [((4,), "real")]),
    (F.s_broadcast, [((), "real"), ((3,), "real")]),
    (F.s_tuple, [((3,), "real"), ((3,), "real")]),
    (F.seed, [((3,), "real"), ((3,), "real"), ((), "real")]),
    (F.logistic_loss, [((3,), "real"), ((5, 3), "real"), ((5,), "unit")]),
    (F.mlp_loss, [((3, 4), "real"), ((4,), "real"), ((4, 2), "real"), ((2,), "real"),
                  ((5, 3), "real"), ((5, 2), "real")]),
]


def sample(shape, domain, r):
    if domain == "pos":
        x = r.uniform(0.5, 2.0, shape)
    elif domain == "unit":
        x = r.uniform(-0.8, 0.8, shape)
    elif domain == "away":
        x = r.uniform(0.2, 0.4, shape) * r.choice([-1.0, 1.0], shape) + r.choice([0, 1.2], shape)
    else:
        x = r.standard_normal(shape)
    return float(x) if shape == () else x


SECOND_ORDER_CASES = [pytest.param(fn, specs, id=f"{fn.__name__}-{k}")
                      for k, (fn, specs) in enumerate(SECOND_ORDER)]


@pytest.mark.parametrize("fn, specs", SECOND_ORDER_CASES)
def test_hessian_matches_finite_differences_of_the_gradient(fn, specs):
    r = rng_for(fn.__name__ + str(specs))
    args = tuple(sample(shape, domain, r) for shape, domain in specs)
    n = len(args) if fn not in (F.logistic_loss, F.seed) else 1
    wrt = tuple(range(n)) if fn is not F.mlp_loss else (0, 1, 2, 3)
    blocks = s2sad.hessian(fn, wrt=wrt)(*args)
    for i in wrt:
        grad_i = s2sad.grad(fn, wrt=i)
        for j in wrt:
            expected = fd_jacobian(grad_i, args, j)
            got = blocks[i][j]
            assert np.shape(got) == np.shape(args[i]) + np.shape(args[j])
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6,
                                       err_msg=f"d2f/d{i}d{j}")
    # the Hessian of a twice differentiable function is symmetric
    for i in wrt:
        for j in wrt:
            sym = np.reshape(blocks[j][i], (np.size(args[j]), np.size(args[i]))).T
            np.testing.assert_allclose(
                np.reshape(blocks[i][j], sym.shape), sym, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("fn, specs", SECOND_ORDER_CASES[:6] + SECOND_ORDER_CASES[-3:])
def test_hvp_is_hessian_times_v(fn, specs):
    r = rng_for("hvp" + fn.__name__ + str(specs))
    args = tuple(sample(shape, domain, r) for shape, domain in specs)
    v = sample(np.shape(args[0]), "real", r)
    H = s2sad.hessian(fn)(*args)
    Hv = s2sad.hvp(fn)(*args, v)
    assert np.shape(Hv) == np.shape(args[0])
    n = np.size(args[0])
    np.testing.assert_allclose(np.ravel(Hv), np.reshape(H, (n, n)) @ np.ravel(v),
                               rtol=1e-10, atol=1e-12)


def test_hvp_with_several_wrt_takes_and_returns_tuples():
    r = rng_for("hvp-tuple")
    a, b = r.standard_normal(3), r.uniform(0.5, 2.0, 3)
    va, vb = r.standard_normal(3), r.standard_normal(3)
    (Haa, Hab), (Hba, Hbb) = s2sad.hessian(F.s_binary, wrt=(0, 1))(a, b)
    pa, pb = s2sad.hvp(F.s_binary, wrt=(0, 1))(a, b, (va, vb))
    np.testing.assert_allclose(pa, Haa @ va + Hab @ vb, rtol=1e-10)
    np.testing.assert_allclose(pb, Hba @ va + Hbb @ vb, rtol=1e-10)


def test_hessian_of_scalars_is_a_float_and_mixed_blocks_are_right():
    x, y = 0.3, 1.2
    ((hxx, hxy), (hyx, hyy)) = s2sad.hessian(F.mixed, wrt=(0, 1))(x, y)
    assert hxx == pytest.approx(-np.sin(x) * y)
    assert hxy == hyx == pytest.approx(3 * y ** 2 + np.cos(x))
    assert hyy == pytest.approx(6 * x * y)


def test_hessian_source_is_forward_over_the_gradient_code():
    text = s2sad.hvp(F.rosenbrock).source
    assert "mode: forward over reverse (hvp)" in text
    assert "def rosenbrock_hvp(x, x_dot):" in text
    assert "x_bar" in text and "x_bar_1_dot" in text
    assert text == s2sad.hessian(F.rosenbrock).source


def test_hessian_of_a_non_scalar_function_is_refused():
    with pytest.raises(NonScalarOutputError, match="scalar"):
        s2sad.hessian(F.vector_out)(np.ones(3))
    with pytest.raises(NonScalarOutputError, match="scalar"):
        s2sad.hvp(F.vector_out)(np.ones(3), np.ones(3))


def test_hessian_follows_rebound_globals(monkeypatch):
    x = np.array([0.1, 0.2, 0.3])
    before = s2sad.hessian(F.s_index)(x)
    monkeypatch.setattr(F, "IDX", np.array([1, 1]))
    after = s2sad.hessian(F.s_index)(x)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, fd_jacobian(s2sad.grad(F.s_index), (x,), 0),
                               rtol=1e-5, atol=1e-7)


# ------------------------------------------------------- grad of a gradient

def test_gradient_of_gradient_by_forward_over_reverse():
    x, y = 0.3, 1.2
    gxx = gradient_of_gradient(F.mixed, inner_wrt=0, outer_wrt=0)
    assert gxx(x, y) == pytest.approx(-np.sin(x) * y)
    gxy = gradient_of_gradient(F.mixed, inner_wrt="x", outer_wrt=(0, 1),
                                           with_value=True)
    value, (dxx, dxy) = gxy(x, y)
    assert value == pytest.approx(y ** 3 + np.cos(x) * y)
    assert (dxx, dxy) == (pytest.approx(-np.sin(x) * y), pytest.approx(3 * y ** 2 + np.cos(x)))
    # the gradient with respect to an array is not a scalar: no gradient of it
    with pytest.raises(NonScalarOutputError, match="hessian"):
        gradient_of_gradient(F.s_index)(np.ones(4))


def test_grad_of_grad_never_gives_a_wrong_number():
    """Until api.grad recognises a generated gradient, it must refuse, not guess."""
    x, y = 0.3, 1.2
    try:
        result = s2sad.grad(s2sad.grad(F.mixed))(x, y)
    except S2sadError:
        return
    assert result == pytest.approx(-np.sin(x) * y)


# ------------------------------------------------------ second order through loops
# The gradient code of these functions keeps values on a tape; forward over reverse
# pushes each saved value's tangent beside it and pops it back in the same order.

import cf_functions as CF  # noqa: E402

R_LOOP = rng_for("loops")
LOOP_HESSIANS = [
    ("scalar_loop", CF.scalar_loop, (0.5, 7), (0,)),
    ("euler", CF.euler, (0.7, 1.2, 30), (0, 1)),
    ("rnn", CF.rnn, (R_LOOP.standard_normal((3, 3)) * 0.5, R_LOOP.standard_normal((3, 2)),
                     R_LOOP.standard_normal((4, 2)), R_LOOP.standard_normal(3)), (0, 3)),
    ("while_loop", CF.while_loop, (1.3,), (0,)),
    ("branch_pos", CF.branch, (0.7,), (0,)),
    ("branch_mid", CF.branch, (-0.5,), (0,)),
    ("branch_neg", CF.branch, (-1.5,), (0,)),
    ("branch_in_loop", CF.branch_in_loop, (3.0, 5), (0,)),
    ("nested_loops", CF.nested_loops, (0.3, 2), (0,)),
    ("loop_over_rows", CF.loop_over_rows, (R_LOOP.standard_normal(3),
                                           R_LOOP.standard_normal((4, 3))), (0, 1)),
    ("while_with_break", CF.while_with_break, (1.2,), (0,)),
    ("return_in_loop", CF.return_in_loop, (np.array([0.5, 0.9, 1.5, 0.1]),), (0,)),
    ("enumerate_zip", CF.enumerate_zip, (R_LOOP.standard_normal(4),
                                         R_LOOP.standard_normal(4)), (0, 1)),
    ("swap_in_loop", CF.swap_in_loop, (0.3, np.array([0.5, -1.2, 0.7]), 1.1), (0, 1, 2)),
    ("shape_changes_across_trips", CF.shape_changes_across_trips,
     (0.7, np.array([[0.5, 0.2], [0.1, -0.3]]), np.array([0.3, -0.2])), (0, 1, 2)),
]


@pytest.mark.parametrize("name, fn, args, wrt", LOOP_HESSIANS, ids=[c[0] for c in LOOP_HESSIANS])
def test_hessian_through_loops_matches_finite_differences_of_the_gradient(name, fn, args, wrt):
    blocks = s2sad.hessian(fn, wrt=wrt)(*args)
    for a, i in enumerate(wrt):
        grad_i = s2sad.grad(fn, wrt=i)
        for b, j in enumerate(wrt):
            expected = fd_jacobian(grad_i, args, j)
            got = blocks[a][b]
            assert np.shape(got) == np.shape(args[i]) + np.shape(args[j])
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6,
                                       err_msg=f"{name}: d2f/d{i}d{j}")


@pytest.mark.parametrize("name, fn, args, wrt", LOOP_HESSIANS[:4],
                         ids=[c[0] for c in LOOP_HESSIANS[:4]])
def test_hvp_through_loops_is_hessian_times_v(name, fn, args, wrt):
    i = wrt[0]
    r = rng_for("hvp" + name)
    v = r.standard_normal(np.shape(args[i]))
    v = v if np.ndim(args[i]) else float(v)
    H = s2sad.hessian(fn, wrt=i)(*args)
    n = int(np.size(args[i]))
    np.testing.assert_allclose(np.ravel(s2sad.hvp(fn, wrt=i)(*args, v)),
                               np.reshape(H, (n, n)) @ np.ravel(v), rtol=1e-10, atol=1e-12)


def test_grad_of_grad_through_a_loop():
    x = 0.5
    eps = 1e-6
    g = s2sad.grad(CF.scalar_loop)
    expected = (g(x + eps, 6) - g(x - eps, 6)) / (2 * eps)
    gg = gradient_of_gradient(CF.scalar_loop)
    assert gg(x, 6) == pytest.approx(expected, rel=1e-6)
    assert gg(x, 0) == 0.0   # no iterations: the gradient is the constant 1
    assert s2sad.grad(s2sad.grad(CF.scalar_loop))(x, 6) == pytest.approx(expected, rel=1e-6)


def test_tape_carries_each_saved_tangent_beside_its_value():
    text = s2sad.hvp(CF.scalar_loop).source
    assert "tape.push(x_1)\n        tape.push(x_1_dot)\n" in text
    lines = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    pops = [k for k, line in enumerate(lines) if line.endswith("= tape.pop()")]
    assert len(pops) == 2 and pops[1] == pops[0] + 1
    assert lines[pops[0]].split(" = ")[0] == lines[pops[1]].split(" = ")[0] + "_dot"
    # the backward loop runs over a plain decreasing range
    assert "for i_1 in range(sub, -1, -1):" in lines and "reversed(" not in "\n".join(lines)


def test_tape_keys_without_varied_values_push_no_tangent():
    text = s2sad.hvp(CF.branch_in_loop).source
    code = [line.strip() for line in text.splitlines() if not line.strip().startswith("#")]
    pushed = [line for line in code if re.fullmatch(r"tape\.push\(cond\w*\)", line)]
    assert pushed and not any(re.search(r"\bcond\w*_dot\b", line) for line in code)


def test_jacobian_cost_benchmark_runs_and_checks_both_modes(capsys):
    """benchmarks/jacobian_cost.py (the README table) asserts the two modes agree."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "jacobian_cost.py"
    spec = importlib.util.spec_from_file_location("jacobian_cost", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.main(["--quick"])
    assert [(r["n"], r["m"], r["auto"]) for r in rows] == [
        (2, 20, "forward"), (20, 2, "reverse")] * 2
    assert "| n (inputs) | m (outputs) |" in capsys.readouterr().out


def _writes_a_row(w, X):
    X[0] = X[0] * w
    return np.sum(np.sin(X))


def _appends(xs):
    xs.append(xs[0] * 2.0)
    return xs[0] * xs[-1]


def _adds_in_place(x):
    x += 1.0
    return x * x


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_jacobian_of_a_function_writing_into_its_arguments_leaves_them_as_they_are(mode):
    """mode="auto" learned the output's size by calling the user's function, which wrote
    into the caller's arrays (a stranger's report: a wrong Jacobian, X changed)."""
    w, X = np.array([0.5, 2.0]), np.array([[1.0, 2.0], [3.0, 4.0]])
    kept = X.copy()
    got = s2sad.jacobian(_writes_a_row)(w, X)
    np.testing.assert_array_equal(X, kept)
    np.testing.assert_allclose(got, np.cos(X[0] * w) * X[0], rtol=1e-12)   # by hand
    xs = [3.0]
    np.testing.assert_allclose(s2sad.jacobian(_appends, mode=mode)(xs), [12.0])   # 2 x0^2
    assert xs == [3.0]
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(s2sad.jacobian(_adds_in_place, mode=mode)(x),
                               np.diag(2.0 * (x + 1.0)), rtol=1e-12)
    np.testing.assert_array_equal(x, [1.0, 2.0])
