"""The generator's module functions named like builtins the code s2sad writes calls on its
own (``shadow_forms.py``): the module's ``len``, ``range``, ``zip``... unlike the builtin,
called by ``f``, or raising and never called.  s2sad once imported the module's ``len``
and ``range`` for its own loops (a wrong value in every mode, even where ``f`` did not
call them)."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, programs_using, statuses)
from s2sad.fuzz.generator import shadow_forms

FEATURE = "shadowed_builtins"


def test_a_program_without_the_construct_is_the_same_program():
    assert_programs_without_are_unchanged({FEATURE})


def test_the_form_leaves_the_shared_stream_alone():
    assert_global_stream_untouched(shadow_forms.FEATURES)


def _programs(count):
    return programs_using(FEATURE, count)


def test_every_shadow_is_written():
    """Each module function of the table, and a raising one, appear in some program; the
    name is called nowhere else in it."""
    sources = [prog.source for _, prog in _programs(100)]   # (all by the 85th, 2026-12-06)
    for name, _, _ in shadow_forms.SHADOWS:
        assert any(re.search(rf"^def {name}\(", s, re.M) for s in sources), name
    assert any(re.search(r"^def \w+\(\*args\):\n    raise RuntimeError", s, re.M)
               for s in sources)


def test_programs_with_the_form_are_differentiated_in_every_mode(tmp_path):
    """The first programs using the form (a few statements besides): reverse, forward and
    second order against finite differences; none fails, half pass at least (the skips:
    other features of the programs refused in some mode by design, or slow)."""
    found = statuses(tmp_path, _programs(8))
    assert len(found) == 8 and found.count("pass") >= 4, found
