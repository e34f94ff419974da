"""The generator's ``item_sharing`` (``function_forms.py``, fixopen24): an item of an
array read by a local function before a write into the array's other items (``ia3 =
ic3[0]``, ``ig3 = lambda v: ia3 * v``, ``ic3[1:] = ...``), and what an integer-list index
gives written into (``iz3 = ic3[[2, 0]]``, ``iz3[0] = ...``): neither shares memory with
the array, and both were refused as sharing it; differentiated now in every mode."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome, statuses)
from s2sad import fuzz
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS

FEATURES = frozenset({"item_sharing"})
#: a few plain constructs beside it (second order of every feature's programs is slow)
BESIDE = frozenset({"straight", "reassign", "add", "mul", "sub", "np.sin", "np.tanh",
                    "np.sum", "for_range", "if", "item_sharing"})


def _programs(count, features=None, max_statements=4):
    found = []
    for seed in range(3000):
        prog = fuzz.generate(seed, features, max_statements=max_statements)
        if "item_sharing" in prog.features:
            found.append((seed, prog))
            if len(found) == count:
                break
    return found


def test_the_feature_is_a_claimed_construct_with_a_probe():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)


def test_a_program_without_the_construct_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_form_leaves_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


def test_both_forms_are_written():
    sources = [prog.source for _, prog in _programs(12)]
    for shape in (r"\n    ig\d+ = lambda v: ia\d+ \* v\n    ic\d+\[1:\] = np\.cos\(",
                  r"\n    iz\d+ = ic\d+\[\[2, 0\]\]\n    iz\d+\[0\] = np\.sin\("):
        assert any(re.search(shape, s) for s in sources), shape


def test_the_probe_is_differentiated_in_every_mode(tmp_path):
    outcome = probe_outcome(tmp_path, "item_sharing")
    assert outcome.status == "pass", (outcome.reason, outcome.message)


def test_programs_with_the_form_are_differentiated(tmp_path):
    found = statuses(tmp_path, _programs(4, BESIDE))
    assert all(s == "pass" or s.startswith("refused:") or s in ("non-smooth", "overflow")
               for s in found), found
    assert "pass" in found, found
