"""The generator's attributes a helper of the user's sets on the object it is given
(``attribute_helper_forms.py``, fixattr25: reverse mode took the last trip's value of
``c.n`` for every trip of a loop calling ``bump(c)``, 12 for 9): a local object's,
differentiated in reverse and forward mode against finite differences and refused in
second order at the helper's write (by design); a module's object's, refused in reverse
mode on its name and in second order, right in forward mode (``REFUSABLE_IN_MODES``)."""

import re
import tempfile

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, generated, probe_outcome,
                            programs_using, statuses)
from s2sad import fuzz
from s2sad.errors import SourceLocation, UnsupportedSyntaxError
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS
from s2sad.fuzz.generator import attribute_helper_forms
from s2sad.fuzz.refusal_tables import (MUST_REFUSE, REFUSABLE_IN_MODES, REFUSED_BY_DESIGN,
                                       must_refuse_in)
from s2sad.fuzz.refusals import _refusal

FEATURES = frozenset(attribute_helper_forms.FEATURES)
#: the features drawn beside the forms: all but those s2sad refuses by design (and in
#: second order: recursive helpers, module closures)
BESIDE = fuzz.ALL_FEATURES - REFUSED_BY_DESIGN - {"recursive_containers", "module_closure"}


def test_the_features_are_claimed_constructs_with_probes():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)
    assert FEATURES <= set(REFUSABLE_IN_MODES) and FEATURES <= REFUSED_BY_DESIGN
    assert "attribute_helper_module" in MUST_REFUSE
    assert must_refuse_in(FEATURES, "reverse") == {"attribute_helper_module"}
    assert must_refuse_in(FEATURES, "second") == {"attribute_helper_module"}
    assert must_refuse_in(FEATURES, "forward") == set()


def test_a_program_without_the_constructs_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


def test_every_form_is_written():
    sources = [generated(seed, None, 4).source for seed in range(800)]
    for shape in (r"= ac\.n \+ 0\.5\n", r"= ac\.n \* 1\.5\n", r"= ac\.n - 0\.25\n",
                  r"= ac\.n % 1\.5 \+ 0\.5\n", r"= ac\.n % 0\.75 \+ 0\.5\n",
                  # (the ways of setting it: stranger 25's, but by name, were not seen)
                  r"\n    ac\.n = ", r"\n    d = ac\n    d\.n = ", r"\n    vars\(ac\)\['n'\] = ",
                  r"\n    setattr\(ac, 'n', ", r"\n    ac\.inc\(\)\n",
                  r"\n    for ai\d+ in range\(3\):\n        aq\d+ = aq\d+ \+ np\.sum\(np\.cos",
                  r"\n    for ai\d+ in range\(3\):\n        az\d+ = a[hw]\d+\(",
                  r"\n    while ai\d+ < 3:\n", r"\n        ai\d+ = ai\d+ \+ 1\n",
                  r"az\d+ = ah\d+\(ao\d+\)", r"az\d+ = aw\d+\(ao\d+\)",
                  r"az\d+ = ah\d+\(AO\d+\)", r"az\d+ = aw\d+\(AO\d+\)",
                  r"np\.tanh\(\w+ \* \w+ \* A?[oO]\d+\.n\)", r"np\.sin\(\w+ \* A?[oO]\d+\.n\)"):
        assert any(re.search(shape, s) for s in sources), shape


def test_a_local_objects_programs_pass_in_first_order_and_are_refused_in_second(tmp_path):
    """The first programs with a local object: right in reverse and forward mode; in
    second order refused at the helper's write (by design)."""
    programs = list(programs_using("attribute_helper_loop", 3,
                                   BESIDE | {"attribute_helper_loop"}))
    assert len(programs) == 3
    found = statuses(tmp_path, programs, ("reverse", "forward"))
    assert found.count("pass") == 3, found
    loader = fuzz._Loader(tempfile.mkdtemp(dir=tmp_path))
    try:
        for seed, prog in programs[:1]:
            outcome = fuzz.check_program(prog, ("second",), {"second": prog.features},
                                         loader)
            assert (outcome.status, outcome.reason) == \
                ("skip", "refused:attribute_helper_loop"), (seed, outcome.message)
    finally:
        loader.close()


def test_a_module_objects_programs_are_refused_in_reverse_mode_right_in_forward(tmp_path):
    """The first programs with a module's object, in all three modes: forward mode is
    checked (no failure), reverse mode and second order refuse (the skip)."""
    programs = list(programs_using("attribute_helper_module", 4,
                                   BESIDE | {"attribute_helper_module"}))
    assert len(programs) == 4
    modes = ("reverse", "forward", "second")
    loader = fuzz._Loader(str(tmp_path))
    refused = 0
    try:
        for seed, prog in programs:
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status == "skip", (seed, outcome.reason, outcome.message)
            assert outcome.reason == "refused:attribute_helper_module", \
                (seed, outcome.reason, outcome.message)
            assert re.search(r"'AO\d+' is read here", outcome.message), outcome.message
            refused += 1
    finally:
        loader.close()
    assert refused == 4   # (through a wrapper too: seeds 172 and 289 were not refused)
    assert statuses(tmp_path, programs[:2], ("forward",)) == ["pass"] * 2


def test_each_probe_is_differentiated_or_refused_as_it_must_be(tmp_path):
    for feature in FEATURES:
        outcome = probe_outcome(tmp_path, feature, ("forward",))
        assert outcome.status == "pass", (feature, outcome.reason, outcome.message)
    outcome = probe_outcome(tmp_path, "attribute_helper_loop", ("reverse",))
    assert outcome.status == "pass", (outcome.reason, outcome.message)
    for feature, mode in (("attribute_helper_loop", "second"),
                          ("attribute_helper_module", "reverse"),
                          ("attribute_helper_module", "second")):
        outcome = probe_outcome(tmp_path, feature, (mode,))
        assert (outcome.status, outcome.reason) == ("skip", f"refused:{feature}"), \
            (mode, outcome.message)


def test_a_refusal_counts_only_in_its_modes_and_where_it_must_fall():
    """The helper's write refused in reverse or forward mode, or the module object's name
    in forward mode, is no deliberate skip: a rejection (a failure of the check)."""
    prog = fuzz.construct_program("attribute_helper_module")
    lines = prog.source.splitlines()

    def refused_at(pattern):
        number = next(i for i, line in enumerate(lines, 1) if re.search(pattern, line))
        column = re.search(pattern, lines[number - 1]).start() + 1
        return UnsupportedSyntaxError("refused", SourceLocation(
            "s2sad_fuzz_probe.py", number, column, lines[number - 1]))
    write, name = refused_at(r"ac\.inc\(\)"), refused_at(r"AO1\)")
    assert _refusal(prog, write, "second")[0] == "refused:attribute_helper_module"
    assert _refusal(prog, name, "reverse")[0] == "refused:attribute_helper_module"
    for exc, mode in ((write, "reverse"), (write, "forward"), (name, "forward"),
                      (name, None)):
        assert _refusal(prog, exc, mode)[0].startswith("rejected:"), mode
