"""Forward mode: jvp of every op in both modes against central finite differences,
the generated code itself, activity, broadcasting, tuples, and mutation.

Finite differences come from ``s2sad.testing`` (computed on the original
Python function, nothing of s2sad's involved) and, for the checks written
here, from ``fd_directional`` below.
"""

import zlib

import gast
import numpy as np
import pytest

import s2sad
from s2sad import pipeline
from s2sad.errors import NoDerivativeRuleError, S2sadError, UnsupportedSyntaxError
from s2sad.testing import check_grads

import forward_functions as F

# ------------------------------------------------------------------ helpers


def fd_directional(f, args, wrt, tangents, eps=1e-6):
    """Central finite difference of ``f`` at ``args`` along ``tangents`` (float64)."""
    def shifted(sign):
        moved = list(args)
        for i, t in zip(wrt, tangents):
            moved[i] = np.asarray(args[i], dtype=np.float64) + sign * eps * np.asarray(t)
            if np.ndim(args[i]) == 0:
                moved[i] = float(moved[i])
        return f(*moved)

    plus, minus = shifted(1.0), shifted(-1.0)
    if isinstance(plus, tuple):
        return tuple((np.asarray(p) - np.asarray(m)) / (2 * eps) for p, m in zip(plus, minus))
    return (np.asarray(plus) - np.asarray(minus)) / (2 * eps)


def sample(spec, rng):
    """A float or float64 array: ``spec`` is (shape, domain)."""
    shape, domain = spec
    while True:
        if domain == "real":
            x = rng.standard_normal(shape)
        elif domain == "pos":
            x = rng.uniform(0.5, 2.0, shape)
        elif domain == "unit":
            x = rng.uniform(-0.8, 0.8, shape)
        elif domain == "away":      # away from the kinks of abs, clip and %
            x = rng.uniform(0.15, 1.4, shape) * rng.choice([-1.0, 1.0], shape)
            if np.any(np.abs(x + 0.5) < 0.05) or np.any(np.abs(x - 0.7) < 0.05):
                continue
        elif domain == "modulus":
            x = rng.uniform(1.0, 2.0, shape)
        else:  # pragma: no cover
            raise ValueError(domain)
        return float(x) if shape == () else x


S, V, M = (), (3,), (2, 3)
R, P = "real", "pos"

