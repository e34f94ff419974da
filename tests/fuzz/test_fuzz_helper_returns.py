"""The generator's calls of the program's own helpers in two forms (``helper_returns.py``):
a helper returning another helper's result after an early return, which second order once
dropped (the output None), and a derivative of a helper bound to a local name and called
by it, which was refused."""

import random

from s2sad import fuzz
from s2sad.fuzz.generator import helper_returns


def test_a_program_without_the_constructs_is_the_same_program():
    """The forms draw from a stream of their own and bind names out of scope: a program
    of a seed that uses neither is the program of that seed without them."""
    same = 0
    for seed in range(150):
        prog = fuzz.generate(seed, max_statements=8)
        if not prog.features & set(helper_returns.FEATURES):
            other = fuzz.generate(seed, fuzz.ALL_FEATURES - set(helper_returns.FEATURES),
                                  max_statements=8)
            assert prog.source == other.source, seed
            same += 1
    assert same >= 100


def test_the_forms_leave_the_shared_stream_alone():
    random.seed(7)
    expected = random.random()
    random.seed(7)
    for seed in range(60):
        fuzz.generate(seed, frozenset(helper_returns.FEATURES) | {"straight", "add", "mul"},
                      max_statements=4)
    assert random.random() == expected


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
