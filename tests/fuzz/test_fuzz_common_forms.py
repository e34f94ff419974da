"""Forms real numeric code writes all the time, which the README claims and the op table's
rows never wrote (the generator's ``common_forms.py``): Python's builtin ``abs``, an
array's shape as numbers (loop bounds, divisors, ``r, c = m.shape``), and the ndarray
methods ``x.copy()`` (written into after), ``max``, ``min``, ``prod``, ``clip``,
``astype``, ``transpose``, ``T``, ``squeeze``."""

import pytest

from feature_checks import (PLAIN, assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, programs_using, statuses)
from s2sad import fuzz
from s2sad.fuzz.refusal_tables import REFUSED_BY_DESIGN
from s2sad.fuzz.generator import common_forms

FEATURES = common_forms.FEATURES


@pytest.mark.parametrize("feature", FEATURES)
def test_a_program_without_the_construct_is_the_same_program(feature):
    assert_programs_without_are_unchanged({feature})


def test_the_forms_leave_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES, PLAIN | {"np.sin"}, random_seed=5)


@pytest.mark.parametrize("feature", FEATURES)
def test_programs_with_the_form_are_differentiated_in_every_mode(tmp_path, feature):
    """The first programs using each form (a few statements besides): reverse, forward and
    second order against finite differences; none fails, most pass (drawn without the
    constructs refused by design, whose refusals would hide it)."""
    beside = fuzz.ALL_FEATURES - (REFUSED_BY_DESIGN - {feature})
    found = statuses(tmp_path, programs_using(feature, 6, beside, seeds=400, max_statements=5))
    assert len(found) == 6 and found.count("pass") >= 3, found
