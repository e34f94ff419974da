"""The generator's recursive helpers over nested containers (``recursive_forms.py``): a
helper of the program's own recursing over a mix of lists, tuples, dicts, numbers and
arrays built in ``f``, which reverse mode once differentiated wrong (the gradient of one
kind of item dropped) or crashed on (nested tuples and dicts)."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, programs_using, statuses)
from s2sad import fuzz
from s2sad.fuzz.generator import recursive_forms

FEATURE = "recursive_containers"


def test_a_program_without_the_construct_is_the_same_program():
    assert_programs_without_are_unchanged({FEATURE})


def test_the_form_leaves_the_shared_stream_alone():
    assert_global_stream_untouched(recursive_forms.FEATURES)


#: a line of each helper shape, as the program's source spells it
SHAPES = (r"s = s \+ rc\d+\(t\[k\], w \* 0\.5\)", r"return sum\(\(rc\d+\(v\) for v in t\.values\(\)\)\)",
          r"total = total \+ \(i \+ 1\.0\) \* rc\d+\(t\[i\]\)", r"return np\.sum\(t \*\* 2\)",
          r"return \[rm\d+\(c\) for c in t\]")


def test_every_helper_shape_is_written():
    """Each helper of the table and the mapping one appear in some program, over trees
    of every kind of container."""
    sources = [fuzz.generate(seed, max_statements=4).source for seed in range(500)]
    for shape in SHAPES + (r"rn\d+ = \[", r"rn\d+ = \(", r"rn\d+ = \{"):
        assert any(re.search(shape, s) for s in sources), shape


def test_programs_with_the_form_are_differentiated_in_every_mode(tmp_path):
    """The first programs using the form (a few statements besides): reverse and forward
    against finite differences, second order (refused for a recursive helper, as the
    README says: a skip, never a failure); none fails, most pass."""
    programs = list(programs_using(FEATURE, 4, seeds=600))
    statuses(tmp_path, programs[:2])   # (second order: a skip where refused, no failure)
    found = statuses(tmp_path, programs, ("reverse", "forward"))
    assert len(found) == 4 and found.count("pass") >= 3, found
