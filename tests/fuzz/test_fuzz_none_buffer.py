"""The ``out=None`` idiom (feature ``none_buffer``): ``def f(..., ob=None)``, ``if ob is
None: ob = <new array>``, then a write into ``ob``; the caller passes None or an array.
The programs agree with finite differences in every mode (the copy of a written argument
once made None a 0-d array: ``ob is None`` false, wrong values or numpy errors)."""

import numpy as np

from s2sad import fuzz
from s2sad.fuzz.constructs import ALL_FEATURES


def _programs(count, first=0):
    progs, seed = [], first
    while len(progs) < count:
        prog = fuzz.generate(seed, max_statements=5)
        if "none_buffer" in prog.features:
            progs.append(prog)
        seed += 1
    return progs


def test_both_calls_are_generated():
    kinds = {next(p.kind for p in prog.params if p.name == "ob") for prog in _programs(20)}
    assert kinds == {"none", "float"}


def test_a_program_without_it_is_the_same_program():
    same = 0
    for seed in range(40):
        prog = fuzz.generate(seed, max_statements=5)
        if "none_buffer" not in prog.features:
            other = fuzz.generate(seed, ALL_FEATURES - {"none_buffer"}, max_statements=5)
            assert prog.source == other.source
            same += 1
    assert same >= 20


def test_none_buffers_agree_with_finite_differences(tmp_path):
    modes = ("reverse", "forward", "second")
    loader = fuzz._Loader(str(tmp_path))
    outcomes = {}
    try:
        for prog in _programs(14, first=3000):
            outcome = fuzz.check_program(prog, modes, {m: ALL_FEATURES for m in modes}, loader)
            outcomes[outcome.status] = outcomes.get(outcome.status, 0) + 1
            assert outcome.status == "pass" or (
                outcome.status == "skip" and "none_buffer" not in outcome.reason), \
                (prog.seed, outcome, prog.source)
    finally:
        loader.close()
    assert outcomes.get("pass", 0) >= 10, outcomes


def test_the_probe_is_passed_none():
    prog = fuzz.construct_program("none_buffer")
    assert prog.args()[1] is None
    assert np.isfinite(prog.args()[0]).all()
