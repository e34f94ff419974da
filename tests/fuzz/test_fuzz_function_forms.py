"""The generator's forms a README-only user found refused (``function_forms.py``): a
function passed to a helper and called there (by name, numpy's, two levels down, as the
helper's default); imports at the top of ``f``'s body and of a helper's."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome)
from s2sad import fuzz
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS
from s2sad.fuzz.generator import function_forms
from s2sad.fuzz.refusal_tables import REFUSED_BY_DESIGN

FEATURES = frozenset(function_forms.FEATURES)


def test_the_features_are_claimed_constructs_with_probes():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)


def test_a_program_without_the_constructs_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


def test_every_form_is_written():
    sources = [fuzz.generate(seed, max_statements=4).source for seed in range(600)]
    for shape in (r"fs\d+\(fr\d+, ", r"fa\d+\(np\.\w+, ", r"fw\d+\(fr\d+, ",
                  r"def fd\d+\(y, c, g=fr\d+\)", r"^    import math as mi\d+$",
                  r"^    from numpy import \w+ as ti\d+$", r"^    import numpy as npl$"):
        assert any(re.search(shape, s, re.M) for s in sources), shape


#: the features programs are drawn from: all but those s2sad refuses by design
BESIDE = fuzz.ALL_FEATURES - REFUSED_BY_DESIGN


def test_programs_with_the_forms_are_differentiated_in_every_mode(tmp_path):
    loader = fuzz._Loader(str(tmp_path))
    passed, outcomes = set(), []
    try:
        for seed in range(800):
            prog = fuzz.generate(seed, max_statements=4, features=BESIDE)
            used = FEATURES & set(prog.features)
            if not used or used <= passed:
                continue
            modes = ("reverse", "forward", "second")
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            # (a skip: another construct's refusal by design, a closure or recursive
            # helper second order cannot inline)
            assert outcome.status == "pass" or outcome.reason.startswith("refused:"), outcome
            outcomes.append(outcome.status)
            if outcome.status == "pass":
                passed |= used
            if passed == FEATURES:
                break
    finally:
        loader.close()
    assert passed == FEATURES, outcomes


def test_each_probe_is_differentiated_in_every_mode(tmp_path):
    for feature in sorted(FEATURES):
        outcome = probe_outcome(tmp_path, feature)
        assert outcome.status == "pass", (feature, outcome.reason, outcome.message)
