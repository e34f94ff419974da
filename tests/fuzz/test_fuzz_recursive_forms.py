"""The generator's recursive helpers over nested containers (``recursive_forms.py``): a
helper of the program's own recursing over a mix of lists, tuples, dicts, numbers and
arrays built in ``f``, which reverse mode once differentiated wrong (the gradient of one
kind of item dropped) or crashed on (nested tuples and dicts)."""

import random
import re

from s2sad import fuzz
from s2sad.fuzz.generator import recursive_forms

FEATURE = "recursive_containers"


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
        fuzz.generate(seed, frozenset(recursive_forms.FEATURES) | {"straight", "add", "mul"},
                      max_statements=4)
    assert random.random() == expected


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
    loader = fuzz._Loader(str(tmp_path))
    outcomes = []
    try:
        for seed in range(600):
            prog = fuzz.generate(seed, max_statements=4)
            if FEATURE not in prog.features:
                continue
            modes = ("reverse", "forward", "second")
            outcome = fuzz.check_program(prog, modes, {m: prog.features for m in modes},
                                         loader)
            assert outcome.status != "fail", (seed, outcome.reason, outcome.message)
            first = fuzz.check_program(prog, ("reverse", "forward"),
                                       {m: prog.features for m in ("reverse", "forward")},
                                       loader)
            assert first.status != "fail", (seed, first.reason, first.message)
            outcomes.append(first.status)
            if len(outcomes) == 8:
                break
    finally:
        loader.close()
    assert len(outcomes) == 8 and outcomes.count("pass") >= 5, outcomes
