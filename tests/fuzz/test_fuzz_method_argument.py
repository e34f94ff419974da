"""The generator's ``method_argument`` (``function_forms.py``, fixopen24): a method bound
to a module-level object given to a helper that calls it (``fin3(FM3.rhs, x, 0.3)``),
and the new array the helper returns written into (``fy3[0] *= 1.5``): refused before
(not a function; a write that may change an argument), differentiated now in every mode
and through the command line (whose module imports the object, ``from prog import FM3 as
self``)."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome, statuses)
from s2sad import fuzz
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS

FEATURES = frozenset({"method_argument"})


def test_the_feature_is_a_claimed_construct_with_a_probe():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)


def test_a_program_without_the_construct_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_form_leaves_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


#: a few plain constructs beside it (the programs of every feature take long in second
#: order on a loaded machine)
BESIDE = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh",
                    "np.sum", "for_range", "if", "method_argument"})


def _programs(count, max_statements=4, features=None):
    found = []
    for seed in range(3000):
        prog = fuzz.generate(seed, features, max_statements=max_statements)
        if "method_argument" in prog.features:
            found.append((seed, prog))
            if len(found) == count:
                break
    return found


def test_both_forms_are_written():
    sources = [prog.source for _, prog in _programs(12)]
    for shape in (r"= fin\d+\(FM\d+\.rhs, \w+, ", r"\n    fy\d+\[0\] \*= 1\.5\n",
                  r"\nFM\d+ = FC\d+\("):
        assert any(re.search(shape, s) for s in sources), shape


def test_the_probe_is_differentiated_in_every_mode_and_on_the_command_line(tmp_path):
    for modes in (("reverse", "forward", "second"), ("cli",)):
        outcome = probe_outcome(tmp_path, "method_argument", modes)
        assert outcome.status == "pass", (modes, outcome.reason, outcome.message)


def test_programs_with_the_form_are_differentiated(tmp_path):
    found = statuses(tmp_path, _programs(4, features=BESIDE))
    assert all(s == "pass" or s.startswith("refused:") or s in ("non-smooth", "overflow")
               for s in found), found
    assert "pass" in found, found
