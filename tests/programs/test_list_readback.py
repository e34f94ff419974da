"""A list of states appended in a loop and read back (``states[t]``, ``states[-1]``),
as a recurrent model keeps its states: derivatives in every mode against central
finite differences, and backward sweeps that stay linear in the list's length (no
copy or zeros of the whole list per read: checked on the generated text, not timed)."""

import re

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import list_readback_functions as lr

BOTH = ("reverse", "forward")
RNG = np.random.default_rng(7)
SEQ = [0.4, -0.7, 1.1]


def _fd_hessian(f, x, eps=1e-4):
    """Central differences of central differences (float64)."""
    n = len(x)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * eps, np.eye(n)[j] * eps
            out[i, j] = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej)
                         + f(x - ei - ej)) / (4 * eps * eps)
    return out


CASES = [
    (lr.states_read_at_counter, (0.7, 0.2, np.array([0.3, -0.5, 0.8, 0.1])), (0, 1)),
    (lr.states_read_last_and_older, (0.6, 5), 0),
    (lr.hidden_states, (RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=3),
                        RNG.normal(size=(4, 3))), (0, 1)),
    (lr.nested_states, (0.6, SEQ), 0),
    (lr.dict_of_lists, ({"h0": RNG.normal(size=2), "w": [RNG.normal(size=2) for _ in SEQ],
                         "b": [0.3, -0.2, 0.5]}, SEQ), 0),
    (lr.lists_into_a_dict, (0.6, SEQ), 0),
    (lr.dict_states, (0.6, SEQ), 0),
    (lr.tuple_states, (0.6, SEQ), 0),
    (lr.inner_loop_reads_by_counter, (0.7, 4), 0),
    (lr.inner_loop_reads_last, (0.7, 4), 0),
    (lr.queue, (0.6, 4), 0),
    (lr.while_states, (0.6,), 0),
    (lr.packed_parameters, (np.array([0.7, 0.2]), np.array([0.3, -0.5, 0.8])), 0),
    (lr.states_read_at_counter, (0.7, 0.2, np.array([])), (0, 1)),   # no step
]


