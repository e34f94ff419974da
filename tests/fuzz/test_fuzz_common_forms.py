"""Forms real numeric code writes all the time, which the README claims and the op table's
rows never wrote (the generator's ``common_forms.py``): Python's builtin ``abs``, an
array's shape as numbers (loop bounds, divisors, ``r, c = m.shape``), and the ndarray
methods ``x.copy()`` (written into after), ``max``, ``min``, ``prod``, ``clip``,
``astype``, ``transpose``, ``T``, ``squeeze``."""

import random

import pytest

from s2sad import fuzz
from s2sad.fuzz.refusal_tables import REFUSED_BY_DESIGN
from s2sad.fuzz.generator import common_forms

FEATURES = common_forms.FEATURES


@pytest.mark.parametrize("feature", FEATURES)
def test_a_program_without_the_construct_is_the_same_program(feature):
    """Each form draws from a stream of its own and binds names out of scope: a program
    of a seed that does not use it is the program of that seed without it."""
    same = 0
    for seed in range(150):
        prog = fuzz.generate(seed, max_statements=8)
        if feature not in prog.features:
            other = fuzz.generate(seed, fuzz.ALL_FEATURES - {feature}, max_statements=8)
            assert prog.source == other.source, seed
            same += 1
    assert same >= 100


def test_the_forms_leave_the_shared_stream_alone():
    """Choosing the forms draws nothing from Python's global random stream."""
    random.seed(5)
    expected = random.random()
    random.seed(5)
    for seed in range(60):
        fuzz.generate(seed, frozenset(FEATURES) | {"straight", "add", "mul", "np.sin"},
                      max_statements=4)
    assert random.random() == expected


@pytest.mark.parametrize("feature", FEATURES)
def test_programs_with_the_form_are_differentiated_in_every_mode(tmp_path, feature):
    """The first programs using each form (a few statements besides): reverse, forward and
    second order against finite differences; none fails, most pass."""
    loader = fuzz._Loader(str(tmp_path))
    outcomes = []
    try:
        for seed in range(400):
            # (without the constructs refused by design, whose refusals would hide it)
            prog = fuzz.generate(seed, fuzz.ALL_FEATURES - (REFUSED_BY_DESIGN - {feature}),
                                 max_statements=5)
            if feature not in prog.features:
                continue
            modes = ("reverse", "forward", "second")
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            outcomes.append(outcome.status)
            if len(outcomes) == 6:
                break
    finally:
        loader.close()
    assert len(outcomes) == 6 and outcomes.count("pass") >= 3, outcomes