# fn, cases: label -> argument specs
OPS = [
    (F.f_sin, {"scalar": [(S, R)], "vector": [(V, R)], "matrix": [(M, R)]}),
    (F.f_cos, {"scalar": [(S, R)], "matrix": [(M, R)]}),
    (F.f_tan, {"vector": [(V, "unit")]}),
    (F.f_arcsin, {"scalar": [(S, "unit")], "vector": [(V, "unit")]}),
    (F.f_arccos, {"vector": [(V, "unit")]}),
    (F.f_arctan, {"matrix": [(M, R)]}),
    (F.f_sinh, {"vector": [(V, R)]}),
    (F.f_cosh, {"vector": [(V, R)]}),
    (F.f_tanh, {"scalar": [(S, R)], "matrix": [(M, R)]}),
    (F.f_exp, {"scalar": [(S, R)], "vector": [(V, R)]}),
    (F.f_expm1, {"vector": [(V, R)]}),
    (F.f_log, {"scalar": [(S, P)], "matrix": [(M, P)]}),
    (F.f_log1p, {"vector": [(V, P)]}),
    (F.f_sqrt, {"vector": [(V, P)]}),
    (F.f_square, {"matrix": [(M, R)]}),
    (F.f_reciprocal, {"vector": [(V, P)]}),
    (F.f_abs, {"scalar": [(S, "away")], "vector": [(V, "away")]}),
    (F.f_neg, {"vector": [(V, R)]}),
    (F.f_add, {"scalar": [(S, R), (S, R)], "matrix": [(M, R), (M, R)],
               "bcast": [(M, R), (V, R)], "scalar-vector": [(S, R), (V, R)]}),
    (F.f_sub, {"scalar": [(S, R), (S, R)], "bcast": [(V, R), (M, R)],
               "vector-scalar": [(V, R), (S, R)]}),
    (F.f_mul, {"scalar": [(S, R), (S, R)], "vector": [(V, R), (V, R)],
               "bcast": [(M, R), (V, R)], "scalar-matrix": [(S, R), (M, R)]}),
    (F.f_div, {"scalar": [(S, R), (S, P)], "bcast": [(V, R), (M, P)]}),
    (F.f_pow, {"scalar": [(S, P), (S, R)], "vector": [(V, P), (V, R)],
               "bcast": [(M, P), (V, R)], "scalar-vector": [(S, P), (V, R)]}),
    (F.f_pow_const, {"vector": [(V, P)]}),
    (F.f_maximum, {"vector": [(V, R), (V, R)], "bcast": [(M, R), (V, R)]}),
    (F.f_minimum, {"vector": [(V, R), (V, R)], "scalar-vector": [(S, R), (V, R)]}),
    (F.f_where, {"vector": [(V, R), (V, R)], "bcast": [(M, R), (V, R)]}),
    (F.f_clip, {"vector": [(V, "away")], "matrix": [(M, "away")]}),
    (F.f_mod, {"vector": [(V, "away"), (V, "modulus")]}),
    (F.f_dot, {"vector": [(V, R), (V, R)], "matrix-vector": [(M, R), (V, R)],
               "matrix": [((2, 3), R), ((3, 4), R)], "scalar": [(S, R), (V, R)]}),
    (F.f_matmul, {"matrix": [((2, 3), R), ((3, 4), R)], "vector-matrix": [((2,), R), (M, R)],
                  "batched": [((2, 2, 3), R), ((3, 2), R)]}),
    (F.f_outer, {"vector": [(V, R), ((2,), R)]}),
    (F.f_method_dot, {"matrix-vector": [(M, R), (V, R)]}),
    (F.f_sum, {"vector": [(V, R)], "matrix": [(M, R)]}),
    (F.f_sum_axis, {"matrix": [(M, R)]}),
    (F.f_mean, {"vector": [(V, R)], "matrix": [(M, R)]}),
    (F.f_prod, {"vector": [(V, R)], "matrix": [(M, R)]}),
    (F.f_prod_axis, {"matrix": [(M, R)]}),
    (F.f_max, {"vector": [(V, R)], "matrix": [(M, R)]}),
    (F.f_reshape, {"matrix": [(M, R)]}),
    (F.f_transpose, {"matrix": [(M, R)]}),
    (F.f_expand_squeeze, {"vector": [(V, R)]}),
    (F.f_concatenate, {"vector": [(V, R), ((2,), R)], "matrix": [(M, R), ((1, 3), R)]}),
    (F.f_concatenate_const, {"vector": [(V, R)]}),
    (F.f_stack, {"vector": [(V, R), (V, R)]}),
    (F.f_stack_const, {"vector": [(V, R)]}),
    (F.f_array, {"scalar": [(S, R), (S, R)]}),
    (F.f_index, {"vector": [((5,), R)]}),
    (F.f_index_matrix, {"matrix": [(M, R)]}),
    (F.f_fancy, {"vector": [((4,), R)]}),
    (F.f_tuple, {"scalar": [(S, R), (S, R)], "bcast": [(V, R), (M, R)]}),
    (F.f_tuple_out, {"vector": [(V, R), (V, R)]}),
    (F.f_scalar_plus_vector, {"scalar-vector": [(S, R), (V, R)]}),
    (F.f_narrow_then_reduce, {"scalar-matrix": [(S, R), (M, R)]}),
    (F.f_narrow_output, {"scalar-matrix": [(S, R), (M, R)]}),
    (F.f_reuse, {"vector": [(V, R)]}),
    (F.f_len_shape, {"vector": [(V, R)]}),
    (F.seed, {"vector": [(V, R), (V, R), (S, R)]}),
    (F.logistic_loss, {"data": [(V, R), ((5, 3), R), ((5,), "pos")]}),
    (F.mlp_loss, {"net": [((3, 4), R), ((4,), R), ((4, 2), R), ((2,), R), ((5, 3), R),
                          ((5, 2), R)]}),
    (F.rosenbrock, {"vector": [((4,), R)]}),
]

