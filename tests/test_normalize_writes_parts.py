"""The write checks of normalization as data: may-alias facts in, refusals out.

Each test builds the facts the walk would record by hand and states the decision
expected, written out independently of the code.
"""

import gast

from s2sad.syntax.normalize.dicts import dict_names
from s2sad.syntax.normalize.entry import check_local_functions, written_parameters
from s2sad.syntax.normalize.liveness import exposed_reads
from s2sad.syntax.normalize.lists import mutated_lists
from s2sad.syntax.normalize.mayalias import CONTENTS, AliasFacts, decidable_links, origins
from s2sad.syntax.normalize.sharing import AliasRecorder
from s2sad.syntax.normalize.writes import (DictFacts, Ownership, RecordedWrite,
                                           decide_writes, dict_write_refusal)

HOW = ("(through a branch, a conditional expression, an earlier loop trip, a view, a "
       "container or a helper's result)")
OWN = Ownership(callee=False, root_params=frozenset({"x"}), inlined_args=frozenset())


def facts(holds, defined, loop_carried=None, loop_inside=None, maybe_links=(),
          call_holds=None, list_items=None, list_copies=()):
    return AliasFacts(holds, loop_carried or {}, loop_inside or {}, set(maybe_links),
                      call_holds or {}, list_items or {}, set(list_copies), set(defined))


def write(written, others=(), outside=("x",), shared=(), kind="array", update=None):
    return RecordedWrite(written, written, update, list(others), frozenset(outside),
                         "here", None, list(shared), kind)


def parse(source):
    return gast.parse(source).body


def test_a_copy_and_its_source_conflict_a_new_value_does_not():
    conflict, expand = origins(facts({"b": [("a", None)]}, {"a", "b", "c"}))
    assert conflict("b", "a") and conflict("a", "b")
    assert not conflict("c", "a")
    assert expand("b") == {("a", frozenset())}


def test_carried_names_swapped_each_trip_stay_apart():
    # p, q = a, b before the loop; p, q = q, p at the end of each trip
    holds = {"p": [("a", None), ("q", 1)], "q": [("b", None), ("p", 1)]}
    apart = facts(holds, {"a", "b", "p", "q"}, loop_carried={1: ["p", "q"]})
    conflict, expand = origins(apart)
    assert not conflict("p", "q")
    assert expand("p") == {("a", frozenset()), ("b", frozenset())}
    # entering the loop with the same array: they may share it
    holds = {"p": [("a", None), ("q", 1)], "q": [("a", None), ("p", 1)]}
    conflict, _ = origins(facts(holds, {"a", "p", "q"}, loop_carried={1: ["p", "q"]}))
    assert conflict("p", "q")


def test_a_write_into_a_copy_of_the_argument_is_refused():
    found = decide_writes([write("b")], facts({"b": [("x", None)]}, {"x", "b"}), OWN)
    assert found[0].reason == (
        f"writing into 'b' may change the caller's array 'x': 'b' may hold that array "
        f"{HOW}, and s2sad writes only into arrays the function made",
        "make 'b' an array of its own right before the write: b = np.copy(b)")
    assert found[0].loose == ()


def test_a_name_read_later_holding_the_array_is_checked_when_the_code_runs():
    shared_facts = facts({"d": [("c", None)]}, {"x", "c", "d"})
    found = decide_writes([write("c", others=[("d", "d")], shared=[("d",)])],
                          shared_facts, OWN)
    reason = (f"writing into 'c' may also change 'd', which is read later: 'c' may hold "
              f"the same array as 'd' {HOW}",
              ("to leave 'd' as it is, make 'c' an array of its own right before the "
               "write: c = np.copy(c)"))
    assert found[0].reason is None
    assert found[0].loose == (reason,)
    # through the result of a user's function the run cannot tell: refused now
    through_call = facts({"d": [("c", None)]}, {"x", "c", "d"}, call_holds={"d": {"c"}})
    found = decide_writes([write("c", others=[("d", "d")])], through_call, OWN)
    assert found[0].reason == reason


def test_an_unrelated_name_read_later_needs_no_check():
    found = decide_writes([write("c", others=[("e", "e")], shared=[("e",)])],
                          facts({}, {"x", "c", "e"}), OWN)
    assert found[0].reason is None and found[0].loose == (None,)


