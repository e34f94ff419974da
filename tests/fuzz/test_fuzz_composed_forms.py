"""The generator's term a README-only user found wrong (``composed_forms.py``, fixcomp24):
a derivative of a helper taking a function, made in ``f`` and given another function (its
code was made for the parameter's default), composed with ``f``'s transforms."""

import re

from feature_checks import (assert_global_stream_untouched,
                            assert_programs_without_are_unchanged, probe_outcome, statuses)
from s2sad import fuzz
from s2sad.fuzz.constructs import CLAIMED, CONSTRUCTS
from s2sad.fuzz.generator import composed_forms

FEATURES = frozenset(composed_forms.FEATURES)
#: small programs: the term among the op table's expressions only
SMALL = {o.feature for o in list(fuzz.UNARY) + list(fuzz.BINARY) + list(fuzz.CONVERT)} \
    | {"straight"} | FEATURES


def test_the_feature_is_a_claimed_construct_with_a_probe():
    assert FEATURES <= CLAIMED and FEATURES <= set(CONSTRUCTS)


def test_a_program_without_the_construct_is_the_same_program():
    assert_programs_without_are_unchanged(FEATURES, at_least=80)


def test_the_form_leaves_the_shared_stream_alone():
    assert_global_stream_untouched(FEATURES)


def test_every_way_is_written():
    sources = [fuzz.generate(seed, SMALL, max_statements=3).source for seed in range(600)]
    for shape in (r"def fl\d+\(y, c, g=np\.tanh\):", r"def fl\d+\(y, c, g\):",
                  r"s2sad\.grad\(fl\d+\)\(\w+, 0\.7, np\.(sin|cos)\)",
                  r"s2sad\.jvp\(fl\d+\)\(\w+, 0\.7, fq\d+, \w+\)\[1\]",
                  r"s2sad\.hvp\(fl\d+\)\(\w+, -0\.4, np\.cos, ",
                  r"s2sad\.hvp\(fl\d+\)\(\w+, -0\.4, fq\d+, ",
                  r"s2sad\.value_and_grad\(fl\d+, wrt=1\)\(\w+, 0\.6, g=fq\d+\)\[1\]"):
        assert any(re.search(shape, s) for s in sources), shape


def test_programs_with_the_term_are_differentiated_in_every_mode(tmp_path):
    """Against finite differences, in reverse and forward mode and to second order (the
    derivatives of the composed derivative's code, given the function)."""
    found, seen = [], set()
    for seed in range(600):
        prog = fuzz.generate(seed, SMALL, max_statements=3)
        if not FEATURES & set(prog.features):
            continue
        way = re.search(r"s2sad\.\w+\(fl\d+(, wrt=1)?\)\(\w+, [-\d.]+, (g=)?(np\.)?", prog.source)
        key = (way.group(0).split("(")[0], way.group(3) is not None,
               "g=np.tanh" in prog.source)
        if key not in seen:
            seen.add(key)
            found.append((seed, prog))
    assert len(found) >= 8
    # (no failure; a skip: the program and its finite differences over the time limit,
    # its first call making the derivative's code on a loaded machine)
    outcomes = statuses(tmp_path, found, ("reverse", "forward", "second"))
    assert outcomes.count("pass") >= len(found) - 2, outcomes


def test_the_probe_is_differentiated_in_every_mode(tmp_path):
    outcome = probe_outcome(tmp_path, "derivative_function_argument")
    assert outcome.status == "pass", (outcome.reason, outcome.message)