#: checked in forward mode only: reverse mode fails on them (reported to the reverse
#: transform's owner: indexing a tuple literal, ``t[0]``, builds its adjoint with
#: ``zeros_like(t)`` and item assignment, a TypeError on a tuple)
FORWARD_ONLY = [
    (F.f_tuple_index, {"scalar": [(S, R), (S, R)], "vector": [(V, R), (V, R)]}),
]

CASES = [pytest.param(fn, label, specs, ("reverse", "forward"), id=f"{fn.__name__}-{label}")
         for fn, cases in OPS for label, specs in cases.items()]
CASES += [pytest.param(fn, label, specs, ("forward",), id=f"{fn.__name__}-{label}")
          for fn, cases in FORWARD_ONLY for label, specs in cases.items()]


def args_for(fn, label, specs):
    rng = np.random.default_rng(zlib.crc32(f"{fn.__name__}-{label}".encode()))
    return tuple(sample(s, rng) for s in specs)


@pytest.mark.parametrize("fn, label, specs, modes", CASES)
def test_op_both_modes_match_finite_differences(fn, label, specs, modes):
    check_grads(fn, args_for(fn, label, specs), modes=modes)


@pytest.mark.parametrize("fn, label, specs, modes", CASES)
def test_jvp_of_each_argument_alone(fn, label, specs, modes):
    """Tangents for one argument at a time: the other arguments are inactive."""
    args = args_for(fn, label, specs)
    rng = np.random.default_rng(1)
    for i in range(len(args)):
        t = sample((np.shape(args[i]), "real"), rng)
        value, tangent = s2sad.jvp(fn, wrt=i)(*args, t)
        expected = fd_directional(fn, args, [i], [t])
        if isinstance(value, tuple):
            for got, want, out in zip(tangent, expected, value):
                assert np.shape(got) == np.shape(out)
                np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
        else:
            assert np.shape(tangent) == np.shape(value)
            np.testing.assert_allclose(tangent, expected, rtol=1e-5, atol=1e-7)


def test_every_function_in_the_module_has_a_row():
    import inspect
    listed = {fn.__name__ for fn, _ in OPS + FORWARD_ONLY}
    first_order = {name for name, obj in inspect.getmembers(F, inspect.isfunction)
                   if name.startswith("f_") and obj.__module__ == F.__name__}
    missing = first_order - listed - {"f_constant_output", "f_partly_constant",
                                      "f_unused_param"}   # tested below
    assert not missing


# ----------------------------------------------------------- generated code

