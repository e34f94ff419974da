"""The generator's forms a README-only user found refused (``stranger23_forms.py``): a
generator made with a fixed seed in the function and drawn from by a method (a numpy
Generator's, a RandomState's, a random.Random's); a Generator of the module drawn from
in f (the checker puts it back before each call); call statements whose callee writes
into nothing."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome)
from s2sad import fuzz
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS
from s2sad.fuzz.generator import stranger23_forms
from s2sad.fuzz.refusal_tables import REFUSED_BY_DESIGN

FEATURES = frozenset(stranger23_forms.FEATURES)


def test_the_features_are_claimed_constructs_with_probes():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)


def test_a_program_without_the_constructs_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


def test_every_form_is_written():
    sources = [fuzz.generate(seed, max_statements=4).source for seed in range(600)]
    for shape in (r"rg\d+ = np\.random\.default_rng\(", r"rg\d+ = np\.random\.RandomState\(",
                  r"rg\d+ = random\.Random\(", r"re\d+ = rg\d+\.standard_normal\(3\)",
                  r"re\d+ = rg\d+\.gauss\(", r"^    np\.exp\(\w+\)$", r"^    len\(\w+\)$",
                  r"^    \w+\.sum\(\)$", r"^    math\.log\(abs\(", r"^    np\.linalg\.norm\(",
                  r"^DRAWN\d+ = np\.random\.default_rng\(\d+\)$",
                  r"dm\d+ = DRAWN\d+\.standard_normal\(3\)", r"dm\d+ = DRAWN\d+\.uniform\("):
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
            if not used or used <= seen and len(outcomes) >= 3:
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
    assert seen == FEATURES and outcomes.count("pass") >= len(outcomes) - 2, outcomes


def test_each_probe_is_differentiated_in_every_mode(tmp_path):
    for feature in sorted(FEATURES):
        outcome = probe_outcome(tmp_path, feature)
        assert outcome.status == "pass", (feature, outcome.reason, outcome.message)


def test_the_module_draws_check_finds_columns_drawn_anew(tmp_path, monkeypatch):
    """Were the draws not put back between a Hessian's columns (the bug stranger23
    found), the second-order check of the probe would fail."""
    from s2sad.api import draws
    monkeypatch.setattr(draws.SavedStates, "restore", lambda self: None)
    outcome = probe_outcome(tmp_path, "draw_module_generator", modes=("second",))
    assert outcome.status == "fail" and "Hessian" in outcome.message, outcome
