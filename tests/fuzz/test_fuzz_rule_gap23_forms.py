"""The generator's forms the rule tables refused or got wrong (``rule_gap23_forms.py``):
numpy's integer- and bool-valued functions of a differentiated vector as indices and
masks (refused by forward mode, hvp and hessian before); an infinite entry of the data
divided by a differentiated value under ``exp`` (a ``nan`` derivative before)."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome)
from s2sad import fuzz
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS
from s2sad.fuzz.generator import rule_gap23_forms
from s2sad.fuzz.refusal_tables import REFUSED_BY_DESIGN

FEATURES = frozenset(rule_gap23_forms.FEATURES)


def test_the_features_are_claimed_constructs_with_probes():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)


def test_a_program_without_the_constructs_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


def test_every_form_is_written():
    sources = [fuzz.generate(seed, max_statements=4).source for seed in range(600)]
    for shape in (r"np\.argpartition\(ik\d+, 1\)", r"np\.lexsort\(", r"np\.nanargmax\(",
                  r"np\.diag_indices_from\(", r"np\.tril_indices_from\(", r"np\.isin\(",
                  r"-ig\d+ \* np\.log\(", r"np\.exp\(-ie\d+ / ig\d+\) \* "):
        assert any(re.search(shape, s, re.M) for s in sources), shape


#: the features programs are drawn from: all but those s2sad refuses by design
BESIDE = fuzz.ALL_FEATURES - REFUSED_BY_DESIGN


def test_programs_with_the_forms_are_differentiated_in_every_mode(tmp_path):
    loader = fuzz._Loader(str(tmp_path))
    seen, outcomes = set(), []
    try:
        for seed in range(800):
            # (without the features refused by design, whose refusals would hide these)
            prog = fuzz.generate(seed, max_statements=4, features=BESIDE)
            used = FEATURES & set(prog.features)
            if not used or (used <= seen and len(outcomes) >= 4):
                continue
            seen |= used
            modes = ("reverse", "forward", "second")
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            outcomes.append(outcome.status)
            if seen == FEATURES and len(outcomes) >= 3:
                break
    finally:
        loader.close()
    assert seen == FEATURES and outcomes.count("pass") >= len(outcomes) - 1, outcomes


def test_each_probe_is_differentiated_in_every_mode(tmp_path):
    for feature in sorted(FEATURES):
        outcome = probe_outcome(tmp_path, feature)
        assert outcome.status == "pass", (feature, outcome.reason, outcome.message)
