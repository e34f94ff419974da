"""Exact-text tests of the pieces of reverse mode and of the composer.

The facts record of small programs (written by hand), the stages --dump-after
shows (each is what really ran), the front end, the optimize pass and the
module-wide name generator of callees.
"""

import textwrap

import numpy as np

from s2sad import pipeline
from s2sad.analysis.facts import ReverseFacts
from s2sad.emit import render_function
from s2sad.frontend import front_end
from s2sad.optimize import optimize
from s2sad.rules.loading import load_builtin_rules
from s2sad.transform.calls import CallGraph
from s2sad.transform.reverse import VJP, reverse
from s2sad.transform.reverse.assembly import ReverseFunction


def loss(x, w):
    h = np.tanh(x * w)
    return np.sum(np.exp(h) * 0.5)


def rnn(xs, h, W, b):
    for t in range(3):
        z = xs[t] * W + b
        h = np.tanh(z) + h
    return np.sum(h)


def unused(x):
    spare = x * 2.0
    y = x * x
    return y


def facts_of(func, wrt, flavor="value_and_grad"):
    load_builtin_rules()
    _, normal = front_end(func)
    return normal, ReverseFunction(normal, wrt, flavor, CallGraph(), None, None, VJP).facts


def names(stmts):
    return sorted(s.targets[0].id for s in stmts)


def test_facts_of_a_straight_line_function():
    normal, facts = facts_of(loss, ("w",))
    assert render_function(normal.node, []) == textwrap.dedent("""\
        def loss(x, w):
            mul = x * w
            h = np.tanh(mul)
            exp = np.exp(h)
            mul_1 = exp * 0.5
            loss = np.sum(mul_1)
            return loss
        """)
    assert isinstance(facts, ReverseFacts)
    assert sorted(facts.activity.active) == ["exp", "h", "loss", "mul", "mul_1", "w"]
    assert sorted(facts.scalars) == ["loss"]
    assert sorted(facts.single_defs) == ["exp", "h", "loss", "mul", "mul_1"]
    assert facts.loop_temps == frozenset()
    assert {n: facts.read_counts[n] for n in ("mul", "h", "exp", "mul_1")} == {
        "mul": 1, "h": 1, "exp": 1, "mul_1": 1}
    # the product fuses with the sum reading it; exp takes the sum's adjoint as it is
    # (its own definition spreads it), so does h (exp's definition spreads exactly)
    assert names(p for p in facts.fused.values() if p is not None) == ["mul_1"]
    assert sorted(facts.spread) == ["exp", "h", "mul"]
    assert facts.unreduced == frozenset()
    assert facts.written == frozenset() and facts.sequences == frozenset()


def test_facts_of_a_loop():
    normal, facts = facts_of(rnn, ("W", "b"))
    assert render_function(normal.node, []) == textwrap.dedent("""\
        def rnn(xs, h, W, b):
            h_1 = h
            for t in range(3):
                xs_item = xs[t]
                mul = xs_item * W
                z = mul + b
                tanh = np.tanh(z)
                h_1 = tanh + h_1
            rnn = np.sum(h_1)
            return rnn
        """)
    # tanh may broadcast h_1 (h a number, the rest arrays): the reverse code names h_1's
    # value before the update, h_1_old, so its adjoint is reduced to that value's shape
    assert sorted(facts.activity.active) == ["W", "b", "h_1", "h_1_old", "mul", "rnn",
                                             "tanh", "z"]
    assert sorted(facts.scalars) == ["rnn", "t"]
    assert sorted(facts.loop_temps) == ["h_1_old", "mul", "tanh", "xs_item", "z"]
    assert dict(facts.witnesses) == {"h_1_old": ("h_1_old",),
                                     "mul": ("xs_item", "W"), "tanh": ("z",),
                                     "xs_item": ("xs_item",), "z": ("xs_item", "W", "b")}
    # z's adjoint reaches mul unreduced: mul's own definition reduces it for W
    assert sorted(facts.unreduced) == ["mul"]
    assert facts.spread == frozenset() and dict(facts.fused) == {}


def test_facts_are_frozen():
    _, facts = facts_of(loss, ("w",))
    try:
        facts.spread = frozenset()
    except AttributeError:
        pass
    else:
        raise AssertionError("the facts record can be changed")
    try:
        facts.read_counts["h"] = 2
    except TypeError:
        pass
    else:
        raise AssertionError("the read counts can be changed")


def test_dump_stages_are_what_ran():
    result = pipeline.generate(unused, ("x",), "reverse", dump=True)
    # (``1.0 * x``: the first contribution makes the adjoint, a float even where the
    # module is called with an integer ``x``; the second adds into it)
    transformed = textwrap.dedent("""\
        def unused_value_and_grad(x):
            # line 36: spare = x * 2.0
            spare = x * 2.0
            # line 37: y = x * x
            y = x * x
            # line 38: return y
            ensure_scalar_output(y, 'unused')
            # grad of line 37: y = x * x
            x_bar = 1.0 * x
            x_bar = x_bar + x
            return y, x_bar
        """)
    assert result.stages["reverse"].endswith("\n\n\n" + transformed)
    # (spare, the user's result nobody reads, stays: Python computes it, and may raise
    # there; optimize.mark_unused_results)
    assert result.stages["optimize"].endswith("\n\n\n" + transformed)
    assert result.stages["optimize"] == result.emitted.text
    assert set(result.stages) == {"parse", "normalize", "reverse", "optimize"}
    forward = pipeline.generate(unused, ("x",), "forward", dump=True)
    assert set(forward.stages) == {"parse", "normalize", "forward", "optimize"}
    assert forward.stages["optimize"] == forward.emitted.text


def test_optimize_pass_returns_a_new_function():
    load_builtin_rules()
    _, normal = front_end(unused)
    generated = reverse(normal, ("x",))
    before = render_function(generated.node, generated.comments)
    cleaned = optimize(generated)
    assert cleaned.node is not generated.node
    assert render_function(generated.node, generated.comments) == before
    # (the user's unused result stays: the derivative runs what Python runs)
    assert "spare" in before and "spare" in render_function(cleaned.node, cleaned.comments)


def test_front_end_records_its_stages():
    stages = {}
    parsed, normal = front_end(unused, stages)
    assert stages["parse"] == textwrap.dedent("""\
        def unused(x):
            spare = x * 2.0
            y = x * x
            return y
        """)
    assert stages["normalize"] == render_function(normal.node, [])
    assert parsed.name == "unused"


def test_callee_names_come_from_one_namer():
    calls = CallGraph(reserved={"f_vjp", "g"})
    assert calls.fresh("_helper_vjp") == "_helper_vjp"   # spelled as given
    assert calls.fresh("f_vjp") == "f_vjp_1"
    assert calls.fresh("f_vjp") == "f_vjp_2"
    assert calls.fresh("g") == "g_1"
