"""Forms that had regression tests but no generator, and forms the README claims that no
row wrote (the generator's ``item_forms.py``; ``module_reads.py``'s from-import): one loop
name for a whole item (``for t in zip(x, C3)``, ``t[0]``), methods given fewer positional
arguments than their functions (``x.clip(-0.3)``, ``x.sum(0)``), ``dp | dq`` of a
helper's dict parameters, generator expressions given to builtins, dicts built by
``{**d, k: v}``, ``dict(d, k=v)``, ``dict(zip(...))``, and ``cfg.SCALE`` read dotted
beside ``from cfg import SCALE``."""

import pytest

from feature_checks import (PLAIN, assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome, programs_using,
                            statuses)
from s2sad import fuzz
from s2sad.fuzz.refusal_tables import MUST_REFUSE, REFUSED_BY_DESIGN
from s2sad.fuzz.generator import item_forms

FEATURES = item_forms.FEATURES + ("module_from_import",)


@pytest.mark.parametrize("feature", FEATURES)
def test_a_program_without_the_construct_is_the_same_program(feature):
    assert_programs_without_are_unchanged({feature})


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES, PLAIN | {"np.sin", "module_attr"}, random_seed=5)


#: (without claim_effects' refusals of a whole program or of a maybe-view's write, drawn
#: beside these forms since, nor the features refused in some mode by design: must-refuse
#: views, recursive helpers in second order)
BESIDE = fuzz.ALL_FEATURES - {"foreign_arg", "maybe_view_write", "unseen_view_write",
                              "overwrite_position", "recursive_containers", "module_closure"} \
    - REFUSED_BY_DESIGN - MUST_REFUSE   # (drawn beside, their refusals would hide the form)


@pytest.mark.parametrize("feature", FEATURES)
def test_programs_with_the_form_are_differentiated_in_every_mode(tmp_path, feature):
    """The first programs using each form (a few statements besides): reverse, forward and
    second order against finite differences; none fails, most pass."""
    found = statuses(tmp_path, programs_using(feature, 5, BESIDE, seeds=1500, max_statements=5))
    assert len(found) == 5 and found.count("pass") >= 3, found


@pytest.mark.parametrize("feature", FEATURES)
def test_the_probe_of_each_form_agrees_with_finite_differences(tmp_path, feature):
    outcome = probe_outcome(tmp_path, feature, ("reverse", "forward"))
    assert outcome.status == "pass", (outcome.reason, outcome.message)
