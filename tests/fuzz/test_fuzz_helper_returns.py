"""The generator's calls of the program's own helpers in two forms (``helper_returns.py``):
a helper returning another helper's result after an early return, which second order once
dropped (the output None), and a derivative of a helper bound to a local name and called
by it, which was refused."""

from feature_checks import assert_global_stream_untouched, assert_programs_without_are_unchanged
from s2sad import fuzz
from s2sad.fuzz.generator import helper_returns


def test_a_program_without_the_constructs_is_the_same_program():
    assert_programs_without_are_unchanged(helper_returns.FEATURES)


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(helper_returns.FEATURES)


def test_programs_with_the_forms_are_differentiated_in_every_mode(tmp_path):
    """The first programs using each form (a few statements besides): reverse, forward
    and second order against finite differences; none fails, three of each pass (the
    others skipped: a must-refuse feature beside, a timeout)."""
    loader = fuzz._Loader(str(tmp_path))
    outcomes = {feature: [] for feature in helper_returns.FEATURES}

    def enough(found):
        return found.count("pass") >= 3 or len(found) >= 10

    try:
        for seed in range(800):
            prog = fuzz.generate(seed, max_statements=4)
            wanted = [f for f in helper_returns.FEATURES
                      if f in prog.features and not enough(outcomes[f])]
            if not wanted:
                continue
            modes = ("reverse", "forward", "second")
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            for feature in wanted:
                outcomes[feature].append(outcome.status)
            if all(enough(found) for found in outcomes.values()):
                break
    finally:
        loader.close()
    for feature, found in outcomes.items():
        assert found.count("pass") >= 3, (feature, found)