def body_of(text):
    """The lines of the generated function after its def line (comments kept)."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("def "))
    return [line.strip() for line in lines[start + 1:] if line.strip()]


def test_seed_example_reads_like_hand_written_forward_code():
    text = s2sad.jvp(F.seed, wrt="w").source
    assert "mode: forward (jvp), wrt: w" in text
    assert "def seed_jvp(x, w, y, w_dot):" in text
    line = F.seed.__code__.co_firstlineno + 1
    assert body_of(text) == [
        f"# line {line}: z = (np.dot(x, w) - y) ** 2",
        "dot = np.dot(x, w)",
        "dot_dot = np.dot(x, w_dot)",
        "sub = dot - y",
        "z = sub ** 2",
        "z_dot = 2 * dot_dot * sub",
        "return z, z_dot",
    ]


def test_seed_example_jvp_value():
    x, w, y = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0]), 0.25
    w_dot = np.array([1.0, 0.0, -1.0])
    value, tangent = s2sad.jvp(F.seed, wrt=1)(x, w, y, w_dot)
    r = np.dot(x, w) - y
    assert value == pytest.approx(r ** 2)
    assert tangent == pytest.approx(2 * r * np.dot(x, w_dot))


@pytest.mark.parametrize("fn, wrt", [(F.logistic_loss, "w"), (F.mlp_loss, "W1"),
                                     (F.mlp_loss, ("b1", "W2")), (F.rosenbrock, 0)])
def test_no_identity_arithmetic_or_zero_arrays(fn, wrt):
    text = s2sad.jvp(fn, wrt=wrt).source
    for bad in ("* 1.0", "1.0 *", "+ 0.0", "0.0 +", "- 0.0", "* 0", "zeros_like"):
        assert bad not in text, bad


def test_tangents_only_for_names_that_depend_on_wrt():
    text = s2sad.jvp(F.mlp_loss, wrt="W2").source
    body = "\n".join(body_of(text))
    # the first layer does not depend on W2: no tangent for any of it
    for name in ("W1_dot", "b1_dot", "h_dot", "matmul_dot", "add_dot", "X_dot"):
        assert name not in body
    assert "matmul_1_dot = h @ W2_dot" in body


def test_each_block_is_preceded_by_its_source_line():
    text = s2sad.jvp(F.logistic_loss).source
    body = body_of(text)
    comments = [line for line in body if line.startswith("#")]
    first = F.logistic_loss.__code__.co_firstlineno
    assert comments == [
        f"# line {first + 1}: z = X @ w",
        f"# line {first + 2}: p = 1.0 / (1.0 + np.exp(-z))",
        f"# line {first + 3}: return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))"]


def test_generation_is_deterministic():
    first = pipeline.generate(F.mlp_loss, ("W1", "b2"), mode="forward").emitted.text
    second = pipeline.generate(F.mlp_loss, ("W1", "b2"), mode="forward").emitted.text
    assert first == second


def test_dump_after_forward_stages():
    result = pipeline.generate(F.seed, ("w",), mode="forward", dump=True)
    assert set(result.stages) >= {"parse", "normalize", "forward"}
    assert "w_dot" in result.stages["forward"]


def test_sequence_literal_arguments_materialize_only_the_inactive_zeros():
    text = s2sad.jvp(F.f_concatenate_const).source
    assert "np.concatenate([a_dot, zeros_like(C3)])" in text
    text = s2sad.jvp(F.f_concatenate, wrt=0).source
    assert "np.concatenate([a_dot, zeros_like(mul), a_dot])" in text


def test_tuple_unpacking_follows_elements_without_tuple_tangents():
    text = s2sad.jvp(F.f_tuple, wrt=(0, 1)).source
    body = "\n".join(body_of(text))
    assert "mul_dot = 2.0 * a_dot" in body
    assert "u_dot" not in body and "v_dot" not in body   # unpacked names alias the elements


def test_default_arguments_of_rule_calls_are_not_spelled_out():
    text = s2sad.jvp(F.f_sum_axis).source
    assert "np.sum(x_dot, axis=0)" in text
    assert "keepdims=False" not in text and "axis=None" not in text


# ---------------------------------------------------- activity and shapes

def test_narrow_tangent_is_broadcast_before_a_reduction():
    a, m = 0.5, np.arange(6.0).reshape(2, 3)
    value, tangent = s2sad.jvp(F.f_narrow_then_reduce, wrt=0)(a, m, 1.0)
    np.testing.assert_allclose(tangent, [2.0, 2.0, 2.0])
    assert "broadcast_like(a_dot, s)" in s2sad.jvp(F.f_narrow_then_reduce, wrt=0).source


def test_narrow_tangent_output_has_the_output_shape():
    a, m = 0.5, np.ones((2, 3))
    value, tangent = s2sad.jvp(F.f_narrow_output, wrt="a")(a, m, 2.0)
    assert tangent.shape == (2, 3)
    np.testing.assert_allclose(tangent, 2.0)
    value, tangent = s2sad.jvp(F.f_narrow_output, wrt="m")(a, m, np.full((2, 3), 3.0))
    np.testing.assert_allclose(tangent, -3.0)


def test_narrow_tangent_is_left_alone_when_only_elementwise_ops_read_it():
    text = s2sad.jvp(F.f_scalar_plus_vector, wrt="a").source
    # s = a + v is read by a product and np.dot: it is broadcast once, where it is defined
    assert text.count("broadcast_like(") == 1
    text = s2sad.jvp(F.seed, wrt="w").source
    assert "broadcast_like" not in text   # sub = dot - y is only squared


def test_output_independent_of_wrt_has_zero_tangent_of_its_shape():
    a, m = 1.5, np.ones((2, 3))
    value, tangent = s2sad.jvp(F.f_constant_output, wrt=0)(a, m, 1.0)
    assert isinstance(tangent, np.ndarray) and tangent.shape == (2, 3)
    assert not tangent.any()
    value, tangent = s2sad.jvp(F.f_unused_param, wrt="a")(a, m, 1.0)
    assert tangent == 0.0


def test_tuple_output_gives_a_tuple_of_tangents_with_zeros_for_constants():
    a, m = 1.5, np.ones((2, 3))
    value, tangent = s2sad.jvp(F.f_partly_constant, wrt=0)(a, m, 2.0)
    assert value == (6.0, 4.5, 7.0)
    assert tangent == (0.0, 6.0, 0.0)
    value, tangent = s2sad.jvp(F.f_tuple_out, wrt=(0, 1))(
        np.ones(3), np.full(3, 2.0), np.ones(3), np.zeros(3))
    np.testing.assert_allclose(tangent[0], 2.0)
    assert tangent[1] == 3.0
    np.testing.assert_allclose(tangent[2], 0.0)


def test_int_arguments_and_python_scalars():
    value, tangent = s2sad.jvp(F.f_mul, wrt=0)(3, 2, 1)
    assert (value, tangent) == (6, 2.0)
    assert isinstance(tangent, float)


def test_jvp_checks_tangent_shapes_and_count():
    g = s2sad.jvp(F.f_add, wrt=(0, 1))
    with pytest.raises(ValueError, match="shape"):
        g(np.ones(3), np.ones(3), np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="tangent"):
        g(np.ones(3))


def test_jvp_as_decorator_and_by_name():
    g = s2sad.jvp(wrt="b")(F.f_mul)
    assert g(2.0, 3.0, 1.0) == (6.0, 2.0)


def test_missing_tangent_rule_is_a_located_error(tmp_path, monkeypatch):
    module = tmp_path / "no_tangent_mod.py"
    module.write_text(
        "import numpy as np\n\n"
        "def cube(x):\n"
        "    return x ** 3\n\n"
        "def cube_root(x):\n"
        "    return cube(x) + 1.0\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import no_tangent_mod

    @s2sad.adjoint(no_tangent_mod.cube)   # a reverse rule only: no tangent
    def cube_adjoint(y, y_bar, x):
        return 3.0 * y_bar * x * x

    with pytest.raises(NoDerivativeRuleError) as info:
        s2sad.jvp(no_tangent_mod.cube_root)
    message = str(info.value)
    assert "tangent" in message and "no_tangent_mod.py:7" in message


def test_user_tangent_rule_without_adjoint(tmp_path, monkeypatch):
    module = tmp_path / "user_tangent_mod.py"
    module.write_text(
        "import numpy as np\n"
        "import s2sad\n\n"
        "def softplus(x, beta=1.0):\n"
        "    return np.log1p(np.exp(beta * x)) / beta\n\n"
        "@s2sad.tangent(softplus)\n"
        "def softplus_tangent(y, x, beta, x_dot):\n"
        "    return x_dot / (1.0 + np.exp(-beta * x))\n\n"
        "def model(x):\n"
        "    return softplus(x * 2.0, beta=3.0)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import user_tangent_mod as mod
    x = np.array([0.3, -1.2])
    value, tangent = s2sad.jvp(mod.model)(x, np.ones(2))
    np.testing.assert_allclose(tangent, fd_directional(mod.model, (x,), [0], [np.ones(2)]),
                               rtol=1e-6)


# ------------------------------------------- mutation (already-normal input)

def _normal_from_source(func):
    """A NormalFunction built straight from a function already in normal form.

    The normalizer does not accept writes into arrays yet; the forward
    transform does, for the day it will (and for generated gradient code).
    """
    from s2sad.rules import registry
    from s2sad.rules.loading import load_builtin_rules
    from s2sad.syntax import anno
    from s2sad.syntax.names import Namer
    from s2sad.syntax.normalize import NormalFunction, user_names
    from s2sad.syntax.parse import parse_function
    load_builtin_rules()
    parsed = parse_function(func)
    for stmt in parsed.node.body:
        anno.set(stmt, anno.SOURCE, parsed.source_ref(stmt))
    for node in gast.walk(parsed.node):
        if isinstance(node, gast.Call):
            path, f = [], node.func
            while isinstance(f, gast.Attribute):
                path.append(f.attr)
                f = f.value
            obj = parsed.resolve(f.id)
            for part in reversed(path):
                obj = getattr(obj, part)
            anno.set(node, anno.CALLEE, obj)
    params = [a.id for a in parsed.node.args.args]
    local = {n.id for n in gast.walk(parsed.node)
             if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    free = {n.id for n in gast.walk(parsed.node) if isinstance(n, gast.Name)
            and n.id not in local and n.id not in params and parsed.is_resolvable(n.id)}
    namer = Namer(user_names(parsed.node) | registry.HELPER_NAMES)
    return NormalFunction(parsed, parsed.node, params, namer, free)


def _compile_forward(func, wrt):
    from s2sad.emit import compile_module, emit_module
    from s2sad.rules import runtime_rules  # noqa: F401
    from s2sad.transform.forward import forward
    nf = _normal_from_source(func)
    generated = forward(nf, wrt)
    free = {name: nf.parsed.resolve(name) for name in nf.free_names}
    emitted = emit_module(generated, free, [])
    return compile_module(emitted), emitted.text


@pytest.mark.parametrize("fn_name", ["writes_slice", "writes_add", "writes_add_at",
                                     "writes_constant"])
def test_forward_transform_handles_writes_into_arrays(fn_name):
    import mutation_functions as MF
    fn = getattr(MF, fn_name)
    impl, text = _compile_forward(fn, ("x", "g"))
    rng = np.random.default_rng(3)
    x, g = rng.standard_normal(5), rng.standard_normal(4)
    tx, tg = rng.standard_normal(5), rng.standard_normal(4)
    value, tangent = impl(x.copy(), g.copy(), tx, tg)
    np.testing.assert_allclose(value, fn(x.copy(), g.copy()))
    np.testing.assert_allclose(tangent, fd_directional(
        lambda a, b: fn(a.copy(), b.copy()), (x, g), [0, 1], [tx, tg]), rtol=1e-6, atol=1e-8)


def test_written_tangent_is_copied_before_it_is_changed():
    import mutation_functions as MF
    impl, text = _compile_forward(MF.writes_alias, ("x", "g"))
    assert "writable_copy(" in text
    x, g = np.arange(5.0), np.ones(4)
    tx = np.ones(5)
    value, tangent = impl(x, g, tx, np.zeros(4))
    np.testing.assert_allclose(tx, 1.0)   # the caller's tangent is left untouched
    np.testing.assert_allclose(tangent, [0.0, 1.0, 1.0, 1.0, 1.0])


def test_forward_refuses_statements_it_does_not_know():
    import mutation_functions as MF
    with pytest.raises(UnsupportedSyntaxError, match="forward mode"):
        _compile_forward(MF.has_delete, ("x",))


def test_loop_without_carried_annotation_carries_the_names_it_reassigns():
    import mutation_functions as MF
    impl, text = _compile_forward(MF.has_loop, ("x",))
    x, t = np.array([0.5, -1.2]), np.array([1.0, 0.3])
    value, tangent = impl(x, t)
    np.testing.assert_allclose(value, MF.has_loop(x))
    np.testing.assert_allclose(tangent, fd_directional(MF.has_loop, (x,), [0], [t]),
                               rtol=1e-6, atol=1e-8)


def test_errors_are_s2sad_errors():
    with pytest.raises(S2sadError):
        s2sad.jvp(F.f_mul, wrt="nope")


# ------------------------------------------------- tangents of runtime helpers

RUNTIME_CASES = [
    (F.r_unbroadcast, [((2, 3), R), ((3,), R)]),
    (F.r_unbroadcast, [((2, 3), R), ((1, 3), R)]),
    (F.r_sum_bar, [((2,), R), ((2, 3), R)]),
    (F.r_mean_bar, [((1, 3), R), ((2, 3), R)]),
    (F.r_extremum_bar, [((3,), R), ((2, 3), R)]),
    (F.r_prod_bar, [((3,), R), ((2, 3), R)]),
    (F.r_dot_bars, [((2, 4), R), ((2, 3), R), ((3, 4), R)]),
    (F.r_dot_bars, [((2,), R), ((2, 3), R), ((3,), R)]),
    (F.r_matmul_bars, [((2, 4), R), ((2, 3), R), ((3, 4), R)]),
    (F.r_outer_bars, [((3, 2), R), ((3,), R), ((2,), R)]),
    (F.r_xlogy, [((3,), R), ((3,), P)]),
    (F.r_transpose_bar, [((2, 3, 4), R)]),
    (F.r_concatenate_bar, [((4,), R), ((2,), R)]),
    (F.r_stack_bar, [((2, 3), R), ((2,), R)]),
    (F.r_getitem_bar, [((4,), R), ((3,), R)]),
    (F.r_add_at, [((3,), R), ((4,), R)]),
    (F.r_sequence_bar, [((3,), R), ((3,), R)]),
    (F.r_index_set, [((4,), R), ((2,), R)]),
    (F.r_broadcast_like, [((3,), R), ((2, 3), R)]),
]


@pytest.mark.parametrize("fn, specs", [pytest.param(fn, specs, id=f"{fn.__name__}-{k}")
                                       for k, (fn, specs) in enumerate(RUNTIME_CASES)])
def test_runtime_helper_tangent_rules(fn, specs):
    rng = np.random.default_rng(zlib.crc32(fn.__name__.encode()))
    check_grads(fn, tuple(sample(s, rng) for s in specs), modes=("forward",))


@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True), ((0, 2), False)])
def test_prod_bar_x_dot_matches_finite_differences_even_with_zeros(axis, keepdims):
    from s2sad.runtime import prod_bar
    from s2sad.runtime_forward import prod_bar_x_dot
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 2))
    x[0, 1, 0] = 0.0
    x[1, 2, 1] = 0.0
    x_dot = rng.standard_normal(x.shape)
    g = rng.standard_normal(np.shape(np.prod(x, axis=axis, keepdims=keepdims)))
    eps = 1e-6
    expected = (prod_bar(g, x + eps * x_dot, axis, keepdims)
                - prod_bar(g, x - eps * x_dot, axis, keepdims)) / (2 * eps)
    np.testing.assert_allclose(prod_bar_x_dot(g, x, x_dot, axis, keepdims), expected,
                               rtol=1e-6, atol=1e-9)


def test_xlogy_tangent_is_finite_where_x_is_zero():
    """d/dx of x*log(y) at x = 0 is log(y); the y-term vanishes with x, even at y = 0."""
    x, y = np.array([0.0, 0.0, 1.0]), np.array([2.0, 0.0, 3.0])
    _, t = s2sad.jvp(F.r_xlogy, wrt=1)(x, y, np.ones(3))
    assert np.all(np.isfinite(t)) and t[0] == 0.0 and t[1] == 0.0


def test_every_runtime_helper_has_a_tangent_or_is_constant():
    """Generated gradient code may call any of them: forward over reverse needs them all."""
    import inspect
    from s2sad import runtime
    from s2sad.rules import registry, runtime_rules
    from s2sad.rules.loading import load_builtin_rules  # noqa: F401
    load_builtin_rules()
    missing = []
    for name in runtime.__all__:
        obj = getattr(runtime, name)
        if inspect.isclass(obj):
            continue   # the tape: forward mode handles push and pop itself
        rule = registry.lookup(obj)
        if rule is None or not (rule.tangent or rule.nondifferentiable):
            missing.append(name)
    # random_draw (rng.normal(...) of a local generator) has no derivative: its generator
    # and method's name carry none, and a call whose other argument carries one is refused
    # where it is written (analysis.lookup.rule_for), never differentiated
    assert missing == ["random_draw"], missing
    with pytest.raises(s2sad.errors.NoDerivativeRuleError, match="carries one"):
        s2sad.jvp(F.draw_of_a_mean)(0.5, 1.0)


def test_source_in_forward_mode_is_the_jvp_code():
    text = s2sad.source(F.seed, wrt="w", mode="forward")
    assert text == s2sad.jvp(F.seed, wrt="w").source
    assert "_dot" in text and "_bar" not in text
