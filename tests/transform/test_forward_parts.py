"""Exact-text tests of the forward transform's parts and the analyses it reads.

Each test writes out by hand what a small program gives: the facts record
(``analysis.forward_facts``), the known scalars in both coverages
(``analysis.shapes``), the kinds (``analysis.kinds``), folded tangent
expressions (``transform.forward_values``), the tangent code a sweep emits
(``transform.forward``), and the fence's and parser's split pieces.
"""

import numpy as np


def branchy(x, c):
    if c > 0:
        y = np.sin(x)
    else:
        y = x * 2.0
    return y


def looped(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s


def sized(x):
    n = x.shape[0]
    m = n * 2
    t = np.sum(x)
    u = -t
    return x * m + u


def patterned(x, c):
    a = x * 1.0
    b = x * 2
    d0 = x * 0.0
    d = x * -0.0
    e = x * c
    f = c * x
    g = c * c
    return a + b + d0 + d + e + f + g


def with_pairs(xs):
    total = sum(a for a in xs)
    return total


def bad_generator(xs):
    g = (a for a in xs)
    return g


import functools   # noqa: E402 - the wrapper below needs it, the programs above do not


def _twice(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs) * 2.0
    return wrapper


@_twice
def wrapped(x, scale=3.0):
    return x * scale


# ---------------------------------------------------------------- helpers

import textwrap  # noqa: E402

import gast  # noqa: E402
import pytest  # noqa: E402

import s2sad  # noqa: E402
from s2sad import pipeline  # noqa: E402
from s2sad.analysis import kinds, ops  # noqa: E402
from s2sad.analysis.forward_facts import LoopFacts, forward_facts, shape_sensitive  # noqa: E402
from s2sad.analysis.shapes import known_scalars  # noqa: E402
from s2sad.emit import render_function  # noqa: E402
from s2sad.errors import UnsupportedSyntaxError  # noqa: E402
from s2sad.optimize import optimize  # noqa: E402
from s2sad.rules.loading import load_builtin_rules  # noqa: E402
from s2sad.syntax import anno, fence, nodes  # noqa: E402
from s2sad.syntax.names import Namer  # noqa: E402
from s2sad.syntax.normalize import normalize  # noqa: E402
from s2sad.syntax.parse import parse_function  # noqa: E402
from s2sad.syntax.source import read_function  # noqa: E402
from s2sad.transform.forward import forward  # noqa: E402
from s2sad.transform.forward_env import TangentEnv  # noqa: E402
from s2sad.transform.forward_values import fold_zeros, is_zero, zero  # noqa: E402


def normal(func):
    load_builtin_rules()
    parsed = parse_function(func)
    fence.check(parsed)
    return normalize(parsed)


def primal_of(nf):
    return nf.node.body[:-1], nf.node.body[-1]


def jvp_text(func, wrt):
    """The jvp as the pipeline emits it: the transform, then the optimize pass."""
    generated = optimize(forward(normal(func), wrt))
    return render_function(generated.node, generated.comments)


def expr(text):
    return gast.parse(text).body[0].value


def source(node):
    return render_function(nodes.function("f", [], [nodes.ret(node)]), []).splitlines()[1]


# ---------------------------------------------------------------- analysis records

def test_forward_facts_of_a_branch():
    primal, ret = primal_of(normal(branchy))
    facts = forward_facts(primal, ("x",), [ret.value], {}, ["x", "c"])
    assert facts.varied == {"x", "y_2"}
    assert facts.carrying == frozenset()
    assert dict(facts.kinds) == {"cond": "leaf", "y_2": "leaf"}
    assert facts.scalars == frozenset()
    assert facts.sensitive == {"y_2"}      # both branches assign it, and it is returned
    assert facts.writes_in_place is False
    assert dict(facts.loops) == {}


def test_forward_facts_of_a_loop():
    primal, ret = primal_of(normal(looped))
    facts = forward_facts(primal, ("x",), [ret.value], {}, ["x", "n"])
    loop = primal[1]
    assert isinstance(loop, gast.For)
    assert facts.varied == {"x", "mul", "s"}
    assert facts.scalars == {"i"}
    assert facts.sensitive == {"s"}
    assert dict(facts.loops) == {id(loop): LoopFacts(
        assigned=frozenset({"i", "mul", "s"}), head=("s",), owned=frozenset())}


def test_facts_are_frozen():
    primal, ret = primal_of(normal(looped))
    facts = forward_facts(primal, ("x",), [ret.value], {}, ["x", "n"])
    with pytest.raises(AttributeError):
        facts.varied = frozenset()
    with pytest.raises(TypeError):
        facts.loops[0] = None


def test_shape_sensitive_names_read_other_than_elementwise():
    primal, ret = primal_of(normal(sized))
    assert shape_sensitive(primal, [ret.value]) == {"np", "sized", "x", "x_shape"}


def test_known_scalars_in_both_coverages():
    primal, _ = primal_of(normal(sized))
    stmts = list(ops.with_loops(primal))
    assert known_scalars(stmts) == {"m", "n", "t", "u"}          # reductions, negation too
    assert known_scalars(stmts, derived=False) == {"m", "n"}     # sizes and arithmetic on them


def test_known_scalars_range_counters():
    primal, _ = primal_of(normal(looped))
    stmts = list(ops.with_loops(primal))
    assert [type(s).__name__ for s in stmts] == ["Assign", "For", "Assign", "Assign"]
    assert known_scalars(stmts) == known_scalars(stmts, derived=False) == {"i"}


def test_kinds_of_a_function():
    primal, _ = primal_of(normal(sized))
    assert kinds.infer(primal) == {
        "x_shape": ("tuple", None, "leaf"), "n": "leaf", "m": "leaf", "t": "leaf",
        "u": "leaf", "mul": "?", "sized": "leaf"}


def test_value_kind_of_displays_subscripts_and_operators():
    known = {"xs": ("list", "leaf"), "t": ("tuple", ("leaf", ("list", "leaf")), "?")}

    def kind_of(atom):
        return known.get(atom.id, "?") if isinstance(atom, gast.Name) else \
            kinds.value_kind(atom, kind_of)

    assert kinds.value_kind(expr("[1.0, xs]"), kind_of) == ("list", "?")
    assert kinds.value_kind(expr("xs + xs"), kind_of) == ("list", "leaf")
    assert kinds.value_kind(expr("xs * 3"), kind_of) == ("list", "leaf")
    assert kinds.value_kind(expr("t[1]"), kind_of) == ("list", "leaf")
    assert kinds.value_kind(expr("xs[1:]"), kind_of) == ("list", "leaf")
    assert kinds.value_kind(expr("{'a': xs}"), kind_of) == (
        "dict", (("a", ("list", "leaf")),), ("list", "leaf"))
    assert kinds.value_kind(expr("a - b"), kind_of) == "leaf"


# ---------------------------------------------------------------- tangent values

def test_fold_zeros_drops_zero_terms():
    def carries(node):
        return any(isinstance(n, gast.Name) and n.id.endswith("_dot") or is_zero(n)
                   for n in gast.walk(node))

    node = gast.BinOp(left=gast.BinOp(left=expr("a"), op=gast.Mult(), right=zero()),
                      op=gast.Add(), right=expr("b_dot * c"))
    assert source(fold_zeros(node, carries)) == "    return b_dot * c"
    node = gast.BinOp(left=zero(), op=gast.Sub(), right=expr("b_dot"))
    assert source(fold_zeros(node, carries)) == "    return -b_dot"
    call = expr("np.sum(a_dot, axis=0)")
    call.args[0] = zero()
    assert is_zero(fold_zeros(call, carries))


def test_environment_defines_and_canonicalizes():
    env = TangentEnv(Namer({"x", "y", "z"}), frozenset({"z"}), {})
    out = []
    env.define("y", expr("x_dot * 2.0"), out)
    env.define("z", expr("y_dot"), out, exact=False)   # sensitive: given its full shape
    env.define("w", zero(), out)
    assert [source(s.value) for s in out] == ["    return x_dot * 2.0",
                                              "    return broadcast_like(y_dot, z)"]
    assert [s.targets[0].id for s in out] == ["y_dot", "z_dot"]
    assert is_zero(env.tangent_of(nodes.name("w")))
    made = env.canonicalize(["w"])
    assert [(s.targets[0].id, source(s.value)) for s in made] == [
        ("w_dot", "    return zeros_like(w)")]
    assert sorted(env.bindings) == ["broadcast_like", "zeros_like"]


def test_environment_saves_an_aliased_variable_before_rebinding_it():
    env = TangentEnv(Namer({"a", "b"}), frozenset(), {})
    out = []
    env.define("a", expr("x_dot + 1.0"), out)     # a_dot = ...
    env.define("b", nodes.name("a_dot"), out)      # b's tangent aliases a_dot
    env.define("a", expr("x_dot * 3.0"), out)     # a_dot rebound: b keeps the old value
    assert [(s.targets[0].id, source(s.value)) for s in out] == [
        ("a_dot", "    return x_dot + 1.0"),
        ("a_dot_old", "    return a_dot"),
        ("a_dot", "    return x_dot * 3.0")]
    assert env.tangents["b"].expr.id == "a_dot_old"


# ---------------------------------------------------------------- the sweep's code

def test_the_forward_and_optimize_dumps_show_the_two_passes_that_ran():
    stages = pipeline.generate(looped, ("x",), mode="forward", dump=True).stages
    # the transform keeps the old value of each carried name and tangent; nothing reads
    # them in this loop, and the clean-up pass removes them
    assert "s_old = s" in stages["forward"] and "s_dot_old = s_dot" in stages["forward"]
    assert "s_old" not in stages["optimize"] and "s_dot_old" not in stages["optimize"]
    assert s2sad.source(looped, wrt="x", mode="forward").endswith(stages["optimize"])


def test_jvp_of_a_branch():
    assert jvp_text(branchy, ("x",)) == textwrap.dedent("""\
        def branchy_jvp(x, c, x_dot):
            # line 14: if c > 0:
            cond = c > 0
            if cond:
                # line 15: y = np.sin(x)
                y_2 = np.sin(x)
                y_2_dot = x_dot * np.cos(x)
            else:
                # line 17: y = x * 2.0
                y_2 = x * 2.0
                y_2_dot = 2.0 * x_dot
            return y_2, y_2_dot
        """)


def test_jvp_of_a_loop_makes_the_carried_tangent_canonical_first():
    assert jvp_text(looped, ("x",)) == textwrap.dedent("""\
        def looped_jvp(x, n, x_dot):
            # line 22: s = 0.0
            s = 0.0
            # line 23: for i in range(n):
            s_dot = 0.0
            for i in range(n):
                # line 24: s = s + x * i
                mul = x * i
                mul_dot = x_dot * i
                s = s + mul
                s_dot = s_dot + mul_dot
            return s, s_dot
        """)


def test_jvp_keeps_sizes_constant():
    assert jvp_text(sized, ("x",)) == textwrap.dedent("""\
        def sized_jvp(x, x_dot):
            # line 29: n = x.shape[0]
            x_shape = x.shape
            n = x_shape[0]
            # line 30: m = n * 2
            m = n * 2
            # line 31: t = np.sum(x)
            t = np.sum(x)
            t_dot = np.sum(x_dot)
            # line 32: u = -t
            u = -t
            u_dot = -t_dot
            # line 33: return x * m + u
            mul = x * m
            mul_dot = x_dot * m
            sized = mul + u
            sized_dot = mul_dot + u_dot
            return sized, sized_dot
        """)


def test_jvp_of_one_operation_with_other_numbers_and_zero_tangents():
    # one product's tangent is folded once per pattern of what it is applied to
    # (transform.forward_rules._folded_builder): the numbers (1.0 and 2, 0.0 and -0.0)
    # and which tangents are zeros (c has none) make the pattern, the names do not
    assert jvp_text(patterned, ("x",)) == textwrap.dedent("""\
        def patterned_jvp(x, c, x_dot):
            # line 37: a = x * 1.0
            a = x * 1.0
            a_dot = 1.0 * x_dot
            # line 38: b = x * 2
            b = x * 2
            b_dot = 2 * x_dot
            # line 39: d0 = x * 0.0
            d0 = x * 0.0
            d0_dot = 0.0 * x_dot
            # line 40: d = x * -0.0
            d = x * -0.0
            d_dot = -0.0 * x_dot
            # line 41: e = x * c
            e = x * c
            e_dot = x_dot * c
            # line 42: f = c * x
            f = c * x
            f_dot = c * x_dot
            # line 43: g = c * c
            g = c * c
            # line 44: return a + b + d0 + d + e + f + g
            add = a + b
            add_dot = a_dot + b_dot
            add_1 = add + d0
            add_1_dot = add_dot + d0_dot
            add_2 = add_1 + d
            add_2_dot = add_1_dot + d_dot
            add_3 = add_2 + e
            add_3_dot = add_2_dot + e_dot
            add_4 = add_3 + f
            add_4_dot = add_3_dot + f_dot
            patterned = add_4 + g
            patterned_dot = broadcast_like(add_4_dot, patterned)
            return patterned, patterned_dot
        """)
    x, c, v = np.array([0.5, -1.0]), 1.5, np.array([1.0, 2.0])
    _, tangent = s2sad.jvp(patterned, wrt="x")(x, c, v)
    h = 1e-6
    central = (patterned(x + h * v, c) - patterned(x - h * v, c)) / (2 * h)
    np.testing.assert_allclose(tangent, central, rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------- front end pieces

def test_fence_accepts_a_consumed_generator_and_refuses_a_kept_one():
    fence.check(parse_function(with_pairs))
    with pytest.raises(UnsupportedSyntaxError) as info:
        fence.check(parse_function(bad_generator))
    assert str(info.value).splitlines()[0].endswith(
        "a generator expression is supported only as the iterable given to tuple(), "
        "list(), sum(), min(), max(), sorted(), any(), all() or dict(), or unpacked by a "
        "starred target or item ('a, *rest = ...', '[*(...)]'), which read it whole as the "
        "list comprehension")


def test_read_function_keeps_a_wrapper_as_written_and_parse_rewrites_it():
    raw = read_function(wrapped)
    assert raw.node.args.vararg.id == "args" and raw.node.args.kwarg.id == "kwargs"
    parsed = parse_function(wrapped)
    assert [a.id for a in parsed.node.args.args] == ["x", "scale"]
    assert parsed.node.args.vararg is None and parsed.node.args.kwarg is None
    assert [p.name for p in anno.get(parsed.node, anno.EFFECTIVE)] == ["x", "scale"]


def counted(x, n):
    for i in range(n):
        k = i * 0.5
        x = x + k
    return x


def test_known_scalars_arithmetic_on_a_counter_only_when_derived():
    primal, _ = primal_of(normal(counted))
    stmts = list(ops.with_loops(primal))
    assert known_scalars(stmts) == {"i", "k"}
    assert known_scalars(stmts, derived=False) == {"i"}