@pytest.mark.parametrize("func, args, wrt", CASES,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_reading_back_states_matches_finite_differences(func, args, wrt):
    check_grads(func, args, wrt=wrt, modes=BOTH)


@pytest.mark.parametrize("func", [lr.states_of_vector, lr.older_of_vector,
                                  lr.nested_of_vector, lr.dict_states_of_vector,
                                  lr.queue_of_vector],
                         ids=lambda v: v.__name__)
def test_second_order_of_reading_back_states(func):
    x, v = np.array([0.7, 0.3]), np.array([0.4, -1.0])
    expected = _fd_hessian(func, x)
    assert np.allclose(s2sad.hessian(func)(x), expected, atol=1e-5)
    assert np.allclose(s2sad.hvp(func)(x, v), expected @ v, atol=1e-5)


def test_second_order_through_a_sharing_check():
    """``w = v[0]; states = [v[1]]``: a run-time check that the list is not ``w`` kept
    the appends from being made in place (a copy per trip)."""
    xs = np.array([0.3, -0.5, 0.8])
    x, v = np.array([0.7, 0.2]), np.array([0.4, -1.0])
    expected = _fd_hessian(lambda p: lr.packed_parameters(p, xs), x)
    assert np.allclose(s2sad.hvp(lr.packed_parameters)(x, xs, v), expected @ v, atol=1e-5)
    assert "states_1.append(s)" in s2sad.source(lr.packed_parameters)


def test_a_pullback_of_states_read_back_runs_twice_the_same():
    args = (0.7, 0.2, np.array([0.3, -0.5, 0.8, 0.1]))
    value, pullback = s2sad.vjp(lr.states_read_at_counter, wrt=(0, 1))(*args)
    assert pullback(1.0) == pullback(1.0)
    assert value == pytest.approx(lr.states_read_at_counter(*args))


def test_an_inner_loop_reading_the_list_is_not_refused():
    """A read in an inner loop, at its counter, was made again from the list in the
    backward sweep: with the list appended in place it has only its last version
    there (s2sad raised an internal error); the item read is taped instead."""
    text = s2sad.source(lr.inner_loop_reads_by_counter)
    assert "xs_1.append(" in text
    check_grads(lr.inner_loop_reads_by_counter, (0.7, 4), wrt=0, modes=("reverse",))


# --------------------------------------------- the backward sweep stays linear

#: helpers that copy or zero a whole list (or the whole adjoint of one)
WHOLE_LIST = ("adjoint_copy(", "list_append(", "list_delete(", "list_insert(", "list_set(",
              "index_set(", "item_bar(", "zeros_tree(", "[:-1]", "iterable_bar(")


def _loop_lines(text):
    """The lines of ``text`` inside a ``for`` or ``while`` loop (comments left out)."""
    out, loop = [], None
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if loop is not None and line.strip() and indent <= loop:
            loop = None
        if re.match(r"\s*(for|while) ", line):
            loop = indent if loop is None else loop
            continue
        if loop is not None and not line.strip().startswith("#"):
            out.append(line.strip())
    return out


def _copies_of(text, names):
    """Lines in loops of ``text`` that copy or zero one of the lists ``names`` or
    their adjoints and tangents."""
    return [line for line in _loop_lines(text) if any(h in line for h in WHOLE_LIST)
            and re.search(r"\b(%s)(_\d+)?(_bar)?(_\d+)?(_dot)?\b" % "|".join(names), line)]


@pytest.mark.parametrize("func, lists", [
    (lr.states_read_at_counter, ["states"]),
    (lr.states_read_last_and_older, ["states"]),
    (lr.hidden_states, ["hs"]),
    (lr.nested_states, ["states"]),
    (lr.lists_into_a_dict, ["hs", "cs"]),
    (lr.dict_states, ["states"]),
    (lr.tuple_states, ["states"]),
    (lr.inner_loop_reads_by_counter, ["xs"]),
    (lr.queue, ["xs"]),
    (lr.while_states, ["states"]),
    (lr.packed_parameters, ["states"]),
], ids=lambda v: getattr(v, "__name__", ""))
def test_no_copy_of_the_list_in_any_loop(func, lists):
    """Every read of an item adds into one list adjoint made once: in reverse mode, in
    forward mode, and in the gradient code forward over reverse differentiates (whose
    item writes put items in place, ``list_put``)."""
    for mode, text in (("reverse", s2sad.source(func)), ("jvp", s2sad.jvp(func).source),
                       ("hvp", s2sad.hvp(func, wrt=0).source)):
        assert _copies_of(text, lists) == [], mode


def test_the_generated_sweeps_of_a_list_of_states():
    reverse = s2sad.source(lr.states_read_at_counter, wrt=("w", "x0"))
    assert "states_1.append(s)" in reverse
    assert "s_bar = s_bar + states_1_bar.pop()" in reverse
    assert "states_1_bar[t] = add_tree(states_1_bar[t], states_1_item_bar)" in reverse
    assert reverse.count("list_bar(") == 1   # the one copy, before the loop
    hvp = s2sad.hvp(lr.states_of_vector).source
    assert "list_put(" in hvp and "list_remove(" in hvp and "list_push(" in hvp


def _loop_body(read):
    """A normalized loop appending to ``xs`` (made by a literal) with ``read`` after the
    append, its calls annotated as the normalizer annotates them."""
    import gast

    from s2sad.rules import registry
    from s2sad.rules.loading import load_builtin_rules
    from s2sad.syntax import anno
    load_builtin_rules()
    body = gast.parse("def f(v, t):\n"
                      "    xs = [v]\n"
                      "    for i in range(t):\n"
                      "        w = xs[i]\n"
                      "        ys = list_append(xs, w)\n"
                      f"        {read}\n"
                      "        xs = ys\n"
                      "    return xs\n").body[0].body
    for node in gast.walk(body[1]):
        if isinstance(node, gast.Call) and getattr(node.func, "id", "") == "list_append":
            anno.set(node, anno.CALLEE, registry.LIST_APPEND[0])
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.UnaryOp):
            node.slice = gast.Constant(value=-node.slice.operand.value, kind=None)
    return body


def test_a_stale_read_keeps_the_copy():
    """An item of the newest version is read in place as in a copy; one of an older
    version (the list before the append, ``xs[-1]`` after it) keeps the copy rule, as
    the in-place list would hold the new item there."""
    from s2sad.analysis.lists import in_place_appends
    assert len(in_place_appends(_loop_body("u = ys[-1]"))) == 1
    assert in_place_appends(_loop_body("u = xs[-1]")) == {}


def test_the_list_of_states_benchmark_differentiates_its_lstm_and_runs():
    """benchmarks/list_states.py: its literal LSTM port (GradBench's objective) against
    finite differences, and its table at small sizes."""
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "list_states.py"
    spec = importlib.util.spec_from_file_location("list_states", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check_grads(module.lstm_objective, module.data(3), wrt=(0, 1, 2), modes=BOTH)
    results = module.measure(repeats=1, min_time=0.0, lengths=(4, 8))
    text, verdict, _ = module.report(results["lstm"])
    assert text.count("\n") == 3 and "gradient/objective at T=8" in verdict


def test_a_loop_after_the_appends_still_reads_the_list_again():
    """Only the loops around the appends tape their items read: a loop after them reads
    the list's last version, the one the backward sweep has, again (no tape)."""
    import list_mutation_functions as lm
    text = s2sad.source(lm.append_then_iterate)
    assert "v = xs_1[index]" in text and "tape.push(v)" not in text
    check_grads(lm.append_then_iterate, (0.8, 5), wrt=0, modes=BOTH)
