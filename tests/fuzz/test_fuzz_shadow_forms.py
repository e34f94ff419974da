"""The generator's module functions named like builtins the code s2sad writes calls on its
own (``shadow_forms.py``): the module's ``len``, ``range``, ``zip``... unlike the builtin,
called by ``f``, or raising and never called.  s2sad once imported the module's ``len``
and ``range`` for its own loops (a wrong value in every mode, even where ``f`` did not
call them)."""

import random
import re

from s2sad import fuzz
from s2sad.fuzz.generator import shadow_forms

FEATURE = "shadowed_builtins"


def test_a_program_without_the_construct_is_the_same_program():
    """The form draws from a stream of its own and binds names out of scope: a program of
    a seed that does not use it is the program of that seed without it."""
    same = 0
    for seed in range(150):
        prog = fuzz.generate(seed, max_statements=8)
        if FEATURE not in prog.features:
            other = fuzz.generate(seed, fuzz.ALL_FEATURES - {FEATURE}, max_statements=8)
            assert prog.source == other.source, seed
            same += 1
    assert same >= 100


def test_the_form_leaves_the_shared_stream_alone():
    random.seed(7)
    expected = random.random()
    random.seed(7)
    for seed in range(60):
        fuzz.generate(seed, frozenset(shadow_forms.FEATURES) | {"straight", "add", "mul"},
                      max_statements=4)
    assert random.random() == expected


def _programs(count):
    for seed in range(3000):
        prog = fuzz.generate(seed, max_statements=4)
        if FEATURE in prog.features:
            yield seed, prog
            count -= 1
            if not count:
                return


def test_every_shadow_is_written():
    """Each module function of the table, and a raising one, appear in some program; the
    name is called nowhere else in it."""
    sources = [prog.source for _, prog in _programs(60)]
    for name, _, _ in shadow_forms.SHADOWS:
        assert any(re.search(rf"^def {name}\(", s, re.M) for s in sources), name
    assert any(re.search(r"^def \w+\(\*args\):\n    raise RuntimeError", s, re.M)
               for s in sources)


def test_programs_with_the_form_are_differentiated_in_every_mode(tmp_path):
    """The first programs using the form (a few statements besides): reverse, forward and
    second order against finite differences; none fails, half pass at least."""
    loader = fuzz._Loader(str(tmp_path))
    outcomes = []
    try:
        for seed, prog in _programs(8):
            modes = ("reverse", "forward", "second")
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            outcomes.append(outcome.status)
    finally:
        loader.close()
    assert len(outcomes) == 8 and outcomes.count("pass") >= 4, outcomes   # (the skips:
    # other features of the programs refused in some mode by design, or slow)
