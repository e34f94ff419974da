"""Methods of the program's own classes and chained assignments (``generator/
class_forms.py``): staticmethods named like ndarray methods, a method called through the
class with a module-level instance or through that instance, chained assignments to items
and tuples, dicts made anew each trip of a loop and written by item, items of containers
copied whole.  Each is written, leaves other programs alone, and is differentiated right
in reverse, forward and second order against finite differences."""

import random
import re

import pytest

from feature_checks import generated
from s2sad import fuzz
from s2sad.fuzz.generator import class_forms
from s2sad.fuzz.refusal_tables import MUST_REFUSE

MODES = ("reverse", "forward", "second")
SHOWS = {"class_methods": r"class Cm\d+:(.|\n)*CM\d+ = Cm\d+\(\)",
         "chained_targets": r", cb\d+ = cc\d+, cd\d+ = |cy\d+y\[0\] = cy\d+y\[-1\] = |"
                            r"cy\d+z = cy\d+y\[0\] = ",
         "set_membership": r" in \{",
         "fresh_dict_loop": r"frq\d+\[[^]]+\] = ",
         "copied_item": r"clq\d+ = (dict|list)?\(?cl\d+\[1\]",
         "object_methods": r"class Co\d+:(.|\n)*CO\d+ = C[os]\d+\(\)"}


#: features refused in some mode by design (must-refuse constructs; module closures and
#: recursive helpers in second order): a program using them says nothing of these forms
_REFUSED_SOMEWHERE = MUST_REFUSE | {"module_closure", "recursive_containers"}


def _first_outcomes(tmp_path, feature, count):
    loader = fuzz._Loader(str(tmp_path))
    outcomes = []
    try:
        for seed in range(3000):
            prog = fuzz.generate(seed, fuzz.ALL_FEATURES - _REFUSED_SOMEWHERE, max_statements=4)
            if feature not in prog.features:
                continue
            outcomes.append((seed, fuzz.check_program(
                prog, MODES, {m: prog.features for m in MODES}, loader)))
            loader.forget()
            if len(outcomes) == count:
                break
    finally:
        loader.close()
    return outcomes


@pytest.mark.parametrize("feature", class_forms.TERM_FEATURES)
def test_the_feature_appears_and_leaves_other_programs_alone(feature):
    written = 0
    for seed in range(200):
        prog = generated(seed, max_statements=6)
        if feature in prog.features:
            written += 1
            assert re.search(SHOWS[feature], prog.source), prog.source
        else:
            other = fuzz.generate(seed, fuzz.ALL_FEATURES - {feature}, max_statements=6)
            assert prog.source == other.source, seed
    assert written >= 4


def test_the_features_leave_the_shared_stream_alone():
    random.seed(21)
    expected = random.random()
    random.seed(21)
    for seed in range(40):
        fuzz.generate(seed, frozenset(class_forms.TERM_FEATURES) | {"straight", "add"},
                      max_statements=4)
    assert random.random() == expected


@pytest.mark.parametrize("feature", class_forms.TERM_FEATURES)
def test_each_probe_is_differentiated_right(tmp_path, feature):
    from s2sad.fuzz.probes import construct_program
    prog = construct_program(feature)
    loader = fuzz._Loader(str(tmp_path))
    try:
        outcome = fuzz.check_program(prog, MODES, {m: prog.features for m in MODES}, loader)
    finally:
        loader.close()
    assert outcome.status == "pass", (outcome.reason, outcome.message)


@pytest.mark.parametrize("feature", class_forms.TERM_FEATURES)
def test_programs_with_the_feature_are_differentiated_in_every_mode(tmp_path, feature):
    outcomes = _first_outcomes(tmp_path, feature, 4)
    assert len(outcomes) == 4
    for seed, outcome in outcomes:
        assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
    assert len([o for _, o in outcomes if o.status == "pass"]) >= 2, \
        [(s, o.reason) for s, o in outcomes]