def test_changing_a_list_of_the_caller_is_refused_its_copy_is_not():
    from_caller = facts({"ys": [("x", None)]}, {"x", "ys"})
    found = decide_writes([write("ys", kind="list")], from_caller, OWN)
    assert found[0].reason == (
        "changing the list 'ys' (by a list method or item assignment) may change the "
        "caller's value 'x': 'ys' may hold that list or one inside it, and s2sad changes "
        "only lists the function made",
        "make 'ys' a list of its own right before the change: ys = list(ys)")
    copied = facts({"ys": [("x", None)]}, {"x", "ys"}, list_copies=[("ys", "x")])
    assert decide_writes([write("ys", kind="list")], copied, OWN)[0].reason is None


def test_an_item_read_is_a_link_the_run_decides_unless_through_a_helper():
    assert decidable_links(facts({"y": [("x", None)]}, {"x", "y"},
                                 maybe_links=[("y", "x")])) == {("y", "x")}
    assert decidable_links(facts({"y": [("r", None)], "r": [("x", None)]}, {"x", "y", "r"},
                                 maybe_links=[("y", "r")], call_holds={"r": {"x"}})) == set()


def test_a_dict_item_write_seen_by_a_copy_is_refused():
    holds = {"e": [("d", None)], "d_1": [("d", None)]}
    dict_facts = DictFacts(holds, {}, set(), {("d_1", "d"): CONTENTS})
    refusal = dict_write_refusal([("d", "d", [("e", "e")], "here")], dict_facts)
    assert refusal == (
        "writing an item into 'd' would also change 'e', which is read later: 'e' may "
        "hold that dict (through a copy, a branch, an earlier loop trip or a container), "
        "and s2sad writes dict items into a new dict", "here",
        "make 'd' a dict of its own before the write (d = dict(d)), which leaves 'e' as it "
        "was, or read 'e' before it; to change 'e' too, bind it again after the write (e = d)")
    assert dict_write_refusal([("d", "d", [("f", "f")], "here")], dict_facts) is None
    assert dict_write_refusal([], dict_facts) is None


def test_the_recorder_turns_operations_into_holds():
    recorder = AliasRecorder(["xs"])
    recorder.track_views("t", gast.parse("[a, b]", mode="eval").body)
    recorder.track_views("v", gast.parse("a[1:]", mode="eval").body)
    recorder.track_views("u", gast.parse("xs[0]", mode="eval").body)
    assert recorder.holds == {"t": [("a", None), ("b", None)], "v": [("a", None)],
                              "u": [("xs", None)]}
    assert recorder.list_values == {"xs", "t"}
    assert recorder.maybe_links == {("u", "xs")}
    assert recorder.item_edges == {"v": ("a", None), "u": ("xs", 0)}
    assert recorder.slices == {"v"}


def test_lists_changed_through_copies_and_names_read_before_assigned():
    assert mutated_lists(gast.parse("b = a\nb.append(1)\nc = 2")) == {"a", "b"}
    assert mutated_lists(gast.parse("c = d\nc.pop()\ne = c")) == {"c", "d", "e"}
    assert mutated_lists(gast.parse("b = a\nb[0] = 1")) == set()
    loop = parse("for i in r:\n    y = s + 1\n    s = y * 2")[0]
    assert exposed_reads(loop, {"s", "y"}) == {"s"}
    fn = parse("def f(p):\n    d = {}\n    q = p['w']\n    e.update(f)\n    return q")[0]
    assert dict_names(fn) == {"d", "p", "e"}


def test_the_parameters_written_into_and_their_first_lines():
    fn = parse("def f(x, d, y, z):\n"
               "    x[0] = 1.0\n"
               "    d['k'] = 2.0\n"
               "    y += 1.0\n"
               "    x[1] = 2.0\n"
               "    w = z\n"
               "    return x")[0]
    first, dicts, written = written_parameters(fn, ["x", "d", "y", "z"], {"d"},
                                               lambda node: node.lineno)
    assert first == {"x": 2, "y": 4}
    assert dicts == {"d": 3}
    assert written == ["x"]


def test_a_local_function_bound_in_a_branch_is_refused_with_its_place():
    def error(message, node, hint=""):
        return ValueError(message, node.lineno, hint)

    once = parse("def f(x):\n    def g(v):\n        return v\n    return g(x)")[0]
    check_local_functions(once, error)   # defined once, read after: nothing to refuse
    twice = parse("def f(x, c):\n"
                  "    if c:\n"
                  "        def g(v):\n"
                  "            return v\n"
                  "    else:\n"
                  "        def g(v):\n"
                  "            return -v\n"
                  "    return g(x)")[0]
    try:
        check_local_functions(twice, error)
    except ValueError as refusal:
        message, line, hint = refusal.args
    else:
        raise AssertionError("not refused")
    assert line == 6
    assert message.startswith("the local function 'g' is defined in a branch or a loop")
    assert hint == ("define each function once at the top of the body under its own name, "
                    "and choose between the calls in the branch")
